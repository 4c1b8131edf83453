/*
 * ext2 inodes: the on-disk inode read into a struct inode (checked),
 * written back from it (write_inode), made for new files and freed at
 * the last reference of a file with no name left. The inode cache finds
 * the struct inode of a number while anything holds it, so that two
 * names of one file (hard links) share it, its page cache and its lock.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "../fs_priv.h"
#include "ext2.h"

static struct list_head *bucket(struct ext2_sb *s, uint32_t ino)
{
	return &s->icache[ino % EXT2_ICACHE_SIZE];
}

/*
 * The cached inode of ino, referenced: NULL if none; -EAGAIN in *busy if
 * it is being evicted (its last reference went: wait for it to go).
 */
static struct inode *icache_find(struct ext2_sb *s, uint32_t ino, bool *busy)
{
	unsigned long flags = spin_lock_irqsave(&s->icache_lock);
	struct ext2_inode *e;
	struct inode *found = NULL;

	*busy = false;
	list_for_each_entry(e, bucket(s, ino), hash_link)
	{
		int ref;

		if (e->vfs->ino != ino)
			continue;
		ref = __atomic_load_n(&e->vfs->refcount, __ATOMIC_ACQUIRE);
		while (ref > 0 &&
		       !__atomic_compare_exchange_n(
			       &e->vfs->refcount, &ref, ref + 1, false,
			       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
		if (ref > 0)
			found = e->vfs;
		else
			*busy = true;
		break;
	}
	spin_unlock_irqrestore(&s->icache_lock, flags);
	return found;
}

/* Add in unless ino is there already: the one to use, referenced. */
static struct inode *icache_add(struct ext2_sb *s, struct inode *in)
{
	bool busy;
	struct inode *old = icache_find(s, (uint32_t)in->ino, &busy);
	unsigned long flags;

	if (old || busy)
		return old;
	flags = spin_lock_irqsave(&s->icache_lock);
	list_add(&EXT2_I(in)->hash_link, bucket(s, (uint32_t)in->ino));
	EXT2_I(in)->hashed = true;
	spin_unlock_irqrestore(&s->icache_lock, flags);
	return in;
}

static void icache_remove(struct ext2_sb *s, struct inode *in)
{
	unsigned long flags = spin_lock_irqsave(&s->icache_lock);

	list_del(&EXT2_I(in)->hash_link);
	spin_unlock_irqrestore(&s->icache_lock, flags);
}

/* The buffer holding inode ino and its place in it. */
static int inode_buf(struct ext2_sb *s, uint32_t ino, struct buffer **b,
		     struct ext2_disk_inode **raw)
{
	uint32_t g, i;
	uint64_t off;
	int err;

	if (ino == 0 || ino > s->inodes_count)
		return ext2_corrupt(s, "inode number", ino);
	g = (ino - 1) / s->inodes_per_group;
	i = (ino - 1) % s->inodes_per_group;
	off = (uint64_t)i * s->inode_size;
	err = ext2_bread(s, ext2_gd_inode_table(s, g) + off / s->block_size, b);
	if (!err)
		*raw = (struct ext2_disk_inode *)((char *)(*b)->data +
						  off % s->block_size);
	return err;
}

static uint32_t decode_dev(const uint32_t *blk)
{
	uint32_t major, minor;

	if (blk[0]) /* the old 8:8 encoding */
		return MKDEV((blk[0] >> 8) & 0xff, blk[0] & 0xff);
	major = (blk[1] >> 8) & 0xfff;
	minor = (blk[1] & 0xff) | ((blk[1] >> 12) & 0xfff00);
	return MKDEV(major, minor & 0xff);
}

static int check_raw(struct ext2_sb *s, uint32_t ino,
		     const struct ext2_disk_inode *r)
{
	uint32_t type = r->i_mode & S_IFMT;

	if (!r->i_links_count)
		return ext2_corrupt(s, "a name for a deleted inode", ino);
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK &&
	    type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return ext2_corrupt(s, "mode of inode", ino);
	return 0;
}

/* The struct inode of raw. */
static void fill_inode(struct ext2_sb *s, struct inode *in,
		       const struct ext2_disk_inode *r)
{
	struct ext2_inode *e = EXT2_I(in);

	in->mode = r->i_mode;
	in->uid = r->i_uid | (uint32_t)r->i_uid_high << 16;
	in->gid = r->i_gid | (uint32_t)r->i_gid_high << 16;
	in->nlink = r->i_links_count;
	in->size = r->i_size;
	if (S_ISREG(in->mode) || S_ISDIR(in->mode))
		in->size |= (uint64_t)r->i_size_high << 32;
	in->atime = (struct timespec_k){r->i_atime, 0};
	in->mtime = (struct timespec_k){r->i_mtime, 0};
	in->ctime = (struct timespec_k){r->i_ctime, 0};
	in->disk_blocks = r->i_blocks | (uint64_t)r->i_blocks_hi << 32;
	memcpy(e->i_block, r->i_block, sizeof(e->i_block));
	e->flags = r->i_flags;
	e->dtime = r->i_dtime;
	e->generation = r->i_generation;
	e->file_acl = r->i_file_acl;
	e->block_group = (uint32_t)((in->ino - 1) / s->inodes_per_group);
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode))
		in->rdev = decode_dev(e->i_block);
}

static struct inode *alloc_inode(struct ext2_sb *s, uint32_t ino, uint32_t mode)
{
	struct inode *in = inode_alloc(s->sb, mode, NULL, NULL);
	struct ext2_inode *e = kzalloc(sizeof(*e));

	if (!in || !e) {
		kfree(e);
		if (in) {
			in->nlink = 0;
			inode_put(in); /* no priv: release has nothing to do */
		}
		return NULL;
	}
	e->vfs = in;
	list_init(&e->hash_link);
	in->priv = e;
	in->ino = ino;
	return in;
}

/* Drop in, never cached nor named: its release must neither write it
 * nor free its number (both may be another file's). */
static void discard_inode(struct inode *in)
{
	kfree(in->priv);
	in->priv = NULL;
	in->nlink = 0;
	inode_put(in);
}

/* Read inode ino from the disk into a new struct inode. */
static int read_inode(struct ext2_sb *s, uint32_t ino, struct inode **out)
{
	struct ext2_disk_inode *r;
	struct buffer *b;
	struct inode *in;
	int err = inode_buf(s, ino, &b, &r);

	if (err)
		return err;
	err = check_raw(s, ino, r);
	in = err ? NULL : alloc_inode(s, ino, r->i_mode);
	if (!err && !in)
		err = -ENOMEM;
	if (!err)
		fill_inode(s, in, r);
	brelse(b);
	if (!err && S_ISREG(in->mode) && in->size > FILE_SIZE_MAX)
		err = ext2_corrupt(s, "size of inode", ino);
	if (err && in) {
		discard_inode(in);
		return err;
	}
	if (!err) {
		ext2_set_ops(in);
		*out = in;
	}
	return err;
}

int ext2_iget(struct ext2_sb *s, uint32_t ino, struct inode **out)
{
	for (;;) {
		bool busy;
		struct inode *in = icache_find(s, ino, &busy), *got;
		int err;

		if (in) {
			*out = in;
			return 0;
		}
		if (busy) { /* its eviction finishes soon */
			sched_yield();
			continue;
		}
		err = read_inode(s, ino, &in);
		if (err)
			return err;
		got = icache_add(s, in);
		if (got == in) {
			*out = in;
			return 0;
		}
		in->nlink = 0; /* another read it meanwhile: ours goes */
		inode_put(in);
		if (got) {
			*out = got;
			return 0;
		}
	}
}

static uint32_t encode_dev_old(uint32_t dev)
{
	return (MAJOR(dev) << 8) | MINOR(dev);
}

/* in's fields into raw (which keeps what this driver does not know). */
static void store_inode(struct inode *in, struct ext2_disk_inode *r)
{
	struct ext2_inode *e = EXT2_I(in);

	r->i_mode = (uint16_t)in->mode;
	r->i_uid = (uint16_t)in->uid;
	r->i_uid_high = (uint16_t)(in->uid >> 16);
	r->i_gid = (uint16_t)in->gid;
	r->i_gid_high = (uint16_t)(in->gid >> 16);
	r->i_links_count = (uint16_t)in->nlink;
	r->i_size = (uint32_t)in->size;
	r->i_size_high = S_ISREG(in->mode) || S_ISDIR(in->mode)
				 ? (uint32_t)(in->size >> 32)
				 : r->i_size_high;
	r->i_atime = (uint32_t)in->atime.sec;
	r->i_mtime = (uint32_t)in->mtime.sec;
	r->i_ctime = (uint32_t)in->ctime.sec;
	r->i_dtime = e->dtime;
	r->i_blocks = (uint32_t)in->disk_blocks;
	r->i_blocks_hi = (uint16_t)(in->disk_blocks >> 32);
	r->i_flags = e->flags;
	r->i_generation = e->generation;
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		memset(r->i_block, 0, sizeof(r->i_block));
		r->i_block[0] = encode_dev_old(in->rdev);
	} else {
		memcpy(r->i_block, e->i_block, sizeof(r->i_block));
	}
}

int ext2_write_inode(struct inode *in)
{
	struct ext2_sb *s = EXT2_SB(in->sb);
	struct ext2_disk_inode *r;
	struct buffer *b;
	int err;

	if (s->read_only)
		return 0;
	err = inode_buf(s, (uint32_t)in->ino, &b, &r);
	if (err)
		return err;
	store_inode(in, r);
	buffer_mark_dirty(b);
	brelse(b);
	return 0;
}

/*
 * A new inode on the disk: its slot zeroed but for the extra fields'
 * size, which e2fsck wants sane in large inodes. -EEXIST if the slot
 * holds a live inode: a corrupt bitmap called it free, and zeroing it
 * would lose that file.
 */
static int clear_disk_inode(struct ext2_sb *s, uint32_t ino)
{
	struct ext2_disk_inode *r;
	struct buffer *b;
	int err = inode_buf(s, ino, &b, &r);

	if (err)
		return err;
	if (r->i_links_count) {
		brelse(b);
		ext2_corrupt(s, "inode bitmap frees live inode", ino);
		return -EEXIST;
	}
	memset(r, 0, s->inode_size);
	buffer_mark_dirty(b);
	brelse(b);
	return 0;
}

/*
 * Cache new inode in: -EEXIST if its number is cached already, i.e. in
 * use (a corrupt bitmap). icache_add's reference to that one goes back.
 */
static int icache_claim(struct ext2_sb *s, struct inode *in)
{
	for (;;) {
		struct inode *got = icache_add(s, in);

		if (got == in)
			return 0;
		if (got) {
			inode_put(got);
			ext2_corrupt(s, "inode bitmap frees cached inode",
				     in->ino);
			return -EEXIST;
		}
		sched_yield(); /* its last holder's eviction finishes soon */
	}
}

/*
 * An inode number from the bitmap, its slot zeroed and cached. A slot
 * that is live on the disk is left alone; one cached but not live there
 * is a new inode not yet written back or a deleted one still open, and
 * loses nothing to the zeroing. A number found in use (-EEXIST) stays
 * allocated, as the bitmap should have had it; on any other failure it
 * is freed again.
 */
static int claim_new_inode(struct ext2_sb *s, uint32_t group, uint32_t mode,
			   struct inode **out)
{
	struct inode *in;
	uint32_t ino;
	int err = ext2_alloc_ino(s, group, S_ISDIR(mode), &ino);

	if (err)
		return err;
	/* The slot first: once cached, the inode can be found by others,
	 * and could no longer be dropped quietly. */
	err = clear_disk_inode(s, ino);
	in = err ? NULL : alloc_inode(s, ino, mode);
	if (!err && !in)
		err = -ENOMEM;
	if (!err)
		err = icache_claim(s, in);
	if (!err) {
		*out = in;
		return 0;
	}
	if (in)
		discard_inode(in);
	if (err != -EEXIST)
		ext2_free_ino(s, ino, S_ISDIR(mode));
	return err;
}

/* Numbers in use that a new inode skips before giving up (each try
 * marks one more of them used, so a corrupt bitmap heals as it goes). */
#define EXT2_NEW_INODE_TRIES 32

int ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t rdev,
		   struct inode **out)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	const struct cred *c = fs_cred();
	struct inode *in;
	int err = -EEXIST;

	for (int k = 0; k < EXT2_NEW_INODE_TRIES && err == -EEXIST; k++)
		err = claim_new_inode(s, EXT2_I(dir)->block_group, mode, &in);
	if (err)
		return err == -EEXIST ? -EUCLEAN : err;
	in->uid = c->fsuid;
	in->gid = c->fsgid;
	if (dir->mode & S_ISGID) { /* BSD group semantics */
		in->gid = dir->gid;
		if (S_ISDIR(mode))
			in->mode |= S_ISGID;
	}
	in->rdev = rdev;
	EXT2_I(in)->block_group =
		(uint32_t)((in->ino - 1) / s->inodes_per_group);
	/* Inherited flags are not kept: none of them is done here. */
	ext2_set_ops(in);
	inode_mark_dirty(in, INODE_DIRTY_META);
	*out = in;
	return 0;
}

/*
 * The eviction hook: a file with no name left loses its blocks and its
 * inode (the dtime tells e2fsck it was deleted); writeback.c wrote back
 * the others already.
 */
void ext2_release(struct inode *in)
{
	struct ext2_inode *e = EXT2_I(in);
	struct ext2_sb *s = EXT2_SB(in->sb);
	int err = 0;

	if (!e)
		return;
	if (e->hashed && in->nlink == 0 && !s->read_only) {
		inode_drop_pages(in, 0);
		if (!S_ISLNK(in->mode) || in->disk_blocks)
			err = ext2_free_blocks_from(in, 0);
		e->dtime =
			(uint32_t)in->ctime.sec ? (uint32_t)in->ctime.sec : 1;
		in->size = 0;
		if (!err)
			err = ext2_write_inode(in);
		if (!err)
			err = ext2_free_ino(s, (uint32_t)in->ino,
					    S_ISDIR(in->mode));
		if (err)
			klog(KLOG_ERR, "ext2: inode %lu not freed (%d)\n",
			     (unsigned long)in->ino, err);
	}
	if (e->hashed)
		icache_remove(s, in);
	ext2_dindex_free(e->dindex);
	kfree(e);
	in->priv = NULL;
}

void ext2_set_ops(struct inode *in)
{
	switch (in->mode & S_IFMT) {
	case S_IFREG:
		in->ops = &ext2_file_iops;
		in->fops = &ext2_file_fops;
		break;
	case S_IFDIR:
		in->ops = &ext2_dir_iops;
		in->fops = &ext2_dir_fops;
		break;
	case S_IFLNK:
		in->ops = &ext2_symlink_iops;
		break;
	default:
		in->ops = &ext2_special_iops;
		in->fops = special_fops(in->mode, in->rdev);
	}
}
