/*
 * Descriptor tables and fs contexts (<kernel/fs.h>).
 *
 * A descriptor table is an array of struct file pointers with a
 * close-on-exec bit per slot; its first FILES_INLINE slots live in the
 * table itself (most processes need no more), and it grows on demand up
 * to RLIMIT_NOFILE. Its spinlock guards the slots. CLONE_FILES shares a
 * table, fork copies it.
 *
 * An fs context is a process's root and working directory (struct
 * path, referenced) and umask; CLONE_FS shares it.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "fs_priv.h"

static struct files *files_new(void)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->size = FILES_INLINE;
	fs->fd = fs->inline_fd;
	fs->cloexec = fs->inline_cloexec;
	fs->refcount = 1;
	spin_lock_init(&fs->lock, "files", LOCK_RANK_FILES);
	return fs;
}

struct files *files_alloc(void)
{
	return files_new();
}

/* The slot arrays for size slots: 0, or -ENOMEM. */
static int arrays_new(unsigned int size, struct file ***fd, uint64_t **bits)
{
	*fd = kcalloc(size, sizeof(**fd));
	*bits = kcalloc(size / 64, sizeof(uint64_t));
	if (*fd && *bits)
		return 0;
	kfree(*fd);
	kfree(*bits);
	return -ENOMEM;
}

static void arrays_free(struct files *fs)
{
	if (fs->fd != fs->inline_fd)
		kfree(fs->fd);
	if (fs->cloexec != fs->inline_cloexec)
		kfree(fs->cloexec);
}

/* 1 + the highest open descriptor of fs, or 0 (lock held, or the last
 * reference): top made exact. */
static unsigned int last_open(struct files *fs)
{
	unsigned int n = fs->top;

	while (n && !fs->fd[n - 1])
		n--;
	fs->top = n;
	return n;
}

/* Put f in slot i (lock held). */
static void slot_set(struct files *fs, unsigned int i, struct file *f)
{
	fs->fd[i] = f;
	if (i >= fs->top)
		fs->top = i + 1;
}

struct files *files_copy(struct files *from)
{
	struct files *fs = files_new();
	struct file **fd = NULL;
	uint64_t *bits = NULL;
	unsigned long flags;
	unsigned int size;

	if (!fs)
		return NULL;
	for (;;) { /* arrays first: no allocation under the lock */
		size = __atomic_load_n(&from->size, __ATOMIC_RELAXED);
		if (size > FILES_INLINE && arrays_new(size, &fd, &bits)) {
			kfree(fs);
			return NULL;
		}
		flags = spin_lock_irqsave(&from->lock);
		if (from->size == size)
			break;
		spin_unlock_irqrestore(&from->lock, flags);
		kfree(fd);
		kfree(bits);
		fd = NULL;
		bits = NULL;
	}
	if (fd) {
		fs->fd = fd;
		fs->cloexec = bits;
		fs->size = size;
	}
	/* Up to the last open slot: most tables hold a few low ones. */
	fs->top = last_open(from);
	for (unsigned int i = 0; i < fs->top; i++) {
		fs->fd[i] = from->fd[i];
		if (fs->fd[i])
			file_get(fs->fd[i]);
	}
	memcpy(fs->cloexec, from->cloexec, size / 8);
	spin_unlock_irqrestore(&from->lock, flags);
	return fs;
}

void files_put(struct files *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned int i = 0, n = last_open(fs); i < n; i++) {
		if (fs->fd[i])
			fd_close_file(fs, fs->fd[i]);
	}
	arrays_free(fs);
	kfree(fs);
}

void files_for_each(struct files *fs,
		    void (*fn)(int fd, struct file *f, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&fs->lock);

	for (unsigned int i = 0; i < fs->size; i++) {
		if (fs->fd[i])
			fn((int)i, fs->fd[i], arg);
	}
	spin_unlock_irqrestore(&fs->lock, flags);
}

static struct files *my_files(void)
{
	return current_proc()->files;
}

struct file *files_fd_get(struct files *fs, int fd, bool *cloexec)
{
	struct file *f = NULL;
	unsigned long flags;

	if (!fs || fd < 0)
		return NULL;
	flags = spin_lock_irqsave(&fs->lock);
	if ((unsigned int)fd < fs->size && fs->fd[fd]) {
		f = fs->fd[fd];
		file_get(f);
		if (cloexec)
			*cloexec = fs->cloexec[fd / 64] >> (fd % 64) & 1;
	}
	spin_unlock_irqrestore(&fs->lock, flags);
	return f;
}

int files_next_fd(struct files *fs, int from)
{
	unsigned long flags = spin_lock_irqsave(&fs->lock);
	int found = -1;

	for (unsigned int i = from < 0 ? 0 : (unsigned int)from; i < fs->size;
	     i++) {
		if (fs->fd[i]) {
			found = (int)i;
			break;
		}
	}
	spin_unlock_irqrestore(&fs->lock, flags);
	return found;
}

/* A table no other thread shares changes only by our own hand: a lookup
 * needs no lock (Linux's fdget does the same). Readers in other processes
 * (procfs) only read it. */
struct fd_light fd_get_light(int fd)
{
	struct files *fs = my_files();

	if (!fs || fd < 0 ||
	    __atomic_load_n(&fs->refcount, __ATOMIC_ACQUIRE) != 1)
		return (struct fd_light){files_fd_get(fs, fd, NULL), true};
	return (struct fd_light){
		(unsigned int)fd < fs->size ? fs->fd[fd] : NULL, false};
}

struct file *fd_get(int fd)
{
	struct fd_light f = fd_get_light(fd);

	if (f.file && !f.ref)
		file_get(f.file);
	return f.file;
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
	unsigned long flags;
	struct file **fd;
	uint64_t *bits;

	while (size < want)
		size *= 2;
	if (arrays_new(size, &fd, &bits))
		return -ENOMEM;
	flags = spin_lock_irqsave(&fs->lock);
	if (fs->size >= size) { /* another thread grew it */
		spin_unlock_irqrestore(&fs->lock, flags);
		kfree(fd);
		kfree(bits);
		return 0;
	}
	memcpy(fd, fs->fd, fs->size * sizeof(*fd));
	memcpy(bits, fs->cloexec, fs->size / 8);
	arrays_free(fs);
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
			slot_set(fs, i, f);
			set_cloexec(fs, i, cloexec);
			spin_unlock_irqrestore(&fs->lock, flags);
			return (int)i;
		}
		spin_unlock_irqrestore(&fs->lock, flags);
		if (size >= limit || (uint64_t)min >= limit)
			return -EMFILE;
		if (grow(fs, MAX(size + 1, (unsigned int)min + 1)))
			return -ENOMEM;
	}
}

int fd_room(void)
{
	struct files *fs = my_files();
	uint64_t limit = nofile_limit();
	unsigned long flags = spin_lock_irqsave(&fs->lock);
	int err = fs->size < limit ? 0 : -EMFILE; /* the table may grow */

	for (unsigned int i = 0; err && i < fs->size && i < limit; i++) {
		if (!fs->fd[i])
			err = 0;
	}
	spin_unlock_irqrestore(&fs->lock, flags);
	return err;
}

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
	slot_set(fs, (unsigned int)fd, f);
	set_cloexec(fs, fd, cloexec);
	spin_unlock_irqrestore(&fs->lock, flags);
	if (old)
		fd_close_file(fs, old);
	return 0;
}

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
	for (unsigned int i = 0;
	     i < __atomic_load_n(&fs->top, __ATOMIC_RELAXED); i++) {
		struct file *f = NULL;
		unsigned long flags = spin_lock_irqsave(&fs->lock);

		if (fs->fd[i] && (fs->cloexec[i / 64] >> (i % 64) & 1)) {
			f = fs->fd[i];
			fs->fd[i] = NULL;
			set_cloexec(fs, i, false);
		}
		spin_unlock_irqrestore(&fs->lock, flags);
		if (f)
			fd_close_file(fs, f);
	}
}

void fd_close_file(struct files *fs, struct file *f)
{
	locks_remove_posix(f->inode, fs);
	file_put(f);
}

struct fs_context *fs_context_alloc(void)
{
	struct fs_context *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs_root_path(&fs->root);
	fs->cwd = fs->root;
	path_get(&fs->cwd);
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
	path_get(&fs->root);
	path_get(&fs->cwd);
	return fs;
}

void fs_context_put(struct fs_context *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}
