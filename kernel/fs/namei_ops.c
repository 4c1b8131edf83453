/*
 * The calls that make and remove names: mkdir, mknod, symlink, link,
 * unlink, rmdir, rename. Each walks to the parent directory with
 * namespace_lock held (namei.c), checks as Linux does, in Linux's order
 * (the errno a program sees when several things are wrong is the same),
 * and asks the directory's inode_ops. The checks:
 *  - creating needs write and search permission on the directory;
 *  - removing too, and in a sticky directory (/tmp) the caller must own
 *    the file or the directory;
 *  - a mount point cannot be removed or renamed (EBUSY), nor a name
 *    moved to another mount (EXDEV), nor a directory under itself.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

static bool is_dot_or_dotdot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/* The parent of the name to make or remove, and that name. */
struct named {
	struct path parent;
	struct dentry *d; /* the child, positive or negative */
	char *last;
	bool trailing;
};

/*
 * Walk to upath's parent (namespace_lock held on success) and, unless
 * the last name is "." or "..", look it up. *dots reports those.
 */
static int named_get(int dirfd, uintptr_t upath, struct named *n, bool *dots)
{
	int err = path_walk_parent_locked(dirfd, upath, &n->parent, &n->last,
					  &n->trailing);

	n->d = NULL;
	if (err)
		return err;
	*dots = is_dot_or_dotdot(n->last);
	if (*dots)
		return 0;
	err = vfs_child(n->parent.dentry, n->last, &n->d);
	if (err) {
		namespace_unlock();
		path_put(&n->parent);
		kfree(n->last);
	}
	return err;
}

static void named_put(struct named *n)
{
	if (n->d)
		d_put(n->d);
	namespace_unlock();
	path_put(&n->parent);
	kfree(n->last);
}

static struct inode *dir_of(const struct named *n)
{
	return n->parent.dentry->inode;
}

/* A removed directory: nothing new may be named in it (ENOENT). */
static bool dead_dir(const struct dentry *dir)
{
	return dir->flags & DENTRY_DEAD;
}

/* After "does it exist": read-only, a removed directory, then
 * permission on the parent. */
static int may_create(const struct path *parent)
{
	if (path_readonly(parent))
		return -EROFS;
	if (dead_dir(parent->dentry))
		return -ENOENT;
	return inode_permission(parent->dentry->inode, 3);
}

/* In a sticky directory only the owner of it or of the file removes. */
static bool sticky_forbids(const struct inode *dir, const struct inode *in)
{
	const struct cred *c = &current_proc()->cred;

	return (dir->mode & S_ISVTX) && !fs_capable() && c->fsuid != in->uid &&
	       c->fsuid != dir->uid;
}

/* May the name d (in dir) be removed; isdir: by rmdir. */
static int may_delete(struct inode *dir, struct dentry *d, bool isdir)
{
	int err;

	if (!d->inode)
		return -ENOENT;
	err = inode_permission(dir, 3);
	if (err)
		return err;
	if (sticky_forbids(dir, d->inode))
		return -EPERM;
	if (isdir && !S_ISDIR(d->inode->mode))
		return -ENOTDIR;
	if (!isdir && S_ISDIR(d->inode->mode))
		return -EISDIR;
	if (d->flags & DENTRY_MOUNTED)
		return -EBUSY;
	return 0;
}

/* ---- mkdir, mknod, symlink -------------------------------------------- */

static long do_mkdir(int dirfd, uintptr_t upath, uint32_t mode)
{
	struct named n;
	bool dots;
	long err = named_get(dirfd, upath, &n, &dots);

	if (err)
		return err;
	if (dots || n.d->inode)
		err = -EEXIST;
	else
		err = may_create(&n.parent);
	if (!err && !dir_of(&n)->ops->mkdir)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->mkdir(
			dir_of(&n), n.d,
			mode & 01777 & ~current_proc()->fs->umask);
	named_put(&n);
	return err;
}

SYSCALL_DEFINE2(mkdir, uintptr_t, upath, uint32_t, mode)
{
	return do_mkdir(AT_FDCWD, upath, mode);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, uintptr_t, upath, uint32_t, mode)
{
	return do_mkdir(dirfd, upath, mode);
}

/* A user dev_t (glibc's 64-bit encoding) as the kernel keeps it. */
static uint32_t dev_from_user(uint64_t dev)
{
	uint32_t major =
		(uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffu));
	uint32_t minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffu));

	return MKDEV(major & 0xfff, minor & 0xff);
}

/* The new name must not exist; a trailing slash on it: ENOENT. */
static int check_new_name(const struct named *n, bool dots)
{
	if (dots || n->d->inode)
		return -EEXIST;
	return n->trailing ? -ENOENT : 0;
}

static long do_mknod(int dirfd, uintptr_t upath, uint32_t mode, uint64_t dev)
{
	uint32_t type = mode & S_IFMT;
	struct named n;
	bool dots;
	long err;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	err = named_get(dirfd, upath, &n, &dots);
	if (err)
		return err;
	err = check_new_name(&n, dots);
	if (!err)
		err = may_create(&n.parent);
	if (!err && (type == S_IFCHR || type == S_IFBLK) && !fs_capable())
		err = -EPERM;
	if (!err && !dir_of(&n)->ops->create)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->create(
			dir_of(&n), n.d,
			type | (mode & 07777 & ~current_proc()->fs->umask),
			type == S_IFCHR || type == S_IFBLK ? dev_from_user(dev)
							   : 0);
	named_put(&n);
	return err;
}

SYSCALL_DEFINE3(mknod, uintptr_t, upath, uint32_t, mode, uint64_t, dev)
{
	return do_mknod(AT_FDCWD, upath, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, uintptr_t, upath, uint32_t, mode, uint64_t,
		dev)
{
	return do_mknod(dirfd, upath, mode, dev);
}

/* A node of mode (type and permissions, less the umask) at path, made by
 * the kernel itself: its inode in *out (may be NULL), referenced. */
static int mknod_kernel(const char *path, uint32_t mode, uint32_t dev,
			struct inode **out)
{
	struct named n;
	int err;

	namespace_lock();
	err = path_walk_parent_held(AT_FDCWD, path, &n.parent, &n.last,
				    &n.trailing);
	if (err) {
		namespace_unlock();
		return err;
	}
	n.d = NULL;
	if (is_dot_or_dotdot(n.last))
		err = -EEXIST;
	else
		err = vfs_child(n.parent.dentry, n.last, &n.d);
	if (!err)
		err = check_new_name(&n, false);
	if (!err)
		err = may_create(&n.parent);
	if (!err && !dir_of(&n)->ops->create)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->create(
			dir_of(&n), n.d,
			(mode & S_IFMT) |
				(mode & 07777 & ~current_proc()->fs->umask),
			dev);
	if (!err && out) {
		*out = n.d->inode;
		inode_get(*out);
	}
	named_put(&n);
	return err;
}

int vfs_mknod_socket(const char *path, uint32_t mode, struct inode **out)
{
	return mknod_kernel(path, S_IFSOCK | (mode & 07777), 0, out);
}

int vfs_mknod(const char *path, uint32_t mode, uint32_t dev)
{
	return mknod_kernel(path, mode, dev, NULL);
}

static long do_symlink(uintptr_t utarget, int dirfd, uintptr_t upath)
{
	struct named n;
	char *target;
	bool dots;
	long err = copy_path(utarget, &target);

	if (err)
		return err;
	if (!target[0]) {
		kfree(target);
		return -ENOENT;
	}
	err = named_get(dirfd, upath, &n, &dots);
	if (err) {
		kfree(target);
		return err;
	}
	err = check_new_name(&n, dots);
	if (!err)
		err = may_create(&n.parent);
	if (!err && !dir_of(&n)->ops->symlink)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->symlink(dir_of(&n), n.d, target);
	named_put(&n);
	kfree(target);
	return err;
}

SYSCALL_DEFINE2(symlink, uintptr_t, utarget, uintptr_t, upath)
{
	return do_symlink(utarget, AT_FDCWD, upath);
}

SYSCALL_DEFINE3(symlinkat, uintptr_t, utarget, int, dirfd, uintptr_t, upath)
{
	return do_symlink(utarget, dirfd, upath);
}

/* ---- link ---------------------------------------------------------- */

/*
 * fs.protected_hardlinks (on by default in Debian): someone else's file
 * may be linked only if it is a regular file, not set-ID, that the
 * caller may read and write.
 */
static int may_link_to(struct inode *in)
{
	if (inode_owner_or_root(in))
		return 0;
	if (!S_ISREG(in->mode) || (in->mode & S_ISUID) ||
	    ((in->mode & (S_ISGID | 0010)) == (S_ISGID | 0010)) ||
	    inode_permission(in, 6))
		return -EPERM;
	return 0;
}

/*
 * The checks of a new link to old as name n, in Linux's order (do_linkat,
 * vfs_link): the new name, the mounts, the protection of others' files,
 * the directory's permission, the kind of file, a file with no name left
 * (unless an O_TMPFILE that may still be named).
 */
static int link_checks(const struct path *old, const struct named *n, bool dots)
{
	struct inode *in = old->dentry->inode;
	int err = check_new_name(n, dots);

	if (!err && path_readonly(&n->parent))
		err = -EROFS;
	if (!err && old->mnt != n->parent.mnt)
		err = -EXDEV;
	if (!err)
		err = may_link_to(in);
	if (!err && dead_dir(n->parent.dentry))
		err = -ENOENT;
	if (!err)
		err = inode_permission(dir_of(n), 3);
	if (!err && (!dir_of(n)->ops->link || S_ISDIR(in->mode)))
		err = -EPERM;
	if (!err && in->nlink == 0 && !in->linkable)
		err = -ENOENT;
	return err;
}

static long do_link(int olddirfd, uintptr_t uold, int newdirfd, uintptr_t unew,
		    int flags)
{
	struct path old;
	struct named n;
	bool dots;
	long err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* Naming an open file needs CAP_DAC_READ_SEARCH; without it Linux
	 * treats "" as any other missing name. */
	if ((flags & AT_EMPTY_PATH) && !proc_capable())
		flags &= ~AT_EMPTY_PATH;
	err = path_at(
		olddirfd, uold,
		(flags & AT_EMPTY_PATH) |
			(flags & AT_SYMLINK_FOLLOW ? 0 : AT_SYMLINK_NOFOLLOW),
		&old);
	if (err)
		return err;
	err = named_get(newdirfd, unew, &n, &dots);
	if (err) {
		path_put(&old);
		return err;
	}
	err = link_checks(&old, &n, dots);
	if (!err)
		err = dir_of(&n)->ops->link(old.dentry, dir_of(&n), n.d);
	if (!err)
		old.dentry->inode->linkable = false; /* named now */
	named_put(&n);
	path_put(&old);
	return err;
}

SYSCALL_DEFINE2(link, uintptr_t, uold, uintptr_t, unew)
{
	return do_link(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

SYSCALL_DEFINE5(linkat, int, olddirfd, uintptr_t, uold, int, newdirfd,
		uintptr_t, unew, int, flags)
{
	return do_link(olddirfd, uold, newdirfd, unew, flags);
}

/* ---- unlink, rmdir ---------------------------------------------------- */

static long do_unlink(int dirfd, uintptr_t upath)
{
	struct named n;
	bool dots;
	long err = named_get(dirfd, upath, &n, &dots);

	if (err)
		return err == -EEXIST ? -EISDIR : err;
	if (dots)
		err = -EISDIR;
	else if (path_readonly(&n.parent))
		err = -EROFS;
	else if (n.trailing)
		err = !n.d->inode		  ? -ENOENT
		      : S_ISDIR(n.d->inode->mode) ? -EISDIR
						  : -ENOTDIR;
	else
		err = may_delete(dir_of(&n), n.d, false);
	if (!err && !dir_of(&n)->ops->unlink)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->unlink(dir_of(&n), n.d);
	named_put(&n);
	return err;
}

static long do_rmdir(int dirfd, uintptr_t upath)
{
	struct named n;
	bool dots;
	long err = named_get(dirfd, upath, &n, &dots);

	if (err)
		return err == -EEXIST ? -EBUSY : err;
	if (dots)
		err = strcmp(n.last, ".") ? -ENOTEMPTY : -EINVAL;
	else if (path_readonly(&n.parent))
		err = -EROFS;
	else
		err = may_delete(dir_of(&n), n.d, true);
	if (!err && n.d == current_proc()->fs->root.dentry)
		err = -EBUSY;
	if (!err && !dir_of(&n)->ops->rmdir)
		err = -EPERM;
	if (!err)
		err = dir_of(&n)->ops->rmdir(dir_of(&n), n.d);
	named_put(&n);
	return err;
}

SYSCALL_DEFINE1(unlink, uintptr_t, upath)
{
	return do_unlink(AT_FDCWD, upath);
}

SYSCALL_DEFINE1(rmdir, uintptr_t, upath)
{
	return do_rmdir(AT_FDCWD, upath);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, uintptr_t, upath, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return flags & AT_REMOVEDIR ? do_rmdir(dirfd, upath)
				    : do_unlink(dirfd, upath);
}

/* ---- rename ------------------------------------------------------------ */

struct rename_ends {
	struct path op, np; /* the parents */
	char *olast, *nlast;
	bool otrail, ntrail;
	struct dentry *od, *nd;
};

/* Is a an ancestor of d (or d itself), within one file system? */
static bool is_ancestor(const struct dentry *a, const struct dentry *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

/* The checks on two looked-up names, in Linux's order. */
static int rename_checks(struct rename_ends *r, unsigned int flags)
{
	struct inode *odir = r->op.dentry->inode, *ndir = r->np.dentry->inode;
	struct inode *oin = r->od->inode, *nin = r->nd->inode;
	bool isdir;
	int err;

	if (!oin)
		return -ENOENT;
	if ((flags & RENAME_EXCHANGE) && !nin)
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && nin)
		return -EEXIST;
	isdir = S_ISDIR(oin->mode);
	if (!(flags & RENAME_EXCHANGE) && !isdir && (r->otrail || r->ntrail))
		return -ENOTDIR;
	if ((flags & RENAME_EXCHANGE) && r->ntrail && !S_ISDIR(nin->mode))
		return -ENOTDIR;
	if (is_ancestor(r->od, r->np.dentry))
		return -EINVAL; /* a directory into itself */
	if (nin && is_ancestor(r->nd, r->op.dentry))
		return (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (oin == nin)
		return 1; /* two names of one file: nothing to do */
	err = may_delete(odir, r->od, isdir);
	if (!err && nin)
		err = may_delete(ndir, r->nd,
				 flags & RENAME_EXCHANGE ? S_ISDIR(nin->mode)
							 : isdir);
	else if (!err && dead_dir(r->np.dentry))
		err = -ENOENT;
	else if (!err)
		err = inode_permission(ndir, 3);
	/* A directory that changes parent rewrites its "..". */
	if (!err && odir != ndir && isdir)
		err = inode_permission(oin, 2);
	if (!err && odir != ndir && nin && S_ISDIR(nin->mode) &&
	    (flags & RENAME_EXCHANGE))
		err = inode_permission(nin, 2);
	return err;
}

static int rename_lookup(struct rename_ends *r)
{
	int err = vfs_child(r->op.dentry, r->olast, &r->od);

	if (!err)
		err = vfs_child(r->np.dentry, r->nlast, &r->nd);
	return err;
}

static long rename_locked(int odfd, const char *opath, int ndfd,
			  const char *npath, unsigned int flags,
			  struct rename_ends *r)
{
	struct inode *odir;
	int err;

	err = path_walk_parent_held(odfd, opath, &r->op, &r->olast, &r->otrail);
	if (err)
		return err == -EEXIST ? -EBUSY : err;
	err = path_walk_parent_held(ndfd, npath, &r->np, &r->nlast, &r->ntrail);
	if (err)
		return err == -EEXIST ? -EBUSY : err;
	if (r->op.mnt != r->np.mnt)
		return -EXDEV;
	if (is_dot_or_dotdot(r->olast))
		return -EBUSY;
	if (is_dot_or_dotdot(r->nlast))
		return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (path_readonly(&r->op))
		return -EROFS;
	err = rename_lookup(r);
	if (!err)
		err = rename_checks(r, flags);
	if (err)
		return err > 0 ? 0 : err;
	odir = r->op.dentry->inode;
	if (!odir->ops->rename)
		return -EPERM;
	return odir->ops->rename(odir, r->od, r->np.dentry->inode, r->nd,
				 flags);
}

static long do_rename(int odfd, uintptr_t uold, int ndfd, uintptr_t unew,
		      unsigned int flags)
{
	struct rename_ends r = {0};
	char *opath = NULL, *npath = NULL;
	long err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	err = copy_path(uold, &opath);
	if (!err)
		err = copy_path(unew, &npath);
	if (!err) {
		namespace_lock();
		err = rename_locked(odfd, opath, ndfd, npath, flags, &r);
		namespace_unlock();
	}
	if (r.od)
		d_put(r.od);
	if (r.nd)
		d_put(r.nd);
	path_put(&r.op);
	path_put(&r.np);
	kfree(r.olast);
	kfree(r.nlast);
	kfree(opath);
	kfree(npath);
	return err;
}

SYSCALL_DEFINE2(rename, uintptr_t, uold, uintptr_t, unew)
{
	return do_rename(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

SYSCALL_DEFINE4(renameat, int, odfd, uintptr_t, uold, int, ndfd, uintptr_t,
		unew)
{
	return do_rename(odfd, uold, ndfd, unew, 0);
}

SYSCALL_DEFINE5(renameat2, int, odfd, uintptr_t, uold, int, ndfd, uintptr_t,
		unew, unsigned int, flags)
{
	return do_rename(odfd, uold, ndfd, unew, flags);
}
