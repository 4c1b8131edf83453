/*
 * Between the two halves of the terminal emulator (<kernel/term.h>):
 * term.c does the cell-grid operations, ansi.c parses the byte stream and
 * calls them. Not for other code, which only writes bytes.
 *
 * Counts (n) of 0 mean 1, as in the escape sequences; every operation
 * clamps to the screen, so no argument can reach outside the grid.
 */
#ifndef KERNEL_DRIVERS_TERM_PRIV_H
#define KERNEL_DRIVERS_TERM_PRIV_H

#include <kernel/term.h>

/* A count from a sequence: 0 means 1, and at most max. */
static inline unsigned int term_count(unsigned int n, unsigned int max)
{
	if (n == 0)
		return 1;
	return n > max ? max : n;
}

/* Text: a printable code point at the cursor, wrapping if need be. */
void term_put_char(struct term *t, uint32_t cp);

/* Cursor motion. */
void term_move_to(struct term *t, long x, long y);
void term_carriage_return(struct term *t);
void term_linefeed(struct term *t);	 /* IND: down, scrolling at bottom */
void term_reverse_index(struct term *t); /* RI: up, scrolling at top */
void term_backspace(struct term *t);
void term_tab(struct term *t);
void term_cursor_up(struct term *t, unsigned int n);   /* stops at margins */
void term_cursor_down(struct term *t, unsigned int n); /* stops at margins */
void term_save_cursor(struct term *t);
void term_restore_cursor(struct term *t);

/* Show the alternate screen (alt) or the main one; every row gets dirty. */
void term_use_alt_screen(struct term *t, bool alt);

/* Scrolling: the region moves, blank rows come in. */
void term_set_region(struct term *t, unsigned int top, unsigned int bottom);
void term_scroll_up(struct term *t, unsigned int n);
void term_scroll_down(struct term *t, unsigned int n);
void term_insert_lines(struct term *t, unsigned int n);
void term_delete_lines(struct term *t, unsigned int n);

/* Erasing, with the pen's colours; mode 0: to the end, 1: from the start
 * (inclusive), 2: all. */
void term_erase_display(struct term *t, unsigned int mode);
void term_erase_line(struct term *t, unsigned int mode);
void term_erase_chars(struct term *t, unsigned int n);
void term_insert_chars(struct term *t, unsigned int n);
void term_delete_chars(struct term *t, unsigned int n);

/* Reply to a query through t's answer op, if it has one. */
void term_answer(struct term *t, const char *buf, size_t len);
/* What the Linux console says it is (CSI c, ESC Z): a VT102. */
#define TERM_DEVICE_ATTRIBUTES "\033[?6c"

/* The parser's state back to ground (ansi.c). */
void term_parser_reset(struct term *t);

/* Act on a complete CSI sequence, its parameters in t (ansi_csi.c). */
void ansi_csi_dispatch(struct term *t, unsigned char final);

#endif
