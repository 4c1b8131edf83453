/*
 * In-kernel tests of the page tables and the kernel's layout (suite vmm):
 * map, unmap and protect checked through a second mapping (the direct
 * map), large pages split by a partial change, the kernel image W^X,
 * the direct map, nothing in the lower half. The boot matrix runs them
 * with 4- and 5-level paging (and 1 GiB pages on -cpu max).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/sections.h>
#include <kernel/security.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#include "internal.h"

#define TEST_USE PMM_USE(MM_USE_TEST)

static uint64_t read_via(uintptr_t va)
{
	return *(volatile uint64_t *)va;
}

static void write_via(uintptr_t va, uint64_t v)
{
	*(volatile uint64_t *)va = v;
}

KTEST(vmm, paging_levels)
{
	KT_ASSERT_EQ(vm_paging_levels(), arch_paging_levels());
	KT_ASSERT_EQ(vm_paging_levels(), boot_info->paging_levels);
	KT_ASSERT_EQ(vm_user_end(),
		     (vm_paging_levels() == 5 ? 1ULL << 56 : 1ULL << 47) -
			     PAGE_SIZE);
}

KTEST(vmm, kernel_space_loaded_lower_half_empty)
{
	const uint64_t *root = (const uint64_t *)(mm_hhdm + kernel_space.root);

	KT_ASSERT_EQ(arch_current_root(), kernel_space.root);
	KT_ASSERT(vm_space_current() == &kernel_space);
	for (unsigned int i = 0; i < 256; i++)
		KT_ASSERT_EQ(root[i], 0);
	KT_ASSERT(vm_translate(&kernel_space, 0, NULL, NULL) == -EFAULT);
}

/* Each page of [start, end) maps the image's page with exactly prot. */
static bool section_is(const char *start, const char *end, unsigned int prot)
{
	unsigned int mask = VM_WRITE | (arch_mmu_has_nx() ? VM_EXEC : 0);

	for (uintptr_t va = ALIGN_DOWN((uintptr_t)start, PAGE_SIZE);
	     va < (uintptr_t)end; va += PAGE_SIZE) {
		uint64_t phys;
		unsigned int got;

		if (vm_translate(&kernel_space, va, &phys, &got) != 0 ||
		    (got & mask) != (prot & mask) ||
		    phys != boot_info->kernel_phys +
				    (va - boot_info->kernel_virt))
			return false;
	}
	return true;
}

KTEST(vmm, kernel_image_w_xor_x)
{
	KT_ASSERT(section_is(__text_start, __text_end, VM_EXEC));
	KT_ASSERT(section_is(__rodata_start, __rodata_end, 0));
	KT_ASSERT(section_is(__data_start, __kernel_end, VM_WRITE));
	KT_ASSERT_EQ(security_wx_check(), 0);
}

KTEST(vmm, direct_map_covers_ram)
{
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];
		uint64_t first = ALIGN_UP(e->base, PAGE_SIZE), phys;
		uint64_t last = ALIGN_DOWN(e->base + e->length - 1, PAGE_SIZE);
		unsigned int prot;

		if ((!mm_is_ram(e->type) &&
		     e->type != LIMINE_MEMMAP_FRAMEBUFFER) ||
		    first > last)
			continue;
		KT_ASSERT_EQ(vm_translate(&kernel_space, mm_hhdm + last, &phys,
					  &prot),
			     0);
		KT_ASSERT_EQ(phys, last);
		KT_ASSERT_EQ(vm_translate(&kernel_space, mm_hhdm + first, &phys,
					  &prot),
			     0);
		KT_ASSERT_EQ(phys, first);
		KT_ASSERT(prot & VM_WRITE);
		KT_ASSERT(!(prot & VM_EXEC) || !arch_mmu_has_nx());
		KT_ASSERT_EQ(!!(prot & VM_WC),
			     e->type == LIMINE_MEMMAP_FRAMEBUFFER);
	}
}

/* Map, protect, unmap and remap one page, checked through the HHDM. */
KTEST(vmm, map_protect_unmap_via_hhdm)
{
	uintptr_t va = (uintptr_t)vmalloc_reserve(PAGE_SIZE);
	struct page *p = pmm_alloc_pages(0, TEST_USE);
	struct page *q = pmm_alloc_pages(0, TEST_USE);
	uintptr_t hp = (uintptr_t)page_address(p),
		  hq = (uintptr_t)page_address(q);
	unsigned int prot;
	uint64_t phys;

	KT_ASSERT(va && p && q);
	KT_ASSERT_EQ(
		vm_map(&kernel_space, va, page_to_phys(p), PAGE_SIZE, VM_WRITE),
		0);
	write_via(va + 8, 0x1111);
	KT_ASSERT_EQ(read_via(hp + 8), 0x1111);
	write_via(hp + 16, 0x2222);
	KT_ASSERT_EQ(read_via(va + 16), 0x2222);
	KT_ASSERT_EQ(vm_map(&kernel_space, va, page_to_phys(q), PAGE_SIZE, 0),
		     -EEXIST);
	KT_ASSERT_EQ(vm_protect(&kernel_space, va, PAGE_SIZE, 0), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va, &phys, &prot), 0);
	KT_ASSERT_EQ(phys, page_to_phys(p));
	KT_ASSERT(!(prot & VM_WRITE));
	KT_ASSERT_EQ(read_via(va + 8), 0x1111);
	KT_ASSERT_EQ(vm_protect(&kernel_space, va, PAGE_SIZE, VM_WRITE), 0);
	write_via(va + 8, 0x3333);
	KT_ASSERT_EQ(read_via(hp + 8), 0x3333);
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va, PAGE_SIZE), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va, NULL, NULL), -EFAULT);
	/* Remapped elsewhere: a stale TLB entry would write into p. */
	KT_ASSERT_EQ(
		vm_map(&kernel_space, va, page_to_phys(q), PAGE_SIZE, VM_WRITE),
		0);
	write_via(va + 8, 0x4444);
	KT_ASSERT_EQ(read_via(hq + 8), 0x4444);
	KT_ASSERT_EQ(read_via(hp + 8), 0x3333);
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va, PAGE_SIZE), 0);
	pmm_free_pages(p, 0);
	pmm_free_pages(q, 0);
	vmalloc_unreserve((void *)va);
}

KTEST(vmm, bad_arguments)
{
	uintptr_t va = (uintptr_t)vmalloc_reserve(PAGE_SIZE);

	KT_ASSERT(va != 0);
	KT_ASSERT_EQ(vm_map(&kernel_space, va + 1, 0, PAGE_SIZE, 0), -EINVAL);
	KT_ASSERT_EQ(vm_map(&kernel_space, va, 1, PAGE_SIZE, 0), -EINVAL);
	KT_ASSERT_EQ(vm_map(&kernel_space, va, 0, 0, 0), -EINVAL);
	KT_ASSERT_EQ(vm_map(&kernel_space, 0x400000, 0, PAGE_SIZE, 0),
		     -EINVAL); /* the kernel space has no lower half */
	KT_ASSERT_EQ(vm_map(&kernel_space, va, 0, PAGE_SIZE, VM_USER), -EINVAL);
	KT_ASSERT_EQ(vm_map(&kernel_space, 1ULL << 62, 0, PAGE_SIZE, 0),
		     -EINVAL); /* not canonical */
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va, PAGE_SIZE), 0); /* nothing */
	vmalloc_unreserve((void *)va);
}

/*
 * A 2 MiB-aligned piece of a fresh 4 MiB reservation with no page table
 * under it, mapped to pa as one large page: its reservation, or 0. Unmaps
 * leave their tables, so where earlier mappings were (an ECAM window
 * scanned at boot) a 2 MiB map gets 4 KiB pages: the reservations tried
 * there stay taken until the end (in tried), so each try is elsewhere.
 */
static uintptr_t map_large(uint64_t pa, uintptr_t *va, uintptr_t tried[8])
{
	for (int i = 0; i < 8; i++) {
		uintptr_t area = (uintptr_t)vmalloc_reserve(4 * MiB);
		unsigned int prot;

		if (!area)
			return 0;
		*va = ALIGN_UP(area, 2 * MiB);
		if (vm_map(&kernel_space, *va, pa, 2 * MiB, VM_WRITE) ||
		    vm_translate(&kernel_space, *va, NULL, &prot)) {
			vmalloc_unreserve((void *)area);
			return 0;
		}
		if (!(prot & VM_SMALL))
			return area;
		vm_unmap(&kernel_space, *va, 2 * MiB);
		tried[i] = area;
	}
	return 0;
}

/* A 2 MiB page, split by a change to one 4 KiB page inside it. */
KTEST(vmm, large_page_split)
{
	uintptr_t tried[8] = {0}, va = 0;
	struct page *block = pmm_alloc_pages(9, TEST_USE);
	uintptr_t hb = (uintptr_t)page_address(block);
	uint64_t pa = block ? page_to_phys(block) : 0, phys;
	uintptr_t area = block ? map_large(pa, &va, tried) : 0;
	unsigned int prot;

	for (int i = 0; i < 8 && tried[i]; i++)
		vmalloc_unreserve((void *)tried[i]);
	KT_ASSERT(area && block);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va + 0x12345, &phys, &prot),
		     0);
	KT_ASSERT_EQ(phys, pa + 0x12345);
	KT_ASSERT(!(prot & VM_SMALL)); /* one 2 MiB page */
	write_via(va + MiB, 0x5555);
	KT_ASSERT_EQ(read_via(hb + MiB), 0x5555);
	KT_ASSERT_EQ(
		vm_protect(&kernel_space, va + 5 * PAGE_SIZE, PAGE_SIZE, 0), 0);
	KT_ASSERT_EQ(
		vm_translate(&kernel_space, va + 5 * PAGE_SIZE, &phys, &prot),
		0);
	KT_ASSERT_EQ(phys, pa + 5 * PAGE_SIZE);
	KT_ASSERT_EQ(prot & (VM_WRITE | VM_SMALL), VM_SMALL);
	KT_ASSERT_EQ(
		vm_translate(&kernel_space, va + 6 * PAGE_SIZE, &phys, &prot),
		0);
	KT_ASSERT_EQ(prot & (VM_WRITE | VM_SMALL), VM_WRITE | VM_SMALL);
	write_via(va + 2 * MiB - 8, 0x6666);
	KT_ASSERT_EQ(read_via(hb + 2 * MiB - 8), 0x6666);
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va + MiB, MiB), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va + MiB, NULL, NULL),
		     -EFAULT);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va, NULL, NULL), 0);
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va, 2 * MiB), 0);
	pmm_free_pages(block, 9);
	vmalloc_unreserve((void *)area);
}

/* 1 GiB pages (CPUs with pdpe1gb): the first GiB, read-only, then split. */
KTEST(vmm, huge_page_split)
{
	uintptr_t area, va;
	uint64_t phys, probe = boot_info->kernel_phys;
	unsigned int prot;

	if (!arch_mmu_has_gbpages())
		KT_SKIP("no 1 GiB pages on this CPU");
	area = (uintptr_t)vmalloc_reserve(2 * 1024 * MiB);
	va = ALIGN_UP(area, 1024 * MiB);
	KT_ASSERT(area != 0);
	KT_ASSERT_EQ(vm_map(&kernel_space, va, 0, 1024 * MiB, 0), 0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va + probe, &phys, &prot), 0);
	KT_ASSERT_EQ(phys, probe);
	KT_ASSERT(!(prot & (VM_SMALL | VM_WRITE)));
	KT_ASSERT_EQ(read_via(va + probe), read_via(mm_hhdm + probe));
	KT_ASSERT_EQ(vm_protect(&kernel_space, va + probe, PAGE_SIZE, VM_WRITE),
		     0);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va + probe, &phys, &prot), 0);
	KT_ASSERT_EQ(prot & (VM_SMALL | VM_WRITE), VM_SMALL | VM_WRITE);
	KT_ASSERT_EQ(vm_translate(&kernel_space, va + 512 * MiB, &phys, &prot),
		     0);
	KT_ASSERT_EQ(phys, 512 * MiB);
	KT_ASSERT_EQ(read_via(va + probe + 64), read_via(mm_hhdm + probe + 64));
	KT_ASSERT_EQ(vm_unmap(&kernel_space, va, 1024 * MiB), 0);
	vmalloc_unreserve((void *)area);
}

/* User addresses in different tables. */
#define LOW_VA 0x400000UL
#define LARGE_VA 0x40000000UL	 /* 2 MiB aligned, another table */
#define HIGH_VA 0x7f0000000000UL /* another top-level slot */

static void get_nothing(uint64_t phys, void *arg)
{
	++*(unsigned int *)arg;
}

/* A user space mapping small (4 KiB) at LOW_VA and HIGH_VA and large (a
 * 2 MiB block) at LARGE_VA as one large page; NULL if that failed. */
static struct vm_space *space_with_pages(uint64_t small, uint64_t large)
{
	struct vm_space *s = vm_space_create();

	if (s && (vm_map(s, LOW_VA, small, PAGE_SIZE, VM_USER) ||
		  vm_map(s, HIGH_VA, small, PAGE_SIZE, VM_USER) ||
		  vm_map(s, LARGE_VA, large, 2 * MiB, VM_USER | VM_WRITE))) {
		vm_space_destroy(s);
		return NULL;
	}
	return s;
}

/* A space counts its leaves through maps, a split, a fork and unmaps:
 * arch_space_free trusts that count to know its tables are zero. */
KTEST(vmm, leaf_count)
{
	struct page *small = pmm_alloc_pages(0, TEST_USE);
	struct page *large = pmm_alloc_pages(9, TEST_USE);
	struct vm_space *s = small && large
				     ? space_with_pages(page_to_phys(small),
							page_to_phys(large))
				     : NULL;
	struct vm_space *child = vm_space_create();
	uint64_t mapped = 0, split = 0, forked = 0, unmapped = 0, left = 0;
	unsigned int got = 0;
	int err = -ENOMEM;

	if (s && child) {
		mapped = s->leaves;
		err = vm_protect(s, LARGE_VA + PAGE_SIZE, PAGE_SIZE, VM_USER);
		split = s->leaves;
		if (!err)
			err = vm_fork_range(s, child, LARGE_VA, 2 * MiB, true,
					    get_nothing, &got);
		forked = child->leaves;
		if (!err)
			err = vm_unmap(child, LARGE_VA + 4 * PAGE_SIZE, MiB);
		unmapped = child->leaves;
		if (!err) /* LOW_VA and LARGE_VA */
			err = vm_unmap(s, 0, 1ULL << 40);
		left = s->leaves;
	}
	vm_space_destroy(s);
	vm_space_destroy(child);
	if (small)
		pmm_free_pages(small, 0);
	if (large)
		pmm_free_pages(large, 9);
	KT_ASSERT_EQ(err, 0);
	KT_ASSERT_EQ(mapped, 3);
	KT_ASSERT_EQ(split, 2 + 512); /* the large page is 512 small ones */
	KT_ASSERT_EQ(forked, 512);
	KT_ASSERT_EQ(got, 512);
	KT_ASSERT_EQ(unmapped, 512 - 256);
	KT_ASSERT_EQ(left, 1); /* HIGH_VA */
}

/*
 * A space unmapped whole gives its tables back as zeroed pages (no memset
 * for the next space's), and they are zero; with a leaf left mapped, its
 * tables go back the usual way.
 */
KTEST(vmm, tables_of_a_space_freed_whole_come_back_zeroed)
{
	struct page *small = pmm_alloc_pages(0, TEST_USE);
	struct page *large = pmm_alloc_pages(9, TEST_USE);
	struct page *got[16];
	uint64_t tables = 0;
	unsigned int whole = 0, kept = 0, taken = 0, nonzero = 0;
	unsigned long irq;
	struct vm_space *s;

	KT_ASSERT(small && large);
	pmm_drain_cpu_caches();
	irq = irq_save(); /* one CPU's page cache throughout */
	s = space_with_pages(page_to_phys(small), page_to_phys(large));
	if (s) {
		tables = s->table_pages - 1; /* the root has its own cache */
		vm_unmap(s, 0, vm_user_end());
		vm_space_destroy(s);
		whole = pmm_cpu_zeroed_count();
	}
	while (taken < whole && taken < 16) {
		got[taken] = pmm_alloc_pages(0, PMM_ZERO | TEST_USE);
		if (!got[taken])
			break;
		for (size_t i = 0; i < PAGE_SIZE / 8; i++)
			nonzero +=
				((uint64_t *)page_address(got[taken]))[i] != 0;
		taken++;
	}
	s = taken == whole
		    ? space_with_pages(page_to_phys(small), page_to_phys(large))
		    : NULL;
	if (s) {
		vm_unmap(s, LOW_VA, PAGE_SIZE); /* HIGH_VA and LARGE_VA stay */
		vm_space_destroy(s);
		kept = pmm_cpu_zeroed_count();
	}
	irq_restore(irq);
	for (unsigned int i = 0; i < taken; i++)
		pmm_free_pages(got[i], 0);
	pmm_free_pages(small, 0);
	pmm_free_pages(large, 9);
	KT_ASSERT(s != NULL);
	KT_ASSERT(tables >= 5); /* two top-level slots, a large page */
	KT_ASSERT(whole >= tables && whole <= tables + 1);
	KT_ASSERT_EQ(taken, whole);
	KT_ASSERT_EQ(nonzero, 0);
	KT_ASSERT_EQ(kept, 0);
}
