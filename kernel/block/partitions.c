/*
 * A disk's partitions become block devices: its table is read with the
 * pure readers (mbr.c, gpt.c) and each partition registered with
 * Linux's name (sda1; ram0p1 when the disk's name ends in a digit) and
 * number (major 8: the disk's minor + the partition's, up to 15; beyond,
 * and on other disks, major 259 as Linux's extended numbers).
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "block_priv.h"
#include "part_table.h"

#define BLOCK_EXT_MAJOR 259

static unsigned int ext_minor; /* the next major-259 minor (atomic) */

static int disk_read(void *ctx, uint64_t pos, void *buf, size_t len)
{
	return blkdev_read(ctx, pos, buf, len);
}

static void disk_warn(void *ctx, const char *msg, uint64_t value)
{
	struct block_device *disk = ctx;

	klog(KLOG_WARN, "block: %s: %s %llu\n", disk->name, msg,
	     (unsigned long long)value);
}

static uint32_t part_dev(const struct block_device *disk, unsigned int partno)
{
	if (MAJOR(disk->dev) == SCSI_DISK_MAJOR &&
	    partno < BLOCK_MINORS_PER_DISK)
		return disk->dev + partno;
	return MKDEV(BLOCK_EXT_MAJOR,
		     __atomic_fetch_add(&ext_minor, 1, __ATOMIC_RELAXED) &
			     0xff);
}

static int add_partition(struct block_device *disk, const struct part_info *p)
{
	struct block_device *b = kzalloc(sizeof(*b));
	size_t len = strlen(disk->name);
	bool digit =
		len && disk->name[len - 1] >= '0' && disk->name[len - 1] <= '9';
	int err;

	if (!b)
		return -ENOMEM;
	snprintf(b->name, sizeof(b->name), "%s%s%u", disk->name,
		 digit ? "p" : "", p->partno);
	b->dev = part_dev(disk, p->partno);
	b->sectors = p->sectors;
	b->logical_block = disk->logical_block;
	b->read_only = disk->read_only;
	b->ops = disk->ops;
	b->disk = disk;
	b->start_sector = p->start;
	b->partno = p->partno;
	strlcpy(b->part_uuid, p->uuid, sizeof(b->part_uuid));
	err = bdev_setup(b);
	if (!err)
		err = bdev_add(b);
	if (err) {
		klog(KLOG_WARN, "block: %s not registered (%d)\n", b->name,
		     err);
		return err; /* b may be listed already: never freed */
	}
	return 0;
}

void part_scan(struct block_device *disk)
{
	struct part_table *t = kmalloc(sizeof(*t));
	struct part_source src = {.read = disk_read,
				  .warn = disk_warn,
				  .ctx = disk,
				  .sectors = disk->sectors,
				  .block = disk->logical_block};
	int err;

	if (!t) {
		klog(KLOG_WARN, "block: %s: no memory for its partitions\n",
		     disk->name);
		return;
	}
	err = part_read_table(&src, t);
	if (err)
		klog(KLOG_WARN, "block: %s: partition table unreadable (%d)\n",
		     disk->name, err);
	for (unsigned int i = 0; !err && i < t->count; i++) {
		if (add_partition(disk, &t->parts[i]))
			break;
	}
	if (!err && t->kind)
		klog(KLOG_INFO, "block: %s: %s table, %u partitions\n",
		     disk->name, t->kind, t->count);
	kfree(t);
}
