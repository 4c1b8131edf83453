/*
 * BIOS disk access: INT 13h AH=42h reads of up to 64 KiB into the bounce
 * buffer below 1 MiB, copied to wherever the caller wants (the kernel and
 * modules go above 1 MiB), and the search for the boot volume.
 */
#include "disk.h"
#include "bios.h"
#include "layout.h"

struct dap {
	uint8_t size, zero;
	uint16_t count, offset, segment;
	uint64_t lba;
} __attribute__((packed));

struct drive {
	uint8_t number;
};

static struct drive boot_disk;
static struct dap dap __attribute__((aligned(16)));

static int bios_read(uint8_t drive, uint64_t lba, uint16_t count)
{
	struct bios_regs r = {0};
	void *bounce = phys_ptr(BOUNCE_ADDR);

	for (int attempt = 0; attempt < 3; attempt++) {
		dap = (struct dap){16, 0, count, rm_off(bounce), rm_seg(bounce),
				   lba};
		r = (struct bios_regs){.eax = 0x4200,
				       .edx = drive,
				       .esi = rm_off(&dap),
				       .ds = rm_seg(&dap)};
		bios_call(0x13, &r, &r);
		if (!(r.eflags & BIOS_CF))
			return 0;
		r = (struct bios_regs){.eax = 0, .edx = drive}; /* reset */
		bios_call(0x13, &r, &r);
	}
	return -EIO;
}

static int disk_read(struct blockdev *dev, uint64_t lba, uint32_t count,
		     void *buf)
{
	const struct drive *d = dev->priv;
	uint32_t per_call = BOUNCE_SIZE / dev->sector_size;
	uint8_t *dst = buf;

	if (lba + count > dev->sectors || lba + count < lba)
		return -EIO;
	while (count) {
		uint32_t n = MIN(count, per_call);
		int err = bios_read(d->number, dev->start + lba, (uint16_t)n);
		if (err)
			return err;
		memcpy(dst, phys_ptr(BOUNCE_ADDR),
		       (size_t)n * dev->sector_size);
		dst += (size_t)n * dev->sector_size;
		lba += n;
		count -= n;
	}
	return 0;
}

static const struct blockdev_ops disk_ops = {.read = disk_read};

/* Sector size and count from INT 13h AH=48h. */
static int disk_open(uint8_t drive, bool cd, struct blockdev *dev)
{
	struct {
		uint16_t size, flags;
		uint32_t cyls, heads, spt;
		uint64_t sectors;
		uint16_t sector_size;
	} __attribute__((packed)) *params = phys_ptr(BOUNCE_ADDR);
	struct bios_regs r = {.eax = 0x4800,
			      .edx = drive,
			      .esi = rm_off(params),
			      .ds = rm_seg(params)};

	memset(params, 0, 64);
	params->size = 30;
	bios_call(0x13, &r, &r);
	boot_disk.number = drive;
	dev->ops = &disk_ops;
	dev->priv = &boot_disk;
	dev->start = 0;
	dev->sector_size = cd ? 2048 : 512;
	dev->sectors = UINT64_MAX / 4096; /* unknown until proven */
	if (!(r.eflags & BIOS_CF) &&
	    (params->sector_size == 512 || params->sector_size == 2048)) {
		dev->sector_size = params->sector_size;
		if (params->sectors && params->sectors != UINT64_MAX)
			dev->sectors = params->sectors;
	}
	return 0;
}

static bool fat_partition_type(uint8_t type)
{
	return type == 0x01 || type == 0x04 || type == 0x06 || type == 0x0b ||
	       type == 0x0c || type == 0x0e || type == 0xef;
}

static int mount_partitions(struct volume *vol, const struct blockdev *disk)
{
	static uint8_t mbr[512];
	int err = bdev_read_bytes((struct blockdev *)disk, 0, mbr, 512);
	if (err)
		return err;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return -ENODEV;
	vol->mbr_disk_id = get_le32(mbr + 440);
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = mbr + 446 + 16 * i;
		uint32_t start = get_le32(p + 8), len = get_le32(p + 12);
		if (!fat_partition_type(p[4]) || !len)
			continue;
		vol->dev = *disk;
		vol->dev.start = start;
		vol->dev.sectors = len;
		if (fs_mount(&vol->fs, &vol->dev) == 0) {
			vol->partition = (uint32_t)i + 1;
			return 0;
		}
	}
	return -ENODEV;
}

int volume_mount(uint8_t drive, bool cd, struct volume *vol)
{
	struct blockdev disk;

	memset(vol, 0, sizeof(*vol));
	disk_open(drive, cd, &disk);
	vol->optical = disk.sector_size == 2048;
	vol->dev = disk;
	if (fs_mount(&vol->fs, &vol->dev) == 0)
		return 0;
	if (disk.sector_size != 512)
		return -ENODEV;
	return mount_partitions(vol, &disk);
}
