/*
 * Finding the SMBIOS entry points the BIOS way, for the Limine SMBIOS
 * request: on a 16-byte boundary in the BIOS area 0xf0000-0xfffff, the
 * 32-bit "_SM_" (SMBIOS 2.x) and the 64-bit "_SM3_" (SMBIOS 3.x) anchors
 * with their checksums. Pure: host-tested (tests/host/test_smbios.c).
 */
#ifndef RASTBOOT_SMBIOS_H
#define RASTBOOT_SMBIOS_H

#include "lib.h"

#define SMBIOS_AREA_START 0xf0000
#define SMBIOS_AREA_END 0x100000

/*
 * Scan the len bytes at area, which start at physical address base. Sets
 * *entry32 and *entry64 to the physical address of the first valid entry
 * point of each kind, or 0. Returns 0 if either was found, else -ENOENT.
 */
int smbios_find(const uint8_t *area, size_t len, uint64_t base,
		uint64_t *entry32, uint64_t *entry64);

#endif
