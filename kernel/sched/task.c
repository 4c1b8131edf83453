/*
 * Tasks: allocation and reference counting, kernel threads, and setting
 * up scheduling on each CPU (<kernel/sched.h>).
 *
 * A task holds one reference for being alive (dropped by finish_switch
 * once it is dead and switched out for good) plus one for each holder
 * (its process, a waiter); its kernel stack lives as long as it does.
 */
#include <kernel/arch.h>
#include <kernel/heap.h>
#include <kernel/interrupt.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#include "sched_priv.h"

static struct kmem_cache *task_cache;
static struct task idle_tasks[SMP_MAX_CPUS];

uint32_t sched_nice_weight(int nice)
{
	uint64_t w = NICE_0_WEIGHT << 16; /* 16 bits of fraction */

	for (int n = 0; n < nice; n++)
		w = w * 4 / 5;
	for (int n = 0; n > nice; n--)
		w = w * 5 / 4;
	return (uint32_t)MAX(w >> 16, 1);
}

static void task_setup(struct task *t, const char *name)
{
	strlcpy(t->comm, name, sizeof(t->comm));
	t->refcount = 1;
	spin_lock_init(&t->lock, "task", LOCK_RANK_TASK);
	t->state = TASK_RUNNING;
	t->cpus_allowed = ~0ULL;
	t->weight = NICE_0_WEIGHT;
	list_init(&t->rq_link);
	list_init(&t->proc_link);
}

struct task *task_alloc(const char *name)
{
	struct task *t = kmem_cache_zalloc(task_cache);
	void *stack = t ? vm_stack_alloc() : NULL;

	if (!stack) {
		if (t)
			kmem_cache_free(task_cache, t);
		return NULL;
	}
	task_setup(t, name);
	t->kstack = (uintptr_t)stack;
	t->state = TASK_UNINTERRUPTIBLE; /* not runnable until started */
	arch_task_init(t);
	return t;
}

void task_get(struct task *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

void task_put(struct task *t)
{
	int left = __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL);

	if (left > 0)
		return;
	if (left < 0 || t->on_rq || t->on_cpu)
		panic("task %d (%s): freed while in use", t->tid, t->comm);
	arch_task_free(t);
	vm_stack_free((void *)t->kstack);
	kmem_cache_free(task_cache, t);
}

/*
 * Where every new task starts (from the architecture's first switch):
 * finish the switch that brought it here, then run its function.
 */
void sched_task_entry(void)
{
	struct task *t = current_task();

	finish_switch();
	irq_enable();
	if (t->kfn)
		t->kfn(t->karg);
	kthread_exit();
}

struct task *kthread_create(void (*fn)(void *arg), void *arg, const char *name)
{
	struct task *t = task_alloc(name);

	if (!t)
		return NULL;
	t->kfn = fn;
	t->karg = arg;
	return t;
}

noreturn void kthread_exit(void)
{
	sched_exit_current();
}

/* Kernel threads and idle tasks run on the kernel's address space. */
void sched_switch_mm(struct task *prev, struct task *next)
{
	struct vm_space *s = next->space ? next->space : &kernel_space;

	if (vm_space_current() != s)
		vm_space_switch(s);
}

void sched_switch_to_kernel_space(void)
{
	unsigned long flags = irq_save();

	current_task()->space = NULL;
	if (vm_space_current() != &kernel_space)
		vm_space_switch(&kernel_space);
	irq_restore(flags);
}

void sched_init_cpu(void)
{
	unsigned int cpu = cpu_id();
	struct rq *rq = cpu_rq(cpu);
	struct task *idle = &idle_tasks[cpu];
	struct percpu *pc = this_cpu();

	task_setup(idle, "idle");
	idle->cpu = cpu;
	idle->cpus_allowed = 1ULL << cpu;
	idle->on_cpu = true;
	idle->kstack = pc->stack_top;
	spin_lock_init(&rq->lock, "runqueue", LOCK_RANK_RQ + cpu);
	list_init(&rq->queue);
	rq->slice = (struct timer_event)TIMER_EVENT_INIT;
	rq->idle = idle;
	rq->curr = idle;
	pc->current = idle;
	pc->kernel_rsp = idle->kstack;
}

void sched_init(void)
{
	task_cache = kmem_cache_create("task", sizeof(struct task), 64);
	if (!task_cache)
		panic("sched: no memory for the task cache");
	sched_init_cpu();
	klog(KLOG_INFO, "sched: per-CPU run queues, %llu ms slices\n",
	     (unsigned long long)4);
}
