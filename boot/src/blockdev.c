/*
 * Byte-granular reads on top of a sector device. The filesystem readers
 * think in byte offsets; the device only moves whole sectors, and on the
 * BIOS path every call is slow, so aligned middles go straight into the
 * caller's buffer in one call and only the ragged ends use a bounce buffer.
 */
#include "blockdev.h"

#define BDEV_BOUNCE_SIZE 4096

static uint8_t bdev_bounce[BDEV_BOUNCE_SIZE];

/* Device size in bytes, saturating: a huge window just never ends early. */
static uint64_t bdev_size(const struct blockdev *dev)
{
	if (dev->sectors > UINT64_MAX / dev->sector_size)
		return UINT64_MAX;
	return dev->sectors * dev->sector_size;
}

static int bdev_read_sectors(struct blockdev *dev, uint64_t lba, uint32_t count,
			     void *buf)
{
	int rc = dev->ops->read(dev, lba, count, buf);

	return rc > 0 ? -EIO : rc;
}

/* Copy part of one sector through the bounce buffer. */
static int bdev_read_partial(struct blockdev *dev, uint64_t lba, uint32_t skip,
			     uint8_t *dst, size_t len)
{
	int rc = bdev_read_sectors(dev, lba, 1, bdev_bounce);

	if (rc < 0)
		return rc;
	memcpy(dst, bdev_bounce + skip, len);
	return 0;
}

int bdev_read_bytes(struct blockdev *dev, uint64_t off, void *buf, size_t len)
{
	uint32_t ss = dev->sector_size;
	uint8_t *dst = buf;
	uint64_t lba;
	uint32_t skip;
	int rc;

	if (ss == 0 || ss > BDEV_BOUNCE_SIZE || (ss & (ss - 1)) != 0)
		return -EINVAL;
	if (off > bdev_size(dev) || len > bdev_size(dev) - off)
		return -EIO;
	lba = off / ss;
	skip = (uint32_t)(off % ss);

	/* Head: the rest of a sector we start in the middle of. */
	if (len > 0 && (skip != 0 || len < ss)) {
		size_t n = MIN(len, (size_t)(ss - skip));

		rc = bdev_read_partial(dev, lba, skip, dst, n);
		if (rc < 0)
			return rc;
		dst += n;
		len -= n;
		lba++;
	}
	/* Middle: whole sectors, each call at most 4 GiB. */
	while (len >= ss) {
		uint64_t count = MIN(len / ss, (uint64_t)(UINT32_MAX / ss));

		rc = bdev_read_sectors(dev, lba, (uint32_t)count, dst);
		if (rc < 0)
			return rc;
		dst += count * ss;
		len -= count * ss;
		lba += count;
	}
	/* Tail: the start of one last sector. */
	if (len > 0)
		return bdev_read_partial(dev, lba, 0, dst, len);
	return 0;
}
