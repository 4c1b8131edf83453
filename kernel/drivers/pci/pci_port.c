/*
 * PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): write
 * the function's address to port 0xCF8, move data through 0xCFC-0xCFF.
 * The fallback on PCs without MCFG (QEMU's pc machine). Two port accesses
 * make one config access, so a lock keeps other CPUs' accesses out.
 */
#include <kernel/arch/x86_64/io.h>
#include <kernel/spinlock.h>

#include "pci_priv.h"

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc
#define PCI_ADDR_ENABLE (1u << 31)

static DEFINE_SPINLOCK(port_lock, LOCK_RANK_PCI_CFG);

static uint32_t port_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return PCI_ADDR_ENABLE | (uint32_t)bus << 16 |
	       (uint32_t)(dev & 31) << 11 | (uint32_t)(fn & 7) << 8 |
	       (off & 0xfc);
}

uint32_t pci_port_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		       unsigned int size)
{
	uint16_t data = PCI_DATA_PORT + (off & 3);
	unsigned long flags;
	uint32_t v;

	if (off >= 256)
		return size == 4 ? ~0u : (1u << (size * 8)) - 1;
	flags = spin_lock_irqsave(&port_lock);
	outl(PCI_ADDR_PORT, port_address(bus, dev, fn, off));
	if (size == 1)
		v = inb(data);
	else if (size == 2)
		v = inw(data);
	else
		v = inl(data);
	spin_unlock_irqrestore(&port_lock, flags);
	return v;
}

void pci_port_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		    unsigned int size, uint32_t val)
{
	uint16_t data = PCI_DATA_PORT + (off & 3);
	unsigned long flags;

	if (off >= 256)
		return;
	flags = spin_lock_irqsave(&port_lock);
	outl(PCI_ADDR_PORT, port_address(bus, dev, fn, off));
	if (size == 1)
		outb(data, (uint8_t)val);
	else if (size == 2)
		outw(data, (uint16_t)val);
	else
		outl(data, val);
	spin_unlock_irqrestore(&port_lock, flags);
}

/* Mechanism #1 is there if the address register keeps what is written
 * and a host bridge answers at 00:00.0. */
bool pci_port_probe(void)
{
	unsigned long flags = spin_lock_irqsave(&port_lock);
	uint32_t old = inl(PCI_ADDR_PORT), back;

	outl(PCI_ADDR_PORT, PCI_ADDR_ENABLE);
	back = inl(PCI_ADDR_PORT);
	outl(PCI_ADDR_PORT, old);
	spin_unlock_irqrestore(&port_lock, flags);
	return back == PCI_ADDR_ENABLE &&
	       pci_port_read(0, 0, 0, PCI_VENDOR_ID, 2) != 0xffff;
}
