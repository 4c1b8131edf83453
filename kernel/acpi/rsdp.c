/*
 * acpi_parse: from the RSDP (ACPI 5.2.5) to the root table, then to
 * everything below it (tables.c). An RSDP of revision 2 or more has a
 * 64-bit XSDT pointer under an extended checksum; revision 0 (SeaBIOS,
 * so QEMU's pc and q35) has only the RSDT. A bad XSDT falls back to the
 * RSDT, as the specification lets a 32-bit OS do anyway. At the end the
 * fallbacks are settled: no usable MADT means the 8259 PIC and the PIT
 * on the boot CPU alone.
 *
 * Pure code: also compiled by the host tests and the fuzzer.
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_priv.h"

#define RSDP_V1_SIZE 20
#define RSDP_V2_SIZE 36
#define RSDP_OEM_ID 9
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_MAX_LENGTH 4096 /* 36 in every revision so far */

static const uint8_t *load_rsdp(uint64_t phys, const struct acpi_env *env,
				struct acpi_info *info)
{
	const uint8_t *r = env->map(env->ctx, phys, RSDP_V1_SIZE);

	if (!r || !acpi_sig_is(r, "RSD ") || !acpi_sig_is(r + 4, "PTR ")) {
		acpi_warn(env, "no RSDP at 0x%llx", (unsigned long long)phys);
		return NULL;
	}
	if (acpi_sum(r, RSDP_V1_SIZE) != 0) {
		acpi_warn(env, "RSDP checksum bad, ignoring it");
		return NULL;
	}
	info->has_rsdp = true;
	info->rsdp_revision = r[RSDP_REVISION];
	for (int i = 0; i < 6; i++)
		info->oem_id[i] =
			r[RSDP_OEM_ID + i] >= 0x20 && r[RSDP_OEM_ID + i] < 0x7f
				? (char)r[RSDP_OEM_ID + i]
				: '?';
	return r;
}

/* The XSDT address of an ACPI 2.0+ RSDP, or 0 if it has none we trust. */
static uint64_t xsdt_address(uint64_t phys, const uint8_t *r,
			     const struct acpi_env *env)
{
	uint32_t len;

	if (r[RSDP_REVISION] < 2)
		return 0;
	r = env->map(env->ctx, phys, RSDP_V2_SIZE);
	len = r ? acpi_le32(r + RSDP_LENGTH) : 0;
	if (len < RSDP_V2_SIZE || len > RSDP_MAX_LENGTH ||
	    !(r = env->map(env->ctx, phys, len))) {
		acpi_warn(env,
			  "RSDP revision 2 length %u wrong; using the RSDT",
			  len);
		return 0;
	}
	if (acpi_sum(r, len) != 0) {
		acpi_warn(env, "RSDP extended checksum bad; using the RSDT");
		return 0;
	}
	return acpi_le64(r + RSDP_XSDT);
}

/* Load the XSDT, else the RSDT, and walk it. 0 or -ENODEV. */
static int walk_from_root(uint64_t rsdp_phys, const uint8_t *r,
			  const struct acpi_env *env, struct acpi_info *info)
{
	uint64_t xsdt = xsdt_address(rsdp_phys, r, env);
	uint64_t rsdt = acpi_le32(r + RSDP_RSDT);
	const uint8_t *root;
	uint32_t len;

	if (xsdt) {
		root = acpi_load_table(xsdt, "XSDT", true, env, info, &len);
		if (root) {
			info->using_xsdt = true;
			info->root_phys = xsdt;
			acpi_walk_root(root, len, 8, env, info);
			return 0;
		}
		info->problems |= ACPI_PROB_XSDT;
		acpi_warn(env, "falling back to the RSDT");
	}
	root = acpi_load_table(rsdt, "RSDT", true, env, info, &len);
	if (!root) {
		info->problems |= ACPI_PROB_ROOT;
		acpi_warn(env, "no usable RSDT or XSDT: ACPI tables ignored");
		return -ENODEV;
	}
	info->root_phys = rsdt;
	acpi_walk_root(root, len, 4, env, info);
	return 0;
}

static size_t enabled_cpus(const struct acpi_madt *madt)
{
	size_t n = 0;

	for (size_t i = 0; i < madt->cpu_count; i++)
		n += madt->cpus[i].enabled;
	return n;
}

/* What is missing, and the fallback for the interrupt model. */
static void settle(const struct acpi_env *env, struct acpi_info *info)
{
	if (!info->has_fadt) {
		info->problems |= ACPI_PROB_NO_FADT;
		acpi_warn(env, "no usable FADT: no ACPI power management");
	}
	info->irq_model = ACPI_IRQ_PIC;
	if (!info->has_madt) {
		info->problems |= ACPI_PROB_NO_MADT;
		acpi_warn(env, "no usable MADT: use the PIC and PIT, one CPU");
	} else if (!enabled_cpus(&info->madt) || !info->madt.ioapic_count) {
		info->problems |= ACPI_PROB_NO_MADT;
		acpi_warn(env,
			  "MADT lists %zu enabled CPUs and %zu IOAPICs: "
			  "use the PIC and PIT, one CPU",
			  enabled_cpus(&info->madt), info->madt.ioapic_count);
	} else {
		info->irq_model = ACPI_IRQ_APIC;
	}
	if (info->madt.cpus_dropped || info->table_count == ACPI_MAX_TABLES)
		info->problems |= ACPI_PROB_OVERFLOW;
}

int acpi_parse(uint64_t rsdp_phys, const struct acpi_env *env,
	       struct acpi_info *info)
{
	const uint8_t *r;
	int ret = -ENODEV;

	*info = (struct acpi_info){0};
	r = load_rsdp(rsdp_phys, env, info);
	if (!r)
		info->problems |= ACPI_PROB_RSDP;
	else
		ret = walk_from_root(rsdp_phys, r, env, info);
	if (ret == 0) {
		acpi_scan_aml(env, info);
		settle(env, info);
	} else {
		info->irq_model = ACPI_IRQ_PIC;
		info->problems |= ACPI_PROB_NO_MADT | ACPI_PROB_NO_FADT;
	}
	return ret;
}
