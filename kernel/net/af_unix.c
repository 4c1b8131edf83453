/*
 * AF_UNIX sockets (af_unix.h): the family's operations, and the life of
 * a unix_sock: made by socket() or by a connect (the embryo the listener
 * later accepts), released when its file or its listener goes, freed
 * with its last reference.
 *
 * Closing a connected stream or seqpacket socket shuts its peer down
 * both ways (reads drain then see EOF, writes get EPIPE); if data it had
 * not read is thrown away, or it was never accepted, the peer also gets
 * ECONNRESET, once. A datagram socket's peer learns at its next send
 * (ECONNREFUSED).
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/proc.h>

#include "af_unix.h"

struct unix_sock *unix_sock_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = type;
	mutex_init(&u->lock, "unix sock");
	wait_queue_init(&u->wq, "unix sock");
	list_init(&u->queue);
	list_init(&u->link);
	list_init(&u->gc_link);
	return u;
}

void unix_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refcount, 1, __ATOMIC_RELAXED);
}

void unix_put(struct unix_sock *u)
{
	if (!u || __atomic_sub_fetch(&u->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (u->addr)
		unix_addr_put(u->addr);
	if (u->inode)
		inode_put(u->inode);
	kfree(u);
}

void unix_peercred_now(struct ucred_k *out)
{
	const struct proc *p = current_proc();

	out->pid = p->pid;
	out->uid = p->cred.euid;
	out->gid = p->cred.egid;
}

uint64_t unix_timeo(struct socket *sock, bool nonblock, bool rcv)
{
	uint64_t t = rcv ? sock->rcvtimeo : sock->sndtimeo;

	if (nonblock)
		return 0;
	return t ? t : UNIX_FOREVER;
}

static bool connection_type(int type)
{
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

/* Move every entry of from to the empty list to. */
static void take_all(struct list_head *from, struct list_head *to)
{
	while (!list_empty(from)) {
		struct list_head *n = from->next;

		list_del(n);
		list_add_tail(n, to);
	}
}

/* Tell u's peer that u is gone (reset: data or a connection was lost). */
static void hang_up_peer(struct unix_sock *peer, int type, bool reset)
{
	if (!connection_type(type))
		return;
	mutex_lock(&peer->lock);
	peer->shutdown = SHUTDOWN_MASK;
	if (reset)
		peer->err = ECONNRESET;
	mutex_unlock(&peer->lock);
	wake_up_all(&peer->wq);
}

void unix_release_sock(struct unix_sock *u)
{
	struct list_head q, embryos;
	struct unix_sock *peer, *e, *n;
	bool unread, embryo;

	list_init(&q);
	list_init(&embryos);
	mutex_lock(&u->lock);
	embryo = !u->sock && u->state == UNIX_CONNECTED;
	u->dead = true;
	u->sock = NULL;
	u->shutdown = SHUTDOWN_MASK;
	peer = u->peer;
	u->peer = NULL;
	if (u->state == UNIX_LISTEN)
		take_all(&u->queue, &embryos);
	else
		take_all(&u->queue, &q);
	unread = !list_empty(&q);
	u->qlen = 0;
	u->qbytes = 0;
	mutex_unlock(&u->lock);
	wake_up_all(&u->wq); /* senders waiting for room, connectors */

	unix_unbind(u);
	if (peer) {
		hang_up_peer(peer, u->type, unread || embryo);
		unix_put(peer);
	}
	unix_purge(&q); /* may release sockets passed in it: no lock held */
	list_for_each_entry_safe(e, n, &embryos, link)
	{
		list_del(&e->link);
		unix_release_sock(e);
		unix_put(e); /* the listener's reference */
	}
}

static void unix_release(struct socket *sock)
{
	struct unix_sock *u = unix_of(sock);

	unix_release_sock(u);
	unix_put(u); /* the file's */
	unix_gc();   /* a ring of sockets in flight may have lost its last
		      * outside reference */
}

static const struct proto_ops unix_stream_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_stream_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.getopt = unix_getopt,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
};

static const struct proto_ops unix_seqpacket_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.getopt = unix_getopt,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
};

static int no_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

static int no_accept(struct socket *sock, struct socket *newsock, bool nonblock)
{
	return -EOPNOTSUPP;
}

static const struct proto_ops unix_dgram_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_dgram_connect,
	.socketpair = unix_socketpair,
	.listen = no_listen,
	.accept = no_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.getopt = unix_getopt,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
};

static int unix_create(struct socket *sock, int type, int protocol)
{
	struct unix_sock *u;

	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (type) {
	case SOCK_STREAM:
		sock->ops = &unix_stream_ops;
		break;
	case SOCK_RAW: /* Linux takes it for a datagram socket */
		type = SOCK_DGRAM;
		/* fall through */
	case SOCK_DGRAM:
		sock->ops = &unix_dgram_ops;
		break;
	case SOCK_SEQPACKET:
		sock->ops = &unix_seqpacket_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	u = unix_sock_new(type);
	if (!u)
		return -ENOMEM;
	sock->type = type;
	sock->sk = u;
	u->sock = sock;
	return 0;
}

const struct net_family unix_family = {
	.family = AF_UNIX,
	.create = unix_create,
};
