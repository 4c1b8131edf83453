/*
 * ext2's superblock and group descriptors: mount (checks of every field
 * the rest relies on, the features), statfs, sync_fs and umount, with
 * the superblock's state (not clean while mounted read-write), mount
 * count and times kept as e2fsck expects them.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "../fs_priv.h"
#include "ext2.h"

_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock");
_Static_assert(sizeof(struct ext2_disk_inode) == 128, "ext2 inode");

#define EXT2_SUPER_MAGIC 0xef53

int ext2_corrupt(struct ext2_sb *s, const char *what, uint64_t n)
{
	klog(KLOG_ERR, "ext2 (%s): corrupt: %s %lu\n",
	     s->bdev ? s->bdev->name : "?", what, (unsigned long)n);
	return -EUCLEAN;
}

bool ext2_block_valid(struct ext2_sb *s, uint64_t blk)
{
	return blk >= s->first_data_block && blk < s->blocks_count;
}

int ext2_bread(struct ext2_sb *s, uint64_t blk, struct buffer **out)
{
	if (!ext2_block_valid(s, blk))
		return ext2_corrupt(s, "block number", blk);
	return bread(s->bdev, blk, s->block_size, out);
}

struct ext2_group_desc *ext2_gd(struct ext2_sb *s, uint32_t g)
{
	uint64_t off = (uint64_t)g * s->desc_size;

	return (struct ext2_group_desc *)((char *)s->gdbuf[off / s->block_size]
						  ->data +
					  off % s->block_size);
}

void ext2_gd_dirty(struct ext2_sb *s, uint32_t g)
{
	buffer_mark_dirty(s->gdbuf[(uint64_t)g * s->desc_size / s->block_size]);
}

static uint64_t gd_hi(struct ext2_sb *s, uint32_t hi)
{
	return s->desc_size >= 64 ? (uint64_t)hi << 32 : 0;
}

uint64_t ext2_gd_block_bitmap(struct ext2_sb *s, uint32_t g)
{
	struct ext2_group_desc *d = ext2_gd(s, g);

	return d->bg_block_bitmap | gd_hi(s, d->bg_block_bitmap_hi);
}

uint64_t ext2_gd_inode_bitmap(struct ext2_sb *s, uint32_t g)
{
	struct ext2_group_desc *d = ext2_gd(s, g);

	return d->bg_inode_bitmap | gd_hi(s, d->bg_inode_bitmap_hi);
}

uint64_t ext2_gd_inode_table(struct ext2_sb *s, uint32_t g)
{
	struct ext2_group_desc *d = ext2_gd(s, g);

	return d->bg_inode_table | gd_hi(s, d->bg_inode_table_hi);
}

void ext2_super_dirty(struct ext2_sb *s)
{
	buffer_mark_dirty(s->sbuf);
}

static uint32_t now_sec(void)
{
	return (uint32_t)(clock_realtime_ns() / (int64_t)NSEC_PER_SEC);
}

/* ---- the checks of a superblock ----------------------------------------- */

/* The geometry: 0 or -EUCLEAN/-EINVAL, with a log line. */
static int check_geometry(struct ext2_sb *s, const struct ext2_super *es)
{
	uint64_t dev_blocks;

	if (es->s_magic != EXT2_SUPER_MAGIC) {
		klog(KLOG_ERR, "ext2 (%s): no ext2 superblock (magic %#x)\n",
		     s->bdev->name, es->s_magic);
		return -EINVAL;
	}
	if (es->s_log_block_size > 2)
		return ext2_corrupt(s, "log block size", es->s_log_block_size);
	s->log_block = 10 + es->s_log_block_size;
	s->block_size = 1u << s->log_block;
	s->blocks_count = es->s_blocks_count;
	if (es->s_feature_incompat & EXT2_INCOMPAT_64BIT)
		s->blocks_count |= (uint64_t)es->s_blocks_count_hi << 32;
	s->first_data_block = es->s_first_data_block;
	s->blocks_per_group = es->s_blocks_per_group;
	s->inodes_per_group = es->s_inodes_per_group;
	s->inodes_count = es->s_inodes_count;
	dev_blocks = s->bdev->sectors >> (s->log_block - SECTOR_SHIFT);
	if (s->blocks_count > dev_blocks)
		return ext2_corrupt(s, "block count beyond the device",
				    s->blocks_count);
	if (s->first_data_block != (s->block_size == 1024 ? 1u : 0u))
		return ext2_corrupt(s, "first data block", s->first_data_block);
	if (!s->blocks_per_group || s->blocks_per_group > 8 * s->block_size ||
	    s->blocks_count <= s->first_data_block)
		return ext2_corrupt(s, "blocks per group", s->blocks_per_group);
	s->groups = (uint32_t)((s->blocks_count - s->first_data_block +
				s->blocks_per_group - 1) /
			       s->blocks_per_group);
	if (!s->inodes_per_group || s->inodes_per_group > 8 * s->block_size ||
	    (uint64_t)s->inodes_per_group * s->groups != s->inodes_count)
		return ext2_corrupt(s, "inodes per group", s->inodes_per_group);
	return 0;
}

/* Revision-dependent sizes: 0 or -EUCLEAN. */
static int check_revision(struct ext2_sb *s, const struct ext2_super *es)
{
	s->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	s->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	s->desc_size = 32;
	if (es->s_rev_level == 0)
		return 0;
	if (es->s_rev_level != 1)
		return ext2_corrupt(s, "revision", es->s_rev_level);
	s->inode_size = es->s_inode_size;
	s->first_ino = es->s_first_ino;
	if (s->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    s->inode_size > s->block_size ||
	    (s->inode_size & (s->inode_size - 1)))
		return ext2_corrupt(s, "inode size", s->inode_size);
	if (s->first_ino <= EXT2_ROOT_INO || s->first_ino > s->inodes_count)
		return ext2_corrupt(s, "first inode", s->first_ino);
	if (es->s_feature_incompat & EXT2_INCOMPAT_64BIT) {
		s->desc_size = es->s_desc_size ? es->s_desc_size : 32;
		if (s->desc_size < 32 || s->desc_size > s->block_size ||
		    (s->desc_size & (s->desc_size - 1)))
			return ext2_corrupt(s, "descriptor size", s->desc_size);
	}
	return 0;
}

/*
 * The features: unknown incompatible ones refuse the disk, unknown
 * read-only-compatible ones (and ext4's that are only read) make the
 * mount read-only. 0, -EINVAL; *ro set.
 */
static int check_features(struct ext2_sb *s, const struct ext2_super *es,
			  bool *ro)
{
	uint32_t inc = es->s_rev_level ? es->s_feature_incompat : 0;
	uint32_t roc = es->s_rev_level ? es->s_feature_ro_compat : 0;

	if (inc & ~EXT2_INCOMPAT_RO) {
		klog(KLOG_ERR,
		     "ext2 (%s): unsupported incompatible features %#x: "
		     "not mounted\n",
		     s->bdev->name, inc & ~EXT2_INCOMPAT_RO);
		return -EINVAL;
	}
	if ((inc & ~EXT2_INCOMPAT_RW) || (roc & ~EXT2_RO_COMPAT_RW)) {
		if (!*ro)
			klog(KLOG_WARN,
			     "ext2 (%s): features incompat %#x ro_compat %#x "
			     "are read here but not written: mounted "
			     "read-only\n",
			     s->bdev->name, inc & ~EXT2_INCOMPAT_RW,
			     roc & ~EXT2_RO_COMPAT_RW);
		*ro = true;
	}
	if (inc & EXT2_INCOMPAT_RECOVER)
		klog(KLOG_WARN,
		     "ext2 (%s): the journal needs recovery, which "
		     "is not done here: files may be stale\n",
		     s->bdev->name);
	s->filetype = inc & EXT2_INCOMPAT_FILETYPE;
	return 0;
}

/* The group descriptors, held; each group's metadata within the disk. */
static int load_groups(struct ext2_sb *s)
{
	uint64_t first = s->first_data_block + 1;

	if (s->es->s_rev_level &&
	    (s->es->s_feature_incompat & EXT2_INCOMPAT_META_BG)) {
		klog(KLOG_ERR, "ext2 (%s): meta_bg is not supported\n",
		     s->bdev->name);
		return -EINVAL;
	}
	s->gd_blocks = (unsigned int)(((uint64_t)s->groups * s->desc_size +
				       s->block_size - 1) /
				      s->block_size);
	s->gdbuf = kcalloc(s->gd_blocks, sizeof(*s->gdbuf));
	if (!s->gdbuf)
		return -ENOMEM;
	for (unsigned int i = 0; i < s->gd_blocks; i++) {
		int err = ext2_bread(s, first + i, &s->gdbuf[i]);

		if (err)
			return err;
	}
	for (uint32_t g = 0; g < s->groups; g++) {
		if (!ext2_block_valid(s, ext2_gd_block_bitmap(s, g)) ||
		    !ext2_block_valid(s, ext2_gd_inode_bitmap(s, g)) ||
		    !ext2_block_valid(s, ext2_gd_inode_table(s, g)) ||
		    ext2_gd_inode_table(s, g) + (uint64_t)s->inodes_per_group *
							s->inode_size /
							s->block_size >
			    s->blocks_count)
			return ext2_corrupt(s, "group descriptor of group", g);
	}
	return 0;
}

/* ---- super_ops ---------------------------------------------------------- */

static int ext2_statfs(struct super_block *sb, struct statfs_k *st)
{
	struct ext2_sb *s = EXT2_SB(sb);
	struct ext2_super *es = s->es;
	uint64_t free = es->s_free_blocks_count, rsv = es->s_r_blocks_count;

	st->f_bsize = st->f_frsize = s->block_size;
	st->f_blocks = s->blocks_count - s->first_data_block;
	st->f_bfree = free;
	st->f_bavail = free > rsv ? free - rsv : 0;
	st->f_files = s->inodes_count;
	st->f_ffree = es->s_free_inodes_count;
	st->f_namelen = 255;
	return 0;
}

static int ext2_sync_fs(struct super_block *sb, bool wait)
{
	struct ext2_sb *s = EXT2_SB(sb);

	if (s->read_only)
		return 0;
	mutex_lock(&s->alloc_lock);
	s->es->s_wtime = now_sec();
	ext2_super_dirty(s);
	mutex_unlock(&s->alloc_lock);
	(void)wait; /* blkdev_sync always waits */
	return blkdev_sync(s->bdev);
}

static void ext2_free_sb(struct ext2_sb *s)
{
	if (s->gdbuf) {
		for (unsigned int i = 0; i < s->gd_blocks; i++)
			if (s->gdbuf[i])
				brelse(s->gdbuf[i]);
		kfree(s->gdbuf);
	}
	if (s->sbuf)
		brelse(s->sbuf);
	blkdev_release(s->bdev);
	kfree(s);
}

/*
 * The last umount: every name and inode goes (written back first), then
 * the superblock says clean again, and all of it reaches the disk.
 */
static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	int err = sync_super(sb, true);

	d_drop_tree(sb->root);
	sb->root = NULL;
	if (!s->read_only) {
		err = sync_super(sb, true) ?: err;
		s->es->s_state = EXT2_STATE_CLEAN;
		ext2_super_dirty(s);
		err = blkdev_sync(s->bdev) ?: err;
	}
	if (err)
		klog(KLOG_ERR, "ext2 (%s): umount: write-back failed (%d)\n",
		     s->bdev->name, err);
	writeback_unregister(sb);
	ext2_free_sb(s);
	kfree(sb);
}

static const struct super_ops ext2_super_ops = {
	.statfs = ext2_statfs,
	.put_super = ext2_put_super,
	.sync_fs = ext2_sync_fs,
};

/* ---- mount -------------------------------------------------------------- */

/* The block device source names: a path to a block special file. */
static int source_bdev(const char *source, struct block_device **out)
{
	struct inode *in;
	int err;

	if (!source)
		return -EINVAL;
	err = path_lookup(AT_FDCWD, source, false, &in);
	if (err)
		return err;
	if (!S_ISBLK(in->mode))
		err = -ENOTBLK;
	else if (!(*out = blkdev_by_dev(in->rdev)))
		err = -ENXIO;
	inode_put(in);
	return err;
}

/* Read and check the superblock of s->bdev: 0 or -errno. */
static int load_super(struct ext2_sb *s, bool *ro)
{
	struct ext2_super *es;
	struct buffer *b;
	uint32_t bs = 1024;
	int err;

	/* The block size is in the superblock: read it as 1 KiB first. */
	err = bread(s->bdev, 1, 1024, &b);
	if (err)
		return err;
	es = b->data;
	if (es->s_magic == EXT2_SUPER_MAGIC && es->s_log_block_size <= 2)
		bs = 1024u << es->s_log_block_size;
	brelse(b);
	err = bread(s->bdev, bs == 1024 ? 1 : 0, bs, &s->sbuf);
	if (err)
		return err;
	s->es = es = (struct ext2_super *)((char *)s->sbuf->data +
					   (bs == 1024 ? 0 : 1024));
	err = check_geometry(s, es);
	if (!err)
		err = check_revision(s, es);
	if (!err)
		err = check_features(s, es, ro);
	if (!err)
		s->addr_per_block = s->block_size / 4;
	return err;
}

/* A read-write mount: not clean until umount; counted; dated. */
static void mark_mounted(struct ext2_sb *s)
{
	struct ext2_super *es = s->es;

	if (!(es->s_state & EXT2_STATE_CLEAN))
		klog(KLOG_WARN,
		     "ext2 (%s): mounting a file system not cleanly "
		     "unmounted: run e2fsck\n",
		     s->bdev->name);
	if ((int16_t)es->s_max_mnt_count > 0 &&
	    es->s_mnt_count >= (uint16_t)es->s_max_mnt_count)
		klog(KLOG_WARN, "ext2 (%s): maximal mount count reached\n",
		     s->bdev->name);
	es->s_state &= (uint16_t)~EXT2_STATE_CLEAN;
	es->s_mnt_count++;
	es->s_mtime = now_sec();
	ext2_super_dirty(s);
}

static int fill_super(struct ext2_sb *s, struct super_block *sb, bool ro)
{
	struct inode *root;
	int err = load_super(s, &ro);

	if (!err)
		err = load_groups(s);
	if (err)
		return err;
	s->read_only = ro || s->bdev->read_only;
	sb->priv = s;
	sb->magic = EXT2_SUPER_MAGIC;
	sb->dev = s->bdev->dev;
	if (s->read_only)
		sb->flags |= MS_RDONLY;
	writeback_register(sb);
	sb->dentries_reclaimable = true;
	err = ext2_iget(s, EXT2_ROOT_INO, &root);
	if (!err && !S_ISDIR(root->mode)) {
		err = ext2_corrupt(s, "root inode mode", root->mode);
		inode_put(root);
	}
	if (err) {
		writeback_unregister(sb);
		return err;
	}
	sb->root = d_make_root(sb, root);
	if (!sb->root) {
		writeback_unregister(sb);
		return -ENOMEM;
	}
	if (!s->read_only)
		mark_mounted(s);
	return 0;
}

static int ext2_mount(const struct fs_type *type, const char *source,
		      unsigned long flags, const char *options,
		      struct super_block **out)
{
	struct block_device *bdev = NULL;
	struct super_block *sb;
	struct ext2_sb *s;
	int err = source_bdev(source, &bdev);

	(void)options;
	if (err)
		return err;
	err = blkdev_claim(bdev);
	if (err)
		return err;
	sb = super_alloc(type, &ext2_super_ops);
	s = kzalloc(sizeof(*s));
	if (!sb || !s) {
		kfree(sb);
		kfree(s);
		blkdev_release(bdev);
		return -ENOMEM;
	}
	s->sb = sb;
	s->bdev = bdev;
	mutex_init(&s->alloc_lock, "ext2 alloc");
	spin_lock_init(&s->icache_lock, "ext2 icache", LOCK_RANK_WB + 1);
	for (unsigned int i = 0; i < EXT2_ICACHE_SIZE; i++)
		list_init(&s->icache[i]);
	err = fill_super(s, sb, flags & MS_RDONLY);
	if (err) {
		ext2_free_sb(s);
		kfree(sb);
		return err;
	}
	klog(KLOG_INFO, "ext2 (%s): mounted %s, %u-byte blocks, %s\n",
	     bdev->name, source, s->block_size,
	     s->read_only ? "read-only" : "read-write");
	*out = sb;
	return 0;
}

int ext2_probe_uuid(struct block_device *bdev, uint8_t uuid[16])
{
	struct ext2_super *es = kmalloc(sizeof(*es));
	int err;

	if (!es)
		return -ENOMEM;
	/* Read around the buffer cache: a probe must not leave buffers of
	 * a device that a mount may claim with another block size. */
	err = blkdev_read(bdev, 1024, es, sizeof(*es));
	if (!err && es->s_magic != EXT2_SUPER_MAGIC)
		err = -EINVAL;
	if (!err)
		memcpy(uuid, es->s_uuid, 16);
	kfree(es);
	return err;
}

struct fs_type ext2_fs_type = {
	.name = "ext2",
	.mount = ext2_mount,
};

/* mount -t ext3/ext4 reach the same driver (which mounts what it can). */
static struct fs_type ext3_fs_type = {.name = "ext3", .mount = ext2_mount};
static struct fs_type ext4_fs_type = {.name = "ext4", .mount = ext2_mount};

void ext2_init(void)
{
	if (fs_register(&ext2_fs_type) || fs_register(&ext3_fs_type) ||
	    fs_register(&ext4_fs_type))
		klog(KLOG_ERR, "ext2: not registered\n");
}
