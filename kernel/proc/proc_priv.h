/*
 * Shared by the files of kernel/proc/ only.
 */
#ifndef PROC_PRIV_H
#define PROC_PRIV_H

#include <kernel/proc.h>
#include <kernel/signal.h>

/* signal.c */
void signal_init(void);
uint64_t signal_default_queue_limit(void);
/* With the tree lock and p's sighand lock held: */
void pending_flush_all(struct proc *p, sigset_t which);
void signal_group_kill_locked(struct proc *p, int status);

/* stop.c: with the tree lock and p's sighand lock held. */
void proc_stop_locked(struct proc *p, int sig);
void proc_continue_locked(struct proc *p, bool report);
/*
 * With the tree lock only: send the parent of p SIGCHLD (code CLD_*, or
 * p's exit signal at exit) and wake its waiters; and send what a stop or
 * continue left in p->notify_code.
 */
void proc_notify_parent_locked(struct proc *p, int code, int status);
void proc_notify_flush_locked(struct proc *p);
/* Send with the tree lock and p's sighand lock held (target: a thread). */
int signal_send_locked(struct proc *p, struct task *target, int sig,
		       const struct siginfo *info);

/* pid.c (tree lock held) */
void pid_init(void);
void pid_unhash_task(struct task *t);
void pid_rehash_task(struct task *t);
void pid_hash_proc(struct proc *p);
void pid_unhash_proc(struct proc *p);

/* signal_state.c: a process never linked into the tree. */
void proc_discard(struct proc *p);

/* proc.c */
/* A zeroed process (no limits: the caller sets or copies them). */
struct proc *proc_alloc(void);
void proc_default_limits(struct rlimit64 *r);
void proc_add_thread_locked(struct proc *p, struct task *t);
void proc_unlink_locked(struct proc *p);

/* The wait status of an exit code, of a signal (with core dump). */
static inline int status_exited(int code)
{
	return (code & 0xff) << 8;
}

static inline int status_signaled(int sig, bool core)
{
	return (sig & 0x7f) | (core ? 0x80 : 0);
}

#endif
