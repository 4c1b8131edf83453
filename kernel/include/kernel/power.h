/*
 * Turning the machine off and restarting it, and the ACPI power button.
 * Implemented in kernel/acpi/ (power.c, button.c) on top of the FADT and
 * \_S5 that acpi_init found (<kernel/acpi.h>).
 *
 * power_off enters ACPI S5 (soft off): SLP_TYPa/b from \_S5 with SLP_EN
 * into PM1a/b_CNT. Without ACPI, or if the machine is still running a
 * second later, it says so and halts. power_reboot writes the FADT reset
 * register (ACPI 2.0+, RESET_REG_SUP), then falls back to the 8042 reset
 * line and a triple fault (<kernel/reboot.h>). Both turn interrupts off
 * first and may be called from an interrupt handler; the later reboot(2)
 * system call ends in them.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <kernel/compiler.h>

noreturn void power_off(void);
noreturn void power_reboot(void);

/*
 * Switch to ACPI mode and arm the fixed power button (PWRBTN_EN, the SCI
 * on its legacy IRQ), whose press powers off. Logs why not if it cannot.
 * Call after acpi_init; irq_register may come before irq_init.
 */
void power_init(void);

/*
 * For tests: power=off or power=reboot on the command line powers off or
 * reboots right here; otherwise this returns. Called at the end of kmain.
 */
void power_cmdline_action(void);

#endif
