/*
 * read, write and their vector and positional forms, lseek, ioctl,
 * sendfile and copy_file_range: thin system calls over struct file_ops.
 * The file position is updated under the file's pos_lock, so threads
 * sharing a descriptor do not read the same bytes twice. kernel_read and
 * kernel_write let the kernel itself use a file (sendfile, the
 * initramfs), its buffer standing in for a user one.
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

	/* A positional call on what cannot seek: ESPIPE before the access
	 * mode's EBADF, as Linux checks (pread on a pipe's write end). */
	if (offset >= 0 && !(f->flags & O_PATH) && f->ops && !f->ops->seekable)
		return -ESPIPE;
	if (write ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (f->inode && S_ISDIR(f->inode->mode))
		return -EISDIR;
	op = write ? f->ops->write : f->ops->read;
	if (!op)
		return -EINVAL;
	if (n > RW_MAX)
		n = RW_MAX;
	if (offset >= 0)
		return op(f, ubuf, n, (uint64_t)offset);
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

/* Run do_rw on a kernel buffer: off < 0 uses the file position. */
static long kernel_rw(struct file *f, void *buf, size_t n, bool write,
		      int64_t off)
{
	struct task *t = current_task();
	bool was = t->uaccess_kernel;
	long ret;

	t->uaccess_kernel = true;
	ret = do_rw(f, (uintptr_t)buf, n, write, off);
	t->uaccess_kernel = was;
	return ret;
}

long kernel_read(struct file *f, void *buf, size_t n, int64_t off)
{
	return kernel_rw(f, buf, n, false, off);
}

long kernel_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	return kernel_rw(f, (void *)buf, n, true, off);
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

SYSCALL_DEFINE4(pwrite64, int, fd, uintptr_t, ubuf, size_t, n, int64_t, off)
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

#define COPY_CHUNK 4096

/*
 * Move n bytes from in (at *inpos, or its position) to out (at *outpos,
 * or its position) through a kernel buffer: bytes moved, or -errno if
 * none moved. sendfile and copy_file_range.
 */
static long splice_files(struct file *in, int64_t *inpos, struct file *out,
			 int64_t *outpos, size_t n)
{
	char *buf = kmalloc(COPY_CHUNK);
	long done = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < n) {
		long r = kernel_read(in, buf, MIN(COPY_CHUNK, n - done),
				     inpos ? *inpos : -1),
		     w;

		if (r <= 0) {
			done = done ? done : r;
			break;
		}
		w = kernel_write(out, buf, (size_t)r, outpos ? *outpos : -1);
		if (w > 0) {
			done += w;
			if (inpos)
				*inpos += w;
			if (outpos)
				*outpos += w;
		}
		if (w < r) { /* a short write: the rest stays unread */
			if (!inpos && w >= 0)
				in->pos -= (uint64_t)(r - MAX(w, 0));
			done = done ? done : w;
			break;
		}
	}
	kfree(buf);
	return done;
}

static long copy_between(int infd, uintptr_t uinoff, int outfd,
			 uintptr_t uoutoff, size_t n)
{
	struct file *in = fd_get(infd), *out = fd_get(outfd);
	int64_t inoff, outoff;
	long ret = in && out ? 0 : -EBADF;

	if (!ret && uinoff && get_user(inoff, uinoff))
		ret = -EFAULT;
	if (!ret && uoutoff && get_user(outoff, uoutoff))
		ret = -EFAULT;
	if (!ret && ((uinoff && inoff < 0) || (uoutoff && outoff < 0)))
		ret = -EINVAL;
	if (!ret)
		ret = splice_files(in, uinoff ? &inoff : NULL, out,
				   uoutoff ? &outoff : NULL, MIN(n, RW_MAX));
	if (ret >= 0 && uinoff && put_user(inoff, uinoff))
		ret = -EFAULT;
	if (ret >= 0 && uoutoff && put_user(outoff, uoutoff))
		ret = -EFAULT;
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return ret;
}

SYSCALL_DEFINE4(sendfile, int, outfd, int, infd, uintptr_t, uoff, size_t, n)
{
	return copy_between(infd, uoff, outfd, 0, n);
}

SYSCALL_DEFINE6(copy_file_range, int, infd, uintptr_t, uinoff, int, outfd,
		uintptr_t, uoutoff, size_t, n, unsigned int, flags)
{
	return flags ? -EINVAL : copy_between(infd, uinoff, outfd, uoutoff, n);
}
