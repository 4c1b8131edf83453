/*
 * The scheduler's system calls: sched_yield, nice values through
 * setpriority/getpriority, CPU affinity, getcpu, the policy queries
 * (every task is SCHED_OTHER), and I/O priorities.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

/* Does task t's process match setpriority's which/who? Tree locked. */
static bool prio_match(struct task *t, int which, int who)
{
	struct proc *me = current_proc(), *p = t->proc;

	if (!p)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return who ? t->tid == who || p->pid == who : t == current_task();
	case PRIO_PGRP:
		return p->pgid == (who ? who : me->pgid);
	default: /* PRIO_USER */
		return p->cred.uid == (uint32_t)(who ? who : (int)me->cred.uid);
	}
}

/* Permission to change t's nice to nice: 0, -EPERM, -EACCES. */
static long nice_allowed(struct task *t, int nice)
{
	const struct cred *me = &current_proc()->cred;

	if (me->euid == 0)
		return 0;
	if (me->euid != t->proc->cred.uid && me->euid != t->proc->cred.euid)
		return -EPERM;
	return nice < t->nice ? -EACCES : 0; /* RLIMIT_NICE 0: only up */
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, prio)
{
	struct task *t;
	struct proc *p;
	unsigned long flags;
	long err = -ESRCH, e;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	prio = prio < NICE_MIN ? NICE_MIN : prio > NICE_MAX ? NICE_MAX : prio;
	flags = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry(p, &proc_all, all_link)
	{
		list_for_each_entry(t, &p->threads, proc_link)
		{
			if (!prio_match(t, which, who))
				continue;
			e = nice_allowed(t, prio);
			if (!e)
				sched_set_nice(t, prio);
			if (err == -ESRCH || e)
				err = e;
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct task *t;
	struct proc *p;
	unsigned long flags;
	int best = 0; /* 20 - nice: 40 is the highest priority */

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry(p, &proc_all, all_link)
	{
		list_for_each_entry(t, &p->threads, proc_link)
		{
			if (prio_match(t, which, who))
				best = MAX(best, 20 - t->nice);
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return best ? best : -ESRCH;
}

/* The task a sched_* call names: pid 0 is the caller. Tree locked. */
static struct task *sched_target(pid_t pid)
{
	return pid ? proc_find_task(pid) : current_task();
}

/*
 * I/O priorities (ioprio_set/ioprio_get): kept per task and inherited,
 * for what reads them back; there is no I/O scheduler to use them yet.
 * A value is class << 13 | data: none (data 0), real-time (root only)
 * and best-effort with a level 0-7, idle. who: a task, a process group,
 * a user, 0 meaning the caller's.
 */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS(v) (((v) >> IOPRIO_CLASS_SHIFT) & 7)
#define IOPRIO_DATA(v) ((v) & ((1 << IOPRIO_CLASS_SHIFT) - 1))
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_NR_LEVELS 8
#define IOPRIO_BE_NORM 4
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3

static long ioprio_check(int ioprio)
{
	int data = IOPRIO_DATA(ioprio);

	switch (IOPRIO_CLASS(ioprio)) {
	case IOPRIO_CLASS_RT:
		if (!proc_capable())
			return -EPERM;
		return data >= IOPRIO_NR_LEVELS ? -EINVAL : 0;
	case IOPRIO_CLASS_BE:
		return data >= IOPRIO_NR_LEVELS ? -EINVAL : 0;
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return data ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* Linux's set_task_ioprio: the owner (real or effective UID) or root. */
static long ioprio_set_task(struct task *t, int ioprio)
{
	const struct cred *me = &current_proc()->cred;
	uint32_t uid = t->proc ? t->proc->cred.uid : 0;

	if (uid != me->euid && uid != me->uid && !proc_capable())
		return -EPERM;
	t->ioprio = (uint16_t)ioprio;
	return 0;
}

/* Of two tasks' values, the higher priority (none counts as BE 4). */
static int ioprio_best(int a, int b)
{
	int norm = IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT | IOPRIO_BE_NORM;

	if (IOPRIO_CLASS(a) == IOPRIO_CLASS_NONE)
		a = norm;
	if (IOPRIO_CLASS(b) == IOPRIO_CLASS_NONE)
		b = norm;
	return MIN(a, b);
}

SYSCALL_DEFINE3(ioprio_set, int, which, int, who, int, ioprio)
{
	struct task *t;
	struct proc *p;
	unsigned long flags;
	long err = ioprio_check(ioprio);

	if (err)
		return err;
	if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
		return -EINVAL;
	err = -ESRCH;
	flags = spin_lock_irqsave(&proc_tree_lock);
	if (which == IOPRIO_WHO_PROCESS) {
		t = sched_target(who);
		if (t)
			err = ioprio_set_task(t, ioprio);
		goto out;
	}
	list_for_each_entry(p, &proc_all, all_link)
	{
		list_for_each_entry(t, &p->threads, proc_link)
		{
			if (!prio_match(t, which - 1, who))
				continue;
			err = ioprio_set_task(t, ioprio);
			if (err) /* Linux stops at the first refusal */
				goto out;
		}
	}
out:
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

SYSCALL_DEFINE2(ioprio_get, int, which, int, who)
{
	struct task *t;
	struct proc *p;
	unsigned long flags;
	long ret = -ESRCH;

	if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	if (which == IOPRIO_WHO_PROCESS) {
		t = sched_target(who);
		if (t)
			ret = t->ioprio;
		goto out;
	}
	list_for_each_entry(p, &proc_all, all_link)
	{
		list_for_each_entry(t, &p->threads, proc_link)
		{
			if (prio_match(t, which - 1, who))
				ret = ret == -ESRCH ? t->ioprio
						    : ioprio_best((int)ret,
								  t->ioprio);
		}
	}
out:
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ret;
}

SYSCALL_DEFINE3(sched_setaffinity, pid_t, pid, size_t, len, uintptr_t, umask)
{
	uint64_t mask = 0;
	unsigned long flags;
	struct task *t;
	long err;

	if (pid < 0)
		return -ESRCH;
	if (copy_from_user(&mask, umask, MIN(len, sizeof(mask))))
		return -EFAULT;
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = sched_target(pid);
	err = !t ? -ESRCH : (t->proc && !proc_may_signal(t->proc, 0)) ? -EPERM
								      : 0;
	if (!err)
		task_get(t);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (err)
		return err;
	err = sched_set_affinity(t, mask);
	task_put(t);
	return err;
}

SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, size_t, len, uintptr_t, umask)
{
	unsigned long flags;
	uint64_t mask = 0;
	unsigned int cpu;
	struct task *t;

	if (pid < 0)
		return -ESRCH;
	if (len < sizeof(mask) || len % sizeof(long))
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = sched_target(pid);
	if (t)
		mask = t->cpus_allowed;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!t)
		return -ESRCH;
	for (cpu = 0; cpu < 64; cpu++) {
		if (!smp_cpu_online(cpu))
			mask &= ~(1ULL << cpu);
	}
	if (copy_to_user(umask, &mask, sizeof(mask)) ||
	    clear_user(umask + sizeof(mask), len - sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

SYSCALL_DEFINE3(getcpu, uintptr_t, ucpu, uintptr_t, unode, uintptr_t, ucache)
{
	unsigned int cpu = cpu_id(), node = 0;

	if (ucpu && put_user(cpu, ucpu))
		return -EFAULT;
	if (unode && put_user(node, unode))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(sched_getscheduler, pid_t, pid)
{
	unsigned long flags;
	struct task *t;

	if (pid < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = sched_target(pid);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return t ? SCHED_OTHER : -ESRCH;
}

SYSCALL_DEFINE2(sched_getparam, pid_t, pid, uintptr_t, uparam)
{
	int prio = 0;

	if (pid < 0 || !uparam)
		return -EINVAL;
	return put_user(prio, uparam) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(sched_setscheduler, pid_t, pid, int, policy, uintptr_t,
		uparam)
{
	int prio;

	if (pid < 0 || !uparam)
		return -EINVAL;
	if (get_user(prio, uparam))
		return -EFAULT;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH ||
	    policy == SCHED_IDLE)
		return prio ? -EINVAL : 0;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return proc_capable() ? -EPERM : -EPERM; /* no real-time yet */
	return -EINVAL;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99
	       : policy == SCHED_OTHER || policy == SCHED_BATCH ||
			       policy == SCHED_IDLE
		       ? 0
		       : -EINVAL;
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1
	       : policy == SCHED_OTHER || policy == SCHED_BATCH ||
			       policy == SCHED_IDLE
		       ? 0
		       : -EINVAL;
}
