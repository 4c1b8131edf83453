/*
 * The line discipline's state (<kernel/ldisc.h>): setting it up, changing
 * modes, the input ring and what reads take from it, flushing and output
 * flow control. Input processing is in ldisc_input.c and ldisc_erase.c,
 * output and echo in ldisc_output.c.
 *
 * A canonical read finds its line's end by the line_end bit rather than by
 * the byte: a literal ^V^J or a NUL is data, only a marked byte ends a
 * line. A marked 0 byte is an end-of-file, as in Linux (a NUL can never
 * end a line, since 0 disables a c_cc entry).
 */
#include <kernel/errno.h>
#include <kernel/ldisc.h>
#include <kernel/string.h>

#include "ldisc_priv.h"

#define CTRL(c) ((c)&0x1f)

void ldisc_default_termios(struct termios_k *t)
{
	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		     IEXTEN;
	t->c_cc[VINTR] = CTRL('C');
	t->c_cc[VQUIT] = CTRL('\\');
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = CTRL('U');
	t->c_cc[VEOF] = CTRL('D');
	t->c_cc[VTIME] = 0;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = CTRL('Q');
	t->c_cc[VSTOP] = CTRL('S');
	t->c_cc[VSUSP] = CTRL('Z');
	t->c_cc[VREPRINT] = CTRL('R');
	t->c_cc[VDISCARD] = CTRL('O');
	t->c_cc[VWERASE] = CTRL('W');
	t->c_cc[VLNEXT] = CTRL('V');
}

void ldisc_init(struct ldisc *l, const struct ldisc_ops *ops, void *ctx)
{
	memset(l, 0, sizeof(*l));
	ldisc_default_termios(&l->termios);
	l->ops = ops;
	l->ctx = ctx;
}

/* The switch in and out of canonical mode, as Linux's n_tty_set_termios. */
static void switch_mode(struct ldisc *l)
{
	memset(l->line_end, 0, sizeof(l->line_end));
	l->lnext = false;
	if (!canonical(l) || l->read_head == l->read_tail) {
		l->canon_head = l->read_tail;
		return;
	}
	size_t last = RING_MASK(l->read_head - 1);
	l->line_end[last / 8] |= 1u << (last % 8);
	l->canon_head = l->read_head;
}

void ldisc_set_termios(struct ldisc *l, const struct termios_k *t)
{
	struct termios_k old = l->termios;

	l->termios = *t;
	if ((old.c_lflag ^ t->c_lflag) & ICANON)
		switch_mode(l);
	/* A terminal stopped by ^S would hang once ^Q means nothing. */
	if ((old.c_iflag & IXON) && !iflag(l, IXON) && !l->tco_stopped) {
		ldisc_start(l);
		ldisc_echo_flush(l);
	}
}

/* Append c (the caller checked for room); a line end completes a line. */
void ldisc_put(struct ldisc *l, uint8_t c, bool ends_line)
{
	size_t m = RING_MASK(l->read_head);

	l->buf[m] = c;
	if (ends_line)
		l->line_end[m / 8] |= 1u << (m % 8);
	else
		l->line_end[m / 8] &= ~(1u << (m % 8));
	l->read_head++;
	if (ends_line)
		l->canon_head = l->read_head;
}

void ldisc_reset_input(struct ldisc *l)
{
	l->read_tail = l->canon_head = l->read_head = 0;
	memset(l->line_end, 0, sizeof(l->line_end));
}

void ldisc_stop(struct ldisc *l)
{
	if (l->stopped)
		return;
	l->stopped = true;
	if (l->ops->flow)
		l->ops->flow(l->ctx, true);
}

/* Restart output, unless TCOOFF holds it. */
void ldisc_start(struct ldisc *l)
{
	if (!l->stopped || l->tco_stopped)
		return;
	l->stopped = false;
	if (l->ops->flow)
		l->ops->flow(l->ctx, false);
}

bool ldisc_output_stopped(const struct ldisc *l)
{
	return l->stopped;
}

/* ---------------------------------------------------------------- reads */

/*
 * Where the first line end in [from, from + limit) is, as an offset from
 * from; limit if there is none. Whole zero bytes of the bitmap are skipped.
 */
static size_t find_line_end(const struct ldisc *l, size_t from, size_t limit)
{
	size_t off = 0;

	while (off < limit) {
		size_t m = RING_MASK(from + off);
		if (m % 8 == 0 && l->line_end[m / 8] == 0) {
			off += 8;
			continue;
		}
		if (line_end_at(l, from + off))
			return off;
		off++;
	}
	return limit;
}

/* Copy n bytes from the ring at read_tail (wrapping) and take them. */
static void take(struct ldisc *l, char *dst, size_t n)
{
	size_t m = RING_MASK(l->read_tail);
	size_t first = n < LDISC_BUF_SIZE - m ? n : LDISC_BUF_SIZE - m;

	memcpy(dst, l->buf + m, first);
	memcpy(dst + first, l->buf, n - first);
	l->read_tail += n;
}

static void clear_line_end(struct ldisc *l, size_t i)
{
	size_t m = RING_MASK(i);

	l->line_end[m / 8] &= ~(1u << (m % 8));
}

/* A marked 0 byte at i: an end-of-file. */
static bool eof_at(const struct ldisc *l, size_t i)
{
	return line_end_at(l, i) && ring_at(l, i) == 0;
}

static size_t read_canonical(struct ldisc *l, char *buf, size_t n)
{
	size_t avail = l->canon_head - l->read_tail;
	size_t limit = n < avail ? n : avail;
	size_t end = find_line_end(l, l->read_tail, limit);

	if (!n)
		return 0;
	if (end == limit) { /* the line goes on past what fits */
		take(l, buf, limit);
		/* A read that stops just before the end-of-file of its line
		 * eats it: the next read starts the next line (Linux). */
		if (l->read_tail != l->canon_head && eof_at(l, l->read_tail))
			clear_line_end(l, l->read_tail++);
		return limit;
	}
	size_t at = l->read_tail + end;
	bool eof = eof_at(l, at);

	clear_line_end(l, at);
	take(l, buf, eof ? end : end + 1);
	if (eof)
		l->read_tail++; /* the end-of-file mark itself */
	return eof ? end : end + 1;
}

size_t ldisc_read(struct ldisc *l, char *buf, size_t n)
{
	if (canonical(l))
		return read_canonical(l, buf, n);
	size_t avail = l->read_head - l->read_tail;
	size_t got = n < avail ? n : avail;

	take(l, buf, got);
	return got;
}

bool ldisc_can_read(const struct ldisc *l)
{
	if (canonical(l))
		return l->canon_head != l->read_tail;
	return l->read_head != l->read_tail;
}

size_t ldisc_readable(const struct ldisc *l)
{
	if (!canonical(l))
		return l->read_head - l->read_tail;
	size_t avail = l->canon_head - l->read_tail;
	size_t end = find_line_end(l, l->read_tail, avail);

	if (end == avail) /* no completed line */
		return 0;
	return eof_at(l, l->read_tail + end) ? end : end + 1;
}

bool ldisc_eof_pending(const struct ldisc *l)
{
	return canonical(l) && l->canon_head != l->read_tail &&
	       eof_at(l, l->read_tail);
}

size_t ldisc_input_bytes(const struct ldisc *l)
{
	if (!canonical(l))
		return l->read_head - l->read_tail;
	size_t n = 0;

	for (size_t i = l->read_tail; i != l->canon_head; i++)
		n += !eof_at(l, i);
	return n;
}

bool ldisc_read_satisfied(const struct ldisc *l, size_t got, size_t want)
{
	size_t min = l->termios.c_cc[VMIN];

	if (canonical(l) || got >= want)
		return true;
	if (min == 0)
		return got > 0 || l->termios.c_cc[VTIME] == 0;
	return got >= min;
}

unsigned ldisc_read_timeout(const struct ldisc *l, size_t got)
{
	if (canonical(l))
		return 0;
	if (l->termios.c_cc[VMIN] > 0 && got == 0)
		return 0; /* VTIME times the gaps between bytes */
	return l->termios.c_cc[VTIME];
}

/* ---------------------------------------------------------------- control */

int ldisc_flush(struct ldisc *l, int which)
{
	if (which != TCIFLUSH && which != TCOFLUSH && which != TCIOFLUSH)
		return -EINVAL;
	if (which != TCOFLUSH)
		ldisc_reset_input(l);
	if (which != TCIFLUSH) {
		ldisc_echo_discard(l);
		if (l->ops->flush_output)
			l->ops->flush_output(l->ctx);
	}
	return 0;
}

/* Send c_cc[idx] to the terminal now, stopped or not (tcflow's XON/XOFF). */
static void send_xchar(struct ldisc *l, int idx)
{
	char c = (char)l->termios.c_cc[idx];

	if (c)
		l->ops->output(l->ctx, &c, 1);
}

int ldisc_flow_control(struct ldisc *l, int action)
{
	switch (action) {
	case TCOOFF:
		l->tco_stopped = true;
		ldisc_stop(l);
		return 0;
	case TCOON: /* undoes TCOOFF only, not a ^S */
		if (l->tco_stopped) {
			l->tco_stopped = false;
			ldisc_start(l);
			ldisc_echo_flush(l);
		}
		return 0;
	case TCIOFF:
		send_xchar(l, VSTOP);
		return 0;
	case TCION:
		send_xchar(l, VSTART);
		return 0;
	}
	return -EINVAL;
}
