/*
 * The slab allocator's insides, private to kernel/mm/: struct kmem_cache,
 * the slab functions kmalloc.c builds on, and the page "backend" below
 * them. slab.c and kmalloc.c are pure code, also built for the host tests
 * and fuzzers with a backend of their own; the kernel's is heap.c.
 */
#ifndef KERNEL_MM_SLAB_H
#define KERNEL_MM_SLAB_H

#include <stdbool.h>
#include <kernel/heap.h>
#include <kernel/mm.h>

/* Empty slabs a cache keeps rather than freeing (avoids alloc/free churn). */
#define SLAB_KEEP_EMPTY 1

/*
 * A slab is a block of 2^order pages cut into `objects` slots of `size`
 * bytes. Its first page's struct page holds the slab's state: PG_SLAB and
 * PG_HEAD, owner = the cache, freelist = the first free slot (a free slot
 * holds the next one's address in its first 8 bytes), inuse. The other
 * pages have PG_SLAB and head = the first page, so any object address
 * leads to its slab.
 *
 * The heap's lock (slab_backend_lock) guards everything below.
 */
struct kmem_cache {
	const char *name;
	uint32_t object_size; /* as asked for */
	uint32_t size;	      /* of a slot: object_size rounded to align */
	uint32_t align;
	uint16_t order;	  /* pages per slab: 2^order */
	uint16_t objects; /* slots per slab */
	/* Slabs by fill, linked through their first page's next/prev. */
	struct page *partial, *full, *empty;
	uint32_t nr_empty;
	uint64_t nr_slabs;	       /* slabs allocated */
	uint64_t inuse;		       /* objects handed out */
	struct kmem_cache *next_cache; /* the list of all caches */
};

/* Fill in c for objects of size bytes aligned to align: 0 or -EINVAL. */
int slab_cache_setup(struct kmem_cache *c, const char *name, size_t size,
		     size_t align);
void *slab_alloc(struct kmem_cache *c);
/*
 * Free obj, which must be an object of cache want (NULL: of any cache).
 * HEAP_INVALID_FREE if obj is not a slab object at all.
 */
enum heap_error slab_free(struct kmem_cache *want, void *obj);
/* Free the empty slabs (all, or beyond SLAB_KEEP_EMPTY). */
void slab_shrink(struct kmem_cache *c);
/* The first damaged free object of c, or NULL. */
const void *slab_verify(struct kmem_cache *c);
/* The cache a slab object belongs to, or NULL if ptr is not one. */
struct kmem_cache *slab_cache_of(const void *ptr);
/* Fill size bytes (a multiple of 8, 8-aligned) with byte, by words. */
void slab_poison(void *p, size_t size, unsigned char byte);

/*
 * The backend: blocks of pages for slabs and large kmallocs, their
 * addresses, and where findings go. slab_backend_alloc returns the
 * block's first page, PG_HEAD set and order recorded (as buddy_alloc
 * does), or NULL; slab_backend_page returns NULL for addresses it does
 * not manage. slab_backend_report gets what kmalloc and kfree find; the
 * kernel's panics.
 */
struct page *slab_backend_alloc(unsigned int order, unsigned int usage);
void slab_backend_free(struct page *page, unsigned int order);
void *slab_backend_address(const struct page *page);
struct page *slab_backend_page(const void *addr);
void slab_backend_report(enum heap_error err, const void *ptr,
			 const char *cache);
/*
 * The heap's lock, taken by every public entry point of kmalloc.c (the
 * kernel's is a spinlock with interrupts off). Returns what
 * slab_backend_unlock needs.
 */
unsigned long slab_backend_lock(void);
void slab_backend_unlock(unsigned long flags);

#endif
