/*
 * devtmpfs: one tmpfs instance, made at boot, in which drivers make the
 * nodes of their devices (devtmpfs_create); every mount of "devtmpfs"
 * shows that same instance, as Linux's does, so /dev is filled before
 * user space mounts it. Nodes added later (mknod, a new terminal) stay.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "fs_priv.h"
#include "tmpfs_priv.h"

static struct super_block *dev_sb;

static int devtmpfs_mount(const struct fs_type *type, const char *source,
			  unsigned long flags, const char *options,
			  struct super_block **out)
{
	(void)type;
	(void)source;
	(void)flags;
	(void)options;
	if (!dev_sb)
		return -ENODEV;
	*out = dev_sb;
	return 0;
}

static struct fs_type devtmpfs_type = {
	.name = "devtmpfs",
	.nodev = true,
	.mount = devtmpfs_mount,
};

int devtmpfs_create(const char *name, uint32_t mode, uint32_t dev)
{
	struct inode *dir;
	struct dentry *d;
	int err;

	if (!dev_sb)
		return -ENODEV;
	dir = dev_sb->root->inode;
	namespace_lock();
	err = vfs_child(dev_sb->root, name, &d);
	if (!err) {
		if (!d->inode)
			err = dir->ops->create(dir, d, mode, dev);
		else
			err = -EEXIST;
		d_put(d);
	}
	namespace_unlock();
	return err;
}

void devtmpfs_init(void)
{
	int err = tmpfs_type.mount(&tmpfs_type, "devtmpfs", 0, "mode=0755",
				   &dev_sb);

	if (!err) {
		dev_sb->ops = &tmpfs_kept_super_ops; /* lives on unmounted */
		dev_sb->type = &devtmpfs_type;
		err = fs_register(&devtmpfs_type);
	}
	if (err) {
		dev_sb = NULL;
		klog(KLOG_ERR, "devtmpfs: not available (%d)\n", err);
	}
}
