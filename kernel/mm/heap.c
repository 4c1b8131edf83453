/*
 * The kernel's backend for the heap (kernel/mm/slab.h): slabs and large
 * kmallocs are blocks from the page allocator, addressed through the
 * direct map (so an object's struct page is found by arithmetic, and heap
 * memory is physically contiguous); the heap's lock is a spinlock taken
 * with interrupts off; and what the debug checks find is a panic, with
 * the object's address and cache for the report.
 */
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>

#include "slab.h"

static DEFINE_SPINLOCK(heap_lock, LOCK_RANK_MM_HEAP);

struct page *slab_backend_alloc(unsigned int order, unsigned int usage)
{
	return pmm_alloc_pages(order, PMM_USE(usage));
}

void slab_backend_free(struct page *page, unsigned int order)
{
	pmm_free_pages(page, order);
}

void *slab_backend_address(const struct page *page)
{
	return page_address(page);
}

struct page *slab_backend_page(const void *addr)
{
	return virt_to_page(addr);
}

void slab_backend_report(enum heap_error err, const void *ptr,
			 const char *cache)
{
	panic("heap: %s at %p%s%s", heap_error_name(err), ptr,
	      cache ? " in " : "", cache ? cache : "");
}

unsigned long slab_backend_lock(void)
{
	return spin_lock_irqsave(&heap_lock);
}

void slab_backend_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&heap_lock, flags);
}
