/*
 * devpts: the slave ends of pseudo-terminals, /dev/pts/N (<kernel/fs.h>).
 * One tmpfs instance made at boot in which the pty driver adds a node
 * when a pair is opened and takes it away when the master closes; every
 * mount of "devpts" shows that instance (Linux's single-instance
 * devpts), and a mount's options set how later nodes are made:
 * uid=N, gid=N (default: the opener's), mode=OCTAL (default 0600),
 * ptmxmode=OCTAL (the instance's own ptmx node, default 0000).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "fs_priv.h"
#include "tmpfs_priv.h"

#define PTMX_DEV MKDEV(5, 2)

static struct super_block *pts_sb;

static struct {
	bool set_uid, set_gid;
	uint32_t uid, gid, mode, ptmx_mode;
} opts = {.mode = 0600};

static int parse_number(const char *s, int base, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, base);

	if (end == s || *end || v > 0xffffffffu)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_option(char *opt)
{
	char *val = strchr(opt, '=');
	uint32_t v;
	int err;

	if (!strcmp(opt, "newinstance"))
		return 0; /* there is one instance; it is that */
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	err = parse_number(
		val, !strcmp(opt, "mode") || !strcmp(opt, "ptmxmode") ? 8 : 10,
		&v);
	if (err)
		return err;
	if (!strcmp(opt, "uid")) {
		opts.uid = v;
		opts.set_uid = true;
	} else if (!strcmp(opt, "gid")) {
		opts.gid = v;
		opts.set_gid = true;
	} else if (!strcmp(opt, "mode")) {
		opts.mode = v & 07777;
	} else if (!strcmp(opt, "ptmxmode")) {
		opts.ptmx_mode = v & 07777;
	} else if (strcmp(opt, "max")) {
		return -EINVAL;
	}
	return 0;
}

/* Options apply in order; an error leaves those before it applied. */
static int parse_options(const char *options)
{
	size_t len = options ? strlen(options) : 0;
	char *copy, *opt, *next;
	int err = 0;

	if (!len)
		return 0;
	copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	strlcpy(copy, options, len + 1);
	for (opt = copy; !err && opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (*opt)
			err = parse_option(opt);
	}
	kfree(copy);
	return err;
}

/* A node in the instance's root, owned as given: 0 or -errno. */
static int add_node(const char *name, uint32_t mode, uint32_t dev, uint32_t uid,
		    uint32_t gid)
{
	struct inode *dir = pts_sb->root->inode;
	struct dentry *d;
	int err;

	namespace_lock();
	err = vfs_child(pts_sb->root, name, &d);
	if (!err) {
		err = d->inode ? -EEXIST : dir->ops->create(dir, d, mode, dev);
		if (!err) {
			d->inode->uid = uid;
			d->inode->gid = gid;
		}
		d_put(d);
	}
	namespace_unlock();
	return err;
}

static void update_ptmx_mode(void)
{
	struct dentry *d;

	namespace_lock();
	if (!vfs_child(pts_sb->root, "ptmx", &d)) {
		if (d->inode)
			d->inode->mode = S_IFCHR | opts.ptmx_mode;
		d_put(d);
	}
	namespace_unlock();
}

static int devpts_mount(const struct fs_type *type, const char *source,
			unsigned long flags, const char *options,
			struct super_block **out)
{
	int err;

	(void)type;
	(void)source;
	(void)flags;
	if (!pts_sb)
		return -ENODEV;
	err = parse_options(options);
	if (err)
		return err;
	update_ptmx_mode();
	*out = pts_sb;
	return 0;
}

static struct fs_type devpts_type = {
	.name = "devpts",
	.nodev = true,
	.mount = devpts_mount,
};

int devpts_add(unsigned int index, uint32_t dev)
{
	const struct cred *c = fs_cred();
	char name[12];

	if (!pts_sb)
		return -ENODEV;
	snprintf(name, sizeof(name), "%u", index);
	return add_node(name, S_IFCHR | opts.mode, dev,
			opts.set_uid ? opts.uid : c->fsuid,
			opts.set_gid ? opts.gid : c->fsgid);
}

void devpts_remove(unsigned int index)
{
	struct inode *dir;
	struct dentry *d;
	char name[12];

	if (!pts_sb)
		return;
	dir = pts_sb->root->inode;
	snprintf(name, sizeof(name), "%u", index);
	namespace_lock();
	if (!vfs_child(pts_sb->root, name, &d)) {
		if (d->inode && dir->ops->unlink(dir, d))
			klog(KLOG_WARN, "devpts: pts/%s stays\n", name);
		d_put(d);
	}
	namespace_unlock();
}

void devpts_init(void)
{
	int err = tmpfs_type.mount(&tmpfs_type, "devpts", 0, "mode=0755",
				   &pts_sb);

	if (!err) {
		pts_sb->ops = &tmpfs_kept_super_ops; /* lives on unmounted */
		pts_sb->type = &devpts_type;
		pts_sb->magic = DEVPTS_SUPER_MAGIC;
		err = add_node("ptmx", S_IFCHR | opts.ptmx_mode, PTMX_DEV, 0,
			       0);
	}
	if (!err)
		err = fs_register(&devpts_type);
	if (err) {
		pts_sb = NULL;
		klog(KLOG_ERR, "devpts: not available (%d)\n", err);
	}
}
