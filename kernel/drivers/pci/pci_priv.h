/*
 * Shared inside kernel/drivers/pci/: raw configuration access by address
 * (before a struct pci_dev exists), the device list, the sysfs files.
 */
#ifndef PCI_PRIV_H
#define PCI_PRIV_H

#include <kernel/pci.h>

/* Raw access to function (seg, bus, dev, fn), size 1, 2 or 4 at an
 * aligned off: ~0 (masked to size) when nothing answers there. */
uint32_t pci_cfg_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, unsigned int size);
void pci_cfg_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
		   uint16_t off, unsigned int size, uint32_t val);
/* The ECAM page of a function, mapped (NULL: no ECAM covers it). */
volatile void *pci_ecam_page(uint16_t seg, uint8_t bus, uint8_t dev,
			     uint8_t fn);
/* Set up config access (ECAM, else ports): false if there is none. */
bool pci_cfg_init(void);

/*
 * The PC's configuration mechanism #1 (pci_port.c, PC-only): segment 0,
 * offsets below 256. pci_port_probe: whether a host bridge answers.
 */
bool pci_port_probe(void);
uint32_t pci_port_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		       unsigned int size);
void pci_port_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		    unsigned int size, uint32_t val);

/* Scan everything reachable into the device list (enum.c). */
void pci_scan_all(void);
/* Add a found device to the list (pci.c). */
void pci_add_device(struct pci_dev *dev);
/* Size dev's BARs (bar.c). */
void pci_size_bars(struct pci_dev *dev);

/* /sys/bus/pci/devices/<name> for dev (pci_sysfs.c): 0 or -errno. */
int pci_sysfs_add(struct pci_dev *dev);

#endif
