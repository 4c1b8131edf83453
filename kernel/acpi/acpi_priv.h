/*
 * Helpers shared by the ACPI parsers in kernel/acpi/ only: little-endian
 * reads from unaligned table bytes, the warning hook and the header
 * layout. Pure code: the host tests include it too.
 */
#ifndef KERNEL_ACPI_PRIV_H
#define KERNEL_ACPI_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/acpi.h>
#include <kernel/compiler.h>

/* The standard header every table but the FACS starts with (5.2.6). */
#define ACPI_HDR_LENGTH 4
#define ACPI_HDR_REVISION 8
#define ACPI_HDR_CHECKSUM 9
#define ACPI_HDR_OEM_ID 10
#define ACPI_HDR_SIZE 36

/* Table bytes are unaligned and little-endian: read them bytewise. */
static inline uint16_t acpi_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_le64(const uint8_t *p)
{
	return acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/* Do the four bytes at p spell sig? */
static inline bool acpi_sig_is(const uint8_t *p, const char *sig)
{
	return p[0] == (uint8_t)sig[0] && p[1] == (uint8_t)sig[1] &&
	       p[2] == (uint8_t)sig[2] && p[3] == (uint8_t)sig[3];
}

/* Whether a field of size bytes at off lies within a table of len bytes. */
static inline bool acpi_has(size_t len, size_t off, size_t size)
{
	return off <= len && size <= len - off;
}

/* The 8-bit sum of len bytes: 0 for a valid ACPI checksum. */
static inline uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/* A GAS (12 bytes) from table bytes. */
static inline void acpi_read_gas(const uint8_t *p, struct acpi_gas *gas)
{
	gas->space = p[0];
	gas->bit_width = p[1];
	gas->bit_offset = p[2];
	gas->access_size = p[3];
	gas->address = acpi_le64(p + 4);
}

/* Report a problem through env->warn, if there is one. */
static inline __printf(2, 3) void acpi_warn(const struct acpi_env *env,
					    const char *fmt, ...)
{
	va_list ap;

	if (!env || !env->warn)
		return;
	va_start(ap, fmt);
	env->warn(env->ctx, fmt, ap);
	va_end(ap);
}

/* tables.c, for rsdp.c. */

/*
 * Map and check the table at phys (of signature expect, unless NULL);
 * record it in info->tables if record. Its bytes (length in *len), or
 * NULL after a warning.
 */
const uint8_t *acpi_load_table(uint64_t phys, const char *expect, bool record,
			       const struct acpi_env *env,
			       struct acpi_info *info, uint32_t *len);
/* Load and parse every table the root lists (entry_size 4 or 8). */
void acpi_walk_root(const uint8_t *root, uint32_t len, size_t entry_size,
		    const struct acpi_env *env, struct acpi_info *info);
/* Find \_S5 in the DSDT, then the SSDTs. */
void acpi_scan_aml(const struct acpi_env *env, struct acpi_info *info);

#endif
