/*
 * The MADT ("APIC", ACPI 5.2.12): the interrupt controllers. After a
 * fixed part (local APIC address, flags) come variable-length entries,
 * each starting with a type byte and a length byte. The length is what
 * moves the walk on, so it is the one thing never trusted: an entry that
 * is shorter than two bytes or runs past the table ends the walk (there is
 * no safe next entry), one too short for its type is skipped.
 *
 * Pure code: also compiled by the host tests (tests/host/test_acpi.c).
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_priv.h"

#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_ENTRIES 44
#define MADT_PCAT_COMPAT (1u << 0)

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

/* The shortest valid entry of each type handled here; 0: not handled. */
static uint8_t entry_min_length(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
	case MADT_NMI_SOURCE:
		return 8;
	case MADT_IOAPIC:
	case MADT_LAPIC_ADDR_OVERRIDE:
	case MADT_X2APIC_NMI:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_X2APIC:
		return 16;
	default:
		return 0;
	}
}

static void add_cpu(struct acpi_madt *m, uint32_t apic_id, uint32_t uid,
		    uint32_t flags, bool x2apic)
{
	struct acpi_cpu *cpu;

	if (m->cpu_count == ACPI_MAX_CPUS) {
		m->cpus_dropped++;
		return;
	}
	cpu = &m->cpus[m->cpu_count++];
	cpu->apic_id = apic_id;
	cpu->uid = uid;
	cpu->enabled = flags & 1;
	cpu->online_capable = !cpu->enabled && (flags & 2);
	cpu->x2apic = x2apic;
}

/* Append *item to an array of max; false if it is full. */
#define MADT_APPEND(arr, count, max, item) \
	((count) < (max) ? ((arr)[(count)++] = (item), true) : false)

static bool add_entry(struct acpi_madt *m, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		add_cpu(m, e[3], e[2], acpi_le32(e + 4), false);
		return true;
	case MADT_X2APIC:
		add_cpu(m, acpi_le32(e + 4), acpi_le32(e + 12),
			acpi_le32(e + 8), true);
		return true;
	case MADT_IOAPIC:
		return MADT_APPEND(m->ioapics, m->ioapic_count,
				   ACPI_MAX_IOAPICS,
				   ((struct acpi_ioapic){e[2], acpi_le32(e + 4),
							 acpi_le32(e + 8)}));
	case MADT_OVERRIDE:
		return MADT_APPEND(
			m->overrides, m->override_count, ACPI_MAX_OVERRIDES,
			((struct acpi_override){e[2], e[3], acpi_le32(e + 4),
						acpi_le16(e + 8)}));
	case MADT_NMI_SOURCE:
		return MADT_APPEND(
			m->nmi_sources, m->nmi_source_count,
			ACPI_MAX_NMI_SOURCES,
			((struct acpi_nmi_source){acpi_le32(e + 4),
						  acpi_le16(e + 2)}));
	case MADT_LAPIC_NMI:
		return MADT_APPEND(m->lapic_nmis, m->lapic_nmi_count,
				   ACPI_MAX_LAPIC_NMIS,
				   ((struct acpi_lapic_nmi){
					   e[2] == 0xff ? ACPI_UID_ALL : e[2],
					   e[5], acpi_le16(e + 3)}));
	case MADT_X2APIC_NMI:
		return MADT_APPEND(
			m->lapic_nmis, m->lapic_nmi_count, ACPI_MAX_LAPIC_NMIS,
			((struct acpi_lapic_nmi){acpi_le32(e + 4), e[8],
						 acpi_le16(e + 2)}));
	case MADT_LAPIC_ADDR_OVERRIDE:
		m->lapic_address = acpi_le64(e + 4);
		return true;
	}
	return true;
}

/*
 * Walk the entries from MADT_ENTRIES to len. Returns the number of bad
 * entries (warned about).
 */
static int walk_entries(const uint8_t *t, size_t len, struct acpi_madt *m,
			const struct acpi_env *env)
{
	size_t off = MADT_ENTRIES;
	int bad = 0;

	while (off < len) {
		const uint8_t *e = t + off;
		size_t left = len - off;

		if (left < 2 || e[1] < 2 || e[1] > left) {
			acpi_warn(env,
				  "MADT entry at offset %zu (type %u, length "
				  "%u) runs off the table's %zu bytes; "
				  "ignoring the rest",
				  off, e[0], left < 2 ? 0 : e[1], len);
			return bad + 1;
		}
		if (e[1] < entry_min_length(e[0])) {
			acpi_warn(env,
				  "MADT entry type %u at offset %zu is %u "
				  "bytes, shorter than %u; skipped",
				  e[0], off, e[1], entry_min_length(e[0]));
			bad++;
		} else if (!add_entry(m, e)) {
			acpi_warn(env,
				  "MADT entry type %u at offset %zu: "
				  "too many of that type; dropped",
				  e[0], off);
		}
		off += e[1];
	}
	return bad;
}

int acpi_parse_madt(const void *table, size_t len, struct acpi_madt *out,
		    const struct acpi_env *env)
{
	const uint8_t *t = table;
	int bad;

	*out = (struct acpi_madt){0};
	if (!acpi_has(len, MADT_FLAGS, 4)) {
		acpi_warn(env, "MADT is %zu bytes, too short for its header",
			  len);
		return -EINVAL;
	}
	out->lapic_address = acpi_le32(t + MADT_LAPIC_ADDR);
	out->pcat_compat = acpi_le32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;
	bad = walk_entries(t, len, out, env);
	if (out->cpus_dropped)
		acpi_warn(env, "MADT lists %zu CPUs; only %d are kept",
			  out->cpu_count + out->cpus_dropped, ACPI_MAX_CPUS);
	return bad;
}
