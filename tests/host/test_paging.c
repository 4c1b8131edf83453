/*
 * Host tests for boot/src/paging.c. The page tables live in a test pool:
 * alloc_page hands out zeroed 4 KiB pages of a big aligned buffer that
 * pretends to sit at physical FAKE_PHYS, and virt_offset = buffer -
 * FAKE_PHYS, so the code under test walks real memory (the sanitizers watch
 * it) while every address it stores is a plausible physical one. The cases
 * cover translations for 4- and 5-level paging, 4 KiB and 2 MiB pages, the
 * W/NX/PWT/PAT bits, splitting a 2 MiB page, canonical and alignment
 * checks, running out of table pages, and a randomized comparison with a
 * page-by-page model.
 */
#include "testlib.h"
#include "paging.h"

#include <errno.h>
#include <stdint.h>

#define PAGE 0x1000ULL
#define LARGE 0x200000ULL
#define FAKE_PHYS 0x100000ULL
#define POOL_PAGES 4096
#define NOT_MAPPED UINT64_MAX

#define KERNEL 0xffffffff80000000ULL
#define HHDM4 0xffff800000000000ULL
#define HHDM5 0xff00000000000000ULL

/* Fail the case with a formatted reason. */
#define FAIL(...)                                                  \
	do {                                                       \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__); \
		longjmp(test_jmp, 1);                              \
	} while (0)

struct pool {
	uint8_t *buf;
	int used, cap;
};

static struct pool pool;
static struct pt pt;

static uint64_t pool_page(void *ctx)
{
	struct pool *p = ctx;
	if (p->used == p->cap)
		return 0;
	uint8_t *page = p->buf + (size_t)p->used * PAGE;
	memset(page, 0, PAGE);
	return FAKE_PHYS + (uint64_t)p->used++ * PAGE;
}

/* A fresh pool of cap pages (dirty, so a missing memset would show) and pt. */
static void setup(int levels, bool nx, int cap)
{
	if (!pool.buf)
		pool.buf = aligned_alloc(PAGE, POOL_PAGES * PAGE);
	CHECK(pool.buf != NULL);
	memset(pool.buf, 0xa5, POOL_PAGES * PAGE);
	pool.used = 0;
	pool.cap = cap;
	uint64_t offset = (uint64_t)(uintptr_t)pool.buf - FAKE_PHYS;
	CHECK_EQ(pt_init(&pt, levels, nx, pool_page, &pool, offset), 0);
	CHECK_EQ(pt.root, FAKE_PHYS);
	CHECK_EQ(pt.levels, levels);
}

/* The table entry at phys + index, read through the pool. */
static uint64_t entry_at(uint64_t table, unsigned index)
{
	CHECK(table >= FAKE_PHYS && table < FAKE_PHYS + POOL_PAGES * PAGE);
	return ((const uint64_t *)(pool.buf + (table - FAKE_PHYS)))[index];
}

static unsigned idx(uint64_t virt, int level)
{
	return (unsigned)(virt >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The leaf's attribute bits, found by walking the tables independently of
 * pt_translate: in a 2 MiB entry bit 12 is the PAT bit, not address.
 */
static uint64_t leaf_flags(uint64_t virt, uint64_t leaf)
{
	uint64_t t = pt.root, e = 0;
	bool large = false;
	for (int level = pt.levels; level >= 1 && !large; level--) {
		e = entry_at(t, idx(virt, level));
		CHECK(e & PTE_P);
		large = level == 2 && (e & PTE_PS);
		t = e & PTE_ADDR;
	}
	CHECK_EQ(e, leaf);
	return (leaf & ~PTE_ADDR) | (large ? leaf & PTE_PATLARGE : 0);
}

/* The leaf's flags must be exactly these (address bits aside). */
static void check_leaf(uint64_t virt, uint64_t phys, uint64_t want_flags)
{
	uint64_t leaf = 0;
	uint64_t got = pt_translate(&pt, virt, &leaf);
	if (got != phys)
		FAIL("%#llx translates to %#llx, expected %#llx",
		     (unsigned long long)virt, (unsigned long long)got,
		     (unsigned long long)phys);
	uint64_t flags = leaf_flags(virt, leaf);
	if (flags != want_flags)
		FAIL("%#llx: leaf flags %#llx, expected %#llx",
		     (unsigned long long)virt, (unsigned long long)flags,
		     (unsigned long long)want_flags);
}

static void check_unmapped(uint64_t virt)
{
	uint64_t leaf = 0x1234;
	uint64_t got = pt_translate(&pt, virt, &leaf);
	if (got != NOT_MAPPED)
		FAIL("%#llx should be unmapped, translates to %#llx",
		     (unsigned long long)virt, (unsigned long long)got);
	CHECK_EQ(leaf, 0x1234);
}

#define P PTE_P
#define W PTE_W
#define NX PTE_NX
#define PS PTE_PS
#define WC4K (PTE_PWT | PTE_PAT4K)
#define WC2M (PTE_PWT | PTE_PATLARGE)

/* ------------------------------------------------------------ basics */

static void init_needs_a_page(void)
{
	struct pool empty = {pool.buf, 0, 0};
	struct pt t;
	CHECK_EQ(pt_init(&t, 4, true, pool_page, &empty, 0), -ENOMEM);
	setup(4, true, 1);
	CHECK_EQ(pool.used, 1);
	for (unsigned i = 0; i < 512; i++)
		CHECK_EQ(entry_at(pt.root, i), 0);
}

static void map_4k(int levels)
{
	setup(levels, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x200000, 3 * PAGE, PT_WRITE | PT_EXEC),
		 0);
	for (uint64_t i = 0; i < 3; i++) {
		check_leaf(KERNEL + i * PAGE, 0x200000 + i * PAGE, P | W);
		check_leaf(KERNEL + i * PAGE + 0x123, 0x200123 + i * PAGE,
			   P | W);
		check_leaf(KERNEL + i * PAGE + 0xfff, 0x200fff + i * PAGE,
			   P | W);
	}
	check_unmapped(KERNEL - PAGE);
	check_unmapped(KERNEL + 3 * PAGE);
	check_unmapped(0);
	check_unmapped(KERNEL & ~(1ULL << 63) & ((1ULL << 47) - 1));
	/* One table per level below the root. */
	CHECK_EQ(pool.used, levels);
}

static void flags_nx(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, 0x400000, 0x800000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, 0x401000, 0x801000, PAGE, PT_WRITE), 0);
	CHECK_EQ(pt_map(&pt, 0x402000, 0x802000, PAGE, PT_EXEC), 0);
	CHECK_EQ(pt_map(&pt, 0x403000, 0x803000, PAGE, PT_WRITE | PT_EXEC), 0);
	check_leaf(0x400000, 0x800000, P | NX);
	check_leaf(0x401000, 0x801000, P | W | NX);
	check_leaf(0x402000, 0x802000, P);
	check_leaf(0x403000, 0x803000, P | W);
}

static void flags_no_nx(void)
{
	setup(5, false, 64);
	CHECK_EQ(pt_map(&pt, 0x400000, 0x800000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, 0x401000, 0x801000, PAGE, PT_WRITE | PT_WC), 0);
	CHECK_EQ(pt_map(&pt, 0x600000, 0xa00000, LARGE, PT_LARGE_OK), 0);
	check_leaf(0x400000, 0x800000, P);
	check_leaf(0x401000, 0x801000, P | W | WC4K);
	check_leaf(0x600000, 0xa00000, P | PS);
}

static void flags_wc(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, HHDM4 + 0xfd000000, 0xfd000000, 2 * PAGE,
			PT_WRITE | PT_WC),
		 0);
	check_leaf(HHDM4 + 0xfd000000, 0xfd000000, P | W | NX | WC4K);
	check_leaf(HHDM4 + 0xfd001abc, 0xfd001abc, P | W | NX | WC4K);
	CHECK_EQ(pt_map(&pt, HHDM4 + 0xfe000000, 0xfe000000, 2 * LARGE,
			PT_WRITE | PT_WC | PT_LARGE_OK),
		 0);
	check_leaf(HHDM4 + 0xfe000000, 0xfe000000, P | W | NX | PS | WC2M);
	/* PAT bit 12 must not leak into the address. */
	check_leaf(HHDM4 + 0xfe201234, 0xfe201234, P | W | NX | PS | WC2M);
	check_leaf(HHDM4 + 0xfe3ff000, 0xfe3ff000, P | W | NX | PS | WC2M);
	uint64_t leaf;
	pt_translate(&pt, HHDM4 + 0xfe000000, &leaf);
	CHECK_EQ(leaf & (PTE_PCD | PTE_PWT), PTE_PWT);
}

static void intermediate_entries_permissive(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x200000, PAGE, 0), 0);
	uint64_t t = pt.root;
	for (int level = 4; level > 1; level--) {
		uint64_t e = entry_at(t, idx(KERNEL, level));
		CHECK_EQ(e & ~PTE_ADDR, P | W);
		t = e & PTE_ADDR;
	}
	CHECK_EQ(entry_at(t, idx(KERNEL, 1)), 0x200000 | P | NX);
}

/* ------------------------------------------------------------ 2 MiB pages */

static void large_only_when_allowed(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x40000000, 2 * LARGE, PT_LARGE_OK), 0);
	check_leaf(KERNEL, 0x40000000, P | NX | PS);
	check_leaf(KERNEL + LARGE + 0x12345, 0x40212345, P | NX | PS);
	CHECK_EQ(pool.used, 3); /* no page tables */

	/* Without PT_LARGE_OK: 4 KiB pages. */
	CHECK_EQ(pt_map(&pt, KERNEL + 4 * LARGE, 0x40000000, LARGE, 0), 0);
	check_leaf(KERNEL + 4 * LARGE, 0x40000000, P | NX);
	check_leaf(KERNEL + 5 * LARGE - PAGE, 0x401ff000, P | NX);
	CHECK_EQ(pool.used, 4);
}

static void large_needs_alignment(void)
{
	setup(4, true, 64);
	/* phys misaligned: 4 KiB pages throughout. */
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x80001000, LARGE, PT_LARGE_OK), 0);
	for (uint64_t off = 0; off < LARGE; off += PAGE)
		check_leaf(0x40000000 + off, 0x80001000 + off, P | NX);
	/* Too short for a large page. */
	CHECK_EQ(pt_map(&pt, 0x40200000, 0x80200000, LARGE - PAGE, PT_LARGE_OK),
		 0);
	check_leaf(0x40200000, 0x80200000, P | NX);
	/* Misaligned start: small pages up to the boundary, then large. */
	CHECK_EQ(pt_map(&pt, 0x405ff000, 0x805ff000, PAGE + 2 * LARGE + PAGE,
			PT_LARGE_OK | PT_WRITE),
		 0);
	check_leaf(0x405ff000, 0x805ff000, P | W | NX);
	check_leaf(0x40600000, 0x80600000, P | W | NX | PS);
	check_leaf(0x40800000, 0x80800000, P | W | NX | PS);
	check_leaf(0x40a00000, 0x80a00000, P | W | NX);
	check_unmapped(0x40a01000);
}

static void split_large(int levels, unsigned flags, uint64_t attrs)
{
	setup(levels, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x40000000, LARGE, flags | PT_LARGE_OK),
		 0);
	check_leaf(KERNEL, 0x40000000,
		   P | PS | attrs | (attrs & WC4K ? PTE_PATLARGE : 0));
	int used = pool.used;
	CHECK_EQ(pt_map(&pt, KERNEL + 5 * PAGE, 0x7777000, PAGE, 0), 0);
	CHECK_EQ(pool.used, used + 1);
	for (uint64_t i = 0; i < 512; i++) {
		if (i == 5)
			check_leaf(KERNEL + i * PAGE + 8, 0x7777008, P | NX);
		else
			check_leaf(KERNEL + i * PAGE + 8, 0x40000008 + i * PAGE,
				   P | attrs);
	}
	/* A second small remap reuses the new table. */
	CHECK_EQ(pt_map(&pt, KERNEL + 511 * PAGE, 0x8888000, PAGE, PT_WRITE),
		 0);
	CHECK_EQ(pool.used, used + 1);
	check_leaf(KERNEL + 511 * PAGE, 0x8888000, P | W | NX);
	check_leaf(KERNEL + 510 * PAGE, 0x401fe000, P | attrs);
}

static void split_needs_a_page(void)
{
	setup(4, true, 3);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x40000000, LARGE, PT_LARGE_OK | PT_EXEC),
		 0);
	CHECK_EQ(pool.used, 3);
	CHECK_EQ(pt_map(&pt, KERNEL + PAGE, 0x7777000, PAGE, 0), -ENOMEM);
	/* The large page is untouched. */
	check_leaf(KERNEL + PAGE, 0x40001000, P | PS);
	check_leaf(KERNEL + LARGE - 1, 0x401fffff, P | PS);
}

static void large_over_small(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x1000000, LARGE, 0), 0);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x40000000, LARGE, PT_LARGE_OK | PT_WRITE),
		 0);
	check_leaf(KERNEL, 0x40000000, P | W | NX | PS);
	check_leaf(KERNEL + 0x1ff000, 0x401ff000, P | W | NX | PS);
}

static void remap_replaces(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, 0x1000, 0x5000, PAGE, PT_WRITE | PT_WC), 0);
	CHECK_EQ(pt_map(&pt, 0x1000, 0x9000, PAGE, PT_EXEC), 0);
	check_leaf(0x1000, 0x9000, P);
	CHECK_EQ(pool.used, 4);
}

/* ------------------------------------------------------------ addresses */

static void canonical_4level(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, 0x0000800000000000, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, 0xffff7ffffffff000, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, 0x00ff800000000000, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, HHDM5, 0, PAGE, 0), -EINVAL);
	/* Runs off the end of the lower half. */
	CHECK_EQ(pt_map(&pt, 0x00007ffffffff000, 0, 2 * PAGE, 0), -EINVAL);
	CHECK_EQ(pool.used, 1);
	CHECK_EQ(pt_map(&pt, 0x00007ffffffff000, 0x5000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, HHDM4, 0x6000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, 0, 0x7000, PAGE, 0), 0);
	check_leaf(0x00007ffffffff000, 0x5000, P | NX);
	check_leaf(HHDM4, 0x6000, P | NX);
	check_leaf(0, 0x7000, P | NX);
	CHECK_EQ(entry_at(pt.root, 256) & P, P);
	CHECK_EQ(entry_at(pt.root, 255) & P, P);
	CHECK_EQ(entry_at(pt.root, 0) & P, P);
}

static void canonical_5level(void)
{
	setup(5, true, 64);
	CHECK_EQ(pt_map(&pt, 0x0100000000000000, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, 0xfeff800000000000, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, 0x00fffffffffff000, 0, 2 * PAGE, 0), -EINVAL);
	CHECK_EQ(pool.used, 1);
	/* Non-canonical under 4 levels, fine under 5. */
	CHECK_EQ(pt_map(&pt, 0x0000800000000000, 0x1000, PAGE, PT_WRITE), 0);
	CHECK_EQ(pt_map(&pt, 0x00fffffffffff000, 0x2000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, HHDM5, 0x3000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, HHDM4, 0x4000, PAGE, 0), 0);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x5000, PAGE, PT_EXEC), 0);
	CHECK_EQ(pt_map(&pt, 0, 0x6000, PAGE, 0), 0);
	check_leaf(0x0000800000000000, 0x1000, P | W | NX);
	check_leaf(0x00fffffffffff000, 0x2000, P | NX);
	check_leaf(HHDM5, 0x3000, P | NX);
	check_leaf(HHDM4, 0x4000, P | NX);
	check_leaf(KERNEL, 0x5000, P);
	check_leaf(0, 0x6000, P | NX);
	check_unmapped(HHDM5 + PAGE);
	CHECK_EQ(entry_at(pt.root, idx(HHDM5, 5)) & P, P);
	CHECK_EQ(idx(HHDM5, 5), 256);
	CHECK_EQ(idx(HHDM4, 5), 511);
}

static void hhdm_5level_large(void)
{
	setup(5, true, 64);
	CHECK_EQ(pt_map(&pt, HHDM5, 0, 8 * LARGE, PT_WRITE | PT_LARGE_OK), 0);
	for (uint64_t a = 0; a < 8 * LARGE; a += 0x1ff001)
		check_leaf(HHDM5 + a, a, P | W | NX | PS);
	CHECK_EQ(pool.used, 4);
	check_unmapped(HHDM5 + 8 * LARGE);
}

static void top_of_address_space(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, 0xfffffffffffff000, 0x3000, 2 * PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, 0xfffffffffffff000, 0x3000, PAGE, 0), 0);
	check_leaf(0xffffffffffffffff, 0x3fff, P | NX);
	CHECK_EQ(pt_map(&pt, 0xffffffffffc00000, 0x40000000, 2 * LARGE - PAGE,
			PT_LARGE_OK),
		 0);
	check_leaf(0xffffffffffc00000, 0x40000000, P | NX | PS);
	check_leaf(0xffffffffffffe000, 0x403fe000, P | NX);
	check_leaf(0xfffffffffffff000, 0x3000, P | NX);
}

static void misaligned(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL + 1, 0, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x800, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, KERNEL, 0, PAGE + 1, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, KERNEL, 0, 0x10, 0), -EINVAL);
	CHECK_EQ(pool.used, 1);
	CHECK_EQ(pt_map(&pt, KERNEL, 0, 0, 0), 0);
	CHECK_EQ(pool.used, 1);
	check_unmapped(KERNEL);
}

static void phys_limits(void)
{
	setup(4, true, 64);
	CHECK_EQ(pt_map(&pt, KERNEL, 1ULL << 52, PAGE, 0), -EINVAL);
	CHECK_EQ(pt_map(&pt, KERNEL, (1ULL << 52) - PAGE, 2 * PAGE, 0),
		 -EINVAL);
	CHECK_EQ(pt_map(&pt, KERNEL, 0xfffffffffffff000, PAGE, 0), -EINVAL);
	/* phys + size wraps past 2^64 back below 2^52. */
	CHECK_EQ(pt_map(&pt, 0, 0xfffffffffffff000, 2 * PAGE, 0), -EINVAL);
	CHECK_EQ(pool.used, 1);
	CHECK_EQ(pt_map(&pt, KERNEL, (1ULL << 52) - PAGE, PAGE, PT_EXEC), 0);
	check_leaf(KERNEL + 0xabc, (1ULL << 52) - PAGE + 0xabc, P);
}

/* ------------------------------------------------------------ -ENOMEM */

static void out_of_pages(int levels)
{
	for (int cap = 1; cap < levels; cap++) {
		setup(levels, true, cap);
		CHECK_EQ(pt_map(&pt, KERNEL, 0x200000, PAGE, 0), -ENOMEM);
		check_unmapped(KERNEL);
	}
	setup(levels, true, levels);
	CHECK_EQ(pt_map(&pt, KERNEL, 0x200000, PAGE, 0), 0);
	check_leaf(KERNEL, 0x200000, P | NX);
	/* The next 2 MiB region needs one more table; a large page none. */
	CHECK_EQ(pt_map(&pt, KERNEL + LARGE, 0x400000, PAGE, 0), -ENOMEM);
	CHECK_EQ(pt_map(&pt, KERNEL + LARGE, 0x400000, LARGE, PT_LARGE_OK), 0);
	check_leaf(KERNEL + LARGE, 0x400000, P | NX | PS);
	/* Mapping stops at the first failure; what was mapped stays. */
	setup(levels, true, levels);
	CHECK_EQ(pt_map(&pt, KERNEL + LARGE - PAGE, 0x800000, 3 * PAGE, 0),
		 -ENOMEM);
	check_leaf(KERNEL + LARGE - PAGE, 0x800000, P | NX);
	check_unmapped(KERNEL + LARGE);
	check_unmapped(KERNEL + LARGE + PAGE);
}

/* ------------------------------------------------------------ randomized */

/*
 * The model: a window of WPAGES pages at virtual base vbase, each page with
 * the phys it maps to, its flags and whether a 2 MiB page covers it. Random
 * pt_map calls (random start, length, phys, flags) update the model the way
 * the header describes; after each, every page of the window is checked.
 */
#define WPAGES 4096 /* 16 MiB */

struct page_model {
	uint64_t phys; /* NOT_MAPPED if not mapped */
	uint64_t flags;
	bool large; /* bit 7 is PS, not PAT, in flags */
};

static uint64_t expect_flags(bool nx, unsigned flags, bool large)
{
	uint64_t v = P;
	if (flags & PT_WRITE)
		v |= W;
	if (!(flags & PT_EXEC) && nx)
		v |= NX;
	if (flags & PT_WC)
		v |= large ? WC2M : WC4K;
	return large ? v | PS : v;
}

static int splits, larges; /* how often the random test did each */

/* The 512 pages of a 2 MiB page after a split: 4 KiB leaves. */
static void split_model(struct page_model *region)
{
	splits++;
	for (int j = 0; j < 512; j++) {
		uint64_t f = region[j].flags & ~PS;
		if (f & PTE_PATLARGE)
			f = (f & ~PTE_PATLARGE) | PTE_PAT4K;
		region[j].flags = f;
		region[j].large = false;
	}
}

static void random_maps(int levels, bool nx, uint64_t vbase, uint64_t seed)
{
	static struct page_model model[WPAGES];
	setup(levels, nx, POOL_PAGES);
	test_rng = seed;
	splits = larges = 0;
	for (int i = 0; i < WPAGES; i++)
		model[i] = (struct page_model){NOT_MAPPED, 0, false};
	for (int op = 0; op < 300; op++) {
		uint64_t first = test_below(WPAGES), count;
		if (test_below(2)) /* 2 MiB-friendly: aligned start */
			first &= ~511ULL;
		count = 1 + test_below(test_below(3) ? 8 : 1200);
		count = MIN(count, WPAGES - first);
		uint64_t phys = test_below(1ULL << 20) * PAGE;
		if (test_below(4)) /* same offset within 2 MiB as virt */
			phys = (phys & ~(LARGE - 1)) | (first * PAGE % LARGE);
		unsigned flags = (unsigned)test_below(16) |
				 (test_below(3) ? PT_LARGE_OK : 0);
		uint64_t virt = vbase + first * PAGE;
		CHECK_EQ(pt_map(&pt, virt, phys, count * PAGE, flags), 0);
		/* A 4 KiB page inside a 2 MiB one splits it (see split_large). */
		for (uint64_t k = 0; k < count; k++)
			if (model[first + k].large)
				split_model(&model[(first + k) & ~511ULL]);
		/* The header's rule for choosing the page size. */
		for (uint64_t k = 0; k < count;) {
			uint64_t v = virt + k * PAGE, p = phys + k * PAGE;
			bool large = (flags & PT_LARGE_OK) &&
				     count - k >= 512 &&
				     !((v | p) & (LARGE - 1));
			uint64_t n = large ? 512 : 1;
			larges += large;
			for (uint64_t j = 0; j < n; j++) {
				model[first + k + j].phys = p + j * PAGE;
				model[first + k + j].flags =
					expect_flags(nx, flags, large);
				model[first + k + j].large = large;
			}
			k += n;
		}
		for (int i = 0; i < WPAGES; i++) {
			uint64_t v = vbase + (uint64_t)i * PAGE +
				     (uint64_t)(i * 8) % PAGE;
			if (model[i].phys == NOT_MAPPED) {
				check_unmapped(v);
				continue;
			}
			uint64_t leaf;
			uint64_t got = pt_translate(&pt, v, &leaf);
			uint64_t f = leaf_flags(v, leaf);
			if (got != model[i].phys + v % PAGE ||
			    f != model[i].flags)
				FAIL("op %d: page %d: %#llx/%#llx, expected "
				     "%#llx/%#llx",
				     op, i, (unsigned long long)got,
				     (unsigned long long)f,
				     (unsigned long long)(model[i].phys +
							  v % PAGE),
				     (unsigned long long)model[i].flags);
		}
	}
	CHECK(splits > 10 && larges > 10);
}

int main(void)
{
	RUN(init_needs_a_page(), "init: root page, -ENOMEM without one");
	RUN(map_4k(4), "4-level: 4 KiB pages translate");
	RUN(map_4k(5), "5-level: 4 KiB pages translate");
	RUN(flags_nx(), "flags: W and NX with nx=true");
	RUN(flags_no_nx(), "flags: never NX with nx=false");
	RUN(flags_wc(), "flags: WC = PWT + PAT bit 7 (4 KiB) / 12 (2 MiB)");
	RUN(intermediate_entries_permissive(), "intermediate entries P|W only");
	RUN(large_only_when_allowed(), "2 MiB pages only with PT_LARGE_OK");
	RUN(large_needs_alignment(), "2 MiB pages only when aligned");
	RUN(split_large(4, PT_WRITE | PT_EXEC, W),
	    "split 2 MiB (4-level): 511 pages keep translation and W");
	RUN(split_large(5, PT_WRITE, W | NX),
	    "split 2 MiB (5-level): 511 pages keep W and NX");
	RUN(split_large(4, PT_WC | PT_WRITE, W | NX | WC4K),
	    "split 2 MiB WC: PAT bit moves from 12 to 7");
	RUN(split_needs_a_page(), "split without a page: -ENOMEM, page kept");
	RUN(large_over_small(), "2 MiB page replaces a page table");
	RUN(remap_replaces(), "remapping replaces the entry");
	RUN(canonical_4level(), "4-level: canonical checks, both halves");
	RUN(canonical_5level(), "5-level: canonical checks, HHDM 0xff00...");
	RUN(hhdm_5level_large(), "5-level: 2 MiB HHDM pages");
	RUN(top_of_address_space(), "last page of the address space");
	RUN(misaligned(), "misaligned arguments -EINVAL, size 0 no-op");
	RUN(phys_limits(), "physical addresses limited to 52 bits");
	RUN(out_of_pages(4), "4-level: -ENOMEM when out of pages");
	RUN(out_of_pages(5), "5-level: -ENOMEM when out of pages");
	RUN(random_maps(4, true, KERNEL - 8 * LARGE, 0x9a9e0001),
	    "random: 300 maps vs the model (4-level, kernel half)");
	RUN(random_maps(4, false, 0x800000000000 - WPAGES * PAGE, 0x9a9e0002),
	    "random: 300 maps vs the model (4-level, top of lower half)");
	RUN(random_maps(5, true, HHDM5 + 0x3fe00000, 0x9a9e0003),
	    "random: 300 maps vs the model (5-level HHDM)");
	RUN(random_maps(5, true, HHDM4 - 4 * LARGE, 0x9a9e0004),
	    "random: 300 maps vs the model (5-level, across PML4 entries)");
	free(pool.buf);
	TEST_EXIT();
}
