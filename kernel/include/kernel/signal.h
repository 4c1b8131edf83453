/*
 * Signals (kernel/proc/signal*.c), with Linux's numbers, flags, siginfo
 * layout and semantics.
 *
 * Each process has its handlers (struct sighand, shared between
 * processes made with CLONE_SIGHAND, i.e. threads) and a set of pending
 * signals for the whole process; each thread has its own pending set, its
 * blocked mask and an alternate stack. A signal sent to the process is
 * taken by any thread that does not block it. Standard signals (1-31)
 * are pending at most once; real-time ones (32-64) queue, each with its
 * siginfo, up to RLIMIT_SIGPENDING.
 *
 * Delivery happens on the way back to user mode (signal_deliver, from
 * user_return_work): the default action (terminate, core, stop, continue,
 * ignore), or a handler, for which the architecture builds the signal
 * frame (arch_signal_frame) that rt_sigreturn undoes. SIGKILL and
 * SIGSTOP cannot be caught, blocked or ignored. A stop or continue is
 * reported to the parent (SIGCHLD, wait4's WUNTRACED/WCONTINUED).
 *
 * Locking: each sighand has a spinlock (LOCK_RANK_SIGNAL, interrupts
 * off) that guards the handlers and every pending set and blocked mask of
 * the processes sharing it.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/list.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>

#define NSIG 64

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_KNOWN                                                               \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | \
	 SA_RESTART | SA_NODEFER | SA_RESETHAND)

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

typedef uint64_t sigset_t; /* bit sig - 1 */

static inline sigset_t sig_bit(int sig)
{
	return 1ULL << (sig - 1);
}

#define SIG_UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

/* siginfo_t as user space sees it: 128 bytes. */
struct siginfo {
	int32_t si_signo, si_errno, si_code, pad0;
	union {
		struct { /* kill, sigqueue, SIGCHLD */
			int32_t pid;
			uint32_t uid;
			union {
				int32_t status; /* SIGCHLD */
				uint64_t value; /* sigqueue's sigval */
			};
			int64_t utime, stime; /* SIGCHLD, in clock ticks */
		} proc;
		struct { /* POSIX timers */
			int32_t tid, overrun;
			uint64_t value;
		} timer;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		uint8_t raw[112];
	};
};
_Static_assert(sizeof(struct siginfo) == 128, "siginfo_t is 128 bytes");

/* struct sigaction as rt_sigaction takes it on x86_64. */
struct k_sigaction {
	uint64_t handler; /* SIG_DFL, SIG_IGN, or a user address */
	uint64_t flags;
	uint64_t restorer;
	sigset_t mask;
};

struct sigqueue {
	struct list_head link;
	struct siginfo info;
};

struct sighand {
	struct spinlock lock;
	int refcount;
	struct k_sigaction action[NSIG];
	unsigned int queued; /* sigqueue entries of the processes using it */
	struct wait_queue signalfd_wq; /* signalfd readers and pollers */
};

/* Per thread (struct task's sig points here; proc/signal.c owns it). */
struct task_signal {
	sigset_t blocked;
	sigset_t saved_mask; /* restored after sigsuspend's handler */
	sigset_t real_blocked; /* the mask sigtimedwait lifted for its wait */
	bool restore_saved;
	struct sigpending pending;
	uint64_t altstack_sp, altstack_size;
	uint32_t altstack_flags;
	bool zapped;  /* exec in another thread ends this one */
	bool forcing; /* a fault's signal is being sent (reaches PID 1 too) */
	/* restart_syscall: what to continue (nanosleep's deadline). */
	long (*restart_fn)(struct task *t);
	uint64_t restart_deadline;
	int restart_clock;
	uintptr_t restart_urem;
};

/*
 * ppoll, pselect6, epoll_pwait: block the set at uset (NULL: keep the
 * mask) for the wait, then put the old mask back unless the call was
 * interrupted (ret -ERESTARTNOHAND), when the handler's frame does.
 */
int signal_wait_mask_set(uintptr_t uset, size_t setsize);
void signal_wait_mask_done(long ret);

/* Sending. info may be NULL (SI_KERNEL is made up). 0 or -errno. */
int signal_send_proc(struct proc *p, int sig, const struct siginfo *info);
int signal_send_task(struct task *t, int sig, const struct siginfo *info);
/* A signal from a fault in the current thread: unblockable while run. */
void signal_force_fault(int sig, int code, uintptr_t addr);
/* SIGSEGV with its default action, whatever the handler (a bad frame). */
void signal_force_segv(void);
/* From the kernel (a terminal's ^C, SIGHUP, SIGWINCH): every member of
 * process group pgid, no permission check: 0, -ESRCH. */
int signal_send_pgrp(pid_t pgid, int sig);
/* kill(2) semantics for pid: >0, 0 (own group), -1 (all), <-1 (group). */
int signal_kill(pid_t pid, int sig, const struct siginfo *info);

/* Deliver what is pending for the current thread (user_return_work). */
struct trap_frame;
void signal_deliver(struct trap_frame *frame);

/* Free every queued entry of p (sighand locked). */
void signal_flush_pending(struct sighand *sh, struct sigpending *p);

/* Recompute the current thread's sigpending flag (after a mask change). */
void signal_recalc(struct task *t);

/* The thread's blocked mask (SIGKILL, SIGSTOP never), and its pending. */
void signal_set_blocked(struct task *t, sigset_t mask);
/* The alternate stack, as sigaltstack checks it: 0 or -errno. */
int signal_set_altstack(struct task *t, uint64_t sp, uint64_t size,
			uint32_t flags);

/* Set up a new process's / thread's signal state. */
void sighand_cache_init(void); /* at signal_init */
struct sighand *sighand_alloc(void);
struct sighand *sighand_copy(const struct sighand *from);
void sighand_put(struct sighand *sh);
int task_signal_init(struct task *t, sigset_t blocked);
void task_signal_free(struct task *t);
/* exec: handlers back to SIG_DFL but for ignored ones. */
void signal_exec_reset(struct proc *p);

/* Does the process catch, ignore or default sig? */
bool signal_ignored(struct proc *p, int sig);

/* The current thread's pending signals (for rt_sigpending). */
sigset_t signal_pending_set(struct task *t);

/*
 * Take a pending signal in set for the current thread (sigtimedwait):
 * the signal number with *info, or 0 if none.
 */
int signal_dequeue(struct task *t, sigset_t set, struct siginfo *info);

/* Stop/continue the whole process (default actions, SIGCONT). */
void signal_stop_self(int sig);

/* The architecture's signal frames (kernel/arch/x86_64/cpu/signal.c). */
int arch_signal_frame(struct trap_frame *frame, int sig,
		      const struct siginfo *info, const struct k_sigaction *act,
		      sigset_t old_blocked);
/*
 * A system call interrupted by a signal: its frame's return value is a
 * -ERESTART* code. Make it restart or fail with -EINTR, as a handler
 * (with or without SA_RESTART) running or not requires.
 */
void arch_syscall_restart(struct trap_frame *frame, bool handler,
			  bool sa_restart);

#endif
