/*
 * Tasks and the scheduler (kernel/sched/).
 *
 * A task is a thread of execution: kernel threads and, later, the threads
 * of user processes (struct proc, <kernel/proc.h>, points at them). Each
 * has its own kernel stack (16 KiB with an unmapped guard page below)
 * and its architecture state (saved registers, FPU state, TLS bases).
 *
 * Each CPU has a run queue of runnable tasks, ordered by virtual runtime
 * (CPU time scaled by the nice value's weight, as Linux's CFS does), and
 * an idle task that runs when the queue is empty. A task runs until it
 * blocks, yields, or its slice ends (a one-shot timer on its CPU; none is
 * armed when nothing else is runnable there); preemption takes effect on
 * the way back to user mode, the kernel itself is not preempted. An idle
 * CPU pulls work from the busiest queue, and a busy CPU kicks idle ones.
 *
 * Sleeping and waking follow the Linux pattern, which cannot lose a
 * wake-up: set the task's state, then check the condition, then
 * schedule(); the waker changes the condition, then wakes the task (which
 * sets it back to TASK_RUNNING, so a schedule() that has not happened yet
 * returns at once). Wait queues (below) package this.
 *
 * Lock order (ranks of <kernel/spinlock.h>): a wait queue's lock, then a
 * task's lock, then run-queue locks, by ascending CPU number.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>

#define LOCK_RANK_WAITQ 240
#define LOCK_RANK_TASK 250
#define LOCK_RANK_RQ 300 /* + the CPU number: 300..363 */

#define TASK_COMM_LEN 16
#define NICE_MIN (-20)
#define NICE_MAX 19

enum task_state {
	TASK_RUNNING,	      /* runnable, or running */
	TASK_INTERRUPTIBLE,   /* sleeping; a signal wakes it too */
	TASK_UNINTERRUPTIBLE, /* sleeping until its event */
	TASK_STOPPED,	      /* stopped by a signal (SIGSTOP, ...) */
	TASK_DEAD,	      /* exited; freed once nothing refers to it */
};

/* Masks of states for wake_up_state. */
#define TASK_WAKE_SLEEPING \
	((1u << TASK_INTERRUPTIBLE) | (1u << TASK_UNINTERRUPTIBLE))
#define TASK_WAKE_INTERRUPTIBLE (1u << TASK_INTERRUPTIBLE)

struct proc;

struct task {
	struct arch_task arch; /* first: the context switch finds it there */
	/*
	 * Work before the return to user mode, read by the syscall entry
	 * code at fixed offsets (kernel/arch/x86_64/cpu/frame.inc): keep
	 * them here, together. sigpending: a signal is pending that this
	 * task does not block (the signal code keeps it, <kernel/signal.h>);
	 * interruptible sleeps end.
	 */
	bool need_resched; /* reschedule at the next chance */
	bool sigpending;
	/* kernel_read/kernel_write: "user" buffers are kernel memory now. */
	bool uaccess_kernel;
	uintptr_t kstack; /* top of its kernel stack */
	int tid;
	char comm[TASK_COMM_LEN];
	int refcount; /* atomic; the task is freed when it drops to 0 */

	/* Scheduling. lock guards state and the choice of run queue. */
	struct spinlock lock;
	int state;		  /* enum task_state */
	bool on_rq;		  /* on a run queue (running counts): rq lock */
	bool on_cpu;		  /* its registers are live on a CPU */
	unsigned int cpu;	  /* its run queue */
	uint64_t cpus_allowed;	  /* bit n: may run on CPU n */
	int nice;		  /* -20..19 */
	uint32_t weight;	  /* from nice: 1024 at 0 */
	uint64_t vruntime;	  /* weighted ns run: the queue's order */
	uint64_t exec_start;	  /* when it last started running (ns) */
	uint64_t sum_exec;	  /* ns run, in all */
	uint64_t user_ticks;	  /* ticks that found it in user mode */
	uint64_t sys_ticks;	  /* ...in the kernel (sched_tick) */
	uint64_t nr_switches;	  /* times it was switched in */
	struct list_head rq_link; /* in its run queue (not while running) */

	/* Kernel threads: what they run. */
	void (*kfn)(void *arg);
	void *karg;

	struct proc *proc;	    /* NULL for a kernel thread */
	struct list_head tid_link;  /* in the ID hash (proc/pid.c) */
	struct list_head proc_link; /* in proc's list of threads */
	struct vm_space *space;	    /* runs in; NULL: kernel_space */
	struct task_signal *sig;    /* blocked mask, pending (signal.h) */
	uintptr_t clear_child_tid;  /* set_tid_address: 0 and wake at exit */
	uintptr_t robust_list;	    /* set_robust_list (head, kept) */
	uint64_t robust_len;
	unsigned int personality; /* personality(2): PER_LINUX32, flags */
	uint16_t ioprio;	  /* ioprio_set(2): class << 13 | level */
	bool no_new_privs;	  /* PR_SET_NO_NEW_PRIVS: kept for good */
};

/* The task running on this CPU. */
static inline struct task *current_task(void)
{
	return this_cpu()->current;
}

/*
 * Set up scheduling on this CPU: the code calling it becomes the CPU's
 * idle task (the boot CPU's: kmain; an AP's: its start-up code), with
 * an empty run queue. sched_init (boot CPU) also sets up the task cache.
 */
void sched_init(void);
void sched_init_cpu(void);

/*
 * The idle loop: run whatever becomes runnable here, pull work from busy
 * CPUs, halt in between. The idle task calls it once it has nothing else
 * to do.
 */
noreturn void sched_idle_loop(void);

/*
 * A new kernel thread running fn(arg), not yet runnable: NULL if out of
 * memory. Start it with sched_start (it then runs on any allowed CPU);
 * fn returning ends the thread (as kthread_exit).
 */
struct task *kthread_create(void (*fn)(void *arg), void *arg, const char *name);
noreturn void kthread_exit(void);

/* A new task (not yet runnable) as kthread_create's, for proc/. */
struct task *task_alloc(const char *name);
/* Take and drop a reference; the last drop frees the task and stack. */
void task_get(struct task *t);
void task_put(struct task *t);

/* The current task runs in the kernel's address space from now on. */
void sched_switch_to_kernel_space(void);

/* Make a new task runnable, on a CPU its affinity allows. */
void sched_start(struct task *t);

/*
 * Give the CPU to another task: the current one goes back to its queue
 * if it is TASK_RUNNING, or sleeps in whatever state it has set. Call
 * with no spinlock held.
 */
void schedule(void);

/* Bring the current task's sum_exec up to now (CPU-time reports). */
void sched_update_current(void);

/* Let other runnable tasks run first (sched_yield). */
void sched_yield(void);

/*
 * Wake t if its state is in mask (TASK_WAKE_*): it becomes runnable and
 * is queued on a CPU it may run on. true if it was woken.
 */
bool wake_up_state(struct task *t, unsigned int mask);
bool wake_up_task(struct task *t);

/* Mark t TASK_DEAD and switch away for good (the caller's last act). */
noreturn void sched_exit_current(void);

/*
 * Sleep for at most ns in the state the caller has set (it sets the
 * state, then checks its condition, then calls this, so that a wake-up
 * in between is not lost): the time left (0 if it all passed).
 */
uint64_t schedule_timeout(uint64_t ns);

/*
 * Sleep until the monotonic time deadline or a signal, whichever comes
 * first: 0, or -EINTR if a signal is pending (then or now).
 */
int sleep_interruptible(uint64_t deadline);

/* Nice values and affinity: 0, -EINVAL. */
int sched_set_nice(struct task *t, int nice);
int sched_set_affinity(struct task *t, uint64_t mask);

/* Called by the timer tick on every CPU (balancing, accounting). */
void sched_tick(void);

/* From the reschedule IPI's handler: something may be runnable here. */
void sched_resched_ipi(void);

/*
 * Debugging: print a task's state and, if it is switched out, where it
 * waits (a backtrace); print what each CPU runs. Lock-free reads, so
 * that they work while something hangs; proc_dump_tasks uses them.
 */
void sched_dump_task(const struct task *t);
void sched_dump_cpus(void);

/* Statistics for tests and /proc: tasks queued on cpu, switches done. */
unsigned int sched_nr_queued(unsigned int cpu);
uint64_t sched_nr_switches(unsigned int cpu);

/*
 * Where each CPU's time went (kernel/sched/cputime.c), counted at the
 * tick (TIMER_HZ) as /proc/stat shows it: the tick finds the CPU in user
 * mode (nice: a task of positive nice), in the kernel, or idle. No
 * interrupt time or I/O wait is told apart yet: those stay 0.
 */
enum cpu_time_kind {
	CPUTIME_USER,
	CPUTIME_NICE,
	CPUTIME_SYSTEM,
	CPUTIME_IDLE,
	CPUTIME_IOWAIT,
	CPUTIME_IRQ,
	CPUTIME_SOFTIRQ,
	CPUTIME_STEAL,
	CPUTIME_NR,
};
/* cpu's counts so far, in ticks (all 0 for a CPU that is not there). */
void sched_cpu_times(unsigned int cpu, uint64_t out[CPUTIME_NR]);

/*
 * The load average: the number of runnable tasks (running or queued),
 * averaged exponentially over 1, 5 and 15 minutes, sampled every 5 s;
 * fixed point with LOADAVG_SHIFT fraction bits, as Linux keeps it.
 */
#define LOADAVG_SHIFT 11
void sched_loadavg(unsigned long out[3]);
/* Runnable tasks now, on every CPU (the running ones included). */
unsigned int sched_nr_running(void);

/* ---- wait queues ----------------------------------------------------- */

struct wait_queue {
	struct spinlock lock;
	struct list_head waiters; /* struct waiter, in arrival order */
};

struct waiter {
	struct list_head link;
	struct task *task;
	/* poll's: set at a wake-up before the task wakes; such a waiter is
	 * not exclusive (wake_up_one goes on past it). */
	bool *triggered;
	/* epoll's: called instead of waking task, with the queue's lock
	 * held (it must take only locks ranked above that one); not
	 * exclusive either. */
	void (*func)(struct waiter *w);
};

#define WAIT_QUEUE_INIT(name)                          \
	{                                              \
		SPINLOCK_INIT(#name, LOCK_RANK_WAITQ), \
			LIST_HEAD_INIT((name).waiters) \
	}

void wait_queue_init(struct wait_queue *wq, const char *name);
/* A queue whose lock has its own rank (woken under other queue locks). */
void wait_queue_init_rank(struct wait_queue *wq, const char *name,
			  unsigned int rank);
/* Queue or dequeue w without sleeping (poll and epoll's registrations). */
void wait_queue_add(struct wait_queue *wq, struct waiter *w);
void wait_queue_remove(struct wait_queue *wq, struct waiter *w);

/*
 * Queue w (for the current task) on wq, unless it is there already, and
 * set the task's state (TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE);
 * then check the condition and schedule() if it is false; finish_wait
 * takes w off and sets TASK_RUNNING.
 */
void prepare_to_wait(struct wait_queue *wq, struct waiter *w, int state);
void finish_wait(struct wait_queue *wq, struct waiter *w);

/* Wake every waiter; or only the first (its task is woken). */
void wake_up_all(struct wait_queue *wq);
void wake_up_one(struct wait_queue *wq);

/*
 * Sleep until cond is true: 0; or, interruptible, -EINTR when a signal is
 * pending for the task (signal_pending, <kernel/signal.h>, decides).
 */
#define wait_event(wq, cond)                                               \
	do {                                                               \
		struct waiter w_ = {.task = current_task()};               \
		for (;;) {                                                 \
			prepare_to_wait(&(wq), &w_, TASK_UNINTERRUPTIBLE); \
			if (cond)                                          \
				break;                                     \
			schedule();                                        \
		}                                                          \
		finish_wait(&(wq), &w_);                                   \
	} while (0)

/* True if the current task should stop sleeping for a signal. */
bool sched_signal_pending(void);

#define wait_event_interruptible(wq, cond)                               \
	({                                                               \
		struct waiter w_ = {.task = current_task()};             \
		int r_ = 0;                                              \
		for (;;) {                                               \
			prepare_to_wait(&(wq), &w_, TASK_INTERRUPTIBLE); \
			if (cond)                                        \
				break;                                   \
			if (sched_signal_pending()) {                    \
				r_ = -EINTR;                             \
				break;                                   \
			}                                                \
			schedule();                                      \
		}                                                        \
		finish_wait(&(wq), &w_);                                 \
		r_;                                                      \
	})

/* ---- sleeping locks --------------------------------------------------- */

/*
 * A mutex: mutual exclusion for longer sections that may sleep (user
 * memory, allocation); the owner may block. Not for interrupt handlers.
 */
struct mutex {
	struct task *owner; /* atomic: NULL when free */
	struct wait_queue wq;
};

#define MUTEX_INIT(name, label)                  \
	{                                        \
		NULL, WAIT_QUEUE_INIT((name).wq) \
	}

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
/* 0, or -EINTR if a signal came first. */
int mutex_lock_interruptible(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held_by_me(const struct mutex *m);

#endif
