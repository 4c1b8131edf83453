/*
 * Helpers of the ext2 host tests and fuzzer: see ext2_host.h.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>
#include <kernel/fs.h>

#include "../../kernel/fs/ext2/ext2.h"
#include "ext2_host.h"

long ext2_host_mount(struct block_device *bdev, const char *mnt,
		     unsigned long flags)
{
	static bool registered;
	char node[32];
	long err;

	if (!registered) {
		ext2_init();
		registered = true;
	}
	snprintf(node, sizeof(node), "/disk_%x", bdev->dev);
	err = sys_mknodat(AT_FDCWD, UPTR(node), S_IFBLK | 0600,
			  (MAJOR(bdev->dev) << 8) | MINOR(bdev->dev), 0, 0);
	if (err && err != -EEXIST)
		return err;
	err = sys_mkdirat(AT_FDCWD, UPTR(mnt), 0755, 0, 0, 0);
	if (err && err != -EEXIST)
		return err;
	return vfs_host_mount(node, mnt, "ext2", flags, NULL);
}

static long file_io(const char *path, void *buf, size_t n, uint64_t off,
		    int oflags, bool write)
{
	long fd = sys_openat(AT_FDCWD, UPTR(path), oflags, 0644, 0, 0), ret;
	struct file *f;

	if (fd < 0)
		return fd;
	f = fd_get((int)fd);
	if (write)
		ret = f->ops->write ? f->ops->write(f, (uintptr_t)buf, n, off)
				    : -EINVAL;
	else
		ret = f->ops->read ? f->ops->read(f, (uintptr_t)buf, n, off)
				   : -EINVAL;
	file_put(f);
	sys_close(fd, 0, 0, 0, 0, 0);
	return ret;
}

long ext2_host_write(const char *path, const void *buf, size_t n, uint64_t off,
		     int oflags)
{
	return file_io(path, (void *)buf, n, off, O_WRONLY | oflags, true);
}

long ext2_host_read(const char *path, void *buf, size_t n, uint64_t off)
{
	return file_io(path, buf, n, off, O_RDONLY, false);
}

struct names {
	struct dir_context ctx;
	char (*name)[256];
	int n, max;
};

static int collect(struct dir_context *ctx, const char *name, size_t len,
		   uint64_t ino, unsigned int type)
{
	struct names *nm = (struct names *)ctx;

	if (nm->n == nm->max)
		return 1;
	memcpy(nm->name[nm->n], name, len);
	nm->name[nm->n++][len] = '\0';
	return 0;
}

#define WALK_MAX_DEPTH 12
#define WALK_MAX_NAMES 1024

static long walk(const char *path, int depth, bool stop, long *budget)
{
	struct names nm = {{collect}, NULL, 0, WALK_MAX_NAMES};
	struct inode *in;
	long err = path_lookup(AT_FDCWD, path, true, &in), fd, seen = 0;
	static char buf[65536];

	if (err)
		return stop ? err : 0;
	if (S_ISREG(in->mode)) {
		for (uint64_t off = 0; off < in->size && off < (1u << 22);
		     off += sizeof(buf)) {
			err = ext2_host_read(path, buf, sizeof(buf), off);
			if (err <= 0)
				break;
		}
	} else if (S_ISLNK(in->mode) && in->ops->readlink) {
		err = in->ops->readlink(in, buf, 4096);
	}
	if (!S_ISDIR(in->mode) || depth >= WALK_MAX_DEPTH) {
		inode_put(in);
		return err < 0 && stop ? err : 1;
	}
	inode_put(in);
	fd = sys_openat(AT_FDCWD, UPTR(path), O_RDONLY | O_DIRECTORY, 0, 0, 0);
	if (fd < 0)
		return stop ? fd : 1;
	nm.name = malloc(sizeof(*nm.name) * WALK_MAX_NAMES);
	{
		struct file *f = fd_get((int)fd);

		err = f->ops->readdir(f, &nm.ctx);
		file_put(f);
	}
	sys_close(fd, 0, 0, 0, 0, 0);
	if (err && stop) {
		free(nm.name);
		return err;
	}
	for (int i = 0; i < nm.n && --*budget > 0; i++) {
		char sub[1024];
		long r;

		if (!strcmp(nm.name[i], ".") || !strcmp(nm.name[i], ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, nm.name[i]);
		r = walk(sub, depth + 1, stop, budget);
		if (r < 0) {
			free(nm.name);
			return r;
		}
		seen += r;
	}
	free(nm.name);
	return seen + 1;
}

long ext2_host_walk(const char *path, bool stop_on_error)
{
	long budget = 5000;

	return walk(path, 0, stop_on_error, &budget);
}
