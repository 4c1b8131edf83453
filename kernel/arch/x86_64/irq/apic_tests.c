/*
 * Tests of the interrupt controllers (suite apic): each CPU's local APIC
 * (ID, enabled with the spurious vector, error vector), a vector from
 * irq_alloc_vector taking IPIs on this CPU and another, the IOAPIC's
 * routing of the ISA IRQs (vector, MADT overrides, masks), ioapic_route's
 * checks and the MSI message format.
 */
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/string.h>

#include "irq/apic.h"

#define RTE_VECTOR 0xff
#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

struct lapic_state {
	uint32_t id, svr, lvt_error, lvt_lint0;
};

static void read_lapic(void *arg)
{
	struct lapic_state *s = &((struct lapic_state *)arg)[cpu_id()];

	s->id = lapic_id();
	s->svr = lapic_read(LAPIC_SVR);
	s->lvt_error = lapic_read(LAPIC_LVT_ERROR);
	s->lvt_lint0 = lapic_read(LAPIC_LVT_LINT0);
}

KTEST(apic, every_cpu_lapic_enabled)
{
	static struct lapic_state st[SMP_MAX_CPUS];
	unsigned int cpu;

	if (!lapic_present())
		KT_SKIP("no local APIC");
	KT_ASSERT_EQ(smp_call_function(SMP_CALL_ALL, read_lapic, st, true), 0);
	for_each_online_cpu(cpu)
	{
		KT_ASSERT_EQ(st[cpu].id, smp_cpu(cpu)->apic_id);
		KT_ASSERT_EQ(st[cpu].svr & 0x1ff, 0x100 | VECTOR_SPURIOUS);
		KT_ASSERT_EQ(st[cpu].lvt_error & 0xff, VECTOR_LAPIC_ERROR);
		if (cpu != 0)
			KT_ASSERT(st[cpu].lvt_lint0 & LAPIC_LVT_MASKED);
	}
	if (boot_info->cpus)
		KT_ASSERT_EQ(st[0].id, boot_info->bsp_lapic_id);
	KT_ASSERT_EQ(lapic_error_count(), 0);
}

struct hits {
	unsigned int count, cpu;
};

static void vector_hit(struct trap_frame *tf, void *arg)
{
	struct hits *h = arg;

	h->count++;
	h->cpu = cpu_id();
}

static bool wait_count(volatile unsigned int *count, unsigned int want)
{
	for (unsigned long i = 0; i < 100000000UL && *count < want; i++)
		__asm__ volatile("pause");
	return *count >= want;
}

/* An allocated vector takes an IPI here and on another CPU, with EOIs. */
KTEST(apic, allocated_vector_takes_ipis)
{
	struct hits h = {0};
	unsigned int other = smp_cpu_count() > 1 ? 1 : 0;
	int v;

	if (!lapic_present())
		KT_SKIP("no local APIC");
	KT_ASSERT_EQ(irq_alloc_vector(NULL, NULL), -EINVAL);
	v = irq_alloc_vector(vector_hit, &h);
	KT_ASSERT(v >= IRQ_VECTOR_DYN_FIRST && v <= IRQ_VECTOR_DYN_LAST);
	lapic_send_ipi(this_cpu()->apic_id, v);
	KT_ASSERT(wait_count(&h.count, 1));
	KT_ASSERT_EQ(h.cpu, cpu_id());
	lapic_send_ipi(smp_cpu(other)->apic_id, v);
	KT_ASSERT(wait_count(&h.count, 2));
	KT_ASSERT_EQ(h.cpu, other);
	/* Had an EOI been missed, this third one would not arrive. */
	lapic_send_ipi(this_cpu()->apic_id, v);
	KT_ASSERT(wait_count(&h.count, 3));
	KT_ASSERT_EQ(irq_free_vector(v), 0);
	KT_ASSERT_EQ(irq_free_vector(v), -EINVAL);
	KT_ASSERT_EQ(irq_free_vector(0x21), -EINVAL);
}

KTEST(apic, vectors_run_out_cleanly)
{
	static int got[IRQ_VECTOR_DYN_LAST - IRQ_VECTOR_DYN_FIRST + 2];
	struct hits h;
	unsigned int n = 0;

	if (!lapic_present())
		KT_SKIP("no local APIC");
	while (n < ARRAY_SIZE(got) &&
	       (got[n] = irq_alloc_vector(vector_hit, &h)) >= 0)
		n++;
	KT_ASSERT(n < ARRAY_SIZE(got));
	KT_ASSERT_EQ(got[n], -ENOSPC);
	for (unsigned int i = 0; i < n; i++)
		KT_ASSERT_EQ(irq_free_vector(got[i]), 0);
}

/* The ISA IRQs sit on vectors 0x20 + n, with the MADT's polarity/trigger. */
KTEST(apic, ioapic_routes_isa_irqs)
{
	if (strcmp(irq_controller_name(), "ioapic") != 0)
		KT_SKIP("the 8259 routes the legacy IRQs (no IOAPIC)");
	for (unsigned int irq = 0; irq < IRQ_COUNT; irq++) {
		uint32_t gsi;
		unsigned int flags;
		uint64_t e;

		if (irq == 2)
			continue;
		irq_isa_to_gsi(irq, &gsi, &flags);
		KT_ASSERT_EQ(ioapic_read_entry(gsi, &e), 0);
		KT_ASSERT_EQ(e & RTE_VECTOR, IRQ_VECTOR_BASE + irq);
		KT_ASSERT_EQ(!!(e & RTE_LEVEL), !!(flags & IRQ_LEVEL));
		KT_ASSERT_EQ(!!(e & RTE_ACTIVE_LOW),
			     !!(flags & IRQ_ACTIVE_LOW));
		KT_ASSERT_EQ(e >> 56, smp_cpu(0)->apic_id);
	}
}

/* QEMU's MADT: IRQ 0 arrives on GSI 2, the SCI (IRQ 9) level-triggered. */
KTEST(apic, madt_overrides_applied)
{
	const struct acpi_madt *m = &acpi_info->madt;
	uint32_t gsi;
	unsigned int flags;

	if (!acpi_info->has_madt)
		KT_SKIP("no MADT");
	for (size_t i = 0; i < m->override_count; i++) {
		const struct acpi_override *o = &m->overrides[i];

		if (o->bus != 0 || o->source >= IRQ_COUNT)
			continue;
		irq_isa_to_gsi(o->source, &gsi, &flags);
		KT_ASSERT_EQ(gsi, o->gsi);
		KT_ASSERT_EQ(!!(flags & IRQ_LEVEL),
			     (o->flags & ACPI_INTI_TRIGGER_MASK) ==
				     ACPI_INTI_LEVEL);
	}
	irq_isa_to_gsi(1, &gsi, &flags); /* no override on any PC */
	KT_ASSERT_EQ(gsi, 1);
	KT_ASSERT_EQ(flags, 0);
}

KTEST(apic, ioapic_route_checks)
{
	uint64_t e;

	if (strcmp(irq_controller_name(), "ioapic") != 0)
		KT_SKIP("no IOAPIC");
	KT_ASSERT_EQ(ioapic_route(100000, 0x40, 0, 0), -ENODEV);
	KT_ASSERT_EQ(ioapic_route(20, 0x10, 0, 0), -EINVAL);
	KT_ASSERT_EQ(ioapic_route(20, 0x40, SMP_MAX_CPUS, 0), -EINVAL);
	KT_ASSERT_EQ(ioapic_set_masked(100000, true), -ENODEV);
	/* GSI 20 (a PCI input on QEMU): route it masked, read it back. */
	KT_ASSERT_EQ(ioapic_route(20, 0x40, 0,
				  IRQ_LEVEL | IRQ_ACTIVE_LOW | IRQ_MASKED),
		     0);
	KT_ASSERT_EQ(ioapic_read_entry(20, &e), 0);
	KT_ASSERT_EQ(e & 0x1ffff,
		     0x40 | RTE_LEVEL | RTE_ACTIVE_LOW | RTE_MASKED);
	KT_ASSERT_EQ(ioapic_set_masked(20, true), 0);
}

KTEST(apic, msi_message)
{
	uint64_t addr;
	uint32_t data;
	unsigned int cpu = smp_cpu_count() - 1;

	if (!lapic_present())
		KT_SKIP("no local APIC");
	KT_ASSERT_EQ(irq_msi_message(0x41, cpu, &addr, &data), 0);
	KT_ASSERT_EQ(addr, 0xfee00000u | smp_cpu(cpu)->apic_id << 12);
	KT_ASSERT_EQ(data, 0x41);
	KT_ASSERT_EQ(irq_msi_message(0x41, SMP_MAX_CPUS, &addr, &data),
		     -EINVAL);
	KT_ASSERT_EQ(irq_msi_message(0x05, 0, &addr, &data), -EINVAL);
}
