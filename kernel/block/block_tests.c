/*
 * KTESTs of the block layer, on a mock disk driver whose requests the
 * test holds and completes by hand (so that queueing, merging, -EBUSY
 * and completion order are deterministic and counted), and on RAM disks
 * (asynchronous completion from their thread, as a real disk's).
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/ramdisk.h>
#include <kernel/string.h>

#include "block_priv.h"

#define MOCK_SECTORS 512 /* 256 KiB: the tests run in 16 MiB too */
#define MOCK_HELD 64
#define MOCK_LOG 256
#define MOCK_MAJOR 240 /* Linux's "local/experimental use" */

struct mock_op {
	enum bio_op op;
	uint64_t sector, count;
};

struct mock {
	struct block_device bdev;
	uint8_t *data;
	struct spinlock lock;
	bool hold, busy;
	struct bio *held[MOCK_HELD];
	unsigned int nheld, nlog, requests;
	struct mock_op log[MOCK_LOG];
};

static unsigned int mock_minor;

static void mock_do(struct mock *m, struct bio *bio)
{
	uint8_t *at = m->data + bio->sector * SECTOR_SIZE;

	for (unsigned int i = 0; bio->op != BIO_FLUSH && i < bio->nvecs; i++) {
		uint8_t *p = (uint8_t *)page_address(bio->vecs[i].page) +
			     bio->vecs[i].offset;

		if (bio->op == BIO_WRITE)
			memcpy(at, p, bio->vecs[i].len);
		else
			memcpy(p, at, bio->vecs[i].len);
		at += bio->vecs[i].len;
	}
}

static int mock_submit(struct block_device *disk, struct bio *bio)
{
	struct mock *m = disk->driver_data;
	unsigned long flags = spin_lock_irqsave(&m->lock);
	bool now = !m->hold;

	if (m->busy || (m->hold && m->nheld == MOCK_HELD)) {
		spin_unlock_irqrestore(&m->lock, flags);
		return -EBUSY;
	}
	m->requests++;
	if (m->nlog < MOCK_LOG)
		m->log[m->nlog++] = (struct mock_op){bio->op, bio->sector,
						     bio->size / SECTOR_SIZE};
	if (!now)
		m->held[m->nheld++] = bio;
	spin_unlock_irqrestore(&m->lock, flags);
	/* Writes take their data now, as a DMA might: a change made while
	 * the request is held must be written again to reach the disk. */
	if (now || bio->op == BIO_WRITE)
		mock_do(m, bio);
	if (now)
		bio_complete(bio, 0);
	return 0;
}

static const struct block_dev_ops mock_ops = {.submit = mock_submit};

/* Complete the held requests, oldest first (more may be held meanwhile). */
static unsigned int mock_release(struct mock *m)
{
	unsigned int n = 0;

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&m->lock);
		struct bio *bio = NULL;

		if (m->nheld) {
			bio = m->held[0];
			memmove(m->held, m->held + 1,
				--m->nheld * sizeof(m->held[0]));
		}
		spin_unlock_irqrestore(&m->lock, flags);
		if (!bio)
			return n;
		if (bio->op == BIO_READ)
			mock_do(m, bio);
		bio_complete(bio, 0);
		n++;
	}
}

/* A registered mock disk, its contents image (may be NULL). */
static struct mock *mock_new(unsigned int depth, const void *image, size_t len)
{
	struct mock *m = kzalloc(sizeof(*m));
	unsigned int minor =
		__atomic_fetch_add(&mock_minor, 1, __ATOMIC_RELAXED);

	if (!m)
		return NULL;
	m->data = kzalloc(MOCK_SECTORS * SECTOR_SIZE);
	if (!m->data)
		return NULL;
	if (image)
		memcpy(m->data, image, len);
	spin_lock_init(&m->lock, "mock disk", 0);
	snprintf(m->bdev.name, sizeof(m->bdev.name), "mk%u", minor);
	m->bdev.dev = MKDEV(MOCK_MAJOR, minor);
	m->bdev.sectors = MOCK_SECTORS;
	m->bdev.ops = &mock_ops;
	m->bdev.driver_data = m;
	m->bdev.queue_depth = depth;
	m->bdev.max_sectors = 256;
	m->bdev.max_vecs = 32;
	return blkdev_register_disk(&m->bdev) ? NULL : m;
}

/* The end of a test's mock disk: gone, its memory and cache freed (the
 * structure stays: devices are never unregistered). */
static void mock_done(struct mock *m)
{
	blkdev_disk_gone(&m->bdev);
	inode_drop_pages(m->bdev.inode, 0);
	kfree(m->data);
	m->data = NULL;
}

struct done_count {
	int done, status;
};

static void count_end_io(struct bio *bio)
{
	struct done_count *d = bio->priv;

	if (bio->status)
		d->status = bio->status;
	__atomic_add_fetch(&d->done, 1, __ATOMIC_RELEASE);
}

/* An async one-page bio at sector of bdev over page, counting into d. */
static struct bio *page_bio(struct block_device *bdev, enum bio_op op,
			    uint64_t sector, struct page *page,
			    struct done_count *d)
{
	struct bio *bio = bio_alloc(bdev, op, sector, 1);

	if (bio && bio_add_page(bio, page, 0, PAGE_SIZE)) {
		bio_free(bio);
		return NULL;
	}
	if (bio) {
		bio->priv = d;
		bio->end_io = count_end_io;
	}
	return bio;
}

/* 8 adjacent bios behind a busy slot become one request, each complete. */
KTEST(block, queue_merges_adjacent_bios)
{
	struct mock *m = mock_new(1, NULL, 0);
	struct page *page = pmm_alloc_pages(0, PMM_ZERO);
	struct done_count d = {0};
	struct bio *bios[8];

	KT_ASSERT(m && page);
	memset(page_address(page), 0xab, PAGE_SIZE);
	m->hold = true;
	m->requests = m->nlog = 0; /* not the partition table's read */
	for (int i = 0; i < 8; i++) {
		bios[i] = page_bio(&m->bdev, BIO_WRITE, 8 * (uint64_t)i, page,
				   &d);
		KT_ASSERT(bios[i]);
		submit_bio(bios[i]);
	}
	KT_ASSERT_EQ(m->requests, 1); /* the first; 7 merged behind it */
	/* Completing it starts the merged one, completed in turn. */
	KT_ASSERT_EQ(mock_release(m), 2);
	KT_ASSERT_EQ(m->requests, 2);
	KT_ASSERT_EQ(m->log[1].sector, 8);
	KT_ASSERT_EQ(m->log[1].count, 56);
	KT_ASSERT_EQ(d.done, 8);
	KT_ASSERT_EQ(d.status, 0);
	for (int i = 0; i < 8; i++) {
		KT_ASSERT_EQ(bios[i]->sector, 8 * (uint64_t)i); /* restored */
		bio_free(bios[i]);
	}
	KT_ASSERT_EQ(m->data[64 * SECTOR_SIZE - 1], 0xab);
	KT_ASSERT_EQ(m->data[64 * SECTOR_SIZE], 0);
	page_put(page);
	mock_done(m);
}

/* queue_depth bounds the requests in flight; -EBUSY keeps one queued. */
KTEST(block, queue_depth_and_busy)
{
	struct mock *m = mock_new(2, NULL, 0);
	struct page *page = pmm_alloc_pages(0, PMM_ZERO);
	struct done_count d = {0};
	struct bio *bios[5];

	KT_ASSERT(m && page);
	m->hold = true;
	m->requests = m->nlog = 0;
	for (int i = 0; i < 5; i++) { /* gaps: nothing merges */
		bios[i] = page_bio(&m->bdev, BIO_READ, 16 * (uint64_t)i, page,
				   &d);
		KT_ASSERT(bios[i]);
		if (i == 4)
			m->busy = true;
		submit_bio(bios[i]);
	}
	KT_ASSERT_EQ(m->requests, 2);
	KT_ASSERT_EQ(m->bdev.in_flight, 2);
	m->busy = false;
	for (int round = 0; round < 4 && d.done < 5; round++)
		mock_release(m);
	KT_ASSERT_EQ(d.done, 5);
	KT_ASSERT_EQ(m->requests, 5);
	KT_ASSERT_EQ(m->bdev.in_flight, 0);
	for (int i = 0; i < 5; i++)
		bio_free(bios[i]);
	page_put(page);
	mock_done(m);
}

/* An MBR partition entry. */
static void put_entry(uint8_t *e, uint8_t type, uint32_t start, uint32_t count)
{
	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
}

/* Partitions register with Linux's names, numbers, PARTUUIDs; their
 * bios are remapped and bounded. */
KTEST(block, partitions_remap_and_bound)
{
	uint8_t *img = kzalloc(MOCK_SECTORS * SECTOR_SIZE), buf[SECTOR_SIZE];
	struct block_device *p1, *p5;
	struct mock *m;
	char name[16];

	KT_ASSERT(img);
	memcpy(img + 440, "\x78\x56\x34\x12", 4);
	put_entry(img + 446, 0x83, 100, 200);
	put_entry(img + 462, 0x05, 400, 100);
	img[510] = 0x55, img[511] = 0xaa;
	/* The EBR at 400: a logical at 400 + 8, 50 sectors, no link. */
	put_entry(img + 400 * SECTOR_SIZE + 446, 0x83, 8, 50);
	img[400 * SECTOR_SIZE + 510] = 0x55,
				img[400 * SECTOR_SIZE + 511] = 0xaa;
	m = mock_new(4, img, MOCK_SECTORS * SECTOR_SIZE);
	kfree(img);
	KT_ASSERT(m);
	snprintf(name, sizeof(name), "%sp1", m->bdev.name);
	p1 = blkdev_by_name(name);
	snprintf(name, sizeof(name), "/dev/%sp5", m->bdev.name);
	p5 = blkdev_by_name(name);
	KT_ASSERT(p1 && p5);
	KT_ASSERT_EQ(p1->start_sector, 100);
	KT_ASSERT_EQ(p1->sectors, 200);
	KT_ASSERT_EQ(p5->start_sector, 408);
	KT_ASSERT_EQ(p5->sectors, 50);
	KT_ASSERT_EQ(MAJOR(p1->dev), 259);
	KT_ASSERT_STREQ(p1->part_uuid, "12345678-01");
	KT_ASSERT(blkdev_by_partuuid("PARTUUID=12345678-05") == p5);
	KT_ASSERT(blkdev_by_dev(p5->dev) == p5);
	memset(buf, 0x5c, sizeof(buf));
	KT_ASSERT_EQ(blkdev_write(p5, 49 * SECTOR_SIZE, buf, SECTOR_SIZE), 0);
	KT_ASSERT_EQ(m->data[(408 + 49) * SECTOR_SIZE], 0x5c);
	KT_ASSERT_EQ(blkdev_write(p5, 50 * SECTOR_SIZE, buf, SECTOR_SIZE),
		     -EIO);
	KT_ASSERT_EQ(blkdev_read(p1, 200 * SECTOR_SIZE, buf, SECTOR_SIZE),
		     -EIO);
	KT_ASSERT_EQ(blkdev_read(&m->bdev, MOCK_SECTORS * SECTOR_SIZE, buf,
				 SECTOR_SIZE),
		     -EIO);
	KT_ASSERT_EQ(m->data[(408 + 50) * SECTOR_SIZE], 0);
	/* Claims: the disk and its partitions exclude each other. */
	KT_ASSERT_EQ(blkdev_claim(p1), 0);
	KT_ASSERT_EQ(blkdev_claim(p1), -EBUSY);
	KT_ASSERT_EQ(blkdev_claim(&m->bdev), -EBUSY);
	KT_ASSERT_EQ(blkdev_claim(p5), 0);
	blkdev_release(p1);
	blkdev_release(p5);
	KT_ASSERT_EQ(blkdev_claim(&m->bdev), 0);
	blkdev_release(&m->bdev);
	mock_done(m);
}

/* Dirtying one 1 KiB buffer writes only its 2 sectors, then a FLUSH. */
KTEST(block, buffer_writes_only_dirty_block)
{
	struct mock *m = mock_new(4, NULL, 0);
	struct buffer *a, *b, *again;
	unsigned int before;

	KT_ASSERT(m);
	m->data[3 * 1024] = 7;
	KT_ASSERT_EQ(bread(&m->bdev, 3, 1024, &a), 0);
	KT_ASSERT_EQ(bread(&m->bdev, 2, 1024, &b), 0);
	KT_ASSERT_EQ(((uint8_t *)a->data)[0], 7);
	KT_ASSERT_EQ(bread(&m->bdev, 3, 1024, &again), 0);
	KT_ASSERT(again == a);
	brelse(again);
	before = m->nlog;
	((uint8_t *)a->data)[1] = 9;
	((uint8_t *)b->data)[1] = 9; /* changed, not marked dirty */
	buffer_mark_dirty(a);
	KT_ASSERT_EQ(blkdev_sync(&m->bdev), 0);
	KT_ASSERT_EQ(m->nlog, before + 2);
	KT_ASSERT_EQ(m->log[before].op, BIO_WRITE);
	KT_ASSERT_EQ(m->log[before].sector, 6);
	KT_ASSERT_EQ(m->log[before].count, 2);
	KT_ASSERT_EQ(m->log[before + 1].op, BIO_FLUSH);
	KT_ASSERT_EQ(m->data[3 * 1024 + 1], 9);
	KT_ASSERT_EQ(m->data[2 * 1024 + 1], 0);
	KT_ASSERT(!a->dirty);
	KT_ASSERT_EQ(bread(&m->bdev, MOCK_SECTORS, 1024, &again), -EINVAL);
	KT_ASSERT_EQ(bread(&m->bdev, 0, 1000, &again), -EINVAL);
	/* A forgotten block is not written. */
	buffer_mark_dirty(b);
	buffer_forget(&m->bdev, 2, 1024);
	before = m->nlog;
	KT_ASSERT_EQ(blkdev_sync(&m->bdev), 0);
	KT_ASSERT_EQ(m->nlog, before + 1); /* the FLUSH only */
	brelse(a);
	brelse(b);
	mock_done(m);
}

/* bget_zero: zeroes, and a whole-page block is not read first. */
KTEST(block, bget_zero_no_read)
{
	struct mock *m = mock_new(4, NULL, 0);
	struct buffer *b;
	unsigned int before;

	KT_ASSERT(m);
	memset(m->data + 8 * 4096, 0xee, 4096);
	before = m->nlog;
	KT_ASSERT_EQ(bget_zero(&m->bdev, 8, 4096, &b), 0);
	KT_ASSERT_EQ(m->nlog, before);
	KT_ASSERT_EQ(((uint8_t *)b->data)[100], 0);
	buffer_mark_dirty(b);
	KT_ASSERT_EQ(buffer_sync(b), 0);
	KT_ASSERT_EQ(m->data[8 * 4096 + 100], 0);
	brelse(b);
	mock_done(m);
}

struct redirty {
	struct mock *m;
	int result, finished;
};

static void sync_thread(void *arg)
{
	struct redirty *r = arg;

	r->result = blkdev_sync(&r->m->bdev);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
}

/* A buffer changed while its write is in flight stays dirty and its
 * new data reaches the disk at the next sync. */
KTEST(block, buffer_redirtied_during_write)
{
	static struct redirty r;
	struct mock *m = mock_new(4, NULL, 0);
	struct buffer *b;
	struct task *t;

	KT_ASSERT(m);
	KT_ASSERT_EQ(bread(&m->bdev, 5, 512, &b), 0);
	((uint8_t *)b->data)[0] = 1;
	buffer_mark_dirty(b);
	m->hold = true;
	r = (struct redirty){.m = m};
	t = kthread_create(sync_thread, &r, "ktest sync");
	KT_ASSERT(t);
	sched_start(t);
	while (!__atomic_load_n(&m->nheld, __ATOMIC_ACQUIRE))
		sched_yield();
	((uint8_t *)b->data)[0] = 2; /* while the write is in flight */
	buffer_mark_dirty(b);
	m->hold = false;
	while (!__atomic_load_n(&r.finished, __ATOMIC_ACQUIRE)) {
		mock_release(m);
		sched_yield();
	}
	KT_ASSERT_EQ(r.result, 0);
	/* That sync may have written it again itself; this one must. */
	KT_ASSERT_EQ(blkdev_sync(&m->bdev), 0);
	KT_ASSERT(!b->dirty);
	KT_ASSERT_EQ(m->data[5 * 512], 2);
	brelse(b);
	mock_done(m);
}

/* A gone disk fails queued and new bios with -ENODEV. */
KTEST(block, disk_gone)
{
	struct mock *m = mock_new(1, NULL, 0);
	struct page *page = pmm_alloc_pages(0, PMM_ZERO);
	struct done_count d = {0};
	struct bio *a, *b;

	KT_ASSERT(m && page);
	m->hold = true;
	a = page_bio(&m->bdev, BIO_READ, 0, page, &d);
	b = page_bio(&m->bdev, BIO_READ, 64, page, &d);
	KT_ASSERT(a && b);
	submit_bio(a);
	submit_bio(b); /* queued behind a */
	blkdev_disk_gone(&m->bdev);
	KT_ASSERT_EQ(d.done, 1);
	KT_ASSERT_EQ(d.status, -ENODEV);
	mock_release(m); /* the driver finishes what it had */
	KT_ASSERT_EQ(d.done, 2);
	KT_ASSERT_EQ(bio_rw_page(&m->bdev, BIO_READ, 0, page, 0, 512), -ENODEV);
	bio_free(a);
	bio_free(b);
	page_put(page);
	mock_done(m);
}

/* ---- on RAM disks: asynchronous completion --------------------------- */

/* blkdev_sync's FLUSH reaches the driver; merged writes are fewer. */
KTEST(block, ramdisk_sync_flushes_and_merges)
{
	struct block_device *rd;
	struct ramdisk_stats s0, s1;
	struct done_count d = {0};
	struct page *page = pmm_alloc_pages(0, PMM_ZERO);
	struct bio *bios[32];
	struct buffer *b;
	bool merged = false;

	KT_ASSERT(page);
	KT_ASSERT_EQ(ramdisk_create(1 << 20, NULL, 0, &rd), 0);
	KT_ASSERT_EQ(ramdisk_get_stats(rd, &s0), 0);
	KT_ASSERT_EQ(bread(rd, 1, 4096, &b), 0);
	memset(b->data, 0x11, 4096);
	buffer_mark_dirty(b);
	KT_ASSERT_EQ(blkdev_sync(rd), 0);
	KT_ASSERT_EQ(ramdisk_get_stats(rd, &s1), 0);
	KT_ASSERT_EQ(s1.flushes, s0.flushes + 1);
	KT_ASSERT_EQ(s1.writes, s0.writes + 1);
	brelse(b);
	/*
	 * 32 neighbouring bios, 4 in flight at most: the rest queue and
	 * merge, unless the disk's thread (another CPU) takes each as it
	 * comes, which a host stalling this vCPU can make happen: a few
	 * rounds, one of which must merge.
	 */
	for (int round = 0; round < 8; round++) {
		d = (struct done_count){0};
		for (int i = 0; i < 32; i++) {
			bios[i] = page_bio(rd, BIO_WRITE, 8 * (uint64_t)i, page,
					   &d);
			KT_ASSERT(bios[i]);
		}
		for (int i = 0; i < 32; i++)
			submit_bio(bios[i]);
		while (__atomic_load_n(&d.done, __ATOMIC_ACQUIRE) < 32)
			sched_yield();
		KT_ASSERT_EQ(d.status, 0);
		KT_ASSERT_EQ(ramdisk_get_stats(rd, &s0), 0);
		KT_ASSERT_EQ(s0.sectors_written - s1.sectors_written, 256);
		for (int i = 0; i < 32; i++)
			bio_free(bios[i]);
		merged = s0.writes - s1.writes < 32;
		s1 = s0;
		if (merged)
			break;
	}
	KT_ASSERT(merged);
	page_put(page);
}

#define STRESS_THREADS 4
#define STRESS_ROUNDS 300
#define STRESS_BLOCKS 8

struct stress {
	struct block_device *bdev;
	int finished, errors;
	struct wait_queue wq;
};

/* Each thread owns byte t of every block: concurrent bread, change,
 * dirty, sync and release of shared buffers must lose nothing. */
static void stress_thread(void *arg)
{
	struct stress *s = arg;
	static int next_id;
	int id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED) %
		 STRESS_THREADS;

	for (int i = 1; i <= STRESS_ROUNDS; i++) {
		struct buffer *b;

		if (bread(s->bdev, (uint64_t)(i * 7 + id) % STRESS_BLOCKS, 1024,
			  &b)) {
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		((volatile uint8_t *)b->data)[id] = (uint8_t)i;
		buffer_mark_dirty(b);
		if (i % 50 == 0 && blkdev_sync(s->bdev))
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		brelse(b);
	}
	__atomic_add_fetch(&s->finished, 1, __ATOMIC_RELEASE);
	wake_up_all(&s->wq);
}

KTEST(block, buffers_concurrent_users)
{
	static struct stress s;
	uint8_t *disk = kmalloc(STRESS_BLOCKS * 1024);

	KT_ASSERT(disk);
	s = (struct stress){0};
	wait_queue_init(&s.wq, "ktest stress");
	KT_ASSERT_EQ(ramdisk_create(1 << 20, NULL, 0, &s.bdev), 0);
	for (int t = 0; t < STRESS_THREADS; t++) {
		struct task *task =
			kthread_create(stress_thread, &s, "ktest buf");

		KT_ASSERT(task);
		sched_start(task);
	}
	wait_event(s.wq, __atomic_load_n(&s.finished, __ATOMIC_ACQUIRE) ==
				 STRESS_THREADS);
	KT_ASSERT_EQ(s.errors, 0);
	KT_ASSERT_EQ(blkdev_sync(s.bdev), 0);
	KT_ASSERT_EQ(bdev_state(s.bdev)->nbuffers, 0);
	KT_ASSERT_EQ(blkdev_read(s.bdev, 0, disk, STRESS_BLOCKS * 1024), 0);
	/* Each thread's last write to each block is on the disk. */
	for (int blk = 0; blk < STRESS_BLOCKS; blk++) {
		for (int id = 0; id < STRESS_THREADS; id++) {
			int last = 0;

			for (int i = 1; i <= STRESS_ROUNDS; i++)
				if ((i * 7 + id) % STRESS_BLOCKS == blk)
					last = i;
			KT_ASSERT_EQ(disk[blk * 1024 + id], (uint8_t)last);
		}
	}
	kfree(disk);
}
