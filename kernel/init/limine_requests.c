/*
 * What the kernel asks of its Limine-protocol loader (the real Limine or
 * rastboot). The requests sit in .limine_requests, between the start and
 * end markers, in the writable data segment (kernel/arch/x86_64/linker.ld),
 * where the loader finds them and stores a pointer to each response.
 *
 * Base revision 3 is asked for; Limine 8.x knows only up to 2 and then
 * leaves the tag unchanged, and boot.c copes with either answer.
 */
#include <kernel/compiler.h>
#include <kernel/boot.h>

#include "limine_requests.h"

/* volatile: the loader writes them; see limine_requests.h. */
#define REQUEST __used __section(".limine_requests") __aligned(8) volatile

#define MARKER(where) __used __section(where) __aligned(8) static volatile

MARKER(".limine_requests_start")
uint64_t requests_start[4] = LIMINE_REQUESTS_START_MARKER;

REQUEST uint64_t limine_base_revision[3] =
	LIMINE_BASE_REVISION(KERNEL_BASE_REVISION);

REQUEST struct limine_bootloader_info_request limine_bootloader_info = {
	.id = LIMINE_BOOTLOADER_INFO_ID,
};

REQUEST struct limine_firmware_type_request limine_firmware_type = {
	.id = LIMINE_FIRMWARE_TYPE_ID,
};

REQUEST struct limine_stack_size_request limine_stack_size = {
	.id = LIMINE_STACK_SIZE_ID,
	.stack_size = BOOT_STACK_SIZE,
};

REQUEST struct limine_hhdm_request limine_hhdm = {
	.id = LIMINE_HHDM_ID,
};

REQUEST struct limine_memmap_request limine_memmap = {
	.id = LIMINE_MEMMAP_ID,
};

REQUEST struct limine_framebuffer_request limine_framebuffer = {
	.id = LIMINE_FRAMEBUFFER_ID,
};

/* Revision 1: 5-level if the CPU has it, else 4-level. */
REQUEST struct limine_paging_mode_request limine_paging_mode = {
	.id = LIMINE_PAGING_MODE_ID,
	.revision = 1,
	.mode = LIMINE_PAGING_MODE_X86_64_5LVL,
	.max_mode = LIMINE_PAGING_MODE_X86_64_5LVL,
	.min_mode = LIMINE_PAGING_MODE_X86_64_4LVL,
};

REQUEST struct limine_executable_address_request limine_executable_address = {
	.id = LIMINE_EXECUTABLE_ADDRESS_ID,
};

REQUEST struct limine_executable_file_request limine_executable_file = {
	.id = LIMINE_EXECUTABLE_FILE_ID,
};

REQUEST struct limine_executable_cmdline_request limine_executable_cmdline = {
	.id = LIMINE_EXECUTABLE_CMDLINE_ID,
};

REQUEST struct limine_module_request limine_module = {
	.id = LIMINE_MODULE_ID,
};

REQUEST struct limine_rsdp_request limine_rsdp = {
	.id = LIMINE_RSDP_ID,
};

/* The loader starts the other CPUs and parks them until goto_address. */
REQUEST struct limine_mp_request limine_mp = {
	.id = LIMINE_MP_ID,
};

REQUEST struct limine_date_at_boot_request limine_date_at_boot = {
	.id = LIMINE_DATE_AT_BOOT_ID,
};

/*
 * Firmware tables the kernel logs and checks now and will use later:
 * rastboot answers SMBIOS from the BIOS area; the EFI ones come only
 * from the real Limine on UEFI, and their absence is harmless.
 */
REQUEST struct limine_smbios_request limine_smbios = {
	.id = LIMINE_SMBIOS_ID,
};

REQUEST struct limine_efi_system_table_request limine_efi_system_table = {
	.id = LIMINE_EFI_SYSTEM_TABLE_ID,
};

REQUEST struct limine_efi_memmap_request limine_efi_memmap = {
	.id = LIMINE_EFI_MEMMAP_ID,
};

MARKER(".limine_requests_end")
uint64_t requests_end[2] = LIMINE_REQUESTS_END_MARKER;
