/*
 * sleep_ns and msleep (<kernel/time.h>): until there is a scheduler,
 * "sleeping" is halting this CPU between interrupts until the deadline
 * has passed. A one-shot timer event at the deadline makes sure an
 * interrupt comes then, tick or no tick (a tickless CPU later). The
 * deadline is checked with interrupts off before each halt, and
 * idle_wait's "sti; hlt" cannot miss the interrupt that ends the wait.
 */
#include <stddef.h>
#include <kernel/idle.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <kernel/timer.h>

static void wake(void *arg)
{
	/* Nothing to do: the interrupt itself ends the halt. */
}

void sleep_ns(uint64_t ns)
{
	uint64_t end = clock_monotonic_ns() + ns;
	struct timer_event ev = TIMER_EVENT_INIT;
	bool armed = timer_oneshot_at(&ev, end, wake, NULL) == 0;

	for (;;) {
		irq_save();
		if (clock_monotonic_ns() >= end)
			break;
		idle_wait();
	}
	irq_enable();
	if (armed)
		timer_cancel(&ev); /* usually it has fired already */
}

void msleep(uint64_t ms)
{
	sleep_ns(ms * NSEC_PER_MSEC);
}

KTEST(time, sleep_waits_at_least)
{
	uint64_t t0 = clock_monotonic_ns();

	msleep(5);
	KT_ASSERT(clock_monotonic_ns() - t0 >= 5 * NSEC_PER_MSEC);
	KT_ASSERT(irq_enabled());
}
