/*
 * The processors the ACPI MADT lists, for starting the application
 * processors (Limine MP feature). Pure: host-tested.
 */
#ifndef RASTBOOT_MADT_H
#define RASTBOOT_MADT_H

#include "lib.h"

struct madt_cpu {
	uint32_t uid;	  /* ACPI processor UID */
	uint32_t apic_id; /* local APIC (or x2APIC) ID */
};

/*
 * Fill cpus (at most max) with the enabled processors of the MADT at
 * table (len bytes, header included). Returns how many, or -EINVAL if the
 * table is not a well-formed MADT (signature, length, checksum, entries).
 */
int madt_cpus(const uint8_t *table, size_t len, struct madt_cpu *cpus, int max);

/* Whether the len bytes at p sum to 0 (ACPI checksums). */
bool acpi_checksum_ok(const uint8_t *p, size_t len);

#endif
