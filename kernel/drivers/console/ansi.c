/*
 * The byte-stream half of the terminal emulator (<kernel/term.h>): a
 * state machine after the VT500 parser model (vt100.net's DEC ANSI
 * parser) that decodes UTF-8 text, C0 controls and the ESC and CSI
 * sequences a shell, vi and the kernel's own log use, and calls term.c
 * (term_priv.h) to change the grid.
 *
 * Anything it does not know is swallowed whole: an unknown final byte, a
 * sequence with intermediates, OSC/DCS strings. Parameters saturate and
 * extra ones are dropped, so no input can make it index outside its
 * arrays; CAN and SUB abort a sequence, ESC restarts one.
 */
#include "term_priv.h"

#define PARAM_MAX 9999	   /* larger values saturate */
#define REPLACEMENT 0xfffd /* U+FFFD for bad UTF-8 */

/* DEC special graphics (ESC ( 0), 0x5f-0x7e: line drawing for ncurses. */
static const uint16_t dec_graphics[32] = {
	0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,
	0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,
	0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,
	0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

void term_parser_reset(struct term *t)
{
	t->state = TERM_GROUND;
	t->nparams = 0;
	t->private_mark = 0;
	t->intermediate = 0;
	t->utf8_left = 0;
}

static void print(struct term *t, uint32_t cp)
{
	if (t->dec_graphics && cp >= 0x5f && cp <= 0x7e)
		cp = dec_graphics[cp - 0x5f];
	term_put_char(t, cp);
}

static void control(struct term *t, unsigned char c)
{
	switch (c) {
	case '\a':
		if (t->ops && t->ops->bell)
			t->ops->bell(t->ctx);
		break;
	case '\b':
		term_backspace(t);
		break;
	case '\t':
		term_tab(t);
		break;
	case '\n':
	case '\v':
	case '\f':
		if (t->newline_mode)
			term_carriage_return(t);
		term_linefeed(t);
		break;
	case '\r':
		term_carriage_return(t);
		break;
	case 0x18: /* CAN */
	case 0x1a: /* SUB */
		term_parser_reset(t);
		break;
	case 0x1b:
		term_parser_reset(t);
		t->state = TERM_ESC;
		break;
	}
}

/* The byte after ESC. */
static void escape(struct term *t, unsigned char c)
{
	t->state = TERM_GROUND;
	switch (c) {
	case '[':
		t->state = TERM_CSI;
		t->nparams = 0;
		t->private_mark = 0;
		t->intermediate = 0;
		break;
	case ']': /* OSC */
	case 'P': /* DCS */
	case 'X': /* SOS */
	case '^': /* PM */
	case '_': /* APC */
		t->state = TERM_STRING;
		break;
	case '(':
		t->state = TERM_ESC_CHARSET;
		break;
	case ')':
	case '*':
	case '+':
	case '#':
	case ' ':
		t->state = TERM_ESC_SKIP; /* G1-G3, DECALN, S7C1T...: ignored */
		break;
	case '7':
		term_save_cursor(t);
		break;
	case '8':
		term_restore_cursor(t);
		break;
	case 'D':
		term_linefeed(t);
		break;
	case 'E':
		term_carriage_return(t);
		term_linefeed(t);
		break;
	case 'M':
		term_reverse_index(t);
		break;
	case 'c':
		term_reset(t);
		break;
	case 'Z': /* DECID: the old way to ask what the terminal is */
		term_answer(t, TERM_DEVICE_ATTRIBUTES,
			    sizeof(TERM_DEVICE_ATTRIBUTES) - 1);
		break;
	}
}

static void csi_param_byte(struct term *t, unsigned char c)
{
	if (c >= '0' && c <= '9') {
		unsigned int *p;

		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams > TERM_MAX_PARAMS)
			return; /* past the last one we keep */
		p = &t->params[t->nparams - 1];
		*p = *p * 10 + (c - '0');
		if (*p > PARAM_MAX)
			*p = PARAM_MAX;
	} else if (c == ';' || c == ':') {
		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams <= TERM_MAX_PARAMS)
			t->nparams++;
	}
}

/* Parameters accumulate digit by digit into slots cleared here. */
static void csi_begin_params(struct term *t)
{
	for (unsigned int i = 0; i < TERM_MAX_PARAMS; i++)
		t->params[i] = 0;
}

static void csi(struct term *t, unsigned char c)
{
	if (c >= 0x40 && c <= 0x7e) {
		if (t->nparams > TERM_MAX_PARAMS)
			t->nparams = TERM_MAX_PARAMS;
		t->state = TERM_GROUND;
		if (!t->intermediate)
			ansi_csi_dispatch(t, c);
	} else if ((c >= '0' && c <= '9') || c == ';' || c == ':') {
		if (t->intermediate)
			t->state = TERM_CSI_IGNORE;
		else
			csi_param_byte(t, c);
	} else if (c >= '<' && c <= '?') {
		/* A private marker is only valid before any parameter. */
		if (t->nparams || t->private_mark || t->intermediate)
			t->state = TERM_CSI_IGNORE;
		else
			t->private_mark = (char)c;
	} else if (c >= 0x20 && c <= 0x2f) {
		t->intermediate = (char)c;
	}
}

/* Start of a UTF-8 sequence: how many continuation bytes, and the bits. */
static void utf8_start(struct term *t, unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf) {
		t->utf8_left = 1;
		t->utf8_cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		t->utf8_left = 2;
		t->utf8_cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		t->utf8_left = 3;
		t->utf8_cp = c & 0x07;
	} else { /* a stray continuation byte, 0xc0, 0xc1, 0xf5 and up */
		print(t, REPLACEMENT);
		return;
	}
	t->utf8_len = t->utf8_left + 1;
}

/* Overlong forms, surrogates and values past U+10FFFF are not text. */
static bool utf8_valid(uint32_t cp, unsigned int len)
{
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};

	return cp >= min[len] && cp <= 0x10ffff &&
	       !(cp >= 0xd800 && cp <= 0xdfff);
}

/* Text in the ground state: ASCII, or UTF-8 a byte at a time. */
static void text_byte(struct term *t, unsigned char c)
{
	if (t->utf8_left && (c & 0xc0) != 0x80) { /* a sequence cut short */
		t->utf8_left = 0;
		print(t, REPLACEMENT);
	}
	if (c < 0x80 && !t->utf8_left) {
		if (c != 0x7f)
			print(t, c);
		return;
	}
	if (t->utf8_left == 0) {
		utf8_start(t, c);
		return;
	}
	t->utf8_cp = (t->utf8_cp << 6) | (c & 0x3f);
	if (--t->utf8_left == 0)
		print(t, utf8_valid(t->utf8_cp, t->utf8_len) ? t->utf8_cp
							     : REPLACEMENT);
}

static void string_byte(struct term *t, unsigned char c)
{
	if (t->state == TERM_STRING_ESC) /* ESC \ (ST) ends it; else junk */
		t->state = c == '\\' ? TERM_GROUND : TERM_STRING;
	else if (c == 0x1b)
		t->state = TERM_STRING_ESC;
	else if (c == '\a' || c == 0x18 || c == 0x1a)
		t->state = TERM_GROUND;
}

static void byte(struct term *t, unsigned char c)
{
	if (t->state == TERM_STRING || t->state == TERM_STRING_ESC) {
		string_byte(t, c);
		return;
	}
	if (c < 0x20) {
		if (t->utf8_left) { /* a control cuts a UTF-8 sequence */
			t->utf8_left = 0;
			print(t, REPLACEMENT);
		}
		control(t, c);
		return;
	}
	switch (t->state) {
	case TERM_GROUND:
		text_byte(t, c);
		break;
	case TERM_ESC:
		if (c == '[')
			csi_begin_params(t);
		escape(t, c);
		break;
	case TERM_ESC_CHARSET:
		t->dec_graphics = c == '0';
		t->state = TERM_GROUND;
		break;
	case TERM_ESC_SKIP:
		t->state = TERM_GROUND;
		break;
	case TERM_CSI:
		csi(t, c);
		break;
	case TERM_CSI_IGNORE:
		if (c >= 0x40 && c <= 0x7e)
			t->state = TERM_GROUND;
		break;
	default:
		t->state = TERM_GROUND;
	}
}

void term_write(struct term *t, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		byte(t, (unsigned char)buf[i]);
}
