/*
 * Finding the ACPI RSDP the BIOS way: the first KiB of the EBDA, then the
 * BIOS area 0xe0000-0xfffff, on 16-byte boundaries, checksum verified.
 */
#include "loader.h"
#include "madt.h"

static bool rsdp_valid(const uint8_t *p)
{
	uint8_t sum = 0;
	if (memcmp(p, "RSD PTR ", 8) != 0)
		return false;
	for (int i = 0; i < 20; i++)
		sum += p[i];
	if (sum)
		return false;
	if (p[15] >= 2) { /* ACPI 2.0+: the extended checksum too */
		uint32_t len = get_le32(p + 20);
		if (len < 36 || len > 4096)
			return false;
		for (uint32_t i = 0; i < len; i++)
			sum += p[i];
	}
	return sum == 0;
}

static uint64_t scan(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a + 36 <= end; a += 16)
		if (rsdp_valid((const uint8_t *)(uintptr_t)a))
			return a;
	return 0;
}

uint64_t acpi_find_rsdp(void)
{
	uint64_t ebda = (uint64_t) * (volatile uint16_t *)phys_ptr(0x40e) << 4;
	uint64_t rsdp = 0;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = scan(ebda, ebda + 1024);
	return rsdp ? rsdp : scan(0xe0000, 0x100000);
}

/*
 * The ACPI table with signature sig (first match) through the XSDT, or the
 * RSDT without one; NULL if absent, malformed or above 4 GiB (the loader
 * only maps the first 4 GiB). *len is the table's length.
 */
const uint8_t *acpi_find_table(const char *sig, size_t *len)
{
	uint64_t rsdp_phys = acpi_find_rsdp();
	if (!rsdp_phys)
		return NULL;
	const uint8_t *rsdp = phys_ptr(rsdp_phys);
	bool x = rsdp[15] >= 2 && get_le64(rsdp + 24) != 0;
	uint64_t root = x ? get_le64(rsdp + 24) : get_le32(rsdp + 16);
	const uint8_t *rt = phys_ptr(root);
	if (root >= (1ULL << 32) || get_le32(rt + 4) < 36 ||
	    get_le32(rt + 4) > 0x10000 ||
	    !acpi_checksum_ok(rt, get_le32(rt + 4)))
		return NULL;
	size_t width = x ? 8 : 4, n = (get_le32(rt + 4) - 36) / width;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = x ? get_le64(rt + 36 + 8 * i)
			       : get_le32(rt + 36 + 4 * i);
		const uint8_t *t = phys_ptr(a);
		if (a == 0 || a >= (1ULL << 32) - 36 || memcmp(t, sig, 4) != 0)
			continue;
		*len = get_le32(t + 4);
		if (*len >= 36 && *len <= 0x100000)
			return t;
	}
	return NULL;
}
