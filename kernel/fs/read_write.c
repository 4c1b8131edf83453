/*
 * read, write and their vector and positional forms, lseek, ioctl,
 * sendfile and copy_file_range: thin system calls over struct file_ops.
 * The file position is updated under the file's pos_lock, so threads
 * sharing a descriptor do not read the same bytes twice. kernel_read and
 * kernel_write let the kernel itself use a file (sendfile, the
 * initramfs), its buffer standing in for a user one.
 */
#include <kernel/blkdev.h>
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

/* Inlined: read(2) and write(2) and their positional forms reach the file
 * with one call less. */
static inline __attribute__((always_inline)) long
do_rw(struct file *f, uintptr_t ubuf, size_t n, bool write, int64_t offset)
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
	struct fd_light f = fd_get_light(fd);
	long ret;

	if (!f.file)
		return -EBADF;
	ret = do_rw(f.file, ubuf, n, write, off);
	fd_put_light(f);
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

/*
 * The vector of readv/writev, checked whole before any byte moves, as
 * Linux does: a negative length is EINVAL, a buffer outside user memory
 * EFAULT (a bad address within it shows up later, as a short count).
 * Lengths are cut so that the total stays below RW_MAX. kfree *out.
 */
static long iovec_import(uintptr_t uiov, int cnt, struct iovec_k **out)
{
	struct iovec_k *v;
	uint64_t total = 0;

	*out = NULL;
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (!cnt)
		return 0;
	v = kmalloc((size_t)cnt * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, uiov, (size_t)cnt * sizeof(*v))) {
		kfree(v);
		return -EFAULT;
	}
	for (int i = 0; i < cnt; i++) {
		long err = (int64_t)v[i].len < 0	     ? -EINVAL
			   : !access_ok(v[i].base, v[i].len) ? -EFAULT
							     : 0;

		if (err) {
			kfree(v);
			return err;
		}
		v[i].len = MIN(v[i].len, RW_MAX - total);
		total += v[i].len;
	}
	*out = v;
	return 0;
}

/* readv/writev: one buffer after the other, stopping at a short one. */
static long rw_vec(int fd, uintptr_t uiov, int cnt, bool write, int64_t off)
{
	struct iovec_k *v;
	struct file *f = fd_get(fd);
	long total = 0, err;

	if (!f)
		return -EBADF;
	err = iovec_import(uiov, cnt, &v);
	if (!err && (write ? !file_writable(f) : !file_readable(f)))
		err = -EBADF; /* even for no bytes at all */
	if (err) {
		kfree(v);
		file_put(f);
		return err;
	}
	if (off < 0 && f->ops &&
	    (write ? f->ops->write_iov : f->ops->read_iov)) {
		/* The file takes the vector whole (a socket's datagram). */
		total = write ? f->ops->write_iov(f, v, cnt)
			      : f->ops->read_iov(f, v, cnt);
		kfree(v);
		file_put(f);
		return total;
	}
	for (int i = 0; i < cnt; i++) {
		long r;

		if (!v[i].len)
			continue;
		r = do_rw(f, v[i].base, v[i].len, write,
			  off < 0 ? -1 : off + total);
		if (r < 0) {
			total = total ? total : r;
			break;
		}
		total += r;
		if ((uint64_t)r < v[i].len)
			break;
	}
	kfree(v);
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
	       : whence == SEEK_END
		       ? (int64_t)(S_ISBLK(f->inode->mode) ? blkdev_file_size(f)
							   : f->inode->size)
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

/* An offset argument (uoff 0: none, the file position instead). */
static int get_offset(uintptr_t uoff, const struct file *f, int64_t *off)
{
	if (!uoff) {
		*off = (int64_t)f->pos;
		return 0;
	}
	return get_user(*off, uoff) ? -EFAULT : 0;
}

/* sendfile's checks, in Linux's order (do_sendfile, do_splice_direct). */
static int sendfile_checks(struct file *in, bool has_off, int64_t off,
			   struct file *out)
{
	if (!file_readable(in))
		return -EBADF;
	if (has_off && off < 0)
		return -EINVAL;
	if (!out || !file_writable(out))
		return -EBADF;
	return out->flags & O_APPEND ? -EINVAL : 0;
}

SYSCALL_DEFINE4(sendfile, int, outfd, int, infd, uintptr_t, uoff, size_t, n)
{
	struct file *in, *out;
	int64_t off = 0;
	long ret;

	if (uoff && get_user(off, uoff))
		return -EFAULT;
	in = fd_get(infd);
	if (!in)
		return -EBADF;
	out = fd_get(outfd);
	ret = sendfile_checks(in, uoff, off, out);
	if (!ret)
		ret = splice_files(in, uoff ? &off : NULL, out, NULL,
				   MIN(n, RW_MAX));
	if (ret >= 0 && uoff && put_user(off, uoff))
		ret = -EFAULT;
	file_put(in);
	if (out)
		file_put(out);
	return ret;
}

/*
 * copy_file_range's checks, in Linux's order (generic_copy_file_checks):
 * regular files, opened the right way, offsets that do not wrap, the
 * count cut at the input's end, no overlap within one file.
 */
static int copy_range_checks(struct file *in, int64_t ipos, struct file *out,
			     int64_t opos, size_t *count)
{
	struct inode *a = in->inode, *b = out->inode;
	uint64_t n = *count;

	if (!a || !b)
		return -EINVAL;
	if (S_ISDIR(a->mode) || S_ISDIR(b->mode))
		return -EISDIR;
	if (!S_ISREG(a->mode) || !S_ISREG(b->mode))
		return -EINVAL;
	if (!file_readable(in) || !file_writable(out) ||
	    (out->flags & O_APPEND))
		return -EBADF;
	if ((uint64_t)ipos + n < (uint64_t)ipos ||
	    (uint64_t)opos + n < (uint64_t)opos)
		return -EOVERFLOW;
	if (ipos < 0 || opos < 0)
		return -EINVAL;
	n = (uint64_t)ipos >= a->size ? 0 : MIN(n, a->size - (uint64_t)ipos);
	if (a == b && (uint64_t)opos + n > (uint64_t)ipos &&
	    (uint64_t)opos < (uint64_t)ipos + n)
		return -EINVAL;
	*count = (size_t)n;
	return 0;
}

SYSCALL_DEFINE6(copy_file_range, int, infd, uintptr_t, uinoff, int, outfd,
		uintptr_t, uoutoff, size_t, n, unsigned int, flags)
{
	struct file *in = fd_get(infd), *out = fd_get(outfd);
	int64_t inoff, outoff;
	long ret = in && out ? 0 : -EBADF;

	if (!ret)
		ret = get_offset(uinoff, in, &inoff);
	if (!ret)
		ret = get_offset(uoutoff, out, &outoff);
	if (!ret && flags)
		ret = -EINVAL;
	n = MIN(n, RW_MAX);
	if (!ret)
		ret = copy_range_checks(in, inoff, out, outoff, &n);
	if (!ret && n)
		ret = splice_files(in, uinoff ? &inoff : NULL, out,
				   uoutoff ? &outoff : NULL, n);
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
