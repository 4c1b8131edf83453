/*
 * Configuration space access: ECAM (PCI Express 7.2.2: function f of
 * device d on bus b is the 4 KiB at base + (b << 20 | d << 15 | f << 12)
 * of an MCFG window) where the firmware gave one, else the PC's ports.
 * Each bus's 1 MiB of ECAM is mapped uncached when first touched; pci_init
 * touches every bus it scans before anything else runs, so later accesses
 * find their mapping made (the table is only written during the scan).
 */
#include <kernel/acpi.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "pci_priv.h"

#define ECAM_BUS_SIZE (1u << 20)

struct ecam_window {
	const struct acpi_mcfg_segment *seg;
	volatile uint8_t *bus_map[256]; /* NULL: not mapped yet */
};

static struct ecam_window windows[ACPI_MAX_MCFG];
static size_t window_count;
static bool have_ports;

static struct ecam_window *find_window(uint16_t seg, uint8_t bus)
{
	for (size_t i = 0; i < window_count; i++) {
		const struct acpi_mcfg_segment *m = windows[i].seg;

		if (m->segment == seg && bus >= m->bus_start &&
		    bus <= m->bus_end)
			return &windows[i];
	}
	return NULL;
}

static volatile uint8_t *ecam_bus(uint16_t seg, uint8_t bus)
{
	struct ecam_window *w = find_window(seg, bus);
	uint64_t phys;

	if (!w)
		return NULL;
	if (!w->bus_map[bus]) {
		phys = w->seg->base + ((uint64_t)bus << 20);
		w->bus_map[bus] = vm_ioremap(phys, ECAM_BUS_SIZE, VM_UC);
		if (!w->bus_map[bus])
			klog(KLOG_ERR, "pci: cannot map ECAM of bus %u\n", bus);
	}
	return w->bus_map[bus];
}

volatile void *pci_ecam_page(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	volatile uint8_t *b = ecam_bus(seg, bus);

	return b ? b + ((uint32_t)(dev & 31) << 15 | (uint32_t)(fn & 7) << 12)
		 : NULL;
}

static uint32_t all_ones(unsigned int size)
{
	return size == 4 ? ~0u : (1u << (size * 8)) - 1;
}

static uint32_t ecam_read(volatile void *page, uint16_t off, unsigned int size)
{
	volatile uint8_t *p = (volatile uint8_t *)page + (off & 0xfff);

	if (size == 1)
		return *p;
	if (size == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

static void ecam_write(volatile void *page, uint16_t off, unsigned int size,
		       uint32_t val)
{
	volatile uint8_t *p = (volatile uint8_t *)page + (off & 0xfff);

	if (size == 1)
		*p = (uint8_t)val;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)val;
	else
		*(volatile uint32_t *)p = val;
}

uint32_t pci_cfg_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, unsigned int size)
{
	volatile void *page = pci_ecam_page(seg, bus, dev, fn);

	if (off & (size - 1) || off >= 4096)
		return all_ones(size);
	if (page)
		return ecam_read(page, off, size);
	if (have_ports && seg == 0)
		return pci_port_read(bus, dev, fn, off, size);
	return all_ones(size);
}

void pci_cfg_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		   uint16_t off, unsigned int size, uint32_t val)
{
	volatile void *page = pci_ecam_page(seg, bus, dev, fn);

	if (off & (size - 1) || off >= 4096)
		return;
	if (page)
		ecam_write(page, off, size, val);
	else if (have_ports && seg == 0)
		pci_port_write(bus, dev, fn, off, size, val);
}

bool pci_uses_ecam(void)
{
	return window_count > 0;
}

bool pci_cfg_init(void)
{
	for (size_t i = 0; i < acpi_info->mcfg_count && i < ACPI_MAX_MCFG;
	     i++) {
		const struct acpi_mcfg_segment *m = &acpi_info->mcfg[i];

		if (!m->base || m->bus_end < m->bus_start) {
			klog(KLOG_WARN, "pci: MCFG entry %zu unusable\n", i);
			continue;
		}
		windows[window_count++].seg = m;
		klog(KLOG_INFO,
		     "pci: ECAM segment %u buses %02x-%02x at %#llx\n",
		     m->segment, m->bus_start, m->bus_end,
		     (unsigned long long)m->base);
	}
	if (window_count)
		return true;
	have_ports = pci_port_probe();
	if (have_ports)
		klog(KLOG_INFO, "pci: no MCFG: config space by ports 0xcf8\n");
	return have_ports;
}
