/*
 * The request queue of a disk (<kernel/blkdev.h>). submit_bio checks a
 * bio against its device, remaps a partition's sectors to the disk's and
 * queues it; a bio that continues a queued request (same operation, the
 * next sector, within the driver's max_sectors and max_vecs) joins it
 * instead, so that runs of small bios reach the driver as one command.
 * The driver gets at most queue_depth requests at a time; the rest wait
 * here, which is when merging happens.
 *
 * A merged request is a bio of its own, made by the queue: its vecs are
 * those of the bios it holds, chained by merged_next from its priv;
 * when the driver completes it, each of them completes with its status.
 * A bio's sector is the disk's while it is queued and its own device's
 * again when its end_io runs.
 *
 * Locking: disk->queue_lock (irqsave: drivers complete from interrupt
 * handlers) guards queue, in_flight and the counters of bdev_state. The
 * driver's submit and every end_io run with no lock of the queue held.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "block_priv.h"

#define MERGE_SCAN 8 /* queued requests looked at for a merge */

static void request_end_io(struct bio *req)
{
	(void)req; /* never called: complete_one recognises requests */
}

static bool is_request(const struct bio *bio)
{
	return bio->end_io == request_end_io;
}

/* 0, or why bio cannot be queued at all. */
static int bio_check(const struct bio *bio)
{
	const struct block_device *bdev = bio->bdev;
	uint64_t count = bio->size / SECTOR_SIZE;

	if (bdev->gone || bdev->disk->gone)
		return -ENODEV;
	if (bio->op == BIO_FLUSH)
		return 0;
	if (bio->op != BIO_READ && bio->op != BIO_WRITE)
		return -EINVAL;
	if (!bio->size || bio->size % SECTOR_SIZE || !bio->nvecs)
		return -EINVAL;
	if (bio->sector > bdev->sectors ||
	    count > bdev->sectors - bio->sector) {
		klog(KLOG_WARN,
		     "block: %s: %s of sectors %llu+%llu beyond its end "
		     "(%llu)\n",
		     bdev->name, bio->op == BIO_READ ? "read" : "write",
		     (unsigned long long)bio->sector, (unsigned long long)count,
		     (unsigned long long)bdev->sectors);
		return -EIO;
	}
	if (bio->op == BIO_WRITE && (bdev->read_only || bdev->disk->read_only))
		return -EROFS;
	return 0;
}

static void end_bio(struct bio *bio, int status)
{
	bio->status = status;
	if (bio->end_io)
		bio->end_io(bio); /* the last touch: it may free bio */
}

/* Complete what the driver was given: a bio, or a request of several. */
static void complete_one(struct bio *bio, int status)
{
	if (!is_request(bio)) {
		bio->sector -= bio->bdev->start_sector;
		end_bio(bio, status);
		return;
	}
	for (struct bio *b = bio->merged_next, *next; b; b = next) {
		next = b->merged_next;
		b->merged_next = NULL;
		b->sector -= b->bdev->start_sector;
		end_bio(b, status);
	}
	bio_free(bio);
}

static bool can_merge(const struct block_device *disk, const struct bio *req,
		      const struct bio *bio)
{
	return req->op == bio->op && bio->op != BIO_FLUSH &&
	       req->sector + req->size / SECTOR_SIZE == bio->sector &&
	       (uint64_t)req->size + bio->size <=
		       (uint64_t)disk->max_sectors * SECTOR_SIZE &&
	       req->nvecs + bio->nvecs <= disk->max_vecs;
}

/* A queued bio becomes the first of request spare (queue lock held). */
static struct bio *make_request(struct bio *head, struct bio *spare)
{
	spare->op = head->op;
	spare->bdev = head->bdev->disk;
	spare->sector = head->sector;
	memcpy(spare->vecs, head->vecs, head->nvecs * sizeof(*head->vecs));
	spare->nvecs = head->nvecs;
	spare->size = head->size;
	spare->end_io = request_end_io;
	spare->merged_next = head;
	spare->priv = head; /* the last bio of the chain */
	list_insert_between(&spare->queue_link, head->queue_link.prev,
			    &head->queue_link);
	list_del(&head->queue_link);
	return spare;
}

/*
 * Add bio to the end of a queued request it continues: true if merged
 * (queue lock held). spare, a request bio made beforehand (nothing is
 * allocated under the lock), is used if the one found is a lone bio.
 */
static bool try_merge(struct block_device *disk, struct bio *bio,
		      struct bio **spare)
{
	struct list_head *pos = disk->queue.prev;

	for (int n = 0; n < MERGE_SCAN && pos != &disk->queue;
	     n++, pos = pos->prev) {
		struct bio *req = list_entry(pos, struct bio, queue_link);

		if (req->op == BIO_FLUSH)
			return false; /* nothing moves ahead of a flush */
		if (!can_merge(disk, req, bio))
			continue;
		if (!is_request(req)) {
			if (!*spare)
				return false;
			req = make_request(req, *spare);
			*spare = NULL;
		}
		memcpy(req->vecs + req->nvecs, bio->vecs,
		       bio->nvecs * sizeof(*bio->vecs));
		req->nvecs += bio->nvecs;
		req->size += bio->size;
		((struct bio *)req->priv)->merged_next = bio;
		req->priv = bio;
		return true;
	}
	return false;
}

/* Feed the driver while it has room. */
static void queue_run(struct block_device *disk)
{
	struct bdev_state *st = bdev_state(disk);

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&disk->queue_lock);
		unsigned long seen = st->completions;
		struct bio *req = NULL;
		int err;

		if (!list_empty(&disk->queue) &&
		    disk->in_flight < disk->queue_depth) {
			req = list_first_entry(&disk->queue, struct bio,
					       queue_link);
			list_del(&req->queue_link);
			disk->in_flight++;
			st->dispatched++;
		}
		spin_unlock_irqrestore(&disk->queue_lock, flags);
		if (!req)
			return;
		err = disk->gone ? -ENODEV : disk->ops->submit(disk, req);
		if (err == -EBUSY) {
			bool again;

			flags = spin_lock_irqsave(&disk->queue_lock);
			list_add(&req->queue_link, &disk->queue);
			disk->in_flight--;
			st->dispatched--;
			/* A completion since: its run found req missing. */
			again = st->completions != seen;
			spin_unlock_irqrestore(&disk->queue_lock, flags);
			if (!again)
				return;
		} else if (err) {
			bio_complete(req, err);
			return; /* bio_complete ran the queue */
		}
	}
}

void submit_bio(struct bio *bio)
{
	struct block_device *disk = bio->bdev->disk;
	struct bio *spare = NULL;
	unsigned long flags;
	int err = bio_check(bio);

	if (err) {
		end_bio(bio, err);
		return;
	}
	bio->status = 0;
	bio->merged_next = NULL;
	bio->sector += bio->bdev->start_sector;
	/* A request bio in case this one merges with a queued one. */
	if (bio->op != BIO_FLUSH && !list_empty(&disk->queue))
		spare = bio_alloc(disk, bio->op, 0, disk->max_vecs);
	flags = spin_lock_irqsave(&disk->queue_lock);
	if (!try_merge(disk, bio, &spare))
		list_add_tail(&bio->queue_link, &disk->queue);
	spin_unlock_irqrestore(&disk->queue_lock, flags);
	bio_free(spare);
	queue_run(disk);
}

void bio_complete(struct bio *bio, int status)
{
	struct block_device *disk = bio->bdev->disk;
	unsigned long flags = spin_lock_irqsave(&disk->queue_lock);

	disk->in_flight--;
	bdev_state(disk)->completions++;
	spin_unlock_irqrestore(&disk->queue_lock, flags);
	complete_one(bio, status);
	queue_run(disk);
}

void queue_fail_all(struct block_device *disk)
{
	LIST_HEAD(failed);
	unsigned long flags = spin_lock_irqsave(&disk->queue_lock);

	while (!list_empty(&disk->queue)) {
		struct bio *req =
			list_first_entry(&disk->queue, struct bio, queue_link);

		list_del(&req->queue_link);
		list_add_tail(&req->queue_link, &failed);
	}
	spin_unlock_irqrestore(&disk->queue_lock, flags);
	while (!list_empty(&failed)) {
		struct bio *req =
			list_first_entry(&failed, struct bio, queue_link);

		list_del(&req->queue_link);
		complete_one(req, -ENODEV);
	}
}
