/*
 * Open files (<kernel/fs.h>): a struct file is one open of an inode, with
 * its position, O_ flags and operations, reference-counted so that a
 * read in one thread survives a close of the same descriptor in another.
 * The last reference releases it (a device's, a pipe end's release).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "fs_priv.h"

static struct kmem_cache *file_cache;

void file_cache_init(void)
{
	file_cache = kmem_cache_create("file", sizeof(struct file), 8);
	if (!file_cache)
		panic("fs: no memory for the file cache");
}

struct file *file_alloc(const struct path *path, struct inode *inode,
			unsigned int flags)
{
	struct file *f = kmem_cache_zalloc(file_cache);

	if (!f)
		return NULL;
	f->refcount = 1;
	if (path) {
		f->path = *path;
		path_get(&f->path);
	}
	f->inode = inode;
	if (inode) {
		inode_get(inode);
		f->ops = inode->fops;
	}
	f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	mutex_init(&f->pos_lock, "file pos");
	list_init(&f->ep_links);
	return f;
}

struct file *file_open_inode(struct inode *inode, unsigned int flags)
{
	return file_alloc(NULL, inode, flags);
}

int file_open_path(const struct path *path, unsigned int flags,
		   struct file **out)
{
	struct inode *in = path->dentry->inode;
	struct file *f = file_alloc(path, in, flags);
	int err = 0;

	if (!f)
		return -ENOMEM;
	if (!(flags & O_PATH) && f->ops && f->ops->open)
		err = f->ops->open(in, f);
	if (!(flags & O_PATH) && !f->ops)
		err = -ENXIO; /* a device nothing drives */
	if (err) {
		f->ops = NULL; /* no release for what did not open */
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

int file_get_write_access(struct file *f)
{
	int err = 0;

	if (file_writable(f) && f->inode && S_ISREG(f->inode->mode)) {
		err = inode_get_write_access(f->inode);
		f->write_access = !err; /* file_put gives it back */
	}
	return err;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	eventpoll_release(f);
	locks_release_file(f);
	if (!(f->flags & O_PATH) && f->ops && f->ops->release)
		f->ops->release(f);
	if (f->write_access)
		inode_put_write_access(f->inode);
	inode_put(f->inode);
	path_put(&f->path);
	kmem_cache_free(file_cache, f);
}

