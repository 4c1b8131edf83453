/*
 * The x86 hardware behind <kernel/timer.h>'s events (the event lists
 * and the tick are kernel/time/timer.c): each CPU's local APIC timer, in
 * TSC-deadline mode when the CPU has it and the clock is the TSC (the
 * deadline itself, as a TSC value), else in one-shot mode (the counts
 * until then, at most a second; an early interrupt finds nothing due and
 * re-arms).
 */
#include <kernel/arch.h>
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

#define CPUID1_ECX_TSC_DEADLINE 24

enum timer_mode { TIMER_NONE, TIMER_ONESHOT, TIMER_DEADLINE };

static enum timer_mode mode;

static const char *const mode_names[] = {
	[TIMER_NONE] = NULL,
	[TIMER_ONESHOT] = "lapic one-shot",
	[TIMER_DEADLINE] = "tsc-deadline",
};

void arch_timer_program(uint64_t deadline)
{
	uint64_t now;

	if (mode == TIMER_DEADLINE) {
		msr_write(MSR_TSC_DEADLINE,
			  deadline ? clock_ns_to_tsc(deadline) : 0);
		return;
	}
	if (!deadline) {
		lapic_write(LAPIC_TIMER_INITIAL, 0);
		return;
	}
	now = clock_monotonic_ns();
	lapic_write(
		LAPIC_TIMER_INITIAL,
		clock_ns_to_lapic_count(deadline > now ? deadline - now : 0));
}

static void timer_interrupt(struct trap_frame *tf, void *arg)
{
	timer_expire();
	lapic_eoi();
}

static void set_mode(enum timer_mode m)
{
	mode = m;
	timer_set_backend(mode_names[m]);
}

void lapic_timer_init_cpu(void)
{
	uint32_t lvt = VECTOR_LAPIC_TIMER |
		       (mode == TIMER_DEADLINE ? LAPIC_TIMER_TSC_DEADLINE
					       : LAPIC_TIMER_ONESHOT);

	if (mode == TIMER_NONE)
		return;
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, lvt);
	/* The LVT write must land before the first TSC_DEADLINE write. */
	__asm__ volatile("mfence" ::: "memory");
	timer_cpu_start();
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
	set_mode(cpuid_has(1, 2, CPUID1_ECX_TSC_DEADLINE) && clock_is_tsc()
			 ? TIMER_DEADLINE
			 : TIMER_ONESHOT);
	lapic_timer_init_cpu();
	if (!irq_enabled() || !tick_runs()) {
		lapic_write(LAPIC_LVT_TIMER,
			    LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
		set_mode(TIMER_NONE);
		klog(KLOG_WARN, "time: the local APIC timer does not tick; "
				"the PIT keeps the tick\n");
		return;
	}
	pit_stop();
	timer_take_over_tick();
	klog(KLOG_INFO,
	     "time: tick %u Hz on each CPU's local APIC timer "
	     "(%s); PIT stopped\n",
	     TIMER_HZ, timer_oneshot_mode());
}
