/*
 * Bringing up the file layer: the inode caches, then the initramfs as
 * the root of the file tree.
 */
#include <kernel/fs.h>
#include <kernel/printk.h>

#include "fs_priv.h"


void fs_init(void)
{
	inode_init();
	initramfs_init(); /* logs what it found, or why it has nothing */
}
