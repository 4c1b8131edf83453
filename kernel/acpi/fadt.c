/*
 * The fixed-layout tables: the FADT ("FACP", ACPI 5.2.9: power-management
 * registers, SCI, reset register, DSDT), the HPET table (IA-PC HPET
 * specification, 3.2.4) and the MCFG (PCI Firmware specification: ECAM
 * ranges). The FADT grew with each ACPI revision, so a field is read only
 * when the table's length covers it; a 116-byte ACPI 1.0 FADT (QEMU's pc
 * machine) simply has no reset register and no 64-bit X_ fields.
 *
 * Pure code: also compiled by the host tests (tests/host/test_acpi.c).
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_priv.h"

enum fadt_offset {
	FADT_FACS = 36,
	FADT_DSDT = 40,
	FADT_SCI_INT = 46,
	FADT_SMI_CMD = 48,
	FADT_ACPI_ENABLE = 52,
	FADT_ACPI_DISABLE = 53,
	FADT_PM1A_EVT = 56, /* then PM1b_EVT, PM1a_CNT, PM1b_CNT, PM2_CNT, */
	FADT_PM_TMR = 76,   /* PM_TMR, GPE0, GPE1: 4 bytes each */
	FADT_GPE0 = 80,
	FADT_GPE1 = 84,
	FADT_PM1_EVT_LEN = 88,
	FADT_PM1_CNT_LEN = 89,
	FADT_PM_TMR_LEN = 91,
	FADT_GPE0_LEN = 92,
	FADT_GPE1_LEN = 93,
	FADT_BOOT_ARCH = 109,
	FADT_FLAGS = 112,
	FADT_V1_LENGTH = 116, /* the ACPI 1.0 table ends here */
	FADT_RESET_REG = 116,
	FADT_RESET_VALUE = 128,
	FADT_X_FACS = 132,
	FADT_X_DSDT = 140,
	FADT_X_PM1A_EVT = 148, /* then the other X_ blocks, 12 bytes each */
	FADT_X_PM_TMR = 208,
	FADT_X_GPE0 = 220,
	FADT_X_GPE1 = 232,
	FADT_SLEEP_CONTROL = 244,
	FADT_SLEEP_STATUS = 256,
};

#define GAS_SIZE 12

/*
 * A register block: the X_ GAS when the table has one with an address,
 * else the 32-bit I/O port of the ACPI 1.0 field, len bytes long.
 */
static struct acpi_gas block(const uint8_t *t, size_t tlen, int off32,
			     int off64, uint8_t len)
{
	struct acpi_gas gas = {0};

	if (off64 && acpi_has(tlen, off64, GAS_SIZE)) {
		acpi_read_gas(t + off64, &gas);
		if (gas.address) {
			if (!gas.bit_width)
				gas.bit_width = len * 8;
			return gas;
		}
	}
	gas = (struct acpi_gas){.space = ACPI_GAS_IO,
				.bit_width = len * 8,
				.address = acpi_le32(t + off32)};
	return gas;
}

static bool gas_space_ok(const struct acpi_gas *gas)
{
	return gas->space == ACPI_GAS_IO || gas->space == ACPI_GAS_MEMORY;
}

/* Drop a block that cannot be used as described, with a warning. */
static void check_block(struct acpi_gas *gas, unsigned int len,
			unsigned int min, const char *name,
			const struct acpi_env *env)
{
	if (!gas->address)
		return;
	if (!gas_space_ok(gas) || len < min) {
		acpi_warn(env,
			  "FADT %s (space %u, length %u) unusable; "
			  "ignoring it",
			  name, gas->space, len);
		gas->address = 0;
	}
}

static void read_blocks(const uint8_t *t, size_t len, struct acpi_fadt *f,
			const struct acpi_env *env)
{
	f->pm1_evt_len = t[FADT_PM1_EVT_LEN];
	f->pm1_cnt_len = t[FADT_PM1_CNT_LEN];
	f->pm_tmr_len = t[FADT_PM_TMR_LEN];
	f->gpe0_len = t[FADT_GPE0_LEN];
	f->gpe1_len = t[FADT_GPE1_LEN];
	f->pm1a_evt =
		block(t, len, FADT_PM1A_EVT, FADT_X_PM1A_EVT, f->pm1_evt_len);
	f->pm1b_evt = block(t, len, FADT_PM1A_EVT + 4, FADT_X_PM1A_EVT + 12,
			    f->pm1_evt_len);
	f->pm1a_cnt = block(t, len, FADT_PM1A_EVT + 8, FADT_X_PM1A_EVT + 24,
			    f->pm1_cnt_len);
	f->pm1b_cnt = block(t, len, FADT_PM1A_EVT + 12, FADT_X_PM1A_EVT + 36,
			    f->pm1_cnt_len);
	f->pm_tmr = block(t, len, FADT_PM_TMR, FADT_X_PM_TMR, f->pm_tmr_len);
	f->gpe0 = block(t, len, FADT_GPE0, FADT_X_GPE0, f->gpe0_len);
	f->gpe1 = block(t, len, FADT_GPE1, FADT_X_GPE1, f->gpe1_len);
	check_block(&f->pm1a_evt, f->pm1_evt_len, 4, "PM1a_EVT_BLK", env);
	check_block(&f->pm1b_evt, f->pm1_evt_len, 4, "PM1b_EVT_BLK", env);
	check_block(&f->pm1a_cnt, f->pm1_cnt_len, 2, "PM1a_CNT_BLK", env);
	check_block(&f->pm1b_cnt, f->pm1_cnt_len, 2, "PM1b_CNT_BLK", env);
	check_block(&f->pm_tmr, f->pm_tmr_len, 4, "PM_TMR_BLK", env);
	check_block(&f->gpe0, f->gpe0_len, 2, "GPE0_BLK", env);
	check_block(&f->gpe1, f->gpe1_len, 2, "GPE1_BLK", env);
}

/* The reset register (ACPI 2.0+), usable only with RESET_REG_SUP. */
static void read_reset(const uint8_t *t, size_t len, struct acpi_fadt *f,
		       const struct acpi_env *env)
{
	if (!acpi_has(len, FADT_RESET_VALUE, 1))
		return;
	acpi_read_gas(t + FADT_RESET_REG, &f->reset_reg);
	f->reset_value = t[FADT_RESET_VALUE];
	if (!(f->flags & ACPI_FADT_RESET_REG_SUP))
		return;
	if (!f->reset_reg.address || f->reset_reg.space > ACPI_GAS_PCI) {
		acpi_warn(env,
			  "FADT reset register (space %u, address 0x%llx) "
			  "unusable; ignoring it",
			  f->reset_reg.space,
			  (unsigned long long)f->reset_reg.address);
		return;
	}
	f->has_reset_reg = true;
}

int acpi_parse_fadt(const void *table, size_t len, struct acpi_fadt *out,
		    const struct acpi_env *env)
{
	const uint8_t *t = table;
	struct acpi_fadt *f = out;

	*f = (struct acpi_fadt){0};
	if (len < FADT_V1_LENGTH) {
		acpi_warn(env,
			  "FADT is %zu bytes, shorter than ACPI 1.0's %d; "
			  "ignoring it",
			  len, FADT_V1_LENGTH);
		return -EINVAL;
	}
	f->revision = t[ACPI_HDR_REVISION];
	f->length = (uint32_t)len;
	f->facs = acpi_le32(t + FADT_FACS);
	f->dsdt = acpi_le32(t + FADT_DSDT);
	if (acpi_has(len, FADT_X_FACS, 8) && acpi_le64(t + FADT_X_FACS))
		f->facs = acpi_le64(t + FADT_X_FACS);
	if (acpi_has(len, FADT_X_DSDT, 8) && acpi_le64(t + FADT_X_DSDT))
		f->dsdt = acpi_le64(t + FADT_X_DSDT);
	f->sci_irq = acpi_le16(t + FADT_SCI_INT);
	f->smi_cmd = acpi_le32(t + FADT_SMI_CMD);
	f->acpi_enable = t[FADT_ACPI_ENABLE];
	f->acpi_disable = t[FADT_ACPI_DISABLE];
	f->flags = acpi_le32(t + FADT_FLAGS);
	if (f->revision >= 2) /* reserved in ACPI 1.0 */
		f->boot_arch = acpi_le16(t + FADT_BOOT_ARCH);
	read_blocks(t, len, f, env);
	read_reset(t, len, f, env);
	if (acpi_has(len, FADT_SLEEP_STATUS, GAS_SIZE)) {
		acpi_read_gas(t + FADT_SLEEP_CONTROL, &f->sleep_control);
		acpi_read_gas(t + FADT_SLEEP_STATUS, &f->sleep_status);
	}
	return 0;
}

int acpi_parse_hpet(const void *table, size_t len, struct acpi_hpet *out,
		    const struct acpi_env *env)
{
	const uint8_t *t = table;
	struct acpi_gas gas;
	uint32_t id;

	*out = (struct acpi_hpet){0};
	if (len < 56) {
		acpi_warn(env, "HPET table is %zu bytes, not 56; ignoring it",
			  len);
		return -EINVAL;
	}
	acpi_read_gas(t + 40, &gas);
	if (gas.space != ACPI_GAS_MEMORY || !gas.address) {
		acpi_warn(env,
			  "HPET at space %u address 0x%llx unusable; "
			  "ignoring it",
			  gas.space, (unsigned long long)gas.address);
		return -EINVAL;
	}
	id = acpi_le32(t + 36);
	out->address = gas.address;
	out->comparators = ((id >> 8) & 0x1f) + 1;
	out->counter_64bit = id & (1u << 13);
	out->legacy_replacement = id & (1u << 15);
	out->pci_vendor = id >> 16;
	out->number = t[52];
	out->min_tick = acpi_le16(t + 53);
	return 0;
}

int acpi_parse_mcfg(const void *table, size_t len,
		    struct acpi_mcfg_segment *out, size_t max,
		    const struct acpi_env *env)
{
	const uint8_t *t = table;
	size_t n = 0;

	if (len < 44) {
		acpi_warn(env, "MCFG is %zu bytes, too short; ignoring it",
			  len);
		return -EINVAL;
	}
	if ((len - 44) % 16)
		acpi_warn(env, "MCFG has %zu stray bytes at its end",
			  (len - 44) % 16);
	for (size_t off = 44; off + 16 <= len; off += 16) {
		const uint8_t *e = t + off;
		struct acpi_mcfg_segment seg = {acpi_le64(e), acpi_le16(e + 8),
						e[10], e[11]};

		if (!seg.base || seg.bus_start > seg.bus_end) {
			acpi_warn(env,
				  "MCFG entry %zu (base 0x%llx, buses "
				  "%u-%u) invalid; skipped",
				  (off - 44) / 16, (unsigned long long)seg.base,
				  seg.bus_start, seg.bus_end);
		} else if (n == max) {
			acpi_warn(env,
				  "MCFG: more than %zu entries; the rest "
				  "are dropped",
				  max);
			break;
		} else {
			out[n++] = seg;
		}
	}
	return (int)n;
}
