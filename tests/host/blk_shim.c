/*
 * <kernel/blkdev.h> on the host, over images in memory: see blk_shim.h.
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>

#include "blk_shim.h"

#define MAX_DEVS 8
#define HASH 1024

struct host_buf {
	struct buffer b;
	struct host_buf *next;
};

struct host_dev {
	struct block_device bdev;
	uint8_t *image;
	size_t size;
	struct host_buf *hash[HASH];
	long ios, fail_from, writes;
};

static struct host_dev *devs[MAX_DEVS];
static uint32_t next_minor;

static struct host_dev *hdev(struct block_device *bdev)
{
	return (struct host_dev *)bdev;
}

struct block_device *blk_host_add(const char *name, uint8_t *image, size_t size)
{
	struct host_dev *d = calloc(1, sizeof(*d));

	for (int i = 0; d && i < MAX_DEVS; i++) {
		if (devs[i])
			continue;
		devs[i] = d;
		snprintf(d->bdev.name, sizeof(d->bdev.name), "%s", name);
		d->bdev.dev = MKDEV(SCSI_DISK_MAJOR, next_minor);
		next_minor = (next_minor + BLOCK_MINORS_PER_DISK) & 0xff;
		d->bdev.sectors = size / SECTOR_SIZE;
		d->bdev.logical_block = 512;
		d->bdev.disk = &d->bdev;
		d->image = image;
		d->size = size;
		return &d->bdev;
	}
	free(d);
	return NULL;
}

long blk_host_buffers_held(struct block_device *bdev)
{
	long n = 0;

	for (int h = 0; h < HASH; h++)
		for (struct host_buf *b = hdev(bdev)->hash[h]; b; b = b->next)
			n += b->b.refcount > 0;
	return n;
}

bool blk_host_remove(struct block_device *bdev)
{
	struct host_dev *d = hdev(bdev);
	bool ok = blk_host_buffers_held(bdev) == 0;

	for (int h = 0; h < HASH; h++) {
		while (d->hash[h]) {
			struct host_buf *b = d->hash[h];

			d->hash[h] = b->next;
			free(b->b.data);
			free(b);
		}
	}
	for (int i = 0; i < MAX_DEVS; i++)
		if (devs[i] == d)
			devs[i] = NULL;
	free(d);
	return ok;
}

void blk_host_fail_from(struct block_device *bdev, long n)
{
	hdev(bdev)->ios = 0;
	hdev(bdev)->fail_from = n;
}

long blk_host_writes(struct block_device *bdev)
{
	return hdev(bdev)->writes;
}

/* Count an I/O: -EIO if failures are on. */
static int io_begin(struct host_dev *d)
{
	d->ios++;
	return d->fail_from && d->ios >= d->fail_from ? -EIO : 0;
}

/* ---- bios --------------------------------------------------------------- */

struct bio *bio_alloc(struct block_device *bdev, enum bio_op op,
		      uint64_t sector, unsigned int max_vecs)
{
	struct bio *bio = calloc(1, sizeof(*bio));

	if (!bio)
		return NULL;
	bio->bdev = bdev;
	bio->op = op;
	bio->sector = sector;
	bio->max_vecs = max_vecs ? max_vecs : 1;
	bio->vecs = bio->max_vecs <= BIO_INLINE_VECS
			    ? bio->inline_vecs
			    : calloc(bio->max_vecs, sizeof(*bio->vecs));
	if (!bio->vecs) {
		free(bio);
		return NULL;
	}
	return bio;
}

void bio_free(struct bio *bio)
{
	if (bio && bio->vecs != bio->inline_vecs)
		free(bio->vecs);
	free(bio);
}

int bio_add_page(struct bio *bio, struct page *page, uint32_t offset,
		 uint32_t len)
{
	if (bio->nvecs == bio->max_vecs)
		return -ENOSPC;
	if (offset % SECTOR_SIZE || len % SECTOR_SIZE || !len ||
	    offset + len > PAGE_SIZE)
		abort(); /* the callers' bug */
	bio->vecs[bio->nvecs++] = (struct bio_vec){page, offset, len};
	bio->size += len;
	return 0;
}

static int bio_do(struct bio *bio)
{
	struct host_dev *d = hdev(bio->bdev);
	uint64_t pos = bio->sector * SECTOR_SIZE;
	int err = io_begin(d);

	if (err)
		return err;
	if (bio->op == BIO_FLUSH)
		return 0;
	if (pos + bio->size > d->size || pos + bio->size < pos)
		return -EIO;
	for (unsigned int i = 0; i < bio->nvecs; i++) {
		struct bio_vec *v = &bio->vecs[i];
		char *mem = (char *)page_address(v->page) + v->offset;

		if (bio->op == BIO_WRITE)
			memcpy(d->image + pos, mem, v->len);
		else
			memcpy(mem, d->image + pos, v->len);
		pos += v->len;
	}
	if (bio->op == BIO_WRITE)
		d->writes++;
	return 0;
}

void submit_bio(struct bio *bio)
{
	bio_complete(bio, bio_do(bio));
}

int bio_submit_wait(struct bio *bio)
{
	bio->status = bio_do(bio);
	return bio->status;
}

/* Batches: each bio is done when added (the host's I/O is synchronous). */
void bio_batch_init(struct bio_batch *batch)
{
	*batch = (struct bio_batch){0};
}

void bio_batch_add(struct bio_batch *batch, struct bio *bio)
{
	int err = bio_do(bio);

	if (err && !batch->status)
		batch->status = err;
	bio_free(bio);
}

int bio_batch_add_page(struct bio_batch *batch, struct block_device *bdev,
		       enum bio_op op, uint64_t sector, struct page *page,
		       uint32_t off, uint32_t len)
{
	struct bio *bio = bio_alloc(bdev, op, sector, 1);
	int err = bio ? bio_add_page(bio, page, off, len) : -ENOMEM;

	if (!err)
		bio_batch_add(batch, bio);
	else if (bio)
		bio_free(bio);
	return err;
}

int bio_batch_wait(struct bio_batch *batch)
{
	return batch->status;
}

void bio_complete(struct bio *bio, int status)
{
	bio->status = status;
	if (bio->end_io)
		bio->end_io(bio);
}

int blkdev_read(struct block_device *bdev, uint64_t pos, void *buf, size_t len)
{
	struct host_dev *d = hdev(bdev);

	if (pos + len > d->size || io_begin(d))
		return -EIO;
	memcpy(buf, d->image + pos, len);
	return 0;
}

int blkdev_write(struct block_device *bdev, uint64_t pos, const void *buf,
		 size_t len)
{
	struct host_dev *d = hdev(bdev);

	if (pos + len > d->size || io_begin(d))
		return -EIO;
	memcpy(d->image + pos, buf, len);
	d->writes++;
	return 0;
}

int blkdev_flush(struct block_device *bdev)
{
	return io_begin(hdev(bdev));
}

/* ---- devices ------------------------------------------------------------ */

struct block_device *blkdev_by_dev(uint32_t dev)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (devs[i] && devs[i]->bdev.dev == dev)
			return &devs[i]->bdev;
	return NULL;
}

int blkdev_claim(struct block_device *bdev)
{
	if (bdev->openers)
		return -EBUSY;
	bdev->openers = 1;
	return 0;
}

void blkdev_release(struct block_device *bdev)
{
	bdev->openers = 0;
}

/* ---- the buffer cache --------------------------------------------------- */

static struct host_buf **slot(struct host_dev *d, uint64_t block, uint32_t size)
{
	struct host_buf **p = &d->hash[(block * 31 + size) % HASH];

	while (*p && ((*p)->b.block != block || (*p)->b.size != size))
		p = &(*p)->next;
	return p;
}

static int get_buf(struct block_device *bdev, uint64_t block, uint32_t size,
		   bool read, struct buffer **out)
{
	struct host_dev *d = hdev(bdev);
	struct host_buf **p, *b;
	int err;

	if (size < 512 || size > 4096 || (size & (size - 1)) ||
	    (block + 1) * size > d->size)
		return -EINVAL;
	p = slot(d, block, size);
	if (*p) {
		(*p)->b.refcount++;
		if (!read)
			memset((*p)->b.data, 0, size);
		*out = &(*p)->b;
		return 0;
	}
	err = read ? io_begin(d) : 0;
	if (err)
		return err;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->b.data = malloc(size))) {
		free(b);
		return -ENOMEM;
	}
	if (read)
		memcpy(b->b.data, d->image + block * size, size);
	else
		memset(b->b.data, 0, size);
	b->b.bdev = bdev;
	b->b.block = block;
	b->b.size = size;
	b->b.refcount = 1;
	*p = b;
	*out = &b->b;
	return 0;
}

int bread(struct block_device *bdev, uint64_t block, uint32_t size,
	  struct buffer **out)
{
	return get_buf(bdev, block, size, true, out);
}

int bget_zero(struct block_device *bdev, uint64_t block, uint32_t size,
	      struct buffer **out)
{
	return get_buf(bdev, block, size, false, out);
}

void brelse(struct buffer *b)
{
	if (b->refcount <= 0) {
		fprintf(stderr, "blk_shim: brelse of a free buffer\n");
		abort();
	}
	b->refcount--;
}

void buffer_mark_dirty(struct buffer *b)
{
	if (b->refcount <= 0) {
		fprintf(stderr, "blk_shim: a free buffer marked dirty\n");
		abort();
	}
	b->dirty = true;
}

int buffer_sync(struct buffer *b)
{
	struct host_dev *d = hdev(b->bdev);
	int err;

	if (!b->dirty)
		return 0;
	err = io_begin(d);
	if (err)
		return err;
	memcpy(d->image + b->block * b->size, b->data, b->size);
	d->writes++;
	b->dirty = false;
	return 0;
}

void buffer_forget(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct host_buf **p = slot(hdev(bdev), block, size);

	if (*p)
		(*p)->b.dirty = false;
}

int blkdev_sync(struct block_device *bdev)
{
	struct host_dev *d = hdev(bdev);
	int ret = 0;

	for (int h = 0; h < HASH; h++) {
		for (struct host_buf *b = d->hash[h]; b; b = b->next) {
			int err = buffer_sync(&b->b);

			if (err && !ret)
				ret = err;
		}
	}
	return ret ? ret : blkdev_flush(bdev);
}
