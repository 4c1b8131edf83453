/*
 * The x86_64 register dump of a panic or a trap report: the general
 * registers Linux-style, then the control registers. panic() calls
 * arch_panic_dump, which captures the registers as they are (near
 * enough: as panic was entered) and prints them like a trap's.
 */
#include <stddef.h>
#include <kernel/arch.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#include "cpu/cpu.h"

/*
 * The registers of tf, Linux-style. In panic's own frame rip is a return
 * address, symbolized as such (ksym_format_return).
 */
static void print_registers(const struct trap_frame *tf, bool rip_is_return)
{
	char sym[KSYM_NAME_BUF];

	if (rip_is_return)
		ksym_format_return(tf->rip, sym, sizeof(sym));
	else
		ksym_format(tf->rip, sym, sizeof(sym));
	kprintf("RIP: %04lx:%016lx%s%s\n", tf->cs & 0xffff, tf->rip,
		sym[0] ? " " : "", sym);
	kprintf("RSP: %04lx:%016lx RFLAGS: %08lx\n", tf->ss & 0xffff, tf->rsp,
		tf->rflags);
	kprintf("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx,
		tf->rcx);
	kprintf("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi,
		tf->rdi);
	kprintf("RBP: %016lx R08: %016lx R09: %016lx\n", tf->rbp, tf->r8,
		tf->r9);
	kprintf("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11,
		tf->r12);
	kprintf("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14,
		tf->r15);
	kprintf("CR0: %016lx CR2: %016lx CR3: %016lx\n", read_cr0(), read_cr2(),
		read_cr3());
	kprintf("CR4: %016lx\n", read_cr4());
}

void trap_print_registers(const struct trap_frame *tf)
{
	print_registers(tf, false);
}

_Static_assert(offsetof(struct trap_frame, rax) == 14 * 8,
	       "capture_registers' offsets");

/* The general registers as they are now, in a trap frame. */
static __attribute__((always_inline)) inline void
capture_registers(struct trap_frame *r)
{
	__asm__ volatile("movq %%r15, 0(%0)\n\tmovq %%r14, 8(%0)\n\t"
			 "movq %%r13, 16(%0)\n\tmovq %%r12, 24(%0)\n\t"
			 "movq %%r11, 32(%0)\n\tmovq %%r10, 40(%0)\n\t"
			 "movq %%r9, 48(%0)\n\tmovq %%r8, 56(%0)\n\t"
			 "movq %%rbp, 64(%0)\n\tmovq %%rdi, 72(%0)\n\t"
			 "movq %%rsi, 80(%0)\n\tmovq %%rdx, 88(%0)\n\t"
			 "movq %%rcx, 96(%0)\n\tmovq %%rbx, 104(%0)\n\t"
			 "movq %%rax, 112(%0)\n\t"
			 "movq %%cs, %%rax\n\tmovq %%rax, 144(%0)\n\t"
			 "movq %%ss, %%rax\n\tmovq %%rax, 168(%0)\n\t"
			 "pushfq\n\tpopq 152(%0)\n\t"
			 :
			 : "r"(r)
			 : "rax", "memory");
}

void arch_panic_dump(uintptr_t ret, uintptr_t frame)
{
	struct trap_frame regs = {.vector = ~0ULL};

	capture_registers(&regs);
	/* Where panic was called from, with the caller's rsp and rbp. */
	regs.rip = ret;
	regs.rsp = frame + 16;
	regs.rbp = *(const uintptr_t *)frame;
	print_registers(&regs, true);
	backtrace_print(0, frame);
}
