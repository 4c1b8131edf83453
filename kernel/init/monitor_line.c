/*
 * The monitor's line editor (see <kernel/monitor.h>). It keeps the line
 * and says what changed through the echo callback, in the terms a VT100
 * terminal (or the serial log) understands: a typed character is echoed,
 * an erased one becomes "\b \b" (back, blank it, back). The cursor is
 * always at the end of the line; there is no mid-line editing.
 *
 * Input comes from a terminal or the keyboard decoder, both of which send
 * cursor keys as escape sequences (ESC [ A, ESC O P, ESC [ 3 ~, ESC [ [ A
 * ...); those are parsed only far enough to find their end, and to act on
 * Up.
 */
#include <kernel/monitor.h>
#include <kernel/string.h>

#define CTRL(c) ((c)&0x1f)
#define ESC 0x1b
#define DEL 0x7f

enum {
	ESC_NONE,
	ESC_START,     /* ESC seen */
	ESC_CSI,       /* ESC [ seen, nothing after yet */
	ESC_CSI_PARAM, /* ESC [ and parameter bytes seen */
	ESC_SS3,       /* ESC O or ESC [ [ seen: one final byte follows */
};

void monitor_line_init(struct monitor_line *ed, monitor_echo_fn echo)
{
	memset(ed, 0, sizeof(*ed));
	ed->echo = echo;
}

static void echo(const struct monitor_line *ed, const char *s, size_t len)
{
	if (ed->echo)
		ed->echo(s, len);
}

static void insert(struct monitor_line *ed, char c)
{
	if (ed->len + 1 >= MONITOR_LINE_MAX)
		return; /* full: the byte is dropped, not echoed */
	ed->buf[ed->len++] = c;
	echo(ed, &c, 1);
}

static void erase_one(struct monitor_line *ed)
{
	if (ed->len == 0)
		return;
	ed->len--;
	echo(ed, "\b \b", 3);
}

static void erase_all(struct monitor_line *ed)
{
	while (ed->len)
		erase_one(ed);
}

static void recall_history(struct monitor_line *ed)
{
	erase_all(ed);
	for (const char *p = ed->history; *p; p++)
		insert(ed, *p);
}

/* One byte of an escape sequence (ECMA-48 shapes: CSI and SS3). */
static void escape_byte(struct monitor_line *ed, uint8_t c)
{
	bool final = c >= 0x40 && c <= 0x7e;

	switch (ed->esc) {
	case ESC_START:
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		break;
	case ESC_CSI:
	case ESC_CSI_PARAM:
		if (c == '[' && ed->esc == ESC_CSI) {
			ed->esc = ESC_SS3; /* the Linux console's F1-F5 */
			break;
		}
		if (final && c == 'A' && ed->esc == ESC_CSI)
			recall_history(ed);
		if (final || c < 0x20 || c > 0x3f)
			ed->esc = ESC_NONE; /* the end, or not a sequence */
		else
			ed->esc = ESC_CSI_PARAM;
		break;
	default: /* ESC_SS3 */
		ed->esc = ESC_NONE;
		break;
	}
}

static const char *finish_line(struct monitor_line *ed)
{
	ed->buf[ed->len] = '\0';
	echo(ed, "\n", 1);
	if (ed->len)
		memcpy(ed->history, ed->buf, ed->len + 1);
	ed->len = 0;
	return ed->buf;
}

const char *monitor_line_feed(struct monitor_line *ed, uint8_t c)
{
	bool after_cr = ed->after_cr;

	ed->after_cr = false;
	if (ed->esc != ESC_NONE) {
		escape_byte(ed, c);
		return NULL;
	}
	if (c == '\r' || (c == '\n' && !after_cr)) {
		ed->after_cr = c == '\r';
		return finish_line(ed);
	}
	if (c == CTRL('C')) {
		echo(ed, "^C\n", 3);
		ed->len = 0;
		ed->buf[0] = '\0';
		return ed->buf;
	}
	if (c == '\b' || c == DEL)
		erase_one(ed);
	else if (c == CTRL('U'))
		erase_all(ed);
	else if (c == ESC)
		ed->esc = ESC_START;
	else if (c >= 0x20 && c < DEL)
		insert(ed, (char)c);
	return NULL;
}
