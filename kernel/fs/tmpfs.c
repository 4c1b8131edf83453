/*
 * tmpfs (<kernel/fs.h>): a file system in memory. Its tree lives in the
 * dentry cache (every name pinned while it exists), file data in the page
 * cache (filemap.c), a symlink's target in its inode. An instance may be
 * limited in size and in files (mount options size=, nr_inodes=; by
 * default half the memory): beyond, writes and creations fail with
 * ENOSPC. The root of the whole tree is a tmpfs, filled from the
 * initramfs.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "fs_priv.h"
#include "tmpfs_priv.h"

/*
 * A directory's size, as Linux's tmpfs reports it (ls -l shows it): 20
 * bytes a name, and 40 for "." and "..".
 */
#define BOGO_DIRENT_SIZE 20

static const struct inode_ops tmpfs_dir_iops, tmpfs_file_iops, tmpfs_link_iops,
	tmpfs_special_iops;
static const struct file_ops tmpfs_file_ops, tmpfs_dir_ops;

static struct tmpfs_sb *info(const struct inode *in)
{
	return in->sb->priv;
}

static int tmpfs_charge(struct inode *in, long pages)
{
	struct tmpfs_sb *t = info(in);
	uint64_t used = __atomic_load_n(&t->used_pages, __ATOMIC_RELAXED);

	if (pages > 0 && used + (uint64_t)pages > t->max_pages)
		return -ENOSPC;
	__atomic_add_fetch(&t->used_pages, (uint64_t)pages, __ATOMIC_RELAXED);
	return 0;
}

/* The pages go first, uncharged while the instance is there: the last
 * inode of an unmounted instance frees it. */
static void tmpfs_release(struct inode *in)
{
	if (S_ISLNK(in->mode))
		kfree(in->priv);
	inode_drop_pages(in, 0);
	__atomic_sub_fetch(&info(in)->inodes, 1, __ATOMIC_RELAXED);
	tmpfs_sb_put(in->sb);
}

/* The operations for an inode of mode. */
static void set_ops(struct inode *in)
{
	switch (in->mode & S_IFMT) {
	case S_IFDIR:
		in->ops = &tmpfs_dir_iops;
		in->fops = &tmpfs_dir_ops;
		break;
	case S_IFREG:
		in->ops = &tmpfs_file_iops;
		in->fops = &tmpfs_file_ops;
		break;
	case S_IFLNK:
		in->ops = &tmpfs_link_iops;
		break;
	default: /* devices, FIFOs, sockets: their opens decide */
		in->ops = &tmpfs_special_iops;
		in->fops = special_fops(in->mode, in->rdev);
	}
}

struct inode *tmpfs_new(struct super_block *sb, struct inode *dir,
			uint32_t mode, uint32_t rdev, int *err)
{
	const struct cred *c = fs_cred();
	struct tmpfs_sb *t = sb->priv;
	struct inode *in;

	if (__atomic_add_fetch(&t->inodes, 1, __ATOMIC_RELAXED) >
	    t->max_inodes) {
		__atomic_sub_fetch(&t->inodes, 1, __ATOMIC_RELAXED);
		*err = -ENOSPC;
		return NULL;
	}
	in = inode_alloc(sb, mode, NULL, NULL);
	if (!in) {
		__atomic_sub_fetch(&t->inodes, 1, __ATOMIC_RELAXED);
		*err = -ENOMEM;
		return NULL;
	}
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	in->uid = c->fsuid;
	in->gid = c->fsgid;
	in->rdev = rdev;
	if (dir && (dir->mode & S_ISGID)) { /* BSD group semantics */
		in->gid = dir->gid;
		if (S_ISDIR(mode))
			in->mode |= S_ISGID;
	}
	if (S_ISDIR(mode))
		in->size = 2 * BOGO_DIRENT_SIZE;
	/* Linux's tmpfs files take seals, but only memfd's come unsealed. */
	in->sealable = S_ISREG(mode);
	in->seals = F_SEAL_SEAL;
	set_ops(in);
	return in;
}

/* Bind d to new inode in and keep it: the tree lives in the dcache. */
static void tmpfs_bind(struct inode *dir, struct dentry *d, struct inode *in)
{
	d_instantiate(d, in);
	d_pin(d);
	dir->size += BOGO_DIRENT_SIZE;
	inode_touch(dir, true);
}

/* A name of dir goes (unlink, rmdir, the old name of a rename). */
static void tmpfs_unbind(struct inode *dir, struct dentry *d)
{
	dir->size -= BOGO_DIRENT_SIZE;
	inode_touch(dir, true);
	d_delete(d);
}

static int tmpfs_create(struct inode *dir, struct dentry *d, uint32_t mode,
			uint32_t rdev)
{
	int err;
	struct inode *in = tmpfs_new(dir->sb, dir, mode, rdev, &err);

	if (!in)
		return err;
	tmpfs_bind(dir, d, in);
	return 0;
}

/* O_TMPFILE and memfd_create: a file with no name, so no size for dir. */
static int tmpfs_tmpfile(struct inode *dir, struct dentry *d, uint32_t mode)
{
	int err;
	struct inode *in = tmpfs_new(dir->sb, dir, mode, 0, &err);

	if (!in)
		return err;
	in->nlink = 0;
	d_instantiate(d, in);
	return 0;
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	int err;
	struct inode *in =
		tmpfs_new(dir->sb, dir, S_IFDIR | (mode & 07777), 0, &err);

	if (!in)
		return err;
	in->nlink = 2;
	dir->nlink++;
	tmpfs_bind(dir, d, in);
	return 0;
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d,
			 const char *target)
{
	size_t len = strlen(target);
	int err;
	struct inode *in;
	char *copy = kmalloc(len + 1);

	if (!copy)
		return -ENOMEM;
	in = tmpfs_new(dir->sb, dir, S_IFLNK | 0777, 0, &err);
	if (!in) {
		kfree(copy);
		return err;
	}
	memcpy(copy, target, len + 1);
	in->priv = copy;
	in->size = len;
	tmpfs_bind(dir, d, in);
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *in = old->inode;

	inode_get(in);
	in->nlink++;
	inode_touch(in, false);
	tmpfs_bind(dir, d, in);
	return 0;
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *in = d->inode;

	in->nlink--;
	inode_touch(in, false);
	tmpfs_unbind(dir, d);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	if (d_has_children(d))
		return -ENOTEMPTY;
	d->inode->nlink = 0;
	dir->nlink--;
	tmpfs_unbind(dir, d);
	return 0;
}

/* Move names for RENAME_EXCHANGE: both exist and swap places. */
static int exchange(struct inode *odir, struct dentry *old, struct inode *ndir,
		    struct dentry *new)
{
	struct dentry *op = old->parent, *np = new->parent;
	char *oname = kmalloc(old->len + 1);
	size_t olen = old->len;
	int err;

	if (!oname)
		return -ENOMEM;
	memcpy(oname, old->name, olen + 1);
	err = d_move(old, np, new->name, new->len);
	if (!err)
		err = d_move(new, op, oname, olen);
	kfree(oname);
	if (!err && odir != ndir &&
	    S_ISDIR(old->inode->mode) != S_ISDIR(new->inode->mode)) {
		int d = S_ISDIR(old->inode->mode) ? 1 : -1;

		ndir->nlink += d;
		odir->nlink -= d;
	}
	return err;
}

/*
 * The VFS checked names, types and loops; here: an existing target goes
 * (a directory only if empty), and the counts of links follow.
 */
static int tmpfs_rename(struct inode *odir, struct dentry *old,
			struct inode *ndir, struct dentry *new,
			unsigned int flags)
{
	struct inode *in = old->inode, *target = new->inode;
	int err;

	if (flags & RENAME_EXCHANGE)
		err = exchange(odir, old, ndir, new);
	else {
		if (target && S_ISDIR(target->mode) && d_has_children(new))
			return -ENOTEMPTY;
		if (target) {
			target->nlink =
				S_ISDIR(target->mode) ? 0 : target->nlink - 1;
			if (S_ISDIR(target->mode))
				ndir->nlink--;
			inode_touch(target, false);
			tmpfs_unbind(ndir, new);
		}
		err = d_move(old, new->parent, new->name, new->len);
		if (!err) {
			odir->size -= BOGO_DIRENT_SIZE;
			ndir->size += BOGO_DIRENT_SIZE;
		}
		if (!err && S_ISDIR(in->mode) && odir != ndir) {
			odir->nlink--;
			ndir->nlink++;
		}
	}
	inode_touch(odir, true);
	inode_touch(ndir, true);
	inode_touch(in, false);
	return err;
}

static long tmpfs_readlink(struct inode *in, char *buf, size_t size)
{
	size_t n = MIN(in->size, size - 1);

	memcpy(buf, in->priv, n);
	buf[n] = '\0';
	return (long)n;
}

static const struct inode_ops tmpfs_dir_iops = {
	.create = tmpfs_create,
	.tmpfile = tmpfs_tmpfile,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.release = tmpfs_release,
};

static const struct inode_ops tmpfs_file_iops = {
	.set_size = filemap_set_size,
	.charge = tmpfs_charge,
	.release = tmpfs_release,
};

static const struct inode_ops tmpfs_link_iops = {
	.readlink = tmpfs_readlink,
	.release = tmpfs_release,
};

static const struct inode_ops tmpfs_special_iops = {
	.release = tmpfs_release,
};

static const struct file_ops tmpfs_file_ops = {
	.read = filemap_read,
	.write = filemap_write,
	.mmap = filemap_mmap,
	.seekable = true,
};

static const struct file_ops tmpfs_dir_ops = {
	.readdir = dcache_readdir,
	.seekable = true,
};
