/*
 * Bringing up the file layer: the caches, the root tmpfs filled from the
 * initramfs, devtmpfs and the devices in it.
 */
#include <kernel/fs.h>
#include <kernel/panic.h>

#include "fs_priv.h"

void fs_init(void)
{
	inode_init();
	dcache_init();
	file_cache_init();
	anon_init();
	if (tmpfs_mount_root())
		panic("fs: no root file system");
	memfd_init();
	devtmpfs_init();
	procfs_init();
	sysfs_init();
	writeback_init(); /* the flusher thread */
	ext2_init();
	chardev_init_mem();
	devpts_init();
	initramfs_init(); /* logs what it found, or why it has nothing */
}
