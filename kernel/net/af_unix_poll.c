/*
 * AF_UNIX readiness, ioctls and the options only the family knows.
 *
 * Readiness follows Linux's unix_poll and unix_dgram_poll: readable with
 * a message (or a connection to accept) queued or once reads are shut
 * down (POLLRDHUP too); POLLHUP when shut down both ways, or for an
 * unconnected stream socket; writable while a quarter of the send
 * buffer holds at most its unread data, never while listening; POLLERR
 * with an error pending. Every change wakes the socket's wait queue.
 */
#include <kernel/errno.h>
#include <kernel/poll.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "af_unix.h"

#define POLL_IN (POLLIN | POLLRDNORM)
#define POLL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND)

static bool writable(const struct unix_sock *u, const struct socket *sock)
{
	return u->state != UNIX_LISTEN &&
	       (__atomic_load_n(&u->wmem, __ATOMIC_RELAXED) << 2) <=
		       (size_t)sock->sndbuf;
}

/* The events both kinds share (u locked). */
static unsigned int common_events(const struct unix_sock *u)
{
	unsigned int mask = 0;

	if (u->err)
		mask |= POLLERR;
	if (u->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLL_IN;
	if (!list_empty(&u->queue))
		mask |= POLL_IN;
	return mask;
}

unsigned int unix_stream_poll(struct socket *sock, struct poll_table *pt)
{
	struct unix_sock *u = unix_of(sock);
	unsigned int mask;

	poll_wait(&u->wq, pt);
	mutex_lock(&u->lock);
	mask = common_events(u);
	if (u->state == UNIX_UNCONNECTED)
		mask |= POLLHUP;
	if (writable(u, sock))
		mask |= POLL_OUT;
	mutex_unlock(&u->lock);
	return mask;
}

unsigned int unix_dgram_poll(struct socket *sock, struct poll_table *pt)
{
	struct unix_sock *u = unix_of(sock);
	unsigned int mask;

	poll_wait(&u->wq, pt);
	mutex_lock(&u->lock);
	mask = common_events(u);
	if (sock->type == SOCK_SEQPACKET && u->state == UNIX_UNCONNECTED)
		mask |= POLLHUP;
	if (writable(u, sock))
		mask |= POLL_OUT;
	mutex_unlock(&u->lock);
	return mask;
}

/* SIOCINQ: a stream's or seqpacket's unread bytes; a datagram socket's
 * next datagram. */
static long inq(struct unix_sock *u)
{
	long n;

	mutex_lock(&u->lock);
	if (u->state == UNIX_LISTEN)
		n = -EINVAL;
	else if (u->type != SOCK_DGRAM)
		n = (long)u->qbytes;
	else if (list_empty(&u->queue))
		n = 0;
	else
		n = (long)list_first_entry(&u->queue, struct unix_skb, link)
			    ->len;
	mutex_unlock(&u->lock);
	return n;
}

long unix_ioctl(struct socket *sock, unsigned int cmd, uintptr_t arg)
{
	struct unix_sock *u = unix_of(sock);
	long n;

	switch (cmd) {
	case SIOCINQ:
		n = inq(u);
		break;
	case SIOCOUTQ:
		n = u->state == UNIX_LISTEN
			    ? -EINVAL
			    : (long)__atomic_load_n(&u->wmem, __ATOMIC_RELAXED);
		break;
	default:
		return -ENOTTY;
	}
	if (n < 0)
		return n;
	return put_user((int)n, arg) ? -EFAULT : 0;
}

int unix_getopt(struct socket *sock, int name, void *buf, size_t size)
{
	struct unix_sock *u = unix_of(sock);
	struct ucred_k cr = {0, UINT32_MAX, UINT32_MAX};
	int val;

	switch (name) {
	case SO_ERROR:
		mutex_lock(&u->lock);
		val = u->err;
		u->err = 0;
		mutex_unlock(&u->lock);
		break;
	case SO_ACCEPTCONN:
		val = u->state == UNIX_LISTEN;
		break;
	case SO_PEERCRED:
		mutex_lock(&u->lock);
		if (u->has_peercred)
			cr = u->peercred;
		mutex_unlock(&u->lock);
		memcpy(buf, &cr, sizeof(cr));
		return sizeof(cr);
	default:
		return -ENOPROTOOPT;
	}
	memcpy(buf, &val, sizeof(val));
	return sizeof(val);
}
