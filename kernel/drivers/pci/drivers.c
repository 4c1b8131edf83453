/*
 * The PCI drivers built into the kernel, registered in this order once
 * the buses are scanned (pci_init): each offers itself every device.
 */
#include <kernel/ata.h>
#include <kernel/pci.h>

void pci_drivers_init(void)
{
	ahci_init();
}
