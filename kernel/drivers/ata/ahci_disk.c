/*
 * An AHCI port's disk: IDENTIFY DEVICE (ATA8-ACS 7.16: size with LBA48,
 * model, serial, logical sector size) and the block device over it. A
 * bio becomes one READ/WRITE DMA EXT (or FLUSH CACHE EXT) whose PRDT
 * entries are the bio's page segments: the data moves straight between
 * the disk and those pages. ATAPI devices (q35's boot CD) are left alone.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "ahci_priv.h"

struct sync_wait {
	struct ahci_port *port;
	int status;
	bool done;
};

static struct wait_queue exec_wq = WAIT_QUEUE_INIT(exec_wq);

static void sync_done(struct ahci_cmd *cmd, int status)
{
	struct sync_wait *w = cmd->priv;

	w->status = status;
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	wake_up_all(&exec_wq); /* static: w may be gone already */
}

int ahci_exec(struct ahci_port *p, struct ahci_cmd *cmd)
{
	struct sync_wait w = {.port = p};
	int err;

	cmd->done = sync_done;
	cmd->priv = &w;
	while ((err = ahci_issue(p, cmd)) == -EBUSY)
		schedule_timeout(1000000);
	if (err)
		return err;
	wait_event(exec_wq, __atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	return w.status;
}

/* An ATA string: words of two bytes swapped, trailing spaces cut. */
static void ata_string(char *out, const uint16_t *id, int first, int words)
{
	int n = 0;

	for (int i = 0; i < words; i++) {
		out[n++] = (char)(id[first + i] >> 8);
		out[n++] = (char)id[first + i];
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		n--;
	out[n] = '\0';
}

static void parse_identify(struct ahci_port *p, const uint16_t *id)
{
	ata_string(p->serial, id, 10, 10);
	ata_string(p->model, id, 27, 20);
	if (id[83] & (1u << 10))
		p->sectors = (uint64_t)id[100] | (uint64_t)id[101] << 16 |
			     (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
	else
		p->sectors = (uint32_t)id[60] | (uint32_t)id[61] << 16;
	p->sector_size = 512;
	if ((id[106] & 0xd000) == 0x5000) /* valid, words 117-118 say */
		p->sector_size =
			2 * ((uint32_t)id[117] | (uint32_t)id[118] << 16);
	if (p->sector_size < 512 || p->sector_size > 4096 ||
	    (p->sector_size & (p->sector_size - 1)))
		p->sector_size = 512;
}

static int identify(struct ahci_port *p)
{
	struct page *page = pmm_alloc_pages(0, PMM_ZERO | PMM_DMA32);
	struct bio_vec v = {.page = page, .offset = 0, .len = 512};
	struct ahci_cmd cmd = {
		.ata = ATA_IDENTIFY, .count = 1, .vecs = &v, .nvecs = 1};
	int err;

	if (!page)
		return -ENOMEM;
	err = ahci_exec(p, &cmd);
	if (!err)
		parse_identify(p, page_address(page));
	pmm_free_pages(page, 0);
	return err;
}

static void bio_cmd_done(struct ahci_cmd *cmd, int status)
{
	struct ahci_bio_cmd *bc = (struct ahci_bio_cmd *)cmd;
	struct bio *bio = bc->bio;

	__atomic_store_n(&bc->busy, false, __ATOMIC_RELEASE);
	bio_complete(bio, status);
}

/* A free command of the pool, taken: NULL if all are out. */
static struct ahci_bio_cmd *pool_get(struct ahci_bio_cmd *pool)
{
	for (unsigned int i = 0; i < AHCI_SLOTS; i++) {
		bool no = false;

		if (__atomic_compare_exchange_n(&pool[i].busy, &no, true, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return &pool[i];
	}
	return NULL;
}

static int ahci_submit(struct block_device *disk, struct bio *bio)
{
	struct ahci_port *p = disk->driver_data;
	struct ahci_bio_cmd *bc;
	uint64_t per = p->sector_size / SECTOR_SIZE;
	int err;

	if (bio->op != BIO_FLUSH &&
	    (bio->sector % per || bio->size % p->sector_size ||
	     bio->sector + bio->size / SECTOR_SIZE > disk->sectors)) {
		bio_complete(bio, -EIO);
		return 0;
	}
	bc = pool_get(p->pool);
	if (!bc)
		return -EBUSY;
	bc->bio = bio;
	bc->cmd = (struct ahci_cmd){
		.ata = bio->op == BIO_READ    ? ATA_READ_DMA_EXT
		       : bio->op == BIO_WRITE ? ATA_WRITE_DMA_EXT
					      : ATA_FLUSH_CACHE_EXT,
		.lba = bio->op == BIO_FLUSH ? 0 : bio->sector / per,
		.count = bio->op == BIO_FLUSH ? 0 : bio->size / p->sector_size,
		.vecs = bio->vecs,
		.nvecs = bio->op == BIO_FLUSH ? 0 : bio->nvecs,
		.done = bio_cmd_done,
	};
	err = ahci_issue(p, &bc->cmd);
	if (err) {
		__atomic_store_n(&bc->busy, false, __ATOMIC_RELEASE);
		if (err == -EBUSY)
			return err;
		bio_complete(bio, err);
	}
	return 0;
}

static const struct block_dev_ops ahci_disk_ops = {
	.submit = ahci_submit,
};

static int register_disk(struct ahci_port *p)
{
	struct block_device *d = &p->disk;
	int err = blkdev_next_sd(d->name, &d->dev);

	if (err)
		return err;
	d->sectors = p->sectors * (p->sector_size / SECTOR_SIZE);
	d->logical_block = p->sector_size;
	d->ops = &ahci_disk_ops;
	d->driver_data = p;
	d->queue_depth = p->host->nslots;
	d->max_vecs = AHCI_PRDS;
	d->max_sectors = AHCI_PRDS * (PAGE_SIZE / SECTOR_SIZE);
	err = blkdev_register_disk(d);
	p->registered = !err;
	return err;
}

int ahci_disk_attach(struct ahci_port *p)
{
	int err;

	if (p->atapi) {
		klog(KLOG_INFO, "ahci: port %u: ATAPI device, not used\n",
		     p->no);
		return 0;
	}
	err = identify(p);
	if (err)
		return err;
	if (!p->sectors)
		return -ENODEV;
	err = register_disk(p);
	klog(KLOG_INFO,
	     "ahci: port %u: %s \"%s\" serial \"%s\", %llu sectors of %u "
	     "bytes (%llu MiB)\n",
	     p->no, err ? "(unregistered)" : p->disk.name, p->model, p->serial,
	     (unsigned long long)p->sectors, p->sector_size,
	     (unsigned long long)(p->sectors * p->sector_size >> 20));
	return err;
}

struct ahci_port *ahci_first_disk(void)
{
	struct ahci_host *h;

	list_for_each_entry(
		h, &ahci_hosts,
		link) for (unsigned int n = 0; n < 32;
			   n++) if (h->ports[n] && !h->ports[n]->atapi &&
				    h->ports[n]->sectors) return h->ports[n];
	return NULL;
}
