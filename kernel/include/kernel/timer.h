/*
 * The system tick and one-shot timer events.
 *
 * The tick: TIMER_HZ times a second, counted by timer_ticks. From
 * irq_init it is the PIT's IRQ 0 (kernel/arch/x86_64/time/pit.c);
 * time_init hands it to CPU 0's local APIC timer. Every CPU runs its own
 * tick (struct percpu's ticks), as an event that re-arms itself.
 *
 * Events (kernel/time/timer.c): each CPU keeps a list of armed events
 * sorted by deadline, and programs its timer hardware for the first one
 * (kernel/arch/x86_64/time/lapic_timer.c: TSC-deadline mode when the CPU
 * has it and the clock is the TSC, else the APIC timer's one-shot mode). Nothing runs periodically
 * but the tick itself, so a tickless scheduler can drop the tick later.
 * The callback runs in the timer interrupt, with interrupts off, on the
 * CPU that armed the event; it may re-arm its own event.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_HZ 1000

/* Ticks since irq_init (0 before it, or with interrupts off). */
uint64_t timer_ticks(void);

typedef void (*timer_fn_t)(void *arg);

/*
 * Owned by the caller (static, in an object, on a stack that outlives
 * it); zeroed or TIMER_EVENT_INIT before its first use.
 */
struct timer_event {
	uint64_t deadline; /* clock_monotonic_ns */
	timer_fn_t fn;
	void *arg;
	/* The timer code's, with interrupts off on the arming CPU: */
	struct timer_event *next;
	int cpu; /* armed on that CPU; -1 when not armed */
};

#define TIMER_EVENT_INIT  \
	{                 \
		.cpu = -1 \
	}

/*
 * Call fn(arg) on this CPU ns nanoseconds from now (or at the monotonic
 * time deadline). ev must not be armed already. 0, -EBUSY (ev is armed),
 * -ENODEV (no local APIC timer: before time_init, or none).
 */
int timer_oneshot_ns(struct timer_event *ev, uint64_t ns, timer_fn_t fn,
		     void *arg);
int timer_oneshot_at(struct timer_event *ev, uint64_t deadline, timer_fn_t fn,
		     void *arg);
/*
 * Disarm ev, from any CPU: true if it was armed and will not run; false
 * if it was not armed. Either way its function is not running when this
 * returns (it is waited for, and disarmed again if it re-armed itself),
 * so ev and what its function uses may be freed. So: never with a lock
 * held that the function takes. From the function itself it does not
 * wait.
 */
bool timer_cancel(struct timer_event *ev);
/* Is ev armed (on some CPU) now? */
static inline bool timer_pending(const struct timer_event *ev)
{
	return __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE) >= 0;
}
/* "tsc-deadline", "lapic one-shot" or "none". */
const char *timer_oneshot_mode(void);

/*
 * For the architecture's timer drivers. timer_set_backend: one-shot
 * events work from now on (name: what timer_oneshot_mode says), or no
 * longer (NULL). timer_cpu_start: this CPU's hardware is set up; start
 * its event list and its tick. timer_expire: from the timer interrupt,
 * run the due events and program the next. timer_take_over_tick: CPU 0's
 * tick event counts timer_ticks from now on (the early tick has
 * stopped). timer_tick: count one tick (the early tick's interrupt).
 */
void timer_set_backend(const char *name);
void timer_cpu_start(void);
void timer_expire(void);
void timer_take_over_tick(void);
void timer_tick(void);

#endif
