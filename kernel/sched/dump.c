/*
 * The scheduler's part of a task dump (proc_dump_tasks, the monitor's
 * "ps"): what a task is doing and where it waits, and what each CPU runs.
 * A debugging aid: it reads without the locks that would make it exact,
 * so that it works even when a lock is what hangs.
 */
#include <kernel/arch.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>

#include "sched_priv.h"

static const char *state_name(int state)
{
	static const char *const names[] = {"running", "sleeping", "disk-sleep",
					    "stopped", "dead"};

	return state >= 0 && state <= TASK_DEAD ? names[state] : "?";
}

void sched_dump_task(const struct task *t)
{
	uintptr_t pc, fp;

	kprintf("  task %d \"%s\": %s on cpu %u%s%s%s, %lu switches\n", t->tid,
		t->comm, state_name(t->state), t->cpu,
		t->on_rq ? ", queued" : "", t->on_cpu ? ", on cpu" : "",
		t->sigpending ? ", signal pending" : "", t->nr_switches);
	if (t->on_cpu || t->state == TASK_DEAD)
		return; /* its switch frame is not there (yet, or any more) */
	arch_task_switch_frame(t, &pc, &fp);
	backtrace_print(pc, fp);
}

void sched_dump_cpus(void)
{
	for (unsigned int c = 0; c < smp_cpu_count(); c++) {
		const struct rq *rq = cpu_rq(c);
		const struct task *curr = rq->curr, *t;

		kprintf("  cpu %u: runs %d \"%s\"%s, %lu switches, %u queued:",
			c, curr ? curr->tid : -1, curr ? curr->comm : "-",
			timer_pending(&rq->slice) ? " (slice timer set)" : "",
			rq->switches, rq->nr_queued);
		list_for_each_entry(t, &rq->queue, rq_link)
			kprintf(" %d", t->tid);
		kprintf("\n");
	}
}
