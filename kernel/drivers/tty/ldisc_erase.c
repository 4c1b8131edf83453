/*
 * Canonical-mode erasing (<kernel/ldisc.h>): VERASE takes back one
 * character, VWERASE one word, VKILL the whole line being edited, each
 * echoed as Linux's n_tty echoes it. With ECHOE a character goes from the
 * screen as "\b \b" (twice for a ^X shown under ECHOCTL); a tab goes back
 * with as many backspaces as it took columns, worked out from the column
 * where the line began (canon_column) and what follows the previous tab.
 * Under IUTF8 a whole UTF-8 character goes at once (one column: wide
 * characters are not known here). The echo of ECHOPRT is not done.
 */
#include <kernel/ldisc.h>

#include "ldisc_priv.h"

enum kind { ERASE, WERASE, KILL };

/*
 * Part of a word for VWERASE: letters, digits and '_' (BSD's ALTWERASE, as
 * Linux). Under IUTF8 every character beyond ASCII (we see its lead byte),
 * where Linux takes the lead byte for a Latin-1 letter or not.
 */
static bool is_word(const struct ldisc *l, uint8_t c)
{
	if (c >= 0x80 && iflag(l, IUTF8))
		return true;
	return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Erase a tab (already taken from the ring) from the screen: it ended at
 * the next multiple of 8 after the columns of what precedes it, counted
 * from the previous tab if any, else from where the line began.
 */
static void erase_tab(struct ldisc *l)
{
	unsigned cols = 0;
	bool after_tab = false;

	for (size_t i = l->read_head; i != l->canon_head;) {
		uint8_t c = ring_at(l, --i);
		if (c == '\t') {
			after_tab = true;
			break;
		}
		if (is_cntrl(l, c))
			cols += lflag(l, ECHOCTL) ? 2 : 0;
		else if (!is_continuation(l, c))
			cols++;
	}
	if (!after_tab)
		cols += l->canon_column;
	ldisc_echo_backspaces(l, 8 - (cols & 7));
}

/* Show that character c (already taken from the ring) is gone. */
static void echo_erased(struct ldisc *l, enum kind kind, uint8_t c)
{
	static const uint8_t rubout[] = {'\b', ' ', '\b'};
	int times;

	if (kind == ERASE && !lflag(l, ECHOE)) {
		ldisc_echo_char(l, l->termios.c_cc[VERASE]);
		return;
	}
	if (c == '\t') {
		erase_tab(l);
		return;
	}
	if (is_cntrl(l, c)) /* "^X" is two columns; a raw one none */
		times = lflag(l, ECHOCTL) ? 2 : 0;
	else
		times = 1;
	while (times--)
		for (size_t i = 0; i < sizeof(rubout); i++)
			ldisc_echo_raw(l, rubout[i]);
}

/*
 * Take back one character (a whole UTF-8 one under IUTF8, never part of
 * one); false if there is none, or if VWERASE has reached the start of
 * its word.
 */
static bool erase_one(struct ldisc *l, enum kind kind, unsigned *word)
{
	size_t head = l->read_head;
	uint8_t c;

	do
		c = ring_at(l, --head);
	while (is_continuation(l, c) && head != l->canon_head);
	if (is_continuation(l, c))
		return false;
	if (kind == WERASE) { /* blanks before the word, then the word */
		if (is_word(l, c))
			(*word)++;
		else if (*word)
			return false;
	}
	l->read_head = head;
	if (lflag(l, ECHO))
		echo_erased(l, kind, c);
	return true;
}

/* VKILL shown as the kill character (and a newline with ECHOK) rather
 * than erased character by character: false when that is not the case. */
static bool kill_shown(struct ldisc *l)
{
	if (lflag(l, ECHO) && lflag(l, ECHOK) && lflag(l, ECHOKE) &&
	    lflag(l, ECHOE))
		return false;
	l->read_head = l->canon_head;
	if (lflag(l, ECHO)) {
		ldisc_echo_char(l, l->termios.c_cc[VKILL]);
		if (lflag(l, ECHOK))
			ldisc_echo_raw(l, '\n');
	}
	return true;
}

void ldisc_erase(struct ldisc *l, uint8_t c)
{
	enum kind kind;
	unsigned word = 0;

	if (l->read_head == l->canon_head) /* nothing to erase: no echo */
		return;
	if (is_cc(l, VERASE, c))
		kind = ERASE;
	else if (is_cc(l, VWERASE, c))
		kind = WERASE;
	else
		kind = KILL;
	if (kind == KILL && kill_shown(l))
		return;
	while (l->read_head != l->canon_head && erase_one(l, kind, &word))
		if (kind == ERASE)
			break;
}
