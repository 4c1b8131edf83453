/*
 * The block layer (kernel/block/): disks and their partitions as block
 * devices, the requests that move their sectors, and the buffer cache
 * that file systems read their metadata through.
 *
 *  - A driver (AHCI, the RAM disk) fills a struct block_device with its
 *    size and struct block_dev_ops and registers it: blkdev_register_disk
 *    scans its partition table (MBR, GPT) and registers one block device
 *    per partition, each with Linux's name and device number (sda, sda1:
 *    major 8, minor 16 * disk + partition), and a node in /dev.
 *  - I/O is a struct bio: one operation on a run of sectors, its data in
 *    page segments (scatter-gather, straight from page-cache pages: no
 *    copy). submit_bio queues it on the whole disk's request queue, which
 *    merges it with a queued neighbour (the next sectors, same operation)
 *    and feeds the driver at most queue_depth requests at a time; the
 *    driver calls bio_complete from any context (its interrupt handler)
 *    and bio->end_io runs then. bio_submit_wait does it synchronously.
 *  - The buffer cache: a block of a file system (1, 2 or 4 KiB) is a
 *    struct buffer, a window on a page of the block device's own page
 *    cache (the pages read(2) of /dev/sda sees). Dirty state is per
 *    buffer, not per page, so that writing one block back never writes
 *    its neighbours (which may be freed blocks, reused for file data
 *    written through the file's own page cache).
 *
 * Errors are negative errnos; a device that failed an I/O gives -EIO,
 * a device that is gone -ENODEV.
 */
#ifndef KERNEL_BLKDEV_H
#define KERNEL_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/list.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>

#define SECTOR_SIZE 512u
#define SECTOR_SHIFT 9

/* Linux's major numbers for the disks this kernel has. */
#define RAMDISK_MAJOR 1 /* ram0... */
#define SCSI_DISK_MAJOR 8 /* sda...: SATA disks, as Linux's libata names them */
#define BLOCK_MINORS_PER_DISK 16 /* sda = minor 0, sda1..sda15 */

struct block_device;
struct bio;
struct inode;

/* ---- requests ----------------------------------------------------------- */

enum bio_op {
	BIO_READ,
	BIO_WRITE,
	BIO_FLUSH, /* the device's volatile write cache to the medium */
};

/* One piece of a bio's data: len bytes at offset in page. */
struct bio_vec {
	struct page *page;
	uint32_t offset, len; /* multiples of 512 */
};

#define BIO_INLINE_VECS 4

struct bio {
	enum bio_op op;
	struct block_device *bdev; /* as submitted (a partition, or the disk) */
	uint64_t sector;	   /* first sector, of bdev; 512-byte units */
	struct bio_vec *vecs;	   /* inline_vecs, or allocated by bio_alloc */
	unsigned int nvecs, max_vecs;
	uint32_t size; /* bytes: the sum of the vecs' lengths */
	int status;    /* 0, or -errno once complete */
	/* Called once, when the bio is complete (any context, even an
	 * interrupt handler: it must not sleep). */
	void (*end_io)(struct bio *bio);
	void *priv; /* the submitter's */

	/* The block layer's: the queue, merged bios, completion. */
	struct list_head queue_link;
	struct bio *merged_next;
	struct bio_vec inline_vecs[BIO_INLINE_VECS];
};

/* A bio with room for max_vecs segments, for op on bdev at sector:
 * NULL if out of memory. */
struct bio *bio_alloc(struct block_device *bdev, enum bio_op op,
		      uint64_t sector, unsigned int max_vecs);
void bio_free(struct bio *bio);
/* Add a segment: 0, or -ENOSPC (no room: submit and start another). */
int bio_add_page(struct bio *bio, struct page *page, uint32_t offset,
		 uint32_t len);
/*
 * Queue bio (asynchronous; end_io says when it is done): sectors beyond
 * the device complete it with -EIO at once, as does a device that is
 * gone (-ENODEV).
 */
void submit_bio(struct bio *bio);
/* Submit and sleep until done: bio->status. */
int bio_submit_wait(struct bio *bio);
/* For drivers: bio (as the driver got it) is done with status. */
void bio_complete(struct bio *bio, int status);

/*
 * Several bios in flight at once, waited for together (a file system
 * reading ahead or writing back a run of pages, which the queue merges
 * into large requests): bio_batch_add submits bio, whose end_io and priv
 * become the batch's and which the batch frees when it completes;
 * bio_batch_wait sleeps until every one added is done: 0 or the first
 * error. A batch lives on its user's stack; nothing touches it once the
 * last bio's completion has counted down.
 */
struct bio_batch {
	int pending; /* atomic: bios added and not yet complete */
	int status;  /* atomic: the first error, or 0 */
	struct bio *open; /* bio_batch_add_page's, not submitted yet */
};

void bio_batch_init(struct bio_batch *batch);
void bio_batch_add(struct bio_batch *batch, struct bio *bio);
/*
 * len bytes at offset off of page, to or from sector of bdev: they join
 * the bio being built when they continue it on the disk (same device and
 * operation, the next sector, room left), else that bio is submitted and
 * a new one started. So the pages of a file laid out in order go to the
 * driver as a few large requests. 0, or -ENOMEM.
 */
int bio_batch_add_page(struct bio_batch *batch, struct block_device *bdev,
		       enum bio_op op, uint64_t sector, struct page *page,
		       uint32_t off, uint32_t len);
/* Submit the bio being built, then wait for all: 0 or the first error. */
int bio_batch_wait(struct bio_batch *batch);

/*
 * Synchronous I/O of len bytes (a multiple of 512) at byte offset pos of
 * bdev to or from the kernel buffer buf (direct-mapped or kmalloc'd
 * memory; it may cross pages): 0 or -errno.
 */
int blkdev_read(struct block_device *bdev, uint64_t pos, void *buf,
		size_t len);
int blkdev_write(struct block_device *bdev, uint64_t pos, const void *buf,
		 size_t len);
/* FLUSH CACHE: what the device acknowledged is on the medium. 0, -EIO. */
int blkdev_flush(struct block_device *bdev);

/* ---- devices ------------------------------------------------------------ */

struct block_dev_ops {
	/*
	 * Start bio, a request on the whole disk (partition offsets are
	 * added already, merged neighbours are in its vecs): the driver
	 * calls bio_complete when it is done. Never sleeps; 0, or -EBUSY
	 * when all the driver's slots are taken (the queue keeps bio and
	 * calls again after the next bio_complete).
	 */
	int (*submit)(struct block_device *disk, struct bio *bio);
	/* The device's own ioctls (after the block layer's): -ENOTTY. */
	long (*ioctl)(struct block_device *disk, unsigned int cmd,
		      uintptr_t arg);
};

struct block_device {
	char name[16];		/* "sda", "sda1", "ram0" */
	uint32_t dev;		/* (major << 8) | minor */
	uint64_t sectors;	/* size in 512-byte sectors */
	uint32_t logical_block; /* BLKSSZGET: 512 or 4096 */
	bool read_only;

	/* Disks: the driver's. */
	const struct block_dev_ops *ops;
	void *driver_data;
	unsigned int queue_depth; /* requests the driver takes at once */
	uint32_t max_sectors;	  /* per request */
	unsigned int max_vecs;	  /* segments per request */

	/* Partitions: the disk and where on it they start. */
	struct block_device *disk;  /* a disk: itself */
	uint64_t start_sector;
	unsigned int partno;	    /* 0: the whole disk */
	char part_uuid[37];	    /* GPT's unique GUID, or MBR's "xxxxxxxx-NN" */

	/* The page cache of the device (buffers, read(2) of the node). */
	struct inode *inode;
	int openers;  /* exclusive claims (mount): blkdev_claim */
	bool gone;    /* unplugged: every new bio fails -ENODEV */

	/* The block layer's: the request queue (disks only). */
	struct spinlock queue_lock;
	struct list_head queue;
	unsigned int in_flight;
	struct list_head link; /* all block devices */
};

/*
 * Register a disk the driver has filled (name, sectors, logical_block,
 * ops, driver_data, queue_depth, max_sectors, max_vecs; dev may be 0 for
 * the next sd minor): its partitions are read and registered too, and
 * each gets a node in /dev. 0 or -errno.
 */
int blkdev_register_disk(struct block_device *disk);
/*
 * The disk went away (hot unplug): queued and new bios fail with
 * -ENODEV, its partitions too; the structures stay while referenced.
 */
void blkdev_disk_gone(struct block_device *disk);
/* The next free "sdX" name and its minor, for a SATA disk driver. */
int blkdev_next_sd(char name[16], uint32_t *dev);

/* A block device by number, or by name ("sda1", "/dev/sda1"): NULL. */
struct block_device *blkdev_by_dev(uint32_t dev);
struct block_device *blkdev_by_name(const char *name);
/* By "PARTUUID=..." or the GPT/MBR partition UUID: NULL if none. */
struct block_device *blkdev_by_partuuid(const char *uuid);
/* Every registered block device, in registration order. */
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg),
		     void *arg);

/*
 * Exclusive use by a mounted file system: 0, or -EBUSY if it is mounted
 * already (or a partition of it / the disk holding it is).
 */
int blkdev_claim(struct block_device *bdev);
void blkdev_release(struct block_device *bdev);

/* The block layer's ioctls (BLKGETSIZE64, BLKSSZGET, BLKFLSBUF...). */
#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272

/* ---- the buffer cache --------------------------------------------------- */

/*
 * One block of size bytes (512..4096, a power of two) at block number
 * block (in units of size) of bdev: data points into a page of bdev's
 * page cache, which the buffer holds a reference to.
 */
struct buffer {
	struct block_device *bdev;
	uint64_t block;
	uint32_t size;
	void *data;
	struct page *page; /* of bdev->inode's cache; data is inside it */
	int refcount;
	struct list_head dirty_link; /* the device's dirty buffers */
	bool dirty;
};

/*
 * The buffer of block, read from the device unless cached: 0 with *out
 * (release it with brelse), -EIO (the read failed), -ENOMEM, -EINVAL
 * (block beyond the device, or a bad size).
 */
int bread(struct block_device *bdev, uint64_t block, uint32_t size,
	  struct buffer **out);
/* The same without reading: the caller overwrites all of it (a freshly
 * allocated block). Its contents are zeroed. */
int bget_zero(struct block_device *bdev, uint64_t block, uint32_t size,
	      struct buffer **out);
void brelse(struct buffer *b);
/* b changed: it is written back later (the flusher, sync). */
void buffer_mark_dirty(struct buffer *b);
/* Write b now if dirty and wait: 0, -EIO. */
int buffer_sync(struct buffer *b);
/* A block the file system freed: its pending write is dropped. */
void buffer_forget(struct block_device *bdev, uint64_t block, uint32_t size);
/*
 * Write every dirty buffer of bdev (whole disk: all its partitions'), wait,
 * then flush the device's cache: 0 or the first -errno.
 */
int blkdev_sync(struct block_device *bdev);

/*
 * Block-special files (kernel/block/blkdev_file.c): the operations an
 * open of an S_IFBLK node gets (picked by the VFS as chardev's are), and
 * the size of such an open file (lseek's SEEK_END).
 */
struct file;
struct file_ops;
extern const struct file_ops blkdev_fops;
uint64_t blkdev_file_size(const struct file *f);

/* The block layer's pseudo file system; before any driver registers. */
void block_init(void);

#endif
