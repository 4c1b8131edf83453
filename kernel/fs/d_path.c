/*
 * The name of a place in the tree (<kernel/fs.h>): getcwd, /proc's links
 * and /proc/mounts. Built backwards from the place to the root, crossing
 * out of mounts at their roots; a place outside the caller's root (after
 * chroot) is named from the root of the whole tree.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/string.h>

#include "fs_priv.h"

/* Put name[0..len) and a slash before buf[*pos]. */
static int prepend(char *buf, size_t *pos, const char *name, size_t len)
{
	if (len + 1 > *pos)
		return -ENAMETOOLONG;
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
	return 0;
}

long d_path_locked(const struct path *path, const struct path *root, char *buf,
		   size_t size)
{
	struct mount *mnt = path->mnt;
	struct dentry *d = path->dentry;
	size_t pos = size - 1;
	int err = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	if (d->ops && d->ops->d_dname) {
		long n = d->ops->d_dname(d, buf, size);

		return n < 0 || (size_t)n < size ? n : -ENAMETOOLONG;
	}
	buf[pos] = '\0';
	while (!err && !(d == root->dentry && mnt == root->mnt)) {
		if (d == mnt->root) {
			if (mnt->parent == mnt)
				break; /* the top: outside root */
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		err = prepend(buf, &pos, d->name, d->len);
		d = d->parent;
	}
	if (err)
		return err;
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (long)(size - 1 - pos);
}

long d_path(const struct path *path, const struct path *root, char *buf,
	    size_t size)
{
	long n;

	namespace_lock();
	n = d_path_locked(path, root, buf, size);
	namespace_unlock();
	return n;
}
