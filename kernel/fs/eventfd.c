/*
 * eventfd: a 64-bit counter as a file. A write adds to it (waiting while
 * it would pass 2^64 - 2), a read takes it all and leaves 0, or with
 * EFD_SEMAPHORE takes 1; a read of 0 waits. poll: readable when not 0,
 * writable while 1 more fits.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EVENTFD_MAX (UINT64_MAX - 1)
#define LOCK_RANK_EVENTFD 230 /* below the wait queue it wakes */

struct eventfd {
	struct spinlock lock;
	struct wait_queue wq;
	uint64_t count;
	bool semaphore;
};

static long eventfd_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	struct eventfd *e = f->priv;
	unsigned long flags;
	uint64_t v = 0;

	if (n < sizeof(v))
		return -EINVAL;
	for (;;) {
		flags = spin_lock_irqsave(&e->lock);
		if (e->count) {
			v = e->semaphore ? 1 : e->count;
			e->count -= v;
		}
		spin_unlock_irqrestore(&e->lock, flags);
		if (v)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(
			    e->wq,
			    __atomic_load_n(&e->count, __ATOMIC_ACQUIRE)))
			return -ERESTARTSYS;
	}
	wake_up_all(&e->wq);
	return copy_to_user(ubuf, &v, sizeof(v)) ? -EFAULT : (long)sizeof(v);
}

static long eventfd_write(struct file *f, uintptr_t ubuf, size_t n,
			  uint64_t pos)
{
	struct eventfd *e = f->priv;
	unsigned long flags;
	bool done = false;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return -EFAULT;
	if (v == UINT64_MAX)
		return -EINVAL;
	while (!done) {
		flags = spin_lock_irqsave(&e->lock);
		if (EVENTFD_MAX - e->count >= v) {
			e->count += v;
			done = true;
		}
		spin_unlock_irqrestore(&e->lock, flags);
		if (done)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(
			    e->wq,
			    EVENTFD_MAX - __atomic_load_n(&e->count,
							  __ATOMIC_ACQUIRE) >=
				    v))
			return -ERESTARTSYS;
	}
	if (v)
		wake_up_all(&e->wq);
	return sizeof(v);
}

static unsigned int eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	uint64_t c;

	poll_wait(&e->wq, pt);
	c = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
	return (c ? POLLIN | POLLRDNORM : 0) |
	       (c < EVENTFD_MAX ? POLLOUT | POLLWRNORM : 0) |
	       (c == UINT64_MAX ? POLLERR : 0);
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

SYSCALL_DEFINE2(eventfd2, unsigned int, initval, int, flags)
{
	struct eventfd *e;
	struct file *f;
	long fd;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	spin_lock_init(&e->lock, "eventfd", LOCK_RANK_EVENTFD);
	wait_queue_init(&e->wq, "eventfd");
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	f = anon_file_open("[eventfd]", &eventfd_fops, e,
			   O_RDWR | (flags & EFD_NONBLOCK));
	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	fd = fd_install(f, 0, flags & EFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE1(eventfd, unsigned int, initval)
{
	return sys_eventfd2(initval, 0, 0, 0, 0, 0);
}
