/*
 * Waiting for children: wait4 and waitid, with Linux's status encoding
 * (exit code << 8; signal | 0x80 for a core dump; 0x7f | sig << 8 for a
 * stop; 0xffff for a continue) and options (WNOHANG, WUNTRACED/WSTOPPED,
 * WCONTINUED, WEXITED, WNOWAIT, __WALL...). A parent sleeps on its own
 * child_wq, which children wake when they stop, continue or end.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "proc_priv.h"

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define WNOTHREAD 0x20000000
#define WALL 0x40000000
#define WCLONE 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

/* What a wait found, to copy out once the lock is dropped. */
struct wait_result {
	pid_t pid;
	uid_t uid;
	int status; /* wait4's encoding */
	int code;   /* CLD_* for waitid */
	int value;  /* waitid's si_status */
	uint64_t utime, stime;
};

/* Does child c match wait4's pid argument for parent p? */
static bool matches(const struct proc *p, const struct proc *c, pid_t pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == p->pgid;
	if (pid == -1)
		return true;
	return c->pgid == -pid;
}

static void reap_locked(struct proc *p, struct proc *c)
{
	p->cutime += c->utime + c->cutime;
	p->cstime += c->stime + c->cstime;
	proc_unlink_locked(c);
	proc_put(c); /* the tree's reference */
}

/* Look at one child: true if it has something to report (in *r). */
static bool check_child(struct proc *p, struct proc *c, int options,
			struct wait_result *r)
{
	r->pid = c->pid;
	r->uid = c->cred.uid;
	r->utime = c->utime;
	r->stime = c->stime;
	if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
		r->status = c->exit_status;
		r->code = (r->status & 0x7f) == 0 ? CLD_EXITED
			  : r->status & 0x80	 ? CLD_DUMPED
						 : CLD_KILLED;
		r->value = r->code == CLD_EXITED ? r->status >> 8 & 0xff
						 : r->status & 0x7f;
		if (!(options & WNOWAIT))
			reap_locked(p, c);
		return true;
	}
	if (c->state != PROC_ALIVE)
		return false;
	if ((options & WSTOPPED) && c->stopped && c->report_stop) {
		r->status = 0x7f | c->stop_signal << 8;
		r->code = CLD_STOPPED;
		r->value = c->stop_signal;
		if (!(options & WNOWAIT))
			c->report_stop = false;
		return true;
	}
	if ((options & WCONTINUED) && c->report_continue) {
		r->status = 0xffff;
		r->code = CLD_CONTINUED;
		r->value = SIGCONT;
		if (!(options & WNOWAIT))
			c->report_continue = false;
		return true;
	}
	return false;
}

/* One scan: 1 found, 0 nothing yet, -ECHILD no such child. Locked. */
static int scan(struct proc *p, pid_t pid, int options, struct wait_result *r)
{
	struct proc *c, *n;
	bool any = false;

	list_for_each_entry_safe(c, n, &p->children, sibling)
	{
		if (!matches(p, c, pid))
			continue;
		any = true;
		if (check_child(p, c, options, r))
			return 1;
	}
	return any ? 0 : -ECHILD;
}

static long do_wait(pid_t pid, int options, struct wait_result *r)
{
	struct proc *p = current_proc();
	struct waiter w = {.task = current_task()};
	long ret;

	list_init(&w.link);
	for (;;) {
		unsigned long flags;

		prepare_to_wait(&p->child_wq, &w, TASK_INTERRUPTIBLE);
		flags = spin_lock_irqsave(&proc_tree_lock);
		ret = scan(p, pid, options, r);
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (ret || (options & WNOHANG))
			break;
		if (sched_signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&p->child_wq, &w);
	return ret;
}

struct rusage_k {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14]; /* maxrss ... nivcsw: zero */
};

static void fill_rusage(struct rusage_k *ru, uint64_t utime, uint64_t stime)
{
	memset(ru, 0, sizeof(*ru));
	ru->utime_sec = (int64_t)(utime / NSEC_PER_SEC);
	ru->utime_usec = (int64_t)(utime % NSEC_PER_SEC / 1000);
	ru->stime_sec = (int64_t)(stime / NSEC_PER_SEC);
	ru->stime_usec = (int64_t)(stime % NSEC_PER_SEC / 1000);
}

SYSCALL_DEFINE4(wait4, pid_t, pid, uintptr_t, ustatus, int, options,
		uintptr_t, urusage)
{
	struct wait_result r = {0};
	struct rusage_k ru;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL |
			WCLONE))
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH; /* INT_MIN: -pid would overflow */
	ret = do_wait(pid, options | WEXITED, &r);
	if (ret <= 0)
		return ret;
	if (ustatus && put_user(r.status, ustatus))
		return -EFAULT;
	if (urusage) {
		fill_rusage(&ru, r.utime, r.stime);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r.pid;
}

SYSCALL_DEFINE5(waitid, int, idtype, pid_t, id, uintptr_t, uinfo, int,
		options, uintptr_t, urusage)
{
	struct wait_result r = {0};
	struct siginfo info;
	struct rusage_k ru;
	pid_t pid;
	long ret;

	if (options & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT |
			WNOTHREAD | WALL | WCLONE) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype == P_ALL)
		pid = -1;
	else if (idtype == P_PID && id > 0)
		pid = id;
	else if (idtype == P_PGID && id >= 0)
		pid = id ? -id : 0;
	else
		return -EINVAL;
	ret = do_wait(pid, options, &r);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = r.code;
		info.proc.pid = r.pid;
		info.proc.uid = r.uid;
		info.proc.status = r.value;
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (urusage) {
		fill_rusage(&ru, r.utime, r.stime);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return 0;
}
