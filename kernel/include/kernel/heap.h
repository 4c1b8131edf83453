/*
 * The kernel heap (kernel/mm/slab.c, heap.c): kmalloc/kfree for any size,
 * and object caches for kernel objects allocated often.
 *
 * Small sizes (8 B to 4 KiB, in classes 8, 16, 32, 64, 96, 128, 192, 256,
 * 512, 1024, 2048, 4096) come from slabs: blocks of pages cut into equal
 * objects, one cache per class. Larger sizes, up to KMALLOC_MAX, are whole
 * blocks from the page allocator; beyond that use vmalloc (<kernel/vm.h>).
 * Heap memory is in the direct map, so it is physically contiguous.
 * Alignment: 8 bytes at least; a power-of-two size up to 4 KiB is aligned
 * to itself, larger ones to 4 KiB.
 *
 * Out of memory is NULL. Every free is checked (a pointer the heap never
 * returned). With MM_DEBUG (the default; build with make MM_DEBUG=0 to
 * drop it) and in boots that ask for it ("slub_debug" on the command line;
 * test boots, "test=...", always do), free objects are also filled with
 * poison that is checked when they are handed out again (a write after
 * free), and double frees are found: kfree panics with the finding,
 * kfree_check returns it instead.
 * Safe on any CPU and in interrupt handlers (one lock, interrupts off).
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#ifndef MM_DEBUG
#define MM_DEBUG 1
#endif

#include <stdbool.h>

/* Whether this boot poisons the heap (above); fixed by heap_init. */
extern bool heap_debug_on;
static inline bool heap_debug(void)
{
	return MM_DEBUG && heap_debug_on;
}

#define KMALLOC_MAX_CACHE 4096	 /* the largest size class */
#define KMALLOC_MAX (4ULL << 20) /* the largest kmalloc at all */

/* Byte patterns of debug builds (as Linux's): free and fresh objects. */
#define HEAP_POISON_FREE 0x6b
#define HEAP_POISON_ALLOC 0x5a

void *kmalloc(size_t size); /* kmalloc(0) is a valid, unique pointer */
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size); /* zeroed; NULL if n * size overflows */
void kfree(void *ptr);		      /* NULL is ignored */
/* The usable size of a kmalloc'd block (its class's size, at least). */
size_t ksize(const void *ptr);

/* An object cache: the heap's, for objects of one size. */
struct kmem_cache;

/*
 * A cache of size-byte objects aligned to align (0: 8; else a power of
 * two up to 4096). name is kept, not copied. NULL if out of memory, or
 * -EINVAL-worthy arguments (size 0 or above KMALLOC_MAX).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align);
/* 0, or -EBUSY if objects are still allocated (the cache is kept). */
int kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache);
void *kmem_cache_zalloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
/* Give the cache's empty slabs back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *cache);
/* The same for every cache. */
void heap_shrink(void);

/* What the heap's checks found. */
enum heap_error {
	HEAP_OK,
	HEAP_INVALID_FREE,   /* not an object the heap handed out */
	HEAP_DOUBLE_FREE,    /* an object already free */
	HEAP_USE_AFTER_FREE, /* a free object was written to */
};

/* "double free", ...: for messages. */
const char *heap_error_name(enum heap_error err);

/*
 * kfree and kmem_cache_free that report rather than panic: HEAP_OK if the
 * object was freed; else nothing is freed. (Double frees are found with
 * MM_DEBUG only.)
 */
enum heap_error kfree_check(void *ptr);
enum heap_error kmem_cache_free_check(struct kmem_cache *cache, void *obj);

/*
 * Check the poison of every free object of the cache (NULL: all caches):
 * HEAP_OK, or HEAP_USE_AFTER_FREE with *where (if not NULL) set to the
 * damaged object. Without MM_DEBUG there is no poison: always HEAP_OK.
 */
enum heap_error heap_verify(struct kmem_cache *cache, const void **where);

struct heap_stats {
	uint64_t slab_pages;  /* pages in slabs, all caches */
	uint64_t large_pages; /* pages of kmalloc > KMALLOC_MAX_CACHE */
	uint64_t objects;     /* objects allocated from caches */
	uint64_t caches;
};

void heap_get_stats(struct heap_stats *stats);

/* Set up the kmalloc caches; mm_init calls it. No memory is taken yet. */
void heap_init(void);

#endif
