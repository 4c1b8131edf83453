/*
 * Tests of the generic clock and timer events (suites time, timer): the
 * monotonic clock never goes backwards, even compared across CPUs;
 * one-shot events fire once, on time, on their CPU, in deadline order,
 * and can be cancelled from another CPU; every CPU ticks; the tick count
 * advances; calendar conversions round-trip.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timer.h>

/* Clock reads in all, shared out among the CPUs (see smp_tests.c). */
#define MONO_TOTAL 4000

static DEFINE_SPINLOCK(mono_lock, LOCK_RANK_NONE);
static uint64_t mono_last;
static unsigned long mono_backwards;
static unsigned int mono_samples; /* per CPU */

/* Read the clock inside the lock: the reads are then totally ordered. */
static void sample_monotonic(void *arg)
{
	for (unsigned int i = 0; i < mono_samples; i++) {
		uint64_t now;

		spin_lock(&mono_lock);
		now = clock_monotonic_ns();
		if (now < mono_last)
			mono_backwards++;
		mono_last = now;
		spin_unlock(&mono_lock);
	}
}

KTEST(time, monotonic_across_cpus)
{
	mono_last = 0;
	mono_backwards = 0;
	mono_samples = MONO_TOTAL / smp_cpu_count();
	KT_ASSERT_EQ(
		smp_call_function(SMP_CALL_ALL, sample_monotonic, NULL, true),
		0);
	KT_ASSERT_EQ(mono_backwards, 0);
	KT_ASSERT(mono_last > 0);
}

struct fired {
	unsigned int count, cpu;
	uint64_t at;
};

static void on_fire(void *arg)
{
	struct fired *f = arg;

	f->count++;
	f->cpu = cpu_id();
	f->at = clock_monotonic_ns();
}

/* Until *n (a timer function's count) reaches want, for up to a second:
 * a busy host may run the CPU whose timer it waits for late. */
static void wait_count(const unsigned int *n, unsigned int want)
{
	for (int waited = 0;
	     __atomic_load_n(n, __ATOMIC_ACQUIRE) < want && waited < 1000;
	     waited += 10)
		msleep(10);
}

/* (It fires on the CPU that armed it, which this thread may have left by
 * the time it looks, and which a busy host may run late: up to a second.) */
KTEST(time, oneshot_fires_once_on_time)
{
	struct timer_event ev = TIMER_EVENT_INIT;
	struct fired f = {0};
	uint64_t deadline = clock_monotonic_ns() + 5 * NSEC_PER_MSEC;
	unsigned long flags = irq_save();
	unsigned int armed_on = cpu_id();
	int err[2];

	err[0] = timer_oneshot_at(&ev, deadline, on_fire, &f);
	err[1] = timer_oneshot_at(&ev, deadline, on_fire, &f);
	irq_restore(flags);
	msleep(20);
	wait_count(&f.count, 1);
	if (!f.count)
		timer_cancel(&ev); /* ev is on this stack */
	KT_ASSERT_EQ(err[0], 0);
	KT_ASSERT_EQ(err[1], -EBUSY);
	KT_ASSERT_EQ(f.count, 1);
	KT_ASSERT_EQ(f.cpu, armed_on);
	KT_ASSERT(f.at >= deadline);
	KT_ASSERT_EQ(ev.cpu, -1);
	KT_ASSERT(!timer_cancel(&ev)); /* already ran */
}

static void arm_here(void *arg)
{
	struct timer_event *ev = arg;

	timer_oneshot_ns(ev, NSEC_PER_SEC, on_fire, ev->arg);
}

/* Cancel here and across CPUs: the event never runs. */
KTEST(time, oneshot_cancel)
{
	struct timer_event ev = TIMER_EVENT_INIT, remote = TIMER_EVENT_INIT;
	struct fired f = {0};
	unsigned int other = smp_cpu_count() > 1 ? 1 : 0;

	KT_ASSERT_EQ(timer_oneshot_ns(&ev, NSEC_PER_SEC, on_fire, &f), 0);
	KT_ASSERT(timer_cancel(&ev));
	KT_ASSERT(!timer_cancel(&ev));
	remote.arg = &f;
	KT_ASSERT_EQ(smp_call_function(other, arm_here, &remote, true), 0);
	KT_ASSERT_EQ(remote.cpu, (int)other);
	KT_ASSERT(timer_cancel(&remote));
	KT_ASSERT_EQ(remote.cpu, -1);
	msleep(5);
	KT_ASSERT_EQ(f.count, 0);
}

struct slow_fire {
	struct timer_event ev;
	int started, done, rearms; /* written by the function */
};

/*
 * Takes 5 ms, then re-arms itself once, a second ahead (so that the
 * cancel surely finds it armed): what a periodic timer does.
 */
static void slow_fire(void *arg)
{
	struct slow_fire *s = arg;
	uint64_t end = clock_monotonic_ns() + 5 * NSEC_PER_MSEC;

	__atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
	while (clock_monotonic_ns() < end)
		arch_cpu_relax();
	if (s->rearms++ == 0)
		timer_oneshot_ns(&s->ev, NSEC_PER_SEC, slow_fire, s);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

static void arm_slow(void *arg)
{
	struct slow_fire *s = arg;

	timer_oneshot_ns(&s->ev, 0, slow_fire, s);
}

/*
 * A cancel while the function runs on another CPU waits for it, and
 * disarms what it re-armed: afterwards nothing runs (the event, on this
 * stack, could go away).
 */
KTEST(time, cancel_waits_for_running_function)
{
	struct slow_fire s = {.ev = TIMER_EVENT_INIT};
	uint64_t give_up = clock_monotonic_ns() + NSEC_PER_SEC;

	if (smp_cpu_count() < 2)
		KT_SKIP("one CPU");
	KT_ASSERT_EQ(smp_call_function(1, arm_slow, &s, true), 0);
	while (!__atomic_load_n(&s.started, __ATOMIC_ACQUIRE) &&
	       clock_monotonic_ns() < give_up)
		arch_cpu_relax();
	KT_ASSERT(s.started);
	KT_ASSERT(timer_cancel(&s.ev)); /* the re-armed one */
	KT_ASSERT(__atomic_load_n(&s.done, __ATOMIC_ACQUIRE));
	KT_ASSERT_EQ(s.rearms, 1);
	msleep(5);
	KT_ASSERT_EQ(s.rearms, 1);
}

static struct timer_event order_ev[4];
static unsigned int order[4], order_n;

static void record_order(void *arg)
{
	order[order_n++] = (struct timer_event *)arg - order_ev;
}

/*
 * Events run in deadline order, each once. They are armed with interrupts
 * off: a host that stalls this vCPU for 4 ms between two arms would
 * otherwise fire the first before the second exists. And they fire on
 * this CPU, which a busy host may not run for a while (this thread may
 * have moved on): they get up to a second.
 */
KTEST(time, oneshot_order)
{
	static const uint64_t delay_ms[4] = {4, 1, 3, 2};
	uint64_t now = clock_monotonic_ns();
	unsigned long flags;
	int err[4];

	order_n = 0;
	flags = irq_save();
	for (int i = 0; i < 4; i++) {
		order_ev[i] = (struct timer_event)TIMER_EVENT_INIT;
		err[i] = timer_oneshot_at(&order_ev[i],
					  now + delay_ms[i] * NSEC_PER_MSEC,
					  record_order, &order_ev[i]);
	}
	irq_restore(flags);
	for (int i = 0; i < 4; i++)
		KT_ASSERT_EQ(err[i], 0);
	msleep(10);
	wait_count(&order_n, 4);
	KT_ASSERT_EQ(order_n, 4);
	KT_ASSERT_EQ(order[0], 1);
	KT_ASSERT_EQ(order[1], 3);
	KT_ASSERT_EQ(order[2], 2);
	KT_ASSERT_EQ(order[3], 0);
}

/* Every CPU's own timer ticks (at TIMER_HZ; at least a few in 20 ms). */
KTEST(time, every_cpu_ticks)
{
	static uint64_t before[SMP_MAX_CPUS];
	unsigned int cpu;

	if (timer_oneshot_mode()[0] == 'n')
		KT_SKIP("no local APIC timer");
	for_each_online_cpu(cpu) before[cpu] =
		__atomic_load_n(&smp_cpu(cpu)->ticks, __ATOMIC_RELAXED);
	/* 20 ms is 20 ticks; a host that runs a vCPU late gets a second. */
	for (int waited = 0; waited < 1000; waited += 20) {
		bool all = true;

		msleep(20);
		for_each_online_cpu(cpu) all &=
			__atomic_load_n(&smp_cpu(cpu)->ticks,
					__ATOMIC_RELAXED) >= before[cpu] + 3;
		if (all)
			break;
	}
	for_each_online_cpu(cpu)
		KT_ASSERT(__atomic_load_n(&smp_cpu(cpu)->ticks,
					  __ATOMIC_RELAXED) >= before[cpu] + 3);
}

KTEST(time, civil_round_trip)
{
	static const int64_t samples[] = {
		0,
		951782400 /* 2000-02-29 */,
		-86400,
		1709164800,
		4107542399 /* 2100-02-28 23:59:59 */,
		-62135596800 /* 0001 */,
		253402300799 /* 9999-12-31 23:59:59 */,
	};
	struct civil_time ct;

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		time_unix_to_civil(samples[i], &ct);
		KT_ASSERT_EQ(time_civil_to_unix(&ct), samples[i]);
	}
	ct = (struct civil_time){2024, 2, 29, 12, 0, 0};
	KT_ASSERT_EQ(time_civil_to_unix(&ct), 1709208000);
}

/*
 * Interrupts are on when tests run (after irq_init). The wait is bounded
 * by iterations, not by time: without ticks there is no time to read.
 * Under TCG 10^8 pauses are seconds, while 3 ticks take 3 ms.
 */
KTEST(timer, ticks_advance)
{
	uint64_t start = timer_ticks();

	KT_ASSERT(irq_enabled());
	for (unsigned long i = 0; i < 100000000UL; i++) {
		if (timer_ticks() - start >= 3)
			break;
		arch_cpu_relax();
	}
	KT_ASSERT(timer_ticks() - start >= 3);
}
