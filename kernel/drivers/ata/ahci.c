/*
 * The AHCI host driver (AHCI 1.3.1, 10.1.2): a PCI driver for SATA
 * controllers in AHCI mode (class 01.06.01). Probe takes the HBA from
 * the firmware (BIOS/OS handoff), resets it, turns on AHCI mode, brings
 * up each implemented port with a device on its link, gets an interrupt
 * (MSI where offered) and a thread for error handling, then identifies
 * each disk and registers it with the block layer.
 */
#include <kernel/ata.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/time.h>

#include "ahci_priv.h"

LIST_HEAD(ahci_hosts);

static uint32_t hba_read(struct ahci_host *h, uint32_t reg)
{
	return *(volatile uint32_t *)(h->abar + reg);
}

static void hba_write(struct ahci_host *h, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(h->abar + reg) = v;
}

/* Poll reg until (reg & mask) == want, for up to ms: 0, -ETIMEDOUT. */
static int hba_wait(struct ahci_host *h, uint32_t reg, uint32_t mask,
		    uint32_t want, unsigned int ms)
{
	uint64_t end = clock_monotonic_ns() + (uint64_t)ms * 1000000;

	while ((hba_read(h, reg) & mask) != want) {
		if (clock_monotonic_ns() > end)
			return -ETIMEDOUT;
		schedule_timeout(1000000);
	}
	return 0;
}

/* Take the HBA from the firmware, reset it, AHCI mode on (10.4.3). */
static int hba_reset(struct ahci_host *h)
{
	if (hba_read(h, HBA_CAP2) & CAP2_BOH) {
		hba_write(h, HBA_BOHC, hba_read(h, HBA_BOHC) | BOHC_OOS);
		if (hba_wait(h, HBA_BOHC, BOHC_BOS, 0, 2000))
			klog(KLOG_WARN, "ahci: the firmware keeps the HBA\n");
	}
	hba_write(h, HBA_GHC, hba_read(h, HBA_GHC) | GHC_AE);
	hba_write(h, HBA_GHC, hba_read(h, HBA_GHC) | GHC_HR);
	if (hba_wait(h, HBA_GHC, GHC_HR, 0, 1000))
		return -EIO;
	hba_write(h, HBA_GHC, hba_read(h, HBA_GHC) | GHC_AE);
	h->cap = hba_read(h, HBA_CAP);
	h->pi = hba_read(h, HBA_PI);
	h->nslots = ((h->cap >> 8) & 0x1f) + 1;
	return 0;
}

static void ahci_intr(struct trap_frame *tf, void *arg)
{
	struct ahci_host *h = arg;
	uint32_t is = hba_read(h, HBA_IS);

	(void)tf;
	for (unsigned int n = 0; n < 32; n++)
		if (is & (1u << n) && h->ports[n])
			ahci_port_intr(h->ports[n]);
	hba_write(h, HBA_IS, is);
}

/* The error handler: waits for work, recovers the ports that want it. */
static void eh_thread(void *arg)
{
	struct ahci_host *h = arg;

	for (;;) {
		wait_event(h->eh_wq, h->eh_wanted);
		h->eh_wanted = false;
		for (unsigned int n = 0; n < 32; n++)
			if (h->ports[n])
				ahci_port_recover(h->ports[n]);
	}
}

static void port_probe(struct ahci_host *h, unsigned int n)
{
	struct ahci_port *p = ahci_port_create(h, n);
	int err;

	if (!p) {
		klog(KLOG_ERR, "ahci: port %u: out of memory\n", n);
		return;
	}
	h->ports[n] = p;
	err = ahci_port_start(p);
	if (err) {
		if (err != -ENODEV)
			klog(KLOG_WARN, "ahci: port %u: does not start (%d)\n",
			     n, err);
		h->ports[n] = NULL; /* no device: nothing to keep */
		ahci_port_stop(p);
		pmm_free_pages(p->mem, AHCI_PORT_MEM_ORDER);
		kfree(p);
		return;
	}
	p->atapi = ahci_port_read(p, PX_SIG) == SIG_ATAPI;
	err = ahci_disk_attach(p);
	if (err)
		klog(KLOG_WARN, "ahci: port %u: no disk (%d)\n", n, err);
}

static int host_start(struct ahci_host *h)
{
	struct task *t;
	int err = pci_irq_setup(h->pci, ahci_intr, h);

	if (err)
		return err;
	t = kthread_create(eh_thread, h, "ahci_eh");
	if (!t)
		return -ENOMEM;
	sched_start(t);
	hba_write(h, HBA_IS, ~0u);
	hba_write(h, HBA_GHC, hba_read(h, HBA_GHC) | GHC_IE);
	return 0;
}

static int ahci_probe(struct pci_dev *dev, const struct pci_match *m)
{
	struct ahci_host *h = kzalloc(sizeof(*h));
	int err;

	(void)m;
	if (!h)
		return -ENOMEM;
	h->pci = dev;
	wait_queue_init(&h->eh_wq, "ahci_eh");
	h->abar = pci_map_bar(dev, 5);
	err = h->abar ? hba_reset(h) : -ENODEV;
	if (!err) {
		pci_enable_mmio(dev);
		pci_set_master(dev);
		err = host_start(h);
	}
	if (err) {
		kfree(h);
		return err;
	}
	dev->driver_data = h;
	list_add_tail(&h->link, &ahci_hosts);
	klog(KLOG_INFO,
	     "ahci: version %x, %u slots, ports %#x, %s64-bit DMA, irq %s\n",
	     hba_read(h, HBA_VS), h->nslots, h->pi,
	     h->cap & CAP_S64A ? "" : "no ", pci_irq_kind_name(dev->irq_kind));
	for (unsigned int n = 0; n < 32; n++)
		if (h->pi & (1u << n))
			port_probe(h, n);
	return 0;
}

static const struct pci_match ahci_matches[] = {
	{.vendor = PCI_ANY,
	 .device = PCI_ANY,
	 .class = 0x010601,
	 .class_mask = 0xffffff},
	{0},
};

static struct pci_driver ahci_driver = {
	.name = "ahci",
	.matches = ahci_matches,
	.probe = ahci_probe,
};

void ahci_init(void)
{
	if (pci_register_driver(&ahci_driver))
		klog(KLOG_ERR, "ahci: cannot register the driver\n");
}
