/*
 * Host tests of the kernel's buddy allocator (kernel/mm/buddy.c), built
 * with ASan and UBSan: every order, splitting and merging, the checks
 * against bad frees, memory with holes and two zones side by side, and a
 * randomised stress run of a million operations that checks each block
 * against an owner map (no page handed out twice, nothing outside the
 * memory added) and ends with everything freed: the free lists must then
 * be exactly what they were at the start.
 */
#include <stdint.h>

#include "mm_host.h"
#include "testlib.h"

#define NPAGES 32768
#define STRESS_OPS 1000000

static struct page pages[NPAGES];

/* A snapshot of the free lists: (pfn, order) pairs, sorted. */
struct snapshot {
	uint64_t count;
	uint64_t block[NPAGES];
};

static struct snapshot before, after;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void snap(const struct buddy *b, struct snapshot *s)
{
	s->count = 0;
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		for (const struct page *p = b->free[o]; p; p = p->next)
			s->block[s->count++] = (uint64_t)(p - pages) << 8 | o;
	}
	qsort(s->block, s->count, sizeof(s->block[0]), cmp_u64);
}

static int same(const struct snapshot *a, const struct snapshot *b)
{
	return a->count == b->count &&
	       memcmp(a->block, b->block, a->count * sizeof(a->block[0])) == 0;
}

static void reset(struct buddy *b, uint64_t start, uint64_t end)
{
	memset(pages, 0, sizeof(pages));
	buddy_init(b, pages, start, end);
}

/* Each order once: aligned, in the span, and freeing restores the state. */
static void every_order(void)
{
	struct buddy b;

	reset(&b, 0, 4096);
	CHECK_EQ(buddy_add_range(&b, 0, 4096), 0);
	CHECK_EQ(b.nr_free[PMM_MAX_ORDER], 4);
	snap(&b, &before);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		struct page *p = buddy_alloc(&b, o);

		CHECK(p != NULL);
		CHECK_EQ((p - pages) & ((1 << o) - 1), 0);
		CHECK_EQ(p->flags, PG_HEAD);
		CHECK_EQ(p->order, o);
		CHECK_EQ(b.free_pages, 4096 - (1u << o));
		CHECK_EQ(buddy_check(&b), 0);
		CHECK_EQ(buddy_free(&b, p, o), 0);
		CHECK_EQ(buddy_check(&b), 0);
	}
	snap(&b, &after);
	CHECK(same(&before, &after));
	CHECK(buddy_alloc(&b, PMM_MAX_ORDER + 1) == NULL);
}

/* One order-0 page splits a 4 MiB block into one free block per order. */
static void split_and_merge(void)
{
	struct buddy b;
	struct page *p[1024];

	reset(&b, 0, 1024);
	CHECK_EQ(buddy_add_range(&b, 0, 1024), 0);
	p[0] = buddy_alloc(&b, 0);
	CHECK(p[0] == &pages[0]);
	for (unsigned int o = 0; o < PMM_MAX_ORDER; o++)
		CHECK_EQ(b.nr_free[o], 1);
	for (int i = 1; i < 1024; i++)
		CHECK((p[i] = buddy_alloc(&b, 0)) != NULL);
	CHECK(buddy_alloc(&b, 0) == NULL);
	CHECK_EQ(b.free_pages, 0);
	/* Free in a scrambled order; all must merge back into one block. */
	for (int i = 0; i < 1024; i++) {
		int j = (int)(rnd() % (uint64_t)(1024 - i)) + i;
		struct page *t = p[i];

		p[i] = p[j];
		p[j] = t;
		CHECK_EQ(buddy_free(&b, p[i], 0), 0);
	}
	CHECK_EQ(buddy_check(&b), 0);
	CHECK_EQ(b.nr_free[PMM_MAX_ORDER], 1);
	CHECK_EQ(b.free_pages, 1024);
}

/* Bad frees change nothing and say -EINVAL. */
static void bad_frees(void)
{
	struct buddy b, other;
	struct page *p, *q;

	reset(&b, 0, 2048);
	buddy_init(&other, pages, 2048, 4096);
	CHECK_EQ(buddy_add_range(&b, 0, 2048), 0);
	p = buddy_alloc(&b, 3);
	q = buddy_alloc(&b, 0);
	snap(&b, &before);
	CHECK_EQ(buddy_free(&b, p, 2), -EINVAL);     /* wrong order */
	CHECK_EQ(buddy_free(&b, p + 1, 0), -EINVAL); /* inside a block */
	CHECK_EQ(buddy_free(&b, p + 4, 2), -EINVAL);
	CHECK_EQ(buddy_free(&other, q, 0), -EINVAL); /* not its zone */
	CHECK_EQ(buddy_free(&b, &pages[3000], 0), -EINVAL);
	CHECK_EQ(buddy_free(&b, q, PMM_MAX_ORDER + 1), -EINVAL);
	snap(&b, &after);
	CHECK(same(&before, &after));
	CHECK_EQ(buddy_free(&b, q, 0), 0);
	CHECK_EQ(buddy_free(&b, q, 0), -EINVAL); /* double free */
	CHECK_EQ(buddy_free(&b, p, 3), 0);
	CHECK_EQ(buddy_free(&b, p, 3), -EINVAL);
	CHECK_EQ(buddy_check(&b), 0);
	CHECK_EQ(b.free_pages, 2048);
	CHECK_EQ(buddy_add_range(&b, 2000, 100), -EINVAL);
	CHECK_EQ(buddy_add_range(&b, 4000, 1), -EINVAL);
}

/* Odd ranges with holes: only added pages are handed out, all of them. */
static void holes(void)
{
	struct buddy b;
	uint64_t got = 0;
	struct page *p;

	reset(&b, 3, 5000);
	CHECK_EQ(buddy_add_range(&b, 3, 700), 0);
	CHECK_EQ(buddy_add_range(&b, 1030, 3), 0);
	CHECK_EQ(buddy_add_range(&b, 1100, 3900), 0);
	CHECK_EQ(b.free_pages, 4603);
	CHECK_EQ(buddy_check(&b), 0);
	while ((p = buddy_alloc(&b, 0)) != NULL) {
		uint64_t pfn = (uint64_t)(p - pages);

		CHECK((pfn >= 3 && pfn < 703) || (pfn >= 1030 && pfn < 1033) ||
		      (pfn >= 1100 && pfn < 5000));
		CHECK(!(p->flags & PG_BUDDY) && p->order == 0);
		p->refcount = -1; /* mark: handed out */
		got++;
	}
	CHECK_EQ(got, 4603);
	for (uint64_t pfn = 0; pfn < 5000; pfn++) {
		if (pages[pfn].refcount == -1) {
			pages[pfn].refcount = 0;
			CHECK_EQ(buddy_free(&b, &pages[pfn], 0), 0);
		}
	}
	CHECK_EQ(b.free_pages, 4603);
	CHECK_EQ(buddy_check(&b), 0);
}

struct live {
	struct page *page;
	struct buddy *zone;
	unsigned int order;
};

static struct live live[NPAGES];
static int32_t owner[NPAGES]; /* -2: never added, -1: free, else live id */

/* Mostly small orders, now and then a large one. */
static unsigned int random_order(void)
{
	uint64_t r = rnd();
	unsigned int o = (unsigned int)__builtin_ctzll(r | (1ULL << 40));

	return o > PMM_MAX_ORDER ? (unsigned int)(r >> 58) % PMM_NR_ORDERS : o;
}

static void stress_alloc(struct buddy *zones, size_t *n)
{
	struct buddy *z = &zones[rnd() & 1];
	unsigned int o = random_order();
	struct page *p = buddy_alloc(z, o);
	uint64_t pfn;

	if (!p) { /* right only if no block of order >= o is free */
		for (unsigned int k = o; k <= PMM_MAX_ORDER; k++)
			CHECK_EQ(z->nr_free[k], 0);
		return;
	}
	pfn = (uint64_t)(p - pages);
	CHECK_EQ(pfn & ((1ULL << o) - 1), 0);
	CHECK(pfn >= z->start_pfn && pfn + (1ULL << o) <= z->end_pfn);
	for (uint64_t i = 0; i < 1ULL << o; i++) {
		CHECK_EQ(owner[pfn + i], -1);
		owner[pfn + i] = (int32_t)*n;
	}
	live[(*n)++] = (struct live){p, z, o};
}

static void stress_free(size_t *n, size_t i)
{
	struct live l = live[i];
	uint64_t pfn = (uint64_t)(l.page - pages);

	for (uint64_t k = 0; k < 1ULL << l.order; k++)
		owner[pfn + k] = -1;
	CHECK_EQ(buddy_free(l.zone, l.page, l.order), 0);
	live[i] = live[--*n];
	if (i < *n) { /* the moved block has a new id */
		uint64_t mpfn = (uint64_t)(live[i].page - pages);

		for (uint64_t k = 0; k < 1ULL << live[i].order; k++)
			owner[mpfn + k] = (int32_t)i;
	}
}

static void stress(void)
{
	static const uint64_t ranges[][2] = {{1, 699},
					     {1024, 9000},
					     {9100, 20000},
					     {20000, 31000},
					     {31005, NPAGES}};
	struct buddy zones[2];
	size_t n = 0;

	reset(&zones[0], 0, 20000);
	buddy_init(&zones[1], pages, 20000, NPAGES);
	for (size_t i = 0; i < NPAGES; i++)
		owner[i] = -2;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		struct buddy *z = &zones[ranges[i][0] >= 20000];

		CHECK_EQ(buddy_add_range(z, ranges[i][0],
					 ranges[i][1] - ranges[i][0]),
			 0);
		for (uint64_t p = ranges[i][0]; p < ranges[i][1]; p++)
			owner[p] = -1;
	}
	snap(&zones[0], &before);
	for (long op = 0; op < STRESS_OPS; op++) {
		if (n == 0 || (rnd() % 100) < 52)
			stress_alloc(zones, &n);
		else
			stress_free(&n, (size_t)(rnd() % n));
		if (op % 65536 == 0) {
			CHECK_EQ(buddy_check(&zones[0]), 0);
			CHECK_EQ(buddy_check(&zones[1]), 0);
		}
	}
	while (n)
		stress_free(&n, n - 1);
	snap(&zones[0], &after);
	CHECK(same(&before, &after));
	CHECK_EQ(zones[0].free_pages, zones[0].managed_pages);
	CHECK_EQ(zones[1].free_pages, zones[1].managed_pages);
	CHECK_EQ(buddy_check(&zones[1]), 0);
}

int main(void)
{
	RUN(every_order(), "buddy: alloc/free at every order");
	RUN(split_and_merge(), "buddy: split to order 0 and merge back");
	RUN(bad_frees(), "buddy: bad frees are refused");
	RUN(holes(), "buddy: ranges with holes");
	RUN(stress(), "buddy: %d random operations, two zones", STRESS_OPS);
	TEST_EXIT();
}
