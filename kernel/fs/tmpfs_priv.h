/*
 * Shared by tmpfs.c (the inodes and names) and tmpfs_super.c (instances,
 * mount options, statfs).
 */
#ifndef TMPFS_PRIV_H
#define TMPFS_PRIV_H

#include <kernel/fs.h>

struct tmpfs_sb {
	uint64_t max_pages, used_pages; /* atomic */
	uint64_t max_inodes, inodes;	/* atomic */
	uint32_t root_mode, root_uid, root_gid;
	/* atomic: 1 while mounted, + 1 per inode; the last frees the
	 * instance (an inode may outlive the umount: a mapping holds it) */
	uint64_t refs;
};

/* Drop a reference to the instance sb; the last frees it. */
void tmpfs_sb_put(struct super_block *sb);

/* A new inode in dir (NULL: the root) for the current process, within the
 * instance's limits: NULL with *err (-ENOSPC, -ENOMEM). */
struct inode *tmpfs_new(struct super_block *sb, struct inode *dir,
			uint32_t mode, uint32_t rdev, int *err);

/* For an instance that outlives its mounts (devtmpfs): no put_super. */
extern const struct super_ops tmpfs_kept_super_ops;

#endif
