/*
 * What another process may look at (<kernel/proc.h>), for procfs:
 * references to a process's address space, descriptor table, fs context
 * and executable, taken under proc_tree_lock (the lock under which the
 * process lets them go at exec and exit), its CPU time, and walks over
 * the processes and threads in ID order.
 */
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/uvm.h>

#include "proc_priv.h"

struct mm *proc_get_mm(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct mm *mm = p->mm;

	if (mm)
		mm_get(mm);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return mm;
}

struct files *proc_get_files(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct files *files = p->files;

	if (files)
		__atomic_add_fetch(&files->refcount, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return files;
}

struct fs_context *proc_get_fs(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct fs_context *fs = p->fs;

	if (fs)
		__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return fs;
}

bool proc_get_exe(struct proc *p, struct path *out)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	*out = p->exe;
	path_get(out);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return out->dentry != NULL;
}

/* total ns split as user:sys ticks (all user when nothing was sampled). */
static void split(uint64_t total, uint64_t ut, uint64_t st, uint64_t *user,
		  uint64_t *sys)
{
	uint64_t all = ut + st, u = total;

	/* total * ut / all without a 128-bit product (ticks stay small). */
	if (all)
		u = total / all * ut + total % all * ut / all;

	*user = u;
	*sys = total - u;
}

void task_cputime(const struct task *t, uint64_t *user, uint64_t *sys)
{
	split(t->sum_exec, t->user_ticks, t->sys_ticks, user, sys);
}

void proc_cputime(struct proc *p, uint64_t *user, uint64_t *sys)
{
	unsigned long flags;
	uint64_t ns, ut, st;
	struct task *t;

	sched_update_current();
	flags = spin_lock_irqsave(&proc_tree_lock);
	ns = p->utime;
	ut = p->user_ticks;
	st = p->sys_ticks;
	list_for_each_entry(t, &p->threads, proc_link)
	{
		ns += t->sum_exec;
		ut += t->user_ticks;
		st += t->sys_ticks;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	split(ns, ut, st, user, sys);
}

struct proc *proc_next(pid_t from)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p, *best = NULL;

	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->pid >= from && p->state != PROC_DEAD &&
		    (!best || p->pid < best->pid))
			best = p;
	}
	if (best)
		proc_get(best);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return best;
}

pid_t proc_next_thread(struct proc *p, pid_t from)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	pid_t best = 0;
	struct task *t;

	list_for_each_entry(t, &p->threads, proc_link)
	{
		if (t->tid >= from && (!best || t->tid < best))
			best = t->tid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return best;
}

struct task *proc_leader_locked(struct proc *p)
{
	struct task *t = proc_find_task(p->pid);

	if (t && t->proc == p)
		return t;
	if (list_empty(&p->threads))
		return NULL;
	return list_first_entry(&p->threads, struct task, proc_link);
}

struct task *proc_thread_locked(struct proc *p, pid_t tid)
{
	struct task *t = proc_find_task(tid);

	return t && t->proc == p ? t : NULL;
}
