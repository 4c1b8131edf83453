/*
 * The block layer on the host (tests/host/blk_shim.c): <kernel/blkdev.h>
 * over disk images in memory, for kernel/fs/ext2 and the write-back code
 * compiled unchanged (with vfs_shim.c for the rest of the kernel).
 *
 *  - bios complete at once, synchronously, by memcpy to or from the
 *    image; bread/bget_zero give buffers of malloc'd memory kept in a
 *    cache, written to the image by blkdev_sync or buffer_sync only, so
 *    that what reaches the "disk" follows the order the file system asks;
 *  - each device counts the buffers still referenced (leaks), the bios
 *    and flushes, and may fail every I/O from the n-th on (-EIO).
 */
#ifndef BLK_SHIM_H
#define BLK_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>

/* A device over image (size bytes, a multiple of 512; not copied: the
 * writes land in it), registered as name with a new device number. */
struct block_device *blk_host_add(const char *name, uint8_t *image,
				  size_t size);
/* Drop its buffers (none may be referenced: false if some are) and
 * unregister it. */
bool blk_host_remove(struct block_device *bdev);
/* Buffers of bdev still referenced. */
long blk_host_buffers_held(struct block_device *bdev);
/* From the n-th I/O on (bio or buffer write), every one fails: 0 never. */
void blk_host_fail_from(struct block_device *bdev, long n);
/* Writes and flushes so far. */
long blk_host_writes(struct block_device *bdev);

#endif
