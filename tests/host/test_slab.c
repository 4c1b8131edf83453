/*
 * Host tests of the kernel heap (kernel/mm/slab.c, kmalloc.c) on the host
 * buddy of mm_host.h, with ASan and UBSan: size classes and alignment,
 * object caches, the debug checks (double free, invalid free, a write
 * after free found by heap_verify and by the next allocation), running
 * out of memory, and a randomised stress run of a million operations that
 * fills every object with its own byte and checks it when freeing (so any
 * overlap shows), then frees everything: the page allocator must get back
 * every page it had.
 */
#include "mm_host.h"
#include "testlib.h"

#define STRESS_OPS 1000000
#define MAX_LIVE 20000

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* After freeing everything: all pages back, merged as at the start. */
static void check_all_back(uint64_t free_at_start)
{
	struct heap_stats st;

	heap_shrink();
	heap_get_stats(&st);
	CHECK_EQ(st.objects, 0);
	CHECK_EQ(st.slab_pages, 0);
	CHECK_EQ(st.large_pages, 0);
	CHECK_EQ(host_buddy.free_pages, free_at_start);
	CHECK_EQ(buddy_check(&host_buddy), 0);
	CHECK_EQ(host_reports, 0);
}

static void size_classes(void)
{
	static void *p[4200];
	uint64_t start;

	host_mm_init(4096);
	start = host_buddy.free_pages;
	for (size_t sz = 0; sz < 4200; sz++) {
		size_t al = sz && (sz & (sz - 1)) == 0 ? sz : 8;

		p[sz] = kmalloc(sz);
		CHECK(p[sz] != NULL);
		CHECK(ksize(p[sz]) >= sz);
		CHECK_EQ((uintptr_t)p[sz] % (al > 4096 ? 4096 : al), 0);
		memset(p[sz], (int)sz, sz);
		if (sz % 3 == 0) {
			kfree(p[sz]);
			p[sz] = NULL;
		}
	}
	for (size_t sz = 0; sz < 4200; sz++)
		kfree(p[sz]);
	for (size_t sz = 4097; sz <= KMALLOC_MAX; sz += sz / 2 + 1) {
		void *big = kmalloc(sz);

		CHECK(big != NULL);
		CHECK_EQ((uintptr_t)big % 4096, 0);
		CHECK(ksize(big) >= sz);
		memset(big, 1, sz);
		kfree(big);
	}
	p[0] = kmalloc(KMALLOC_MAX);
	CHECK(p[0] != NULL);
	kfree(p[0]);
	CHECK(kmalloc(KMALLOC_MAX + 1) == NULL);
	check_all_back(start);
}

static void caches(void)
{
	static const size_t sizes[][2] = {{1, 0},    {12, 4},	   {24, 16},
					  {100, 64}, {700, 0},	   {3000, 512},
					  {5000, 0}, {40000, 4096}};
	void *objs[300];
	uint64_t start;

	host_mm_init(8192);
	start = host_buddy.free_pages;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kmem_cache *c =
			kmem_cache_create("test", sizes[i][0], sizes[i][1]);
		size_t align = sizes[i][1] ? sizes[i][1] : 8;

		CHECK(c != NULL);
		for (int k = 0; k < 300; k++) {
			objs[k] = kmem_cache_zalloc(c);
			CHECK(objs[k] != NULL);
			CHECK_EQ((uintptr_t)objs[k] % align, 0);
			for (size_t b = 0; b < sizes[i][0]; b++)
				CHECK_EQ(((unsigned char *)objs[k])[b], 0);
			memset(objs[k], k, sizes[i][0]);
		}
		CHECK_EQ(kmem_cache_destroy(c), -EBUSY);
		for (int k = 0; k < 300; k++)
			kmem_cache_free(c, objs[k]);
		CHECK_EQ(kmem_cache_destroy(c), 0);
	}
	CHECK(kmem_cache_create("bad", 0, 0) == NULL);
	CHECK(kmem_cache_create("bad", 8, 3) == NULL);
	check_all_back(start);
}

static void bad_frees(void)
{
	struct kmem_cache *c;
	char on_stack[16];
	char *p, *q, *big;
	uint64_t start;

	host_mm_init(1024);
	start = host_buddy.free_pages;
	c = kmem_cache_create("other", 64, 0);
	p = kmalloc(64);
	q = kmalloc(64);
	big = kmalloc(10000);
	CHECK_EQ(kfree_check(on_stack), HEAP_INVALID_FREE);
	CHECK_EQ(kfree_check(p + 8), HEAP_INVALID_FREE);
	CHECK_EQ(kfree_check(big + 4096), HEAP_INVALID_FREE);
	CHECK_EQ(kmem_cache_free_check(c, p), HEAP_INVALID_FREE);
	CHECK_EQ(kfree_check(p), HEAP_OK);
	CHECK_EQ(kfree_check(p), HEAP_DOUBLE_FREE);
	CHECK_EQ(kfree_check(big), HEAP_OK);
	CHECK_EQ(kfree_check(big), HEAP_DOUBLE_FREE);
	CHECK_EQ(kfree_check(q), HEAP_OK);
	CHECK_EQ(kfree_check(q), HEAP_DOUBLE_FREE);
	CHECK_EQ(host_reports, 0);
	kfree(q); /* kfree reports what kfree_check returns */
	CHECK_EQ(host_reports, 1);
	CHECK_EQ(host_last_report, HEAP_DOUBLE_FREE);
	host_reports = 0;
	CHECK_EQ(kmem_cache_destroy(c), 0);
	check_all_back(start);
}

static void use_after_free(void)
{
	const void *where = NULL;
	char *p, *keep, *again;
	uint64_t start;

	host_mm_init(1024);
	start = host_buddy.free_pages;
	keep = kmalloc(128); /* keeps the slab from being freed */
	p = kmalloc(128);
	CHECK_EQ(heap_verify(NULL, NULL), HEAP_OK);
	kfree(p);
	CHECK_EQ(heap_verify(NULL, NULL), HEAP_OK);
	p[100] = 1; /* the dangling write */
	CHECK_EQ(heap_verify(NULL, &where), HEAP_USE_AFTER_FREE);
	CHECK(where == p);
	again = kmalloc(128); /* hands out p again: the check reports it */
	CHECK(again == p);
	CHECK_EQ(host_reports, 1);
	CHECK_EQ(host_last_report, HEAP_USE_AFTER_FREE);
	CHECK(host_last_report_ptr == p);
	host_reports = 0;
	kfree(again);
	kfree(keep);
	check_all_back(start);
}

/* Out of memory is NULL, and everything comes back afterwards. */
static void exhaustion(void)
{
	static void *p[20000];
	size_t n = 0;
	uint64_t start;

	host_mm_init(64);
	start = host_buddy.free_pages;
	while (n < 20000 && (p[n] = kmalloc(n % 2 ? 64 : 3000)) != NULL)
		n++;
	CHECK(n < 20000);
	CHECK(kmalloc(8) == NULL || host_buddy.free_pages == 0);
	CHECK(kmalloc(100000) == NULL);
	while (n)
		kfree(p[--n]);
	check_all_back(start);
}

struct live {
	unsigned char *p;
	size_t size;
	struct kmem_cache *cache;
	unsigned char fill;
};

static struct live live[MAX_LIVE];

static size_t random_size(void)
{
	uint64_t r = rnd() % 1000;

	if (r < 900)
		return rnd() % 513;
	return r < 990 ? rnd() % 4097 : rnd() % 65537;
}

static void stress_alloc(struct kmem_cache **caches, size_t *n)
{
	struct live *l = &live[*n];
	uint64_t pick = rnd() % 8;

	l->cache = pick < 3 ? caches[pick] : NULL;
	l->size = l->cache ? (pick + 1) * 40 : random_size();
	l->p = l->cache ? kmem_cache_alloc(l->cache) : kmalloc(l->size);
	if (!l->p)
		return; /* out of memory is allowed: the arena is small */
	l->fill = (unsigned char)rnd();
	memset(l->p, l->fill, l->size);
	++*n;
}

static void stress_free(size_t *n, size_t i)
{
	struct live *l = &live[i];

	for (size_t b = 0; b < l->size; b++)
		CHECK_EQ(l->p[b], l->fill);
	if (l->cache)
		CHECK_EQ(kmem_cache_free_check(l->cache, l->p), HEAP_OK);
	else
		CHECK_EQ(kfree_check(l->p), HEAP_OK);
	*l = live[--*n];
}

static void stress(void)
{
	struct kmem_cache *caches[3];
	size_t n = 0;
	uint64_t start;

	host_mm_init(HOST_MAX_PAGES);
	start = host_buddy.free_pages;
	for (int i = 0; i < 3; i++)
		caches[i] =
			kmem_cache_create("stress", (size_t)(i + 1) * 40, 0);
	for (long op = 0; op < STRESS_OPS; op++) {
		if (n < MAX_LIVE && (n == 0 || rnd() % 100 < 55))
			stress_alloc(caches, &n);
		else
			stress_free(&n, (size_t)(rnd() % n));
		if (op % 100000 == 0)
			CHECK_EQ(heap_verify(NULL, NULL), HEAP_OK);
	}
	while (n)
		stress_free(&n, n - 1);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(kmem_cache_destroy(caches[i]), 0);
	check_all_back(start);
}

int main(void)
{
	RUN(size_classes(), "heap: kmalloc of every size class and beyond");
	RUN(caches(), "heap: object caches, sizes and alignments");
	RUN(bad_frees(), "heap: invalid and double frees found");
	RUN(use_after_free(), "heap: a write after free found");
	RUN(exhaustion(), "heap: out of memory is NULL, then all comes back");
	RUN(stress(), "heap: %d random operations", STRESS_OPS);
	TEST_EXIT();
}
