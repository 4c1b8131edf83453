/*
 * Job control's half in the kernel: stopping and continuing a whole
 * process, and telling its parent (SIGCHLD with CLD_STOPPED,
 * CLD_CONTINUED, and at exit CLD_EXITED/KILLED/DUMPED; wait4 wakes).
 * Stopping and continuing happen with proc_tree_lock and the process's
 * sighand lock held; they leave the parent's notification in
 * p->notify_code, which proc_notify_flush_locked sends once the caller
 * has dropped the sighand lock (the parent's is of the same rank).
 */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "proc_priv.h"

#define CLOCK_TICKS 100 /* sysconf(_SC_CLK_TCK), AT_CLKTCK */

static int64_t ns_to_ticks(uint64_t ns)
{
	return (int64_t)(ns / (NSEC_PER_SEC / CLOCK_TICKS));
}

void proc_notify_parent_locked(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	struct siginfo info;
	const struct k_sigaction *a;
	int sig = code == CLD_STOPPED || code == CLD_CONTINUED ? SIGCHLD
							      : p->exit_signal;

	if (!parent)
		return;
	wake_up_all(&parent->child_wq);
	if (!sig)
		return;
	a = &parent->sighand->action[SIGCHLD - 1];
	if (sig == SIGCHLD && code != CLD_EXITED && code != CLD_KILLED &&
	    code != CLD_DUMPED && (a->flags & SA_NOCLDSTOP))
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.proc.pid = p->pid;
	info.proc.uid = p->cred.uid;
	info.proc.status = status;
	info.proc.utime = ns_to_ticks(p->utime);
	info.proc.stime = ns_to_ticks(p->stime);
	spin_lock(&parent->sighand->lock);
	signal_send_locked(parent, NULL, sig, &info);
	spin_unlock(&parent->sighand->lock);
}

void proc_notify_flush_locked(struct proc *p)
{
	int code = p->notify_code;

	p->notify_code = 0;
	if (code)
		proc_notify_parent_locked(p, code,
					  code == CLD_STOPPED ? p->stop_signal
							      : SIGCONT);
}

void proc_stop_locked(struct proc *p, int sig)
{
	struct task *t;

	if (p->stopped || p->group_exiting)
		return;
	p->stopped = true;
	p->stop_signal = sig;
	p->report_stop = true;
	p->report_continue = false;
	list_for_each_entry(t, &p->threads, proc_link)
	{
		__atomic_store_n(&t->sigpending, true, __ATOMIC_RELEASE);
		wake_up_state(t, TASK_WAKE_INTERRUPTIBLE);
	}
	p->notify_code = CLD_STOPPED;
}

void proc_continue_locked(struct proc *p, bool report)
{
	struct task *t;

	if (!p->stopped)
		return;
	p->stopped = false;
	p->report_stop = false;
	list_for_each_entry(t, &p->threads, proc_link)
	{
		signal_recalc(t);
		wake_up_state(t, 1u << TASK_STOPPED);
	}
	if (report) {
		p->report_continue = true;
		p->notify_code = CLD_CONTINUED;
	}
}
