/*
 * ext2 symbolic links: a short target (under 60 bytes) lives in the
 * inode's block array itself (a fast symlink, no block); a longer one in
 * one data block (a slow symlink), read through the buffer cache. And
 * the operations of devices, FIFOs and sockets, which have no data.
 */
#include <kernel/errno.h>
#include <kernel/string.h>

#include "ext2.h"

#define FAST_MAX (sizeof(((struct ext2_inode *)0)->i_block))

/* A fast symlink has no block but for an extended attribute one. */
static bool is_fast(struct inode *in)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	uint64_t acl = EXT2_I(in)->file_acl ? s->block_size / 512 : 0;

	return in->disk_blocks <= acl && !(EXT2_I(in)->flags & EXT4_EXTENTS_FL);
}

int ext2_symlink_write(struct inode *in, const char *target, size_t len)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct buffer *b;
	uint64_t blk;
	int err;

	in->size = len;
	if (len < FAST_MAX) {
		memcpy(EXT2_I(in)->i_block, target, len);
		return 0;
	}
	err = ext2_bmap(in, 0, true, &blk);
	if (!err)
		err = bget_zero(s->bdev, blk, s->block_size, &b);
	if (err)
		return err;
	memcpy(b->data, target, len);
	buffer_mark_dirty(b);
	brelse(b);
	return 0;
}

static long ext2_readlink(struct inode *in, char *buf, size_t size)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	size_t n = MIN(in->size, size - 1);
	struct buffer *b;
	uint64_t blk;
	int err;

	if (in->size >= s->block_size || in->size >= PATH_MAX)
		return ext2_corrupt(s, "symlink size of inode", in->ino);
	if (is_fast(in)) {
		if (in->size >= FAST_MAX)
			return ext2_corrupt(s, "fast symlink of inode",
					    in->ino);
		memcpy(buf, EXT2_I(in)->i_block, n);
		buf[n] = '\0';
		return (long)n;
	}
	err = ext2_bmap(in, 0, false, &blk);
	if (!err && !blk)
		err = ext2_corrupt(s, "symlink without a block, inode",
				   in->ino);
	if (!err)
		err = ext2_bread(s, blk, &b);
	if (err)
		return err;
	memcpy(buf, b->data, n);
	buf[n] = '\0';
	brelse(b);
	return (long)n;
}

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
	.release = ext2_release,
	.write_inode = ext2_write_inode,
};

const struct inode_ops ext2_special_iops = {
	.release = ext2_release,
	.write_inode = ext2_write_inode,
};
