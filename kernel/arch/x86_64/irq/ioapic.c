/*
 * The IOAPICs: each takes a range of global system interrupts (GSIs,
 * its inputs from gsi_base on) and sends each as a message to a local
 * APIC, with the vector, trigger mode and polarity of its redirection
 * entry. The MADT lists them; its interrupt source overrides say where
 * the ISA IRQs arrive (QEMU: IRQ 0 on GSI 2) and with which polarity
 * and trigger (the SCI, IRQ 9: level). ISA IRQs without an override
 * arrive on the GSI of their number, edge-triggered, active high.
 *
 * As an irq_chip, the IOAPIC carries the legacy IRQs on their old
 * vectors (0x20 + n), to the boot CPU; ioapic_route serves any other GSI
 * (PCI, later) with a vector from irq_alloc_vector.
 *
 * Registers are reached through an index/data pair: ioapic_lock.
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/vm.h>

#include "irq/apic.h"

#define IOAPIC_VERSION 0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define IOWIN 4 /* the data register, 0x10 bytes in */

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

struct ioapic {
	volatile uint32_t *regs;
	uint8_t id;
	uint32_t gsi_base;
	unsigned int inputs;
};

static DEFINE_SPINLOCK(ioapic_lock, LOCK_RANK_IOAPIC);
static struct ioapic ioapics[ACPI_MAX_IOAPICS]; /* set up once, then read */
static unsigned int ioapic_count;

static uint32_t reg_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[0] = reg;
	return io->regs[IOWIN];
}

static void reg_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[0] = reg;
	io->regs[IOWIN] = value;
}

/* The IOAPIC with input gsi, and the input's pin number; NULL if none. */
static const struct ioapic *find(uint32_t gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < ioapic_count; i++) {
		const struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->inputs) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

void irq_isa_to_gsi(unsigned int irq, uint32_t *gsi, unsigned int *flags)
{
	const struct acpi_madt *m = &acpi_info->madt;

	*gsi = irq;
	*flags = 0;
	for (size_t i = 0; acpi_info->has_madt && i < m->override_count; i++) {
		const struct acpi_override *o = &m->overrides[i];

		if (o->bus != 0 || o->source != irq)
			continue;
		*gsi = o->gsi;
		if ((o->flags & ACPI_INTI_POLARITY_MASK) ==
		    ACPI_INTI_ACTIVE_LOW)
			*flags |= IRQ_ACTIVE_LOW;
		if ((o->flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_LEVEL)
			*flags |= IRQ_LEVEL;
	}
}

int ioapic_route(uint32_t gsi, unsigned int vector, unsigned int cpu,
		 unsigned int flags)
{
	const struct percpu *c = smp_cpu(cpu);
	const struct ioapic *io;
	unsigned int pin;
	unsigned long irqf;
	uint32_t low;

	if (vector < IRQ_VECTOR_BASE || vector > 0xfe || !c || c->apic_id > 255)
		return -EINVAL;
	io = find(gsi, &pin);
	if (!io)
		return -ENODEV;
	low = vector | (flags & IRQ_LEVEL ? RTE_LEVEL : 0) |
	      (flags & IRQ_ACTIVE_LOW ? RTE_ACTIVE_LOW : 0) |
	      (flags & IRQ_MASKED ? RTE_MASKED : 0);
	irqf = spin_lock_irqsave(&ioapic_lock);
	/* Masked while the halves disagree. */
	reg_write(io, IOAPIC_REDTBL(pin), RTE_MASKED);
	reg_write(io, IOAPIC_REDTBL(pin) + 1, c->apic_id << 24);
	reg_write(io, IOAPIC_REDTBL(pin), low);
	spin_unlock_irqrestore(&ioapic_lock, irqf);
	return 0;
}

int ioapic_set_masked(uint32_t gsi, bool masked)
{
	unsigned int pin;
	const struct ioapic *io = find(gsi, &pin);
	unsigned long flags;
	uint32_t low;

	if (!io)
		return -ENODEV;
	flags = spin_lock_irqsave(&ioapic_lock);
	low = reg_read(io, IOAPIC_REDTBL(pin));
	low = masked ? low | RTE_MASKED : low & ~RTE_MASKED;
	reg_write(io, IOAPIC_REDTBL(pin), low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

int ioapic_read_entry(uint32_t gsi, uint64_t *entry)
{
	unsigned int pin;
	const struct ioapic *io = find(gsi, &pin);
	unsigned long flags;

	if (!io)
		return -ENODEV;
	flags = spin_lock_irqsave(&ioapic_lock);
	*entry = reg_read(io, IOAPIC_REDTBL(pin)) |
		 (uint64_t)reg_read(io, IOAPIC_REDTBL(pin) + 1) << 32;
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

/* Map one IOAPIC from the MADT and mask all its inputs: 0 or -errno. */
static int add_ioapic(const struct acpi_ioapic *a)
{
	struct ioapic *io = &ioapics[ioapic_count];

	io->regs = vm_ioremap(a->address, 0x20, VM_UC);
	if (!io->regs)
		return -ENOMEM;
	io->id = a->id;
	io->gsi_base = a->gsi_base;
	io->inputs = ((reg_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
	for (unsigned int pin = 0; pin < io->inputs; pin++)
		reg_write(io, IOAPIC_REDTBL(pin), RTE_MASKED);
	ioapic_count++;
	klog(KLOG_INFO, "apic: ioapic id %u at 0x%x, gsi %u-%u\n", io->id,
	     a->address, io->gsi_base, io->gsi_base + io->inputs - 1);
	return 0;
}

unsigned int ioapic_init(void)
{
	const struct acpi_madt *m = &acpi_info->madt;

	if (acpi_info->irq_model != ACPI_IRQ_APIC)
		return 0;
	for (size_t i = 0; i < m->ioapic_count; i++) {
		if (add_ioapic(&m->ioapics[i]) < 0)
			klog(KLOG_WARN,
			     "apic: cannot map ioapic id %u at 0x%x\n",
			     m->ioapics[i].id, m->ioapics[i].address);
	}
	return ioapic_count;
}

/* Route the ISA IRQs (but the cascade, IRQ 2) to their old vectors. */
static void ioapic_start(uint16_t masked)
{
	for (unsigned int irq = 0; irq < IRQ_COUNT; irq++) {
		uint32_t gsi;
		unsigned int flags;

		if (irq == 2)
			continue;
		irq_isa_to_gsi(irq, &gsi, &flags);
		if (masked & (1u << irq))
			flags |= IRQ_MASKED;
		if (ioapic_route(gsi, IRQ_VECTOR_BASE + irq, 0, flags) < 0)
			klog(KLOG_WARN,
			     "apic: ISA IRQ %u: no ioapic has gsi %u\n", irq,
			     gsi);
	}
}

static void ioapic_isa_set_masked(unsigned int irq, bool masked)
{
	uint32_t gsi;
	unsigned int flags;

	irq_isa_to_gsi(irq, &gsi, &flags);
	ioapic_set_masked(gsi, masked);
}

static void ioapic_eoi(unsigned int irq)
{
	lapic_eoi();
}

const struct irq_chip ioapic_irq_chip = {
	.name = "ioapic",
	.start = ioapic_start,
	.set_masked = ioapic_isa_set_masked,
	.eoi = ioapic_eoi,
};
