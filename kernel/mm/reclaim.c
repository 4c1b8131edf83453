/*
 * mm_reclaim_bootloader (<kernel/mm.h>): the loader's memory (its code,
 * page tables, responses, the boot stack) goes to the page allocator once
 * nothing uses it. Some still is: boot_info->cpus points into the MP
 * response, whose pages are kept for good (the SMP start-up writes
 * goto_address there), and so does boot_info->kernel_file, which the
 * real Limine loads into bootloader-reclaimable memory (rastboot marks it
 * executable-and-modules) and the symbol table is read from; and other
 * CPUs parked by the loader run its code and page tables in that memory,
 * so with more than one CPU nothing is reclaimed before the SMP start-up
 * says mm_loader_cpus_released.
 */
#include <kernel/boot.h>
#include <kernel/printk.h>

#include "internal.h"

#define KIB_PER_PAGE ((uint64_t)(PAGE_SIZE / KiB))

static bool reclaimed, cpus_released;

void mm_loader_cpus_released(void)
{
	cpus_released = true;
}

/* Does [p, p + size) (a direct-map pointer) touch page frame pfn? */
static bool touches(const volatile void *p, size_t size, uint64_t pfn)
{
	uint64_t phys = (uintptr_t)p - mm_hhdm;

	return pfn >= phys >> PAGE_SHIFT &&
	       pfn <= (phys + size - 1) >> PAGE_SHIFT;
}

/*
 * Loader memory boot_info still points into and so keeps: the MP
 * response (boot_info->cpus), which the SMP start-up writes to, and the
 * kernel's ELF file (symbols for backtraces).
 */
static bool pinned(uint64_t pfn)
{
	const struct boot_info *b = boot_info;

	if (b->kernel_file && b->kernel_file_size &&
	    touches(b->kernel_file, b->kernel_file_size, pfn))
		return true;
	if (!b->cpus)
		return false;
	if (touches(b->cpus, b->cpu_count * sizeof(b->cpus[0]), pfn))
		return true;
	for (uint64_t i = 0; i < b->cpu_count; i++) {
		if (touches(b->cpus[i], sizeof(*b->cpus[i]), pfn))
			return true;
	}
	return false;
}

/* Free [start, end) less the pinned pages; returns the pages freed. */
static uint64_t reclaim_range(uint64_t start, uint64_t end)
{
	uint64_t freed = 0, run = start;

	for (uint64_t pfn = start; pfn <= end; pfn++) {
		if (pfn < end && !pinned(pfn))
			continue;
		if (pfn > run) {
			pmm_reclaim(run, pfn);
			freed += pfn - run;
		}
		run = pfn + 1;
	}
	return freed;
}

void mm_reclaim_bootloader(void)
{
	uint64_t pages = 0, total = 0;

	if (reclaimed)
		return;
	if (!mm_on_kernel_stack ||
	    (boot_info->cpu_count > 1 && !cpus_released)) {
		klog(KLOG_WARN, "mm: bootloader memory kept: %s\n",
		     mm_on_kernel_stack ? "other CPUs are parked in it"
					: "kmain still runs on its stack");
		return;
	}
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];

		if (e->type != LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE)
			continue;
		pages += reclaim_range(e->base >> PAGE_SHIFT,
				       (e->base + e->length) >> PAGE_SHIFT);
		total += e->length >> PAGE_SHIFT;
	}
	reclaimed = true;
	kprintf("mm: reclaimed %lu KiB from the bootloader\n",
		pages * KIB_PER_PAGE);
	/* The tests check reclaimed + kept against the memory map. */
	kprintf("mm: kept %lu KiB of bootloader memory (MP response, kernel "
		"file)\n",
		(total - pages) * KIB_PER_PAGE);
}
