/*
 * The terminal line discipline: what happens between a terminal device and
 * the programs reading and writing it (POSIX "General Terminal Interface",
 * with Linux's n_tty as the reference for details). Input processing
 * (ICRNL, ISTRIP...), signal characters, XON/XOFF output flow control,
 * canonical line editing with its echo, and output processing (OPOST).
 *
 * Pure code: no sleeping, no clock, no allocation and no locking. The tty
 * core owns a struct ldisc per terminal, holds that terminal's lock around
 * every call here, and does the rest itself: waking and putting readers and
 * writers to sleep, the VTIME timers, job control, the ioctls. Everything
 * going to the terminal (echo and processed output) leaves through
 * ops->output; the callbacks run with the caller's lock held, so they must
 * not call back into the line discipline.
 *
 * Built into the kernel and, unchanged, into tests/host/test_ldisc.c.
 */
#ifndef KERNEL_LDISC_H
#define KERNEL_LDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- termios */

/* The kernel's struct termios for TCGETS/TCSETS on x86_64 (36 bytes). */
#define NCCS 19

struct termios_k {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line; /* 0: N_TTY, the only discipline there is */
	uint8_t c_cc[NCCS];
};

/* c_cc indices. A c_cc entry of 0 (_POSIX_VDISABLE) disables its function. */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040
#define OFILL 0000100
#define OFDEL 0000200
#define TABDLY 0014000
#define TAB0 0000000
#define XTABS 0014000 /* TAB3: expand tabs to spaces */

/* c_cflag */
#define CBAUD 0010017
#define B0 0000000
#define B9600 0000015
#define B19200 0000016
#define B38400 0000017
#define B115200 0010002
#define CSIZE 0000060
#define CS7 0000040
#define CS8 0000060
#define CSTOPB 0000100
#define CREAD 0000200
#define PARENB 0000400
#define PARODD 0001000
#define HUPCL 0002000
#define CLOCAL 0004000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define FLUSHO 0010000
#define PENDIN 0040000
#define IEXTEN 0100000
#define EXTPROC 0200000

/* TCFLSH's argument, and TCXONC's (tcflow). */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* The signals ops->signal is given: Linux x86_64's numbers. */
#define LDISC_SIGINT 2
#define LDISC_SIGQUIT 3
#define LDISC_SIGTSTP 20

/*
 * Fill *t with Linux's settings for a new terminal (a pty's, what `stty -a`
 * shows): icrnl ixon, opost onlcr, cs8 cread B38400, isig icanon iexten
 * echo echoe echok echoctl echoke; ^C ^\ ^? ^U ^D ^Q ^S ^Z ^R ^O ^W ^V,
 * VMIN 1, VTIME 0. A serial or virtual console driver may add HUPCL and
 * its own speed.
 */
void ldisc_default_termios(struct termios_k *t);

/* ---------------------------------------------------------------- state */

/* The input buffer, Linux's N_TTY_BUF_SIZE; a canonical line is at most
 * LDISC_BUF_SIZE - 1 characters and its end. */
#define LDISC_BUF_SIZE 4096
/* Echo held back while output is stopped (^S); more is dropped. */
#define LDISC_ECHO_SIZE 512

/* What the line discipline calls back; output and signal are required. */
struct ldisc_ops {
	/* Bytes to send to the terminal (echo, or output after processing). */
	void (*output)(void *ctx, const char *buf, size_t n);
	/* A signal for the foreground process group (LDISC_SIG*). */
	void (*signal)(void *ctx, int sig);
	/* Output stopped or started (IXON: ^S / ^Q, or TCOOFF), optional:
	 * writers waiting in ldisc_output wait for stopped == false. */
	void (*flow)(void *ctx, bool stopped);
	/* Drop output queued in the driver but not yet sent (a signal
	 * character without NOFLSH, TCOFLUSH), optional. */
	void (*flush_output)(void *ctx);
};

/*
 * One terminal's line discipline, allocated by the caller (about 5 KiB).
 * The caller may read termios; everything else is private to ldisc*.c.
 *
 * The input buffer is a ring indexed by counters that only grow (masked
 * when used): bytes [read_tail, read_head) are held; in canonical mode
 * [read_tail, canon_head) are completed lines, each ending at a byte whose
 * bit is set in line_end, and [canon_head, read_head) is the line being
 * edited. An end-of-file (VEOF) is stored as a line end holding a 0 byte
 * that reads never return, as Linux does.
 */
struct ldisc {
	struct termios_k termios;
	const struct ldisc_ops *ops;
	void *ctx;

	uint8_t buf[LDISC_BUF_SIZE];
	uint8_t line_end[LDISC_BUF_SIZE / 8];
	size_t read_tail, canon_head, read_head;
	bool lnext; /* the next character is taken literally (VLNEXT) */

	/* Output: the terminal's column as far as we know (for erasing a
	 * tab), and where the line being edited began on screen; both as
	 * they were when echo_buf was last sent, for when it is dropped. */
	unsigned column, canon_column;
	unsigned sent_column, sent_canon_column;
	bool stopped;	  /* output stopped: by VSTOP or TCOOFF */
	bool tco_stopped; /* by TCOOFF: VSTART and IXANY do not restart */
	uint8_t echo_buf[LDISC_ECHO_SIZE];
	size_t echo_len;
};

/* ---------------------------------------------------------------- calls */

/* Set up l with the default termios, empty and not stopped. */
void ldisc_init(struct ldisc *l, const struct ldisc_ops *ops, void *ctx);

/*
 * Change the settings (TCSETS*; TCSETSW's drain and TCSETSF's flush are
 * the caller's, before this). Leaving canonical mode makes everything
 * buffered readable at once, the partial line included (and a pending
 * end-of-file as a 0 byte); entering it makes what was buffered one
 * completed line, readable as it is (Linux pushes it rather than keep it
 * as the start of the next line). Clearing IXON restarts stopped output.
 * The caller should then wake readers and writers: either may now proceed.
 */
void ldisc_set_termios(struct ldisc *l, const struct termios_k *t);

/*
 * Input from the device: process n bytes in order (echoing, signalling,
 * editing). Returns how many were taken: fewer than n only when the input
 * buffer is full, in which case the rest waits for a reader (a pty master
 * writer sleeps and retries; a keyboard or UART may drop it). Exception,
 * as in Linux: in canonical mode, a line that alone fills the buffer drops
 * further ordinary characters (taken, not stored, not echoed) but still
 * accepts its end, so that it can always be finished.
 */
size_t ldisc_receive(struct ldisc *l, const char *buf, size_t n);

/*
 * Would a read take something now (poll's POLLIN)? Canonical: a completed
 * line, or an end-of-file, is waiting. Otherwise: any byte.
 */
bool ldisc_can_read(const struct ldisc *l);

/*
 * Bytes a read with a large buffer would return now: canonical, the first
 * completed line with its end (an end-of-file is not counted: a line ended
 * by ^D gives its bytes only, a bare ^D gives 0, see ldisc_eof_pending);
 * otherwise all buffered bytes.
 */
size_t ldisc_readable(const struct ldisc *l);

/* Canonical mode: is the next thing to read an end-of-file (a read returns
 * 0 now, consuming it)? */
bool ldisc_eof_pending(const struct ldisc *l);

/*
 * Take up to n bytes, as read(2) on a terminal does. Canonical: at most one
 * line; a line's end-of-file is consumed, never returned, so a read at a
 * bare ^D returns 0 having taken it; a line longer than n is returned over
 * several reads. Otherwise: all that is buffered, up to n. Takes nothing
 * when n is 0. VMIN and VTIME are the caller's; its read(2), lock held
 * around each call here:
 *
 *	if (canonical) {
 *		sleep until ldisc_can_read(l);
 *		return ldisc_read(l, buf, want);	// 0: end of file
 *	}
 *	got = ldisc_read(l, buf, want);
 *	while (!ldisc_read_satisfied(l, got, want)) {
 *		sleep until input comes, with a timer of
 *		ldisc_read_timeout(l, got) tenths of a second if that is not 0,
 *		re-armed whenever got grows; when it expires, break;
 *		got += ldisc_read(l, buf + got, want - got);
 *	}
 *	return got;
 */
size_t ldisc_read(struct ldisc *l, char *buf, size_t n);

/*
 * Non-canonical reads (POSIX 11.1.7): has a read that took got of want
 * bytes finished? VMIN > 0: got >= min(VMIN, want). VMIN == 0: got > 0, or
 * at once if VTIME is 0 too. Always true in canonical mode, where a read is
 * one ldisc_read once ldisc_can_read.
 */
bool ldisc_read_satisfied(const struct ldisc *l, size_t got, size_t want);

/*
 * The timer for the wait after got bytes, in tenths of a second; 0 for
 * none (wait for input however long it takes). VMIN > 0 and VTIME > 0:
 * none for the first byte, then VTIME between bytes. VMIN == 0: VTIME for
 * the whole read.
 */
unsigned ldisc_read_timeout(const struct ldisc *l, size_t got);

/*
 * Output for write(2): with OPOST, processed (ONLCR, OCRNL, ONOCR, ONLRET,
 * OLCUC, XTABS) and tracked for the column; passed to ops->output. Returns
 * n, or 0 while output is stopped: the writer then waits for ops->flow to
 * say it started (and calls again).
 */
size_t ldisc_output(struct ldisc *l, const char *buf, size_t n);

/* Is output stopped (VSTOP, TCOOFF)? */
bool ldisc_output_stopped(const struct ldisc *l);

/*
 * TCFLSH: TCIFLUSH drops all input, TCOFLUSH echo held by ^S (Linux keeps
 * it) and, through ops->flush_output, the driver's queued output;
 * TCIOFLUSH both. 0, or -EINVAL for another value.
 */
int ldisc_flush(struct ldisc *l, int which);

/*
 * TCXONC (tcflow): TCOOFF/TCOON stop and restart output (only TCOON
 * undoes TCOOFF, and TCOON nothing else; it also sends echo held
 * meanwhile, which Linux leaves for the next echo); TCIOFF/TCION send
 * VSTOP/VSTART to the terminal at once, stopped or not. 0, or -EINVAL for
 * another value.
 */
int ldisc_flow_control(struct ldisc *l, int action);

/*
 * FIONREAD/TIOCINQ, as Linux reports it: canonical, the bytes of all
 * completed lines (ends of file not counted); otherwise all buffered bytes.
 */
size_t ldisc_input_bytes(const struct ldisc *l);

#endif
