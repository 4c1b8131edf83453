/*
 * getdents64 and getdents: a directory's names into the caller's buffer,
 * as many whole records as fit, through the file system's readdir
 * (struct dir_context). An empty result means the end; a buffer too
 * small for even one record is EINVAL.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

struct getdents_ctx {
	struct dir_context ctx;
	uintptr_t ubuf;
	size_t size, used;
	int err;
	bool old; /* getdents(2): d_type after the name */
};

/* linux_dirent64: ino, off, reclen, type, name; 8-byte aligned. */
static size_t record_len(size_t namelen, bool old)
{
	size_t head = old ? 8 + 8 + 2 : 8 + 8 + 2 + 1;

	return ALIGN_UP(head + namelen + 1 + (old ? 1 : 0), 8);
}

static int emit(struct dir_context *c, const char *name, size_t len,
		uint64_t ino, unsigned int type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)c;
	size_t rec = record_len(len, g->old);
	char buf[8 + 8 + 2 + 1 + NAME_MAX + 2 + 8] = {0};
	uint64_t off = g->used + rec; /* opaque to callers but seekdir's */
	uint16_t reclen = (uint16_t)rec;

	if (g->used + rec > g->size) {
		if (!g->used)
			g->err = -EINVAL;
		return 1;
	}
	memcpy(buf, &ino, 8);
	memcpy(buf + 8, &off, 8);
	memcpy(buf + 16, &reclen, 2);
	if (g->old) {
		memcpy(buf + 18, name, len);
		buf[rec - 1] = (char)type;
	} else {
		buf[18] = (char)type;
		memcpy(buf + 19, name, len);
	}
	if (copy_to_user(g->ubuf + g->used, buf, rec)) {
		g->err = -EFAULT;
		return 1;
	}
	g->used += rec;
	return 0;
}

static long do_getdents(int fd, uintptr_t ubuf, size_t n, bool old)
{
	struct getdents_ctx g = {{emit}, ubuf, n, 0, 0, old};
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->readdir || (f->flags & O_PATH)) {
		ret = (f->flags & O_PATH) ? -EBADF : -ENOTDIR;
		file_put(f);
		return ret;
	}
	mutex_lock(&f->pos_lock);
	if (dir_dead(f->inode)) {
		ret = -ENOENT; /* as Linux's iterate_dir */
	} else {
		ret = f->ops->readdir(f, &g.ctx);
		file_accessed(f);
	}
	mutex_unlock(&f->pos_lock);
	file_put(f);
	if (ret < 0)
		return ret;
	return g.err && !g.used ? g.err : (long)g.used;
}

SYSCALL_DEFINE3(getdents64, int, fd, uintptr_t, ubuf, size_t, n)
{
	return do_getdents(fd, ubuf, n, false);
}

SYSCALL_DEFINE3(getdents, int, fd, uintptr_t, ubuf, size_t, n)
{
	return do_getdents(fd, ubuf, n, true);
}
