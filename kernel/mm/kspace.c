/*
 * The kernel's own page tables (kernel_space), built once at mm_init on
 * the loader's tables and then loaded into CR3; from there on the
 * loader's tables are garbage (bootloader-reclaimable). What is mapped:
 *
 *  - the direct map (HHDM) at the loader's offset, so that every pointer
 *    the loader gave stays valid: all RAM of the memory map, read-write,
 *    no execute, in 1 GiB / 2 MiB pages where they fit; framebuffers
 *    write-combining; the BIOS areas below 1 MiB (RSDP, EBDA) read-only;
 *  - the kernel image at its (slid) address, section by section: text
 *    read + execute, rodata read-only, data and bss read-write (W^X);
 *  - the top-level entries of the vmalloc area, made now and sealed, so
 *    that user spaces can copy the kernel half once.
 *
 * Nothing in the lower half: a NULL pointer faults. Device memory is not
 * in the direct map; vm_ioremap maps it. docs/ARCHITECTURE.md has the map.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/vm.h>

#include "internal.h"

uint64_t vm_direct_map_end;

static void map_or_panic(uintptr_t va, uint64_t pa, uint64_t size,
			 unsigned int prot, const char *what)
{
	int err = vm_map(&kernel_space, va, pa, size, prot);

	if (err)
		panic("mm: cannot map %s at 0x%lx (phys 0x%lx, %lu KiB): %d",
		      what, va, pa, (uint64_t)(size / KiB), err);
}

/* How a memory map entry is in the direct map; -1: it is not. */
static int direct_prot(uint64_t type)
{
	if (mm_is_ram(type))
		return VM_WRITE;
	if (type == LIMINE_MEMMAP_FRAMEBUFFER)
		return VM_WRITE | VM_WC;
	return -1;
}

static void map_run(uint64_t start, uint64_t end, int prot)
{
	if (prot < 0 || end <= start)
		return;
	map_or_panic(mm_hhdm + start, start, end - start, (unsigned int)prot,
		     "the direct map");
	vm_direct_map_end = MAX(vm_direct_map_end, end);
}

/*
 * Adjacent entries mapped alike form one run (larger pages); an entry not
 * page-aligned shares a page with its neighbour, which is mapped once.
 */
static void map_direct(void)
{
	uint64_t run_start = 0, run_end = 0;
	int run_prot = -1;

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];
		uint64_t start = ALIGN_DOWN(e->base, PAGE_SIZE);
		uint64_t end = ALIGN_UP(e->base + e->length, PAGE_SIZE);
		int prot = direct_prot(e->type);

		start = MAX(start, run_end);
		if (prot < 0 || start >= end)
			continue;
		if (prot == run_prot && start == run_end) {
			run_end = end;
			continue;
		}
		map_run(run_start, run_end, run_prot);
		run_start = start;
		run_end = end;
		run_prot = prot;
	}
	map_run(run_start, run_end, run_prot);
}

/* The BIOS data below 1 MiB that firmware tables live in, read-only. */
static void map_bios_areas(void)
{
	static const uint64_t areas[][2] = {{0, 0xa0000}, {0xe0000, 0x100000}};

	for (size_t i = 0; i < ARRAY_SIZE(areas); i++) {
		for (uint64_t pa = areas[i][0]; pa < areas[i][1];
		     pa += PAGE_SIZE) {
			if (vm_translate(&kernel_space, mm_hhdm + pa, NULL,
					 NULL) != 0)
				map_or_panic(mm_hhdm + pa, pa, PAGE_SIZE, 0,
					     "the BIOS area");
		}
	}
}

/* One section of the image, where the loader put it (checked). */
static void map_section(const char *start, const char *end, unsigned int prot,
			const char *what)
{
	uintptr_t va = ALIGN_DOWN((uintptr_t)start, PAGE_SIZE);
	uintptr_t va_end = ALIGN_UP((uintptr_t)end, PAGE_SIZE);
	uint64_t pa = boot_info->kernel_phys + (va - boot_info->kernel_virt);

	for (uintptr_t v = va; v < va_end; v += PAGE_SIZE) {
		uint64_t loader_pa;

		if (arch_virt_to_phys(v, mm_hhdm, &loader_pa) != 0 ||
		    loader_pa != pa + (v - va))
			panic("mm: %s at 0x%lx is not where the loader said",
			      what, v);
	}
	map_or_panic(va, pa, va_end - va, prot, what);
}

static void map_image(void)
{
	map_section(__text_start, __text_end, VM_EXEC, "kernel text");
	map_section(__rodata_start, __rodata_end, 0, "kernel rodata");
	map_section(__data_start, __kernel_end, VM_WRITE, "kernel data");
}

/* The direct map must stay clear of the vmalloc area and the image. */
static void check_layout(void)
{
	if (!(mm_hhdm >> 63) || mm_hhdm + vm_direct_map_end > VMALLOC_START)
		panic("mm: the direct map at 0x%lx (%lu MiB) overlaps the "
		      "vmalloc area",
		      (uint64_t)mm_hhdm, (uint64_t)(vm_direct_map_end / MiB));
	if (boot_info->kernel_virt < VMALLOC_END)
		panic("mm: the kernel at 0x%lx is below the vmalloc area",
		      boot_info->kernel_virt);
}

void vm_kernel_init(void)
{
	uintptr_t sp = arch_stack_pointer();

	arch_mmu_init();
	if (arch_kernel_space_init())
		panic("mm: no memory for the kernel's page tables");
	map_direct();
	check_layout();
	map_bios_areas();
	map_image();
	if (arch_kernel_space_reserve(VMALLOC_START, VMALLOC_END) ||
	    arch_kernel_space_reserve((uintptr_t)__kernel_start,
				      (uintptr_t)__kernel_end))
		panic("mm: no memory for the kernel's page tables");
	arch_kernel_space_seal();
	/* kmain's stack is the loader's, in its memory: in the direct map. */
	if (vm_translate(&kernel_space, sp, NULL, NULL) != 0)
		panic("mm: the boot stack at 0x%lx is not in the direct map",
		      sp);
	vm_space_switch(&kernel_space);
}
