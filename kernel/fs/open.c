/*
 * Opening and closing files, descriptors (dup, fcntl), the working
 * directory, access checks and symlink reading. The tree is read-only
 * for now: creating or writing a file fails with EROFS.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define CLOSE_RANGE_CLOEXEC (1u << 2)
#define CLOSE_RANGE_UNSHARE (1u << 1)

#define R_OK 4
#define W_OK 2
#define X_OK 1


#define OPEN_KNOWN                                                         \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |     \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |          \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | \
	 O_TMPFILE)

static int open_checks(struct inode *in, int flags)
{
	int acc = flags & O_ACCMODE, mask = 0;

	if ((flags & O_DIRECTORY) && !S_ISDIR(in->mode))
		return -ENOTDIR;
	if (S_ISLNK(in->mode))
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if (flags & O_PATH)
		return 0;
	if (S_ISDIR(in->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= 4;
	if (acc == O_WRONLY || acc == O_RDWR)
		mask |= 2;
	if (inode_permission(in, mask))
		return -EACCES;
	if (S_ISREG(in->mode) && (mask & 2 || (flags & O_TRUNC)))
		return -EROFS;
	return 0;
}

static long do_open(int dirfd, uintptr_t upath, int flags, uint32_t mode)
{
	struct inode *in;
	struct file *f;
	long err;

	if (flags & ~OPEN_KNOWN || (flags & O_ACCMODE) == 3)
		return -EINVAL;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EROFS;
	err = path_lookup_user(dirfd, upath, flags & (O_NOFOLLOW | O_PATH),
			       &in);
	if (err == -ENOENT && (flags & O_CREAT))
		return -EROFS; /* the tree is read-only for now */
	if (err)
		return err;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		err = -EEXIST;
	else
		err = open_checks(in, flags);
	if (err) {
		inode_put(in);
		return err;
	}
	if ((in->mode & S_IFMT) == S_IFCHR && !(flags & O_PATH))
		f = chardev_open(in->rdev, (unsigned int)flags);
	else
		f = file_open_inode(in, (unsigned int)flags);
	inode_put(in);
	if (!f)
		return -ENXIO;
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

SYSCALL_DEFINE1(close, int, fd)
{
	struct file *f = fd_remove(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last,
		unsigned int, flags)
{
	if (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE) ||
	    first > last)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < 1048576; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec((int)fd, true);
		else
			file_put(fd_remove((int)fd));
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

static long fcntl_dupfd(struct file *f, long min, bool cloexec)
{
	long ret;

	if (min < 0 || (uint64_t)min >= current_proc()->rlim[RLIMIT_NOFILE].cur)
		return -EINVAL;
	file_get(f);
	ret = fd_install(f, (int)min, cloexec);
	if (ret < 0)
		file_put(f);
	return ret;
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, unsigned long, arg)
{
	struct file *f = fd_get(fd);
	long ret = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		ret = fcntl_dupfd(f, (long)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		ret = fd_cloexec(fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = f->flags;
		break;
	case F_SETFL: /* only these may change */
		f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK | O_ASYNC |
					 O_DIRECT | O_NOATIME)) |
			   (arg & (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT |
				   O_NOATIME));
		break;
	default:
		ret = -EINVAL;
	}
	file_put(f);
	return ret;
}

static long set_cwd(struct inode *in)
{
	struct fs_context *fs = current_proc()->fs;
	struct inode *old;

	if (!S_ISDIR(in->mode)) {
		inode_put(in);
		return -ENOTDIR;
	}
	if (inode_permission(in, 1)) {
		inode_put(in);
		return -EACCES;
	}
	old = fs->cwd;
	fs->cwd = in;
	inode_put(old);
	return 0;
}

SYSCALL_DEFINE1(chdir, uintptr_t, upath)
{
	struct inode *in;
	long err = path_lookup_user(AT_FDCWD, upath, false, &in);

	return err ? err : set_cwd(in);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get(fd);
	struct inode *in;

	if (!f)
		return -EBADF;
	in = f->inode;
	inode_get(in);
	file_put(f);
	return set_cwd(in);
}

/* The name of dir in its parent, or NULL. */
static const char *name_in_parent(struct inode *dir)
{
	struct dentry *d;

	list_for_each_entry(d, &dir->parent->children, link)
	{
		if (d->inode == dir)
			return d->name;
	}
	return NULL;
}

SYSCALL_DEFINE2(getcwd, uintptr_t, ubuf, size_t, size)
{
	char *buf = kmalloc(PATH_MAX);
	size_t pos = PATH_MAX - 1, len;
	struct inode *in = current_proc()->fs->cwd;
	long ret;

	if (!buf)
		return -ENOMEM;
	buf[pos] = '\0';
	for (; in != fs_root && in->parent; in = in->parent) {
		const char *name = name_in_parent(in);
		size_t n = name ? strlen(name) : 0;

		if (!name || n + 1 > pos) {
			kfree(buf);
			return name ? -ENAMETOOLONG : -ENOENT;
		}
		pos -= n;
		memcpy(buf + pos, name, n);
		buf[--pos] = '/';
	}
	if (pos == PATH_MAX - 1)
		buf[--pos] = '/';
	len = PATH_MAX - pos; /* with the NUL */
	if (len > size)
		ret = -ERANGE;
	else
		ret = copy_to_user(ubuf, buf + pos, len) ? -EFAULT : (long)len;
	kfree(buf);
	return ret;
}

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	struct fs_context *fs = current_proc()->fs;
	uint32_t old = fs->umask;

	fs->umask = mask & 0777;
	return old;
}

static long do_access(int dirfd, uintptr_t upath, int mode, int flags)
{
	struct inode *in;
	long err;

	if (mode & ~(R_OK | W_OK | X_OK) ||
	    flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_lookup_user(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, &in);
	if (err)
		return err;
	err = mode ? inode_permission(in, mode) : 0;
	if (!err && (mode & W_OK) && !S_ISDIR(in->mode) &&
	    (in->mode & S_IFMT) != S_IFCHR)
		err = -EROFS;
	inode_put(in);
	return err;
}

SYSCALL_DEFINE2(access, uintptr_t, upath, int, mode)
{
	return do_access(AT_FDCWD, upath, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uintptr_t, upath, int, mode)
{
	return do_access(dirfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uintptr_t, upath, int, mode, int,
		flags)
{
	return do_access(dirfd, upath, mode, flags);
}

static long do_readlink(int dirfd, uintptr_t upath, uintptr_t ubuf,
			int size)
{
	struct inode *in;
	const char *target;
	size_t len;
	long err;

	if (size <= 0)
		return -EINVAL;
	err = path_lookup_user(dirfd, upath, true, &in);
	if (err)
		return err;
	if (!S_ISLNK(in->mode)) {
		inode_put(in);
		return -EINVAL;
	}
	target = in->ops->link_target(in);
	len = MIN(strlen(target), (size_t)size);
	err = copy_to_user(ubuf, target, len) ? -EFAULT : (long)len;
	inode_put(in);
	return err;
}

SYSCALL_DEFINE3(readlink, uintptr_t, upath, uintptr_t, ubuf, int, size)
{
	return do_readlink(AT_FDCWD, upath, ubuf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uintptr_t, upath, uintptr_t, ubuf,
		int, size)
{
	return do_readlink(dirfd, upath, ubuf, size);
}
