/*
 * Host tests of the ACPI pieces that the QEMU corpus does not exercise,
 * from synthetic bytes: MADT entries of every type handled (x2APIC, NMI
 * sources, the local APIC address override), broken MADT entry lengths
 * (0, 1, too short for the type, running off the end), more CPUs than
 * acpi_info holds, MCFG and the \_S5 scan of AML (every integer encoding,
 * PkgLength forms, malformed and truncated packages). Each must give the
 * right values or a warning, never a crash or an endless loop.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "testlib.h"

static char warnings[4096];
static struct acpi_madt madt;

static void record_warning(void *ctx, const char *fmt, va_list ap)
{
	size_t len = strlen(warnings);

	vsnprintf(warnings + len, sizeof(warnings) - len, fmt, ap);
}

static const struct acpi_env env = {NULL, record_warning, NULL};

/* A MADT of the header, the fixed part and the given entry bytes. */
static int parse_madt(const uint8_t *entries, size_t n)
{
	static uint8_t t[44 + 4096];

	CHECK(n <= 4096);
	memset(t, 0, 44);
	memcpy(t, "APIC", 4);
	t[36] = 0x00, t[37] = 0x00, t[38] = 0xe0, t[39] = 0xfe; /* LAPIC */
	t[40] = 1;						/* PCAT */
	memcpy(t + 44, entries, n);
	warnings[0] = '\0';
	return acpi_parse_madt(t, 44 + n, &madt, &env);
}

static void test_madt_all_types(void)
{
	static const uint8_t e[] = {
		0,    8,  1,	0, 1, 0, 0,    0, /* LAPIC uid 1 id 0 */
		0,    8,  2,	5, 2, 0, 0,    0, /* online-capable */
		9,    16, 0,	0, 0, 1, 0,    0,    1,	 0, 0, 0,
		7,    0,  0,	0,				  /* x2 */
		1,    12, 3,	0, 0, 0, 0xc0, 0xfe, 24, 0, 0, 0, /* IOAPIC */
		2,    10, 0,	0, 2, 0, 0,    0,    0,	 0,	  /* 0->2 */
		3,    8,  0x0d, 0, 4, 0, 0,    0,		  /* NMI */
		4,    6,  0xff, 5, 0, 1,			  /* LINT1 */
		10,   12, 0,	0, 7, 0, 0,    0,    0,	 0, 0, 0, /* x2 NMI */
		5,    12, 0,	0, 0, 0, 0xd0, 0xfe, 1,	 0, 0, 0, /* addr */
		0x7f, 3,  0,					  /* unknown */
	};

	CHECK_EQ(parse_madt(e, sizeof(e)), 0);
	CHECK_EQ(warnings[0], '\0');
	CHECK_EQ(madt.cpu_count, 3);
	CHECK(madt.cpus[0].enabled && !madt.cpus[0].online_capable);
	CHECK(!madt.cpus[1].enabled && madt.cpus[1].online_capable);
	CHECK_EQ(madt.cpus[1].apic_id, 5);
	CHECK(madt.cpus[2].x2apic && madt.cpus[2].enabled);
	CHECK_EQ(madt.cpus[2].apic_id, 0x100);
	CHECK_EQ(madt.cpus[2].uid, 7);
	CHECK_EQ(madt.ioapic_count, 1);
	CHECK_EQ(madt.ioapics[0].id, 3);
	CHECK_EQ(madt.ioapics[0].address, 0xfec00000);
	CHECK_EQ(madt.ioapics[0].gsi_base, 24);
	CHECK_EQ(madt.override_count, 1);
	CHECK_EQ(madt.overrides[0].gsi, 2);
	CHECK_EQ(madt.nmi_source_count, 1);
	CHECK_EQ(madt.nmi_sources[0].gsi, 4);
	CHECK_EQ(madt.nmi_sources[0].flags, ACPI_INTI_LEVEL | 1);
	CHECK_EQ(madt.lapic_nmi_count, 2);
	CHECK_EQ(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
	CHECK_EQ(madt.lapic_nmis[0].lint, 1);
	CHECK_EQ(madt.lapic_nmis[0].flags, 5);
	CHECK_EQ(madt.lapic_nmis[1].uid, 7);
	CHECK_EQ(madt.lapic_address, 0x1fed00000ULL);
	CHECK(madt.pcat_compat);
}

struct bad_madt {
	const char *name;
	uint8_t e[24];
	size_t n;
	int ret;	 /* bad entries */
	size_t cpus;	 /* CPUs kept */
	const char *why; /* in the warning */
};

static const struct bad_madt bad_madts[] = {
	{"an entry of length 0",
	 {0, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
	 12,
	 1,
	 1,
	 "runs off"},
	{"an entry of length 1", {0, 1, 0, 0, 1, 0, 0, 0}, 8, 1, 0, "runs off"},
	{"an entry running off the end",
	 {0, 8, 0, 0, 1, 0, 0, 0, 0, 9, 0},
	 11,
	 1,
	 1,
	 "runs off"},
	{"a lone type byte at the end",
	 {0, 8, 0, 0, 1, 0, 0, 0, 0},
	 9,
	 1,
	 1,
	 "runs off"},
	{"a LAPIC entry too short",
	 {0, 4, 0, 0, 0, 8, 1, 1, 1, 0, 0, 0},
	 12,
	 1,
	 1,
	 "shorter than 8"},
	{"an x2APIC entry too short",
	 {9, 8, 0, 0, 1, 0, 0, 0},
	 8,
	 1,
	 0,
	 "shorter than 16"},
};

static void test_bad_madt(const struct bad_madt *b)
{
	CHECK_EQ(parse_madt(b->e, b->n), b->ret);
	CHECK_EQ(madt.cpu_count, b->cpus);
	CHECK(strstr(warnings, b->why) != NULL);
}

static void test_madt_too_many_cpus(void)
{
	static uint8_t e[8 * (ACPI_MAX_CPUS + 10)];

	for (size_t i = 0; i < ACPI_MAX_CPUS + 10; i++) {
		uint8_t cpu[8] = {0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0};

		memcpy(e + 8 * i, cpu, 8);
	}
	CHECK_EQ(parse_madt(e, sizeof(e)), 0);
	CHECK_EQ(madt.cpu_count, ACPI_MAX_CPUS);
	CHECK_EQ(madt.cpus_dropped, 10);
	CHECK(strstr(warnings, "only 256 are kept") != NULL);
}

static void test_mcfg(void)
{
	uint8_t t[44 + 3 * 16 + 5] = {'M', 'C', 'F', 'G'};
	static const uint8_t good[16] = {0, 0, 0, 0xe0, 0, 0,
					 0, 0, 1, 0,	0, 63};
	static const uint8_t bad[16] = {0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 0, 9, 3};
	struct acpi_mcfg_segment seg[2];

	memcpy(t + 44, good, 16);
	memcpy(t + 60, bad, 16);  /* bus 9-3: skipped */
	memcpy(t + 76, good, 16); /* a second good one: */
	warnings[0] = '\0';	  /* room for 1 only */
	CHECK_EQ(acpi_parse_mcfg(t, sizeof(t), seg, 1, &env), 1);
	CHECK_EQ(seg[0].base, 0xe0000000);
	CHECK_EQ(seg[0].segment, 1);
	CHECK_EQ(seg[0].bus_end, 63);
	CHECK(strstr(warnings, "5 stray bytes") != NULL);
	CHECK(strstr(warnings, "buses 9-3) invalid") != NULL);
	CHECK(strstr(warnings, "more than 1 entries") != NULL);
	CHECK_EQ(acpi_parse_mcfg(t, 40, seg, 2, &env), -EINVAL);
}

/* ---------------------------------------------------------------- AML */

struct aml_case {
	const char *name;
	uint8_t aml[40];
	size_t n;
	int ret;
	uint8_t a, b;
};

#define S5 0x08, '_', 'S', '5', '_', 0x12 /* Name(_S5, Package */
/* The bytes, and their count. */
#define AML(...) {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})

/* clang-format off */
static const struct aml_case aml_cases[] = {
	{"QEMU's Zero Zero Zero Zero", AML(S5, 6, 4, 0, 0, 0, 0), 0, 0, 0},
	{"byte constants", AML(S5, 8, 4, 0x0a, 5, 0x0a, 7, 0, 0), 0, 5, 7},
	{"One and a word constant", AML(S5, 6, 2, 1, 0x0b, 3, 0), 0, 1, 3},
	{"dword and qword constants", AML(S5, 16, 2, 0x0c, 6, 0, 0, 0,
					  0x0e, 2, 0, 0, 0, 0, 0, 0, 0), 0, 6, 2},
	{"a root-prefixed name", AML(0x08, '\\', '_', 'S', '5', '_', 0x12, 5, 2,
				     0x0a, 5, 1), 0, 5, 1},
	{"a parent-prefixed name", AML(0x08, '^', '_', 'S', '5', '_', 0x12, 4,
				       2, 1, 1), 0, 1, 1},
	{"one element for both", AML(S5, 4, 1, 0x0a, 6), 0, 6, 6},
	{"a two-byte PkgLength", AML(S5, 0x46, 0, 2, 1, 0x0a, 2), 0, 1, 2},
	{"a two-byte PkgLength of 0", AML(S5, 0x40, 0, 2, 1, 0x0a, 2), -EINVAL,
	 0, 0},
	{"reserved PkgLength bits", AML(S5, 0x56, 0, 2, 1, 0x0a, 2), -EINVAL,
	 0, 0},
	{"inside other code", AML(0x10, 0x0a, '\\', S5, 5, 2, 0x0a, 3, 0, 0xa3),
	 0, 3, 0},
	{"no _S5", AML(0x08, '_', 'S', '4', '_', 0x12, 4, 2, 0, 0), -ENOENT,
	 0, 0},
	{"_S5_ not after a NameOp", AML(0x14, '_', 'S', '5', '_', 0x12, 4, 2,
					0, 0), -ENOENT, 0, 0},
	{"_S5_ not a package", AML(0x08, '_', 'S', '5', '_', 0x0a, 5), -ENOENT,
	 0, 0},
	{"a value above 7", AML(S5, 5, 2, 0x0a, 8, 0), -EINVAL, 0, 0},
	{"Ones", AML(S5, 4, 2, 0xff, 0), -EINVAL, 0, 0},
	{"a name as element", AML(S5, 6, 2, 'A', 'B', 'C', 'D'), -EINVAL, 0, 0},
	{"zero elements", AML(S5, 2, 0), -EINVAL, 0, 0},
	{"PkgLength past the end", AML(S5, 30, 2, 0, 0), -EINVAL, 0, 0},
	{"PkgLength cut off", AML(S5, 0xc0, 1), -EINVAL, 0, 0},
	{"an element cut off", AML(S5, 4, 2, 0, 0x0b, 1), -EINVAL, 0, 0},
	{"PackageOp at the very end", AML(S5), -EINVAL, 0, 0},
	{"a bad then a good candidate", AML(S5, 4, 2, 0xff, 0,
					    S5, 4, 2, 1, 0), 0, 1, 0},
	{"too short for anything", AML(0x08, '_', 'S', '5'), -ENOENT, 0, 0},
};
/* clang-format on */

static void test_aml(const struct aml_case *c)
{
	uint8_t *aml = malloc(c->n); /* exact size: ASan sees overruns */
	uint8_t a = 0xaa, b = 0xbb;

	memcpy(aml, c->aml, c->n);
	int ret = acpi_aml_find_s5(aml, c->n, &a, &b);
	free(aml);
	CHECK_EQ(ret, c->ret);
	if (ret == 0) {
		CHECK_EQ(a, c->a);
		CHECK_EQ(b, c->b);
	}
}

/* Every cut of every case: nothing may read past the end. */
static void test_aml_truncations(void)
{
	for (size_t i = 0; i < sizeof(aml_cases) / sizeof(aml_cases[0]); i++) {
		for (size_t n = 0; n <= aml_cases[i].n; n++) {
			uint8_t *aml = malloc(n ? n : 1), a, b;

			memcpy(aml, aml_cases[i].aml, n);
			int ret = acpi_aml_find_s5(aml, n, &a, &b);
			free(aml);
			CHECK(ret == 0 || ret == -ENOENT || ret == -EINVAL);
			if (ret == 0)
				CHECK(a < 8 && b < 8);
		}
	}
}

int main(void)
{
	RUN(test_madt_all_types(), "acpi: MADT entries of every type");
	for (volatile size_t i = 0;
	     i < sizeof(bad_madts) / sizeof(bad_madts[0]);
	     i++) /* volatile: setjmp */
		RUN(test_bad_madt(&bad_madts[i]), "acpi: MADT with %s",
		    bad_madts[i].name);
	RUN(test_madt_too_many_cpus(), "acpi: MADT with more CPUs than kept");
	RUN(test_mcfg(), "acpi: MCFG entries, bad ones and overflow");
	for (volatile size_t i = 0;
	     i < sizeof(aml_cases) / sizeof(aml_cases[0]); i++)
		RUN(test_aml(&aml_cases[i]), "acpi: \\_S5 scan: %s",
		    aml_cases[i].name);
	RUN(test_aml_truncations(), "acpi: \\_S5 scan of every truncation");
	TEST_EXIT();
}
