/*
 * ext2's inode allocator: each group's inode bitmap, its descriptor's
 * free and directory counts and the superblock's free count, under
 * alloc_lock. A directory goes to the group with the most free inodes
 * (spreading the tree), anything else near its parent's.
 */
#include <kernel/errno.h>

#include "ext2.h"

/* The group a new inode goes to first. */
static uint32_t pick_group(struct ext2_sb *s, uint32_t parent, bool dir)
{
	uint32_t best = parent < s->groups ? parent : 0;

	if (!dir)
		return best;
	for (uint32_t g = 0; g < s->groups; g++) {
		if (ext2_gd(s, g)->bg_free_inodes_count >
		    ext2_gd(s, best)->bg_free_inodes_count)
			best = g;
	}
	return best;
}

static int alloc_in_group(struct ext2_sb *s, uint32_t g, bool dir,
			  uint32_t *out)
{
	struct ext2_group_desc *d = ext2_gd(s, g);
	uint32_t first = g ? 0 : s->first_ino - 1, i;
	struct buffer *b;
	uint8_t *map;
	int err;

	if (!d->bg_free_inodes_count)
		return -ENOSPC;
	err = ext2_bread(s, ext2_gd_inode_bitmap(s, g), &b);
	if (err)
		return err;
	map = b->data;
	for (i = first; i < s->inodes_per_group; i++) {
		if (!(map[i / 8] & (1u << (i % 8))))
			break;
	}
	if (i == s->inodes_per_group) {
		brelse(b);
		return ext2_corrupt(s, "free inode count of group", g);
	}
	map[i / 8] |= (uint8_t)(1u << (i % 8));
	buffer_mark_dirty(b);
	brelse(b);
	d->bg_free_inodes_count--;
	if (dir)
		d->bg_used_dirs_count++;
	ext2_gd_dirty(s, g);
	s->es->s_free_inodes_count--;
	ext2_super_dirty(s);
	*out = g * s->inodes_per_group + i + 1;
	return 0;
}

int ext2_alloc_ino(struct ext2_sb *s, uint32_t parent_group, bool dir,
		   uint32_t *out)
{
	uint32_t g0;
	int err = -ENOSPC;

	if (s->read_only)
		return -EROFS;
	mutex_lock(&s->alloc_lock);
	g0 = pick_group(s, parent_group, dir);
	for (uint32_t k = 0; k < s->groups; k++) {
		err = alloc_in_group(s, (g0 + k) % s->groups, dir, out);
		if (err != -ENOSPC)
			break;
	}
	mutex_unlock(&s->alloc_lock);
	return err;
}

int ext2_free_ino(struct ext2_sb *s, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / s->inodes_per_group;
	uint32_t i = (ino - 1) % s->inodes_per_group;
	struct ext2_group_desc *d;
	struct buffer *b;
	uint8_t *byte;
	int err;

	if (ino < s->first_ino || ino > s->inodes_count)
		return ext2_corrupt(s, "freed inode", ino);
	mutex_lock(&s->alloc_lock);
	err = ext2_bread(s, ext2_gd_inode_bitmap(s, g), &b);
	if (err)
		goto out;
	byte = (uint8_t *)b->data + i / 8;
	if (!(*byte & (1u << (i % 8)))) {
		err = ext2_corrupt(s, "inode freed twice", ino);
	} else {
		*byte &= (uint8_t) ~(1u << (i % 8));
		buffer_mark_dirty(b);
		d = ext2_gd(s, g);
		d->bg_free_inodes_count++;
		if (dir && d->bg_used_dirs_count)
			d->bg_used_dirs_count--;
		ext2_gd_dirty(s, g);
		s->es->s_free_inodes_count++;
		ext2_super_dirty(s);
	}
	brelse(b);
out:
	mutex_unlock(&s->alloc_lock);
	return err;
}
