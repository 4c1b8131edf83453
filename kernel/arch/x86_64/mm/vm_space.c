/*
 * The x86_64 tables of address spaces (<kernel/arch.h>'s arch_space_*
 * and arch_kernel_space_*; the bookkeeping is kernel/mm/space.c):
 * kernel_space's top-level table, which mm builds at boot
 * (kernel/mm/kspace.c), and user spaces, each a top-level table whose
 * kernel half is a copy of kernel_space's. That copy stays right because
 * all of the kernel half's top-level entries exist before the first user
 * space does (sealed at mm_init): later kernel mappings change only
 * tables below them, which every space shares.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/smp.h>
#include <kernel/string.h>

#include "mm/paging_priv.h"

unsigned int pt_levels = 4;
bool pt_kernel_top_sealed;

unsigned int vm_paging_levels(void)
{
	return pt_levels;
}

/*
 * The top page of the lower half stays out of user reach (as Linux's
 * TASK_SIZE): a SYSCALL in its last bytes would leave a non-canonical
 * return address, which SYSRET turns into a fault in ring 0 on Intel
 * CPUs. With it unmappable, syscall_entry's fast path needs no check.
 */
uintptr_t vm_user_limit = (1ULL << 47) - PAGE_SIZE; /* 4 levels until told */

/*
 * A zeroed table page for s, on its list: destroying the space frees the
 * list instead of scanning the tables for their entries. The page
 * remembers the entry that will point at it (parent), for
 * arch_space_free.
 */
uint64_t pt_alloc_table(struct vm_space *s, uint64_t *parent)
{
	struct page *page =
		pmm_alloc_pages(0, PMM_ZERO | PMM_USE(MM_USE_PAGE_TABLE));

	if (!page)
		return 0;
	page->private_data = (uintptr_t)parent;
	page->next = s->tables;
	s->tables = page;
	s->table_pages++;
	return page_to_phys(page);
}

int pt_new_table(struct vm_space *s, uint64_t *e, bool user)
{
	uint64_t phys = pt_alloc_table(s, e);

	if (!phys)
		return -ENOMEM;
	*e = phys | PTE_PRESENT | PTE_WRITE | (user ? PTE_USER : 0);
	return 0;
}

/*
 * Roots of spaces freed whole, ready for the next space: the user half
 * zero, the kernel half what every space has (it never changes once
 * sealed). A few per CPU, as Linux's old pgd quicklists; they count as
 * page tables in use.
 */
#define ROOT_CACHE 4

struct root_cache {
	uint64_t root[ROOT_CACHE];
	unsigned int count;
} __aligned(64);

static struct root_cache root_caches[SMP_MAX_CPUS];

static uint64_t root_cache_pop(void)
{
	unsigned long irq;
	struct root_cache *c;
	uint64_t root = 0;

	if (!percpu_ready())
		return 0;
	irq = irq_save();
	c = &root_caches[cpu_id()];
	if (c->count)
		root = c->root[--c->count];
	irq_restore(irq);
	return root;
}

static bool root_cache_push(uint64_t root)
{
	unsigned long irq;
	struct root_cache *c;
	bool kept = false;

	if (!percpu_ready() || !pt_kernel_top_sealed)
		return false;
	irq = irq_save();
	c = &root_caches[cpu_id()];
	if (c->count < ROOT_CACHE) {
		c->root[c->count++] = root;
		kept = true;
	}
	irq_restore(irq);
	return kept;
}

int arch_space_init(struct vm_space *s)
{
	uint64_t root = root_cache_pop();

	if (!root) {
		root = pmm_alloc_phys(PMM_ZERO | PMM_USE(MM_USE_PAGE_TABLE));
		if (!root)
			return -ENOMEM;
		/* The kernel half: everyone's tables (sealed at mm_init). */
		memcpy(pt_table(root) + PT_ENTRIES / 2,
		       pt_table(kernel_space.root) + PT_ENTRIES / 2,
		       PT_ENTRIES / 2 * sizeof(uint64_t));
	}
	s->root = root;
	s->table_pages = 1;
	return 0;
}

/*
 * With no leaf left (its owner unmapped everything: the usual end of a
 * process), a space's only entries are those pointing at its tables and
 * its root's kernel half. Cleared, every page is zero again and goes back
 * as such (pmm_free_zeroed): the next space's tables need no memset.
 */
void arch_space_free(struct vm_space *s)
{
	bool zero = !__atomic_load_n(&s->leaves, __ATOMIC_ACQUIRE);
	struct page *page;

	for (page = s->tables; zero && page; page = page->next)
		*(uint64_t *)page->private_data = 0;
	while ((page = s->tables)) {
		s->tables = page->next;
		if (zero)
			pmm_free_zeroed(page);
		else
			pmm_free_pages(page, 0);
	}
	if (!zero) {
		pmm_free_phys(s->root);
	} else if (!root_cache_push(s->root)) { /* (kept: user half zero) */
		memset(pt_table(s->root) + PT_ENTRIES / 2, 0,
		       PT_ENTRIES / 2 * sizeof(uint64_t));
		pmm_free_zeroed(phys_to_page(s->root));
	}
	s->root = 0;
}

void arch_space_load(struct vm_space *s)
{
	arch_write_cr3(s->root);
}

int arch_kernel_space_init(void)
{
	pt_levels = arch_paging_levels();
	vm_user_limit = (1ULL << (pt_levels == 5 ? 56 : 47)) - PAGE_SIZE;
	spin_lock_init(&kernel_space.lock, "kernel_space",
		       LOCK_RANK_MM_PGTABLE);
	kernel_space.root =
		pmm_alloc_phys(PMM_ZERO | PMM_USE(MM_USE_PAGE_TABLE));
	kernel_space.table_pages = 1;
	return kernel_space.root ? 0 : -ENOMEM;
}

int arch_kernel_space_reserve(uintptr_t start, uintptr_t end)
{
	uint64_t *t = pt_table(kernel_space.root), step = pt_span(pt_levels);

	for (uintptr_t va = ALIGN_DOWN(start, step); va < end; va += step) {
		uint64_t *e = &t[pt_slot(va, pt_levels)];
		int err = *e & PTE_PRESENT ? 0
					   : pt_new_table(&kernel_space, e, 0);

		if (err)
			return err;
		if (va + step < va)
			break; /* the top of the address space */
	}
	return 0;
}

void arch_kernel_space_seal(void)
{
	pt_kernel_top_sealed = true;
}
