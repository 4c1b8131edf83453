/*
 * One-shot timer events on each CPU's local APIC timer (<kernel/timer.h>),
 * and the tick built on them.
 *
 * Each CPU has a list of armed events sorted by deadline (monotonic ns)
 * and keeps its APIC timer programmed for the first: in TSC-deadline
 * mode the deadline itself (as a TSC value), in one-shot mode the counts
 * until then (at most a second; an early or capped interrupt finds
 * nothing due and re-arms). The interrupt runs every due event, then
 * programs the next.
 *
 * The tick is an ordinary event that re-arms itself every 1/TIMER_HZ s;
 * on CPU 0 it also counts timer_ticks. If it falls behind (a slow
 * emulator, interrupts held off) it skips ahead rather than catching up
 * in a burst.
 *
 * Locking: a CPU's list is only touched by that CPU, with interrupts off;
 * other CPUs reach it through smp_call_function (timer_cancel).
 */
#include <kernel/arch/x86_64/msr.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/timer.h>

#include "irq/apic.h"
#include "cpu/cpu.h"
#include "time/time_priv.h"

#define TICK_NS (NSEC_PER_SEC / TIMER_HZ)
#define CPUID1_ECX_TSC_DEADLINE 24

enum timer_mode { TIMER_NONE, TIMER_ONESHOT, TIMER_DEADLINE };

struct timer_cpu {
	struct timer_event *head; /* armed, soonest first */
	struct timer_event tick;
} __aligned(64);

static enum timer_mode mode;
static bool apic_ticks; /* CPU 0's APIC tick counts timer_ticks, not the PIT */
static struct timer_cpu timers[SMP_MAX_CPUS];

const char *timer_oneshot_mode(void)
{
	static const char *const names[] = {
		[TIMER_NONE] = "none",
		[TIMER_ONESHOT] = "lapic one-shot",
		[TIMER_DEADLINE] = "tsc-deadline",
	};

	return names[mode];
}

/* Program this CPU's APIC timer for t's first event (or stop it). */
static void program(const struct timer_cpu *t)
{
	uint64_t now;

	if (mode == TIMER_DEADLINE) {
		msr_write(MSR_TSC_DEADLINE,
			  t->head ? clock_ns_to_tsc(t->head->deadline) : 0);
		return;
	}
	if (!t->head) {
		lapic_write(LAPIC_TIMER_INITIAL, 0);
		return;
	}
	now = clock_monotonic_ns();
	lapic_write(LAPIC_TIMER_INITIAL,
		    clock_ns_to_lapic_count(t->head->deadline > now
						    ? t->head->deadline - now
						    : 0));
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

	if (mode == TIMER_NONE)
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

bool timer_cancel(struct timer_event *ev)
{
	struct cancel c = {.ev = ev};
	int cpu = __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE);

	if (cpu < 0 || mode == TIMER_NONE)
		return false;
	if (smp_call_function(cpu, cancel_here, &c, true) < 0)
		return false;
	return c.removed;
}

static void timer_interrupt(struct trap_frame *tf, void *arg)
{
	struct timer_cpu *t = &timers[cpu_id()];
	uint64_t now = clock_monotonic_ns();

	while (t->head && t->head->deadline <= now) {
		struct timer_event *ev = t->head;

		t->head = ev->next;
		ev->next = NULL;
		__atomic_store_n(&ev->cpu, -1, __ATOMIC_RELEASE);
		ev->fn(ev->arg); /* may re-arm ev */
		now = clock_monotonic_ns();
	}
	program(t);
	lapic_eoi();
}

static void tick(void *arg)
{
	struct timer_event *ev = arg;
	struct percpu *cpu = this_cpu();
	uint64_t next = ev->deadline + TICK_NS, now = clock_monotonic_ns();

	cpu->ticks++;
	if (cpu->cpu_id == 0 && apic_ticks)
		timer_tick();
	if (next <= now)
		next = now + TICK_NS;
	timer_oneshot_at(ev, next, tick, ev);
}

void lapic_timer_init_cpu(void)
{
	struct timer_cpu *t = &timers[cpu_id()];
	uint32_t lvt = VECTOR_LAPIC_TIMER |
		       (mode == TIMER_DEADLINE ? LAPIC_TIMER_TSC_DEADLINE
					       : LAPIC_TIMER_ONESHOT);

	if (mode == TIMER_NONE)
		return;
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, lvt);
	/* The LVT write must land before the first TSC_DEADLINE write. */
	__asm__ volatile("mfence" ::: "memory");
	t->head = NULL;
	t->tick = (struct timer_event)TIMER_EVENT_INIT;
	timer_oneshot_ns(&t->tick, TICK_NS, tick, &t->tick);
}

/* Has CPU 0's APIC tick counted a few ticks? Bounded by iterations. */
static bool tick_runs(void)
{
	volatile uint64_t *ticks = &this_cpu()->ticks;
	uint64_t start = *ticks;

	for (unsigned long i = 0; i < 200000000UL && *ticks - start < 3; i++)
		__asm__ volatile("pause");
	return *ticks - start >= 3;
}

void lapic_timer_init(void)
{
	if (!lapic_present() || clock_lapic_timer_hz() == 0) {
		klog(KLOG_WARN, "time: no local APIC timer: no one-shot "
				"events; the PIT keeps the tick\n");
		return;
	}
	if (interrupt_register(VECTOR_LAPIC_TIMER, timer_interrupt, NULL))
		return;
	mode = cpuid_has(1, 2, CPUID1_ECX_TSC_DEADLINE) && clock_is_tsc()
		       ? TIMER_DEADLINE
		       : TIMER_ONESHOT;
	lapic_timer_init_cpu();
	if (!irq_enabled() || !tick_runs()) {
		lapic_write(LAPIC_LVT_TIMER,
			    LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
		mode = TIMER_NONE;
		klog(KLOG_WARN, "time: the local APIC timer does not tick; "
				"the PIT keeps the tick\n");
		return;
	}
	pit_stop();
	apic_ticks = true;
	klog(KLOG_INFO,
	     "time: tick %u Hz on each CPU's local APIC timer "
	     "(%s); PIT stopped\n",
	     TIMER_HZ, timer_oneshot_mode());
}
