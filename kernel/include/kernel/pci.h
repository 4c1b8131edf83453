/*
 * PCI (kernel/drivers/pci/): configuration space, the devices found on
 * every bus, their BARs and interrupts, and the drivers that bind to them.
 * Facts are from the PCI Local Bus 3.0 and PCI Express Base specifications.
 *
 *  - Configuration space goes through ECAM (the MCFG table's windows,
 *    mapped uncached bus by bus) or, on a machine without MCFG (QEMU's
 *    pc), the PC's 0xCF8/0xCFC ports (pci_port.c, PC-only).
 *  - pci_init scans bus 0 of each segment and every bus behind a bridge,
 *    all functions of multi-function devices; each BAR is sized once
 *    (decoding turned off meanwhile) and kept in struct pci_dev.
 *  - Drivers register a struct pci_driver (a table of matches, probe and
 *    remove); each device goes to the first driver that matches it.
 *  - Interrupts: pci_irq_setup gives a driver MSI-X, else MSI, else
 *    legacy INTx routed through the IOAPIC as the firmware's interrupt
 *    line says (level, active low); "pci=nomsi" forces INTx.
 *  - /sys/bus/pci/devices/SSSS:BB:DD.F: the files busybox lspci reads.
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/list.h>

/* Configuration space registers (type 0 header unless said). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18 /* bridges: primary, secondary, subordinate */
#define PCI_SUBSYS_VENDOR 0x2c
#define PCI_SUBSYS_ID 0x2e
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_CMD_IO (1u << 0)
#define PCI_CMD_MEMORY (1u << 1)
#define PCI_CMD_MASTER (1u << 2)
#define PCI_CMD_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAPS (1u << 4)

#define PCI_CAP_MSI 0x05
#define PCI_CAP_EXP 0x10 /* PCI Express: 4 KiB of config space */
#define PCI_CAP_MSIX 0x11

#define PCI_NUM_BARS 6
#define PCI_ANY 0xffffu /* a wildcard vendor or device in a match */

struct pci_bar {
	uint64_t base, size; /* size 0: no BAR here */
	bool io, is64, prefetch;
	void *virt; /* pci_map_bar's mapping, NULL until then */
};

enum pci_irq_kind { PCI_IRQ_NONE, PCI_IRQ_INTX, PCI_IRQ_MSI, PCI_IRQ_MSIX };

struct pci_driver;

struct pci_dev {
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class; /* class << 16 | subclass << 8 | prog-if */
	uint8_t revision, header_type;
	uint8_t irq_line, irq_pin; /* as the firmware wrote them */
	uint16_t cfg_size;	   /* 256, or 4096 on PCI Express */
	uint8_t secondary_bus;	   /* bridges */
	struct pci_bar bars[PCI_NUM_BARS];

	/* pci_irq_setup's: what the device interrupts through. */
	enum pci_irq_kind irq_kind;
	unsigned int irq_vector;
	uint32_t irq_gsi; /* INTx */

	const struct pci_driver *driver;
	void *driver_data;
	volatile void *ecam;   /* its 4 KiB of ECAM, or NULL: ports */
	struct list_head link; /* all devices, in bus order */
};

struct pci_match {
	uint16_t vendor, device;    /* PCI_ANY: any */
	uint32_t class, class_mask; /* (dev->class & mask) == class */
};

struct pci_driver {
	const char *name; /* as Linux's driver ("ahci"): lspci -k shows it */
	const struct pci_match *matches; /* ends with an all-zero entry */
	/* Take dev: 0, or -errno (the device then stays without driver). */
	int (*probe)(struct pci_dev *dev, const struct pci_match *match);
	void (*remove)(struct pci_dev *dev);
	struct list_head link;
};

/* Configuration space of dev; offsets beyond cfg_size read ~0. */
uint8_t pci_read8(const struct pci_dev *dev, uint16_t off);
uint16_t pci_read16(const struct pci_dev *dev, uint16_t off);
uint32_t pci_read32(const struct pci_dev *dev, uint16_t off);
void pci_write8(const struct pci_dev *dev, uint16_t off, uint8_t val);
void pci_write16(const struct pci_dev *dev, uint16_t off, uint16_t val);
void pci_write32(const struct pci_dev *dev, uint16_t off, uint32_t val);

/* Offset of capability id in dev's list, or 0. */
uint8_t pci_find_cap(const struct pci_dev *dev, uint8_t id);

/* Memory decoding and bus mastering on (DMA). */
void pci_enable_mmio(struct pci_dev *dev);
void pci_set_master(struct pci_dev *dev);

/* Map memory BAR n uncached: its address, or NULL (no such memory BAR,
 * or no address space). Mapped once; later calls return the same. */
void *pci_map_bar(struct pci_dev *dev, unsigned int n);

/*
 * An interrupt for dev: fn(tf, arg) on a vector of its own, through
 * MSI-X (vector 0), MSI or INTx, the first that works unless
 * "pci=nomsi" (INTx only). INTx handlers must check that their device
 * interrupted: the line may be shared. 0, or -errno (-ENODEV: dev has
 * no interrupt at all).
 */
int pci_irq_setup(struct pci_dev *dev, interrupt_handler_t fn, void *arg);
void pci_irq_free(struct pci_dev *dev);
const char *pci_irq_kind_name(enum pci_irq_kind kind);

/* Register drv and offer it every device without a driver: 0, -EINVAL. */
int pci_register_driver(struct pci_driver *drv);

/* Every device, in bus order. */
void pci_for_each(void (*fn)(struct pci_dev *dev, void *arg), void *arg);
/* The first device with these ids (PCI_ANY: any) from after (NULL: the
 * first): NULL if none. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device,
			 struct pci_dev *after);
/* The first device of class (class << 16 | subclass << 8 | prog-if)
 * under mask: NULL if none. */
struct pci_dev *pci_find_class(uint32_t class, uint32_t mask);

/* "0000:00:1f.2" into buf (at least 13 bytes). */
const char *pci_name(const struct pci_dev *dev, char *buf, size_t size);

/* Whether config space goes through ECAM (else ports, or nothing). */
bool pci_uses_ecam(void);

/*
 * Enumerate every bus, log each device ("pci: 0000:00:1f.2 8086:2922
 * class 010601 ..."), and fill /sys/bus/pci. Call once, after
 * acpi_init, apic_init and fs_init; drivers register afterwards.
 */
void pci_init(void);
/* The drivers built in (AHCI...), registered in order. */
void pci_drivers_init(void);

#endif
