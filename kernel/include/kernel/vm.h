/*
 * Virtual memory: address spaces and their page tables, the kernel's own
 * mappings, the vmalloc area with kernel stacks, and page faults.
 *
 * One page-table API serves 4- and 5-level paging (whichever the loader
 * turned on; the depth is read from the CPU at mm_init). The kernel's
 * address space, kernel_space, is rebuilt by mm_init: the direct map of
 * all RAM (HHDM, at the loader's offset), the kernel image per section
 * with W^X, the vmalloc area, nothing in the lower half. A user address
 * space (vm_space_create) shares the kernel half and owns its lower half.
 * The virtual address map is in docs/ARCHITECTURE.md.
 *
 * Code: kernel/mm/ (space.c: address spaces; kspace.c: the kernel's
 * mappings; vmalloc.c, fault.c) above the architecture's page tables
 * (kernel/arch/x86_64/mm/paging.c: vm_map, vm_unmap, vm_protect,
 * vm_translate; vm_space.c). Safe on any CPU; changes to the kernel half
 * reach every CPU's TLB.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>

struct trap_frame;

/* The vmalloc area: vmalloc, kernel stacks, vm_ioremap (1 TiB). */
#define VMALLOC_START 0xffffc90000000000ULL
#define VMALLOC_END 0xffffca0000000000ULL

#define KSTACK_SIZE (16 * KiB) /* plus an unmapped guard page below */

/* vm_map / vm_protect protection and cache flags; readable always. */
#define VM_WRITE (1u << 0)
#define VM_EXEC (1u << 1)
#define VM_USER (1u << 2)  /* user half only */
#define VM_WC (1u << 3)	   /* write-combining (framebuffers) */
#define VM_UC (1u << 4)	   /* uncached (device registers) */
#define VM_SMALL (1u << 5) /* 4 KiB pages only, no 2 MiB / 1 GiB */

/* What a fault did, for vm_space_ops.fault (see arch_fault_access). */
#define VM_FAULT_PRESENT (1u << 0) /* a protection fault; else not mapped */
#define VM_FAULT_WRITE (1u << 1)
#define VM_FAULT_EXEC (1u << 2)
#define VM_FAULT_USER (1u << 3) /* from user mode */
#define VM_FAULT_RSVD (1u << 4) /* a reserved bit set in an entry */

struct vm_space;

/* What a user address space does about faults in its lower half. */
struct vm_space_ops {
	/*
	 * Resolve a fault at addr (demand paging, copy-on-write): 0 to retry
	 * the access, -EFAULT for a bad access (later: SIGSEGV).
	 */
	int (*fault)(struct vm_space *space, uintptr_t addr,
		     unsigned int access);
};

/*
 * An address space: its top-level table and the hooks of its owner. Its
 * lock guards changes to its tables (vm_map, vm_unmap, vm_protect take
 * it; vm_translate reads without). The kernel half is shared, set up at
 * mm_init and changed through kernel_space only.
 */
struct vm_space {
	struct spinlock lock;		/* LOCK_RANK_MM_PGTABLE */
	uint64_t root;			/* physical: the PML4 or PML5 */
	const struct vm_space_ops *ops; /* NULL: no user fault resolved */
	void *owner;			/* the process, later */
	uint64_t table_pages;		/* page-table pages (under lock) */
	struct page *tables; /* those below the root, through page->next */
	uint64_t leaves;     /* atomic: leaf entries mapped (large: one) */
	uint64_t cpus; /* atomic: bit n, loaded on CPU n (TLB shootdown) */
	bool dead;     /* being torn down: no CPU loads it or looks at it */
};

extern struct vm_space kernel_space;

/* 4 or 5. */
unsigned int vm_paging_levels(void);
/*
 * The end of user memory: the lower half (2^47 or 2^56) but its top page,
 * which stays unmapped (see kernel/arch/x86_64/mm/vm_space.c). A variable
 * the architecture sets with the paging mode: every user copy checks it.
 */
extern uintptr_t vm_user_limit;
static inline uintptr_t vm_user_end(void)
{
	return vm_user_limit;
}

/*
 * Map [virt, virt + size) to [phys, phys + size): page-aligned, not yet
 * mapped. Uses 1 GiB and 2 MiB pages where both addresses and the size
 * allow (unless VM_SMALL). 0, -EINVAL (unaligned, non-canonical, the
 * wrong half for space or for VM_USER), -EEXIST (something is mapped
 * there), -ENOMEM (no memory for a page table). On failure nothing of
 * the range stays mapped.
 */
int vm_map(struct vm_space *space, uintptr_t virt, uint64_t phys, size_t size,
	   unsigned int prot);
/*
 * Unmap whatever is mapped in [virt, virt + size), splitting large pages
 * at the edges; the pages themselves are the caller's. 0, -EINVAL,
 * -ENOMEM (a large page could not be split: unmapped up to it).
 */
int vm_unmap(struct vm_space *space, uintptr_t virt, size_t size);
/*
 * Map the 4 KiB page at virt, a user page of space mapped to old_phys
 * now, to new_phys with prot instead, in one step (copy-on-write): 0,
 * -EAGAIN if virt no longer maps old_phys (nothing done), -EOPNOTSUPP if
 * a large page maps it (nothing done: unmap and map it instead).
 * The caller's reference to new_phys goes to the mapping; the mapping's
 * reference to old_phys becomes the caller's.
 */
int vm_replace_page(struct vm_space *space, uintptr_t virt, uint64_t old_phys,
		    uint64_t new_phys, unsigned int prot);
/*
 * vm_unmap that also tells put(phys, arg) about every 4 KiB page it
 * unmapped (the user memory code drops its references), with the TLBs
 * of every CPU using space flushed before it returns. put runs under
 * space's lock: it must not take it or sleep.
 */
/*
 * space is being torn down (its process has gone): from now on no CPU
 * loads it, so unmapping needs no TLB flush (nor range checks: the
 * ranges are its regions'). False (and nothing changes) if some CPU
 * still has it loaded.
 */
bool vm_space_retire(struct vm_space *space);
int vm_unmap_collect(struct vm_space *space, uintptr_t virt, size_t size,
		     void (*put)(uint64_t phys, void *arg), void *arg);
/*
 * Call fn(va, phys, prot, arg) for every present 4 KiB page in the range,
 * under space's lock (fn must not change the tables). 0 or -EINVAL.
 */
int vm_walk(struct vm_space *space, uintptr_t virt, size_t size,
	    void (*fn)(uintptr_t va, uint64_t phys, unsigned int prot,
		       void *arg),
	    void *arg);
/*
 * fork's copy of the user range [virt, virt + size) of from into to: the
 * same mappings, made read-only in both when cow (from's TLBs flushed);
 * get(phys, arg) is told of every 4 KiB page copied, under from's lock.
 * to must be a new space no CPU has loaded and nothing else reaches: its
 * lock is not taken. 0, -EINVAL, -EEXIST (to maps something there) or
 * -ENOMEM (to keeps what was copied, with get called for it).
 */
int vm_fork_range(struct vm_space *from, struct vm_space *to, uintptr_t virt,
		  size_t size, bool cow, void (*get)(uint64_t phys, void *arg),
		  void *arg);
/* Change the protection of the mapped pages in the range (as vm_unmap). */
int vm_protect(struct vm_space *space, uintptr_t virt, size_t size,
	       unsigned int prot);
/*
 * What virt maps to: 0 with *phys and *prot (VM_* flags, VM_SMALL if a
 * 4 KiB page maps it), either may be NULL; or -EFAULT if it is unmapped.
 */
int vm_translate(struct vm_space *space, uintptr_t virt, uint64_t *phys,
		 unsigned int *prot);

/* A user address space sharing the kernel half; NULL if out of memory. */
struct vm_space *vm_space_create(void);
/* Free its page tables (not the pages mapped: their owner frees those). */
void vm_space_destroy(struct vm_space *space);
/* Make space the one this CPU translates through (loads its tables). */
void vm_space_switch(struct vm_space *space);
/* The space this CPU translates through (kernel_space at first). */
struct vm_space *vm_space_current(void);

/*
 * Virtually contiguous kernel memory, read-write, in the vmalloc area,
 * with an unmapped guard page below each area (so running off the end of
 * one hits the guard of the next). NULL if out of memory.
 */
void *vmalloc(size_t size);
void vfree(void *addr);
/*
 * Map device memory [phys, phys + size) (any alignment) into the vmalloc
 * area: VM_UC unless VM_WC is asked for. The address of phys, or NULL.
 */
void *vm_ioremap(uint64_t phys, size_t size, unsigned int prot);
void vm_iounmap(void *addr);

/*
 * A kernel stack of KSTACK_SIZE with an unmapped guard page below it:
 * returns its top (16-byte aligned), or NULL. Stacks are numbered in
 * allocation order (kmain's is 0): a fault in the guard page is reported
 * as "guard page below kernel stack N (stack overflow)".
 */
void *vm_stack_alloc(void);
void vm_stack_free(void *top);
/* Free the stacks vm_stack_free kept for reuse (see vmalloc.c). */
void vm_stack_cache_drain(void);

/*
 * The page-fault hook, called by the #PF handler (kernel/arch/x86_64/
 * exceptions.c): 0 if the fault was resolved and the access may be
 * retried, else -EFAULT (the caller panics, or later signals the user
 * process). Faults on lower-half addresses go to the current space's
 * ops->fault; faults in the kernel half are never resolved, except a
 * stale TLB entry after a mapping was widened.
 */
int vm_handle_fault(struct trap_frame *tf, uintptr_t addr, uint64_t error_code);

/*
 * Say what is at addr, in a few words, into buf: "kernel text", "guard
 * page below kernel stack 0 (stack overflow)", "direct map, phys ...",
 * "vmalloc area ...", "unmapped", ... For the address of the last fault
 * vm_handle_fault saw, what the access did wrong is added: "kernel text
 * (write to read-only)".
 */
void vm_describe(uintptr_t addr, char *buf, size_t size);

#endif
