/*
 * Where CPU time goes (<kernel/sched.h>), sampled at the tick as Linux
 * does without precise accounting: each tick is charged to one kind
 * (user, nice, system, idle) on its CPU, and to the running task's user
 * or kernel count; /proc/stat and /proc/PID/stat show these. And the
 * load average: the runnable tasks, counted every LOAD_FREQ ticks on CPU
 * 0 and folded into three exponentially decaying averages.
 *
 * The counters are written by their own CPU's tick only and read
 * without locks (a reader may see a count one tick old).
 */
#include <kernel/arch.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>

#include "sched_priv.h"

#define LOAD_FREQ (5 * TIMER_HZ) /* ticks between samples: 5 s */
#define FIXED_1 (1ul << LOADAVG_SHIFT)
/* exp(-5 s / 1, 5, 15 min) in fixed point: the decay of one sample. */
static const unsigned long load_decay[3] = {1884, 2014, 2037};

struct cpu_times {
	uint64_t ticks[CPUTIME_NR];
} __aligned(64);

static struct cpu_times cpu_times[SMP_MAX_CPUS];
static unsigned long loadavg[3];
static uint64_t load_ticks;

unsigned int sched_nr_running(void)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
	{
		struct rq *rq = cpu_rq(cpu);

		n += __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED);
		if (__atomic_load_n(&rq->curr, __ATOMIC_RELAXED) != rq->idle)
			n++;
	}
	return n;
}

/* One sample: avg = avg * decay + n * (1 - decay), rounded. */
static void load_sample(void)
{
	unsigned long active = (unsigned long)sched_nr_running() * FIXED_1;

	for (int i = 0; i < 3; i++) {
		unsigned long a = loadavg[i] * load_decay[i] +
				  active * (FIXED_1 - load_decay[i]);

		if (active >= loadavg[i])
			a += FIXED_1 - 1; /* rising: round up, as Linux */
		__atomic_store_n(&loadavg[i], a / FIXED_1, __ATOMIC_RELAXED);
	}
}

void sched_loadavg(unsigned long out[3])
{
	for (int i = 0; i < 3; i++)
		out[i] = __atomic_load_n(&loadavg[i], __ATOMIC_RELAXED);
}

void sched_cpu_times(unsigned int cpu, uint64_t out[CPUTIME_NR])
{
	for (int i = 0; i < CPUTIME_NR; i++)
		out[i] = cpu < SMP_MAX_CPUS && smp_cpu_online(cpu)
				 ? __atomic_load_n(&cpu_times[cpu].ticks[i],
						   __ATOMIC_RELAXED)
				 : 0;
}

/* From sched_tick, on every CPU: charge this tick. */
void cputime_tick(struct rq *rq, struct task *cur)
{
	const struct trap_frame *tf = this_cpu()->irq_frame;
	uint64_t *ticks = cpu_times[cpu_id()].ticks;
	int kind;

	if (!cur || cur == rq->idle) {
		kind = CPUTIME_IDLE;
	} else if (tf && trap_from_user(tf)) {
		kind = cur->nice > 0 ? CPUTIME_NICE : CPUTIME_USER;
		cur->user_ticks++;
	} else {
		kind = CPUTIME_SYSTEM;
		cur->sys_ticks++;
	}
	__atomic_store_n(&ticks[kind], ticks[kind] + 1, __ATOMIC_RELAXED);
	if (cpu_id() == 0 && ++load_ticks % LOAD_FREQ == 0)
		load_sample();
}
