/*
 * The buddy allocator (see buddy.h): free memory as blocks of 2^order
 * pages, each aligned to its size. A block's buddy is the other half of
 * the block twice its size: its pfn differs in bit `order` only. Freeing a
 * block merges it with its buddy while that is free and of the same
 * order, so free memory always ends up in the largest aligned blocks it
 * can form: freeing everything restores exactly the state after the
 * ranges were added, whatever happened in between. Allocation splits the
 * smallest large-enough block, putting the halves it does not use back.
 *
 * Pure code: also built for the host (tests/host/test_buddy.c).
 */
#include <kernel/errno.h>

#include "buddy.h"

static uint64_t pfn_of(const struct buddy *b, const struct page *page)
{
	return (uint64_t)(page - b->pages);
}

static void push_free(struct buddy *b, struct page *page, unsigned int order)
{
	page->flags = PG_BUDDY;
	page->order = (uint8_t)order;
	page->prev = NULL;
	page->next = b->free[order];
	if (page->next)
		page->next->prev = page;
	b->free[order] = page;
	b->nr_free[order]++;
	b->free_pages += 1ULL << order;
}

static void remove_free(struct buddy *b, struct page *page, unsigned int order)
{
	if (page->prev)
		page->prev->next = page->next;
	else
		b->free[order] = page->next;
	if (page->next)
		page->next->prev = page->prev;
	page->next = page->prev = NULL;
	page->flags = 0;
	page->order = 0;
	b->nr_free[order]--;
	b->free_pages -= 1ULL << order;
}

/* Put the free block at pfn on a list, merged with its free buddies. */
static void free_block(struct buddy *b, uint64_t pfn, unsigned int order)
{
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy_pfn = pfn ^ (1ULL << order);
		struct page *buddy;

		if (buddy_pfn < b->start_pfn || buddy_pfn >= b->end_pfn)
			break;
		buddy = &b->pages[buddy_pfn];
		if (!(buddy->flags & PG_BUDDY) || buddy->order != order)
			break;
		remove_free(b, buddy, order);
		pfn &= ~(1ULL << order);
		order++;
	}
	push_free(b, &b->pages[pfn], order);
}

void buddy_init(struct buddy *b, struct page *pages, uint64_t start_pfn,
		uint64_t end_pfn)
{
	*b = (struct buddy){
		.pages = pages,
		.start_pfn = start_pfn,
		.end_pfn = end_pfn,
	};
}

/* The largest order a block at pfn may have with at most count pages. */
static unsigned int fit_order(uint64_t pfn, uint64_t count)
{
	unsigned int order = 0;

	while (order < PMM_MAX_ORDER && !(pfn & (1ULL << order)) &&
	       (2ULL << order) <= count)
		order++;
	return order;
}

int buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
	if (pfn < b->start_pfn || pfn > b->end_pfn || count > b->end_pfn - pfn)
		return -EINVAL;
	b->managed_pages += count;
	while (count) {
		unsigned int order = fit_order(pfn, count);

		free_block(b, pfn, order);
		pfn += 1ULL << order;
		count -= 1ULL << order;
	}
	return 0;
}

struct page *buddy_alloc(struct buddy *b, unsigned int order)
{
	unsigned int k = order;
	struct page *page;
	uint64_t pfn;

	if (order > PMM_MAX_ORDER)
		return NULL;
	while (k <= PMM_MAX_ORDER && !b->free[k])
		k++;
	if (k > PMM_MAX_ORDER)
		return NULL;
	page = b->free[k];
	remove_free(b, page, k);
	pfn = pfn_of(b, page);
	/* Keep the lower half, give back the upper one, until small enough. */
	while (k > order) {
		k--;
		push_free(b, &b->pages[pfn + (1ULL << k)], k);
	}
	page->flags = PG_HEAD;
	page->order = (uint8_t)order;
	return page;
}

int buddy_free(struct buddy *b, struct page *page, unsigned int order)
{
	uint64_t pfn;

	if (page < b->pages || order > PMM_MAX_ORDER)
		return -EINVAL;
	pfn = pfn_of(b, page);
	if (pfn < b->start_pfn || pfn >= b->end_pfn ||
	    (pfn & ((1ULL << order) - 1)) || (1ULL << order) > b->end_pfn - pfn)
		return -EINVAL;
	if (page->flags != PG_HEAD || page->order != order)
		return -EINVAL;
	page->flags = 0;
	free_block(b, pfn, order);
	return 0;
}

/* Whether the free block at pfn should have merged with its buddy. */
static bool unmerged(const struct buddy *b, uint64_t pfn, unsigned int order)
{
	uint64_t buddy_pfn = pfn ^ (1ULL << order);
	const struct page *buddy;

	if (order == PMM_MAX_ORDER || buddy_pfn < b->start_pfn ||
	    buddy_pfn >= b->end_pfn)
		return false;
	buddy = &b->pages[buddy_pfn];
	return (buddy->flags & PG_BUDDY) && buddy->order == order;
}

/* One free list: flags, order, alignment, links, merging; counts it. */
static int check_list(const struct buddy *b, unsigned int order,
		      uint64_t *blocks)
{
	const struct page *prev = NULL;

	*blocks = 0;
	for (const struct page *p = b->free[order]; p; p = p->next) {
		uint64_t pfn = pfn_of(b, p);

		if (p->flags != PG_BUDDY || p->order != order ||
		    p->prev != prev || pfn < b->start_pfn ||
		    pfn + (1ULL << order) > b->end_pfn ||
		    (pfn & ((1ULL << order) - 1)) || unmerged(b, pfn, order))
			return -EUCLEAN;
		prev = p;
		++*blocks;
	}
	return 0;
}

int buddy_check(const struct buddy *b)
{
	uint64_t pages = 0, blocks;

	for (unsigned int order = 0; order <= PMM_MAX_ORDER; order++) {
		if (check_list(b, order, &blocks) ||
		    blocks != b->nr_free[order])
			return -EUCLEAN;
		pages += blocks << order;
	}
	return pages == b->free_pages && pages <= b->managed_pages ? 0
								   : -EUCLEAN;
}
