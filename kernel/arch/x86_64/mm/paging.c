/*
 * x86_64 page tables behind <kernel/vm.h>: map, unmap, protect and
 * translate in any address space, with 4- or 5-level paging (the depth is
 * read from CR4.LA57 once, at arch_kernel_space_init). Level 1 is the page
 * table (4 KiB pages), 2 the page directory (2 MiB pages), 3 the PDPT
 * (1 GiB pages), 4 the PML4, 5 the PML5; each level resolves 9 bits.
 *
 * Tables are pages from the page allocator, reached through the direct
 * map. Intermediate entries are permissive (present, writable, user in
 * the lower half); the leaf decides. Tables emptied by vm_unmap stay
 * until their space is destroyed: they are cheap and likely reused.
 *
 * TLB: a change to a space that is loaded (the kernel half is in every
 * space) is followed by invlpg per page, or one full flush beyond
 * FLUSH_ALL_PAGES pages, on every CPU for the kernel half (tlb_shootdown
 * once others run). New mappings need none: the TLB holds no not-present
 * entries.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/mmu.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/smp.h>
#include <kernel/vm.h>

#include "mm/paging_priv.h"

#define FLUSH_ALL_PAGES 32

static bool kernel_half(uintptr_t va)
{
	return va >> 63;
}

static bool canonical(uintptr_t va)
{
	unsigned int shift = pt_levels == 5 ? 7 : 16;

	return (uintptr_t)((intptr_t)(va << shift) >> shift) == va;
}

/* A leaf entry's bits (without the address) for prot at level. */
static uint64_t leaf_bits(unsigned int prot, unsigned int level, uintptr_t va)
{
	uint64_t e = PTE_PRESENT;

	if (prot & VM_WRITE)
		e |= PTE_WRITE;
	if (prot & VM_USER)
		e |= PTE_USER;
	if (!(prot & VM_EXEC) && arch_mmu_has_nx())
		e |= PTE_NX;
	if (kernel_half(va))
		e |= PTE_GLOBAL;
	if (prot & VM_WC) /* PAT entry 5: PAT bit + PWT */
		e |= PTE_PWT | (level > 1 ? PTE_PAT_HUGE : PTE_PAT_4K);
	else if (prot & VM_UC) /* PAT entry 3: PCD + PWT */
		e |= PTE_PWT | PTE_PCD;
	if (level > 1)
		e |= PTE_HUGE;
	return e;
}

static unsigned int entry_prot(uint64_t e, unsigned int level)
{
	bool pat = e & (level > 1 ? PTE_PAT_HUGE : PTE_PAT_4K);
	unsigned int prot = 0;

	if (e & PTE_WRITE)
		prot |= VM_WRITE;
	if (e & PTE_USER)
		prot |= VM_USER;
	if (!(e & PTE_NX))
		prot |= VM_EXEC;
	if (pat && (e & PTE_PWT) && !(e & PTE_PCD))
		prot |= VM_WC;
	else if (!pat && (e & PTE_PWT) && (e & PTE_PCD))
		prot |= VM_UC;
	if (level == 1)
		prot |= VM_SMALL;
	return prot;
}

/* The physical address in a leaf entry at level. */
static uint64_t leaf_phys(uint64_t e, unsigned int level)
{
	return e & PTE_ADDR & ~(pt_span(level) - 1);
}

/* Replace the large page in *e (at level 2 or 3) by a pt_table of pieces. */
static int split(struct vm_space *s, uint64_t *e, unsigned int level)
{
	uint64_t old = *e, base = leaf_phys(old, level);
	uint64_t attrs = old & ~PTE_ADDR, phys;
	uint64_t *t;

	if (old & PTE_PAT_HUGE) /* the PAT bit moves for 4 KiB pages */
		attrs |= level == 2 ? PTE_PAT_4K : PTE_PAT_HUGE;
	if (level == 2)
		attrs &= ~PTE_HUGE;  /* bit 7 is now PAT, set above if needed */
	phys = pt_alloc_table(s, e); /* zeroed: it is filled whole next */
	if (!phys)
		return -ENOMEM;
	t = pt_table(phys);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + i * pt_span(level - 1)) | attrs;
	*e = phys | PTE_PRESENT | PTE_WRITE | (old & PTE_USER);
	__atomic_add_fetch(&s->leaves, PT_ENTRIES - 1, __ATOMIC_RELAXED);
	return 0;
}

/* The entry at target level for va, making missing tables above it. */
static int walk_create(struct vm_space *s, uintptr_t va, unsigned int target,
		       uint64_t **out)
{
	uint64_t *t = pt_table(s->root);
	bool user = !kernel_half(va);

	for (unsigned int l = pt_levels; l > target; l--) {
		uint64_t *e = &t[pt_slot(va, l)];

		if (!(*e & PTE_PRESENT)) {
			int err;

			if (l == pt_levels && !user && pt_kernel_top_sealed)
				return -EINVAL; /* would miss in user spaces */
			err = pt_new_table(s, e, user);
			if (err)
				return err;
		} else if (*e & PTE_HUGE) {
			return -EEXIST;
		}
		t = pt_table(*e);
	}
	*out = &t[pt_slot(va, target)];
	return 0;
}

/* The entry mapping va and its level; NULL with the level of the hole. */
static uint64_t *find_leaf(const struct vm_space *s, uintptr_t va,
			   unsigned int *level)
{
	uint64_t *t = pt_table(s->root);

	for (unsigned int l = pt_levels;; l--) {
		uint64_t *e = &t[pt_slot(va, l)];

		*level = l;
		if (!(*e & PTE_PRESENT))
			return NULL;
		if (l == 1 || (*e & PTE_HUGE))
			return e;
		t = pt_table(*e);
	}
}

static int check_range(const struct vm_space *s, uintptr_t va, size_t size,
		       unsigned int prot)
{
	uintptr_t last = va + size - 1;

	if (!size || !IS_ALIGNED(va | size, PAGE_SIZE) || last < va)
		return -EINVAL;
	if (!canonical(va) || !canonical(last) ||
	    kernel_half(va) != kernel_half(last))
		return -EINVAL;
	if ((s == &kernel_space) != kernel_half(va))
		return -EINVAL;
	return (prot & VM_USER) && kernel_half(va) ? -EINVAL : 0;
}

/* The largest page size that fits at va/pa with left bytes to go. */
static unsigned int pick_level(uintptr_t va, uint64_t pa, uint64_t left,
			       unsigned int prot)
{
	if (prot & VM_SMALL)
		return 1;
	for (unsigned int l = arch_mmu_has_gbpages() ? 3 : 2; l > 1; l--) {
		if (IS_ALIGNED(va | pa, pt_span(l)) && left >= pt_span(l))
			return l;
	}
	return 1;
}

/* A free entry for a page at va, as large as level if possible. */
static int map_slot(struct vm_space *s, uintptr_t va, unsigned int *level,
		    uint64_t **e)
{
	for (;;) {
		int err = walk_create(s, va, *level, e);

		if (err)
			return err;
		if (!(**e & PTE_PRESENT))
			return 0;
		if (*level == 1 || (**e & PTE_HUGE))
			return -EEXIST;
		--*level; /* a pt_table is there already: map inside it */
	}
}

/* vm_map under s->lock; returns how much it mapped in *done. */
static int map_locked(struct vm_space *s, uintptr_t va, uint64_t pa,
		      size_t size, unsigned int prot, uint64_t *done)
{
	for (*done = 0; *done < size;) {
		unsigned int l =
			pick_level(va + *done, pa + *done, size - *done, prot);
		uint64_t *e;
		int err = map_slot(s, va + *done, &l, &e);

		if (err)
			return err;
		*e = (pa + *done) | leaf_bits(prot, l, va);
		__atomic_add_fetch(&s->leaves, 1, __ATOMIC_RELAXED);
		*done += pt_span(l);
	}
	return 0;
}

/* Whether a change to s must reach the TLB now. */
static bool loaded(const struct vm_space *s)
{
	return s == &kernel_space || s == vm_space_current();
}

/*
 * After changing [va, va + size) of s: the kernel half is in every CPU's
 * TLB, so with other CPUs online they all flush it (tlb_shootdown, this
 * one included); a user half is flushed on every CPU it is loaded on now
 * (s->cpus; a CPU that loads it later reloads CR3, which flushes);
 * otherwise this CPU does, page by page unless large. Never with s->lock
 * held: a CPU spinning on it with interrupts off could not answer the
 * shootdown's IPI.
 */
static void flush_range(const struct vm_space *s, uintptr_t va, size_t size)
{
	uint64_t others;

	if (!size)
		return;
	if (kernel_half(va) && smp_cpu_count() > 1) {
		tlb_shootdown(va, size);
		return;
	}
	others = __atomic_load_n(&s->cpus, __ATOMIC_ACQUIRE);
	if (percpu_ready())
		others &= ~(1ULL << cpu_id());
	if (!kernel_half(va) && others)
		tlb_shootdown_cpus(others, va, size);
	if (!loaded(s))
		return;
	if (size / PAGE_SIZE > FLUSH_ALL_PAGES)
		arch_flush_tlb_all();
	else
		for (uintptr_t a = va; a < va + size; a += PAGE_SIZE)
			arch_invlpg(a);
}

/*
 * A walk over the leaves mapped in [start, last] (last inclusive: a range
 * may end at the top of the address space), table by table: a table's
 * slots are looked at in a row, not each from the root, and holes are
 * skipped a whole entry of the level they are at. A large page across an
 * edge of the range is split first (unless look_only: leaf then gets it
 * whole). leaf may change the entry; an error stops the walk with stop
 * at the first address not done.
 */
struct range_walk {
	struct vm_space *s;
	uintptr_t start, last, stop;
	int (*leaf)(struct range_walk *w, uint64_t *e, unsigned int l,
		    uintptr_t va);
	uint64_t cleared;  /* leaves unmapped so far */
	bool look_only;	   /* no splits: nothing changes */
	unsigned int prot; /* change: the new protection */
	bool keep;	   /* change: re-protect (else unmap) */
	void (*put)(uint64_t phys, void *arg);
	void (*visit)(uintptr_t va, uint64_t phys, unsigned int prot,
		      void *arg);
	void *arg;
};

/* va, as the CPU sees it: bits above the top level's copied from its top. */
static uintptr_t canonical_va(uintptr_t va)
{
	unsigned int shift = pt_levels == 5 ? 7 : 16;

	return (uintptr_t)((intptr_t)(va << shift) >> shift);
}

static int walk_table(struct range_walk *w, uint64_t *t, unsigned int l,
		      uintptr_t base)
{
	unsigned int i = base < w->start ? pt_slot(w->start, l) : 0;

	for (; i < PT_ENTRIES; i++) {
		uintptr_t va = base + i * pt_span(l);
		uint64_t *e = &t[i];
		int err;

		if (l == pt_levels)
			va = canonical_va(va);
		if (va > w->last)
			break;
		if (!(*e & PTE_PRESENT))
			continue;
		if (l > 1 && (*e & PTE_HUGE) && !w->look_only &&
		    (va < w->start || w->last - va < pt_span(l) - 1)) {
			err = split(w->s, e, l); /* a part of a large page */
			if (err) {
				w->stop = MAX(va, w->start);
				return err;
			}
		}
		if (l > 1 && !(*e & PTE_HUGE))
			err = walk_table(w, pt_table(*e), l - 1, va);
		else
			err = w->leaf(w, e, l, va);
		if (err)
			return err;
	}
	return 0;
}

/* The walk itself: a single page (copy-on-write, munmap of a page) is
 * looked up directly. */
static int walk_leaves(struct range_walk *w, uintptr_t va, size_t size)
{
	if (size == PAGE_SIZE) {
		unsigned int l;
		uint64_t *e = find_leaf(w->s, va, &l);

		if (!e)
			return 0;
		if (l == 1)
			return w->leaf(w, e, 1, va);
	}
	return walk_table(w, pt_table(w->s->root), pt_levels, 0);
}

/* Walk [va, va + size) of s (checked), under s->lock; the leaves it
 * unmapped leave the space's count. */
static int walk_range(struct range_walk *w, uintptr_t va, size_t size)
{
	int err;

	w->start = va;
	w->last = va + size - 1;
	w->stop = va + size;
	err = walk_leaves(w, va, size);
	if (w->cleared)
		__atomic_sub_fetch(&w->s->leaves, w->cleared, __ATOMIC_RELAXED);
	return err;
}

static int change_leaf(struct range_walk *w, uint64_t *e, unsigned int l,
		       uintptr_t va)
{
	*e = w->keep ? leaf_phys(*e, l) | (*e & (PTE_ACCESSED | PTE_DIRTY)) |
			       leaf_bits(w->prot, l, va)
		     : 0;
	w->cleared += !w->keep;
	return 0;
}

/*
 * Unmap (keep false) or re-protect (keep true) what is mapped in range,
 * under s->lock; returns how far it got in *done.
 */
static int change_locked(struct vm_space *s, uintptr_t va, size_t size,
			 unsigned int prot, bool keep, uint64_t *done)
{
	struct range_walk w = {
		.s = s, .leaf = change_leaf, .prot = prot, .keep = keep};
	int err = walk_range(&w, va, size);

	*done = w.stop - va;
	return err;
}

static int collect_leaf(struct range_walk *w, uint64_t *e, unsigned int l,
			uintptr_t va)
{
	uint64_t phys = leaf_phys(*e, l);

	*e = 0;
	w->cleared++;
	for (uint64_t o = 0; o < pt_span(l); o += PAGE_SIZE)
		w->put(phys + o, w->arg);
	return 0;
}

/*
 * vm_unmap_collect under s->lock: clear every present leaf in range,
 * telling put about each 4 KiB page it mapped.
 */
static int collect_locked(struct vm_space *s, uintptr_t va, size_t size,
			  void (*put)(uint64_t phys, void *arg), void *arg,
			  uint64_t *done)
{
	struct range_walk w = {
		.s = s, .leaf = collect_leaf, .put = put, .arg = arg};
	int err = walk_range(&w, va, size);

	*done = w.stop - va;
	return err;
}

bool vm_space_retire(struct vm_space *s)
{
	if (s == &kernel_space || loaded(s) ||
	    __atomic_load_n(&s->cpus, __ATOMIC_ACQUIRE))
		return false;
	s->dead = true;
	return true;
}

int vm_unmap_collect(struct vm_space *s, uintptr_t va, size_t size,
		     void (*put)(uint64_t phys, void *arg), void *arg)
{
	bool dead = s->dead; /* its regions' ranges: valid */
	int err = dead ? 0 : check_range(s, va, size, 0);
	unsigned long flags;
	uint64_t done;

	if (err)
		return err;
	/* Locked even dead: a truncate may zap a file region meanwhile. */
	flags = spin_lock_irqsave(&s->lock);
	err = collect_locked(s, va, size, put, arg, &done);
	spin_unlock_irqrestore(&s->lock, flags);
	if (!dead) /* (no CPU has a dead space loaded: no TLB to flush) */
		flush_range(s, va, done);
	return err;
}

/* vm_walk's leaves: each 4 KiB page of the range, in order. */
static int visit_leaf(struct range_walk *w, uint64_t *e, unsigned int l,
		      uintptr_t va)
{
	uintptr_t from = MAX(va, w->start),
		  to = MIN(va + (pt_span(l) - 1), w->last);

	for (uintptr_t a = from;; a += PAGE_SIZE) {
		w->visit(a, leaf_phys(*e, l) + (a - va), entry_prot(*e, l),
			 w->arg);
		if (to - a < PAGE_SIZE)
			break;
	}
	return 0;
}

int vm_walk(struct vm_space *s, uintptr_t va, size_t size,
	    void (*fn)(uintptr_t va, uint64_t phys, unsigned int prot,
		       void *arg),
	    void *arg)
{
	struct range_walk w = {.s = s,
			       .leaf = visit_leaf,
			       .look_only = true,
			       .visit = fn,
			       .arg = arg};
	int err = check_range(s, va, size, 0);
	unsigned long flags;

	if (err)
		return err;
	flags = spin_lock_irqsave(&s->lock);
	walk_range(&w, va, size);
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

struct fork_walk {
	struct vm_space *to;
	uintptr_t start, end;
	uint64_t copied; /* leaves */
	bool cow, changed;
	void (*get)(uint64_t phys, void *arg);
	void *arg;
};

/*
 * Copy the leaves of table t (level l, mapping from base) that lie in
 * [w->start, w->end) into w->to, table by table rather than page by page:
 * the child's table is found once per source table.
 */
static int fork_table(struct fork_walk *w, uint64_t *t, unsigned int l,
		      uintptr_t base)
{
	uint64_t *dt = NULL;

	for (unsigned int i = pt_slot(MAX(w->start, base), l); i < PT_ENTRIES;
	     i++) {
		uintptr_t va = base + i * pt_span(l);
		uint64_t e = t[i];

		if (va >= w->end)
			break;
		if (!(e & PTE_PRESENT))
			continue;
		if (l > 1 && !(e & PTE_HUGE)) {
			int err = fork_table(w, pt_table(e), l - 1, va);

			if (err)
				return err;
			continue;
		}
		if (va < w->start || w->end - va < pt_span(l))
			return -EINVAL; /* a large page across the edge */
		if (!dt) {
			uint64_t *de;
			int err = walk_create(w->to, va, l, &de);

			if (err)
				return err;
			dt = de - i;
		}
		if (dt[i] & PTE_PRESENT)
			return -EEXIST;
		if (w->cow && (e & PTE_WRITE)) {
			t[i] = e &= ~(uint64_t)PTE_WRITE;
			w->changed = true;
		}
		dt[i] = e;
		w->copied++;
		for (uint64_t o = 0; o < pt_span(l); o += PAGE_SIZE)
			w->get(leaf_phys(e, l) + o, w->arg);
	}
	return 0;
}

int vm_fork_range(struct vm_space *from, struct vm_space *to, uintptr_t va,
		  size_t size, bool cow, void (*get)(uint64_t phys, void *arg),
		  void *arg)
{
	struct fork_walk w = {.to = to,
			      .start = va,
			      .end = va + size,
			      .cow = cow,
			      .get = get,
			      .arg = arg};
	int err = check_range(from, va, size, 0);
	unsigned long flags;

	if (!err && (kernel_half(va) || from == to))
		err = -EINVAL;
	if (err)
		return err;
	flags = spin_lock_irqsave(&from->lock);
	err = fork_table(&w, pt_table(from->root), pt_levels, 0);
	spin_unlock_irqrestore(&from->lock, flags);
	__atomic_add_fetch(&to->leaves, w.copied, __ATOMIC_RELAXED);
	if (w.changed)
		flush_range(from, va, size);
	return err;
}

/* The TLB is flushed after the lock is dropped: see flush_range. */
static int change(struct vm_space *s, uintptr_t va, size_t size,
		  unsigned int prot, bool keep)
{
	int err = check_range(s, va, size, prot);
	unsigned long flags;
	uint64_t done;

	if (err)
		return err;
	flags = spin_lock_irqsave(&s->lock);
	err = change_locked(s, va, size, prot, keep, &done);
	spin_unlock_irqrestore(&s->lock, flags);
	flush_range(s, va, done);
	return err;
}

int vm_map(struct vm_space *s, uintptr_t va, uint64_t pa, size_t size,
	   unsigned int prot)
{
	int err = check_range(s, va, size, prot);
	unsigned long flags;
	uint64_t done, undone = 0;

	if (!err && !IS_ALIGNED(pa, PAGE_SIZE))
		err = -EINVAL;
	if (err)
		return err;
	flags = spin_lock_irqsave(&s->lock);
	err = map_locked(s, va, pa, size, prot, &done);
	if (err && done) /* nothing may stay mapped */
		change_locked(s, va, done, 0, false, &undone);
	spin_unlock_irqrestore(&s->lock, flags);
	flush_range(s, va, undone);
	return err;
}

int vm_unmap(struct vm_space *s, uintptr_t va, size_t size)
{
	return change(s, va, size, 0, false);
}

int vm_protect(struct vm_space *s, uintptr_t va, size_t size, unsigned int prot)
{
	return change(s, va, size, prot, true);
}

int vm_replace_page(struct vm_space *s, uintptr_t va, uint64_t old_phys,
		    uint64_t new_phys, unsigned int prot)
{
	unsigned long flags;
	unsigned int l;
	uint64_t *e;
	int err = -EAGAIN;

	if (kernel_half(va) || !IS_ALIGNED(va | new_phys, PAGE_SIZE))
		return -EINVAL;
	flags = spin_lock_irqsave(&s->lock);
	e = canonical(va) ? find_leaf(s, va, &l) : NULL;
	if (e && l != 1) {
		err = -EOPNOTSUPP; /* a large page: not this way */
	} else if (e && leaf_phys(*e, 1) == old_phys) {
		*e = new_phys | leaf_bits(prot, 1, va);
		err = 0;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (!err)
		flush_range(s, va, PAGE_SIZE);
	return err;
}

int vm_translate(struct vm_space *s, uintptr_t va, uint64_t *phys,
		 unsigned int *prot)
{
	unsigned int l;
	uint64_t *e = canonical(va) ? find_leaf(s, va, &l) : NULL;

	if (!e)
		return -EFAULT;
	if (phys)
		*phys = leaf_phys(*e, l) | (va & (pt_span(l) - 1));
	if (prot)
		*prot = entry_prot(*e, l);
	return 0;
}
