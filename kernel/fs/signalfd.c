/*
 * signalfd: the calling thread's pending signals of a set, read as
 * struct signalfd_siginfo records instead of delivered (the program
 * blocks them first). Reads take from the reader's own pending signals
 * and its process's, like sigtimedwait; poll is readable while one of
 * the set is pending. Signal senders wake the readers through the
 * signal handlers' signalfd_wq.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

struct signalfd_siginfo_k {
	uint32_t signo;
	int32_t err, code;
	uint32_t pid, uid;
	int32_t fd;
	uint32_t tid, band, overrun, trapno;
	int32_t status, int_value;
	uint64_t ptr, utime, stime, addr;
	uint16_t addr_lsb, pad2;
	int32_t syscall;
	uint64_t call_addr;
	uint32_t arch;
	uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo_k) == 128,
	       "struct signalfd_siginfo is 128 bytes");

struct signalfd {
	sigset_t mask; /* atomic: signalfd4 may change it */
};

static sigset_t mask_of(struct file *f)
{
	return __atomic_load_n(&((struct signalfd *)f->priv)->mask,
			       __ATOMIC_ACQUIRE);
}

static bool is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE || sig == SIGTRAP;
}

static void fill(struct signalfd_siginfo_k *s, const struct siginfo *i)
{
	memset(s, 0, sizeof(*s));
	s->signo = (uint32_t)i->si_signo;
	s->err = i->si_errno;
	s->code = i->si_code;
	if (i->si_code == SI_TIMER) {
		s->tid = (uint32_t)i->timer.tid;
		s->overrun = (uint32_t)i->timer.overrun;
		s->int_value = (int32_t)i->timer.value;
		s->ptr = i->timer.value;
	} else if (is_fault(i->si_signo) && i->si_code > 0) {
		s->addr = i->fault.addr;
	} else {
		s->pid = (uint32_t)i->proc.pid;
		s->uid = i->proc.uid;
		if (i->si_signo == SIGCHLD) {
			s->status = i->proc.status;
			s->utime = (uint64_t)i->proc.utime;
			s->stime = (uint64_t)i->proc.stime;
		} else {
			s->int_value = (int32_t)i->proc.value;
			s->ptr = i->proc.value;
		}
	}
}

/* Take one pending signal of mask: its number with *info, or 0. */
static int take_one(sigset_t mask, struct siginfo *info)
{
	struct task *t = current_task();
	struct sighand *sh = t->proc->sighand;
	unsigned long flags = spin_lock_irqsave(&sh->lock);
	int sig = signal_dequeue(t, mask, info);

	signal_recalc(t);
	spin_unlock_irqrestore(&sh->lock, flags);
	return sig;
}

static bool any_pending(sigset_t mask)
{
	return (signal_pending_set(current_task()) & mask) != 0;
}

static long signalfd_read(struct file *f, uintptr_t ubuf, size_t n,
			  uint64_t pos)
{
	struct signalfd_siginfo_k rec;
	size_t done = 0;
	struct siginfo info;

	if (n < sizeof(rec))
		return -EINVAL;
	while (done + sizeof(rec) <= n) {
		sigset_t mask = mask_of(f);

		if (!take_one(mask, &info)) {
			struct wait_queue *wq =
				&current_proc()->sighand->signalfd_wq;

			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (wait_event_interruptible(*wq, any_pending(mask)))
				return -ERESTARTSYS;
			continue;
		}
		fill(&rec, &info);
		if (copy_to_user(ubuf + done, &rec, sizeof(rec)))
			return done ? (long)done : -EFAULT;
		done += sizeof(rec);
	}
	return (long)done;
}

static unsigned int signalfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(&current_proc()->sighand->signalfd_wq, pt);
	return any_pending(mask_of(f)) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
};

SYSCALL_DEFINE4(signalfd4, int, fd, uintptr_t, umask, size_t, sizemask, int,
		flags)
{
	struct signalfd *s;
	struct file *f;
	sigset_t mask;
	long ret;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK) || sizemask != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~SIG_UNBLOCKABLE;
	if (fd != -1) { /* a new mask for an existing one */
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		ret = f->ops == &signalfd_fops ? fd : -EINVAL;
		if (ret >= 0) {
			__atomic_store_n(&((struct signalfd *)f->priv)->mask,
					 mask, __ATOMIC_RELEASE);
			wake_up_all(&current_proc()->sighand->signalfd_wq);
		}
		file_put(f);
		return ret;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	f = anon_file_open("[signalfd]", &signalfd_fops, s,
			   O_RDWR | (flags & SFD_NONBLOCK));
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	ret = fd_install(f, 0, flags & SFD_CLOEXEC);
	if (ret < 0)
		file_put(f);
	return ret;
}

SYSCALL_DEFINE3(signalfd, int, fd, uintptr_t, umask, size_t, sizemask)
{
	return sys_signalfd4(fd, (long)umask, (long)sizemask, 0, 0, 0);
}
