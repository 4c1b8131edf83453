/*
 * sysfs (mount -t sysfs sysfs /sys), minimal: a read-only tree of the
 * directories where programs look for devices and kernel objects
 * (block, bus, class, dev, devices, firmware, fs, kernel, module,
 * power), in which drivers add their files (<kernel/sysfs.h>,
 * sysfs_node.c: PCI's devices). One instance, made at boot (a tmpfs
 * kept in the dcache), shown by every mount.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "fs_priv.h"
#include "tmpfs_priv.h"

static struct super_block *sys_sb;

static int sysfs_mount(const struct fs_type *type, const char *source,
		       unsigned long flags, const char *options,
		       struct super_block **out)
{
	if (!sys_sb)
		return -ENODEV;
	*out = sys_sb;
	return 0;
}

static struct fs_type sysfs_type = {
	.name = "sysfs",
	.nodev = true,
	.mount = sysfs_mount,
};

static int sysfs_statfs(struct super_block *sb, struct statfs_k *st)
{
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops sysfs_super_ops = {
	.statfs = sysfs_statfs,
};

struct dentry *sysfs_root(void)
{
	return sys_sb ? sys_sb->root : NULL;
}

static int make_dir(const char *name)
{
	struct inode *dir = sys_sb->root->inode;
	struct dentry *d;
	int err;

	namespace_lock();
	err = vfs_child(sys_sb->root, name, &d);
	if (!err) {
		err = d->inode ? -EEXIST : dir->ops->mkdir(dir, d, 0755);
		d_put(d);
	}
	namespace_unlock();
	return err;
}

void sysfs_init(void)
{
	static const char *const dirs[] = {
		"block",    "bus", "class",  "dev",    "devices",
		"firmware", "fs",  "kernel", "module", "power",
	};
	int err =
		tmpfs_type.mount(&tmpfs_type, "sysfs", 0, "mode=0755", &sys_sb);

	for (size_t i = 0; !err && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		err = make_dir(dirs[i]);
	if (!err) {
		sys_sb->ops = &sysfs_super_ops; /* lives on unmounted */
		sys_sb->type = &sysfs_type;
		sys_sb->magic = SYSFS_MAGIC;
		sys_sb->flags |= MS_RDONLY; /* nothing to write, as on Linux */
		err = fs_register(&sysfs_type);
	}
	if (err) {
		sys_sb = NULL;
		klog(KLOG_ERR, "sysfs: not available (%d)\n", err);
	}
}
