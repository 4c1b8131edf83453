/*
 * Building the kernel's page tables: 4- or 5-level, 4 KiB and 2 MiB pages.
 * Table memory comes from a callback, and tables are reached through
 * phys + virt_offset, so the same code runs in the loader (identity-mapped,
 * offset 0) and in the host tests (tables inside a test buffer).
 */
#ifndef RASTBOOT_PAGING_H
#define RASTBOOT_PAGING_H

#include "lib.h"

#define PT_WRITE (1u << 0)
#define PT_EXEC (1u << 1)
#define PT_WC (1u << 2)	      /* write-combining through PAT entry 5 */
#define PT_LARGE_OK (1u << 3) /* 2 MiB pages where alignment allows */

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS (1ULL << 7)
#define PTE_PAT4K (1ULL << 7)
#define PTE_PATLARGE (1ULL << 12)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

struct pt {
	int levels;    /* 4 or 5 */
	bool nx;       /* EFER.NXE will be on: NX bits are legal */
	uint64_t root; /* physical address of the top table */
	uint64_t virt_offset;
	/* A zeroed, 4 KiB-aligned page's physical address, or 0 if none. */
	uint64_t (*alloc_page)(void *ctx);
	void *ctx;
};

/* 0, or -ENOMEM if no page for the root table. */
int pt_init(struct pt *pt, int levels, bool nx, uint64_t (*alloc_page)(void *),
	    void *ctx, uint64_t virt_offset);

/*
 * Map [virt, virt+size) to [phys, ...) with flags (PT_*). virt, phys and
 * size must be page-aligned, virt canonical for the paging depth. Existing
 * mappings are replaced. 0, -EINVAL or -ENOMEM.
 */
int pt_map(struct pt *pt, uint64_t virt, uint64_t phys, uint64_t size,
	   unsigned flags);

/* Physical address virt maps to and its leaf entry, or -1 if unmapped. */
uint64_t pt_translate(const struct pt *pt, uint64_t virt, uint64_t *leaf);

#endif
