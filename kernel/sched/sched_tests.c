/*
 * Tests of the scheduler (suite sched): kernel threads run and exit on
 * every CPU, wait queues lose no wake-ups, mutexes exclude, sleeping with
 * a timeout sleeps, affinity and nice values are honoured, yielding lets
 * others run.
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>

#include "sched_priv.h"

#define NTHREADS 16

struct counter {
	struct wait_queue wq;
	unsigned int done;
	unsigned int cpus_seen; /* bit per CPU */
	struct mutex m;
	uint64_t total;
};

static void count_and_exit(void *arg)
{
	struct counter *c = arg;

	__atomic_or_fetch(&c->cpus_seen, 1u << cpu_id(), __ATOMIC_RELAXED);
	for (int i = 0; i < 1000; i++) {
		mutex_lock(&c->m);
		c->total++; /* not atomic: the mutex must exclude */
		if (i % 100 == 0)
			sched_yield(); /* while holding it: others must wait */
		mutex_unlock(&c->m);
	}
	/*
	 * Stay runnable until some other CPU has run one of us: idle CPUs
	 * pull work, but on a busy host a virtual CPU may not get to before
	 * all the counting is done. Bounded: 5 s.
	 */
	for (uint64_t end = clock_monotonic_ns() + 5000000000ULL;
	     smp_cpu_count() > 1 && clock_monotonic_ns() < end;) {
		unsigned int seen = __atomic_or_fetch(
			&c->cpus_seen, 1u << cpu_id(), __ATOMIC_RELAXED);

		if (seen & (seen - 1))
			break;
		sched_yield();
	}
	__atomic_add_fetch(&c->done, 1, __ATOMIC_RELEASE);
	wake_up_all(&c->wq);
}

static unsigned int done_count(struct counter *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

/* Many threads, all finish; the mutex keeps the count exact. */
KTEST(sched, threads_run_and_exit)
{
	static struct counter c;
	unsigned int cpus = smp_cpu_count();

	c = (struct counter){0};
	wait_queue_init(&c.wq, "test wq");
	mutex_init(&c.m, "test mutex");
	for (int i = 0; i < NTHREADS; i++) {
		struct task *t = kthread_create(count_and_exit, &c, "counter");

		KT_ASSERT(t != NULL);
		sched_start(t);
	}
	wait_event(c.wq, done_count(&c) == NTHREADS);
	KT_ASSERT_EQ(done_count(&c), NTHREADS);
	KT_ASSERT_EQ(c.total, NTHREADS * 1000ULL);
	if (cpus > 1)
		KT_ASSERT((c.cpus_seen & (c.cpus_seen - 1)) != 0); /* >1 bit */
}

struct pingpong {
	struct wait_queue wq;
	volatile unsigned int turn; /* 0: main's, 1: the thread's */
	unsigned int rounds;
	bool finished;
};

static void ponger(void *arg)
{
	struct pingpong *p = arg;

	for (unsigned int i = 0; i < p->rounds; i++) {
		wait_event(p->wq, p->turn == 1);
		p->turn = 0;
		wake_up_all(&p->wq);
	}
	p->finished = true;
	wake_up_all(&p->wq);
}

/* Strict alternation through one wait queue: a lost wake-up hangs. */
KTEST(sched, waitqueue_pingpong)
{
	static struct pingpong p;
	struct task *t;

	p = (struct pingpong){.rounds = 2000};
	wait_queue_init(&p.wq, "pingpong");
	t = kthread_create(ponger, &p, "ponger");
	KT_ASSERT(t != NULL);
	sched_start(t);
	for (unsigned int i = 0; i < p.rounds; i++) {
		p.turn = 1;
		wake_up_all(&p.wq);
		wait_event(p.wq, p.turn == 0);
	}
	wait_event(p.wq, p.finished);
	KT_ASSERT(p.finished);
}

KTEST(sched, schedule_timeout_sleeps)
{
	uint64_t t0 = clock_monotonic_ns();
	uint64_t left;

	current_task()->state = TASK_UNINTERRUPTIBLE;
	left = schedule_timeout(5 * NSEC_PER_MSEC);

	KT_ASSERT_EQ(left, 0);
	KT_ASSERT(clock_monotonic_ns() - t0 >= 5 * NSEC_PER_MSEC);
}

struct where {
	struct wait_queue wq;
	int cpu;
	bool done;
};

static void report_cpu(void *arg)
{
	struct where *w = arg;

	w->cpu = (int)cpu_id();
	w->done = true;
	wake_up_all(&w->wq);
}

/* A thread allowed on one CPU only runs there. */
KTEST(sched, affinity_honoured)
{
	static struct where w;
	unsigned int target = smp_cpu_count() - 1;
	struct task *t;

	w = (struct where){.cpu = -1};
	wait_queue_init(&w.wq, "where");
	t = kthread_create(report_cpu, &w, "pinned");
	KT_ASSERT(t != NULL);
	KT_ASSERT_EQ(sched_set_affinity(t, 1ULL << target), 0);
	sched_start(t);
	wait_event(w.wq, w.done);
	KT_ASSERT_EQ(w.cpu, (int)target);
	KT_ASSERT_EQ(sched_set_affinity(current_task(), 0), -EINVAL);
}

KTEST(sched, nice_weights)
{
	KT_ASSERT_EQ(sched_set_nice(current_task(), 20), -EINVAL);
	KT_ASSERT_EQ(sched_set_nice(current_task(), -21), -EINVAL);
	KT_ASSERT(sched_nice_weight(0) == 1024);
	KT_ASSERT(sched_nice_weight(-20) > 80000);
	KT_ASSERT(sched_nice_weight(19) < 20);
	KT_ASSERT(sched_nice_weight(1) < 1024);
}
