/*
 * panic and panic_frame (see <kernel/panic.h>): the one way the kernel
 * stops on a bug. Both print "panic: <message>", registers and a
 * backtrace, then end the run: under test= by telling QEMU to exit with
 * failure (a panic is a failed test run, reported now rather than at the
 * harness's timeout), otherwise by halting.
 *
 * The report itself may fault (a broken console, a bad pointer in the
 * message's arguments, a stack overflow). panic_depth makes a second
 * entry stop at once, so a fault in the report cannot loop.
 * Interrupts go off first: a timer tick must not run in a dying kernel.
 */
#include <stddef.h>
#include <kernel/arch.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/console.h>
#include <kernel/smp.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#include "cpu/cpu.h"

static int panic_depth;
static int panic_cpu; /* the CPU that panicked first */
static bool exit_qemu;

/*
 * Returns on the first panic only. A second one (a fault in the report)
 * says so in one line and stops; should even that line fault, the third
 * stops silently.
 */
static void panic_enter(void)
{
	int depth;

	irq_save();
	depth = __atomic_add_fetch(&panic_depth, 1, __ATOMIC_SEQ_CST);
	if (depth == 1) {
		exit_qemu = ktest_requested();
		panic_cpu = percpu_ready() ? (int)cpu_id() : 0;
		if (percpu_ready())
			smp_stop_others(); /* nothing else runs on a broken kernel */
		console_panic();
		return;
	}
	/* Another CPU panicking at the same time: the first one reports. */
	if (percpu_ready() && (int)cpu_id() != panic_cpu)
		arch_halt_forever();
	if (depth == 2)
		kprintf("\npanic: fault while reporting a panic; stopped\n");
	if (exit_qemu)
		arch_qemu_exit(KTEST_EXIT_FAIL);
	arch_halt_forever();
}

static noreturn void panic_stop(void)
{
	kprintf("---[ end panic ]---\n");
	if (exit_qemu)
		arch_qemu_exit(KTEST_EXIT_FAIL);
	arch_halt_forever();
}

static void print_message(const char *fmt, va_list ap)
{
	kprintf("panic: ");
	vkprintf(fmt, ap);
	kprintf("\n");
}

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

/*
 * The general registers as they are now (near enough: as panic was
 * entered), in a trap frame so that they print like a trap's.
 */
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

noreturn void panic(const char *fmt, ...)
{
	uintptr_t *frame = __builtin_frame_address(0);
	struct trap_frame regs = {.vector = ~0ULL};
	va_list ap;

	capture_registers(&regs);
	/* Where panic was called from, with the caller's rsp and rbp. */
	regs.rip = (uintptr_t)__builtin_return_address(0);
	regs.rsp = (uintptr_t)(frame + 2);
	regs.rbp = frame[0];
	panic_enter();
	va_start(ap, fmt);
	print_message(fmt, ap);
	va_end(ap);
	print_registers(&regs, true);
	backtrace_print(0, (uintptr_t)frame);
	panic_stop();
}

noreturn void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	print_message(fmt, ap);
	va_end(ap);
	trap_report(tf);
	panic_stop();
}
