/*
 * AF_UNIX datagrams and seqpackets: each send is one message, read whole
 * by one receive (the rest of a longer one is lost: MSG_TRUNC). A
 * receiver holds at most UNIX_DGRAM_QLEN + 1 datagrams from others; a
 * sender then waits (or gets EAGAIN). A datagram socket connected to
 * another takes datagrams from that one only (EPERM for the others);
 * sending to a connected peer that has closed fails once with
 * ECONNREFUSED and disconnects. Seqpacket is datagrams on a connection.
 */
#include <kernel/errno.h>

#include "af_unix.h"

/* Does u's socket want credentials? (u locked) */
static bool wants_creds(const struct unix_sock *u)
{
	return u->sock && u->sock->passcred;
}

/* Forget a connected peer found dead (if it is still the peer). */
static void disconnect(struct unix_sock *u, struct unix_sock *other)
{
	mutex_lock(&u->lock);
	if (u->peer == other) {
		u->peer = NULL;
		u->state = UNIX_UNCONNECTED;
		unix_put(other);
	}
	mutex_unlock(&u->lock);
}

static bool queue_full(const struct unix_sock *other, const struct unix_sock *u)
{
	return other != u && other->peer != u && other->qlen > UNIX_DGRAM_QLEN;
}

/*
 * Queue skb on other (referenced) for u: 0 (skb taken), or -errno
 * (-ECONNREFUSED: other is dead; -EAGAIN: no room in time).
 */
static int dgram_queue(struct unix_sock *u, struct unix_sock *other,
		       struct unix_skb *skb, uint64_t *timeo, bool seqpacket)
{
	int err = 0;

	mutex_lock(&other->lock);
	for (;;) {
		if (other->dead) {
			err = seqpacket ? -EPIPE : -ECONNREFUSED;
			break;
		}
		if (!seqpacket && other->peer && other->peer != u) {
			err = -EPERM;
			break;
		}
		if (other->shutdown & RCV_SHUTDOWN) {
			err = -EPIPE;
			break;
		}
		if (!queue_full(other, u))
			break;
		err = unix_wait(other, other->dead || !queue_full(other, u),
				timeo);
		if (err)
			break;
	}
	if (!err) {
		list_add_tail(&skb->link, &other->queue);
		other->qlen++;
		other->qbytes += skb->len;
	}
	mutex_unlock(&other->lock);
	if (!err)
		wake_up_all(&other->wq);
	return err;
}

/* The connected peer, referenced: 0 or -ENOTCONN. */
static int peer_of(struct unix_sock *u, struct unix_sock **out)
{
	mutex_lock(&u->lock);
	*out = u->peer;
	if (*out)
		unix_get(*out);
	mutex_unlock(&u->lock);
	return *out ? 0 : -ENOTCONN;
}

static void add_creds(struct socket *sock, struct unix_sock *other,
		      struct msg_k *m)
{
	bool want = sock->passcred;

	if (m->scm.has_creds)
		return;
	if (!want) {
		mutex_lock(&other->lock);
		want = wants_creds(other);
		mutex_unlock(&other->lock);
	}
	if (want) {
		scm_current_creds(&m->scm.creds);
		m->scm.has_creds = true;
	}
}

/* Queue skb on *other; a socket named by address that died is looked
 * up again (its name may have a new owner). */
static int deliver(struct unix_sock *u, struct unix_sock **other,
		   struct unix_skb *skb, struct msg_k *m, bool named,
		   uint64_t *timeo, bool seqpacket)
{
	for (int tries = 0;; tries++) {
		int err = dgram_queue(u, *other, skb, timeo, seqpacket);

		if (err != -ECONNREFUSED)
			return err;
		if (!named) {
			disconnect(u, *other);
			return err;
		}
		if (tries == 2)
			return err;
		unix_put(*other);
		err = unix_find(m->name, m->namelen, u->type, other);
		if (err)
			return err;
	}
}

static long dgram_send(struct socket *sock, struct msg_k *m, bool nonblock,
		       int flags, bool seqpacket)
{
	struct unix_sock *u = unix_of(sock), *other = NULL;
	bool named = !seqpacket && m->name && m->namelen;
	size_t len = m->iter.count;
	uint64_t timeo = unix_timeo(sock, nonblock, false);
	struct unix_skb *skb;
	long err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (__atomic_load_n(&u->shutdown, __ATOMIC_RELAXED) & SEND_SHUTDOWN)
		return -EPIPE;
	if (named)
		err = unix_check_addr(m->name, m->namelen);
	else
		err = peer_of(u, &other);
	if (!err && sock->passcred)
		err = unix_autobind(u);
	if (!err && len > (size_t)sock->sndbuf - 32)
		err = -EMSGSIZE;
	if (!err)
		err = unix_wait_sndbuf(u, &timeo);
	if (!err && named)
		err = unix_find(m->name, m->namelen, u->type, &other);
	if (!err) {
		add_creds(sock, other, m);
		err = unix_skb_new(u, m, len, true, &skb);
	}
	if (!err) {
		err = deliver(u, &other, skb, m, named, &timeo, seqpacket);
		if (err)
			unix_skb_free(skb);
	}
	unix_put(other);
	return err ? err : (long)len;
}

long unix_dgram_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags)
{
	return dgram_send(sock, m, nonblock, flags, false);
}

long unix_seqpacket_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			    int flags)
{
	struct unix_sock *u = unix_of(sock);
	int err = 0;

	mutex_lock(&u->lock);
	if (u->err) {
		err = -u->err;
		u->err = 0;
	} else if (u->state != UNIX_CONNECTED) {
		err = -ENOTCONN;
	} else if (u->shutdown & SEND_SHUTDOWN) {
		err = -EPIPE;
	}
	mutex_unlock(&u->lock);
	if (err)
		return err;
	return dgram_send(sock, m, nonblock, flags, true);
}

/* Wait for a datagram (u locked): 0 with one queued, 1 for EOF, -errno. */
static int dgram_wait(struct unix_sock *u, uint64_t *timeo)
{
	while (list_empty(&u->queue)) {
		int err;

		if (u->err) {
			err = -u->err;
			u->err = 0;
			return err;
		}
		/* Linux: EOF, except to a nonblocking datagram read. */
		if ((u->shutdown & RCV_SHUTDOWN) &&
		    (*timeo || u->type == SOCK_SEQPACKET))
			return 1;
		if (!*timeo)
			return -EAGAIN;
		err = unix_wait(u,
				!list_empty(&u->queue) || u->err ||
					(u->shutdown & RCV_SHUTDOWN),
				timeo);
		if (err)
			return err;
	}
	return 0;
}

long unix_dgram_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			int flags)
{
	struct unix_sock *u = unix_of(sock);
	bool peek = flags & MSG_PEEK;
	struct unix_skb *skb;
	size_t chunk, full;
	uint64_t timeo = unix_timeo(sock, nonblock, true);
	long ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	mutex_lock(&u->lock);
	ret = dgram_wait(u, &timeo);
	if (ret) {
		mutex_unlock(&u->lock);
		if (ret == 1 && m->name)
			m->namelen = 0;
		return ret == 1 ? 0 : ret;
	}
	skb = list_first_entry(&u->queue, struct unix_skb, link);
	if (!peek) {
		list_del(&skb->link);
		u->qlen--;
		u->qbytes -= skb->len;
	}
	/* Copied under the lock: a peeked message stays in the queue. */
	chunk = MIN(skb->len, m->iter.count);
	if (chunk < skb->len)
		m->flags |= MSG_TRUNC;
	full = skb->len;
	ret = iov_iter_copy_to(&m->iter, skb->data, chunk);
	if (!ret) {
		unix_copy_from(m, skb);
		ret = unix_skb_scm(skb, &m->scm, peek);
	}
	mutex_unlock(&u->lock);
	if (!peek) {
		wake_up_all(&u->wq); /* room for a waiting sender */
		unix_skb_free(skb);
	}
	if (!ret)
		ret = (flags & MSG_TRUNC) ? (long)full : (long)chunk;
	return ret;
}

long unix_seqpacket_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			    int flags)
{
	struct unix_sock *u = unix_of(sock);
	bool connected;

	mutex_lock(&u->lock);
	connected = u->state == UNIX_CONNECTED;
	mutex_unlock(&u->lock);
	if (!connected)
		return -ENOTCONN;
	return unix_dgram_recvmsg(sock, m, nonblock, flags);
}
