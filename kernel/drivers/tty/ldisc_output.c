/*
 * Output to the terminal (<kernel/ldisc.h>): write(2)'s bytes and the
 * echo of input, both through the same processing (OPOST: ONLCR, OCRNL,
 * ONOCR, ONLRET, OLCUC, XTABS) and the same column count, which erasing a
 * tab relies on. Written bytes go to ops->output at once, in runs of
 * unchanged bytes; echo collects in echo_buf and goes out at the end of
 * each ldisc_receive, at a ^Q, or when stopped output restarts: echo must
 * not overtake output held back, nor show while stopped. Echo dropped
 * unsent (a signal character flushing) takes back the columns it moved.
 *
 * A control character echoed as "^X" (ECHOCTL) and the backspaces erasing
 * a tab bypass OPOST and count their columns themselves, as in Linux.
 */
#include <kernel/ldisc.h>
#include <kernel/string.h>

#include "ldisc_priv.h"

/* The most bytes one character becomes: a tab expanded to spaces. */
#define XLATE_MAX 8

/* NL under ONLCR, ONLRET; canon_column follows a new line, so that the
 * next line's tab erase counts from its start. */
static size_t xlate_nl(struct ldisc *l, uint8_t *out)
{
	if (oflag(l, ONLRET))
		l->column = 0;
	if (oflag(l, ONLCR)) {
		l->column = l->canon_column = 0;
		out[0] = '\r';
		out[1] = '\n';
		return 2;
	}
	l->canon_column = l->column;
	out[0] = '\n';
	return 1;
}

/* CR under ONOCR, OCRNL (then ONLRET says whether NL returns). */
static size_t xlate_cr(struct ldisc *l, uint8_t *out)
{
	if (oflag(l, ONOCR) && l->column == 0)
		return 0;
	if (oflag(l, OCRNL)) {
		if (oflag(l, ONLRET))
			l->column = l->canon_column = 0;
		out[0] = '\n';
		return 1;
	}
	l->column = l->canon_column = 0;
	out[0] = '\r';
	return 1;
}

/*
 * Output processing of one byte (OPOST is set): what goes to the terminal
 * instead, in out, and how many bytes (0: none), with the column updated.
 */
static size_t xlate(struct ldisc *l, uint8_t c, uint8_t out[XLATE_MAX])
{
	unsigned spaces;

	switch (c) {
	case '\n':
		return xlate_nl(l, out);
	case '\r':
		return xlate_cr(l, out);
	case '\t':
		spaces = 8 - (l->column & 7);
		l->column += spaces;
		if ((l->termios.c_oflag & TABDLY) == XTABS) {
			memset(out, ' ', spaces);
			return spaces;
		}
		break;
	case '\b':
		if (l->column > 0)
			l->column--;
		break;
	default:
		if (is_cntrl(l, c))
			break;
		if (oflag(l, OLCUC) && is_lower(c))
			c -= 0x20;
		if (!is_continuation(l, c))
			l->column++;
	}
	out[0] = c;
	return 1;
}

/* Remember the columns as of what the terminal has been sent. */
static void mark_sent(struct ldisc *l)
{
	l->sent_column = l->column;
	l->sent_canon_column = l->canon_column;
}

size_t ldisc_output(struct ldisc *l, const char *buf, size_t n)
{
	size_t run = 0; /* bytes before i going out unchanged */

	if (l->stopped)
		return 0;
	ldisc_echo_flush(l);
	if (!oflag(l, OPOST)) {
		if (n)
			l->ops->output(l->ctx, buf, n);
		mark_sent(l);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t out[XLATE_MAX];
		size_t k = xlate(l, (uint8_t)buf[i], out);

		if (k == 1 && out[0] == (uint8_t)buf[i]) {
			run++;
			continue;
		}
		if (run)
			l->ops->output(l->ctx, buf + i - run, run);
		run = 0;
		if (k)
			l->ops->output(l->ctx, (const char *)out, k);
	}
	if (run)
		l->ops->output(l->ctx, buf + n - run, run);
	mark_sent(l);
	return n;
}

/* ---------------------------------------------------------------- echo */

void ldisc_echo_flush(struct ldisc *l)
{
	if (l->stopped)
		return;
	if (l->echo_len)
		l->ops->output(l->ctx, (const char *)l->echo_buf, l->echo_len);
	l->echo_len = 0;
	mark_sent(l);
}

/*
 * Drop held echo (flushed output): the columns go back to what they were
 * before it, as in Linux where columns move only as echo goes out.
 */
void ldisc_echo_discard(struct ldisc *l)
{
	l->echo_len = 0;
	l->column = l->sent_column;
	l->canon_column = l->sent_canon_column;
}

/* Queue echo bytes; while output is stopped, those that do not fit are
 * lost (Linux loses the oldest instead). */
static void echo_put(struct ldisc *l, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (l->echo_len == LDISC_ECHO_SIZE)
			ldisc_echo_flush(l);
		if (l->echo_len == LDISC_ECHO_SIZE)
			return;
		l->echo_buf[l->echo_len++] = s[i];
	}
}

/* Echo c as it is, through output processing. */
void ldisc_echo_raw(struct ldisc *l, uint8_t c)
{
	uint8_t out[XLATE_MAX];

	if (!oflag(l, OPOST)) {
		echo_put(l, &c, 1);
		return;
	}
	echo_put(l, out, xlate(l, c, out));
}

/* Echo a character typed: "^X" for a control one under ECHOCTL (a tab
 * excepted: it moves), else itself. DEL shows as "^?". */
void ldisc_echo_char(struct ldisc *l, uint8_t c)
{
	if (lflag(l, ECHOCTL) && is_cntrl(l, c) && c != '\t') {
		uint8_t hat[2] = {'^', (uint8_t)(c ^ 0x40)};

		echo_put(l, hat, 2);
		l->column += 2;
		return;
	}
	ldisc_echo_raw(l, c);
}

/* n backspaces, each a column back. */
void ldisc_echo_backspaces(struct ldisc *l, unsigned n)
{
	static const uint8_t bs = '\b';

	while (n--) {
		echo_put(l, &bs, 1);
		if (l->column > 0)
			l->column--;
	}
}
