/*
 * Turns the Limine-protocol responses into struct boot_info (see
 * <kernel/boot.h>), once, early in kmain. This is the only file that reads
 * the responses, so the protocol's quirks are handled here:
 *
 *  - base revision 3 may not be honoured (Limine 8.x knows up to 2); the
 *    kernel still boots, and the one difference that matters now, the
 *    firmware table addresses (RSDP, SMBIOS, EFI system table: physical
 *    under revision 3 exactly, else HHDM pointers), are normalised to
 *    physical addresses;
 *  - the executable cmdline request is newer than Limine 8.x; without an
 *    answer the executable file's cmdline is used;
 *  - the EFI requests are answered only on UEFI, and the EFI memory map
 *    lives in loader memory: it is copied, like the memory map.
 *
 * docs/ARCHITECTURE.md ("Two loaders") lists what else differs.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/string.h>

#include "limine_requests.h"

static struct boot_info info;
const struct boot_info *const boot_info = &info;

/*
 * The responses, their strings and the memory map are in the loader's
 * memory, which mm_reclaim_bootloader frees after boot: boot_info keeps
 * copies of them, here (strings longer than the pool has room for are
 * cut). The kernel file and modules are not reclaimable: no copies.
 */
#define BOOT_STRINGS_SIZE 16384
#define BOOT_MAX_MEMMAP 256

static char strings[BOOT_STRINGS_SIZE];
static size_t strings_used;
static struct limine_memmap_entry memmap[BOOT_MAX_MEMMAP];
static struct limine_memmap_entry *memmap_ptrs[BOOT_MAX_MEMMAP];
/* OVMF with 512 MiB has about 100 descriptors of 48 bytes. */
#define BOOT_EFI_MEMMAP_SIZE (24 * 1024)
static uint8_t efi_memmap[BOOT_EFI_MEMMAP_SIZE];

/* A copy of s, or fallback if s is NULL. */
static const char *str_or(const char *s, const char *fallback)
{
	size_t room = sizeof(strings) - strings_used, n;
	char *copy = strings + strings_used;

	if (!s || room == 0)
		return fallback;
	n = strnlen(s, room - 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	strings_used += n + 1;
	return copy;
}

static void copy_memmap(const struct limine_memmap_response *mm)
{
	size_t count = mm->entry_count;

	if (count > BOOT_MAX_MEMMAP) {
		klog(KLOG_WARN,
		     "boot: %zu memory map entries, only the first "
		     "%d used\n",
		     count, BOOT_MAX_MEMMAP);
		count = BOOT_MAX_MEMMAP;
	}
	for (size_t i = 0; i < count; i++) {
		memmap[i] = *mm->entries[i];
		memmap_ptrs[i] = &memmap[i];
	}
	info.memmap = memmap_ptrs;
	info.memmap_count = count;
}

static void read_loader(void)
{
	struct limine_bootloader_info_response *bl =
		limine_bootloader_info.response;
	struct limine_firmware_type_response *fw =
		limine_firmware_type.response;

	info.loader_name = bl ? str_or(bl->name, "unknown") : "unknown";
	info.loader_version = bl ? str_or(bl->version, "unknown") : "unknown";
	info.base_revision_honoured = limine_base_revision[2] == 0;
	if (limine_base_revision[1] != LIMINE_BASE_REVISION_MAGIC1)
		info.loaded_base_revision = limine_base_revision[1];
	info.firmware = BOOT_FIRMWARE_UNKNOWN;
	if (fw && fw->firmware_type == LIMINE_FIRMWARE_TYPE_X86BIOS)
		info.firmware = BOOT_FIRMWARE_BIOS;
	else if (fw && fw->firmware_type == LIMINE_FIRMWARE_TYPE_UEFI32)
		info.firmware = BOOT_FIRMWARE_UEFI32;
	else if (fw && fw->firmware_type == LIMINE_FIRMWARE_TYPE_UEFI64)
		info.firmware = BOOT_FIRMWARE_UEFI64;
}

/*
 * HHDM, memory map and kernel address: without them nothing works, so a
 * loader that cannot give one is refused, naming it (tests/qemu/limine.sh
 * checks this under the real Limine).
 */
static void read_mandatory(void)
{
	struct limine_hhdm_response *hhdm = limine_hhdm.response;
	struct limine_memmap_response *mm = limine_memmap.response;
	struct limine_executable_address_response *ea =
		limine_executable_address.response;
	const char *missing = NULL;

	if (!hhdm)
		missing = "HHDM";
	else if (!mm || mm->entry_count == 0 || !mm->entries)
		missing = "memory map";
	else if (!ea)
		missing = "executable address";
	if (missing)
		panic("boot: the loader (%s %s) gave no %s response; rastOS "
		      "cannot run without one",
		      info.loader_name, info.loader_version, missing);
	info.hhdm_offset = hhdm->offset;
	copy_memmap(mm);
	info.kernel_phys = ea->physical_base;
	info.kernel_virt = ea->virtual_base;
	info.kernel_slide = ea->virtual_base - KERNEL_LINK_BASE;
}

static void read_kernel_file(void)
{
	struct limine_executable_file_response *ef =
		limine_executable_file.response;
	struct limine_executable_cmdline_response *ec =
		limine_executable_cmdline.response;
	struct limine_file *file = ef ? ef->executable_file : NULL;

	if (file) {
		info.kernel_file = file->address;
		info.kernel_file_size = file->size;
	}
	if (ec && ec->cmdline)
		info.cmdline = str_or(ec->cmdline, "");
	else if (file && file->cmdline)
		info.cmdline = str_or(file->cmdline, "");
	else
		info.cmdline = "";
}

static void read_modules(void)
{
	struct limine_module_response *mr = limine_module.response;
	size_t count = mr && mr->modules ? mr->module_count : 0;

	if (count > BOOT_MAX_MODULES) {
		klog(KLOG_WARN, "boot: %zu modules, only the first %d used\n",
		     count, BOOT_MAX_MODULES);
		count = BOOT_MAX_MODULES;
	}
	for (size_t i = 0; i < count; i++) {
		struct limine_file *f = mr->modules[i];

		info.modules[i] = (struct boot_module){
			.path = str_or(f->path, ""),
			.cmdline = str_or(f->cmdline, ""),
			.address = f->address,
			.size = f->size,
		};
	}
	info.module_count = count;
}

static void read_framebuffer(void)
{
	struct limine_framebuffer_response *fr = limine_framebuffer.response;
	struct limine_framebuffer *fb;

	if (!fr || fr->framebuffer_count == 0 || !fr->framebuffers)
		return;
	fb = fr->framebuffers[0];
	info.has_framebuffer = true;
	info.framebuffer = (struct boot_framebuffer){
		.address = fb->address,
		.width = fb->width,
		.height = fb->height,
		.pitch = fb->pitch,
		.bpp = fb->bpp,
		.memory_model = fb->memory_model,
		.red_size = fb->red_mask_size,
		.red_shift = fb->red_mask_shift,
		.green_size = fb->green_mask_size,
		.green_shift = fb->green_mask_shift,
		.blue_size = fb->blue_mask_size,
		.blue_shift = fb->blue_mask_shift,
	};
}

/*
 * A firmware table address from a response as a physical address: HHDM
 * pointers unless the loader honoured base revision 3 (the protocol's
 * rule for the RSDP, SMBIOS and EFI system table responses).
 */
static uint64_t table_phys(uint64_t address)
{
	if (!info.base_revision_honoured && address >= info.hhdm_offset)
		return address - info.hhdm_offset;
	return address;
}

/* Paging mode, stack size, RSDP, CPUs and date: each may go unanswered. */
static void read_optional(void)
{
	struct limine_paging_mode_response *pm = limine_paging_mode.response;
	struct limine_stack_size_response *ss = limine_stack_size.response;
	struct limine_rsdp_response *rsdp = limine_rsdp.response;
	struct limine_date_at_boot_response *date =
		limine_date_at_boot.response;

	info.paging_mode_answered = pm != NULL;
	if (pm)
		info.paging_levels =
			pm->mode == LIMINE_PAGING_MODE_X86_64_5LVL ? 5 : 4;
	else
		info.paging_levels = arch_paging_levels();
	info.stack_size_answered = ss != NULL;
	info.stack_size = ss ? limine_stack_size.stack_size : BOOT_STACK_SIZE;
	if (rsdp && rsdp->address) {
		info.has_rsdp = true;
		info.rsdp_phys = table_phys(rsdp->address);
	}
	info.cpu_count = 1;
	if (limine_mp.response && limine_mp.response->cpu_count) {
		info.cpu_count = limine_mp.response->cpu_count;
		info.bsp_lapic_id = limine_mp.response->bsp_lapic_id;
		info.cpus = limine_mp.response->cpus;
	}
	if (date) {
		info.has_date = true;
		info.boot_time = date->timestamp;
	}
}

/* SMBIOS and the EFI system table and memory map: absent is harmless. */
static void read_firmware_tables(void)
{
	struct limine_smbios_response *sm = limine_smbios.response;
	struct limine_efi_system_table_response *st =
		limine_efi_system_table.response;
	struct limine_efi_memmap_response *em = limine_efi_memmap.response;
	size_t size;

	if (sm) {
		info.smbios_entry32_phys =
			sm->entry_32 ? table_phys(sm->entry_32) : 0;
		info.smbios_entry64_phys =
			sm->entry_64 ? table_phys(sm->entry_64) : 0;
	}
	if (st && st->address)
		info.efi_system_table_phys = table_phys(st->address);
	if (!em || !em->memmap || em->memmap_size == 0)
		return;
	if (em->desc_size < sizeof(struct efi_memory_descriptor)) {
		klog(KLOG_WARN,
		     "boot: EFI memory map descriptors of %lu bytes "
		     "ignored\n",
		     em->desc_size);
		return;
	}
	size = em->memmap_size;
	if (size > sizeof(efi_memmap)) {
		klog(KLOG_WARN,
		     "boot: EFI memory map of %zu bytes, only the "
		     "first %zu used\n",
		     size, sizeof(efi_memmap));
		size = sizeof(efi_memmap);
	}
	memcpy(efi_memmap, em->memmap, size);
	info.efi_memmap = efi_memmap;
	info.efi_desc_size = em->desc_size;
	info.efi_desc_version = em->desc_version;
	info.efi_memmap_count = size / em->desc_size;
}

void boot_info_init(void)
{
	info.boot_stack_ptr = arch_stack_pointer();
	read_loader();
	read_mandatory();
	read_kernel_file();
	read_modules();
	read_framebuffer();
	read_optional();
	read_firmware_tables();
}

const char *boot_memmap_type_name(uint64_t type)
{
	static const char *const names[] = {
		[LIMINE_MEMMAP_USABLE] = "usable",
		[LIMINE_MEMMAP_RESERVED] = "reserved",
		[LIMINE_MEMMAP_ACPI_RECLAIMABLE] = "acpi-reclaimable",
		[LIMINE_MEMMAP_ACPI_NVS] = "acpi-nvs",
		[LIMINE_MEMMAP_BAD_MEMORY] = "bad-memory",
		[LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE] =
			"bootloader-reclaimable",
		[LIMINE_MEMMAP_EXECUTABLE_AND_MODULES] =
			"executable-and-modules",
		[LIMINE_MEMMAP_FRAMEBUFFER] = "framebuffer",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}
