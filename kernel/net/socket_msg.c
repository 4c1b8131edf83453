/*
 * Moving data through sockets: send, sendto, sendmsg, sendmmsg, recv,
 * recvfrom, recvmsg, recvmmsg. The message header (struct msghdr), its
 * buffers and control data are copied in here, checked as Linux checks
 * them, and handed to the family as a struct msg_k; what comes back
 * (data, the sender's address, descriptors and credentials as control
 * messages, msg_flags) is copied out the same way.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/net.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "net_priv.h"

#define UIO_MAXIOV 1024
#define RW_MAX 0x7ffff000 /* Linux's MAX_RW_COUNT */
#define CONTROL_MAX 20480 /* net.core.optmem_max */
#define MSG_WAITFORONE 0x10000

/* struct msghdr on x86_64. */
struct msghdr_k {
	uintptr_t name;
	int32_t namelen;
	int32_t pad0;
	uintptr_t iov;
	uint64_t iovlen;
	uintptr_t control;
	uint64_t controllen;
	int32_t flags;
	int32_t pad1;
};

struct mmsghdr_k {
	struct msghdr_k hdr;
	uint32_t len;
	uint32_t pad;
};

/* struct cmsghdr on x86_64, and its alignment. */
struct cmsghdr_k {
	uint64_t len;
	int32_t level;
	int32_t type;
};
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)

/* ---- buffers ------------------------------------------------------------- */

void iov_iter_init(struct iov_iter *it, const struct iovec_k *iov,
		   unsigned int nr, size_t count)
{
	it->iov = iov;
	it->nr = nr;
	it->off = 0;
	it->count = count;
}

static int iov_copy(struct iov_iter *it, void *kbuf, size_t n, bool to_user)
{
	char *k = kbuf;

	if (n > it->count)
		return -EFAULT;
	while (n) {
		size_t left, chunk;
		uintptr_t u;

		if (!it->nr)
			return -EFAULT;
		left = it->iov->len - it->off;
		if (!left) {
			it->iov++;
			it->nr--;
			it->off = 0;
			continue;
		}
		chunk = MIN(left, n);
		u = it->iov->base + it->off;
		if (to_user ? copy_to_user(u, k, chunk)
			    : copy_from_user(k, u, chunk))
			return -EFAULT;
		it->off += chunk;
		it->count -= chunk;
		k += chunk;
		n -= chunk;
	}
	return 0;
}

int iov_iter_copy_from(struct iov_iter *it, void *dst, size_t n)
{
	return iov_copy(it, dst, n, false);
}

int iov_iter_copy_to(struct iov_iter *it, const void *src, size_t n)
{
	return iov_copy(it, (void *)src, n, true);
}

/* The buffers of a header into *out (kmalloc'd: kfree it), their total
 * in *total, capped as Linux caps one call. */
static int iov_import(const struct msghdr_k *h, struct iovec_k **out,
		      size_t *total)
{
	struct iovec_k *v;
	uint64_t sum = 0;

	if (h->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	v = kcalloc(h->iovlen ? h->iovlen : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, h->iov, h->iovlen * sizeof(*v))) {
		kfree(v);
		return -EFAULT;
	}
	for (uint64_t i = 0; i < h->iovlen; i++) {
		if ((int64_t)v[i].len < 0) {
			kfree(v);
			return -EINVAL;
		}
		if (v[i].len > RW_MAX - sum)
			v[i].len = RW_MAX - sum;
		sum += v[i].len;
	}
	*out = v;
	*total = sum;
	return 0;
}

/* ---- sending ------------------------------------------------------------- */

long socket_send(struct socket *sock, struct msg_k *m, bool nonblock, int flags)
{
	return sock->ops->sendmsg(sock, m, nonblock, flags);
}

/* Control data: copied in and parsed into m->scm. */
static long control_in(struct socket *sock, const struct msghdr_k *h,
		       struct msg_k *m)
{
	void *buf;
	long err;

	if (!h->controllen)
		return 0;
	if (h->controllen > INT32_MAX || h->controllen > CONTROL_MAX)
		return -ENOBUFS;
	buf = kmalloc(h->controllen);
	if (!buf)
		return -ENOBUFS;
	err = copy_from_user(buf, h->control, h->controllen) ? -EFAULT : 0;
	if (!err)
		err = scm_send(sock, buf, h->controllen, &m->scm);
	kfree(buf);
	return err;
}

static long do_sendmsg(struct socket *sock, struct file *f,
		       const struct msghdr_k *h, int flags)
{
	char addr[SOCKADDR_MAX + 1];
	struct iovec_k *iov;
	struct msg_k m = {0};
	size_t total;
	long err;

	if (h->namelen < 0)
		return -EINVAL;
	err = iov_import(h, &iov, &total);
	if (err)
		return err;
	if (h->name) {
		long len = MIN(h->namelen, SOCKADDR_MAX);

		err = addr_from_user(h->name, len, addr);
		m.name = addr;
		m.namelen = (size_t)len;
	}
	if (!err)
		err = control_in(sock, h, &m);
	if (!err) {
		iov_iter_init(&m.iter, iov, (unsigned int)h->iovlen, total);
		err = socket_send(sock, &m,
				  (f->flags & O_NONBLOCK) ||
					  (flags & MSG_DONTWAIT),
				  flags);
	}
	scm_destroy(&m.scm);
	kfree(iov);
	return err;
}

SYSCALL_DEFINE6(sendto, int, fd, uintptr_t, ubuf, size_t, len, int, flags,
		uintptr_t, uaddr, int, alen)
{
	struct iovec_k v = {ubuf, len > RW_MAX ? RW_MAX : len};
	char addr[SOCKADDR_MAX + 1];
	struct msg_k m = {0};
	struct file *f;
	long err = 0;
	struct socket *sock = socket_get_fd(fd, &f, &err);

	if (!sock)
		return err;
	if (uaddr) {
		err = addr_from_user(uaddr, alen, addr);
		m.name = addr;
		m.namelen = (size_t)alen;
	}
	if (!err) {
		iov_iter_init(&m.iter, &v, 1, v.len);
		err = socket_send(sock, &m,
				  (f->flags & O_NONBLOCK) ||
					  (flags & MSG_DONTWAIT),
				  flags);
	}
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(sendmsg, int, fd, uintptr_t, umsg, int, flags)
{
	struct msghdr_k h;
	struct file *f;
	long err = 0;
	struct socket *sock = socket_get_fd(fd, &f, &err);

	if (!sock)
		return err;
	if (copy_from_user(&h, umsg, sizeof(h)))
		err = -EFAULT;
	else
		err = do_sendmsg(sock, f, &h, flags);
	file_put(f);
	return err;
}

SYSCALL_DEFINE4(sendmmsg, int, fd, uintptr_t, uvec, unsigned int, vlen, int,
		flags)
{
	struct file *f;
	long err = 0;
	struct socket *sock = socket_get_fd(fd, &f, &err);
	unsigned int i;

	if (!sock)
		return err;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		uintptr_t u = uvec + i * sizeof(struct mmsghdr_k);
		struct msghdr_k h;
		uint32_t sent;

		if (copy_from_user(&h, u, sizeof(h))) {
			err = -EFAULT;
			break;
		}
		err = do_sendmsg(sock, f, &h, flags);
		if (err < 0)
			break;
		sent = (uint32_t)err;
		if (put_user(sent, u + offsetof(struct mmsghdr_k, len))) {
			err = -EFAULT;
			break;
		}
	}
	file_put(f);
	return i ? (long)i : err;
}

/* ---- receiving ----------------------------------------------------------- */

/* Where control messages go: user memory, as much as fits. */
struct cmsg_out {
	uintptr_t at;
	size_t left, used;
	unsigned int *flags;
};

static int put_cmsg(struct cmsg_out *c, int type, const void *data, size_t len)
{
	struct cmsghdr_k h = {sizeof(h) + len, SOL_SOCKET, type};
	size_t step = CMSG_ALIGN(sizeof(h) + len);

	if (!c->at || c->left < sizeof(h)) {
		*c->flags |= MSG_CTRUNC;
		return 0;
	}
	if (c->left < h.len) {
		*c->flags |= MSG_CTRUNC;
		h.len = c->left;
	}
	if (copy_to_user(c->at, &h, sizeof(h)) ||
	    copy_to_user(c->at + sizeof(h), data, h.len - sizeof(h)))
		return -EFAULT;
	step = MIN(step, c->left);
	c->at += step;
	c->left -= step;
	c->used += step;
	return 0;
}

/* SCM_RIGHTS: install as many files as fit; the rest close. */
static void put_rights(struct cmsg_out *c, struct scm *scm, bool cloexec)
{
	struct cmsghdr_k h = {0, SOL_SOCKET, SCM_RIGHTS};
	int max = c->at && c->left >= sizeof(h)
			  ? (int)((c->left - sizeof(h)) / sizeof(int))
			  : 0,
	    i;

	for (i = 0; i < scm->nfiles && i < max; i++) {
		int fd = fd_install(scm->files[i], 0, cloexec);

		if (fd < 0)
			break;
		if (put_user(fd, c->at + sizeof(h) + (size_t)i * sizeof(int))) {
			fd_remove(fd);
			break;
		}
		scm->files[i] = NULL; /* the table holds it now */
	}
	if (i > 0) {
		size_t step = CMSG_ALIGN(sizeof(h) + (size_t)i * sizeof(int));

		h.len = sizeof(h) + (size_t)i * sizeof(int);
		if (!copy_to_user(c->at, &h, sizeof(h))) {
			step = MIN(step, c->left);
			c->at += step;
			c->left -= step;
			c->used += step;
		}
	}
	if (i < scm->nfiles)
		*c->flags |= MSG_CTRUNC;
}

/* The credentials to report: the message's, or Linux's "nobody". */
static void creds_of(const struct scm *scm, struct ucred_k *out)
{
	if (scm->has_creds)
		*out = scm->creds;
	else
		*out = (struct ucred_k){0, 65534, 65534};
}

static void control_out(struct socket *sock, struct msg_k *m,
			struct cmsg_out *c, int flags)
{
	if (sock->passcred) {
		struct ucred_k cr;

		creds_of(&m->scm, &cr);
		put_cmsg(c, SCM_CREDENTIALS, &cr, sizeof(cr));
	}
	if (m->scm.nfiles)
		put_rights(c, &m->scm, flags & MSG_CMSG_CLOEXEC);
}

static long do_recvmsg(struct socket *sock, struct file *f, uintptr_t umsg,
		       int flags)
{
	char addr[SOCKADDR_MAX];
	struct msghdr_k h;
	struct iovec_k *iov;
	struct msg_k m = {0};
	struct cmsg_out c;
	uint64_t clen;
	size_t total;
	long ret, err;

	if (copy_from_user(&h, umsg, sizeof(h)))
		return -EFAULT;
	if (h.namelen < 0 && h.name)
		return -EINVAL;
	err = iov_import(&h, &iov, &total);
	if (err)
		return err;
	iov_iter_init(&m.iter, iov, (unsigned int)h.iovlen, total);
	m.name = h.name ? addr : NULL;
	m.flags = flags & MSG_CMSG_CLOEXEC; /* Linux reports it back */
	ret = sock->ops->recvmsg(
		sock, &m, (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT),
		flags & ~MSG_CMSG_CLOEXEC);
	kfree(iov);
	if (ret < 0) {
		scm_destroy(&m.scm);
		return ret;
	}
	c = (struct cmsg_out){h.control, h.controllen, 0, &m.flags};
	control_out(sock, &m, &c, flags);
	scm_destroy(&m.scm);
	if (h.name) {
		err = addr_to_user(addr, m.namelen, h.name,
				   umsg + offsetof(struct msghdr_k, namelen));
		if (err)
			return err;
	}
	clen = c.used;
	if (put_user((int32_t)m.flags,
		     umsg + offsetof(struct msghdr_k, flags)) ||
	    put_user(clen, umsg + offsetof(struct msghdr_k, controllen)))
		return -EFAULT;
	return ret;
}

SYSCALL_DEFINE6(recvfrom, int, fd, uintptr_t, ubuf, size_t, len, int, flags,
		uintptr_t, uaddr, uintptr_t, ulen)
{
	struct iovec_k v = {ubuf, len > RW_MAX ? RW_MAX : len};
	char addr[SOCKADDR_MAX];
	struct msg_k m = {0};
	struct file *f;
	long err = 0, ret;
	struct socket *sock = socket_get_fd(fd, &f, &err);

	if (!sock)
		return err;
	iov_iter_init(&m.iter, &v, 1, v.len);
	m.name = uaddr ? addr : NULL;
	ret = sock->ops->recvmsg(
		sock, &m, (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT),
		flags & ~MSG_CMSG_CLOEXEC);
	scm_destroy(&m.scm); /* no control buffer: descriptors close */
	if (ret >= 0 && uaddr) {
		err = addr_to_user(addr, m.namelen, uaddr, ulen);
		if (err)
			ret = err;
	}
	file_put(f);
	return ret;
}

SYSCALL_DEFINE3(recvmsg, int, fd, uintptr_t, umsg, int, flags)
{
	struct file *f;
	long err = 0;
	struct socket *sock = socket_get_fd(fd, &f, &err);

	if (!sock)
		return err;
	err = do_recvmsg(sock, f, umsg, flags);
	file_put(f);
	return err;
}

/* recvmmsg: as many as come without waiting once one has (the timeout
 * is not kept: each message waits as recvmsg would). */
SYSCALL_DEFINE5(recvmmsg, int, fd, uintptr_t, uvec, unsigned int, vlen, int,
		flags, uintptr_t, utimeout)
{
	struct file *f;
	long err = 0;
	struct socket *sock = socket_get_fd(fd, &f, &err);
	unsigned int i;

	(void)utimeout;
	if (!sock)
		return err;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		uintptr_t u = uvec + i * sizeof(struct mmsghdr_k);
		int fl = flags & ~MSG_WAITFORONE;
		uint32_t got;

		if (i && (flags & MSG_WAITFORONE))
			fl |= MSG_DONTWAIT;
		err = do_recvmsg(sock, f, u, fl);
		if (err < 0)
			break;
		got = (uint32_t)err;
		if (put_user(got, u + offsetof(struct mmsghdr_k, len))) {
			err = -EFAULT;
			break;
		}
	}
	file_put(f);
	return i ? (long)i : err;
}
