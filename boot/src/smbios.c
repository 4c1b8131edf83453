/*
 * SMBIOS entry point scan (see smbios.h). The area is firmware memory the
 * loader does not trust: every length is checked against what is left.
 */
#include "smbios.h"

static bool sums_to_zero(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum == 0;
}

/*
 * "_SM_": its length at 5 (0x1f; some 2.1 BIOSes say 0x1e), a checksum
 * over that length, and the intermediate "_DMI_" anchor at 16 with a
 * checksum of its own over 15 bytes.
 */
static bool entry32_valid(const uint8_t *p, size_t left)
{
	if (left < 0x1f || memcmp(p, "_SM_", 4) != 0)
		return false;
	if (p[5] < 0x1e || p[5] > 0x20 || p[5] > left)
		return false;
	return sums_to_zero(p, p[5]) && memcmp(p + 16, "_DMI_", 5) == 0 &&
	       sums_to_zero(p + 16, 15);
}

/* "_SM3_": its length at 6 (0x18), a checksum, major version 3 or more. */
static bool entry64_valid(const uint8_t *p, size_t left)
{
	if (left < 0x18 || memcmp(p, "_SM3_", 5) != 0)
		return false;
	if (p[6] < 0x18 || p[6] > 0x20 || p[6] > left)
		return false;
	return sums_to_zero(p, p[6]) && p[7] >= 3;
}

int smbios_find(const uint8_t *area, size_t len, uint64_t base,
		uint64_t *entry32, uint64_t *entry64)
{
	*entry32 = 0;
	*entry64 = 0;
	for (size_t off = 0; off < len; off += 16) {
		const uint8_t *p = area + off;

		if (!*entry32 && entry32_valid(p, len - off))
			*entry32 = base + off;
		if (!*entry64 && entry64_valid(p, len - off))
			*entry64 = base + off;
	}
	return *entry32 || *entry64 ? 0 : -ENOENT;
}
