/*
 * One AHCI port (AHCI 1.3.1, 10.1-10.4): its DMA memory (command list,
 * received FIS, a command table per slot), starting and stopping its
 * command engine, issuing commands into free slots, completing them from
 * the interrupt, and the error handler's recovery: stop the engine,
 * complete what finished, fail the command that erred (or timed out),
 * reset the link if the device is stuck, restart, re-issue the rest.
 * Commands are non-queued READ/WRITE DMA EXT: several slots may be set
 * at once and the HBA runs them in turn.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "ahci_priv.h"

#define RFIS_OFFSET 1024
#define TABLES_OFFSET 4096
#define FIS_H2D 0x27
#define TIMER_PERIOD_NS 1000000000ull

static void done_add(struct done_list *d, struct ahci_cmd *cmd, int status)
{
	d->cmd[d->n] = cmd;
	d->status[d->n++] = status;
}

void ahci_done_run(struct done_list *d)
{
	for (unsigned int i = 0; i < d->n; i++)
		d->cmd[i]->done(d->cmd[i], d->status[i]);
}

static uint64_t phys_of(const void *va)
{
	return (uint64_t)(uintptr_t)va - mm_hhdm;
}

struct ahci_port *ahci_port_create(struct ahci_host *host, unsigned int no)
{
	struct ahci_port *p = kzalloc(sizeof(*p));
	uint8_t *base;

	if (!p)
		return NULL;
	p->mem = pmm_alloc_pages(AHCI_PORT_MEM_ORDER, PMM_ZERO | PMM_DMA32);
	if (!p->mem) {
		kfree(p);
		return NULL;
	}
	base = page_address(p->mem);
	p->host = host;
	p->no = no;
	p->regs = host->abar + 0x100 + 0x80 * no;
	spin_lock_init(&p->lock, "ahci_port", LOCK_RANK_AHCI);
	p->list = (struct ahci_cmd_header *)base;
	p->rfis = base + RFIS_OFFSET;
	p->tables = base + TABLES_OFFSET;
	p->timer.cpu = -1;
	return p;
}

/* Wait up to ms for (reg & mask) == want, sleeping between looks. */
static int wait_reg(struct ahci_port *p, uint32_t reg, uint32_t mask,
		    uint32_t want, unsigned int ms)
{
	uint64_t end = clock_monotonic_ns() + (uint64_t)ms * 1000000;

	while ((ahci_port_read(p, reg) & mask) != want) {
		if (clock_monotonic_ns() > end)
			return -ETIMEDOUT;
		schedule_timeout(1000000);
	}
	return 0;
}

void ahci_port_stop(struct ahci_port *p)
{
	ahci_port_write(p, PX_CMD, ahci_port_read(p, PX_CMD) & ~CMD_ST);
	if (wait_reg(p, PX_CMD, CMD_CR, 0, 500))
		klog(KLOG_WARN, "ahci: port %u: engine does not stop\n", p->no);
}

/* The device idle (not BSY, not DRQ), the engine running. */
int ahci_engine_start(struct ahci_port *p)
{
	if (wait_reg(p, PX_TFD, TFD_BSY | TFD_DRQ, 0, 1000)) {
		klog(KLOG_WARN, "ahci: port %u: device stays busy (tfd %#x)\n",
		     p->no, ahci_port_read(p, PX_TFD));
		return -EIO;
	}
	ahci_port_write(p, PX_CMD, ahci_port_read(p, PX_CMD) | CMD_ST);
	return 0;
}

int ahci_port_start(struct ahci_port *p)
{
	uint64_t list = phys_of(p->list), rfis = phys_of(p->rfis);
	uint32_t cmd = ahci_port_read(p, PX_CMD);

	if (cmd & (CMD_ST | CMD_FRE)) { /* the firmware left it running */
		ahci_port_stop(p);
		ahci_port_write(p, PX_CMD,
				ahci_port_read(p, PX_CMD) & ~CMD_FRE);
		if (wait_reg(p, PX_CMD, CMD_FR, 0, 500))
			return -EIO;
	}
	ahci_port_write(p, PX_CLB, (uint32_t)list);
	ahci_port_write(p, PX_CLBU, (uint32_t)(list >> 32));
	ahci_port_write(p, PX_FB, (uint32_t)rfis);
	ahci_port_write(p, PX_FBU, (uint32_t)(rfis >> 32));
	ahci_port_write(p, PX_CMD,
			ahci_port_read(p, PX_CMD) | CMD_FRE | CMD_SUD |
				CMD_POD);
	if (wait_reg(p, PX_SSTS, 0xf, SSTS_DET_PRESENT, 20))
		return -ENODEV;
	ahci_port_write(p, PX_SERR, ~0u);
	ahci_port_write(p, PX_IS, ~0u);
	ahci_port_write(p, PX_IE, IS_DONE | IS_ERRORS | IS_HOTPLUG);
	return ahci_engine_start(p);
}

/* COMRESET (SControl DET = 1 for at least 1 ms), then the link again. */
int ahci_port_reset(struct ahci_port *p)
{
	uint32_t sctl = ahci_port_read(p, PX_SCTL) & ~0xfu;

	p->resets++;
	ahci_port_write(p, PX_SCTL, sctl | 1);
	schedule_timeout(2000000);
	ahci_port_write(p, PX_SCTL, sctl);
	if (wait_reg(p, PX_SSTS, 0xf, SSTS_DET_PRESENT, 1000))
		return -ENODEV;
	ahci_port_write(p, PX_SERR, ~0u);
	return 0;
}

static void build_fis(uint8_t *fis, const struct ahci_cmd *cmd)
{
	memset(fis, 0, 20);
	fis[0] = FIS_H2D;
	fis[1] = 0x80; /* a command */
	fis[2] = cmd->ata;
	fis[4] = (uint8_t)cmd->lba;
	fis[5] = (uint8_t)(cmd->lba >> 8);
	fis[6] = (uint8_t)(cmd->lba >> 16);
	fis[7] = 0x40; /* LBA mode */
	fis[8] = (uint8_t)(cmd->lba >> 24);
	fis[9] = (uint8_t)(cmd->lba >> 32);
	fis[10] = (uint8_t)(cmd->lba >> 40);
	fis[12] = (uint8_t)cmd->count;
	fis[13] = (uint8_t)(cmd->count >> 8);
}

/* Fill slot's header and table for cmd: 0, -EINVAL (bad segments). */
static int build_slot(struct ahci_port *p, unsigned int slot,
		      const struct ahci_cmd *cmd)
{
	uint8_t *table = p->tables + slot * AHCI_TABLE_SIZE;
	struct ahci_prd *prd = (struct ahci_prd *)(table + 128);
	struct ahci_cmd_header *h = &p->list[slot];
	bool s64 = p->host->cap & CAP_S64A;

	if (cmd->nvecs > AHCI_PRDS)
		return -EINVAL;
	build_fis(table, cmd);
	for (unsigned int i = 0; i < cmd->nvecs; i++) {
		const struct bio_vec *v = &cmd->vecs[i];
		uint64_t a = page_to_phys(v->page) + v->offset;

		if (!v->len || v->len & 1 || v->len > (4u << 20) ||
		    (!s64 && a + v->len > (1ull << 32)))
			return -EINVAL;
		prd[i].dba = a;
		prd[i].reserved = 0;
		prd[i].dbc =
			(v->len - 1) | (i + 1 == cmd->nvecs ? 1u << 31 : 0);
	}
	h->flags = 5 | (cmd->ata == ATA_WRITE_DMA_EXT ? 0x40 : 0);
	h->prdtl = (uint16_t)cmd->nvecs;
	h->prdbc = 0;
	h->ctba = phys_of(table);
	return 0;
}

static void timer_check(void *arg);

/* Count the slots out, for the tests (no popcount instruction here). */
static void note_issued(struct ahci_port *p)
{
	unsigned int n = 0;

	for (uint32_t m = p->issued; m; m &= m - 1)
		n++;
	if (n > p->max_issued)
		p->max_issued = n;
}

void ahci_arm_timer(struct ahci_port *p)
{
	if (!timer_pending(&p->timer) &&
	    timer_oneshot_ns(&p->timer, TIMER_PERIOD_NS, timer_check, p))
		klog(KLOG_WARN, "ahci: port %u: no timeout timer\n", p->no);
}

static void want_eh(struct ahci_port *p)
{
	p->host->eh_wanted = true;
	wake_up_all(&p->host->eh_wq);
}

/* Once a second while commands are out: any past its deadline? */
static void timer_check(void *arg)
{
	struct ahci_port *p = arg;
	uint64_t now = clock_monotonic_ns();
	unsigned long flags = spin_lock_irqsave(&p->lock);
	bool late = false;

	for (unsigned int s = 0; s < AHCI_SLOTS; s++)
		if (p->issued & (1u << s) && now > p->deadline[s])
			late = true;
	if (late && !p->in_eh)
		p->timed_out = true;
	else if (p->issued)
		ahci_arm_timer(p);
	spin_unlock_irqrestore(&p->lock, flags);
	if (late)
		want_eh(p);
}

int ahci_issue(struct ahci_port *p, struct ahci_cmd *cmd)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint32_t all =
		p->host->nslots == 32 ? ~0u : (1u << p->host->nslots) - 1;
	uint32_t free = all & ~p->issued;
	unsigned int slot;
	int err = p->gone ? -ENODEV : !free ? -EBUSY : 0;

	if (!err) {
		slot = (unsigned int)__builtin_ctz(free);
		err = build_slot(p, slot, cmd);
	}
	if (!err) {
		p->slots[slot] = cmd;
		p->deadline[slot] = clock_monotonic_ns() + AHCI_TIMEOUT_NS;
		p->issued |= 1u << slot;
		note_issued(p);
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* table before CI */
		if (p->in_eh)
			p->deferred |= 1u << slot;
		else
			ahci_port_write(p, PX_CI, 1u << slot);
		ahci_arm_timer(p);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return err;
}

/* Slots in mask leave the port into d with status (lock held). */
void ahci_take_slots(struct ahci_port *p, uint32_t mask, int status,
		     struct done_list *d)
{
	for (unsigned int s = 0; s < AHCI_SLOTS; s++) {
		if (!(mask & (1u << s)) || !(p->issued & (1u << s)))
			continue;
		done_add(d, p->slots[s], status);
		p->slots[s] = NULL;
		p->issued &= ~(1u << s);
	}
}

void ahci_port_intr(struct ahci_port *p)
{
	uint32_t is = ahci_port_read(p, PX_IS);
	struct done_list d = {.n = 0};
	bool eh = false;

	ahci_port_write(p, PX_IS, is);
	spin_lock(&p->lock);
	p->irqs++;
	if (is & (IS_ERRORS | IS_HOTPLUG)) {
		p->error_is |= is & (IS_ERRORS | IS_HOTPLUG);
		eh = true;
	} else if (!p->in_eh) {
		ahci_take_slots(p, p->issued & ~ahci_port_read(p, PX_CI), 0,
				&d);
	}
	spin_unlock(&p->lock);
	ahci_done_run(&d);
	if (eh)
		want_eh(p);
}
