/*
 * The Limine boot protocol, as rastOS uses it: request and response layouts
 * and magic numbers, written from the protocol specification (PROTOCOL.md of
 * the Limine project, base revisions 0-3). Shared by the kernel, which places
 * requests in its image, and by rastboot, which answers them.
 *
 * Every pointer in a response is a higher-half (HHDM) virtual address unless
 * a comment says otherwise.
 */
#ifndef LIMINE_H
#define LIMINE_H

#include <stdint.h>

/* Base revision tag: the loader zeroes [2] when it honours the revision. */
#define LIMINE_BASE_REVISION_MAGIC0 0xf9562b2d5c95a6c8ULL
#define LIMINE_BASE_REVISION_MAGIC1 0x6a7b384944536bdcULL
#define LIMINE_BASE_REVISION(n)                                               \
	{                                                                     \
		LIMINE_BASE_REVISION_MAGIC0, LIMINE_BASE_REVISION_MAGIC1, (n) \
	}

#define LIMINE_REQUESTS_START_MARKER                                 \
	{                                                            \
		0xf6b8f4b39de7d1aeULL, 0xfab91a6940fcb9cfULL,        \
			0x785c6ed015d3e316ULL, 0x181e920a7852b9d9ULL \
	}
#define LIMINE_REQUESTS_END_MARKER                           \
	{                                                    \
		0xadc0e0531bb10d03ULL, 0x9572709f31764c62ULL \
	}

#define LIMINE_COMMON_MAGIC0 0xc7b1dd30df4c8b88ULL
#define LIMINE_COMMON_MAGIC1 0x0a82e883a194f07bULL
#define LIMINE_ID(a, b)                                              \
	{                                                            \
		LIMINE_COMMON_MAGIC0, LIMINE_COMMON_MAGIC1, (a), (b) \
	}

#define LIMINE_BOOTLOADER_INFO_ID \
	LIMINE_ID(0xf55038d8e2a1202fULL, 0x279426fcf5f59740ULL)
#define LIMINE_FIRMWARE_TYPE_ID \
	LIMINE_ID(0x8c2f75d90bef28a8ULL, 0x7045a4688eac00c3ULL)
#define LIMINE_STACK_SIZE_ID \
	LIMINE_ID(0x224ef0460a8e8926ULL, 0xe1cb0fc25f46ea3dULL)
#define LIMINE_HHDM_ID LIMINE_ID(0x48dcf1cb8ad2b852ULL, 0x63984e959a98244bULL)
#define LIMINE_FRAMEBUFFER_ID \
	LIMINE_ID(0x9d5827dcd881dd75ULL, 0xa3148604f6fab11bULL)
#define LIMINE_PAGING_MODE_ID \
	LIMINE_ID(0x95c1a0edab0944cbULL, 0xa4e5cb3842f7488aULL)
#define LIMINE_MP_ID LIMINE_ID(0x95a67b819a1b857eULL, 0xa0b61b723b6a73e0ULL)
#define LIMINE_MEMMAP_ID LIMINE_ID(0x67cf3d9d378a806fULL, 0xe304acdfc50c3c62ULL)
#define LIMINE_ENTRY_POINT_ID \
	LIMINE_ID(0x13d86c035a1cd3e1ULL, 0x2b0caa89d8f3026aULL)
#define LIMINE_EXECUTABLE_FILE_ID \
	LIMINE_ID(0xad97e90e83f1ed67ULL, 0x31eb5d1c5ff23b69ULL)
#define LIMINE_EXECUTABLE_CMDLINE_ID \
	LIMINE_ID(0x4b161536e598651eULL, 0xb390ad4a2f1f303aULL)
#define LIMINE_MODULE_ID LIMINE_ID(0x3e7e279702be32afULL, 0xca1c4f3bd1280ceeULL)
#define LIMINE_RSDP_ID LIMINE_ID(0xc5e77b6b397e7b43ULL, 0x27637845accdcf3cULL)
#define LIMINE_DATE_AT_BOOT_ID \
	LIMINE_ID(0x502746e184c088aaULL, 0xfbc5ec83e6327893ULL)
#define LIMINE_EXECUTABLE_ADDRESS_ID \
	LIMINE_ID(0x71ba76863cc55f63ULL, 0xb2644a48c516a487ULL)
#define LIMINE_SMBIOS_ID LIMINE_ID(0x9e9046f11e095391ULL, 0xaa4a520fefbde5eeULL)
#define LIMINE_EFI_SYSTEM_TABLE_ID \
	LIMINE_ID(0x5ceba5163eaaf6d6ULL, 0x0a6981610cf65fccULL)
#define LIMINE_EFI_MEMMAP_ID \
	LIMINE_ID(0x7df62a431d6872d5ULL, 0xa4fcdfb3e57306c8ULL)

/* Every request starts with this header. */
#define LIMINE_REQUEST_HEADER(resp_type) \
	uint64_t id[4];                  \
	uint64_t revision;               \
	resp_type *response

struct limine_bootloader_info_response {
	uint64_t revision;
	char *name;
	char *version;
};
struct limine_bootloader_info_request {
	LIMINE_REQUEST_HEADER(struct limine_bootloader_info_response);
};

#define LIMINE_FIRMWARE_TYPE_X86BIOS 0
#define LIMINE_FIRMWARE_TYPE_UEFI32 1
#define LIMINE_FIRMWARE_TYPE_UEFI64 2
struct limine_firmware_type_response {
	uint64_t revision;
	uint64_t firmware_type;
};
struct limine_firmware_type_request {
	LIMINE_REQUEST_HEADER(struct limine_firmware_type_response);
};

struct limine_stack_size_response {
	uint64_t revision;
};
struct limine_stack_size_request {
	LIMINE_REQUEST_HEADER(struct limine_stack_size_response);
	uint64_t stack_size;
};

struct limine_hhdm_response {
	uint64_t revision;
	uint64_t offset;
};
struct limine_hhdm_request {
	LIMINE_REQUEST_HEADER(struct limine_hhdm_response);
};

#define LIMINE_FRAMEBUFFER_RGB 1
struct limine_video_mode {
	uint64_t pitch;
	uint64_t width;
	uint64_t height;
	uint16_t bpp;
	uint8_t memory_model;
	uint8_t red_mask_size;
	uint8_t red_mask_shift;
	uint8_t green_mask_size;
	uint8_t green_mask_shift;
	uint8_t blue_mask_size;
	uint8_t blue_mask_shift;
};
struct limine_framebuffer {
	void *address;
	uint64_t width;
	uint64_t height;
	uint64_t pitch;
	uint16_t bpp;
	uint8_t memory_model;
	uint8_t red_mask_size;
	uint8_t red_mask_shift;
	uint8_t green_mask_size;
	uint8_t green_mask_shift;
	uint8_t blue_mask_size;
	uint8_t blue_mask_shift;
	uint8_t unused[7];
	uint64_t edid_size;
	void *edid;
	/* response revision 1 */
	uint64_t mode_count;
	struct limine_video_mode **modes;
};
struct limine_framebuffer_response {
	uint64_t revision;
	uint64_t framebuffer_count;
	struct limine_framebuffer **framebuffers;
};
struct limine_framebuffer_request {
	LIMINE_REQUEST_HEADER(struct limine_framebuffer_response);
};

#define LIMINE_PAGING_MODE_X86_64_4LVL 0
#define LIMINE_PAGING_MODE_X86_64_5LVL 1
struct limine_paging_mode_response {
	uint64_t revision;
	uint64_t mode;
};
struct limine_paging_mode_request {
	LIMINE_REQUEST_HEADER(struct limine_paging_mode_response);
	uint64_t mode;
	/* request revision 1 */
	uint64_t max_mode;
	uint64_t min_mode;
};

struct limine_mp_info;
typedef void (*limine_goto_address)(struct limine_mp_info *);
struct limine_mp_info {
	uint32_t processor_id;
	uint32_t lapic_id;
	uint64_t reserved;
	limine_goto_address goto_address;
	uint64_t extra_argument;
};
#define LIMINE_MP_X2APIC (1u << 0)
struct limine_mp_response {
	uint64_t revision;
	uint32_t flags;
	uint32_t bsp_lapic_id;
	uint64_t cpu_count;
	struct limine_mp_info **cpus;
};
struct limine_mp_request {
	LIMINE_REQUEST_HEADER(struct limine_mp_response);
	uint64_t flags;
};

#define LIMINE_MEMMAP_USABLE 0
#define LIMINE_MEMMAP_RESERVED 1
#define LIMINE_MEMMAP_ACPI_RECLAIMABLE 2
#define LIMINE_MEMMAP_ACPI_NVS 3
#define LIMINE_MEMMAP_BAD_MEMORY 4
#define LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE 5
#define LIMINE_MEMMAP_EXECUTABLE_AND_MODULES 6
#define LIMINE_MEMMAP_FRAMEBUFFER 7
struct limine_memmap_entry {
	uint64_t base;
	uint64_t length;
	uint64_t type;
};
struct limine_memmap_response {
	uint64_t revision;
	uint64_t entry_count;
	struct limine_memmap_entry **entries;
};
struct limine_memmap_request {
	LIMINE_REQUEST_HEADER(struct limine_memmap_response);
};

struct limine_entry_point_response {
	uint64_t revision;
};
struct limine_entry_point_request {
	LIMINE_REQUEST_HEADER(struct limine_entry_point_response);
	void (*entry)(void);
};

struct limine_uuid {
	uint32_t a;
	uint16_t b;
	uint16_t c;
	uint8_t d[8];
};
#define LIMINE_MEDIA_TYPE_GENERIC 0
#define LIMINE_MEDIA_TYPE_OPTICAL 1
#define LIMINE_MEDIA_TYPE_TFTP 2
struct limine_file {
	uint64_t revision;
	void *address;
	uint64_t size;
	char *path;
	char *cmdline; /* "string" in newer texts; same slot */
	uint32_t media_type;
	uint32_t unused;
	uint32_t tftp_ip;
	uint32_t tftp_port;
	uint32_t partition_index;
	uint32_t mbr_disk_id;
	struct limine_uuid gpt_disk_uuid;
	struct limine_uuid gpt_part_uuid;
	struct limine_uuid part_uuid;
};

struct limine_executable_file_response {
	uint64_t revision;
	struct limine_file *executable_file;
};
struct limine_executable_file_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_file_response);
};

/* Newer than Limine 8.x: 8.x leaves it unanswered (use the file's cmdline). */
struct limine_executable_cmdline_response {
	uint64_t revision;
	char *cmdline;
};
struct limine_executable_cmdline_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_cmdline_response);
};

#define LIMINE_INTERNAL_MODULE_REQUIRED (1u << 0)
struct limine_internal_module {
	const char *path;
	const char *cmdline;
	uint64_t flags;
};
struct limine_module_response {
	uint64_t revision;
	uint64_t module_count;
	struct limine_file **modules;
};
struct limine_module_request {
	LIMINE_REQUEST_HEADER(struct limine_module_response);
	/* request revision 1 */
	uint64_t internal_module_count;
	struct limine_internal_module **internal_modules;
};

/* address: HHDM pointer, except physical under base revision 3 exactly. */
struct limine_rsdp_response {
	uint64_t revision;
	uint64_t address;
};
struct limine_rsdp_request {
	LIMINE_REQUEST_HEADER(struct limine_rsdp_response);
};

struct limine_date_at_boot_response {
	uint64_t revision;
	int64_t timestamp; /* UNIX seconds, from the RTC */
};
struct limine_date_at_boot_request {
	LIMINE_REQUEST_HEADER(struct limine_date_at_boot_response);
};

struct limine_executable_address_response {
	uint64_t revision;
	uint64_t physical_base;
	uint64_t virtual_base;
};
struct limine_executable_address_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_address_response);
};

/*
 * SMBIOS entry points (32-bit "_SM_", 64-bit "_SM3_"), 0 when absent. Like
 * the RSDP: HHDM pointers, except physical under base revision 3 exactly.
 */
struct limine_smbios_response {
	uint64_t revision;
	uint64_t entry_32;
	uint64_t entry_64;
};
struct limine_smbios_request {
	LIMINE_REQUEST_HEADER(struct limine_smbios_response);
};

/* UEFI only. address: as the RSDP's (physical under base revision 3). */
struct limine_efi_system_table_response {
	uint64_t revision;
	uint64_t address;
};
struct limine_efi_system_table_request {
	LIMINE_REQUEST_HEADER(struct limine_efi_system_table_response);
};

/*
 * UEFI only: the firmware's memory map as it was when boot services were
 * exited (memmap is an HHDM pointer to memmap_size bytes of descriptors,
 * desc_size bytes apart; see struct efi_memory_descriptor).
 */
struct limine_efi_memmap_response {
	uint64_t revision;
	void *memmap;
	uint64_t memmap_size;
	uint64_t desc_size;
	uint64_t desc_version;
};
struct limine_efi_memmap_request {
	LIMINE_REQUEST_HEADER(struct limine_efi_memmap_response);
};

/* The UEFI specification's memory descriptor (desc_size may be larger). */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t pages; /* of 4 KiB */
	uint64_t attribute;
};
#define EFI_LOADER_CODE 1
#define EFI_LOADER_DATA 2
#define EFI_BOOT_SERVICES_CODE 3
#define EFI_BOOT_SERVICES_DATA 4
#define EFI_CONVENTIONAL_MEMORY 7

/* The lowest address the protocol lets a kernel be loaded at. */
#define LIMINE_KERNEL_MIN_VADDR 0xffffffff80000000ULL

#endif
