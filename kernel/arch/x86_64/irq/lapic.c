/*
 * The local APIC, one per CPU: it takes interrupts to its CPU (from the
 * IOAPIC, MSI, other CPUs and its own timer), and sends IPIs. Two ways
 * to reach it: x2APIC mode, through MSRs (used whenever CPUID offers it;
 * each CPU switches itself over in lapic_setup_cpu), or the xAPIC page
 * of registers, mapped uncached with vm_ioremap (the same physical page
 * on every CPU, each seeing its own APIC there).
 *
 * Fixed vectors (<kernel/interrupt.h>): spurious 0xff (the APIC's "no
 * interrupt after all": counted, no EOI) and error 0xfe (the error status
 * register is logged, a few times). The timer is lapic_timer.c's.
 */
#include <kernel/acpi.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/vm.h>

#include "irq/apic.h"

#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_ADDR 0x000ffffffffff000ULL
#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))
#define X2APIC_ICR 0x830

#define SVR_ENABLE (1u << 8)
#define ICR_PENDING (1u << 12)
#define ICR_NMI (4u << 8)
#define LVT_NMI (4u << 8)
#define LVT_EXTINT (7u << 8)
#define LVT_ACTIVE_LOW (1u << 13)

#define CPUID1_EDX_APIC 9
#define CPUID1_ECX_X2APIC 21

static bool present, x2apic;
static volatile uint32_t *mmio; /* xAPIC registers; NULL in x2APIC mode */
static uint64_t phys_base;
static unsigned long error_count, spurious_count;

bool lapic_present(void)
{
	return present;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_read(unsigned int reg)
{
	if (x2apic)
		return (uint32_t)msr_read(X2APIC_MSR(reg));
	return mmio[reg / 4];
}

void lapic_write(unsigned int reg, uint32_t value)
{
	if (x2apic)
		msr_write(X2APIC_MSR(reg), value);
	else
		mmio[reg / 4] = value;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * The two ICR halves must not be split by an interrupt handler on this
 * CPU sending its own IPI: interrupts off. In x2APIC mode the ICR is one
 * MSR, but WRMSR to it does not order earlier stores: fence first, or
 * the target could see the IPI before the data it is about.
 */
static void send_icr(uint32_t apic_id, uint32_t low)
{
	unsigned long flags = irq_save();

	if (x2apic) {
		__asm__ volatile("mfence; lfence" ::: "memory");
		msr_write(X2APIC_ICR, (uint64_t)apic_id << 32 | low);
	} else {
		while (lapic_read(LAPIC_ICR_LOW) & ICR_PENDING)
			__asm__ volatile("pause");
		lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
		lapic_write(LAPIC_ICR_LOW, low);
	}
	irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, unsigned int vector)
{
	send_icr(apic_id, vector & 0xff);
}

void lapic_send_nmi(uint32_t apic_id)
{
	send_icr(apic_id, ICR_NMI);
}

unsigned long lapic_error_count(void)
{
	return error_count;
}

unsigned long lapic_spurious_count(void)
{
	return spurious_count;
}

static void spurious_handler(struct trap_frame *tf, void *arg)
{
	__atomic_add_fetch(&spurious_count, 1, __ATOMIC_RELAXED);
}

/* The ESR latches errors; a write first makes it show them (and clears). */
static void error_handler(struct trap_frame *tf, void *arg)
{
	uint32_t esr;

	lapic_write(LAPIC_ESR, 0);
	esr = lapic_read(LAPIC_ESR);
	if (__atomic_add_fetch(&error_count, 1, __ATOMIC_RELAXED) <= 8)
		klog(KLOG_WARN, "apic: CPU %u: APIC error 0x%x\n", cpu_id(),
		     esr);
	lapic_eoi();
}

/*
 * LINT0/1 of this CPU: NMI where the MADT says so (for this CPU's UID or
 * all), the 8259's ExtINT on the boot CPU's LINT0 while the PIC routes
 * IRQs, else masked. Without a MADT, LINT1 is NMI, as BIOSes set it.
 */
static uint32_t lint_config(unsigned int lint, bool extint)
{
	const struct acpi_madt *m = &acpi_info->madt;

	if (lint == 0 && extint)
		return LVT_EXTINT;
	if (!acpi_info->has_madt)
		return lint == 1 ? LVT_NMI : LAPIC_LVT_MASKED;
	for (size_t i = 0; i < m->lapic_nmi_count; i++) {
		const struct acpi_lapic_nmi *n = &m->lapic_nmis[i];

		if (n->lint != lint ||
		    (n->uid != ACPI_UID_ALL && n->uid != this_cpu()->acpi_uid))
			continue;
		return LVT_NMI | ((n->flags & ACPI_INTI_POLARITY_MASK) ==
						  ACPI_INTI_ACTIVE_LOW
					  ? LVT_ACTIVE_LOW
					  : 0);
	}
	return LAPIC_LVT_MASKED;
}

/* Enable the APIC in the mode chosen at lapic_init (a CPU's own MSR). */
static void enable_mode(void)
{
	uint64_t base = msr_read(MSR_APIC_BASE);
	uint64_t want =
		base | APIC_BASE_ENABLE | (x2apic ? APIC_BASE_X2APIC : 0);

	if (want != base)
		msr_write(MSR_APIC_BASE, want);
}

void lapic_setup_cpu(bool extint)
{
	unsigned int max_lvt;

	enable_mode();
	/* Software-enable first: while disabled, LVTs stay masked. */
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	max_lvt = (lapic_read(LAPIC_VERSION) >> 16) & 0xff;
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
	if (max_lvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	if (max_lvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, lint_config(0, extint));
	lapic_write(LAPIC_LVT_LINT1, lint_config(1, false));
	lapic_write(LAPIC_LVT_ERROR, VECTOR_LAPIC_ERROR);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi(); /* anything left in service from before */
}

/* xAPIC: the register page, uncached, where the MSR says it is. */
static int map_xapic(void)
{
	mmio = vm_ioremap(phys_base, PAGE_SIZE, VM_UC);
	return mmio ? 0 : -ENOMEM;
}

int lapic_init(void)
{
	int err;

	if (!cpuid_has(1, 3, CPUID1_EDX_APIC))
		return -ENODEV;
	phys_base = msr_read(MSR_APIC_BASE) & APIC_BASE_ADDR;
	if (acpi_info->has_madt && acpi_info->madt.lapic_address != phys_base)
		klog(KLOG_WARN,
		     "apic: MADT says the local APIC is at 0x%lx, the CPU "
		     "0x%lx; using the CPU's\n",
		     (unsigned long)acpi_info->madt.lapic_address,
		     (unsigned long)phys_base);
	x2apic = cpuid_has(1, 2, CPUID1_ECX_X2APIC);
	if (!x2apic && (err = map_xapic()) < 0)
		return err;
	if (interrupt_register(VECTOR_SPURIOUS, spurious_handler, NULL) ||
	    interrupt_register(VECTOR_LAPIC_ERROR, error_handler, NULL))
		return -EBUSY;
	present = true;
	return 0;
}
