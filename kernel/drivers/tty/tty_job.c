/*
 * Controlling terminals and job control, as POSIX and Linux have them.
 *
 * A session leader that opens a terminal no session controls (without
 * O_NOCTTY), or asks with TIOCSCTTY, makes it its session's controlling
 * terminal; children inherit it (tty_fork), setsid and TIOCNOTTY let go.
 * The terminal's foreground process group (TIOCSPGRP) gets the
 * keyboard's signals and may read; a background one that reads gets
 * SIGTTIN, one that writes with TOSTOP or changes the settings gets
 * SIGTTOU (or EIO for a read when it cannot be stopped: the signal
 * ignored or blocked, the group orphaned).
 *
 * When the session leader exits its foreground group gets SIGHUP and the
 * session loses the terminal; when the terminal hangs up (a pty's master
 * closed) the session leader gets SIGHUP and SIGCONT.
 *
 * Locking: proc_tree_lock over p->tty, tty->session and tty->pgrp.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>

#include "tty_priv.h"

static bool ignored_or_blocked(int sig)
{
	return (current_task()->sig->blocked & sig_bit(sig)) ||
	       signal_ignored(current_proc(), sig);
}

int tty_job_check(struct tty *tty, int sig)
{
	struct proc *p = current_proc();
	unsigned long flags;
	bool orphaned;
	pid_t pgid;

	if (!p || p->tty != tty || !tty->pgrp || p->pgid == tty->pgrp)
		return 0;
	if (ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	flags = spin_lock_irqsave(&proc_tree_lock);
	pgid = p->pgid;
	orphaned = pgrp_orphaned_locked(pgid);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (orphaned)
		return -EIO;
	signal_send_pgrp(pgid, sig);
	return -ERESTARTSYS;
}

/* Make tty p's controlling terminal (tree lock held). */
static void attach_locked(struct proc *p, struct tty *tty)
{
	tty_get(tty);
	p->tty = tty;
	tty->session = p->sid;
	tty->pgrp = p->pgid;
}

void tty_open_ctty(struct tty *tty, struct file *f)
{
	struct proc *p = current_proc();
	unsigned long flags;

	if ((f->flags & O_NOCTTY) || !p)
		return;
	flags = spin_lock_irqsave(&proc_tree_lock);
	if (p->pid == p->sid && !p->tty && !tty->session)
		attach_locked(p, tty);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

/* Every process of session sid with tty loses it (tree lock held). */
static void session_clear_locked(pid_t sid, struct tty *tty)
{
	struct proc *q;

	list_for_each_entry(q, &proc_all, all_link)
	{
		if (q->sid == sid && q->tty == tty) {
			q->tty = NULL;
			tty_put(tty);
		}
	}
	tty->session = 0;
	tty->pgrp = 0;
}

int tty_set_ctty(struct tty *tty, int steal)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	int err = 0;

	if (p->pid == p->sid && tty->session == p->sid)
		goto out; /* already ours */
	if (p->pid != p->sid || p->tty) {
		err = -EPERM;
		goto out;
	}
	if (tty->session) {
		if (steal != 1 || p->cred.euid != 0) {
			err = -EPERM;
			goto out;
		}
		session_clear_locked(tty->session, tty);
	}
	attach_locked(p, tty);
out:
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

int tty_drop_ctty(struct tty *tty)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	pid_t fg = tty->pgrp;
	bool leader = p->pid == p->sid;

	if (p->tty != tty) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return -ENOTTY;
	}
	if (leader) {
		session_clear_locked(p->sid, tty);
	} else {
		p->tty = NULL;
		tty_put(tty);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (leader && fg > 0) {
		signal_send_pgrp(fg, SIGHUP);
		signal_send_pgrp(fg, SIGCONT);
	}
	return 0;
}

/* Is there a process group pgid, and in session sid? (tree lock held) */
static int pgrp_in_session_locked(pid_t pgid, pid_t sid)
{
	struct proc *q;
	int err = -ESRCH;

	list_for_each_entry(q, &proc_all, all_link)
	{
		if (q->pgid != pgid || q->state == PROC_DEAD)
			continue;
		if (q->sid == sid)
			return 0;
		err = -EPERM;
	}
	return err;
}

int tty_set_pgrp(struct tty *tty, uintptr_t upgrp)
{
	struct proc *p = current_proc();
	unsigned long flags;
	int32_t pgrp;
	int err;

	if (p->tty != tty || tty->session != p->sid)
		return -ENOTTY;
	err = tty_job_check(tty, SIGTTOU);
	if (err)
		return err;
	if (get_user(pgrp, upgrp))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	err = pgrp_in_session_locked(pgrp, p->sid);
	if (!err)
		tty->pgrp = pgrp;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

int tty_get_pgrp(struct tty *tty, uintptr_t upgrp, bool sid, bool master)
{
	struct proc *p = current_proc();
	int32_t v;

	/* A pty master may ask about its slave; others only their own. */
	if (!master && p->tty != tty)
		return -ENOTTY;
	v = sid ? tty->session : tty->pgrp;
	if (sid && !v)
		return -ENOTTY;
	return put_user(v, upgrp);
}

struct tty *tty_current_ctty(void)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct tty *tty = p ? p->tty : NULL;

	if (tty)
		tty_get(tty);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return tty;
}

void tty_hangup_session(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	pid_t sid = tty->session;

	if (sid)
		session_clear_locked(sid, tty);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (sid > 0) { /* the leader's process group has the leader's pid */
		signal_send_pgrp(sid, SIGHUP);
		signal_send_pgrp(sid, SIGCONT);
	}
}

void tty_fork(struct proc *child, struct proc *parent)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	child->tty = parent->tty;
	if (child->tty)
		tty_get(child->tty);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

void tty_detach(struct proc *p, bool leader_exit)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct tty *tty = p->tty;
	pid_t fg = 0;

	if (tty && leader_exit && p->pid == p->sid && tty->session == p->sid) {
		fg = tty->pgrp;
		session_clear_locked(p->sid, tty);
	} else if (tty) {
		p->tty = NULL;
		tty_put(tty);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (fg > 0)
		signal_send_pgrp(fg, SIGHUP);
}

uint32_t tty_of_proc(const struct proc *p)
{
	struct tty *tty = __atomic_load_n(&p->tty, __ATOMIC_ACQUIRE);

	return tty ? tty->dev : 0;
}

int tty_fg_of_proc(const struct proc *p)
{
	struct tty *tty = __atomic_load_n(&p->tty, __ATOMIC_ACQUIRE);

	return tty ? tty->pgrp : -1;
}
