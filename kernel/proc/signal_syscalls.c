/*
 * The signal system calls: actions, masks, waiting for signals, the
 * alternate stack, and sending (kill, tkill, tgkill, sigqueue). Each
 * decodes and checks its arguments as Linux does, then calls into
 * signal.c.
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

/* Sleep until a signal is pending for the current task. */
static void sleep_until_signal(void)
{
	struct task *t = current_task();

	for (;;) {
		__atomic_store_n(&t->state, TASK_INTERRUPTIBLE,
				 __ATOMIC_SEQ_CST);
		if (sched_signal_pending())
			break;
		schedule();
	}
	t->state = TASK_RUNNING;
}

struct stack_user {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

void signal_set_blocked(struct task *t, sigset_t mask)
{
	struct sighand *sh = t->proc->sighand;
	unsigned long flags = spin_lock_irqsave(&sh->lock);

	t->sig->blocked = mask & ~SIG_UNBLOCKABLE;
	signal_recalc(t);
	spin_unlock_irqrestore(&sh->lock, flags);
}

static bool valid_sig(int sig)
{
	return sig >= 1 && sig <= NSIG;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, uintptr_t, uact, uintptr_t, uold,
		size_t, setsize)
{
	struct sighand *sh = current_proc()->sighand;
	struct k_sigaction act, old;
	unsigned long flags;

	if (setsize != sizeof(sigset_t) || !valid_sig(sig))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	spin_lock(&sh->lock);
	old = sh->action[sig - 1];
	if (uact) {
		act.mask &= ~SIG_UNBLOCKABLE;
		sh->action[sig - 1] = act;
		/* POSIX: setting SIG_IGN discards what is pending. */
		if (signal_ignored(current_proc(), sig))
			pending_flush_all(current_proc(), sig_bit(sig));
	}
	spin_unlock(&sh->lock);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uintptr_t, uset, uintptr_t, uold,
		size_t, setsize)
{
	struct task *t = current_task();
	sigset_t old = t->sig->blocked, set;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			set = old | set;
		else if (how == SIG_UNBLOCK)
			set = old & ~set;
		else if (how != SIG_SETMASK)
			return -EINVAL;
		signal_set_blocked(t, set);
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uintptr_t, uset, size_t, setsize)
{
	struct task *t = current_task();
	unsigned long flags;
	sigset_t set;

	if (setsize > sizeof(sigset_t))
		return -EINVAL;
	flags = spin_lock_irqsave(&t->proc->sighand->lock);
	set = signal_pending_set(t) & t->sig->blocked;
	spin_unlock_irqrestore(&t->proc->sighand->lock, flags);
	return copy_to_user(uset, &set, setsize) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(rt_sigsuspend, uintptr_t, uset, size_t, setsize)
{
	struct task *t = current_task();
	sigset_t set;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	t->sig->saved_mask = t->sig->blocked;
	t->sig->restore_saved = true;
	signal_set_blocked(t, set);
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

int signal_wait_mask_set(uintptr_t uset, size_t setsize)
{
	struct task *t = current_task();
	sigset_t set;

	if (!uset)
		return 0;
	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	t->sig->saved_mask = t->sig->blocked;
	t->sig->restore_saved = true;
	signal_set_blocked(t, set);
	return 0;
}

void signal_wait_mask_done(long ret)
{
	struct task *t = current_task();

	/* Interrupted: the handler's frame saves the old mask instead. */
	if (!t->sig->restore_saved ||
	    (ret == -ERESTARTNOHAND && sched_signal_pending()))
		return;
	t->sig->restore_saved = false;
	signal_set_blocked(t, t->sig->saved_mask);
}

SYSCALL_DEFINE0(pause)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

/* sigtimedwait's timeout: NULL waits "forever" (INT64_MAX / 2 ns). */
static long timeout_ns(uintptr_t uts, uint64_t *ns)
{
	int64_t v = INT64_MAX / 2;
	int err = uts ? timespec_from_user(uts, &v) : 0;

	*ns = (uint64_t)v;
	return err;
}

/* Wait for a signal of set: its number with *info, or -EAGAIN, -EINTR. */
static long wait_for(struct task *t, sigset_t set, uint64_t ns,
		     struct siginfo *info)
{
	struct sighand *sh = t->proc->sighand;
	uint64_t end = clock_monotonic_ns() + ns;
	sigset_t saved = t->sig->blocked;
	long sig;

	/* The waited-for signals are unblocked meanwhile, as Linux does;
	 * they still count as blocked for senders (real_blocked). */
	t->sig->real_blocked = saved;
	signal_set_blocked(t, saved & ~set);
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&sh->lock);

		sig = signal_dequeue(t, set, info);
		signal_recalc(t);
		spin_unlock_irqrestore(&sh->lock, flags);
		if (sig)
			break;
		if (sched_signal_pending()) {
			sig = -EINTR;
			break;
		}
		if (clock_monotonic_ns() >= end) {
			sig = -EAGAIN;
			break;
		}
		sleep_interruptible(end);
	}
	signal_set_blocked(t, saved);
	t->sig->real_blocked = 0;
	return sig;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uintptr_t, uset, uintptr_t, uinfo, uintptr_t,
		uts, size_t, setsize)
{
	struct siginfo info;
	sigset_t set;
	uint64_t ns;
	long sig;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	sig = timeout_ns(uts, &ns);
	if (sig)
		return sig;
	sig = wait_for(current_task(), set & ~SIG_UNBLOCKABLE, ns, &info);
	if (sig > 0 && uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

int signal_set_altstack(struct task *t, uint64_t sp, uint64_t size,
			uint32_t flags)
{
	struct task_signal *ts = t->sig;
	uint32_t mode = flags & ~SS_AUTODISARM;

	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		ts->altstack_sp = ts->altstack_size = 0;
		ts->altstack_flags = SS_DISABLE;
		return 0;
	}
	if (size < MINSIGSTKSZ)
		return -ENOMEM;
	ts->altstack_sp = sp;
	ts->altstack_size = size;
	ts->altstack_flags = flags & SS_AUTODISARM;
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, uintptr_t, uss, uintptr_t, uold)
{
	struct task *t = current_task();
	struct task_signal *ts = t->sig;
	struct stack_user ss, old = {0};
	uint64_t sp = arch_user_sp(t);
	bool on = ts->altstack_size && sp > ts->altstack_sp &&
		  sp - ts->altstack_sp <= ts->altstack_size;
	long err = 0;

	old.sp = ts->altstack_sp;
	old.size = ts->altstack_size;
	old.flags = (int32_t)(on ? SS_ONSTACK
			      : ts->altstack_size
				      ? (ts->altstack_flags & SS_AUTODISARM)
				      : SS_DISABLE);
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		err = signal_set_altstack(t, ss.sp, ss.size,
					  (uint32_t)ss.flags);
		if (err)
			return err;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* The siginfo of kill/tkill from the caller. */
static void user_info(struct siginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->proc.pid = current_proc()->pid;
	info->proc.uid = current_proc()->cred.uid;
}

SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)
{
	struct siginfo info;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	user_info(&info, sig, SI_USER);
	return signal_kill(pid, sig, &info);
}

/* One thread, by TID (and TGID for tgkill). */
static long thread_kill(pid_t tgid, pid_t tid, int sig, struct siginfo *info)
{
	unsigned long flags;
	struct task *t;
	long err = 0;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = proc_find_task(tid);
	if (!t || !t->proc || (tgid > 0 && t->proc->pid != tgid))
		err = -ESRCH;
	else if (!proc_may_signal(t->proc, sig))
		err = -EPERM;
	if (!err && sig) {
		spin_lock(&t->proc->sighand->lock);
		err = signal_send_locked(t->proc, t, sig, info);
		spin_unlock(&t->proc->sighand->lock);
		proc_notify_flush_locked(t->proc);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

SYSCALL_DEFINE2(tkill, pid_t, tid, int, sig)
{
	struct siginfo info;

	user_info(&info, sig, SI_TKILL);
	return thread_kill(-1, tid, sig, &info);
}

SYSCALL_DEFINE3(tgkill, pid_t, tgid, pid_t, tid, int, sig)
{
	struct siginfo info;

	if (tgid <= 0)
		return -EINVAL;
	user_info(&info, sig, SI_TKILL);
	return thread_kill(tgid, tid, sig, &info);
}

/* Someone else's siginfo may not pass for the kernel's or kill's. */
static long user_siginfo(struct siginfo *info, int sig, uintptr_t uinfo,
			 pid_t target)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) &&
	    target != current_proc()->pid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, pid_t, pid, int, sig, uintptr_t, uinfo)
{
	struct siginfo info;
	long err = user_siginfo(&info, sig, uinfo, pid);

	if (err)
		return err;
	if (pid <= 0)
		return -EINVAL;
	return signal_kill(pid, sig, &info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, pid_t, tgid, pid_t, tid, int, sig, uintptr_t,
		uinfo)
{
	struct siginfo info;
	long err = user_siginfo(&info, sig, uinfo, tgid);

	if (err)
		return err;
	if (tgid <= 0)
		return -EINVAL;
	return thread_kill(tgid, tid, sig, &info);
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct task *t = current_task();

	if (!t->sig->restart_fn)
		return -EINTR;
	return t->sig->restart_fn(t);
}
