/*
 * Thread and process IDs: one number space, 1..PID_MAX-1, handed out in
 * increasing order and wrapping around (as Linux does, so a recently
 * freed ID is not reused at once), and two small hash tables to find a
 * task by TID and a process by PID. All under proc_tree_lock.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>

#include "proc_priv.h"

#define HASH_SIZE 256

static uint64_t used[PID_MAX / 64];
static pid_t last;
static struct list_head tid_hash[HASH_SIZE], pid_hash[HASH_SIZE];

void pid_init(void)
{
	for (unsigned int i = 0; i < HASH_SIZE; i++) {
		list_init(&tid_hash[i]);
		list_init(&pid_hash[i]);
	}
	used[0] = 1; /* 0 is nobody's */
}

static bool id_used(pid_t id)
{
	return used[id / 64] >> (id % 64) & 1;
}

pid_t pid_alloc(struct task *t)
{
	for (unsigned int n = 1; n < PID_MAX; n++) {
		pid_t id = (pid_t)((last + n) % PID_MAX);

		if (id == 0 || id_used(id))
			continue;
		used[id / 64] |= 1ULL << (id % 64);
		last = id;
		t->tid = id;
		list_add(&t->tid_link, &tid_hash[id % HASH_SIZE]);
		return id;
	}
	return -EAGAIN;
}

pid_t pid_last(void)
{
	return __atomic_load_n(&last, __ATOMIC_RELAXED);
}

void pid_rehash_task(struct task *t)
{
	list_add(&t->tid_link, &tid_hash[t->tid % HASH_SIZE]);
}

/* The task's TID leaves the hash; the number stays taken if it is a PID. */
void pid_unhash_task(struct task *t)
{
	list_del(&t->tid_link);
}

void pid_free(pid_t id)
{
	if (id > 0 && id < PID_MAX)
		used[id / 64] &= ~(1ULL << (id % 64));
}

void pid_hash_proc(struct proc *p)
{
	list_add(&p->pid_link, &pid_hash[p->pid % HASH_SIZE]);
}

void pid_unhash_proc(struct proc *p)
{
	list_del(&p->pid_link);
}

struct task *proc_find_task(pid_t tid)
{
	struct task *t;

	if (tid <= 0 || tid >= PID_MAX)
		return NULL;
	list_for_each_entry(t, &tid_hash[tid % HASH_SIZE], tid_link)
	{
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

struct proc *proc_find(pid_t pid)
{
	struct proc *p;

	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	list_for_each_entry(p, &pid_hash[pid % HASH_SIZE], pid_link)
	{
		if (p->pid == pid && p->state != PROC_DEAD)
			return p;
	}
	return NULL;
}

/*
 * Every user task, for debugging a hang: its scheduling state, where it
 * waits, its signals. proc_tree_lock is taken if it can be: the dump
 * must also work when that lock is the one stuck.
 */
void proc_dump_tasks(void)
{
	unsigned long flags = irq_save();
	bool locked = spin_trylock(&proc_tree_lock);
	struct task *t;

	kprintf("tasks%s:\n", locked ? "" : " (tree lock busy, read anyway)");
	if (!locked)
		spin_describe(&proc_tree_lock);
	sched_dump_cpus();
	for (unsigned int i = 0; i < HASH_SIZE; i++) {
		list_for_each_entry(t, &tid_hash[i], tid_link)
		{
			sched_dump_task(t);
			if (t->proc && t->sig)
				kprintf("    pid %d: signals blocked %#lx, "
					"pending %#lx, to the process %#lx, "
					"%lu queued\n",
					t->proc->pid, t->sig->blocked,
					t->sig->pending.set,
					t->proc->shared_pending.set,
					(unsigned long)
						t->proc->sighand->queued);
		}
	}
	if (locked)
		spin_unlock(&proc_tree_lock);
	irq_restore(flags);
	smp_backtrace_others();
}
