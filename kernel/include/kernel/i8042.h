/*
 * The i8042 PS/2 controller (ports 0x60/0x64): the chip, or the chipset's
 * emulation of it, between the CPU and the PS/2 keyboard. The keyboard
 * driver (<kernel/keyboard.h>) is its only user for data; the reset line
 * it also controls reboots the machine (<kernel/reboot.h>).
 *
 * Only port 1 (the keyboard) is used; port 2 (a mouse) is left disabled.
 * Every wait on the controller is bounded, so a missing or wedged one
 * costs a fraction of a second and a message, never a hang.
 */
#ifndef KERNEL_I8042_H
#define KERNEL_I8042_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reset and test the controller and set it up for the keyboard: port 1
 * enabled with its IRQ (1) and set 2 -> set 1 translation on, port 2 off.
 * Prints what went wrong, if anything. 0, -ENODEV (no controller), or
 * -EIO (it failed its self-test or the port 1 interface test).
 */
int i8042_init(void);

/* Did i8042_init find a working controller? */
bool i8042_present(void);

/*
 * A byte from the keyboard waiting in the output buffer, or -1 (nothing,
 * or a byte from port 2, which is dropped). Never blocks.
 */
int i8042_read(void);

/* Send a byte to the keyboard: 0, or -EIO if the controller never took it. */
int i8042_write(uint8_t byte);

/*
 * Pulse the CPU reset line (command 0xFE). Works without i8042_init;
 * returns if nothing happened (no controller, or the chipset ignores it).
 */
void i8042_reset_cpu(void);

#endif
