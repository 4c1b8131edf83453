/*
 * The kernel allocators' pure code on the host (include once per program):
 * an arena of pages with its struct page array, a buddy allocator over it,
 * and the slab backend (kernel/mm/slab.h) on that buddy, as heap.c does in
 * the kernel. Used by tests/host/test_buddy.c, test_slab.c and
 * tests/fuzz/fuzz_mm.c. Findings the heap reports (slab_backend_report)
 * are counted; host_mm_fatal_reports makes them abort instead.
 */
#ifndef MM_HOST_H
#define MM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>

#include "buddy.h"
#include "slab.h"

#define HOST_MAX_PAGES 16384 /* 64 MiB */

static struct page host_pages[HOST_MAX_PAGES];
static unsigned char *host_arena;
static uint64_t host_npages;
static struct buddy host_buddy;

static int host_reports;
static enum heap_error host_last_report;
static const void *host_last_report_ptr;
static bool host_mm_fatal_reports;

/* A fresh buddy over npages pages (page 0 left out) and a fresh heap. */
static inline void host_mm_init(uint64_t npages)
{
	if (!host_arena) {
		host_arena =
			aligned_alloc(PAGE_SIZE, HOST_MAX_PAGES * PAGE_SIZE);
		if (!host_arena)
			abort();
	}
	host_npages = npages;
	memset(host_pages, 0, npages * sizeof(host_pages[0]));
	buddy_init(&host_buddy, host_pages, 0, npages);
	buddy_add_range(&host_buddy, 1, npages - 1);
	heap_debug_on = true; /* as a test boot: poisoning checked */
	heap_init();
	host_reports = 0;
	host_last_report = HEAP_OK;
	host_last_report_ptr = NULL;
}

struct page *slab_backend_alloc(unsigned int order, unsigned int usage)
{
	struct page *p = buddy_alloc(&host_buddy, order);

	if (p)
		p->usage = (uint8_t)usage;
	return p;
}

void slab_backend_free(struct page *page, unsigned int order)
{
	if (buddy_free(&host_buddy, page, order) != 0) {
		fprintf(stderr, "mm_host: bad free of page %td order %u\n",
			page - host_pages, order);
		abort();
	}
}

void *slab_backend_address(const struct page *page)
{
	return host_arena + (size_t)(page - host_pages) * PAGE_SIZE;
}

struct page *slab_backend_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)host_arena;

	if (a < base || a - base >= host_npages * PAGE_SIZE)
		return NULL;
	return &host_pages[(a - base) / PAGE_SIZE];
}

void slab_backend_report(enum heap_error err, const void *ptr,
			 const char *cache)
{
	host_reports++;
	host_last_report = err;
	host_last_report_ptr = ptr;
	if (host_mm_fatal_reports) {
		fprintf(stderr, "heap: %s at %p (%s)\n", heap_error_name(err),
			ptr, cache ? cache : "?");
		abort();
	}
}

unsigned long slab_backend_lock(void)
{
	return 0;
}

void slab_backend_unlock(unsigned long flags)
{
}

#endif
