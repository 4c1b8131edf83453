/*
 * What the line discipline's files (ldisc.c: state and reads, ldisc_input.c:
 * input and canonical characters, ldisc_erase.c: erasing, ldisc_output.c:
 * output processing and echo) share; not for use outside them.
 */
#ifndef LDISC_PRIV_H
#define LDISC_PRIV_H

#include <kernel/ldisc.h>

#define RING_MASK(i) ((i) & (LDISC_BUF_SIZE - 1))

static inline bool iflag(const struct ldisc *l, uint32_t f)
{
	return l->termios.c_iflag & f;
}

static inline bool oflag(const struct ldisc *l, uint32_t f)
{
	return l->termios.c_oflag & f;
}

static inline bool lflag(const struct ldisc *l, uint32_t f)
{
	return l->termios.c_lflag & f;
}

static inline bool canonical(const struct ldisc *l)
{
	return lflag(l, ICANON);
}

/* Is c the character of c_cc[idx]? Never when that one is disabled (0). */
static inline bool is_cc(const struct ldisc *l, int idx, uint8_t c)
{
	return c != 0 && c == l->termios.c_cc[idx];
}

/*
 * A control character: echoed as ^X under ECHOCTL, no column. Only ASCII's
 * (Linux no longer takes 0x80..0x9f for Latin-1 controls).
 */
static inline bool is_cntrl(const struct ldisc *l, uint8_t c)
{
	(void)l;
	return c < 0x20 || c == 0x7f;
}

/* A UTF-8 continuation byte, under IUTF8: no column of its own. */
static inline bool is_continuation(const struct ldisc *l, uint8_t c)
{
	return iflag(l, IUTF8) && (c & 0xc0) == 0x80;
}

/*
 * Letters for IUCLC, OLCUC and VWERASE: ASCII's and Latin-1's, as the
 * kernel's ctype has them (case maps by 0x20; so ß becomes 0xbf, as there).
 */
static inline bool is_upper(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static inline bool is_lower(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}

static inline uint8_t ring_at(const struct ldisc *l, size_t i)
{
	return l->buf[RING_MASK(i)];
}

static inline bool line_end_at(const struct ldisc *l, size_t i)
{
	size_t m = RING_MASK(i);
	return l->line_end[m / 8] & (1u << (m % 8));
}

/* ldisc.c */
void ldisc_put(struct ldisc *l, uint8_t c, bool ends_line);
void ldisc_reset_input(struct ldisc *l);
void ldisc_start(struct ldisc *l); /* held echo stays held */
void ldisc_stop(struct ldisc *l);

/* ldisc_erase.c: VERASE, VWERASE or VKILL c, in canonical mode. */
void ldisc_erase(struct ldisc *l, uint8_t c);

/* ldisc_output.c: echo, held in echo_buf until ldisc_echo_flush. */
void ldisc_echo_char(struct ldisc *l, uint8_t c);
void ldisc_echo_raw(struct ldisc *l, uint8_t c);
void ldisc_echo_backspaces(struct ldisc *l, unsigned n);
void ldisc_echo_flush(struct ldisc *l);
void ldisc_echo_discard(struct ldisc *l);

#endif
