/*
 * ext4's extent tree, read only (ext4 images mount read-only): the
 * inode's i_block holds the root node; each node is a header and index
 * entries (pointing at the node of blocks from ei_block on) or, at depth
 * 0, extents (ee_len blocks from ee_block on, at ee_start). The depth
 * is bounded and every node checked, so a corrupt tree cannot loop.
 */
#include <kernel/errno.h>

#include "ext2.h"

#define EXT4_EXT_MAGIC 0xf30a
#define EXT4_EXT_MAX_DEPTH 5
#define EXT4_EXT_INIT_MAX_LEN 32768

struct ext4_ext_header {
	uint16_t eh_magic, eh_entries, eh_max, eh_depth;
	uint32_t eh_generation;
};

struct ext4_extent_idx {
	uint32_t ei_block, ei_leaf_lo;
	uint16_t ei_leaf_hi, ei_unused;
};

struct ext4_extent {
	uint32_t ee_block;
	uint16_t ee_len, ee_start_hi;
	uint32_t ee_start_lo;
};

/* Is the node of size bytes at h sane, at depth (expected)? */
static bool node_ok(const struct ext4_ext_header *h, size_t size, int depth)
{
	size_t max = (size - sizeof(*h)) / 12;

	return h->eh_magic == EXT4_EXT_MAGIC && h->eh_entries <= h->eh_max &&
	       h->eh_max <= max && (depth < 0 || h->eh_depth == depth) &&
	       h->eh_depth <= EXT4_EXT_MAX_DEPTH;
}

/* In a leaf: lblk's disk block, or 0 (a hole, or unwritten: zeroes). */
static uint64_t leaf_lookup(const struct ext4_ext_header *h, uint64_t lblk)
{
	const struct ext4_extent *x = (const void *)(h + 1);

	for (unsigned int i = 0; i < h->eh_entries; i++) {
		uint32_t len = x[i].ee_len;
		bool unwritten = len > EXT4_EXT_INIT_MAX_LEN;

		if (unwritten)
			len -= EXT4_EXT_INIT_MAX_LEN;
		if (lblk >= x[i].ee_block &&
		    lblk < (uint64_t)x[i].ee_block + len)
			return unwritten ? 0
					 : ((uint64_t)x[i].ee_start_hi << 32 |
					    x[i].ee_start_lo) +
						   (lblk - x[i].ee_block);
	}
	return 0;
}

/* In an index node: the child covering lblk, or 0. */
static uint64_t index_lookup(const struct ext4_ext_header *h, uint64_t lblk)
{
	const struct ext4_extent_idx *x = (const void *)(h + 1);
	uint64_t child = 0;

	for (unsigned int i = 0; i < h->eh_entries && x[i].ei_block <= lblk;
	     i++)
		child = (uint64_t)x[i].ei_leaf_hi << 32 | x[i].ei_leaf_lo;
	return child;
}

int ext2_extent_bmap(struct inode *in, uint64_t lblk, uint64_t *out)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	const struct ext4_ext_header *h = (const void *)EXT2_I(in)->i_block;
	struct buffer *b = NULL;
	int depth;

	if (!node_ok(h, sizeof(EXT2_I(in)->i_block), -1))
		return ext2_corrupt(s, "extent tree root of inode", in->ino);
	depth = h->eh_depth;
	while (depth > 0) {
		uint64_t child = index_lookup(h, lblk);
		struct buffer *next;
		int err;

		if (!child) {
			*out = 0;
			break;
		}
		err = ext2_bread(s, child, &next);
		if (b)
			brelse(b);
		if (err)
			return err;
		b = next;
		h = b->data;
		if (!node_ok(h, s->block_size, --depth)) {
			brelse(b);
			return ext2_corrupt(s, "extent node", child);
		}
	}
	if (depth == 0)
		*out = leaf_lookup(h, lblk);
	if (b)
		brelse(b);
	if (*out && !ext2_block_valid(s, *out))
		return ext2_corrupt(s, "extent of inode", in->ino);
	return 0;
}
