/*
 * The tty core's own (kernel/drivers/tty/tty*.c, pty.c): struct tty and
 * what its files share.
 *
 * Locking. tty->lock (a spinlock, interrupts off: input comes from
 * interrupt handlers) guards the line discipline, the output ring and
 * the flags. The discipline's callbacks run under it, so they only
 * record: echo and output go into the ring (xmit) and signals into
 * pending_sigs; whoever unlocks then sends the ring to the device
 * (tty_flush) and the signals to the foreground group (tty_deliver),
 * lock-free of the tty, since a device may answer into tty_receive.
 * Writers take write_lock (a mutex) around a whole write(2), so their
 * output is not interleaved. session and pgrp change under the
 * process tree lock and are read as single words.
 */
#ifndef TTY_PRIV_H
#define TTY_PRIV_H

#include <kernel/fs.h>
#include <kernel/ldisc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/tty.h>

#define TTY_XMIT_SIZE 4096 /* a power of two */
#define TTY_NAME_MAX 16

struct winsize_k {
	uint16_t rows, cols, xpixel, ypixel;
};

struct tty {
	struct spinlock lock;
	struct ldisc ld;
	const struct tty_ops *ops;
	void *driver_data;
	char name[TTY_NAME_MAX];
	uint32_t dev;
	int refcount; /* atomic: files, controlling sessions, the driver */

	char xmit[TTY_XMIT_SIZE];
	uint64_t xhead, xtail; /* counters; [xtail, xhead) to send */
	bool flushing;	       /* one sender at a time */
	unsigned int pending_sigs;

	struct wait_queue read_wq, write_wq;
	struct mutex write_lock;
	struct winsize_k ws;
	int opens;	     /* open files (tty->lock) */
	bool hung_up;	     /* reads see EOF, writes EIO */
	pid_t session;	     /* the session it controls; 0: none */
	pid_t pgrp;	     /* its foreground process group */
	bool pty_locked;     /* a pts: unlocked by TIOCSPTLCK 0 (pty.c) */
	bool other_closed;   /* a pty master whose slave has no opens */
	bool is_master;	     /* a pty master: ioctls act on link, the slave */
	struct tty *link;    /* a pty's other side */
	int index;	     /* a pts's number */
	struct inode *inode; /* for the kernel's own opens (tty_open_file) */
};

/* tty.c */
void tty_get(struct tty *tty);
void tty_put(struct tty *tty);
void tty_flush(struct tty *tty);
void tty_deliver(struct tty *tty);
extern const struct file_ops tty_fops;
/* Open f on tty (the device's open at the first): 0 or -errno. */
int tty_attach_file(struct tty *tty, struct file *f);

/* tty_ioctl.c */
long tty_ioctl(struct file *f, unsigned int cmd, uintptr_t arg);

/* tty_job.c: job control. */
/* May the current process read (SIGTTIN) or write/configure (SIGTTOU)
 * tty now? 0, -EIO, or -ERESTARTSYS with the signal sent to its group. */
int tty_job_check(struct tty *tty, int sig);
/* An open without O_NOCTTY by a session leader with no terminal. */
void tty_open_ctty(struct tty *tty, struct file *f);
int tty_set_ctty(struct tty *tty, int steal);
int tty_drop_ctty(struct tty *tty);
int tty_set_pgrp(struct tty *tty, uintptr_t upgrp);
/* TIOCGPGRP, TIOCGSID of tty (through its pty master: master true). */
int tty_get_pgrp(struct tty *tty, uintptr_t upgrp, bool sid, bool master);
/* The current process's controlling terminal, referenced, or NULL. */
struct tty *tty_current_ctty(void);
/* Hang up: SIGHUP (and SIGCONT) to the session, the terminal freed. */
void tty_hangup_session(struct tty *tty);

/* pty.c, tty_devices.c */
void pty_init(void);
void tty_devices_init(void);
/* The tty of a device number (its files' open): referenced, or NULL. */
struct tty *tty_lookup(uint32_t dev, int *err);

#endif
