/*
 * Input from the terminal (<kernel/ldisc.h>): each byte in the order
 * Linux's n_tty tries them. A character taken literally after VLNEXT is
 * only stored; otherwise output flow control (IXON), then the signal
 * characters (ISIG), then the CR/NL mapping, then the characters special
 * in canonical mode (editing, line ends), and last an ordinary character,
 * stored and echoed. Erasing is in ldisc_erase.c, echo in ldisc_output.c.
 *
 * Echo collects in the echo buffer while a call runs and goes out at its
 * end, so a signal character flushing output also drops the echo of what
 * came with it in the same call: Linux does the same (a pty master writing
 * "ab^C" sees "^C" only).
 */
#include <kernel/ldisc.h>

#include "ldisc_priv.h"

/* Whether a character can be stored now. */
enum room {
	ROOM_STORE, /* yes */
	ROOM_DROP,  /* no, and it is lost: an overlong canonical line */
	ROOM_FULL,  /* no, it has to wait for a read */
};

/* What a special character did. */
enum result {
	R_ORDINARY, /* it is not special: store it */
	R_TAKEN,    /* it was handled */
	R_FULL,	    /* it needs room there is not */
};

/*
 * Linux keeps one place free in the ring; a canonical line that alone
 * fills the rest may still take its end there, and drops anything else,
 * so that it can always be finished.
 */
static enum room room_for(const struct ldisc *l, bool ends_line)
{
	size_t used = l->read_head - l->read_tail;

	if (used < LDISC_BUF_SIZE - 1)
		return ROOM_STORE;
	if (!canonical(l) || l->canon_head != l->read_tail)
		return ROOM_FULL;
	return ends_line && used < LDISC_BUF_SIZE ? ROOM_STORE : ROOM_DROP;
}

/* Store an ordinary character and echo it; false if it must wait. */
static bool store_char(struct ldisc *l, uint8_t c, bool nl_from_cr)
{
	enum room room = room_for(l, false);

	if (room != ROOM_STORE)
		return room == ROOM_DROP;
	if (lflag(l, ECHO)) {
		/* CR mapped to NL moves to a new line; a typed ^J shows. */
		if (nl_from_cr) {
			ldisc_echo_raw(l, '\n');
		} else {
			if (canonical(l) && l->canon_head == l->read_head)
				l->canon_column = l->column;
			ldisc_echo_char(l, c);
		}
	}
	ldisc_put(l, c, false);
	return true;
}

/* IXANY: any character but the flow and signal ones restarts output. */
static void ixany_restart(struct ldisc *l)
{
	if (l->stopped && iflag(l, IXON) && iflag(l, IXANY)) {
		ldisc_start(l);
		ldisc_echo_flush(l);
	}
}

/* VSTART sends the echo so far, even when output was not stopped. */
static bool flow_char(struct ldisc *l, uint8_t c)
{
	if (is_cc(l, VSTART, c)) {
		ldisc_start(l);
		ldisc_echo_flush(l);
		return true;
	}
	if (is_cc(l, VSTOP, c)) {
		ldisc_stop(l);
		return true;
	}
	return false;
}

/* VINTR, VQUIT, VSUSP: signal, flush unless NOFLSH, restart, echo. */
static bool signal_char(struct ldisc *l, uint8_t c)
{
	int sig;

	if (is_cc(l, VINTR, c))
		sig = LDISC_SIGINT;
	else if (is_cc(l, VQUIT, c))
		sig = LDISC_SIGQUIT;
	else if (is_cc(l, VSUSP, c))
		sig = LDISC_SIGTSTP;
	else
		return false;
	l->ops->signal(l->ctx, sig);
	if (!lflag(l, NOFLSH)) {
		ldisc_echo_discard(l);
		if (l->ops->flush_output)
			l->ops->flush_output(l->ctx);
		ldisc_reset_input(l);
	}
	if (iflag(l, IXON))
		ldisc_start(l);
	/* No newline after ^C: the shell prints its own. */
	if (lflag(l, ECHO))
		ldisc_echo_char(l, c);
	else
		ldisc_echo_flush(l);
	return true;
}

/* '\n', VEOF, VEOL, VEOL2: complete the line. VEOF is not echoed. */
static enum result end_line(struct ldisc *l, uint8_t c)
{
	if (room_for(l, true) != ROOM_STORE)
		return R_FULL;
	if (c == '\n') {
		if (lflag(l, ECHO) || lflag(l, ECHONL))
			ldisc_echo_raw(l, '\n');
	} else if (is_cc(l, VEOF, c)) {
		c = 0; /* the end-of-file mark */
	} else if (lflag(l, ECHO)) {
		if (l->canon_head == l->read_head)
			l->canon_column = l->column;
		ldisc_echo_char(l, c);
	}
	ldisc_put(l, c, true);
	return R_TAKEN;
}

/* VREPRINT: show ^R, then the line being edited on a new line. */
static void reprint(struct ldisc *l, uint8_t c)
{
	ldisc_echo_char(l, c);
	ldisc_echo_raw(l, '\n');
	for (size_t i = l->canon_head; i != l->read_head; i++)
		ldisc_echo_char(l, ring_at(l, i));
}

static enum result canon_char(struct ldisc *l, uint8_t c)
{
	bool iexten = lflag(l, IEXTEN);

	if (is_cc(l, VERASE, c) || is_cc(l, VKILL, c) ||
	    (iexten && is_cc(l, VWERASE, c))) {
		ldisc_erase(l, c);
		return R_TAKEN;
	}
	if (iexten && is_cc(l, VLNEXT, c)) {
		/* "^" under the cursor until the next character covers it */
		l->lnext = true;
		if (lflag(l, ECHO) && lflag(l, ECHOCTL)) {
			ldisc_echo_raw(l, '^');
			ldisc_echo_raw(l, '\b');
		}
		return R_TAKEN;
	}
	if (iexten && lflag(l, ECHO) && is_cc(l, VREPRINT, c)) {
		reprint(l, c);
		return R_TAKEN;
	}
	if (c == '\n' || is_cc(l, VEOF, c) || is_cc(l, VEOL, c) ||
	    (iexten && is_cc(l, VEOL2, c)))
		return end_line(l, c);
	return R_ORDINARY;
}

/* One byte from the terminal; false if it has to wait for room. */
static bool receive_char(struct ldisc *l, uint8_t c)
{
	bool nl_from_cr = false;

	if (iflag(l, ISTRIP))
		c &= 0x7f;
	if (iflag(l, IUCLC) && lflag(l, IEXTEN) && is_upper(c))
		c += 0x20;
	if (l->lnext) {
		ixany_restart(l);
		if (!store_char(l, c, false))
			return false;
		l->lnext = false;
		return true;
	}
	if (iflag(l, IXON) && flow_char(l, c))
		return true;
	if (lflag(l, ISIG) && signal_char(l, c))
		return true;
	ixany_restart(l);
	if (c == '\r') {
		if (iflag(l, IGNCR))
			return true;
		nl_from_cr = iflag(l, ICRNL);
		c = nl_from_cr ? '\n' : c;
	} else if (c == '\n' && iflag(l, INLCR)) {
		c = '\r';
	}
	enum result r = canonical(l) ? canon_char(l, c) : R_ORDINARY;
	if (r != R_ORDINARY)
		return r == R_TAKEN;
	return store_char(l, c, nl_from_cr);
}

size_t ldisc_receive(struct ldisc *l, const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n && receive_char(l, (uint8_t)buf[i]))
		i++;
	ldisc_echo_flush(l);
	return i;
}
