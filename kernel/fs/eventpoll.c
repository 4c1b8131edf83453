/*
 * epoll: a set of watched files, each with the events wanted and the
 * caller's data, whose ready members epoll_wait hands out.
 *
 * Each watched file (an item) is registered on the wait queues its poll
 * operation names, with a callback instead of a sleeping task: a wake-up
 * of such a queue puts the item on the instance's ready list and wakes
 * whoever waits on the instance. epoll_wait asks each ready item's file
 * for its events again (a wake-up only says "something changed") and
 * reports those wanted; a level-triggered item goes back on the list, to
 * be asked again next time; an edge-triggered one waits for the next
 * wake-up; a one-shot one is disabled until EPOLL_CTL_MOD.
 *
 * An item lives until EPOLL_CTL_DEL or the last close of its file (not
 * of one descriptor: Linux's rule), or of the instance.
 *
 * Locks: ep_mutex (global) over the items of every file and every
 * instance's set, then the instance's mutex, then its ready-list lock, a
 * spinlock taken by the callbacks under the woken queue's lock. An
 * instance can watch another (nesting, at most EP_MAX_DEPTH deep): the
 * inner one's callback wakes the outer one's queue, so their locks are
 * ranked by depth, each above what the inner ones hold.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EP_CONTROL_BITS (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_CLOEXEC O_CLOEXEC
#define EP_MAX_WAITS 4	  /* wait queues per watched file */
#define EP_MAX_DEPTH 3	  /* instances inside instances */
#define EP_RANK_BASE 241u /* above LOCK_RANK_WAITQ, below LOCK_RANK_TASK */
#define EP_MAX_EVENTS (INT32_MAX / 12)

struct epoll_event_k {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct eventpoll {
	struct mutex mtx;
	struct spinlock lock;	 /* ready (rank by depth) */
	struct wait_queue wq;	 /* epoll_wait's sleepers, pollers of it */
	struct list_head items;	 /* struct epitem by link */
	struct list_head ready;	 /* struct epitem by rdlink */
	unsigned int depth;	 /* 0: watches no instance */
	unsigned int watched_by; /* instances watching this one */
};

struct ep_entry {
	struct waiter w;
	struct wait_queue *wq;
	struct epitem *item;
};

struct epitem {
	struct list_head link, rdlink, flink;
	struct eventpoll *ep;
	struct file *file; /* not referenced: the file's release ends us */
	int fd;
	uint32_t events;
	uint64_t data;
	unsigned int nwait;
	struct ep_entry waits[EP_MAX_WAITS];
};

static struct mutex ep_mutex = MUTEX_INIT(ep_mutex, "epoll");
static const struct file_ops epoll_fops;

static void set_ranks(struct eventpoll *ep)
{
	spin_lock_set_rank(&ep->lock, EP_RANK_BASE + 2 * ep->depth);
	spin_lock_set_rank(&ep->wq.lock, EP_RANK_BASE + 2 * ep->depth + 1);
}

/* A wake-up of a watched queue: the item is (maybe) ready. */
static void ep_callback(struct waiter *w)
{
	struct ep_entry *e = (struct ep_entry *)w;
	struct epitem *it = e->item;
	struct eventpoll *ep = it->ep;
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool wake = false;

	if ((it->events & ~EP_CONTROL_BITS) && list_empty(&it->rdlink)) {
		list_add_tail(&it->rdlink, &ep->ready);
		wake = true;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (wake)
		wake_up_all(&ep->wq);
}

static void ep_queue(struct poll_table *pt, struct wait_queue *wq);

struct ep_pt {
	struct poll_table pt;
	struct epitem *item;
};

static void ep_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *it = ((struct ep_pt *)pt)->item;
	struct ep_entry *e;

	if (it->nwait == EP_MAX_WAITS)
		return; /* no file here has more */
	e = &it->waits[it->nwait++];
	e->item = it;
	e->wq = wq;
	e->w = (struct waiter){.func = ep_callback};
	list_init(&e->w.link);
	wait_queue_add(wq, &e->w);
}

static void ready_add(struct eventpoll *ep, struct epitem *it)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	if (list_empty(&it->rdlink))
		list_add_tail(&it->rdlink, &ep->ready);
	spin_unlock_irqrestore(&ep->lock, flags);
	wake_up_all(&ep->wq);
}

/* Take it out of everything and free it (ep_mutex and ep->mtx held). */
static void ep_remove(struct epitem *it)
{
	struct eventpoll *ep = it->ep;
	unsigned long flags;

	for (unsigned int i = 0; i < it->nwait; i++)
		wait_queue_remove(it->waits[i].wq, &it->waits[i].w);
	flags = spin_lock_irqsave(&ep->lock);
	list_del(&it->rdlink);
	spin_unlock_irqrestore(&ep->lock, flags);
	list_del(&it->flink);
	list_del(&it->link);
	if (it->file->ops == &epoll_fops)
		((struct eventpoll *)it->file->priv)->watched_by--;
	kfree(it);
}

void eventpoll_release(struct file *f)
{
	if (list_empty(&f->ep_links))
		return; /* nobody can add: this was the last reference */
	mutex_lock(&ep_mutex);
	while (!list_empty(&f->ep_links)) {
		struct epitem *it =
			list_first_entry(&f->ep_links, struct epitem, flink);
		struct eventpoll *ep = it->ep;

		mutex_lock(&ep->mtx);
		ep_remove(it);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&ep_mutex);
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *it;

	list_for_each_entry(it, &ep->items, link)
	{
		if (it->file == f && it->fd == fd)
			return it;
	}
	return NULL;
}

/* Does ep (an instance) watch target, directly or through others? */
static bool ep_reaches(struct eventpoll *ep, struct eventpoll *target,
		       unsigned int depth)
{
	struct epitem *it;

	if (ep == target)
		return true;
	if (depth > EP_MAX_DEPTH)
		return true; /* too deep counts as a loop */
	list_for_each_entry(it, &ep->items, link)
	{
		if (it->file->ops == &epoll_fops &&
		    ep_reaches(it->file->priv, target, depth + 1))
			return true;
	}
	return false;
}

/* Watching an instance: no loop, not too deep (ep_mutex held). */
static int ep_check_nesting(struct eventpoll *ep, struct eventpoll *child)
{
	unsigned int depth = child->depth + 1;

	if (ep_reaches(child, ep, 0))
		return -ELOOP;
	if (depth > EP_MAX_DEPTH || (depth > ep->depth && ep->watched_by))
		return -ELOOP; /* deepening a watched one: not tracked */
	if (depth > ep->depth) {
		ep->depth = depth;
		set_ranks(ep);
	}
	child->watched_by++;
	return 0;
}

static int ep_add(struct eventpoll *ep, struct file *f, int fd,
		  const struct epoll_event_k *ev)
{
	struct ep_pt pt = {.pt.queue = ep_queue};
	struct epitem *it;
	unsigned int mask;
	int err = 0;

	if (ep_find(ep, f, fd))
		return -EEXIST;
	if (f->ops == &epoll_fops)
		err = ep_check_nesting(ep, f->priv);
	it = err ? NULL : kzalloc(sizeof(*it));
	if (!err && !it)
		err = -ENOMEM;
	if (err)
		return err;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = ev->events | POLLERR | POLLHUP;
	it->data = ev->data;
	list_init(&it->rdlink);
	list_add_tail(&it->link, &ep->items);
	list_add_tail(&it->flink, &f->ep_links);
	pt.item = it;
	mask = file_poll(f, &pt.pt);
	if (mask & it->events)
		ready_add(ep, it);
	return 0;
}

static int ep_modify(struct eventpoll *ep, struct epitem *it,
		     const struct epoll_event_k *ev)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	it->events = ev->events | POLLERR | POLLHUP;
	it->data = ev->data;
	spin_unlock_irqrestore(&ep->lock, flags);
	if (file_poll(it->file, NULL) & it->events)
		ready_add(ep, it);
	return 0;
}

static int ep_ctl(struct eventpoll *ep, int op, struct file *f, int fd,
		  const struct epoll_event_k *ev)
{
	struct epitem *it;
	int err;

	mutex_lock(&ep_mutex);
	mutex_lock(&ep->mtx);
	it = ep_find(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		err = ep_add(ep, f, fd, ev);
		break;
	case EPOLL_CTL_MOD:
		err = !it ? -ENOENT
		      : (ev->events & EPOLLEXCLUSIVE) ||
				      (it->events & EPOLLEXCLUSIVE)
			      ? -EINVAL
			      : ep_modify(ep, it, ev);
		break;
	default: /* EPOLL_CTL_DEL */
		err = it ? 0 : -ENOENT;
		if (it)
			ep_remove(it);
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&ep_mutex);
	return err;
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, uintptr_t, uev)
{
	struct file *epf = fd_get(epfd), *f = fd_get(fd);
	struct epoll_event_k ev = {0};
	long err = 0;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		err = -EFAULT;
	if (!err && (!epf || !f || (f->flags & O_PATH)))
		err = -EBADF;
	if (!err && (!f->ops || !f->ops->poll))
		err = -EPERM; /* regular files and directories */
	if (!err && (epf->ops != &epoll_fops || epf == f))
		err = -EINVAL;
	if (!err && (ev.events & EPOLLEXCLUSIVE) && op != EPOLL_CTL_DEL &&
	    (op == EPOLL_CTL_MOD || f->ops == &epoll_fops ||
	     (ev.events &
	      ~(EPOLLEXCLUSIVE | POLLIN | POLLOUT | POLLERR | POLLHUP |
		EPOLLWAKEUP | EPOLLET | POLLRDNORM | POLLWRNORM))))
		err = -EINVAL;
	if (!err && (op < EPOLL_CTL_ADD || op > EPOLL_CTL_MOD))
		err = -EINVAL;
	if (!err)
		err = ep_ctl(epf->priv, op, f, fd, &ev);
	if (epf)
		file_put(epf);
	if (f)
		file_put(f);
	return err;
}

/*
 * Report ready items into uev (up to max): the count, or -EFAULT if the
 * first could not be written. Each item is asked for its events now.
 */
static long ep_send(struct eventpoll *ep, uintptr_t uev, int max)
{
	struct list_head again = LIST_HEAD_INIT(again);
	unsigned long flags;
	unsigned int left = 0;
	struct epitem *it;
	long n = 0;

	mutex_lock(&ep->mtx);
	flags = spin_lock_irqsave(&ep->lock);
	list_for_each_entry(it, &ep->ready, rdlink) left++;
	spin_unlock_irqrestore(&ep->lock, flags);
	while (left-- && n < max) {
		struct epoll_event_k ev;

		flags = spin_lock_irqsave(&ep->lock);
		it = list_empty(&ep->ready)
			     ? NULL
			     : list_first_entry(&ep->ready, struct epitem,
						rdlink);
		if (it) {
			list_del(&it->rdlink);
			list_init(&it->rdlink);
		}
		spin_unlock_irqrestore(&ep->lock, flags);
		if (!it)
			break;
		ev.events = file_poll(it->file, NULL) & it->events;
		if (!ev.events)
			continue;
		ev.data = it->data;
		if (copy_to_user(uev + (size_t)n * sizeof(ev), &ev,
				 sizeof(ev))) {
			ready_add(ep, it);
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_CONTROL_BITS;
		else if (!(it->events & EPOLLET))
			list_add_tail(&it->rdlink, &again);
	}
	flags = spin_lock_irqsave(&ep->lock);
	while (!list_empty(&again)) { /* level-triggered: ask again later */
		it = list_first_entry(&again, struct epitem, rdlink);
		list_del(&it->rdlink);
		list_add_tail(&it->rdlink, &ep->ready);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	mutex_unlock(&ep->mtx);
	return n;
}

static bool ep_has_ready(struct eventpoll *ep)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool any = !list_empty(&ep->ready);

	spin_unlock_irqrestore(&ep->lock, flags);
	return any;
}

/* Sleep on ep until something is ready, deadline, or a signal. */
static int ep_sleep(struct eventpoll *ep, uint64_t deadline)
{
	struct task *t = current_task();
	bool triggered = false;
	struct waiter w = {.task = t, .triggered = &triggered};
	uint64_t now = clock_monotonic_ns();
	int err = 0;

	if (deadline != UINT64_MAX && now >= deadline)
		return -ETIMEDOUT;
	list_init(&w.link);
	wait_queue_add(&ep->wq, &w);
	__atomic_store_n(&t->state, TASK_INTERRUPTIBLE, __ATOMIC_SEQ_CST);
	if (!ep_has_ready(ep) && !triggered && !sched_signal_pending())
		schedule_timeout(deadline == UINT64_MAX ? ~0ULL
							: deadline - now);
	t->state = TASK_RUNNING;
	wait_queue_remove(&ep->wq, &w);
	if (sched_signal_pending())
		err = -EINTR;
	return err;
}

static long ep_wait(int epfd, uintptr_t uev, int max, uint64_t deadline)
{
	struct file *f;
	long n;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uev, (size_t)max * sizeof(struct epoll_event_k)))
		return -EFAULT;
	f = fd_get(epfd);
	if (!f)
		return -EBADF;
	if (f->ops != &epoll_fops) {
		file_put(f);
		return -EINVAL;
	}
	for (;;) {
		n = ep_send(f->priv, uev, max);
		if (n)
			break;
		n = ep_sleep(f->priv, deadline);
		if (n) {
			n = n == -ETIMEDOUT ? 0 : n;
			break;
		}
	}
	file_put(f);
	return n;
}

static uint64_t ms_deadline(int ms)
{
	if (ms < 0)
		return UINT64_MAX;
	return clock_monotonic_ns() + (uint64_t)ms * 1000000;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, uintptr_t, uev, int, max, int, ms)
{
	return ep_wait(epfd, uev, max, ms_deadline(ms));
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, uintptr_t, uev, int, max, int, ms,
		uintptr_t, usig, size_t, sigsetsize)
{
	long ret = signal_wait_mask_set(usig, sigsetsize);

	if (ret)
		return ret;
	ret = ep_wait(epfd, uev, max, ms_deadline(ms));
	signal_wait_mask_done(ret == -EINTR ? -ERESTARTNOHAND : ret);
	return ret;
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, uintptr_t, uev, int, max, uintptr_t,
		uts, uintptr_t, usig, size_t, sigsetsize)
{
	uint64_t deadline = UINT64_MAX;
	int64_t ns;
	long ret;

	if (uts) {
		ret = timespec_from_user(uts, &ns);
		if (ret)
			return ret;
		deadline = clock_monotonic_ns() + (uint64_t)ns;
	}
	ret = signal_wait_mask_set(usig, sigsetsize);
	if (ret)
		return ret;
	ret = ep_wait(epfd, uev, max, deadline);
	signal_wait_mask_done(ret == -EINTR ? -ERESTARTNOHAND : ret);
	return ret;
}

/* ---- the instance as a file --------------------------------------------- */

static unsigned int epoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;

	poll_wait(&ep->wq, pt);
	return ep_has_ready(ep) ? POLLIN | POLLRDNORM : 0;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	mutex_lock(&ep_mutex);
	mutex_lock(&ep->mtx);
	while (!list_empty(&ep->items))
		ep_remove(list_first_entry(&ep->items, struct epitem, link));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&ep_mutex);
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.poll = epoll_poll,
	.release = epoll_release,
};

static long epoll_new(int flags)
{
	struct eventpoll *ep;
	struct file *f;
	long fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx, "epoll instance");
	spin_lock_init(&ep->lock, "epoll ready", EP_RANK_BASE);
	wait_queue_init_rank(&ep->wq, "epoll", EP_RANK_BASE + 1);
	list_init(&ep->items);
	list_init(&ep->ready);
	f = anon_file_open("[eventpoll]", &epoll_fops, ep, O_RDWR);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	fd = fd_install(f, 0, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	return size <= 0 ? -EINVAL : epoll_new(0);
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	return epoll_new(flags);
}
