/*
 * Device interrupts: MSI-X, MSI (PCI Local Bus 3.0, 6.8) or legacy INTx.
 * MSI and MSI-X get a vector of their own from irq_alloc_vector and the
 * message irq_msi_message makes for CPU 0. INTx is routed through the
 * IOAPIC at the line the firmware wrote to the device (there is no _PRT
 * interpreter), level-triggered and active low as PCI lines are; devices
 * on the same line share its vector, each handler checking its device.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>

#include "pci_priv.h"

#define MSI_CTRL 2
#define MSI_CTRL_ENABLE (1u << 0)
#define MSI_CTRL_MME (7u << 4)
#define MSI_CTRL_64 (1u << 7)
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_CTRL_MASKALL (1u << 14)
#define MSIX_ENTRY_SIZE 16
#define MSIX_VECTOR_CTRL 12

#define INTX_LINES 8
#define INTX_SHARERS 8

struct intx_handler {
	interrupt_handler_t fn; /* NULL: a free slot */
	void *arg;
	const struct pci_dev *dev;
};

/* One routed INTx line and the handlers of the devices on it. */
struct intx_line {
	uint32_t gsi;
	int vector; /* 0: the slot is free */
	struct intx_handler handlers[INTX_SHARERS];
};

static struct intx_line lines[INTX_LINES];
/* Setup and removal only (they may sleep: routing takes the IRQ core's
 * locks); the handler reads a slot's fn, written last, without it. */
static struct mutex intx_lock = MUTEX_INIT(intx_lock, "pci_intx");

const char *pci_irq_kind_name(enum pci_irq_kind kind)
{
	static const char *const names[] = {"none", "INTx", "MSI", "MSI-X"};

	return kind <= PCI_IRQ_MSIX ? names[kind] : "?";
}

static int setup_msi(struct pci_dev *d, unsigned int vector)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSI);
	uint64_t addr;
	uint32_t data;
	uint16_t ctrl;
	int err;

	if (!cap)
		return -ENODEV;
	err = irq_msi_message(vector, 0, &addr, &data);
	if (err)
		return err;
	ctrl = pci_read16(d, cap + MSI_CTRL);
	pci_write16(d, cap + MSI_CTRL,
		    ctrl & ~(MSI_CTRL_ENABLE | MSI_CTRL_MME));
	pci_write32(d, cap + 4, (uint32_t)addr);
	if (ctrl & MSI_CTRL_64) {
		pci_write32(d, cap + 8, (uint32_t)(addr >> 32));
		pci_write16(d, cap + 12, (uint16_t)data);
	} else {
		pci_write16(d, cap + 8, (uint16_t)data);
	}
	pci_write16(d, cap + MSI_CTRL,
		    (ctrl & ~MSI_CTRL_MME) | MSI_CTRL_ENABLE);
	return 0;
}

/* MSI-X entry 0 gets the vector; the rest stay masked, as after reset. */
static int setup_msix(struct pci_dev *d, unsigned int vector)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX);
	volatile uint32_t *entry;
	uint32_t table;
	uint64_t addr;
	uint32_t data;
	uint8_t *bar;
	int err;

	if (!cap)
		return -ENODEV;
	table = pci_read32(d, cap + 4);
	bar = pci_map_bar(d, table & 7);
	if (!bar || (table & ~7u) + MSIX_ENTRY_SIZE > d->bars[table & 7].size)
		return -ENODEV;
	err = irq_msi_message(vector, 0, &addr, &data);
	if (err)
		return err;
	pci_write16(d, cap + MSI_CTRL,
		    pci_read16(d, cap + MSI_CTRL) | MSIX_CTRL_MASKALL |
			    MSIX_CTRL_ENABLE);
	entry = (volatile uint32_t *)(bar + (table & ~7u));
	entry[0] = (uint32_t)addr;
	entry[1] = (uint32_t)(addr >> 32);
	entry[2] = data;
	entry[MSIX_VECTOR_CTRL / 4] = 0; /* unmasked */
	pci_write16(d, cap + MSI_CTRL,
		    (pci_read16(d, cap + MSI_CTRL) & ~MSIX_CTRL_MASKALL) |
			    MSIX_CTRL_ENABLE);
	return 0;
}

static void intx_dispatch(struct trap_frame *tf, void *arg)
{
	struct intx_line *line = arg;

	for (int i = 0; i < INTX_SHARERS; i++)
		if (line->handlers[i].fn)
			line->handlers[i].fn(tf, line->handlers[i].arg);
}

/* The line for gsi, routed on first use: NULL with *err. Locked. */
static struct intx_line *intx_line_get(uint32_t gsi, int *err)
{
	struct intx_line *free = NULL;

	for (int i = 0; i < INTX_LINES; i++) {
		if (lines[i].vector && lines[i].gsi == gsi)
			return &lines[i];
		if (!lines[i].vector && !free)
			free = &lines[i];
	}
	*err = -ENOSPC;
	if (!free)
		return NULL;
	*err = irq_alloc_vector(intx_dispatch, free);
	if (*err < 0)
		return NULL;
	free->vector = *err;
	free->gsi = gsi;
	*err = ioapic_route(gsi, (unsigned int)free->vector, 0,
			    IRQ_LEVEL | IRQ_ACTIVE_LOW);
	if (*err) {
		irq_free_vector((unsigned int)free->vector);
		free->vector = 0;
		return NULL;
	}
	return free;
}

static int setup_intx(struct pci_dev *d, interrupt_handler_t fn, void *arg)
{
	struct intx_line *line;
	unsigned int isa_flags;
	uint32_t gsi = d->irq_line;
	int err = -ENOSPC;

	if (!d->irq_pin || d->irq_line == 0xff || d->irq_line == 0)
		return -ENODEV;
	if (d->irq_line < 16)
		irq_isa_to_gsi(d->irq_line, &gsi, &isa_flags);
	mutex_lock(&intx_lock);
	line = intx_line_get(gsi, &err);
	for (int i = 0; line && i < INTX_SHARERS; i++) {
		if (!line->handlers[i].fn) {
			line->handlers[i].arg = arg;
			line->handlers[i].dev = d;
			line->handlers[i].fn = fn;
			d->irq_vector = (unsigned int)line->vector;
			d->irq_gsi = gsi;
			err = 0;
			break;
		}
	}
	mutex_unlock(&intx_lock);
	if (!err)
		pci_write16(d, PCI_COMMAND,
			    pci_read16(d, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
	return err;
}

static int setup_message(struct pci_dev *d, interrupt_handler_t fn, void *arg)
{
	int vector = irq_alloc_vector(fn, arg);

	if (vector < 0)
		return vector;
	if (setup_msix(d, (unsigned int)vector) == 0)
		d->irq_kind = PCI_IRQ_MSIX;
	else if (setup_msi(d, (unsigned int)vector) == 0)
		d->irq_kind = PCI_IRQ_MSI;
	else
		return irq_free_vector((unsigned int)vector), -ENODEV;
	d->irq_vector = (unsigned int)vector;
	/* Messages only: no INTx as well. */
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	return 0;
}

int pci_irq_setup(struct pci_dev *d, interrupt_handler_t fn, void *arg)
{
	const char *opt = cmdline_get("pci");
	bool nomsi = opt && !strcmp(opt, "nomsi");
	char name[16];
	int err;

	if (d->irq_kind != PCI_IRQ_NONE)
		return -EBUSY;
	if (!nomsi && setup_message(d, fn, arg) == 0)
		return 0;
	err = setup_intx(d, fn, arg);
	if (err) {
		klog(KLOG_WARN, "pci: %s: no interrupt (%d)\n",
		     pci_name(d, name, sizeof(name)), err);
		return err;
	}
	d->irq_kind = PCI_IRQ_INTX;
	return 0;
}

static void intx_remove(struct pci_dev *d)
{
	mutex_lock(&intx_lock);
	for (int i = 0; i < INTX_LINES; i++) {
		if (lines[i].vector != (int)d->irq_vector)
			continue;
		for (int j = 0; j < INTX_SHARERS; j++)
			if (lines[i].handlers[j].dev == d)
				lines[i].handlers[j].fn = NULL;
	}
	mutex_unlock(&intx_lock);
}

void pci_irq_free(struct pci_dev *d)
{
	uint8_t cap;

	switch (d->irq_kind) {
	case PCI_IRQ_MSIX:
		cap = pci_find_cap(d, PCI_CAP_MSIX);
		pci_write16(d, cap + MSI_CTRL,
			    pci_read16(d, cap + MSI_CTRL) & ~MSIX_CTRL_ENABLE);
		irq_free_vector(d->irq_vector);
		break;
	case PCI_IRQ_MSI:
		cap = pci_find_cap(d, PCI_CAP_MSI);
		pci_write16(d, cap + MSI_CTRL,
			    pci_read16(d, cap + MSI_CTRL) & ~MSI_CTRL_ENABLE);
		irq_free_vector(d->irq_vector);
		break;
	case PCI_IRQ_INTX:
		pci_write16(d, PCI_COMMAND,
			    pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
		intx_remove(d);
		break;
	case PCI_IRQ_NONE:
		break;
	}
	d->irq_kind = PCI_IRQ_NONE;
}
