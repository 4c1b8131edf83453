/*
 * open(2) and its family, close(2), and the descriptor calls dup and
 * close_range.
 *
 * Opening: the path is walked (namei.c), a name created if O_CREAT asks
 * and it is missing (the parent's write and search permission, the mode
 * less the umask), the access checked (the inode's permission bits, a
 * read-only mount, a directory opened for writing) unless the open made
 * the file, O_TRUNC applied, then the file made (file.c) and a
 * descriptor installed. As on Linux, open(2) drops the flags it does not
 * know and adds O_LARGEFILE; openat2 refuses unknown flags.
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
#define O_TMPFILE_BIT 020000000 /* O_TMPFILE without O_DIRECTORY */
#define O_PATH_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

bool path_readonly(const struct path *p)
{
	return (p->mnt->flags & MS_RDONLY) ||
	       (p->dentry->sb->flags & MS_RDONLY);
}

/* The access an open asks for (4 read, 2 write): access mode 3 asks
 * both, though the file then allows neither (ioctl only). */
static int open_mask(int flags)
{
	int acc = flags & O_ACCMODE;

	return (acc != O_WRONLY ? 4 : 0) |
	       (acc != O_RDONLY || (flags & O_TRUNC) ? 2 : 0);
}

/*
 * May the current process open what p names with flags? Linux's checks
 * in its order (do_open, may_open, do_dentry_open): a read-only file
 * system before the permission bits, a read-only mount after them.
 */
static int open_checks(const struct path *p, int flags)
{
	struct inode *in = p->dentry->inode;
	int mask = open_mask(flags);
	bool data = S_ISREG(in->mode) || S_ISDIR(in->mode);

	if ((flags & O_CREAT) && S_ISDIR(in->mode))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(in->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(in->mode))
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if (S_ISDIR(in->mode) && (mask & 2))
		return -EISDIR;
	if ((S_ISCHR(in->mode) || S_ISBLK(in->mode)) &&
	    (p->mnt->flags & MS_NODEV))
		return -EACCES;
	if ((mask & 2) && data && (p->dentry->sb->flags & MS_RDONLY))
		return -EROFS;
	if (inode_permission(in, mask))
		return -EACCES;
	if ((flags & O_NOATIME) && !inode_owner_or_root(in))
		return -EPERM;
	if ((mask & 2) && data && path_readonly(p))
		return -EROFS;
	/* No file system here does direct I/O (Linux 6.1's tmpfs neither). */
	if (flags & O_DIRECT)
		return -EINVAL;
	return 0;
}

/*
 * The name last in parent, created as a regular file if missing;
 * namespace_lock held. 0 with a referenced *out, or -errno.
 */
static int create_in(const struct path *parent, const char *last, int flags,
		     uint32_t mode, struct dentry **out, bool *created)
{
	struct inode *dir = parent->dentry->inode;
	int err = vfs_child(parent->dentry, last, out);

	*created = false;
	if (err)
		return err;
	if ((*out)->inode)
		return (flags & O_EXCL) ? -EEXIST : 0;
	if (parent->dentry->flags & DENTRY_DEAD)
		return -ENOENT; /* a removed directory */
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
	*created = !err;
	return err;
}

/*
 * O_CREAT: walk to the parent, find or make the name; a symlink at the
 * end is followed (its target made if missing) unless O_NOFOLLOW or
 * O_EXCL. 0 with *created (an open that made its file asks for no
 * access to it), or -errno.
 */
static int open_create(int dirfd, uintptr_t upath, int flags, uint32_t mode,
		       struct path *out, bool *created)
{
	struct path parent;
	struct dentry *d = NULL;
	bool trailing;
	char *last;
	int err = path_walk_create_locked(dirfd, upath,
					  !(flags & (O_NOFOLLOW | O_EXCL)),
					  &parent, &last, &trailing);

	if (err)
		return err == -EEXIST ? -EISDIR : err;
	if (trailing || !strcmp(last, ".") || !strcmp(last, ".."))
		err = -EISDIR;
	else
		err = create_in(&parent, last, flags, mode, &d, created);
	if (!err) {
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

/*
 * O_TMPFILE: an unnamed regular file in the directory p, which linkat
 * may name later unless O_EXCL says it must stay unnamed.
 */
static int open_tmpfile(const struct path *p, int flags, uint32_t mode,
			struct path *out)
{
	struct inode *dir = p->dentry->inode;
	struct dentry *d;
	int err = 0;

	namespace_lock();
	if (!(dir->ops && dir->ops->tmpfile))
		err = -EOPNOTSUPP;
	if (!err)
		err = inode_permission(dir, 3);
	if (!err && path_readonly(p))
		err = -EROFS;
	d = err ? NULL : d_alloc(p->dentry, "#tmpfile", 8);
	if (!err && !d)
		err = -ENOMEM;
	if (!err)
		err = dir->ops->tmpfile(
			dir, d,
			S_IFREG | (mode & 07777 & ~current_proc()->fs->umask));
	if (d) {
		if (!err)
			d->inode->linkable = !(flags & O_EXCL);
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
		     struct path *out, bool *created)
{
	unsigned int lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	int err;

	*created = false;
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		struct path dir;

		err = path_walk_user(dirfd, upath,
				     LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
		if (!err) {
			err = open_tmpfile(&dir, flags, mode, out);
			path_put(&dir);
		}
		*created = !err;
		return err;
	}
	if (flags & O_CREAT)
		return open_create(dirfd, upath, flags, mode, out, created);
	return path_walk_user(dirfd, upath, lf, out);
}

/* The flag combinations no open accepts: 0 or -EINVAL. */
static int open_flags_valid(int flags)
{
	if (!(flags & O_TMPFILE_BIT))
		return 0;
	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE)
		return -EINVAL;
	return open_mask(flags) & 2 ? 0 : -EINVAL; /* a file to write */
}

static long do_open(int dirfd, uintptr_t upath, int flags, uint32_t mode)
{
	struct path p;
	struct file *f;
	bool created;
	long err;

	if (flags & O_PATH)
		flags &= O_PATH_FLAGS;
	err = open_flags_valid(flags);
	/* A descriptor first, as Linux takes one: at EMFILE nothing is made. */
	if (!err)
		err = fd_room();
	if (!err)
		err = open_walk(dirfd, upath, flags, mode, &p, &created);
	if (err)
		return err;
	if (created) /* asks no access to the file it made */
		err = flags & O_DIRECT ? -EINVAL : 0;
	else
		err = open_checks(&p, flags);
	if (!err)
		err = file_open_path(&p, (unsigned int)flags, &f);
	path_put(&p);
	if (err)
		return err;
	err = file_get_write_access(f);
	if (err) {
		file_put(f);
		return err;
	}
	if (!created && (flags & O_TRUNC) && S_ISREG(f->inode->mode)) {
		/* after the open, as Linux: a running program is ETXTBSY,
		 * not emptied */
		err = inode_get_write_access(f->inode);
		if (!err) {
			err = vfs_truncate(f->inode, 0);
			inode_put_write_access(f->inode);
		}
		if (err) {
			file_put(f);
			return err;
		}
	}
	err = fd_install(f, 0, flags & O_CLOEXEC);
	if (err < 0)
		file_put(f);
	return err;
}

/* open(2)'s flags as Linux takes them: unknown ones dropped, and files
 * may be larger than 2 GiB on a 64-bit system. */
static int open_flags(int flags)
{
	return (flags & OPEN_KNOWN) | O_LARGEFILE;
}

SYSCALL_DEFINE3(open, uintptr_t, upath, int, flags, uint32_t, mode)
{
	return do_open(AT_FDCWD, upath, open_flags(flags), mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uintptr_t, upath, int, flags, uint32_t,
		mode)
{
	return do_open(dirfd, upath, open_flags(flags), mode);
}

SYSCALL_DEFINE2(creat, uintptr_t, upath, uint32_t, mode)
{
	return do_open(AT_FDCWD, upath,
		       open_flags(O_CREAT | O_WRONLY | O_TRUNC), mode);
}

struct open_how {
	uint64_t flags, mode, resolve;
};

/* The bytes of a larger struct open_how than ours must be zero (a newer
 * program asking for what this kernel lacks): 0, -E2BIG, -EFAULT. */
static int check_zero_tail(uintptr_t u, size_t n)
{
	uint8_t buf[64];

	while (n) {
		size_t chunk = MIN(n, sizeof(buf));

		if (copy_from_user(buf, u, chunk))
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++) {
			if (buf[i])
				return -E2BIG;
		}
		u += chunk;
		n -= chunk;
	}
	return 0;
}

/* openat2's checks of struct open_how (build_open_flags): 0, -EINVAL. */
static int open_how_valid(const struct open_how *how)
{
	if (how->flags & ~(uint64_t)OPEN_KNOWN)
		return -EINVAL;
	if (how->flags & (O_CREAT | O_TMPFILE_BIT)) {
		if (how->mode & ~07777ULL)
			return -EINVAL;
	} else if (how->mode) {
		return -EINVAL;
	}
	if ((how->flags & O_PATH) && (how->flags & ~(uint64_t)O_PATH_FLAGS))
		return -EINVAL;
	if (how->resolve) /* RESOLVE_* restrictions are not offered */
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE4(openat2, int, dirfd, uintptr_t, upath, uintptr_t, uhow, size_t,
		size)
{
	struct open_how how;
	long err;

	if (size < sizeof(how))
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&how, uhow, sizeof(how)))
		return -EFAULT;
	err = check_zero_tail(uhow + sizeof(how), size - sizeof(how));
	if (!err)
		err = open_how_valid(&how);
	if (err)
		return err;
	if (!(how.flags & O_PATH))
		how.flags |= O_LARGEFILE;
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
