/*
 * The editing operations of the terminal emulator (<kernel/term.h>):
 * scrolling a region, inserting and deleting lines and characters, and
 * erasing, each marking the rows it changes dirty and telling the
 * renderer when rows move (term_ops.scroll), so that it can move pixels
 * rather than redraw them. term.c has the cursor and the rest.
 *
 * New cells are blanks in the pen's colours (what xterm calls bce).
 */
#include "term_priv.h"

/*
 * Whole-cell copies; keep GCC from turning the loops into calls to the
 * byte-by-byte memmove, which is much slower for a screenful of rows.
 */
#define TERM_NO_LIBCALLS \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

static struct term_cell blank_cell(const struct term *t)
{
	return (struct term_cell){
		.ch = ' ', .fg = t->pen.fg, .bg = t->pen.bg, .attr = 0};
}

/* Blank cells [x0, x1) of row y. */
static void blank_span(struct term *t, unsigned int y, unsigned int x0,
		       unsigned int x1)
{
	struct term_cell b = blank_cell(t), *row = term_cell_at(t, 0, y);

	for (unsigned int x = x0; x < x1; x++)
		row[x] = b;
	term_mark_dirty(t, y);
}

TERM_NO_LIBCALLS static void copy_row(struct term *t, unsigned int dst,
				      unsigned int src)
{
	struct term_cell *d = term_cell_at(t, 0, dst);
	const struct term_cell *s = term_cell_at(t, 0, src);

	for (unsigned int x = 0; x < t->cols; x++)
		d[x] = s[x];
}

/*
 * Move rows [top, bottom) up by n (n > 0) or down by -n, blanking the rows
 * that come in; |n| is at most bottom - top. Tells the renderer.
 */
static void scroll_rows(struct term *t, unsigned int top, unsigned int bottom,
			int n)
{
	unsigned int k = n > 0 ? (unsigned int)n : (unsigned int)-n;

	if (n > 0) {
		for (unsigned int r = top; r + k < bottom; r++)
			copy_row(t, r, r + k);
		for (unsigned int r = bottom - k; r < bottom; r++)
			blank_span(t, r, 0, t->cols);
	} else {
		for (unsigned int r = bottom; r-- > top + k;)
			copy_row(t, r, r - k);
		for (unsigned int r = top; r < top + k; r++)
			blank_span(t, r, 0, t->cols);
	}
	for (unsigned int r = top; r < bottom; r++)
		term_mark_dirty(t, r);
	if (t->ops && t->ops->scroll)
		t->ops->scroll(t->ctx, top, bottom, n);
}

void term_scroll_up(struct term *t, unsigned int n)
{
	scroll_rows(t, t->top, t->bottom,
		    (int)term_count(n, t->bottom - t->top));
}

void term_scroll_down(struct term *t, unsigned int n)
{
	scroll_rows(t, t->top, t->bottom,
		    -(int)term_count(n, t->bottom - t->top));
}

/* IL and DL act only inside the scroll region, from the cursor's row. */
void term_insert_lines(struct term *t, unsigned int n)
{
	if (t->y < t->top || t->y >= t->bottom)
		return;
	scroll_rows(t, t->y, t->bottom, -(int)term_count(n, t->bottom - t->y));
	t->x = 0;
	t->wrap_pending = false;
}

void term_delete_lines(struct term *t, unsigned int n)
{
	if (t->y < t->top || t->y >= t->bottom)
		return;
	scroll_rows(t, t->y, t->bottom, (int)term_count(n, t->bottom - t->y));
	t->x = 0;
	t->wrap_pending = false;
}

void term_erase_line(struct term *t, unsigned int mode)
{
	if (mode == 0)
		blank_span(t, t->y, t->x, t->cols);
	else if (mode == 1)
		blank_span(t, t->y, 0, t->x + 1);
	else if (mode == 2)
		blank_span(t, t->y, 0, t->cols);
}

void term_erase_display(struct term *t, unsigned int mode)
{
	unsigned int first = 0, end = t->rows;

	if (mode == 0)
		first = t->y + 1;
	else if (mode == 1)
		end = t->y;
	else if (mode != 2 && mode != 3)
		return;
	for (unsigned int r = first; r < end; r++)
		blank_span(t, r, 0, t->cols);
	if (mode < 2)
		term_erase_line(t, mode);
}

void term_erase_chars(struct term *t, unsigned int n)
{
	blank_span(t, t->y, t->x, t->x + term_count(n, t->cols - t->x));
}

TERM_NO_LIBCALLS void term_insert_chars(struct term *t, unsigned int n)
{
	struct term_cell *row = term_cell_at(t, 0, t->y);

	n = term_count(n, t->cols - t->x);
	for (unsigned int x = t->cols; x-- > t->x + n;)
		row[x] = row[x - n];
	blank_span(t, t->y, t->x, t->x + n);
	t->wrap_pending = false;
}

TERM_NO_LIBCALLS void term_delete_chars(struct term *t, unsigned int n)
{
	struct term_cell *row = term_cell_at(t, 0, t->y);

	n = term_count(n, t->cols - t->x);
	for (unsigned int x = t->x; x + n < t->cols; x++)
		row[x] = row[x + n];
	blank_span(t, t->y, t->cols - n, t->cols);
	t->wrap_pending = false;
}
