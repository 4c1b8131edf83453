/*
 * The Limine requests placed in the kernel image (limine_requests.c).
 * Private to kernel/init/: boot.c reads the responses once into struct
 * boot_info (<kernel/boot.h>), and the rest of the kernel uses that.
 *
 * volatile: the loader writes the responses before the kernel runs, so
 * the compiler must not assume the initial NULLs.
 */
#ifndef KERNEL_INIT_LIMINE_REQUESTS_H
#define KERNEL_INIT_LIMINE_REQUESTS_H

#include <limine.h>

#define KERNEL_BASE_REVISION 3

/* [2] becomes 0 if the loader honoured it; newer loaders also put the
 * revision they booted with in [1] (else it keeps its magic). */
extern volatile uint64_t limine_base_revision[3];

extern volatile struct limine_bootloader_info_request limine_bootloader_info;
extern volatile struct limine_firmware_type_request limine_firmware_type;
extern volatile struct limine_stack_size_request limine_stack_size;
extern volatile struct limine_hhdm_request limine_hhdm;
extern volatile struct limine_memmap_request limine_memmap;
extern volatile struct limine_framebuffer_request limine_framebuffer;
extern volatile struct limine_paging_mode_request limine_paging_mode;
extern volatile struct limine_executable_address_request
	limine_executable_address;
extern volatile struct limine_executable_file_request limine_executable_file;
extern volatile struct limine_executable_cmdline_request
	limine_executable_cmdline;
extern volatile struct limine_module_request limine_module;
extern volatile struct limine_rsdp_request limine_rsdp;
extern volatile struct limine_mp_request limine_mp;
extern volatile struct limine_date_at_boot_request limine_date_at_boot;
extern volatile struct limine_smbios_request limine_smbios;
extern volatile struct limine_efi_system_table_request limine_efi_system_table;
extern volatile struct limine_efi_memmap_request limine_efi_memmap;

#endif
