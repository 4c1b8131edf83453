/*
 * ACPI tables: what the firmware says about the machine (CPUs, interrupt
 * controllers and their routing, the power-management registers, timers,
 * PCI Express configuration space) and the \_S5 sleep values that power
 * it off. Facts and layouts are from the ACPI specification (6.x).
 *
 * Two layers (kernel/acpi/):
 *  - pure parsers (tables.c, madt.c, fadt.c, aml_s5.c): bytes in, plain
 *    structs out; no kernel calls, so the host tests and fuzzers compile
 *    the same files. Every length, offset and checksum is checked; a bad
 *    table is reported through env->warn and ignored, never trusted.
 *  - the kernel side (acpi.c): acpi_init reads the tables the loader
 *    points at, through the HHDM, logs what it found ("acpi: ...") and
 *    publishes it as acpi_info; power.c and button.c use the FADT.
 *
 * Whatever the tables hold, acpi_info is usable afterwards: with no MADT
 * (or a broken one) irq_model is ACPI_IRQ_PIC and cpu_count 0, meaning
 * "use the 8259 PIC and the PIT, boot CPU only".
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 16
#define ACPI_MAX_OVERRIDES 32
#define ACPI_MAX_NMI_SOURCES 16
#define ACPI_MAX_LAPIC_NMIS 32
#define ACPI_MAX_MCFG 16
#define ACPI_MAX_TABLES 64
#define ACPI_MAX_SSDTS 16
#define ACPI_TABLE_MAX_LENGTH (16u << 20) /* longer is a lie */

/* Generic Address Structure: where a register is (ACPI 5.2.3.2). */
struct acpi_gas {
	uint8_t space; /* ACPI_GAS_* */
	uint8_t bit_width, bit_offset;
	uint8_t access_size; /* 0 undefined, 1 byte ... 4 qword */
	uint64_t address;    /* 0: the register is not there */
};

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1
#define ACPI_GAS_PCI 2

/* MPS INTI flags of overrides and NMI entries (ACPI 5.2.12.5). */
#define ACPI_INTI_POLARITY_MASK 0x3
#define ACPI_INTI_ACTIVE_HIGH 0x1
#define ACPI_INTI_ACTIVE_LOW 0x3
#define ACPI_INTI_TRIGGER_MASK 0xc
#define ACPI_INTI_EDGE 0x4
#define ACPI_INTI_LEVEL 0xc

#define ACPI_UID_ALL 0xffffffffu /* a local APIC NMI for every CPU */

struct acpi_cpu {
	uint32_t apic_id;    /* x2APIC ID if x2apic, else the 8-bit APIC ID */
	uint32_t uid;	     /* ACPI processor UID, which NMI entries name */
	bool enabled;	     /* usable now */
	bool online_capable; /* absent now, may be hot-added */
	bool x2apic;	     /* from an x2APIC entry */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address; /* physical, of its registers */
	uint32_t gsi_base;
};

/* ISA IRQ source arrives on GSI gsi, with INTI flags (ACPI_INTI_*). */
struct acpi_override {
	uint8_t bus, source;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_nmi_source {
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_lapic_nmi {
	uint32_t uid; /* ACPI_UID_ALL: every CPU */
	uint8_t lint; /* LINT0 or LINT1 */
	uint16_t flags;
};

struct acpi_madt {
	uint64_t lapic_address; /* after any address override entry */
	bool pcat_compat;	/* dual 8259 PICs present (mask them) */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	size_t cpu_count, cpus_dropped; /* dropped: beyond ACPI_MAX_CPUS */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	size_t ioapic_count;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	size_t override_count;
	struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
	size_t nmi_source_count;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	size_t lapic_nmi_count;
};

/* FADT flags (ACPI 5.2.9, table 5.10) and IA-PC boot architecture flags. */
#define ACPI_FADT_PWR_BUTTON (1u << 4) /* set: no fixed power button */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20)
#define ACPI_BOOT_LEGACY_DEVICES (1u << 0)
#define ACPI_BOOT_8042 (1u << 1)

struct acpi_fadt {
	uint8_t revision;
	uint32_t length;
	uint64_t dsdt, facs; /* physical; X_ fields preferred when set */
	uint16_t sci_irq;    /* a GSI; ISA IRQ 9 on QEMU */
	uint32_t smi_cmd;    /* port to write acpi_enable to; 0: none */
	uint8_t acpi_enable, acpi_disable;
	/* 32-bit blocks turned into system I/O GAS when no X_ field. */
	struct acpi_gas pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt;
	struct acpi_gas pm_tmr, gpe0, gpe1;
	uint8_t pm1_evt_len, pm1_cnt_len, pm_tmr_len, gpe0_len, gpe1_len;
	uint32_t flags;	    /* ACPI_FADT_* */
	uint16_t boot_arch; /* ACPI_BOOT_*; 0 in a revision 1 FADT */
	bool has_reset_reg; /* in the table and RESET_REG_SUP set */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	struct acpi_gas sleep_control, sleep_status; /* HW-reduced only */
};

struct acpi_hpet {
	uint64_t address; /* physical, system memory */
	uint8_t comparators;
	bool counter_64bit, legacy_replacement;
	uint16_t pci_vendor;
	uint8_t number;
	uint16_t min_tick;
};

/* One PCI Express ECAM range: bus n is at base + (n << 20). */
struct acpi_mcfg_segment {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_table_ref {
	char signature[5];
	uint64_t phys;
	uint32_t length;
	bool valid; /* length and checksum right */
};

enum acpi_irq_model {
	ACPI_IRQ_PIC,  /* no usable MADT: 8259 PIC + PIT, boot CPU only */
	ACPI_IRQ_APIC, /* MADT with an enabled CPU and an IOAPIC */
};

/* Problems found, as bits of acpi_info.problems (each also warned). */
#define ACPI_PROB_RSDP (1u << 0)    /* no valid RSDP: nothing else */
#define ACPI_PROB_XSDT (1u << 1)    /* bad XSDT, RSDT used instead */
#define ACPI_PROB_ROOT (1u << 2)    /* no valid RSDT/XSDT */
#define ACPI_PROB_TABLE (1u << 3)   /* a listed table was bad or unreachable */
#define ACPI_PROB_NO_MADT (1u << 4) /* none, or a bad one */
#define ACPI_PROB_MADT_ENTRY \
	(1u << 5) /* a bad MADT entry (skipped or stopped) */
#define ACPI_PROB_NO_FADT (1u << 6)
#define ACPI_PROB_FADT (1u << 7) /* a FADT field was unusable */
#define ACPI_PROB_DSDT (1u << 8) /* none, or a bad one */
#define ACPI_PROB_S5 (1u << 9)	 /* no usable \_S5 package */
#define ACPI_PROB_HPET (1u << 10)
#define ACPI_PROB_MCFG (1u << 11)
#define ACPI_PROB_OVERFLOW (1u << 12) /* more entries than the arrays hold */

struct acpi_info {
	bool has_rsdp;
	uint8_t rsdp_revision;
	char oem_id[7];
	bool using_xsdt;
	uint64_t root_phys; /* of the XSDT or RSDT used */
	struct acpi_table_ref tables[ACPI_MAX_TABLES]; /* as listed, + DSDT */
	size_t table_count;

	bool has_madt, has_fadt, has_hpet, has_dsdt, has_s5;
	enum acpi_irq_model irq_model;
	struct acpi_madt madt;
	struct acpi_fadt fadt;
	struct acpi_hpet hpet;
	struct acpi_mcfg_segment mcfg[ACPI_MAX_MCFG];
	size_t mcfg_count;
	uint64_t dsdt_phys;
	uint64_t ssdt_phys[ACPI_MAX_SSDTS];
	size_t ssdt_count;
	uint8_t slp_typ_a, slp_typ_b; /* \_S5 values, if has_s5 */
	unsigned int problems;	      /* ACPI_PROB_* */
};

/*
 * How the pure parsers reach memory and report problems. map returns len
 * readable bytes at physical address phys, or NULL if they cannot be
 * reached; a pointer stays valid for the whole parse. warn (may be NULL)
 * gets a message without the "acpi: " prefix or a newline.
 */
struct acpi_env {
	const void *(*map)(void *ctx, uint64_t phys, size_t len);
	void (*warn)(void *ctx, const char *fmt, va_list ap);
	void *ctx;
};

/*
 * Walk everything from the RSDP at rsdp_phys into *info (overwritten):
 * root table (XSDT, else RSDT), each listed table, the DSDT and \_S5.
 * 0, or -ENODEV when there is no valid RSDP or root table; *info is
 * consistent (with its fallbacks) either way.
 */
int acpi_parse(uint64_t rsdp_phys, const struct acpi_env *env,
	       struct acpi_info *info);

/*
 * Check a table's header against the avail bytes reachable at table:
 * length at least the header, within avail and ACPI_TABLE_MAX_LENGTH,
 * bytes summing to 0. 0, or -EINVAL with *why ("checksum bad", ...).
 */
int acpi_table_check(const void *table, size_t avail, const char **why);

/*
 * The table parsers take a checked table of len bytes (its header
 * length), fill *out (overwritten) and return 0, or -EINVAL when nothing
 * usable is in it. Entries that are wrong are warned about and skipped;
 * acpi_parse_madt returns how many (0 when all is well).
 */
int acpi_parse_madt(const void *table, size_t len, struct acpi_madt *out,
		    const struct acpi_env *env);
int acpi_parse_fadt(const void *table, size_t len, struct acpi_fadt *out,
		    const struct acpi_env *env);
int acpi_parse_hpet(const void *table, size_t len, struct acpi_hpet *out,
		    const struct acpi_env *env);
/* Fills out[0..max), returns the count (0..max) or -EINVAL. */
int acpi_parse_mcfg(const void *table, size_t len,
		    struct acpi_mcfg_segment *out, size_t max,
		    const struct acpi_env *env);

/*
 * Find Name(\_S5, Package(){a, b, ...}) in AML bytecode (a DSDT's or
 * SSDT's body, after the header) and its first two integers, the
 * SLP_TYPa and SLP_TYPb values. 0, -ENOENT (no such object), or -EINVAL
 * (the package is malformed or its values do not fit SLP_TYP's 3 bits).
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a,
		     uint8_t *slp_typ_b);

/* Kernel side (kernel/acpi/acpi.c). */

/* What acpi_init found; all zero (irq_model ACPI_IRQ_PIC) before it. */
extern const struct acpi_info *const acpi_info;

/*
 * Parse the loader's RSDP and everything below it, log the findings and
 * the problems ("acpi: ..."). Never fails: without ACPI, acpi_info says
 * so. Call once, before the interrupt controllers are set up.
 */
void acpi_init(void);

/* "io 0xcf9", "mem 0xfed00000", ...: a GAS for logs, into buf. */
const char *acpi_gas_describe(const struct acpi_gas *gas, char *buf,
			      size_t size);

#endif
