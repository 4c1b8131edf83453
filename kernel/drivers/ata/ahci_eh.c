/*
 * AHCI error handling (AHCI 1.3.1, 6.2.2), in a thread per host that the
 * interrupt handler and the timeout timer wake: it may sleep while the
 * engine stops and the link resets. For each port with an error, a
 * timeout or a link change:
 *  - stop the engine; commands whose PxCI bit cleared completed fine;
 *  - the one the HBA was running (PxCMD.CCS) failed: -EIO;
 *  - clear the error state; if the device is stuck busy, COMRESET;
 *  - no device on the link any more: everything fails -ENODEV and the
 *    disk is gone for good;
 *  - else restart the engine and issue the remaining commands again.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/time.h>

#include "ahci_priv.h"

static bool link_up(struct ahci_port *p)
{
	return (ahci_port_read(p, PX_SSTS) & 0xf) == SSTS_DET_PRESENT;
}

/*
 * Finished slots that moved fewer bytes than asked: the HBA may clear
 * the PxCI bit of the command that failed (QEMU's does), and PxCMD.CCS
 * need not name it.
 */
static uint32_t short_slots(struct ahci_port *p, uint32_t finished)
{
	uint32_t bad = 0;

	for (unsigned int s = 0; s < AHCI_SLOTS; s++) {
		const struct ahci_cmd *c = p->slots[s];

		if (finished & (1u << s) && c->nvecs &&
		    p->list[s].prdbc < c->count * 512u)
			bad |= 1u << s;
	}
	return bad;
}

/* Settle the commands out at the stop: done, failed, or kept (lock). */
static uint32_t settle(struct ahci_port *p, uint32_t err, bool timeout,
		       struct done_list *d)
{
	uint32_t ci = ahci_port_read(p, PX_CI), out = p->issued & ~p->deferred;
	unsigned int cs = CMD_CCS(ahci_port_read(p, PX_CMD));
	uint32_t failed = 0;

	if ((err & IS_ERRORS) || timeout)
		failed = (out & (1u << cs)) | short_slots(p, out & ~ci);
	ahci_take_slots(p, out & ~ci & ~failed, 0, d);
	if (failed) {
		klog(KLOG_WARN,
		     "ahci: port %u: command %#x at sector %llu failed (%s, is "
		     "%#x tfd %#x)\n",
		     p->no, p->slots[__builtin_ctz(failed)]->ata,
		     (unsigned long long)p->slots[__builtin_ctz(failed)]->lba,
		     timeout ? "timeout" : "error", err,
		     ahci_port_read(p, PX_TFD));
		p->errors++;
	}
	ahci_take_slots(p, failed, -EIO, d);
	return p->issued;
}

static void port_gone(struct ahci_port *p)
{
	struct done_list d = {.n = 0};
	unsigned long flags = spin_lock_irqsave(&p->lock);

	p->gone = true;
	p->deferred = 0;
	ahci_take_slots(p, p->issued, -ENODEV, &d);
	p->in_eh = false;
	spin_unlock_irqrestore(&p->lock, flags);
	klog(KLOG_WARN, "ahci: port %u: the disk is gone\n", p->no);
	ahci_done_run(&d);
	if (p->registered)
		blkdev_disk_gone(&p->disk);
}

static int restart(struct ahci_port *p)
{
	uint32_t tfd;

	ahci_port_write(p, PX_SERR, ~0u);
	ahci_port_write(p, PX_IS, ~0u);
	if (!link_up(p))
		return -ENODEV;
	tfd = ahci_port_read(p, PX_TFD);
	if ((tfd & (TFD_BSY | TFD_DRQ)) && ahci_port_reset(p))
		return -ENODEV;
	if (ahci_engine_start(p) &&
	    (ahci_port_reset(p) || ahci_engine_start(p)))
		return -ENODEV;
	return 0;
}

void ahci_port_recover(struct ahci_port *p)
{
	struct done_list d = {.n = 0};
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint32_t err = p->error_is, pending;
	bool timeout = p->timed_out;

	if (p->gone || (!err && !timeout)) {
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	p->in_eh = true;
	p->error_is = 0;
	p->timed_out = false;
	spin_unlock_irqrestore(&p->lock, flags);

	ahci_port_stop(p);
	flags = spin_lock_irqsave(&p->lock);
	pending = settle(p, err, timeout, &d);
	spin_unlock_irqrestore(&p->lock, flags);
	ahci_done_run(&d);

	if (restart(p)) {
		port_gone(p);
		return;
	}
	flags = spin_lock_irqsave(&p->lock);
	for (unsigned int s = 0; s < AHCI_SLOTS; s++)
		if (pending & (1u << s))
			p->deadline[s] = clock_monotonic_ns() + AHCI_TIMEOUT_NS;
	pending |= p->deferred;
	p->deferred = 0;
	p->in_eh = false;
	if (pending) {
		ahci_port_write(p, PX_CI, pending);
		ahci_arm_timer(p);
	}
	spin_unlock_irqrestore(&p->lock, flags);
}
