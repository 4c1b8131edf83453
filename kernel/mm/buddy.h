/*
 * The buddy allocator's algorithm, private to kernel/mm/ (pmm.c uses it,
 * one struct buddy per zone). Pure code over a struct page array: no
 * locking, no hardware, no kernel services, so that the same source is
 * built for the host tests and fuzzers (tests/host/test_buddy.c,
 * tests/fuzz/fuzz_mm.c).
 */
#ifndef KERNEL_MM_BUDDY_H
#define KERNEL_MM_BUDDY_H

#include <kernel/mm.h>

/*
 * A range of page frames and its free blocks. A free block of order k is
 * 2^k pages aligned to 2^k (in pfn terms); its first page has PG_BUDDY
 * and order k and is on free[k]. Blocks never cross [start_pfn, end_pfn).
 * The caller's lock (the zone's) guards all of it.
 */
struct buddy {
	struct page *pages;		  /* the page array, indexed by pfn */
	uint64_t start_pfn, end_pfn;	  /* the span */
	struct page *free[PMM_NR_ORDERS]; /* free lists, most recent first */
	uint64_t nr_free[PMM_NR_ORDERS];  /* blocks on each */
	uint64_t free_pages;		  /* pages in all of them */
	uint64_t managed_pages;		  /* pages ever added */
};

/* An empty allocator for [start_pfn, end_pfn) of pages[]. */
void buddy_init(struct buddy *b, struct page *pages, uint64_t start_pfn,
		uint64_t end_pfn);

/*
 * Hand [pfn, pfn + count) to the allocator (within the span; the pages'
 * flags must be clear). 0, or -EINVAL for a range outside the span.
 */
int buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);

/*
 * Take a block of 2^order pages: its first page, with PG_HEAD set and
 * order recorded, or NULL if there is none that large.
 */
struct page *buddy_alloc(struct buddy *b, unsigned int order);

/*
 * Give back a block from buddy_alloc, merging it with free neighbours.
 * 0, or -EINVAL (nothing changes) if page is not the first page of an
 * allocated block of this order in this span, or has flags other than
 * PG_HEAD: a double free, a free of the middle of a block, a wrong order.
 */
int buddy_free(struct buddy *b, struct page *page, unsigned int order);

/*
 * Check the free lists against the page flags and the counters: 0, or
 * -EUCLEAN if they disagree. Linear in the free blocks; for tests.
 */
int buddy_check(const struct buddy *b);

#endif
