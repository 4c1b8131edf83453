/*
 * fcntl(2) and flock(2): descriptor flags, status flags, duplication,
 * and the lock requests, translated for locks.c.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
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
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_GETLEASE 1025
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define FD_CLOEXEC 1

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* struct flock on x86_64. */
struct flock_k {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
};

static long dupfd(struct file *f, long min, bool cloexec)
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

/* struct flock's range as [start, end]: 0, -EINVAL (before byte 0) or
 * -EOVERFLOW (past LOCK_OFFSET_MAX), checked in Linux's order. */
static int flock_range(struct file *f, const struct flock_k *fl,
		       struct file_lock_req *req)
{
	int64_t base, start, end;

	switch (fl->whence) {
	case 0: /* SEEK_SET */
		base = 0;
		break;
	case 1:
		base = (int64_t)f->pos;
		break;
	case 2:
		base = (int64_t)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->start, &start))
		return -EOVERFLOW; /* base >= 0: only upwards */
	if (start < 0)
		return -EINVAL;
	if (fl->len > 0) {
		if (__builtin_add_overflow(start, fl->len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->len < 0) {
		end = start - 1;
		start += fl->len; /* no overflow: start >= 0 */
		if (start < 0)
			return -EINVAL;
	} else {
		end = (int64_t)LOCK_OFFSET_MAX; /* to the end, however far */
	}
	req->start = (uint64_t)start;
	req->end = (uint64_t)end;
	return 0;
}

static long fcntl_lock(struct file *f, int cmd, uintptr_t uarg)
{
	bool ofd = cmd >= F_OFD_GETLK;
	struct file_lock_req req = {
		.kind = ofd ? LOCK_KIND_OFD : LOCK_KIND_POSIX,
		.owner = ofd ? (const void *)f : current_proc()->files,
	};
	struct flock_k fl;
	long err;

	if (copy_from_user(&fl, uarg, sizeof(fl)))
		return -EFAULT;
	if (!f->inode || (f->flags & O_PATH))
		return -EBADF;
	if (ofd && fl.pid)
		return -EINVAL;
	if (fl.type != F_RDLCK && fl.type != F_WRLCK && fl.type != F_UNLCK)
		return -EINVAL;
	err = flock_range(f, &fl, &req);
	if (err)
		return err;
	req.type = fl.type;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.type == F_UNLCK)
			return -EINVAL;
		locks_test(f->inode, &req);
		fl.type = (int16_t)req.type;
		if (req.type != F_UNLCK) {
			fl.whence = 0;
			fl.start = (int64_t)req.start;
			fl.len = req.end == LOCK_OFFSET_MAX
					 ? 0
					 : (int64_t)(req.end - req.start + 1);
			fl.pid = req.pid;
		}
		return copy_to_user(uarg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	if ((fl.type == F_RDLCK && !file_readable(f)) ||
	    (fl.type == F_WRLCK && !file_writable(f)))
		return -EBADF;
	return locks_set(f->inode, &req,
			 cmd == F_SETLKW || cmd == F_OFD_SETLKW);
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
		ret = dupfd(f, (long)arg, cmd == F_DUPFD_CLOEXEC);
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
	case F_SETFL:
		if (f->flags & O_PATH) {
			ret = -EBADF;
			break;
		}
		f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		ret = fcntl_lock(f, cmd, arg);
		break;
	case F_GETOWN:
	case F_GETSIG:
		ret = 0; /* no SIGIO delivery: nobody owns it */
		break;
	case F_SETOWN:
	case F_SETSIG:
		ret = 0;
		break;
	case F_GETLEASE:
		ret = F_UNLCK;
		break;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ: /* a pipe's, and anything else is not a pipe */
		ret = f->ops && f->ops->fcntl ? f->ops->fcntl(f, cmd, arg)
					      : -EBADF;
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		ret = memfd_fcntl(f, cmd, arg);
		break;
	default:
		ret = f->ops && f->ops->fcntl ? f->ops->fcntl(f, cmd, arg)
					      : -EINVAL;
	}
	file_put(f);
	return ret;
}

/* flock(2)'s operation (less LOCK_NB) as a lock type, or -EINVAL. */
static int flock_type(unsigned int op)
{
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		return F_RDLCK;
	case LOCK_EX:
		return F_WRLCK;
	case LOCK_UN:
		return F_UNLCK;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(flock, int, fd, unsigned int, op)
{
	struct file_lock_req req = {
		.start = 0, .end = LOCK_OFFSET_MAX, .kind = LOCK_KIND_FLOCK};
	struct file *f;
	long err;

	/* Linux's order: LOCK_MAND requests are ignored (their support is
	 * gone), then the operation is checked, then the descriptor. */
	if (op & LOCK_MAND)
		return 0;
	req.type = flock_type(op);
	if (req.type < 0)
		return req.type;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	req.owner = f;
	if ((f->flags & O_PATH) || !f->inode)
		err = -EBADF;
	else
		err = locks_set(f->inode, &req, !(op & LOCK_NB));
	file_put(f);
	return err == -EAGAIN ? -EWOULDBLOCK : err;
}
