/*
 * libFuzzer harness for the ACPI parsers (kernel/acpi/rsdp.c, tables.c,
 * madt.c, fadt.c, aml_s5.c). The first byte picks the target:
 *
 *   0  AML: acpi_aml_find_s5 over the rest
 *   1  MADT, 2 FADT, 3 HPET, 4 MCFG: that parser over the rest as a table
 *   5  the whole walk: byte 1 holds flags (bit 0: fix each table's
 *      checksum, so the parsers behind the check are reached), then
 *      tables as [16-bit length][bytes] chunks. The harness puts an RSDP
 *      and an RSDT listing every chunk in a fake memory (tests/host/
 *      acpi_mem.h) and points a FADT's DSDT field at the chunk after it.
 *
 * Every input must end without a crash, a sanitizer report or a hang, and
 * with acpi_info's counts inside their arrays. Seeds: the host test writes
 * them from QEMU's tables (test_acpi --write-seeds DIR).
 *
 *   make fuzz && build/tests/fuzz/fuzz_acpi -max_total_time=600 CORPUS SEEDS
 */
#include <stdlib.h>
#include <string.h>

#include <kernel/acpi.h>

#include "acpi_mem.h"

#define RSDP_PHYS 0xe0000ULL
#define RSDT_PHYS 0x100000ULL
#define TABLE_PHYS(i) (0x200000ULL + 0x100000ULL * (i))
#define MAX_CHUNKS 24

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void add_root(struct fake_mem *m, int n)
{
	uint8_t rsdp[20] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
	uint8_t rsdt[36 + 4 * MAX_CHUNKS] = {'R', 'S', 'D', 'T'};
	size_t len = 36 + 4 * (size_t)n;

	for (int i = 0; i < 4; i++)
		rsdp[16 + i] = (uint8_t)(RSDT_PHYS >> (8 * i));
	fake_fix_rsdp(rsdp, 20);
	rsdt[4] = (uint8_t)len;
	for (int i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			rsdt[36 + 4 * i + b] =
				(uint8_t)(TABLE_PHYS(i) >> (8 * b));
	fake_fix_checksum(rsdt, len);
	fake_add(m, "RSDP", RSDP_PHYS, rsdp, 20);
	fake_add(m, "RSDT", RSDT_PHYS, rsdt, len);
	m->rsdp = RSDP_PHYS;
}

/* A FADT's DSDT field points at the next chunk, as in a real layout. */
static void link_dsdt(uint8_t *t, size_t len, int i)
{
	if (len >= 44 && memcmp(t, "FACP", 4) == 0)
		for (int b = 0; b < 4; b++)
			t[40 + b] = (uint8_t)(TABLE_PHYS(i + 1) >> (8 * b));
}

static void walk(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	struct fake_mem m = {0};
	const struct acpi_env env = {fake_map, NULL, &m};
	bool fix = size > 0 && (data[0] & 1);
	int n = 0;

	for (size_t off = 1; off + 2 <= size && n < MAX_CHUNKS; n++) {
		size_t len = data[off] | data[off + 1] << 8;
		uint8_t *t;

		off += 2;
		len = len < size - off ? len : size - off;
		t = fake_add(&m, "T", TABLE_PHYS(n), data + off, len);
		link_dsdt(t, len, n);
		if (fix && len >= 36) {
			/* Over what the length field says, if it fits. */
			size_t claimed = t[4] | t[5] << 8;

			fake_fix_checksum(t, claimed < len ? claimed : len);
		}
		off += len;
	}
	add_root(&m, n);
	acpi_parse(m.rsdp, &env, &info);
	check(info.madt.cpu_count <= ACPI_MAX_CPUS);
	check(info.table_count <= ACPI_MAX_TABLES);
	check(info.ssdt_count <= ACPI_MAX_SSDTS);
	check(!info.has_s5 || (info.slp_typ_a < 8 && info.slp_typ_b < 8));
	fake_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_madt madt;
	static struct acpi_fadt fadt;
	struct acpi_hpet hpet;
	struct acpi_mcfg_segment mcfg[4];
	uint8_t *copy, a, b;

	if (size == 0)
		return 0;
	/* An exact-size copy: ASan sees any read past the end. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		if (acpi_aml_find_s5(copy, size - 1, &a, &b) == 0)
			check(a < 8 && b < 8);
		break;
	case 1:
		if (acpi_parse_madt(copy, size - 1, &madt, NULL) >= 0)
			check(madt.cpu_count <= ACPI_MAX_CPUS);
		break;
	case 2:
		acpi_parse_fadt(copy, size - 1, &fadt, NULL);
		break;
	case 3:
		acpi_parse_hpet(copy, size - 1, &hpet, NULL);
		break;
	case 4:
		check(acpi_parse_mcfg(copy, size - 1, mcfg, 4, NULL) <= 4);
		break;
	case 5:
		walk(copy, size - 1);
		break;
	}
	free(copy);
	return 0;
}
