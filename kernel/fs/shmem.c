/*
 * Shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS): an inode with
 * no file behind it, whose page cache is the memory. Pages start zeroed
 * (inode_get_page zeroes new pages; there is nothing to read) and live
 * as long as any mapping holds the inode.
 */
#include <kernel/fs.h>

#include "fs_priv.h"

struct inode *shmem_create(uint64_t size)
{
	struct inode *in = inode_alloc(NULL, S_IFREG | 0600, NULL, NULL);

	if (in)
		in->size = size;
	return in;
}
