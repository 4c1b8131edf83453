/*
 * ext2 directories: blocks of variable-length entries (inode, rec_len,
 * name_len, file_type, name), read through the buffer cache. Every block
 * is checked as it is read (each entry within the block, its name within
 * the entry, its inode number within the disk), so that a corrupt one is
 * an error (-EUCLEAN), never a loop or an overrun. An entry with inode 0
 * is free space; a removed entry joins its predecessor's rec_len.
 */
#include <kernel/errno.h>
#include <kernel/string.h>

#include "ext2.h"

/* A directory's blocks: its size in blocks. */
static uint64_t dir_blocks(struct ext2_sb *s, struct inode *dir)
{
	return dir->size >> s->log_block;
}

static unsigned int name_len_of(struct ext2_sb *s, const struct ext2_dirent *de)
{
	return s->filetype ? de->name_len
			   : (unsigned int)(de->name_len | de->file_type << 8);
}

static struct ext2_dirent *at(struct buffer *b, uint32_t off)
{
	return (struct ext2_dirent *)((char *)b->data + off);
}

/* Every entry of b (block lblk of dir) sane? 0, -EUCLEAN. */
static int check_block(struct ext2_sb *s, struct inode *dir, struct buffer *b,
		       uint64_t lblk)
{
	for (uint32_t off = 0; off < s->block_size;) {
		struct ext2_dirent *de = at(b, off);
		unsigned int nl = name_len_of(s, de);

		if (off + EXT2_DIRENT_HEAD > s->block_size ||
		    de->rec_len < EXT2_DIRENT_HEAD || de->rec_len % 4 ||
		    off + de->rec_len > s->block_size ||
		    (de->inode && (nl == 0 || nl > 255 ||
				   EXT2_DIRENT_LEN(nl) > de->rec_len)) ||
		    de->inode > s->inodes_count)
			return ext2_corrupt(s, "directory entry in inode",
					    dir->ino);
		off += de->rec_len;
	}
	(void)lblk;
	return 0;
}

/* Block lblk of dir, read and checked (a hole in a directory is not). */
static int dir_block(struct inode *dir, uint64_t lblk, struct buffer **out)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t blk;
	int err = ext2_bmap(dir, lblk, false, &blk);

	if (!err && !blk)
		err = ext2_corrupt(s, "hole in directory", dir->ino);
	if (!err)
		err = ext2_bread(s, blk, out);
	if (!err && (err = check_block(s, dir, *out, lblk)))
		brelse(*out);
	return err;
}

static bool name_is(struct ext2_sb *s, const struct ext2_dirent *de,
		    const char *name, size_t len)
{
	return de->inode && name_len_of(s, de) == len &&
	       !memcmp(de->name, name, len);
}

#define INDEX_MIN_BLOCKS 8 /* smaller directories are simply scanned */

/* Where find_entry found a name, and what it looked for. */
struct found {
	struct inode *dir;
	const char *name;
	size_t len;
	struct buffer *b; /* referenced */
	uint64_t lblk;
	uint32_t off, prev; /* prev: UINT32_MAX if the first entry */
};

/* Is f's name in block lblk? 0 (f filled), -ENOENT, or -errno. */
static int search_block(uint64_t lblk, void *arg)
{
	struct found *f = arg;
	struct ext2_sb *s = EXT2_SB(f->dir->sb);
	uint32_t p = UINT32_MAX;
	int err = dir_block(f->dir, lblk, &f->b);

	if (err)
		return err;
	for (uint32_t o = 0; o < s->block_size; o += at(f->b, o)->rec_len) {
		if (name_is(s, at(f->b, o), f->name, f->len)) {
			f->lblk = lblk;
			f->off = o;
			f->prev = p;
			return 0;
		}
		p = o;
	}
	brelse(f->b);
	return -ENOENT;
}

/* The largest entry that fits in b (dir_index.c's room). */
static uint32_t block_room(struct ext2_sb *s, struct buffer *b)
{
	uint32_t best = 0;

	for (uint32_t o = 0; o < s->block_size; o += at(b, o)->rec_len) {
		struct ext2_dirent *de = at(b, o);
		uint32_t used =
			de->inode ? EXT2_DIRENT_LEN(name_len_of(s, de)) : 0;

		best = MAX(best, de->rec_len - used);
	}
	return best;
}

/* The index of dir is not to be trusted (or could not be kept up). */
static void drop_index(struct inode *dir)
{
	ext2_dindex_free(EXT2_I(dir)->dindex);
	EXT2_I(dir)->dindex = NULL;
}

/* Index a large directory from one pass over its blocks (on failure it
 * is simply scanned, and the error comes again from there). */
static void build_index(struct inode *dir)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t n = dir_blocks(s, dir);
	struct ext2_dindex *x = ext2_dindex_new(n, n * 16);
	int err = x ? 0 : -ENOMEM;

	EXT2_I(dir)->dindex = x;
	for (uint64_t lblk = 0; lblk < n && !err; lblk++) {
		struct buffer *b;

		err = dir_block(dir, lblk, &b);
		if (err)
			break;
		for (uint32_t o = 0; o < s->block_size && !err;
		     o += at(b, o)->rec_len) {
			struct ext2_dirent *de = at(b, o);

			if (de->inode)
				err = ext2_dindex_add(
					x,
					ext2_name_hash(de->name,
						       name_len_of(s, de)),
					lblk);
		}
		if (!err)
			err = ext2_dindex_set_room(x, lblk, block_room(s, b));
		brelse(b);
	}
	if (err)
		drop_index(dir);
}

/*
 * The entry named name: 0 with f filled (f->b referenced), -ENOENT, or
 * -errno. A large directory is looked up through its index: only the
 * blocks that hold a name of the same hash are read.
 */
static int find_entry(struct inode *dir, const char *name, size_t len,
		      struct found *f)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);

	*f = (struct found){.dir = dir, .name = name, .len = len};
	if (!EXT2_I(dir)->dindex && dir_blocks(s, dir) >= INDEX_MIN_BLOCKS)
		build_index(dir);
	if (EXT2_I(dir)->dindex)
		return ext2_dindex_find(EXT2_I(dir)->dindex,
					ext2_name_hash(name, len), search_block,
					f);
	for (uint64_t lblk = 0; lblk < dir_blocks(s, dir); lblk++) {
		int err = search_block(lblk, f);

		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

/* Block lblk (held in b) of dir changed: its room, in the index. */
static void index_room(struct inode *dir, uint64_t lblk, struct buffer *b)
{
	struct ext2_dindex *x = EXT2_I(dir)->dindex;

	if (x && ext2_dindex_set_room(x, lblk, block_room(EXT2_SB(dir->sb), b)))
		drop_index(dir);
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len,
		  uint32_t *ino)
{
	struct found f;
	int err = find_entry(dir, name, len, &f);

	*ino = 0;
	if (err)
		return err == -ENOENT ? 0 : err;
	*ino = at(f.b, f.off)->inode;
	brelse(f.b);
	return 0;
}

static uint8_t mode_to_ft(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHR;
	case S_IFBLK:
		return EXT2_FT_BLK;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_LNK;
	}
	return EXT2_FT_UNKNOWN;
}

static void set_entry(struct ext2_sb *s, struct ext2_dirent *de,
		      const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = s->filetype ? mode_to_ft(mode) : 0;
	memcpy(de->name, name, len);
}

/* The directory changed: dated, and no longer indexed (the hash tree
 * of dir_index is not kept up here; e2fsck rebuilds it if asked). */
static void dir_changed(struct inode *dir)
{
	EXT2_I(dir)->flags &= ~EXT2_INDEX_FL;
	inode_touch(dir, true);
}

/* Room for an entry of need bytes in b: its offset, or UINT32_MAX. */
static uint32_t room_in(struct ext2_sb *s, struct buffer *b, uint32_t need)
{
	for (uint32_t o = 0; o < s->block_size; o += at(b, o)->rec_len) {
		struct ext2_dirent *de = at(b, o);
		uint32_t used =
			de->inode ? EXT2_DIRENT_LEN(name_len_of(s, de)) : 0;

		if (de->rec_len >= used + need) {
			if (used) { /* split: the new one takes the rest */
				at(b, o + used)->rec_len =
					(uint16_t)(de->rec_len - used);
				de->rec_len = (uint16_t)used;
				return o + used;
			}
			return o;
		}
	}
	return UINT32_MAX;
}

/* A new last block for dir, with one free entry covering it. */
static int grow(struct inode *dir, struct buffer **out)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t blk;
	int err = ext2_bmap(dir, dir_blocks(s, dir), true, &blk);

	if (!err)
		err = bget_zero(s->bdev, blk, s->block_size, out);
	if (err)
		return err;
	at(*out, 0)->rec_len = (uint16_t)s->block_size;
	dir->size += s->block_size;
	return 0;
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint32_t need = EXT2_DIRENT_LEN(len), off = UINT32_MAX;
	struct buffer *b = NULL;
	int err = 0;

	uint64_t lblk = 0, nblocks = dir_blocks(s, dir);
	struct ext2_dindex *x = EXT2_I(dir)->dindex;

	if (len == 0 || len > 255)
		return -ENAMETOOLONG;
	if (x) { /* straight to a block with room, if there is one */
		lblk = ext2_dindex_room_for(x, need);
		if (lblk == UINT64_MAX)
			lblk = nblocks;
	}
	for (; lblk < nblocks; lblk++) {
		err = dir_block(dir, lblk, &b);
		if (err)
			return err;
		off = room_in(s, b, need);
		if (off != UINT32_MAX)
			break;
		brelse(b);
		if (x) { /* it said there was room: not to be trusted */
			drop_index(dir);
			x = NULL;
			lblk = UINT64_MAX; /* then 0: scan them all */
		}
	}
	if (off == UINT32_MAX) {
		err = grow(dir, &b);
		if (err)
			return err;
		lblk = dir_blocks(s, dir) - 1;
		off = 0;
	}
	set_entry(s, at(b, off), name, len, ino, mode);
	buffer_mark_dirty(b);
	index_room(dir, lblk, b);
	if (EXT2_I(dir)->dindex &&
	    ext2_dindex_add(EXT2_I(dir)->dindex, ext2_name_hash(name, len),
			    lblk))
		drop_index(dir);
	brelse(b);
	dir_changed(dir);
	return 0;
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len)
{
	struct found f;
	int err = find_entry(dir, name, len, &f);

	if (err)
		return err;
	if (f.prev == UINT32_MAX)
		at(f.b, f.off)->inode = 0;
	else
		at(f.b, f.prev)->rec_len += at(f.b, f.off)->rec_len;
	buffer_mark_dirty(f.b);
	if (EXT2_I(dir)->dindex)
		ext2_dindex_remove(EXT2_I(dir)->dindex,
				   ext2_name_hash(name, len), f.lblk);
	index_room(dir, f.lblk, f.b);
	brelse(f.b);
	dir_changed(dir);
	return 0;
}

int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	struct found f;
	int err = find_entry(dir, name, len, &f);

	if (err)
		return err;
	at(f.b, f.off)->inode = ino;
	at(f.b, f.off)->file_type = s->filetype ? mode_to_ft(mode) : 0;
	buffer_mark_dirty(f.b);
	brelse(f.b);
	dir_changed(dir);
	return 0;
}

bool ext2_dir_empty(struct inode *dir, int *err)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);

	*err = 0;
	for (uint64_t lblk = 0; lblk < dir_blocks(s, dir); lblk++) {
		struct buffer *b;

		*err = dir_block(dir, lblk, &b);
		if (*err)
			return false;
		for (uint32_t o = 0; o < s->block_size;
		     o += at(b, o)->rec_len) {
			struct ext2_dirent *de = at(b, o);

			if (de->inode && !name_is(s, de, ".", 1) &&
			    !name_is(s, de, "..", 2)) {
				brelse(b);
				return false;
			}
		}
		brelse(b);
	}
	return true;
}

int ext2_dir_init(struct inode *dir, uint32_t parent_ino)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	struct buffer *b;
	int err = grow(dir, &b);

	if (err)
		return err;
	set_entry(s, at(b, 0), ".", 1, (uint32_t)dir->ino, S_IFDIR);
	at(b, 0)->rec_len = 12;
	set_entry(s, at(b, 12), "..", 2, parent_ino, S_IFDIR);
	at(b, 12)->rec_len = (uint16_t)(s->block_size - 12);
	buffer_mark_dirty(b);
	brelse(b);
	return 0;
}

/* ---- readdir ------------------------------------------------------------ */

static unsigned int ft_to_dt(struct ext2_sb *s, uint8_t ft)
{
	static const unsigned char dt[] = {DT_UNKNOWN, DT_REG, DT_DIR,
					   DT_CHR,     DT_BLK, DT_FIFO,
					   DT_SOCK,    DT_LNK};

	return s->filetype && ft < sizeof(dt) ? dt[ft] : DT_UNKNOWN;
}

/* The entries of one block from offset *pos on; true: stop (emit full). */
static bool emit_block(struct ext2_sb *s, struct buffer *b, uint64_t base,
		       struct file *f, struct dir_context *ctx)
{
	uint32_t from = (uint32_t)(f->pos - base);

	for (uint32_t o = 0; o < s->block_size; o += at(b, o)->rec_len) {
		struct ext2_dirent *de = at(b, o);

		if (o < from)
			continue;
		if (de->inode &&
		    ctx->emit(ctx, de->name, name_len_of(s, de), de->inode,
			      ft_to_dt(s, de->file_type))) {
			f->pos = base + o;
			return true;
		}
		f->pos = base + o + de->rec_len;
	}
	return false;
}

/* f->pos is a byte offset in the directory; an entry removed meanwhile
 * is skipped, as the walk resumes at the first entry at or after it. */
static int ext2_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct ext2_sb *s = EXT2_SB(dir->sb);
	int err = 0;

	mutex_lock(&dir->lock);
	while (f->pos < (dir_blocks(s, dir) << s->log_block)) {
		uint64_t lblk = f->pos >> s->log_block;
		struct buffer *b;
		bool stop;

		err = dir_block(dir, lblk, &b);
		if (err)
			break;
		stop = emit_block(s, b, lblk << s->log_block, f, ctx);
		brelse(b);
		if (stop)
			break;
		f->pos = (lblk + 1) << s->log_block;
	}
	mutex_unlock(&dir->lock);
	file_accessed(f);
	return err;
}

const struct file_ops ext2_dir_fops = {
	.readdir = ext2_readdir,
	.seekable = true,
};
