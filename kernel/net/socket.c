/*
 * The generic socket layer (<kernel/net.h>): sockets as files, and the
 * system calls that make, name and connect them. What a call means for
 * a family is in its struct proto_ops; this file checks the arguments,
 * copies addresses between user and kernel memory (as Linux's
 * move_addr_to_kernel/move_addr_to_user do, so the errors are the same)
 * and installs descriptors.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/net.h>
#include <kernel/panic.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "net_priv.h"

#define SOMAXCONN 4096
#define SOCK_MAX 11 /* SOCK_PACKET + 1: types past it are EINVAL */

static const struct net_family *const families[] = {&unix_family};

static struct super_block *sockfs;
static const struct fs_type sockfs_type = {.name = "sockfs", .nodev = true};

void net_init(void)
{
	sockfs = super_alloc(&sockfs_type, NULL);
	if (!sockfs)
		panic("net: no memory for sockfs");
	sockfs->magic = 0x534f434b; /* SOCKFS_MAGIC */
}

bool net_capable(void)
{
	return current_proc()->cred.euid == 0;
}

/* ---- sockets as files ---------------------------------------------------- */

static long sock_read_iov(struct file *f, const struct iovec_k *iov, int cnt);
static long sock_write_iov(struct file *f, const struct iovec_k *iov, int cnt);

static long sock_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct iovec_k v = {ubuf, n};

	(void)pos;
	return sock_read_iov(f, &v, 1);
}

static long sock_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct iovec_k v = {ubuf, n};

	(void)pos;
	return sock_write_iov(f, &v, 1);
}

static size_t iov_total(const struct iovec_k *iov, int cnt)
{
	size_t total = 0;

	for (int i = 0; i < cnt; i++)
		total += iov[i].len;
	return total;
}

static long sock_read_iov(struct file *f, const struct iovec_k *iov, int cnt)
{
	struct socket *sock = f->priv;
	struct msg_k m = {0};
	long ret;

	iov_iter_init(&m.iter, iov, (unsigned int)cnt, iov_total(iov, cnt));
	ret = sock->ops->recvmsg(sock, &m, f->flags & O_NONBLOCK, 0);
	scm_destroy(&m.scm); /* read(2) takes no descriptors: they close */
	return ret;
}

static long sock_write_iov(struct file *f, const struct iovec_k *iov, int cnt)
{
	struct socket *sock = f->priv;
	struct msg_k m = {0};

	iov_iter_init(&m.iter, iov, (unsigned int)cnt, iov_total(iov, cnt));
	return socket_send(sock, &m, f->flags & O_NONBLOCK, 0);
}

static unsigned int sock_poll(struct file *f, struct poll_table *pt)
{
	struct socket *sock = f->priv;

	return sock->ops->poll(sock, pt);
}

static long sock_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct socket *sock = f->priv;

	return sock->ops->ioctl ? sock->ops->ioctl(sock, cmd, arg) : -ENOTTY;
}

static void sock_release(struct file *f)
{
	struct socket *sock = f->priv;

	if (sock->ops)
		sock->ops->release(sock);
	kfree(sock);
}

static const struct file_ops socket_fops = {
	.read = sock_read,
	.write = sock_write,
	.read_iov = sock_read_iov,
	.write_iov = sock_write_iov,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
};

struct socket *socket_of(struct file *f)
{
	return f && f->ops == &socket_fops ? f->priv : NULL;
}

/* A socket of type with no family state yet, and its file: 0 or -ENOMEM. */
static int sock_alloc(int type, unsigned int flags, struct socket **out)
{
	struct socket *sock = kzalloc(sizeof(*sock));
	struct inode *in;
	struct file *f;

	if (!sock)
		return -ENOMEM;
	in = inode_alloc(sockfs, S_IFSOCK | 0777, NULL, &socket_fops);
	if (!in) {
		kfree(sock);
		return -ENOMEM;
	}
	in->uid = current_proc()->cred.fsuid;
	in->gid = current_proc()->cred.fsgid;
	f = file_open_inode(in, O_RDWR | (flags & O_NONBLOCK));
	inode_put(in); /* the file holds it */
	if (!f) {
		kfree(sock);
		return -ENOMEM;
	}
	f->priv = sock;
	sock->file = f;
	sock->type = type;
	sock->sndbuf = sock->rcvbuf = SOCK_BUF_DEFAULT;
	*out = sock;
	return 0;
}

/* Free a socket whose family state may not exist (ops NULL). */
static void sock_free(struct socket *sock)
{
	file_put(sock->file);
}

static int sock_create(int family, int type, int protocol, unsigned int flags,
		       struct socket **out)
{
	const struct net_family *fam = NULL;
	struct socket *sock;
	int err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (families[i]->family == family)
			fam = families[i];
	if (!fam)
		return -EAFNOSUPPORT;
	err = sock_alloc(type, flags, &sock);
	if (err)
		return err;
	err = fam->create(sock, type, protocol);
	if (err) {
		sock->ops = NULL;
		sock_free(sock);
		return err;
	}
	*out = sock;
	return 0;
}

/* Install sock's file: the descriptor, or -errno (then it is freed). */
static int sock_install(struct socket *sock, unsigned int flags)
{
	int fd = fd_install(sock->file, 0, flags & O_CLOEXEC);

	if (fd < 0)
		sock_free(sock);
	return fd;
}

/* The socket of descriptor fd, its file referenced in *fp. */
static struct socket *sock_get(int fd, struct file **fp, long *err)
{
	struct file *f = fd_get(fd);
	struct socket *sock = socket_of(f);

	if (!f)
		*err = -EBADF;
	else if (!sock)
		*err = -ENOTSOCK;
	if (!sock) {
		file_put(f);
		return NULL;
	}
	*fp = f;
	return sock;
}

/* ---- addresses ----------------------------------------------------------- */

int addr_from_user(uintptr_t uaddr, long ulen, void *kaddr)
{
	if (ulen < 0 || ulen > SOCKADDR_MAX)
		return -EINVAL;
	if (ulen && copy_from_user(kaddr, uaddr, (size_t)ulen))
		return -EFAULT;
	return 0;
}

int addr_to_user(const void *kaddr, size_t klen, uintptr_t uaddr,
		 uintptr_t ulenp)
{
	int len;

	if (get_user(len, ulenp))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if ((size_t)len > klen)
		len = (int)klen;
	if (len && copy_to_user(uaddr, kaddr, (size_t)len))
		return -EFAULT;
	return put_user((int)klen, ulenp) ? -EFAULT : 0;
}

/* ---- the calls ----------------------------------------------------------- */

static unsigned int type_flags(int type)
{
	return (unsigned int)type & ~SOCK_TYPE_MASK;
}

static int check_type_flags(int type)
{
	return type_flags(type) & ~(SOCK_CLOEXEC | SOCK_NONBLOCK) ? -EINVAL : 0;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	struct socket *sock;
	int err = check_type_flags(type);

	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol,
			  type_flags(type), &sock);
	if (err)
		return err;
	return sock_install(sock, type_flags(type));
}

static long install_pair(struct socket *a, struct socket *b, unsigned int flags,
			 uintptr_t usv)
{
	int fds[2];

	fds[0] = fd_install(a->file, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		sock_free(a);
		sock_free(b);
		return fds[0];
	}
	fds[1] = fd_install(b->file, 0, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(usv, fds, sizeof(fds))) {
		long err = fds[1] < 0 ? fds[1] : -EFAULT;

		file_put(fd_remove(fds[0]));
		if (fds[1] >= 0)
			file_put(fd_remove(fds[1]));
		else
			sock_free(b);
		return err;
	}
	return 0;
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, uintptr_t,
		usv)
{
	unsigned int flags = type_flags(type);
	struct socket *a, *b;
	long err = check_type_flags(type);

	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, flags, &a);
	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, flags, &b);
	if (err) {
		sock_free(a);
		return err;
	}
	err = a->ops->socketpair ? a->ops->socketpair(a, b) : -EOPNOTSUPP;
	if (err) {
		sock_free(a);
		sock_free(b);
		return err;
	}
	return install_pair(a, b, flags, usv);
}

SYSCALL_DEFINE3(bind, int, fd, uintptr_t, uaddr, int, len)
{
	char addr[SOCKADDR_MAX + 1];
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	err = addr_from_user(uaddr, len, addr);
	if (!err)
		err = sock->ops->bind(sock, addr, (size_t)len);
	file_put(f);
	return err;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = sock->ops->listen(sock, backlog);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(connect, int, fd, uintptr_t, uaddr, int, len)
{
	char addr[SOCKADDR_MAX + 1];
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	err = addr_from_user(uaddr, len, addr);
	if (!err)
		err = sock->ops->connect(sock, addr, (size_t)len,
					 f->flags & O_NONBLOCK);
	file_put(f);
	return err;
}

/* Accept on sock into a new socket; its address to user memory. */
static long do_accept(struct socket *sock, struct file *f, uintptr_t uaddr,
		      uintptr_t ulen, unsigned int flags)
{
	char addr[SOCKADDR_MAX];
	struct socket *ns;
	long err = sock_alloc(sock->type, flags, &ns);

	if (err)
		return err;
	ns->ops = sock->ops;
	ns->passcred = sock->passcred;
	err = sock->ops->accept(sock, ns, f->flags & O_NONBLOCK);
	if (err) {
		ns->ops = NULL;
		sock_free(ns);
		return err;
	}
	if (uaddr) {
		int len = ns->ops->getname(ns, addr, true);

		err = len < 0 ? len
			      : addr_to_user(addr, (size_t)len, uaddr, ulen);
		if (err) {
			sock_free(ns);
			return err;
		}
	}
	return sock_install(ns, flags);
}

static long accept_fd(int fd, uintptr_t uaddr, uintptr_t ulen, int flags)
{
	struct file *f;
	long err = 0;
	struct socket *sock;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	sock = sock_get(fd, &f, &err);
	if (!sock)
		return err;
	err = do_accept(sock, f, uaddr, ulen, (unsigned int)flags);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(accept, int, fd, uintptr_t, uaddr, uintptr_t, ulen)
{
	return accept_fd(fd, uaddr, ulen, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, uintptr_t, uaddr, uintptr_t, ulen, int, flags)
{
	return accept_fd(fd, uaddr, ulen, flags);
}

static long getname(int fd, uintptr_t uaddr, uintptr_t ulen, bool peer)
{
	char addr[SOCKADDR_MAX];
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);
	int len;

	if (!sock)
		return err;
	len = sock->ops->getname(sock, addr, peer);
	err = len < 0 ? len : addr_to_user(addr, (size_t)len, uaddr, ulen);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(getsockname, int, fd, uintptr_t, uaddr, uintptr_t, ulen)
{
	return getname(fd, uaddr, ulen, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, uintptr_t, uaddr, uintptr_t, ulen)
{
	return getname(fd, uaddr, ulen, true);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = sock->ops->shutdown(sock, how);
	file_put(f);
	return err;
}

/* ---- options ------------------------------------------------------------- */

/* A SOL_SOCKET option every family shares into *val: 0 or -ENOPROTOOPT. */
static int generic_getopt(struct socket *sock, int name, int *val)
{
	switch (name) {
	case SO_TYPE:
		*val = sock->type;
		return 0;
	case SO_DOMAIN:
		*val = sock->ops->family;
		return 0;
	case SO_PROTOCOL:
		*val = 0;
		return 0;
	case SO_SNDBUF:
		*val = sock->sndbuf;
		return 0;
	case SO_RCVBUF:
		*val = sock->rcvbuf;
		return 0;
	case SO_PASSCRED:
		*val = sock->passcred;
		return 0;
	case SO_PRIORITY:
		*val = sock->priority;
		return 0;
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_REUSEPORT:
		*val = !!(sock->flags & (1u << name));
		return 0;
	case SO_RCVLOWAT:
		*val = 1;
		return 0;
	}
	return -ENOPROTOOPT;
}

struct timeval_k {
	int64_t sec, usec;
};

/* SO_RCVTIMEO, SO_SNDTIMEO into buf: its length, or -ENOPROTOOPT. */
static int timeo_get(struct socket *sock, int name, void *buf)
{
	struct timeval_k tv;
	uint64_t t;

	if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW)
		t = sock->rcvtimeo;
	else if (name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW)
		t = sock->sndtimeo;
	else
		return -ENOPROTOOPT;
	tv.sec = (int64_t)(t / 1000000000);
	tv.usec = (int64_t)(t % 1000000000 / 1000);
	memcpy(buf, &tv, sizeof(tv));
	return sizeof(tv);
}

/* Set a timeout from a struct timeval: 0, -EINVAL, -EFAULT, -EDOM. */
static int timeo_set(uint64_t *t, uintptr_t uval, int len)
{
	struct timeval_k tv;

	if (len < (int)sizeof(tv))
		return -EINVAL;
	if (copy_from_user(&tv, uval, sizeof(tv)))
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0) /* Linux: "no wait" */
		*t = 1;
	else if ((uint64_t)tv.sec > UINT64_MAX / 1000000000 - 1)
		*t = 0;
	else
		*t = (uint64_t)tv.sec * 1000000000 + (uint64_t)tv.usec * 1000;
	return 0;
}

static long sock_getsockopt(struct socket *sock, int level, int name,
			    uintptr_t uval, uintptr_t ulen)
{
	char buf[64];
	int len, val, n;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	n = sock->ops->getopt ? sock->ops->getopt(sock, name, buf, sizeof(buf))
			      : -ENOPROTOOPT;
	if (n == -ENOPROTOOPT)
		n = timeo_get(sock, name, buf);
	if (n == -ENOPROTOOPT) {
		n = generic_getopt(sock, name, &val);
		if (!n) {
			memcpy(buf, &val, sizeof(val));
			n = sizeof(val);
		}
	}
	if (n < 0)
		return n;
	if (len > n)
		len = n;
	if (copy_to_user(uval, buf, (size_t)len))
		return -EFAULT;
	return put_user(len, ulen) ? -EFAULT : 0;
}

/* SO_SNDBUF/SO_RCVBUF: Linux doubles the value (for its own overhead),
 * capped at twice the maximum unless forced, at least the minimum. */
static int buf_size(int val, int min, bool force)
{
	int64_t v = val < 0 ? 0 : val;

	if (!force && v > SOCK_BUF_MAX)
		v = SOCK_BUF_MAX;
	v *= 2;
	if (v > INT32_MAX)
		v = INT32_MAX;
	return v < min ? min : (int)v;
}

static long sock_setsockopt(struct socket *sock, int level, int name,
			    uintptr_t uval, int len)
{
	int val;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW)
		return timeo_set(&sock->rcvtimeo, uval, len);
	if (name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW)
		return timeo_set(&sock->sndtimeo, uval, len);
	if (len < (int)sizeof(int))
		return -EINVAL;
	if (get_user(val, uval))
		return -EFAULT;
	switch (name) {
	case SO_SNDBUFFORCE:
	case SO_RCVBUFFORCE:
		if (!net_capable())
			return -EPERM;
		/* fall through */
	case SO_SNDBUF:
	case SO_RCVBUF: {
		bool snd = name == SO_SNDBUF || name == SO_SNDBUFFORCE;
		int v = buf_size(val, snd ? SOCK_MIN_SNDBUF : SOCK_MIN_RCVBUF,
				 name == SO_SNDBUFFORCE ||
					 name == SO_RCVBUFFORCE);

		if (snd)
			sock->sndbuf = v;
		else
			sock->rcvbuf = v;
		return 0;
	}
	case SO_PASSCRED:
		sock->passcred = val != 0;
		return 0;
	case SO_PRIORITY:
		if ((val < 0 || val > 6) && !net_capable())
			return -EPERM;
		sock->priority = val;
		return 0;
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_REUSEPORT:
		if (val)
			sock->flags |= 1u << name;
		else
			sock->flags &= ~(1u << name);
		return 0;
	}
	return -ENOPROTOOPT;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, uintptr_t, uval,
		uintptr_t, ulen)
{
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	err = sock_getsockopt(sock, level, name, uval, ulen);
	file_put(f);
	return err;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, uintptr_t, uval,
		int, len)
{
	struct file *f;
	long err = 0;
	struct socket *sock = sock_get(fd, &f, &err);

	if (!sock)
		return err;
	err = sock_setsockopt(sock, level, name, uval, len);
	file_put(f);
	return err;
}

/* For socket_msg.c: the socket of fd. */
struct socket *socket_get_fd(int fd, struct file **fp, long *err)
{
	return sock_get(fd, fp, err);
}
