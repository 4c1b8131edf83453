/*
 * The GUID partition table (part_table.h), as the UEFI specification
 * lays it out: a header in logical block 1 (and its backup in the last
 * block), each with a CRC32 of itself and of the array of partition
 * entries it points to. The primary is used if it and its array check
 * out, else the backup; neither: no table. Entries are 128 * 2^n bytes,
 * read one block at a time (two passes: the CRC, then the entries), so
 * no count in the header makes this allocate anything.
 */
#include <stdbool.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#include "part_table.h"

#define GPT_SIG "EFI PART"
#define HDR_MIN 92

struct gpt_header {
	uint64_t my_lba, first_usable, last_usable, entries_lba;
	uint32_t entries, entry_size, entries_crc;
};

/* CRC-32 (IEEE 802.3, reflected), bit by bit: tables are small here. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint64_t disk_blocks(const struct part_source *src)
{
	return src->sectors / (src->block / 512);
}

static int read_block(const struct part_source *src, struct part_table *t,
		      uint64_t lba)
{
	return src->read(src->ctx, lba * src->block, t->scratch, src->block)
		       ? -EIO
		       : 0;
}

/* Check the header in t->scratch, read from lba, into h. */
static bool header_ok(const struct part_source *src, struct part_table *t,
		      uint64_t lba, struct gpt_header *h)
{
	uint8_t *b = t->scratch;
	uint32_t size = part_le32(b + 12), crc = part_le32(b + 16);
	uint64_t blocks = disk_blocks(src), array;

	if (memcmp(b, GPT_SIG, 8) || size < HDR_MIN || size > src->block)
		return false;
	memset(b + 16, 0, 4);
	if (crc32_update(0, b, size) != crc) {
		src->warn(src->ctx, "GPT header CRC mismatch at block", lba);
		return false;
	}
	*h = (struct gpt_header){.my_lba = part_le64(b + 24),
				 .first_usable = part_le64(b + 40),
				 .last_usable = part_le64(b + 48),
				 .entries_lba = part_le64(b + 72),
				 .entries = part_le32(b + 80),
				 .entry_size = part_le32(b + 84),
				 .entries_crc = part_le32(b + 88)};
	if (h->my_lba != lba || h->first_usable > h->last_usable ||
	    h->last_usable >= blocks) {
		src->warn(src->ctx, "GPT header with bad block numbers at",
			  lba);
		return false;
	}
	if (h->entry_size < 128 || h->entry_size > src->block ||
	    (h->entry_size & (h->entry_size - 1)) || !h->entries ||
	    h->entries > PART_GPT_ENTRIES_MAX) {
		src->warn(src->ctx, "GPT header with absurd entries at", lba);
		return false;
	}
	array = ((uint64_t)h->entries * h->entry_size + src->block - 1) /
		src->block;
	if (h->entries_lba < 2 || h->entries_lba >= blocks ||
	    array > blocks - h->entries_lba) {
		src->warn(src->ctx, "GPT entry array beyond the disk at", lba);
		return false;
	}
	return true;
}

/* The CRC of the entry array: 0 if it matches, -EINVAL, -EIO. */
static int check_entries(const struct part_source *src, struct part_table *t,
			 const struct gpt_header *h)
{
	uint64_t left = (uint64_t)h->entries * h->entry_size;
	uint32_t crc = 0;

	for (uint64_t lba = h->entries_lba; left; lba++) {
		size_t n = left < src->block ? (size_t)left : src->block;

		if (read_block(src, t, lba))
			return -EIO;
		crc = crc32_update(crc, t->scratch, n);
		left -= n;
	}
	if (crc != h->entries_crc) {
		src->warn(src->ctx, "GPT entry array CRC mismatch at",
			  h->entries_lba);
		return -EINVAL;
	}
	return 0;
}

/* The GUID at p as text, the mixed-endian way: 8-4-4-4-12. */
static void guid_str(char *out, const uint8_t *p)
{
	part_hex(out, part_le32(p), 8);
	out[8] = '-';
	part_hex(out + 9, (uint64_t)p[4] | (uint64_t)p[5] << 8, 4);
	out[13] = '-';
	part_hex(out + 14, (uint64_t)p[6] | (uint64_t)p[7] << 8, 4);
	out[18] = '-';
	for (int i = 0; i < 8; i++)
		part_hex(out + 19 + 2 * i + (i >= 2), p[8 + i], 2);
	out[23] = '-';
	out[36] = '\0';
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void add_entry(const struct part_source *src, struct part_table *t,
		      const struct gpt_header *h, const uint8_t *e,
		      unsigned int partno)
{
	const uint64_t spb = src->block / 512;
	uint64_t first = part_le64(e + 32), last = part_le64(e + 40);
	unsigned int before = t->count;

	if (all_zero(e, 16))
		return; /* unused */
	if (first > last || first < h->first_usable || last > h->last_usable) {
		src->warn(src->ctx, "GPT partition outside the usable blocks",
			  partno);
		return;
	}
	if (!part_add(src, t, partno, first * spb, (last - first + 1) * spb) &&
	    t->count > before)
		guid_str(t->parts[t->count - 1].uuid, e + 16);
}

static int read_entries(const struct part_source *src, struct part_table *t,
			const struct gpt_header *h)
{
	const uint32_t per_block = src->block / h->entry_size;

	for (uint32_t i = 0; i < h->entries; i++) {
		if (i % per_block == 0 &&
		    read_block(src, t, h->entries_lba + i / per_block))
			return -EIO;
		add_entry(src, t, h,
			  t->scratch + (i % per_block) * h->entry_size, i + 1);
	}
	return 0;
}

/* A valid header and array at lba: 0 with h, -EINVAL, -EIO. */
static int try_header(const struct part_source *src, struct part_table *t,
		      uint64_t lba, struct gpt_header *h)
{
	if (read_block(src, t, lba))
		return -EIO;
	if (!header_ok(src, t, lba, h))
		return -EINVAL;
	return check_entries(src, t, h);
}

int part_read_gpt(const struct part_source *src, struct part_table *t)
{
	struct gpt_header h;
	uint64_t blocks = disk_blocks(src);
	int err = blocks > 2 ? try_header(src, t, 1, &h) : -EINVAL;

	if (err == -EINVAL && blocks > 2) {
		src->warn(src->ctx, "primary GPT bad, trying the backup at",
			  blocks - 1);
		err = try_header(src, t, blocks - 1, &h);
	}
	if (err == -EIO)
		return err;
	if (err) {
		src->warn(src->ctx, "no valid GPT: no partitions", 0);
		return -ENOENT;
	}
	t->kind = "gpt";
	t->count = 0;
	return read_entries(src, t, &h);
}
