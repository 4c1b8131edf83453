/*
 * The page allocator (<kernel/mm.h>): the struct page array and two buddy
 * allocators (buddy.c), DMA32 for page frames below 4 GiB and NORMAL
 * above. pmm_init runs first in mm_init, still on the loader's page
 * tables, whose direct map covers all usable memory:
 *
 *  - the array covers every page frame up to the end of the last RAM
 *    entry (holes included: a few bytes per missing page buys O(1)
 *    pfn -> struct page); it is carved from the end of the highest
 *    usable entry large enough, keeping low memory for devices;
 *  - usable memory goes to the zones; every other RAM page is marked
 *    PG_RESERVED: the kernel and modules, ACPI tables, and the
 *    bootloader-reclaimable memory until mm_reclaim_bootloader.
 *
 * Single pages (no PMM_DMA32) go through a cache on each CPU, as Linux's
 * per-CPU page lists: a fault, a page table or a copy on write then costs
 * a list pop with interrupts off instead of the zone lock and a buddy
 * split (and a merge when freed). The cache is refilled and drained
 * PCP_BATCH pages at a time and holds at most PCP_HIGH; its pages are
 * marked PG_PCP and count as free.
 *
 * Beside it, each CPU keeps up to PCP_ZEROED pages known to be zero
 * (pmm_free_zeroed: page tables of a space torn down whole), which a
 * PMM_ZERO allocation takes first and hands out without clearing: a
 * fork's new tables then cost no memset. Debug boots (slub_debug) check
 * that such a page really is zero when it comes back.
 *
 * Lock: pmm_lock (interrupts off) guards the zones, the counters and the
 * flags of free pages; an allocated block belongs to its owner. A CPU's
 * cache is its own, used with interrupts off.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/interrupt.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#include "buddy.h"
#include "internal.h"

#define DMA32_END_PFN ((4ULL << 30) >> PAGE_SHIFT)
#define KIB_PER_PAGE ((uint64_t)(PAGE_SIZE / KiB))

enum { ZONE_DMA32, ZONE_NORMAL, NR_ZONES };

struct page *mm_pages;
uint64_t mm_nr_pages;
uintptr_t mm_hhdm;

static DEFINE_SPINLOCK(pmm_lock, LOCK_RANK_MM_PMM);
static struct buddy zones[NR_ZONES];
static uint64_t used_pages[MM_USE_COUNT]; /* allocated, by use */
static uint64_t usable_pages;
static uint64_t reclaimable_pages; /* bootloader-reclaimable, not freed */

#define PCP_BATCH 16
#define PCP_HIGH 64
#define PCP_ZEROED 32

/* Cached pages, through page->next. */
struct pcp_list {
	struct page *first;
	unsigned int count, dma32; /* pages, of which below 4 GiB */
};

struct pcp {
	struct pcp_list any, zeroed; /* zeroed: pages known to be zero */
	int64_t used[MM_USE_COUNT];  /* this CPU's part of used_pages */
} __aligned(64);

static struct pcp pcps[SMP_MAX_CPUS];

static struct buddy *zone_of(const struct page *page)
{
	return &zones[page_to_pfn(page) < DMA32_END_PFN ? ZONE_DMA32
							: ZONE_NORMAL];
}

static bool below_4g(const struct page *page);

static void zero_pages(void *p, uint64_t bytes)
{
	memset(p, 0, bytes);
}

bool mm_is_ram(uint64_t type)
{
	return type == LIMINE_MEMMAP_USABLE ||
	       type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE ||
	       type == LIMINE_MEMMAP_EXECUTABLE_AND_MODULES ||
	       type == LIMINE_MEMMAP_ACPI_RECLAIMABLE ||
	       type == LIMINE_MEMMAP_ACPI_NVS;
}

static const struct limine_memmap_entry *entry(size_t i)
{
	return boot_info->memmap[i];
}

/* Where the page array goes: the end of the highest usable entry. */
static uint64_t place_page_array(uint64_t bytes)
{
	for (size_t i = boot_info->memmap_count; i-- > 0;) {
		const struct limine_memmap_entry *e = entry(i);

		if (e->type == LIMINE_MEMMAP_USABLE && e->length >= bytes)
			return e->base + e->length - bytes;
	}
	panic("mm: no room for the page array (%lu KiB)",
	      (uint64_t)(bytes / KiB));
}

static void mark_reserved(uint64_t base, uint64_t length)
{
	uint64_t end = MIN(ALIGN_UP(base + length, PAGE_SIZE) >> PAGE_SHIFT,
			   mm_nr_pages);

	for (uint64_t pfn = base >> PAGE_SHIFT; pfn < end; pfn++)
		mm_pages[pfn].flags |= PG_RESERVED;
}

/* Give free page frames [start, end) to their zones. */
static void add_free(uint64_t start, uint64_t end)
{
	uint64_t split = MIN(MAX(start, DMA32_END_PFN), end);

	for (uint64_t pfn = start; pfn < end; pfn++)
		mm_pages[pfn].flags &= ~PG_RESERVED;
	if (split > start)
		buddy_add_range(&zones[ZONE_DMA32], start, split - start);
	if (end > split)
		buddy_add_range(&zones[ZONE_NORMAL], split, end - split);
}

/* The end of RAM in page frames; counts usable and reclaimable memory. */
static uint64_t scan_memmap(void)
{
	uint64_t max_pfn = 0;

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = entry(i);
		uint64_t pages = e->length >> PAGE_SHIFT;

		if (mm_is_ram(e->type))
			max_pfn = MAX(max_pfn, ALIGN_UP(e->base + e->length,
							PAGE_SIZE) >>
						       PAGE_SHIFT);
		if (e->type == LIMINE_MEMMAP_USABLE)
			usable_pages += pages;
		if (e->type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE)
			reclaimable_pages += pages;
	}
	return max_pfn;
}

void pmm_init(void)
{
	uint64_t bytes, array;

	mm_hhdm = boot_info->hhdm_offset;
	mm_nr_pages = scan_memmap();
	bytes = ALIGN_UP(mm_nr_pages * sizeof(struct page), PAGE_SIZE);
	array = place_page_array(bytes);
	mm_pages = (struct page *)(mm_hhdm + array);
	zero_pages(mm_pages, bytes);
	buddy_init(&zones[ZONE_DMA32], mm_pages, 0,
		   MIN(mm_nr_pages, DMA32_END_PFN));
	buddy_init(&zones[ZONE_NORMAL], mm_pages, DMA32_END_PFN,
		   MAX(mm_nr_pages, DMA32_END_PFN));
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = entry(i);
		uint64_t start = e->base >> PAGE_SHIFT;
		uint64_t end = (e->base + e->length) >> PAGE_SHIFT;

		if (e->type != LIMINE_MEMMAP_USABLE) {
			if (mm_is_ram(e->type))
				mark_reserved(e->base, e->length);
			continue;
		}
		if (array >= e->base && array < e->base + e->length)
			end = array >> PAGE_SHIFT; /* the array is at its end */
		add_free(start, end);
	}
	mark_reserved(array, bytes);
	used_pages[MM_USE_PAGE_ARRAY] = bytes >> PAGE_SHIFT;
}

/* Mark an allocated block's first page. pmm_lock held, or its cache. */
static void set_allocated(struct page *page, unsigned int order,
			  unsigned int usage)
{
	page->flags = PG_HEAD;
	page->order = (uint8_t)order;
	page->refcount = 1;
	page->usage = (uint8_t)usage;
}

static bool below_4g(const struct page *page)
{
	return page_to_pfn(page) < DMA32_END_PFN;
}

static void pcp_push(struct pcp_list *l, struct page *page)
{
	page->flags = PG_PCP;
	page->next = l->first;
	l->first = page;
	l->count++;
	l->dma32 += below_4g(page);
}

static struct page *pcp_pop(struct pcp_list *l)
{
	struct page *page = l->first;

	if (page) {
		l->first = page->next;
		l->count--;
		l->dma32 -= below_4g(page);
	}
	return page;
}

/* Up to PCP_BATCH pages from the zones into p. Interrupts off. */
static void pcp_refill(struct pcp *p)
{
	spin_lock(&pmm_lock);
	while (p->any.count < PCP_BATCH) {
		struct page *page = buddy_alloc(&zones[ZONE_NORMAL], 0);

		if (!page)
			page = buddy_alloc(&zones[ZONE_DMA32], 0);
		if (!page)
			break;
		pcp_push(&p->any, page);
	}
	spin_unlock(&pmm_lock);
}

/* Give all but keep pages of l back to the zones. Interrupts off. */
static void pcp_drain(struct pcp_list *l, unsigned int keep)
{
	spin_lock(&pmm_lock);
	while (l->count > keep) {
		struct page *page = pcp_pop(l);

		page->flags = PG_HEAD;
		page->order = 0;
		if (buddy_free(zone_of(page), page, 0))
			panic("pmm: a cached page would not go back");
	}
	spin_unlock(&pmm_lock);
}

/* A page, zero already if *zero and one known zero is cached (then
 * *zero is cleared: nothing left to do). */
static struct page *pcp_alloc(unsigned int usage, bool *zero)
{
	unsigned long irq = irq_save();
	struct pcp *p = &pcps[cpu_id()];
	struct page *page = *zero ? pcp_pop(&p->zeroed) : NULL;

	if (page) {
		*zero = false;
	} else {
		if (!p->any.count)
			pcp_refill(p);
		page = pcp_pop(&p->any);
	}
	if (page) {
		set_allocated(page, 0, usage);
		p->used[usage]++;
	}
	irq_restore(irq);
	return page;
}

struct page *pmm_alloc_pages(unsigned int order, unsigned int flags)
{
	unsigned int usage = flags >> 8;
	struct page *page = NULL;
	bool zero = flags & PMM_ZERO;
	unsigned long irq;

	usage = usage < MM_USE_COUNT ? usage : MM_USE_OTHER;
	if (order == 0 && !(flags & PMM_DMA32) && percpu_ready()) {
		page = pcp_alloc(usage, &zero);
	} else {
		irq = spin_lock_irqsave(&pmm_lock);
		if (!(flags & PMM_DMA32))
			page = buddy_alloc(&zones[ZONE_NORMAL], order);
		if (!page)
			page = buddy_alloc(&zones[ZONE_DMA32], order);
		if (page) {
			set_allocated(page, order, usage);
			used_pages[usage] += 1ULL << order;
		}
		spin_unlock_irqrestore(&pmm_lock, irq);
	}
	if (page && zero)
		zero_pages(page_address(page), PAGE_SIZE << order);
	return page;
}

/* The allocated page was cleared for the cache: keep it there. */
static void clear_allocated(struct page *page)
{
	page->refcount = 0;
	page->usage = 0;
	page->owner = NULL;
	page->private_data = 0;
}

/* Into this CPU's cache: its zeroed list if zero and that has room. */
static inline int pcp_free(struct page *page, bool zero)
{
	unsigned long irq = irq_save();
	struct pcp *p = &pcps[cpu_id()];
	unsigned int usage = page->usage;

	p->used[usage < MM_USE_COUNT ? usage : MM_USE_OTHER]--;
	clear_allocated(page);
	pcp_push(zero && p->zeroed.count < PCP_ZEROED ? &p->zeroed : &p->any,
		 page);
	if (p->any.count > PCP_HIGH)
		pcp_drain(&p->any, PCP_HIGH - PCP_BATCH);
	irq_restore(irq);
	return 0;
}

int pmm_free_pages_check(struct page *page, unsigned int order)
{
	unsigned long irq;
	unsigned int usage;
	int err;

	if (!page || page < mm_pages || page >= mm_pages + mm_nr_pages)
		return -EINVAL;
	if (order == 0 && page->flags == PG_HEAD && page->order == 0 &&
	    percpu_ready())
		return pcp_free(page, false);
	irq = spin_lock_irqsave(&pmm_lock);
	usage = page->usage;
	err = buddy_free(zone_of(page), page, order);
	if (!err) {
		used_pages[usage] -= 1ULL << order;
		clear_allocated(page);
	}
	spin_unlock_irqrestore(&pmm_lock, irq);
	return err;
}

/* Whether the page's bytes are all zero (a debug check). */
static bool page_is_zero(struct page *page)
{
	const uint64_t *w = page_address(page);

	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*w); i++) {
		if (w[i])
			return false;
	}
	return true;
}

void pmm_free_zeroed(struct page *page)
{
	if (heap_debug() && !page_is_zero(page))
		panic("pmm: page 0x%lx freed as zeroed holds data",
		      page_to_phys(page));
	if (page->flags == PG_HEAD && page->order == 0 && percpu_ready())
		pcp_free(page, true);
	else
		pmm_free_pages(page, 0);
}

unsigned int pmm_cpu_zeroed_count(void)
{
	return pcps[cpu_id()].zeroed.count;
}

static void drain_here(void *arg)
{
	pcp_drain(&pcps[cpu_id()].any, 0);
	pcp_drain(&pcps[cpu_id()].zeroed, 0);
}

void pmm_drain_cpu_caches(void)
{
	smp_call_function(SMP_CALL_ALL, drain_here, NULL, true);
}

void pmm_free_pages(struct page *page, unsigned int order)
{
	if (pmm_free_pages_check(page, order) == 0)
		return;
	if (page >= mm_pages && page < mm_pages + mm_nr_pages)
		panic("pmm: bad free of page 0x%lx order %u (flags 0x%x, "
		      "order %u): double or invalid free",
		      page_to_phys(page), order, page->flags, page->order);
	panic("pmm: free of %p, not a struct page", (void *)page);
}

uint64_t pmm_alloc_phys(unsigned int flags)
{
	struct page *page = pmm_alloc_pages(0, flags);

	return page ? page_to_phys(page) : 0;
}

void pmm_free_phys(uint64_t phys)
{
	pmm_free_pages(phys_to_page(phys), 0);
}

void page_get(struct page *page)
{
	if (!(page->flags & PG_HEAD) ||
	    __atomic_fetch_add(&page->refcount, 1, __ATOMIC_RELAXED) <= 0)
		panic("page_get of page 0x%lx, which is not allocated",
		      page_to_phys(page));
}

/* The last reference went (left 0), or a bug: out of page_put's way. */
static void __attribute__((noinline)) put_last(struct page *page, int32_t left)
{
	if (!(page->flags & PG_HEAD))
		panic("page_put of page 0x%lx, which is not allocated",
		      page_to_phys(page));
	if (left < 0)
		panic("page_put of page 0x%lx: no reference left",
		      page_to_phys(page));
	pmm_free_pages(page, page->order);
}

void page_put(struct page *page)
{
	int32_t left = -1;

	if (page->flags & PG_HEAD) {
		left = __atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL);
		if (left > 0)
			return;
	}
	put_last(page, left);
}

int pmm_check(void)
{
	unsigned long irq = spin_lock_irqsave(&pmm_lock);
	int err = buddy_check(&zones[ZONE_DMA32]);

	if (!err)
		err = buddy_check(&zones[ZONE_NORMAL]);
	spin_unlock_irqrestore(&pmm_lock, irq);
	return err;
}

void pmm_reclaim(uint64_t start, uint64_t end)
{
	unsigned long irq = spin_lock_irqsave(&pmm_lock);

	add_free(start, end);
	reclaimable_pages -= end - start;
	spin_unlock_irqrestore(&pmm_lock, irq);
}

static struct shrinker *shrinkers;
static DEFINE_SPINLOCK(shrinkers_lock, LOCK_RANK_NONE);

/* In the order registered: the first is asked first. */
void mm_register_shrinker(struct shrinker *sh)
{
	unsigned long irq = spin_lock_irqsave(&shrinkers_lock);
	struct shrinker **link = &shrinkers;

	while (*link)
		link = &(*link)->next;
	sh->next = NULL;
	__atomic_store_n(link, sh, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&shrinkers_lock, irq);
}

/* The list only grows, at its end: walked without the lock. */
uint64_t mm_shrink(uint64_t want)
{
	uint64_t got = 0;

	for (struct shrinker *sh =
		     __atomic_load_n(&shrinkers, __ATOMIC_ACQUIRE);
	     sh && got < want; sh = sh->next)
		got += sh->scan(want - got);
	return got;
}

/* Free pages in the zones (the CPUs' caches left out: a few each). */
static uint64_t zone_free_pages(void)
{
	return __atomic_load_n(&zones[0].free_pages, __ATOMIC_RELAXED) +
	       __atomic_load_n(&zones[1].free_pages, __ATOMIC_RELAXED);
}

bool mm_memory_low(void)
{
	uint64_t managed = zones[0].managed_pages + zones[1].managed_pages;

	return zone_free_pages() < MAX(managed / 32, 256);
}

struct page *pmm_alloc_pages_shrink(unsigned int order, unsigned int flags)
{
	struct page *page = pmm_alloc_pages(order, flags);

	if (!page && mm_shrink(64ULL << order))
		page = pmm_alloc_pages(order, flags);
	return page;
}

void mm_get_stats(struct mm_stats *st)
{
	unsigned long irq = spin_lock_irqsave(&pmm_lock);
	uint64_t cached = 0, cached_dma32 = 0;
	int64_t used[MM_USE_COUNT];
	unsigned int cpu;

	for (unsigned int u = 0; u < MM_USE_COUNT; u++)
		used[u] = (int64_t)used_pages[u];
	for_each_online_cpu(cpu)
	{
		const struct pcp *p = &pcps[cpu];

		/* Another CPU's counts: read racily, but each whole. */
		cached += __atomic_load_n(&p->any.count, __ATOMIC_RELAXED) +
			  __atomic_load_n(&p->zeroed.count, __ATOMIC_RELAXED);
		cached_dma32 +=
			__atomic_load_n(&p->any.dma32, __ATOMIC_RELAXED) +
			__atomic_load_n(&p->zeroed.dma32, __ATOMIC_RELAXED);
		for (unsigned int u = 0; u < MM_USE_COUNT; u++)
			used[u] += p->used[u];
	}

	*st = (struct mm_stats){
		.usable_kib = usable_pages * KIB_PER_PAGE,
		.reclaimable_kib = reclaimable_pages * KIB_PER_PAGE,
		.managed_kib =
			(zones[0].managed_pages + zones[1].managed_pages) *
			KIB_PER_PAGE,
		.free_kib =
			(zones[0].free_pages + zones[1].free_pages + cached) *
			KIB_PER_PAGE,
		.free_dma32_kib =
			(zones[ZONE_DMA32].free_pages + cached_dma32) *
			KIB_PER_PAGE,
		.init_ticks = mm_init_ticks,
	};
	for (unsigned int u = 0; u < MM_USE_COUNT; u++)
		st->used_kib[u] = (uint64_t)used[u] * KIB_PER_PAGE;
	for (unsigned int o = 0; o < PMM_NR_ORDERS; o++)
		st->free_blocks[o] = zones[0].nr_free[o] + zones[1].nr_free[o];
	spin_unlock_irqrestore(&pmm_lock, irq);
}
