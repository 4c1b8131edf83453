/*
 * The x86_64 side of <kernel/reboot.h>. The 8042 reset pulse is the
 * classic way and works on QEMU's pc and q35 and most PCs; where it does
 * nothing (no controller, or a chipset that ignores it), loading an IDT of
 * limit 0 and raising an exception escalates to a triple fault, which the
 * CPU answers with a shutdown cycle that the chipset turns into a reset.
 */
#include <kernel/arch.h>
#include <kernel/i8042.h>
#include <kernel/reboot.h>

struct empty_idtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

noreturn void reboot(void)
{
	static const struct empty_idtr idtr = {0, 0};

	__asm__ volatile("cli" ::: "memory");
	i8042_reset_cpu();
	/* #BP finds no IDT entry: #GP, then #DF, then the triple fault. */
	__asm__ volatile("lidt %0; int3" : : "m"(idtr) : "memory");
	arch_halt_forever();
}
