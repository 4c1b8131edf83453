/*
 * The boot disk through BIOS INT 13h extensions, and the volume on it that
 * holds rastboot's files: an ISO9660 CD, or a FAT partition of a hard disk
 * (MBR partition table), or a whole-disk filesystem.
 */
#ifndef RASTBOOT_DISK_H
#define RASTBOOT_DISK_H

#include "blockdev.h"
#include "fs.h"

struct volume {
	struct blockdev dev; /* the window the filesystem lives in */
	struct fs fs;
	bool optical;
	uint32_t partition; /* 1-based MBR partition, 0 = whole disk */
	uint32_t mbr_disk_id;
};

/* Find and mount the boot volume on BIOS drive `drive`. 0 or -errno. */
int volume_mount(uint8_t drive, bool cd, struct volume *vol);

#endif
