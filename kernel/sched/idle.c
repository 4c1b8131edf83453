/*
 * Each CPU's idle task and load balancing. The idle task is whatever
 * called sched_init_cpu (kmain on the boot CPU, the start-up code on the
 * others); it is never queued, and runs when its queue is empty. It pulls
 * a task from the busiest queue before it halts; busy CPUs kick idle
 * ones now and then (sched_tick) so that they look again.
 */
#include <kernel/idle.h>
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

#include "sched_priv.h"

/* The CPU (not this one) with the most queued tasks, or -1. */
static int busiest_cpu(void)
{
	unsigned int cpu, most = 0;
	int best = -1;

	for_each_online_cpu(cpu)
	{
		unsigned int n = __atomic_load_n(&cpu_rq(cpu)->nr_queued,
						 __ATOMIC_RELAXED);

		if (cpu != cpu_id() && n > most) {
			most = n;
			best = (int)cpu;
		}
	}
	return best;
}

/* Lock two queues in ascending CPU order (their lock ranks' order). */
static void lock_pair(struct rq *a, struct rq *b)
{
	if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

/* The last queued task of src that may run on cpu, or NULL. */
static struct task *pick_movable(struct rq *src, unsigned int cpu)
{
	struct task *t;

	for (struct list_head *p = src->queue.prev; p != &src->queue;
	     p = p->prev) {
		t = list_entry(p, struct task, rq_link);
		if ((t->cpus_allowed >> cpu & 1) && !t->on_cpu)
			return t;
	}
	return NULL;
}

bool sched_pull(void)
{
	int from = busiest_cpu();
	struct rq *src, *dst = cpu_rq(cpu_id());
	struct task *t;

	if (from < 0)
		return false;
	src = cpu_rq((unsigned int)from);
	lock_pair(src, dst);
	t = src->nr_queued ? pick_movable(src, cpu_id()) : NULL;
	if (t) {
		rq_dequeue(src, t);
		t->vruntime =
			t->vruntime - src->min_vruntime + dst->min_vruntime;
		t->cpu = cpu_id();
		rq_enqueue(dst, t);
	}
	spin_unlock(&src->lock);
	spin_unlock(&dst->lock);
	return t != NULL;
}

noreturn void sched_idle_loop(void)
{
	struct rq *rq = cpu_rq(cpu_id());

	for (;;) {
		irq_save();
		rq->idle->need_resched = false;
		if (rq->nr_queued || sched_pull()) {
			schedule();
			continue;
		}
		this_cpu()->in_idle_wait = true;
		idle_wait(); /* sti; hlt: returns after an interrupt */
		this_cpu()->in_idle_wait = false;
	}
}
