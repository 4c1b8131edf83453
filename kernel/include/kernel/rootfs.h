/*
 * The root file system from a disk (kernel/init/rootfs.c), read from the
 * command line as Linux reads it:
 *
 *   root=/dev/sda1 | sda1 | PARTUUID=<GPT GUID, or MBR's SSSSSSSS-PP>
 *        | UUID=<the ext2 superblock's UUID>
 *   rootfstype=ext2[,...]  the types to try, in order (default ext2)
 *   rootwait[=S]           wait for the device, for ever or S seconds,
 *                          saying so every 5 s; without it, 2 s for the
 *                          drivers to settle, then fail
 *   rootdelay=S            sleep S seconds first
 *   ro | rw                read-only or read-write; rastOS mounts
 *                          read-write unless "ro" (Linux mounts ro and
 *                          leaves the remount to init)
 *
 * proc_start_init uses it when root= is given and the initramfs has no
 * init of its own (rdinit=, or /init): those take over root= instead.
 */
#ifndef KERNEL_ROOTFS_H
#define KERNEL_ROOTFS_H

#include <stdbool.h>

/* Did the command line ask for a root from disk (root=)? */
bool rootfs_wanted(void);
/*
 * Find (and wait for) the device, mount it as the root of the tree: 0,
 * or -errno after one "root: cannot mount ..." line. For PID 1 before its
 * exec; its fs_context still points at the old root afterwards.
 */
int rootfs_mount(void);
/* devtmpfs on /dev, if the new root has a /dev (CONFIG_DEVTMPFS_MOUNT). */
void rootfs_mount_devtmpfs(void);

#endif
