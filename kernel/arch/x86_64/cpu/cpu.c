/*
 * The x86_64 side of <kernel/arch.h>: halting, CPU state queries, a page
 * table walk, and the QEMU exit port the in-kernel tests use. Generic code
 * reaches the CPU only through these arch_* functions.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/io.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/errno.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4

#define CR4_LA57 (1ULL << 12)

#define PTE_PRESENT (1ULL << 0)
#define PTE_HUGE (1ULL << 7) /* 1 GiB / 2 MiB page in a PDPT / PD entry */
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

static uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

bool arch_cpu_is_virtual(void)
{
	return cpuid_has(1, 2, 31); /* CPUID.1:ECX bit 31, "hypervisor" */
}

void arch_qemu_exit(uint8_t code)
{
	/* A byte write works whether the device was given iosize 1 or 4. */
	outb(QEMU_DEBUG_EXIT_PORT, code);
}

unsigned int arch_paging_levels(void)
{
	return (read_cr4() & CR4_LA57) ? 5 : 4;
}

__attribute__((noinline)) uintptr_t arch_stack_pointer(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	return sp;
}

/*
 * Walk from CR3 down, one table per level, stopping early at a 1 GiB or
 * 2 MiB page. The tables are read through the HHDM, which the loader
 * guarantees covers the memory it built them in.
 */
int arch_virt_to_phys(uintptr_t virt, uint64_t hhdm_offset, uint64_t *phys)
{
	uint64_t table = read_cr3() & PTE_ADDR_MASK;

	for (unsigned int level = arch_paging_levels(); level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		const volatile uint64_t *entries =
			(const volatile uint64_t *)(table + hhdm_offset);
		uint64_t pte = entries[(virt >> shift) & 511];

		if (!(pte & PTE_PRESENT))
			return -EFAULT;
		if (level == 1 ||
		    ((level == 2 || level == 3) && (pte & PTE_HUGE))) {
			uint64_t offset_mask = (1ULL << shift) - 1;
			*phys = (pte & PTE_ADDR_MASK & ~offset_mask) |
				(virt & offset_mask);
			return 0;
		}
		table = pte & PTE_ADDR_MASK;
	}
	return -EFAULT; /* not reached: level 1 always returns */
}
