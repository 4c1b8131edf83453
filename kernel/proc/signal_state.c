/*
 * The signal state of processes and threads: handler tables (struct
 * sighand, shared by threads), each thread's mask and pending set, what
 * exec resets, and exec's end of the other threads.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uvm.h>

#include "exec_priv.h"
#include "proc_priv.h"

/* Their own cache: 2 KiB of actions would round up to a 4 KiB kmalloc. */
static struct kmem_cache *sighand_cache;

void sighand_cache_init(void)
{
	sighand_cache = kmem_cache_create("sighand", sizeof(struct sighand), 8);
	if (!sighand_cache)
		panic("signal: no memory for the sighand cache");
}

/* The actions are the caller's to fill. */
static struct sighand *sighand_new(void)
{
	struct sighand *sh = kmem_cache_alloc(sighand_cache);

	if (!sh)
		return NULL;
	spin_lock_init(&sh->lock, "sighand", LOCK_RANK_SIGNAL);
	sh->refcount = 1;
	sh->queued = 0;
	wait_queue_init(&sh->signalfd_wq, "signalfd");
	return sh;
}

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = sighand_new();

	if (sh)
		memset(sh->action, 0, sizeof(sh->action));
	return sh;
}

struct sighand *sighand_copy(const struct sighand *from)
{
	struct sighand *sh = sighand_new();

	if (sh)
		memcpy(sh->action, from->action, sizeof(sh->action));
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (sh && !__atomic_sub_fetch(&sh->refcount, 1, __ATOMIC_ACQ_REL))
		kmem_cache_free(sighand_cache, sh);
}

int task_signal_init(struct task *t, sigset_t blocked)
{
	t->sig = kzalloc(sizeof(*t->sig));
	if (!t->sig)
		return -ENOMEM;
	t->sig->blocked = blocked & ~SIG_UNBLOCKABLE;
	list_init(&t->sig->pending.queue);
	return 0;
}

/* The thread's own pending signals go with it; the process keeps its. */
void task_signal_free(struct task *t)
{
	struct proc *p = t->proc;
	unsigned long flags;

	if (!t->sig)
		return;
	if (p) {
		flags = spin_lock_irqsave(&p->sighand->lock);
		signal_flush_pending(p->sighand, &t->sig->pending);
		spin_unlock_irqrestore(&p->sighand->lock, flags);
	}
	kfree(t->sig);
	t->sig = NULL;
}

void signal_exec_reset(struct proc *p)
{
	unsigned long flags;

	/* A shared table (CLONE_SIGHAND without threads) is copied first. */
	if (__atomic_load_n(&p->sighand->refcount, __ATOMIC_ACQUIRE) > 1) {
		struct sighand *own = sighand_copy(p->sighand);

		if (own) {
			sighand_put(p->sighand);
			p->sighand = own;
		}
	}
	flags = spin_lock_irqsave(&p->sighand->lock);
	for (int i = 0; i < NSIG; i++) {
		struct k_sigaction *a = &p->sighand->action[i];

		if (a->handler != SIG_IGN)
			*a = (struct k_sigaction){0};
		a->flags = 0;
		a->mask = 0;
	}
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	current_task()->sig->altstack_sp = 0;
	current_task()->sig->altstack_size = 0;
	current_task()->sig->altstack_flags = SS_DISABLE;
}

/* Tree lock held: are all threads of p but me gone? */
static bool alone(struct proc *p)
{
	return p->nr_threads == 1;
}

void exec_kill_other_threads(struct proc *p)
{
	struct task *me = current_task(), *t;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	list_for_each_entry(t, &p->threads, proc_link)
	{
		if (t == me)
			continue;
		t->sig->zapped = true;
		__atomic_store_n(&t->sigpending, true, __ATOMIC_RELEASE);
		wake_up_state(t, TASK_WAKE_SLEEPING | (1u << TASK_STOPPED));
	}
	while (!alone(p)) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		current_task()->state = TASK_UNINTERRUPTIBLE;
		schedule_timeout(NSEC_PER_MSEC);
		flags = spin_lock_irqsave(&proc_tree_lock);
	}
	if (me->tid != p->pid) { /* take over the leader's ID */
		pid_unhash_task(me);
		pid_free(me->tid);
		me->tid = p->pid;
		pid_rehash_task(me);
	}
	p->main_thread = me;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

/* A process made for a clone that failed before it was linked. */
void proc_discard(struct proc *p)
{
	mm_put(p->mm);
	files_put(p->files);
	fs_context_put(p->fs);
	path_put(&p->exe);
	sighand_put(p->sighand);
	p->state = PROC_DEAD;
	proc_put(p);
}
