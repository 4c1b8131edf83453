/*
 * What generic kernel code may ask of the CPU architecture. The
 * implementation lives in kernel/arch/x86_64/; code outside arch/ calls
 * only these arch_* functions, never inline assembly of its own.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdint.h>
#include <kernel/compiler.h>

/* Disable interrupts and halt this CPU for good. */
noreturn void arch_halt_forever(void);

/*
 * Ask QEMU to exit through its isa-debug-exit device (port 0xf4); QEMU's
 * exit status is then (code << 1) | 1. Returns if there is no such device,
 * as on real hardware. Call only when the user asked for it (test=...).
 */
void arch_qemu_exit(uint8_t code);

/* 4 or 5: the paging depth the CPU runs with now (CR4.LA57). */
unsigned int arch_paging_levels(void);

/* The current stack pointer (of the caller, give or take a frame). */
uintptr_t arch_stack_pointer(void);

/*
 * Translate a virtual address through the active page tables, which are
 * read through the HHDM at hhdm_offset. 0, or -EFAULT if it is not mapped.
 */
int arch_virt_to_phys(uintptr_t virt, uint64_t hhdm_offset, uint64_t *phys);

#endif
