/*
 * The vmalloc area [VMALLOC_START, VMALLOC_END) (<kernel/vm.h>): regions
 * of kernel_space for virtually contiguous memory (vmalloc), kernel
 * stacks and device mappings (vm_ioremap). Every region starts with an
 * unmapped guard page: a stack running off its bottom, or an area
 * overrun from below, faults there instead of corrupting a neighbour.
 *
 * Regions are a list sorted by address, allocated first fit; records come
 * from kmalloc. vm_describe asks here about vmalloc addresses, to name
 * the stack whose guard page was hit.
 *
 * Lock: vmalloc_lock (interrupts off) guards the list; it is never held
 * while mapping or allocating (kernel_space and the heap lock their own).
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/vm.h>

#include "internal.h"

enum region_kind {
	REGION_VMALLOC,
	REGION_STACK,
	REGION_IOREMAP,
	REGION_RESERVED
};

struct vm_region {
	uintptr_t start; /* the guard page; the area is a page above */
	size_t pages;	 /* in the area */
	enum region_kind kind;
	unsigned int id;	       /* REGION_STACK: the stack's number */
	uint64_t phys;		       /* REGION_IOREMAP: what it maps */
	struct vm_region *next;	       /* by address */
	struct vm_region *cached_next; /* REGION_STACK: in stack_cache */
};

static DEFINE_SPINLOCK(vmalloc_lock, LOCK_RANK_MM_VMALLOC);
static struct vm_region *regions;
static unsigned int stacks_made;

static uintptr_t area(const struct vm_region *r)
{
	return r->start + PAGE_SIZE;
}

static uintptr_t region_end(const struct vm_region *r)
{
	return area(r) + r->pages * PAGE_SIZE;
}

/* A new region of pages (plus its guard page), first fit; or NULL. */
static struct vm_region *region_new(size_t pages, enum region_kind kind)
{
	struct vm_region *r = kzalloc(sizeof(*r)), **pp = &regions;
	uintptr_t start = VMALLOC_START, need = (pages + 1) * PAGE_SIZE;
	unsigned long irq;
	bool fits;

	if (!r || !pages ||
	    pages >= (VMALLOC_END - VMALLOC_START) / PAGE_SIZE) {
		kfree(r);
		return NULL;
	}
	irq = spin_lock_irqsave(&vmalloc_lock);
	for (; *pp && (*pp)->start - start < need; pp = &(*pp)->next)
		start = region_end(*pp);
	fits = VMALLOC_END - start >= need;
	if (fits) {
		*r = (struct vm_region){start, pages, kind, 0, 0, *pp, NULL};
		*pp = r;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	if (!fits)
		kfree(r);
	return fits ? r : NULL;
}

static void region_delete(struct vm_region *r)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	struct vm_region **pp = &regions;

	while (*pp != r)
		pp = &(*pp)->next;
	*pp = r->next;
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	kfree(r);
}

/* The region whose guard page or area holds addr, or NULL. */
static struct vm_region *region_at(uintptr_t addr)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	struct vm_region *r = regions;

	while (r && !(addr >= r->start && addr < region_end(r)))
		r = r->next;
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return r;
}

/* Unmap the first n pages of r's area and free them. */
static void depopulate(struct vm_region *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t va = area(r) + i * PAGE_SIZE;
		uint64_t phys;

		if (vm_translate(&kernel_space, va, &phys, NULL) != 0)
			continue;
		vm_unmap(&kernel_space, va, PAGE_SIZE);
		pmm_free_phys(phys);
	}
}

/* Back r's area with fresh pages: 0, or -ENOMEM with nothing left. */
static int populate(struct vm_region *r, enum mm_usage usage)
{
	for (size_t i = 0; i < r->pages; i++) {
		uint64_t phys = pmm_alloc_phys(PMM_USE(usage));

		if (!phys || vm_map(&kernel_space, area(r) + i * PAGE_SIZE,
				    phys, PAGE_SIZE, VM_WRITE) != 0) {
			if (phys)
				pmm_free_phys(phys);
			depopulate(r, i);
			return -ENOMEM;
		}
	}
	return 0;
}

/* A region with fresh pages; its area, or NULL. */
static struct vm_region *region_populated(size_t size, enum region_kind kind,
					  enum mm_usage usage)
{
	struct vm_region *r =
		region_new(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE, kind);

	if (r && populate(r, usage) != 0) {
		region_delete(r);
		r = NULL;
	}
	return r;
}

void *vmalloc(size_t size)
{
	struct vm_region *r =
		region_populated(size, REGION_VMALLOC, MM_USE_VMALLOC);

	return r ? (void *)area(r) : NULL;
}

/* The region of kind whose area starts at addr; panics if none. */
static struct vm_region *region_of(const void *addr, enum region_kind kind,
				   const char *caller)
{
	struct vm_region *r = region_at((uintptr_t)addr);

	if (!r || r->kind != kind || area(r) != (uintptr_t)addr)
		panic("%s(%p): not an address it handed out", caller, addr);
	return r;
}

void vfree(void *addr)
{
	struct vm_region *r;

	if (!addr)
		return;
	r = region_of(addr, REGION_VMALLOC, "vfree");
	depopulate(r, r->pages);
	region_delete(r);
}

void *vm_ioremap(uint64_t phys, size_t size, unsigned int prot)
{
	uint64_t base = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t end = ALIGN_UP(phys + size, PAGE_SIZE);
	unsigned int cache = prot & VM_WC ? VM_WC : VM_UC;
	struct vm_region *r;

	if (!size || end <= base)
		return NULL;
	r = region_new((end - base) / PAGE_SIZE, REGION_IOREMAP);
	if (!r)
		return NULL;
	r->phys = base;
	if (vm_map(&kernel_space, area(r), base, end - base,
		   VM_WRITE | cache) != 0) {
		region_delete(r);
		return NULL;
	}
	return (void *)(area(r) + (phys - base));
}

void vm_iounmap(void *addr)
{
	struct vm_region *r = region_at((uintptr_t)addr);

	if (!r || r->kind != REGION_IOREMAP || (uintptr_t)addr < area(r))
		panic("vm_iounmap(%p): not an address it handed out", addr);
	vm_unmap(&kernel_space, area(r), r->pages * PAGE_SIZE);
	region_delete(r);
}

/*
 * Freed stacks are kept, mapped, for the next vm_stack_alloc: a task's
 * stack then costs a list operation instead of four page mappings and a
 * TLB shootdown to every CPU when it is unmapped. The cache is small
 * (STACK_CACHE_MAX stacks); vm_stack_cache_drain empties it.
 */
#define STACK_CACHE_MAX 32

static struct vm_region *stack_cache; /* linked through next */
static unsigned int stack_cache_len;

static struct vm_region *stack_cache_pop(void)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	struct vm_region *r = stack_cache;

	if (r) {
		stack_cache = r->cached_next;
		stack_cache_len--;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return r;
}

static bool stack_cache_push(struct vm_region *r)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	bool kept = stack_cache_len < STACK_CACHE_MAX;

	if (kept) {
		r->cached_next = stack_cache;
		stack_cache = r;
		stack_cache_len++;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return kept;
}

void vm_stack_cache_drain(void)
{
	struct vm_region *r;

	while ((r = stack_cache_pop())) {
		depopulate(r, r->pages);
		region_delete(r);
	}
}

void *vm_stack_alloc(void)
{
	struct vm_region *r = stack_cache_pop();

	if (r)
		return (void *)(area(r) + KSTACK_SIZE);
	r = region_populated(KSTACK_SIZE, REGION_STACK, MM_USE_STACK);
	if (!r)
		return NULL;
	r->id = __atomic_fetch_add(&stacks_made, 1, __ATOMIC_RELAXED);
	/* So that backtraces walk it (a full table only costs traces). */
	backtrace_register_stack(area(r), KSTACK_SIZE);
	return (void *)(area(r) + KSTACK_SIZE);
}

void vm_stack_free(void *top)
{
	struct vm_region *r;

	if (!top)
		return;
	r = region_of((char *)top - KSTACK_SIZE, REGION_STACK, "vm_stack_free");
	if (stack_cache_push(r))
		return;
	depopulate(r, r->pages);
	region_delete(r);
}

void *vmalloc_reserve(size_t size)
{
	struct vm_region *r = region_new(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE,
					 REGION_RESERVED);

	return r ? (void *)area(r) : NULL;
}

void vmalloc_unreserve(void *addr)
{
	struct vm_region *r = region_of(addr, REGION_RESERVED, "unreserve");

	vm_unmap(&kernel_space, area(r), r->pages * PAGE_SIZE);
	region_delete(r);
}

static void describe_area(const struct vm_region *r, char *buf, size_t size)
{
	switch (r->kind) {
	case REGION_STACK:
		snprintf(buf, size, "kernel stack %u", r->id);
		break;
	case REGION_IOREMAP:
		snprintf(buf, size, "ioremap of phys 0x%lx-0x%lx", r->phys,
			 (uint64_t)(r->phys + r->pages * PAGE_SIZE));
		break;
	default:
		snprintf(buf, size, "vmalloc area 0x%lx, %zu KiB%s", area(r),
			 (size_t)(r->pages * (PAGE_SIZE / KiB)),
			 r->kind == REGION_RESERVED ? " (reserved)" : "");
	}
}

bool vmalloc_describe(uintptr_t addr, char *buf, size_t size)
{
	struct vm_region *r;

	if (addr < VMALLOC_START || addr >= VMALLOC_END)
		return false;
	r = region_at(addr);
	if (!r)
		snprintf(buf, size, "vmalloc area, unmapped");
	else if (addr >= area(r))
		describe_area(r, buf, size);
	else if (r->kind == REGION_STACK)
		snprintf(buf, size,
			 "guard page below kernel stack %u (stack overflow)",
			 r->id);
	else
		snprintf(
			buf, size,
			"guard page below a vmalloc area (overrun from below)");
	return true;
}
