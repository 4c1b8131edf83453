/*
 * panic and stack backtraces (kernel/debug/panic.c: the policy;
 * kernel/arch/x86_64/cpu/registers.c, backtrace.c: the registers and the
 * frame walk).
 *
 * panic prints "panic: <message>", the registers and a symbolized
 * backtrace, then stops: under test= it ends the QEMU run with failure
 * (KTEST_EXIT_FAIL), else it halts the CPU for good. A panic while
 * panicking (a fault in the report itself) prints one line and stops the
 * same way at once.
 *
 * Backtraces follow the frame pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): [rbp] is the caller's rbp, [rbp + 8] the
 * return address. A frame is read only if it lies inside a known kernel
 * stack (the boot stack, the IST stacks, and any stack registered with
 * backtrace_register_stack) and the chain only climbs, so a corrupt rbp
 * ends the trace instead of faulting. Lines look like
 *
 *	  [<ffffffff8000a1c4>] kmain+0x1c/0x80
 *
 * with the symbol left out when the address has none (<kernel/ksym.h>).
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>

struct trap_frame;

/* Report and stop; the registers shown are the current ones. */
noreturn void panic(const char *fmt, ...) __printf(1, 2);

/*
 * The same for a trap that is a kernel bug: the registers are tf's and the
 * backtrace starts at the trapping instruction (trap_report's output, see
 * <kernel/interrupt.h>).
 */
noreturn void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
	__printf(2, 3);

#define BACKTRACE_MAX_DEPTH 32

/*
 * Collect up to max return addresses from the frame chain starting at rbp.
 * Returns how many were stored; stops at the first frame outside a known
 * stack, at a frame that does not climb, or at a return address of 0.
 */
size_t backtrace_walk(uintptr_t rbp, uintptr_t *pcs, size_t max);

/* Print "Call trace:" and the trace: rip first (if not 0), then rbp's. */
void backtrace_print(uintptr_t rip, uintptr_t rbp);

/* Print the caller's backtrace (debugging aid; does not stop). */
void dump_stack(void);

/*
 * Tell the backtracer about a kernel stack [base, base + size): mm's
 * kernel stacks, later each thread's. 0, -EINVAL, -ENOSPC (the table is
 * small: BACKTRACE_MAX_STACKS). Registering the same range again is a
 * no-op.
 */
#define BACKTRACE_MAX_STACKS 128 /* 8 CPUs: boot, IST and kernel stacks */
int backtrace_register_stack(uintptr_t base, size_t size);

#endif
