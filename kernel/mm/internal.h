/*
 * What the files of kernel/mm/ share with each other and nobody else:
 * the steps of mm_init, state the fault reporter reads, and hooks for
 * the in-kernel tests.
 */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/mm.h>

/* pmm.c: the page allocator over the usable memory (loader's tables). */
void pmm_init(void);
/* pmm_free_pages without the panic: 0, or -EINVAL for a bad free. */
int pmm_free_pages_check(struct page *page, unsigned int order);
/* Both zones' free lists are consistent: 0 or -EUCLEAN. */
int pmm_check(void);
/* Give reclaimed page frames [start, end) to the zones. */
void pmm_reclaim(uint64_t start, uint64_t end);
/* Is a memory map entry of this type RAM (mapped, has struct pages)? */
bool mm_is_ram(uint64_t type);

/* kspace.c: build kernel_space and switch to it. */
void vm_kernel_init(void);
/* The physical end of the direct map (the last RAM or framebuffer byte). */
extern uint64_t vm_direct_map_end;

/* vmalloc.c */
/* If addr is in the vmalloc area: describe it into buf, return true. */
bool vmalloc_describe(uintptr_t addr, char *buf, size_t size);
/* An unmapped area of size bytes (tests map into it), guard below. */
void *vmalloc_reserve(size_t size);
void vmalloc_unreserve(void *addr);

/* mm_init.c */
extern uint64_t mm_init_ticks;	/* TSC ticks mm_init took */
extern bool mm_on_kernel_stack; /* set by mm_switch_to_kernel_stack */

#endif
