/*
 * Listing processors from the MADT ("APIC" table): entries of type 0
 * (processor local APIC) and 9 (processor local x2APIC) whose "enabled"
 * flag is set. Every length comes from the table, so every one is checked.
 */
#include "madt.h"

#define MADT_HEADER 44 /* SDT header (36) + local APIC address + flags */
#define MADT_LAPIC 0
#define MADT_X2APIC 9
#define MADT_ENABLED 1u

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

static bool seen(const struct madt_cpu *cpus, int n, uint32_t apic_id)
{
	for (int i = 0; i < n; i++)
		if (cpus[i].apic_id == apic_id)
			return true;
	return false;
}

int madt_cpus(const uint8_t *table, size_t len, struct madt_cpu *cpus, int max)
{
	int n = 0;

	if (len < MADT_HEADER || memcmp(table, "APIC", 4) != 0 ||
	    get_le32(table + 4) != len || !acpi_checksum_ok(table, len))
		return -EINVAL;
	for (size_t off = MADT_HEADER; off + 2 <= len;) {
		const uint8_t *e = table + off;
		uint8_t elen = e[1];
		if (elen < 2 || elen > len - off)
			return -EINVAL;
		struct madt_cpu c = {0, 0};
		bool cpu = false;
		if (e[0] == MADT_LAPIC && elen >= 8 &&
		    (get_le32(e + 4) & MADT_ENABLED)) {
			c = (struct madt_cpu){e[2], e[3]};
			cpu = true;
		} else if (e[0] == MADT_X2APIC && elen >= 16 &&
			   (get_le32(e + 8) & MADT_ENABLED)) {
			c = (struct madt_cpu){get_le32(e + 12),
					      get_le32(e + 4)};
			cpu = true;
		}
		if (cpu && n < max && !seen(cpus, n, c.apic_id))
			cpus[n++] = c;
		off += elen;
	}
	return n;
}
