/*
 * PCI tests on QEMU's pc and q35 machines, whose devices are known: the
 * host bridge at 00:00.0 (Intel), the standard VGA (1234:1111: a 16 MiB
 * prefetchable framebuffer BAR0 and a 4 KiB register BAR2), and the
 * ICH9 AHCI when there is one (4 KiB ABAR in BAR5).
 */
#include <kernel/ktest.h>
#include <kernel/pci.h>

KTEST(pci, host_bridge_found)
{
	struct pci_dev *d = pci_find(PCI_ANY, PCI_ANY, NULL);

	KT_ASSERT(d != NULL);
	KT_ASSERT_EQ(d->bus, 0);
	KT_ASSERT_EQ(d->dev, 0);
	KT_ASSERT_EQ(d->vendor, 0x8086);
	KT_ASSERT_EQ(d->class >> 8, 0x0600); /* host bridge */
	KT_ASSERT_EQ(pci_read16(d, PCI_VENDOR_ID), 0x8086);
	KT_ASSERT_EQ(pci_read32(d, PCI_VENDOR_ID),
		     (uint32_t)d->device << 16 | d->vendor);
}

/* The interrupt line register is scratch for the OS: it keeps a write,
 * by byte and by dword. */
KTEST(pci, config_write_readback)
{
	struct pci_dev *d = pci_find(0x1234, 0x1111, NULL);
	uint8_t old;

	if (!d)
		KT_SKIP("no standard VGA");
	old = pci_read8(d, PCI_INTERRUPT_LINE);
	pci_write8(d, PCI_INTERRUPT_LINE, 0x5a);
	KT_ASSERT_EQ(pci_read8(d, PCI_INTERRUPT_LINE), 0x5a);
	pci_write8(d, PCI_INTERRUPT_LINE, old);
	KT_ASSERT_EQ(pci_read8(d, PCI_INTERRUPT_LINE), old);
	/* The read-only vendor ID ignores writes. */
	pci_write16(d, PCI_VENDOR_ID, 0xbeef);
	KT_ASSERT_EQ(pci_read16(d, PCI_VENDOR_ID), 0x1234);
}

KTEST(pci, vga_bars_sized)
{
	struct pci_dev *d = pci_find(0x1234, 0x1111, NULL);

	if (!d)
		KT_SKIP("no standard VGA");
	KT_ASSERT_EQ(d->bars[0].size, 16u << 20);
	KT_ASSERT(d->bars[0].prefetch);
	KT_ASSERT(!d->bars[0].io);
	KT_ASSERT_EQ(d->bars[0].base & 0xfffff, 0);
	KT_ASSERT_EQ(d->bars[2].size, 4096);
	KT_ASSERT(!d->bars[2].prefetch);
	/* Sizing put the base back. */
	KT_ASSERT_EQ(pci_read32(d, PCI_BAR0) & ~0xfu,
		     (uint32_t)d->bars[0].base);
}

KTEST(pci, ahci_bar_mapped)
{
	struct pci_dev *d = pci_find_class(0x010601, 0xffffff);
	volatile uint32_t *abar;

	if (!d)
		KT_SKIP("no AHCI controller");
	KT_ASSERT(d->bars[5].size >= 0x1000);
	KT_ASSERT(!d->bars[5].io);
	abar = pci_map_bar(d, 5);
	KT_ASSERT(abar != NULL);
	KT_ASSERT_EQ(abar[0x10 / 4] >> 16, 1); /* AHCI version 1.x */
	KT_ASSERT(pci_read16(d, PCI_COMMAND) & PCI_CMD_MASTER);
}

KTEST(pci, capabilities)
{
	struct pci_dev *d = pci_find_class(0x010601, 0xffffff);

	if (!d)
		KT_SKIP("no AHCI controller");
	KT_ASSERT(pci_find_cap(d, PCI_CAP_MSI) != 0);
	KT_ASSERT_EQ(pci_find_cap(d, 0x7f), 0);
	KT_ASSERT_EQ(d->cfg_size,
		     pci_uses_ecam() && pci_find_cap(d, PCI_CAP_EXP) ? 4096
								     : 256);
}
