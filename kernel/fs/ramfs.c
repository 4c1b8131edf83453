/*
 * Reading the in-memory tree's files and directories: read(2) copies from
 * the page cache (<kernel/fs.h>), getdents64 lists a directory's names
 * (".", "..", then the entries in order; the position counts entries).
 * The tree is read-only for now: writes fail with EROFS.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

static long file_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct inode *in = f->inode;
	size_t done = 0;

	if (pos >= in->size)
		return 0;
	n = MIN(n, in->size - pos);
	while (done < n) {
		uint64_t off = (pos + done) % PAGE_SIZE;
		size_t chunk = MIN(n - done, PAGE_SIZE - off);
		struct page *page;
		int err = inode_get_page(in, (pos + done) / PAGE_SIZE, &page);

		if (err)
			return done ? (long)done : err;
		err = copy_to_user(ubuf + done, (char *)page_address(page) + off,
				   chunk);
		page_put(page);
		if (err)
			return done ? (long)done : err;
		done += chunk;
	}
	return (long)done;
}

static long file_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return -EROFS;
}

const struct file_ops ramfs_file_ops = {
	.read = file_read,
	.write = file_write,
	.seekable = true,
};

static unsigned char dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return DT_REG;
	case S_IFDIR:
		return DT_DIR;
	case S_IFLNK:
		return DT_LNK;
	case S_IFCHR:
		return DT_CHR;
	case S_IFBLK:
		return DT_BLK;
	case S_IFIFO:
		return DT_FIFO;
	case S_IFSOCK:
		return DT_SOCK;
	}
	return DT_UNKNOWN;
}

/* One linux_dirent64 at ubuf: its size, 0 if it does not fit, -EFAULT. */
static long put_dirent(uintptr_t ubuf, size_t room, uint64_t ino,
		       uint64_t next, unsigned char type, const char *name)
{
	size_t len = strlen(name), reclen = ALIGN_UP(19 + len + 1, 8);
	char rec[19 + NAME_MAX + 1 + 8] = {0};
	uint16_t r16 = (uint16_t)reclen;

	if (reclen > room)
		return 0;
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &next, 8);
	memcpy(rec + 16, &r16, 2);
	rec[18] = (char)type;
	memcpy(rec + 19, name, len + 1);
	return copy_to_user(ubuf, rec, reclen) ? -EFAULT : (long)reclen;
}

/* The name and inode of entry number pos of dir, or false past the end. */
static bool nth_entry(struct inode *dir, uint64_t pos, const char **name,
		      struct inode **in)
{
	struct dentry *d;
	uint64_t i = 2;

	if (pos < 2) {
		*name = pos ? ".." : ".";
		*in = pos ? (dir->parent ? dir->parent : dir) : dir;
		return true;
	}
	list_for_each_entry(d, &dir->children, link)
	{
		if (i++ == pos) {
			*name = d->name;
			*in = d->inode;
			return true;
		}
	}
	return false;
}

static long dir_readdir(struct file *f, uintptr_t ubuf, size_t n)
{
	size_t done = 0;
	const char *name;
	struct inode *in;

	while (nth_entry(f->inode, f->pos, &name, &in)) {
		long r = put_dirent(ubuf + done, n - done, in->ino, f->pos + 1,
				    dtype(in->mode), name);

		if (r < 0)
			return done ? (long)done : r;
		if (r == 0)
			return done ? (long)done : -EINVAL; /* too small */
		done += (size_t)r;
		f->pos++;
	}
	return (long)done;
}

static long dir_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return -EISDIR;
}

const struct file_ops ramfs_dir_ops = {
	.read = dir_read,
	.write = file_write,
	.readdir = dir_readdir,
	.seekable = true,
};
