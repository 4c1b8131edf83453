/*
 * New processes and threads: fork, vfork, clone and clone3.
 *
 * The child is a new task whose user registers are the caller's (rax 0,
 * and a new stack and TLS if asked); what it shares with the caller
 * follows the CLONE_* flags: the address space (CLONE_VM, else a
 * copy-on-write copy), descriptors (CLONE_FILES), working directory
 * (CLONE_FS), handlers (CLONE_SIGHAND), the process itself (CLONE_THREAD:
 * a thread). With CLONE_VFORK the caller sleeps until the child has
 * exec'd or exited.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/tty.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/uvm.h>

#include "proc_priv.h"

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000ULL
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#define CLONE_INTO_CGROUP 0x200000000ULL

#define CLONE_SUPPORTED                                                      \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE |  \
	 CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM |         \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |         \
	 CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO |   \
	 CLONE_CLEAR_SIGHAND)

static int check_flags(uint64_t f)
{
	if (f & ~CLONE_SUPPORTED)
		return (f & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
			     CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
			     CLONE_NEWNET))
			       ? -EPERM
			       : -EINVAL;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_CLEAR_SIGHAND) && (f & CLONE_SIGHAND))
		return -EINVAL;
	return 0;
}

/* RLIMIT_NPROC: tasks of the caller's real user, root excepted. */
static bool nproc_ok(void)
{
	struct proc *me = current_proc(), *p;
	uint64_t n = 0;

	if (me->cred.euid == 0 || me->rlim[RLIMIT_NPROC].cur == RLIM_INFINITY)
		return true;
	list_for_each_entry(p, &proc_all, all_link)
	{
		if (p->cred.uid == me->cred.uid && p->state == PROC_ALIVE)
			n += p->nr_threads;
	}
	return n < me->rlim[RLIMIT_NPROC].cur;
}

/* A process for a non-thread child: the caller's, copied or shared. */
static struct proc *new_proc(const struct clone_args_k *a)
{
	struct proc *me = current_proc(), *p = proc_alloc();
	uint64_t f = a->flags;

	if (!p)
		return NULL;
	p->cred = me->cred;
	memcpy(p->rlim, me->rlim, sizeof(p->rlim));
	p->pgid = me->pgid;
	p->sid = me->sid;
	p->exit_signal = a->exit_signal;
	p->exe = me->exe;
	path_get(&p->exe);
	p->mm = f & CLONE_VM ? me->mm : mm_fork(me->mm);
	if (f & CLONE_VM)
		mm_get(me->mm);
	p->files = f & CLONE_FILES ? me->files : files_copy(me->files);
	if (f & CLONE_FILES)
		__atomic_add_fetch(&me->files->refcount, 1, __ATOMIC_RELAXED);
	p->fs = f & CLONE_FS ? me->fs : fs_context_copy(me->fs);
	if (f & CLONE_FS)
		__atomic_add_fetch(&me->fs->refcount, 1, __ATOMIC_RELAXED);
	p->sighand = f & CLONE_SIGHAND ? me->sighand : sighand_copy(me->sighand);
	if (f & CLONE_SIGHAND)
		__atomic_add_fetch(&me->sighand->refcount, 1, __ATOMIC_RELAXED);
	if (f & CLONE_CLEAR_SIGHAND && p->sighand)
		signal_exec_reset(p);
	if (!p->mm || !p->files || !p->fs || !p->sighand) {
		mm_put(p->mm);
		files_put(p->files);
		fs_context_put(p->fs);
		path_put(&p->exe);
		sighand_put(p->sighand);
		proc_put(p);
		return NULL;
	}
	tty_fork(p, me);
	return p;
}

static void child_entry(void *arg)
{
	arch_enter_user(current_task());
}

/* The new task, its registers the caller's but for what clone says. */
static struct task *new_task(const struct clone_args_k *a)
{
	struct task *me = current_task(), *t = task_alloc(me->comm);

	if (!t)
		return NULL;
	if (arch_task_copy(t, me) || task_signal_init(t, me->sig->blocked)) {
		task_put(t);
		return NULL;
	}
	arch_fork_regs(t, me, a->stack, a->stack_size);
	if (a->flags & CLONE_SETTLS)
		t->arch.fs_base = a->tls;
	t->kfn = child_entry;
	t->nice = me->nice;
	t->weight = me->weight;
	t->cpus_allowed = me->cpus_allowed;
	t->personality = me->personality;
	t->ioprio = me->ioprio;
	t->no_new_privs = me->no_new_privs;
	if (a->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = a->child_tid;
	return t;
}

/* Link t (and p, unless a thread) into the tree: its TID, or -EAGAIN. */
static long attach(struct task *t, struct proc *p, uint64_t flags)
{
	struct proc *me = current_proc();
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	long tid;

	if (!nproc_ok() || me->group_exiting) {
		spin_unlock_irqrestore(&proc_tree_lock, irq);
		return -EAGAIN;
	}
	tid = pid_alloc(t);
	if (tid < 0) {
		spin_unlock_irqrestore(&proc_tree_lock, irq);
		return tid;
	}
	if (p != me) {
		p->pid = (pid_t)tid;
		p->parent = (flags & CLONE_PARENT) && me->parent ? me->parent
								: me;
		list_add_tail(&p->sibling, &p->parent->children);
		list_add_tail(&p->all_link, &proc_all);
		pid_hash_proc(p);
		proc_get(p); /* the tree's reference */
	}
	proc_get(p); /* the thread's */
	proc_add_thread_locked(p, t);
	t->space = p->mm->space;
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	return tid;
}

static void write_tids(const struct clone_args_k *a, struct proc *p,
		       pid_t tid)
{
	if (a->flags & CLONE_PARENT_SETTID)
		put_user(tid, a->parent_tid);
	if (!(a->flags & CLONE_CHILD_SETTID))
		return;
	if (p->mm == current_proc()->mm)
		put_user(tid, a->child_tid);
	else
		uvm_write(p->mm, a->child_tid, &tid, sizeof(tid));
}

static void vfork_wait(struct proc *child)
{
	struct waiter w = {.task = current_task()};

	list_init(&w.link);
	for (;;) {
		prepare_to_wait(&child->vfork_wq, &w, TASK_UNINTERRUPTIBLE);
		if (__atomic_load_n(&child->vfork_done, __ATOMIC_ACQUIRE))
			break;
		schedule();
	}
	finish_wait(&child->vfork_wq, &w);
}

long proc_clone(const struct clone_args_k *a)
{
	struct proc *p;
	struct task *t;
	long tid = check_flags(a->flags);

	if (tid)
		return tid;
	if (a->exit_signal < 0 || a->exit_signal > NSIG)
		return -EINVAL;
	p = a->flags & CLONE_THREAD ? current_proc() : new_proc(a);
	t = p ? new_task(a) : NULL;
	if (!t) {
		if (p && p != current_proc())
			proc_discard(p);
		return -ENOMEM;
	}
	tid = attach(t, p, a->flags);
	if (tid < 0) {
		task_put(t);
		if (p != current_proc())
			proc_discard(p);
		return tid;
	}
	write_tids(a, p, (pid_t)tid);
	if (a->flags & CLONE_VFORK)
		proc_get(p);
	sched_start(t);
	if (a->flags & CLONE_VFORK) {
		vfork_wait(p);
		proc_put(p);
	}
	return tid;
}

SYSCALL_DEFINE0(fork)
{
	struct clone_args_k a = {.exit_signal = SIGCHLD};

	return proc_clone(&a);
}

SYSCALL_DEFINE0(vfork)
{
	struct clone_args_k a = {.flags = CLONE_VM | CLONE_VFORK,
				 .exit_signal = SIGCHLD};

	return proc_clone(&a);
}

SYSCALL_DEFINE5(clone, unsigned long, flags, uintptr_t, stack, uintptr_t,
		parent_tid, uintptr_t, child_tid, unsigned long, tls)
{
	struct clone_args_k a = {
		.flags = flags & ~(uint64_t)CSIGNAL,
		.exit_signal = (int)(flags & CSIGNAL),
		.stack = stack,
		.parent_tid = parent_tid,
		.child_tid = child_tid,
		.tls = tls,
	};

	return proc_clone(&a);
}

struct clone_args_user {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

SYSCALL_DEFINE2(clone3, uintptr_t, uargs, size_t, size)
{
	struct clone_args_user u = {0};
	struct clone_args_k a;

	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_user(&u, uargs, MIN(size, sizeof(u))))
		return -EFAULT;
	if (u.set_tid || u.set_tid_size || u.cgroup ||
	    (u.flags & (CLONE_PIDFD | CLONE_DETACHED | CSIGNAL)) ||
	    u.exit_signal > NSIG || (!!u.stack != !!u.stack_size))
		return -EINVAL;
	a = (struct clone_args_k){
		.flags = u.flags,
		.exit_signal = (int)u.exit_signal,
		.stack = u.stack,
		.stack_size = u.stack_size,
		.parent_tid = u.parent_tid,
		.child_tid = u.child_tid,
		.tls = u.tls,
	};
	return proc_clone(&a);
}
