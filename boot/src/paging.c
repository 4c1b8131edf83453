/*
 * x86_64 page-table construction for the kernel handoff (see paging.h).
 * A table entry at each level is 9 bits of the virtual address; 4-level
 * paging walks from bit 39, 5-level from bit 48.
 */
#include "paging.h"

#define PAGE 4096ULL
#define LARGE (2ULL << 20)

static uint64_t *table(const struct pt *pt, uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys + pt->virt_offset);
}

static unsigned index_at(uint64_t virt, int level)
{
	return (unsigned)(virt >> (12 + 9 * (level - 1))) & 511;
}

int pt_init(struct pt *pt, int levels, bool nx, uint64_t (*alloc_page)(void *),
	    void *ctx, uint64_t virt_offset)
{
	pt->levels = levels;
	pt->nx = nx;
	pt->alloc_page = alloc_page;
	pt->ctx = ctx;
	pt->virt_offset = virt_offset;
	pt->root = alloc_page(ctx);
	return pt->root ? 0 : -ENOMEM;
}

static bool canonical(const struct pt *pt, uint64_t virt)
{
	int bits = pt->levels == 5 ? 57 : 48;
	int64_t s = (int64_t)(virt << (64 - bits)) >> (64 - bits);
	return (uint64_t)s == virt;
}

/* Fill a new page table with the 4 KiB pieces of the 2 MiB page `large`. */
static void split_large(const struct pt *pt, uint64_t *t, uint64_t large)
{
	uint64_t attrs = large & ~PTE_ADDR & ~PTE_PS & ~PTE_PATLARGE;
	if (large & PTE_PATLARGE)
		attrs |= PTE_PAT4K;
	uint64_t base = large & PTE_ADDR & ~(LARGE - 1);
	for (unsigned i = 0; i < 512; i++)
		t[i] = (base + i * PAGE) | attrs;
}

/* The next-level table below entry e, made (or split off a 2 MiB page). */
static uint64_t *next_table(struct pt *pt, uint64_t *e)
{
	if (!(*e & PTE_P) || (*e & PTE_PS)) {
		uint64_t page = pt->alloc_page(pt->ctx);
		if (!page)
			return NULL;
		if (*e & PTE_PS)
			split_large(pt, table(pt, page), *e);
		/* Intermediate entries are permissive; leaves restrict. */
		*e = page | PTE_P | PTE_W;
	}
	return table(pt, *e & PTE_ADDR);
}

static uint64_t leaf_bits(const struct pt *pt, unsigned flags, bool large)
{
	uint64_t v = PTE_P;
	if (flags & PT_WRITE)
		v |= PTE_W;
	if (!(flags & PT_EXEC) && pt->nx)
		v |= PTE_NX;
	if (flags & PT_WC) /* PAT index 5 = PAT bit + PWT */
		v |= PTE_PWT | (large ? PTE_PATLARGE : PTE_PAT4K);
	if (large)
		v |= PTE_PS;
	return v;
}

static int map_one(struct pt *pt, uint64_t virt, uint64_t phys, bool large,
		   unsigned flags)
{
	uint64_t *t = table(pt, pt->root);
	int stop = large ? 2 : 1;
	for (int level = pt->levels; level > stop; level--) {
		t = next_table(pt, &t[index_at(virt, level)]);
		if (!t)
			return -ENOMEM;
	}
	t[index_at(virt, stop)] = phys | leaf_bits(pt, flags, large);
	return 0;
}

int pt_map(struct pt *pt, uint64_t virt, uint64_t phys, uint64_t size,
	   unsigned flags)
{
	if ((virt | phys | size) & (PAGE - 1))
		return -EINVAL;
	if (size == 0)
		return 0;
	if (!canonical(pt, virt) || !canonical(pt, virt + size - 1) ||
	    virt + size - 1 < virt || phys + size - 1 < phys ||
	    (phys + size - 1) >> 52)
		return -EINVAL;
	while (size) {
		bool large = (flags & PT_LARGE_OK) && size >= LARGE &&
			     !((virt | phys) & (LARGE - 1));
		uint64_t step = large ? LARGE : PAGE;
		int err = map_one(pt, virt, phys, large, flags);
		if (err)
			return err;
		virt += step;
		phys += step;
		size -= step;
	}
	return 0;
}

uint64_t pt_translate(const struct pt *pt, uint64_t virt, uint64_t *leaf)
{
	const uint64_t *t = table(pt, pt->root);
	for (int level = pt->levels; level >= 1; level--) {
		uint64_t e = t[index_at(virt, level)];
		if (!(e & PTE_P))
			return (uint64_t)-1;
		if (level == 1 || (level == 2 && (e & PTE_PS))) {
			uint64_t span = level == 1 ? PAGE : LARGE;
			if (leaf)
				*leaf = e;
			return (e & PTE_ADDR & ~(span - 1)) |
			       (virt & (span - 1));
		}
		t = table(pt, e & PTE_ADDR);
	}
	return (uint64_t)-1;
}
