/*
 * RAM disks (<kernel/ramdisk.h>): a disk whose sectors live in pages,
 * allocated on first write (unwritten sectors read as zeroes), each disk
 * served by a kernel thread of its own. submit only queues the bio in a
 * ring of RD_DEPTH slots and wakes the thread, which copies the data
 * and completes the bio: like a DMA disk, completion comes later and
 * from elsewhere. Its limits are small (RD_MAX_SECTORS per request) so
 * that the block layer's merging and queueing are busy on it.
 *
 * Locking: rd->lock guards the ring; the pages are the thread's alone.
 */
#include <kernel/blkdev.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/ramdisk.h>
#include <kernel/string.h>

#define RD_DEPTH 4
#define RD_MAX_SECTORS 128 /* 64 KiB per request */
#define RD_MAX_VECS 16
#define RD_DEFAULT_KIB 4096 /* Linux's default brd.rd_size */
#define RD_MAX_DISKS 16
#define LOCK_RANK_RAMDISK 790 /* inside nothing of the block layer's */

struct ramdisk {
	struct block_device bdev;
	struct page **pages; /* by page index; NULL: zeroes */
	uint64_t npages;
	struct spinlock lock;
	struct bio *ring[RD_DEPTH];
	unsigned int head, count;
	struct wait_queue wq;
	struct ramdisk_stats stats;
};

static const struct block_dev_ops ramdisk_ops;
static unsigned int next_minor; /* atomic */

static int rd_submit(struct block_device *disk, struct bio *bio)
{
	struct ramdisk *rd = disk->driver_data;
	unsigned long flags = spin_lock_irqsave(&rd->lock);
	int err = 0;

	if (rd->count == RD_DEPTH) {
		err = -EBUSY;
	} else {
		rd->ring[(rd->head + rd->count) % RD_DEPTH] = bio;
		rd->count++;
		rd->stats.requests++;
	}
	spin_unlock_irqrestore(&rd->lock, flags);
	if (!err)
		wake_up_all(&rd->wq);
	return err;
}

/* Copy n bytes at byte pos of the disk to or from buf. */
static int rd_copy(struct ramdisk *rd, uint64_t pos, char *buf, uint32_t n,
		   bool write)
{
	while (n) {
		uint64_t idx = pos / PAGE_SIZE, off = pos % PAGE_SIZE;
		uint32_t chunk = (uint32_t)MIN(n, PAGE_SIZE - off);
		struct page **pp = &rd->pages[idx];

		if (write && !*pp) {
			*pp = pmm_alloc_pages(0, PMM_ZERO);
			if (!*pp)
				return -EIO; /* out of memory: the write fails */
		}
		if (write)
			memcpy((char *)page_address(*pp) + off, buf, chunk);
		else if (*pp)
			memcpy(buf, (char *)page_address(*pp) + off, chunk);
		else
			memset(buf, 0, chunk);
		pos += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

static int rd_do(struct ramdisk *rd, struct bio *bio)
{
	uint64_t pos = bio->sector * SECTOR_SIZE;
	bool write = bio->op == BIO_WRITE;
	int err = 0;

	if (bio->op == BIO_FLUSH) {
		rd->stats.flushes++;
		return 0;
	}
	if (write) {
		rd->stats.writes++;
		rd->stats.sectors_written += bio->size / SECTOR_SIZE;
	} else {
		rd->stats.reads++;
	}
	for (unsigned int i = 0; !err && i < bio->nvecs; i++) {
		const struct bio_vec *v = &bio->vecs[i];

		err = rd_copy(rd, pos,
			      (char *)page_address(v->page) + v->offset, v->len,
			      write);
		pos += v->len;
	}
	return err;
}

static void rd_thread(void *arg)
{
	struct ramdisk *rd = arg;

	for (;;) {
		unsigned long flags;
		struct bio *bio;

		wait_event(rd->wq,
			   __atomic_load_n(&rd->count, __ATOMIC_ACQUIRE));
		flags = spin_lock_irqsave(&rd->lock);
		bio = rd->ring[rd->head];
		rd->head = (rd->head + 1) % RD_DEPTH;
		rd->count--;
		spin_unlock_irqrestore(&rd->lock, flags);
		bio_complete(bio, rd_do(rd, bio));
	}
}

static struct ramdisk *rd_alloc(uint64_t bytes)
{
	struct ramdisk *rd = kzalloc(sizeof(*rd));

	if (!rd)
		return NULL;
	rd->npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	rd->pages = kcalloc(rd->npages, sizeof(*rd->pages));
	if (!rd->pages) {
		kfree(rd);
		return NULL;
	}
	spin_lock_init(&rd->lock, "ramdisk", LOCK_RANK_RAMDISK);
	wait_queue_init(&rd->wq, "ramdisk");
	return rd;
}

int ramdisk_create(uint64_t bytes, const void *image, size_t image_len,
		   struct block_device **out)
{
	unsigned int minor;
	struct ramdisk *rd;
	struct task *t;

	if (!bytes || bytes % SECTOR_SIZE || image_len > bytes)
		return -EINVAL;
	rd = rd_alloc(bytes);
	if (!rd)
		return -ENOMEM;
	for (size_t off = 0; off < image_len; off += PAGE_SIZE) {
		size_t n = MIN(PAGE_SIZE, image_len - off);

		if (rd_copy(rd, off, (char *)image + off, (uint32_t)n, true))
			return -ENOMEM; /* what was allocated stays: rare */
	}
	t = kthread_create(rd_thread, rd, "ramdisk");
	if (!t)
		return -ENOMEM;
	sched_start(t);
	minor = __atomic_fetch_add(&next_minor, 1, __ATOMIC_RELAXED);
	snprintf(rd->bdev.name, sizeof(rd->bdev.name), "ram%u", minor);
	rd->bdev.dev = MKDEV(RAMDISK_MAJOR, minor);
	rd->bdev.sectors = bytes / SECTOR_SIZE;
	rd->bdev.logical_block = SECTOR_SIZE;
	rd->bdev.ops = &ramdisk_ops;
	rd->bdev.driver_data = rd;
	rd->bdev.queue_depth = RD_DEPTH;
	rd->bdev.max_sectors = RD_MAX_SECTORS;
	rd->bdev.max_vecs = RD_MAX_VECS;
	rd->stats = (struct ramdisk_stats){0};
	*out = &rd->bdev;
	return blkdev_register_disk(&rd->bdev);
}

int ramdisk_get_stats(struct block_device *bdev, struct ramdisk_stats *out)
{
	struct ramdisk *rd;
	unsigned long flags;

	bdev = bdev->disk;
	if (bdev->ops != &ramdisk_ops)
		return -ENODEV;
	rd = bdev->driver_data;
	flags = spin_lock_irqsave(&rd->lock);
	*out = rd->stats;
	spin_unlock_irqrestore(&rd->lock, flags);
	return 0;
}

static const struct block_dev_ops ramdisk_ops = {.submit = rd_submit};

static unsigned long param(const char *key, unsigned long dflt)
{
	const char *v = cmdline_get(key);
	unsigned long n;

	if (!v)
		return dflt;
	if (kstrtoul(v, 0, &n)) {
		klog(KLOG_WARN, "ramdisk: bad %s=%s\n", key, v);
		return dflt;
	}
	return n;
}

/* ram0, ram1... from the boot modules named "ramdisk": how many. */
static unsigned int from_modules(uint64_t min_bytes)
{
	unsigned int made = 0;

	for (size_t i = 0; i < boot_info->module_count; i++) {
		const struct boot_module *m = &boot_info->modules[i];
		uint64_t bytes = (m->size + SECTOR_SIZE - 1) &
				 ~(uint64_t)(SECTOR_SIZE - 1);
		struct block_device *bdev;
		int err;

		if (strcmp(m->cmdline, "ramdisk"))
			continue;
		err = ramdisk_create(MAX(bytes, min_bytes), m->address, m->size,
				     &bdev);
		if (err)
			klog(KLOG_WARN, "ramdisk: module %s: not loaded (%d)\n",
			     m->path, err);
		else
			made++;
	}
	return made;
}

void ramdisk_init(void)
{
	unsigned long nr = param("brd.rd_nr", 0);
	uint64_t bytes = (uint64_t)param("brd.rd_size", RD_DEFAULT_KIB) * 1024;
	unsigned int made =
		from_modules(cmdline_has("brd.rd_size") ? bytes : 0);

	if (nr > RD_MAX_DISKS)
		nr = RD_MAX_DISKS;
	for (; made < nr; made++) {
		struct block_device *bdev;
		int err = ramdisk_create(bytes, NULL, 0, &bdev);

		if (err) {
			klog(KLOG_WARN, "ramdisk: ram%u not made (%d)\n", made,
			     err);
			break;
		}
	}
}
