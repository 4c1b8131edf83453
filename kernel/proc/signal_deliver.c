/*
 * Delivering signals (signal_deliver, on the way back to user mode):
 * each pass takes the most urgent signal the thread does not block and
 * carries out its action: ignore, stop the process, end it (with a core
 * dump bit for the SD_CORE signals, no core file is written), or run the
 * handler, for which the architecture builds the signal frame on the
 * user stack (or the alternate one). An interrupted system call is
 * restarted or fails with EINTR as the action requires.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>

#include "proc_priv.h"

enum verdict { V_AGAIN, V_HANDLER, V_NONE, V_EXIT, V_STOPPED };

static bool is_stop_default(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

static bool is_core_default(int sig)
{
	return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP ||
	       sig == SIGABRT || sig == SIGBUS || sig == SIGFPE ||
	       sig == SIGSEGV || sig == SIGXCPU || sig == SIGXFSZ ||
	       sig == SIGSYS;
}

static bool is_ignore_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT;
}

/* The default action of sig for p. Tree and sighand locks held. */
static enum verdict act_default(struct proc *p, int sig)
{
	if (is_ignore_default(sig))
		return V_AGAIN;
	if (is_stop_default(sig)) {
		/* An orphaned group ignores the terminal's stop signals. */
		if (sig != SIGSTOP && pgrp_orphaned_locked(p->pgid))
			return V_AGAIN;
		proc_stop_locked(p, sig);
		return V_STOPPED;
	}
	/* The core bit says a dump was written: only with RLIMIT_CORE. */
	signal_group_kill_locked(
		p, status_signaled(sig, is_core_default(sig) &&
						p->rlim[RLIMIT_CORE].cur));
	return V_EXIT;
}

/*
 * One pass, under the locks: what to do now. For V_HANDLER, *sig, *info,
 * *act and *old are filled and the thread's mask already changed.
 */
static enum verdict pick(struct task *t, int *sig, struct siginfo *info,
			 struct k_sigaction *act, sigset_t *old)
{
	struct proc *p = t->proc;
	struct task_signal *ts = t->sig;
	struct k_sigaction *a;

	if (p->group_exiting || ts->zapped)
		return V_EXIT;
	if (p->stopped)
		return V_STOPPED;
	*sig = signal_dequeue(t, ~ts->blocked | SIG_UNBLOCKABLE, info);
	if (!*sig)
		return V_NONE;
	a = &p->sighand->action[*sig - 1];
	if (a->handler == SIG_IGN)
		return V_AGAIN;
	/* PID 1 has no default actions (init_protected), a fault aside. */
	if (a->handler == SIG_DFL && p->pid == 1 && !p->init_killable)
		return V_AGAIN;
	if (a->handler == SIG_DFL)
		return act_default(p, *sig);
	*act = *a;
	*old = ts->restore_saved ? ts->saved_mask : ts->blocked;
	ts->restore_saved = false;
	if (a->flags & SA_RESETHAND)
		a->handler = SIG_DFL;
	ts->blocked |=
		act->mask | ((act->flags & SA_NODEFER) ? 0 : sig_bit(*sig));
	ts->blocked &= ~SIG_UNBLOCKABLE;
	return V_HANDLER;
}

/* Nothing (more) to deliver: restore a sigsuspend mask, settle flags. */
static void finish_none(struct task *t)
{
	struct task_signal *ts = t->sig;

	if (ts->restore_saved) {
		ts->blocked = ts->saved_mask;
		ts->restore_saved = false;
	}
	signal_recalc(t);
}

static enum verdict pass(struct task *t, int *sig, struct siginfo *info,
			 struct k_sigaction *act, sigset_t *old)
{
	struct proc *p = t->proc;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	enum verdict v;

	spin_lock(&p->sighand->lock);
	v = pick(t, sig, info, act, old);
	if (v == V_NONE)
		finish_none(t);
	if (v == V_STOPPED)
		t->state = TASK_STOPPED; /* slept in below, locks dropped */
	spin_unlock(&p->sighand->lock);
	proc_notify_flush_locked(p);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return v;
}

void signal_deliver(struct trap_frame *frame)
{
	struct task *t = current_task();
	struct k_sigaction act;
	struct siginfo info;
	sigset_t old;
	int sig;

	if (!t->proc) {
		t->sigpending = false;
		return;
	}
	for (;;) {
		switch (pass(t, &sig, &info, &act, &old)) {
		case V_AGAIN:
			continue;
		case V_STOPPED:
			schedule(); /* until SIGCONT or SIGKILL */
			continue;
		case V_EXIT:
			if (t->sig->zapped)
				proc_exit_thread(
					0); /* exec elsewhere: only us */
			proc_exit_group(t->proc->group_exit_status);
		case V_NONE:
			arch_syscall_restart(frame, false, false);
			return;
		case V_HANDLER:
			arch_syscall_restart(frame, true,
					     act.flags & SA_RESTART);
			if (arch_signal_frame(frame, sig, &info, &act, old)) {
				/* No room for the frame: it dies of it. */
				signal_force_segv();
				continue;
			}
			return;
		}
	}
}
