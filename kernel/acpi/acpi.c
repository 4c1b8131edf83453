/*
 * The kernel side of the ACPI tables: acpi_init runs the pure parser
 * (rsdp.c and the rest) over the tables the loader's RSDP points at,
 * reached through the HHDM, logs what it found and keeps it in acpi_info
 * for the interrupt, timer, SMP, PCI and power code.
 *
 * The direct map does not cover every kind of memory ACPI tables live in
 * (the kernel's own tables leave "reserved" ranges out, and SeaBIOS puts
 * the tables there), so every page is checked in the page tables before
 * it is read through the HHDM, and what is not there is mapped with
 * vm_ioremap: a table that cannot be reached is a warning that names it,
 * never a page fault.
 */
#include <kernel/acpi.h>
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "acpi_hw.h"

#define ACPI_MAX_MAPPINGS 32

static struct acpi_info info;
const struct acpi_info *const acpi_info = &info;

/* Is [phys, phys + len) in the HHDM (mapped, and to phys onwards)? */
static bool hhdm_mapped(uint64_t phys, size_t len)
{
	uint64_t first = ALIGN_DOWN(phys, PAGE_SIZE);

	for (uint64_t p = first; p < phys + len; p += PAGE_SIZE) {
		uint64_t got;

		if (arch_virt_to_phys((uintptr_t)boot_phys_to_virt(p),
				      boot_info->hhdm_offset, &got) < 0 ||
		    got != p)
			return false;
	}
	return true;
}

/* Firmware memory mapped with vm_ioremap, kept for the next request. */
struct acpi_mapping {
	uint64_t phys, end; /* page-aligned */
	uint8_t *virt;
};

static struct acpi_mapping mappings[ACPI_MAX_MAPPINGS];
static size_t mapping_count;

/* Outside the HHDM: an earlier mapping that covers it, else a new one. */
static void *ioremap_cached(uint64_t phys, size_t len)
{
	uint64_t start = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t end = ALIGN_UP(phys + len, PAGE_SIZE);
	struct acpi_mapping *m;

	for (size_t i = 0; i < mapping_count; i++) {
		m = &mappings[i];
		if (phys >= m->phys && phys + len <= m->end)
			return m->virt + (phys - m->phys);
	}
	if (mapping_count == ACPI_MAX_MAPPINGS)
		return NULL;
	m = &mappings[mapping_count];
	m->virt = vm_ioremap(start, end - start, 0);
	if (!m->virt)
		return NULL;
	m->phys = start;
	m->end = end;
	mapping_count++;
	return m->virt + (phys - start);
}

/*
 * len bytes at phys: through the HHDM where it maps them (RAM, ACPI
 * reclaimable and NVS memory), else mapped uncached in the vmalloc area
 * (SeaBIOS keeps the tables in "reserved" memory, which the direct map
 * leaves out). NULL, with a warning, if neither works.
 */
void *acpi_map_phys(uint64_t phys, size_t len)
{
	void *p;

	if (len == 0 || phys + len < phys || phys >= (1ULL << 52))
		return NULL;
	if (hhdm_mapped(phys, len))
		return boot_phys_to_virt(phys);
	p = ioremap_cached(phys, len);
	if (!p)
		klog(KLOG_WARN, "acpi: cannot map 0x%llx-0x%llx\n",
		     (unsigned long long)phys,
		     (unsigned long long)(phys + len - 1));
	return p;
}

static const void *map_phys(void *ctx, uint64_t phys, size_t len)
{
	return acpi_map_phys(phys, len);
}

static void warn(void *ctx, const char *fmt, va_list ap)
{
	char buf[192];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	klog(KLOG_WARN, "acpi: %s\n", buf);
}

const char *acpi_gas_describe(const struct acpi_gas *gas, char *buf,
			      size_t size)
{
	static const char *const spaces[] = {"mem", "io", "pci"};

	if (gas->space < ARRAY_SIZE(spaces))
		snprintf(buf, size, "%s 0x%llx", spaces[gas->space],
			 (unsigned long long)gas->address);
	else
		snprintf(buf, size, "space %u 0x%llx", gas->space,
			 (unsigned long long)gas->address);
	return buf;
}

static const char *inti_desc(uint16_t flags)
{
	static const char *const desc[4][4] = {
		{"", ", high", ", ?", ", low"},
		{", edge", ", edge high", ", edge ?", ", edge low"},
		{", ?", ", ? high", ", ?", ", ? low"},
		{", level", ", level high", ", level ?", ", level low"},
	};

	return desc[(flags >> 2) & 3][flags & 3];
}

static void log_cpus(const struct acpi_madt *m)
{
	for (size_t i = 0; i < m->cpu_count; i++) {
		const struct acpi_cpu *c = &m->cpus[i];

		klog(KLOG_INFO, "acpi: cpu %zu: %sapic id %u, uid %u, %s\n", i,
		     c->x2apic ? "x2" : "", c->apic_id, c->uid,
		     c->enabled		 ? "enabled"
		     : c->online_capable ? "online-capable"
					 : "disabled");
	}
}

static void log_madt(const struct acpi_madt *m)
{
	klog(KLOG_INFO, "acpi: local apic at 0x%llx%s\n",
	     (unsigned long long)m->lapic_address,
	     m->pcat_compat ? ", 8259 PICs present" : "");
	log_cpus(m);
	for (size_t i = 0; i < m->ioapic_count; i++)
		klog(KLOG_INFO, "acpi: ioapic id %u at 0x%x, gsi base %u\n",
		     m->ioapics[i].id, m->ioapics[i].address,
		     m->ioapics[i].gsi_base);
	/* Routing details: debug level, the boot log is long enough. */
	for (size_t i = 0; i < m->override_count; i++)
		klog(KLOG_DEBUG, "acpi: override bus %u irq %u -> gsi %u%s\n",
		     m->overrides[i].bus, m->overrides[i].source,
		     m->overrides[i].gsi, inti_desc(m->overrides[i].flags));
	for (size_t i = 0; i < m->nmi_source_count; i++)
		klog(KLOG_DEBUG, "acpi: nmi source gsi %u%s\n",
		     m->nmi_sources[i].gsi, inti_desc(m->nmi_sources[i].flags));
	for (size_t i = 0; i < m->lapic_nmi_count; i++) {
		const struct acpi_lapic_nmi *n = &m->lapic_nmis[i];

		if (n->uid == ACPI_UID_ALL)
			klog(KLOG_DEBUG,
			     "acpi: local apic nmi lint%u, all cpus%s\n",
			     n->lint, inti_desc(n->flags));
		else
			klog(KLOG_DEBUG,
			     "acpi: local apic nmi lint%u, uid %u%s\n", n->lint,
			     n->uid, inti_desc(n->flags));
	}
}

static void log_fadt(const struct acpi_fadt *f)
{
	char a[40], b[40], c[40];

	klog(KLOG_INFO, "acpi: fadt rev %u, sci irq %u, smi_cmd 0x%x%s\n",
	     f->revision, f->sci_irq, f->smi_cmd,
	     f->flags & ACPI_FADT_HW_REDUCED ? ", hardware-reduced" : "");
	klog(KLOG_INFO, "acpi: pm1a_evt %s, pm1a_cnt %s, pm timer %s\n",
	     acpi_gas_describe(&f->pm1a_evt, a, sizeof(a)),
	     acpi_gas_describe(&f->pm1a_cnt, b, sizeof(b)),
	     f->pm_tmr.address ? acpi_gas_describe(&f->pm_tmr, c, sizeof(c))
			       : "none");
	if (f->has_reset_reg)
		klog(KLOG_INFO, "acpi: reset register %s value 0x%x\n",
		     acpi_gas_describe(&f->reset_reg, a, sizeof(a)),
		     f->reset_value);
	else
		klog(KLOG_INFO, "acpi: no reset register\n");
}

static void log_info(const struct acpi_info *ai)
{
	klog(KLOG_INFO, "acpi: rsdp rev %u (%s), %s at 0x%llx, %zu tables\n",
	     ai->rsdp_revision, ai->oem_id, ai->using_xsdt ? "xsdt" : "rsdt",
	     (unsigned long long)ai->root_phys, ai->table_count);
	for (size_t i = 0; i < ai->table_count; i++)
		klog(KLOG_DEBUG, "acpi: table %s at 0x%llx, %u bytes%s\n",
		     ai->tables[i].signature,
		     (unsigned long long)ai->tables[i].phys,
		     ai->tables[i].length, ai->tables[i].valid ? "" : " (bad)");
	if (ai->has_madt)
		log_madt(&ai->madt);
	if (ai->has_fadt)
		log_fadt(&ai->fadt);
	if (ai->has_hpet)
		klog(KLOG_INFO, "acpi: hpet at 0x%llx, %u comparators\n",
		     (unsigned long long)ai->hpet.address,
		     ai->hpet.comparators);
	for (size_t i = 0; i < ai->mcfg_count; i++)
		klog(KLOG_INFO, "acpi: mcfg segment %u buses %u-%u at 0x%llx\n",
		     ai->mcfg[i].segment, ai->mcfg[i].bus_start,
		     ai->mcfg[i].bus_end, (unsigned long long)ai->mcfg[i].base);
	if (ai->has_s5)
		klog(KLOG_INFO, "acpi: \\_S5 SLP_TYPa %u SLP_TYPb %u\n",
		     ai->slp_typ_a, ai->slp_typ_b);
	klog(KLOG_INFO, "acpi: interrupts: %s\n",
	     ai->irq_model == ACPI_IRQ_APIC ? "apic (madt)"
					    : "8259 pic + pit, one cpu");
}

void acpi_init(void)
{
	const struct acpi_env env = {.map = map_phys, .warn = warn};

	if (!boot_info->has_rsdp) {
		klog(KLOG_WARN, "acpi: the loader gave no RSDP: no ACPI; "
				"use the PIC and PIT, one CPU\n");
		info.problems =
			ACPI_PROB_RSDP | ACPI_PROB_NO_MADT | ACPI_PROB_NO_FADT;
		return;
	}
	acpi_parse(boot_info->rsdp_phys, &env, &info);
	if (info.has_rsdp)
		log_info(&info);
}
