/*
 * Firmware-table tests: what the loader said about SMBIOS and, on UEFI,
 * the EFI system table and memory map, checked against the memory itself.
 * rastboot answers SMBIOS from the BIOS area, the real Limine from the
 * BIOS area or the EFI configuration table; the EFI tests skip on BIOS.
 * The boot-services test is the one that matters most: the firmware's
 * memory must come back to the page allocator after ExitBootServices.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ULL /* "IBI SYST" */

static bool bytes_sum_to_zero(const volatile uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum == 0;
}

/*
 * size bytes at phys, readable: through the direct map where it has them
 * (the BIOS area, RAM), so as not to alias them with another memory type;
 * else (firmware-reserved memory) through vm_ioremap. *mapped: whether
 * the caller must vm_iounmap the pointer.
 */
static const volatile void *table_map(uint64_t phys, size_t size, bool *mapped)
{
	uintptr_t v = (uintptr_t)boot_phys_to_virt(phys);
	uint64_t pa;

	*mapped = false;
	if (arch_virt_to_phys(v, boot_info->hhdm_offset, &pa) == 0 &&
	    arch_virt_to_phys(v + size - 1, boot_info->hhdm_offset, &pa) == 0)
		return (const volatile void *)v;
	*mapped = true;
	return vm_ioremap(phys, size, 0);
}

static void table_unmap(const volatile void *p, bool mapped)
{
	if (mapped)
		vm_iounmap((void *)p);
}

static bool smbios32_ok(uint64_t phys)
{
	bool mapped;
	const volatile uint8_t *p = table_map(phys, 32, &mapped);
	bool ok;

	if (!p)
		return false;
	/* "_SM_", its length (0x1f, 0x1e in old 2.1 tables), "_DMI_" at 16. */
	ok = memcmp((const void *)p, "_SM_", 4) == 0 && p[5] >= 0x1e &&
	     p[5] <= 0x20 && bytes_sum_to_zero(p, p[5]) &&
	     memcmp((const void *)(p + 16), "_DMI_", 5) == 0 &&
	     bytes_sum_to_zero(p + 16, 15);
	table_unmap(p, mapped);
	return ok;
}

static bool smbios64_ok(uint64_t phys)
{
	bool mapped;
	const volatile uint8_t *p = table_map(phys, 32, &mapped);
	bool ok;

	if (!p)
		return false;
	ok = memcmp((const void *)p, "_SM3_", 5) == 0 && p[6] >= 0x18 &&
	     p[6] <= 0x20 && bytes_sum_to_zero(p, p[6]) && p[7] >= 3;
	table_unmap(p, mapped);
	return ok;
}

KTEST(firmware, smbios_entry_points_valid)
{
	const struct boot_info *b = boot_info;

	if (!b->smbios_entry32_phys && !b->smbios_entry64_phys)
		KT_SKIP("no SMBIOS response");
	if (b->smbios_entry32_phys)
		KT_ASSERT(smbios32_ok(b->smbios_entry32_phys));
	if (b->smbios_entry64_phys)
		KT_ASSERT(smbios64_ok(b->smbios_entry64_phys));
}

KTEST(firmware, efi_system_table_signature)
{
	const volatile uint64_t *t;
	uint64_t signature;
	uint32_t revision;
	bool mapped;

	if (!boot_info->efi_system_table_phys)
		KT_SKIP("no EFI system table response");
	t = table_map(boot_info->efi_system_table_phys, 24, &mapped);
	KT_ASSERT(t != NULL);
	signature = t[0];
	revision = (uint32_t)t[1];
	table_unmap(t, mapped);
	KT_ASSERT_EQ(signature, EFI_SYSTEM_TABLE_SIGNATURE);
	KT_ASSERT(revision >> 16 >= 2); /* UEFI 2.x */
}

/* Does [p, p + size) (a direct-map pointer) touch the page at phys? */
static bool touches(const volatile void *p, size_t size, uint64_t phys)
{
	uint64_t start = (uintptr_t)p - boot_info->hhdm_offset;

	return phys + PAGE_SIZE > start && phys < start + size;
}

/*
 * Usable memory the allocator does not manage: the page array (carved
 * out of the highest usable region), and what mm_reclaim_bootloader kept
 * for good: the kernel file and the MP response.
 */
static bool kept_for_good(uint64_t phys)
{
	const struct boot_info *b = boot_info;

	if (touches(mm_pages, mm_nr_pages * sizeof(struct page), phys))
		return true;

	if (b->kernel_file &&
	    touches(b->kernel_file, b->kernel_file_size, phys))
		return true;
	if (!b->cpus)
		return false;
	if (touches(b->cpus, b->cpu_count * sizeof(b->cpus[0]), phys))
		return true;
	for (uint64_t i = 0; i < b->cpu_count; i++) {
		if (touches(b->cpus[i], sizeof(*b->cpus[i]), phys))
			return true;
	}
	return false;
}

/*
 * Every page the firmware's boot services had is RAM the allocator now
 * manages (free or in use): the loader reported it usable or reclaimable
 * and mm_reclaim_bootloader gave the reclaimable part back.
 */
KTEST(firmware, efi_boot_services_memory_reclaimed)
{
	uint64_t pages = 0;

	if (!boot_info->efi_memmap_count)
		KT_SKIP("no EFI memory map response");
	for (size_t i = 0; i < boot_info->efi_memmap_count; i++) {
		const struct efi_memory_descriptor *d = boot_efi_desc(i);

		if (d->type != EFI_BOOT_SERVICES_CODE &&
		    d->type != EFI_BOOT_SERVICES_DATA)
			continue;
		for (uint64_t p = 0; p < d->pages; p++) {
			uint64_t phys = d->physical_start + p * PAGE_SIZE;
			struct page *page = phys_to_page(phys);

			KT_ASSERT(page != NULL);
			pages++;
			if (!(page->flags & PG_RESERVED))
				continue;
			KT_ASSERT(kept_for_good(phys));
		}
	}
	KT_ASSERT(pages > 0);
}

/* The copy is usable: page-aligned descriptors, free memory among them. */
KTEST(firmware, efi_memmap_describes_conventional_memory)
{
	uint64_t conventional = 0;

	if (!boot_info->efi_memmap_count)
		KT_SKIP("no EFI memory map response");
	KT_ASSERT(boot_info->efi_desc_size >=
		  sizeof(struct efi_memory_descriptor));
	for (size_t i = 0; i < boot_info->efi_memmap_count; i++) {
		const struct efi_memory_descriptor *d = boot_efi_desc(i);

		KT_ASSERT((d->physical_start & (PAGE_SIZE - 1)) == 0);
		if (d->type == EFI_CONVENTIONAL_MEMORY)
			conventional += d->pages;
	}
	KT_ASSERT(conventional > 0);
}
