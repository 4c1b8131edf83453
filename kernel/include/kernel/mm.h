/*
 * Physical memory: the page allocator and per-page metadata (kernel/mm/),
 * and mm_init, which brings up all of memory management.
 *
 * Every page frame of RAM has a struct page, in one array indexed by page
 * frame number (pfn = physical address / 4 KiB). Free memory is kept by a
 * buddy allocator (kernel/mm/buddy.c) in blocks of 2^order pages, order 0
 * (4 KiB) to PMM_MAX_ORDER (4 MiB), in two zones: DMA32 (below 4 GiB, for
 * devices that address 32 bits) and NORMAL (above). A request without
 * PMM_DMA32 takes NORMAL memory first and falls back to DMA32.
 *
 * Out of memory is NULL, never a panic. Freeing a block that is not
 * allocated (a double or invalid free) panics: it is always a kernel bug.
 * Safe on any CPU and in interrupt handlers (one lock, interrupts off).
 *
 * Virtual memory is <kernel/vm.h>, the kernel heap <kernel/heap.h>.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>

#define PAGE_SHIFT 12

/*
 * Where memory management's locks sit in the lock order (ranks of
 * <kernel/spinlock.h>): inside every other subsystem's lock but the
 * console's, so that code holding its own lock may allocate. Outermost
 * first: vmalloc's region list, an address space's page tables, the
 * heap, the page allocator.
 */
#define LOCK_RANK_MM_VMALLOC 700
#define LOCK_RANK_MM_PGTABLE 710
#define LOCK_RANK_MM_HEAP 720
#define LOCK_RANK_MM_PMM 730
#define PMM_MAX_ORDER 10 /* the largest block: 2^10 pages, 4 MiB */
#define PMM_NR_ORDERS (PMM_MAX_ORDER + 1)

/* What an allocated block is used for: kept in its struct page, counted. */
enum mm_usage {
	MM_USE_OTHER,
	MM_USE_PAGE_ARRAY, /* the struct page array itself */
	MM_USE_PAGE_TABLE,
	MM_USE_SLAB,	   /* kmalloc size classes and object caches */
	MM_USE_HEAP_LARGE, /* kmalloc above 4 KiB */
	MM_USE_VMALLOC,
	MM_USE_STACK, /* kernel stacks */
	MM_USE_USER,  /* pages mapped into user space */
	MM_USE_TEST,  /* in-kernel tests */
	MM_USE_COUNT,
};

/* pmm_alloc_pages flags; or-ed with PMM_USE(an enum mm_usage). */
#define PMM_ZERO (1u << 0)  /* zero the block */
#define PMM_DMA32 (1u << 1) /* below 4 GiB */
#define PMM_USE(usage) ((unsigned int)(usage) << 8)

/* struct page flags */
#define PG_RESERVED (1u << 0) /* not for the allocator: firmware, kernel... */
#define PG_BUDDY (1u << 1)    /* first page of a free block */
#define PG_HEAD (1u << 2)     /* first page of an allocated block */
#define PG_SLAB (1u << 3)     /* in a slab (kernel/mm/slab.c) */
#define PG_LARGE_KMALLOC (1u << 4) /* first page of a kmalloc > 4 KiB */
#define PG_PCP (1u << 5)	   /* free, in a CPU's page cache (pmm.c) */

/*
 * One per page frame; 48 bytes. Which fields mean something depends on the
 * flags; the allocator (under its lock) owns a free block's pages,
 * whoever allocated a block owns its pages; refcount is atomic.
 */
struct page {
	/* The free list (PG_BUDDY) or a slab cache's list (PG_SLAB head). */
	struct page *next, *prev;
	union {
		void *freelist;	       /* PG_SLAB head: first free object */
		struct page *head;     /* PG_SLAB, other pages: the first */
		uint64_t private_data; /* else: the owner's */
	};
	void *owner;	  /* PG_SLAB head: its struct kmem_cache */
	int32_t refcount; /* PG_HEAD: freed when page_put drops it to 0 */
	uint16_t inuse;	  /* PG_SLAB head: objects handed out */
	uint16_t flags;	  /* PG_* */
	uint8_t order;	  /* PG_BUDDY, PG_HEAD: of the block */
	uint8_t usage;	  /* PG_HEAD: enum mm_usage */
};

/* The page array, indexed by pfn, and its length. */
extern struct page *mm_pages;
extern uint64_t mm_nr_pages;
/* The direct map's offset (boot_info->hhdm_offset, kept here for speed). */
extern uintptr_t mm_hhdm;

static inline uint64_t page_to_pfn(const struct page *page)
{
	return (uint64_t)(page - mm_pages);
}

static inline uint64_t page_to_phys(const struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

/* The struct page of a physical address; NULL beyond the array. */
static inline struct page *phys_to_page(uint64_t phys)
{
	uint64_t pfn = phys >> PAGE_SHIFT;

	return pfn < mm_nr_pages ? &mm_pages[pfn] : NULL;
}

/* A page's address in the direct map (HHDM). */
static inline void *page_address(const struct page *page)
{
	return (void *)(mm_hhdm + page_to_phys(page));
}

/* The page of a direct-map address; NULL for any other address. */
static inline struct page *virt_to_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;

	if (a < mm_hhdm)
		return NULL;
	return phys_to_page(a - mm_hhdm);
}

/*
 * Allocate 2^order contiguous pages, aligned to their size: the first
 * page's struct page, with refcount 1; NULL if there is no such block (or
 * order > PMM_MAX_ORDER).
 */
struct page *pmm_alloc_pages(unsigned int order, unsigned int flags);

/* Free a block from pmm_alloc_pages (whatever its refcount). */
void pmm_free_pages(struct page *page, unsigned int order);
/*
 * Free a single page whose bytes the caller knows are all zero: the next
 * PMM_ZERO allocation on this CPU may take it without clearing it.
 */
void pmm_free_zeroed(struct page *page);
/* How many such pages this CPU holds now (tests; interrupts off). */
unsigned int pmm_cpu_zeroed_count(void);

/*
 * Single pages come and go through a small cache on each CPU (pmm.c):
 * give every CPU's cached pages back to the zones, so that the free lists
 * and counts are exact (the tests compare them). Not with a lock held
 * that another CPU could spin on: it interrupts them all.
 */
void pmm_drain_cpu_caches(void);

/* The same for one page, by physical address: 0 if out of memory. */
uint64_t pmm_alloc_phys(unsigned int flags);
void pmm_free_phys(uint64_t phys);

/* Reference counting, for pages shared between mappings (COW). */
void page_get(struct page *page);
/* Drop a reference; the last one frees the block. */
void page_put(struct page *page);

struct mm_stats {
	uint64_t usable_kib;	  /* usable in the loader's memory map */
	uint64_t reclaimable_kib; /* bootloader-reclaimable, not (yet) freed */
	uint64_t managed_kib;	  /* given to the allocator so far */
	uint64_t free_kib;	  /* free now, both zones */
	uint64_t free_dma32_kib;  /* of which below 4 GiB */
	uint64_t used_kib[MM_USE_COUNT];     /* allocated, by use */
	uint64_t free_blocks[PMM_NR_ORDERS]; /* free blocks by order */
	uint64_t init_ticks;		     /* TSC ticks mm_init took */
};

void mm_get_stats(struct mm_stats *stats);

/*
 * Memory that others keep but can give back when free pages run short:
 * the page cache's clean pages of disk files. scan frees up to want pages
 * and returns how many it freed. Registered once, never removed; asked
 * in the order registered (the page cache first, then the dentries).
 */
struct shrinker {
	uint64_t (*scan)(uint64_t want);
	struct shrinker *next;
};
void mm_register_shrinker(struct shrinker *shrinker);
/*
 * Ask the shrinkers for want pages: how many came back. With no spinlock
 * held (they take their own): a caller that can wait (a page fault, the
 * page cache filling itself), not the allocator itself.
 */
uint64_t mm_shrink(uint64_t want);
/* Free memory is below the low mark (a 32nd of it, at least 256 pages):
 * pages about to be cached should have others given back first. */
bool mm_memory_low(void);
/* pmm_alloc_pages for such a caller: on a failure, shrink and try again. */
struct page *pmm_alloc_pages_shrink(unsigned int order, unsigned int flags);
/* Print the statistics ("mm: ..." lines). */
void mm_log_stats(void);
/* "page-table", "slab", ...: one word, for logs. */
const char *mm_usage_name(unsigned int usage);

/*
 * Bring up memory management, on the loader's page tables and stack: the
 * page allocator over the usable memory, the kernel's own page tables
 * (then CR3 is switched), the heap and the vmalloc area. Panics if any of
 * it fails: without memory there is nothing to fall back on. Logs
 * "mm: N KiB free of M KiB usable".
 */
void mm_init(void);

/*
 * Leave the loader's stack: call fn on kernel stack 0, which has an
 * unmapped guard page below it. fn must not return. Call right after
 * mm_init, from the function that called it (its frame is abandoned).
 */
noreturn void mm_switch_to_kernel_stack(void (*fn)(void));

/*
 * Give the bootloader-reclaimable memory (the loader's code, page tables,
 * responses and the boot stack) to the allocator, once nothing uses it:
 * after mm_switch_to_kernel_stack (boot_info keeps copies of what it
 * needs, and the MP response's pages are kept), and after the other CPUs,
 * which the loader parks in that memory, have left it: with more than
 * one CPU it keeps everything until mm_loader_cpus_released. Logs
 * "mm: reclaimed N KiB from the bootloader". Does its work once.
 */
void mm_reclaim_bootloader(void);
/*
 * For the SMP start-up: every other CPU runs on kernel_space and its own
 * stack now, none executes loader code or reads its page tables.
 */
void mm_loader_cpus_released(void);

#endif
