/*
 * What the loader told the kernel, gathered once by boot_info_init from
 * the Limine-protocol responses (kernel/init/boot.c) so that no other code
 * touches the protocol. Read-only afterwards: use boot_info->field.
 *
 * Addresses named *_phys are physical; pointers are virtual, in the higher
 * half direct map (HHDM) at hhdm_offset, which, like the kernel's own
 * address, the loader may randomise. Never assume either.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <limine.h>
#include <kernel/compiler.h>

#define BOOT_STACK_SIZE (64 * 1024) /* asked for; the protocol minimum */
#define BOOT_MAX_MODULES 16

enum boot_firmware {
	BOOT_FIRMWARE_UNKNOWN,
	BOOT_FIRMWARE_BIOS,
	BOOT_FIRMWARE_UEFI32,
	BOOT_FIRMWARE_UEFI64,
};

struct boot_module {
	const char *path;
	const char *cmdline; /* "" if none */
	const void *address; /* HHDM */
	uint64_t size;
};

struct boot_framebuffer {
	void *address;		       /* HHDM */
	uint64_t width, height, pitch; /* pixels, pixels, bytes per line */
	uint16_t bpp;
	uint8_t memory_model; /* LIMINE_FRAMEBUFFER_RGB */
	uint8_t red_size, red_shift, green_size, green_shift;
	uint8_t blue_size, blue_shift;
};

struct boot_info {
	const char *loader_name, *loader_version; /* "unknown" if not told */
	bool base_revision_honoured;		  /* revision 3 in force */
	uint64_t loaded_base_revision; /* as the loader says; 0 = not said */
	enum boot_firmware firmware;

	uint64_t hhdm_offset;
	unsigned int paging_levels; /* 4 or 5 */
	bool paging_mode_answered;  /* else paging_levels came from the CPU */

	uint64_t kernel_phys, kernel_virt;
	uint64_t kernel_slide;	 /* kernel_virt - KERNEL_LINK_BASE */
	const void *kernel_file; /* the ELF file as loaded; NULL if not told */
	uint64_t kernel_file_size;
	const char *cmdline; /* never NULL */

	/* Sorted by base; entries of types LIMINE_MEMMAP_*. */
	struct limine_memmap_entry *const *memmap;
	size_t memmap_count;

	struct boot_module modules[BOOT_MAX_MODULES];
	size_t module_count;

	bool has_framebuffer;
	struct boot_framebuffer framebuffer; /* the first one */

	bool has_rsdp;
	uint64_t rsdp_phys;

	/* The CPUs as the loader found them; the BSP included. */
	uint64_t cpu_count; /* 1 if the loader did not answer the MP request */
	uint32_t bsp_lapic_id;
	struct limine_mp_info *const *cpus; /* NULL if unanswered */
	bool has_date;
	int64_t boot_time; /* UNIX seconds, from the RTC */

	/* SMBIOS entry points ("_SM_", "_SM3_"), physical; 0 when absent. */
	uint64_t smbios_entry32_phys, smbios_entry64_phys;

	/*
	 * UEFI only (0 under BIOS): the EFI system table, physical, and a
	 * copy of the firmware's memory map at ExitBootServices (count
	 * descriptors, efi_desc_size bytes apart: use boot_efi_desc).
	 */
	uint64_t efi_system_table_phys;
	const uint8_t *efi_memmap;
	size_t efi_memmap_count;
	uint64_t efi_desc_size, efi_desc_version;

	uint64_t stack_size;	  /* of the boot stack we run on */
	bool stack_size_answered; /* else the protocol's 64 KiB minimum */
	uintptr_t boot_stack_ptr; /* a stack pointer near its top */
};

extern const struct boot_info *const boot_info;

/* The kernel's ELF entry point, where the loader jumps (init/main.c). */
noreturn void kmain(void);

/*
 * Fill boot_info from the loader's responses. A loader that omits the HHDM,
 * memory map or executable address is not one rastOS supports: panic.
 */
void boot_info_init(void);

/* Print the boot log lines ("boot: ..."; tests parse them). */
void boot_log(void);

/* "usable", "reserved", "acpi-reclaimable", ...: one word, for logs. */
const char *boot_memmap_type_name(uint64_t type);

/* The i-th descriptor of the EFI memory map copy (i < efi_memmap_count). */
static inline const struct efi_memory_descriptor *boot_efi_desc(size_t i)
{
	return (const void *)(boot_info->efi_memmap +
			      i * boot_info->efi_desc_size);
}

/* A physical address as a pointer through the HHDM. */
static inline void *boot_phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + boot_info->hhdm_offset);
}

#endif
