/*
 * kmalloc and object caches (<kernel/heap.h>) on top of the slabs of
 * slab.c: one cache per size class up to KMALLOC_MAX_CACHE, whole page
 * blocks beyond (the block's first page then has PG_LARGE_KMALLOC, which
 * is how kfree tells the two apart). struct kmem_cache objects themselves
 * come from a cache, cache_cache, set up statically like the size
 * classes, so creating a cache needs nothing but the heap.
 *
 * Pure code: also built for the host (tests/host/test_slab.c).
 */
#include <kernel/errno.h>

#include "slab.h"

static const uint32_t class_size[] = {8,   16,	32,  64,   96,	 128,
				      192, 256, 512, 1024, 2048, 4096};
static const char *const class_name[] = {
	"kmalloc-8",   "kmalloc-16",   "kmalloc-32",   "kmalloc-64",
	"kmalloc-96",  "kmalloc-128",  "kmalloc-192",  "kmalloc-256",
	"kmalloc-512", "kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
};
#define NR_CLASSES (sizeof(class_size) / sizeof(class_size[0]))

static struct kmem_cache kmalloc_caches[NR_CLASSES];
static struct kmem_cache cache_cache; /* struct kmem_cache objects */
static struct kmem_cache *all_caches; /* through next_cache */
static uint64_t large_pages;	      /* in kmalloc blocks > 4 KiB */

/* The smallest class that holds size bytes (size <= KMALLOC_MAX_CACHE). */
static struct kmem_cache *size_class(size_t size)
{
	unsigned int i = 0;

	while (class_size[i] < size)
		i++;
	return &kmalloc_caches[i];
}

/* Natural alignment for powers of two, else that of the largest one in it. */
static size_t class_align(size_t size)
{
	return size & -size;
}

static void add_cache(struct kmem_cache *c)
{
	c->next_cache = all_caches;
	all_caches = c;
}

/* Set before heap_init (mm_init reads the command line), never after: a
 * free object of a poisoning boot must be all poison when handed out. */
bool heap_debug_on;

void heap_init(void)
{
	all_caches = NULL;
	large_pages = 0;
	slab_cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache),
			 0);
	add_cache(&cache_cache);
	for (unsigned int i = NR_CLASSES; i-- > 0;) {
		slab_cache_setup(&kmalloc_caches[i], class_name[i],
				 class_size[i], class_align(class_size[i]));
		add_cache(&kmalloc_caches[i]);
	}
}

static unsigned int pages_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *large_alloc(size_t size)
{
	unsigned int order = pages_order(size);
	struct page *page;
	void *p;

	if (size > KMALLOC_MAX)
		return NULL;
	page = slab_backend_alloc(order, MM_USE_HEAP_LARGE);
	if (!page)
		return NULL;
	page->flags |= PG_LARGE_KMALLOC;
	page->private_data = size;
	large_pages += 1ULL << order;
	p = slab_backend_address(page);
	if (heap_debug())
		slab_poison(p, PAGE_SIZE << order, HEAP_POISON_ALLOC);
	return p;
}

void *kmalloc(size_t size)
{
	unsigned long flags = slab_backend_lock();
	void *p = size > KMALLOC_MAX_CACHE ? large_alloc(size)
					   : slab_alloc(size_class(size));

	slab_backend_unlock(flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		__builtin_memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

static enum heap_error large_free(struct page *page, void *ptr)
{
	unsigned int order = page->order;

	if (ptr != slab_backend_address(page))
		return HEAP_INVALID_FREE;
	page->flags &= ~PG_LARGE_KMALLOC;
	page->private_data = 0;
	large_pages -= 1ULL << order;
	slab_backend_free(page, order);
	return HEAP_OK;
}

static enum heap_error free_any(void *ptr)
{
	struct page *page = slab_backend_page(ptr);

	if (!page)
		return HEAP_INVALID_FREE;
	if (page->flags & PG_SLAB)
		return slab_free(NULL, ptr);
	if (page->flags & PG_LARGE_KMALLOC)
		return large_free(page, ptr);
	/* A freed block's first page is on a free list now (or merged). */
	return page->flags & PG_BUDDY ? HEAP_DOUBLE_FREE : HEAP_INVALID_FREE;
}

enum heap_error kfree_check(void *ptr)
{
	unsigned long flags;
	enum heap_error err;

	if (!ptr)
		return HEAP_OK;
	flags = slab_backend_lock();
	err = free_any(ptr);
	slab_backend_unlock(flags);
	return err;
}

void kfree(void *ptr)
{
	enum heap_error err = kfree_check(ptr);
	struct kmem_cache *c;

	if (err != HEAP_OK) {
		c = slab_cache_of(ptr);
		slab_backend_report(err, ptr, c ? c->name : NULL);
	}
}

size_t ksize(const void *ptr)
{
	struct page *page = ptr ? slab_backend_page(ptr) : NULL;
	struct kmem_cache *c = slab_cache_of(ptr);

	if (c)
		return c->size;
	if (page && (page->flags & PG_LARGE_KMALLOC))
		return PAGE_SIZE << page->order;
	return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align)
{
	unsigned long flags = slab_backend_lock();
	struct kmem_cache *c = slab_alloc(&cache_cache);

	if (c && slab_cache_setup(c, name, size, align)) {
		slab_free(&cache_cache, c);
		c = NULL;
	}
	if (c)
		add_cache(c);
	slab_backend_unlock(flags);
	return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags = slab_backend_lock();
	struct kmem_cache **pp = &all_caches;
	int err = c->inuse ? -EBUSY : 0;

	if (!err) {
		slab_shrink(c);
		while (*pp != c)
			pp = &(*pp)->next_cache;
		*pp = c->next_cache;
		slab_free(&cache_cache, c);
	}
	slab_backend_unlock(flags);
	return err;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	unsigned long flags = slab_backend_lock();
	void *p = slab_alloc(c);

	slab_backend_unlock(flags);
	return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);

	if (p)
		__builtin_memset(p, 0, c->object_size);
	return p;
}

enum heap_error kmem_cache_free_check(struct kmem_cache *c, void *obj)
{
	unsigned long flags;
	enum heap_error err;

	if (!obj)
		return HEAP_OK;
	flags = slab_backend_lock();
	err = slab_free(c, obj);
	slab_backend_unlock(flags);
	return err;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	enum heap_error err = kmem_cache_free_check(c, obj);

	if (err != HEAP_OK)
		slab_backend_report(err, obj, c->name);
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	unsigned long flags = slab_backend_lock();

	slab_shrink(c);
	slab_backend_unlock(flags);
}

void heap_shrink(void)
{
	unsigned long flags = slab_backend_lock();

	for (struct kmem_cache *c = all_caches; c; c = c->next_cache)
		slab_shrink(c);
	slab_backend_unlock(flags);
}

enum heap_error heap_verify(struct kmem_cache *cache, const void **where)
{
	unsigned long flags = slab_backend_lock();
	const void *bad = NULL;

	for (struct kmem_cache *c = all_caches; c && !bad; c = c->next_cache) {
		if (!cache || c == cache)
			bad = slab_verify(c);
	}
	slab_backend_unlock(flags);
	if (bad && where)
		*where = bad;
	return bad ? HEAP_USE_AFTER_FREE : HEAP_OK;
}

const char *heap_error_name(enum heap_error err)
{
	switch (err) {
	case HEAP_OK:
		return "ok";
	case HEAP_INVALID_FREE:
		return "invalid free";
	case HEAP_DOUBLE_FREE:
		return "double free";
	case HEAP_USE_AFTER_FREE:
		return "write after free";
	}
	return "unknown heap error";
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long flags = slab_backend_lock();

	*st = (struct heap_stats){.large_pages = large_pages};
	for (struct kmem_cache *c = all_caches; c; c = c->next_cache) {
		st->slab_pages += c->nr_slabs << c->order;
		st->objects += c->inuse;
		st->caches++;
	}
	slab_backend_unlock(flags);
}
