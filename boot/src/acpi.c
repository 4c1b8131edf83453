/*
 * Finding the ACPI RSDP the BIOS way: the first KiB of the EBDA, then the
 * BIOS area 0xe0000-0xfffff, on 16-byte boundaries, checksum verified.
 */
#include "loader.h"

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
