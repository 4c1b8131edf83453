/*
 * Read-only filesystem readers for the boot medium: ISO9660 (CDs) and FAT
 * (FAT12/16/32, hard-disk partitions). fs_mount() probes which one a block
 * device holds; paths are absolute, '/'-separated, matched without regard to
 * case (ISO9660 ";1" version suffixes are ignored).
 */
#ifndef RASTBOOT_FS_H
#define RASTBOOT_FS_H

#include "blockdev.h"

struct fs;

/* An open file: enough to read it back, no allocation behind it. */
struct fs_file {
	uint64_t size;
	uint64_t loc; /* ISO9660: first byte offset; FAT: first cluster */
	uint32_t is_dir;
};

struct fs_ops {
	const char *name;
	/* 0 if dev holds this filesystem; -EINVAL if not; -EIO; -EUCLEAN if corrupt. */
	int (*mount)(struct fs *fs);
	/* The root directory. */
	void (*root)(const struct fs *fs, struct fs_file *root);
	/*
	 * The entry name (len bytes, no '/') of directory dir: 0, -ENOENT,
	 * -EIO, -EUCLEAN (corrupt). fs_open() walks paths with it.
	 */
	int (*lookup)(const struct fs *fs, const struct fs_file *dir,
		      const char *name, size_t len, struct fs_file *out);
	/* Read exactly len bytes at off; -EINVAL past EOF, -EIO, -EUCLEAN. */
	int (*read)(struct fs *fs, const struct fs_file *file, uint64_t off,
		    void *buf, size_t len);
};

struct fs {
	const struct fs_ops *ops;
	struct blockdev *dev;
	union {
		struct {
			uint64_t root_loc; /* root directory extent, bytes */
			uint64_t root_size;
			uint32_t block_size;
			uint32_t rock_ridge; /* SUSP "SP" seen: parse "NM" */
			uint32_t susp_skip;  /* SP's LEN_SKP: bytes to skip */
		} iso;
		struct {
			uint32_t type; /* 12, 16 or 32 */
			uint32_t bytes_per_sector;
			uint32_t sectors_per_cluster;
			uint64_t fat_start;  /* byte offsets in the window */
			uint64_t root_start; /* FAT12/16 fixed root dir */
			uint32_t root_entries;
			uint32_t root_cluster; /* FAT32 */
			uint64_t data_start;
			uint32_t cluster_count;
		} fat;
	} u;
};

extern const struct fs_ops iso9660_ops;
extern const struct fs_ops fat_ops;

/* Longest path component the readers compare (VFAT and Rock Ridge: 255). */
#define FS_NAME_MAX 255

/*
 * For the readers: split the next component off *path, skipping '/' runs
 * and "." components. Returns 1 with *name and *len set, 0 when the path is
 * used up, -ENAMETOOLONG, or -ENOENT for ".." (the readers keep no parent
 * chain to climb).
 */
int fs_path_next(const char **path, const char **name, size_t *len);

/* Probe ISO9660 then FAT on dev; 0 with fs->ops set, or -EINVAL if neither. */
int fs_mount(struct fs *fs, struct blockdev *dev);
int fs_open(struct fs *fs, const char *path, struct fs_file *file);
int fs_read(struct fs *fs, const struct fs_file *file, uint64_t off, void *buf,
	    size_t len);

#endif
