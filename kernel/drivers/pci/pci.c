/*
 * The PCI core: the device list, configuration accessors of a device,
 * capabilities, the driver registry and pci_init. Devices are found once
 * at boot (no hot plug) and never freed, so the list needs no lock after
 * pci_init; the registry's lock only orders driver registration.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>

#include "pci_priv.h"

static LIST_HEAD(devices);
static LIST_HEAD(drivers);
static struct mutex registry_lock;

void pci_add_device(struct pci_dev *dev)
{
	list_add_tail(&dev->link, &devices);
}

const char *pci_name(const struct pci_dev *dev, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", dev->segment, dev->bus,
		 dev->dev, dev->fn);
	return buf;
}

static uint32_t dev_read(const struct pci_dev *d, uint16_t off,
			 unsigned int size)
{
	if (off >= d->cfg_size)
		return size == 4 ? ~0u : (1u << (size * 8)) - 1;
	return pci_cfg_read(d->segment, d->bus, d->dev, d->fn, off, size);
}

static void dev_write(const struct pci_dev *d, uint16_t off, unsigned int size,
		      uint32_t val)
{
	if (off < d->cfg_size)
		pci_cfg_write(d->segment, d->bus, d->dev, d->fn, off, size,
			      val);
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return (uint8_t)dev_read(d, off, 1);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return (uint16_t)dev_read(d, off, 2);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return dev_read(d, off, 4);
}

void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t val)
{
	dev_write(d, off, 1, val);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t val)
{
	dev_write(d, off, 2, val);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t val)
{
	dev_write(d, off, 4, val);
}

/* The list is at most 48 entries of 4 bytes: a longer walk is a loop. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id)
{
	uint8_t pos;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	pos = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	for (int n = 0; pos >= 0x40 && n < 48; n++) {
		if (pci_read8(d, pos) == id)
			return pos;
		pos = pci_read8(d, pos + 1) & 0xfc;
	}
	return 0;
}

void pci_enable_mmio(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_CMD_MEMORY);
}

void pci_set_master(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_CMD_MASTER);
}

void pci_for_each(void (*fn)(struct pci_dev *dev, void *arg), void *arg)
{
	struct pci_dev *d;

	list_for_each_entry(d, &devices, link) fn(d, arg);
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device,
			 struct pci_dev *after)
{
	struct pci_dev *d;
	bool go = !after;

	list_for_each_entry(d, &devices, link)
	{
		if (go && (vendor == PCI_ANY || d->vendor == vendor) &&
		    (device == PCI_ANY || d->device == device))
			return d;
		if (d == after)
			go = true;
	}
	return NULL;
}

struct pci_dev *pci_find_class(uint32_t class, uint32_t mask)
{
	struct pci_dev *d;

	list_for_each_entry(d, &devices,
			    link) if ((d->class & mask) == class) return d;
	return NULL;
}

static const struct pci_match *match_one(const struct pci_driver *drv,
					 const struct pci_dev *d)
{
	for (const struct pci_match *m = drv->matches;
	     m->vendor || m->device || m->class_mask; m++) {
		if (m->vendor != PCI_ANY && m->vendor != d->vendor)
			continue;
		if (m->device != PCI_ANY && m->device != d->device)
			continue;
		if ((d->class & m->class_mask) != m->class)
			continue;
		return m;
	}
	return NULL;
}

static void try_probe(struct pci_driver *drv, struct pci_dev *d)
{
	const struct pci_match *m = match_one(drv, d);
	char name[16];
	int err;

	if (!m)
		return;
	d->driver = drv;
	err = drv->probe(d, m);
	if (err) {
		klog(KLOG_WARN, "pci: %s: %s refused it (%d)\n",
		     pci_name(d, name, sizeof(name)), drv->name, err);
		d->driver = NULL;
		return;
	}
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *d;

	if (!drv || !drv->name || !drv->matches || !drv->probe)
		return -EINVAL;
	mutex_lock(&registry_lock);
	list_add_tail(&drv->link, &drivers);
	list_for_each_entry(d, &devices, link) if (!d->driver)
		try_probe(drv, d);
	mutex_unlock(&registry_lock);
	return 0;
}

static void log_device(struct pci_dev *d, void *arg)
{
	char name[16];

	(void)arg;
	/* Every function at loglevel=debug; those a driver took at info,
	 * as BSD kernels list what attached (a PC has a dozen others). */
	klog(d->driver ? KLOG_INFO : KLOG_DEBUG,
	     "pci: %s %04x:%04x class %06x rev %02x subsys %04x:%04x "
	     "driver %s irq %s\n",
	     pci_name(d, name, sizeof(name)), d->vendor, d->device, d->class,
	     d->revision, d->subsys_vendor, d->subsys_device,
	     d->driver ? d->driver->name : "-", pci_irq_kind_name(d->irq_kind));
}

static void add_sysfs(struct pci_dev *d, void *arg)
{
	char name[16];
	int err = pci_sysfs_add(d);

	(void)arg;
	if (err)
		klog(KLOG_WARN, "pci: %s: no sysfs entry (%d)\n",
		     pci_name(d, name, sizeof(name)), err);
}

void pci_init(void)
{
	size_t n = 0;
	struct pci_dev *d;

	mutex_init(&registry_lock, "pci_registry");
	if (!pci_cfg_init()) {
		klog(KLOG_INFO, "pci: no configuration space access\n");
		return;
	}
	pci_scan_all();
	list_for_each_entry(d, &devices, link) n++;
	klog(KLOG_INFO, "pci: %zu functions\n", n);
	pci_drivers_init();
	pci_for_each(log_device, NULL);
	pci_for_each(add_sysfs, NULL);
}
