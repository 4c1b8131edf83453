/*
 * Shared by the filesystem host tests: a block device backed by an image in
 * memory (with an optional patch list and truncation, so thousands of
 * corrupt variants need no copies), the list of images make-fs-images.sh
 * builds, and a walk over the source tree the images were made from.
 */
#ifndef FS_IMAGE_H
#define FS_IMAGE_H

/* Users define _POSIX_C_SOURCE before any include, for opendir(). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"

#define MEMDEV_PATCHES 16

struct memdev_patch {
	uint64_t off;
	uint32_t len;
	uint8_t bytes[8];
};

struct memdev {
	struct blockdev dev;
	const uint8_t *data;
	uint64_t size; /* bytes of data; the rest of the last sector reads 0 */
	int npatches;
	struct memdev_patch patch[MEMDEV_PATCHES];
	unsigned long calls; /* dev->ops->read calls, to check batching */
};

static inline void memdev_apply(const struct memdev *m, uint64_t off,
				uint64_t n, uint8_t *buf)
{
	for (int i = 0; i < m->npatches; i++) {
		const struct memdev_patch *p = &m->patch[i];

		for (uint32_t j = 0; j < p->len; j++)
			if (p->off + j >= off && p->off + j < off + n)
				buf[p->off + j - off] = p->bytes[j];
	}
}

static inline int memdev_read(struct blockdev *dev, uint64_t lba,
			      uint32_t count, void *buf)
{
	struct memdev *m = dev->priv;
	uint64_t off = lba * dev->sector_size;
	uint64_t n = (uint64_t)count * dev->sector_size;
	uint64_t have = 0;

	if (lba > dev->sectors || count > dev->sectors - lba)
		return -EIO;
	m->calls++;
	if (off < m->size)
		have = n < m->size - off ? n : m->size - off;
	if (have)
		memcpy(buf, m->data + off, have);
	memset((uint8_t *)buf + have, 0, n - have);
	memdev_apply(m, off, n, buf);
	return 0;
}

static const struct blockdev_ops memdev_ops = {.read = memdev_read};

static inline void memdev_init(struct memdev *m, const uint8_t *data,
			       uint64_t size, uint32_t sector_size)
{
	memset(m, 0, sizeof(*m));
	m->data = data;
	m->size = size;
	m->dev.ops = &memdev_ops;
	m->dev.priv = m;
	m->dev.sector_size = sector_size;
	m->dev.sectors = (size + sector_size - 1) / sector_size;
}

/* Overwrite len (<= 8) bytes at off, little-endian value v. */
static inline void memdev_patch(struct memdev *m, uint64_t off, uint32_t len,
				uint64_t v)
{
	struct memdev_patch *p;

	if (m->npatches == MEMDEV_PATCHES)
		return;
	p = &m->patch[m->npatches++];
	p->off = off;
	p->len = len;
	for (uint32_t i = 0; i < len; i++)
		p->bytes[i] = (uint8_t)(v >> (8 * i));
}

/* The images make-fs-images.sh builds, and how each is read. */
struct fs_image {
	const char *file;
	uint32_t sector_size; /* of the device the test puts it on */
	const char *fs_name;
	int fat_type; /* 0 for ISO9660 */
	int rock_ridge;
};

static const struct fs_image fs_images[] = {
	{"rr.iso", 2048, "iso9660", 0, 1},
	{"rr.iso", 512, "iso9660", 0, 1}, /* as on a USB stick */
	{"plain.iso", 2048, "iso9660", 0, 0},
	{"fat12.img", 512, "fat", 12, 0},
	{"fat16.img", 512, "fat", 16, 0},
	{"fat32.img", 512, "fat", 32, 0},
	{"fat16-4k.img", 4096, "fat", 16, 0},
};

static inline int fs_image_is_plain_iso(const struct fs_image *img)
{
	return img->fat_type == 0 && !img->rock_ridge;
}

static inline char fs_image_char(const struct fs_image *img, char c)
{
	if (!fs_image_is_plain_iso(img) || c == '.' || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return c;
	return '_';
}

/*
 * The name a path has on img: without Rock Ridge, xorriso upper-cases,
 * turns what is not a d-character into '_' and cuts names to 31 characters
 * keeping the extension (the reader ignores case; the mapping matters).
 */
static inline void fs_image_path(const struct fs_image *img, const char *path,
				 char *out, size_t outlen)
{
	size_t o = 0;

	while (*path && o + 1 < outlen) {
		size_t n = strcspn(path, "/"), keep = n;
		const char *dot = memchr(path, '.', n);

		if (fs_image_is_plain_iso(img) && n > 31 && dot)
			keep = 31 - (size_t)(path + n - dot);
		for (size_t i = 0; i < n && o + 1 < outlen; i++) {
			if (i == keep) /* too long: skip to the extension */
				i = (size_t)(dot - path);
			out[o++] = fs_image_char(img, path[i]);
		}
		path += n;
		if (*path == '/' && o + 1 < outlen)
			out[o++] = *path++;
	}
	out[o] = '\0';
}

static inline uint8_t *fs_image_load(const char *dir, const char *file,
				     size_t *size)
{
	char path[4096];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Every regular file under dir/src, as "/a/b" paths, sorted by readdir. */
#define FS_TREE_MAX 256

struct fs_tree {
	int count;
	char path[FS_TREE_MAX][512];
};

static inline void fs_tree_walk(struct fs_tree *t, const char *root,
				const char *rel)
{
	char full[4096];
	struct dirent *d;
	DIR *dir;

	snprintf(full, sizeof(full), "%s%s", root, rel);
	dir = opendir(full);
	if (!dir)
		return;
	while ((d = readdir(dir)) != NULL && t->count < FS_TREE_MAX) {
		char sub[512];
		struct stat st;

		if (d->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name) >=
			    (int)sizeof(sub) ||
		    snprintf(full, sizeof(full), "%s%s", root, sub) >=
			    (int)sizeof(full) ||
		    stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			fs_tree_walk(t, root, sub);
		else
			memcpy(t->path[t->count++], sub, sizeof(sub));
	}
	closedir(dir);
}

static inline void fs_tree_load(struct fs_tree *t, const char *imgdir)
{
	char root[4096];

	t->count = 0;
	snprintf(root, sizeof(root), "%s/src", imgdir);
	fs_tree_walk(t, root, "");
}

/* Entry of cluster cl in the active FAT of a mounted (valid) image. */
static inline uint32_t fs_image_fat_get(const struct fs *fs,
					const uint8_t *data, uint32_t cl)
{
	const uint8_t *fat = data + fs->u.fat.fat_start;

	switch (fs->u.fat.type) {
	case 12: {
		uint32_t v = get_le16(fat + cl + cl / 2);

		return cl & 1 ? v >> 4 : v & 0xfff;
	}
	case 16:
		return get_le16(fat + 2 * (uint64_t)cl);
	default:
		return get_le32(fat + 4 * (uint64_t)cl) & 0x0fffffff;
	}
}

/* Patch the entry of cluster cl to val (FAT12: keep the other nibble). */
static inline void fs_image_fat_set(struct memdev *m, const struct fs *fs,
				    uint32_t cl, uint32_t val)
{
	uint64_t at = fs->u.fat.fat_start;

	switch (fs->u.fat.type) {
	case 12: {
		uint32_t old = get_le16(m->data + at + cl + cl / 2);

		val &= 0xfff;
		val = cl & 1 ? (old & 0x000f) | val << 4 : (old & 0xf000) | val;
		memdev_patch(m, at + cl + cl / 2, 2, val);
		break;
	}
	case 16:
		memdev_patch(m, at + 2 * (uint64_t)cl, 2, val);
		break;
	default:
		memdev_patch(m, at + 4 * (uint64_t)cl, 4, val);
		break;
	}
}

/* True if v ends a chain on this FAT type. */
static inline int fs_image_fat_eoc(const struct fs *fs, uint32_t v)
{
	return v >= (fs->u.fat.type == 12   ? 0xff8u
		     : fs->u.fat.type == 16 ? 0xfff8u
					    : 0x0ffffff8u);
}

/* The image directory: argv[1], else $FS_IMAGES. */
static inline const char *fs_image_dir(int argc, char **argv)
{
	if (argc > 1)
		return argv[1];
	return getenv("FS_IMAGES");
}

#endif
