/*
 * Interrupts and exceptions: the CPU tables (GDT, TSS, IDT), the trap
 * frame every entry stub builds, handler registration for vectors and
 * legacy IRQs, and the interrupt-flag helpers. The implementation lives in
 * kernel/arch/x86_64/ (cpu/: gdt.c, idt.c, exceptions.c, isr.asm; irq/).
 * The trap frame and the vector numbers are the architecture's
 * (<kernel/arch/x86_64/trap.h>).
 *
 * Handlers run with interrupts off (all IDT entries are interrupt gates)
 * on the interrupted kernel stack, except #DF, NMI and #MC, which get
 * their own IST stacks so that a kernel stack overflow is still reported.
 */
#ifndef KERNEL_INTERRUPT_H
#define KERNEL_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/arch.h> /* struct trap_frame, the vector numbers */

/*
 * Load this CPU's GDT and TSS (with the IST stacks) and the IDT with all
 * 256 entry stubs. From here on exceptions are reported instead of
 * triple-faulting. Interrupts stay off. Call once, early in kmain.
 */
void cpu_init(void);

/*
 * Remap the 8259 PIC to vectors 0x20-0x2f with every line masked, start
 * the PIT tick (IRQ 0, see <kernel/timer.h>) and enable interrupts.
 */
void irq_init(void);

/*
 * Switch to the local APIC and the IOAPICs (<kernel/acpi.h>'s MADT, with
 * its ISA overrides: polarity and trigger): the legacy IRQs keep their
 * vectors and handlers, the 8259 is masked, EOIs go to the local APIC.
 * Without an IOAPIC (no MADT) the PIC stays, through the local APIC's
 * LINT0; without a local APIC nothing changes. Logs "apic: ...". Call
 * once, after irq_init and acpi_init.
 */
void apic_init(void);

/* "ioapic" or "8259 pic": what routes the legacy IRQs now. */
const char *irq_controller_name(void);

/*
 * A vector of its own for a device interrupt (MSI, or a GSI routed with
 * ioapic_route): fn(tf, arg) is installed on a free vector 0x30-0xdf and
 * the core sends the local APIC EOI after it returns. The vector, or
 * -ENOSPC, -EINVAL (fn NULL), -ENODEV (no local APIC).
 */
int irq_alloc_vector(interrupt_handler_t fn, void *arg);
/* Give back a vector from irq_alloc_vector: 0, -EINVAL. */
int irq_free_vector(unsigned int vector);

/* ioapic_route flags; without any, edge-triggered, active high. */
#define IRQ_LEVEL (1u << 0)	 /* level-triggered (PCI) */
#define IRQ_ACTIVE_LOW (1u << 1) /* active low (PCI) */
#define IRQ_MASKED (1u << 2)	 /* leave the line masked */

/*
 * Deliver global system interrupt gsi (an IOAPIC input) as vector to
 * CPU cpu (a number of <kernel/smp.h>). 0, -ENODEV (no IOAPIC has that
 * input), -EINVAL (vector below 0x20, CPU unknown).
 */
int ioapic_route(uint32_t gsi, unsigned int vector, unsigned int cpu,
		 unsigned int flags);
/* Mask or unmask a routed GSI: 0, -ENODEV. */
int ioapic_set_masked(uint32_t gsi, bool masked);
/* The GSI and IRQ_* flags an ISA IRQ arrives with (MADT overrides). */
void irq_isa_to_gsi(unsigned int irq, uint32_t *gsi, unsigned int *flags);

/*
 * The MSI address and data that make a device deliver vector to CPU
 * cpu (fixed delivery, edge, physical destination). 0, -EINVAL (no such
 * CPU, or an APIC ID beyond what MSI can address), -ENODEV (no APIC).
 */
int irq_msi_message(unsigned int vector, unsigned int cpu, uint64_t *address,
		    uint32_t *data);

/*
 * Any vector 0-255, exceptions included (the handler then replaces the
 * default report for that vector). 0, -EINVAL (vector out of range or fn
 * NULL), -EBUSY (the vector already has a handler; legacy IRQ vectors are
 * taken by the IRQ core: use irq_register for those).
 */
int interrupt_register(unsigned int vector, interrupt_handler_t fn, void *arg);
/* Remove the handler of vector: 0, -EINVAL, -ENOENT if it had none. */
int interrupt_unregister(unsigned int vector);

/*
 * Legacy ISA IRQ 0-15: routed (PIC or IOAPIC, whichever is in use; may
 * be called before irq_init or apic_init) and unmasked; the core sends
 * the EOI after fn returns and filters the PIC's spurious IRQ 7 and 15.
 * 0, -EINVAL, -EBUSY (IRQ 0 is the timer's, IRQ 2 the PIC cascade).
 */
int irq_register(unsigned int irq, interrupt_handler_t fn, void *arg);
/* Mask irq and remove its handler: 0, -EINVAL, -ENOENT if it had none. */
int irq_unregister(unsigned int irq);
void irq_mask(unsigned int irq);
void irq_unmask(unsigned int irq);

/*
 * Interrupt flag helpers, inline: every spinlock uses them. irq_restore
 * re-enables only if flags had interrupts on.
 */
static inline unsigned long irq_save(void) /* off; the old state */
{
	return arch_irq_save();
}

static inline void irq_restore(unsigned long flags)
{
	arch_irq_restore(flags);
}

static inline void irq_enable(void)
{
	arch_irq_enable();
}

static inline bool irq_enabled(void)
{
	return arch_irq_enabled();
}

/*
 * Trap reporting, for any code that catches a trap and wants to show it
 * (the default exception handlers, panic_frame, the security crash tests):
 *
 *	#PF page fault (vector 14) in kernel mode
 *	#PF: error 0x2: not-present write kernel-mode
 *	#PF: address 0000000000000010 (unmapped)
 *	RIP: 0008:ffffffff8000a1c4 kmain+0x1c/0x80
 *	RSP: 0010:ffff800000181eb0 RFLAGS: 00010246
 *	RAX: ... (all 15 registers, three a line), then CR0 CR2 CR3 CR4
 *	Call trace:
 *	  [<ffffffff8000a1c4>] kmain+0x1c/0x80
 *
 * The "#PF:" lines are the decoded error code (#PF: present, write, user,
 * reserved-bit, instruction-fetch, protection-key, shadow-stack, sgx as
 * words; #TS #NP #SS #GP: "GDT index 5", "IDT vector 13", "no selector";
 * #CP: the control-flow violation) and, for #PF, CR2 with vm_describe's
 * words. When RIP is in no function, the word at RSP (the probable
 * return address of a call through a bad pointer) follows it, marked
 * "? ". trap_report prints all of it and returns; it does not panic.
 * The exception handlers print it after "panic: <name> at <rip> <sym>".
 */
void trap_report(const struct trap_frame *tf);
/* "#PF page fault", "NMI", ...; "interrupt" from vector 32 up. */
const char *trap_name(unsigned int vector);

#endif
