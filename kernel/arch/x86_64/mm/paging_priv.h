/*
 * What paging.c (mapping) and vm_space.c (address spaces) share: the
 * paging depth, the loaded space and the arithmetic of table entries.
 * Never included outside kernel/arch/x86_64/.
 */
#ifndef ARCH_X86_64_PAGING_PRIV_H
#define ARCH_X86_64_PAGING_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/arch/x86_64/mmu.h>
#include <kernel/mm.h>
#include <kernel/vm.h>

#define PT_ENTRIES 512

/* Set at arch_kernel_space_init, read-only afterwards. */
extern unsigned int pt_levels;	  /* 4 or 5 */
extern bool pt_kernel_top_sealed; /* no new kernel-half top-level entry */

/* The table an entry points to, through the direct map. */
static inline uint64_t *pt_table(uint64_t entry)
{
	return (uint64_t *)(mm_hhdm + (entry & PTE_ADDR));
}

/* The index of va's entry in a table of level (1: PT ... 5: PML5). */
static inline unsigned int pt_slot(uintptr_t va, unsigned int level)
{
	return (va >> (3 + 9 * level)) & (PT_ENTRIES - 1);
}

/* The bytes one entry of a table of level covers. */
static inline uint64_t pt_span(unsigned int level)
{
	return 1ULL << (3 + 9 * level);
}

/* A new zeroed table page of space s, on its list, that *parent will
 * point at: its address, or 0. */
uint64_t pt_alloc_table(struct vm_space *s, uint64_t *parent);
/* Point *e at a new zeroed table of space s: 0 or -ENOMEM. */
int pt_new_table(struct vm_space *s, uint64_t *e, bool user);

#endif
