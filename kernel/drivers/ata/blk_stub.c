/*
 * TEMPORARY, until the block layer (branch block) is merged: weak
 * stand-ins for the few blkdev.h functions the AHCI driver calls, so that
 * the driver builds and its own tests run. The real ones override them.
 */
#include <kernel/blkdev.h>
#include <kernel/printk.h>

__attribute__((weak)) void bio_complete(struct bio *bio, int status)
{
	bio->status = status;
	if (bio->end_io)
		bio->end_io(bio);
}

__attribute__((weak)) int blkdev_next_sd(char name[16], uint32_t *dev)
{
	static unsigned int next;

	snprintf(name, 16, "sd%c", 'a' + next);
	*dev = SCSI_DISK_MAJOR << 8 | next++ * BLOCK_MINORS_PER_DISK;
	return 0;
}

__attribute__((weak)) int blkdev_register_disk(struct block_device *disk)
{
	disk->disk = disk;
	return 0;
}

__attribute__((weak)) void blkdev_disk_gone(struct block_device *disk)
{
	disk->gone = true;
}
