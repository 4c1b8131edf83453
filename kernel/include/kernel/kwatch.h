/*
 * kwatch: hardware watchpoints and breakpoints through the debug registers
 * (DR0-DR3 addresses, DR7 control), for catching who corrupts a variable:
 *
 *	int slot = kwatch_set(&suspect, sizeof(suspect), KWATCH_WRITE);
 *
 * The first write to it then panics with "kwatch: write to <addr>
 * (<symbol>)" and a backtrace of the writer. Four slots, shared by all
 * CPUs: set and clear load them into every online CPU before returning,
 * so call them with interrupts on (or before smp_init), never from an
 * interrupt handler.
 * GDB's hardware watchpoints (make debug) live in QEMU's gdbstub and do not
 * use these registers, so the two do not collide.
 */
#ifndef KERNEL_KWATCH_H
#define KERNEL_KWATCH_H

#include <stddef.h>
#include <stdint.h>

#define KWATCH_SLOTS 4

enum kwatch_type {
	KWATCH_EXEC,  /* instruction fetch at addr (len must be 1) */
	KWATCH_WRITE, /* data write to [addr, addr + len) */
	KWATCH_RW,    /* data read or write */
};

/*
 * Watch [addr, addr + len), len 1, 2, 4 or 8 and addr aligned to it.
 * Returns the slot (0-3), -EINVAL for a bad len, alignment or type, or
 * -EBUSY if all four slots are in use.
 */
int kwatch_set(uintptr_t addr, size_t len, enum kwatch_type type);

/* Free a slot kwatch_set returned: 0, or -EINVAL if it is not in use. */
int kwatch_clear(int slot);

/* Register the #DB handler; security_init calls it. 0 or -errno. */
int kwatch_init(void);

#endif
