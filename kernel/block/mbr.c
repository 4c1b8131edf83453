/*
 * The MBR partition table (part_table.h): four primary entries in block
 * 0, and in an extended partition (types 0x05, 0x0f, 0x85) a chain of
 * extended boot records each holding a logical partition and a link to
 * the next. Numbers as Linux's: primaries 1-4 by slot, logicals from 5
 * in chain order. An extended partition shows as Linux shows it: 2
 * sectors long (1 KiB), so that nothing mistakes it for data. A type
 * 0xee entry is GPT's protective MBR. Chains are checked: each record
 * must lie inside the extended partition and be new (no loops), and at
 * most PART_EBR_MAX are followed.
 */
#include <stdbool.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#include "part_table.h"

#define MBR_ENTRIES 446
#define MBR_SIG 510
#define MBR_DISK_ID 440
#define TYPE_GPT 0xee

struct mbr_entry {
	uint8_t status, type;
	uint64_t start, count; /* in logical blocks */
};

uint32_t part_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t part_le64(const uint8_t *p)
{
	return part_le32(p) | (uint64_t)part_le32(p + 4) << 32;
}

void part_hex(char *out, uint64_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = "0123456789abcdef"[v & 15];
}

int part_add(const struct part_source *src, struct part_table *t,
	     unsigned int partno, uint64_t start, uint64_t sectors)
{
	struct part_info *p;

	if (!sectors)
		return -1;
	if (start >= src->sectors) {
		src->warn(src->ctx, "partition starts beyond the disk", partno);
		return -1;
	}
	if (sectors > src->sectors - start) {
		src->warn(src->ctx, "partition beyond the disk's end, cut",
			  partno);
		sectors = src->sectors - start;
	}
	if (t->count == PART_MAX) {
		src->warn(src->ctx, "too many partitions, skipped", partno);
		return -1;
	}
	p = &t->parts[t->count++];
	memset(p, 0, sizeof(*p));
	p->start = start;
	p->sectors = sectors;
	p->partno = partno;
	return 0;
}

static void entry_at(const uint8_t *blk, int i, struct mbr_entry *e)
{
	const uint8_t *p = blk + MBR_ENTRIES + 16 * i;

	e->status = p[0];
	e->type = p[4];
	e->start = part_le32(p + 8);
	e->count = part_le32(p + 12);
}

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* Read logical block lba into t->scratch: 0 or -EIO. */
static int read_block(const struct part_source *src, struct part_table *t,
		      uint64_t lba)
{
	if (lba >= src->sectors / (src->block / 512))
		return -EINVAL;
	return src->read(src->ctx, lba * src->block, t->scratch, src->block)
		       ? -EIO
		       : 0;
}

static bool has_signature(const uint8_t *blk)
{
	return blk[MBR_SIG] == 0x55 && blk[MBR_SIG + 1] == 0xaa;
}

/* Name and type of the partition just added, if it was. */
static void label(struct part_table *t, unsigned int before, uint32_t disk_id,
		  uint8_t type)
{
	struct part_info *p = &t->parts[t->count - 1];

	if (t->count == before)
		return;
	p->mbr_type = type;
	part_hex(p->uuid, disk_id, 8);
	p->uuid[8] = '-';
	part_hex(p->uuid + 9, p->partno, 2);
	p->uuid[11] = '\0';
}

/* The logical partitions of the extended partition [ext, ext + size). */
static int read_logicals(const struct part_source *src, struct part_table *t,
			 uint64_t ext, uint64_t size, uint32_t disk_id,
			 unsigned int *next)
{
	const uint64_t spb = src->block / 512; /* sectors per block */
	uint64_t seen[PART_EBR_MAX], rel = 0;
	unsigned int n = 0;

	for (;;) {
		struct mbr_entry e;
		uint64_t link = 0;
		int err;

		for (unsigned int i = 0; i < n; i++) {
			if (seen[i] == rel) {
				src->warn(
					src->ctx,
					"loop in the extended partition chain",
					rel);
				return 0;
			}
		}
		if (n == PART_EBR_MAX) {
			src->warn(src->ctx, "extended partition chain too long",
				  n);
			return 0;
		}
		seen[n++] = rel;
		err = read_block(src, t, ext + rel);
		if (err)
			return err == -EIO ? err : 0;
		if (!has_signature(t->scratch)) {
			src->warn(src->ctx,
				  "extended boot record without signature",
				  ext + rel);
			return 0;
		}
		for (int i = 0; i < 4; i++) {
			unsigned int before = t->count;

			entry_at(t->scratch, i, &e);
			if (!e.type || !e.count)
				continue;
			if (is_extended(e.type)) {
				if (!link)
					link = e.start;
				continue;
			}
			if (ext + rel + e.start + e.count > ext + size)
				src->warn(src->ctx,
					  "logical partition outside the "
					  "extended one",
					  *next);
			if (!part_add(src, t, *next,
				      (ext + rel + e.start) * spb,
				      e.count * spb))
				label(t, before, disk_id, e.type);
			++*next;
		}
		if (!link || link >= size)
			return 0;
		rel = link;
	}
}

int part_read_mbr(const struct part_source *src, struct part_table *t)
{
	const uint64_t spb = src->block / 512;
	struct mbr_entry e[4];
	unsigned int next = 5; /* the first logical partition's number */
	uint32_t disk_id;
	int err = read_block(src, t, 0);

	if (err)
		return err == -EIO ? err : 0;
	if (!has_signature(t->scratch))
		return 0;
	disk_id = part_le32(t->scratch + MBR_DISK_ID);
	for (int i = 0; i < 4; i++) {
		entry_at(t->scratch, i, &e[i]);
		if (e[i].type == TYPE_GPT)
			return 1;
		/* A boot sector that is no MBR (a FAT volume's): Linux's
		 * test too. */
		if (e[i].status != 0 && e[i].status != 0x80)
			return 0;
	}
	t->kind = "dos";
	for (int i = 0; i < 4; i++) {
		unsigned int before = t->count;
		bool ext = is_extended(e[i].type);

		if (!e[i].type || !e[i].count)
			continue;
		/* Linux shows an extended partition as 2 sectors. */
		if (!part_add(src, t, (unsigned int)i + 1, e[i].start * spb,
			      ext ? (spb > 2 ? spb : 2) : e[i].count * spb))
			label(t, before, disk_id, e[i].type);
	}
	for (int i = 0; i < 4; i++) {
		if (is_extended(e[i].type) && e[i].count) {
			err = read_logicals(src, t, e[i].start, e[i].count,
					    disk_id, &next);
			if (err)
				return err;
		}
	}
	return 0;
}

int part_read_table(const struct part_source *src, struct part_table *t)
{
	int r;

	t->kind = NULL;
	t->count = 0;
	if (src->block < 512 || src->block > PART_BLOCK_MAX ||
	    (src->block & (src->block - 1)))
		return -EINVAL;
	r = part_read_mbr(src, t);
	if (r != 1)
		return r;
	r = part_read_gpt(src, t);
	return r == -ENOENT ? 0 : r;
}
