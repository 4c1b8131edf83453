/*
 * timerfd: a timer whose expirations are read from a file (8 bytes: how
 * many since the last read), on CLOCK_MONOTONIC, CLOCK_BOOTTIME (the
 * same here: no suspend) or CLOCK_REALTIME. It runs on a kernel timer
 * event (<kernel/timer.h>) at the monotonic time of its next expiry; an
 * absolute CLOCK_REALTIME time is converted when set (a later change of
 * the wall clock does not move it: TFD_TIMER_CANCEL_ON_SET is accepted
 * but never cancels).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK
#define LOCK_RANK_TIMERFD 230 /* below the wait queue it wakes */

struct timerfd {
	struct spinlock lock;  /* ticks, next, interval: the timer's too */
	struct mutex set_lock; /* one settime at a time */
	struct wait_queue wq;
	struct timer_event ev;
	int clock;
	uint64_t ticks;	   /* expirations not read yet */
	uint64_t next;	   /* monotonic ns of the next one; 0: disarmed */
	uint64_t interval; /* ns; 0: one shot */
};

struct itimerspec_k {
	struct timespec_k interval, value;
};

static void expire(void *arg)
{
	struct timerfd *t = arg;
	uint64_t now = clock_monotonic_ns();
	unsigned long flags = spin_lock_irqsave(&t->lock);

	if (t->next && now >= t->next) {
		uint64_t missed =
			t->interval ? (now - t->next) / t->interval : 0;

		t->ticks += 1 + missed;
		if (t->interval) {
			t->next += (missed + 1) * t->interval;
			if (timer_oneshot_at(&t->ev, t->next, expire, t))
				t->next = 0; /* no timer hardware */
		} else {
			t->next = 0;
		}
	} else if (t->next && timer_oneshot_at(&t->ev, t->next, expire, t)) {
		t->next = 0; /* early: wait again; no timer hardware: stop */
	}
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->wq);
}

static long timerfd_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct timerfd *t = f->priv;
	unsigned long flags;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	for (;;) {
		flags = spin_lock_irqsave(&t->lock);
		v = t->ticks;
		t->ticks = 0;
		spin_unlock_irqrestore(&t->lock, flags);
		if (v)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(
			    t->wq,
			    __atomic_load_n(&t->ticks, __ATOMIC_ACQUIRE)))
			return -ERESTARTSYS;
	}
	return copy_to_user(ubuf, &v, sizeof(v)) ? -EFAULT : (long)sizeof(v);
}

static unsigned int timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;

	poll_wait(&t->wq, pt);
	return __atomic_load_n(&t->ticks, __ATOMIC_ACQUIRE)
		       ? POLLIN | POLLRDNORM
		       : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv;

	timer_cancel(&t->ev);
	kfree(t);
}

static const struct file_ops timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
};

SYSCALL_DEFINE2(timerfd_create, int, clock, int, flags)
{
	struct timerfd *t;
	struct file *f;
	long fd;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME && clock != CLOCK_REALTIME_ALARM &&
	    clock != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if (clock >= CLOCK_REALTIME_ALARM && !proc_capable())
		return -EPERM; /* CAP_WAKE_ALARM */
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock, "timerfd", LOCK_RANK_TIMERFD);
	mutex_init(&t->set_lock, "timerfd set");
	wait_queue_init(&t->wq, "timerfd");
	t->ev = (struct timer_event)TIMER_EVENT_INIT;
	t->clock = clock == CLOCK_REALTIME_ALARM   ? CLOCK_REALTIME
		   : clock == CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME
						   : clock;
	f = anon_file_open("[timerfd]", &timerfd_fops, t,
			   O_RDWR | (flags & TFD_NONBLOCK));
	if (!f) {
		kfree(t);
		return -ENOMEM;
	}
	fd = fd_install(f, 0, flags & TFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The timerfd at fd, its file referenced: 0, -EBADF, -EINVAL. */
static int timerfd_get(int fd, struct file **out)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->ops != &timerfd_fops) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

static struct timespec_k ns_to_ts(uint64_t ns)
{
	return (struct timespec_k){(int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC)};
}

/* The setting now: time left and interval (locked). */
static struct itimerspec_k current_setting(struct timerfd *t)
{
	uint64_t now = clock_monotonic_ns();
	struct itimerspec_k it;

	it.interval = ns_to_ts(t->interval);
	it.value = ns_to_ts(!t->next ? 0 : t->next > now ? t->next - now : 1);
	return it;
}

static bool ts_valid(const struct timespec_k *ts)
{
	return ts->sec >= 0 && ts->nsec >= 0 &&
	       ts->nsec < (int64_t)NSEC_PER_SEC;
}

static uint64_t ts_ns(const struct timespec_k *ts)
{
	if ((uint64_t)ts->sec >= UINT64_MAX / NSEC_PER_SEC / 2)
		return UINT64_MAX / 2;
	return (uint64_t)ts->sec * NSEC_PER_SEC + (uint64_t)ts->nsec;
}

/* The monotonic deadline of a new setting's first expiry (0: disarm). */
static uint64_t first_deadline(const struct timerfd *t,
			       const struct itimerspec_k *it, int flags)
{
	uint64_t value = ts_ns(&it->value), now = clock_monotonic_ns();

	if (!value)
		return 0;
	if (!(flags & TFD_TIMER_ABSTIME))
		return now + value;
	if (t->clock == CLOCK_REALTIME) {
		int64_t real = clock_realtime_ns();
		int64_t delta = (int64_t)value - real;

		return delta <= 0 ? now : now + (uint64_t)delta;
	}
	return value > now ? value : now;
}

SYSCALL_DEFINE4(timerfd_settime, int, fd, int, flags, uintptr_t, unew,
		uintptr_t, uold)
{
	struct itimerspec_k it, old;
	struct timerfd *t;
	struct file *f;
	unsigned long irq;
	long err = 0;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&it, unew, sizeof(it)))
		return -EFAULT;
	if (!ts_valid(&it.value) || !ts_valid(&it.interval))
		return -EINVAL;
	err = timerfd_get(fd, &f);
	if (err)
		return err;
	t = f->priv;
	mutex_lock(&t->set_lock);
	timer_cancel(&t->ev);
	irq = spin_lock_irqsave(&t->lock);
	old = current_setting(t);
	t->ticks = 0;
	t->interval = ts_ns(&it.interval);
	t->next = first_deadline(t, &it, flags);
	spin_unlock_irqrestore(&t->lock, irq);
	if (t->next && timer_oneshot_at(&t->ev, t->next, expire, t))
		err = -ENODEV;
	mutex_unlock(&t->set_lock);
	file_put(f);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, uintptr_t, ucur)
{
	struct itimerspec_k it;
	struct timerfd *t;
	struct file *f;
	unsigned long irq;

	int err = timerfd_get(fd, &f);

	if (err)
		return err;
	t = f->priv;
	irq = spin_lock_irqsave(&t->lock);
	it = current_setting(t);
	spin_unlock_irqrestore(&t->lock, irq);
	file_put(f);
	return copy_to_user(ucur, &it, sizeof(it)) ? -EFAULT : 0;
}
