/*
 * Drivers' files, directories and links in sysfs (<kernel/sysfs.h>).
 * They are tmpfs nodes of the sysfs instance, made from the kernel
 * (the mount is read-only to everyone else); a file's inode gets the
 * attribute file ops, which render its show function on each read.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/sysfs.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

struct sysfs_attr {
	sysfs_show_fn show;
	void *obj;
};

static long attr_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	const struct sysfs_attr *a = f->inode->priv;
	char *buf = kmalloc(PAGE_SIZE);
	long len;

	if (!buf)
		return -ENOMEM;
	len = a->show(a->obj, buf, PAGE_SIZE);
	if (len > (long)PAGE_SIZE)
		len = (long)PAGE_SIZE;
	if (len >= 0 && pos < (uint64_t)len) {
		n = n < (size_t)len - pos ? n : (size_t)len - pos;
		len = copy_to_user(ubuf, buf + pos, n) ? -EFAULT : (long)n;
	} else if (len >= 0) {
		len = 0;
	}
	kfree(buf);
	return len;
}

static const struct file_ops attr_fops = {
	.read = attr_read,
	.seekable = true,
};

/*
 * The directory holding path's last name, made with its parents if
 * missing (namespace_lock held): referenced, with *last pointing at the
 * last name in path. NULL with *err.
 */
static struct dentry *walk_parent(const char *path, const char **last, int *err)
{
	struct dentry *dir = sysfs_root(), *d;
	char name[NAME_MAX + 1];
	const char *slash;

	*err = -ENODEV;
	if (!dir)
		return NULL;
	dir = d_get(dir);
	while ((slash = strchr(path, '/'))) {
		size_t len = (size_t)(slash - path);

		*err = len > NAME_MAX ? -ENAMETOOLONG : 0;
		if (len && !*err) {
			memcpy(name, path, len);
			name[len] = '\0';
			*err = vfs_child(dir, name, &d);
		}
		if (*err) {
			d_put(dir);
			return NULL;
		}
		if (len) {
			if (!d->inode)
				*err = dir->inode->ops->mkdir(dir->inode, d,
							      0755);
			d_put(dir);
			dir = d;
			if (*err || !S_ISDIR(d->inode->mode)) {
				*err = *err ? *err : -ENOTDIR;
				d_put(dir);
				return NULL;
			}
		}
		path = slash + 1;
	}
	*last = path;
	return dir;
}

/* The new, negative name at path: referenced, its directory in *dirp. */
static int new_name(const char *path, struct dentry **dirp, struct dentry **out)
{
	const char *last;
	int err;
	struct dentry *dir = walk_parent(path, &last, &err);

	if (!dir)
		return err;
	err = *last ? vfs_child(dir, last, out) : -EEXIST;
	if (!err && (*out)->inode) {
		d_put(*out);
		err = -EEXIST;
	}
	if (err)
		d_put(dir);
	else
		*dirp = dir;
	return err;
}

int sysfs_mkdir(const char *path)
{
	struct dentry *dir, *d;
	int err;

	namespace_lock();
	err = new_name(path, &dir, &d);
	if (!err) {
		err = dir->inode->ops->mkdir(dir->inode, d, 0755);
		d_put(d);
		d_put(dir);
	}
	namespace_unlock();
	return err == -EEXIST ? 0 : err;
}

int sysfs_symlink(const char *path, const char *target)
{
	struct dentry *dir, *d;
	int err;

	namespace_lock();
	err = new_name(path, &dir, &d);
	if (!err) {
		err = dir->inode->ops->symlink(dir->inode, d, target);
		d_put(d);
		d_put(dir);
	}
	namespace_unlock();
	return err;
}

int sysfs_add_file(const char *path, uint32_t mode, uint64_t size,
		   sysfs_show_fn show, void *obj)
{
	struct sysfs_attr *a = kmalloc(sizeof(*a));
	struct dentry *dir, *d;
	int err;

	if (!a)
		return -ENOMEM;
	a->show = show;
	a->obj = obj;
	namespace_lock();
	err = new_name(path, &dir, &d);
	if (!err) {
		err = dir->inode->ops->create(dir->inode, d,
					      S_IFREG | (mode & 0444), 0);
		if (!err) {
			d->inode->priv = a;
			d->inode->size = size;
			d->inode->fops = &attr_fops;
			a = NULL;
		}
		d_put(d);
		d_put(dir);
	}
	namespace_unlock();
	kfree(a);
	return err;
}
