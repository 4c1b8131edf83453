/*
 * RAM disks (kernel/drivers/block/ramdisk.c), as Linux's brd: ram0...,
 * major 1, made at boot from the command line (brd.rd_nr=N disks of
 * brd.rd_size=KiB each; none by default) and from a boot module whose
 * command line is "ramdisk" (ram0, ram1... holding the modules' bytes: a disk
 * image with its partitions). Bios complete from a kernel thread, never
 * inside submit, several at a time: the block layer's queue, merging and
 * asynchronous completion run on them as on a real disk.
 */
#ifndef KERNEL_RAMDISK_H
#define KERNEL_RAMDISK_H

#include <stddef.h>
#include <stdint.h>

struct block_device;

/* What a RAM disk's driver has been asked to do (for tests). */
struct ramdisk_stats {
	uint64_t requests; /* submit calls */
	uint64_t reads, writes, flushes;
	uint64_t sectors_written;
};

/*
 * A new RAM disk of bytes (a multiple of 512), registered: filled from
 * image (image_len bytes, may be NULL) first, so that its partitions are
 * found. 0 with *out, or -errno.
 */
int ramdisk_create(uint64_t bytes, const void *image, size_t image_len,
		   struct block_device **out);
/* The counters of a RAM disk; -ENODEV if bdev is not one. */
int ramdisk_get_stats(struct block_device *bdev, struct ramdisk_stats *out);

/* The RAM disks the command line and the boot modules ask for. */
void ramdisk_init(void);

#endif
