/*
 * open(2) and its family, close(2), and the descriptor calls dup and
 * close_range.
 *
 * Opening: the path is walked (namei.c), a name created if O_CREAT asks
 * and it is missing (the parent's write and search permission, the mode
 * less the umask), the access checked (the inode's permission bits, a
 * read-only mount, a directory opened for writing), O_TRUNC applied,
 * then the file made (file.c) and a descriptor installed.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define CLOSE_RANGE_CLOEXEC (1u << 2)
#define CLOSE_RANGE_UNSHARE (1u << 1)

#define OPEN_KNOWN                                                            \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |       \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |            \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | \
	 O_TMPFILE)

bool path_readonly(const struct path *p)
{
	return (p->mnt->flags & MS_RDONLY) ||
	       (p->dentry->sb->flags & MS_RDONLY);
}

/* May the current process open what p names with flags? */
static int open_checks(const struct path *p, int flags)
{
	struct inode *in = p->dentry->inode;
	int acc = flags & O_ACCMODE, mask = 0;

	if ((flags & O_DIRECTORY) && !S_ISDIR(in->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(in->mode))
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if (S_ISDIR(in->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= 4;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= 2;
	if (inode_permission(in, mask))
		return -EACCES;
	if ((mask & 2) && (S_ISREG(in->mode) || S_ISDIR(in->mode)) &&
	    path_readonly(p))
		return -EROFS;
	if ((S_ISCHR(in->mode) || S_ISBLK(in->mode)) &&
	    (p->mnt->flags & MS_NODEV))
		return -EACCES;
	return 0;
}

/*
 * The name last in parent, created as a regular file if missing;
 * namespace_lock held. 0 with a referenced *out, or -errno.
 */
static int create_in(const struct path *parent, const char *last, int flags,
		     uint32_t mode, struct dentry **out)
{
	struct inode *dir = parent->dentry->inode;
	int err = vfs_child(parent->dentry, last, out);

	if (err)
		return err;
	if ((*out)->inode)
		return (flags & O_EXCL) ? -EEXIST : 0;
	err = inode_permission(dir, 3);
	if (!err && path_readonly(parent))
		err = -EROFS;
	if (!err && !(dir->ops && dir->ops->create))
		err = -EACCES; /* as Linux's open (mknod says EPERM) */
	if (!err)
		err = dir->ops->create(
			dir, *out,
			S_IFREG | (mode & 07777 & ~current_proc()->fs->umask),
			0);
	return err;
}

/* O_CREAT: walk to the parent, find or make the name. */
static int open_create(int dirfd, uintptr_t upath, int flags, uint32_t mode,
		       struct path *out)
{
	struct path parent;
	struct dentry *d = NULL;
	bool trailing;
	char *last;
	int err = path_walk_parent_locked(dirfd, upath, &parent, &last,
					  &trailing);

	if (err)
		return err == -EEXIST ? -EISDIR : err;
	if (trailing || !strcmp(last, ".") || !strcmp(last, ".."))
		err = -EISDIR;
	else
		err = create_in(&parent, last, flags, mode, &d);
	if (!err && S_ISLNK(d->inode->mode) && !(flags & O_NOFOLLOW)) {
		err = 1; /* an existing symlink: walk it as for a plain open */
	} else if (!err) {
		out->mnt = parent.mnt;
		out->dentry = d;
		path_get(out);
	}
	if (d)
		d_put(d);
	namespace_unlock();
	path_put(&parent);
	kfree(last);
	return err;
}

/* O_TMPFILE: an unnamed regular file in the directory p. */
static int open_tmpfile(const struct path *p, int flags, uint32_t mode,
			struct path *out)
{
	struct inode *dir = p->dentry->inode;
	struct dentry *d;
	int err = (flags & O_ACCMODE) == O_RDONLY ? -EINVAL : 0;

	namespace_lock();
	if (!err && !(dir->ops && dir->ops->create))
		err = -EOPNOTSUPP;
	if (!err)
		err = inode_permission(dir, 3);
	d = err ? NULL : d_alloc(p->dentry, "#tmpfile", 8);
	if (!err && !d)
		err = -ENOMEM;
	if (!err)
		err = dir->ops->create(dir, d, S_IFREG | (mode & 07777), 0);
	if (d) {
		if (!err)
			d->inode->nlink = 0;
		d_delete(d); /* no name: it goes with its last open */
		if (!err) {
			out->mnt = p->mnt;
			out->dentry = d;
			path_get(out);
		}
		d_put(d);
	}
	namespace_unlock();
	return err;
}

static int open_walk(int dirfd, uintptr_t upath, int flags, uint32_t mode,
		     struct path *out)
{
	unsigned int lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	int err;

	if ((flags & O_TMPFILE) == O_TMPFILE) {
		struct path dir;

		err = path_walk_user(dirfd, upath,
				     LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
		if (!err) {
			err = open_tmpfile(&dir, flags, mode, out);
			path_put(&dir);
		}
		return err;
	}
	if (flags & O_CREAT) {
		err = open_create(dirfd, upath, flags, mode, out);
		if (err != 1)
			return err;
	}
	return path_walk_user(dirfd, upath, lf, out);
}

static long do_open(int dirfd, uintptr_t upath, int flags, uint32_t mode)
{
	struct path p;
	struct file *f;
	long err;

	if (flags & ~OPEN_KNOWN || (flags & O_ACCMODE) == 3)
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	err = open_walk(dirfd, upath, flags, mode, &p);
	if (err)
		return err;
	err = open_checks(&p, flags);
	if (!err && (flags & O_TRUNC) && S_ISREG(p.dentry->inode->mode))
		err = vfs_truncate(p.dentry->inode, 0);
	if (!err)
		err = file_open_path(&p, (unsigned int)flags, &f);
	path_put(&p);
	if (err)
		return err;
	err = fd_install(f, 0, flags & O_CLOEXEC);
	if (err < 0)
		file_put(f);
	return err;
}

SYSCALL_DEFINE3(open, uintptr_t, upath, int, flags, uint32_t, mode)
{
	return do_open(AT_FDCWD, upath, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uintptr_t, upath, int, flags, uint32_t,
		mode)
{
	return do_open(dirfd, upath, flags, mode);
}

SYSCALL_DEFINE2(creat, uintptr_t, upath, uint32_t, mode)
{
	return do_open(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

struct open_how {
	uint64_t flags, mode, resolve;
};

SYSCALL_DEFINE4(openat2, int, dirfd, uintptr_t, upath, uintptr_t, uhow, size_t,
		size)
{
	struct open_how how;

	if (size < sizeof(how))
		return -EINVAL;
	if (copy_from_user(&how, uhow, sizeof(how)))
		return -EFAULT;
	if (how.flags >> 32 || how.mode & ~07777ULL ||
	    (how.mode && !(how.flags & (O_CREAT | O_TMPFILE))))
		return -EINVAL;
	if (how.resolve) /* RESOLVE_* restrictions are not offered */
		return -EINVAL;
	return do_open(dirfd, upath, (int)how.flags, (uint32_t)how.mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	struct file *f = fd_remove(fd);

	if (!f)
		return -EBADF;
	fd_close_file(current_proc()->files, f);
	return 0;
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last,
		unsigned int, flags)
{
	struct files *fs = current_proc()->files;
	struct file *f;

	if (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE) ||
	    first > last)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < fs->size; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec((int)fd, true);
		else if ((f = fd_remove((int)fd)))
			fd_close_file(fs, f);
	}
	return 0;
}

static long dup_to(int oldfd, int newfd, int flags, bool dup2)
{
	struct file *f;
	long err;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd) {
		file_put(f);
		return dup2 ? newfd : -EINVAL;
	}
	err = fd_install_at(f, newfd, flags & O_CLOEXEC);
	if (err) {
		file_put(f);
		return err;
	}
	return newfd;
}

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = fd_install(f, 0, false);
	if (ret < 0)
		file_put(f);
	return ret;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	return dup_to(oldfd, newfd, 0, true);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	return dup_to(oldfd, newfd, flags, false);
}
