/*
 * Bios (<kernel/blkdev.h>): allocation, building from page segments, and
 * the synchronous helpers on top of submit_bio: waiting for one bio, and
 * reading or writing a kernel buffer at a byte offset of a device.
 *
 * A waiter sleeps on one of a few hashed wait queues, not on one in the
 * bio or on its stack: the completion may still be waking the queue when
 * the waiter has already seen "done" and freed the bio.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/string.h>

#include "block_priv.h"

#define WAITQ_COUNT 16
#define BOUNCE_ORDER 4 /* blkdev_read/write move 64 KiB per bio */

static struct wait_queue bio_waitq[WAITQ_COUNT];

/* The wait queue of whoever waits on obj (a bio, a batch): hashed. */
static struct wait_queue *waitq_of(const void *obj)
{
	return &bio_waitq[((uintptr_t)obj >> 6) % WAITQ_COUNT];
}

void bio_waitq_init(void)
{
	for (int i = 0; i < WAITQ_COUNT; i++)
		wait_queue_init(&bio_waitq[i], "bio");
}

struct bio *bio_alloc(struct block_device *bdev, enum bio_op op,
		      uint64_t sector, unsigned int max_vecs)
{
	struct bio *bio = kzalloc(sizeof(*bio));

	if (!bio)
		return NULL;
	bio->vecs = bio->inline_vecs;
	if (max_vecs > BIO_INLINE_VECS) {
		bio->vecs = kcalloc(max_vecs, sizeof(*bio->vecs));
		if (!bio->vecs) {
			kfree(bio);
			return NULL;
		}
	} else {
		max_vecs = BIO_INLINE_VECS;
	}
	bio->op = op;
	bio->bdev = bdev;
	bio->sector = sector;
	bio->max_vecs = max_vecs;
	list_init(&bio->queue_link);
	return bio;
}

void bio_free(struct bio *bio)
{
	if (!bio)
		return;
	if (bio->vecs != bio->inline_vecs)
		kfree(bio->vecs);
	kfree(bio);
}

/*
 * A segment continuing the last one in the same page extends it; the
 * disk's limits bound every bio, so that the queue never has to split
 * one for the driver.
 */
int bio_add_page(struct bio *bio, struct page *page, uint32_t offset,
		 uint32_t len)
{
	const struct block_device *disk = bio->bdev->disk;
	struct bio_vec *last = bio->nvecs ? &bio->vecs[bio->nvecs - 1] : NULL;

	if (!page || !len || offset % SECTOR_SIZE || len % SECTOR_SIZE ||
	    offset + len > PAGE_SIZE)
		return -EINVAL;
	if ((uint64_t)bio->size + len >
	    (uint64_t)disk->max_sectors * SECTOR_SIZE)
		return -ENOSPC;
	if (last && last->page == page && last->offset + last->len == offset) {
		last->len += len;
	} else {
		if (bio->nvecs >= bio->max_vecs || bio->nvecs >= disk->max_vecs)
			return -ENOSPC;
		bio->vecs[bio->nvecs++] = (struct bio_vec){page, offset, len};
	}
	bio->size += len;
	return 0;
}

static void wait_end_io(struct bio *bio)
{
	struct wait_queue *wq = waitq_of(bio);

	/* After this store the waiter may free bio: only wq is used. */
	__atomic_store_n((int *)bio->priv, 1, __ATOMIC_RELEASE);
	wake_up_all(wq);
}

int bio_submit_wait(struct bio *bio)
{
	int done = 0;
	struct wait_queue *wq = waitq_of(bio);

	bio->priv = &done;
	bio->end_io = wait_end_io;
	submit_bio(bio);
	wait_event(*wq, __atomic_load_n(&done, __ATOMIC_ACQUIRE));
	return bio->status;
}

void bio_batch_init(struct bio_batch *batch)
{
	*batch = (struct bio_batch){0};
}

static void batch_end_io(struct bio *bio)
{
	struct bio_batch *batch = bio->priv;
	struct wait_queue *wq = waitq_of(batch);
	int expected = 0;

	if (bio->status)
		__atomic_compare_exchange_n(&batch->status, &expected,
					    bio->status, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	bio_free(bio);
	/* After this the waiter may return and its batch go: only wq. */
	__atomic_sub_fetch(&batch->pending, 1, __ATOMIC_RELEASE);
	wake_up_all(wq);
}

void bio_batch_add(struct bio_batch *batch, struct bio *bio)
{
	__atomic_add_fetch(&batch->pending, 1, __ATOMIC_RELAXED);
	bio->priv = batch;
	bio->end_io = batch_end_io;
	submit_bio(bio);
}

#define BATCH_VECS 64 /* pieces of one bio being built: 256 KiB of pages */

/* Does [sector, +len) of bdev, op, continue the bio being built? */
static bool continues(const struct bio *bio, struct block_device *bdev,
		      enum bio_op op, uint64_t sector)
{
	return bio && bio->bdev == bdev && bio->op == op &&
	       bio->sector + bio->size / SECTOR_SIZE == sector;
}

int bio_batch_add_page(struct bio_batch *batch, struct block_device *bdev,
		       enum bio_op op, uint64_t sector, struct page *page,
		       uint32_t off, uint32_t len)
{
	int err;

	if (continues(batch->open, bdev, op, sector)) {
		err = bio_add_page(batch->open, page, off, len);
		if (err != -ENOSPC)
			return err;
	}
	if (batch->open)
		bio_batch_add(batch, batch->open);
	batch->open = bio_alloc(bdev, op, sector, BATCH_VECS);
	if (!batch->open)
		return -ENOMEM;
	err = bio_add_page(batch->open, page, off, len);
	if (err) {
		bio_free(batch->open);
		batch->open = NULL;
	}
	return err;
}

int bio_batch_wait(struct bio_batch *batch)
{
	struct wait_queue *wq = waitq_of(batch);

	if (batch->open) {
		bio_batch_add(batch, batch->open);
		batch->open = NULL;
	}
	wait_event(*wq,
		   __atomic_load_n(&batch->pending, __ATOMIC_ACQUIRE) == 0);
	return __atomic_load_n(&batch->status, __ATOMIC_RELAXED);
}

int bio_rw_page(struct block_device *bdev, enum bio_op op, uint64_t sector,
		struct page *page, uint32_t offset, uint32_t len)
{
	struct bio *bio = bio_alloc(bdev, op, sector, 1);
	int err;

	if (!bio)
		return -ENOMEM;
	err = bio_add_page(bio, page, offset, len);
	if (!err)
		err = bio_submit_wait(bio);
	bio_free(bio);
	return err;
}

/* One bio over the bounce pages: len bytes at sector. */
static int rw_bounce(struct block_device *bdev, enum bio_op op, uint64_t sector,
		     struct page *bounce, size_t len)
{
	struct bio *bio = bio_alloc(bdev, op, sector, 1u << BOUNCE_ORDER);
	int err = bio ? 0 : -ENOMEM;

	for (size_t off = 0; !err && off < len; off += PAGE_SIZE) {
		uint32_t n = (uint32_t)MIN(PAGE_SIZE, len - off);

		err = bio_add_page(
			bio, phys_to_page(page_to_phys(bounce) + off), 0, n);
	}
	if (!err)
		err = bio_submit_wait(bio);
	bio_free(bio);
	return err;
}

/*
 * Through bounce pages, so that buf may be any kernel memory (a stack,
 * the kernel image, unaligned) and the bios always fit the disk's
 * limits; callers that move much data use the page cache instead.
 */
static int rw_kernel(struct block_device *bdev, enum bio_op op, uint64_t pos,
		     void *buf, size_t len)
{
	const size_t chunk_max = (size_t)PAGE_SIZE << BOUNCE_ORDER;
	const size_t max = (size_t)bdev->disk->max_sectors * SECTOR_SIZE;
	/* Whole pages per bio, unless the disk takes less than a page. */
	const size_t limit =
		max >= PAGE_SIZE ? MIN(max - max % PAGE_SIZE, chunk_max) : max;
	struct page *bounce;
	int err = 0;

	if (pos % SECTOR_SIZE || len % SECTOR_SIZE)
		return -EINVAL;
	bounce = pmm_alloc_pages(BOUNCE_ORDER, 0);
	if (!bounce)
		return -ENOMEM;
	for (size_t done = 0; !err && done < len;) {
		size_t n = MIN(len - done, limit);
		char *b = page_address(bounce);

		if (op == BIO_WRITE)
			memcpy(b, (char *)buf + done, n);
		err = rw_bounce(bdev, op, (pos + done) / SECTOR_SIZE, bounce,
				n);
		if (!err && op == BIO_READ)
			memcpy((char *)buf + done, b, n);
		done += n;
	}
	pmm_free_pages(bounce, BOUNCE_ORDER);
	return err;
}

int blkdev_read(struct block_device *bdev, uint64_t pos, void *buf, size_t len)
{
	return rw_kernel(bdev, BIO_READ, pos, buf, len);
}

int blkdev_write(struct block_device *bdev, uint64_t pos, const void *buf,
		 size_t len)
{
	return rw_kernel(bdev, BIO_WRITE, pos, (void *)buf, len);
}

int blkdev_flush(struct block_device *bdev)
{
	struct bio *bio = bio_alloc(bdev, BIO_FLUSH, 0, 0);
	int err;

	if (!bio)
		return -ENOMEM;
	err = bio_submit_wait(bio);
	bio_free(bio);
	return err;
}
