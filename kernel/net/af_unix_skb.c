/*
 * AF_UNIX messages: what a send puts in the receiver's queue. A message
 * holds a copy of the data, the files and credentials sent with it, and
 * a reference on its sender, whose send buffer it fills (wmem) until it
 * is read: a writer waits while the bytes it has in flight reach its
 * SO_SNDBUF, as in Linux, where each message also costs its overhead.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/string.h>

#include "af_unix.h"

int unix_skb_new(struct unix_sock *sender, struct msg_k *m, size_t len,
		 bool take_files, struct unix_skb **out)
{
	struct unix_skb *skb = kmalloc(sizeof(*skb) + len);

	if (!skb)
		return -ENOBUFS;
	*skb = (struct unix_skb){.len = len};
	list_init(&skb->link);
	if (iov_iter_copy_from(&m->iter, skb->data, len)) {
		kfree(skb);
		return -EFAULT;
	}
	skb->scm.has_creds = m->scm.has_creds;
	skb->scm.creds = m->scm.creds;
	if (take_files) {
		skb->scm.files = m->scm.files;
		skb->scm.nfiles = m->scm.nfiles;
		m->scm.files = NULL;
		m->scm.nfiles = 0;
		unix_files_enter(&skb->scm);
	}
	skb->truesize = len + UNIX_SKB_OVERHEAD;
	skb->sender = sender;
	unix_get(sender);
	__atomic_add_fetch(&sender->wmem, skb->truesize, __ATOMIC_RELAXED);
	*out = skb;
	return 0;
}

void unix_skb_free(struct unix_skb *skb)
{
	struct unix_sock *sender = skb->sender;

	unix_files_leave(&skb->scm);
	scm_destroy(&skb->scm);
	__atomic_sub_fetch(&sender->wmem, skb->truesize, __ATOMIC_RELEASE);
	wake_up_all(&sender->wq); /* room in its send buffer */
	unix_put(sender);
	kfree(skb);
}

/*
 * Files thrown away with a dead socket's queue are closed here, one
 * after the other, not from inside the release that threw them away:
 * they may be sockets whose own queues hold sockets, and so on, and
 * closing them recursively would have no bound on the stack. A release
 * that finds the list being drained (by its own task further up, or by
 * another) leaves its files to that drainer.
 */
struct dead_files {
	struct list_head link;
	struct scm scm;
};

static struct mutex dead_lock = MUTEX_INIT(dead_lock, "unix dead files");
static struct list_head dead_list = LIST_HEAD_INIT(dead_list);
static struct task *dead_drainer;

static void drain_dead_files(void)
{
	for (;;) {
		struct dead_files *d = NULL;

		mutex_lock(&dead_lock);
		if (!list_empty(&dead_list)) {
			d = list_first_entry(&dead_list, struct dead_files,
					     link);
			list_del(&d->link);
		} else {
			dead_drainer = NULL;
		}
		mutex_unlock(&dead_lock);
		if (!d)
			return;
		scm_destroy(&d->scm);
		kfree(d);
	}
}

/* Move skb's files to the dead list (or, with no memory, close them). */
static void bury_files(struct unix_skb *skb)
{
	struct dead_files *d;

	if (!skb->scm.nfiles)
		return;
	d = kzalloc(sizeof(*d));
	if (!d)
		return; /* unix_skb_free closes them at once */
	unix_files_leave(&skb->scm);
	d->scm.files = skb->scm.files;
	d->scm.nfiles = skb->scm.nfiles;
	skb->scm.files = NULL;
	skb->scm.nfiles = 0;
	mutex_lock(&dead_lock);
	list_add_tail(&d->link, &dead_list);
	mutex_unlock(&dead_lock);
}

void unix_purge(struct list_head *q)
{
	struct unix_skb *skb, *n;
	bool drain;

	list_for_each_entry_safe(skb, n, q, link)
	{
		list_del(&skb->link);
		bury_files(skb);
		unix_skb_free(skb);
	}
	mutex_lock(&dead_lock);
	drain = !dead_drainer && !list_empty(&dead_list);
	if (drain)
		dead_drainer = current_task();
	mutex_unlock(&dead_lock);
	if (drain)
		drain_dead_files();
}

static bool sndbuf_room(struct unix_sock *u)
{
	return __atomic_load_n(&u->wmem, __ATOMIC_ACQUIRE) <
	       (size_t)u->sock->sndbuf;
}

int unix_wait_sndbuf(struct unix_sock *u, uint64_t *timeo)
{
	int err = 0;

	mutex_lock(&u->lock);
	while (!err && !sndbuf_room(u)) {
		err = unix_wait(u,
				sndbuf_room(u) || (u->shutdown & SEND_SHUTDOWN),
				timeo);
		if (!err && (u->shutdown & SEND_SHUTDOWN))
			err = -EPIPE;
	}
	mutex_unlock(&u->lock);
	return err;
}

void unix_copy_from(struct msg_k *m, struct unix_skb *skb)
{
	struct unix_addr *a =
		__atomic_load_n(&skb->sender->addr, __ATOMIC_ACQUIRE);

	if (!m->name)
		return;
	m->namelen = a ? a->len : 0;
	if (a)
		memcpy(m->name, &a->sa, a->len);
}

int unix_skb_scm(struct unix_skb *skb, struct scm *to, bool peek)
{
	to->has_creds = skb->scm.has_creds;
	to->creds = skb->scm.creds;
	if (!skb->scm.nfiles)
		return 0;
	if (peek) {
		struct scm copy;
		int err = scm_dup(&skb->scm, &copy);

		if (err)
			return err;
		to->files = copy.files;
		to->nfiles = copy.nfiles;
		return 0;
	}
	unix_files_leave(&skb->scm);
	to->files = skb->scm.files;
	to->nfiles = skb->scm.nfiles;
	skb->scm.files = NULL;
	skb->scm.nfiles = 0;
	return 0;
}
