/*
 * Identity and exit system calls: getpid, getppid, gettid, exit,
 * exit_group, set_tid_address, set_robust_list/get_robust_list, and the
 * process group and session calls (setpgid, getpgid, getpgrp, setsid,
 * getsid) with POSIX's rules.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include <kernel/tty.h>

#include "proc_priv.h"

SYSCALL_DEFINE0(getpid)
{
	return current_proc()->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current_task()->tid;
}

SYSCALL_DEFINE0(getppid)
{
	struct proc *parent = current_proc()->parent;

	return parent ? parent->pid : 0;
}

SYSCALL_DEFINE1(exit, int, code)
{
	proc_exit_thread(status_exited(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	proc_exit_group(status_exited(code));
}

SYSCALL_DEFINE1(set_tid_address, uintptr_t, uaddr)
{
	current_task()->clear_child_tid = uaddr;
	return current_task()->tid;
}

#define ROBUST_LIST_HEAD_SIZE 24

SYSCALL_DEFINE2(set_robust_list, uintptr_t, head, size_t, len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current_task()->robust_list = head;
	current_task()->robust_len = len;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, pid_t, pid, uintptr_t, uhead, uintptr_t,
		ulen)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct task *t = pid ? proc_find_task(pid) : current_task();
	uint64_t head = t ? t->robust_list : 0, len = ROBUST_LIST_HEAD_SIZE;
	long err = !t ? -ESRCH : !proc_may_signal(t->proc, 0) ? -EPERM : 0;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (err)
		return err;
	if (put_user(head, uhead) || put_user(len, ulen))
		return -EFAULT;
	return 0;
}

/* Tree lock held: is there a process in group pgid of session sid? */
static bool group_in_session(pid_t pgid, pid_t sid)
{
	struct proc *p;

	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->pgid == pgid && p->sid == sid && p->state != PROC_DEAD)
			return true;
	}
	return false;
}

static long setpgid_locked(pid_t pid, pid_t pgid)
{
	struct proc *me = current_proc();
	struct proc *p = pid ? proc_find(pid) : me;

	if (!p || (p != me && p->parent != me))
		return -ESRCH;
	if (p != me && p->exec_id)
		return -EACCES; /* a child that has exec'd */
	if (p->sid != me->sid)
		return -EPERM;
	if (p->pid == p->sid)
		return -EPERM; /* a session leader */
	if (!pgid)
		pgid = p->pid;
	if (pgid != p->pid && !group_in_session(pgid, me->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)
{
	unsigned long flags;
	long err;

	if (!pid)
		pid = current_proc()->pid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	flags = spin_lock_irqsave(&proc_tree_lock);
	err = setpgid_locked(pid, pgid);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

/* pgid or sid of pid (0: the caller's). */
static long get_id(pid_t pid, bool session)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = pid ? proc_find(pid) : current_proc();
	long ret = p ? (session ? p->sid : p->pgid) : -ESRCH;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return pid < 0 ? -ESRCH : ret;
}

SYSCALL_DEFINE1(getpgid, pid_t, pid)
{
	return get_id(pid, false);
}

SYSCALL_DEFINE0(getpgrp)
{
	return current_proc()->pgid;
}

SYSCALL_DEFINE1(getsid, pid_t, pid)
{
	return get_id(pid, true);
}

SYSCALL_DEFINE0(setsid)
{
	struct proc *me = current_proc(), *p;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long ret = me->pid;

	/* Not if a process group with our PID exists (we would join it). */
	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->pgid == me->pid && p->state != PROC_DEAD)
			ret = -EPERM;
	}
	if (ret > 0) {
		me->sid = me->pid;
		me->pgid = me->pid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (ret > 0)
		tty_detach(me, false); /* a new session has no terminal */
	return ret;
}
