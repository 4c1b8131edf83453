/*
 * Timers that send signals: alarm and setitimer/getitimer (ITIMER_REAL:
 * SIGALRM on wall time), and POSIX timers (timer_create and friends) on
 * CLOCK_REALTIME and CLOCK_MONOTONIC, delivering their signal to the
 * process or, with SIGEV_THREAD_ID, to one thread. Each is a one-shot
 * timer event (<kernel/timer.h>) re-armed for its interval from its
 * callback, which runs in the timer interrupt.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define TIMER_MAX 256 /* per process */

struct timeval_k {
	int64_t sec, usec;
};

struct itimerval_k {
	struct timeval_k interval, value;
};

struct itimerspec_k {
	struct timespec_k interval, value;
};

struct sigevent_k {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

struct ptimer {
	struct list_head link; /* in proc->posix_timers */
	struct proc *proc;
	int id, clock, signo, notify, tid;
	uint64_t value;
	struct timer_event ev;
	uint64_t deadline, interval; /* monotonic ns; 0: disarmed */
	int overrun;
};

/* ---- ITIMER_REAL ------------------------------------------------------ */

static void real_fire(void *arg)
{
	struct proc *p = arg;

	signal_send_proc(p, SIGALRM, NULL);
	if (p->real_interval) {
		p->real_deadline += p->real_interval;
		timer_oneshot_at(&p->real_timer, p->real_deadline, real_fire, p);
	} else {
		p->real_deadline = 0;
	}
}

/* Arm ITIMER_REAL for value ns (0: off) then every interval ns. */
static void real_set(struct proc *p, uint64_t value, uint64_t interval,
		     uint64_t *old_left, uint64_t *old_interval)
{
	uint64_t now = clock_monotonic_ns();

	timer_cancel(&p->real_timer);
	if (old_left)
		*old_left = p->real_deadline > now ? p->real_deadline - now : 0;
	if (old_interval)
		*old_interval = p->real_interval;
	p->real_interval = interval;
	p->real_deadline = value ? now + value : 0;
	if (value)
		timer_oneshot_at(&p->real_timer, p->real_deadline, real_fire, p);
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	uint64_t left;

	real_set(current_proc(), seconds * NSEC_PER_SEC, 0, &left, NULL);
	/* Round up, as Linux: a pending alarm never reads as 0 seconds. */
	return (long)((left + NSEC_PER_SEC / 2) / NSEC_PER_SEC) +
	       (left && left < NSEC_PER_SEC / 2);
}

static uint64_t tv_ns(const struct timeval_k *tv)
{
	return (uint64_t)tv->sec * NSEC_PER_SEC + (uint64_t)tv->usec * 1000;
}

static struct timeval_k ns_tv(uint64_t ns)
{
	return (struct timeval_k){(int64_t)(ns / NSEC_PER_SEC),
				  (int64_t)(ns % NSEC_PER_SEC / 1000)};
}

static bool tv_ok(const struct timeval_k *tv)
{
	return tv->sec >= 0 && tv->usec >= 0 && tv->usec < 1000000;
}

/* VIRTUAL and PROF count user CPU time: kept, armed on the tick. */
static void cpu_itimer(struct proc *p, int which, const struct itimerval_k *n,
		       struct itimerval_k *o)
{
	__typeof__(p->cpu_itimer[0]) *slot = &p->cpu_itimer[which - 1];

	o->value = ns_tv(slot->left);
	o->interval = ns_tv(slot->interval);
	if (n) {
		slot->left = tv_ns(&n->value);
		slot->interval = tv_ns(&n->interval);
	}
}

static long do_setitimer(int which, const struct itimerval_k *n,
			 struct itimerval_k *o)
{
	struct proc *p = current_proc();
	uint64_t left, interval;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (n && (!tv_ok(&n->value) || !tv_ok(&n->interval)))
		return -EINVAL;
	if (which != ITIMER_REAL) {
		cpu_itimer(p, which, n, o);
		return 0;
	}
	if (n)
		real_set(p, tv_ns(&n->value), tv_ns(&n->interval), &left,
			 &interval);
	else {
		uint64_t now = clock_monotonic_ns();

		left = p->real_deadline > now ? p->real_deadline - now : 0;
		interval = p->real_interval;
	}
	o->value = ns_tv(left);
	o->interval = ns_tv(interval);
	if (left && !o->value.sec && !o->value.usec)
		o->value.usec = 1; /* armed: never reads as zero */
	return 0;
}

SYSCALL_DEFINE3(setitimer, int, which, uintptr_t, unew, uintptr_t, uold)
{
	struct itimerval_k n, o;
	long err;

	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	err = do_setitimer(which, unew ? &n : NULL, &o);
	if (!unew && !err) {
		struct itimerval_k zero = {0};

		err = do_setitimer(which, &zero, &o); /* NULL: disarm */
	}
	if (!err && uold && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(getitimer, int, which, uintptr_t, uval)
{
	struct itimerval_k o;
	long err = do_setitimer(which, NULL, &o);

	if (!err && copy_to_user(uval, &o, sizeof(o)))
		return -EFAULT;
	return err;
}

/* From the tick, in user mode: charge CPU time to VIRTUAL and PROF. */
void itimer_tick(struct proc *p, uint64_t ns)
{
	static const int sigs[2] = {SIGVTALRM, SIGPROF};

	for (int i = 0; i < 2; i++) {
		__typeof__(p->cpu_itimer[0]) *t = &p->cpu_itimer[i];

		if (!t->left)
			continue;
		if (t->left > ns) {
			t->left -= ns;
			continue;
		}
		t->left = t->interval;
		signal_send_proc(p, sigs[i], NULL);
	}
}

/* ---- POSIX timers ----------------------------------------------------- */

static void ptimer_fire(void *arg)
{
	struct ptimer *pt = arg;
	struct siginfo info;
	struct task *t;

	memset(&info, 0, sizeof(info));
	info.si_signo = pt->signo;
	info.si_code = SI_TIMER;
	info.timer.tid = pt->id;
	info.timer.overrun = pt->overrun;
	info.timer.value = pt->value;
	if (pt->notify == SIGEV_THREAD_ID) {
		t = proc_find_task(pt->tid);
		if (t && t->proc == pt->proc)
			signal_send_task(t, pt->signo, &info);
	} else if (pt->notify != SIGEV_NONE) {
		signal_send_proc(pt->proc, pt->signo, &info);
	}
	if (pt->interval) {
		pt->deadline += pt->interval;
		timer_oneshot_at(&pt->ev, pt->deadline, ptimer_fire, pt);
	} else {
		pt->deadline = 0;
	}
}

static struct ptimer *ptimer_find(struct proc *p, int id)
{
	struct ptimer *pt;

	list_for_each_entry(pt, &p->posix_timers, link)
	{
		if (pt->id == id)
			return pt;
	}
	return NULL;
}

static int ptimer_event(struct ptimer *pt, uintptr_t usev)
{
	struct sigevent_k ev = {.notify = SIGEV_SIGNAL, .signo = SIGALRM};

	if (usev && copy_from_user(&ev, usev, sizeof(ev)))
		return -EFAULT;
	if (!usev)
		ev.value = (uint64_t)pt->id;
	if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE &&
	    ev.notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (ev.notify != SIGEV_NONE && (ev.signo < 1 || ev.signo > NSIG))
		return -EINVAL;
	if (ev.notify == SIGEV_THREAD_ID &&
	    (!proc_find_task(ev.tid) ||
	     proc_find_task(ev.tid)->proc != current_proc()))
		return -EINVAL;
	pt->signo = ev.signo;
	pt->notify = ev.notify;
	pt->tid = ev.tid;
	pt->value = ev.value;
	return 0;
}

SYSCALL_DEFINE3(timer_create, int, clock, uintptr_t, usev, uintptr_t, uid)
{
	struct proc *p = current_proc();
	struct ptimer *pt;
	int64_t now;
	long err;

	if (clock_read(clock, &now) || clock == 2 || clock == 3)
		return -EINVAL; /* CPU-time clocks: not for these timers */
	pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->proc = p;
	pt->clock = clock;
	pt->ev = (struct timer_event)TIMER_EVENT_INIT;
	pt->id = p->next_timer_id;
	err = p->next_timer_id >= TIMER_MAX ? -EAGAIN : ptimer_event(pt, usev);
	if (!err && put_user(pt->id, uid))
		err = -EFAULT;
	if (err) {
		kfree(pt);
		return err;
	}
	p->next_timer_id++;
	list_add_tail(&pt->link, &p->posix_timers);
	return 0;
}

static struct itimerspec_k ptimer_get(const struct ptimer *pt)
{
	uint64_t now = clock_monotonic_ns();
	uint64_t left = pt->deadline > now ? pt->deadline - now : 0;

	if (pt->deadline && !left)
		left = 1;
	return (struct itimerspec_k){
		{(int64_t)(pt->interval / NSEC_PER_SEC),
		 (int64_t)(pt->interval % NSEC_PER_SEC)},
		{(int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC)},
	};
}

static bool ts_ok(const struct timespec_k *ts)
{
	return ts->sec >= 0 && ts->nsec >= 0 && ts->nsec < (int64_t)NSEC_PER_SEC;
}

SYSCALL_DEFINE4(timer_settime, int, id, int, flags, uintptr_t, unew,
		uintptr_t, uold)
{
	struct ptimer *pt = ptimer_find(current_proc(), id);
	struct itimerspec_k n, o;
	uint64_t value;
	int64_t now;

	if (!pt)
		return -EINVAL;
	if (copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (!ts_ok(&n.value) || !ts_ok(&n.interval))
		return -EINVAL;
	o = ptimer_get(pt);
	timer_cancel(&pt->ev);
	value = (uint64_t)n.value.sec * NSEC_PER_SEC + (uint64_t)n.value.nsec;
	pt->interval =
		(uint64_t)n.interval.sec * NSEC_PER_SEC + (uint64_t)n.interval.nsec;
	pt->deadline = 0;
	if (value && (flags & TIMER_ABSTIME)) {
		clock_read(pt->clock, &now);
		value = (int64_t)value > now ? value - (uint64_t)now : 1;
	}
	if (value) {
		pt->deadline = clock_monotonic_ns() + value;
		timer_oneshot_at(&pt->ev, pt->deadline, ptimer_fire, pt);
	}
	if (uold && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, id, uintptr_t, ucur)
{
	struct ptimer *pt = ptimer_find(current_proc(), id);
	struct itimerspec_k cur;

	if (!pt)
		return -EINVAL;
	cur = ptimer_get(pt);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(timer_getoverrun, int, id)
{
	struct ptimer *pt = ptimer_find(current_proc(), id);

	return pt ? pt->overrun : -EINVAL;
}

static void ptimer_free(struct ptimer *pt)
{
	timer_cancel(&pt->ev);
	list_del(&pt->link);
	kfree(pt);
}

SYSCALL_DEFINE1(timer_delete, int, id)
{
	struct ptimer *pt = ptimer_find(current_proc(), id);

	if (!pt)
		return -EINVAL;
	ptimer_free(pt);
	return 0;
}

void itimer_proc_exit(struct proc *p)
{
	struct ptimer *pt, *n;

	timer_cancel(&p->real_timer);
	p->real_deadline = 0;
	list_for_each_entry_safe(pt, n, &p->posix_timers, link)
		ptimer_free(pt);
}
