/*
 * The legacy IRQ core and the interrupt flag helpers. The 16 ISA IRQs
 * keep vectors 0x20-0x2f whoever routes them: irq_init starts with the
 * 8259 PIC (pic.c), apic_init moves them to the IOAPIC (ioapic.c) when
 * the MADT has one. Either way irq_entry, the handler of those vectors,
 * filters spurious interrupts, runs the driver's handler and then sends
 * the end-of-interrupt through the chip in use.
 *
 * Vectors 0x30-0xdf are handed out by irq_alloc_vector for device
 * interrupts the legacy table does not cover (MSI, PCI GSIs); the core
 * sends the local APIC EOI after their handler.
 *
 * The line masks are cached in irq_masked and given to each chip as it
 * takes over, so a driver may register before irq_init or apic_init.
 * Legacy IRQs are delivered to the boot CPU.
 *
 * Lock order: irq_lock, then the vector table's (idt.c), then the
 * IOAPIC's (ioapic.c); see <kernel/spinlock.h>.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>

#include "irq/apic.h"
#include "cpu/cpu.h"

#define IRQ_CASCADE 2
#define RFLAGS_IF (1UL << 9)
#define DYN_VECTORS (IRQ_VECTOR_DYN_LAST - IRQ_VECTOR_DYN_FIRST + 1)

struct irq_handler {
	interrupt_handler_t fn;
	void *arg;
	bool used; /* dynamic vectors: handed out */
};

static DEFINE_SPINLOCK(irq_lock, LOCK_RANK_IRQ);
/* irq_lock guards these; irq_entry reads fn without it (acquire). */
static struct irq_handler irqs[IRQ_COUNT];
static struct irq_handler dyn[DYN_VECTORS];
static uint16_t irq_masked = 0xffff; /* bit n: IRQ n masked */
static const struct irq_chip *chip;  /* NULL before irq_init */

/* The handler of vectors 0x20-0x2f; arg is the IRQ number. */
static void irq_entry(struct trap_frame *tf, void *arg)
{
	unsigned int irq = (uintptr_t)arg;
	const struct irq_chip *c = __atomic_load_n(&chip, __ATOMIC_ACQUIRE);
	interrupt_handler_t fn;

	if (c->spurious && c->spurious(irq))
		return;
	fn = __atomic_load_n(&irqs[irq].fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn(tf, irqs[irq].arg);
	c->eoi(irq);
}

void irq_set_chip(const struct irq_chip *new_chip)
{
	unsigned long flags = spin_lock_irqsave(&irq_lock);

	new_chip->start(irq_masked);
	__atomic_store_n(&chip, new_chip, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&irq_lock, flags);
}

const char *irq_controller_name(void)
{
	return chip ? chip->name : "none";
}

static void set_masked(unsigned int irq, bool masked)
{
	unsigned long flags;

	if (irq >= IRQ_COUNT)
		return;
	flags = spin_lock_irqsave(&irq_lock);
	if (masked)
		irq_masked |= 1u << irq;
	else
		irq_masked &= ~(1u << irq);
	if (chip)
		chip->set_masked(irq, masked);
	spin_unlock_irqrestore(&irq_lock, flags);
}

void irq_mask(unsigned int irq)
{
	set_masked(irq, true);
}

void irq_unmask(unsigned int irq)
{
	set_masked(irq, false);
}

int irq_register(unsigned int irq, interrupt_handler_t fn, void *arg)
{
	unsigned long flags;
	int err = 0;

	if (irq >= IRQ_COUNT || !fn)
		return -EINVAL;
	if (irq == IRQ_CASCADE)
		return -EBUSY;
	flags = spin_lock_irqsave(&irq_lock);
	if (irqs[irq].fn) {
		err = -EBUSY;
	} else {
		irqs[irq].arg = arg;
		__atomic_store_n(&irqs[irq].fn, fn, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	if (!err)
		irq_unmask(irq);
	return err;
}

int irq_unregister(unsigned int irq)
{
	unsigned long flags;
	int err = 0;

	if (irq >= IRQ_COUNT || irq == IRQ_CASCADE)
		return -EINVAL;
	irq_mask(irq);
	flags = spin_lock_irqsave(&irq_lock);
	if (!irqs[irq].fn)
		err = -ENOENT;
	__atomic_store_n(&irqs[irq].fn, NULL, __ATOMIC_RELEASE);
	irqs[irq].arg = NULL;
	spin_unlock_irqrestore(&irq_lock, flags);
	return err;
}

/* The handler of an allocated vector; arg is its slot. */
static void dyn_entry(struct trap_frame *tf, void *arg)
{
	struct irq_handler *h = arg;
	interrupt_handler_t fn = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);

	if (fn)
		fn(tf, h->arg);
	lapic_eoi();
}

int irq_alloc_vector(interrupt_handler_t fn, void *arg)
{
	unsigned long flags;
	int vector = -ENOSPC;

	if (!fn)
		return -EINVAL;
	if (!lapic_present())
		return -ENODEV;
	flags = spin_lock_irqsave(&irq_lock);
	for (unsigned int i = 0; i < DYN_VECTORS; i++) {
		unsigned int v = IRQ_VECTOR_DYN_FIRST + i;

		if (dyn[i].used)
			continue;
		dyn[i] = (struct irq_handler){fn, arg, true};
		if (interrupt_register(v, dyn_entry, &dyn[i]) == 0) {
			vector = (int)v;
			break;
		}
		dyn[i] = (struct irq_handler){NULL, NULL, false};
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return vector;
}

int irq_free_vector(unsigned int vector)
{
	unsigned long flags;
	unsigned int i = vector - IRQ_VECTOR_DYN_FIRST;
	int err = 0;

	if (vector < IRQ_VECTOR_DYN_FIRST || vector > IRQ_VECTOR_DYN_LAST)
		return -EINVAL;
	flags = spin_lock_irqsave(&irq_lock);
	if (!dyn[i].used) {
		err = -EINVAL;
	} else {
		interrupt_unregister(vector);
		dyn[i] = (struct irq_handler){NULL, NULL, false};
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return err;
}

void irq_init(void)
{
	pic_remap();
	irq_set_chip(&pic_irq_chip);
	for (uintptr_t irq = 0; irq < IRQ_COUNT; irq++) {
		if (interrupt_register(IRQ_VECTOR_BASE + irq, irq_entry,
				       (void *)irq))
			panic("irq: vector %lu is taken",
			      IRQ_VECTOR_BASE + irq);
	}
	pit_init();
	klog(KLOG_INFO, "irq: 8259 PIC at vectors 0x%x-0x%x, PIT %u Hz\n",
	     IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + IRQ_COUNT - 1, TIMER_HZ);
	irq_enable();
}

static void irq_test_handler(struct trap_frame *tf, void *arg)
{
	(*(int *)arg)++;
}

KTEST(irq, register_errors)
{
	int calls = 0;

	KT_ASSERT_EQ(irq_register(IRQ_COUNT, irq_test_handler, &calls),
		     -EINVAL);
	KT_ASSERT_EQ(irq_register(3, NULL, NULL), -EINVAL);
	KT_ASSERT_EQ(irq_register(0, irq_test_handler, &calls), -EBUSY);
	KT_ASSERT_EQ(irq_register(IRQ_CASCADE, irq_test_handler, &calls),
		     -EBUSY);
	KT_ASSERT_EQ(interrupt_register(IRQ_VECTOR_BASE + 3, irq_test_handler,
					&calls),
		     -EBUSY);
	KT_ASSERT_EQ(irq_unregister(IRQ_COUNT), -EINVAL);
	KT_ASSERT_EQ(irq_unregister(13), -ENOENT);
}

/*
 * No IRQ 7 is in service at the PIC, so one would be spurious: no
 * handler, no EOI. Through irq_entry only while the PIC is in charge.
 */
KTEST(irq, spurious_irq7_filtered)
{
	struct trap_frame tf = {.vector = IRQ_VECTOR_BASE + 7};
	unsigned long before = pic_spurious_count();
	int calls = 0;

	if (chip != &pic_irq_chip) {
		KT_ASSERT(pic_irq_chip.spurious(7));
		KT_ASSERT_EQ(pic_spurious_count(), before + 1);
		return;
	}
	KT_ASSERT_EQ(irq_register(7, irq_test_handler, &calls), 0);
	irq_mask(7); /* a real IRQ 7 must not interfere */
	irq_entry(&tf, (void *)7);
	KT_ASSERT_EQ(irq_unregister(7), 0);
	KT_ASSERT_EQ(calls, 0);
	KT_ASSERT_EQ(pic_spurious_count(), before + 1);
}

/* Is irq masked where it is routed now? */
static bool line_masked(unsigned int irq)
{
	uint32_t gsi;
	unsigned int flags;
	uint64_t entry = 0;

	if (chip == &pic_irq_chip)
		return pic_line_masked(irq);
	irq_isa_to_gsi(irq, &gsi, &flags);
	return ioapic_read_entry(gsi, &entry) == 0 && (entry & (1u << 16));
}

KTEST(irq, mask_reaches_the_controller)
{
	uint16_t saved = irq_masked;

	irq_unmask(5);
	KT_ASSERT(!line_masked(5));
	irq_unmask(12);
	KT_ASSERT(!line_masked(12));
	if (chip == &pic_irq_chip)
		KT_ASSERT(!pic_line_masked(IRQ_CASCADE));
	irq_mask(5);
	irq_mask(12);
	KT_ASSERT(line_masked(5));
	KT_ASSERT(line_masked(12));
	if (chip != &pic_irq_chip) /* the 8259 stays silent */
		for (unsigned int irq = 0; irq < IRQ_COUNT; irq++)
			KT_ASSERT(pic_line_masked(irq));
	for (unsigned int irq = 0; irq < IRQ_COUNT; irq++)
		set_masked(irq, saved & (1u << irq));
}

KTEST(irq, save_restore)
{
	bool was = irq_enabled();
	unsigned long outer = irq_save(), inner;

	KT_ASSERT(!irq_enabled());
	inner = irq_save();
	irq_restore(inner);
	KT_ASSERT(!irq_enabled()); /* nested: still off */
	irq_restore(outer);
	KT_ASSERT_EQ(irq_enabled(), was);
}
