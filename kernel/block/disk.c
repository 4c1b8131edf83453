/*
 * The registry of block devices (<kernel/blkdev.h>): disks the drivers
 * register and the partitions found on them, their names and Linux's
 * device numbers, their /dev nodes, lookups by number, name and
 * PARTUUID, and the exclusive claims of mounted file systems.
 *
 * Devices are never freed (a disk that goes is marked gone), so a
 * pointer found here stays valid; the list only grows, under
 * registry_lock. Each device has an inode of the block layer's own
 * pseudo file system: its page cache is the device's (read(2) of the
 * node, the buffer cache), its priv the struct bdev_state.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "block_priv.h"

#define SD_MAX_DISKS 16 /* sda..sdp: minors 0..255 of major 8 */

static LIST_HEAD(bdevs);
static DEFINE_SPINLOCK(registry_lock, LOCK_RANK_BLK_REGISTRY);
static uint32_t sd_used; /* bit n: sd disk n taken (registry_lock) */
static struct super_block *bdev_sb;

/* The page of the device at index, read from the disk (zeroed already). */
static int bdev_read_page(struct inode *in, uint64_t index, void *page)
{
	struct block_device *bdev = ((struct bdev_state *)in->priv)->bdev;
	uint64_t pos = index * PAGE_SIZE, size = bdev->sectors * SECTOR_SIZE;

	if (pos >= size)
		return 0; /* past the end: zeroes, as a read there gives none */
	return bio_rw_page(bdev, BIO_READ, pos / SECTOR_SIZE,
			   virt_to_page(page), 0,
			   (uint32_t)MIN(PAGE_SIZE, size - pos));
}

static const struct inode_ops bdev_inode_ops = {.read_page = bdev_read_page};
static const struct super_ops bdev_super_ops = {0};
static struct fs_type bdev_fs_type = {.name = "bdev", .nodev = true};

int bdev_setup(struct block_device *bdev)
{
	struct bdev_state *st = kzalloc(sizeof(*st));
	struct inode *in =
		st ? inode_alloc(bdev_sb, S_IFBLK | 0600, &bdev_inode_ops, NULL)
		   : NULL;

	if (!in) {
		kfree(st);
		return -ENOMEM;
	}
	st->bdev = bdev;
	spin_lock_init(&st->buf_lock, "buffers", LOCK_RANK_BLK_BUFFERS);
	for (int i = 0; i < BUF_HASH_SIZE; i++)
		list_init(&st->buf_hash[i]);
	list_init(&st->dirty);
	in->rdev = bdev->dev;
	in->size = bdev->sectors * SECTOR_SIZE;
	in->priv = st;
	bdev->inode = in;
	spin_lock_init(&bdev->queue_lock, "block queue", LOCK_RANK_BLK_QUEUE);
	list_init(&bdev->queue);
	bdev->in_flight = 0;
	if (!bdev->logical_block)
		bdev->logical_block = SECTOR_SIZE;
	return 0;
}

int bdev_add(struct block_device *bdev)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	struct block_device *b;
	int err;

	list_for_each_entry(b, &bdevs, link)
	{
		if (b->dev == bdev->dev || !strcmp(b->name, bdev->name)) {
			spin_unlock_irqrestore(&registry_lock, flags);
			klog(KLOG_WARN, "block: %s (%u:%u) already exists\n",
			     bdev->name, MAJOR(bdev->dev), MINOR(bdev->dev));
			return -EEXIST;
		}
	}
	list_add_tail(&bdev->link, &bdevs);
	spin_unlock_irqrestore(&registry_lock, flags);
	err = devtmpfs_create(bdev->name, S_IFBLK | 0660, bdev->dev);
	if (err)
		klog(KLOG_WARN, "block: /dev/%s not made (%d)\n", bdev->name,
		     err);
	return 0;
}

/* Limits a driver left 0 get values every bio fits in. */
static void disk_defaults(struct block_device *disk)
{
	if (!disk->queue_depth)
		disk->queue_depth = 1;
	if (!disk->max_sectors)
		disk->max_sectors = 256;
	if (!disk->max_vecs)
		disk->max_vecs = 32;
	disk->disk = disk;
	disk->start_sector = 0;
	disk->partno = 0;
}

int blkdev_register_disk(struct block_device *disk)
{
	int err;

	if (!disk->ops || !disk->ops->submit || !disk->sectors)
		return -EINVAL;
	if (!disk->dev) {
		char name[16];

		err = blkdev_next_sd(name, &disk->dev);
		if (err)
			return err;
		if (!disk->name[0])
			strlcpy(disk->name, name, sizeof(disk->name));
	}
	disk_defaults(disk);
	err = bdev_setup(disk);
	if (!err)
		err = bdev_add(disk);
	if (err)
		return err;
	klog(KLOG_INFO, "block: %s: %llu sectors (%llu MiB), %u:%u\n",
	     disk->name, (unsigned long long)disk->sectors,
	     (unsigned long long)(disk->sectors >> 11), MAJOR(disk->dev),
	     MINOR(disk->dev));
	part_scan(disk);
	return 0;
}

void blkdev_disk_gone(struct block_device *disk)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	struct block_device *b;

	list_for_each_entry(b, &bdevs, link)
	{
		if (b->disk == disk)
			__atomic_store_n(&b->gone, true, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&registry_lock, flags);
	klog(KLOG_WARN, "block: %s is gone\n", disk->name);
	queue_fail_all(disk);
}

int blkdev_next_sd(char name[16], uint32_t *dev)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	int n = 0;

	while (n < SD_MAX_DISKS && (sd_used & (1u << n)))
		n++;
	if (n < SD_MAX_DISKS)
		sd_used |= 1u << n;
	spin_unlock_irqrestore(&registry_lock, flags);
	if (n == SD_MAX_DISKS)
		return -ENOSPC;
	snprintf(name, 16, "sd%c", 'a' + n);
	*dev = MKDEV(SCSI_DISK_MAJOR, n * BLOCK_MINORS_PER_DISK);
	return 0;
}

/* The first device for which match(bdev, arg) holds, or NULL. */
static struct block_device *
find(bool (*match)(struct block_device *, const void *), const void *arg)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	struct block_device *b, *found = NULL;

	list_for_each_entry(b, &bdevs, link)
	{
		if (match(b, arg)) {
			found = b;
			break;
		}
	}
	spin_unlock_irqrestore(&registry_lock, flags);
	return found;
}

static bool match_dev(struct block_device *b, const void *arg)
{
	return b->dev == *(const uint32_t *)arg;
}

static bool match_name(struct block_device *b, const void *arg)
{
	return !strcmp(b->name, arg);
}

/* UUIDs compare without case: Linux accepts PARTUUID= in either. */
static bool match_uuid(struct block_device *b, const void *arg)
{
	const char *u = arg;
	size_t i = 0;

	for (; b->part_uuid[i] && u[i]; i++) {
		char x = b->part_uuid[i], y = u[i];

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return b->part_uuid[0] && !b->part_uuid[i] && !u[i];
}

struct block_device *blkdev_by_dev(uint32_t dev)
{
	return find(match_dev, &dev);
}

struct block_device *blkdev_by_name(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	return find(match_name, name);
}

struct block_device *blkdev_by_partuuid(const char *uuid)
{
	if (!strncmp(uuid, "PARTUUID=", 9))
		uuid += 9;
	return find(match_uuid, uuid);
}

/* fn runs unlocked: devices are never removed, the list only grows. */
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg),
		     void *arg)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	struct list_head *pos = bdevs.next;

	while (pos != &bdevs) {
		struct block_device *b =
			list_entry(pos, struct block_device, link);

		spin_unlock_irqrestore(&registry_lock, flags);
		fn(b, arg);
		flags = spin_lock_irqsave(&registry_lock);
		pos = pos->next;
	}
	spin_unlock_irqrestore(&registry_lock, flags);
}

/* Is a partition of disk (or the disk) other than bdev claimed? */
static bool family_claimed(const struct block_device *bdev)
{
	struct block_device *b;

	list_for_each_entry(b, &bdevs, link)
	{
		if (b == bdev || b->disk != bdev->disk || !b->openers)
			continue;
		/* The disk and its partitions exclude each other; two
		 * partitions of one disk do not. */
		if (b->partno == 0 || bdev->partno == 0)
			return true;
	}
	return false;
}

int blkdev_claim(struct block_device *bdev)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);
	int err = 0;

	if (bdev->gone || bdev->disk->gone)
		err = -ENODEV;
	else if (bdev->openers || family_claimed(bdev))
		err = -EBUSY;
	else
		bdev->openers = 1;
	spin_unlock_irqrestore(&registry_lock, flags);
	return err;
}

/*
 * The file system that held bdev is gone (its buffers written and
 * released): the device's cache goes too, as at Linux's umount. It may
 * hold copies of blocks the file system later wrote around it (file data
 * goes by bio, straight from the file's own pages), which a read of the
 * device node would otherwise show instead of the disk's contents.
 */
void blkdev_release(struct block_device *bdev)
{
	unsigned long flags = spin_lock_irqsave(&registry_lock);

	bdev->openers = 0;
	spin_unlock_irqrestore(&registry_lock, flags);
	mutex_lock(&bdev->inode->lock);
	if (!bdev->openers && !bdev_state(bdev)->nbuffers)
		inode_drop_pages(bdev->inode, 0);
	mutex_unlock(&bdev->inode->lock);
}

void block_init(void)
{
	bio_waitq_init();
	bdev_sb = super_alloc(&bdev_fs_type, &bdev_super_ops);
	if (!bdev_sb)
		klog(KLOG_ERR, "block: no memory: no block devices\n");
}
