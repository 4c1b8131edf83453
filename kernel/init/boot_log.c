/*
 * The boot log: what the loader handed over, one fact per line, printed
 * right after boot_info_init and cmdline_init. The QEMU tests parse these
 * lines, so their shape is fixed ("boot: <what> <value>", numbers in hex
 * with 0x, sizes in decimal); add lines rather than change them.
 */
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/printk.h>
#include <kernel/time.h>

#include "limine_requests.h"

static const char *firmware_name(enum boot_firmware fw)
{
	switch (fw) {
	case BOOT_FIRMWARE_BIOS:
		return "bios";
	case BOOT_FIRMWARE_UEFI32:
		return "uefi32";
	case BOOT_FIRMWARE_UEFI64:
		return "uefi64";
	default:
		return "unknown";
	}
}

/* Everything but reserved, bad memory and the framebuffer is RAM. */
static bool is_ram(uint64_t type)
{
	return type == LIMINE_MEMMAP_USABLE ||
	       type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE ||
	       type == LIMINE_MEMMAP_EXECUTABLE_AND_MODULES ||
	       type == LIMINE_MEMMAP_ACPI_RECLAIMABLE ||
	       type == LIMINE_MEMMAP_ACPI_NVS;
}

static void log_loader(void)
{
	const struct boot_info *b = boot_info;

	kprintf("boot: loader %s %s, base revision %d %s\n", b->loader_name,
		b->loader_version, KERNEL_BASE_REVISION,
		b->base_revision_honoured ? "honoured" : "not honoured");
	if (b->loaded_base_revision)
		klog(KLOG_DEBUG,
		     "boot: loader says it used base revision %lu\n",
		     b->loaded_base_revision);
	kprintf("boot: firmware %s\n", firmware_name(b->firmware));
	kprintf("boot: cmdline \"%s\"\n", b->cmdline);
}

static void log_kernel(void)
{
	const struct boot_info *b = boot_info;

	kprintf("boot: paging %u-level\n", b->paging_levels);
	kprintf("boot: hhdm 0x%016lx\n", b->hhdm_offset);
	kprintf("boot: kernel phys 0x%lx virt 0x%lx slide 0x%lx\n",
		b->kernel_phys, b->kernel_virt, b->kernel_slide);
	/* KASLR is the loader's decision; nokaslr only tells it (if it can). */
	kprintf("boot: kaslr %s\n", b->kernel_slide ? "on" : "off");
	if (cmdline_has("nokaslr") && b->kernel_slide)
		klog(KLOG_WARN, "boot: nokaslr given, but the loader slid the "
				"kernel anyway\n");
}

static void log_memory(void)
{
	const struct boot_info *b = boot_info;
	uint64_t usable = 0, ram = 0;

	for (size_t i = 0; i < b->memmap_count; i++) {
		const struct limine_memmap_entry *e = b->memmap[i];

		if (e->type == LIMINE_MEMMAP_USABLE)
			usable += e->length;
		if (is_ram(e->type))
			ram += e->length;
	}
	kprintf("boot: memory %zu entries, usable %lu KiB, ram %lu KiB\n",
		b->memmap_count, usable / 1024, ram / 1024);
	for (size_t i = 0; i < b->memmap_count; i++) {
		const struct limine_memmap_entry *e = b->memmap[i];

		kprintf("mem: 0x%016lx-0x%016lx %s\n", e->base,
			e->base + e->length, boot_memmap_type_name(e->type));
	}
}

static void log_modules_and_framebuffer(void)
{
	const struct boot_info *b = boot_info;
	const struct boot_framebuffer *fb = &b->framebuffer;

	for (size_t i = 0; i < b->module_count; i++) {
		const struct boot_module *m = &b->modules[i];

		kprintf("boot: module %s %lu bytes cmdline \"%s\"\n", m->path,
			m->size, m->cmdline);
	}
	if (b->module_count == 0)
		kprintf("boot: no modules\n");
	if (b->has_framebuffer)
		kprintf("boot: framebuffer %lux%lux%u pitch %lu\n", fb->width,
			fb->height, fb->bpp, fb->pitch);
	else
		kprintf("boot: no framebuffer\n");
}

static void log_firmware_tables_and_date(void)
{
	const struct boot_info *b = boot_info;
	struct civil_time t;

	if (b->has_rsdp)
		kprintf("boot: rsdp 0x%lx\n", b->rsdp_phys);
	else
		kprintf("boot: no rsdp\n");
	if (b->has_date) {
		time_unix_to_civil(b->boot_time, &t);
		kprintf("boot: date %04ld-%02d-%02d %02d:%02d:%02d UTC\n",
			t.year, t.month, t.day, t.hour, t.minute, t.second);
	} else {
		kprintf("boot: no date\n");
	}
	kprintf("boot: stack %lu KiB\n", b->stack_size / 1024);
	if (b->cpus)
		kprintf("boot: cpus %lu, BSP APIC ID %u\n", b->cpu_count,
			b->bsp_lapic_id);
	else
		kprintf("boot: cpus 1 (no MP response)\n");
	if (!b->stack_size_answered)
		klog(KLOG_DEBUG, "boot: stack size request not answered\n");
}

/* "0x..." or "none", for an optional physical address. */
static void log_addr(const char *what, uint64_t phys)
{
	if (phys)
		kprintf(" %s 0x%lx", what, phys);
	else
		kprintf(" %s none", what);
}

/* Boot services memory is the firmware's until ExitBootServices, then RAM. */
static uint64_t efi_boot_services_kib(void)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < boot_info->efi_memmap_count; i++) {
		const struct efi_memory_descriptor *d = boot_efi_desc(i);

		if (d->type == EFI_BOOT_SERVICES_CODE ||
		    d->type == EFI_BOOT_SERVICES_DATA)
			pages += d->pages;
	}
	return pages * 4;
}

/* SMBIOS on both firmwares; the EFI tables only from Limine on UEFI. */
static void log_smbios_and_efi(void)
{
	const struct boot_info *b = boot_info;

	if (b->smbios_entry32_phys || b->smbios_entry64_phys) {
		kprintf("boot: smbios");
		log_addr("entry32", b->smbios_entry32_phys);
		log_addr("entry64", b->smbios_entry64_phys);
		kprintf("\n");
	} else {
		kprintf("boot: no smbios\n");
	}
	if (b->efi_system_table_phys)
		kprintf("boot: efi system table 0x%lx\n",
			b->efi_system_table_phys);
	else
		kprintf("boot: no efi system table\n");
	if (b->efi_memmap_count)
		kprintf("boot: efi memmap %zu descriptors of %lu bytes, boot "
			"services %lu KiB\n",
			b->efi_memmap_count, b->efi_desc_size,
			efi_boot_services_kib());
	else
		kprintf("boot: no efi memmap\n");
}

void boot_log(void)
{
	log_loader();
	log_kernel();
	log_memory();
	log_modules_and_framebuffer();
	log_firmware_tables_and_date();
	log_smbios_and_efi();
}
