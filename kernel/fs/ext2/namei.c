/*
 * ext2's name operations (inode_ops of directories): lookup, create,
 * mkdir, symlink, link, unlink, rmdir, rename. The VFS checked names,
 * permissions and loops (namei_ops.c) and holds namespace_lock; here the
 * directory entries, link counts and inodes change, each directory under
 * its lock (readdir's). Every positive dentry is pinned: the dcache
 * keeps the tree read so far, and an inode its page cache, until umount.
 */
#include <kernel/errno.h>
#include <kernel/string.h>

#include "../fs_priv.h"
#include "ext2.h"

static int ext2_lookup(struct inode *dir, struct dentry *d)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	struct inode *in;
	uint32_t ino;
	int err;

	mutex_lock(&dir->lock);
	err = ext2_dir_find(dir, d->name, d->len, &ino);
	mutex_unlock(&dir->lock);
	if (err || !ino)
		return err;
	if (ino < EXT2_ROOT_INO || (ino < s->first_ino && ino != EXT2_ROOT_INO))
		return ext2_corrupt(s, "reserved inode named in directory",
				    dir->ino);
	err = ext2_iget(s, ino, &in);
	if (err)
		return err;
	d_instantiate(d, in);
	d_pin(d);
	return 0;
}

/* Name the new inode in as d in dir. */
static int bind_new(struct inode *dir, struct dentry *d, struct inode *in)
{
	int err;

	mutex_lock(&dir->lock);
	err = ext2_dir_add(dir, d->name, d->len, (uint32_t)in->ino, in->mode);
	mutex_unlock(&dir->lock);
	if (err) {
		in->nlink = 0; /* freed at its release */
		if (S_ISDIR(in->mode))
			dir->nlink--;
		inode_put(in);
		return err;
	}
	d_instantiate(d, in);
	d_pin(d);
	return 0;
}

static int ext2_create(struct inode *dir, struct dentry *d, uint32_t mode,
		       uint32_t rdev)
{
	struct inode *in;
	int err = ext2_new_inode(dir, mode, rdev, &in);

	if (err)
		return err;
	return bind_new(dir, d, in);
}

static int ext2_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	struct inode *in;
	int err = ext2_new_inode(dir, S_IFDIR | (mode & 07777), 0, &in);

	if (err)
		return err;
	in->nlink = 2;
	err = ext2_dir_init(in, (uint32_t)dir->ino);
	if (err) {
		in->nlink = 0;
		inode_put(in);
		return err;
	}
	dir->nlink++;
	inode_mark_dirty(dir, INODE_DIRTY_META);
	return bind_new(dir, d, in);
}

static int ext2_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strlen(target);
	struct inode *in;
	int err;

	if (len >= EXT2_SB(dir->sb)->block_size)
		return -ENAMETOOLONG;
	err = ext2_new_inode(dir, S_IFLNK | 0777, 0, &in);
	if (err)
		return err;
	err = ext2_symlink_write(in, target, len);
	if (err) {
		in->nlink = 0;
		inode_put(in);
		return err;
	}
	return bind_new(dir, d, in);
}

static int ext2_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *in = old->inode;
	int err;

	if (in->nlink >= 65000)
		return -EMLINK;
	mutex_lock(&dir->lock);
	err = ext2_dir_add(dir, d->name, d->len, (uint32_t)in->ino, in->mode);
	mutex_unlock(&dir->lock);
	if (err)
		return err;
	inode_get(in);
	in->nlink++;
	inode_touch(in, false);
	d_instantiate(d, in);
	d_pin(d);
	return 0;
}

/* Remove the entry of d from dir. */
static int remove_name(struct inode *dir, struct dentry *d)
{
	int err;

	mutex_lock(&dir->lock);
	err = ext2_dir_remove(dir, d->name, d->len);
	mutex_unlock(&dir->lock);
	return err;
}

static int ext2_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *in = d->inode;
	int err = remove_name(dir, d);

	if (err)
		return err;
	if (in->nlink)
		in->nlink--;
	inode_touch(in, false);
	d_delete(d); /* the last reference frees the inode if nlink is 0 */
	return 0;
}

static int ext2_rmdir(struct inode *dir, struct dentry *d)
{
	struct inode *in = d->inode;
	int err;

	mutex_lock(&in->lock);
	if (!ext2_dir_empty(in, &err))
		err = err ? err : -ENOTEMPTY;
	mutex_unlock(&in->lock);
	if (!err)
		err = remove_name(dir, d);
	if (err)
		return err;
	in->nlink = 0;
	if (dir->nlink > 2)
		dir->nlink--;
	inode_touch(in, false);
	inode_touch(dir, true);
	d_delete(d);
	return 0;
}

/* The target of a rename goes: a directory only if empty. */
static int drop_target(struct inode *ndir, struct dentry *new)
{
	struct inode *t = new->inode;
	int err = 0;

	if (S_ISDIR(t->mode)) {
		mutex_lock(&t->lock);
		if (!ext2_dir_empty(t, &err))
			err = err ? err : -ENOTEMPTY;
		mutex_unlock(&t->lock);
		if (err)
			return err;
		t->nlink = 0;
		if (ndir->nlink > 2)
			ndir->nlink--;
	} else if (t->nlink) {
		t->nlink--;
	}
	inode_touch(t, false);
	return 0;
}

/*
 * Over an existing name, its entry is pointed at the moved inode (never
 * a moment without the name, as rename(2) promises); else a new entry.
 * Then the old entry goes and a moved directory's ".." follows.
 */
static int ext2_rename(struct inode *odir, struct dentry *old,
		       struct inode *ndir, struct dentry *new,
		       unsigned int flags)
{
	struct inode *in = old->inode, *target = new->inode;
	uint32_t ino = (uint32_t)in->ino;
	int err;

	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	if (target && (err = drop_target(ndir, new)))
		return err;
	mutex_lock(&ndir->lock);
	err = target ? ext2_dir_set(ndir, new->name, new->len, ino, in->mode)
		     : ext2_dir_add(ndir, new->name, new->len, ino, in->mode);
	mutex_unlock(&ndir->lock);
	if (!err)
		err = remove_name(odir, old);
	if (!err && S_ISDIR(in->mode) && odir != ndir) {
		mutex_lock(&in->lock);
		err = ext2_dir_set(in, "..", 2, (uint32_t)ndir->ino, S_IFDIR);
		mutex_unlock(&in->lock);
		odir->nlink--;
		ndir->nlink++;
	}
	if (err)
		return err;
	if (target)
		d_delete(new);
	inode_touch(odir, true);
	inode_touch(ndir, true);
	inode_touch(in, false);
	return d_move(old, new->parent, new->name, new->len);
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.release = ext2_release,
	.write_inode = ext2_write_inode,
};
