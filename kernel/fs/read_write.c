/*
 * read, write and their vector and positional forms, lseek, ioctl:
 * thin system calls over struct file_ops. The file position is updated
 * under the file's pos_lock, so threads sharing a descriptor do not read
 * the same bytes twice.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define IOV_MAX 1024
#define RW_MAX 0x7ffff000 /* Linux's MAX_RW_COUNT: one call moves less */

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define FIONBIO 0x5421
#define FIOCLEX 0x5451
#define FIONCLEX 0x5450


struct iovec_k {
	uintptr_t base;
	uint64_t len;
};

static long do_rw(struct file *f, uintptr_t ubuf, size_t n, bool write,
		  int64_t offset)
{
	long (*op)(struct file *, uintptr_t, size_t, uint64_t);
	uint64_t pos;
	long ret;

	if ((f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY) ||
	    (f->flags & O_PATH))
		return -EBADF;
	op = write ? f->ops->write : f->ops->read;
	if (!op)
		return -EINVAL;
	if (n > RW_MAX)
		n = RW_MAX;
	if (offset >= 0) {
		if (!f->ops->seekable)
			return -ESPIPE;
		return op(f, ubuf, n, (uint64_t)offset);
	}
	if (!f->ops->seekable)
		return op(f, ubuf, n, 0);
	mutex_lock(&f->pos_lock);
	pos = (write && (f->flags & O_APPEND)) ? f->inode->size : f->pos;
	ret = op(f, ubuf, n, pos);
	if (ret > 0)
		f->pos = pos + (uint64_t)ret;
	mutex_unlock(&f->pos_lock);
	return ret;
}

static long rw_fd(int fd, uintptr_t ubuf, size_t n, bool write, int64_t off)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = do_rw(f, ubuf, n, write, off);
	file_put(f);
	return ret;
}

SYSCALL_DEFINE3(read, int, fd, uintptr_t, ubuf, size_t, n)
{
	return rw_fd(fd, ubuf, n, false, -1);
}

SYSCALL_DEFINE3(write, int, fd, uintptr_t, ubuf, size_t, n)
{
	return rw_fd(fd, ubuf, n, true, -1);
}

SYSCALL_DEFINE4(pread64, int, fd, uintptr_t, ubuf, size_t, n, int64_t, off)
{
	return off < 0 ? -EINVAL : rw_fd(fd, ubuf, n, false, off);
}

SYSCALL_DEFINE4(pwrite64, int, fd, uintptr_t, ubuf, size_t, n, int64_t,
		off)
{
	return off < 0 ? -EINVAL : rw_fd(fd, ubuf, n, true, off);
}

/* readv/writev: one buffer after the other, stopping at a short one. */
static long rw_vec(int fd, uintptr_t uiov, int cnt, bool write, int64_t off)
{
	struct file *f;
	long total = 0;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	for (int i = 0; i < cnt; i++) {
		struct iovec_k v;
		long r;

		if (copy_from_user(&v, uiov + i * sizeof(v), sizeof(v))) {
			total = total ? total : -EFAULT;
			break;
		}
		if (v.len > RW_MAX || (int64_t)v.len < 0) {
			total = total ? total : -EINVAL;
			break;
		}
		if (!v.len)
			continue;
		r = do_rw(f, v.base, v.len, write, off < 0 ? -1 : off + total);
		if (r < 0) {
			total = total ? total : r;
			break;
		}
		total += r;
		if ((uint64_t)r < v.len)
			break;
	}
	file_put(f);
	return total;
}

SYSCALL_DEFINE3(readv, int, fd, uintptr_t, uiov, int, cnt)
{
	return rw_vec(fd, uiov, cnt, false, -1);
}

SYSCALL_DEFINE3(writev, int, fd, uintptr_t, uiov, int, cnt)
{
	return rw_vec(fd, uiov, cnt, true, -1);
}

SYSCALL_DEFINE4(preadv, int, fd, uintptr_t, uiov, int, cnt, int64_t, off)
{
	return off < 0 ? -EINVAL : rw_vec(fd, uiov, cnt, false, off);
}

SYSCALL_DEFINE4(pwritev, int, fd, uintptr_t, uiov, int, cnt, int64_t, off)
{
	return off < 0 ? -EINVAL : rw_vec(fd, uiov, cnt, true, off);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, off, int, whence)
{
	struct file *f = fd_get(fd);
	int64_t base, pos;
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->seekable) {
		file_put(f);
		return -ESPIPE;
	}
	mutex_lock(&f->pos_lock);
	base = whence == SEEK_SET   ? 0
	       : whence == SEEK_CUR ? (int64_t)f->pos
	       : whence == SEEK_END ? (int64_t)f->inode->size
				    : -1;
	pos = base + off;
	if (whence < SEEK_SET || whence > SEEK_END)
		ret = -EINVAL;
	else if (pos < 0 || (off > 0 && pos < base))
		ret = -EINVAL;
	else
		ret = (long)(f->pos = (uint64_t)pos);
	mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, uintptr_t, arg)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		fd_set_cloexec(fd, cmd == FIOCLEX);
		ret = 0;
		break;
	case FIONBIO: {
		int on;

		ret = get_user(on, arg);
		if (!ret)
			f->flags = on ? f->flags | O_NONBLOCK
				      : f->flags & ~O_NONBLOCK;
		break;
	}
	default:
		ret = f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, arg)
					      : -ENOTTY;
	}
	file_put(f);
	return ret;
}

SYSCALL_DEFINE3(getdents64, int, fd, uintptr_t, ubuf, size_t, n)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->readdir) {
		file_put(f);
		return -ENOTDIR;
	}
	mutex_lock(&f->pos_lock);
	ret = f->ops->readdir(f, ubuf, n);
	mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}
