/*
 * libFuzzer harness for the kernel's allocators (kernel/mm/buddy.c,
 * slab.c, kmalloc.c, on the host buddy of tests/host/mm_host.h): the input
 * is a sequence of operations, three bytes each (operation, two argument
 * bytes), on 64 slots: kmalloc, kfree, object cache alloc/free, raw page
 * blocks, frees that must be refused (inside an object, twice), shrinking
 * and poison checks. Every object is filled with its own byte and checked
 * when freed; at the end everything is freed and the page allocator must
 * have all its pages back, merged as at the start. Any finding aborts.
 *
 *   make fuzz
 *   build/tests/fuzz/fuzz_mm -max_len=3000 build/fuzz/mm-corpus
 */
#include "mm_host.h"

#define ARENA_PAGES 2048
#define SLOTS 64

enum kind { EMPTY, KMALLOC, CACHE, PAGES };

struct slot {
	enum kind kind;
	unsigned char *p;
	size_t size;
	unsigned int order;
	unsigned char fill;
};

static struct slot slots[SLOTS];
static struct kmem_cache *caches[2];

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void fill(struct slot *s, unsigned char byte)
{
	s->fill = byte;
	memset(s->p, byte, s->size);
}

static void release(struct slot *s)
{
	for (size_t i = 0; i < s->size; i++)
		check(s->p[i] == s->fill);
	if (s->kind == KMALLOC)
		check(kfree_check(s->p) == HEAP_OK);
	else if (s->kind == CACHE)
		check(kmem_cache_free_check(caches[s->order], s->p) == HEAP_OK);
	else if (s->kind == PAGES)
		check(buddy_free(&host_buddy, slab_backend_page(s->p),
				 s->order) == 0);
	s->kind = EMPTY;
}

static void take(struct slot *s, unsigned int op, unsigned int a)
{
	if (s->kind != EMPTY)
		release(s);
	if (op == 0) { /* a in 0..1023: mostly small, up to 62 KiB */
		s->size = a < 900 ? a * 5 : (a - 900) * 512;
		s->p = kmalloc(s->size);
		s->kind = KMALLOC;
	} else if (op == 1) {
		s->order = a & 1;
		s->size = s->order ? 200 : 24;
		s->p = kmem_cache_alloc(caches[s->order]);
		s->kind = CACHE;
	} else {
		struct page *pg = buddy_alloc(&host_buddy, a % PMM_NR_ORDERS);

		s->order = a % PMM_NR_ORDERS;
		s->size = 64;
		s->p = pg ? slab_backend_address(pg) : NULL;
		s->kind = PAGES;
	}
	if (!s->p) { /* out of memory: allowed */
		s->kind = EMPTY;
		return;
	}
	fill(s, (unsigned char)(a * 31 + 7));
}

/* Frees that must be refused, and must change nothing. */
static void bad_free(struct slot *s, unsigned int a)
{
	if (s->kind == KMALLOC && s->size > 8)
		check(kfree_check(s->p + 1 + a % (s->size - 1)) ==
		      HEAP_INVALID_FREE);
	if (s->kind == KMALLOC && MM_DEBUG) { /* free, then again */
		release(s);
		check(kfree_check(s->p) != HEAP_OK);
	}
	if (s->kind == EMPTY)
		check(kfree_check(&slots[a % SLOTS]) == HEAP_INVALID_FREE);
}

static void step(unsigned int op, unsigned int a)
{
	struct slot *s = &slots[a % SLOTS];

	switch (op % 8) {
	case 0:
	case 1:
	case 2:
		take(s, op % 3, a >> 6);
		break;
	case 3:
	case 4:
		if (s->kind != EMPTY)
			release(s);
		break;
	case 5:
		bad_free(s, a >> 6);
		break;
	case 6:
		heap_shrink();
		break;
	case 7:
		check(heap_verify(NULL, NULL) == HEAP_OK);
		check(buddy_check(&host_buddy) == 0);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t start;

	host_mm_fatal_reports = true;
	host_mm_init(ARENA_PAGES);
	start = host_buddy.free_pages;
	memset(slots, 0, sizeof(slots));
	caches[0] = kmem_cache_create("fuzz-24", 24, 0);
	caches[1] = kmem_cache_create("fuzz-200", 200, 64);
	check(caches[0] && caches[1]);
	for (size_t i = 0; i + 3 <= size; i += 3)
		step(data[i], (unsigned int)data[i + 1] << 8 | data[i + 2]);
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].kind != EMPTY)
			release(&slots[i]);
	}
	check(kmem_cache_destroy(caches[0]) == 0);
	check(kmem_cache_destroy(caches[1]) == 0);
	heap_shrink();
	check(host_buddy.free_pages == start);
	check(buddy_check(&host_buddy) == 0);
	return 0;
}
