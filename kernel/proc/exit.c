/*
 * The end of threads and processes: exit, exit_group, the zombie state,
 * reparenting to PID 1, and what PID 1's own end means (the kernel says
 * how init ended and powers the machine off).
 *
 * A thread that exits leaves its process; the last one to leave ends the
 * process: its memory, files and timers are released, its children go to
 * PID 1 and it becomes a zombie holding the wait status until the parent
 * reaps it (proc/wait.c), unless the parent does not want to know
 * (SIGCHLD ignored or SA_NOCLDWAIT), in which case it is reaped at once.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/futex.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/tty.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/uvm.h>

#include "proc_priv.h"

/* CLONE_CHILD_CLEARTID: zero the word and wake one futex waiter (join). */
static void clear_child_tid(struct task *t)
{
	uint32_t zero = 0;

	if (!t->clear_child_tid || !t->proc->mm)
		return;
	if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake_addr(t->clear_child_tid, 1);
	t->clear_child_tid = 0;
}

static bool parent_wants_zombie(const struct proc *p)
{
	const struct k_sigaction *a;

	if (!p->parent || p->exit_signal != SIGCHLD)
		return p->parent != NULL;
	a = &p->parent->sighand->action[SIGCHLD - 1];
	return a->handler != SIG_IGN && !(a->flags & SA_NOCLDWAIT);
}

#define ORPHAN_CHECKS 8

/* The groups of p's children that p linked to its session: they may
 * become orphaned when it goes (at most ORPHAN_CHECKS of them). */
struct child_groups {
	pid_t pgid[ORPHAN_CHECKS];
	unsigned int n;
};

static void note_child_group(struct child_groups *g, const struct proc *p,
			     const struct proc *c)
{
	if (c->pgid == p->pgid || c->sid != p->sid || c->state != PROC_ALIVE)
		return;
	for (unsigned int i = 0; i < g->n; i++) {
		if (g->pgid[i] == c->pgid)
			return;
	}
	if (g->n < ORPHAN_CHECKS)
		g->pgid[g->n++] = c->pgid;
}

/* Children of p go to PID 1; zombies among them are init's to reap. */
static void reparent_children_locked(struct proc *p, struct child_groups *g)
{
	struct proc *init = proc_find(1), *c, *n;

	list_for_each_entry_safe(c, n, &p->children, sibling)
	{
		note_child_group(g, p, c);
		list_del(&c->sibling);
		c->parent = init;
		if (c->pdeath_signal) {
			spin_lock(&c->sighand->lock);
			signal_send_locked(c, NULL, c->pdeath_signal, NULL);
			spin_unlock(&c->sighand->lock);
		}
		if (!init || init == p)
			continue;
		list_add_tail(&c->sibling, &init->children);
		if (c->state == PROC_ZOMBIE)
			wake_up_all(&init->child_wq);
	}
}

/* An orphaned group with stopped members: each gets SIGHUP, SIGCONT. */
static void hangup_orphans_locked(pid_t pgid)
{
	struct proc *q;
	bool stopped = false;

	list_for_each_entry(q, &proc_all, all_link) stopped =
		stopped || (q->pgid == pgid && q->stopped);
	if (!stopped)
		return;
	list_for_each_entry(q, &proc_all, all_link)
	{
		if (q->pgid != pgid || q->state != PROC_ALIVE)
			continue;
		spin_lock(&q->sighand->lock);
		signal_send_locked(q, NULL, SIGHUP, NULL);
		signal_send_locked(q, NULL, SIGCONT, NULL);
		spin_unlock(&q->sighand->lock);
		proc_notify_flush_locked(q);
	}
}

/*
 * POSIX: a group that p's exit orphans (p was its last link to another
 * group of the session: p's own group, or a child's) gets SIGHUP then
 * SIGCONT if a member is stopped, since nothing could continue it.
 */
static void orphan_check_locked(struct proc *p, const struct child_groups *g)
{
	if (p->parent && p->parent->pgid != p->pgid &&
	    p->parent->sid == p->sid &&
	    pgrp_orphaned_without_locked(p->pgid, p))
		hangup_orphans_locked(p->pgid);
	for (unsigned int i = 0; i < g->n; i++) {
		if (pgrp_orphaned_without_locked(g->pgid[i], p))
			hangup_orphans_locked(g->pgid[i]);
	}
}

static int exit_code_of(int status)
{
	if ((status & 0x7f) == 0)
		return CLD_EXITED;
	return status & 0x80 ? CLD_DUMPED : CLD_KILLED;
}

/*
 * Let go of the descriptors, the fs context and the executable: the
 * pointers are cleared under the tree lock, where procfs takes its
 * references (proc_get_files...), and the references dropped after.
 */
static void release_resources(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct files *files = p->files;
	struct fs_context *fs = p->fs;
	struct path exe = p->exe;

	p->files = NULL;
	p->fs = NULL;
	p->exe = (struct path){0};
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	files_put(files);
	fs_context_put(fs);
	path_put(&exe);
}

/* The last thread is gone: p becomes a zombie (or is reaped). */
static void proc_end(struct proc *p)
{
	struct child_groups groups = {.n = 0};
	unsigned long flags;
	int status = p->exit_status;

	itimer_proc_exit(p);
	tty_detach(p, true); /* a session leader's hangs its terminal up */
	release_resources(p);
	proc_vfork_release(p);
	flags = spin_lock_irqsave(&proc_tree_lock);
	reparent_children_locked(p, &groups);
	orphan_check_locked(p, &groups);
	p->state = PROC_ZOMBIE;
	if (parent_wants_zombie(p)) {
		proc_notify_parent_locked(p, exit_code_of(status),
					  status & 0x7f ? status & 0x7f
							: status >> 8);
	} else {
		if (p->parent)
			wake_up_all(&p->parent->child_wq);
		proc_unlink_locked(p);
		proc_put(p); /* the tree's reference */
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

static void init_ended(int status)
{
	if ((status & 0x7f) == 0)
		kprintf("init: exited with status %d\n", status >> 8 & 0xff);
	else
		kprintf("init: killed by signal %d%s\n", status & 0x7f,
			status & 0x80 ? " (core dumped)" : "");
	power_off(); /* QEMU ends here; a PC turns off */
}

noreturn void proc_exit_thread(int status)
{
	struct task *t = current_task();
	struct proc *p = t->proc;
	struct mm *mm = NULL;
	unsigned long flags;
	bool last;

	futex_exit_robust(t);
	clear_child_tid(t);
	sched_update_current(); /* the last slice counts too */
	flags = spin_lock_irqsave(&proc_tree_lock);
	list_del(&t->proc_link);
	pid_unhash_task(t);
	last = --p->nr_threads == 0;
	p->utime += t->sum_exec;
	p->nvcsw += t->nr_switches;
	p->user_ticks += t->user_ticks;
	p->sys_ticks += t->sys_ticks;
	if (t->tid == p->pid || (last && !p->comm[0]))
		memcpy(p->comm, t->comm, sizeof(p->comm)); /* a zombie's name */
	if (last) {
		p->exit_status =
			p->group_exiting ? p->group_exit_status : status;
		mm = p->mm; /* procfs takes references under this lock */
		p->mm = NULL;
	} else if (t->tid != p->pid) {
		pid_free(t->tid);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	task_signal_free(t);
	t->space = NULL;
	sched_switch_to_kernel_space();
	if (last) {
		mm_put(mm);
		if (p->pid == 1)
			init_ended(p->exit_status);
		proc_end(p);
	}
	t->proc = NULL;
	proc_put(p); /* the thread's reference */
	sched_exit_current();
}

noreturn void proc_exit_group(int status)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	spin_lock(&p->sighand->lock);
	signal_group_kill_locked(p, status);
	spin_unlock(&p->sighand->lock);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	proc_exit_thread(p->group_exit_status);
}

void proc_vfork_release(struct proc *p)
{
	if (__atomic_exchange_n(&p->vfork_done, true, __ATOMIC_ACQ_REL))
		return;
	if (p->parent)
		wake_up_all(&p->vfork_wq);
}
