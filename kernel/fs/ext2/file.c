/*
 * ext2 regular files: their data moves between the page cache and the
 * disk by bios straight to and from the cached pages (no copy), one bio
 * per run of blocks that are consecutive on the disk. A page holds one
 * or more blocks (1, 2 or 4 KiB blocks; 4 KiB pages): holes and blocks
 * past the end of the file read as zeroes and are never written.
 * Write-back and read-ahead put many pages' bios in flight at once (a
 * struct bio_batch), which the request queue merges where the blocks
 * follow each other on the disk: a file written in order goes out in
 * large requests.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/string.h>

#include "../fs_priv.h"
#include "ext2.h"

#define READAHEAD_PAGES 128 /* 512 KiB: waited for whole, so large */

/*
 * Read or write len bytes at offset off of page from disk block blk: in
 * batch (NULL: now, and wait).
 */
static int block_io(struct ext2_sb *s, enum bio_op op, uint64_t blk,
		    struct page *page, uint32_t off, uint32_t len,
		    struct bio_batch *batch)
{
	uint64_t sector = blk << (s->log_block - SECTOR_SHIFT);
	struct bio *bio;
	int err;

	if (batch)
		return bio_batch_add_page(batch, s->bdev, op, sector, page, off,
					  len);
	bio = bio_alloc(s->bdev, op, sector, 1);
	if (!bio)
		return -ENOMEM;
	err = bio_add_page(bio, page, off, len);
	if (!err)
		err = bio_submit_wait(bio);
	bio_free(bio);
	return err;
}

/* The disk blocks of file blocks [first, first + n) into blks (0: a
 * hole); a write allocates the holes. 0 or -errno. */
static int map_blocks(struct inode *in, uint64_t first, uint32_t n,
		      enum bio_op op, uint64_t *blks)
{
	for (uint32_t i = 0; i < n;) {
		int got = 1, err;

		if (op == BIO_READ) /* a leaf's worth at a time */
			err = got =
				ext2_bmap_run(in, first + i, n - i, &blks[i]);
		else
			err = ext2_bmap(in, first + i, true, &blks[i]);
		if (err < 0)
			return err;
		i += (uint32_t)got;
	}
	return 0;
}

/*
 * Move the blocks of page index (those before the end of the file) from
 * or to the disk; create: allocate the holes first (a shared mapping
 * wrote over one). A read zeroes the holes' part of the page and the
 * blocks past the end (the end's block past the end is the caller's:
 * zero_past_end).
 */
static int page_io(struct inode *in, uint64_t index, struct page *page,
		   enum bio_op op, struct bio_batch *batch)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	uint32_t per_page = PAGE_SIZE / s->block_size;
	uint64_t first = index * per_page;
	uint64_t end = (in->size + s->block_size - 1) >> s->log_block;
	uint32_t n = first < end ? (uint32_t)MIN(per_page, end - first) : 0;
	uint64_t blks[PAGE_SIZE / 1024]; /* blocks are 1 to 4 KiB */
	uint64_t run_blk = 0;
	uint32_t run_off = 0, run_len = 0;
	int err = map_blocks(in, first, n, op, blks);

	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t blk = blks[i];

		if (!blk && op == BIO_READ) /* a hole reads as zeroes */
			memset((char *)page_address(page) + i * s->block_size,
			       0, s->block_size);
		if (run_len && blk == run_blk + run_len / s->block_size) {
			run_len += s->block_size;
			continue;
		}
		if (run_len)
			err = block_io(s, op, run_blk, page, run_off, run_len,
				       batch);
		run_len = blk ? s->block_size : 0;
		run_blk = blk;
		run_off = i * s->block_size;
	}
	if (!err && run_len)
		err = block_io(s, op, run_blk, page, run_off, run_len, batch);
	/* Blocks past the end (as of now: a write may extend the file
	 * while this read is in flight) read as zeroes too. */
	if (op == BIO_READ && n < per_page)
		memset((char *)page_address(page) + n * s->block_size, 0,
		       (per_page - n) * s->block_size);
	return err;
}

/* Past the end of the file a page reads as zeroes, whatever the last
 * block holds. */
static void zero_past_end(struct inode *in, uint64_t index, void *addr)
{
	uint64_t start = index * PAGE_SIZE;

	if (start + PAGE_SIZE > in->size && start < in->size)
		memset((char *)addr + (in->size - start), 0,
		       PAGE_SIZE - (in->size - start));
}

static int ext2_read_page(struct inode *in, uint64_t index, void *addr)
{
	int err = page_io(in, index, virt_to_page(addr), BIO_READ, NULL);

	if (!err)
		zero_past_end(in, index, addr);
	return err;
}

/* What a read-ahead has in flight: its pages and their indexes. */
struct readahead {
	struct page *pages[READAHEAD_PAGES];
	uint64_t at[READAHEAD_PAGES];
	unsigned int n;
};

/* Start reading the pages of [index, index + count) not cached yet, up to
 * the end of the file, into ra and batch: 0 or -errno. */
static int readahead_start(struct inode *in, uint64_t index, unsigned int count,
			   struct readahead *ra, struct bio_batch *batch)
{
	int err = 0;

	for (uint64_t i = index; i < index + MIN(count, READAHEAD_PAGES) &&
				 i * PAGE_SIZE < in->size && !err;
	     i++) {
		struct page *page = inode_find_page(in, i);

		if (page) {
			page_put(page);
			continue;
		}
		/* Not zeroed: page_io and zero_past_end write what the disk
		 * does not (zeroing every page cost a tenth of a cold read). */
		page = pmm_alloc_pages(0, PMM_USE(MM_USE_USER));
		if (!page)
			break;
		err = page_io(in, i, page, BIO_READ, batch);
		ra->pages[ra->n] = page;
		ra->at[ra->n++] = i;
	}
	return err;
}

/*
 * The pages of [index, index + count) not cached yet, up to the end of
 * the file: read together, then cached (a page someone else cached
 * meanwhile wins).
 */
static int ext2_readahead(struct inode *in, uint64_t index, unsigned int count)
{
	struct readahead *ra = kzalloc(sizeof(*ra));
	struct bio_batch batch;
	int err, done;

	if (!ra)
		return -ENOMEM;
	bio_batch_init(&batch);
	err = readahead_start(in, index, count, ra, &batch);
	done = bio_batch_wait(&batch); /* even after an error: pages idle */
	err = err ? err : done;
	for (unsigned int i = 0; i < ra->n; i++) {
		zero_past_end(in, ra->at[i], page_address(ra->pages[i]));
		/* -EEXIST (cached meanwhile) or -ENOMEM: the page is just not
		 * read ahead; read_page will do. */
		if (!err)
			(void)inode_add_page(in, ra->at[i], ra->pages[i]);
		page_put(ra->pages[i]);
	}
	kfree(ra);
	return err;
}

static int ext2_write_page(struct inode *in, uint64_t index, struct page *page,
			   struct bio_batch *batch)
{
	if (index * PAGE_SIZE >= in->size)
		return 0; /* truncated meanwhile */
	if (EXT2_SB(in->sb)->read_only)
		return -EROFS;
	return page_io(in, index, page, BIO_WRITE, batch);
}

static int ext2_write_begin(struct inode *in, uint64_t pos, uint64_t len)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	uint64_t last = (pos + len - 1) >> s->log_block;

	if (s->read_only)
		return -EROFS;
	if (last >= ext2_max_blocks(s))
		return -EFBIG;
	for (uint64_t b = pos >> s->log_block; b <= last; b++) {
		uint64_t blk;
		int err = ext2_bmap(in, b, true, &blk);

		if (err)
			return err;
	}
	return 0;
}

/*
 * Truncate or extend, inode locked. Shrinking frees the blocks past the
 * new end, and the end's block is zeroed past it on the disk too (by
 * writing its page back), so that a later extension reads zeroes.
 */
static int ext2_set_size(struct inode *in, uint64_t size)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	uint64_t old = in->size;
	struct page *page = NULL;
	int err;

	if (s->read_only)
		return -EROFS;
	if (size > (ext2_max_blocks(s) << s->log_block))
		return -EFBIG;
	if (size < old && size % PAGE_SIZE) {
		err = inode_get_page(in, size / PAGE_SIZE, &page);
		if (err)
			return err;
	}
	err = filemap_set_size(in, size);
	if (page) {
		if (!err)
			inode_mark_page_dirty(in, size / PAGE_SIZE);
		page_put(page);
	}
	if (!err && size < old)
		err = ext2_free_blocks_from(in, (size + s->block_size - 1) >>
							s->log_block);
	inode_mark_dirty(in, INODE_DIRTY_META);
	return err;
}

const struct inode_ops ext2_file_iops = {
	.set_size = ext2_set_size,
	.read_page = ext2_read_page,
	.readahead = ext2_readahead,
	.release = ext2_release,
	.write_begin = ext2_write_begin,
	.write_page = ext2_write_page,
	.write_inode = ext2_write_inode,
};

const struct file_ops ext2_file_fops = {
	.read = filemap_read,
	.write = filemap_write,
	.mmap = filemap_mmap,
	.seekable = true,
};
