/*
 * A fake physical memory for the ACPI parser's host test and fuzzer: a
 * few regions, each a malloc'd copy of some bytes at a physical address,
 * reached through fake_map, the acpi_env map hook. An access that is not
 * wholly inside one region gets NULL, as an unmapped table would; ASan
 * catches a parser that reads past what it asked for.
 */
#ifndef ACPI_MEM_H
#define ACPI_MEM_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/acpi.h>

#define FAKE_REGIONS 48

struct fake_region {
	char sig[8]; /* a table signature, or a test's own name */
	uint64_t phys;
	uint8_t *data;
	size_t len;
};

struct fake_mem {
	struct fake_region r[FAKE_REGIONS];
	int n;
	uint64_t rsdp;
};

static inline const void *fake_map(void *ctx, uint64_t phys, size_t len)
{
	struct fake_mem *m = ctx;

	for (int i = 0; i < m->n; i++) {
		struct fake_region *r = &m->r[i];

		if (phys >= r->phys && phys - r->phys <= r->len &&
		    len <= r->len - (phys - r->phys))
			return r->data + (phys - r->phys);
	}
	return NULL;
}

/* Add a copy of len bytes at phys; returns the copy (NULL if full). */
static inline uint8_t *fake_add(struct fake_mem *m, const char *sig,
				uint64_t phys, const void *data, size_t len)
{
	struct fake_region *r;

	if (m->n == FAKE_REGIONS)
		return NULL;
	r = &m->r[m->n++];
	snprintf(r->sig, sizeof(r->sig), "%s", sig);
	r->phys = phys;
	r->len = len;
	r->data = malloc(len ? len : 1);
	memcpy(r->data, data, len);
	return r->data;
}

/* The region added under sig (the first one), or NULL. */
static inline struct fake_region *fake_find(struct fake_mem *m, const char *sig)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->r[i].sig, sig) == 0)
			return &m->r[i];
	return NULL;
}

static inline void fake_free(struct fake_mem *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->r[i].data);
	m->n = 0;
}

/* Make the bytes of a table (header checksum at 9) sum to 0 again. */
static inline void fake_fix_checksum(uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

/* The same for an RSDP: byte 8 over 20 bytes, byte 32 over all 36. */
static inline void fake_fix_rsdp(uint8_t *r, size_t len)
{
	uint8_t sum = 0;

	r[8] = 0;
	for (size_t i = 0; i < 20; i++)
		sum += r[i];
	r[8] = (uint8_t)-sum;
	if (len >= 36) {
		r[32] = 0;
		sum = 0;
		for (size_t i = 0; i < 36; i++)
			sum += r[i];
		r[32] = (uint8_t)-sum;
	}
}

#endif
