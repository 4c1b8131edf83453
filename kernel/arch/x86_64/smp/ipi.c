/*
 * The x86_64 IPIs: the call-function IPI of kernel/smp/call.c and the
 * scheduler's reschedule IPI on their local APIC vectors, and the NMI
 * that stops a CPU for a panic (NMI, because a CPU spinning with
 * interrupts off must stop too).
 */
#include <kernel/arch.h>
#include <kernel/interrupt.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

#include "cpu/cpu.h"
#include "irq/apic.h"

void arch_send_call_ipi(unsigned int cpu)
{
	lapic_send_ipi(smp_cpu(cpu)->apic_id, VECTOR_CALL_FUNCTION);
}

void arch_send_resched_ipi(unsigned int cpu)
{
	lapic_send_ipi(smp_cpu(cpu)->apic_id, VECTOR_RESCHEDULE);
}

void arch_send_stop_ipi(unsigned int cpu)
{
	if (lapic_present())
		lapic_send_nmi(smp_cpu(cpu)->apic_id);
}

static void call_ipi(struct trap_frame *tf, void *arg)
{
	smp_call_ipi();
	lapic_eoi();
}

static void resched_ipi(struct trap_frame *tf, void *arg)
{
	sched_resched_ipi();
	lapic_eoi();
}

/* Where the NMI found this CPU (smp_backtrace_others). */
static void print_backtrace(const struct trap_frame *tf)
{
	if (tf->cs & 3) {
		kprintf("cpu %u: in user mode, rip %#lx rsp %#lx\n", cpu_id(),
			tf->rip, tf->rsp);
		return;
	}
	kprintf("cpu %u:\n", cpu_id());
	backtrace_print(tf->rip, tf->rbp);
}

/*
 * During a stop, an NMI halts; asked for a backtrace, it prints one;
 * otherwise it is reported as ever.
 */
static void nmi(struct trap_frame *tf, void *arg)
{
	if (smp_stop_ipi())
		return;
	if (smp_backtrace_wanted()) {
		print_backtrace(tf);
		smp_backtrace_done();
		return;
	}
	exception_handle(tf);
}

void ipi_init(void)
{
	smp_call_init();
	if (interrupt_register(VECTOR_CALL_FUNCTION, call_ipi, NULL) ||
	    interrupt_register(VECTOR_RESCHEDULE, resched_ipi, NULL) ||
	    interrupt_register(VEC_NMI, nmi, NULL))
		panic("smp: an IPI or the NMI vector is taken");
}
