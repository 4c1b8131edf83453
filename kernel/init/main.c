/*
 * kmain, the kernel's ELF entry point: the loader jumps here in 64-bit long
 * mode with interrupts off, on a stack of at least BOOT_STACK_SIZE, with
 * the kernel mapped at a possibly randomised address. The whole init order
 * is here, one call per line; each subsystem's *_init says what it needs.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <kernel/version.h>

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
	boot_log();
	ktest_run_if_requested();
	kprintf("rastOS: boot complete\n");
	arch_halt_forever();
}
