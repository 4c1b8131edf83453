/*
 * /proc/partitions: every block device, disks and partitions, in Linux's
 * format (what busybox's fdisk -l and mount's guesses read).
 */
#include <kernel/blkdev.h>
#include <kernel/fs.h>

#include "internal.h"

static void show_one(struct block_device *bdev, void *arg)
{
	seq_printf(arg, "%4u  %7u %10llu %s\n", MAJOR(bdev->dev),
		   MINOR(bdev->dev), (unsigned long long)(bdev->sectors / 2),
		   bdev->name);
}

int proc_show_partitions(struct seq_buf *s, struct proc_node *n)
{
	seq_puts(s, "major minor  #blocks  name\n\n");
	blkdev_for_each(show_one, s);
	return 0;
}
