/*
 * Sockets (kernel/net/): the socket system calls over a table of
 * operations per address family (struct proto_ops), as in Linux. Only
 * AF_UNIX exists (af_unix*.c); socket() of any other family fails with
 * EAFNOSUPPORT.
 *
 * A socket is an open file (its inode is of type S_IFSOCK, on an internal
 * file system) whose private data is a struct socket; the family keeps
 * its own state behind socket->sk. The generic layer (socket.c,
 * socket_msg.c) copies addresses, message headers and control data
 * between user and kernel memory and handles the options of level
 * SOL_SOCKET that every family shares; scm.c parses and delivers the
 * control messages (SCM_RIGHTS, SCM_CREDENTIALS).
 *
 * Locking: each family locks its own state (mutexes: data is copied to
 * and from user memory under them, never under a spinlock).
 */
#ifndef KERNEL_NET_H
#define KERNEL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/fs.h>

/* Address families. */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_MAX 46

/* Socket types and socket()'s flags. */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC

/* send/recv flags. */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
/* What a socket no longer does, after shutdown or the peer's close. */
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* Options of level SOL_SOCKET (x86_64 values). */
#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_RCVTIMEO 20 /* struct timeval; 66, 67: the same on x86_64 */
#define SO_SNDTIMEO 21
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

/* Control messages of level SOL_SOCKET. */
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253 /* descriptors in one message */

/* ioctls of sockets. */
#define SIOCINQ 0x541b /* FIONREAD */
#define SIOCOUTQ 0x5411

/* Buffer sizes: Linux's defaults and limits (SO_SNDBUF doubles). */
#define SOCK_BUF_DEFAULT 212992
#define SOCK_BUF_MAX 212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

/* sockaddr_storage: no address is longer. */
#define SOCKADDR_MAX 128

struct ucred_k {
	int32_t pid;
	uint32_t uid, gid;
};

/* The buffers of a call, walked as data is copied (user memory). */
struct iov_iter {
	const struct iovec_k *iov;
	unsigned int nr;
	size_t off;   /* into iov[0] */
	size_t count; /* bytes left in all */
};

void iov_iter_init(struct iov_iter *it, const struct iovec_k *iov,
		   unsigned int nr, size_t count);
/* Copy n bytes from (to) the buffers, advancing: 0 or -EFAULT. */
int iov_iter_copy_from(struct iov_iter *it, void *dst, size_t n);
int iov_iter_copy_to(struct iov_iter *it, const void *src, size_t n);

/* What a message carries beside its data (scm.c). */
struct scm {
	struct file **files; /* SCM_RIGHTS: referenced */
	int nfiles;
	bool has_creds;
	struct ucred_k creds;
};

/* One sendmsg or recvmsg, in the kernel. */
struct msg_k {
	/* send: the destination (NULL: the peer); recv: filled, namelen
	 * set (0: the sender has no address). */
	void *name;
	size_t namelen;
	struct iov_iter iter;
	struct scm scm;	    /* send: from the control data; recv: to deliver */
	unsigned int flags; /* recv: MSG_TRUNC, MSG_EOR... for msg_flags */
};

struct socket;
struct poll_table;

struct proto_ops {
	int family;
	/* The file is gone: free the family's state. */
	void (*release)(struct socket *sock);
	int (*bind)(struct socket *sock, const void *addr, size_t len);
	int (*connect)(struct socket *sock, const void *addr, size_t len,
		       bool nonblock);
	/* Connect two new sockets to each other. */
	int (*socketpair)(struct socket *a, struct socket *b);
	int (*listen)(struct socket *sock, int backlog);
	/* Give newsock (made by the caller) the next connection. */
	int (*accept)(struct socket *sock, struct socket *newsock,
		      bool nonblock);
	/* Its own (peer false) or its peer's address into addr
	 * (SOCKADDR_MAX bytes): its length, or -errno. */
	int (*getname)(struct socket *sock, void *addr, bool peer);
	unsigned int (*poll)(struct socket *sock, struct poll_table *pt);
	long (*ioctl)(struct socket *sock, unsigned int cmd, uintptr_t arg);
	int (*shutdown)(struct socket *sock, int how);
	/* A SOL_SOCKET option the family answers (SO_ERROR, SO_PEERCRED,
	 * SO_ACCEPTCONN) into buf: its length, or -ENOPROTOOPT. */
	int (*getopt)(struct socket *sock, int name, void *buf, size_t size);
	/* The bytes sent, or -errno; a stream's EPIPE raises SIGPIPE unless
	 * MSG_NOSIGNAL. */
	long (*sendmsg)(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags);
	long (*recvmsg)(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags);
};

struct socket {
	int type; /* SOCK_STREAM... */
	const struct proto_ops *ops;
	struct file *file; /* its file (not referenced: it owns us) */
	void *sk;	   /* the family's */
	/* SOL_SOCKET state every family shares. */
	int sndbuf, rcvbuf;
	bool passcred;
	uint64_t rcvtimeo, sndtimeo; /* ns; 0: no limit */
	unsigned int flags;	     /* SO_REUSEADDR...: bit 1 << option */
	int priority;
};

/* An address family: make sock's state for type and protocol. */
struct net_family {
	int family;
	int (*create)(struct socket *sock, int type, int protocol);
};

extern const struct net_family unix_family;

/* The socket of an open file, or NULL if it is not one. */
struct socket *socket_of(struct file *f);
/* Are the current process's credentials those of root (euid 0)? */
bool net_capable(void);

/* scm.c: parse user control data (a kernel copy) for sock's family:
 * 0, -EINVAL, -EBADF, -EPERM, -ESRCH... */
int scm_send(struct socket *sock, const void *control, size_t len,
	     struct scm *scm);
/* The sender's own credentials (SCM_CREDENTIALS when none are given). */
void scm_current_creds(struct ucred_k *out);
void scm_destroy(struct scm *scm);
/* Copy scm's files into a fresh reference set (MSG_PEEK). */
int scm_dup(const struct scm *from, struct scm *to);

void net_init(void);

#endif
