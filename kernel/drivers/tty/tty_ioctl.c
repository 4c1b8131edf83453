/*
 * Terminal ioctls (tty_ioctl(4), termios(3)): the settings (TCGETS and
 * TCSETS*, and the old struct termio ones), the window size, the
 * controlling terminal and foreground group, flushing and flow control,
 * queue sizes, TIOCSTI. A driver's own (a pty master's TIOCGPTN, the
 * VTs' VT_ACTIVATE...) go to its ops->ioctl. On a pty master the job
 * control and settings calls act on the slave, as on Linux.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "tty_priv.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCGETA 0x5405
#define TCSETA 0x5406
#define TCSETAW 0x5407
#define TCSETAF 0x5408
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCEXCL 0x540c
#define TIOCNXCL 0x540d
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCSETD 0x5423
#define TIOCGETD 0x5424
#define TCSBRKP 0x5425
#define TIOCSBRK 0x5427
#define TIOCCBRK 0x5428
#define TIOCGSID 0x5429
#define TIOCGDEV 0x80045432
#define TIOCVHANGUP 0x5437

/* struct termio: the System V form, short flags and 8 control chars. */
struct termio_k {
	uint16_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[8];
};

static struct termios_k get_termios(struct tty *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	struct termios_k t = tty->ld.termios;

	spin_unlock_irqrestore(&tty->lock, flags);
	return t;
}

/* Wait until what was written has gone to the device (TCSETSW, drain). */
static int drain(struct tty *tty)
{
	for (int i = 0; i < 1000; i++) {
		if (tty->xhead == tty->xtail)
			return 0;
		tty_flush(tty);
		if (sched_signal_pending())
			return -ERESTARTSYS;
		schedule_timeout(1000000);
	}
	return 0; /* a stuck device: give up waiting, as a timeout would */
}

static int set_termios(struct tty *tty, const struct termios_k *t, int how)
{
	unsigned long flags;
	int err = tty_job_check(tty, SIGTTOU);

	if (err)
		return err;
	if (how != TCSETS) {
		err = drain(tty);
		if (err)
			return err;
	}
	flags = spin_lock_irqsave(&tty->lock);
	if (how == TCSETSF)
		ldisc_flush(&tty->ld, TCIFLUSH);
	ldisc_set_termios(&tty->ld, t);
	spin_unlock_irqrestore(&tty->lock, flags);
	/* A mode change may make input readable or output go again. */
	wake_up_all(&tty->read_wq);
	wake_up_all(&tty->write_wq);
	tty_flush(tty);
	return 0;
}

static long termios_ioctl(struct tty *tty, unsigned int cmd, uintptr_t arg)
{
	struct termios_k t = get_termios(tty);
	struct termio_k o;

	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &t, sizeof(t)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		return set_termios(tty, &t, (int)cmd);
	case TCGETA:
		o = (struct termio_k){.c_iflag = (uint16_t)t.c_iflag,
				      .c_oflag = (uint16_t)t.c_oflag,
				      .c_cflag = (uint16_t)t.c_cflag,
				      .c_lflag = (uint16_t)t.c_lflag,
				      .c_line = t.c_line};
		memcpy(o.c_cc, t.c_cc, sizeof(o.c_cc));
		return copy_to_user(arg, &o, sizeof(o)) ? -EFAULT : 0;
	default: /* TCSETA, TCSETAW, TCSETAF: the low 16 bits change */
		if (copy_from_user(&o, arg, sizeof(o)))
			return -EFAULT;
		t.c_iflag = (t.c_iflag & 0xffff0000u) | o.c_iflag;
		t.c_oflag = (t.c_oflag & 0xffff0000u) | o.c_oflag;
		t.c_cflag = (t.c_cflag & 0xffff0000u) | o.c_cflag;
		t.c_lflag = (t.c_lflag & 0xffff0000u) | o.c_lflag;
		t.c_line = o.c_line;
		memcpy(t.c_cc, o.c_cc, sizeof(o.c_cc));
		return set_termios(tty, &t, (int)(cmd - TCSETA + TCSETS));
	}
}

static long set_winsize(struct tty *tty, uintptr_t arg)
{
	struct winsize_k ws;
	unsigned long flags;
	bool changed;
	pid_t fg;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	flags = spin_lock_irqsave(&tty->lock);
	changed = memcmp(&ws, &tty->ws, sizeof(ws)) != 0;
	tty->ws = ws;
	fg = tty->pgrp;
	spin_unlock_irqrestore(&tty->lock, flags);
	if (changed && fg > 0)
		signal_send_pgrp(fg, SIGWINCH);
	return 0;
}

static long get_winsize(struct tty *tty, uintptr_t arg)
{
	struct winsize_k ws = tty->ws;
	unsigned int rows, cols;

	/* A screen knows its size; the others say what they were told. */
	if (!ws.rows && tty->ops->size && !tty->ops->size(tty, &rows, &cols)) {
		ws.rows = (uint16_t)rows;
		ws.cols = (uint16_t)cols;
	}
	return copy_to_user(arg, &ws, sizeof(ws)) ? -EFAULT : 0;
}

static long flush_ioctl(struct tty *tty, unsigned int cmd, uintptr_t arg)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	int err = cmd == TCFLSH ? ldisc_flush(&tty->ld, (int)arg)
				: ldisc_flow_control(&tty->ld, (int)arg);

	if (!err && cmd == TCFLSH && (arg == TCOFLUSH || arg == TCIOFLUSH))
		tty->xtail = tty->xhead;
	spin_unlock_irqrestore(&tty->lock, flags);
	wake_up_all(&tty->write_wq);
	tty_flush(tty);
	return err;
}

static long queue_ioctl(struct tty *tty, unsigned int cmd, uintptr_t arg)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	int n = cmd == FIONREAD ? (int)ldisc_input_bytes(&tty->ld)
				: (int)(tty->xhead - tty->xtail);

	spin_unlock_irqrestore(&tty->lock, flags);
	return put_user(n, arg);
}

/* TIOCSTI: type a byte, on one's own terminal (or as root). */
static long simulate_input(struct tty *tty, uintptr_t arg)
{
	char c;

	if (current_proc()->tty != tty && current_proc()->cred.euid != 0)
		return -EPERM;
	if (get_user(c, arg))
		return -EFAULT;
	tty_receive(tty, &c, 1);
	return 0;
}

long tty_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct tty *tty = f->priv;
	struct tty *real = tty->is_master ? tty->link : tty;

	switch (cmd) {
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCGETA:
	case TCSETA:
	case TCSETAW:
	case TCSETAF:
		return termios_ioctl(real, cmd, arg);
	case TIOCGWINSZ:
		return get_winsize(real, arg);
	case TIOCSWINSZ:
		return set_winsize(real, arg);
	case TIOCSCTTY: /* on a master: its slave, as Linux does */
		return tty_set_ctty(real, (int)arg);
	case TIOCNOTTY:
		return tty->is_master ? -ENOTTY : tty_drop_ctty(tty);
	case TIOCGPGRP:
	case TIOCGSID:
		return tty_get_pgrp(real, arg, cmd == TIOCGSID, tty->is_master);
	case TIOCSPGRP:
		return tty_set_pgrp(real, arg);
	case TCFLSH:
	case TCXONC:
		return flush_ioctl(tty, cmd, arg);
	case FIONREAD:
	case TIOCOUTQ:
		return queue_ioctl(tty, cmd, arg);
	case TIOCSTI:
		return simulate_input(tty, arg);
	case TCSBRK:
	case TCSBRKP:
		return drain(tty);
	case TIOCSBRK:
	case TIOCCBRK:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	case TIOCGETD:
		return put_user((int)0, arg); /* N_TTY */
	case TIOCSETD: {
		int ld;

		if (get_user(ld, arg))
			return -EFAULT;
		return ld == 0 ? 0 : -EINVAL;
	}
	case TIOCGDEV:
		return put_user((uint32_t)real->dev, arg);
	case TIOCVHANGUP:
		if (current_proc()->cred.euid != 0)
			return -EPERM;
		tty_hangup(real);
		return 0;
	default:
		return tty->ops->ioctl ? tty->ops->ioctl(tty, cmd, arg)
				       : -ENOTTY;
	}
}
