/*
 * The W^X check: read the page tables CR3 points to (through the HHDM) and
 * confirm that no kernel page is both writable and executable. Two passes:
 *
 *  - the kernel image, page by page, against its segments: text must not
 *    be writable, rodata neither writable nor executable, data and bss
 *    not executable, and none of it reachable from user mode;
 *  - every mapping in the higher half, for W+X anywhere (HHDM, heap,
 *    stacks, ...). The lower half is counted, not judged, at boot:
 *    security_init runs on the loader's tables, whose identity map is RWX
 *    by the protocol's design. The tests run later, on memory
 *    management's tables, and judge it too (security.wx_lower_half).
 *
 * Effective rights combine every level: writable only if RW is set at all
 * of them, executable only if none sets NX (when EFER.NXE is on).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/security.h>

#include "cpu/cpu.h"
#include "security/security_priv.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define MAX_REPORTS 8 /* log lines per check; the count is always exact */

struct prot {
	bool write, exec, user;
};

struct wx_walk {
	int violations;
	uint64_t lower_wx_bytes;
};

static const volatile uint64_t *table_at(uint64_t phys)
{
	return (const volatile uint64_t *)(uintptr_t)(phys +
						      boot_info->hhdm_offset);
}

/* Narrow the rights so far by one entry's bits. */
static void apply_entry(struct prot *p, uint64_t pte)
{
	p->write = p->write && (pte & PTE_W);
	p->user = p->user && (pte & PTE_U);
	if (security_features->nx && (pte & PTE_NX))
		p->exec = false;
}

static bool is_leaf(unsigned int level, uint64_t pte)
{
	return level == 1 || ((level == 2 || level == 3) && (pte & PTE_PS));
}

/* The effective rights at va: 0, or -EFAULT if va is not mapped. */
static int prot_at(uintptr_t va, struct prot *p)
{
	uint64_t table = read_cr3() & PTE_ADDR;

	*p = (struct prot){.write = true, .exec = true, .user = true};
	for (unsigned int level = arch_paging_levels(); level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t pte = table_at(table)[(va >> shift) & 511];

		if (!(pte & PTE_P))
			return -EFAULT;
		apply_entry(p, pte);
		if (is_leaf(level, pte))
			return 0;
		table = pte & PTE_ADDR;
	}
	return -EFAULT; /* not reached: level 1 is always a leaf */
}

/* Log the first few problems of a check; count them all. */
static void report(int *count, uintptr_t va, const char *where,
		   const char *problem)
{
	if (++*count <= MAX_REPORTS)
		klog(KLOG_ERR, "security: W^X: %p (%s) is %s\n", (void *)va,
		     where, problem);
}

/* One segment of the image: may it be written, executed? */
static int check_segment(const char *where, const char *start, const char *end,
			 bool may_write, bool may_exec)
{
	int bad = 0;

	for (uintptr_t va = ALIGN_DOWN((uintptr_t)start, PAGE_SIZE);
	     va < (uintptr_t)end; va += PAGE_SIZE) {
		struct prot p;

		if (prot_at(va, &p) != 0)
			report(&bad, va, where, "not mapped");
		else if (p.write && !may_write)
			report(&bad, va, where, "writable");
		else if (p.exec && !may_exec)
			report(&bad, va, where, "executable");
		else if (p.user)
			report(&bad, va, where, "user-accessible");
	}
	return bad;
}

static int check_kernel_image(void)
{
	return check_segment("kernel text", __text_start, __text_end, false,
			     true) +
	       check_segment("kernel rodata", __rodata_start, __rodata_end,
			     false, false) +
	       check_segment("kernel data/bss", __data_start, __kernel_end,
			     true, false);
}

/* Sign-extend an address built from top-level index bits. */
static uintptr_t canonical(uintptr_t va, unsigned int top_shift)
{
	unsigned int bits = top_shift + 9;

	if (va & (1ULL << (bits - 1)))
		va |= ~((1ULL << bits) - 1);
	return va;
}

/*
 * Visit the entries of one table that could still lead to a W+X page:
 * a subtree whose path already lacks W or has NX is skipped whole, which
 * keeps the walk to a few thousand entries.
 */
static void walk_table(struct wx_walk *w, uint64_t table, unsigned int level,
		       uintptr_t base, struct prot prot)
{
	unsigned int shift = 12 + 9 * (level - 1);
	bool top = level == arch_paging_levels();

	for (unsigned int i = 0; i < 512; i++) {
		uint64_t pte = table_at(table)[i];
		uintptr_t va = base + ((uintptr_t)i << shift);
		struct prot p = prot;

		if (!(pte & PTE_P))
			continue;
		if (top)
			va = canonical(va, shift);
		apply_entry(&p, pte);
		if (!p.write || !p.exec)
			continue;
		if (!is_leaf(level, pte))
			walk_table(w, pte & PTE_ADDR, level - 1, va, p);
		else if (va >> 63)
			report(&w->violations, va, "higher half", "W+X");
		else
			w->lower_wx_bytes += 1ULL << shift;
	}
}

static struct wx_walk walk_all(void)
{
	struct wx_walk w = {0};
	struct prot all = {.write = true, .exec = true, .user = true};

	walk_table(&w, read_cr3() & PTE_ADDR, arch_paging_levels(), 0, all);
	return w;
}

int security_wx_check(void)
{
	return check_kernel_image() + walk_all().violations;
}

uint64_t security_wx_lower_half_bytes(void)
{
	return walk_all().lower_wx_bytes;
}

static const int rodata_probe = 42;
static int data_probe;

/*
 * The walker must see the rights that are there, or a check that finds
 * nothing proves nothing: probe one page of each kind.
 */
KTEST(security, wx_walker_sees_rights)
{
	struct prot p;

	KT_ASSERT_EQ(prot_at((uintptr_t)&security_wx_check, &p), 0);
	KT_ASSERT(p.exec && !p.write && !p.user);
	KT_ASSERT_EQ(prot_at((uintptr_t)&rodata_probe, &p), 0);
	KT_ASSERT(!p.exec && !p.write && !p.user);
	KT_ASSERT_EQ(prot_at((uintptr_t)&data_probe, &p), 0);
	KT_ASSERT(!p.exec && p.write && !p.user);
	KT_ASSERT_EQ(prot_at((uintptr_t)boot_phys_to_virt(0x100000), &p), 0);
	KT_ASSERT(!p.exec && p.write);
	KT_ASSERT_EQ(prot_at(0x0000765432100000ULL, &p), -EFAULT);
}

KTEST(security, wx_kernel_image)
{
	KT_ASSERT_EQ(check_kernel_image(), 0);
}

KTEST(security, wx_higher_half)
{
	KT_ASSERT_EQ(walk_all().violations, 0);
}

/*
 * Tests run on memory management's kernel page tables, which have no
 * lower half at all: by then not even the identity map may be W+X.
 */
KTEST(security, wx_lower_half)
{
	KT_ASSERT_EQ(walk_all().lower_wx_bytes, 0);
}

KTEST(security, canonical)
{
	KT_ASSERT_EQ(canonical(256ULL << 39, 39), 0xffff800000000000ULL);
	KT_ASSERT_EQ(canonical(255ULL << 39, 39), 0x00007f8000000000ULL);
	KT_ASSERT_EQ(canonical(256ULL << 48, 48), 0xff00000000000000ULL);
}
