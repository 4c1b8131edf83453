/*
 * The scheduler (<kernel/sched.h>): per-CPU run queues ordered by
 * virtual runtime, the switch between tasks, wake-ups and the choice of
 * CPU, time slices on a one-shot timer, and load balancing.
 *
 * A run queue holds its CPU's runnable tasks but the running one (curr),
 * sorted by vruntime; the running task counts as on_rq. schedule() takes
 * the queue's lock with interrupts off and keeps it across the switch:
 * the task switched to releases it (finish_switch), so no other CPU sees
 * a queue half-changed, and a task is never picked while it is still
 * switching out somewhere (on_cpu; wake-ups onto another CPU wait for it
 * to clear).
 *
 * Wake-up races are settled by the run-queue lock: schedule() decides
 * under it whether the previous task leaves the queue (state not
 * TASK_RUNNING), and a waker checks on_rq under the same lock; a task
 * still on its queue just gets TASK_RUNNING back.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/vm.h>

#include "sched_priv.h"

#define SLICE_NS (4 * NSEC_PER_MSEC)
#define BALANCE_TICKS 10 /* a busy CPU looks for idle ones this often */

struct rq runqueues[SMP_MAX_CPUS];

struct rq *cpu_rq(unsigned int cpu)
{
	return &runqueues[cpu];
}

/* Account the time t has run since exec_start. rq locked. */
static void update_curr(struct rq *rq, struct task *t)
{
	uint64_t now = clock_monotonic_ns(), delta;

	if (now < t->exec_start || t == rq->idle) {
		t->exec_start = now;
		return;
	}
	delta = now - t->exec_start;
	t->exec_start = now;
	t->sum_exec += delta;
	t->vruntime += delta * NICE_0_WEIGHT / t->weight;
}

/* min_vruntime follows the smallest vruntime here, and never goes back. */
static void update_min_vruntime(struct rq *rq)
{
	uint64_t v = UINT64_MAX;

	if (rq->curr && rq->curr != rq->idle && rq->curr->on_rq)
		v = rq->curr->vruntime;
	if (!list_empty(&rq->queue))
		v = MIN(v, list_first_entry(&rq->queue, struct task, rq_link)
				   ->vruntime);
	if (v != UINT64_MAX && v > rq->min_vruntime)
		rq->min_vruntime = v;
}

/* Insert t in vruntime order, after equals (FIFO among them). */
void rq_enqueue(struct rq *rq, struct task *t)
{
	struct list_head *pos;

	list_for_each(pos, &rq->queue)
	{
		struct task *o = list_entry(pos, struct task, rq_link);

		if (o->vruntime > t->vruntime)
			break;
	}
	list_insert_between(&t->rq_link, pos->prev, pos);
	rq->nr_queued++;
	t->on_rq = true;
}

void rq_dequeue(struct rq *rq, struct task *t)
{
	list_del(&t->rq_link);
	rq->nr_queued--;
}

static struct task *rq_pick(struct rq *rq)
{
	struct task *t;

	if (list_empty(&rq->queue))
		return rq->idle;
	t = list_first_entry(&rq->queue, struct task, rq_link);
	rq_dequeue(rq, t);
	return t;
}

/*
 * The slice timer: the running task's slice ends at rq->slice_deadline.
 * The timer may have been set for an earlier slice, of a task since
 * switched out; it then moves on to the current deadline. (Switches only
 * move the deadline: re-arming the timer at every switch cost more than
 * this occasional extra interrupt.)
 */
static void slice_end(void *arg)
{
	struct rq *rq = arg;

	if (rq->curr == rq->idle || !rq->nr_queued)
		return; /* nobody waits: no slice to end */
	if (clock_monotonic_ns() < rq->slice_deadline) {
		timer_oneshot_at(&rq->slice, rq->slice_deadline, slice_end, rq);
		return;
	}
	rq->curr->need_resched = true;
}

/* A slice for next if others wait. rq locked, on rq's CPU. */
static void arm_slice(struct rq *rq, struct task *next, uint64_t now)
{
	if (next == rq->idle || !rq->nr_queued)
		return;
	rq->slice_deadline = now + SLICE_NS;
	if (!timer_pending(&rq->slice))
		timer_oneshot_at(&rq->slice, rq->slice_deadline, slice_end, rq);
}

/*
 * After the switch, on the new task's stack: the previous task may now
 * be woken elsewhere (on_cpu), moved to a CPU it is allowed on, or freed
 * if it died. Releases the lock schedule() took on this CPU's queue.
 */
void finish_switch(void)
{
	struct rq *rq = cpu_rq(cpu_id());
	struct task *prev = rq->prev;
	bool migrate = rq->migrate_prev;
	/*
	 * Read before on_cpu is cleared: from then on a sleeping prev may
	 * be woken, run elsewhere, exit and be freed there, and a read of
	 * its state here would see a dead task and free it a second time.
	 */
	bool dead = prev->state == TASK_DEAD;

	rq->prev = NULL;
	rq->migrate_prev = false;
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (migrate) {
		/* Running but on no queue: nobody else wakes or frees it. */
		spin_lock(&prev->lock);
		sched_enqueue_on(prev, sched_select_cpu(prev));
		spin_unlock(&prev->lock);
	} else if (dead) {
		task_put(prev); /* the run queue's reference */
	}
}

static void switch_to(struct rq *rq, struct task *prev, struct task *next)
{
	struct percpu *cpu = this_cpu();

	next->on_cpu = true;
	next->nr_switches++;
	rq->curr = next;
	rq->prev = prev;
	rq->switches++;
	cpu->current = next;
	cpu->kernel_rsp = next->kstack;
	sched_switch_mm(prev, next);
	arch_context_switch(prev, next);
	finish_switch();
}

/* prev leaves this CPU's queue: asleep, dead, or not allowed here. */
static void put_prev(struct rq *rq, struct task *prev)
{
	if (prev == rq->idle)
		return;
	if (prev->state != TASK_RUNNING) {
		prev->on_rq = false;
	} else if (!(prev->cpus_allowed >> cpu_id() & 1)) {
		prev->on_rq = false;
		rq->migrate_prev = true; /* finish_switch queues it elsewhere */
	} else {
		rq_enqueue(rq, prev);
	}
}

void schedule(void)
{
	unsigned long flags = irq_save();
	struct rq *rq = cpu_rq(cpu_id());
	struct task *prev = current_task(), *next;

	if (prev == rq->idle && prev->state != TASK_RUNNING)
		panic("sched: the idle task of CPU %u tried to sleep",
		      cpu_id());
	spin_lock(&rq->lock);
	prev->need_resched = false;
	update_curr(rq, prev);
	put_prev(rq, prev);
	next = rq_pick(rq);
	next->exec_start = clock_monotonic_ns();
	update_min_vruntime(rq);
	arm_slice(rq, next, next->exec_start);
	if (next != prev)
		switch_to(rq, prev, next); /* unlocks on the way back */
	else
		spin_unlock(&rq->lock);
	irq_restore(flags);
}

void sched_update_current(void)
{
	unsigned long flags = irq_save();
	struct rq *rq = cpu_rq(cpu_id());

	spin_lock(&rq->lock);
	update_curr(rq, current_task());
	spin_unlock(&rq->lock);
	irq_restore(flags);
}

void sched_yield(void)
{
	unsigned long flags = irq_save();
	struct rq *rq = cpu_rq(cpu_id());
	struct task *t = current_task();

	/* Behind every task queued now: one full round before t again. */
	spin_lock(&rq->lock);
	if (!list_empty(&rq->queue)) {
		struct task *last =
			list_entry(rq->queue.prev, struct task, rq_link);

		if (t->vruntime <= last->vruntime)
			t->vruntime = last->vruntime + 1;
	}
	spin_unlock(&rq->lock);
	irq_restore(flags);
	schedule();
}

static bool cpu_allowed(const struct task *t, unsigned int cpu)
{
	return smp_cpu_online(cpu) && (t->cpus_allowed >> cpu & 1);
}

static bool rq_idle(unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	return __atomic_load_n(&rq->curr, __ATOMIC_RELAXED) == rq->idle &&
	       __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED) == 0;
}

/*
 * Where t should run: its last CPU if idle, else an idle CPU it may use,
 * else the allowed CPU with the shortest queue (its last one on a tie).
 */
unsigned int sched_select_cpu(const struct task *t)
{
	unsigned int best = t->cpu, cpu, best_len = ~0u;

	if (cpu_allowed(t, t->cpu) && rq_idle(t->cpu))
		return t->cpu;
	for_each_online_cpu(cpu)
	{
		unsigned int len;

		if (!cpu_allowed(t, cpu))
			continue;
		if (rq_idle(cpu))
			return cpu;
		len = __atomic_load_n(&cpu_rq(cpu)->nr_queued,
				      __ATOMIC_RELAXED);
		if (len < best_len || (len == best_len && cpu == t->cpu)) {
			best = cpu;
			best_len = len;
		}
	}
	return best_len == ~0u ? 0 : best; /* nothing allowed: CPU 0 */
}

/* Tell cpu's queue that t arrived: preempt idle, start a slice. */
static void kick(struct rq *rq, unsigned int cpu)
{
	if (rq->curr == rq->idle) {
		if (cpu == cpu_id())
			rq->idle->need_resched = true;
		else
			arch_send_resched_ipi(cpu);
	} else if (!timer_pending(&rq->slice) && cpu == cpu_id()) {
		arm_slice(rq, rq->curr, clock_monotonic_ns());
	} else if (!timer_pending(&rq->slice)) {
		arch_send_resched_ipi(cpu); /* it arms its own slice */
	}
}

/* Queue a task that is on no run queue on cpu. t->lock held. */
void sched_enqueue_on(struct task *t, unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	/* Still switching out on its last CPU: wait until it is off. */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	spin_lock(&rq->lock);
	if (t->cpu != cpu)
		t->vruntime = t->vruntime - cpu_rq(t->cpu)->min_vruntime +
			      rq->min_vruntime;
	/* A long sleeper gets no more than a slice of credit. */
	if (t->vruntime + SLICE_NS < rq->min_vruntime)
		t->vruntime = rq->min_vruntime - SLICE_NS;
	t->cpu = cpu;
	t->state = TASK_RUNNING;
	rq_enqueue(rq, t);
	kick(rq, cpu);
	spin_unlock(&rq->lock);
}

/* Lock the run queue t is on (t->cpu may change until it is locked). */
struct rq *task_rq_lock(struct task *t)
{
	for (;;) {
		unsigned int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
		struct rq *rq = cpu_rq(cpu);

		spin_lock(&rq->lock);
		if (t->cpu == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

bool wake_up_state(struct task *t, unsigned int mask)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct rq *rq;
	bool queued;

	if (!(mask & (1u << t->state))) {
		spin_unlock_irqrestore(&t->lock, flags);
		return false;
	}
	rq = task_rq_lock(t);
	queued = t->on_rq;
	if (queued)
		t->state = TASK_RUNNING; /* has not left its queue yet */
	spin_unlock(&rq->lock);
	if (!queued)
		sched_enqueue_on(t, sched_select_cpu(t));
	spin_unlock_irqrestore(&t->lock, flags);
	return true;
}

bool wake_up_task(struct task *t)
{
	return wake_up_state(t, TASK_WAKE_SLEEPING | (1u << TASK_STOPPED));
}

void sched_start(struct task *t)
{
	unsigned long flags;

	/*
	 * Once queued, t may run on another CPU, finish and be freed (the
	 * run queue holds its only reference) before the unlock below:
	 * hold one of our own until then.
	 */
	task_get(t);
	flags = spin_lock_irqsave(&t->lock);
	t->vruntime = cpu_rq(cpu_id())->min_vruntime;
	t->cpu = cpu_id();
	sched_enqueue_on(t, sched_select_cpu(t));
	spin_unlock_irqrestore(&t->lock, flags);
	task_put(t);
}

noreturn void sched_exit_current(void)
{
	irq_save();
	current_task()->state = TASK_DEAD;
	schedule();
	panic("sched: a dead task was switched back in");
}

int sched_set_nice(struct task *t, int nice)
{
	unsigned long flags;
	struct rq *rq;

	if (nice < NICE_MIN || nice > NICE_MAX)
		return -EINVAL;
	flags = irq_save();
	rq = task_rq_lock(t);
	t->nice = nice;
	t->weight = sched_nice_weight(nice);
	spin_unlock(&rq->lock);
	irq_restore(flags);
	return 0;
}

int sched_set_affinity(struct task *t, uint64_t mask)
{
	unsigned long flags;
	unsigned int cpu;
	struct rq *rq;
	bool any = false, requeue = false;

	for_each_online_cpu(cpu) any = any || (mask >> cpu & 1);
	if (!any)
		return -EINVAL;
	flags = spin_lock_irqsave(&t->lock);
	rq = task_rq_lock(t);
	t->cpus_allowed = mask;
	if (!(mask >> t->cpu & 1)) {
		if (t->on_rq && rq->curr != t) { /* queued: move it now */
			rq_dequeue(rq, t);
			t->on_rq = false;
			requeue = true;
		} else if (rq->curr == t) { /* running: it moves itself */
			t->need_resched = true;
			if (t->cpu != cpu_id())
				arch_send_resched_ipi(t->cpu);
		}
	}
	spin_unlock(&rq->lock);
	if (requeue)
		sched_enqueue_on(t, sched_select_cpu(t));
	spin_unlock_irqrestore(&t->lock, flags);
	if (t == current_task() && t->need_resched)
		schedule();
	return 0;
}

unsigned int sched_nr_queued(unsigned int cpu)
{
	return cpu < SMP_MAX_CPUS ? cpu_rq(cpu)->nr_queued : 0;
}

uint64_t sched_nr_switches(unsigned int cpu)
{
	return cpu < SMP_MAX_CPUS ? cpu_rq(cpu)->switches : 0;
}

void sched_resched_ipi(void)
{
	struct task *t = current_task();

	if (t)
		t->need_resched = true;
}

/* On a busy CPU now and then: an idle CPU could take some of the queue. */
void sched_tick(void)
{
	struct rq *rq = cpu_rq(cpu_id());
	struct task *cur = rq->curr;
	unsigned int cpu;

	cputime_tick(rq, cur);
	if (cur && cur->proc && cur->proc->state == PROC_ALIVE)
		itimer_tick(cur->proc, NSEC_PER_SEC / TIMER_HZ);

	if (!rq->idle || ++rq->ticks % BALANCE_TICKS || rq->nr_queued == 0)
		return;
	for_each_online_cpu(cpu)
	{
		if (cpu != cpu_id() && rq_idle(cpu)) {
			arch_send_resched_ipi(cpu); /* it pulls */
			return;
		}
	}
}
