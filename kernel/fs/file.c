/*
 * Open files and descriptor tables (<kernel/fs.h>). A descriptor table
 * is an array of struct file pointers that grows on demand (up to
 * RLIMIT_NOFILE), with a close-on-exec bit per slot; its spinlock guards
 * the slots, and each file is reference-counted so that a read in one
 * thread survives a close of the same descriptor in another.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "fs_priv.h"

#define FILES_MIN 64

struct file *file_open_inode(struct inode *inode, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	f->inode = inode;
	if (inode) {
		inode_get(inode);
		f->ops = inode->fops;
	}
	f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	mutex_init(&f->pos_lock, "file pos");
	return f;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	kfree(f);
}

static struct files *files_new(unsigned int size)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->fd = kcalloc(size, sizeof(*fs->fd));
	fs->cloexec = kcalloc(size / 64, sizeof(uint64_t));
	if (!fs->fd || !fs->cloexec) {
		kfree(fs->fd);
		kfree(fs->cloexec);
		kfree(fs);
		return NULL;
	}
	fs->size = size;
	fs->refcount = 1;
	spin_lock_init(&fs->lock, "files", LOCK_RANK_FILES);
	return fs;
}

struct files *files_alloc(void)
{
	return files_new(FILES_MIN);
}

struct files *files_copy(struct files *from)
{
	for (;;) {
		unsigned int size =
			__atomic_load_n(&from->size, __ATOMIC_RELAXED);
		struct files *fs = files_new(size);
		unsigned long flags;

		if (!fs)
			return NULL;
		flags = spin_lock_irqsave(&from->lock);
		if (from->size != size) { /* it grew meanwhile: again */
			spin_unlock_irqrestore(&from->lock, flags);
			files_put(fs);
			continue;
		}
		for (unsigned int i = 0; i < size; i++) {
			fs->fd[i] = from->fd[i];
			if (fs->fd[i])
				file_get(fs->fd[i]);
		}
		memcpy(fs->cloexec, from->cloexec, size / 8);
		spin_unlock_irqrestore(&from->lock, flags);
		return fs;
	}
}

void files_put(struct files *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned int i = 0; i < fs->size; i++)
		file_put(fs->fd[i]);
	kfree(fs->fd);
	kfree(fs->cloexec);
	kfree(fs);
}

static struct files *my_files(void)
{
	return current_proc()->files;
}

struct file *fd_get(int fd)
{
	struct files *fs = my_files();
	struct file *f = NULL;
	unsigned long flags;

	if (!fs || fd < 0)
		return NULL;
	flags = spin_lock_irqsave(&fs->lock);
	if ((unsigned int)fd < fs->size && fs->fd[fd]) {
		f = fs->fd[fd];
		file_get(f);
	}
	spin_unlock_irqrestore(&fs->lock, flags);
	return f;
}

static void set_cloexec(struct files *fs, unsigned int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

bool fd_cloexec(int fd)
{
	struct files *fs = my_files();

	return fd >= 0 && (unsigned int)fd < fs->size &&
	       (fs->cloexec[fd / 64] >> (fd % 64) & 1);
}

void fd_set_cloexec(int fd, bool on)
{
	struct files *fs = my_files();
	unsigned long flags = spin_lock_irqsave(&fs->lock);

	if (fd >= 0 && (unsigned int)fd < fs->size)
		set_cloexec(fs, fd, on);
	spin_unlock_irqrestore(&fs->lock, flags);
}

/* Grow fs to at least want slots (fs->lock not held): 0 or -ENOMEM. */
static int grow(struct files *fs, unsigned int want)
{
	unsigned int size = fs->size;
	struct file **fd;
	uint64_t *bits;
	unsigned long flags;

	while (size < want)
		size *= 2;
	fd = kcalloc(size, sizeof(*fd));
	bits = kcalloc(size / 64, sizeof(uint64_t));
	if (!fd || !bits) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	flags = spin_lock_irqsave(&fs->lock);
	if (fs->size >= size) { /* another thread grew it */
		spin_unlock_irqrestore(&fs->lock, flags);
		kfree(fd);
		kfree(bits);
		return 0;
	}
	memcpy(fd, fs->fd, fs->size * sizeof(*fd));
	memcpy(bits, fs->cloexec, fs->size / 8);
	kfree(fs->fd);
	kfree(fs->cloexec);
	fs->fd = fd;
	fs->cloexec = bits;
	fs->size = size;
	spin_unlock_irqrestore(&fs->lock, flags);
	return 0;
}

static uint64_t nofile_limit(void)
{
	return current_proc()->rlim[RLIMIT_NOFILE].cur;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	struct files *fs = my_files();
	uint64_t limit = nofile_limit();

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&fs->lock);
		unsigned int size = fs->size;

		for (unsigned int i = (unsigned int)min; i < size && i < limit;
		     i++) {
			if (fs->fd[i])
				continue;
			fs->fd[i] = f;
			set_cloexec(fs, i, cloexec);
			spin_unlock_irqrestore(&fs->lock, flags);
			return (int)i;
		}
		spin_unlock_irqrestore(&fs->lock, flags);
		if (size >= limit || (uint64_t)min >= limit)
			return -EMFILE;
		if (grow(fs, size + 1))
			return -ENOMEM;
	}
}

/* Put f at exactly fd, closing what was there (dup2): 0 or -errno. */
int fd_install_at(struct file *f, int fd, bool cloexec)
{
	struct files *fs = my_files();
	struct file *old;
	unsigned long flags;

	if (fd < 0 || (uint64_t)fd >= nofile_limit())
		return -EBADF;
	if ((unsigned int)fd >= fs->size && grow(fs, (unsigned int)fd + 1))
		return -ENOMEM;
	flags = spin_lock_irqsave(&fs->lock);
	old = fs->fd[fd];
	fs->fd[fd] = f;
	set_cloexec(fs, fd, cloexec);
	spin_unlock_irqrestore(&fs->lock, flags);
	file_put(old);
	return 0;
}

/* Take the file out of slot fd: the file (to put), or NULL. */
struct file *fd_remove(int fd)
{
	struct files *fs = my_files();
	struct file *f = NULL;
	unsigned long flags = spin_lock_irqsave(&fs->lock);

	if (fd >= 0 && (unsigned int)fd < fs->size) {
		f = fs->fd[fd];
		fs->fd[fd] = NULL;
		set_cloexec(fs, fd, false);
	}
	spin_unlock_irqrestore(&fs->lock, flags);
	return f;
}

void files_close_on_exec(struct files *fs)
{
	for (unsigned int i = 0; i < fs->size; i++) {
		struct file *f = NULL;
		unsigned long flags = spin_lock_irqsave(&fs->lock);

		if (fs->fd[i] && (fs->cloexec[i / 64] >> (i % 64) & 1)) {
			f = fs->fd[i];
			fs->fd[i] = NULL;
			set_cloexec(fs, i, false);
		}
		spin_unlock_irqrestore(&fs->lock, flags);
		file_put(f);
	}
}

struct fs_context *fs_context_alloc(void)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->cwd = fs_root;
	inode_get(fs_root);
	fs->umask = 022;
	return fs;
}

struct fs_context *fs_context_copy(struct fs_context *from)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	*fs = *from;
	fs->refcount = 1;
	inode_get(fs->cwd);
	return fs;
}

void fs_context_put(struct fs_context *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	inode_put(fs->cwd);
	kfree(fs);
}
