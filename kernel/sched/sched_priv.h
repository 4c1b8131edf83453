/*
 * Shared by the files of kernel/sched/ only: the run queue and the
 * helpers that sched.c, task.c, idle.c and wait.c call in each other.
 */
#ifndef SCHED_PRIV_H
#define SCHED_PRIV_H

#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>

#define NICE_0_WEIGHT 1024

struct rq {
	struct spinlock lock;	/* LOCK_RANK_RQ + its CPU */
	struct list_head queue; /* runnable but not running, by vruntime */
	unsigned int nr_queued;
	struct task *curr; /* running here */
	struct task *idle; /* this CPU's idle task */
	struct task *prev; /* during a switch: the task switched out */
	bool migrate_prev; /* ...which must move to another CPU */
	uint64_t
		min_vruntime; /* never decreases: new and woken tasks start near it */
	struct timer_event slice; /* fires at or before slice_deadline */
	uint64_t slice_deadline;  /* when the running task's slice ends */
	uint64_t switches;
	uint64_t ticks;
} __aligned(64);

struct rq *cpu_rq(unsigned int cpu);
struct rq *task_rq_lock(struct task *t);
void rq_enqueue(struct rq *rq, struct task *t);
void rq_dequeue(struct rq *rq, struct task *t);

/* Queue a task that is on no queue on cpu (t->lock held). */
void sched_enqueue_on(struct task *t, unsigned int cpu);
/* The CPU a woken or new task should run on. */
unsigned int sched_select_cpu(const struct task *t);

/* The weight of a nice value: 1024 at 0, x1.25 per step down. */
uint32_t sched_nice_weight(int nice);

/* Load the address space next runs in (sched.c calls it). */
void sched_switch_mm(struct task *prev, struct task *next);

/* Move work from the busiest queue here: true if a task came. */
bool sched_pull(void);

/* cputime.c: charge the tick to this CPU and to cur (sched_tick). */
void cputime_tick(struct rq *rq, struct task *cur);

/* On a new task's stack after its first switch (task.c). */
void finish_switch(void);
/* Where the architecture's first switch to a task lands. */
void sched_task_entry(void);

#endif
