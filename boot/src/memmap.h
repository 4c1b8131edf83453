/*
 * The physical memory map the loader keeps from the BIOS E820 list to the
 * Limine memory map response: sorted, non-overlapping, usable and
 * bootloader-reclaimable entries page-aligned, types as in limine.h. Every
 * allocation the loader makes is carved out of a usable entry and retyped,
 * so the map the kernel gets accounts for all of it.
 */
#ifndef RASTBOOT_MEMMAP_H
#define RASTBOOT_MEMMAP_H

#include "lib.h"
#include <limine.h>

#define MEMMAP_MAX 256

struct memmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* LIMINE_MEMMAP_* */
};

struct memmap {
	int count;
	struct memmap_entry e[MEMMAP_MAX];
};

/* Limine type for an E820 type (1 usable, 2 reserved, 3 ACPI, 4 NVS, 5 bad). */
uint32_t memmap_type_from_e820(uint32_t e820_type);

/*
 * Build m from raw, possibly overlapping, unsorted entries: where entries
 * overlap the more restrictive type wins, usable ranges are shrunk to whole
 * pages, nothing below 0x1000 stays usable, neighbours of one type merge.
 * Returns 0 or -E2BIG if the result does not fit.
 */
int memmap_build(struct memmap *m, const struct memmap_entry *raw, int n);

/* Give [base, base+len) the type, whatever it had. 0 or -E2BIG. */
int memmap_set(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);

/*
 * Take size bytes (rounded up to pages) of usable memory at an align-ed
 * address in [min, limit) and give it the type. Lowest fit first. Returns the
 * physical address, or 0 if there is no room.
 */
uint64_t memmap_alloc(struct memmap *m, uint64_t size, uint64_t align,
		      uint64_t min, uint64_t limit, uint32_t type);

/* Sum of the lengths of entries of type. */
uint64_t memmap_total(const struct memmap *m, uint32_t type);

/* Name of a LIMINE_MEMMAP_* type, for logs. */
const char *memmap_type_name(uint32_t type);

#endif
