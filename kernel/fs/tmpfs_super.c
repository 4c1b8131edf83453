/*
 * tmpfs instances (<kernel/fs.h>): mount options, the root directory,
 * statfs, and the tmpfs that is the root of the whole tree.
 *
 * Options, as Linux's: size=N[k|m|g|%] (bytes, or a share of memory;
 * default 50%), nr_inodes=N[k|m|g] (default: one per two pages of
 * memory), mode=OCTAL (the root directory's, default 1777 for a mount,
 * 0755 for the root of the tree), uid=N, gid=N. Unknown options: EINVAL.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "fs_priv.h"
#include "tmpfs_priv.h"

static uint64_t memory_pages(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	return st.managed_kib / (PAGE_SIZE / 1024);
}

/* "123", "4k", "5m", "1g": 0 with *out, -EINVAL. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v = strtoul(s, &end, 0);

	if (end == s)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	case '%':
		v = memory_pages() * PAGE_SIZE / 100 * v;
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_option(struct tmpfs_sb *t, char *opt)
{
	char *val = strchr(opt, '=');
	uint64_t v;

	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(opt, "mode")) {
		char *end;

		t->root_mode = (uint32_t)strtoul(val, &end, 8) & 07777;
		return *end ? -EINVAL : 0;
	}
	if (parse_size(val, &v))
		return -EINVAL;
	if (!strcmp(opt, "size"))
		t->max_pages = (v + PAGE_SIZE - 1) / PAGE_SIZE;
	else if (!strcmp(opt, "nr_inodes"))
		t->max_inodes = v;
	else if (!strcmp(opt, "uid"))
		t->root_uid = (uint32_t)v;
	else if (!strcmp(opt, "gid"))
		t->root_gid = (uint32_t)v;
	else
		return -EINVAL;
	return 0;
}

static int parse_options(struct tmpfs_sb *t, const char *options)
{
	char *copy, *opt, *next;
	int err = 0;

	if (!options || !*options)
		return 0;
	copy = kmalloc(strlen(options) + 1);
	if (!copy)
		return -ENOMEM;
	strlcpy(copy, options, strlen(options) + 1);
	for (opt = copy; opt && !err; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (*opt)
			err = parse_option(t, opt);
	}
	kfree(copy);
	return err;
}

static int tmpfs_statfs(struct super_block *sb, struct statfs_k *st)
{
	const struct tmpfs_sb *t = sb->priv;

	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_blocks = t->max_pages;
	st->f_bfree = st->f_bavail = t->max_pages - t->used_pages;
	st->f_files = t->max_inodes;
	st->f_ffree = t->max_inodes - t->inodes;
	st->f_namelen = NAME_MAX;
	return 0;
}

void tmpfs_sb_put(struct super_block *sb)
{
	struct tmpfs_sb *t = sb->priv;

	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	kfree(t);
	kfree(sb);
}

/* The last umount: the names go, and with them the inodes nothing else
 * holds; the instance goes with its last inode. */
static void tmpfs_put_super(struct super_block *sb)
{
	d_drop_tree(sb->root);
	sb->root = NULL;
	tmpfs_sb_put(sb);
}

static const struct super_ops tmpfs_super_ops = {
	.statfs = tmpfs_statfs,
	.put_super = tmpfs_put_super,
};

const struct super_ops tmpfs_kept_super_ops = {
	.statfs = tmpfs_statfs,
};

static int tmpfs_mount(const struct fs_type *type, const char *source,
		       unsigned long flags, const char *options,
		       struct super_block **out)
{
	struct super_block *sb = super_alloc(type, &tmpfs_super_ops);
	struct tmpfs_sb *t = kzalloc(sizeof(*t));
	struct inode *root;
	int err = sb && t ? 0 : -ENOMEM;

	if (!err) {
		t->max_pages = memory_pages() / 2;
		t->max_inodes = memory_pages() / 2;
		t->root_mode =
			source && !strcmp(source, "rootfs") ? 0755 : 01777;
		sb->priv = t;
		sb->magic = TMPFS_MAGIC;
		t->refs = 1;
		err = parse_options(t, options);
	}
	root = err ? NULL
		   : tmpfs_new(sb, NULL, S_IFDIR | t->root_mode, 0, &err);
	if (root) {
		root->uid = t->root_uid;
		root->gid = t->root_gid;
		root->nlink = 2;
		sb->root = d_make_root(sb, root);
		err = sb->root ? 0 : -ENOMEM;
	}
	if (err) {
		kfree(t);
		kfree(sb);
		return err;
	}
	*out = sb;
	return 0;
}

struct fs_type tmpfs_type = {
	.name = "tmpfs",
	.nodev = true,
	.mount = tmpfs_mount,
};

int tmpfs_mount_root(void)
{
	int err = fs_register(&tmpfs_type);

	if (!err)
		err = vfs_mount("tmpfs", "rootfs", NULL, 0, NULL);
	if (err)
		klog(KLOG_ERR, "fs: no root file system (%d)\n", err);
	return err;
}
