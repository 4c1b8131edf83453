/*
 * AF_UNIX stream data. A write is cut into messages of at most
 * UNIX_SKB_MAX bytes (and half the send buffer), each queued on the
 * peer; descriptors ride on the first. A read gathers bytes from as
 * many messages as fit, except that it stops after a message that
 * brought descriptors and, when the reader asked for credentials, before
 * bytes from another sender (Linux's rules, so that a reader knows whose
 * data and whose files it got).
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/signal.h>

#include "af_unix.h"

/* Does the socket of u want credentials (SO_PASSCRED)? */
static bool wants_creds(struct unix_sock *u)
{
	bool on;

	mutex_lock(&u->lock);
	on = u->sock && u->sock->passcred;
	mutex_unlock(&u->lock);
	return on;
}

/* The connected peer, referenced, or -ENOTCONN / -EPIPE. */
static int stream_peer(struct unix_sock *u, struct unix_sock **out)
{
	int err = 0;

	mutex_lock(&u->lock);
	*out = u->state == UNIX_CONNECTED ? u->peer : NULL;
	if (!*out)
		err = u->state == UNIX_CONNECTED ? -EPIPE : -ENOTCONN;
	else if (u->shutdown & SEND_SHUTDOWN)
		err = -EPIPE;
	if (*out)
		unix_get(*out);
	mutex_unlock(&u->lock);
	return err;
}

/* Queue skb on peer unless it can take no more: 0 or -EPIPE. */
static int stream_queue(struct unix_sock *u, struct unix_sock *peer,
			struct unix_skb *skb)
{
	int err = 0;

	mutex_lock(&peer->lock);
	if (peer->dead || (peer->shutdown & RCV_SHUTDOWN) ||
	    (__atomic_load_n(&u->shutdown, __ATOMIC_RELAXED) & SEND_SHUTDOWN))
		err = -EPIPE;
	if (!err) {
		list_add_tail(&skb->link, &peer->queue);
		peer->qlen++;
		peer->qbytes += skb->len;
	}
	mutex_unlock(&peer->lock);
	if (!err)
		wake_up_all(&peer->wq);
	return err;
}

static size_t chunk_size(struct socket *sock, size_t left)
{
	size_t max = (size_t)sock->sndbuf / 2 - 64;

	return MIN(left, MIN(max, UNIX_SKB_MAX));
}

long unix_stream_sendmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			 int flags)
{
	struct unix_sock *u = unix_of(sock), *peer = NULL;
	size_t total = m->iter.count, sent = 0;
	uint64_t timeo = unix_timeo(sock, nonblock, false);
	long err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen) {
		mutex_lock(&u->lock);
		err = u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		mutex_unlock(&u->lock);
		return err;
	}
	err = stream_peer(u, &peer);
	if (err == -ENOTCONN)
		return err;
	if (!err && !m->scm.has_creds &&
	    (sock->passcred || wants_creds(peer))) {
		scm_current_creds(&m->scm.creds);
		m->scm.has_creds = true;
	}
	while (!err && sent < total) {
		size_t n = chunk_size(sock, total - sent);
		struct unix_skb *skb;

		err = unix_wait_sndbuf(u, &timeo);
		if (!err)
			err = unix_skb_new(u, m, n, sent == 0, &skb);
		if (err)
			break;
		err = stream_queue(u, peer, skb);
		if (err) {
			unix_skb_free(skb);
			break;
		}
		sent += n;
	}
	if (err == -EPIPE && !sent && !(flags & MSG_NOSIGNAL))
		signal_send_task(current_task(), SIGPIPE, NULL);
	unix_put(peer);
	return sent ? (long)sent : err;
}

static bool same_creds(const struct scm *a, const struct scm *b)
{
	return a->has_creds == b->has_creds &&
	       (!a->has_creds ||
		(a->creds.pid == b->creds.pid && a->creds.uid == b->creds.uid &&
		 a->creds.gid == b->creds.gid));
}

/* The state of one stream read. */
struct stream_read {
	struct unix_sock *u;
	struct msg_k *m;
	size_t size, copied, target;
	bool peek, creds, have_creds;
	struct scm first;      /* credentials of the first message read */
	struct list_head done; /* messages read whole: freed unlocked */
};

/* Read from skb (u locked): 1 to go on to the next, 0 to stop, -errno. */
static int read_one(struct stream_read *r, struct unix_skb *skb)
{
	struct unix_sock *u = r->u;
	size_t chunk = MIN(skb->len - skb->consumed, r->size - r->copied);
	bool files = skb->scm.nfiles > 0;
	int err;

	if (r->creds) {
		if (r->have_creds && !same_creds(&skb->scm, &r->first))
			return 0;
		r->first = (struct scm){.has_creds = skb->scm.has_creds,
					.creds = skb->scm.creds};
		r->have_creds = true;
	}
	if (iov_iter_copy_to(&r->m->iter, skb->data + skb->consumed, chunk))
		return -EFAULT;
	if (!r->copied)
		unix_copy_from(r->m, skb); /* recvfrom: the writer's name */
	r->copied += chunk;
	err = unix_skb_scm(skb, &r->m->scm, r->peek);
	if (err)
		return err;
	if (r->peek)
		return !files && r->copied < r->size;
	skb->consumed += chunk;
	u->qbytes -= chunk;
	if (skb->consumed < skb->len)
		return 0;
	list_del(&skb->link);
	u->qlen--;
	list_add_tail(&skb->link, &r->done);
	return !files && r->copied < r->size;
}

/* Wait for more (u locked): 1 to look again, 0 to return, -errno. */
static int read_wait(struct stream_read *r, uint64_t *timeo)
{
	struct unix_sock *u = r->u;
	unsigned int qlen = u->qlen;
	int err;

	if (r->copied >= r->target)
		return 0;
	if (u->err) {
		err = -u->err;
		u->err = 0;
		return err;
	}
	if (u->shutdown & RCV_SHUTDOWN)
		return 0;
	err = unix_wait(
		u, u->qlen != qlen || u->err || (u->shutdown & RCV_SHUTDOWN),
		timeo);
	return err ? err : 1;
}

/* The next message to read: the first, or (peeking) the one after. */
static struct unix_skb *next_skb(struct unix_sock *u, struct unix_skb *prev)
{
	struct list_head *n = prev ? prev->link.next : u->queue.next;

	return n == &u->queue ? NULL : list_entry(n, struct unix_skb, link);
}

long unix_stream_recvmsg(struct socket *sock, struct msg_k *m, bool nonblock,
			 int flags)
{
	struct unix_sock *u = unix_of(sock);
	struct stream_read r = {.u = u,
				.m = m,
				.size = m->iter.count,
				.peek = flags & MSG_PEEK,
				.creds = sock->passcred};
	struct unix_skb *prev = NULL, *skb;
	uint64_t timeo = unix_timeo(sock, nonblock, true);
	long err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	r.target = (flags & MSG_WAITALL) ? r.size : 1;
	if (!r.target)
		r.target = 1;
	list_init(&r.done);
	mutex_lock(&u->lock);
	if (u->state != UNIX_CONNECTED) {
		mutex_unlock(&u->lock);
		return -EINVAL;
	}
	for (;;) {
		int more;

		skb = next_skb(u, r.peek ? prev : NULL);
		more = skb ? read_one(&r, skb) : read_wait(&r, &timeo);
		if (more <= 0) {
			err = more;
			break;
		}
		if (skb)
			prev = skb;
	}
	mutex_unlock(&u->lock);
	unix_purge(&r.done);
	return r.copied ? (long)r.copied : err;
}
