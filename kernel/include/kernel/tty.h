/*
 * Terminals (kernel/drivers/tty/): the tty core between devices (the
 * serial port, the virtual terminals on the screen, pseudo-terminals)
 * and the processes that read and write them, with the line discipline
 * (<kernel/ldisc.h>) in between, and job control: a session's
 * controlling terminal, its foreground process group, SIGINT/SIGQUIT/
 * SIGTSTP from the keyboard, SIGTTIN/SIGTTOU for background access,
 * SIGHUP at hangup, SIGWINCH at a size change.
 *
 * A device driver makes a struct tty with its operations, feeds received
 * bytes to tty_receive (from an interrupt handler too) and is called to
 * send bytes (ops->write) outside the tty's lock, so that it may call
 * back into tty_receive (a terminal's answer to a query).
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tty;
struct proc;
struct file;

struct tty_ops {
	/* Send bytes to the device (never called with the tty locked): how
	 * many it took; fewer when full (it calls tty_write_wakeup later). */
	size_t (*write)(struct tty *tty, const char *buf, size_t n);
	/* The window size the device has, if it knows (VTs): 0 or -errno. */
	int (*size)(struct tty *tty, unsigned int *rows, unsigned int *cols);
	/* The driver's own ioctls (VT_ACTIVATE, TIOCGPTN...); -ENOTTY. */
	long (*ioctl)(struct tty *tty, unsigned int cmd, uintptr_t arg);
	/* First open / last close of the device (pty: the other side). */
	int (*open)(struct tty *tty);
	void (*close)(struct tty *tty);
};

/* A new terminal named name ("ttyS0", "pts/3") for device number dev. */
struct tty *tty_create(const char *name, uint32_t dev,
		       const struct tty_ops *ops, void *driver_data);
void tty_destroy(struct tty *tty);
void *tty_driver_data(struct tty *tty);
const char *tty_name(const struct tty *tty);
uint32_t tty_dev(const struct tty *tty);

/* Bytes from the device (any context): the line discipline takes them;
 * returns how many (fewer only when its buffer is full). */
size_t tty_receive(struct tty *tty, const char *buf, size_t n);
/* Can the device take more output now (flow control for pty masters)? */
void tty_write_wakeup(struct tty *tty);
/* The device went away (modem hangup, a pty master's last close). */
void tty_hangup(struct tty *tty);

/* An open file of tty (the kernel's own opens: init's console). */
struct file *tty_open_file(struct tty *tty, unsigned int flags);

/* The console (/dev/console, and init's descriptors 0, 1, 2). */
struct file *tty_console_open(void);

/* ---- for the process code ---------------------------------------------- */

/* p's controlling terminal as a fork inherits it (NULL: none). */
void tty_fork(struct proc *child, struct proc *parent);
/* p leaves its session (setsid) or exits: let go of the terminal; a
 * session leader's exit hangs its terminal up for the session. */
void tty_detach(struct proc *p, bool leader_exit);
/* The device number of p's controlling terminal (/proc/PID/stat), 0. */
uint32_t tty_of_proc(const struct proc *p);
/* Its foreground process group, or -1 without a terminal (tpgid). */
int tty_fg_of_proc(const struct proc *p);

/* Start the terminals: devices, /dev nodes, the console. */
void tty_init(void);

#endif
