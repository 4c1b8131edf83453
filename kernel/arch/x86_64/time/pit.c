/*
 * The system tick from the 8253/8254 programmable interval timer (see
 * <kernel/timer.h>). Channel 0 runs as a rate generator at TIMER_HZ and
 * raises IRQ 0; the handler only counts. It is the simplest periodic
 * source every PC (and QEMU machine) has, and the tick from irq_init
 * until time_init, where CPU 0's local APIC timer takes over behind the
 * same timer_ticks() (lapic_timer.c) and the PIT is stopped.
 */
#include <kernel/arch/x86_64/io.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/timer.h>

#include "cpu/cpu.h"
#include "time/time_priv.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE 0x61 /* bit 0 gate 2, bit 1 speaker, bit 5 output 2 */
#define PIT_GATE_ON 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20
/* Channel 2, lobyte then hibyte, mode 0, binary. */
#define PIT_CMD_CH2_ONESHOT 0xb0
/* Channel 0, lobyte then hibyte, mode 2 (rate generator), binary. */
#define PIT_CMD_CH0_RATE 0x34
/* Channel 0, lobyte then hibyte, mode 0 (one interrupt at terminal count). */
#define PIT_CMD_CH0_ONESHOT 0x30
#define PIT_BASE_HZ 1193182
#define PIT_DIVISOR ((PIT_BASE_HZ + TIMER_HZ / 2) / TIMER_HZ)

static void pit_tick(struct trap_frame *tf, void *arg)
{
	timer_tick();
}

void pit_init(void)
{
	int err;

	outb(PIT_COMMAND, PIT_CMD_CH0_RATE);
	outb(PIT_CHANNEL0, PIT_DIVISOR & 0xff);
	outb(PIT_CHANNEL0, PIT_DIVISOR >> 8);
	err = irq_register(0, pit_tick, NULL);
	if (err)
		panic("pit: cannot register IRQ 0 (%d)", err);
}

/*
 * Mode 0 counts down once and stops; the line stays masked, and the
 * handler stays registered (IRQ 0 remains the timer's, not a driver's).
 */
void pit_stop(void)
{
	irq_mask(0);
	outb(PIT_COMMAND, PIT_CMD_CH0_ONESHOT);
	outb(PIT_CHANNEL0, 0xff);
	outb(PIT_CHANNEL0, 0xff);
}

/*
 * Channel 2 (the speaker's, gated by port 0x61 bit 0, its output readable
 * at bit 5) counts down once in mode 0; the output rises at zero. Used
 * to calibrate without an HPET, and by udelay before time_init.
 */
void pit_busy_wait_us(unsigned int us)
{
	uint32_t count = (uint32_t)((uint64_t)us * PIT_BASE_HZ / 1000000);
	uint8_t gate = inb(PIT_GATE) & ~(PIT_GATE_ON | PIT_SPEAKER);

	count = count < 1 ? 1 : count > 0xffff ? 0xffff : count;
	outb(PIT_GATE, gate);
	outb(PIT_COMMAND, PIT_CMD_CH2_ONESHOT);
	outb(PIT_CHANNEL2, count & 0xff);
	outb(PIT_CHANNEL2, count >> 8);
	outb(PIT_GATE, gate | PIT_GATE_ON);
	for (unsigned long i = 0; i < 100000000UL; i++) {
		if (inb(PIT_GATE) & PIT_OUT2)
			break;
	}
	outb(PIT_GATE, gate);
}
