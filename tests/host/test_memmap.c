/*
 * Host tests for boot/src/memmap.c: building the map from raw E820-like
 * entries, retyping ranges (memmap_set), allocating (memmap_alloc) and
 * totals. Table-driven cases pin down each rule; a QEMU-shaped map follows
 * what memory_init(), place.c and boot_alloc() do at boot; and randomized
 * tests (fixed seeds) check every step against a model that is simple
 * enough to trust: a 4 MiB window cut into 1 KiB cells, each holding one
 * type, painted the obvious way. A last randomized test throws arbitrary
 * 64-bit entries at memmap_build and checks the promises that hold for any
 * input: a valid map, no memory invented, the most restrictive type kept.
 */
#include "testlib.h"
#include "memmap.h"

#include <errno.h>
#include <stdint.h>

#define KIB 0x400ULL
#define PAGE 0x1000ULL
#define MIB 0x100000ULL
#define TOP UINT64_MAX

enum {
	U = LIMINE_MEMMAP_USABLE,
	R = LIMINE_MEMMAP_RESERVED,
	AR = LIMINE_MEMMAP_ACPI_RECLAIMABLE,
	NVS = LIMINE_MEMMAP_ACPI_NVS,
	BAD = LIMINE_MEMMAP_BAD_MEMORY,
	BR = LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE,
	EX = LIMINE_MEMMAP_EXECUTABLE_AND_MODULES,
	FB = LIMINE_MEMMAP_FRAMEBUFFER,
	UNKNOWN = 42,
};

#define N(a) ((int)ARRAY_SIZE(a))

/* Fail the case with a formatted reason (testlib's CHECK, with details). */
#define FAIL(...)                                                  \
	do {                                                       \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__); \
		longjmp(test_jmp, 1);                              \
	} while (0)

/* The types from least to most restrictive, as the header promises. */
static const uint32_t by_rank[] = {U, BR, EX, FB, AR, NVS, R, BAD};

static int rank(uint32_t type)
{
	for (int i = 0; i < N(by_rank); i++)
		if (by_rank[i] == type)
			return i;
	return N(by_rank) - 1; /* unknown: as restrictive as bad memory */
}

static bool page_typed(uint32_t type)
{
	return type == U || type == BR;
}

static void dump(const char *what, const struct memmap_entry *e, int n)
{
	printf("  %s (%d entries):\n", what, n);
	for (int i = 0; i < n; i++)
		printf("    %#018llx-%#018llx %s\n",
		       (unsigned long long)e[i].base,
		       (unsigned long long)(e[i].base + e[i].length),
		       memmap_type_name(e[i].type));
}

/* Whether m holds exactly want[0..n); prints both if not. */
static bool map_is(const struct memmap *m, const struct memmap_entry *want,
		   int n)
{
	bool same = m->count == n;
	for (int i = 0; same && i < n; i++)
		same = m->e[i].base == want[i].base &&
		       m->e[i].length == want[i].length &&
		       m->e[i].type == want[i].type;
	if (!same) {
		dump("got", m->e, m->count);
		dump("expected", want, n);
	}
	return same;
}

#define EXPECT_MAP(m, ...)                                         \
	do {                                                       \
		const struct memmap_entry _want[] = {__VA_ARGS__}; \
		CHECK(map_is((m), _want, N(_want)));               \
	} while (0)

#define BUILD(m, ...)                                             \
	do {                                                      \
		const struct memmap_entry _raw[] = {__VA_ARGS__}; \
		CHECK_EQ(memmap_build((m), _raw, N(_raw)), 0);    \
	} while (0)

/* NULL if m keeps the promises of memmap.h, else the one it breaks. */
static const char *broken_promise(const struct memmap *m)
{
	if (m->count < 0 || m->count > MEMMAP_MAX)
		return "count out of range";
	for (int i = 0; i < m->count; i++) {
		const struct memmap_entry *e = &m->e[i];
		if (e->length == 0)
			return "zero-length entry";
		if (e->base + (e->length - 1) < e->base)
			return "entry wraps past 2^64";
		if (page_typed(e->type) && ((e->base | e->length) & (PAGE - 1)))
			return "usable/reclaimable entry not page-aligned";
		if (page_typed(e->type) && e->base < PAGE)
			return "usable/reclaimable memory in page 0";
		if (i == 0)
			continue;
		const struct memmap_entry *p = &m->e[i - 1];
		if (p->base + p->length > e->base || p->base >= e->base)
			return "entries unsorted or overlapping";
		if (p->base + p->length == e->base && p->type == e->type)
			return "touching entries of one type not merged";
	}
	return NULL;
}

#define CHECK_VALID(m)                                               \
	do {                                                         \
		const char *_why = broken_promise(m);                \
		if (_why) {                                          \
			dump("map", (m)->e, (m)->count);             \
			FAIL("%s:%d: %s", __FILE__, __LINE__, _why); \
		}                                                    \
	} while (0)

/* Type of the entry holding addr, or -1. */
static int type_at(const struct memmap *m, uint64_t addr)
{
	for (int i = 0; i < m->count; i++)
		if (addr >= m->e[i].base &&
		    addr - m->e[i].base < m->e[i].length)
			return (int)m->e[i].type;
	return -1;
}

static uint64_t total_all(const struct memmap *m)
{
	uint64_t sum = 0;
	for (int i = 0; i < m->count; i++)
		sum += m->e[i].length;
	return sum;
}

static bool same_map(const struct memmap *a, const struct memmap *b)
{
	return a->count == b->count &&
	       memcmp(a->e, b->e, sizeof(a->e[0]) * (size_t)a->count) == 0;
}

/* A map of MEMMAP_MAX entries: alternating usable and reserved pages. */
static void fill_map(struct memmap *m)
{
	m->count = MEMMAP_MAX;
	for (int i = 0; i < MEMMAP_MAX; i++)
		m->e[i] = (struct memmap_entry){MIB + (uint64_t)i * 4 * PAGE,
						2 * PAGE, i % 2 ? R : U};
}

/* ------------------------------------------------------------ building */

static void build_empty(void)
{
	static struct memmap m = {.count = 99};
	CHECK_EQ(memmap_build(&m, NULL, 0), 0);
	CHECK_EQ(m.count, 0);
	BUILD(&m, {MIB, 0, U}, {0, 0, R}, {TOP - PAGE + 1, 2 * PAGE, R});
	CHECK_EQ(m.count, 0);
	CHECK_EQ(memmap_total(&m, U), 0);
}

static void build_one_usable(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U});
	EXPECT_MAP(&m, {MIB, MIB, U});
}

static void build_shrinks_usable(void)
{
	static struct memmap m;
	BUILD(&m, {0x100800, 0xff000, U});
	EXPECT_MAP(&m, {0x101000, 0xfe000, U});
	BUILD(&m, {0x100001, 0x2ffe, BR});
	EXPECT_MAP(&m, {0x101000, 0x1000, BR});
}

static void build_drops_partial_pages(void)
{
	static struct memmap m;
	BUILD(&m, {0x100800, 0xc00, U}, {0x200000, 0xfff, U},
	      {0x300001, 0xfff, BR}, {0x400800, 0x1000, BR});
	CHECK_EQ(m.count, 0);
}

static void build_keeps_other_types_exact(void)
{
	static struct memmap m;
	BUILD(&m, {0x9fc00, 0x400, R}, {0x7fe0123, 0x77, AR},
	      {0x7fe1000, 0x3, NVS}, {0xe0000001, 0x10, FB},
	      {0xf0000005, 0x5, EX}, {0xf0000800, 0x1, BAD});
	EXPECT_MAP(&m, {0x9fc00, 0x400, R}, {0x7fe0123, 0x77, AR},
		   {0x7fe1000, 0x3, NVS}, {0xe0000001, 0x10, FB},
		   {0xf0000005, 0x5, EX}, {0xf0000800, 0x1, BAD});
}

static void build_nothing_usable_in_page0(void)
{
	static struct memmap m;
	BUILD(&m, {0, 0x9fc00, U});
	EXPECT_MAP(&m, {0x1000, 0x9e000, U});
	BUILD(&m, {0, 0x3000, BR});
	EXPECT_MAP(&m, {0x1000, 0x2000, BR});
	BUILD(&m, {0, 0x1000, U}, {0x10, 0x800, BR});
	CHECK_EQ(m.count, 0);
	BUILD(&m, {0, 0x1000, R}, {0, 0x3000, U});
	EXPECT_MAP(&m, {0, 0x1000, R}, {0x1000, 0x2000, U});
	BUILD(&m, {0, 0x800, AR});
	EXPECT_MAP(&m, {0, 0x800, AR});
}

/* lo covers 1-4 MiB, hi covers 2-3 MiB; hi is more restrictive. */
static void build_rank(uint32_t lo, uint32_t hi, bool hi_first)
{
	static struct memmap m;
	struct memmap_entry raw[2] = {{MIB, 3 * MIB, lo}, {2 * MIB, MIB, hi}};
	if (hi_first) {
		struct memmap_entry t = raw[0];
		raw[0] = raw[1];
		raw[1] = t;
	}
	CHECK_EQ(memmap_build(&m, raw, 2), 0);
	EXPECT_MAP(&m, {MIB, MIB, lo}, {2 * MIB, MIB, hi}, {3 * MIB, MIB, lo});
	/* Nested the other way: the restrictive one covers all. */
	raw[0] = (struct memmap_entry){MIB, 3 * MIB, hi};
	raw[1] = (struct memmap_entry){2 * MIB, MIB, lo};
	CHECK_EQ(memmap_build(&m, raw, 2), 0);
	EXPECT_MAP(&m, {MIB, 3 * MIB, hi});
}

static void build_unknown_type_wins(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, 3 * MIB, R}, {2 * MIB, MIB, UNKNOWN}, {0, 8 * MIB, U});
	EXPECT_MAP(&m, {0x1000, MIB - 0x1000, U}, {MIB, MIB, R},
		   {2 * MIB, MIB, UNKNOWN}, {3 * MIB, MIB, R},
		   {4 * MIB, 4 * MIB, U});
	CHECK_STR(memmap_type_name(UNKNOWN), "unknown");
}

static void build_partial_overlaps(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, 2 * MIB, U}, {0x280000, MIB, R});
	EXPECT_MAP(&m, {MIB, 0x180000, U}, {0x280000, MIB, R});
	/* An ACPI table in the middle of a page: the page is lost to U. */
	BUILD(&m, {MIB, 2 * MIB, U}, {0x200800, 0x1000, AR});
	EXPECT_MAP(&m, {MIB, MIB, U}, {0x200800, 0x1000, AR},
		   {0x202000, 0xfe000, U});
	/* Overlapping usable and reclaimable: reclaimable wins. */
	BUILD(&m, {0x1000, 0x5000, U}, {0x3800, 0x5000, BR});
	EXPECT_MAP(&m, {0x1000, 0x2000, U}, {0x4000, 0x4000, BR});
}

static void build_sorts(void)
{
	static struct memmap m;
	BUILD(&m, {0xfffc0000, 0x40000, R}, {0x1ffe0000, 0x20000, R},
	      {0x100000, 0x1fee0000, U}, {0xf0000, 0x10000, R},
	      {0x9fc00, 0x400, R}, {0x1000, 0x9e000, U});
	EXPECT_MAP(&m, {0x1000, 0x9e000, U}, {0x9fc00, 0x400, R},
		   {0xf0000, 0x10000, R}, {0x100000, 0x1fee0000, U},
		   {0x1ffe0000, 0x20000, R}, {0xfffc0000, 0x40000, R});
}

static void build_merges(void)
{
	static struct memmap m;
	BUILD(&m, {0x1000, 0x1000, U}, {0x2000, 0x3000, U});
	EXPECT_MAP(&m, {0x1000, 0x4000, U});
	BUILD(&m, {0x1000, 0x3000, U}, {0x2000, 0x3000, U},
	      {0x2000, 0x3000, U});
	EXPECT_MAP(&m, {0x1000, 0x4000, U});
	BUILD(&m, {0xf0000, 0x8000, R}, {0xf8000, 0x8000, R});
	EXPECT_MAP(&m, {0xf0000, 0x10000, R});
	/* Unaligned usable halves merge before they are shrunk. */
	BUILD(&m, {0x1800, 0x800, U}, {0x2000, 0x1800, U});
	EXPECT_MAP(&m, {0x2000, 0x1000, U});
	BUILD(&m, {0x1800, 0x1000, U}, {0x2800, 0x1800, U});
	EXPECT_MAP(&m, {0x2000, 0x2000, U});

	struct memmap_entry chain[10];
	for (int i = 0; i < N(chain); i++)
		chain[N(chain) - 1 - i] = (struct memmap_entry){
			MIB + (uint64_t)i * 0x1800, 0x1800, U};
	CHECK_EQ(memmap_build(&m, chain, N(chain)), 0);
	EXPECT_MAP(&m, {MIB, 10 * 0x1800, U});
}

static void build_keeps_neighbours_apart(void)
{
	static struct memmap m;
	BUILD(&m, {0x1000, 0x1000, U}, {0x2000, 0x1000, R}, {0x3000, 0x1000, U},
	      {0x4000, 0x1000, BR}, {0x6000, 0x1000, BR});
	EXPECT_MAP(&m, {0x1000, 0x1000, U}, {0x2000, 0x1000, R},
		   {0x3000, 0x1000, U}, {0x4000, 0x1000, BR},
		   {0x6000, 0x1000, BR});
}

static void build_ignores_empty_and_wrapping(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U}, {0x180000, 0, R}, {MIB, 0, BAD},
	      {0x1fffff, 0, R});
	EXPECT_MAP(&m, {MIB, MIB, U});
	BUILD(&m, {MIB, MIB, U}, {TOP - 0xfff, 0x2000, R}, {0x180000, TOP, BAD},
	      {TOP, 2, R});
	EXPECT_MAP(&m, {MIB, MIB, U});
}

static void build_top_of_address_space(void)
{
	static struct memmap m;
	/* Ends at 2^64 - 1 without wrapping; less than a page usable. */
	BUILD(&m, {TOP - 0x7ff, 0x7ff, U}, {MIB, MIB, U});
	EXPECT_MAP(&m, {MIB, MIB, U});
	BUILD(&m, {TOP - 0x1fff, 0x1fff, U});
	EXPECT_MAP(&m, {TOP - 0x1fff, 0x1000, U});
	BUILD(&m, {TOP - 0xfff, 0xfff, R});
	EXPECT_MAP(&m, {TOP - 0xfff, 0xfff, R});
}

static void build_too_many(void)
{
	static struct memmap m;
	static struct memmap_entry raw[MEMMAP_MAX + 1];

	for (int i = 0; i < N(raw); i++)
		raw[i] = (struct memmap_entry){MIB + (uint64_t)i * 2 * PAGE,
					       PAGE, i % 2 ? R : U};
	CHECK_EQ(memmap_build(&m, raw, MEMMAP_MAX + 1), -E2BIG);
	CHECK_EQ(memmap_build(&m, raw, -1), -E2BIG);
	CHECK_EQ(memmap_build(&m, raw, MEMMAP_MAX), 0);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_VALID(&m);

	/* One usable range split by k reserved pages makes 2k+1 entries. */
	raw[0] = (struct memmap_entry){MIB, 1024 * PAGE, U};
	for (int k = 1; k <= 128; k++)
		raw[k] = (struct memmap_entry){MIB + (uint64_t)k * 4 * PAGE,
					       PAGE, R};
	CHECK_EQ(memmap_build(&m, raw, 128), 0); /* 127 reserved */
	CHECK_EQ(m.count, 255);
	CHECK_VALID(&m);
	CHECK_EQ(memmap_build(&m, raw, 129), -E2BIG);
}

static void type_from_e820(void)
{
	CHECK_EQ(memmap_type_from_e820(1), U);
	CHECK_EQ(memmap_type_from_e820(2), R);
	CHECK_EQ(memmap_type_from_e820(3), AR);
	CHECK_EQ(memmap_type_from_e820(4), NVS);
	CHECK_EQ(memmap_type_from_e820(5), BAD);
	CHECK_EQ(memmap_type_from_e820(0), R);
	CHECK_EQ(memmap_type_from_e820(6), R);
	CHECK_EQ(memmap_type_from_e820(12), R);
	CHECK_EQ(memmap_type_from_e820(0xffffffff), R);
}

static void type_names(void)
{
	CHECK_STR(memmap_type_name(U), "usable");
	CHECK_STR(memmap_type_name(R), "reserved");
	CHECK_STR(memmap_type_name(AR), "ACPI reclaimable");
	CHECK_STR(memmap_type_name(NVS), "ACPI NVS");
	CHECK_STR(memmap_type_name(BAD), "bad memory");
	CHECK_STR(memmap_type_name(BR), "bootloader reclaimable");
	CHECK_STR(memmap_type_name(EX), "kernel and modules");
	CHECK_STR(memmap_type_name(FB), "framebuffer");
	CHECK_STR(memmap_type_name(8), "unknown");
	CHECK_STR(memmap_type_name(0xffffffff), "unknown");
}

/* ------------------------------------------------------------ memmap_set */

static void set_middle(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U});
	CHECK_EQ(memmap_set(&m, 0x150000, 0x10000, EX), 0);
	EXPECT_MAP(&m, {MIB, 0x50000, U}, {0x150000, 0x10000, EX},
		   {0x160000, 0xa0000, U});
	CHECK_EQ(memmap_total(&m, U) + memmap_total(&m, EX), MIB);
}

static void set_edges(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U});
	CHECK_EQ(memmap_set(&m, MIB, 0x3000, BR), 0);
	EXPECT_MAP(&m, {MIB, 0x3000, BR}, {0x103000, 0xfd000, U});
	CHECK_EQ(memmap_set(&m, 0x1ff000, 0x1000, FB), 0);
	EXPECT_MAP(&m, {MIB, 0x3000, BR}, {0x103000, 0xfc000, U},
		   {0x1ff000, 0x1000, FB});
	/* Growing a piece from its edge merges with it. */
	CHECK_EQ(memmap_set(&m, 0x103000, 0x1000, BR), 0);
	CHECK_EQ(memmap_set(&m, 0x1fe000, 0x1000, FB), 0);
	EXPECT_MAP(&m, {MIB, 0x4000, BR}, {0x104000, 0xfa000, U},
		   {0x1fe000, 0x2000, FB});
}

static void set_whole_entry_merges(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, PAGE, R}, {MIB + PAGE, 0xfe000, U},
	      {2 * MIB - PAGE, PAGE, R});
	CHECK_EQ(m.count, 3);
	CHECK_EQ(memmap_set(&m, MIB + PAGE, 0xfe000, R), 0);
	EXPECT_MAP(&m, {MIB, MIB, R});
}

static void set_spanning(void)
{
	static struct memmap m;
	BUILD(&m, {0x1000, 0x2000, U}, {0x4000, 0x1000, R}, {0x6000, 0x2000, U},
	      {0x9000, 0x1000, AR});
	CHECK_EQ(memmap_set(&m, 0x2000, 0x5000, EX), 0);
	EXPECT_MAP(&m, {0x1000, 0x1000, U}, {0x2000, 0x5000, EX},
		   {0x7000, 0x1000, U}, {0x9000, 0x1000, AR});
	/* From a gap to a gap, swallowing whole entries. */
	CHECK_EQ(memmap_set(&m, 0x8000, 0x4000, FB), 0);
	EXPECT_MAP(&m, {0x1000, 0x1000, U}, {0x2000, 0x5000, EX},
		   {0x7000, 0x1000, U}, {0x8000, 0x4000, FB});
}

static void set_in_gaps(void)
{
	static struct memmap m;
	BUILD(&m, {0x10000, 0x1000, U}, {0x20000, 0x1000, U});
	CHECK_EQ(memmap_set(&m, 0x18000, 0x1000, R), 0);  /* between */
	CHECK_EQ(memmap_set(&m, 0x1000, 0x1000, FB), 0);  /* before all */
	CHECK_EQ(memmap_set(&m, 0x30000, 0x1000, EX), 0); /* after all */
	EXPECT_MAP(&m, {0x1000, 0x1000, FB}, {0x10000, 0x1000, U},
		   {0x18000, 0x1000, R}, {0x20000, 0x1000, U},
		   {0x30000, 0x1000, EX});
	/* Touching a neighbour of the same type merges with it. */
	CHECK_EQ(memmap_set(&m, 0xf000, 0x1000, U), 0);
	CHECK_EQ(memmap_set(&m, 0x21000, 0x1000, U), 0);
	CHECK_EQ(memmap_set(&m, 0x31000, 0x1000, EX), 0);
	CHECK_EQ(memmap_set(&m, 0x17000, 0x1000, R), 0);
	EXPECT_MAP(&m, {0x1000, 0x1000, FB}, {0xf000, 0x2000, U},
		   {0x17000, 0x2000, R}, {0x20000, 0x2000, U},
		   {0x30000, 0x2000, EX});
	/* Filling a gap exactly joins both neighbours. */
	CHECK_EQ(memmap_set(&m, 0x19000, 0x7000, R), 0);
	CHECK_EQ(memmap_set(&m, 0x11000, 0x6000, R), 0);
	EXPECT_MAP(&m, {0x1000, 0x1000, FB}, {0xf000, 0x2000, U},
		   {0x11000, 0xf000, R}, {0x20000, 0x2000, U},
		   {0x30000, 0x2000, EX});
}

static void set_same_type_and_empty(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, MIB, U}, {3 * MIB, MIB, R});
	before = m;
	CHECK_EQ(memmap_set(&m, 0x180000, 0x1000, U), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_set(&m, 3 * MIB + 0x123, 0x456, R), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_set(&m, 0x180000, 0, EX), 0);
	CHECK_EQ(memmap_set(&m, TOP, 0, EX), 0);
	CHECK(same_map(&m, &before));
}

static void set_on_empty_map(void)
{
	static struct memmap m;
	m.count = 0;
	CHECK_EQ(memmap_set(&m, 0xfd000000, 0x300000, FB), 0);
	EXPECT_MAP(&m, {0xfd000000, 0x300000, FB});
}

static void set_wrapping(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, MIB, U});
	before = m;
	CHECK_EQ(memmap_set(&m, TOP - 0xfff, 0x2000, R), -EINVAL);
	CHECK_EQ(memmap_set(&m, MIB, TOP, R), -EINVAL);
	CHECK(same_map(&m, &before));
}

static void set_everything(void)
{
	static struct memmap m;
	BUILD(&m, {0, PAGE, R}, {PAGE, 0x9e000, U}, {0x9fc00, 0x400, R},
	      {MIB, MIB, U});
	CHECK_EQ(memmap_set(&m, 0, 4 * MIB, BAD), 0);
	EXPECT_MAP(&m, {0, 4 * MIB, BAD});
}

static void set_full_map(void)
{
	static struct memmap m, before;
	fill_map(&m);
	CHECK_VALID(&m);
	before = m;
	/* Splitting an entry needs two more slots: refused, map intact. */
	CHECK_EQ(memmap_set(&m, MIB + PAGE / 2, 0x100, AR), -E2BIG);
	CHECK(same_map(&m, &before));
	/* So does a new entry in a gap (here, after the last one). */
	CHECK_EQ(memmap_set(&m, 64 * MIB, PAGE, R), -E2BIG);
	CHECK(same_map(&m, &before));
	/* Retyping in place, or merging, needs none. */
	CHECK_EQ(memmap_set(&m, MIB, 2 * PAGE, EX), 0);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_EQ(memmap_set(&m, MIB + 2 * PAGE, 4 * PAGE, EX), 0);
	CHECK_EQ(m.count, MEMMAP_MAX - 1);
	CHECK_VALID(&m);
}

/* ---------------------------------------------------------- memmap_alloc */

static void alloc_lowest_fit(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, 2 * PAGE, U}, {0x180000, PAGE, R}, {2 * MIB, MIB, U});
	CHECK_EQ(memmap_alloc(&m, 3 * PAGE, PAGE, 0, TOP, EX), 2 * MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), MIB + PAGE);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), 2 * MIB + 3 * PAGE);
	EXPECT_MAP(&m, {MIB, 2 * PAGE, BR}, {0x180000, PAGE, R},
		   {2 * MIB, 3 * PAGE, EX}, {2 * MIB + 3 * PAGE, PAGE, BR},
		   {2 * MIB + 4 * PAGE, MIB - 4 * PAGE, U});
}

static void alloc_alignment(void)
{
	static struct memmap m;
	BUILD(&m, {0x101000, 0x4ff000, U});
	CHECK_EQ(memmap_alloc(&m, 0x300000, 2 * MIB, 0, TOP, EX), 2 * MIB);
	EXPECT_MAP(&m, {0x101000, 0xff000, U}, {2 * MIB, 0x300000, EX},
		   {5 * MIB, MIB, U});
	CHECK_EQ(memmap_alloc(&m, 1, 0x10000, 0, TOP, R), 0x110000);
	CHECK_EQ(memmap_alloc(&m, 1, 1, 0, TOP, R), 0x101000);
	CHECK_EQ(memmap_alloc(&m, 1, 16, 0, TOP, R), 0x102000);
	CHECK_EQ(memmap_alloc(&m, 1, 2 * PAGE, 0, TOP, R), 0x104000);
	CHECK_EQ(memmap_alloc(&m, MIB, 2 * MIB, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, MIB, MIB, 0, TOP, EX), 5 * MIB);
	CHECK_VALID(&m);
}

static void alloc_bad_arguments(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, MIB, U});
	before = m;
	CHECK_EQ(memmap_alloc(&m, PAGE, 0, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, 3, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, 0x1800, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, TOP, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, 0, PAGE, 0, TOP, EX), 0);
	CHECK(same_map(&m, &before));
}

static void alloc_rounds_size(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U});
	CHECK_EQ(memmap_alloc(&m, 1, PAGE, 0, TOP, EX), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE + 1, PAGE, 0, TOP, R), MIB + PAGE);
	EXPECT_MAP(&m, {MIB, PAGE, EX}, {MIB + PAGE, 2 * PAGE, R},
		   {MIB + 3 * PAGE, MIB - 3 * PAGE, U});
}

static void alloc_min(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, MIB, U});
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0x150000, TOP, EX), 0x150000);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0x150001, TOP, EX), 0x151000);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0x150001, TOP, EX), 0x152000);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 2 * MIB - PAGE, TOP, EX),
		 2 * MIB - PAGE);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 2 * MIB - PAGE, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 2 * MIB, TOP, EX), 0);
	/* min below every entry changes nothing. */
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0x1234, TOP, EX), MIB);
	CHECK_VALID(&m);
}

static void alloc_limit(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, 2 * MIB, U});
	before = m;
	CHECK_EQ(memmap_alloc(&m, MIB + 1, PAGE, 0, 2 * MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, MIB, PAGE, MIB + 1, 2 * MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, MIB + PAGE - 1, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 2 * MIB, MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, 0, EX), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_alloc(&m, MIB, PAGE, 0, 2 * MIB, EX), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, 2 * MIB + PAGE, R), 2 * MIB);
	EXPECT_MAP(&m, {MIB, MIB, EX}, {2 * MIB, PAGE, R},
		   {2 * MIB + PAGE, MIB - PAGE, U});
}

static void alloc_no_room(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, 2 * PAGE, U}, {2 * MIB, MIB, BR}, {4 * MIB, MIB, R},
	      {6 * MIB, MIB, AR});
	before = m;
	CHECK_EQ(memmap_alloc(&m, 3 * PAGE, PAGE, 0, TOP, EX), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_alloc(&m, 2 * PAGE, PAGE, 0, TOP, EX), MIB);
	CHECK_EQ(memmap_alloc(&m, 1, PAGE, 0, TOP, EX), 0);
	m.count = 0;
	CHECK_EQ(memmap_alloc(&m, 1, PAGE, 0, TOP, EX), 0);
}

static void alloc_exact_fit_merges(void)
{
	static struct memmap m;
	BUILD(&m, {MIB, PAGE, EX}, {MIB + PAGE, 4 * PAGE, U},
	      {MIB + 5 * PAGE, PAGE, EX});
	CHECK_EQ(memmap_alloc(&m, 4 * PAGE, PAGE, 0, TOP, EX), MIB + PAGE);
	EXPECT_MAP(&m, {MIB, 6 * PAGE, EX});
}

static void alloc_huge_values(void)
{
	static struct memmap m, before;
	BUILD(&m, {MIB, 2 * MIB, U}, {0xfffff000, PAGE, U});
	before = m;
	/* Sizes that round up past 2^64. */
	CHECK_EQ(memmap_alloc(&m, TOP, PAGE, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, TOP - 0xffe, PAGE, 0, TOP, EX), 0);
	CHECK(same_map(&m, &before));
	/* A minimum that rounds up past 2^64. */
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, TOP - 0xffe, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 63, TOP - 0xffe, TOP, EX), 0);
	CHECK(same_map(&m, &before));
	/* No 2^63-aligned address lies in the map. */
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 63, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 32, 0, TOP, EX), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 31, 0, TOP, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 12, 0xfffff000, TOP, EX),
		 0xfffff000);
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 20, 0, TOP, EX), MIB);
}

static void alloc_map_full(void)
{
	static struct memmap m, before;
	fill_map(&m);
	before = m;
	/* Only part of a usable entry: the map would need one more slot. */
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, EX), 0);
	CHECK(same_map(&m, &before));
	/* A whole entry is retyped in place. */
	CHECK_EQ(memmap_alloc(&m, 2 * PAGE, PAGE, 0, TOP, EX), MIB);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_VALID(&m);
}

static void alloc_many_disjoint(void)
{
	static struct memmap m;
	uint64_t got[64], size[64];
	BUILD(&m, {0, 0x9fc00, U}, {0x9fc00, 0x400, R}, {0xf0000, 0x10000, R},
	      {MIB, 15 * MIB, U});
	uint64_t free_before = memmap_total(&m, U);
	uint64_t used = 0;
	for (int i = 0; i < 64; i++) {
		size[i] = (uint64_t)(i * 7919 % 40 + 1) * 0x321;
		got[i] = memmap_alloc(&m, size[i], PAGE << (i % 3), 0, TOP,
				      i % 2 ? EX : BR);
		CHECK(got[i] != 0);
		CHECK_EQ(got[i] % (PAGE << (i % 3)), 0);
		size[i] = ALIGN_UP(size[i], PAGE);
		used += size[i];
		for (int j = 0; j < i; j++)
			CHECK(got[i] + size[i] <= got[j] ||
			      got[j] + size[j] <= got[i]);
		CHECK_EQ(type_at(&m, got[i]), i % 2 ? EX : BR);
		CHECK_EQ(type_at(&m, got[i] + size[i] - 1), i % 2 ? EX : BR);
		CHECK_VALID(&m);
	}
	CHECK_EQ(memmap_total(&m, U), free_before - used);
	CHECK_EQ(memmap_total(&m, EX) + memmap_total(&m, BR), used);
}

/* ------------------------------------------------------- a QEMU-like map */

static const struct memmap_entry qemu_raw[] = {
	{0, 0x9fc00, U},	  {0x9fc00, 0x400, R},
	{0xf0000, 0x10000, R},	  {0x100000, 0x1fee0000, U},
	{0x1ffe0000, 0x20000, R}, {0xfffc0000, 0x40000, R},
};

static void qemu_build(void)
{
	static struct memmap m;
	CHECK_EQ(memmap_build(&m, qemu_raw, N(qemu_raw)), 0);
	EXPECT_MAP(&m, {0x1000, 0x9e000, U}, {0x9fc00, 0x400, R},
		   {0xf0000, 0x10000, R}, {0x100000, 0x1fee0000, U},
		   {0x1ffe0000, 0x20000, R}, {0xfffc0000, 0x40000, R});
	CHECK_EQ(memmap_total(&m, U), 0x9e000 + 0x1fee0000);
	CHECK_EQ(memmap_total(&m, R), 0x400 + 0x10000 + 0x20000 + 0x40000);
	CHECK_EQ(memmap_total(&m, AR), 0);
	CHECK_VALID(&m);
}

/* What memory_init(), place.c and boot_alloc() do with that map. */
static void qemu_boot(void)
{
	static struct memmap m;
	struct memmap_entry raw[N(qemu_raw) + 1];
	memcpy(raw, qemu_raw, sizeof(qemu_raw));
	raw[N(qemu_raw)] = (struct memmap_entry){0, 0x1000, R};

	CHECK_EQ(memmap_build(&m, raw, N(raw)), 0);
	CHECK_EQ(memmap_set(&m, 0x1000, 0x8f000, BR), 0);
	EXPECT_MAP(&m, {0, 0x1000, R}, {0x1000, 0x8f000, BR},
		   {0x90000, 0xf000, U}, {0x9fc00, 0x400, R},
		   {0xf0000, 0x10000, R}, {0x100000, 0x1fee0000, U},
		   {0x1ffe0000, 0x20000, R}, {0xfffc0000, 0x40000, R});
	uint64_t all = total_all(&m);

	/* A kernel file buffer, the kernel (2 MiB aligned), page tables. */
	CHECK_EQ(memmap_alloc(&m, 0x123456, 4096, MIB, 1ULL << 32, BR), MIB);
	CHECK_EQ(memmap_alloc(&m, 0x2c5000, 2 * MIB, MIB, 1ULL << 32, EX),
		 4 * MIB);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(memmap_alloc(&m, 4096, 4096, MIB, 1ULL << 32, BR),
			 0x224000 + (uint64_t)i * PAGE);
	CHECK_EQ(memmap_set(&m, 0xfd000000, 1024 * 768 * 4, FB), 0);
	EXPECT_MAP(&m, {0, 0x1000, R}, {0x1000, 0x8f000, BR},
		   {0x90000, 0xf000, U}, {0x9fc00, 0x400, R},
		   {0xf0000, 0x10000, R}, {0x100000, 0x12a000, BR},
		   {0x22a000, 0x1d6000, U}, {0x400000, 0x2c5000, EX},
		   {0x6c5000, 0x1f91b000, U}, {0x1ffe0000, 0x20000, R},
		   {0xfd000000, 0x300000, FB}, {0xfffc0000, 0x40000, R});
	CHECK_EQ(total_all(&m), all + 0x300000);
	CHECK_EQ(memmap_total(&m, EX), 0x2c5000);
	CHECK_EQ(memmap_total(&m, FB), 0x300000);
	/* Nothing fits below 1 MiB with min = 1 MiB, nor above 4 GiB. */
	CHECK_EQ(memmap_alloc(&m, 0x20000000, 4096, MIB, 1ULL << 32, BR), 0);
	CHECK_VALID(&m);
}

/* ------------------------------------------------- randomized, vs a model */

/*
 * The model: the 4 MiB window [0, WIN) in 1 KiB cells, each holding a type
 * or NONE. Building paints the raw entries in order (a cell takes a type of
 * strictly higher rank), then trims each run of usable or reclaimable
 * cells to whole pages at or above 0x1000. memmap_set paints; memmap_alloc
 * finds the lowest aligned page-run of usable cells. The map must always
 * equal the model's runs.
 */
#define WIN (4 * MIB)
#define CELL KIB
#define CELLS ((int)(WIN / CELL))
#define PAGES ((int)(WIN / PAGE))
#define CELLS_PER_PAGE ((int)(PAGE / CELL))
#define NONE (-1)

struct model {
	int t[CELLS];
};

static uint32_t random_type(void)
{
	static const uint32_t types[] = {U,   U,   U,  U,  R,  R,  AR,
					 NVS, BAD, BR, BR, EX, FB, UNKNOWN};
	return types[test_below(N(types))];
}

/* The model's runs, as map entries; returns their count (may exceed max). */
static int model_runs(const struct model *md, struct memmap_entry *out, int max)
{
	int n = 0;
	for (int c = 0; c < CELLS;) {
		int t = md->t[c], s = c;
		while (c < CELLS && md->t[c] == t)
			c++;
		if (t == NONE)
			continue;
		if (n < max)
			out[n] = (struct memmap_entry){(uint64_t)s * CELL,
						       (uint64_t)(c - s) * CELL,
						       (uint32_t)t};
		n++;
	}
	return n;
}

static void model_paint(struct model *md, uint64_t base, uint64_t len, int type)
{
	for (uint64_t c = base / CELL; c < (base + len) / CELL; c++)
		md->t[c] = type;
}

/* The model after memmap_build; returns the entry count before trimming. */
static int model_build(struct model *md, const struct memmap_entry *raw, int n)
{
	static struct memmap_entry runs[CELLS];
	for (int c = 0; c < CELLS; c++)
		md->t[c] = NONE;
	for (int i = 0; i < n; i++) {
		uint64_t end = raw[i].base + raw[i].length;
		if (raw[i].length == 0 || end < raw[i].base)
			continue;
		for (uint64_t c = raw[i].base / CELL; c < end / CELL; c++)
			if (md->t[c] == NONE ||
			    rank(raw[i].type) > rank((uint32_t)md->t[c]))
				md->t[c] = (int)raw[i].type;
	}
	int count = model_runs(md, runs, CELLS);
	for (int i = 0; i < count; i++) {
		uint64_t b = runs[i].base, e = b + runs[i].length;
		if (!page_typed(runs[i].type))
			continue;
		uint64_t nb = MAX(ALIGN_UP(b, PAGE), PAGE);
		uint64_t ne = MAX(ALIGN_DOWN(e, PAGE), nb);
		model_paint(md, b, MIN(nb, e) - b, NONE);
		model_paint(md, ne, e - ne, NONE);
	}
	return count;
}

static void check_model(const struct memmap *m, const struct model *md,
			const char *when)
{
	static struct memmap_entry want[CELLS];
	int n = model_runs(md, want, CELLS);
	if (!map_is(m, want, n))
		FAIL("map differs from the model %s", when);
	const char *why = broken_promise(m);
	if (why)
		FAIL("%s %s", why, when);
}

static void random_raw(struct memmap_entry *raw, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t base = test_below(CELLS) * CELL;
		uint64_t room = (WIN - base) / CELL;
		uint64_t max = test_below(3) == 0 ? 8
			       : test_below(2)	  ? 256
						  : room;
		raw[i] = (struct memmap_entry){
			base, test_below(MIN(max, room) + 1) * CELL,
			random_type()};
		if (test_below(40) == 0) { /* wraps past 2^64: ignored */
			raw[i].base = TOP - test_below(4 * PAGE);
			raw[i].length = 8 * PAGE;
		}
	}
}

/*
 * Raw entries for one round: mostly a few random ones; sometimes too many
 * (-E2BIG), a lattice of 250-256 disjoint pieces (a nearly full map, so
 * set and alloc hit -E2BIG), or one usable range split by 110-140 small
 * pieces (199-279 entries before trimming: both sides of the limit).
 */
static int random_map(struct memmap_entry *raw)
{
	int kind = (int)test_below(100), n;
	if (kind < 2) {
		n = MEMMAP_MAX + 1 + (int)test_below(40);
		random_raw(raw, n);
	} else if (kind < 12) {
		n = 250 + (int)test_below(7);
		for (int i = 0; i < n; i++)
			raw[i] = (struct memmap_entry){(uint64_t)i * 4 * PAGE,
						       2 * PAGE, random_type()};
	} else if (kind < 16) {
		n = 110 + (int)test_below(31);
		random_raw(raw, n);
		raw[0] = (struct memmap_entry){0, WIN, U};
		for (int i = 1; i < n; i++)
			if (raw[i].base < WIN)
				raw[i].length = MIN(raw[i].length, 3 * CELL);
	} else {
		n = (int)test_below(25);
		random_raw(raw, n);
	}
	return n;
}

/* Pages wholly usable in the model, as prefix counts: n[p] = 0..p-1. */
static void usable_prefix(const struct model *md, int *n)
{
	n[0] = 0;
	for (int p = 0; p < PAGES; p++)
		n[p + 1] = n[p] + (md->t[p * CELLS_PER_PAGE] == U);
}

struct ops_state {
	struct memmap m, before;
	struct model md, saved;
	/* Pages handed out by memmap_alloc and not retyped since. */
	bool allocated[PAGES];
	int refused; /* -E2BIG from set, or alloc failing for lack of room */
	char when[96];
};

static void step_set(struct ops_state *s)
{
	uint32_t type = random_type();
	uint64_t base = test_below(PAGES) * PAGE;
	uint64_t most = test_below(2)	? 4
			: test_below(2) ? 16
					: PAGES; /* pages */
	uint64_t len = test_below(MIN(most, PAGES - base / PAGE) + 1) * PAGE;
	if (page_typed(type) && base < PAGE) /* page 0 never usable */
		base = PAGE, len = MIN(len, WIN - PAGE);
	uint64_t uncovered = 0;
	for (uint64_t c = base / CELL; c < (base + len) / CELL; c++)
		uncovered += s->md.t[c] == NONE ? CELL : 0;
	uint64_t total = total_all(&s->m);

	s->saved = s->md;
	model_paint(&s->md, base, len, (int)type);
	bool fits = model_runs(&s->md, NULL, 0) <= MEMMAP_MAX;
	int err = memmap_set(&s->m, base, len, type);
	snprintf(s->when, sizeof(s->when), "after set(%#llx, %#llx, %s) = %d",
		 (unsigned long long)base, (unsigned long long)len,
		 memmap_type_name(type), err);
	if (!fits) {
		s->md = s->saved;
		s->refused++;
		if (err != -E2BIG || !same_map(&s->m, &s->before))
			FAIL("%s: expected -E2BIG and no change", s->when);
		return;
	}
	if (err)
		FAIL("%s", s->when);
	if (total_all(&s->m) != total + uncovered)
		FAIL("total not conserved %s", s->when);
	for (uint64_t p = base / PAGE; p < (base + len) / PAGE; p++)
		s->allocated[p] = false;
}

static void step_alloc(struct ops_state *s)
{
	static const uint64_t aligns[] = {
		0, 1, 3, 16, PAGE, PAGE, 2 * PAGE, 0x3000, 0x10000, 2 * MIB};
	uint32_t type = random_type();
	uint64_t size =
		test_below(50) == 0
			? 0
			: 1 + test_below(test_below(2) ? 64 * PAGE : 4 * PAGE);
	uint64_t align = aligns[test_below(N(aligns))];
	uint64_t min =
		test_below(2)
			? 0
			: test_below(WIN) & (test_below(2) ? ~(PAGE - 1) : TOP);
	uint64_t limit = test_below(3) == 0 ? TOP : test_below(WIN + PAGE);
	if (type == U)
		type = EX;
	uint64_t total = total_all(&s->m), usable = memmap_total(&s->m, U);

	/* The model's answer: the lowest aligned run of usable pages. */
	uint64_t want = 0, sz = ALIGN_UP(size, PAGE);
	bool valid = size && align && !(align & (align - 1));
	if (valid) {
		static int prefix[PAGES + 1];
		uint64_t step = MAX(align, PAGE);
		usable_prefix(&s->md, prefix);
		for (uint64_t a = ALIGN_UP(min, step);
		     a + sz <= MIN(limit, WIN) && a + sz > a; a += step) {
			int p = (int)(a / PAGE), q = (int)((a + sz) / PAGE);
			if (prefix[q] - prefix[p] == q - p) {
				want = a;
				break;
			}
		}
	}
	s->saved = s->md;
	if (want)
		model_paint(&s->md, want, sz, (int)type);
	if (model_runs(&s->md, NULL, 0) > MEMMAP_MAX) {
		s->md = s->saved;
		s->refused++;
		want = 0;
	}
	uint64_t got = memmap_alloc(&s->m, size, align, min, limit, type);
	snprintf(s->when, sizeof(s->when),
		 "after alloc(%#llx, %#llx, %#llx, %#llx, %s) = %#llx",
		 (unsigned long long)size, (unsigned long long)align,
		 (unsigned long long)min, (unsigned long long)limit,
		 memmap_type_name(type), (unsigned long long)got);
	if (got != want)
		FAIL("%s, the model says %#llx", s->when,
		     (unsigned long long)want);
	if (!got) {
		if (!same_map(&s->m, &s->before))
			FAIL("failed, yet changed the map, %s", s->when);
		return;
	}
	/* Independent of the model: what an allocation must be. */
	if (got % MAX(align, PAGE) || got < min || got + sz > limit)
		FAIL("misplaced %s", s->when);
	for (uint64_t p = got / PAGE; p < (got + sz) / PAGE; p++) {
		if (type_at(&s->before, p * PAGE) != U)
			FAIL("not from usable memory %s", s->when);
		if (s->allocated[p])
			FAIL("overlaps an earlier allocation %s", s->when);
		s->allocated[p] = true;
	}
	if (total_all(&s->m) != total || memmap_total(&s->m, U) != usable - sz)
		FAIL("totals wrong %s", s->when);
}

static void random_ops(uint64_t seed, int rounds)
{
	static struct ops_state s;
	static struct memmap_entry raw[300];
	int built = 0;

	test_rng = seed;
	s.refused = 0;
	for (int round = 0; round < rounds; round++) {
		int n = random_map(raw);
		int pre = n <= MEMMAP_MAX ? model_build(&s.md, raw, n) : 0;
		int err = memmap_build(&s.m, raw, n);
		snprintf(s.when, sizeof(s.when),
			 "after build (round %d, %d raw entries)", round, n);
		if (n > MEMMAP_MAX || pre > MEMMAP_MAX) {
			if (err != -E2BIG)
				FAIL("%s: %d, expected -E2BIG", s.when, err);
			continue;
		}
		if (err)
			FAIL("%s: %d", s.when, err);
		check_model(&s.m, &s.md, s.when);
		built++;
		memset(s.allocated, 0, sizeof(s.allocated));
		int steps = 1 + (int)test_below(24);
		for (int step = 0; step < steps; step++) {
			s.before = s.m;
			if (test_below(2))
				step_set(&s);
			else
				step_alloc(&s);
			char when[160];
			snprintf(when, sizeof(when), "round %d step %d: %s",
				 round, step, s.when);
			check_model(&s.m, &s.md, when);
		}
	}
	CHECK(built > rounds / 2);
	CHECK(s.refused > 10); /* the -E2BIG paths were reached */
}

/*
 * Any 64-bit input: whatever memmap_build returns must be a valid map, hold
 * no address that no raw entry covers, and give every address it holds the
 * most restrictive type among the raw entries there.
 */
static int raw_type_at(const struct memmap_entry *raw, int n, uint64_t a)
{
	int best = NONE;
	for (int i = 0; i < n; i++) {
		uint64_t end = raw[i].base + raw[i].length;
		if (raw[i].length == 0 || end < raw[i].base)
			continue;
		if (a >= raw[i].base && a < end &&
		    (best == NONE || rank(raw[i].type) > rank((uint32_t)best)))
			best = (int)raw[i].type;
	}
	return best;
}

static uint64_t wild_value(void)
{
	switch (test_below(6)) {
	case 0:
		return test_below(0x200000);
	case 1:
		return (1ULL << 32) - test_below(0x10000);
	case 2:
		return TOP - test_below(0x10000);
	case 3:
		return test_below(0x100) * PAGE;
	case 4:
		return test_rand() >> test_below(64);
	default:
		return test_rand();
	}
}

static void check_probe(const struct memmap *m, const struct memmap_entry *raw,
			int n, uint64_t a)
{
	int want = raw_type_at(raw, n, a), got = type_at(m, a);
	if (got == want || (got == NONE && page_typed((uint32_t)want)))
		return;
	dump("raw", raw, n);
	dump("map", m->e, m->count);
	FAIL("at %#llx: type %d, raw entries say %d", (unsigned long long)a,
	     got, want);
}

static void random_wild_build(uint64_t seed, int rounds)
{
	static struct memmap m;
	struct memmap_entry raw[20];

	test_rng = seed;
	for (int round = 0; round < rounds; round++) {
		int n = (int)test_below(N(raw) + 1);
		for (int i = 0; i < n; i++) {
			raw[i].base = wild_value();
			raw[i].length = test_below(4) ? wild_value()
						      : test_below(3 * PAGE);
			raw[i].type = random_type();
		}
		CHECK_EQ(memmap_build(&m, raw, n), 0);
		CHECK_VALID(&m);
		for (int i = 0; i < n; i++) {
			uint64_t b = raw[i].base, e = b + raw[i].length;
			check_probe(&m, raw, n, b);
			check_probe(&m, raw, n, b - 1);
			check_probe(&m, raw, n, e);
			check_probe(&m, raw, n, e - 1);
		}
		for (int i = 0; i < m.count; i++) {
			check_probe(&m, raw, n, m.e[i].base);
			check_probe(&m, raw, n,
				    m.e[i].base + m.e[i].length - 1);
		}
		for (int k = 0; k < 16; k++)
			check_probe(&m, raw, n, wild_value());
	}
}

int main(void)
{
	RUN(build_empty(), "build: empty input and only empty entries");
	RUN(build_one_usable(), "build: one usable entry");
	RUN(build_shrinks_usable(),
	    "build: usable/reclaimable shrunk to pages");
	RUN(build_drops_partial_pages(), "build: less than a page dropped");
	RUN(build_keeps_other_types_exact(), "build: other types kept exact");
	RUN(build_nothing_usable_in_page0(),
	    "build: nothing usable below 0x1000");
	static int lo, hi, order; /* static: RUN longjmps */
	for (lo = 0; lo < N(by_rank); lo++)
		for (hi = lo + 1; hi < N(by_rank); hi++)
			for (order = 0; order < 2; order++)
				RUN(build_rank(by_rank[lo], by_rank[hi], order),
				    "build: %s beats %s (listed %s)",
				    memmap_type_name(by_rank[hi]),
				    memmap_type_name(by_rank[lo]),
				    order ? "first" : "second");
	RUN(build_unknown_type_wins(), "build: unknown types beat reserved");
	RUN(build_partial_overlaps(), "build: partial overlaps");
	RUN(build_sorts(), "build: unsorted input sorted");
	RUN(build_merges(), "build: same-type neighbours merged");
	RUN(build_keeps_neighbours_apart(),
	    "build: different types kept apart");
	RUN(build_ignores_empty_and_wrapping(),
	    "build: empty and wrapping entries ignored");
	RUN(build_top_of_address_space(), "build: entries at the top of 2^64");
	RUN(build_too_many(), "build: -E2BIG when too many");
	RUN(type_from_e820(), "E820 types");
	RUN(type_names(), "type names");

	RUN(set_middle(), "set: middle of an entry");
	RUN(set_edges(), "set: start and end of an entry");
	RUN(set_whole_entry_merges(), "set: whole entry merges neighbours");
	RUN(set_spanning(), "set: spanning entries and gaps");
	RUN(set_in_gaps(), "set: in gaps, before and after all");
	RUN(set_same_type_and_empty(), "set: same type, zero length");
	RUN(set_on_empty_map(), "set: empty map");
	RUN(set_wrapping(), "set: wrapping range -EINVAL");
	RUN(set_everything(), "set: covering the whole map");
	RUN(set_full_map(), "set: full map -E2BIG, map intact");

	RUN(alloc_lowest_fit(), "alloc: lowest fit");
	RUN(alloc_alignment(), "alloc: alignment");
	RUN(alloc_bad_arguments(), "alloc: bad size or alignment");
	RUN(alloc_rounds_size(), "alloc: size rounded to pages");
	RUN(alloc_min(), "alloc: min");
	RUN(alloc_limit(), "alloc: limit");
	RUN(alloc_no_room(), "alloc: no room");
	RUN(alloc_exact_fit_merges(), "alloc: exact fit merges");
	RUN(alloc_huge_values(), "alloc: sizes and minimums near 2^64");
	RUN(alloc_map_full(), "alloc: full map");
	RUN(alloc_many_disjoint(), "alloc: 64 allocations, disjoint");

	RUN(qemu_build(), "QEMU map: build and totals");
	RUN(qemu_boot(), "QEMU map: loader area, kernel, tables, framebuffer");

	RUN(random_ops(0x5eed0001, 3000),
	    "random: 3000 maps, set/alloc sequences vs the model");
	RUN(random_ops(0x5eed0002, 3000),
	    "random: 3000 more maps (second seed)");
	RUN(random_wild_build(0x5eed0003, 5000),
	    "random: 5000 builds from arbitrary 64-bit entries");
	TEST_EXIT();
}
