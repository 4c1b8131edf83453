/*
 * AHCI tests, on the first SATA disk, which tests/qemu/ahci.sh makes:
 * 64-bit word i of sector s holds s * 64 + i (little endian) over the
 * first PATTERN_SECTORS sectors; sectors from WRITE_AT on are for the
 * write test, whose pattern the harness checks in the image afterwards.
 * Without a disk they skip. ahci.unplug runs only with "ahci.unplug" on
 * the command line: it reads the second disk until the harness removes
 * its backend, and wants an error (not a hang) then.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "ahci_priv.h"

#define PATTERN_SECTORS 2048
#define WRITE_AT 4096
#define BATCH 32 /* commands out at once: every slot */
#define TEST_MODEL "RastOS-Test-Disk"

/* The harness's disk, by its model: never the boot disk (q35 boots
 * images from an AHCI port too). */
static struct ahci_port *test_disk(void)
{
	struct ahci_port *p = ahci_first_disk();

	return p && !strcmp(p->model, TEST_MODEL) ? p : NULL;
}

static bool pattern_ok(const void *buf, uint64_t sector, uint32_t count)
{
	const uint64_t *w = buf;

	for (uint64_t i = 0; i < (uint64_t)count * 64; i++)
		if (w[i] != sector * 64 + i)
			return false;
	return true;
}

static void fill_write_pattern(void *buf, uint64_t sector, uint32_t count)
{
	uint64_t *w = buf;

	for (uint64_t i = 0; i < (uint64_t)count * 64; i++)
		w[i] = ~(sector * 64 + i);
}

/* One synchronous command of count sectors at lba through page. */
static int rw(struct ahci_port *p, uint8_t ata, uint64_t lba, uint32_t count,
	      struct page *page)
{
	struct bio_vec v = {.page = page, .offset = 0, .len = count * 512};
	struct ahci_cmd cmd = {
		.ata = ata, .lba = lba, .count = count, .vecs = &v, .nvecs = 1};

	return ahci_exec(p, &cmd);
}

KTEST(ahci, irq_delivered)
{
	struct ahci_port *p = test_disk();
	const char *opt = cmdline_get("pci");
	bool nomsi = opt && !strcmp(opt, "nomsi");

	if (!p)
		KT_SKIP("no test disk");
	KT_ASSERT(p->irqs > 0);
	KT_ASSERT_EQ(p->host->pci->irq_kind,
		     nomsi ? PCI_IRQ_INTX : PCI_IRQ_MSI);
}

KTEST(ahci, identify)
{
	struct ahci_port *p = test_disk();

	if (!p)
		KT_SKIP("no test disk");
	KT_ASSERT(p->sectors >= WRITE_AT + 64);
	KT_ASSERT_EQ(p->sector_size, 512);
	KT_ASSERT(p->registered);
	KT_ASSERT(p->model[0] != '\0');
}

KTEST(ahci, read_pattern)
{
	struct ahci_port *p = test_disk();
	struct page *page = pmm_alloc_pages(0, PMM_USE(MM_USE_TEST));
	int err = 0;

	if (!p || !page) {
		if (page)
			pmm_free_pages(page, 0);
		KT_SKIP("no test disk");
	}
	for (uint64_t s = 0; s < PATTERN_SECTORS && !err; s += 8) {
		err = rw(p, ATA_READ_DMA_EXT, s, 8, page);
		if (!err && !pattern_ok(page_address(page), s, 8))
			err = -EILSEQ;
	}
	pmm_free_pages(page, 0);
	KT_ASSERT_EQ(err, 0);
}

struct batch {
	struct ahci_cmd cmd[BATCH];
	struct bio_vec vec[BATCH][2];
	int status[BATCH];
	int left;
};

static void batch_done(struct ahci_cmd *cmd, int status)
{
	struct batch *b = cmd->priv;

	b->status[cmd - b->cmd] = status;
	__atomic_sub_fetch(&b->left, 1, __ATOMIC_RELEASE);
}

/* BATCH reads of 16 sectors, each in two segments of two pages, all
 * issued before any is waited for. */
KTEST(ahci, many_in_flight)
{
	struct ahci_port *p = test_disk();
	struct page *pages = pmm_alloc_pages(6, PMM_USE(MM_USE_TEST));
	static struct batch b;
	uint8_t *base;
	int err = 0;

	if (!p || !pages) {
		if (pages)
			pmm_free_pages(pages, 6);
		KT_SKIP("no SATA disk or no memory");
	}
	base = page_address(pages);
	b.left = BATCH;
	for (int i = 0; i < BATCH; i++) {
		/* The second half first: the PRDT is the order in memory. */
		b.vec[i][0] = (struct bio_vec){&pages[2 * i], 0, 4096};
		b.vec[i][1] = (struct bio_vec){&pages[2 * i + 1], 0, 4096};
		b.cmd[i] = (struct ahci_cmd){.ata = ATA_READ_DMA_EXT,
					     .lba = (uint64_t)i * 16 + 512,
					     .count = 16,
					     .vecs = b.vec[i],
					     .nvecs = 2,
					     .done = batch_done,
					     .priv = &b};
		while ((err = ahci_issue(p, &b.cmd[i])) == -EBUSY)
			schedule_timeout(100000);
		if (err)
			break;
	}
	KT_ASSERT_EQ(err, 0);
	while (__atomic_load_n(&b.left, __ATOMIC_ACQUIRE) > 0)
		schedule_timeout(1000000);
	for (int i = 0; i < BATCH && !err; i++) {
		err = b.status[i];
		if (!err &&
		    !pattern_ok(base + i * 8192, (uint64_t)i * 16 + 512, 16))
			err = -EILSEQ;
	}
	pmm_free_pages(pages, 6);
	KT_ASSERT_EQ(err, 0);
	KT_ASSERT(p->max_issued > 1);
}

/* 64 sectors at WRITE_AT, flushed, read back; the harness checks the
 * image file after the run. */
KTEST(ahci, write_flush_read)
{
	struct ahci_port *p = test_disk();
	struct page *page = pmm_alloc_pages(1, PMM_USE(MM_USE_TEST));
	struct ahci_cmd flush = {.ata = ATA_FLUSH_CACHE_EXT};
	uint64_t *w;
	int err = 0;

	if (!p || !page) {
		if (page)
			pmm_free_pages(page, 1);
		KT_SKIP("no test disk");
	}
	w = page_address(page);
	for (uint64_t s = WRITE_AT; s < WRITE_AT + 64 && !err; s += 16) {
		fill_write_pattern(w, s, 16);
		err = rw(p, ATA_WRITE_DMA_EXT, s, 16, page);
	}
	if (!err)
		err = ahci_exec(p, &flush);
	for (uint64_t s = WRITE_AT; s < WRITE_AT + 64 && !err; s += 16) {
		memset(w, 0, 8192);
		err = rw(p, ATA_READ_DMA_EXT, s, 16, page);
		for (uint64_t i = 0; !err && i < 16 * 64; i++)
			if (w[i] != ~(s * 64 + i))
				err = -EILSEQ;
	}
	pmm_free_pages(page, 1);
	KT_ASSERT_EQ(err, 0);
}

/* Past the end: the device refuses (a task-file error), the port
 * recovers, and the next read works. */
KTEST(ahci, past_end_recovers)
{
	struct ahci_port *p = test_disk();
	struct page *page = pmm_alloc_pages(0, PMM_USE(MM_USE_TEST));
	uint64_t errors;
	int err, again;

	if (!p || !page) {
		if (page)
			pmm_free_pages(page, 0);
		KT_SKIP("no test disk");
	}
	errors = p->errors;
	err = rw(p, ATA_READ_DMA_EXT, p->sectors + 8, 8, page);
	again = rw(p, ATA_READ_DMA_EXT, 0, 8, page);
	if (!again && !pattern_ok(page_address(page), 0, 8))
		again = -EILSEQ;
	pmm_free_pages(page, 0);
	KT_ASSERT_EQ(err, -EIO);
	KT_ASSERT_EQ(p->errors, errors + 1);
	KT_ASSERT_EQ(again, 0);
}

static int status_of_bio;
static void test_end_io(struct bio *bio)
{
	status_of_bio = bio->status;
}

/* The block device's submit refuses a bio past the end with -EIO. */
KTEST(ahci, bio_past_end)
{
	struct ahci_port *p = test_disk();
	struct page *page = pmm_alloc_pages(0, PMM_USE(MM_USE_TEST));
	struct bio bio = {.op = BIO_READ, .size = 4096, .nvecs = 1};

	if (!p || !page) {
		if (page)
			pmm_free_pages(page, 0);
		KT_SKIP("no test disk");
	}
	bio.bdev = &p->disk;
	bio.vecs = bio.inline_vecs;
	bio.inline_vecs[0] = (struct bio_vec){page, 0, 4096};
	bio.sector = p->disk.sectors - 4;
	bio.end_io = test_end_io;
	status_of_bio = 1;
	KT_ASSERT_EQ(p->disk.ops->submit(&p->disk, &bio), 0);
	pmm_free_pages(page, 0);
	KT_ASSERT_EQ(status_of_bio, -EIO);
}

/* The second disk is read until the harness removes its backend
 * (drive_del): then reads fail, and do not hang. */
KTEST(ahci, unplug)
{
	struct ahci_port *p = test_disk(), *q = NULL;
	struct page *page = pmm_alloc_pages(0, PMM_USE(MM_USE_TEST));
	uint64_t end = clock_monotonic_ns() + 120000000000ull;
	int err = 0;

	if (!cmdline_has("ahci.unplug") || !p || !page) {
		if (page)
			pmm_free_pages(page, 0);
		KT_SKIP("only with ahci.unplug and two disks");
	}
	for (unsigned int n = p->no + 1; n < 32 && !q; n++)
		if (p->host->ports[n] && p->host->ports[n]->sectors)
			q = p->host->ports[n];
	if (!q) {
		pmm_free_pages(page, 0);
		KT_SKIP("no second disk");
	}
	kprintf("ahci: unplug test: reading port %u\n", q->no);
	while (!err && clock_monotonic_ns() < end)
		err = rw(q, ATA_READ_DMA_EXT, 0, 8, page);
	pmm_free_pages(page, 0);
	kprintf("ahci: unplug test: read gave %d\n", err);
	KT_ASSERT(err == -EIO || err == -ENODEV);
}
