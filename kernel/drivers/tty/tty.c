/*
 * The tty core (<kernel/tty.h>): a terminal's input through its line
 * discipline to read(2), write(2) through the discipline's output
 * processing to the device, and poll. See tty_priv.h for the locking:
 * the discipline runs under the tty's spinlock and only records; the
 * device is written, and signals sent, after unlocking.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "tty_priv.h"

#define CHUNK 256 /* bytes of a write processed at a time */
#define FIONREAD 0x541b

/* ---- the discipline's callbacks (tty->lock held) ------------------------ */

static void ld_output(void *ctx, const char *buf, size_t n)
{
	struct tty *tty = ctx;

	/* The writer made room first; echo from an interrupt may not
	 * find it: then it is lost, as on a full Linux tty. */
	n = MIN(n, TTY_XMIT_SIZE - (size_t)(tty->xhead - tty->xtail));
	for (size_t i = 0; i < n; i++)
		tty->xmit[(tty->xhead + i) & (TTY_XMIT_SIZE - 1)] = buf[i];
	tty->xhead += n;
}

static void ld_signal(void *ctx, int sig)
{
	struct tty *tty = ctx;

	tty->pending_sigs |= 1u << sig;
}

static void ld_flow(void *ctx, bool stopped)
{
	struct tty *tty = ctx;

	if (!stopped)
		wake_up_all(&tty->write_wq);
}

static void ld_flush_output(void *ctx)
{
	struct tty *tty = ctx;

	tty->xtail = tty->xhead;
}

static const struct ldisc_ops tty_ld_ops = {
	.output = ld_output,
	.signal = ld_signal,
	.flow = ld_flow,
	.flush_output = ld_flush_output,
};

/* ---- life ---------------------------------------------------------------- */

struct tty *tty_create(const char *name, uint32_t dev,
		       const struct tty_ops *ops, void *driver_data)
{
	struct tty *tty = kzalloc(sizeof(*tty));

	if (!tty)
		return NULL;
	spin_lock_init(&tty->lock, "tty", LOCK_RANK_TTY);
	ldisc_init(&tty->ld, &tty_ld_ops, tty);
	strlcpy(tty->name, name, sizeof(tty->name));
	tty->dev = dev;
	tty->ops = ops;
	tty->driver_data = driver_data;
	tty->refcount = 1;
	wait_queue_init(&tty->read_wq, "tty read");
	wait_queue_init(&tty->write_wq, "tty write");
	mutex_init(&tty->write_lock, "tty write");
	return tty;
}

void tty_get(struct tty *tty)
{
	__atomic_add_fetch(&tty->refcount, 1, __ATOMIC_RELAXED);
}

void tty_put(struct tty *tty)
{
	if (tty && !__atomic_sub_fetch(&tty->refcount, 1, __ATOMIC_ACQ_REL)) {
		/* A pty slave keeps its master (pty.c). */
		struct tty *master = tty->is_master ? NULL : tty->link;

		inode_put(tty->inode);
		kfree(tty);
		tty_put(master);
	}
}

void tty_destroy(struct tty *tty)
{
	tty_put(tty);
}

void *tty_driver_data(struct tty *tty)
{
	return tty->driver_data;
}

const char *tty_name(const struct tty *tty)
{
	return tty->name;
}

uint32_t tty_dev(const struct tty *tty)
{
	return tty->dev;
}

/* ---- output to the device and signals, outside the lock ----------------- */

void tty_flush(struct tty *tty)
{
	char buf[CHUNK];

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&tty->lock);
		size_t n = (size_t)MIN(tty->xhead - tty->xtail, sizeof(buf)),
		       taken;

		if (tty->flushing || !n) {
			spin_unlock_irqrestore(&tty->lock, flags);
			return;
		}
		tty->flushing = true;
		for (size_t i = 0; i < n; i++)
			buf[i] = tty->xmit[(tty->xtail + i) &
					   (TTY_XMIT_SIZE - 1)];
		spin_unlock_irqrestore(&tty->lock, flags);
		taken = tty->ops->write(tty, buf, n);
		flags = spin_lock_irqsave(&tty->lock);
		/* A flush_output meanwhile dropped what we hold: keep it so. */
		if (tty->xhead - tty->xtail >= n)
			tty->xtail += taken;
		tty->flushing = false;
		spin_unlock_irqrestore(&tty->lock, flags);
		wake_up_all(&tty->write_wq);
		if (taken < n)
			return; /* the device is full: tty_write_wakeup resumes */
	}
}

void tty_write_wakeup(struct tty *tty)
{
	tty_flush(tty);
	wake_up_all(&tty->write_wq);
}

void tty_deliver(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	unsigned int sigs = tty->pending_sigs;
	pid_t pgrp = tty->pgrp;

	tty->pending_sigs = 0;
	spin_unlock_irqrestore(&tty->lock, flags);
	for (int sig = 1; sigs && sig < 32; sig++) {
		if (sigs & (1u << sig) && pgrp > 0)
			signal_send_pgrp(pgrp, sig);
	}
}

/* ---- input --------------------------------------------------------------- */

size_t tty_receive(struct tty *tty, const char *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	size_t taken = tty->hung_up ? n : ldisc_receive(&tty->ld, buf, n);

	spin_unlock_irqrestore(&tty->lock, flags);
	wake_up_all(&tty->read_wq);
	tty_flush(tty);
	tty_deliver(tty);
	return taken;
}

void tty_hangup(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);

	tty->hung_up = true;
	spin_unlock_irqrestore(&tty->lock, flags);
	wake_up_all(&tty->read_wq);
	wake_up_all(&tty->write_wq);
	tty_hangup_session(tty);
}

/* ---- read ---------------------------------------------------------------- */

static bool can_read(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool yes =
		tty->hung_up || tty->other_closed || ldisc_can_read(&tty->ld);

	spin_unlock_irqrestore(&tty->lock, flags);
	return yes;
}

/*
 * Sleep until input comes (or the tty hangs up), at most ns (0: no
 * limit): 0, -ETIMEDOUT, -ERESTARTSYS.
 */
static int wait_input(struct tty *tty, uint64_t ns)
{
	struct waiter w = {.task = current_task()};
	uint64_t end = ns ? clock_monotonic_ns() + ns : 0;
	int err = 0;

	list_init(&w.link);
	for (;;) {
		prepare_to_wait(&tty->read_wq, &w, TASK_INTERRUPTIBLE);
		if (can_read(tty))
			break;
		if (sched_signal_pending()) {
			err = -ERESTARTSYS;
			break;
		}
		if (end && clock_monotonic_ns() >= end) {
			err = -ETIMEDOUT;
			break;
		}
		schedule_timeout(end ? end - clock_monotonic_ns() : ~0ULL);
	}
	finish_wait(&tty->read_wq, &w);
	return err;
}

/* One locked step of a read: take what the discipline gives. */
static size_t take(struct tty *tty, char *buf, size_t want, bool *done,
		   unsigned int *tmo, size_t got)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	size_t n = ldisc_read(&tty->ld, buf, want);

	*done = tty->hung_up || tty->other_closed ||
		ldisc_read_satisfied(&tty->ld, got + n, got + want);
	*tmo = ldisc_read_timeout(&tty->ld, got + n);
	spin_unlock_irqrestore(&tty->lock, flags);
	return n;
}

static bool canonical(struct tty *tty)
{
	return tty->ld.termios.c_lflag & ICANON;
}

/* Read into a kernel buffer as read(2) does: bytes, or -errno. */
static long read_kernel(struct tty *tty, struct file *f, char *buf, size_t want)
{
	size_t got = 0;
	unsigned int tmo;
	bool done;
	int err;

	if (canonical(tty)) {
		while (!can_read(tty)) {
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			err = wait_input(tty, 0);
			if (err)
				return err;
		}
		got = take(tty, buf, want, &done, &tmo, 0);
		return !got && tty->other_closed ? -EIO : (long)got;
	}
	got = take(tty, buf, want, &done, &tmo, 0);
	while (!done) {
		if (f->flags & O_NONBLOCK)
			return got ? (long)got : -EAGAIN;
		err = wait_input(tty, (uint64_t)tmo * 100000000ull);
		if (err == -ETIMEDOUT)
			break;
		if (err)
			return got ? (long)got : err;
		got += take(tty, buf + got, want - got, &done, &tmo, got);
	}
	/* A pty master whose slave is closed: drained, then EIO. */
	return !got && tty->other_closed ? -EIO : (long)got;
}

static long tty_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct tty *tty = f->priv;
	size_t want = MIN(n, LDISC_BUF_SIZE);
	char *buf;
	long got;
	int err = tty_job_check(tty, SIGTTIN);

	if (err)
		return err;
	if (!n)
		return 0;
	buf = kmalloc(want);
	if (!buf)
		return -ENOMEM;
	got = read_kernel(tty, f, buf, want);
	if (got > 0 && copy_to_user(ubuf, buf, (size_t)got))
		got = -EFAULT;
	kfree(buf);
	if (got > 0 && tty->link) /* a pty: room for the other side again */
		tty_write_wakeup(tty->link);
	return got;
}

/* ---- write --------------------------------------------------------------- */

/* Wait for the writer's condition: room in the ring, output restarted. */
static int wait_output(struct tty *tty, struct file *f)
{
	struct waiter w = {.task = current_task()};
	int err = 0;

	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	list_init(&w.link);
	prepare_to_wait(&tty->write_wq, &w, TASK_INTERRUPTIBLE);
	if (sched_signal_pending())
		err = -ERESTARTSYS;
	else
		schedule_timeout(
			10000000); /* re-checked at least every 10 ms */
	finish_wait(&tty->write_wq, &w);
	return err;
}

/* Process chunk bytes into the ring: 0, or -errno. */
static int write_chunk(struct tty *tty, struct file *f, const char *buf,
		       size_t n)
{
	size_t off = 0;
	int err = 0;

	while (!err && off < n) {
		unsigned long flags = spin_lock_irqsave(&tty->lock);
		size_t room = TTY_XMIT_SIZE - (size_t)(tty->xhead - tty->xtail);
		size_t taken = 0;

		if (tty->hung_up) {
			spin_unlock_irqrestore(&tty->lock, flags);
			return -EIO;
		}
		/* Output processing may grow a byte to 8 (a tab). */
		if (room >= 8 * (n - off))
			taken = ldisc_output(&tty->ld, buf + off, n - off);
		spin_unlock_irqrestore(&tty->lock, flags);
		tty_flush(tty);
		off += taken;
		if (!taken)
			err = wait_output(tty, f);
	}
	return err;
}

static long tty_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct tty *tty = f->priv;
	char buf[CHUNK];
	size_t done = 0;
	int err = 0;

	if (tty->hung_up)
		return -EIO;
	if (tty->ld.termios.c_lflag & TOSTOP) {
		err = tty_job_check(tty, SIGTTOU);
		if (err)
			return err;
	}
	if (mutex_lock_interruptible(&tty->write_lock))
		return -ERESTARTSYS;
	while (!err && done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));

		err = copy_from_user(buf, ubuf + done, chunk);
		if (!err)
			err = write_chunk(tty, f, buf, chunk);
		if (!err)
			done += chunk;
	}
	mutex_unlock(&tty->write_lock);
	return done ? (long)done : err;
}

/* ---- poll, open, close --------------------------------------------------- */

static unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = f->priv;
	unsigned int mask = 0;
	unsigned long flags;

	poll_wait(&tty->read_wq, pt);
	poll_wait(&tty->write_wq, pt);
	flags = spin_lock_irqsave(&tty->lock);
	if (ldisc_can_read(&tty->ld))
		mask |= POLLIN | POLLRDNORM;
	if (tty->other_closed)
		mask |= POLLHUP;
	if (tty->hung_up)
		mask |= POLLIN | POLLRDNORM | POLLHUP;
	else if (!ldisc_output_stopped(&tty->ld) &&
		 TTY_XMIT_SIZE - (tty->xhead - tty->xtail) >= 8 * CHUNK)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&tty->lock, flags);
	return mask;
}

int tty_attach_file(struct tty *tty, struct file *f)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool first = tty->opens++ == 0;
	int err = 0;

	spin_unlock_irqrestore(&tty->lock, flags);
	if (first && tty->ops->open)
		err = tty->ops->open(tty);
	if (err) {
		flags = spin_lock_irqsave(&tty->lock);
		tty->opens--;
		spin_unlock_irqrestore(&tty->lock, flags);
		return err;
	}
	tty_get(tty);
	f->priv = tty;
	f->ops = &tty_fops;
	return 0;
}

static void tty_release(struct file *f)
{
	struct tty *tty = f->priv;
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	bool last = --tty->opens == 0;

	spin_unlock_irqrestore(&tty->lock, flags);
	if (last && tty->ops->close)
		tty->ops->close(tty);
	tty_put(tty);
}

static long tty_fcntl(struct file *f, int cmd, unsigned long arg)
{
	return -EINVAL;
}

const struct file_ops tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.fcntl = tty_fcntl,
	.release = tty_release,
};

struct file *tty_open_file(struct tty *tty, unsigned int flags)
{
	struct file *f;

	if (!tty->inode) { /* made once, kept with the tty */
		tty->inode = inode_alloc(NULL, S_IFCHR | 0600, NULL, &tty_fops);
		if (!tty->inode)
			return NULL;
		tty->inode->rdev = tty->dev;
	}
	f = file_open_inode(tty->inode, flags);

	if (f && tty_attach_file(tty, f)) {
		f->ops = NULL;
		file_put(f);
		f = NULL;
	}
	return f;
}
