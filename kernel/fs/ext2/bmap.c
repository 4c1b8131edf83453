/*
 * ext2's block map: file block lblk to disk block, through the inode's
 * 12 direct numbers and its single, double and triple indirect blocks;
 * allocating what is missing for a write (new indirect blocks zeroed),
 * and freeing from a block on (truncate, delete). Every number read from
 * the disk is checked against the disk's size before it is used.
 */
#include <kernel/errno.h>

#include "ext2.h"

/* The path to lblk: depth levels, offsets[0] in i_block. 0, -EFBIG. */
static int block_path(struct ext2_sb *s, uint64_t lblk, unsigned int off[4],
		      unsigned int *depth)
{
	uint64_t p = s->addr_per_block;

	if (lblk < EXT2_NDIR) {
		off[0] = (unsigned int)lblk;
		*depth = 1;
		return 0;
	}
	lblk -= EXT2_NDIR;
	if (lblk < p) {
		off[0] = EXT2_IND;
		off[1] = (unsigned int)lblk;
		*depth = 2;
		return 0;
	}
	lblk -= p;
	if (lblk < p * p) {
		off[0] = EXT2_DIND;
		off[1] = (unsigned int)(lblk / p);
		off[2] = (unsigned int)(lblk % p);
		*depth = 3;
		return 0;
	}
	lblk -= p * p;
	if (lblk < p * p * p) {
		off[0] = EXT2_TIND;
		off[1] = (unsigned int)(lblk / (p * p));
		off[2] = (unsigned int)(lblk / p % p);
		off[3] = (unsigned int)(lblk % p);
		*depth = 4;
		return 0;
	}
	return -EFBIG;
}

uint64_t ext2_max_blocks(struct ext2_sb *s)
{
	uint64_t p = s->addr_per_block;

	return EXT2_NDIR + p + p * p + p * p * p;
}

/* A new block for in (zeroed in the cache if meta), counted in its
 * i_blocks. */
static int new_block(struct inode *in, bool meta, uint64_t *out)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct ext2_inode *e = EXT2_I(in);
	uint64_t goal = e->last_block ? e->last_block + 1
				      : s->first_data_block +
						(uint64_t)e->block_group *
							s->blocks_per_group;
	struct buffer *b;
	int err = ext2_alloc_block(s, goal, out);

	if (err)
		return err;
	if (meta) {
		err = bget_zero(s->bdev, *out, s->block_size, &b);
		if (err) {
			ext2_free_block(s, *out);
			return err;
		}
		buffer_mark_dirty(b);
		brelse(b);
	}
	e->last_block = *out;
	in->disk_blocks += s->block_size / 512;
	inode_mark_dirty(in, INODE_DIRTY_META);
	return 0;
}

/* Follow (or make) the entry off of indirect block blk. */
static int step(struct inode *in, uint64_t blk, unsigned int off, bool create,
		bool meta, uint64_t *out)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct buffer *b;
	uint32_t *slot;
	int err = ext2_bread(s, blk, &b);

	if (err)
		return err;
	slot = (uint32_t *)b->data + off;
	*out = *slot;
	if (*out && !ext2_block_valid(s, *out))
		err = ext2_corrupt(s, "block number in indirect block", blk);
	else if (!*out && create) {
		err = new_block(in, meta, out);
		if (!err) {
			*slot = (uint32_t)*out;
			buffer_mark_dirty(b);
		}
	}
	brelse(b);
	return err;
}

/*
 * Blocks of a file are mapped in order, most of them by the same leaf
 * indirect block as the block before: the last one found is remembered
 * (as one word, for bmaps without the inode's lock), so that those go
 * straight to it instead of down from the inode through the double and
 * triple indirect blocks. Freeing blocks forgets it.
 */
static uint64_t leaf_of(const struct ext2_inode *e, uint64_t base)
{
	uint64_t m = __atomic_load_n(&e->map_leaf, __ATOMIC_RELAXED);

	return m && m >> 32 == base ? (uint32_t)m : 0;
}

static void remember_leaf(struct ext2_inode *e, uint64_t base, uint64_t blk)
{
	if (base <= UINT32_MAX && blk <= UINT32_MAX)
		__atomic_store_n(&e->map_leaf, base << 32 | blk,
				 __ATOMIC_RELAXED);
}

int ext2_bmap(struct inode *in, uint64_t lblk, bool create, uint64_t *out)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct ext2_inode *e = EXT2_I(in);
	unsigned int off[4], depth;
	uint64_t blk, base;
	int err;

	if (e->flags & EXT4_EXTENTS_FL)
		return create ? -EROFS : ext2_extent_bmap(in, lblk, out);
	err = block_path(s, lblk, off, &depth);
	if (err)
		return create ? err : (*out = 0, 0);
	base = lblk - off[depth - 1];
	if (depth > 1 && (blk = leaf_of(e, base))) {
		err = step(in, blk, off[depth - 1], create, false, &blk);
		*out = err ? 0 : blk;
		return err;
	}
	blk = e->i_block[off[0]];
	if (blk && !ext2_block_valid(s, blk))
		return ext2_corrupt(s, "block number in inode", in->ino);
	if (!blk && create) {
		err = new_block(in, depth > 1, &blk);
		if (err)
			return err;
		e->i_block[off[0]] = (uint32_t)blk;
	}
	for (unsigned int i = 1; i < depth && blk; i++) {
		if (i == depth - 1)
			remember_leaf(e, base, blk);
		err = step(in, blk, off[i], create, i + 1 < depth, &blk);
		if (err)
			return err;
	}
	*out = blk;
	return 0;
}

int ext2_bmap_run(struct inode *in, uint64_t lblk, unsigned int n,
		  uint64_t *out)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct ext2_inode *e = EXT2_I(in);
	unsigned int off[4], depth, k;
	const uint32_t *slot;
	struct buffer *b;
	uint64_t leaf;
	int err;

	if ((e->flags & EXT4_EXTENTS_FL) || n <= 1 ||
	    block_path(s, lblk, off, &depth) || depth == 1 ||
	    !(leaf = leaf_of(e, lblk - off[depth - 1]))) {
		err = ext2_bmap(in, lblk, false, out); /* finds the leaf */
		return err ? err : 1;
	}
	n = MIN(n, (unsigned int)s->addr_per_block - off[depth - 1]);
	err = ext2_bread(s, leaf, &b);
	if (err)
		return err;
	slot = (const uint32_t *)b->data + off[depth - 1];
	for (k = 0; k < n; k++) {
		if (slot[k] && !ext2_block_valid(s, slot[k])) {
			if (k == 0)
				err = ext2_corrupt(
					s, "block number in indirect block",
					leaf);
			break; /* (a later call reports it) */
		}
		out[k] = slot[k];
	}
	brelse(b);
	return k ? (int)k : err;
}

/* ---- freeing ------------------------------------------------------------ */

static int drop_block(struct inode *in, uint64_t blk)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	int err = ext2_free_block(s, blk);

	if (!err && in->disk_blocks >= s->block_size / 512)
		in->disk_blocks -= s->block_size / 512;
	return err;
}

/*
 * Free what the tree under blk (level: 1 an indirect block of data
 * blocks, up to 3) maps from entry first on, the entries below first
 * (first_below, for the entry first itself); the block itself if all
 * of it goes (*all).
 */
static int free_tree(struct inode *in, uint64_t blk, unsigned int level,
		     const unsigned int *from, bool *all)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct buffer *b;
	uint32_t *map;
	int err = ext2_bread(s, blk, &b), ret = 0;
	bool partial = false;

	if (err)
		return err;
	map = b->data;
	for (unsigned int i = from[0]; i < s->addr_per_block; i++) {
		bool sub_all = true;
		bool first = i == from[0] && level > 1;

		if (!map[i])
			continue;
		if (!ext2_block_valid(s, map[i])) {
			ret = ext2_corrupt(s, "block number in indirect block",
					   blk);
			map[i] = 0;
			buffer_mark_dirty(b);
			continue;
		}
		if (level > 1)
			err = free_tree(in, map[i], level - 1,
					first ? from + 1 : (unsigned int[3]){0},
					&sub_all);
		if (!err && sub_all)
			err = drop_block(in, map[i]);
		if (err && !ret)
			ret = err;
		if (!err && sub_all) {
			map[i] = 0;
			buffer_mark_dirty(b);
		}
	}
	for (unsigned int i = 0; i < from[0] && !partial; i++)
		partial = map[i] != 0;
	for (unsigned int i = from[0]; i < s->addr_per_block && !partial; i++)
		partial = map[i] != 0;
	brelse(b);
	*all = !partial && !ret;
	return ret;
}

/* The offsets in each level of the first block to free, for root r. */
static void from_offsets(struct ext2_sb *s, uint64_t lblk, unsigned int r,
			 unsigned int from[3])
{
	unsigned int off[4], depth;

	from[0] = from[1] = from[2] = 0;
	if (block_path(s, lblk, off, &depth) || off[0] != r)
		return;
	for (unsigned int i = 1; i < depth; i++)
		from[i - 1] = off[i];
}

int ext2_free_blocks_from(struct inode *in, uint64_t lblk)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct ext2_inode *e = EXT2_I(in);
	uint64_t p = s->addr_per_block;
	uint64_t starts[3] = {EXT2_NDIR, EXT2_NDIR + p, EXT2_NDIR + p + p * p};
	int ret = 0;

	__atomic_store_n(&e->map_leaf, 0, __ATOMIC_RELAXED); /* may go */
	if (e->flags & EXT4_EXTENTS_FL)
		return -EROFS;
	for (uint64_t i = lblk; i < EXT2_NDIR; i++) {
		if (e->i_block[i] && ext2_block_valid(s, e->i_block[i]))
			ret = drop_block(in, e->i_block[i]) ?: ret;
		e->i_block[i] = 0;
	}
	for (unsigned int r = EXT2_IND; r <= EXT2_TIND; r++) {
		uint64_t start = starts[r - EXT2_IND];
		unsigned int from[3];
		bool all = true;
		int err = 0;

		if (!e->i_block[r] ||
		    lblk >= start + (r == EXT2_IND    ? p
				     : r == EXT2_DIND ? p * p
						      : p * p * p))
			continue;
		if (!ext2_block_valid(s, e->i_block[r])) {
			ret = ext2_corrupt(s, "block number in inode", in->ino);
			e->i_block[r] = 0;
			continue;
		}
		from_offsets(s, lblk > start ? lblk : start, r, from);
		if (lblk <= start)
			from[0] = from[1] = from[2] = 0;
		err = free_tree(in, e->i_block[r], r - EXT2_IND + 1, from,
				&all);
		if (!err && all) {
			err = drop_block(in, e->i_block[r]);
			if (!err)
				e->i_block[r] = 0;
		}
		if (err && !ret)
			ret = err;
	}
	e->last_block = 0;
	__atomic_store_n(&e->map_leaf, 0, __ATOMIC_RELAXED); /* may be freed */
	inode_mark_dirty(in, INODE_DIRTY_META);
	return ret;
}
