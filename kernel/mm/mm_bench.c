/*
 * Benchmarks of memory management (suite bench, run only when named:
 * make bench boots with test=bench.* under QEMU -icount shift=0,sleep=off,
 * see scripts/bench.sh). Each prints "bench: NAME VALUE UNIT". Times are
 * TSC ticks: under -icount shift=0 QEMU's TSC advances one tick per
 * virtual nanosecond and the CPU one instruction per nanosecond, which
 * bench.tsc_counts_instructions checks; elsewhere they are just cycles.
 */
#include <kernel/arch.h>
#include <kernel/heap.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "internal.h"

#define ROUNDS 2000

static void report(const char *name, uint64_t ticks, uint64_t rounds)
{
	kprintf("bench: %s %lu ns\n", name, ticks / rounds);
}

KTEST(bench, page_alloc_free)
{
	uint64_t start = arch_cycles();

	for (int i = 0; i < ROUNDS; i++)
		pmm_free_pages(pmm_alloc_pages(0, 0), 0);
	report("page_alloc_free", arch_cycles() - start, ROUNDS);
}

static void kmalloc_bench(const char *name, size_t size)
{
	uint64_t start;

	kfree(kmalloc(size)); /* a slab ready: measure the steady state */
	start = arch_cycles();
	for (int i = 0; i < ROUNDS; i++)
		kfree(kmalloc(size));
	report(name, arch_cycles() - start, ROUNDS);
}

KTEST(bench, kmalloc_kfree_64)
{
	kmalloc_bench("kmalloc_kfree_64", 64);
}

KTEST(bench, kmalloc_kfree_4k)
{
	kmalloc_bench("kmalloc_kfree_4k", 4096);
}

KTEST(bench, map_unmap_4k)
{
	uintptr_t va = (uintptr_t)vmalloc_reserve(PAGE_SIZE);
	uint64_t phys = pmm_alloc_phys(0), start;

	KT_ASSERT(va && phys);
	vm_map(&kernel_space, va, phys, PAGE_SIZE, VM_WRITE); /* tables */
	vm_unmap(&kernel_space, va, PAGE_SIZE);
	start = arch_cycles();
	for (int i = 0; i < ROUNDS; i++) {
		vm_map(&kernel_space, va, phys, PAGE_SIZE, VM_WRITE);
		vm_unmap(&kernel_space, va, PAGE_SIZE);
	}
	report("map_unmap_4k", arch_cycles() - start, ROUNDS);
	pmm_free_phys(phys);
	vmalloc_unreserve((void *)va);
}

/* mm_init's own time at this boot (make bench boots with 512 MiB). */
KTEST(bench, mm_init)
{
	struct mm_stats st;

	mm_get_stats(&st);
	kprintf("bench: mm_init %lu ns (%lu MiB usable)\n", st.init_ticks,
		st.usable_kib / 1024);
}
