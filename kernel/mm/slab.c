/*
 * Slabs (see slab.h): a cache takes blocks of pages from the backend,
 * cuts them into equal slots and keeps the free slots of each slab on a
 * list threaded through the slots themselves. Slabs move between the
 * cache's partial, full and empty lists as objects come and go; an
 * emptied slab goes back to the page allocator once the cache already
 * keeps SLAB_KEEP_EMPTY of them.
 *
 * Debug boots (heap_debug(), <kernel/heap.h>) fill a free slot with
 * HEAP_POISON_FREE past its list pointer and check that poison when the
 * slot is handed out again, so a write through a dangling pointer is
 * found; a freed pointer is looked up on its slab's free list first, so a
 * double free is too.
 *
 * Pure code: also built for the host (tests/host/test_slab.c).
 */
#include <kernel/errno.h>

#include "slab.h"

/*
 * Poison is written and checked with memset and memcmp (the kernel's go
 * a word per string-instruction step): the check compares with a page of
 * poison, a page at a time.
 */
#define POISON_CHUNK 4096
static const unsigned char free_poison[POISON_CHUNK] = {
	[0 ... POISON_CHUNK - 1] = HEAP_POISON_FREE,
};

void slab_poison(void *obj, size_t size, unsigned char byte)
{
	__builtin_memset(obj, byte, size);
}

/* Is the slot all free-poison after its link word? */
static bool poisoned(const void *obj, size_t size)
{
	const unsigned char *p = (const unsigned char *)obj + 8;

	for (size_t left = size - 8; left;) {
		size_t n = left < POISON_CHUNK ? left : POISON_CHUNK;

		if (__builtin_memcmp(p, free_poison, n))
			return false;
		p += n;
		left -= n;
	}
	return true;
}

static char *slab_base(const struct page *slab)
{
	return slab_backend_address(slab);
}

/* Whether p is the start of a slot of this slab. */
static bool valid_slot(const struct kmem_cache *c, const struct page *slab,
		       const void *p)
{
	uintptr_t base = (uintptr_t)slab_base(slab), a = (uintptr_t)p;

	return a >= base && a - base < (uintptr_t)c->objects * c->size &&
	       (a - base) % c->size == 0;
}

static void list_add(struct page **head, struct page *p)
{
	p->prev = NULL;
	p->next = *head;
	if (*head)
		(*head)->prev = p;
	*head = p;
}

static void list_del(struct page **head, struct page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		*head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

static struct page **list_for(struct kmem_cache *c, unsigned int inuse)
{
	if (inuse == 0)
		return &c->empty;
	return inuse == c->objects ? &c->full : &c->partial;
}

/* Change a slab's count of objects in use, moving it to the right list. */
static void set_inuse(struct kmem_cache *c, struct page *slab,
		      unsigned int inuse)
{
	struct page **from = list_for(c, slab->inuse),
		    **to = list_for(c, inuse);

	if (from != to) {
		list_del(from, slab);
		list_add(to, slab);
		if (from == &c->empty)
			c->nr_empty--;
		if (to == &c->empty)
			c->nr_empty++;
	}
	slab->inuse = (uint16_t)inuse;
}

/* A new empty slab on c's empty list, or NULL if out of memory. */
static struct page *new_slab(struct kmem_cache *c)
{
	struct page *slab = slab_backend_alloc(c->order, MM_USE_SLAB);
	void *next = NULL;
	char *base;

	if (!slab)
		return NULL;
	base = slab_base(slab);
	slab->flags |= PG_SLAB;
	slab->owner = c;
	slab->inuse = 0;
	for (unsigned int i = 1; i < 1u << c->order; i++) {
		slab[i].flags |= PG_SLAB;
		slab[i].head = slab;
	}
	for (unsigned int i = c->objects; i-- > 0;) {
		char *obj = base + (size_t)i * c->size;

		if (heap_debug())
			slab_poison(obj, c->size, HEAP_POISON_FREE);
		*(void **)obj = next;
		next = obj;
	}
	slab->freelist = next;
	list_add(&c->empty, slab);
	c->nr_empty++;
	c->nr_slabs++;
	return slab;
}

/* Give an empty slab (on no list) back to the backend. */
static void release_slab(struct kmem_cache *c, struct page *slab)
{
	for (unsigned int i = 1; i < 1u << c->order; i++) {
		slab[i].flags &= ~PG_SLAB;
		slab[i].head = NULL;
	}
	slab->flags &= ~PG_SLAB;
	slab->owner = NULL;
	slab->freelist = NULL;
	c->nr_slabs--;
	slab_backend_free(slab, c->order);
}

/* A free slot's link is sane and its poison untouched. */
static bool free_slot_intact(const struct kmem_cache *c,
			     const struct page *slab, const void *obj)
{
	void *next = *(void *const *)obj;

	if (next && !valid_slot(c, slab, next))
		return false;
	return !heap_debug() || poisoned(obj, c->size);
}

void *slab_alloc(struct kmem_cache *c)
{
	struct page *slab = c->partial ? c->partial : c->empty;
	void *obj, *next;

	if (!slab && !(slab = new_slab(c)))
		return NULL;
	obj = slab->freelist;
	if (!obj) /* only after a reported corruption cut the list */
		return NULL;
	next = *(void **)obj;
	if (!free_slot_intact(c, slab, obj)) {
		slab_backend_report(HEAP_USE_AFTER_FREE, obj, c->name);
		if (next && !valid_slot(c, slab, next))
			next = NULL;
	}
	slab->freelist = next;
	set_inuse(c, slab, slab->inuse + 1u);
	c->inuse++;
	if (heap_debug())
		slab_poison(obj, c->size, HEAP_POISON_ALLOC);
	return obj;
}

/* Whether obj is on its slab's free list (bounded: the list may be bad). */
static bool on_freelist(const struct kmem_cache *c, const struct page *slab,
			const void *obj)
{
	void *p = slab->freelist;

	for (unsigned int n = 0; p && n < c->objects; n++) {
		if (p == obj)
			return true;
		if (!valid_slot(c, slab, p))
			return false;
		p = *(void **)p;
	}
	return false;
}

static struct page *slab_of(const void *obj)
{
	struct page *page = slab_backend_page(obj);

	if (!page || !(page->flags & PG_SLAB))
		return NULL;
	return page->flags & PG_HEAD ? page : page->head;
}

struct kmem_cache *slab_cache_of(const void *ptr)
{
	struct page *slab = slab_of(ptr);

	return slab ? slab->owner : NULL;
}

enum heap_error slab_free(struct kmem_cache *want, void *obj)
{
	struct page *slab = slab_of(obj);
	struct kmem_cache *c = slab ? slab->owner : NULL;

	if (!c || (want && want != c) || !valid_slot(c, slab, obj))
		return HEAP_INVALID_FREE;
	/* Only a slot still all poison can be free: look for it then. */
	if (slab->inuse == 0 || (heap_debug() && poisoned(obj, c->size) &&
				 on_freelist(c, slab, obj)))
		return HEAP_DOUBLE_FREE;
	if (heap_debug())
		slab_poison(obj, c->size, HEAP_POISON_FREE);
	*(void **)obj = slab->freelist;
	slab->freelist = obj;
	set_inuse(c, slab, slab->inuse - 1u);
	c->inuse--;
	if (c->nr_empty > SLAB_KEEP_EMPTY) {
		struct page *empty = c->empty;

		list_del(&c->empty, empty);
		c->nr_empty--;
		release_slab(c, empty);
	}
	return HEAP_OK;
}

void slab_shrink(struct kmem_cache *c)
{
	while (c->empty) {
		struct page *empty = c->empty;

		list_del(&c->empty, empty);
		c->nr_empty--;
		release_slab(c, empty);
	}
}

static const void *verify_list(const struct kmem_cache *c,
			       const struct page *slab)
{
	for (; slab; slab = slab->next) {
		const void *p = slab->freelist;

		for (unsigned int n = 0; p && n < c->objects; n++) {
			if (!free_slot_intact(c, slab, p))
				return p;
			p = *(void *const *)p;
		}
	}
	return NULL;
}

const void *slab_verify(struct kmem_cache *c)
{
	const void *bad = verify_list(c, c->partial);

	return bad ? bad : verify_list(c, c->empty);
}

/* The smallest slab order wasting at most 1/8 (up to 32 KiB slabs). */
static unsigned int slab_order(size_t slot)
{
	unsigned int order;

	for (order = 0; order <= 3; order++) {
		size_t bytes = PAGE_SIZE << order;

		if (bytes >= slot && (bytes % slot) * 8 <= bytes)
			return order;
	}
	for (order = 0; (PAGE_SIZE << order) < slot; order++)
		;
	return order;
}

int slab_cache_setup(struct kmem_cache *c, const char *name, size_t size,
		     size_t align)
{
	size_t slot;

	if (align == 0)
		align = 8;
	if (size == 0 || size > KMALLOC_MAX || (align & (align - 1)) ||
	    align > PAGE_SIZE)
		return -EINVAL;
	align = align < 8 ? 8 : align;
	slot = ALIGN_UP(size, align);
	/*
	 * With the debug checks a free slot must hold poison past its link
	 * word: a free looks for a double free on the free list only when
	 * the slot is still all poison, and a slot of just the link word
	 * would always look so, and cost a walk of the whole list.
	 */
	if (heap_debug() && slot < 16)
		slot = 16;
	*c = (struct kmem_cache){
		.name = name,
		.object_size = (uint32_t)size,
		.size = (uint32_t)slot,
		.align = (uint32_t)align,
		.order = (uint16_t)slab_order(slot),
	};
	c->objects = (uint16_t)((PAGE_SIZE << c->order) / slot);
	return 0;
}
