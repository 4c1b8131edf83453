/*
 * Physical memory map bookkeeping (see memmap.h). The map is small (tens of
 * entries), so every change rebuilds it with a simple sweep over the
 * boundaries of all entries: clarity over speed.
 */
#include "memmap.h"

#define PAGE 4096ULL

/* Higher wins where entries overlap. */
static int type_rank(uint32_t type)
{
	switch (type) {
	case LIMINE_MEMMAP_USABLE:
		return 0;
	case LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE:
		return 1;
	case LIMINE_MEMMAP_EXECUTABLE_AND_MODULES:
		return 2;
	case LIMINE_MEMMAP_FRAMEBUFFER:
		return 3;
	case LIMINE_MEMMAP_ACPI_RECLAIMABLE:
		return 4;
	case LIMINE_MEMMAP_ACPI_NVS:
		return 5;
	case LIMINE_MEMMAP_RESERVED:
		return 6;
	default:
		return 7; /* bad memory, unknown */
	}
}

uint32_t memmap_type_from_e820(uint32_t e820_type)
{
	switch (e820_type) {
	case 1:
		return LIMINE_MEMMAP_USABLE;
	case 3:
		return LIMINE_MEMMAP_ACPI_RECLAIMABLE;
	case 4:
		return LIMINE_MEMMAP_ACPI_NVS;
	case 5:
		return LIMINE_MEMMAP_BAD_MEMORY;
	default:
		return LIMINE_MEMMAP_RESERVED;
	}
}

const char *memmap_type_name(uint32_t type)
{
	static const char *const names[] = {
		"usable",
		"reserved",
		"ACPI reclaimable",
		"ACPI NVS",
		"bad memory",
		"bootloader reclaimable",
		"kernel and modules",
		"framebuffer",
	};
	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

static void sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i - 1;
		for (; j >= 0 && v[j] > x; j--)
			v[j + 1] = v[j];
		v[j + 1] = x;
	}
}

static int append(struct memmap *m, uint64_t base, uint64_t end, uint32_t type)
{
	if (end <= base)
		return 0;
	if (m->count && m->e[m->count - 1].type == type &&
	    m->e[m->count - 1].base + m->e[m->count - 1].length == base) {
		m->e[m->count - 1].length += end - base;
		return 0;
	}
	if (m->count == MEMMAP_MAX)
		return -E2BIG;
	m->e[m->count++] = (struct memmap_entry){base, end - base, type};
	return 0;
}

/* Shrink usable entries to whole pages and drop the first page. */
static int align_usable(struct memmap *m)
{
	struct memmap_entry old[MEMMAP_MAX];
	int n = m->count;
	memcpy(old, m->e, sizeof(old[0]) * (size_t)n);
	m->count = 0;
	for (int i = 0; i < n; i++) {
		uint64_t base = old[i].base, end = base + old[i].length;
		if (old[i].type == LIMINE_MEMMAP_USABLE ||
		    old[i].type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE) {
			/* Round end first: then base cannot wrap past 2^64. */
			end = ALIGN_DOWN(end, PAGE);
			if (base > end)
				continue;
			base = MAX(ALIGN_UP(base, PAGE), PAGE);
		}
		if (append(m, base, end, old[i].type))
			return -E2BIG;
	}
	return 0;
}

int memmap_build(struct memmap *m, const struct memmap_entry *raw, int n)
{
	static uint64_t cuts[2 * (MEMMAP_MAX + 1)];
	int ncuts = 0;

	if (n < 0 || n > MEMMAP_MAX)
		return -E2BIG;
	for (int i = 0; i < n; i++) {
		uint64_t end = raw[i].base + raw[i].length;
		if (raw[i].length == 0 || end < raw[i].base)
			continue; /* empty or wrapping: ignore */
		cuts[ncuts++] = raw[i].base;
		cuts[ncuts++] = end;
	}
	sort_u64(cuts, ncuts);
	m->count = 0;
	for (int c = 0; c + 1 < ncuts; c++) {
		uint64_t lo = cuts[c], hi = cuts[c + 1];
		int best = -1;
		uint32_t type = 0;
		if (lo == hi)
			continue;
		for (int i = 0; i < n; i++) {
			uint64_t end = raw[i].base + raw[i].length;
			if (raw[i].length == 0 || end < raw[i].base)
				continue;
			if (raw[i].base <= lo && end >= hi &&
			    type_rank(raw[i].type) > best) {
				best = type_rank(raw[i].type);
				type = raw[i].type;
			}
		}
		if (best >= 0 && append(m, lo, hi, type))
			return -E2BIG;
	}
	return align_usable(m);
}

int memmap_set(struct memmap *m, uint64_t base, uint64_t len, uint32_t type)
{
	static struct memmap_entry old[MEMMAP_MAX];
	uint64_t end = base + len;
	int n = m->count;

	if (len == 0)
		return 0;
	if (end < base)
		return -EINVAL;
	memcpy(old, m->e, sizeof(old[0]) * (size_t)n);
	m->count = 0;
	bool placed = false;
	for (int i = 0; i < n; i++) {
		uint64_t b = old[i].base, e = b + old[i].length;
		if (e <= base || b >= end) {
			if (!placed && b >= end) {
				if (append(m, base, end, type))
					goto full;
				placed = true;
			}
			if (append(m, b, e, old[i].type))
				goto full;
			continue;
		}
		if (append(m, b, MIN(e, base), old[i].type))
			goto full;
		if (!placed) {
			if (append(m, base, end, type))
				goto full;
			placed = true;
		}
		if (append(m, MAX(b, end), e, old[i].type))
			goto full;
	}
	if (!placed && append(m, base, end, type))
		goto full;
	return 0;
full:
	/* Leave the map as it was: callers may go on using it. */
	memcpy(m->e, old, sizeof(old[0]) * (size_t)n);
	m->count = n;
	return -E2BIG;
}

uint64_t memmap_alloc(struct memmap *m, uint64_t size, uint64_t align,
		      uint64_t min, uint64_t limit, uint32_t type)
{
	if (size == 0 || align == 0 || (align & (align - 1)))
		return 0;
	align = MAX(align, PAGE);
	size = ALIGN_UP(size, PAGE);
	if (size == 0) /* rounded past 2^64 */
		return 0;
	for (int i = 0; i < m->count; i++) {
		const struct memmap_entry *e = &m->e[i];
		if (e->type != LIMINE_MEMMAP_USABLE)
			continue;
		uint64_t start = MAX(e->base, min);
		uint64_t base = ALIGN_UP(start, align);
		uint64_t end = MIN(e->base + e->length, limit);
		if (base >= start && base < end && end - base >= size) {
			if (memmap_set(m, base, size, type))
				return 0;
			return base;
		}
	}
	return 0;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
	uint64_t sum = 0;
	for (int i = 0; i < m->count; i++)
		if (m->e[i].type == type)
			sum += m->e[i].length;
	return sum;
}
