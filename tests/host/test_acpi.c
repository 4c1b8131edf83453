/*
 * Host tests of the ACPI table parsers (kernel/acpi/: rsdp.c, tables.c,
 * madt.c, fadt.c, aml_s5.c, compiled here unchanged) under ASan and UBSan.
 *
 * The corpus is QEMU's own tables (tests/corpus/acpi/{pc,q35}/, dumped by
 * scripts/dump-acpi-tables.sh), put back at their physical addresses in a
 * fake memory (acpi_mem.h): the same walk as in the kernel must find what
 * QEMU describes. Then malformed variants made here from them: bad
 * checksums, cut or lying lengths, MADT entries of length 0 or running
 * off the end, pointers to nowhere, missing tables; each must give its
 * warning and its fallback. Last, synthetic AML for the \_S5 scan and a
 * mutation loop over the real tables.
 *
 *   build/tests/host/test_acpi [CORPUS_DIR]   (default tests/corpus/acpi)
 *   build/tests/host/test_acpi --write-seeds DIR
 *
 * The second form writes seeds for tests/fuzz/fuzz_acpi.c from the corpus
 * (its input format is described there) instead of testing.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_mem.h"
#include "testlib.h"

static const char *corpus = "tests/corpus/acpi";
static char warnings[8192];
static struct acpi_info info;
/* The tables of the case running; a failed CHECK leaves them for the next. */
static struct fake_mem mem;

static void record_warning(void *ctx, const char *fmt, va_list ap)
{
	size_t len = strlen(warnings);

	vsnprintf(warnings + len, sizeof(warnings) - len, fmt, ap);
	len = strlen(warnings);
	if (len + 1 < sizeof(warnings))
		strcat(warnings, "\n");
}

static int warned(const char *what)
{
	return strstr(warnings, what) != NULL;
}

#define CHECK_WARNED(what)                                                   \
	do {                                                                 \
		if (!warned(what)) {                                         \
			snprintf(test_why, sizeof(test_why),                 \
				 "%s:%d: no warning \"%.200s\" in:\n%.250s", \
				 __FILE__, __LINE__, what, warnings);        \
			longjmp(test_jmp, 1);                                \
		}                                                            \
	} while (0)

#define CHECK_NO_WARNINGS()                                            \
	do {                                                           \
		if (warnings[0]) {                                     \
			snprintf(test_why, sizeof(test_why),           \
				 "%s:%d: warnings:\n%.400s", __FILE__, \
				 __LINE__, warnings);                  \
			longjmp(test_jmp, 1);                          \
		}                                                      \
	} while (0)

/* Load tests/corpus/acpi/MACHINE into m, as tables.txt places them. */
static void load_machine(struct fake_mem *m, const char *machine)
{
	char path[512], sig[8], file[64];
	unsigned long long phys;
	size_t len, size;
	FILE *f;

	fake_free(m);
	*m = (struct fake_mem){0};
	snprintf(path, sizeof(path), "%s/%s/tables.txt", corpus, machine);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (fscanf(f, "%7s %63s %llx %zu", sig, file, &phys, &len) == 4) {
		unsigned char *data;

		snprintf(path, sizeof(path), "%s/%s/%s", corpus, machine, file);
		data = read_file(path, &size);
		CHECK(data != NULL && size == len);
		CHECK(fake_add(m, sig, phys, data, len) != NULL);
		if (strcmp(sig, "RSDP") == 0)
			m->rsdp = phys;
		free(data);
	}
	fclose(f);
	CHECK(m->rsdp != 0);
}

/* Run the whole walk over m; warnings collected afresh. */
static int parse(struct fake_mem *m)
{
	const struct acpi_env env = {fake_map, record_warning, m};

	warnings[0] = '\0';
	return acpi_parse(m->rsdp, &env, &info);
}

static struct fake_region *table(struct fake_mem *m, const char *sig)
{
	struct fake_region *r = fake_find(m, sig);

	CHECK(r != NULL);
	return r;
}

static const struct acpi_override *override_of(uint8_t irq)
{
	for (size_t i = 0; i < info.madt.override_count; i++)
		if (info.madt.overrides[i].source == irq)
			return &info.madt.overrides[i];
	return NULL;
}

/* ---------------------------------------------------------------- corpus */

static void check_qemu_common(void)
{
	CHECK_EQ(info.has_madt && info.has_fadt && info.has_hpet, 1);
	CHECK_EQ(info.has_dsdt && info.has_s5, 1);
	CHECK_EQ(info.problems, 0);
	CHECK_NO_WARNINGS();
	CHECK_EQ(info.irq_model, ACPI_IRQ_APIC);
	CHECK_STR(info.oem_id, "BOCHS ");
	/* MADT: QEMU's interrupt wiring, the same on both machines. */
	CHECK_EQ(info.madt.lapic_address, 0xfee00000);
	CHECK(info.madt.pcat_compat);
	CHECK_EQ(info.madt.ioapic_count, 1);
	CHECK_EQ(info.madt.ioapics[0].address, 0xfec00000);
	CHECK_EQ(info.madt.ioapics[0].gsi_base, 0);
	CHECK(override_of(0) != NULL);
	CHECK_EQ(override_of(0)->gsi, 2);
	CHECK(override_of(9) != NULL);
	CHECK_EQ(override_of(9)->flags,
		 ACPI_INTI_LEVEL | ACPI_INTI_ACTIVE_HIGH);
	CHECK_EQ(info.madt.lapic_nmi_count, 1);
	CHECK_EQ(info.madt.lapic_nmis[0].uid, ACPI_UID_ALL);
	CHECK_EQ(info.madt.lapic_nmis[0].lint, 1);
	/* FADT: PIIX4/ICH9 power management in I/O space at 0x600. */
	CHECK_EQ(info.fadt.sci_irq, 9);
	CHECK_EQ(info.fadt.smi_cmd, 0xb2);
	CHECK_EQ(info.fadt.pm1a_evt.space, ACPI_GAS_IO);
	CHECK_EQ(info.fadt.pm1a_evt.address, 0x600);
	CHECK_EQ(info.fadt.pm1a_cnt.address, 0x604);
	CHECK_EQ(info.fadt.pm_tmr.address, 0x608);
	CHECK_EQ(info.fadt.pm1b_evt.address, 0);
	CHECK_EQ(info.fadt.pm1_evt_len, 4);
	CHECK_EQ(info.fadt.flags & ACPI_FADT_PWR_BUTTON, 0);
	CHECK_EQ(info.dsdt_phys, info.fadt.dsdt);
	CHECK_EQ(info.slp_typ_a, 0); /* QEMU's \_S5 is {0, 0, 0, 0} */
	CHECK_EQ(info.slp_typ_b, 0);
	CHECK_EQ(info.hpet.address, 0xfed00000);
	CHECK_EQ(info.hpet.comparators, 3);
	CHECK(info.hpet.counter_64bit && info.hpet.legacy_replacement);
}

static void test_pc(void)
{
	struct fake_mem *m = &mem;

	load_machine(m, "pc");
	CHECK_EQ(parse(m), 0);
	check_qemu_common();
	CHECK(!info.using_xsdt);       /* SeaBIOS: RSDP revision 0 */
	CHECK_EQ(info.table_count, 6); /* RSDT FACP APIC HPET WAET DSDT */
	CHECK_EQ(info.madt.cpu_count, 1);
	CHECK_EQ(info.madt.cpus[0].apic_id, 0);
	CHECK(info.madt.cpus[0].enabled);
	/* An ACPI 1.0 FADT: no reset register, no X_ fields. */
	CHECK_EQ(info.fadt.revision, 1);
	CHECK_EQ(info.fadt.length, 116);
	CHECK(!info.fadt.has_reset_reg);
	CHECK_EQ(info.mcfg_count, 0);
	fake_free(m);
}

static void test_q35(void)
{
	struct fake_mem *m = &mem;

	load_machine(m, "q35");
	CHECK_EQ(parse(m), 0);
	check_qemu_common();
	/* -smp 2,maxcpus=4: two present, two that may be plugged in. */
	CHECK_EQ(info.madt.cpu_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		CHECK_EQ(info.madt.cpus[i].apic_id, i);
		CHECK_EQ(info.madt.cpus[i].enabled, i < 2);
		CHECK(!info.madt.cpus[i].x2apic);
	}
	CHECK_EQ(info.fadt.revision, 3);
	CHECK(info.fadt.has_reset_reg);
	CHECK_EQ(info.fadt.reset_reg.space, ACPI_GAS_IO);
	CHECK_EQ(info.fadt.reset_reg.address, 0xcf9);
	CHECK_EQ(info.fadt.reset_value, 0x0f);
	CHECK_EQ(info.fadt.boot_arch & ACPI_BOOT_8042, ACPI_BOOT_8042);
	CHECK_EQ(info.mcfg_count, 1);
	CHECK_EQ(info.mcfg[0].base, 0xb0000000);
	CHECK_EQ(info.mcfg[0].segment, 0);
	CHECK_EQ(info.mcfg[0].bus_start, 0);
	CHECK_EQ(info.mcfg[0].bus_end, 255);
	fake_free(m);
}

#define XSDT_PHYS 0x7000000ULL
#define RSDP2_PHYS 0xe0000ULL

/*
 * Give m an ACPI 2.0 RSDP (at RSDP2_PHYS) and an XSDT (at XSDT_PHYS) with
 * the RSDT's entries; returns the XSDT.
 */
static uint8_t *add_xsdt(struct fake_mem *m)
{
	struct fake_region *rsdt = table(m, "RSDT");
	size_t n = (rsdt->len - 36) / 4, len = 36 + 8 * n;
	uint8_t xsdt[36 + 8 * 32] = {0}, rsdp[36] = {0};
	uint8_t *x;

	CHECK(n <= 32);
	memcpy(xsdt, rsdt->data, 36);
	memcpy(xsdt, "XSDT", 4);
	xsdt[4] = (uint8_t)len;
	for (size_t i = 0; i < n; i++)
		memcpy(xsdt + 36 + 8 * i, rsdt->data + 36 + 4 * i, 4);
	fake_fix_checksum(xsdt, len);
	memcpy(rsdp, fake_find(m, "RSDP")->data, 20);
	rsdp[15] = 2;
	rsdp[20] = 36;
	for (int i = 0; i < 8; i++)
		rsdp[24 + i] = (uint8_t)(XSDT_PHYS >> (8 * i));
	fake_fix_rsdp(rsdp, 36);
	CHECK(fake_add(m, "RSDP2", RSDP2_PHYS, rsdp, 36) != NULL);
	m->rsdp = RSDP2_PHYS;
	x = fake_add(m, "XSDT", XSDT_PHYS, xsdt, len);
	CHECK(x != NULL);
	return x;
}

static void test_xsdt(const char *machine)
{
	struct fake_mem *m = &mem;

	load_machine(m, machine);
	add_xsdt(m);
	CHECK_EQ(parse(m), 0);
	check_qemu_common();
	CHECK(info.using_xsdt);
	CHECK_EQ(info.root_phys, XSDT_PHYS);
	CHECK_EQ(info.rsdp_revision, 2);
	fake_free(m);
}

static void run_corpus_tests(void)
{
	RUN(test_pc(), "acpi: QEMU pc tables parse (RSDT, FADT 1.0)");
	RUN(test_q35(), "acpi: QEMU q35 tables parse (4 CPUs, MCFG, reset)");
	RUN(test_xsdt("pc"), "acpi: pc tables through an XSDT");
	RUN(test_xsdt("q35"), "acpi: q35 tables through an XSDT");
}

/* ---------------------------------------------------------------- malformed */

/* A variant of a machine's tables: change applies the damage. */
struct variant {
	const char *name;
	void (*change)(struct fake_mem *m);
	int ret;	      /* of acpi_parse */
	const char *warning;  /* must be among the warnings */
	unsigned int problem; /* must be among info.problems */
	bool madt;	      /* has_madt afterwards */
	bool s5;	      /* has_s5 afterwards */
};

static void bad_madt_checksum(struct fake_mem *m)
{
	table(m, "APIC")->data[20] ^= 0x55;
}

/* The MADT's length says more than the memory it is in holds. */
static void madt_cut(struct fake_mem *m)
{
	table(m, "APIC")->len = 60;
}

static void madt_length_lies_long(struct fake_mem *m)
{
	struct fake_region *r = table(m, "APIC");

	r->data[4] = 0xf0, r->data[5] = 0xff, r->data[6] = 0x0f; /* ~1 MiB */
}

static void madt_length_huge(struct fake_mem *m)
{
	table(m, "APIC")->data[7] = 0xff; /* 4 GiB */
}

static void madt_length_below_header(struct fake_mem *m)
{
	struct fake_region *r = table(m, "APIC");

	r->data[4] = 20, r->data[5] = 0;
}

/* A consistent MADT (checksum right) too short for its fixed part. */
static void madt_too_short(struct fake_mem *m)
{
	struct fake_region *r = table(m, "APIC");

	r->data[4] = 40, r->data[5] = 0;
	fake_fix_checksum(r->data, 40);
}

static void rsdt_entry(struct fake_mem *m, int i, uint32_t phys)
{
	struct fake_region *r = table(m, "RSDT");

	memcpy(r->data + 36 + 4 * i, &phys, 4);
	fake_fix_checksum(r->data, r->len);
}

/* The index of the RSDT entry for the table sig. */
static int rsdt_index(struct fake_mem *m, const char *sig)
{
	struct fake_region *r = table(m, "RSDT"), *t = table(m, sig);

	for (int i = 0; 36 + 4 * (size_t)i < r->len; i++) {
		uint32_t phys;

		memcpy(&phys, r->data + 36 + 4 * i, 4);
		if (phys == t->phys)
			return i;
	}
	CHECK(!"table not in the RSDT");
	return -1;
}

static void rsdt_points_nowhere(struct fake_mem *m)
{
	rsdt_entry(m, rsdt_index(m, "APIC"), 0x12345678);
}

static void rsdt_points_to_zero(struct fake_mem *m)
{
	rsdt_entry(m, rsdt_index(m, "APIC"), 0);
}

/* The MADT is simply not listed: the RSDT loses its entry. */
static void no_madt(struct fake_mem *m)
{
	struct fake_region *r = table(m, "RSDT");
	int i = rsdt_index(m, "APIC");

	memmove(r->data + 36 + 4 * i, r->data + 40 + 4 * i,
		r->len - 40 - 4 * (size_t)i);
	r->len -= 4;
	r->data[4] = (uint8_t)r->len;
	fake_fix_checksum(r->data, r->len);
}

static void bad_rsdt_checksum(struct fake_mem *m)
{
	table(m, "RSDT")->data[30] ^= 1;
}

static void rsdt_stray_bytes(struct fake_mem *m)
{
	struct fake_region *r = table(m, "RSDT");

	r->data[4] -= 2;
	fake_fix_checksum(r->data, r->len - 2);
}

static void bad_rsdp_checksum(struct fake_mem *m)
{
	table(m, "RSDP")->data[8] ^= 1;
}

static void no_rsdp(struct fake_mem *m)
{
	table(m, "RSDP")->data[0] = 'X';
}

static void bad_xsdt_checksum(struct fake_mem *m)
{
	add_xsdt(m)[12] ^= 1;
}

static void bad_rsdp_extended_checksum(struct fake_mem *m)
{
	add_xsdt(m);
	fake_find(m, "RSDP2")->data[32] ^= 1;
}

static void xsdt_points_nowhere(struct fake_mem *m)
{
	uint8_t *r;

	add_xsdt(m);
	r = fake_find(m, "RSDP2")->data;
	r[28] = 0x77; /* a 64-bit address far away */
	fake_fix_rsdp(r, 36);
}

static void bad_fadt_checksum(struct fake_mem *m)
{
	table(m, "FACP")->data[50] ^= 1;
}

static void fadt_too_short(struct fake_mem *m)
{
	struct fake_region *r = table(m, "FACP");

	r->data[4] = 100;
	fake_fix_checksum(r->data, 100);
}

static void bad_dsdt_checksum(struct fake_mem *m)
{
	table(m, "DSDT")->data[100] ^= 1;
}

static void dsdt_without_s5(struct fake_mem *m)
{
	struct fake_region *r = table(m, "DSDT");
	uint8_t *s5 = NULL;

	for (size_t i = 0; !s5 && i + 4 <= r->len; i++)
		if (memcmp(r->data + i, "_S5_", 4) == 0)
			s5 = r->data + i;
	CHECK(s5 != NULL);
	s5[2] = '4'; /* now _S4_ */
	fake_fix_checksum(r->data, r->len);
}

static void hpet_in_io_space(struct fake_mem *m)
{
	struct fake_region *r = table(m, "HPET");

	r->data[40] = ACPI_GAS_IO;
	fake_fix_checksum(r->data, r->len);
}

/* An enabled-CPU-free MADT: every CPU's enabled flag cleared. */
static void madt_no_enabled_cpu(struct fake_mem *m)
{
	struct fake_region *r = table(m, "APIC");

	for (size_t off = 44; off + 2 <= r->len; off += r->data[off + 1])
		if (r->data[off] == 0)
			r->data[off + 4] = 0;
	fake_fix_checksum(r->data, r->len);
}

#define MADT_GONE ACPI_PROB_NO_MADT

static const struct variant variants[] = {
	{"MADT with a bad checksum", bad_madt_checksum, 0,
	 "APIC (MADT) at 0x1ffe1a00: checksum bad, ignoring it", MADT_GONE,
	 false, true},
	{"MADT cut short by unmapped memory", madt_cut, 0,
	 "APIC (MADT) at 0x1ffe1a00: length runs past", MADT_GONE, false, true},
	{"MADT length lying long", madt_length_lies_long, 0,
	 "APIC (MADT) at 0x1ffe1a00: length runs past", MADT_GONE, false, true},
	{"MADT length of 4 GiB", madt_length_huge, 0,
	 "length implausibly large", MADT_GONE, false, true},
	{"MADT length below its header", madt_length_below_header, 0,
	 "length shorter than its header", MADT_GONE, false, true},
	{"MADT shorter than its fixed part", madt_too_short, 0,
	 "MADT is 40 bytes, too short", MADT_GONE, false, true},
	{"MADT without an enabled CPU", madt_no_enabled_cpu, 0,
	 "MADT lists 0 enabled CPUs and 1 IOAPICs: use the PIC and PIT",
	 MADT_GONE, true, true},
	{"RSDT entry pointing nowhere", rsdt_points_nowhere, 0,
	 "table at 0x12345678: not reachable", MADT_GONE, false, true},
	{"RSDT entry of address 0", rsdt_points_to_zero, 0,
	 "table at 0x0: address 0", MADT_GONE, false, true},
	{"no MADT listed", no_madt, 0, "no usable MADT: use the PIC and PIT",
	 MADT_GONE, false, true},
	{"RSDT with stray bytes", rsdt_stray_bytes, 0, "RSDT has 2 stray bytes",
	 0, true, true},
	{"RSDT with a bad checksum", bad_rsdt_checksum, -ENODEV,
	 "no usable RSDT or XSDT", ACPI_PROB_ROOT | MADT_GONE, false, false},
	{"RSDP with a bad checksum", bad_rsdp_checksum, -ENODEV,
	 "RSDP checksum bad", ACPI_PROB_RSDP | MADT_GONE, false, false},
	{"no RSDP signature", no_rsdp, -ENODEV, "no RSDP at 0x",
	 ACPI_PROB_RSDP | MADT_GONE, false, false},
	{"XSDT with a bad checksum", bad_xsdt_checksum, 0,
	 "falling back to the RSDT", ACPI_PROB_XSDT, true, true},
	{"RSDP with a bad extended checksum", bad_rsdp_extended_checksum, 0,
	 "RSDP extended checksum bad; using the RSDT", 0, true, true},
	{"XSDT pointing nowhere", xsdt_points_nowhere, 0,
	 "falling back to the RSDT", ACPI_PROB_XSDT, true, true},
	{"FADT with a bad checksum", bad_fadt_checksum, 0,
	 "FACP (FADT) at 0x1ffe198c: checksum bad",
	 ACPI_PROB_NO_FADT | ACPI_PROB_DSDT | ACPI_PROB_S5, true, false},
	{"FADT shorter than ACPI 1.0's", fadt_too_short, 0,
	 "FADT is 100 bytes, shorter than ACPI 1.0's 116", ACPI_PROB_NO_FADT,
	 true, false},
	{"DSDT with a bad checksum", bad_dsdt_checksum, 0,
	 "DSDT at 0x1ffe0040: checksum bad", ACPI_PROB_DSDT | ACPI_PROB_S5,
	 true, false},
	{"DSDT without \\_S5", dsdt_without_s5, 0, "no \\_S5 package",
	 ACPI_PROB_S5, true, false},
	{"HPET in I/O space", hpet_in_io_space, 0, "HPET at space 1",
	 ACPI_PROB_HPET, true, true},
};

static void test_variant(const struct variant *v)
{
	struct fake_mem *m = &mem;

	load_machine(m, "pc");
	v->change(m);
	CHECK_EQ(parse(m), v->ret);
	CHECK_WARNED(v->warning);
	CHECK_EQ(info.problems & v->problem, v->problem);
	CHECK_EQ(info.has_madt, v->madt);
	CHECK_EQ(info.has_s5, v->s5);
	if (v->problem & ACPI_PROB_NO_MADT)
		CHECK_EQ(info.irq_model, ACPI_IRQ_PIC);
	else
		CHECK_EQ(info.irq_model, ACPI_IRQ_APIC);
	fake_free(m);
}

static void run_malformed_tests(void)
{
	for (volatile size_t i = 0; i < sizeof(variants) / sizeof(variants[0]);
	     i++) /* volatile: setjmp */
		RUN(test_variant(&variants[i]),
		    "acpi: %s gives a warning and "
		    "a fallback",
		    variants[i].name);
}

/* ---------------------------------------------------------------- mutation */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/*
 * Flip random bytes of one table (not the RSDP), fix its checksum so
 * the parsers see the damage, and walk: nothing may crash (ASan/UBSan)
 * and the counts stay within their arrays.
 */
static void mutate_once(const char *machine)
{
	struct fake_mem *m = &mem;
	struct fake_region *r;

	load_machine(m, machine);
	r = &m->r[1 + next_random() % (m->n - 1)];
	for (int k = 1 + next_random() % 8; k > 0; k--)
		r->data[next_random() % r->len] = (uint8_t)next_random();
	if (strcmp(r->sig, "FACS") != 0 && r->len >= 36)
		fake_fix_checksum(r->data, r->len);
	parse(m);
	CHECK(info.madt.cpu_count <= ACPI_MAX_CPUS);
	CHECK(info.madt.ioapic_count <= ACPI_MAX_IOAPICS);
	CHECK(info.table_count <= ACPI_MAX_TABLES);
	CHECK(info.mcfg_count <= ACPI_MAX_MCFG);
	CHECK(!info.has_s5 || (info.slp_typ_a < 8 && info.slp_typ_b < 8));
	fake_free(m);
}

static void test_mutations(void)
{
	for (int i = 0; i < 3000; i++)
		mutate_once(i % 2 ? "pc" : "q35");
}

static void run_mutation_tests(void)
{
	RUN(test_mutations(), "acpi: 3000 mutated table sets parse safely");
}

/* ---------------------------------------------------------------- seeds */

static void write_seed(const char *dir, const char *name, uint8_t mode,
		       const uint8_t *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK(fwrite(&mode, 1, 1, f) == 1);
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

/* fuzz_acpi's walk input: flags, then [length][table] chunks, FADT first
 * so that the DSDT, right after it, is the one it points at. */
static void write_walk_seed(const char *dir, const char *machine)
{
	static uint8_t buf[1 << 16];
	static const char *const order[] = {"FACP", "DSDT", "APIC",
					    "HPET", "MCFG", "WAET"};
	size_t len = 0;
	char name[64];

	buf[len++] = 1; /* fix checksums */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct fake_region *r = fake_find(&mem, order[i]);

		if (!r || len + 2 + r->len > sizeof(buf))
			continue;
		buf[len++] = (uint8_t)r->len;
		buf[len++] = (uint8_t)(r->len >> 8);
		memcpy(buf + len, r->data, r->len);
		len += r->len;
	}
	snprintf(name, sizeof(name), "walk-%s", machine);
	write_seed(dir, name, 5, buf, len);
}

static void write_seeds(const char *dir)
{
	static const char *const machines[] = {"pc", "q35"};
	static const struct {
		const char *sig;
		uint8_t mode;
	} single[] = {{"APIC", 1}, {"FACP", 2}, {"HPET", 3}, {"MCFG", 4}};

	for (size_t i = 0; i < 2; i++) {
		struct fake_region *dsdt;
		char name[64];

		load_machine(&mem, machines[i]);
		for (size_t k = 0; k < sizeof(single) / sizeof(single[0]);
		     k++) {
			struct fake_region *r = fake_find(&mem, single[k].sig);

			snprintf(name, sizeof(name), "%s-%s", single[k].sig,
				 machines[i]);
			if (r)
				write_seed(dir, name, single[k].mode, r->data,
					   r->len);
		}
		dsdt = table(&mem, "DSDT");
		snprintf(name, sizeof(name), "aml-%s", machines[i]);
		write_seed(dir, name, 0, dsdt->data + 36, dsdt->len - 36);
		write_walk_seed(dir, machines[i]);
	}
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--write-seeds") == 0) {
		RUN(write_seeds(argv[2]), "acpi: fuzz seeds written");
		fake_free(&mem);
		TEST_EXIT();
	}
	if (argc > 1)
		corpus = argv[1];
	run_corpus_tests();
	run_malformed_tests();
	run_mutation_tests();
	fake_free(&mem);
	TEST_EXIT();
}
