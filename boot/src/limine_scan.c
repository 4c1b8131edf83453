/*
 * Scanning a loaded kernel image for Limine protocol requests (see
 * limine_scan.h and the protocol's "Requests Delimiters" section).
 */
#include "limine_scan.h"
#include <limine.h>

static const struct {
	uint64_t id[4];
	size_t size;
} known[REQ_COUNT] = {
	[REQ_BOOTLOADER_INFO] = {LIMINE_BOOTLOADER_INFO_ID,
				 sizeof(struct limine_bootloader_info_request)},
	[REQ_FIRMWARE_TYPE] = {LIMINE_FIRMWARE_TYPE_ID,
			       sizeof(struct limine_firmware_type_request)},
	[REQ_STACK_SIZE] = {LIMINE_STACK_SIZE_ID,
			    sizeof(struct limine_stack_size_request)},
	[REQ_HHDM] = {LIMINE_HHDM_ID, sizeof(struct limine_hhdm_request)},
	[REQ_FRAMEBUFFER] = {LIMINE_FRAMEBUFFER_ID,
			     sizeof(struct limine_framebuffer_request)},
	/* revision 0 lacks max_mode and min_mode */
	[REQ_PAGING_MODE] = {LIMINE_PAGING_MODE_ID, 48},
	[REQ_MP] = {LIMINE_MP_ID, sizeof(struct limine_mp_request)},
	[REQ_MEMMAP] = {LIMINE_MEMMAP_ID, sizeof(struct limine_memmap_request)},
	[REQ_ENTRY_POINT] = {LIMINE_ENTRY_POINT_ID,
			     sizeof(struct limine_entry_point_request)},
	[REQ_EXECUTABLE_FILE] = {LIMINE_EXECUTABLE_FILE_ID,
				 sizeof(struct limine_executable_file_request)},
	[REQ_EXECUTABLE_CMDLINE] =
		{LIMINE_EXECUTABLE_CMDLINE_ID,
		 sizeof(struct limine_executable_cmdline_request)},
	/* revision 0 lacks the internal modules */
	[REQ_MODULE] = {LIMINE_MODULE_ID, 48},
	[REQ_RSDP] = {LIMINE_RSDP_ID, sizeof(struct limine_rsdp_request)},
	[REQ_DATE_AT_BOOT] = {LIMINE_DATE_AT_BOOT_ID,
			      sizeof(struct limine_date_at_boot_request)},
	[REQ_EXECUTABLE_ADDRESS] =
		{LIMINE_EXECUTABLE_ADDRESS_ID,
		 sizeof(struct limine_executable_address_request)},
	[REQ_SMBIOS] = {LIMINE_SMBIOS_ID, sizeof(struct limine_smbios_request)},
	[REQ_EFI_SYSTEM_TABLE] =
		{LIMINE_EFI_SYSTEM_TABLE_ID,
		 sizeof(struct limine_efi_system_table_request)},
	[REQ_EFI_MEMMAP] = {LIMINE_EFI_MEMMAP_ID,
			    sizeof(struct limine_efi_memmap_request)},
};

static const uint64_t start_marker[4] = LIMINE_REQUESTS_START_MARKER;
static const uint64_t end_marker[2] = LIMINE_REQUESTS_END_MARKER;

size_t limine_request_size(enum limine_req kind)
{
	return known[kind].size;
}

static bool words_at(const uint8_t *image, size_t size, size_t off,
		     const uint64_t *words, size_t n)
{
	if (off > size || size - off < n * 8)
		return false;
	return memcmp(image + off, words, n * 8) == 0;
}

/* Narrow [*lo, *hi) to the delimited area if the image has markers. */
static void find_markers(const uint8_t *image, size_t size, size_t *lo,
			 size_t *hi)
{
	*lo = 0;
	*hi = size;
	for (size_t off = 0; off + 32 <= size; off += 8)
		if (words_at(image, size, off, start_marker, 4))
			*lo = off + 32; /* the last start marker counts */
	for (size_t off = *lo; off + 16 <= size; off += 8) {
		if (words_at(image, size, off, end_marker, 2)) {
			*hi = off; /* the first end marker after it counts */
			break;
		}
	}
}

static int classify(const uint8_t *image, size_t size, size_t off,
		    struct limine_requests *out, const char **why)
{
	for (int k = 0; k < REQ_COUNT; k++) {
		if (!words_at(image, size, off, known[k].id, 4))
			continue;
		if (out->req[k] >= 0) {
			*why = "duplicate request";
			return -EINVAL;
		}
		if (size - off < known[k].size) {
			*why = "request runs past the end of the image";
			return -EINVAL;
		}
		out->req[k] = (int64_t)off;
		return 0;
	}
	out->unknown++;
	return 0;
}

int limine_scan(const uint8_t *image, size_t size, struct limine_requests *out,
		const char **why)
{
	static const uint64_t common[2] = {LIMINE_COMMON_MAGIC0,
					   LIMINE_COMMON_MAGIC1};
	static const uint64_t rev_magic[2] = {LIMINE_BASE_REVISION_MAGIC0,
					      LIMINE_BASE_REVISION_MAGIC1};
	size_t lo, hi;

	for (int k = 0; k < REQ_COUNT; k++)
		out->req[k] = -1;
	out->base_revision_tag = -1;
	out->base_revision = 0;
	out->unknown = 0;
	find_markers(image, size, &lo, &hi);
	for (size_t off = lo; off + 16 <= hi; off += 8) {
		if (words_at(image, hi, off, rev_magic, 2) && off + 24 <= hi) {
			out->base_revision_tag = (int64_t)off;
			out->base_revision = get_le64(image + off + 16);
			off += 16;
		} else if (words_at(image, hi, off, common, 2) &&
			   off + 32 <= hi) {
			int err = classify(image, size, off, out, why);
			if (err)
				return err;
			off += 24;
		}
	}
	return 0;
}
