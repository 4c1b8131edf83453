/*
 * Block-special files (<kernel/blkdev.h>): what an open of /dev/sda or
 * /dev/sda1 gives. The node's rdev names the device; data moves through
 * the device's own page cache (the pages the buffer cache uses too), so
 * read(2) of a disk sees what a mounted file system has in its buffers.
 * Writes go through to the disk at once (synchronous), sector by
 * sector, so that no write-back is needed for raw device writes. Then
 * the block layer's ioctls, and the driver's.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "block_priv.h"

static int blkdev_open(struct inode *in, struct file *f)
{
	struct block_device *bdev = blkdev_by_dev(in->rdev);

	if (!bdev || bdev->gone || bdev->disk->gone)
		return -ENXIO;
	if (file_writable(f) && (bdev->read_only || bdev->disk->read_only))
		return -EROFS;
	f->priv = bdev;
	return 0;
}

static uint64_t bdev_size(const struct block_device *bdev)
{
	return bdev->sectors * SECTOR_SIZE;
}

static long blkdev_file_read(struct file *f, uintptr_t ubuf, size_t n,
			     uint64_t pos)
{
	struct block_device *bdev = f->priv;

	return inode_read_pages(bdev->inode, ubuf, n, pos, bdev_size(bdev));
}

/* Copy one chunk into its cached page and write its sectors out. */
static int write_chunk(struct block_device *bdev, uintptr_t ubuf, uint64_t pos,
		       size_t chunk)
{
	uint64_t page_pos = pos - pos % PAGE_SIZE;
	uint32_t off = (uint32_t)(pos - page_pos);
	uint32_t first = off - off % SECTOR_SIZE;
	uint32_t end = (uint32_t)((off + chunk + SECTOR_SIZE - 1) &
				  ~(uint64_t)(SECTOR_SIZE - 1));
	struct page *page;
	int err = inode_get_page(bdev->inode, page_pos / PAGE_SIZE, &page);

	if (err)
		return err;
	err = copy_from_user((char *)page_address(page) + off, ubuf, chunk);
	if (!err)
		err = bio_rw_page(bdev, BIO_WRITE,
				  (page_pos + first) / SECTOR_SIZE, page, first,
				  end - first);
	page_put(page);
	return err;
}

/*
 * The device inode's lock orders writers of one page: the page and the
 * disk end up with the same, last, data.
 */
static long blkdev_file_write(struct file *f, uintptr_t ubuf, size_t n,
			      uint64_t pos)
{
	struct block_device *bdev = f->priv;
	uint64_t size = bdev_size(bdev);
	size_t done = 0;

	if (pos >= size)
		return n ? -ENOSPC : 0;
	n = MIN(n, size - pos);
	while (done < n) {
		uint64_t off = (pos + done) % PAGE_SIZE;
		size_t chunk = MIN(n - done, PAGE_SIZE - off);
		int err;

		mutex_lock(&bdev->inode->lock);
		err = write_chunk(bdev, ubuf + done, pos + done, chunk);
		mutex_unlock(&bdev->inode->lock);
		if (err)
			return done ? (long)done : err;
		done += chunk;
	}
	return (long)done;
}

/* Linux's initial soft block size: the largest power of two up to a
 * page that divides the size, at least the logical block. */
static int soft_block_size(const struct block_device *bdev)
{
	uint64_t size = bdev_size(bdev);
	uint32_t bsize = bdev->logical_block;

	while (bsize < PAGE_SIZE && !(size & bsize))
		bsize <<= 1;
	return (int)bsize;
}

/* BLKFLSBUF: write back, then drop the cache if no file system holds
 * buffers of it (their pages must stay the cache's). */
static long flush_buffers(struct block_device *bdev)
{
	int err;

	const struct proc *p = current_proc();

	if (p && p->cred.euid != 0) /* Linux: CAP_SYS_ADMIN */
		return -EACCES;
	err = blkdev_sync(bdev);
	if (err)
		return err;
	mutex_lock(&bdev->inode->lock);
	if (!bdev->openers && !bdev_state(bdev)->nbuffers)
		inode_drop_pages(bdev->inode, 0);
	mutex_unlock(&bdev->inode->lock);
	return 0;
}

static long put_int(uintptr_t arg, int v)
{
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long put_u64(uintptr_t arg, uint64_t v)
{
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long blkdev_file_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct block_device *bdev = f->priv;

	switch (cmd) {
	case BLKGETSIZE64:
		return put_u64(arg, bdev_size(bdev));
	case BLKGETSIZE:
		return put_u64(arg, bdev->sectors);
	case BLKSSZGET:
		return put_int(arg, (int)bdev->logical_block);
	case BLKBSZGET:
		return put_int(arg, soft_block_size(bdev));
	case BLKROGET:
		return put_int(arg, bdev->read_only || bdev->disk->read_only);
	case BLKFLSBUF:
		return flush_buffers(bdev);
	}
	if (bdev->disk->ops->ioctl)
		return bdev->disk->ops->ioctl(bdev->disk, cmd, arg);
	return -ENOTTY;
}

/* fsync of the node: what was written through it, and the disk's cache. */
static int blkdev_file_fsync(struct file *f, bool datasync)
{
	(void)datasync;
	return blkdev_sync(f->priv);
}

const struct file_ops blkdev_fops = {
	.open = blkdev_open,
	.read = blkdev_file_read,
	.write = blkdev_file_write,
	.ioctl = blkdev_file_ioctl,
	.fsync = blkdev_file_fsync,
	.seekable = true,
};

uint64_t blkdev_file_size(const struct file *f)
{
	return f->priv ? bdev_size(f->priv) : 0;
}
