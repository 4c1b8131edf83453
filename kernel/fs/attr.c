/*
 * The calls that change a file's attributes: chmod, chown, the times
 * (utimensat and its older forms), truncate, fallocate. The rules are
 * Linux's: only the owner (or root) changes the mode and the times; only
 * root gives a file away, the owner may change its group to one of his;
 * a chown clears set-user-ID (and set-group-ID on group-executables);
 * a read-only mount refuses them all (EROFS).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#define FALLOC_FL_KEEP_SIZE 1
#define FALLOC_FL_PUNCH_HOLE 2
#define FALLOC_FL_NO_HIDE_STALE 4
#define FALLOC_FL_COLLAPSE_RANGE 8
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40
#define FALLOC_FL_KNOWN 0x7f

/* What an attribute call acts on: from a path or an open file. */
struct target {
	struct path path; /* dentry NULL for a file without a name */
	struct inode *inode;
};

static int target_at(int dirfd, uintptr_t upath, int flags, struct target *t)
{
	int err = path_at(dirfd, upath, flags, &t->path);

	t->inode = err ? NULL : t->path.dentry->inode;
	return err;
}

static int target_fd(int fd, struct target *t)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		file_put(f);
		return -EBADF;
	}
	t->path = f->path;
	path_get(&t->path);
	t->inode = f->inode;
	inode_get(t->inode);
	file_put(f);
	return 0;
}

static void target_put(struct target *t)
{
	if (!t->path.dentry)
		inode_put(t->inode);
	path_put(&t->path);
}

static int target_writable_fs(const struct target *t)
{
	return t->path.dentry && path_readonly(&t->path) ? -EROFS : 0;
}

static long do_chmod(struct target *t, uint32_t mode)
{
	struct inode *in = t->inode;
	int err = target_writable_fs(t);

	if (!err && !inode_owner_or_root(in))
		err = -EPERM;
	if (!err) {
		mode &= 07777;
		if (!fs_capable() && !fs_in_group(in->gid))
			mode &= ~S_ISGID;
		mutex_lock(&in->lock);
		in->mode = (in->mode & S_IFMT) | mode;
		inode_touch(in, false);
		mutex_unlock(&in->lock);
	}
	target_put(t);
	return err;
}

SYSCALL_DEFINE2(chmod, uintptr_t, upath, uint32_t, mode)
{
	struct target t;
	long err = target_at(AT_FDCWD, upath, 0, &t);

	return err ? err : do_chmod(&t, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uintptr_t, upath, uint32_t, mode)
{
	struct target t;
	long err = target_at(dirfd, upath, 0, &t);

	return err ? err : do_chmod(&t, mode);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct target t;
	long err = target_fd(fd, &t);

	return err ? err : do_chmod(&t, mode);
}

/* May the caller set (uid, gid) (-1: unchanged) on in? */
static int chown_allowed(const struct inode *in, uint32_t uid, uint32_t gid)
{
	if (fs_capable())
		return 0;
	if (uid != (uint32_t)-1 && uid != in->uid)
		return -EPERM;
	if (gid != (uint32_t)-1 && gid != in->gid &&
	    !(inode_owner_or_root(in) && fs_in_group(gid)))
		return -EPERM;
	if (!inode_owner_or_root(in) &&
	    (uid != (uint32_t)-1 || gid != (uint32_t)-1))
		return -EPERM;
	return 0;
}

static long do_chown(struct target *t, uint32_t uid, uint32_t gid)
{
	struct inode *in = t->inode;
	int err = target_writable_fs(t);

	if (!err)
		err = chown_allowed(in, uid, gid);
	if (!err) {
		mutex_lock(&in->lock);
		if (uid != (uint32_t)-1)
			in->uid = uid;
		if (gid != (uint32_t)-1)
			in->gid = gid;
		if (!S_ISDIR(in->mode) &&
		    (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
			in->mode &= ~S_ISUID;
			if ((in->mode & (S_ISGID | 0010)) == (S_ISGID | 0010))
				in->mode &= ~S_ISGID;
		}
		inode_touch(in, false);
		mutex_unlock(&in->lock);
	}
	target_put(t);
	return err;
}

static long chown_at(int dirfd, uintptr_t upath, uint32_t uid, uint32_t gid,
		     int flags)
{
	struct target t;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = target_at(dirfd, upath, flags, &t);
	return err ? err : do_chown(&t, uid, gid);
}

SYSCALL_DEFINE3(chown, uintptr_t, upath, uint32_t, uid, uint32_t, gid)
{
	return chown_at(AT_FDCWD, upath, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown, uintptr_t, upath, uint32_t, uid, uint32_t, gid)
{
	return chown_at(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, uintptr_t, upath, uint32_t, uid, uint32_t,
		gid, int, flags)
{
	return chown_at(dirfd, upath, uid, gid, flags);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, uid, uint32_t, gid)
{
	struct target t;
	long err = target_fd(fd, &t);

	return err ? err : do_chown(&t, uid, gid);
}

/*
 * Set the times: ts NULL means both now. Setting them to now needs the
 * owner or write permission; to anything else, the owner.
 */
static long set_times(struct target *t, const struct timespec_k *ts)
{
	struct inode *in = t->inode;
	struct timespec_k now_ts = inode_time_now();
	bool only_now =
		!ts || ((ts[0].nsec == UTIME_NOW || ts[0].nsec == UTIME_OMIT) &&
			(ts[1].nsec == UTIME_NOW || ts[1].nsec == UTIME_OMIT));
	int err = target_writable_fs(t);

	if (!err && !inode_owner_or_root(in) &&
	    (!only_now || inode_permission(in, 2)))
		err = only_now ? -EACCES : -EPERM;
	if (!err) {
		mutex_lock(&in->lock);
		for (int i = 0; i < 2; i++) {
			struct timespec_k *dst = i ? &in->mtime : &in->atime;

			if (!ts || ts[i].nsec == UTIME_NOW)
				*dst = now_ts;
			else if (ts[i].nsec != UTIME_OMIT)
				*dst = ts[i];
		}
		in->ctime = now_ts;
		mutex_unlock(&in->lock);
	}
	target_put(t);
	return err;
}

static bool times_valid(const struct timespec_k *ts)
{
	for (int i = 0; i < 2; i++) {
		if (ts[i].nsec == UTIME_NOW || ts[i].nsec == UTIME_OMIT)
			continue;
		if (ts[i].nsec < 0 || ts[i].nsec >= (int64_t)NSEC_PER_SEC)
			return false;
	}
	return true;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, uintptr_t, upath, uintptr_t, utimes, int,
		flags)
{
	struct timespec_k ts[2];
	struct target t;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(ts, utimes, sizeof(ts)))
		return -EFAULT;
	if (utimes && !times_valid(ts))
		return -EINVAL;
	if (utimes && ts[0].nsec == UTIME_OMIT && ts[1].nsec == UTIME_OMIT)
		return 0;
	/* A NULL path names dirfd itself (futimens). */
	err = upath ? target_at(dirfd, upath, flags, &t) : target_fd(dirfd, &t);
	return err ? err : set_times(&t, utimes ? ts : NULL);
}

struct timeval_k {
	int64_t sec, usec;
};

/* utimes and futimesat: microseconds. */
static long set_timevals(int dirfd, uintptr_t upath, uintptr_t utv)
{
	struct timeval_k tv[2];
	struct timespec_k ts[2];
	struct target t;
	long err;

	if (utv && copy_from_user(tv, utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; utv && i < 2; i++) {
		if (tv[i].usec < 0 || tv[i].usec >= 1000000)
			return -EINVAL;
		ts[i].sec = tv[i].sec;
		ts[i].nsec = tv[i].usec * 1000;
	}
	err = target_at(dirfd, upath, 0, &t);
	return err ? err : set_times(&t, utv ? ts : NULL);
}

SYSCALL_DEFINE2(utimes, uintptr_t, upath, uintptr_t, utv)
{
	return set_timevals(AT_FDCWD, upath, utv);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, uintptr_t, upath, uintptr_t, utv)
{
	return set_timevals(dirfd, upath, utv);
}

SYSCALL_DEFINE2(utime, uintptr_t, upath, uintptr_t, ubuf)
{
	int64_t b[2] = {0}; /* struct utimbuf: actime, modtime */
	struct timespec_k ts[2];
	struct target t;
	long err;

	if (ubuf && copy_from_user(b, ubuf, sizeof(b)))
		return -EFAULT;
	ts[0] = (struct timespec_k){b[0], 0};
	ts[1] = (struct timespec_k){b[1], 0};
	err = target_at(AT_FDCWD, upath, 0, &t);
	return err ? err : set_times(&t, ubuf ? ts : NULL);
}

int vfs_truncate(struct inode *in, uint64_t size)
{
	int err;

	if (S_ISDIR(in->mode))
		return -EISDIR;
	if (!S_ISREG(in->mode))
		return -EINVAL;
	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	if (!in->ops || !in->ops->set_size)
		return -EPERM;
	mutex_lock(&in->lock);
	err = in->ops->set_size(in, size);
	mutex_unlock(&in->lock);
	return err;
}

SYSCALL_DEFINE2(truncate, uintptr_t, upath, int64_t, len)
{
	struct target t;
	long err;

	if (len < 0)
		return -EINVAL;
	err = target_at(AT_FDCWD, upath, 0, &t);
	if (err)
		return err;
	if (S_ISDIR(t.inode->mode))
		err = -EISDIR;
	else if (inode_permission(t.inode, 2))
		err = -EACCES;
	else
		err = target_writable_fs(&t);
	if (!err && S_ISREG(t.inode->mode))
		err = inode_get_write_access(t.inode); /* ETXTBSY if it runs */
	if (!err) {
		err = vfs_truncate(t.inode, (uint64_t)len);
		if (S_ISREG(t.inode->mode))
			inode_put_write_access(t.inode);
	}
	target_put(&t);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, len)
{
	struct file *f;
	long err;

	if (len < 0)
		return -EINVAL; /* before the descriptor, as Linux */
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!file_writable(f) || !f->inode || !S_ISREG(f->inode->mode))
		err = f->flags & O_PATH ? -EBADF : -EINVAL;
	else
		err = vfs_truncate(f->inode, (uint64_t)len);
	file_put(f);
	return err;
}

/*
 * fallocate's checks, in Linux's order (vfs_fallocate): the arguments
 * and the mode before the descriptor's access, the kind of file, the
 * size; then what tmpfs supports (allocating and punching holes).
 */
static int fallocate_checks(struct file *f, int mode, int64_t off, int64_t len)
{
	int64_t end;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KNOWN)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) &&
	    (mode & (FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE)) !=
		    FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if (((mode & FALLOC_FL_COLLAPSE_RANGE) &&
	     mode != FALLOC_FL_COLLAPSE_RANGE) ||
	    ((mode & FALLOC_FL_INSERT_RANGE) &&
	     mode != FALLOC_FL_INSERT_RANGE) ||
	    ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	     (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))))
		return -EINVAL;
	if (!file_writable(f))
		return -EBADF;
	if (!f->inode || S_ISFIFO(f->inode->mode))
		return -ESPIPE;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!S_ISREG(f->inode->mode))
		return -ENODEV;
	if (__builtin_add_overflow(off, len, &end))
		return -EFBIG;
	/* The page-cache work below is memory file systems': a disk one
	 * (ext2, which writes pages back) has no fallocate, as Linux's ext2
	 * has none. Punching there would drop cached pages whose blocks
	 * stay, and the disk's old data would come back. */
	if (f->inode->ops && f->inode->ops->write_page)
		return -EOPNOTSUPP;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	return 0;
}

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, off, int64_t, len)
{
	struct file *f = fd_get(fd);
	struct inode *in;
	long err;

	if (!f)
		return -EBADF;
	err = fallocate_checks(f, mode, off, len);
	in = f->inode;
	if (!err) {
		mutex_lock(&in->lock);
		if (mode & FALLOC_FL_PUNCH_HOLE)
			err = filemap_punch_hole(in, (uint64_t)off,
						 (uint64_t)len);
		else
			err = filemap_allocate(in, (uint64_t)off, (uint64_t)len,
					       !(mode & FALLOC_FL_KEEP_SIZE));
		mutex_unlock(&in->lock);
	}
	file_put(f);
	return err;
}
