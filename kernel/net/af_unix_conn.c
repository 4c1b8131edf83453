/*
 * AF_UNIX connections: listen, connect, accept, socketpair, shutdown.
 *
 * A stream or seqpacket connect makes the server's end at once (an
 * embryo, connected to the client) and queues it on the listener, which
 * accept later gives a file. The queue holds at most backlog + 1 (Linux
 * counts "more than backlog" as full): then a connect waits, or fails
 * with EAGAIN if nonblocking. A datagram connect only names the default
 * destination (and the only socket it takes datagrams from); AF_UNSPEC
 * undoes it.
 *
 * No two sockets' locks are held at once: the client is marked
 * connecting, the listener queues the embryo, then the client records
 * its peer.
 */
#include <kernel/errno.h>

#include "af_unix.h"

int unix_listen(struct socket *sock, int backlog)
{
	struct unix_sock *u = unix_of(sock);
	int err = 0;

	mutex_lock(&u->lock);
	if (!u->addr || u->state == UNIX_CONNECTED || u->connecting)
		err = -EINVAL;
	if (!err) {
		if (backlog > u->backlog)
			wake_up_all(&u->wq); /* connectors: more room */
		u->backlog = backlog;
		u->state = UNIX_LISTEN;
		u->has_peercred = true;
		unix_peercred_now(&u->peercred);
	}
	mutex_unlock(&u->lock);
	return err;
}

static bool queue_full(const struct unix_sock *l)
{
	return l->qlen > (unsigned int)l->backlog;
}

/* Queue embryo e on listener l (referenced): 0, ECONNREFUSED, EAGAIN,
 * ERESTARTSYS. */
static int queue_embryo(struct unix_sock *l, struct unix_sock *e,
			uint64_t *timeo)
{
	int err = 0;

	mutex_lock(&l->lock);
	for (;;) {
		if (l->dead || l->state != UNIX_LISTEN) {
			err = -ECONNREFUSED;
			break;
		}
		if (!queue_full(l))
			break;
		err = unix_wait(
			l, l->dead || l->state != UNIX_LISTEN || !queue_full(l),
			timeo);
		if (err)
			break;
	}
	if (!err) {
		list_add_tail(&e->link, &l->queue);
		l->qlen++;
	}
	mutex_unlock(&l->lock);
	if (!err)
		wake_up_all(&l->wq);
	return err;
}

/* The client may connect: mark it (0), or EISCONN, EINVAL, EALREADY. */
static int client_begin(struct unix_sock *c)
{
	int err = 0;

	mutex_lock(&c->lock);
	if (c->state == UNIX_CONNECTED)
		err = -EISCONN;
	else if (c->state == UNIX_LISTEN)
		err = -EINVAL;
	else if (c->connecting)
		err = -EALREADY;
	else
		c->connecting = true;
	mutex_unlock(&c->lock);
	return err;
}

static void client_end(struct unix_sock *c, struct unix_sock *e,
		       const struct unix_sock *l)
{
	mutex_lock(&c->lock);
	c->connecting = false;
	if (e) {
		unix_get(e);
		c->peer = e;
		c->state = UNIX_CONNECTED;
		c->has_peercred = true;
		c->peercred = l->peercred;
	}
	mutex_unlock(&c->lock);
}

/* The server's end of a connection from c to l. */
static struct unix_sock *embryo_new(struct unix_sock *c, struct unix_sock *l)
{
	struct unix_sock *e = unix_sock_new(c->type);

	if (!e)
		return NULL;
	e->state = UNIX_CONNECTED;
	unix_get(c);
	e->peer = c;
	e->has_peercred = true;
	unix_peercred_now(&e->peercred);
	mutex_lock(&l->lock);
	if (l->addr) {
		__atomic_add_fetch(&l->addr->refcount, 1, __ATOMIC_RELAXED);
		e->addr = l->addr;
	}
	mutex_unlock(&l->lock);
	return e;
}

int unix_stream_connect(struct socket *sock, const void *addr, size_t len,
			bool nonblock)
{
	struct unix_sock *c = unix_of(sock), *l, *e;
	uint64_t timeo = unix_timeo(sock, nonblock, false);
	int err = unix_check_addr(addr, len);

	if (!err && sock->passcred)
		err = unix_autobind(c);
	if (!err)
		err = unix_find(addr, len, c->type, &l);
	if (err)
		return err;
	err = client_begin(c);
	if (err) {
		unix_put(l);
		return err;
	}
	e = embryo_new(c, l);
	err = e ? queue_embryo(l, e, &timeo) : -ENOMEM;
	client_end(c, err ? NULL : e, l);
	if (err && e) {
		unix_put(c); /* the embryo's peer reference */
		e->peer = NULL;
		unix_put(e);
	}
	unix_put(l);
	return err;
}

int unix_dgram_connect(struct socket *sock, const void *addr, size_t len,
		       bool nonblock)
{
	const struct sockaddr_un_k *sa = addr;
	struct unix_sock *u = unix_of(sock), *other = NULL, *old;
	int err = 0;

	if (len < sizeof(sa->family))
		return -EINVAL;
	if (sa->family != AF_UNSPEC) {
		err = unix_check_addr(addr, len);
		if (!err && sock->passcred)
			err = unix_autobind(u);
		if (!err)
			err = unix_find(addr, len, u->type, &other);
		if (err)
			return err;
	}
	mutex_lock(&u->lock);
	old = u->peer;
	u->peer = other;
	u->state = other ? UNIX_CONNECTED : UNIX_UNCONNECTED;
	mutex_unlock(&u->lock);
	unix_put(old);
	return 0;
}

/* Take the first embryo off listener l: 0, EINVAL, EAGAIN, ERESTARTSYS. */
static int take_embryo(struct unix_sock *l, uint64_t *timeo,
		       struct unix_sock **out)
{
	int err = 0;

	mutex_lock(&l->lock);
	for (;;) {
		if (l->state != UNIX_LISTEN) {
			err = -EINVAL;
			break;
		}
		if (!list_empty(&l->queue))
			break;
		err = unix_wait(
			l, l->state != UNIX_LISTEN || !list_empty(&l->queue),
			timeo);
		if (err)
			break;
	}
	if (!err) {
		*out = list_first_entry(&l->queue, struct unix_sock, link);
		list_del(&(*out)->link);
		l->qlen--;
	}
	mutex_unlock(&l->lock);
	if (!err)
		wake_up_all(&l->wq); /* room for a waiting connect */
	return err;
}

int unix_accept(struct socket *sock, struct socket *newsock, bool nonblock)
{
	struct unix_sock *e;
	uint64_t timeo;
	int err;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	timeo = unix_timeo(sock, nonblock, true);
	err = take_embryo(unix_of(sock), &timeo, &e);
	if (err)
		return err;
	mutex_lock(&e->lock);
	e->sock = newsock;
	mutex_unlock(&e->lock);
	newsock->sk = e; /* the queue's reference passes to the file */
	return 0;
}

int unix_socketpair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = unix_of(a), *ub = unix_of(b);

	unix_get(ub);
	ua->peer = ub;
	unix_get(ua);
	ub->peer = ua;
	ua->state = ub->state = UNIX_CONNECTED;
	ua->has_peercred = ub->has_peercred = true;
	unix_peercred_now(&ua->peercred);
	ub->peercred = ua->peercred;
	return 0;
}

int unix_shutdown(struct socket *sock, int how)
{
	/* SHUT_RD 0 -> RCV, SHUT_WR 1 -> SEND, SHUT_RDWR 2 -> both */
	unsigned int mode = (unsigned int)how + 1, peer_mode = 0;
	struct unix_sock *u = unix_of(sock), *peer;

	mutex_lock(&u->lock);
	u->shutdown |= mode;
	peer = u->peer;
	if (peer)
		unix_get(peer);
	mutex_unlock(&u->lock);
	wake_up_all(&u->wq);
	if (!peer)
		return 0;
	if (sock->type != SOCK_DGRAM) {
		if (mode & RCV_SHUTDOWN)
			peer_mode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer_mode |= RCV_SHUTDOWN;
		mutex_lock(&peer->lock);
		peer->shutdown |= peer_mode;
		mutex_unlock(&peer->lock);
		wake_up_all(&peer->wq);
	}
	unix_put(peer);
	return 0;
}
