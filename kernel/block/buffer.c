/*
 * The buffer cache (<kernel/blkdev.h>): blocks of a device as struct
 * buffer, each a window on a page of the device's page cache, found by
 * (block, size) in a small hash per device. Dirty state is per buffer:
 * a dirty buffer is on its device's dirty list, which holds a reference
 * to it, and only its own sectors are written back.
 *
 * Write-back (buffer_sync, blkdev_sync) takes buffers off the dirty list
 * and marks them clean before their bios are submitted: a buffer changed
 * again while its write is in flight is dirty again and written by the
 * next sync (the bio reads the page when the device moves the data, so
 * the disk never ends older than the write started). A device counts
 * its buffer writes in flight, so that a sync waits for others' too
 * before it flushes the disk's cache.
 *
 * Locking: bdev_state's buf_lock guards the hash, the dirty list and
 * each buffer's refcount and dirty flag; pages are read and bios
 * submitted without it.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "block_priv.h"

#define SYNC_BATCH 256 /* buffers written per round of a sync */

struct buf_entry {
	struct buffer b;
	struct list_head hash_link;
};

/* Writes in flight of all devices: one queue, woken per completion. */
static struct wait_queue write_wq = WAIT_QUEUE_INIT(write_wq);

static struct list_head *hash_head(struct bdev_state *st, uint64_t block)
{
	return &st->buf_hash[block % BUF_HASH_SIZE];
}

/* The buffer of (block, size), referenced, or NULL (buf_lock held). */
static struct buf_entry *lookup(struct bdev_state *st, uint64_t block,
				uint32_t size)
{
	struct buf_entry *e;

	list_for_each_entry(e, hash_head(st, block), hash_link)
	{
		if (e->b.block == block && e->b.size == size) {
			e->b.refcount++;
			return e;
		}
	}
	return NULL;
}

static int check_args(struct block_device *bdev, uint64_t block, uint32_t size)
{
	uint64_t blocks;

	if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)))
		return -EINVAL;
	blocks = bdev->sectors / (size / SECTOR_SIZE);
	if (block >= blocks) {
		klog(KLOG_WARN,
		     "block: %s: block %llu of %u bytes beyond the end\n",
		     bdev->name, (unsigned long long)block, size);
		return -EINVAL;
	}
	return 0;
}

/* The cached page holding a whole-page block, made without a read. */
static int zero_page_of(struct inode *in, uint64_t index, struct page **out)
{
	for (;;) {
		struct page *page = inode_find_page(in, index);
		int err;

		if (page) {
			*out = page;
			return 0;
		}
		page = pmm_alloc_pages(0, PMM_ZERO | PMM_USE(MM_USE_USER));
		if (!page)
			return -ENOMEM;
		err = inode_add_page(in, index, page);
		if (err != -EEXIST) {
			if (err)
				page_put(page);
			else
				*out = page; /* the cache took its own */
			return err;
		}
		page_put(page); /* raced: use the one that is there */
	}
}

/* Find or make the buffer; read its page unless no_read. */
static int buffer_get(struct block_device *bdev, uint64_t block, uint32_t size,
		      bool no_read, struct buffer **out)
{
	struct bdev_state *st = bdev_state(bdev);
	uint64_t pos = block * size;
	struct buf_entry *e, *found;
	struct page *page;
	unsigned long flags;
	int err = check_args(bdev, block, size);

	if (err)
		return err;
	flags = spin_lock_irqsave(&st->buf_lock);
	found = lookup(st, block, size);
	spin_unlock_irqrestore(&st->buf_lock, flags);
	if (found) {
		*out = &found->b;
		return 0;
	}
	err = no_read && size == PAGE_SIZE
		      ? zero_page_of(bdev->inode, pos / PAGE_SIZE, &page)
		      : inode_get_page(bdev->inode, pos / PAGE_SIZE, &page);
	if (err)
		return err;
	e = kzalloc(sizeof(*e));
	if (!e) {
		page_put(page);
		return -ENOMEM;
	}
	e->b = (struct buffer){.bdev = bdev,
			       .block = block,
			       .size = size,
			       .data = (char *)page_address(page) +
				       pos % PAGE_SIZE,
			       .page = page,
			       .refcount = 1};
	list_init(&e->b.dirty_link);
	flags = spin_lock_irqsave(&st->buf_lock);
	found = lookup(st, block, size);
	if (!found) {
		list_add(&e->hash_link, hash_head(st, block));
		st->nbuffers++;
	}
	spin_unlock_irqrestore(&st->buf_lock, flags);
	if (found) { /* another made it meanwhile */
		page_put(page);
		kfree(e);
		e = found;
	}
	*out = &e->b;
	return 0;
}

int bread(struct block_device *bdev, uint64_t block, uint32_t size,
	  struct buffer **out)
{
	return buffer_get(bdev, block, size, false, out);
}

int bget_zero(struct block_device *bdev, uint64_t block, uint32_t size,
	      struct buffer **out)
{
	int err = buffer_get(bdev, block, size, true, out);

	if (!err)
		memset((*out)->data, 0, size);
	return err;
}

/* Drop a reference (buf_lock held): the entry to free, or NULL. */
static struct buf_entry *put_locked(struct bdev_state *st, struct buffer *b)
{
	struct buf_entry *e = (struct buf_entry *)b;

	if (--b->refcount > 0)
		return NULL;
	list_del(&e->hash_link);
	st->nbuffers--;
	return e;
}

static void free_entry(struct buf_entry *e)
{
	if (e) {
		page_put(e->b.page);
		kfree(e);
	}
}

void brelse(struct buffer *b)
{
	struct bdev_state *st;
	unsigned long flags;
	struct buf_entry *e;

	if (!b)
		return;
	st = bdev_state(b->bdev);
	flags = spin_lock_irqsave(&st->buf_lock);
	e = put_locked(st, b);
	spin_unlock_irqrestore(&st->buf_lock, flags);
	free_entry(e);
}

void buffer_mark_dirty(struct buffer *b)
{
	struct bdev_state *st = bdev_state(b->bdev);
	unsigned long flags = spin_lock_irqsave(&st->buf_lock);

	if (!b->dirty) {
		b->dirty = true;
		b->refcount++; /* the dirty list's */
		list_add_tail(&b->dirty_link, &st->dirty);
	}
	spin_unlock_irqrestore(&st->buf_lock, flags);
}

/* Take b off the dirty list, clean (buf_lock held); its reference stays
 * with the caller. */
static void take_dirty(struct buffer *b)
{
	b->dirty = false;
	list_del(&b->dirty_link);
	list_init(&b->dirty_link);
}

void buffer_forget(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct bdev_state *st = bdev_state(bdev);
	struct buf_entry *e, *dead = NULL;
	unsigned long flags = spin_lock_irqsave(&st->buf_lock);

	e = lookup(st, block, size);
	if (e) {
		if (e->b.dirty) {
			take_dirty(&e->b);
			dead = put_locked(st, &e->b); /* the list's */
		}
		if (!dead)
			dead = put_locked(st, &e->b); /* lookup's */
	}
	spin_unlock_irqrestore(&st->buf_lock, flags);
	free_entry(dead);
}

/* ---- write-back -------------------------------------------------------- */

struct batch {
	int pending; /* bios not yet complete (atomic) */
	int status;  /* the first error */
};

struct write_ctx {
	struct batch *batch;
	struct buffer *b;
	struct bdev_state *st;
};

static unsigned long writes_in_flight; /* atomic, all devices */

static void write_end_io(struct bio *bio)
{
	struct batch *batch = bio->priv;

	if (bio->status)
		__atomic_compare_exchange_n(&batch->status, &(int){0},
					    bio->status, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&writes_in_flight, 1, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&batch->pending, 1, __ATOMIC_RELEASE);
	wake_up_all(&write_wq);
}

/* The bio writing b (its bdev's sectors), or NULL. */
static struct bio *write_bio(struct buffer *b, struct batch *batch)
{
	uint64_t pos = b->block * b->size;
	struct bio *bio = bio_alloc(b->bdev, BIO_WRITE, pos / SECTOR_SIZE, 1);

	if (!bio)
		return NULL;
	if (bio_add_page(bio, b->page, (uint32_t)(pos % PAGE_SIZE), b->size)) {
		bio_free(bio);
		return NULL;
	}
	bio->priv = batch;
	bio->end_io = write_end_io;
	return bio;
}

/* By device position, so that the queue can merge neighbours. */
static bool before(const struct buffer *a, const struct buffer *b)
{
	return a->block * a->size < b->block * b->size;
}

static void sort_buffers(struct buffer **v, size_t n)
{
	for (size_t gap = n / 2; gap > 0; gap /= 2) {
		for (size_t i = gap; i < n; i++) {
			struct buffer *x = v[i];
			size_t j = i;

			for (; j >= gap && before(x, v[j - gap]); j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
}

/*
 * Write the n buffers of v (taken off the dirty list, each with the
 * list's reference, which this drops) and wait: 0 or the first -errno.
 */
static int write_buffers(struct buffer **v, size_t n)
{
	struct batch batch = {.pending = 0, .status = 0};
	struct bio **bios = kcalloc(n, sizeof(*bios));
	int err = bios ? 0 : -ENOMEM;

	sort_buffers(v, n);
	for (size_t i = 0; !err && i < n; i++) {
		bios[i] = write_bio(v[i], &batch);
		if (!bios[i])
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < n; i++) {
		__atomic_add_fetch(&batch.pending, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&writes_in_flight, 1, __ATOMIC_RELAXED);
		submit_bio(bios[i]);
	}
	wait_event(write_wq,
		   !__atomic_load_n(&batch.pending, __ATOMIC_ACQUIRE));
	for (size_t i = 0; i < n; i++) {
		if (bios)
			bio_free(bios[i]);
		if (err) /* not written: dirty again */
			buffer_mark_dirty(v[i]);
		brelse(v[i]);
	}
	kfree(bios);
	return err ? err : batch.status;
}

int buffer_sync(struct buffer *b)
{
	struct bdev_state *st = bdev_state(b->bdev);
	unsigned long flags = spin_lock_irqsave(&st->buf_lock);
	bool dirty = b->dirty;

	if (dirty)
		take_dirty(b);
	spin_unlock_irqrestore(&st->buf_lock, flags);
	return dirty ? write_buffers(&b, 1) : 0;
}

/* Write back up to SYNC_BATCH of bdev's dirty buffers: 0 when none
 * were left, 1 when some were written, or -errno. */
static int sync_some(struct block_device *bdev, struct buffer **v)
{
	struct bdev_state *st = bdev_state(bdev);
	unsigned long flags = spin_lock_irqsave(&st->buf_lock);
	size_t n = 0;
	int err;

	while (n < SYNC_BATCH && !list_empty(&st->dirty)) {
		struct buffer *b =
			list_first_entry(&st->dirty, struct buffer, dirty_link);

		take_dirty(b);
		v[n++] = b;
	}
	spin_unlock_irqrestore(&st->buf_lock, flags);
	if (!n)
		return 0;
	err = write_buffers(v, n);
	return err ? err : 1;
}

struct sync_ctx {
	struct block_device *target;
	struct buffer **v;
	int err;
};

/* Each device of the target (the disk: all its partitions too). */
static void sync_one(struct block_device *bdev, void *arg)
{
	struct sync_ctx *c = arg;
	/* A round per batch; what is dirtied meanwhile waits for the next
	 * sync (bounded: rounds of at most what was dirty at the start). */
	unsigned int rounds = bdev_state(bdev)->nbuffers / SYNC_BATCH + 1;
	int r;

	if (bdev != c->target && (c->target->partno || bdev->disk != c->target))
		return;
	do {
		r = sync_some(bdev, c->v);
		if (r < 0 && !c->err)
			c->err = r;
	} while (r > 0 && rounds--);
}

int blkdev_sync(struct block_device *bdev)
{
	struct sync_ctx c = {.target = bdev, .err = 0};
	int err;

	c.v = kcalloc(SYNC_BATCH, sizeof(*c.v));
	if (!c.v)
		return -ENOMEM;
	blkdev_for_each(sync_one, &c);
	kfree(c.v);
	/* Others' writes too: the flush must come after all of them. */
	wait_event(write_wq,
		   !__atomic_load_n(&writes_in_flight, __ATOMIC_ACQUIRE));
	err = blkdev_flush(bdev);
	return c.err ? c.err : err;
}
