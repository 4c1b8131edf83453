/*
 * Boot-fact tests: check what the loader (Limine or rastboot) promised
 * against what the machine shows: the memory map's guarantees, the paging
 * mode against CR4, the kernel's address against its symbols, its ELF file
 * and the page tables, the HHDM, modules, the command line and the stack.
 * They run with test=boot.* (or test=all) and catch a loader that answers
 * a request wrongly, which would otherwise surface much later as memory
 * corruption.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/sections.h>
#include <kernel/smp.h>
#include <kernel/string.h>

/* The start of an ELF64 header: only the fields checked here. */
struct elf64_header {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

#define ELF_TYPE_DYN 3
#define ELF_MACHINE_X86_64 62

static const struct limine_memmap_entry *entry(size_t i)
{
	return boot_info->memmap[i];
}

/* Usable and bootloader-reclaimable: what the allocator will hand out. */
static bool is_free_type(uint64_t type)
{
	return type == LIMINE_MEMMAP_USABLE ||
	       type == LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE;
}

/* The memory map entry containing phys, or NULL. */
static const struct limine_memmap_entry *entry_at(uint64_t phys)
{
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = entry(i);

		if (phys >= e->base && phys - e->base < e->length)
			return e;
	}
	return NULL;
}

KTEST(boot, memmap_sorted)
{
	KT_ASSERT(boot_info->memmap_count > 0);
	for (size_t i = 1; i < boot_info->memmap_count; i++)
		KT_ASSERT(entry(i - 1)->base <= entry(i)->base);
}

KTEST(boot, memmap_free_aligned_not_overlapping)
{
	uint64_t max_end = 0, free_end = 0;

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = entry(i);

		KT_ASSERT(e->base >= free_end);
		if (is_free_type(e->type)) {
			KT_ASSERT(IS_ALIGNED(e->base, PAGE_SIZE));
			KT_ASSERT(IS_ALIGNED(e->length, PAGE_SIZE));
			KT_ASSERT(e->length > 0);
			KT_ASSERT(e->base >= max_end);
			free_end = e->base + e->length;
		}
		max_end = MAX(max_end, e->base + e->length);
	}
}

KTEST(boot, nothing_usable_below_4k)
{
	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		if (entry(i)->type == LIMINE_MEMMAP_USABLE)
			KT_ASSERT(entry(i)->base >= 0x1000);
	}
}

KTEST(boot, paging_mode_matches_cr4)
{
	if (!boot_info->paging_mode_answered)
		KT_SKIP("no paging mode response");
	KT_ASSERT_EQ(boot_info->paging_levels, arch_paging_levels());
}

KTEST(boot, kernel_virtual_address)
{
	const struct elf64_header *eh = boot_info->kernel_file;
	uintptr_t kmain_link = KERNEL_LINK_BASE +
			       ((uintptr_t)kmain - (uintptr_t)__kernel_start);

	KT_ASSERT_EQ(boot_info->kernel_virt, (uintptr_t)__kernel_start);
	KT_ASSERT_EQ((uintptr_t)kmain - kmain_link, boot_info->kernel_slide);
	KT_ASSERT(IS_ALIGNED(boot_info->kernel_slide, PAGE_SIZE));
	/* Independent of the linker symbols: the file's entry is kmain. */
	if (eh)
		KT_ASSERT_EQ((uintptr_t)kmain - eh->entry,
			     boot_info->kernel_slide);
}

KTEST(boot, kernel_physical_address)
{
	uint64_t phys = 0;

	KT_ASSERT_EQ(arch_virt_to_phys((uintptr_t)__kernel_start,
				       boot_info->hhdm_offset, &phys),
		     0);
	KT_ASSERT_EQ(phys, boot_info->kernel_phys);
	KT_ASSERT(entry_at(phys) != NULL);
	KT_ASSERT_EQ(entry_at(phys)->type,
		     LIMINE_MEMMAP_EXECUTABLE_AND_MODULES);
}

/* Write patterns to phys through the HHDM, read them back, restore. */
static bool hhdm_rw_ok(uint64_t phys)
{
	volatile uint64_t *p = boot_phys_to_virt(phys);
	uint64_t saved = *p, pattern = 0x5a5aa5a5c3c33c3cULL ^ phys;
	bool ok;

	*p = pattern;
	ok = *p == pattern;
	*p = ~pattern;
	ok = ok && *p == ~pattern;
	*p = saved;
	return ok;
}

KTEST(boot, hhdm_maps_usable_memory)
{
	const struct limine_memmap_entry *first = NULL, *last = NULL;
	uint64_t phys;

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		if (entry(i)->type != LIMINE_MEMMAP_USABLE)
			continue;
		first = first ? first : entry(i);
		last = entry(i);
	}
	KT_ASSERT(first != NULL);
	KT_ASSERT(hhdm_rw_ok(first->base));
	KT_ASSERT(hhdm_rw_ok(last->base + last->length - 8));
	KT_ASSERT_EQ(arch_virt_to_phys((uintptr_t)boot_phys_to_virt(last->base),
				       boot_info->hhdm_offset, &phys),
		     0);
	KT_ASSERT_EQ(phys, last->base);
}

KTEST(boot, kernel_file_is_our_elf)
{
	const struct elf64_header *eh = boot_info->kernel_file;
	uint64_t size = boot_info->kernel_file_size;

	if (!eh)
		KT_SKIP("no executable file response");
	KT_ASSERT(size >= sizeof(*eh));
	KT_ASSERT(memcmp(eh->ident, "\177ELF\2\1", 6) == 0);
	KT_ASSERT_EQ(eh->type, ELF_TYPE_DYN);
	KT_ASSERT_EQ(eh->machine, ELF_MACHINE_X86_64);
	KT_ASSERT(eh->phoff + (uint64_t)eh->phnum * eh->phentsize <= size);
	KT_ASSERT(eh->shoff + (uint64_t)eh->shnum * eh->shentsize <= size);
}

/* Touch every page of a module; a cpio archive must start with its magic. */
static bool module_ok(const struct boot_module *m)
{
	const volatile unsigned char *p = m->address;
	const struct limine_memmap_entry *e;
	uint64_t phys = (uintptr_t)m->address - boot_info->hhdm_offset;
	size_t plen = strlen(m->path);
	unsigned int sum = 0;

	e = entry_at(phys);
	if (!e || e->type != LIMINE_MEMMAP_EXECUTABLE_AND_MODULES ||
	    phys + m->size > e->base + e->length)
		return false;
	for (uint64_t off = 0; off < m->size; off += PAGE_SIZE)
		sum += p[off];
	if (m->size)
		sum += p[m->size - 1];
	(void)sum;
	if (plen >= 5 && strcmp(m->path + plen - 5, ".cpio") == 0)
		return m->size >= 6 && memcmp(m->address, "0707", 4) == 0;
	return true;
}

KTEST(boot, modules_readable)
{
	if (boot_info->module_count == 0)
		KT_SKIP("no modules");
	for (size_t i = 0; i < boot_info->module_count; i++)
		KT_ASSERT(module_ok(&boot_info->modules[i]));
}

KTEST(boot, cmdline_passed)
{
	/* These tests run only because test= came through. */
	KT_ASSERT(cmdline_get("test") != NULL);
	KT_ASSERT(boot_info->cmdline != NULL);
}

/* The stack kmain started on (it has moved to kernel stack 0 since). */
KTEST(boot, stack_in_reclaimable_memory)
{
	uintptr_t top = boot_info->boot_stack_ptr;
	const struct limine_memmap_entry *e;
	uint64_t phys;

	KT_ASSERT(top != 0);
	KT_ASSERT_EQ(arch_virt_to_phys(top, boot_info->hhdm_offset, &phys), 0);
	e = entry_at(phys);
	KT_ASSERT(e != NULL);
	KT_ASSERT_EQ(e->type, LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
	/* The stack is contiguous below its (page-aligned) top. */
	KT_ASSERT(ALIGN_UP(phys, PAGE_SIZE) - e->base >= boot_info->stack_size);
}

KTEST(boot, rsdp_signature)
{
	uint64_t phys;
	const unsigned char *r;
	unsigned char sum = 0;

	if (!boot_info->has_rsdp)
		KT_SKIP("no RSDP response");
	r = boot_phys_to_virt(boot_info->rsdp_phys);
	/* Under revision 3 the HHDM need not map the (reserved) RSDP. */
	if (arch_virt_to_phys((uintptr_t)r, boot_info->hhdm_offset, &phys) ||
	    arch_virt_to_phys((uintptr_t)r + 19, boot_info->hhdm_offset, &phys))
		KT_SKIP("RSDP not mapped in the HHDM");
	KT_ASSERT(memcmp(r, "RSD PTR ", 8) == 0);
	for (int i = 0; i < 20; i++)
		sum += r[i];
	KT_ASSERT_EQ(sum, 0);
}

KTEST(boot, framebuffer_sane)
{
	const struct boot_framebuffer *fb = &boot_info->framebuffer;
	uint64_t phys;

	if (!boot_info->has_framebuffer)
		KT_SKIP("no framebuffer");
	KT_ASSERT(fb->width > 0 && fb->height > 0 && fb->bpp >= 8);
	KT_ASSERT(fb->pitch >= fb->width * fb->bpp / 8);
	KT_ASSERT_EQ(arch_virt_to_phys((uintptr_t)fb->address,
				       boot_info->hhdm_offset, &phys),
		     0);
}

static bool apic_id_online(uint32_t apic_id)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		if (smp_cpu(cpu)->apic_id == apic_id)
			return true;
	}
	return false;
}

/* The MP response lists distinct CPUs, this one (the BSP) among them. */
KTEST(boot, cpus_sane)
{
	bool found_bsp = false;

	if (!boot_info->cpus)
		KT_SKIP("no MP response");
	/* CPU 0's APIC ID is what its own local APIC says (apic_init). */
	KT_ASSERT_EQ(boot_info->bsp_lapic_id, smp_cpu(0)->apic_id);
	for (uint64_t i = 0; i < boot_info->cpu_count; i++) {
		const struct limine_mp_info *c = boot_info->cpus[i];
		KT_ASSERT(c != NULL);
		if (c->lapic_id == boot_info->bsp_lapic_id)
			found_bsp = true;
		/* Sent somewhere only by smp_init, which put it online. */
		KT_ASSERT(c->goto_address == NULL ||
			  c->lapic_id == boot_info->bsp_lapic_id ||
			  apic_id_online(c->lapic_id));
		for (uint64_t j = 0; j < i; j++)
			KT_ASSERT(boot_info->cpus[j]->lapic_id != c->lapic_id);
	}
	KT_ASSERT(found_bsp);
}
