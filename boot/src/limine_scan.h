/*
 * Finding the kernel's Limine requests: 8-byte aligned IDs anywhere in the
 * loaded image, or only between the start and end markers when it has them.
 */
#ifndef RASTBOOT_LIMINE_SCAN_H
#define RASTBOOT_LIMINE_SCAN_H

#include "lib.h"

enum limine_req {
	REQ_BOOTLOADER_INFO,
	REQ_FIRMWARE_TYPE,
	REQ_STACK_SIZE,
	REQ_HHDM,
	REQ_FRAMEBUFFER,
	REQ_PAGING_MODE,
	REQ_MP,
	REQ_MEMMAP,
	REQ_ENTRY_POINT,
	REQ_EXECUTABLE_FILE,
	REQ_EXECUTABLE_CMDLINE,
	REQ_MODULE,
	REQ_RSDP,
	REQ_DATE_AT_BOOT,
	REQ_EXECUTABLE_ADDRESS,
	REQ_SMBIOS,
	/* Known so as to be left unanswered on purpose: BIOS has no EFI. */
	REQ_EFI_SYSTEM_TABLE,
	REQ_EFI_MEMMAP,
	REQ_COUNT
};

#define LIMINE_MAX_BASE_REVISION 3

struct limine_requests {
	/* Offsets in the image, or -1 where the kernel made no such request. */
	int64_t req[REQ_COUNT];
	int64_t base_revision_tag; /* offset of the 3-word tag, or -1 */
	uint64_t base_revision;	   /* asked for; 0 without a tag */
	int unknown; /* requests with IDs rastboot does not know */
};

/*
 * Scan size bytes of the loaded image. Returns 0, or -EINVAL with *why
 * ("duplicate request", "request runs past the end of the image").
 */
int limine_scan(const uint8_t *image, size_t size, struct limine_requests *out,
		const char **why);

/* The request's size in bytes at its lowest revision (for bounds checks). */
size_t limine_request_size(enum limine_req kind);

#endif
