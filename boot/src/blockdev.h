/*
 * A block device as the filesystem readers see it: a window of sectors on a
 * BIOS disk (the whole CD, or one partition of a hard disk). The loader's
 * implementation reads through INT 13h; the host tests back it with a file.
 */
#ifndef RASTBOOT_BLOCKDEV_H
#define RASTBOOT_BLOCKDEV_H

#include "lib.h"

struct blockdev;

struct blockdev_ops {
	/*
	 * Read count sectors starting at lba (relative to dev->start) into buf.
	 * Returns 0, or -EIO on a device error or a read past dev->sectors.
	 */
	int (*read)(struct blockdev *dev, uint64_t lba, uint32_t count,
		    void *buf);
};

struct blockdev {
	const struct blockdev_ops *ops;
	void *priv;
	uint32_t sector_size; /* 512 or 2048 bytes */
	uint64_t start;	      /* first sector of the window on the disk */
	uint64_t sectors;     /* length of the window in sectors */
};

/*
 * Read len bytes at byte offset off of the window, any alignment. Returns 0
 * or a negative errno (-EIO past the end).
 */
int bdev_read_bytes(struct blockdev *dev, uint64_t off, void *buf, size_t len);

#endif
