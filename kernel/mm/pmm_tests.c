/*
 * In-kernel tests of the page allocator (suites pmm and mm): every order,
 * merging checked by the free lists coming back exactly as they were,
 * exhausting all memory (everything else must then fail cleanly) and
 * getting the exact starting state back, reference counts, DMA32 and
 * zeroing, refused bad frees, and the statistics against the memory map.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#include "internal.h"

#define TEST_USE PMM_USE(MM_USE_TEST)

/* The statistics, exact: with every CPU's page cache given back. */
static void exact_stats(struct mm_stats *st)
{
	pmm_drain_cpu_caches();
	mm_get_stats(st);
}

static bool same_free_lists(const struct mm_stats *a, const struct mm_stats *b)
{
	for (unsigned int o = 0; o < PMM_NR_ORDERS; o++) {
		if (a->free_blocks[o] != b->free_blocks[o])
			return false;
	}
	return a->free_kib == b->free_kib &&
	       a->free_dma32_kib == b->free_dma32_kib;
}

KTEST(pmm, every_order)
{
	struct mm_stats before, after;

	exact_stats(&before);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		struct page *p = pmm_alloc_pages(o, TEST_USE);

		KT_ASSERT(p != NULL);
		KT_ASSERT_EQ(page_to_pfn(p) & ((1u << o) - 1), 0);
		KT_ASSERT_EQ(p->flags, PG_HEAD);
		KT_ASSERT_EQ(p->order, o);
		KT_ASSERT_EQ(p->refcount, 1);
		memset(page_address(p), 0xa5, PAGE_SIZE << o);
		pmm_free_pages(p, o);
	}
	KT_ASSERT(pmm_alloc_pages(PMM_MAX_ORDER + 1, TEST_USE) == NULL);
	exact_stats(&after);
	KT_ASSERT(same_free_lists(&before, &after));
	KT_ASSERT_EQ(pmm_check(), 0);
}

/*
 * Up to 32 blocks of each order, freed in a scrambled order: allocating
 * split larger blocks, so the free lists come back exactly only if every
 * freed block merged with its buddy again.
 */
KTEST(pmm, buddies_merge_back)
{
	struct page *blocks[32];
	struct mm_stats before, after;
	unsigned int n;

	exact_stats(&before);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		for (n = 0; n < ARRAY_SIZE(blocks); n++) {
			blocks[n] = pmm_alloc_pages(o, TEST_USE);
			if (!blocks[n])
				break;
		}
		KT_ASSERT(n > 0);
		KT_ASSERT_EQ(pmm_check(), 0);
		for (unsigned int i = 0; i < n; i++) {
			unsigned int j =
				(i * 13 + 7) % n; /* 13 is prime to 32 */

			if (n % 13 == 0)
				j = i;
			pmm_free_pages(blocks[j], o);
		}
		exact_stats(&after);
		KT_ASSERT(same_free_lists(&before, &after));
	}
	KT_ASSERT_EQ(pmm_check(), 0);
}

/* Take every free page, largest blocks first; chain them through memory. */
static unsigned long take_everything(struct page **list)
{
	unsigned long blocks = 0;

	for (int o = PMM_MAX_ORDER; o >= 0; o--) {
		struct page *p;

		while ((p = pmm_alloc_pages((unsigned int)o, TEST_USE))) {
			*(struct page **)page_address(p) = *list;
			*list = p;
			blocks++;
		}
	}
	return blocks;
}

static void give_everything_back(struct page *list)
{
	while (list) {
		struct page *next = *(struct page **)page_address(list);

		pmm_free_pages(list, list->order);
		list = next;
	}
}

KTEST(pmm, exhaust_and_restore)
{
	struct mm_stats before, empty, after;
	struct page *list = NULL;
	bool all_null;

	vm_stack_cache_drain(); /* or vm_stack_alloc reuses a stack */
	exact_stats(&before);
	KT_ASSERT(take_everything(&list) > 0);
	exact_stats(&empty);
	/* Out of memory is an error everywhere, never a crash. */
	all_null = !pmm_alloc_pages(0, TEST_USE) && !pmm_alloc_phys(0) &&
		   !kmalloc(2 * KMALLOC_MAX_CACHE) && !vmalloc(PAGE_SIZE) &&
		   !vm_stack_alloc() && !vm_space_create();
	give_everything_back(list);
	exact_stats(&after);
	KT_ASSERT_EQ(empty.free_kib, 0);
	KT_ASSERT(all_null);
	KT_ASSERT(same_free_lists(&before, &after));
	KT_ASSERT_EQ(after.used_kib[MM_USE_TEST], before.used_kib[MM_USE_TEST]);
	KT_ASSERT_EQ(pmm_check(), 0);
}

KTEST(pmm, refcount)
{
	struct mm_stats before, after;
	struct page *p;

	exact_stats(&before);
	p = pmm_alloc_pages(0, TEST_USE);
	KT_ASSERT(p != NULL);
	page_get(p);
	KT_ASSERT_EQ(p->refcount, 2);
	page_put(p);
	KT_ASSERT_EQ(p->refcount, 1);
	KT_ASSERT(p->flags & PG_HEAD);
	page_put(p); /* the last reference frees it */
	KT_ASSERT(!(p->flags & PG_HEAD));
	exact_stats(&after);
	KT_ASSERT(same_free_lists(&before, &after));
}

KTEST(pmm, dma32_and_zero)
{
	struct page *p = pmm_alloc_pages(2, PMM_DMA32 | TEST_USE), *q;
	const unsigned char *bytes;

	KT_ASSERT(p != NULL);
	KT_ASSERT(page_to_phys(p) + 4 * PAGE_SIZE <= 4ULL << 30);
	memset(page_address(p), 0xff, 4 * PAGE_SIZE);
	pmm_free_pages(p, 2);
	q = pmm_alloc_pages(2, PMM_DMA32 | PMM_ZERO | TEST_USE);
	KT_ASSERT(q != NULL);
	bytes = page_address(q);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++) {
		if (bytes[i]) {
			pmm_free_pages(q, 2);
			KT_ASSERT_EQ(bytes[i], 0);
		}
	}
	pmm_free_pages(q, 2);
}

static bool all_zero(const struct page *page)
{
	const uint64_t *w = page_address(page);

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++) {
		if (w[i])
			return false;
	}
	return true;
}

/* A page freed as zeroed comes back to the next PMM_ZERO allocation on
 * this CPU (uncleared), and to no other kind. */
KTEST(pmm, zeroed_pages_reused_for_zero_requests)
{
	struct page *p, *q, *r;
	unsigned int held, left;
	unsigned long irq;
	bool zero;

	pmm_drain_cpu_caches();
	irq = irq_save(); /* one CPU's cache throughout */
	p = pmm_alloc_pages(0, PMM_ZERO | TEST_USE);
	zero = p && all_zero(p);
	if (p)
		pmm_free_zeroed(p);
	held = pmm_cpu_zeroed_count();
	q = pmm_alloc_pages(0, TEST_USE);
	r = pmm_alloc_pages(0, PMM_ZERO | TEST_USE);
	left = pmm_cpu_zeroed_count();
	irq_restore(irq);
	if (q)
		pmm_free_pages(q, 0);
	if (r)
		pmm_free_pages(r, 0);
	KT_ASSERT(p && q && r && zero);
	KT_ASSERT_EQ(held, 1);
	KT_ASSERT(q != p); /* not for a page that needs no clearing */
	KT_ASSERT(r == p);
	KT_ASSERT_EQ(left, 0);
}

KTEST(pmm, bad_frees_refused)
{
	struct page *p = pmm_alloc_pages(1, TEST_USE);

	KT_ASSERT(p != NULL);
	KT_ASSERT_EQ(pmm_free_pages_check(p, 0), -EINVAL);     /* wrong order */
	KT_ASSERT_EQ(pmm_free_pages_check(p + 1, 0), -EINVAL); /* inside */
	KT_ASSERT_EQ(pmm_free_pages_check(p, 1), 0);
	KT_ASSERT_EQ(pmm_free_pages_check(p, 1), -EINVAL); /* again */
	KT_ASSERT_EQ(pmm_free_pages_check(NULL, 0), -EINVAL);
	KT_ASSERT_EQ(
		pmm_free_pages_check(phys_to_page(boot_info->kernel_phys), 0),
		-EINVAL); /* reserved: the kernel */
	KT_ASSERT_EQ(pmm_check(), 0);
}

/* Every page is free, allocated or reserved: the counts add up. */
KTEST(mm, stats_match_memory_map)
{
	uint64_t usable = 0, reclaimable = 0, used = 0;
	struct mm_stats st;

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];

		if (e->type == LIMINE_MEMMAP_USABLE)
			usable += e->length / KiB;
		if (e->type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE)
			reclaimable += e->length / KiB;
	}
	mm_get_stats(&st);
	for (unsigned int u = 0; u < MM_USE_COUNT; u++)
		used += u == MM_USE_PAGE_ARRAY ? 0 : st.used_kib[u];
	KT_ASSERT_EQ(st.usable_kib, usable);
	/* kmain reclaimed it (with more CPUs, once SMP start-up let it). */
	KT_ASSERT(st.reclaimable_kib <= reclaimable);
	if (boot_info->cpu_count == 1)
		KT_ASSERT(st.reclaimable_kib < reclaimable);
	KT_ASSERT_EQ(st.managed_kib, usable + reclaimable - st.reclaimable_kib -
					     st.used_kib[MM_USE_PAGE_ARRAY]);
	KT_ASSERT_EQ(st.free_kib + used, st.managed_kib);
	KT_ASSERT(st.free_dma32_kib <= st.free_kib);
	KT_ASSERT(st.used_kib[MM_USE_PAGE_TABLE] > 0);
	KT_ASSERT(st.used_kib[MM_USE_STACK] >= KSTACK_SIZE / KiB);
}

KTEST(mm, struct_pages_match_memory_map)
{
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];
		struct page *first = phys_to_page(e->base);

		if (!mm_is_ram(e->type) || !first)
			continue;
		if (e->type == LIMINE_MEMMAP_USABLE)
			KT_ASSERT(!(first->flags & PG_RESERVED));
		else if (e->type != LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE)
			KT_ASSERT(first->flags & PG_RESERVED);
	}
	KT_ASSERT(phys_to_page(boot_info->kernel_phys)->flags & PG_RESERVED);
	KT_ASSERT(virt_to_page(mm_pages)->flags & PG_RESERVED);
	KT_ASSERT(phys_to_page(mm_nr_pages << PAGE_SHIFT) == NULL);
}
