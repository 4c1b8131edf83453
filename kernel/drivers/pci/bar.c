/*
 * Base address registers (PCI Local Bus 3.0, 6.2.5.1): writing all ones
 * and reading back tells a BAR's size by the address bits that stay 0;
 * the low bits say I/O or memory, 32 or 64 bits, prefetchable. Decoding
 * is off while a BAR holds all ones, so that the device answers no
 * address it does not own meanwhile. Mapping is uncached, on request.
 */
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "pci_priv.h"

#define BAR_IO 0x1u
#define BAR_MEM_TYPE 0x6u
#define BAR_MEM_64 0x4u
#define BAR_MEM_PREFETCH 0x8u

/* The value BAR off reads back after all ones were written (restored). */
static uint32_t probe_bar(struct pci_dev *d, uint16_t off, uint32_t *orig)
{
	uint32_t mask;

	*orig = pci_read32(d, off);
	pci_write32(d, off, ~0u);
	mask = pci_read32(d, off);
	pci_write32(d, off, *orig);
	return mask;
}

/* Size BAR n: the number of BAR registers it takes (2 for 64 bits). */
static unsigned int size_bar(struct pci_dev *d, unsigned int n,
			     unsigned int max)
{
	struct pci_bar *b = &d->bars[n];
	uint16_t off = (uint16_t)(PCI_BAR0 + 4 * n);
	uint32_t orig, orig_hi, mask = probe_bar(d, off, &orig), mask_hi;
	uint64_t size_mask;

	if (!mask || mask == ~0u) /* not implemented, or nothing there */
		return 1;
	b->io = orig & BAR_IO;
	if (b->io) {
		b->base = orig & ~3u;
		size_mask = (mask & ~3u) | 0xffff0000u; /* 16-bit I/O space */
		b->size = (uint32_t)~size_mask + 1;
		return 1;
	}
	b->prefetch = orig & BAR_MEM_PREFETCH;
	b->is64 = (orig & BAR_MEM_TYPE) == BAR_MEM_64 && n + 1 < max;
	b->base = orig & ~0xfu;
	size_mask = 0xffffffff00000000ull | (mask & ~0xfu);
	if (b->is64) {
		mask_hi = probe_bar(d, off + 4, &orig_hi);
		b->base |= (uint64_t)orig_hi << 32;
		size_mask = (uint64_t)mask_hi << 32 | (mask & ~0xfu);
	}
	b->size = ~size_mask + 1;
	return b->is64 ? 2 : 1;
}

/*
 * An IDE controller in compatibility mode (class 01.01, prog-if bit 0
 * or 2 clear for the primary or secondary channel) decodes the legacy
 * ports whatever its BARs say (PCI IDE Controller Specification 1.0).
 */
static void legacy_ide_bars(struct pci_dev *d)
{
	static const uint16_t base[4] = {0x1f0, 0x3f6, 0x170, 0x376};
	static const uint8_t size[4] = {8, 1, 8, 1};

	for (unsigned int n = 0; n < 4; n++) {
		if (d->class & (1u << (n / 2 * 2)))
			continue; /* that channel is in native mode */
		d->bars[n] = (struct pci_bar){
			.base = base[n], .size = size[n], .io = true};
	}
}

void pci_size_bars(struct pci_dev *d)
{
	unsigned int type = d->header_type & 0x7f;
	unsigned int max = type == 0 ? 6 : type == 1 ? 2 : 0;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (unsigned int n = 0; n < max;)
		n += size_bar(d, n, max);
	pci_write16(d, PCI_COMMAND, cmd);
	if ((d->class >> 8) == 0x0101)
		legacy_ide_bars(d);
}

void *pci_map_bar(struct pci_dev *d, unsigned int n)
{
	struct pci_bar *b;
	char name[16];

	if (n >= PCI_NUM_BARS)
		return NULL;
	b = &d->bars[n];
	if (b->virt)
		return b->virt;
	if (!b->size || b->io || !b->base) {
		klog(KLOG_WARN, "pci: %s: BAR%u is no memory BAR\n",
		     pci_name(d, name, sizeof(name)), n);
		return NULL;
	}
	b->virt = vm_ioremap(b->base, b->size, VM_UC);
	if (!b->virt)
		klog(KLOG_ERR, "pci: %s: cannot map BAR%u\n",
		     pci_name(d, name, sizeof(name)), n);
	return b->virt;
}
