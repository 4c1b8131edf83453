/*
 * Declarations shared by the interrupt-controller files of this
 * directory only (irq.c, pic.c, lapic.c, ioapic.c, and their users in
 * the timer and SMP code). Generic code uses <kernel/interrupt.h>.
 *
 * irq.c keeps the legacy IRQ table and sends each IRQ through the
 * struct irq_chip in use: the 8259 PIC from irq_init, the IOAPIC from
 * apic_init on.
 */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* What irq.c needs of a legacy-IRQ controller. */
struct irq_chip {
	const char *name;
	/* Take over: program every line, masked where bit n of masked is. */
	void (*start)(uint16_t masked);
	void (*set_masked)(unsigned int irq, bool masked);
	/* A spurious interrupt on irq: no handler, no EOI (may be NULL). */
	bool (*spurious)(unsigned int irq);
	void (*eoi)(unsigned int irq);
};

/* irq.c: switch the legacy IRQs to chip, with interrupts off. */
void irq_set_chip(const struct irq_chip *chip);

/* pic.c: the 8259 pair. */
extern const struct irq_chip pic_irq_chip;
void pic_remap(void);	/* ICWs: vectors 0x20-0x2f, all masked */
void pic_disable(void); /* mask every line, for good */
bool pic_line_masked(unsigned int irq); /* as the PIC's IMR says */
unsigned long pic_spurious_count(void);

/* Local APIC registers (xAPIC offsets; x2APIC MSR 0x800 + reg / 16). */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_ONESHOT (0u << 17)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_TIMER_DIVIDE_1 0xb

/* lapic.c */
bool lapic_present(void);
bool lapic_x2apic(void);
/*
 * The boot CPU's local APIC: x2APIC mode if the CPU has it, else the
 * xAPIC page mapped uncached. 0, or -ENODEV (no APIC: PIC and PIT stay).
 */
int lapic_init(void);
/*
 * Program this CPU's LAPIC: enabled, spurious and error vectors, LINT0/1
 * (LINT0 the 8259's ExtINT if extint, on the boot CPU while the PIC
 * routes the legacy IRQs), timer masked.
 */
void lapic_setup_cpu(bool extint);
uint32_t lapic_id(void);
uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t value);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, unsigned int vector);
void lapic_send_nmi(uint32_t apic_id);
unsigned long lapic_error_count(void);
unsigned long lapic_spurious_count(void);

/* ioapic.c */
extern const struct irq_chip ioapic_irq_chip;
/* Map the MADT's IOAPICs, every input masked: how many (0: none). */
unsigned int ioapic_init(void);
/* The redirection entry of gsi (tests): 0 or -ENODEV. */
int ioapic_read_entry(uint32_t gsi, uint64_t *entry);

#endif
