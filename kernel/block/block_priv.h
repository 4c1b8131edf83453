/*
 * Shared by the files of kernel/block/ only: what the block layer keeps
 * per block device besides struct block_device (which is the drivers'
 * interface), and the pieces one file calls in another.
 *
 * Lock order: a device's buffer lock (buffer.c), then the device
 * inode's page-cache lock (fs), never the other way; a disk's queue
 * lock (queue.c) is innermost: nothing is taken or allocated under it
 * (bio_complete takes it from interrupt handlers).
 */
#ifndef BLOCK_PRIV_H
#define BLOCK_PRIV_H

#include <kernel/blkdev.h>
#include <kernel/fs.h>

#define LOCK_RANK_BLK_REGISTRY 560 /* the list of devices (disk.c) */
#define LOCK_RANK_BLK_BUFFERS 590  /* a device's buffers (buffer.c) */
#define LOCK_RANK_BLK_QUEUE 800	   /* a disk's request queue (queue.c) */

#define BUF_HASH_SIZE 64

/* The block layer's own state of one device: its inode's priv. */
struct bdev_state {
	struct block_device *bdev;
	/* queue.c, disks only, under the queue lock: completions seen,
	 * so that a driver's -EBUSY racing with a completion retries. */
	unsigned long completions;
	unsigned long dispatched; /* requests given to the driver */
	/* buffer.c, under buf_lock: the buffers by block, the dirty ones. */
	struct spinlock buf_lock;
	struct list_head buf_hash[BUF_HASH_SIZE];
	struct list_head dirty;
	unsigned int nbuffers;
};

static inline struct bdev_state *bdev_state(const struct block_device *bdev)
{
	return bdev->inode->priv;
}

/* disk.c: a device's inode and state (registration): 0, -ENOMEM. */
int bdev_setup(struct block_device *bdev);
/* disk.c: add a set-up device to the registry and /dev: 0 or -errno. */
int bdev_add(struct block_device *bdev);
/* partitions.c: read disk's table and register its partitions. */
void part_scan(struct block_device *disk);
/* queue.c: fail every queued bio of disk with -ENODEV. */
void queue_fail_all(struct block_device *disk);
/* bio.c: the wait queues of bio_submit_wait. */
void bio_waitq_init(void);
/* bio.c: one bio of one kernel page range, synchronously. */
int bio_rw_page(struct block_device *bdev, enum bio_op op, uint64_t sector,
		struct page *page, uint32_t offset, uint32_t len);

#endif
