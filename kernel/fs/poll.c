/*
 * poll, ppoll, select and pselect6: wait until one of a set of files is
 * ready (<kernel/poll.h>).
 *
 * One pass asks each file's poll operation for its ready events; the
 * first pass also registers the caller on the wait queues each file
 * names (a waiter with a "triggered" flag per queue). If nothing is
 * ready, the caller sleeps until a queue is woken, the timeout passes or
 * a signal comes, then asks again. A file without a poll operation (a
 * regular file) is always ready for reading and writing.
 *
 * A signal ends the wait with EINTR (ERESTARTNOHAND: restarted if no
 * handler ran, as Linux restarts poll). select and pselect6 write back
 * the time left, as Linux does.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define POLL_INLINE 16
#define FOREVER UINT64_MAX
#define DEFAULT_READY (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct poll_entry {
	struct waiter w;
	struct wait_queue *wq;
};

/* The caller's registrations: inline first, then in extra blocks. */
struct poll_wait {
	struct poll_table pt;
	bool triggered;
	int err;
	unsigned int n, cap;
	struct poll_entry inline_entries[POLL_INLINE];
	struct poll_entry *entries;
};

static void queue_on(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_wait *pw = (struct poll_wait *)pt;
	struct poll_entry *e;

	if (pw->n == pw->cap) {
		unsigned int cap = pw->cap * 2;
		struct poll_entry *more = kcalloc(cap, sizeof(*more));

		if (!more) {
			pw->err = -ENOMEM;
			return;
		}
		/* Queued entries move: take them off and put them back. */
		for (unsigned int i = 0; i < pw->n; i++) {
			wait_queue_remove(pw->entries[i].wq, &pw->entries[i].w);
			more[i] = pw->entries[i];
			list_init(&more[i].w.link);
			wait_queue_add(more[i].wq, &more[i].w);
		}
		if (pw->entries != pw->inline_entries)
			kfree(pw->entries);
		pw->entries = more;
		pw->cap = cap;
	}
	e = &pw->entries[pw->n++];
	e->wq = wq;
	e->w = (struct waiter){.task = current_task(),
			       .triggered = &pw->triggered};
	list_init(&e->w.link);
	wait_queue_add(wq, &e->w);
}

static void poll_wait_init(struct poll_wait *pw)
{
	pw->pt.queue = queue_on;
	pw->triggered = false;
	pw->err = 0;
	pw->n = 0;
	pw->cap = POLL_INLINE;
	pw->entries = pw->inline_entries;
}

static void poll_wait_end(struct poll_wait *pw)
{
	for (unsigned int i = 0; i < pw->n; i++)
		wait_queue_remove(pw->entries[i].wq, &pw->entries[i].w);
	if (pw->entries != pw->inline_entries)
		kfree(pw->entries);
}

unsigned int file_poll(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll)
		return DEFAULT_READY;
	return f->ops->poll(f, pt);
}

/*
 * Sleep until a registered queue is woken, deadline (monotonic ns;
 * FOREVER) passes, or a signal: 0, -ETIMEDOUT, -EINTR.
 */
static int poll_sleep(struct poll_wait *pw, uint64_t deadline)
{
	struct task *t = current_task();
	uint64_t now = clock_monotonic_ns();

	if (deadline != FOREVER && now >= deadline)
		return -ETIMEDOUT;
	__atomic_store_n(&t->state, TASK_INTERRUPTIBLE, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&pw->triggered, __ATOMIC_ACQUIRE) &&
	    !sched_signal_pending())
		schedule_timeout(deadline == FOREVER ? ~0ULL : deadline - now);
	t->state = TASK_RUNNING;
	__atomic_store_n(&pw->triggered, false, __ATOMIC_RELAXED);
	return sched_signal_pending() ? -EINTR : 0;
}

struct pollfd_k {
	int32_t fd;
	int16_t events, revents;
};

/* One pass over fds: how many have events. */
static int poll_pass(struct pollfd_k *fds, unsigned int n,
		     struct poll_table *pt)
{
	int ready = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct file *f;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		f = fd_get(fds[i].fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			mask = file_poll(f, pt);
			file_put(f);
			mask &= (uint16_t)fds[i].events | POLLERR | POLLHUP;
		}
		fds[i].revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

static long do_poll(struct pollfd_k *fds, unsigned int n, uint64_t deadline)
{
	struct poll_wait *pw = kmalloc(sizeof(*pw));
	struct poll_table *pt;
	long ready;
	int err = 0;

	if (!pw)
		return -ENOMEM;
	poll_wait_init(pw);
	pt = deadline ? &pw->pt : NULL; /* a zero timeout never sleeps */
	for (;;) {
		ready = poll_pass(fds, n, pt);
		pt = NULL; /* registered once */
		if (ready || err || pw->err)
			break;
		err = poll_sleep(pw, deadline);
		if (err == -ETIMEDOUT) {
			err = 0;
			ready = 0;
			break;
		}
	}
	poll_wait_end(pw);
	if (!ready && pw->err)
		err = pw->err;
	kfree(pw);
	return err ? (err == -EINTR ? -ERESTARTNOHAND : err) : ready;
}

/* The deadline for a relative timeout of ns (FOREVER stays). */
static uint64_t deadline_in(uint64_t ns)
{
	uint64_t now = clock_monotonic_ns();

	return ns == FOREVER || now + ns < now ? FOREVER : now + ns;
}

static long poll_user(uintptr_t ufds, unsigned int n, uint64_t deadline)
{
	size_t bytes = (size_t)n * sizeof(struct pollfd_k);
	struct pollfd_k *fds;
	long ret;

	if (n > current_proc()->rlim[RLIMIT_NOFILE].cur)
		return -EINVAL;
	fds = kmalloc(bytes ? bytes : 1);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, bytes)) {
		kfree(fds);
		return -EFAULT;
	}
	ret = do_poll(fds, n, deadline);
	if (ret >= 0) {
		for (unsigned int i = 0; i < n; i++) {
			if (put_user(fds[i].revents,
				     ufds + i * sizeof(*fds) +
					     offsetof(struct pollfd_k,
						      revents))) {
				ret = -EFAULT;
				break;
			}
		}
	}
	kfree(fds);
	return ret;
}

SYSCALL_DEFINE3(poll, uintptr_t, ufds, unsigned int, n, int, timeout_ms)
{
	uint64_t deadline =
		timeout_ms < 0	  ? FOREVER
		: timeout_ms == 0 ? 0
				  : deadline_in((uint64_t)timeout_ms * 1000000);

	return poll_user(ufds, n, deadline);
}

/* A user timespec as a deadline: 0, -EFAULT, -EINVAL. */
static int ts_deadline(uintptr_t uts, uint64_t *deadline)
{
	int64_t ns;
	int err;

	*deadline = FOREVER;
	if (!uts)
		return 0;
	err = timespec_from_user(uts, &ns);
	if (err)
		return err;
	*deadline = ns ? deadline_in((uint64_t)ns) : 0;
	return 0;
}

/* Write the time left until deadline back to uts (select's habit). */
static void ts_left(uintptr_t uts, uint64_t deadline, bool timeval)
{
	uint64_t now = clock_monotonic_ns(), left;
	int64_t v[2];

	if (!uts || deadline == FOREVER)
		return;
	left = deadline > now ? deadline - now : 0;
	v[0] = (int64_t)(left / NSEC_PER_SEC);
	v[1] = (int64_t)(left % NSEC_PER_SEC) / (timeval ? 1000 : 1);
	(void)copy_to_user(uts, v, sizeof(v)); /* Linux ignores it too */
}

SYSCALL_DEFINE5(ppoll, uintptr_t, ufds, unsigned int, n, uintptr_t, uts,
		uintptr_t, usigmask, size_t, sigsetsize)
{
	uint64_t deadline;
	long ret = ts_deadline(uts, &deadline);

	if (!ret)
		ret = signal_wait_mask_set(usigmask, sigsetsize);
	if (ret)
		return ret;
	ret = poll_user(ufds, n, deadline);
	signal_wait_mask_done(ret);
	ts_left(uts, deadline, false);
	return ret;
}

/* ---- select ------------------------------------------------------------ */

#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX POLLPRI

struct fdsets {
	uint64_t *in, *out, *ex; /* n bits each, in one allocation */
	uint64_t *rin, *rout, *rex;
	size_t words;
};

static int sets_get(struct fdsets *s, int n, uintptr_t uin, uintptr_t uout,
		    uintptr_t uex)
{
	size_t bytes;
	uintptr_t u[3] = {uin, uout, uex};

	s->words = ((size_t)n + 63) / 64;
	bytes = s->words * 8;
	s->in = kzalloc(bytes * 6 + 8);
	if (!s->in)
		return -ENOMEM;
	s->out = s->in + s->words;
	s->ex = s->out + s->words;
	s->rin = s->ex + s->words;
	s->rout = s->rin + s->words;
	s->rex = s->rout + s->words;
	for (int i = 0; i < 3; i++) {
		uint64_t *dst = i == 0 ? s->in : i == 1 ? s->out : s->ex;

		/* The user's set has (n + 7) / 8 bytes that count. */
		if (u[i] && copy_from_user(dst, u[i], ((size_t)n + 7) / 8))
			return -EFAULT;
		if (n % 64)
			dst[s->words - 1] &= (1ULL << (n % 64)) - 1;
	}
	return 0;
}

static bool bit(const uint64_t *set, int fd)
{
	return set[fd / 64] >> (fd % 64) & 1;
}

/* One select pass: the count of bits set in the result sets. */
static int select_pass(struct fdsets *s, int n, struct poll_table *pt)
{
	int ready = 0;

	memset(s->rin, 0, s->words * 8 * 3);
	for (int fd = 0; fd < n; fd++) {
		bool want[3] = {bit(s->in, fd), bit(s->out, fd),
				bit(s->ex, fd)};
		unsigned int mask;
		struct file *f;

		if (!want[0] && !want[1] && !want[2])
			continue;
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		mask = file_poll(f, pt);
		file_put(f);
		if (want[0] && (mask & SEL_IN))
			s->rin[fd / 64] |= 1ULL << (fd % 64), ready++;
		if (want[1] && (mask & SEL_OUT))
			s->rout[fd / 64] |= 1ULL << (fd % 64), ready++;
		if (want[2] && (mask & SEL_EX))
			s->rex[fd / 64] |= 1ULL << (fd % 64), ready++;
	}
	return ready;
}

static long do_select(struct fdsets *s, int n, uint64_t deadline)
{
	struct poll_wait *pw = kmalloc(sizeof(*pw));
	struct poll_table *pt;
	long ready;
	int err = 0;

	if (!pw)
		return -ENOMEM;
	poll_wait_init(pw);
	pt = deadline ? &pw->pt : NULL;
	for (;;) {
		ready = select_pass(s, n, pt);
		pt = NULL;
		if (ready || pw->err)
			break;
		err = poll_sleep(pw, deadline);
		if (err) {
			ready = err == -ETIMEDOUT ? 0 : -ERESTARTNOHAND;
			break;
		}
	}
	poll_wait_end(pw);
	if (!ready && pw->err)
		ready = pw->err;
	kfree(pw);
	return ready;
}

static long select_user(int n, uintptr_t uin, uintptr_t uout, uintptr_t uex,
			uint64_t deadline)
{
	struct fdsets s = {0};
	long ret;
	/* As Linux: bits beyond the descriptor table's size are ignored. */
	int max = (int)__atomic_load_n(&current_proc()->files->size,
				       __ATOMIC_RELAXED);

	if (n < 0)
		return -EINVAL;
	n = MIN(n, max);
	ret = sets_get(&s, n, uin, uout, uex);
	if (!ret)
		ret = do_select(&s, n, deadline);
	if (ret >= 0) {
		size_t bytes = ((size_t)n + 7) / 8;

		if ((uin && copy_to_user(uin, s.rin, bytes)) ||
		    (uout && copy_to_user(uout, s.rout, bytes)) ||
		    (uex && copy_to_user(uex, s.rex, bytes)))
			ret = -EFAULT;
	}
	kfree(s.in);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, uintptr_t, uin, uintptr_t, uout, uintptr_t, uex,
		uintptr_t, utv)
{
	uint64_t deadline = FOREVER;
	long ret;

	if (utv) {
		int64_t tv[2];

		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv[0] < 0 || tv[1] < 0)
			return -EINVAL;
		/* Linux folds excess microseconds into seconds. */
		uint64_t ns =
			(uint64_t)tv[0] * NSEC_PER_SEC + (uint64_t)tv[1] * 1000;
		deadline = ns ? deadline_in(ns) : 0;
		if ((uint64_t)tv[0] > FOREVER / NSEC_PER_SEC / 2)
			deadline = FOREVER;
	}
	ret = select_user(n, uin, uout, uex, deadline);
	ts_left(utv, deadline, true);
	return ret;
}

SYSCALL_DEFINE6(pselect6, int, n, uintptr_t, uin, uintptr_t, uout, uintptr_t,
		uex, uintptr_t, uts, uintptr_t, usig)
{
	uint64_t deadline, sig[2] = {0, 0}; /* {const sigset_t *, size} */
	long ret = ts_deadline(uts, &deadline);

	if (!ret && usig && copy_from_user(sig, usig, sizeof(sig)))
		ret = -EFAULT;
	if (!ret)
		ret = signal_wait_mask_set(sig[0], sig[1]);
	if (ret)
		return ret;
	ret = select_user(n, uin, uout, uex, deadline);
	signal_wait_mask_done(ret);
	ts_left(uts, deadline, false);
	return ret;
}
