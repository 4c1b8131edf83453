/*
 * Restarting the machine. For now only the legacy x86 ways, tried in
 * order: the i8042's CPU reset line, then a triple fault (an empty IDT and
 * an exception), which every x86 answers with a reset. ACPI reset comes
 * when the kernel reads the FADT.
 */
#ifndef KERNEL_REBOOT_H
#define KERNEL_REBOOT_H

#include <kernel/compiler.h>

/* Reset the machine now; interrupts are turned off first. */
noreturn void reboot(void);

#endif
