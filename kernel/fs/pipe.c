/*
 * Pipes and FIFOs: a byte ring between writers and readers, of 64 KiB
 * by default (F_SETPIPE_SZ changes it), in pages allocated as data
 * arrives and freed when the pipe empties, so an idle pipe costs no
 * page.
 *
 * The rules are Linux's (pipe(7)): a read of an empty pipe waits for
 * data, or returns 0 when no writer is left; a write with no reader
 * left raises SIGPIPE and fails with EPIPE; a write of up to PIPE_BUF
 * bytes is atomic (it waits until it fits whole), a longer one may be
 * split among other writers' data; O_NONBLOCK turns waits into EAGAIN.
 *
 * A FIFO is the same object, made at the first open of a FIFO inode and
 * kept in it while open; opening one end waits for the other unless
 * O_NONBLOCK (a writer then fails with ENXIO) or O_RDWR.
 *
 * Lock: the pipe's mutex guards the ring and the counts; readers and
 * writers sleep on their wait queues (which poll uses too).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define PIPE_BUF 4096
#define PIPE_DEF_PAGES 16
#define PIPE_MAX_SIZE (1u << 20) /* /proc/sys/fs/pipe-max-size */
#define FIONREAD 0x541b
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define PIPEFS_MAGIC 0x50495045

struct pipe {
	struct mutex lock;
	struct wait_queue rd_wq, wr_wq;
	struct page **pages; /* npages slots; NULL until written */
	struct page *spare;  /* one page kept from the last drain (Linux's
				tmp_page): a ping-pong allocates nothing */
	unsigned int npages;
	bool polled;	     /* poll/epoll watch it: wake at every change */
	uint64_t head, tail; /* bytes written, read since it last emptied */
	int readers, writers;
	unsigned int r_opens, w_opens; /* FIFO opens so far, for the waits */
};

static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->npages = PIPE_DEF_PAGES;
	p->pages = kcalloc(p->npages, sizeof(*p->pages));
	if (!p->pages) {
		kfree(p);
		return NULL;
	}
	mutex_init(&p->lock, "pipe");
	wait_queue_init(&p->rd_wq, "pipe read");
	wait_queue_init(&p->wr_wq, "pipe write");
	return p;
}

/* Let go of the pages of slots [0, n) (one is kept as the spare). */
static void free_slots(struct pipe *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (p->pages[i] && !p->spare)
			p->spare = p->pages[i];
		else if (p->pages[i])
			page_put(p->pages[i]);
		p->pages[i] = NULL;
	}
}

static void free_pages_of(struct pipe *p)
{
	free_slots(p, p->npages);
}

static void pipe_free(struct pipe *p)
{
	free_pages_of(p);
	if (p->spare)
		page_put(p->spare);
	kfree(p->pages);
	kfree(p);
}

static uint64_t capacity(const struct pipe *p)
{
	return (uint64_t)p->npages * PAGE_SIZE;
}

static uint64_t used(const struct pipe *p)
{
	return p->head - p->tail;
}

/* Copy n bytes between the ring at pos and user memory. */
static int ring_copy(struct pipe *p, uint64_t pos, uintptr_t ubuf, size_t n,
		     bool to_ring)
{
	while (n) {
		unsigned int slot = (unsigned int)(pos / PAGE_SIZE % p->npages);
		size_t off = pos % PAGE_SIZE, chunk = MIN(n, PAGE_SIZE - off);
		char *at;

		if (!p->pages[slot] && p->spare) {
			p->pages[slot] = p->spare;
			p->spare = NULL;
		} else if (!p->pages[slot]) {
			p->pages[slot] = pmm_alloc_pages(0, 0);
			if (!p->pages[slot])
				return -ENOMEM;
		}
		at = (char *)page_address(p->pages[slot]) + off;
		if (to_ring ? copy_from_user(at, ubuf, chunk)
			    : copy_to_user(ubuf, at, chunk))
			return -EFAULT;
		pos += chunk;
		ubuf += chunk;
		n -= chunk;
	}
	return 0;
}

static struct pipe *pipe_of(struct file *f)
{
	return f->priv;
}

static long pipe_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct pipe *p = pipe_of(f);
	bool wake;
	long ret;

	if (!n)
		return 0;
	mutex_lock(&p->lock);
	while (!used(p)) {
		if (!p->writers) {
			mutex_unlock(&p->lock);
			return 0;
		}
		mutex_unlock(&p->lock);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(p->rd_wq, used(p) || !p->writers))
			return -ERESTARTSYS;
		mutex_lock(&p->lock);
	}
	n = MIN(n, used(p));
	/* Writers wait only for PIPE_BUF bytes of room at most. */
	wake = capacity(p) - used(p) < PIPE_BUF || p->polled;
	ret = ring_copy(p, p->tail, ubuf, n, false);
	if (!ret) {
		p->tail += n;
		ret = (long)n;
	}
	if (!used(p)) { /* nothing in it: no pages held */
		/* Since it last emptied, data went from slot 0 on. */
		free_slots(p, (unsigned int)MIN((uint64_t)p->npages,
						(p->head + PAGE_SIZE - 1) /
							PAGE_SIZE));
		/* and the next data starts a page, as a fresh Linux pipe
		 * buffer does: F_SETPIPE_SZ counts the pages data spans */
		p->head = p->tail = 0;
	}
	mutex_unlock(&p->lock);
	if (wake)
		wake_up_all(&p->wr_wq);
	return ret;
}

/* Wait until want bytes fit (or no reader is left): 0 or -errno. */
static int wait_room(struct file *f, struct pipe *p, uint64_t want)
{
	while (p->readers && capacity(p) - used(p) < want) {
		mutex_unlock(&p->lock);
		if (f->flags & O_NONBLOCK) {
			mutex_lock(&p->lock);
			return -EAGAIN;
		}
		if (wait_event_interruptible(
			    p->wr_wq,
			    !p->readers || capacity(p) - used(p) >= want)) {
			mutex_lock(&p->lock);
			return -ERESTARTSYS;
		}
		mutex_lock(&p->lock);
	}
	return 0;
}

static long pipe_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct pipe *p = pipe_of(f);
	size_t done = 0;
	bool wake;
	int err = 0;

	if (!n)
		return 0;
	mutex_lock(&p->lock);
	while (done < n) {
		size_t left = n - done, chunk;

		/* Atomic writes wait for room for all; others for a byte. */
		err = wait_room(f, p, n <= PIPE_BUF ? n : 1);
		if (err)
			break;
		if (!p->readers) {
			err = -EPIPE;
			break;
		}
		chunk = MIN(left, capacity(p) - used(p));
		/* Readers wait only on an empty pipe. */
		wake = !used(p) || p->polled;
		err = ring_copy(p, p->head, ubuf + done, chunk, true);
		if (err)
			break;
		p->head += chunk;
		done += chunk;
		if (wake)
			wake_up_all(&p->rd_wq);
	}
	mutex_unlock(&p->lock);
	if (err == -EPIPE)
		signal_send_task(current_task(), SIGPIPE, NULL);
	return done ? (long)done : err;
}

static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = pipe_of(f);
	unsigned int mask = 0;

	__atomic_store_n(&p->polled, true, __ATOMIC_RELAXED);
	poll_wait(&p->rd_wq, pt);
	poll_wait(&p->wr_wq, pt);
	mutex_lock(&p->lock);
	if (file_readable(f)) {
		if (used(p))
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && p->w_opens)
			mask |= POLLHUP;
	}
	if (file_writable(f)) {
		if (capacity(p) - used(p) >= PIPE_BUF || used(p) == 0)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	mutex_unlock(&p->lock);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct pipe *p = pipe_of(f);
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->lock);
	n = (int)used(p);
	mutex_unlock(&p->lock);
	return put_user(n, arg);
}

/*
 * F_SETPIPE_SZ: a power of two pages, at least as many as the data
 * spans. Positions stay; the pages move to their slots in the new ring.
 */
static long set_size(struct pipe *p, unsigned long want)
{
	unsigned int pages = 1;
	struct page **slots;
	long ret;

	if (want > PIPE_MAX_SIZE && !fs_capable())
		return -EPERM;
	if (want > (1ul << 31))
		return -EINVAL;
	while ((uint64_t)pages * PAGE_SIZE < want)
		pages *= 2;
	slots = kcalloc(pages, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	mutex_lock(&p->lock);
	uint64_t first = p->tail / PAGE_SIZE,
		 end = (p->head + PAGE_SIZE - 1) / PAGE_SIZE;
	if (used(p) && end - first > pages) {
		ret = -EBUSY;
		kfree(slots);
	} else {
		for (uint64_t i = first; used(p) && i < end; i++) {
			slots[i % pages] = p->pages[i % p->npages];
			p->pages[i % p->npages] = NULL;
		}
		free_pages_of(p);
		kfree(p->pages);
		p->pages = slots;
		p->npages = pages;
		ret = (long)pages * PAGE_SIZE;
	}
	mutex_unlock(&p->lock);
	wake_up_all(&p->wr_wq);
	return ret;
}

static long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct pipe *p = pipe_of(f);

	if (cmd == F_GETPIPE_SZ)
		return (long)capacity(p);
	if (cmd == F_SETPIPE_SZ)
		return set_size(p, arg);
	return -EINVAL;
}

/* One end goes: the other side learns (EOF, EPIPE); the last frees. */
static bool pipe_end_release(struct pipe *p, struct file *f)
{
	bool last;

	mutex_lock(&p->lock);
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;
	last = !p->readers && !p->writers;
	mutex_unlock(&p->lock);
	wake_up_all(&p->rd_wq);
	wake_up_all(&p->wr_wq);
	return last;
}

/* ---- pipe(2) ------------------------------------------------------------- */

/*
 * pipe(2) makes a FIFO with no name: an inode of pipefs (a file system
 * no path reaches) whose ends are opened as a FIFO's, so that
 * /proc/PID/fd/N (bash's /dev/fd/63, /dev/stdin) opens the pipe again
 * as Linux does. Its dentry names it "pipe:[INO]" in /proc.
 */
static struct mount *pipe_mnt;
static struct mutex pipefs_lock = MUTEX_INIT(pipefs_lock, "pipefs");

static long pipefs_dname(struct dentry *d, char *buf, size_t size)
{
	return snprintf(buf, size, "pipe:[%lu]", (unsigned long)d->inode->ino);
}

static const struct dentry_ops pipefs_dops = {.d_dname = pipefs_dname};
static const struct fs_type pipefs_type = {.name = "pipefs", .nodev = true};

static struct mount *pipefs_make(void)
{
	struct super_block *sb = super_alloc(&pipefs_type, NULL);
	struct inode *root;
	struct mount *m;

	if (!sb)
		return NULL;
	sb->magic = PIPEFS_MAGIC; /* fstatfs's f_type */
	root = inode_alloc(sb, S_IFDIR | 0700, NULL, NULL);
	sb->root = root ? d_make_root(sb, root) : NULL;
	m = sb->root ? kern_mount_sb(sb) : NULL;
	if (!m) { /* kept: a later pipe(2) tries again with a new one */
		if (sb->root)
			d_put(sb->root);
		kfree(sb);
	}
	return m;
}

/* The pipes' mount, made at the first pipe(2) (once, even when two CPUs
 * get there together). */
static struct mount *pipefs_get(void)
{
	struct mount *m = __atomic_load_n(&pipe_mnt, __ATOMIC_ACQUIRE);

	if (m)
		return m;
	mutex_lock(&pipefs_lock);
	if (!pipe_mnt && (m = pipefs_make()))
		__atomic_store_n(&pipe_mnt, m, __ATOMIC_RELEASE);
	m = pipe_mnt;
	mutex_unlock(&pipefs_lock);
	return m;
}

static struct file *pipe_end(const struct path *path, struct pipe *p,
			     unsigned int flags)
{
	struct file *f = file_alloc(path, path->dentry->inode, flags);

	if (f)
		f->priv = p; /* f->ops: the inode's, fifo_fops */
	return f;
}

/* Two ends of p at path; NULL both if either cannot be made. */
static int pipe_ends(const struct path *path, struct pipe *p, int flags,
		     struct file **r, struct file **w)
{
	*r = pipe_end(path, p, O_RDONLY | (flags & O_NONBLOCK));
	*w = pipe_end(path, p, O_WRONLY | (flags & O_NONBLOCK));
	if (*r && *w)
		return 0;
	for (int i = 0; i < 2; i++) {
		struct file *f = i ? *w : *r;

		if (f) {
			f->ops = NULL; /* not an end yet: no release */
			file_put(f);
		}
	}
	path->dentry->inode->pipe = NULL;
	pipe_free(p);
	return -ENOMEM;
}

/* A new pipe's inode and dentry in pipefs (referenced), or NULL. */
static struct dentry *pipe_dentry(struct mount *m, struct pipe *p)
{
	struct inode *in = inode_alloc(m->sb, S_IFIFO | 0600, NULL, &fifo_fops);
	struct dentry *d = in ? d_alloc(m->root, "pipe", 4) : NULL;

	if (!d) {
		inode_put(in);
		return NULL;
	}
	in->uid = fs_cred()->fsuid;
	in->gid = fs_cred()->fsgid;
	in->pipe = p;
	d->ops = &pipefs_dops;
	d_instantiate(d, in);
	return d;
}

static long do_pipe(uintptr_t ufds, int flags)
{
	struct path path = {NULL, NULL};
	struct file *r, *w;
	struct pipe *p;
	int fds[2];
	long err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	path.mnt = pipefs_get();
	p = path.mnt ? pipe_new() : NULL;
	path.dentry = p ? pipe_dentry(path.mnt, p) : NULL;
	if (!path.dentry) {
		if (p)
			pipe_free(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	p->r_opens = p->w_opens = 1;
	err = pipe_ends(&path, p, flags, &r, &w);
	d_put(path.dentry); /* the files hold it */
	if (err)
		return err;
	fds[0] = fd_install(r, 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -1 : fd_install(w, 0, flags & O_CLOEXEC);
	err = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : 0;
	if (!err && copy_to_user(ufds, fds, sizeof(fds)))
		err = -EFAULT;
	if (err) { /* the last of the two puts frees the pipe */
		if (fds[0] >= 0)
			fd_remove(fds[0]);
		if (fds[1] >= 0)
			fd_remove(fds[1]);
		file_put(r);
		file_put(w);
	}
	return err;
}

SYSCALL_DEFINE1(pipe, uintptr_t, ufds)
{
	return do_pipe(ufds, 0);
}

SYSCALL_DEFINE2(pipe2, uintptr_t, ufds, int, flags)
{
	return do_pipe(ufds, flags);
}

/* ---- FIFOs --------------------------------------------------------------- */

static struct mutex fifo_lock = MUTEX_INIT(fifo_lock, "fifo");

/* Wait for an open of the other end (its count of opens to move). */
static int wait_partner(struct pipe *p, unsigned int *opens, unsigned int seen)
{
	if (wait_event_interruptible(
		    p->rd_wq, __atomic_load_n(opens, __ATOMIC_ACQUIRE) != seen))
		return -ERESTARTSYS;
	return 0;
}

/*
 * A FIFO's open waits for the other end (or fails, a writer with
 * O_NONBLOCK); a pipe's, through /proc/PID/fd, never does (as Linux).
 */
static int fifo_open(struct inode *in, struct file *f)
{
	bool is_pipe = in->sb && in->sb->magic == PIPEFS_MAGIC;
	bool rd = file_readable(f), wr = file_writable(f);
	bool wait_writer = false, wait_reader = false;
	unsigned int r_seen, w_seen;
	struct pipe *p;
	int err = 0;

	mutex_lock(&fifo_lock);
	p = in->pipe;
	if (!p && !(p = in->pipe = pipe_new())) {
		mutex_unlock(&fifo_lock);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	if (wr && !rd && !p->readers && (f->flags & O_NONBLOCK) && !is_pipe)
		err = -ENXIO;
	if (!err) {
		p->readers += rd;
		p->writers += wr;
		p->r_opens += rd;
		p->w_opens += wr;
	}
	r_seen = p->r_opens;
	w_seen = p->w_opens;
	/* Whether to wait is decided here, under the lock, as Linux does: a
	 * partner may open and close again before we could look later. */
	if (!err && !is_pipe) {
		wait_writer =
			rd && !wr && !p->writers && !(f->flags & O_NONBLOCK);
		wait_reader = wr && !rd && !p->readers;
	}
	mutex_unlock(&p->lock);
	mutex_unlock(&fifo_lock);
	if (err)
		return err;
	f->priv = p;
	wake_up_all(&p->rd_wq);
	wake_up_all(&p->wr_wq);
	if (wait_writer)
		err = wait_partner(p, &p->w_opens, w_seen);
	else if (wait_reader)
		err = wait_partner(p, &p->r_opens, r_seen);
	if (err) /* undo this end */
		fifo_release(f);
	return err;
}

void fifo_release(struct file *f)
{
	struct pipe *p = pipe_of(f);
	struct inode *in = f->inode;

	mutex_lock(&fifo_lock);
	if (pipe_end_release(p, f)) {
		in->pipe = NULL;
		pipe_free(p);
	}
	mutex_unlock(&fifo_lock);
}

const struct file_ops fifo_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.fcntl = pipe_fcntl,
	.release = fifo_release,
};
