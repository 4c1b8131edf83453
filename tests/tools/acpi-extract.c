/*
 * Extract the ACPI tables from raw dumps of a machine's physical memory
 * (QEMU's pmemsave, see scripts/dump-acpi-tables.sh) into one file per
 * table, for the host tests' corpus (tests/corpus/acpi/).
 *
 *   acpi-extract OUTDIR BASE1 FILE1 [BASE2 FILE2 ...]
 *
 * Each FILE holds the memory from physical address BASE (hex or decimal).
 * The RSDP is searched for on 16-byte boundaries in 0xe0000-0xfffff; from
 * it the RSDT and XSDT, every table they list, and the FADT's DSDT and
 * FACS are written as OUTDIR/SIG.dat (SSDT.dat, SSDT2.dat, ... when a
 * signature repeats). OUTDIR/tables.txt lists "SIG FILE PHYS LENGTH" per
 * table, the RSDP first: the host test puts each table back at its
 * physical address, so the pointers between them stay valid.
 *
 * Only a tool for making the corpus: it trusts the dumps little (every
 * read is bounds-checked) but checks no checksums; the tests do that.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REGIONS 8
#define MAX_TABLES 64

struct region {
	uint64_t base;
	unsigned char *data;
	size_t size;
};

static struct region regions[MAX_REGIONS];
static int nregions;
static uint64_t done[MAX_TABLES];
static int ndone;
static FILE *layout;
static const char *outdir;

/* len bytes at physical address phys, or NULL if no dump holds them. */
static const unsigned char *at(uint64_t phys, size_t len)
{
	for (int i = 0; i < nregions; i++) {
		struct region *r = &regions[i];

		if (phys >= r->base && phys - r->base <= r->size &&
		    len <= r->size - (phys - r->base))
			return r->data + (phys - r->base);
	}
	return NULL;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f)
		fclose(f);
	return f != NULL;
}

/* Write len bytes at phys as SIG.dat (or SIGn.dat) and list it. */
static void save(const char *sig, uint64_t phys, size_t len)
{
	const unsigned char *p = at(phys, len);
	char name[64], path[4096];
	int n = 1;

	for (int i = 0; i < ndone; i++)
		if (done[i] == phys)
			return;
	if (!p || ndone == MAX_TABLES) {
		fprintf(stderr,
			"acpi-extract: %s at 0x%" PRIx64
			" is not in the dumps\n",
			sig, phys);
		exit(1);
	}
	done[ndone++] = phys;
	do {
		snprintf(name, sizeof(name), n == 1 ? "%s.dat" : "%s%d.dat",
			 sig, n);
		snprintf(path, sizeof(path), "%s/%s", outdir, name);
		n++;
	} while (exists(path));
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	fprintf(layout, "%s %s 0x%" PRIx64 " %zu\n", sig, name, phys, len);
}

/* A table with the standard 36-byte header; returns it, or NULL. */
static const unsigned char *save_table(uint64_t phys)
{
	const unsigned char *h = at(phys, 36);
	char sig[5] = {0};

	if (!h || !phys)
		return NULL;
	memcpy(sig, h, 4);
	save(sig, phys, le32(h + 4));
	return at(phys, le32(h + 4));
}

static void save_fadt_children(const unsigned char *fadt)
{
	uint32_t len = le32(fadt + 4);
	const unsigned char *facs;
	uint64_t facs_phys = le32(fadt + 36), dsdt = le32(fadt + 40);

	if (len >= 148 && le64(fadt + 140))
		dsdt = le64(fadt + 140);
	if (len >= 140 && le64(fadt + 132))
		facs_phys = le64(fadt + 132);
	save_table(dsdt);
	facs = facs_phys ? at(facs_phys, 8) : NULL;
	if (facs)
		save("FACS", facs_phys, le32(facs + 4));
}

/* The RSDT (entry size 4) or XSDT (8) and everything it lists. */
static void save_sdt(uint64_t phys, size_t entry)
{
	const unsigned char *sdt = save_table(phys);

	if (!sdt)
		return;
	for (size_t off = 36; off + entry <= le32(sdt + 4); off += entry) {
		uint64_t t = entry == 4 ? le32(sdt + off) : le64(sdt + off);
		const unsigned char *tab = save_table(t);

		if (tab && memcmp(tab, "FACP", 4) == 0)
			save_fadt_children(tab);
	}
}

static uint64_t find_rsdp(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
		const unsigned char *p = at(a, 20);

		if (p && memcmp(p, "RSD PTR ", 8) == 0)
			return a;
	}
	return 0;
}

static void load(const char *base, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct region *r = &regions[nregions++];

	if (!f || fseek(f, 0, SEEK_END) != 0) {
		perror(path);
		exit(1);
	}
	r->base = strtoull(base, NULL, 0);
	r->size = (size_t)ftell(f);
	r->data = malloc(r->size ? r->size : 1);
	rewind(f);
	if (!r->data || fread(r->data, 1, r->size, f) != r->size) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	char path[4096];
	uint64_t rsdp;
	const unsigned char *p;

	if (argc < 4 || argc % 2 != 0 || argc > 2 + 2 * MAX_REGIONS) {
		fprintf(stderr, "usage: acpi-extract OUTDIR BASE FILE...\n");
		return 2;
	}
	outdir = argv[1];
	for (int i = 2; i < argc; i += 2)
		load(argv[i], argv[i + 1]);
	snprintf(path, sizeof(path), "%s/tables.txt", outdir);
	layout = fopen(path, "w");
	rsdp = find_rsdp();
	if (!layout || !rsdp) {
		fprintf(stderr, "acpi-extract: no RSDP in 0xe0000-0xfffff\n");
		return 1;
	}
	p = at(rsdp, 20);
	save("RSDP", rsdp, p[15] >= 2 && at(rsdp, 36) ? 36 : 20);
	save_sdt(le32(p + 16), 4);
	if (p[15] >= 2 && at(rsdp, 36))
		save_sdt(le64(at(rsdp, 36) + 24), 8);
	return fclose(layout) == 0 ? 0 : 1;
}
