/*
 * Processes (kernel/proc/): a process is a thread group, Linux-style: one
 * or more tasks (<kernel/sched.h>) sharing an address space (struct mm,
 * <kernel/uvm.h>), signal handlers, credentials, limits and a place in
 * the process tree. Its PID is its first thread's TID; thread and process
 * IDs come from one number space.
 *
 * Lifetime: a process is alive while it has threads; when the last one
 * exits it becomes a zombie (its exit status kept) until its parent
 * reaps it with wait4/waitid, or at once if the parent ignores SIGCHLD.
 * Children of an exiting process go to PID 1.
 *
 * Locking: proc_tree_lock (a spinlock, interrupts off) guards the tree
 * (parent, children), the PID table, process groups and sessions, and
 * each process's exit and stop state. Lock order: the tree lock, then a
 * process's signal lock (<kernel/signal.h>), then task and scheduler
 * locks.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/fs.h> /* struct path */
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>

#define LOCK_RANK_PROC_TREE 150
#define LOCK_RANK_SIGNAL 160

#define PID_MAX 32768 /* /proc/sys/kernel/pid_max */
#define NGROUPS_MAX 65536
#define PROC_MAX_GROUPS 32 /* supplementary groups kept (more: EINVAL) */

typedef int pid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;

struct cred {
	uid_t uid, euid, suid, fsuid;
	gid_t gid, egid, sgid, fsgid;
	unsigned int ngroups;
	gid_t groups[PROC_MAX_GROUPS];
};

/* Resource limits, Linux's numbering (RLIMIT_*) and RLIM_INFINITY. */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

struct rlimit64 {
	uint64_t cur, max;
};

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* all threads gone; waiting to be reaped */
	PROC_DEAD,   /* reaped; freed when the last reference goes */
};

/* Pending signals: a set, and the queued siginfos (<kernel/signal.h>). */
struct sigpending {
	uint64_t set; /* bit sig - 1 */
	struct list_head queue;
};

struct mm;
struct sighand;
struct files;
struct fs_context;
struct tty;

struct proc {
	pid_t pid;
	int refcount; /* atomic */
	enum proc_state state;

	/* The tree (proc_tree_lock). */
	struct proc *parent;
	struct list_head children; /* struct proc, by sibling */
	struct list_head sibling;
	struct list_head all_link; /* in the list of all processes */
	struct list_head pid_link; /* in the PID hash (proc/pid.c) */
	pid_t pgid, sid;
	int exit_signal; /* sent to the parent at exit: SIGCHLD, or 0 */

	/* Threads (proc_tree_lock to change; read under it or by a thread). */
	struct list_head threads; /* struct task, by proc_link */
	unsigned int nr_threads;
	struct task *main_thread;

	/*
	 * What the process uses. Only the process itself changes these
	 * pointers (exec, exit), and it does so under proc_tree_lock, so
	 * that another process (procfs) can take a reference safely with
	 * proc_get_mm and friends below.
	 */
	struct mm *mm;
	struct sighand *sighand; /* handlers: shared with CLONE_SIGHAND */
	struct sigpending shared_pending; /* sent to the process */
	struct files *files;   /* open files: shared with CLONE_FILES */
	struct tty *tty;       /* controlling terminal (proc_tree_lock) */
	struct fs_context *fs; /* cwd, root, umask: CLONE_FS */
	struct path exe;       /* the file execve ran (/proc/PID/exe) */

	/* Credentials and limits (changed only by the process itself). */
	struct cred cred;
	struct rlimit64 rlim[RLIM_NLIMITS];
	int pdeath_signal;

	/*
	 * Exit and stop (proc_tree_lock): the wait status the parent
	 * reaps; a group exit in progress; a stop or continue to report.
	 */
	int exit_status;    /* Linux wait status encoding */
	bool group_exiting; /* exit_group or a fatal signal: all go */
	bool init_killable; /* PID 1 got a fault it cannot escape */
	int group_exit_status;
	bool stopped; /* by SIGSTOP and friends */
	int stop_signal;
	bool report_stop, report_continue; /* to wait4 (WUNTRACED/WCONTINUED) */
	int notify_code; /* CLD_STOPPED/CONTINUED yet to tell the parent */
	struct wait_queue child_wq; /* wait4 sleeps here for children */
	bool vfork_done;	    /* a vfork child exec'd or exited */
	struct wait_queue vfork_wq; /* its parent waits here */

	/* Time used: ns, of threads gone, of reaped children. */
	uint64_t utime, stime, cutime, cstime;
	/* Ticks sampled in user and kernel mode, of threads gone (the
	 * split of CPU time /proc shows, as struct task's). */
	uint64_t user_ticks, sys_ticks;
	uint64_t start_time;	/* monotonic ns */
	uint64_t nvcsw, nivcsw; /* of threads gone */

	/* Timers: alarm/ITIMER_REAL, and POSIX timers (proc/itimer.c). */
	struct timer_event real_timer;
	uint64_t real_deadline, real_interval; /* ns; 0: disarmed */
	struct list_head posix_timers;
	int next_timer_id;
	struct {
		uint64_t left, interval; /* ns of CPU time */
	} cpu_itimer[2];		 /* ITIMER_VIRTUAL, ITIMER_PROF */

	uint64_t exec_id;
	/* The leader's name, kept when the last thread goes (a zombie's
	 * name in /proc); read the threads' comm while there are any. */
	char comm[TASK_COMM_LEN];
};

extern struct spinlock proc_tree_lock;
extern struct list_head proc_all; /* every process (proc_tree_lock) */

/* The process of the current task (NULL in a kernel thread). */
static inline struct proc *current_proc(void)
{
	return current_task()->proc;
}

void proc_init(void);
/* The vDSO's pages (kernel/proc/vdso.c); after the clock has started. */
void vdso_init(void);

/*
 * Start /init (or init= / rdinit= of the command line) as PID 1 from the
 * initramfs: 0, or a negative errno if there is no initramfs or the
 * program cannot run (logged). The calling kernel thread becomes PID 1's
 * main thread and enters user space: it returns only on failure.
 */
int proc_start_init(void);

/* Look up by ID: a task (thread), a process (its PID). NULL if none. */
struct task *proc_find_task(pid_t tid);
/* Debugging: print every user task, where it waits and its signals. */
void proc_dump_tasks(void);
struct proc *proc_find(pid_t pid);
void proc_get(struct proc *p);
void proc_put(struct proc *p);

/* IDs: a free one (-EAGAIN if none), and giving one back. */
pid_t pid_alloc(struct task *t);
void pid_free(pid_t id);

/*
 * End the current thread (exit): the process ends with its last thread.
 * proc_exit_group ends every thread of the process with status (a wait
 * status: exit code << 8, or a signal number, | 0x80 for a core dump).
 */
noreturn void proc_exit_thread(int status);
noreturn void proc_exit_group(int status);

/* Is the process group pgid orphaned (no member's parent outside it in
 * the same session)? Tree lock held. */
bool pgrp_orphaned_locked(pid_t pgid);
/* The same once gone (exiting) is no longer there to count. */
bool pgrp_orphaned_without_locked(pid_t pgid, const struct proc *gone);

/*
 * For a reader in another process (procfs): a reference to p's address
 * space, descriptor table or fs context (mm_put, files_put,
 * fs_context_put it), or NULL once p let it go (a zombie); p's
 * executable into *out (path_put it): true, or false if it has none.
 */
struct mm *proc_get_mm(struct proc *p);
struct files *proc_get_files(struct proc *p);
struct fs_context *proc_get_fs(struct proc *p);
bool proc_get_exe(struct proc *p, struct path *out);

/*
 * CPU time of p (all its threads, those gone included) or of one thread,
 * in ns, split between user and kernel mode in the proportion the tick
 * sampled (Linux's way): the total is exact, the split an estimate.
 */
void proc_cputime(struct proc *p, uint64_t *user, uint64_t *sys);
void task_cputime(const struct task *t, uint64_t *user, uint64_t *sys);

/* The last ID handed out (/proc/loadavg's last field). */
pid_t pid_last(void);

/*
 * Walks for /proc's listings: the live or zombie process of the lowest
 * PID >= from, referenced (proc_put it), or NULL; the lowest TID >= from
 * among p's threads, or 0. With the tree lock held: p's leader (the
 * thread whose TID is the PID, else any; NULL for a zombie), and p's
 * thread tid (NULL if it is not one of p's).
 */
struct proc *proc_next(pid_t from);
pid_t proc_next_thread(struct proc *p, pid_t from);
struct task *proc_leader_locked(struct proc *p);
struct task *proc_thread_locked(struct proc *p, pid_t tid);

/* The host name (uname's nodename; /proc/sys/kernel/hostname), into buf
 * NUL-terminated; and setting it (the caller checked privilege): 0,
 * -EINVAL if too long. */
#define HOST_NAME_LEN 64
void host_name_get(char *buf, size_t size);
int host_name_set(const char *name, size_t len);

/* Permission to signal p with the current credentials (kill(2) rules). */
bool proc_may_signal(const struct proc *p, int sig);

/* Is the caller privileged (effective UID 0)? */
bool proc_capable(void);
/* prctl's capability options (PR_CAPBSET_READ, PR_CAP_AMBIENT). */
long cred_cap_prctl(int option, unsigned long a2, unsigned long a3,
		    unsigned long a4, unsigned long a5);

/*
 * personality(2)'s value: the execution domain in the low byte
 * (PER_LINUX, PER_LINUX32: uname then says i686), flags above it. The
 * flags are kept and inherited but change nothing else yet; a set-user
 * or set-group-ID exec drops those Linux drops (PER_CLEAR_ON_SETID).
 */
#define PER_MASK 0xff
#define PER_LINUX32 0x0008
/* READ_IMPLIES_EXEC, ADDR_COMPAT_LAYOUT, MMAP_PAGE_ZERO, ADDR_NO_RANDOMIZE */
#define PER_CLEAR_ON_SETID 0x00740000u

/* fork/vfork/clone: the new thread's TID, or a -errno. */
struct clone_args_k {
	uint64_t flags;
	uintptr_t pidfd, child_tid, parent_tid;
	int exit_signal;
	uintptr_t stack, stack_size, tls;
};
long proc_clone(const struct clone_args_k *args);

/* Timers: a tick of CPU time for p (VIRTUAL/PROF); at exit, all off. */
void itimer_tick(struct proc *p, uint64_t ns);
void itimer_proc_exit(struct proc *p);

/* Wake a vfork parent waiting on p (p exec'd or exited). */
void proc_vfork_release(struct proc *p);

#endif
