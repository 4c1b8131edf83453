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
 * What the registers and the stack look like is the architecture's to
 * print (arch_panic_dump, trap_report).
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

static int panic_depth;
static int panic_cpu;	   /* the CPU that panicked first */
static uintptr_t panic_pc; /* where the first panic came from */
static bool exit_qemu;

/*
 * Returns on the first panic only. A second one (a fault in the report)
 * says so in one line, with both places as raw addresses (symbols could
 * fault again), and stops; should even that line fault, the third stops
 * silently. pc: the caller of panic, or the trapping instruction.
 */
static void panic_enter(uintptr_t pc)
{
	int depth;

	irq_save();
	depth = __atomic_add_fetch(&panic_depth, 1, __ATOMIC_SEQ_CST);
	if (depth == 1) {
		panic_pc = pc;
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
		kprintf("\npanic: fault at %016lx while reporting a panic from "
			"%016lx; stopped\n",
			pc, panic_pc);
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

noreturn void panic(const char *fmt, ...)
{
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
	uintptr_t ret = (uintptr_t)__builtin_return_address(0);
	va_list ap;

	panic_enter(ret);
	va_start(ap, fmt);
	print_message(fmt, ap);
	va_end(ap);
	arch_panic_dump(ret, frame);
	panic_stop();
}

noreturn void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	panic_enter(arch_trap_pc(tf));
	va_start(ap, fmt);
	print_message(fmt, ap);
	va_end(ap);
	trap_report(tf);
	panic_stop();
}
