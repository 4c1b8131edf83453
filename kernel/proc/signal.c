/*
 * Signals: sending, queueing and delivering (<kernel/signal.h>).
 *
 * A signal sent to a process goes into the process's shared pending set
 * (the main thread's task_signal holds it, see shared_pending) and wakes
 * one thread that does not block it; one sent to a thread goes into that
 * thread's own set. SIGKILL, and a fatal signal nobody catches, end the
 * whole process at once; SIGCONT resumes a stopped process when sent (and
 * discards pending stop signals), a stop signal discards pending SIGCONT.
 *
 * Delivery (signal_deliver) runs in the receiving thread on its way back
 * to user mode and takes the lowest-numbered signal it does not block,
 * its own pending first.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#include "proc_priv.h"

#define SIGQUEUE_MAX_DEFAULT 1024 /* RLIMIT_SIGPENDING's default */

static struct kmem_cache *sigqueue_cache;

/* Default actions. */
enum sig_default { SD_TERM, SD_CORE, SD_STOP, SD_CONT, SD_IGN };

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SD_CORE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SD_STOP;
	case SIGCONT:
		return SD_CONT;
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SD_IGN;
	default:
		return SD_TERM;
	}
}

static bool sig_valid(int sig)
{
	return sig >= 1 && sig <= NSIG;
}

static struct sigpending *shared_pending(struct proc *p)
{
	return &p->shared_pending;
}

bool signal_ignored(struct proc *p, int sig)
{
	const struct k_sigaction *a = &p->sighand->action[sig - 1];

	if (a->handler == SIG_IGN)
		return true;
	return a->handler == SIG_DFL && default_action(sig) == SD_IGN;
}

/* Should t notice sig now (pending and not blocked)? sighand locked. */
static bool wants(const struct task *t, int sig)
{
	return !(t->sig->blocked & sig_bit(sig)) ||
	       (sig_bit(sig) & SIG_UNBLOCKABLE);
}

void signal_recalc(struct task *t)
{
	sigset_t pend = t->sig->pending.set;
	bool any;

	if (t->proc)
		pend |= shared_pending(t->proc)->set;
	any = (pend & ~t->sig->blocked) != 0 || (pend & SIG_UNBLOCKABLE) ||
	      (t->proc && (t->proc->group_exiting || t->proc->stopped));
	__atomic_store_n(&t->sigpending, any, __ATOMIC_RELEASE);
}

static void pending_flush(struct sighand *sh, struct sigpending *p,
			  sigset_t which)
{
	struct sigqueue *q, *n;

	list_for_each_entry_safe(q, n, &p->queue, link)
	{
		if (!(which & sig_bit(q->info.si_signo)))
			continue;
		list_del(&q->link);
		kmem_cache_free(sigqueue_cache, q);
		sh->queued--;
	}
	p->set &= ~which;
}

/* Queue sig with info in p. sighand locked. 0 or -EAGAIN (queue full). */
static int pending_add(struct sighand *sh, struct sigpending *p, int sig,
		       const struct siginfo *info, uint64_t limit)
{
	struct sigqueue *q;

	if (sig < SIGRTMIN && (p->set & sig_bit(sig)))
		return 0; /* a standard signal is pending once */
	q = sh->queued < limit ? kmem_cache_alloc(sigqueue_cache) : NULL;
	if (!q) {
		if (sig >= SIGRTMIN && info && info->si_code != SI_KERNEL &&
		    info->si_code != SI_USER)
			return -EAGAIN; /* sigqueue(3) reports it */
		p->set |= sig_bit(sig); /* still pending, info lost */
		return 0;
	}
	q->info = *info;
	list_add_tail(&q->link, &p->queue);
	sh->queued++;
	p->set |= sig_bit(sig);
	return 0;
}

/* Wake a thread of p for sig: the main one if it may take it, else any. */
static void wake_for(struct proc *p, struct task *target, int sig)
{
	struct task *t;

	if (target) {
		signal_recalc(target);
		if (target->sigpending)
			wake_up_state(target,
				      sig == SIGKILL
					      ? TASK_WAKE_SLEEPING |
							(1u << TASK_STOPPED)
					      : TASK_WAKE_INTERRUPTIBLE);
		return;
	}
	list_for_each_entry(t, &p->threads, proc_link)
	{
		signal_recalc(t);
		if (wants(t, sig) && t->sigpending &&
		    wake_up_state(t, TASK_WAKE_INTERRUPTIBLE))
			return;
	}
}

/* SIGKILL or an uncaught fatal signal: every thread of p goes. Locked. */
void signal_group_kill_locked(struct proc *p, int status)
{
	struct task *t;

	if (p->group_exiting)
		return;
	p->group_exiting = true;
	p->group_exit_status = status;
	list_for_each_entry(t, &p->threads, proc_link)
	{
		__atomic_store_n(&t->sigpending, true, __ATOMIC_RELEASE);
		wake_up_state(t, TASK_WAKE_SLEEPING | (1u << TASK_STOPPED));
	}
}

static void default_info(struct siginfo *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_KERNEL;
}

/*
 * PID 1 gets only the signals it has handlers for (as Linux's
 * SIGNAL_UNKILLABLE): a default action would end the system. A fault of
 * its own is the exception: it is forced.
 */
/*
 * A blocked signal is never discarded as ignored: the action may change
 * before it is unblocked, and sigwait or signalfd may take it (what
 * sigtimedwait waits for counts as blocked). For the process, the main
 * thread's mask decides (Linux: the thread kill found).
 */
static bool blocked_by(struct proc *p, struct task *target, int sig)
{
	struct task *t = target ? target : p->main_thread;

	return t && t->sig &&
	       ((t->sig->blocked | t->sig->real_blocked) & sig_bit(sig));
}

/* A blocked one is queued: delivery drops it if still defaulted. */
static bool init_protected(struct proc *p, struct task *target, int sig)
{
	if (p->pid != 1 || p->sighand->action[sig - 1].handler != SIG_DFL ||
	    blocked_by(p, target, sig))
		return false;
	return !(target && target->sig->forcing);
}

/*
 * Send sig to p (target NULL) or to thread target of p, with the tree
 * lock and p's sighand lock held.
 */
int signal_send_locked(struct proc *p, struct task *target, int sig,
		       const struct siginfo *info)
{
	struct sighand *sh = p->sighand;
	struct sigpending *pend =
		target ? &target->sig->pending : shared_pending(p);
	struct siginfo k;
	int err;

	if (!info) {
		default_info(&k, sig);
		info = &k;
	}
	if (p->state != PROC_ALIVE || p->group_exiting)
		return 0;
	if (sig == SIGCONT || sig == SIGKILL)
		proc_continue_locked(p, sig == SIGCONT);
	if (default_action(sig) == SD_STOP)
		pending_flush_all(p, sig_bit(SIGCONT));
	if (sig == SIGCONT)
		pending_flush_all(p, sig_bit(SIGSTOP) | sig_bit(SIGTSTP) |
					     sig_bit(SIGTTIN) |
					     sig_bit(SIGTTOU));
	if (signal_ignored(p, sig) && sig != SIGKILL &&
	    !blocked_by(p, target, sig))
		return 0; /* discarded when sent, as Linux does */
	if (init_protected(p, target, sig))
		return 0;
	if (sig == SIGKILL) {
		signal_group_kill_locked(p, SIGKILL);
		return 0;
	}
	err = pending_add(sh, pend, sig, info, p->rlim[RLIMIT_SIGPENDING].cur);
	if (err)
		return err;
	wake_for(p, target, sig);
	if (!list_empty(&sh->signalfd_wq.waiters))
		wake_up_all(&sh->signalfd_wq);
	return 0;
}

void signal_flush_pending(struct sighand *sh, struct sigpending *p)
{
	pending_flush(sh, p, ~0ULL);
}

/* Remove pending signals in which from p and all its threads. Locked. */
void pending_flush_all(struct proc *p, sigset_t which)
{
	struct task *t;

	pending_flush(p->sighand, shared_pending(p), which);
	list_for_each_entry(t, &p->threads, proc_link)
		pending_flush(p->sighand, &t->sig->pending, which);
}

static int send(struct proc *p, struct task *target, int sig,
		const struct siginfo *info)
{
	struct siginfo k;
	unsigned long flags;
	int err;

	if (sig == 0)
		return 0;
	if (!sig_valid(sig))
		return -EINVAL;
	if (!info) {
		default_info(&k, sig);
		info = &k;
	}
	flags = spin_lock_irqsave(&proc_tree_lock);
	spin_lock(&p->sighand->lock);
	err = signal_send_locked(p, target, sig, info);
	spin_unlock(&p->sighand->lock);
	proc_notify_flush_locked(p);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

int signal_send_proc(struct proc *p, int sig, const struct siginfo *info)
{
	return send(p, NULL, sig, info);
}

int signal_send_task(struct task *t, int sig, const struct siginfo *info)
{
	if (!t->proc)
		return -ESRCH;
	return send(t->proc, t, sig, info);
}

void signal_force_fault(int sig, int code, uintptr_t addr)
{
	struct task *t = current_task();
	struct proc *p = t->proc;
	struct siginfo info;
	unsigned long flags;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	flags = spin_lock_irqsave(&proc_tree_lock);
	spin_lock(&p->sighand->lock);
	/* A blocked or ignored fault signal cannot be escaped: default it. */
	if ((t->sig->blocked & sig_bit(sig)) ||
	    p->sighand->action[sig - 1].handler == SIG_IGN) {
		t->sig->blocked &= ~sig_bit(sig);
		p->sighand->action[sig - 1].handler = SIG_DFL;
	}
	if (p->sighand->action[sig - 1].handler == SIG_DFL)
		p->init_killable = true; /* PID 1 too: it cannot go on */
	t->sig->forcing = true;
	signal_send_locked(p, t, sig, &info);
	t->sig->forcing = false;
	spin_unlock(&p->sighand->lock);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

static struct sigqueue *queued_info(struct sigpending *p, int sig)
{
	struct sigqueue *q;

	list_for_each_entry(q, &p->queue, link)
	{
		if (q->info.si_signo == sig)
			return q;
	}
	return NULL;
}

/* Take sig's oldest entry out of p into *info. sighand locked. */
static void take(struct sighand *sh, struct sigpending *p, int sig,
		 struct siginfo *info)
{
	struct sigqueue *q = queued_info(p, sig);

	if (q) {
		*info = q->info;
		list_del(&q->link);
		kmem_cache_free(sigqueue_cache, q);
		sh->queued--;
	} else {
		default_info(info, sig);
		info->si_code = SI_USER;
	}
	if (!queued_info(p, sig))
		p->set &= ~sig_bit(sig);
}

static int lowest(sigset_t set)
{
	return set ? __builtin_ctzll(set) + 1 : 0;
}

int signal_dequeue(struct task *t, sigset_t set, struct siginfo *info)
{
	struct proc *p = t->proc;
	struct sigpending *own = &t->sig->pending, *shared = shared_pending(p);
	int sig;

	/* SIGKILL and SIGSTOP first, as Linux's "synchronous" ones. */
	sig = lowest(own->set & set & SIG_UNBLOCKABLE);
	if (sig) {
		take(p->sighand, own, sig, info);
		return sig;
	}
	sig = lowest(shared->set & set & SIG_UNBLOCKABLE);
	if (sig) {
		take(p->sighand, shared, sig, info);
		return sig;
	}
	sig = lowest(own->set & set);
	if (sig) {
		take(p->sighand, own, sig, info);
		return sig;
	}
	sig = lowest(shared->set & set);
	if (sig)
		take(p->sighand, shared, sig, info);
	return sig;
}

sigset_t signal_pending_set(struct task *t)
{
	return t->sig->pending.set | shared_pending(t->proc)->set;
}

void signal_init(void)
{
	sigqueue_cache =
		kmem_cache_create("sigqueue", sizeof(struct sigqueue), 8);
	sighand_cache_init();
}

uint64_t signal_default_queue_limit(void)
{
	return SIGQUEUE_MAX_DEFAULT;
}

/* As Linux's force_sigsegv: the handler is no escape (it just failed). */
void signal_force_segv(void)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&p->sighand->lock);

	p->sighand->action[SIGSEGV - 1].handler = SIG_DFL;
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	signal_force_fault(SIGSEGV, SI_KERNEL, 0);
}

/* Send to p under the locks if allowed: 0, -EPERM. Tree lock held. */
static int kill_one(struct proc *p, int sig, const struct siginfo *info)
{
	int err = 0;

	if (!proc_may_signal(p, sig))
		return -EPERM;
	if (!sig || p->state != PROC_ALIVE)
		return 0; /* a zombie takes the signal and does nothing */
	spin_lock(&p->sighand->lock);
	err = signal_send_locked(p, NULL, sig, info);
	spin_unlock(&p->sighand->lock);
	proc_notify_flush_locked(p);
	return err;
}

/* kill(2) to many: pid 0 own group, -1 everyone else, < -1 a group. */
static int kill_many(pid_t pid, int sig, const struct siginfo *info)
{
	struct proc *me = current_proc(), *p;
	pid_t pgid = pid == 0 ? me->pgid : -pid;
	int found = 0, sent = 0, err = 0;

	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->state == PROC_DEAD)
			continue;
		if (pid == -1 ? (p->pid == 1 || p == me) : p->pgid != pgid)
			continue;
		found++;
		err = kill_one(p, sig, info);
		if (!err)
			sent++;
	}
	if (!found)
		return -ESRCH;
	return sent ? 0 : err;
}

int signal_send_pgrp(pid_t pgid, int sig)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p;
	int found = 0;

	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->pgid != pgid || p->state != PROC_ALIVE)
			continue;
		found++;
		spin_lock(&p->sighand->lock);
		signal_send_locked(p, NULL, sig, NULL);
		spin_unlock(&p->sighand->lock);
		proc_notify_flush_locked(p);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found ? 0 : -ESRCH;
}

int signal_kill(pid_t pid, int sig, const struct siginfo *info)
{
	unsigned long flags;
	struct proc *p;
	int err;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;
	flags = spin_lock_irqsave(&proc_tree_lock);
	if (pid > 0) {
		p = proc_find(pid);
		err = p ? kill_one(p, sig, info) : -ESRCH;
	} else {
		err = kill_many(pid, sig, info);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}
