/*
 * Helpers of the ext2 host tests and fuzzer (test_ext2.c, fuzz_ext2.c):
 * the VFS (vfs_shim), the block layer (blk_shim) and kernel/fs/ext2,
 * driven through the kernel's own calls.
 */
#ifndef EXT2_HOST_H
#define EXT2_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blk_shim.h"
#include "vfs_shim.h"

/* Register ext2 once; make /disk_N for bdev in the sandbox and mount it
 * at mnt (made): 0 or -errno. */
long ext2_host_mount(struct block_device *bdev, const char *mnt,
		     unsigned long flags);

/* Whole-file I/O through the file operations: bytes, or -errno. */
long ext2_host_write(const char *path, const void *buf, size_t n, uint64_t off,
		     int oflags);
long ext2_host_read(const char *path, void *buf, size_t n, uint64_t off);

/* Walk the tree at path (depth and entries bounded: a corrupt tree may
 * loop), reading every file and link: entries seen, or -errno of the
 * first failure if stop_on_error. */
long ext2_host_walk(const char *path, bool stop_on_error);

#endif
