/*
 * AF_UNIX sockets, shared by the af_unix*.c files only.
 *
 * A struct unix_sock is the family's state of one socket, reference
 * counted: its file holds a reference, so do its peer, the messages it
 * sent that are not read yet (their bytes count against its send
 * buffer), and a listener's queue of connections not yet accepted (an
 * embryo: the server end made by connect, with no file until accept).
 *
 * Locking: each unix_sock has a mutex guarding its state, queue and
 * peer pointer; no path holds two of them at once (but the collector,
 * af_unix_gc.c, which only tries them). unix_names_lock (a
 * mutex, outside any socket's) guards the bindings: the abstract names
 * and inode->socket. Waits are on the socket's own wait queue, which
 * every change of its readiness wakes: data queued or read, a peer's
 * shutdown or close, a connection to accept, room in a listener's queue.
 */
#ifndef NET_AF_UNIX_H
#define NET_AF_UNIX_H

#include <kernel/list.h>
#include <kernel/net.h>
#include <kernel/sched.h>

#define UNIX_PATH_MAX 108
#define UNIX_DGRAM_QLEN 10 /* net.unix.max_dgram_qlen */
#define UNIX_SKB_MAX 32768 /* the most data in one stream message */
#define UNIX_SKB_OVERHEAD 512

struct sockaddr_un_k {
	uint16_t family;
	char path[UNIX_PATH_MAX];
};

/* A bound name, shared by a listener and the sockets it accepts. */
struct unix_addr {
	int refcount; /* atomic */
	size_t len;   /* as getsockname reports it */
	bool abstract;
	struct sockaddr_un_k sa;
};

enum unix_state {
	UNIX_UNCONNECTED,
	UNIX_LISTEN,
	UNIX_CONNECTED,
};

/* A message in a receive queue. */
struct unix_skb {
	struct list_head link;
	struct unix_sock *sender; /* referenced */
	struct scm scm;		  /* files (referenced), credentials */
	size_t len, consumed;	  /* stream: consumed by reads so far */
	size_t truesize;	  /* counted in the sender's wmem */
	char data[];
};

struct unix_sock {
	int refcount; /* atomic */
	struct mutex lock;
	struct wait_queue wq;
	struct socket *sock; /* NULL for an embryo and once released */
	int type;
	enum unix_state state;
	bool connecting;	/* a connect in progress (stream) */
	bool dead;		/* released */
	unsigned int shutdown;	/* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;		/* pending for SO_ERROR and reads */
	struct unix_sock *peer; /* referenced */
	struct unix_addr *addr; /* referenced; NULL: unbound */
	struct inode *inode;	/* the node it is bound to, referenced */
	struct list_head queue; /* struct unix_skb; a listener's: embryos */
	unsigned int qlen;	/* messages or embryos queued */
	size_t qbytes;		/* unread bytes queued */
	size_t wmem;		/* atomic: truesize of its unread messages */
	int backlog;
	/* Garbage collection (af_unix_gc.c, under its lock). */
	int inflight;		  /* messages holding its file */
	struct list_head gc_link; /* in the list of sockets in flight */
	int gc_count;
	bool gc_candidate, gc_alive;
	bool has_peercred;
	struct ucred_k peercred; /* SO_PEERCRED */
	struct list_head link;	 /* in a listener's queue, or the names */
};

/* af_unix.c */
struct unix_sock *unix_sock_new(int type);
void unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);
/* The file's socket is gone, or an embryo dies with its listener. */
void unix_release_sock(struct unix_sock *u);
static inline struct unix_sock *unix_of(struct socket *sock)
{
	return sock->sk;
}
/* The process's credentials for SO_PEERCRED (effective ids). */
void unix_peercred_now(struct ucred_k *out);
/*
 * How long a call may wait: *timeo ns, 0 for a nonblocking call,
 * UNIX_FOREVER without a limit (SO_RCVTIMEO, SO_SNDTIMEO unset).
 */
#define UNIX_FOREVER UINT64_MAX
uint64_t unix_timeo(struct socket *sock, bool nonblock, bool rcv);

/*
 * Wait on u's queue until cond, interruptibly, u unlocked meanwhile, for
 * at most *timeo (what is left is written back): 0, -EAGAIN when the
 * time is up, or for a signal -ERESTARTSYS (-EINTR if the wait had a
 * limit: Linux does not restart those).
 */
#define unix_wait(u, cond, timeo)                                            \
	({                                                                   \
		struct waiter w_ = {.task = current_task()};                 \
		int r_ = 0;                                                  \
		mutex_unlock(&(u)->lock);                                    \
		for (;;) {                                                   \
			prepare_to_wait(&(u)->wq, &w_, TASK_INTERRUPTIBLE);  \
			if (cond)                                            \
				break;                                       \
			if (sched_signal_pending()) {                        \
				r_ = *(timeo) == UNIX_FOREVER ? -ERESTARTSYS \
							      : -EINTR;      \
				break;                                       \
			}                                                    \
			if (!*(timeo)) {                                     \
				r_ = -EAGAIN;                                \
				break;                                       \
			}                                                    \
			if (*(timeo) == UNIX_FOREVER)                        \
				schedule();                                  \
			else                                                 \
				*(timeo) = schedule_timeout(*(timeo));       \
		}                                                            \
		finish_wait(&(u)->wq, &w_);                                  \
		mutex_lock(&(u)->lock);                                      \
		r_;                                                          \
	})

/* af_unix_name.c: bindings. */
int unix_bind(struct socket *sock, const void *addr, size_t len);
int unix_autobind(struct unix_sock *u);
/* Check a destination address (connect, sendto): 0 or -EINVAL. */
int unix_check_addr(const void *addr, size_t len);
/* The socket bound at addr, referenced: ENOENT, ECONNREFUSED,
 * EPROTOTYPE (another type), EACCES... */
int unix_find(const void *addr, size_t len, int type, struct unix_sock **out);
/* The names of u go (it is released). */
void unix_unbind(struct unix_sock *u);
void unix_addr_put(struct unix_addr *a);
int unix_getname(struct socket *sock, void *addr, bool peer);

/* af_unix_skb.c: messages. */
/* A message of len bytes from sender (wmem charged), data copied from
 * m's buffers, scm taken from m (first: files too): 0 or -errno. */
int unix_skb_new(struct unix_sock *sender, struct msg_k *m, size_t len,
		 bool take_files, struct unix_skb **out);
/* Free it: its files close, the sender's wmem is given back. */
void unix_skb_free(struct unix_skb *skb);
/* Free a queue taken off a socket. */
void unix_purge(struct list_head *q);
/* Wait for room in u's send buffer (sndbuf): 0, -EAGAIN, -ERESTARTSYS,
 * -EPIPE if it shut down meanwhile. u unlocked. */
int unix_wait_sndbuf(struct unix_sock *u, uint64_t *timeo);
/* The sender's address into m->name (recvfrom, recvmsg). */
void unix_copy_from(struct msg_k *m, struct unix_skb *skb);
/* Files and credentials of skb for the reader (peek: copies). */
int unix_skb_scm(struct unix_skb *skb, struct scm *to, bool peek);

/* af_unix_gc.c: sockets in flight. scm's files go into (come out of) a
 * message; collect the rings of sockets only messages hold. */
void unix_files_enter(const struct scm *scm);
void unix_files_leave(const struct scm *scm);
void unix_gc(void);

/* af_unix_conn.c: connections. */
int unix_listen(struct socket *sock, int backlog);
int unix_stream_connect(struct socket *sock, const void *addr, size_t len,
			bool nonblock);
int unix_dgram_connect(struct socket *sock, const void *addr, size_t len,
		       bool nonblock);
int unix_accept(struct socket *sock, struct socket *newsock, bool nonblock);
int unix_socketpair(struct socket *a, struct socket *b);
int unix_shutdown(struct socket *sock, int how);

/* af_unix_stream.c, af_unix_dgram.c: data. */
long unix_stream_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			 int flags);
long unix_stream_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			 int flags);
long unix_dgram_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags);
long unix_dgram_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags);
long unix_seqpacket_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			    int flags);
long unix_seqpacket_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			    int flags);

/* af_unix_poll.c: readiness, ioctls, options. */
unsigned int unix_stream_poll(struct socket *sock, struct poll_table *pt);
unsigned int unix_dgram_poll(struct socket *sock, struct poll_table *pt);
long unix_ioctl(struct socket *sock, unsigned int cmd, uintptr_t arg);
int unix_getopt(struct socket *sock, int name, void *buf, size_t size);

#endif
