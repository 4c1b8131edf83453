/*
 * Reading and writing files through the page cache (<kernel/fs.h>): the
 * file operations of regular files on memory file systems, and the base
 * of any other. Data moves between user memory and the inode's cached
 * pages, which are the pages mmap maps: a write is seen by every mapping
 * at once. Writes hold the inode's lock (size and data change together);
 * a file system may refuse new pages (tmpfs's size limit: ENOSPC). On a
 * file system with nothing to read pages from (tmpfs), a page missing
 * from the cache is a hole: it reads as zeroes and takes no memory.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/uvm.h>

#include "fs_priv.h"

struct page_or_err {
	struct page *page; /* NULL with err 0: a hole */
	int err;
};

/* A file system's page, read in if need be. Out of line: its out
 * parameter would give the copy loop a stack canary to check. */
static struct page_or_err __attribute__((noinline))
read_page_fs(struct inode *in, uint64_t index)
{
	struct page_or_err r;

	r.err = inode_get_page(in, index, &r.page);
	return r;
}

/* The page at index for reading; NULL with 0 for a hole. */
static inline struct page_or_err read_page(struct inode *in, uint64_t index)
{
	if (in->ops && in->ops->read_page)
		return read_page_fs(in, index);
	return (struct page_or_err){inode_find_page(in, index), 0};
}

long inode_read_pages(struct inode *in, uintptr_t ubuf, size_t n, uint64_t pos,
		      uint64_t size)
{
	size_t done = 0;

	if (pos >= size)
		return 0;
	n = MIN(n, size - pos);
	while (done < n) {
		uint64_t off = (pos + done) % PAGE_SIZE;
		size_t chunk = MIN(n - done, PAGE_SIZE - off);
		struct page_or_err r = read_page(in, (pos + done) / PAGE_SIZE);
		struct page *page = r.page;
		int err = r.err;

		if (!err && !page) {
			err = clear_user(ubuf + done, chunk);
		} else if (!err) {
			err = copy_to_user(ubuf + done,
					   (char *)page_address(page) + off,
					   chunk);
			page_put(page);
		}
		if (err)
			return done ? (long)done : err;
		done += chunk;
	}
	return (long)done;
}

long filemap_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	file_accessed(f); /* even at the end of the file, as on Linux */
	return inode_read_pages(f->inode, ubuf, n, pos, f->inode->size);
}

/*
 * Dirty pages of one file, with free memory low, past which a writer
 * writes them back itself before dirtying more: only clean pages can go
 * back (the page cache's shrinker), so writing a file larger than memory
 * would otherwise run out of it.
 */
#define DIRTY_THROTTLE_PAGES 64

/* The write's throttle, inode locked: 0, or the write-back's -errno. */
static inline int throttle_dirty(struct inode *in)
{
	if (in->dirty_pages < DIRTY_THROTTLE_PAGES || !mm_memory_low())
		return 0;
	return inode_write_pages(in, 0, UINT64_MAX);
}

/* Write at pos with the inode locked: bytes written, or -errno. */
static long write_locked(struct inode *in, uintptr_t ubuf, size_t n,
			 uint64_t pos)
{
	size_t done = 0;

	while (done < n) {
		uint64_t off = (pos + done) % PAGE_SIZE;
		size_t chunk = MIN(n - done, PAGE_SIZE - off);
		struct page *page;
		/* Sealed, a write stops where Linux's does: at the page. */
		int err = seals_check_write(in, pos + done, chunk);

		if (!err)
			err = throttle_dirty(in);
		if (!err)
			err = inode_get_page(in, (pos + done) / PAGE_SIZE,
					     &page);
		/* Blocks after the page is read: a new block's part of the
		 * page must read as zeroes, not as the disk's old data. */
		if (!err && in->ops && in->ops->write_begin) {
			err = in->ops->write_begin(in, pos + done, chunk);
			if (err)
				page_put(page);
		}
		if (!err) {
			err = copy_from_user((char *)page_address(page) + off,
					     ubuf + done, chunk);
			inode_mark_page_dirty(in, (pos + done) / PAGE_SIZE);
			page_put(page);
		}
		if (err)
			return done ? (long)done : err;
		done += chunk;
		if (pos + done > in->size)
			in->size = pos + done;
	}
	return (long)done;
}

/*
 * O_APPEND writes at the end whatever pos says, pwrite(2) included (as on
 * Linux); the end is read under the inode's lock, so that appends from
 * several processes never overwrite each other.
 */
long filemap_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct inode *in = f->inode;
	long ret;

	mutex_lock(&in->lock);
	if (f->flags & O_APPEND)
		pos = in->size;
	if (pos + n < pos || pos + n > FILE_SIZE_MAX) {
		mutex_unlock(&in->lock);
		return -EFBIG;
	}
	ret = write_locked(in, ubuf, n, pos);
	if (ret > 0)
		inode_touch(in, true);
	mutex_unlock(&in->lock);
	/* O_SYNC, O_DSYNC: on the disk before write(2) returns. */
	if (ret > 0 && (f->flags & O_DSYNC) && in->sb && in->sb->writeback) {
		int err = vfs_fsync_range(
			in, pos / PAGE_SIZE,
			(pos + (uint64_t)ret + PAGE_SIZE - 1) / PAGE_SIZE,
			(f->flags & O_SYNC) != O_SYNC);

		if (err)
			ret = err;
	}
	return ret;
}

/*
 * Truncate or extend, inode locked: pages beyond go, from the page cache
 * and from every mapping (whose next access there is a SIGBUS), and the
 * tail of the last page is zeroed. The size changes first, so that a
 * fault racing with this sees the new one (uvm_file.c).
 */
int filemap_set_size(struct inode *in, uint64_t size)
{
	uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE, old = in->size;
	int err;

	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	err = seals_check_size(in, size);
	if (err)
		return err;
	in->size = size;
	if (size < old) {
		uvm_unmap_file(in, keep, UINT64_MAX, true);
		inode_drop_pages(in, keep);
		inode_zero_page_tail(in, size);
	}
	inode_touch(in, true);
	return 0;
}

int filemap_allocate(struct inode *in, uint64_t off, uint64_t len, bool extend)
{
	uint64_t last = (off + len - 1) / PAGE_SIZE;
	/* F_SEAL_GROW: Linux refuses even FALLOC_FL_KEEP_SIZE past the end. */
	int err = seals_check_size(in, MAX(in->size, off + len));

	if (err)
		return err;

	for (uint64_t i = off / PAGE_SIZE; i <= last; i++) {
		struct page *page;

		err = inode_get_page(in, i, &page);
		if (err)
			return err;
		page_put(page);
	}
	if (extend && off + len > in->size)
		in->size = off + len;
	inode_touch(in, extend);
	return 0;
}

/* Zero [off, off + len) of the page at index, if it is cached. */
static void zero_in_page(struct inode *in, uint64_t index, size_t off,
			 size_t len)
{
	struct page *page = inode_find_page(in, index);

	if (page) { /* an uncached page is a hole already */
		memset((char *)page_address(page) + off, 0, len);
		page_put(page);
	}
}

/*
 * The whole pages of the hole leave the cache and the mappings that show
 * them (private copies stay, as on Linux); the partial pages at its ends
 * are zeroed in place, where every mapping sees it.
 */
int filemap_punch_hole(struct inode *in, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;
	uint64_t first = (off + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t last = end / PAGE_SIZE;
	int err = seals_check_punch(in);

	if (err)
		return err;

	if (first > last) { /* within one page */
		zero_in_page(in, off / PAGE_SIZE, off % PAGE_SIZE, len);
	} else {
		if (off % PAGE_SIZE)
			zero_in_page(in, off / PAGE_SIZE, off % PAGE_SIZE,
				     PAGE_SIZE - off % PAGE_SIZE);
		uvm_unmap_file(in, first, last, false);
		inode_drop_range(in, first, last);
		if (end % PAGE_SIZE)
			zero_in_page(in, last, 0, end % PAGE_SIZE);
	}
	inode_touch(in, true);
	return 0;
}

int filemap_mmap(struct file *f)
{
	return 0;
}
