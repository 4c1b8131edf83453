/*
 * ext2's block allocator: each group's block bitmap (bit i: block
 * first_data_block + group * blocks_per_group + i is taken), its
 * descriptor's free count and the superblock's, kept consistent under
 * alloc_lock. A new block is looked for from the goal (next to the
 * file's last one) to the end of its group, then in the next groups.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>

#include "ext2.h"

/* Blocks in group g (the last may be short). */
static uint32_t group_blocks(struct ext2_sb *s, uint32_t g)
{
	uint64_t start =
		s->first_data_block + (uint64_t)g * s->blocks_per_group;
	uint64_t left = s->blocks_count - start;

	return left < s->blocks_per_group ? (uint32_t)left
					  : s->blocks_per_group;
}

static bool test_bit(const uint8_t *map, uint32_t i)
{
	return map[i / 8] & (1u << (i % 8));
}

/* The first clear bit of map in [from, n), or n. */
static uint32_t find_clear(const uint8_t *map, uint32_t from, uint32_t n)
{
	for (uint32_t i = from; i < n; i++) {
		if (map[i / 8] == 0xff) {
			i |= 7;
			continue;
		}
		if (!test_bit(map, i))
			return i;
	}
	return n;
}

/* Take a free block of group g at or after bit from: 0, -ENOSPC. */
static int alloc_in_group(struct ext2_sb *s, uint32_t g, uint32_t from,
			  uint64_t *out)
{
	struct ext2_group_desc *d = ext2_gd(s, g);
	uint32_t n = group_blocks(s, g), i;
	struct buffer *b;
	int err;

	if (!d->bg_free_blocks_count)
		return -ENOSPC;
	err = ext2_bread(s, ext2_gd_block_bitmap(s, g), &b);
	if (err)
		return err;
	i = find_clear(b->data, from, n);
	if (i == n && from)
		i = find_clear(b->data, 0, n);
	if (i == n) {
		brelse(b);
		/* The count says free, the bitmap says full. */
		return ext2_corrupt(s, "free block count of group", g);
	}
	((uint8_t *)b->data)[i / 8] |= (uint8_t)(1u << (i % 8));
	buffer_mark_dirty(b);
	brelse(b);
	d->bg_free_blocks_count--;
	ext2_gd_dirty(s, g);
	s->es->s_free_blocks_count--;
	ext2_super_dirty(s);
	*out = s->first_data_block + (uint64_t)g * s->blocks_per_group + i;
	return 0;
}

int ext2_alloc_block(struct ext2_sb *s, uint64_t goal, uint64_t *out)
{
	uint32_t g0 = 0, from = 0;
	int err = -ENOSPC;

	if (s->read_only)
		return -EROFS;
	if (ext2_block_valid(s, goal)) {
		g0 = (uint32_t)((goal - s->first_data_block) /
				s->blocks_per_group);
		from = (uint32_t)((goal - s->first_data_block) %
				  s->blocks_per_group);
	}
	mutex_lock(&s->alloc_lock);
	for (uint32_t k = 0; k < s->groups; k++) {
		uint32_t g = (g0 + k) % s->groups;

		err = alloc_in_group(s, g, k ? 0 : from, out);
		if (err != -ENOSPC)
			break;
	}
	mutex_unlock(&s->alloc_lock);
	if (!err && !ext2_block_valid(s, *out)) /* a bitmap that lies */
		err = ext2_corrupt(s, "allocated block", *out);
	return err;
}

int ext2_free_block(struct ext2_sb *s, uint64_t blk)
{
	uint32_t g, i;
	struct buffer *b;
	uint8_t *byte;
	int err;

	if (!ext2_block_valid(s, blk))
		return ext2_corrupt(s, "freed block", blk);
	g = (uint32_t)((blk - s->first_data_block) / s->blocks_per_group);
	i = (uint32_t)((blk - s->first_data_block) % s->blocks_per_group);
	buffer_forget(s->bdev, blk, s->block_size);
	mutex_lock(&s->alloc_lock);
	err = ext2_bread(s, ext2_gd_block_bitmap(s, g), &b);
	if (err)
		goto out;
	byte = (uint8_t *)b->data + i / 8;
	if (!(*byte & (1u << (i % 8)))) {
		err = ext2_corrupt(s, "block freed twice", blk);
	} else {
		*byte &= (uint8_t) ~(1u << (i % 8));
		buffer_mark_dirty(b);
		ext2_gd(s, g)->bg_free_blocks_count++;
		ext2_gd_dirty(s, g);
		s->es->s_free_blocks_count++;
		ext2_super_dirty(s);
	}
	brelse(b);
out:
	mutex_unlock(&s->alloc_lock);
	return err;
}
