/*
 * Wait queues, sleeping with a timeout, and mutexes (<kernel/sched.h>).
 *
 * A waiter is queued with its task's state already set to sleeping, and
 * the condition is checked after that: a wake-up between the check and
 * schedule() makes the task runnable again, so schedule() returns at
 * once instead of sleeping through it.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/timer.h>

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_lock_init(&wq->lock, name, LOCK_RANK_WAITQ);
	list_init(&wq->waiters);
}

void wait_queue_init_rank(struct wait_queue *wq, const char *name,
			  unsigned int rank)
{
	spin_lock_init(&wq->lock, name, rank);
	list_init(&wq->waiters);
}

void wait_queue_add(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_add_tail(&w->link, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_queue_remove(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_del(&w->link);
	list_init(&w->link);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Wake one waiter: its function, or its task. False if it slept not. */
static bool wake_waiter(struct waiter *w)
{
	if (w->func) {
		w->func(w);
		return false;
	}
	if (w->triggered) {
		__atomic_store_n(w->triggered, true, __ATOMIC_RELEASE);
		wake_up_state(w->task, TASK_WAKE_SLEEPING);
		return false;
	}
	return wake_up_state(w->task, TASK_WAKE_SLEEPING);
}

void prepare_to_wait(struct wait_queue *wq, struct waiter *w, int state)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&w->link) || !w->link.next)
		list_add_tail(&w->link, &wq->waiters);
	__atomic_store_n(&w->task->state, state, __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	w->task->state = TASK_RUNNING;
	if (w->link.next && !list_empty(&w->link))
		list_del(&w->link);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up_all(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct waiter *w, *n;

	list_for_each_entry_safe(w, n, &wq->waiters, link)
		wake_waiter(w);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up_one(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct waiter *w;

	/* The first one that was actually asleep (others already woke). */
	list_for_each_entry(w, &wq->waiters, link)
	{
		if (wake_waiter(w))
			break; /* the one exclusive sleeper woken */
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

bool sched_signal_pending(void)
{
	return __atomic_load_n(&current_task()->sigpending, __ATOMIC_ACQUIRE);
}

static void timeout_wake(void *arg)
{
	wake_up_state(arg, TASK_WAKE_SLEEPING);
}

uint64_t schedule_timeout(uint64_t ns)
{
	struct task *t = current_task();
	struct timer_event ev = TIMER_EVENT_INIT;
	uint64_t end, now;

	if (ns > ~0ULL / 4) { /* "forever": no timer at all */
		schedule();
		return ~0ULL / 2;
	}
	end = clock_monotonic_ns() + ns;
	if (timer_oneshot_at(&ev, end, timeout_wake, t) == 0) {
		schedule();
		timer_cancel(&ev); /* usually it has fired */
	} else {
		t->state = TASK_RUNNING; /* no timer hardware: poll */
		schedule();
	}
	now = clock_monotonic_ns();
	return now >= end ? 0 : end - now;
}

int sleep_interruptible(uint64_t deadline)
{
	struct task *t = current_task();
	uint64_t now;

	__atomic_store_n(&t->state, TASK_INTERRUPTIBLE, __ATOMIC_SEQ_CST);
	if (sched_signal_pending()) {
		t->state = TASK_RUNNING;
		return -EINTR;
	}
	now = clock_monotonic_ns();
	if (now < deadline)
		schedule_timeout(deadline - now);
	t->state = TASK_RUNNING;
	return sched_signal_pending() ? -EINTR : 0;
}

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	wait_queue_init(&m->wq, name);
}

bool mutex_trylock(struct mutex *m)
{
	struct task *none = NULL;

	return __atomic_compare_exchange_n(&m->owner, &none, current_task(),
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static int lock_slow(struct mutex *m, int state)
{
	struct waiter w = {.task = current_task()};
	int err = 0;

	list_init(&w.link);
	for (;;) {
		prepare_to_wait(&m->wq, &w, state);
		if (mutex_trylock(m))
			break;
		if (state == TASK_INTERRUPTIBLE && sched_signal_pending()) {
			err = -EINTR;
			break;
		}
		schedule();
	}
	finish_wait(&m->wq, &w);
	return err;
}

void mutex_lock(struct mutex *m)
{
	if (!mutex_trylock(m))
		lock_slow(m, TASK_UNINTERRUPTIBLE);
}

int mutex_lock_interruptible(struct mutex *m)
{
	return mutex_trylock(m) ? 0 : lock_slow(m, TASK_INTERRUPTIBLE);
}

/*
 * Nobody queued, nobody to wake: the common case costs no lock. A waiter
 * queues itself before its last try (lock_slow: the list add, then the
 * compare-and-swap, a full barrier); here the owner is cleared before the
 * list is read, with a full barrier between: either we see the waiter,
 * or its try sees the mutex free.
 */
void mutex_unlock(struct mutex *m)
{
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!list_empty(&m->wq.waiters))
		wake_up_one(&m->wq);
}

bool mutex_held_by_me(const struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == current_task();
}
