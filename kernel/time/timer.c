/*
 * One-shot timer events on each CPU (<kernel/timer.h>), the tick built
 * on them, and the tick count. The architecture programs the hardware
 * (arch_timer_program: the local APIC timer on x86) and calls
 * timer_expire() from its interrupt.
 *
 * Each CPU has a list of armed events sorted by deadline (monotonic ns)
 * and keeps its timer programmed for the first. The interrupt runs every
 * due event, then programs the next; an early interrupt (the hardware may
 * cap how far ahead it can be set) finds nothing due and re-arms.
 *
 * The tick is an ordinary event that re-arms itself every 1/TIMER_HZ s;
 * on CPU 0 it also counts timer_ticks once the architecture has handed
 * the count over (timer_take_over_tick). If it falls behind (a slow
 * emulator, interrupts held off) it skips ahead rather than catching up
 * in a burst.
 *
 * Locking: a CPU's list is only touched by that CPU, with interrupts off;
 * other CPUs reach it through smp_call_function (timer_cancel).
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/profile.h>
#include <kernel/timer.h>

#define TICK_NS (NSEC_PER_SEC / TIMER_HZ)

struct timer_cpu {
	struct timer_event *head;    /* armed, soonest first */
	struct timer_event *running; /* whose function runs now, or NULL */
	struct timer_event tick;
} __aligned(64);

static const char *backend; /* NULL: no one-shot timer hardware */
static bool cpu0_counts_ticks;
static uint64_t ticks; /* written by one CPU at a time, in its interrupt */
static struct timer_cpu timers[SMP_MAX_CPUS];

void timer_tick(void)
{
	__atomic_store_n(&ticks, ticks + 1, __ATOMIC_RELAXED);
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

const char *timer_oneshot_mode(void)
{
	return backend ? backend : "none";
}

void timer_set_backend(const char *name)
{
	backend = name;
}

void timer_take_over_tick(void)
{
	cpu0_counts_ticks = true;
}

static void program(const struct timer_cpu *t)
{
	arch_timer_program(t->head ? t->head->deadline : 0);
}

/* Insert ev in deadline order, after events due at the same time. */
static void insert(struct timer_cpu *t, struct timer_event *ev)
{
	struct timer_event **p = &t->head;

	while (*p && (*p)->deadline <= ev->deadline)
		p = &(*p)->next;
	ev->next = *p;
	*p = ev;
}

static bool remove(struct timer_cpu *t, struct timer_event *ev)
{
	for (struct timer_event **p = &t->head; *p; p = &(*p)->next) {
		if (*p == ev) {
			*p = ev->next;
			ev->next = NULL;
			__atomic_store_n(&ev->cpu, -1, __ATOMIC_RELEASE);
			return true;
		}
	}
	return false;
}

static bool listed(const struct timer_cpu *t, const struct timer_event *ev)
{
	for (const struct timer_event *e = t->head; e; e = e->next) {
		if (e == ev)
			return true;
	}
	return false;
}

int timer_oneshot_at(struct timer_event *ev, uint64_t deadline, timer_fn_t fn,
		     void *arg)
{
	struct timer_cpu *t;
	unsigned long flags;

	if (!backend)
		return -ENODEV;
	flags = irq_save();
	t = &timers[cpu_id()];
	if (listed(t, ev)) {
		irq_restore(flags);
		return -EBUSY;
	}
	ev->deadline = deadline;
	ev->fn = fn;
	ev->arg = arg;
	__atomic_store_n(&ev->cpu, (int)cpu_id(), __ATOMIC_RELEASE);
	insert(t, ev);
	if (t->head == ev)
		program(t);
	irq_restore(flags);
	return 0;
}

int timer_oneshot_ns(struct timer_event *ev, uint64_t ns, timer_fn_t fn,
		     void *arg)
{
	return timer_oneshot_at(ev, clock_monotonic_ns() + ns, fn, arg);
}

struct cancel {
	struct timer_event *ev;
	bool removed;
};

/* On the event's CPU, interrupts off (directly or from an IPI). */
static void cancel_here(void *arg)
{
	struct cancel *c = arg;
	struct timer_cpu *t = &timers[cpu_id()];
	bool was_first = t->head == c->ev;

	c->removed = remove(t, c->ev);
	if (c->removed && was_first)
		program(t);
}

/* Take ev off its CPU's list: true if it was there. */
static bool try_remove(struct timer_event *ev, int cpu)
{
	struct cancel c = {.ev = ev};
	unsigned long flags = irq_save(); /* so that cpu_id() stays ours */

	if (cpu == (int)cpu_id()) { /* the common case: no IPI machinery */
		cancel_here(&c);
		irq_restore(flags);
		return c.removed;
	}
	irq_restore(flags);
	return smp_call_function(cpu, cancel_here, &c, true) == 0 && c.removed;
}

/*
 * Wait while ev's function runs on another CPU: true if it did (it may
 * have re-armed ev). On this CPU it is the caller itself: no wait.
 */
static bool wait_running(struct timer_event *ev)
{
	bool waited = false;
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		unsigned long flags = irq_save();
		bool self = cpu == cpu_id();

		irq_restore(flags);
		if (self)
			continue;
		while (__atomic_load_n(&timers[cpu].running,
				       __ATOMIC_ACQUIRE) == ev) {
			arch_cpu_relax();
			waited = true;
		}
	}
	return waited;
}

/*
 * Armed (cpu >= 0): remove it. Not armed: it may be running, with cpu
 * already -1, but timer_expire set running first, so it is seen; once it
 * is done, it may have armed itself again: start over.
 */
bool timer_cancel(struct timer_event *ev)
{
	if (!backend)
		return false;
	for (;;) {
		int cpu = __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE);

		if (cpu >= 0 && try_remove(ev, cpu))
			return true;
		if (cpu < 0 && !wait_running(ev))
			return false;
	}
}

void timer_expire(void)
{
	struct timer_cpu *t = &timers[cpu_id()];
	uint64_t now = clock_monotonic_ns();

	while (t->head && t->head->deadline <= now) {
		struct timer_event *ev = t->head;

		t->head = ev->next;
		ev->next = NULL;
		/* running before cpu: see timer_cancel. */
		__atomic_store_n(&t->running, ev, __ATOMIC_RELEASE);
		__atomic_store_n(&ev->cpu, -1, __ATOMIC_RELEASE);
		ev->fn(ev->arg); /* may re-arm ev */
		__atomic_store_n(&t->running, NULL, __ATOMIC_RELEASE);
		now = clock_monotonic_ns();
	}
	program(t);
}

static void tick(void *arg)
{
	struct timer_event *ev = arg;
	struct percpu *cpu = this_cpu();
	uint64_t next = ev->deadline + TICK_NS, now = clock_monotonic_ns();

	cpu->ticks++;
	clock_coarse_tick(now);
	if (cpu->cpu_id == 0 && cpu0_counts_ticks)
		timer_tick();
	sched_tick();
	if (next <= now)
		next = now + TICK_NS;
	timer_oneshot_at(ev, next, tick, ev);
}

void timer_cpu_start(void)
{
	struct timer_cpu *t = &timers[cpu_id()];

	t->head = NULL;
	t->tick = (struct timer_event)TIMER_EVENT_INIT;
	timer_oneshot_ns(&t->tick, TICK_NS, tick, &t->tick);
	profile_cpu_start(); /* if "profile=" asked for it */
}
