/*
 * The CSI sequences of the terminal emulator (<kernel/term.h>): once
 * ansi.c has collected "ESC [ params final", this file acts on it —
 * cursor motion, erasing, scrolling, insert/delete, modes and SGR
 * colours, and the queries the Linux console answers (device status,
 * cursor position, device attributes). Unknown finals and modes are
 * ignored.
 *
 * Counts follow the VT100: a missing or zero parameter means 1, positions
 * are 1-based on the wire and clamped to the screen (term.c).
 */
#include "term_priv.h"

/* The n-th parameter, or def if absent or 0 (for counts and positions). */
static unsigned int param(const struct term *t, unsigned int n,
			  unsigned int def)
{
	return n < t->nparams && t->params[n] ? t->params[n] : def;
}

/* The n-th parameter as it is, 0 if absent (for selectors like ED's). */
static unsigned int raw_param(const struct term *t, unsigned int n)
{
	return n < t->nparams ? t->params[n] : 0;
}

/* The nearest of the 16 colours to an RGB value: enough for 38;2 and 38;5. */
static uint8_t rgb_to_color(unsigned int r, unsigned int g, unsigned int b)
{
	unsigned int max = r > g ? r : g;
	uint8_t c;

	max = b > max ? b : max;
	if (max < 48)
		return TERM_BLACK;
	c = (r * 2 > max ? 1 : 0) | (g * 2 > max ? 2 : 0) |
	    (b * 2 > max ? 4 : 0);
	if (c == TERM_WHITE) /* a grey */
		return max >= 224   ? TERM_WHITE + TERM_BRIGHT
		       : max >= 160 ? TERM_WHITE
		       : max >= 64  ? TERM_BLACK + TERM_BRIGHT
				    : TERM_BLACK;
	return max > 191 ? c + TERM_BRIGHT : c;
}

static uint8_t xterm256_to_color(unsigned int i)
{
	static const uint8_t level[6] = {0, 95, 135, 175, 215, 255};

	if (i < 16)
		return (uint8_t)i;
	if (i < 232) {
		i -= 16;
		return rgb_to_color(level[i / 36], level[i / 6 % 6],
				    level[i % 6]);
	}
	i = 8 + 10 * (i - 232);
	return rgb_to_color(i, i, i);
}

/* 38;5;N, 38;2;R;G;B (and 48;...): the colour; returns params used. */
static unsigned int sgr_extended(struct term *t, unsigned int i, bool fg)
{
	unsigned int kind = raw_param(t, i + 1), used;
	uint8_t c;

	if (kind == 5 && i + 2 < t->nparams) {
		c = xterm256_to_color(t->params[i + 2] & 0xff);
		used = 2;
	} else if (kind == 2 && i + 4 < t->nparams) {
		c = rgb_to_color(t->params[i + 2] & 0xff,
				 t->params[i + 3] & 0xff,
				 t->params[i + 4] & 0xff);
		used = 4;
	} else {
		return t->nparams; /* malformed: drop the rest */
	}
	if (fg)
		t->pen.fg = c;
	else
		t->pen.bg = c;
	return used;
}

static void sgr_one(struct term *t, unsigned int p)
{
	if (p == 0) {
		t->pen.fg = TERM_DEFAULT_FG;
		t->pen.bg = TERM_DEFAULT_BG;
		t->pen.attr = 0;
	} else if (p == 1) {
		t->pen.attr |= TERM_ATTR_BOLD;
	} else if (p == 4) {
		t->pen.attr |= TERM_ATTR_UNDERLINE;
	} else if (p == 7) {
		t->pen.attr |= TERM_ATTR_REVERSE;
	} else if (p == 22) {
		t->pen.attr &= ~TERM_ATTR_BOLD;
	} else if (p == 24) {
		t->pen.attr &= ~TERM_ATTR_UNDERLINE;
	} else if (p == 27) {
		t->pen.attr &= ~TERM_ATTR_REVERSE;
	} else if (p >= 30 && p <= 37) {
		t->pen.fg = (uint8_t)(p - 30);
	} else if (p == 39) {
		t->pen.fg = TERM_DEFAULT_FG;
	} else if (p >= 40 && p <= 47) {
		t->pen.bg = (uint8_t)(p - 40);
	} else if (p == 49) {
		t->pen.bg = TERM_DEFAULT_BG;
	} else if (p >= 90 && p <= 97) {
		t->pen.fg = (uint8_t)(p - 90 + TERM_BRIGHT);
	} else if (p >= 100 && p <= 107) {
		t->pen.bg = (uint8_t)(p - 100 + TERM_BRIGHT);
	}
}

static void sgr(struct term *t)
{
	if (t->nparams == 0)
		sgr_one(t, 0);
	for (unsigned int i = 0; i < t->nparams; i++) {
		if (t->params[i] == 38 || t->params[i] == 48)
			i += sgr_extended(t, i, t->params[i] == 38);
		else
			sgr_one(t, t->params[i]);
	}
}

/*
 * The alternate screen, for full-screen programs: 47 only switches grids,
 * 1047 also clears the alternate grid on leaving it, and 1049 (what vi
 * and less use) saves the cursor and clears the alternate grid on
 * entering, and restores the cursor on leaving. A repeated enter or leave
 * does nothing, so the main screen's saved cursor cannot be overwritten.
 */
static void alt_screen_mode(struct term *t, unsigned int mode, bool set)
{
	if (set == t->alt_screen)
		return;
	if (set) {
		if (mode == 1049)
			term_save_cursor(t);
		term_use_alt_screen(t, true);
		if (mode == 1049)
			term_erase_display(t, 2);
	} else {
		if (mode == 1047)
			term_erase_display(t, 2);
		term_use_alt_screen(t, false);
		if (mode == 1049)
			term_restore_cursor(t);
	}
}

/* DEC private modes (CSI ? n h / l). */
static void dec_mode(struct term *t, unsigned int mode, bool set)
{
	switch (mode) {
	case 7:
		t->autowrap = set;
		break;
	case 25:
		t->cursor_visible = set;
		break;
	case 47:
	case 1047:
	case 1049:
		alt_screen_mode(t, mode, set);
		break;
	}
}

static void set_modes(struct term *t, bool set)
{
	for (unsigned int i = 0; i < t->nparams; i++) {
		if (t->private_mark == '?')
			dec_mode(t, t->params[i], set);
		else if (t->params[i] == 20) /* LNM */
			t->newline_mode = set;
	}
}

/* Append the decimal digits of v to buf at *n (at most 10 of them). */
static void put_decimal(char *buf, size_t *n, unsigned int v)
{
	char digits[10];
	size_t k = 0;

	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		buf[(*n)++] = digits[--k];
}

/*
 * DSR: CSI 5 n asks whether the terminal is well (ESC [ 0 n: it is), CSI
 * 6 n where the cursor is (ESC [ row ; col R, 1-based). Line editors and
 * vi size the screen with the latter, after moving the cursor far away.
 */
static void status_report(struct term *t)
{
	char buf[32];
	size_t n = 0;

	if (raw_param(t, 0) == 5) {
		term_answer(t, "\033[0n", 4);
	} else if (raw_param(t, 0) == 6) {
		buf[n++] = '\033';
		buf[n++] = '[';
		put_decimal(buf, &n, t->y + 1);
		buf[n++] = ';';
		put_decimal(buf, &n, t->x + 1);
		buf[n++] = 'R';
		term_answer(t, buf, n);
	}
}

static bool cursor_csi(struct term *t, unsigned char final)
{
	unsigned int n = param(t, 0, 1);

	switch (final) {
	case 'A':
		term_cursor_up(t, n);
		break;
	case 'B':
	case 'e':
		term_cursor_down(t, n);
		break;
	case 'C':
	case 'a':
		term_move_to(t, (long)t->x + n, t->y);
		break;
	case 'D':
		term_move_to(t, (long)t->x - n, t->y);
		break;
	case 'E':
		term_cursor_down(t, n);
		term_carriage_return(t);
		break;
	case 'F':
		term_cursor_up(t, n);
		term_carriage_return(t);
		break;
	case 'G':
	case '`':
		term_move_to(t, (long)n - 1, t->y);
		break;
	case 'd':
		term_move_to(t, t->x, (long)n - 1);
		break;
	case 'H':
	case 'f':
		term_move_to(t, (long)param(t, 1, 1) - 1, (long)n - 1);
		break;
	default:
		return false;
	}
	return true;
}

static void edit_csi(struct term *t, unsigned char final)
{
	unsigned int n = param(t, 0, 1);

	switch (final) {
	case 'J':
		term_erase_display(t, raw_param(t, 0));
		break;
	case 'K':
		term_erase_line(t, raw_param(t, 0));
		break;
	case 'L':
		term_insert_lines(t, n);
		break;
	case 'M':
		term_delete_lines(t, n);
		break;
	case '@':
		term_insert_chars(t, n);
		break;
	case 'P':
		term_delete_chars(t, n);
		break;
	case 'X':
		term_erase_chars(t, n);
		break;
	case 'S':
		term_scroll_up(t, n);
		break;
	case 'T':
		term_scroll_down(t, n);
		break;
	}
}

void ansi_csi_dispatch(struct term *t, unsigned char final)
{
	if (final == 'h' || final == 'l') {
		set_modes(t, final == 'h');
		return;
	}
	if (t->private_mark)
		return; /* e.g. CSI > c, CSI ? u: nothing else is known */
	if (cursor_csi(t, final))
		return;
	switch (final) {
	case 'm':
		sgr(t);
		break;
	case 'r':
		term_set_region(t, param(t, 0, 1) - 1, param(t, 1, t->rows));
		break;
	case 's':
		if (t->nparams == 0)
			term_save_cursor(t);
		break;
	case 'u':
		if (t->nparams == 0)
			term_restore_cursor(t);
		break;
	case 'n':
		status_report(t);
		break;
	case 'c': /* DA: only CSI c and CSI 0 c ask */
		if (raw_param(t, 0) == 0)
			term_answer(t, TERM_DEVICE_ATTRIBUTES,
				    sizeof(TERM_DEVICE_ATTRIBUTES) - 1);
		break;
	default:
		edit_csi(t, final);
	}
}
