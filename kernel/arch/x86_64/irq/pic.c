/*
 * The two cascaded 8259 PICs, as a struct irq_chip for irq.c. The BIOS
 * leaves them delivering IRQ 0-7 on vectors 8-15, on top of the CPU
 * exceptions; pic_remap moves them to 0x20-0x2f with every line masked.
 * They route the legacy IRQs until apic_init finds an IOAPIC, which
 * calls pic_disable: all lines masked for good.
 *
 * Spurious IRQs: when a line drops before the CPU acknowledges it, the PIC
 * reports its lowest-priority line instead, IRQ 7 (master) or IRQ 15
 * (slave), without setting its in-service bit. Such an interrupt gets no
 * handler call and no EOI, except that the master did see a real IRQ 2
 * from the slave and needs its EOI.
 *
 * Callers (irq.c) hold the IRQ lock with interrupts off.
 */
#include <kernel/arch/x86_64/io.h>
#include <kernel/interrupt.h>

#include "irq/apic.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_ICW1_INIT 0x11 /* edge triggered, cascade, ICW4 follows */
#define PIC_ICW4_8086 0x01
#define PIC_READ_ISR 0x0b
#define PIC_EOI 0x20
#define IRQ_CASCADE 2

static uint16_t masks = 0xffff; /* bit n: IRQ n masked, as written */
static bool disabled;
static unsigned long spurious_count;

static void write_masks(void)
{
	outb(PIC1_DATA, masks & 0xff);
	outb(PIC2_DATA, masks >> 8);
}

/* ICW1-4 to both PICs: vector bases, cascade on IRQ 2, 8086 mode. */
void pic_remap(void)
{
	outb(PIC1_CMD, PIC_ICW1_INIT);
	io_wait();
	outb(PIC2_CMD, PIC_ICW1_INIT);
	io_wait();
	outb(PIC1_DATA, IRQ_VECTOR_BASE);
	io_wait();
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 1 << IRQ_CASCADE);
	io_wait();
	outb(PIC2_DATA, IRQ_CASCADE);
	io_wait();
	outb(PIC1_DATA, PIC_ICW4_8086);
	io_wait();
	outb(PIC2_DATA, PIC_ICW4_8086);
	io_wait();
	masks = 0xffff;
	write_masks();
}

void pic_disable(void)
{
	disabled = true;
	masks = 0xffff;
	write_masks();
}

bool pic_line_masked(unsigned int irq)
{
	return irq < 8 ? inb(PIC1_DATA) & (1u << irq)
		       : inb(PIC2_DATA) & (1u << (irq - 8));
}

unsigned long pic_spurious_count(void)
{
	return spurious_count;
}

static void pic_set_masked(unsigned int irq, bool masked)
{
	if (disabled)
		return;
	if (masked) {
		masks |= 1u << irq;
	} else {
		masks &= ~(1u << irq);
		if (irq >= 8) /* the slave reaches the CPU through IRQ 2 */
			masks &= ~(1u << IRQ_CASCADE);
	}
	write_masks();
}

static void pic_start(uint16_t masked)
{
	for (unsigned int irq = 0; irq < IRQ_COUNT; irq++)
		pic_set_masked(irq, masked & (1u << irq));
}

static void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

static uint8_t pic_in_service(uint16_t cmd_port)
{
	outb(cmd_port, PIC_READ_ISR);
	return inb(cmd_port);
}

static bool pic_spurious(unsigned int irq)
{
	if (irq == 7 && !(pic_in_service(PIC1_CMD) & 0x80)) {
		spurious_count++;
		return true;
	}
	if (irq == 15 && !(pic_in_service(PIC2_CMD) & 0x80)) {
		outb(PIC1_CMD, PIC_EOI); /* the cascade IRQ 2 was real */
		spurious_count++;
		return true;
	}
	return false;
}

const struct irq_chip pic_irq_chip = {
	.name = "8259 pic",
	.start = pic_start,
	.set_masked = pic_set_masked,
	.spurious = pic_spurious,
	.eoi = pic_eoi,
};
