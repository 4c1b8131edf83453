/*
 * Processes (<kernel/proc.h>): allocation and reference counts, the tree,
 * process groups, credentials checks, and the defaults PID 1 starts with.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#include "proc_priv.h"

struct spinlock proc_tree_lock =
	SPINLOCK_INIT("proc_tree", LOCK_RANK_PROC_TREE);
LIST_HEAD(proc_all);

static struct kmem_cache *proc_cache;

/* Linux's defaults for init: most limits unlimited. (Others inherit.) */
void proc_default_limits(struct rlimit64 *r)
{
	struct mm_stats st;
	uint64_t threads;

	mm_get_stats(&st);
	threads = st.managed_kib / 4 / (8 * (KSTACK_SIZE / PAGE_SIZE));

	for (unsigned int i = 0; i < RLIM_NLIMITS; i++)
		r[i] = (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
	r[RLIMIT_STACK].cur = 8 * MiB;
	r[RLIMIT_CORE].cur = 0;
	r[RLIMIT_NOFILE] = (struct rlimit64){1024, 4096};
	r[RLIMIT_NPROC] = (struct rlimit64){threads / 2, threads / 2};
	r[RLIMIT_SIGPENDING] = r[RLIMIT_NPROC];
	r[RLIMIT_MEMLOCK] = (struct rlimit64){8 * MiB, 8 * MiB};
	r[RLIMIT_MSGQUEUE] = (struct rlimit64){819200, 819200};
	r[RLIMIT_NICE] = (struct rlimit64){0, 0};
	r[RLIMIT_RTPRIO] = (struct rlimit64){0, 0};
}

struct proc *proc_alloc(void)
{
	struct proc *p = kmem_cache_zalloc(proc_cache);

	if (!p)
		return NULL;
	p->refcount = 1;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_link);
	list_init(&p->pid_link);
	list_init(&p->threads);
	list_init(&p->shared_pending.queue);
	list_init(&p->posix_timers);
	wait_queue_init(&p->child_wq, "child_wq");
	wait_queue_init(&p->vfork_wq, "vfork_wq");
	p->real_timer = (struct timer_event)TIMER_EVENT_INIT;
	p->exit_signal = SIGCHLD;
	p->start_time = clock_monotonic_ns();
	return p;
}

void proc_get(struct proc *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

void proc_put(struct proc *p)
{
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (p->state != PROC_DEAD && p->pid)
		panic("proc %d: freed while not reaped", p->pid);
	kmem_cache_free(proc_cache, p);
}

/* Tree lock held. */
void proc_add_thread_locked(struct proc *p, struct task *t)
{
	t->proc = p;
	list_add_tail(&t->proc_link, &p->threads);
	p->nr_threads++;
	if (!p->main_thread)
		p->main_thread = t;
}

/* Out of the tree and the PID table: it is gone (tree lock held). */
void proc_unlink_locked(struct proc *p)
{
	list_del(&p->sibling);
	list_del(&p->all_link);
	pid_unhash_proc(p);
	pid_free(p->pid);
	p->state = PROC_DEAD;
}

bool pgrp_orphaned_locked(pid_t pgid)
{
	return pgrp_orphaned_without_locked(pgid, NULL);
}

bool pgrp_orphaned_without_locked(pid_t pgid, const struct proc *gone)
{
	struct proc *p;

	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->pgid != pgid || p->state != PROC_ALIVE || p == gone)
			continue;
		/* As Linux: init does not count as a parent outside it. */
		if (p->parent && p->parent->pid != 1 &&
		    p->parent->pgid != pgid && p->parent->sid == p->sid)
			return false;
	}
	return true;
}

bool proc_capable(void)
{
	return current_proc()->cred.euid == 0;
}

bool proc_may_signal(const struct proc *p, int sig)
{
	const struct cred *me = &current_proc()->cred;

	if (me->euid == 0)
		return true;
	if (sig == SIGCONT && p->sid == current_proc()->sid)
		return true;
	return me->euid == p->cred.uid || me->euid == p->cred.suid ||
	       me->uid == p->cred.uid || me->uid == p->cred.suid;
}

void proc_init(void)
{
	proc_cache = kmem_cache_create("proc", sizeof(struct proc), 64);
	if (!proc_cache)
		panic("proc: no memory for the process cache");
	pid_init();
	signal_init();
}
