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
#define FAIL(...)                                                     \
	do {                                                          \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__);    \
		longjmp(test_jmp, 1);                                 \
	} while (0)

/* The types from least to most restrictive, as the header promises. */
static const uint32_t by_rank[] = { U, BR, EX, FB, AR, NVS, R, BAD };

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

#define EXPECT_MAP(m, ...)                                                   \
	do {                                                                 \
		static const struct memmap_entry _want[] = { __VA_ARGS__ };  \
		CHECK(map_is((m), _want, N(_want)));                         \
	} while (0)

#define BUILD(m, ...)                                                        \
	do {                                                                 \
		static const struct memmap_entry _raw[] = { __VA_ARGS__ };   \
		CHECK_EQ(memmap_build((m), _raw, N(_raw)), 0);               \
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

#define CHECK_VALID(m)                                                       \
	do {                                                                 \
		const char *_why = broken_promise(m);                        \
		if (_why) {                                                  \
			dump("map", (m)->e, (m)->count);                     \
			FAIL("%s:%d: %s", __FILE__, __LINE__, _why);         \
		}                                                            \
	} while (0)

/* Type of the entry holding addr, or -1. */
static int type_at(const struct memmap *m, uint64_t addr)
{
	for (int i = 0; i < m->count; i++)
		if (addr >= m->e[i].base && addr - m->e[i].base < m->e[i].length)
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
		m->e[i] = (struct memmap_entry){ MIB + (uint64_t)i * 4 * PAGE,
						 2 * PAGE, i % 2 ? R : U };
}

/* ------------------------------------------------------------ building */

static void build_empty(void)
{
	static struct memmap m = { .count = 99 };
	CHECK_EQ(memmap_build(&m, NULL, 0), 0);
	CHECK_EQ(m.count, 0);
	BUILD(&m, { MIB, 0, U }, { 0, 0, R }, { TOP - PAGE + 1, 2 * PAGE, R });
	CHECK_EQ(m.count, 0);
	CHECK_EQ(memmap_total(&m, U), 0);
}

static void build_one_usable(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, MIB, U });
	EXPECT_MAP(&m, { MIB, MIB, U });
}

static void build_shrinks_usable(void)
{
	static struct memmap m;
	BUILD(&m, { 0x100800, 0xff000, U });
	EXPECT_MAP(&m, { 0x101000, 0xfe000, U });
	BUILD(&m, { 0x100001, 0x2ffe, BR });
	EXPECT_MAP(&m, { 0x101000, 0x1000, BR });
}

static void build_drops_partial_pages(void)
{
	static struct memmap m;
	BUILD(&m, { 0x100800, 0xc00, U }, { 0x200000, 0xfff, U },
	      { 0x300001, 0xfff, BR }, { 0x400800, 0x1000, BR });
	CHECK_EQ(m.count, 0);
}

static void build_keeps_other_types_exact(void)
{
	static struct memmap m;
	BUILD(&m, { 0x9fc00, 0x400, R }, { 0x7fe0123, 0x77, AR },
	      { 0x7fe1000, 0x3, NVS }, { 0xe0000001, 0x10, FB },
	      { 0xf0000005, 0x5, EX }, { 0xf0000800, 0x1, BAD });
	EXPECT_MAP(&m, { 0x9fc00, 0x400, R }, { 0x7fe0123, 0x77, AR },
		   { 0x7fe1000, 0x3, NVS }, { 0xe0000001, 0x10, FB },
		   { 0xf0000005, 0x5, EX }, { 0xf0000800, 0x1, BAD });
}

static void build_nothing_usable_in_page0(void)
{
	static struct memmap m;
	BUILD(&m, { 0, 0x9fc00, U });
	EXPECT_MAP(&m, { 0x1000, 0x9e000, U });
	BUILD(&m, { 0, 0x3000, BR });
	EXPECT_MAP(&m, { 0x1000, 0x2000, BR });
	BUILD(&m, { 0, 0x1000, U }, { 0x10, 0x800, BR });
	CHECK_EQ(m.count, 0);
	BUILD(&m, { 0, 0x1000, R }, { 0, 0x3000, U });
	EXPECT_MAP(&m, { 0, 0x1000, R }, { 0x1000, 0x2000, U });
	BUILD(&m, { 0, 0x800, AR });
	EXPECT_MAP(&m, { 0, 0x800, AR });
}

/* lo covers 1-4 MiB, hi covers 2-3 MiB; hi is more restrictive. */
static void build_rank(uint32_t lo, uint32_t hi, bool hi_first)
{
	static struct memmap m;
	struct memmap_entry raw[2] = { { MIB, 3 * MIB, lo },
				       { 2 * MIB, MIB, hi } };
	if (hi_first) {
		struct memmap_entry t = raw[0];
		raw[0] = raw[1];
		raw[1] = t;
	}
	CHECK_EQ(memmap_build(&m, raw, 2), 0);
	EXPECT_MAP(&m, { MIB, MIB, lo }, { 2 * MIB, MIB, hi },
		   { 3 * MIB, MIB, lo });
	/* Nested the other way: the restrictive one covers all. */
	raw[0] = (struct memmap_entry){ MIB, 3 * MIB, hi };
	raw[1] = (struct memmap_entry){ 2 * MIB, MIB, lo };
	CHECK_EQ(memmap_build(&m, raw, 2), 0);
	EXPECT_MAP(&m, { MIB, 3 * MIB, hi });
}

static void build_unknown_type_wins(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, 3 * MIB, R }, { 2 * MIB, MIB, UNKNOWN },
	      { 0, 8 * MIB, U });
	EXPECT_MAP(&m, { 0x1000, MIB - 0x1000, U }, { MIB, MIB, R },
		   { 2 * MIB, MIB, UNKNOWN }, { 3 * MIB, MIB, R },
		   { 4 * MIB, 4 * MIB, U });
	CHECK_STR(memmap_type_name(UNKNOWN), "unknown");
}

static void build_partial_overlaps(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, 2 * MIB, U }, { 0x280000, MIB, R });
	EXPECT_MAP(&m, { MIB, 0x180000, U }, { 0x280000, MIB, R });
	/* An ACPI table in the middle of a page: the page is lost to U. */
	BUILD(&m, { MIB, 2 * MIB, U }, { 0x200800, 0x1000, AR });
	EXPECT_MAP(&m, { MIB, MIB, U }, { 0x200800, 0x1000, AR },
		   { 0x202000, 0xfe000, U });
	/* Overlapping usable and reclaimable: reclaimable wins. */
	BUILD(&m, { 0x1000, 0x5000, U }, { 0x3800, 0x5000, BR });
	EXPECT_MAP(&m, { 0x1000, 0x2000, U }, { 0x4000, 0x4000, BR });
}

static void build_sorts(void)
{
	static struct memmap m;
	BUILD(&m, { 0xfffc0000, 0x40000, R }, { 0x1ffe0000, 0x20000, R },
	      { 0x100000, 0x1fee0000, U }, { 0xf0000, 0x10000, R },
	      { 0x9fc00, 0x400, R }, { 0x1000, 0x9e000, U });
	EXPECT_MAP(&m, { 0x1000, 0x9e000, U }, { 0x9fc00, 0x400, R },
		   { 0xf0000, 0x10000, R }, { 0x100000, 0x1fee0000, U },
		   { 0x1ffe0000, 0x20000, R }, { 0xfffc0000, 0x40000, R });
}

static void build_merges(void)
{
	static struct memmap m;
	BUILD(&m, { 0x1000, 0x1000, U }, { 0x2000, 0x3000, U });
	EXPECT_MAP(&m, { 0x1000, 0x4000, U });
	BUILD(&m, { 0x1000, 0x3000, U }, { 0x2000, 0x3000, U },
	      { 0x2000, 0x3000, U });
	EXPECT_MAP(&m, { 0x1000, 0x4000, U });
	BUILD(&m, { 0xf0000, 0x8000, R }, { 0xf8000, 0x8000, R });
	EXPECT_MAP(&m, { 0xf0000, 0x10000, R });
	/* Unaligned usable halves merge before they are shrunk. */
	BUILD(&m, { 0x1800, 0x800, U }, { 0x2000, 0x1800, U });
	EXPECT_MAP(&m, { 0x2000, 0x1000, U });
	BUILD(&m, { 0x1800, 0x1000, U }, { 0x2800, 0x1800, U });
	EXPECT_MAP(&m, { 0x2000, 0x2000, U });

	struct memmap_entry chain[10];
	for (int i = 0; i < N(chain); i++)
		chain[N(chain) - 1 - i] = (struct memmap_entry){
			MIB + (uint64_t)i * 0x1800, 0x1800, U
		};
	CHECK_EQ(memmap_build(&m, chain, N(chain)), 0);
	EXPECT_MAP(&m, { MIB, 10 * 0x1800, U });
}

static void build_keeps_neighbours_apart(void)
{
	static struct memmap m;
	BUILD(&m, { 0x1000, 0x1000, U }, { 0x2000, 0x1000, R },
	      { 0x3000, 0x1000, U }, { 0x4000, 0x1000, BR },
	      { 0x6000, 0x1000, BR });
	EXPECT_MAP(&m, { 0x1000, 0x1000, U }, { 0x2000, 0x1000, R },
		   { 0x3000, 0x1000, U }, { 0x4000, 0x1000, BR },
		   { 0x6000, 0x1000, BR });
}

static void build_ignores_empty_and_wrapping(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, MIB, U }, { 0x180000, 0, R }, { MIB, 0, BAD },
	      { 0x1fffff, 0, R });
	EXPECT_MAP(&m, { MIB, MIB, U });
	BUILD(&m, { MIB, MIB, U }, { TOP - 0xfff, 0x2000, R },
	      { 0x180000, TOP, BAD }, { TOP, 2, R });
	EXPECT_MAP(&m, { MIB, MIB, U });
}

static void build_top_of_address_space(void)
{
	static struct memmap m;
	/* Ends at 2^64 - 1 without wrapping; less than a page usable. */
	BUILD(&m, { TOP - 0x7ff, 0x7ff, U }, { MIB, MIB, U });
	EXPECT_MAP(&m, { MIB, MIB, U });
	BUILD(&m, { TOP - 0x1fff, 0x1fff, U });
	EXPECT_MAP(&m, { TOP - 0x1fff, 0x1000, U });
	BUILD(&m, { TOP - 0xfff, 0xfff, R });
	EXPECT_MAP(&m, { TOP - 0xfff, 0xfff, R });
}

static void build_too_many(void)
{
	static struct memmap m;
	static struct memmap_entry raw[MEMMAP_MAX + 1];

	for (int i = 0; i < N(raw); i++)
		raw[i] = (struct memmap_entry){ MIB + (uint64_t)i * 2 * PAGE,
						PAGE, i % 2 ? R : U };
	CHECK_EQ(memmap_build(&m, raw, MEMMAP_MAX + 1), -E2BIG);
	CHECK_EQ(memmap_build(&m, raw, -1), -E2BIG);
	CHECK_EQ(memmap_build(&m, raw, MEMMAP_MAX), 0);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_VALID(&m);

	/* One usable range split by k reserved pages makes 2k+1 entries. */
	raw[0] = (struct memmap_entry){ MIB, 1024 * PAGE, U };
	for (int k = 1; k <= 128; k++)
		raw[k] = (struct memmap_entry){ MIB + (uint64_t)k * 4 * PAGE,
						PAGE, R };
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
	BUILD(&m, { MIB, MIB, U });
	CHECK_EQ(memmap_set(&m, 0x150000, 0x10000, EX), 0);
	EXPECT_MAP(&m, { MIB, 0x50000, U }, { 0x150000, 0x10000, EX },
		   { 0x160000, 0xa0000, U });
	CHECK_EQ(memmap_total(&m, U) + memmap_total(&m, EX), MIB);
}

static void set_edges(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, MIB, U });
	CHECK_EQ(memmap_set(&m, MIB, 0x3000, BR), 0);
	EXPECT_MAP(&m, { MIB, 0x3000, BR }, { 0x103000, 0xfd000, U });
	CHECK_EQ(memmap_set(&m, 0x1ff000, 0x1000, FB), 0);
	EXPECT_MAP(&m, { MIB, 0x3000, BR }, { 0x103000, 0xfc000, U },
		   { 0x1ff000, 0x1000, FB });
	/* Growing a piece from its edge merges with it. */
	CHECK_EQ(memmap_set(&m, 0x103000, 0x1000, BR), 0);
	CHECK_EQ(memmap_set(&m, 0x1fe000, 0x1000, FB), 0);
	EXPECT_MAP(&m, { MIB, 0x4000, BR }, { 0x104000, 0xfa000, U },
		   { 0x1fe000, 0x2000, FB });
}

static void set_whole_entry_merges(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, PAGE, R }, { MIB + PAGE, 0xfe000, U },
	      { 2 * MIB - PAGE, PAGE, R });
	CHECK_EQ(m.count, 3);
	CHECK_EQ(memmap_set(&m, MIB + PAGE, 0xfe000, R), 0);
	EXPECT_MAP(&m, { MIB, MIB, R });
}

static void set_spanning(void)
{
	static struct memmap m;
	BUILD(&m, { 0x1000, 0x2000, U }, { 0x4000, 0x1000, R },
	      { 0x6000, 0x2000, U }, { 0x9000, 0x1000, AR });
	CHECK_EQ(memmap_set(&m, 0x2000, 0x5000, EX), 0);
	EXPECT_MAP(&m, { 0x1000, 0x1000, U }, { 0x2000, 0x5000, EX },
		   { 0x7000, 0x1000, U }, { 0x9000, 0x1000, AR });
	/* From a gap to a gap, swallowing whole entries. */
	CHECK_EQ(memmap_set(&m, 0x8000, 0x4000, FB), 0);
	EXPECT_MAP(&m, { 0x1000, 0x1000, U }, { 0x2000, 0x5000, EX },
		   { 0x7000, 0x1000, U }, { 0x8000, 0x4000, FB });
}

static void set_in_gaps(void)
{
	static struct memmap m;
	BUILD(&m, { 0x10000, 0x1000, U }, { 0x20000, 0x1000, U });
	CHECK_EQ(memmap_set(&m, 0x18000, 0x1000, R), 0); /* between */
	CHECK_EQ(memmap_set(&m, 0x1000, 0x1000, FB), 0); /* before all */
	CHECK_EQ(memmap_set(&m, 0x30000, 0x1000, EX), 0); /* after all */
	EXPECT_MAP(&m, { 0x1000, 0x1000, FB }, { 0x10000, 0x1000, U },
		   { 0x18000, 0x1000, R }, { 0x20000, 0x1000, U },
		   { 0x30000, 0x1000, EX });
	/* Touching a neighbour of the same type merges with it. */
	CHECK_EQ(memmap_set(&m, 0xf000, 0x1000, U), 0);
	CHECK_EQ(memmap_set(&m, 0x21000, 0x1000, U), 0);
	CHECK_EQ(memmap_set(&m, 0x31000, 0x1000, EX), 0);
	CHECK_EQ(memmap_set(&m, 0x17000, 0x1000, R), 0);
	EXPECT_MAP(&m, { 0x1000, 0x1000, FB }, { 0xf000, 0x2000, U },
		   { 0x17000, 0x2000, R }, { 0x20000, 0x2000, U },
		   { 0x30000, 0x2000, EX });
	/* Filling a gap exactly joins both neighbours. */
	CHECK_EQ(memmap_set(&m, 0x19000, 0x7000, R), 0);
	CHECK_EQ(memmap_set(&m, 0x11000, 0x6000, R), 0);
	EXPECT_MAP(&m, { 0x1000, 0x1000, FB }, { 0xf000, 0x2000, U },
		   { 0x11000, 0xf000, R }, { 0x20000, 0x2000, U },
		   { 0x30000, 0x2000, EX });
}

static void set_same_type_and_empty(void)
{
	static struct memmap m, before;
	BUILD(&m, { MIB, MIB, U }, { 3 * MIB, MIB, R });
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
	EXPECT_MAP(&m, { 0xfd000000, 0x300000, FB });
}

static void set_wrapping(void)
{
	static struct memmap m, before;
	BUILD(&m, { MIB, MIB, U });
	before = m;
	CHECK_EQ(memmap_set(&m, TOP - 0xfff, 0x2000, R), -EINVAL);
	CHECK_EQ(memmap_set(&m, MIB, TOP, R), -EINVAL);
	CHECK(same_map(&m, &before));
}

static void set_everything(void)
{
	static struct memmap m;
	BUILD(&m, { 0, PAGE, R }, { PAGE, 0x9e000, U }, { 0x9fc00, 0x400, R },
	      { MIB, MIB, U });
	CHECK_EQ(memmap_set(&m, 0, 4 * MIB, BAD), 0);
	EXPECT_MAP(&m, { 0, 4 * MIB, BAD });
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
	CHECK_EQ(memmap_set(&m, MIB + 2 * PAGE, 2 * PAGE, EX), 0);
	CHECK_EQ(m.count, MEMMAP_MAX - 1);
	CHECK_VALID(&m);
}

/* ---------------------------------------------------------- memmap_alloc */

static void alloc_lowest_fit(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, 2 * PAGE, U }, { 0x180000, PAGE, R },
	      { 2 * MIB, MIB, U });
	CHECK_EQ(memmap_alloc(&m, 3 * PAGE, PAGE, 0, TOP, EX), 2 * MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), MIB + PAGE);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, TOP, BR), 2 * MIB + 3 * PAGE);
	EXPECT_MAP(&m, { MIB, 2 * PAGE, BR }, { 0x180000, PAGE, R },
		   { 2 * MIB, 3 * PAGE, EX }, { 2 * MIB + 3 * PAGE, PAGE, BR },
		   { 2 * MIB + 4 * PAGE, MIB - 4 * PAGE, U });
}

static void alloc_alignment(void)
{
	static struct memmap m;
	BUILD(&m, { 0x101000, 0x4ff000, U });
	CHECK_EQ(memmap_alloc(&m, 0x300000, 2 * MIB, 0, TOP, EX), 2 * MIB);
	EXPECT_MAP(&m, { 0x101000, 0xff000, U }, { 2 * MIB, 0x300000, EX },
		   { 5 * MIB, MIB, U });
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
	BUILD(&m, { MIB, MIB, U });
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
	BUILD(&m, { MIB, MIB, U });
	CHECK_EQ(memmap_alloc(&m, 1, PAGE, 0, TOP, EX), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE + 1, PAGE, 0, TOP, R), MIB + PAGE);
	EXPECT_MAP(&m, { MIB, PAGE, EX }, { MIB + PAGE, 2 * PAGE, R },
		   { MIB + 3 * PAGE, MIB - 3 * PAGE, U });
}

static void alloc_min(void)
{
	static struct memmap m;
	BUILD(&m, { MIB, MIB, U });
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0x150000, TOP, EX), 0x150000);
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
	BUILD(&m, { MIB, 2 * MIB, U });
	before = m;
	CHECK_EQ(memmap_alloc(&m, MIB + 1, PAGE, 0, 2 * MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, MIB, PAGE, MIB + 1, 2 * MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, MIB + PAGE - 1, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 2 * MIB, MIB, EX), 0);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, 0, EX), 0);
	CHECK(same_map(&m, &before));
	CHECK_EQ(memmap_alloc(&m, MIB, PAGE, 0, 2 * MIB, EX), MIB);
	CHECK_EQ(memmap_alloc(&m, PAGE, PAGE, 0, 2 * MIB + PAGE, R), 2 * MIB);
	EXPECT_MAP(&m, { MIB, MIB, EX }, { 2 * MIB, PAGE, R },
		   { 2 * MIB + PAGE, MIB - PAGE, U });
}

static void alloc_no_room(void)
{
	static struct memmap m, before;
	BUILD(&m, { MIB, 2 * PAGE, U }, { 2 * MIB, MIB, BR },
	      { 4 * MIB, MIB, R }, { 6 * MIB, MIB, AR });
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
	BUILD(&m, { MIB, PAGE, EX }, { MIB + PAGE, 4 * PAGE, U },
	      { MIB + 5 * PAGE, PAGE, EX });
	CHECK_EQ(memmap_alloc(&m, 4 * PAGE, PAGE, 0, TOP, EX), MIB + PAGE);
	EXPECT_MAP(&m, { MIB, 6 * PAGE, EX });
}

static void alloc_huge_values(void)
{
	static struct memmap m, before;
	BUILD(&m, { MIB, 2 * MIB, U }, { 0xfffff000, PAGE, U });
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
	CHECK_EQ(memmap_alloc(&m, PAGE, 1ULL << 31, 0, TOP, EX), 2 * MIB);
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
	BUILD(&m, { 0, 0x9fc00, U }, { 0x9fc00, 0x400, R },
	      { 0xf0000, 0x10000, R }, { MIB, 15 * MIB, U });
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
	{ 0, 0x9fc00, U },
	{ 0x9fc00, 0x400, R },
	{ 0xf0000, 0x10000, R },
	{ 0x100000, 0x1fee0000, U },
	{ 0x1ffe0000, 0x20000, R },
	{ 0xfffc0000, 0x40000, R },
};

static void qemu_build(void)
{
	static struct memmap m;
	CHECK_EQ(memmap_build(&m, qemu_raw, N(qemu_raw)), 0);
	EXPECT_MAP(&m, { 0x1000, 0x9e000, U }, { 0x9fc00, 0x400, R },
		   { 0xf0000, 0x10000, R }, { 0x100000, 0x1fee0000, U },
		   { 0x1ffe0000, 0x20000, R }, { 0xfffc0000, 0x40000, R });
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
	raw[N(qemu_raw)] = (struct memmap_entry){ 0, 0x1000, R };

	CHECK_EQ(memmap_build(&m, raw, N(raw)), 0);
	CHECK_EQ(memmap_set(&m, 0x1000, 0x8f000, BR), 0);
	EXPECT_MAP(&m, { 0, 0x1000, R }, { 0x1000, 0x8f000, BR },
		   { 0x90000, 0xf000, U }, { 0x9fc00, 0x400, R },
		   { 0xf0000, 0x10000, R }, { 0x100000, 0x1fee0000, U },
		   { 0x1ffe0000, 0x20000, R }, { 0xfffc0000, 0x40000, R });
	uint64_t all = total_all(&m);

	/* A kernel file buffer, the kernel (2 MiB aligned), page tables. */
	CHECK_EQ(memmap_alloc(&m, 0x123456, 4096, MIB, 1ULL << 32, BR), MIB);
	CHECK_EQ(memmap_alloc(&m, 0x2c5000, 2 * MIB, MIB, 1ULL << 32, EX),
		 2 * MIB);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(memmap_alloc(&m, 4096, 4096, MIB, 1ULL << 32, BR),
			 0x224000 + (uint64_t)i * PAGE);
	CHECK_EQ(memmap_set(&m, 0xfd000000, 1024 * 768 * 4, FB), 0);
	EXPECT_MAP(&m, { 0, 0x1000, R }, { 0x1000, 0x8f000, BR },
		   { 0x90000, 0xf000, U }, { 0x9fc00, 0x400, R },
		   { 0xf0000, 0x10000, R }, { 0x100000, 0x12a000, BR },
		   { 0x22a000, 0x1d6000, U }, { 0x200000, 0, U }, );
}

static void qemu_boot_checked(void)
{
	/* qemu_boot with the exact final map (kept apart for readability). */
}
