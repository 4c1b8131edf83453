/*
 * ext2 (kernel/fs/ext2/): the second extended file system, read and
 * written; ext4 images read-only (extents read). This header holds the
 * on-disk structures (little-endian, as x86 is) and what the files of
 * ext2/ share.
 *
 * The disk: block 0 (or 1 with 1 KiB blocks) holds the superblock at
 * byte 1024; the blocks are split in groups, each with a block bitmap,
 * an inode bitmap and a table of inodes, listed by the group descriptor
 * table after the superblock. A file's blocks are found through its
 * inode: 12 direct block numbers, then one indirect, one double and one
 * triple indirect block (ext4: a tree of extents instead).
 *
 * In memory: metadata (superblock, descriptors, bitmaps, inode tables,
 * indirect blocks, directories, slow symlinks) goes through the buffer
 * cache (<kernel/blkdev.h>); regular files' data through the page cache,
 * by bios straight to and from its pages. An inode cache by number makes
 * hard links share one struct inode. Each positive dentry is pinned (as
 * tmpfs's are) so that names, inodes and their pages stay cached until
 * umount.
 *
 * Locking: namespace_lock (held by every call that changes or looks up
 * names) serialises directory changes; an inode's lock guards its block
 * map (write, truncate, write-back); alloc_lock the bitmaps, group
 * descriptors and free counts; icache_lock the inode cache.
 * Errors: a corrupt structure gives -EUCLEAN with a log line (Linux's
 * EFSCORRUPTED), a failed read -EIO; nothing panics.
 */
#ifndef EXT2_H
#define EXT2_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/blkdev.h>
#include <kernel/fs.h>
#include <kernel/list.h>
#include <kernel/sched.h>

#define EXT2_MAGIC 0xef53
#define EXT2_SUPER_OFFSET 1024
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR 12
#define EXT2_IND 12
#define EXT2_DIND 13
#define EXT2_TIND 14
#define EXT2_NBLOCKS 15

#define EXT2_STATE_CLEAN 1
#define EXT2_STATE_ERRORS 2

/* Features (s_feature_*): what this driver knows. */
#define EXT2_COMPAT_HAS_JOURNAL 0x4
#define EXT2_INCOMPAT_FILETYPE 0x2
#define EXT2_INCOMPAT_RECOVER 0x4
#define EXT2_INCOMPAT_META_BG 0x10
#define EXT2_INCOMPAT_EXTENTS 0x40
#define EXT2_INCOMPAT_64BIT 0x80
#define EXT2_INCOMPAT_FLEX_BG 0x200
#define EXT2_INCOMPAT_CSUM_SEED 0x2000
#define EXT2_INCOMPAT_LARGEDIR 0x4000
#define EXT2_RO_COMPAT_SPARSE_SUPER 0x1
#define EXT2_RO_COMPAT_LARGE_FILE 0x2
/* Written and read here. */
#define EXT2_INCOMPAT_RW EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_RW \
	(EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE)
/* Read only (ext4's): the rest make a disk unreadable here. */
#define EXT2_INCOMPAT_RO                                                       \
	(EXT2_INCOMPAT_FILETYPE | EXT2_INCOMPAT_RECOVER |                      \
	 EXT2_INCOMPAT_EXTENTS | EXT2_INCOMPAT_64BIT | EXT2_INCOMPAT_FLEX_BG | \
	 EXT2_INCOMPAT_CSUM_SEED | EXT2_INCOMPAT_LARGEDIR)

/* Inode flags. */
#define EXT2_INDEX_FL 0x1000	/* hashed directory (not kept up here) */
#define EXT4_EXTENTS_FL 0x80000 /* i_block holds an extent tree */

struct ext2_super {
	uint32_t s_inodes_count, s_blocks_count, s_r_blocks_count;
	uint32_t s_free_blocks_count, s_free_inodes_count;
	uint32_t s_first_data_block, s_log_block_size, s_log_frag_size;
	uint32_t s_blocks_per_group, s_frags_per_group, s_inodes_per_group;
	uint32_t s_mtime, s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic, s_state, s_errors, s_minor_rev_level;
	uint32_t s_lastcheck, s_checkinterval, s_creator_os, s_rev_level;
	uint16_t s_def_resuid, s_def_resgid;
	/* revision 1 */
	uint32_t s_first_ino;
	uint16_t s_inode_size, s_block_group_nr;
	uint32_t s_feature_compat, s_feature_incompat, s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks, s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum, s_journal_dev, s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version, s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts, s_first_meta_bg, s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint32_t s_blocks_count_hi, s_r_blocks_count_hi, s_free_blocks_hi;
	uint8_t s_rest[1024 - 348];
};

struct ext2_group_desc {
	uint32_t bg_block_bitmap, bg_inode_bitmap, bg_inode_table;
	uint16_t bg_free_blocks_count, bg_free_inodes_count;
	uint16_t bg_used_dirs_count, bg_flags;
	uint32_t bg_exclude_bitmap;
	uint16_t bg_block_bitmap_csum, bg_inode_bitmap_csum;
	uint16_t bg_itable_unused, bg_checksum;
	/* 64bit, when s_desc_size >= 64 */
	uint32_t bg_block_bitmap_hi, bg_inode_bitmap_hi, bg_inode_table_hi;
};

struct ext2_disk_inode {
	uint16_t i_mode, i_uid;
	uint32_t i_size;
	uint32_t i_atime, i_ctime, i_mtime, i_dtime;
	uint16_t i_gid, i_links_count;
	uint32_t i_blocks, i_flags, i_osd1;
	uint32_t i_block[EXT2_NBLOCKS];
	uint32_t i_generation, i_file_acl, i_size_high, i_faddr;
	uint16_t i_blocks_hi, i_file_acl_high, i_uid_high, i_gid_high;
	uint16_t i_checksum_lo, i_reserved;
};

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len, file_type; /* file_type: name_len's high byte in
				      * revision 0 without FILETYPE */
	char name[];
};

#define EXT2_DIRENT_HEAD 8
#define EXT2_DIRENT_LEN(name_len) ((EXT2_DIRENT_HEAD + (name_len) + 3) & ~3u)

/* dirent file_type values. */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHR 3
#define EXT2_FT_BLK 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_LNK 7

/* ---- in memory ---------------------------------------------------------- */

#define EXT2_ICACHE_SIZE 256

struct ext2_sb {
	struct super_block *sb;
	struct block_device *bdev;
	struct buffer *sbuf; /* holds the superblock, for the mount's life */
	struct ext2_super *es;
	struct buffer **gdbuf; /* the descriptor table's blocks, held */
	unsigned int gd_blocks;
	uint32_t block_size, log_block; /* log2(block_size) */
	uint32_t groups, blocks_per_group, inodes_per_group;
	uint32_t first_data_block, inode_size, first_ino, desc_size;
	uint64_t blocks_count;
	uint32_t inodes_count;
	uint32_t addr_per_block; /* block numbers in an indirect block */
	bool filetype, read_only;
	struct mutex alloc_lock; /* bitmaps, descriptors, free counts */
	struct spinlock icache_lock;
	struct list_head icache[EXT2_ICACHE_SIZE];
};

/* An inode's ext2 part (inode->priv). */
struct ext2_inode {
	struct inode *vfs;
	uint32_t i_block[EXT2_NBLOCKS];
	uint32_t flags, dtime, generation, file_acl;
	uint32_t block_group;
	uint64_t last_block; /* the last allocated: the next one's goal */
	struct list_head hash_link;
	bool hashed; /* in the inode cache (else a copy being dropped) */
	struct ext2_dindex *dindex; /* a large directory's (dir_index.c) */
	/* bmap.c's last leaf indirect block: (first file block it maps
	 * << 32) | its disk block, 0 if none; atomic, as one word. */
	uint64_t map_leaf;
};

static inline struct ext2_sb *EXT2_SB(const struct super_block *sb)
{
	return sb->priv;
}

static inline struct ext2_inode *EXT2_I(const struct inode *in)
{
	return in->priv;
}

/* super.c */
extern struct fs_type ext2_fs_type;
/* Log a corruption and give -EUCLEAN. */
int ext2_corrupt(struct ext2_sb *s, const char *what, uint64_t n);
void ext2_super_dirty(struct ext2_sb *s);
/* The descriptor of group g (its buffer dirty with ext2_gd_dirty). */
struct ext2_group_desc *ext2_gd(struct ext2_sb *s, uint32_t g);
void ext2_gd_dirty(struct ext2_sb *s, uint32_t g);
uint64_t ext2_gd_block_bitmap(struct ext2_sb *s, uint32_t g);
uint64_t ext2_gd_inode_bitmap(struct ext2_sb *s, uint32_t g);
uint64_t ext2_gd_inode_table(struct ext2_sb *s, uint32_t g);
/* Is blk a block that may hold data (not before or past the disk)? */
bool ext2_block_valid(struct ext2_sb *s, uint64_t blk);
int ext2_bread(struct ext2_sb *s, uint64_t blk, struct buffer **out);

/* balloc.c: a new block near goal (its buffer not touched), a freed one. */
int ext2_alloc_block(struct ext2_sb *s, uint64_t goal, uint64_t *out);
int ext2_free_block(struct ext2_sb *s, uint64_t blk);
/* ialloc.c: a free inode number for a new inode (dir: of mode
 * S_IFDIR) near the group of parent; an inode number freed. */
int ext2_alloc_ino(struct ext2_sb *s, uint32_t parent_group, bool dir,
		   uint32_t *out);
int ext2_free_ino(struct ext2_sb *s, uint32_t ino, bool dir);

/* inode.c */
/* The inode of number ino, referenced: 0 or -errno. */
int ext2_iget(struct ext2_sb *s, uint32_t ino, struct inode **out);
/* A new inode of mode in dir (allocated, in the cache): 0 or -errno. */
int ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t rdev,
		   struct inode **out);
int ext2_write_inode(struct inode *in);
void ext2_release(struct inode *in);
void ext2_set_ops(struct inode *in);

/* bmap.c: the disk block of file block lblk: 0 with *out (0: a hole,
 * unless create, which allocates it and the indirect blocks above). */
int ext2_bmap(struct inode *in, uint64_t lblk, bool create, uint64_t *out);
/*
 * For reading: map up to n blocks from lblk into out (0 for a hole), with
 * one look at their leaf indirect block: how many were mapped (at least
 * 1), or -errno.
 */
int ext2_bmap_run(struct inode *in, uint64_t lblk, unsigned int n,
		  uint64_t *out);
/* Free the blocks of file block lblk on: 0 or -errno. */
int ext2_free_blocks_from(struct inode *in, uint64_t lblk);
/* ext4's extent tree (extents.c), read only: as ext2_bmap. */
int ext2_extent_bmap(struct inode *in, uint64_t lblk, uint64_t *out);
uint64_t ext2_max_blocks(struct ext2_sb *s);

/* file.c */
extern const struct inode_ops ext2_file_iops;
extern const struct file_ops ext2_file_fops;

/* dir_index.c: a large directory's names and free room, in memory. */
struct ext2_dindex;
uint32_t ext2_name_hash(const char *name, size_t len);
/* An empty index for nblocks blocks and about names names; NULL. */
struct ext2_dindex *ext2_dindex_new(uint64_t nblocks, uint64_t names);
void ext2_dindex_free(struct ext2_dindex *x);
/* A name of hash is in block lblk: 0, -ENOMEM. */
int ext2_dindex_add(struct ext2_dindex *x, uint32_t hash, uint64_t lblk);
/* It is gone from lblk. */
void ext2_dindex_remove(struct ext2_dindex *x, uint32_t hash, uint64_t lblk);
/* fn(lblk, arg) for each block said to hold a name of hash, until it
 * returns anything but -ENOENT: that, or -ENOENT. */
int ext2_dindex_find(const struct ext2_dindex *x, uint32_t hash,
		     int (*fn)(uint64_t lblk, void *arg), void *arg);
/* Block lblk (possibly new) has room for an entry of room bytes. */
int ext2_dindex_set_room(struct ext2_dindex *x, uint64_t lblk, uint32_t room);
/* The first block with room for need bytes, or UINT64_MAX. */
uint64_t ext2_dindex_room_for(const struct ext2_dindex *x, uint32_t need);

/* dir.c: directory blocks and entries. */
extern const struct file_ops ext2_dir_fops;
/* The inode number of name in dir (0: none): 0 or -errno. */
int ext2_dir_find(struct inode *dir, const char *name, size_t len,
		  uint32_t *ino);
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode);
int ext2_dir_remove(struct inode *dir, const char *name, size_t len);
/* Point the existing entry name at ino (rename over a name). */
int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode);
/* Only "." and ".."? true, or false with *err on an error. */
bool ext2_dir_empty(struct inode *dir, int *err);
/* A new directory's first block ("." and ".."). */
int ext2_dir_init(struct inode *dir, uint32_t parent_ino);

/* namei.c */
extern const struct inode_ops ext2_dir_iops;
/* symlink.c */
extern const struct inode_ops ext2_symlink_iops, ext2_special_iops;
int ext2_symlink_write(struct inode *in, const char *target, size_t len);

#endif
