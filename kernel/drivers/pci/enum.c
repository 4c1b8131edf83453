/*
 * Enumeration: every function on bus 0 of each segment and, depth first,
 * on the buses behind PCI-to-PCI bridges, with the bus numbers the
 * firmware assigned (both SeaBIOS and OVMF number the bridges). A bus is
 * scanned once, so a bridge that claims a bus seen already (a firmware
 * bug, or a loop) is logged and not followed.
 */
#include <kernel/acpi.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "pci_priv.h"

#define PCI_CAP_SSVID 0x0d /* a bridge's subsystem ids */
#define PCI_HEADER_MULTI 0x80
#define PCI_HEADER_BRIDGE 0x01

static uint8_t seen[ACPI_MAX_MCFG + 1][256 / 8];

static void scan_bus(unsigned int slot, uint16_t seg, uint8_t bus);

static bool mark_seen(unsigned int slot, uint8_t bus)
{
	bool was = seen[slot][bus / 8] & (1u << (bus % 8));

	seen[slot][bus / 8] |= (uint8_t)(1u << (bus % 8));
	return !was;
}

static void read_subsystem(struct pci_dev *d)
{
	uint8_t cap;

	if ((d->header_type & 0x7f) == 0) {
		d->subsys_vendor = pci_read16(d, PCI_SUBSYS_VENDOR);
		d->subsys_device = pci_read16(d, PCI_SUBSYS_ID);
		return;
	}
	cap = pci_find_cap(d, PCI_CAP_SSVID);
	if (cap) {
		d->subsys_vendor = pci_read16(d, cap + 4);
		d->subsys_device = pci_read16(d, cap + 6);
	}
}

/* 4 KiB of config space: PCI Express through ECAM, if offset 0x100
 * answers (as Linux decides). */
static uint16_t config_size(struct pci_dev *d)
{
	if (!d->ecam || !pci_find_cap(d, PCI_CAP_EXP))
		return 256;
	d->cfg_size = 4096; /* so that pci_read32 reaches 0x100 */
	return pci_read32(d, 0x100) == ~0u ? 256 : 4096;
}

static struct pci_dev *new_device(uint16_t seg, uint8_t bus, uint8_t dev,
				  uint8_t fn)
{
	struct pci_dev *d = kzalloc(sizeof(*d));

	if (!d) {
		klog(KLOG_ERR, "pci: out of memory at %02x:%02x.%u\n", bus, dev,
		     fn);
		return NULL;
	}
	d->segment = seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->ecam = pci_ecam_page(seg, bus, dev, fn);
	d->cfg_size = 256;
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	d->device = pci_read16(d, PCI_DEVICE_ID);
	d->revision = pci_read8(d, PCI_REVISION);
	d->class = pci_read32(d, PCI_REVISION) >> 8;
	d->header_type = pci_read8(d, PCI_HEADER_TYPE);
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	d->cfg_size = config_size(d);
	read_subsystem(d);
	return d;
}

static void scan_function(unsigned int slot, uint16_t seg, uint8_t bus,
			  uint8_t dev, uint8_t fn)
{
	struct pci_dev *d;
	uint8_t secondary;

	if (pci_cfg_read(seg, bus, dev, fn, PCI_VENDOR_ID, 2) == 0xffff)
		return;
	d = new_device(seg, bus, dev, fn);
	if (!d)
		return;
	pci_size_bars(d);
	pci_add_device(d);
	if ((d->header_type & 0x7f) != PCI_HEADER_BRIDGE)
		return;
	secondary = pci_read8(d, PCI_PRIMARY_BUS + 1);
	d->secondary_bus = secondary;
	if (secondary <= bus || !mark_seen(slot, secondary)) {
		klog(KLOG_WARN,
		     "pci: bridge %02x:%02x.%u: bad secondary bus %u, "
		     "not scanned\n",
		     bus, dev, fn, secondary);
		return;
	}
	scan_bus(slot, seg, secondary);
}

static void scan_bus(unsigned int slot, uint16_t seg, uint8_t bus)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t hdr;

		if (pci_cfg_read(seg, bus, dev, 0, PCI_VENDOR_ID, 2) == 0xffff)
			continue;
		scan_function(slot, seg, bus, dev, 0);
		hdr = pci_cfg_read(seg, bus, dev, 0, PCI_HEADER_TYPE, 1);
		for (uint8_t fn = 1; fn < 8 && (hdr & PCI_HEADER_MULTI); fn++)
			scan_function(slot, seg, bus, dev, fn);
	}
}

void pci_scan_all(void)
{
	size_t n = acpi_info->mcfg_count;

	if (!pci_uses_ecam()) {
		mark_seen(ACPI_MAX_MCFG, 0);
		scan_bus(ACPI_MAX_MCFG, 0, 0);
		return;
	}
	for (size_t i = 0; i < n && i < ACPI_MAX_MCFG; i++) {
		const struct acpi_mcfg_segment *m = &acpi_info->mcfg[i];

		if (!m->base || m->bus_end < m->bus_start)
			continue;
		mark_seen((unsigned int)i, m->bus_start);
		scan_bus((unsigned int)i, m->segment, m->bus_start);
	}
}
