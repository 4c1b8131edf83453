/*
 * /sys/devices/pciSSSS:BB/SSSS:BB:DD.F/ and its link in
 * /sys/bus/pci/devices/: the attribute files as Linux has them (vendor,
 * device, class, ..., config, resource, uevent), which busybox lspci
 * reads (it takes everything from uevent). All devices sit in their
 * segment's root directory, bridges or not.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sysfs.h>

#include "pci_priv.h"

/* Linux's resource flags (IORESOURCE_*), with the BAR's own low bits. */
#define RES_IO 0x100u
#define RES_MEM 0x200u
#define RES_PREFETCH 0x2000u
#define RES_SIZEALIGN 0x40000u
#define RES_MEM_64 0x100000u

static long show_hex16(char *buf, size_t size, unsigned int v)
{
	return snprintf(buf, size, "0x%04x\n", v);
}

static long show_vendor(void *obj, char *buf, size_t size)
{
	return show_hex16(buf, size, ((struct pci_dev *)obj)->vendor);
}

static long show_device(void *obj, char *buf, size_t size)
{
	return show_hex16(buf, size, ((struct pci_dev *)obj)->device);
}

static long show_subsys_vendor(void *obj, char *buf, size_t size)
{
	return show_hex16(buf, size, ((struct pci_dev *)obj)->subsys_vendor);
}

static long show_subsys_device(void *obj, char *buf, size_t size)
{
	return show_hex16(buf, size, ((struct pci_dev *)obj)->subsys_device);
}

static long show_class(void *obj, char *buf, size_t size)
{
	return snprintf(buf, size, "0x%06x\n", ((struct pci_dev *)obj)->class);
}

static long show_revision(void *obj, char *buf, size_t size)
{
	return snprintf(buf, size, "0x%02x\n",
			((struct pci_dev *)obj)->revision);
}

/* The interrupt Linux would name: the GSI for INTx, the vector for
 * messages, the firmware's line before a driver asked. */
static long show_irq(void *obj, char *buf, size_t size)
{
	struct pci_dev *d = obj;
	unsigned int irq = d->irq_pin ? d->irq_line : 0;

	if (d->irq_kind == PCI_IRQ_INTX)
		irq = d->irq_gsi;
	else if (d->irq_kind != PCI_IRQ_NONE)
		irq = d->irq_vector;
	return snprintf(buf, size, "%u\n", irq);
}

/* Config space as it is now, read a dword at a time. */
static long show_config(void *obj, char *buf, size_t size)
{
	struct pci_dev *d = obj;
	size_t n = d->cfg_size < size ? d->cfg_size : size;

	for (size_t off = 0; off + 4 <= n; off += 4) {
		uint32_t v = pci_read32(d, (uint16_t)off);

		for (int i = 0; i < 4; i++)
			buf[off + (size_t)i] = (char)(v >> (8 * i));
	}
	return (long)n;
}

static uint64_t bar_flags(const struct pci_bar *b)
{
	if (!b->size)
		return 0;
	if (b->io)
		return RES_IO | RES_SIZEALIGN | 0x1;
	return RES_MEM | RES_SIZEALIGN |
	       (b->prefetch ? RES_PREFETCH | 0x8 : 0) |
	       (b->is64 ? RES_MEM_64 | 0x4 : 0);
}

/* Six BARs and the ROM (not sized: shown empty), "start end flags". */
static long show_resource(void *obj, char *buf, size_t size)
{
	struct pci_dev *d = obj;
	long len = 0;

	for (int i = 0; i <= PCI_NUM_BARS && (size_t)len < size; i++) {
		const struct pci_bar *b = i < PCI_NUM_BARS ? &d->bars[i] : NULL;
		uint64_t start = b && b->size ? b->base : 0;
		uint64_t end = b && b->size ? b->base + b->size - 1 : 0;

		len += snprintf(buf + len, size - (size_t)len,
				"0x%016llx 0x%016llx 0x%016llx\n",
				(unsigned long long)start,
				(unsigned long long)end,
				(unsigned long long)(b ? bar_flags(b) : 0));
	}
	return len;
}

static long show_uevent(void *obj, char *buf, size_t size)
{
	struct pci_dev *d = obj;
	char name[16];
	long len = 0;

	if (d->driver)
		len = snprintf(buf, size, "DRIVER=%s\n", d->driver->name);
	len += snprintf(
		buf + len, size - (size_t)len,
		"PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
		"PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd%08X"
		"bc%02Xsc%02Xi%02X\n",
		d->class, d->vendor, d->device, d->subsys_vendor,
		d->subsys_device, pci_name(d, name, sizeof(name)), d->vendor,
		d->device, d->subsys_vendor, d->subsys_device, d->class >> 16,
		(d->class >> 8) & 0xff, d->class & 0xff);
	return len;
}

static const struct {
	const char *name;
	sysfs_show_fn show;
} attrs[] = {
	{"vendor", show_vendor},
	{"device", show_device},
	{"subsystem_vendor", show_subsys_vendor},
	{"subsystem_device", show_subsys_device},
	{"class", show_class},
	{"revision", show_revision},
	{"irq", show_irq},
	{"resource", show_resource},
	{"uevent", show_uevent},
};

static int add_driver_link(struct pci_dev *d, const char *dir)
{
	char path[96], target[64];
	int err;

	snprintf(path, sizeof(path), "bus/pci/drivers/%s", d->driver->name);
	err = sysfs_mkdir(path);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/driver", dir);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s",
		 d->driver->name);
	return sysfs_symlink(path, target);
}

int pci_sysfs_add(struct pci_dev *d)
{
	char name[16], dir[64], path[96];
	int err;

	pci_name(d, name, sizeof(name));
	snprintf(dir, sizeof(dir), "devices/pci%04x:00/%s", d->segment, name);
	err = sysfs_mkdir(dir);
	for (size_t i = 0; !err && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, attrs[i].name);
		err = sysfs_add_file(path, 0444, 4096, attrs[i].show, d);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/config", dir);
		err = sysfs_add_file(path, 0644, d->cfg_size, show_config, d);
	}
	if (!err && d->driver)
		err = add_driver_link(d, dir);
	if (!err) {
		snprintf(path, sizeof(path), "bus/pci/devices/%s", name);
		snprintf(dir, sizeof(dir), "../../../devices/pci%04x:00/%s",
			 d->segment, name);
		err = sysfs_symlink(path, dir);
	}
	return err;
}
