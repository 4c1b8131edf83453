/*
 * kmain, the kernel's ELF entry point: the loader jumps here in 64-bit long
 * mode with interrupts off, on a stack of at least BOOT_STACK_SIZE, with
 * the kernel mapped at a possibly randomised address. The whole init order
 * is here, one call per line; each subsystem's *_init says what it needs.
 */
#include <kernel/acpi.h>
#include <kernel/arch.h>
#include <kernel/blkdev.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/fs.h>
#include <kernel/net.h>
#include <kernel/futex.h>
#include <kernel/console.h>
#include <kernel/interrupt.h>
#include <kernel/keyboard.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/monitor.h>
#include <kernel/profile.h>
#include <kernel/power.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/ramdisk.h>
#include <kernel/sched.h>
#include <kernel/security.h>
#include <kernel/serial.h>
#include <kernel/smp.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/tty.h>
#include <kernel/uvm.h>
#include <kernel/version.h>

static noreturn void kmain_on_kernel_stack(void);
static void start_kernel_init(void);

/*
 * The protocol pushes a return address of 0 before jumping here, so the
 * stack is aligned as after a call; force_align_arg_pointer keeps kmain
 * safe with a loader that gets this wrong.
 */
__attribute__((force_align_arg_pointer)) noreturn void kmain(void)
{
	serial_init(); /* registers COM1 as the first console */
	kprintf(RASTOS_NAME " " RASTOS_VERSION " (" RASTOS_ARCH ") booting\n");
	boot_info_init();
	cmdline_init(boot_info->cmdline);
	profile_init(); /* "profile=": sampling starts with each CPU's timer */
	cpu_init();
	spin_lock_choose_mode(); /* tickets, or test-and-set on a vCPU */
	security_init();	 /* SMEP/SMAP/UMIP, stack canary, kwatch */
	mm_init(); /* page allocator, kernel page tables, heap, vmalloc */
	mm_switch_to_kernel_stack(kmain_on_kernel_stack);
}

/*
 * The rest of the init order, on kernel stack 0 (an unmapped guard page
 * below it catches an overflow); the loader's stack is left behind.
 */
static noreturn void kmain_on_kernel_stack(void)
{
	security_check_wx();  /* the kernel's own page tables are in force */
	console_video_init(); /* VGA text or framebuffer console */
	acpi_init();	      /* firmware tables: CPUs, IRQ routing, power */
	power_init();	      /* ACPI mode, power button on the SCI */
	irq_init();
	apic_init();  /* local APIC, IOAPIC (MADT overrides); 8259 masked */
	time_init();  /* HPET, TSC, LAPIC timer: clocks, tick, one-shots */
	sched_init(); /* run queues; from here kmain is CPU 0's idle task */
	smp_init();   /* the other CPUs; before the loader's memory goes */
	serial_irq_init(); /* COM1 input by IRQ 4 */
	keyboard_init();   /* i8042, IRQ 1; a console input */
	boot_log();
	mm_reclaim_bootloader(); /* last user of the loader's memory is gone */
	syscall_init();		 /* the syscall trace, if asked for */
	uvm_init();		 /* user address spaces */
	proc_init();		 /* processes, signals */
	futex_init();
	fs_init();   /* inodes; the initramfs becomes the file tree */
	block_init(); /* block devices (before any disk driver) */
	net_init();  /* sockets */
	tty_init();  /* terminals: the console, VTs, serial, ptys */
	vdso_init(); /* the user-mode clock, mapped into every process */
	start_kernel_init(); /* the rest, in a thread of its own */
	sched_idle_loop();
}

/*
 * The first kernel thread: what needs a task of its own to run in (it
 * may sleep; the idle task may not). It ends in user space, or at the
 * kernel monitor's prompt when there is no /init to run.
 */
static void kernel_init(void *arg)
{
	/* The tests expect the boot CPU, as when kmain ran them. */
	sched_set_affinity(current_task(), 1);
	ramdisk_init(); /* reads partition tables: sleeps */
	ktest_run_if_requested();
	sched_set_affinity(current_task(), ~0ULL); /* init inherits it */
	power_cmdline_action(); /* power=off|reboot, for tests */
	kprintf("rastOS: boot complete\n");
	proc_start_init(); /* returns only if there is no /init to run */
	monitor_run();	   /* the kernel's own prompt, without a user space */
}

static void start_kernel_init(void)
{
	struct task *t = kthread_create(kernel_init, NULL, "kernel_init");

	if (!t)
		panic("init: no memory for the first kernel thread");
	sched_start(t);
}
