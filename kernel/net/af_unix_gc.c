/*
 * Garbage collection of AF_UNIX sockets passed in flight (SCM_RIGHTS).
 *
 * A socket sent in a message is held by that message until it is read;
 * if the message sits in the queue of a socket that is itself only in
 * flight (in its own queue, or in a ring of sockets holding each other),
 * nothing will ever read it and no close will free the ring. Linux finds
 * such rings when a socket is released; so does this.
 *
 * Every AF_UNIX socket counts the messages holding its file (inflight).
 * A candidate is one whose file has no other reference: its references
 * all come from messages. Counting, for each candidate, the references
 * from other candidates' queues, a candidate with some left over is held
 * from outside (a queue of a live socket, or a message being read) and
 * lives, as does every candidate its queue holds, transitively. The
 * other candidates are garbage: their queues are emptied, which closes
 * the files they held and so breaks the rings.
 *
 * Locking: gc_lock (a mutex) guards the counts and the list of sockets
 * in flight; it is taken inside a socket's lock (a read detaching files),
 * so the collector only tries the sockets' locks and gives up (until the
 * next release) if one is busy. Listening sockets are never candidates
 * (their embryos' queues are not scanned): such a ring is not freed.
 */
#include <kernel/errno.h>

#include "af_unix.h"

static struct mutex gc_lock = MUTEX_INIT(gc_lock, "unix gc");
static struct list_head in_flight = LIST_HEAD_INIT(in_flight);
static int gc_running; /* atomic: one collection at a time */

static struct unix_sock *unix_of_file(struct file *f)
{
	struct socket *s = socket_of(f);

	return s && s->ops && s->ops->family == AF_UNIX ? unix_of(s) : NULL;
}

void unix_files_enter(const struct scm *scm)
{
	if (!scm->nfiles)
		return;
	mutex_lock(&gc_lock);
	for (int i = 0; i < scm->nfiles; i++) {
		struct unix_sock *u = unix_of_file(scm->files[i]);

		if (u && u->inflight++ == 0)
			list_add_tail(&u->gc_link, &in_flight);
	}
	mutex_unlock(&gc_lock);
}

void unix_files_leave(const struct scm *scm)
{
	if (!scm->nfiles)
		return;
	mutex_lock(&gc_lock);
	for (int i = 0; i < scm->nfiles; i++) {
		struct unix_sock *u =
			scm->files[i] ? unix_of_file(scm->files[i]) : NULL;

		if (u && --u->inflight == 0)
			list_del(&u->gc_link);
	}
	mutex_unlock(&gc_lock);
}

/* Apply fn to each candidate among the sockets in c's queue. */
static void for_each_held(struct unix_sock *c,
			  void (*fn)(struct unix_sock *v, bool *changed),
			  bool *changed)
{
	struct unix_skb *skb;

	list_for_each_entry(skb, &c->queue, link)
	{
		for (int i = 0; i < skb->scm.nfiles; i++) {
			struct unix_sock *v = unix_of_file(skb->scm.files[i]);

			if (v && v->gc_candidate)
				fn(v, changed);
		}
	}
}

static void count_down(struct unix_sock *v, bool *changed)
{
	v->gc_count--;
}

static void mark_alive(struct unix_sock *v, bool *changed)
{
	if (!v->gc_alive) {
		v->gc_alive = true;
		*changed = true;
	}
}

/* The candidates, locked: false if one was busy (then none is held). */
static bool pick_candidates(void)
{
	struct unix_sock *u;
	bool ok = true;

	list_for_each_entry(u, &in_flight, gc_link)
	{
		u->gc_candidate = false;
		if (!ok || u->state == UNIX_LISTEN || !u->sock ||
		    __atomic_load_n(&u->sock->file->refcount,
				    __ATOMIC_ACQUIRE) != u->inflight)
			continue;
		if (!mutex_trylock(&u->lock)) {
			ok = false;
			continue;
		}
		u->gc_candidate = true;
		u->gc_count = u->inflight;
		u->gc_alive = false;
	}
	return ok;
}

/* Mark the candidates held from outside, and what they hold. */
static void find_alive(void)
{
	struct unix_sock *u;
	bool changed = true;

	list_for_each_entry(u, &in_flight, gc_link)
	{
		if (u->gc_candidate)
			for_each_held(u, count_down, NULL);
	}
	list_for_each_entry(u, &in_flight, gc_link)
	{
		if (u->gc_candidate && u->gc_count > 0)
			u->gc_alive = true;
	}
	while (changed) {
		changed = false;
		list_for_each_entry(u, &in_flight, gc_link)
		{
			if (u->gc_candidate && u->gc_alive)
				for_each_held(u, mark_alive, &changed);
		}
	}
}

/* Empty the garbage's queues into *out, and unlock the candidates. */
static void take_garbage(struct list_head *out, bool collect)
{
	struct unix_sock *u;

	list_for_each_entry(u, &in_flight, gc_link)
	{
		if (!u->gc_candidate)
			continue;
		if (collect && !u->gc_alive) {
			while (!list_empty(&u->queue)) {
				struct list_head *n = u->queue.next;

				list_del(n);
				list_add_tail(n, out);
			}
			u->qlen = 0;
			u->qbytes = 0;
		}
		u->gc_candidate = false;
		mutex_unlock(&u->lock);
	}
}

void unix_gc(void)
{
	struct list_head garbage;
	bool ok;

	if (list_empty(&in_flight) ||
	    __atomic_exchange_n(&gc_running, 1, __ATOMIC_ACQUIRE))
		return;
	list_init(&garbage);
	mutex_lock(&gc_lock);
	ok = pick_candidates();
	if (ok)
		find_alive();
	take_garbage(&garbage, ok);
	mutex_unlock(&gc_lock);
	unix_purge(&garbage); /* closes the files: the rings break */
	__atomic_store_n(&gc_running, 0, __ATOMIC_RELEASE);
}
