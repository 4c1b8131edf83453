/*
 * The time system calls: clock_gettime and clock_getres for Linux's
 * clocks, gettimeofday, time, settimeofday/clock_settime (root only),
 * nanosleep and clock_nanosleep. An interrupted relative sleep writes
 * the time left and restarts through restart_syscall when no handler
 * runs (as Linux's restart block), so a stopped and continued sleeper
 * still wakes at its first deadline.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1
#define COARSE_NS 4000000 /* Linux at HZ=250, as Debian builds it */

struct timeval_k {
	int64_t sec, usec;
};

/* The CPU time of the current thread, or of its process, in ns. */
static uint64_t cpu_ns(bool process)
{
	struct task *t = current_task();
	uint64_t now = clock_monotonic_ns(), ns = t->sum_exec;
	struct task *o;
	unsigned long flags;

	if (now > t->exec_start)
		ns += now - t->exec_start; /* the slice running now */
	if (!process)
		return ns;
	flags = spin_lock_irqsave(&proc_tree_lock);
	ns += t->proc->utime;
	list_for_each_entry(o, &t->proc->threads, proc_link)
	{
		if (o != t)
			ns += o->sum_exec;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}

/* A clock's time in ns: 0, or -EINVAL for an unknown clock. */
int clock_read(int clock, int64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
	case CLOCK_REALTIME_ALARM:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = (int64_t)clock_monotonic_ns();
		return 0;
	case CLOCK_REALTIME_COARSE:
		*ns = clock_realtime_ns() / COARSE_NS * COARSE_NS;
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = (int64_t)(clock_monotonic_ns() / COARSE_NS * COARSE_NS);
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (int64_t)cpu_ns(clock == CLOCK_PROCESS_CPUTIME_ID);
		return 0;
	default:
		return -EINVAL;
	}
}

static struct timespec_k to_ts(int64_t ns)
{
	struct timespec_k ts = {ns / (int64_t)NSEC_PER_SEC,
				ns % (int64_t)NSEC_PER_SEC};

	if (ts.nsec < 0) {
		ts.nsec += NSEC_PER_SEC;
		ts.sec--;
	}
	return ts;
}

int timespec_from_user(uintptr_t uts, int64_t *ns)
{
	struct timespec_k ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC || ts.sec < 0)
		return -EINVAL;
	if (ts.sec > INT64_MAX / (int64_t)NSEC_PER_SEC - 1)
		*ns = INT64_MAX / 2; /* "forever" */
	else
		*ns = ts.sec * (int64_t)NSEC_PER_SEC + ts.nsec;
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, int, clock, uintptr_t, uts)
{
	int64_t ns;
	struct timespec_k ts;
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	ts = to_ts(ns);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, clock, uintptr_t, uts)
{
	int64_t ns;
	struct timespec_k ts = {0, 1};
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		ts.nsec = COARSE_NS;
	if (uts && copy_to_user(uts, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, uintptr_t, utv, uintptr_t, utz)
{
	int64_t ns = clock_realtime_ns();
	struct timeval_k tv = {ns / (int64_t)NSEC_PER_SEC,
			       ns % (int64_t)NSEC_PER_SEC / 1000};
	int32_t tz[2] = {0, 0};

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(time, uintptr_t, ut)
{
	int64_t t = clock_realtime_ns() / (int64_t)NSEC_PER_SEC;

	if (ut && put_user(t, ut))
		return -EFAULT;
	return (long)t;
}

SYSCALL_DEFINE2(clock_settime, int, clock, uintptr_t, uts)
{
	int64_t ns;
	int err;

	if (clock != CLOCK_REALTIME)
		return clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ||
				       clock == CLOCK_MONOTONIC_RAW
			       ? -EINVAL
			       : -EINVAL;
	err = timespec_from_user(uts, &ns);
	if (err)
		return err;
	if (!proc_capable())
		return -EPERM;
	clock_set_realtime_ns(ns);
	return 0;
}

SYSCALL_DEFINE2(settimeofday, uintptr_t, utv, uintptr_t, utz)
{
	struct timeval_k tv;

	if (!utv)
		return 0;
	if (copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000 || tv.sec < 0)
		return -EINVAL;
	if (!proc_capable())
		return -EPERM;
	clock_set_realtime_ns(tv.sec * (int64_t)NSEC_PER_SEC + tv.usec * 1000);
	return 0;
}

/* Sleep until monotonic deadline: 0, or -EINTR if a signal came first. */
static int sleep_until(uint64_t deadline)
{
	for (;;) {
		if (clock_monotonic_ns() >= deadline)
			return 0;
		if (sleep_interruptible(deadline))
			return -EINTR;
	}
}

static long write_rem(uintptr_t urem, uint64_t deadline)
{
	uint64_t now = clock_monotonic_ns();
	struct timespec_k ts =
		to_ts(now < deadline ? (int64_t)(deadline - now) : 0);

	return urem && copy_to_user(urem, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static long restart_sleep(struct task *t)
{
	uint64_t deadline = t->sig->restart_deadline;

	if (sleep_until(deadline) == 0) {
		t->sig->restart_fn = NULL;
		return 0;
	}
	if (write_rem(t->sig->restart_urem, deadline))
		return -EFAULT;
	return -ERESTART_RESTARTBLOCK;
}

/* A relative sleep of ns, restartable at the same deadline. */
static long sleep_relative(int64_t ns, uintptr_t urem)
{
	struct task *t = current_task();
	uint64_t deadline = clock_monotonic_ns() + (uint64_t)ns;

	if (sleep_until(deadline) == 0)
		return 0;
	if (write_rem(urem, deadline))
		return -EFAULT;
	t->sig->restart_fn = restart_sleep;
	t->sig->restart_deadline = deadline;
	t->sig->restart_urem = urem;
	return -ERESTART_RESTARTBLOCK;
}

SYSCALL_DEFINE2(nanosleep, uintptr_t, ureq, uintptr_t, urem)
{
	int64_t ns;
	int err = timespec_from_user(ureq, &ns);

	return err ? err : sleep_relative(ns, urem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clock, int, flags, uintptr_t, ureq,
		uintptr_t, urem)
{
	int64_t ns, now;
	int err;

	if (clock == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME && clock != CLOCK_TAI &&
	    clock != CLOCK_PROCESS_CPUTIME_ID)
		return clock_read(clock, &now) ? -EINVAL : -EOPNOTSUPP;
	err = timespec_from_user(ureq, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return sleep_relative(ns, urem);
	clock_read(clock, &now);
	if (ns <= now)
		return 0;
	/* Absolute: the same call restarts (the deadline is its argument). */
	return sleep_until(clock_monotonic_ns() + (uint64_t)(ns - now))
		       ? -ERESTARTNOHAND
		       : 0;
}
