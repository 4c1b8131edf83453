/*
 * The tables below the root (rsdp.c finds the root): each one the RSDT or
 * XSDT lists is mapped and checked (length and checksum) before its parser
 * sees it, then the FADT's DSDT and the SSDTs are scanned for \_S5. Each
 * problem is warned about once and leaves a fallback in acpi_info (see
 * acpi.h), so the boot goes on.
 *
 * Pure code: memory is reached only through env->map, so the host tests
 * run this same walk over QEMU's real tables.
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_priv.h"

int acpi_table_check(const void *table, size_t avail, const char **why)
{
	const uint8_t *t = table;
	uint32_t len;

	if (avail < ACPI_HDR_SIZE) {
		*why = "header cut short";
		return -EINVAL;
	}
	len = acpi_le32(t + ACPI_HDR_LENGTH);
	if (len < ACPI_HDR_SIZE) {
		*why = "length shorter than its header";
		return -EINVAL;
	}
	if (len > avail || len > ACPI_TABLE_MAX_LENGTH) {
		*why = "length runs past the memory it is in";
		return -EINVAL;
	}
	if (acpi_sum(t, len) != 0) {
		*why = "checksum bad";
		return -EINVAL;
	}
	return 0;
}

static char printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

static size_t append(char *dst, size_t n, const char *s)
{
	while (*s)
		dst[n++] = *s++;
	dst[n] = '\0';
	return n;
}

/* "APIC (MADT)", "DSDT", ...: the table for warnings; "table" if unknown. */
static void table_name(char name[16], const uint8_t *hdr, const char *expect)
{
	char sig[5] = {0};

	if (!hdr && !expect) {
		append(name, 0, "table");
		return;
	}
	for (int i = 0; i < 4; i++)
		sig[i] = hdr ? printable(hdr[i]) : expect[i];
	append(name, 0, sig);
	if (acpi_sig_is((const uint8_t *)sig, "APIC"))
		append(name, 4, " (MADT)");
	else if (acpi_sig_is((const uint8_t *)sig, "FACP"))
		append(name, 4, " (FADT)");
}

/* Map the whole table at phys and check it: its bytes, or NULL and why. */
static const uint8_t *map_checked(uint64_t phys, const uint8_t *hdr,
				  const char *expect,
				  const struct acpi_env *env, const char **why)
{
	uint32_t n = acpi_le32(hdr + ACPI_HDR_LENGTH);
	const uint8_t *t;

	if (n < ACPI_HDR_SIZE || n > ACPI_TABLE_MAX_LENGTH) {
		*why = n < ACPI_HDR_SIZE ? "length shorter than its header"
					 : "length implausibly large";
		return NULL;
	}
	t = env->map(env->ctx, phys, n);
	if (!t) {
		*why = "length runs past the memory it is in";
		return NULL;
	}
	if (acpi_table_check(t, n, why) < 0)
		return NULL;
	if (expect && !acpi_sig_is(t, expect)) {
		*why = "signature wrong";
		return NULL;
	}
	return t;
}

/*
 * Map and check the table at phys (of signature expect, unless NULL);
 * record it in info->tables if record. Returns its bytes (length in
 * *len), or NULL after a warning.
 */
const uint8_t *acpi_load_table(uint64_t phys, const char *expect, bool record,
			       const struct acpi_env *env,
			       struct acpi_info *info, uint32_t *len)
{
	const uint8_t *hdr =
		phys ? env->map(env->ctx, phys, ACPI_HDR_SIZE) : NULL;
	const char *why = phys ? "not reachable" : "address 0";
	const uint8_t *t =
		hdr ? map_checked(phys, hdr, expect, env, &why) : NULL;
	char name[16];

	table_name(name, hdr, expect);
	*len = hdr ? acpi_le32(hdr + ACPI_HDR_LENGTH) : 0;
	if (hdr && record && info->table_count < ACPI_MAX_TABLES) {
		struct acpi_table_ref *ref = &info->tables[info->table_count++];

		*ref = (struct acpi_table_ref){
			.phys = phys, .length = *len, .valid = t != NULL};
		for (int i = 0; i < 4; i++)
			ref->signature[i] = name[i];
	}
	if (!t) {
		acpi_warn(env, "%s at 0x%llx: %s, ignoring it", name,
			  (unsigned long long)phys, why);
		info->problems |= ACPI_PROB_TABLE;
	}
	return t;
}

static void record_s5(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	if (!info->has_s5 &&
	    acpi_aml_find_s5(t + ACPI_HDR_SIZE, len - ACPI_HDR_SIZE,
			     &info->slp_typ_a, &info->slp_typ_b) == 0)
		info->has_s5 = true;
}

/* Hand one checked table to its parser. */
static void dispatch(const uint8_t *t, uint32_t len, uint64_t phys,
		     const struct acpi_env *env, struct acpi_info *info)
{
	if (acpi_sig_is(t, "APIC") && !info->has_madt) {
		int bad = acpi_parse_madt(t, len, &info->madt, env);

		info->has_madt = bad >= 0;
		if (bad > 0)
			info->problems |= ACPI_PROB_MADT_ENTRY;
	} else if (acpi_sig_is(t, "FACP") && !info->has_fadt) {
		info->has_fadt = acpi_parse_fadt(t, len, &info->fadt, env) == 0;
	} else if (acpi_sig_is(t, "HPET") && !info->has_hpet) {
		info->has_hpet = acpi_parse_hpet(t, len, &info->hpet, env) == 0;
		if (!info->has_hpet)
			info->problems |= ACPI_PROB_HPET;
	} else if (acpi_sig_is(t, "MCFG") && !info->mcfg_count) {
		int n = acpi_parse_mcfg(t, len, info->mcfg, ACPI_MAX_MCFG, env);

		info->mcfg_count = n > 0 ? (size_t)n : 0;
		if (n < 0)
			info->problems |= ACPI_PROB_MCFG;
	} else if (acpi_sig_is(t, "SSDT") &&
		   info->ssdt_count < ACPI_MAX_SSDTS) {
		info->ssdt_phys[info->ssdt_count++] = phys;
	}
}

/* Every table the root lists: entry_size 4 (RSDT) or 8 (XSDT). */
void acpi_walk_root(const uint8_t *root, uint32_t len, size_t entry_size,
		    const struct acpi_env *env, struct acpi_info *info)
{
	for (size_t off = ACPI_HDR_SIZE; off + entry_size <= len;
	     off += entry_size) {
		uint64_t phys = entry_size == 4 ? acpi_le32(root + off)
						: acpi_le64(root + off);
		uint32_t tlen;
		const uint8_t *t =
			acpi_load_table(phys, NULL, true, env, info, &tlen);

		if (t)
			dispatch(t, tlen, phys, env, info);
	}
	if ((len - ACPI_HDR_SIZE) % entry_size)
		acpi_warn(env, "%s has %zu stray bytes at its end",
			  entry_size == 4 ? "RSDT" : "XSDT",
			  (len - ACPI_HDR_SIZE) % entry_size);
}

/* The DSDT and SSDTs: \_S5 for power_off. */
void acpi_scan_aml(const struct acpi_env *env, struct acpi_info *info)
{
	uint32_t len;
	const uint8_t *t;

	if (info->has_fadt) {
		t = acpi_load_table(info->fadt.dsdt, "DSDT", true, env, info,
				    &len);
		info->has_dsdt = t != NULL;
		info->dsdt_phys = info->fadt.dsdt;
		if (t)
			record_s5(t, len, info);
	}
	if (!info->has_dsdt)
		info->problems |= ACPI_PROB_DSDT;
	for (size_t i = 0; i < info->ssdt_count; i++) {
		t = acpi_load_table(info->ssdt_phys[i], "SSDT", false, env,
				    info, &len);
		if (t)
			record_s5(t, len, info);
	}
	if (!info->has_s5) {
		acpi_warn(env, "no \\_S5 package in the DSDT or SSDTs: "
			       "no ACPI power off");
		info->problems |= ACPI_PROB_S5;
	}
}
