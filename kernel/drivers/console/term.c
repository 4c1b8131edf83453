/*
 * The cell-grid half of the terminal emulator (<kernel/term.h>): setting
 * up, putting characters, moving and saving the cursor, the scroll region,
 * the dirty-row marks the renderer reads and the switch between the main
 * and alternate screens; term_edit.c scrolls, inserts, deletes and erases.
 * ansi.c turns the byte stream into these calls (see term_priv.h).
 *
 * Invariants every function keeps: x < cols, y < rows, and
 * top < bottom <= rows, so cell indexes never leave the grid whatever
 * sequence arrives.
 */
#include <kernel/errno.h>

#include "term_priv.h"

void term_mark_dirty(struct term *t, unsigned int row)
{
	if (row < t->rows)
		t->dirty[row / 64] |= 1ULL << (row % 64);
}

void term_mark_all_dirty(struct term *t)
{
	for (unsigned int r = 0; r < t->rows; r++)
		term_mark_dirty(t, r);
}

bool term_take_dirty(struct term *t, unsigned int row)
{
	uint64_t bit = 1ULL << (row % 64);
	bool was;

	if (row >= t->rows)
		return false;
	was = t->dirty[row / 64] & bit;
	t->dirty[row / 64] &= ~bit;
	return was;
}

void term_answer(struct term *t, const char *buf, size_t len)
{
	if (t->ops && t->ops->answer)
		t->ops->answer(t->ctx, buf, len);
}

void term_set_region(struct term *t, unsigned int top, unsigned int bottom)
{
	if (bottom > t->rows)
		bottom = t->rows;
	if (top + 1 >= bottom)
		return; /* DECSTBM needs at least two rows: ignore */
	t->top = top;
	t->bottom = bottom;
	term_move_to(t, 0, 0);
}

void term_move_to(struct term *t, long x, long y)
{
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	t->x = x >= (long)t->cols ? t->cols - 1 : (unsigned int)x;
	t->y = y >= (long)t->rows ? t->rows - 1 : (unsigned int)y;
	t->wrap_pending = false;
}

void term_carriage_return(struct term *t)
{
	t->x = 0;
	t->wrap_pending = false;
}

void term_linefeed(struct term *t)
{
	if (t->y == t->bottom - 1)
		term_scroll_up(t, 1);
	else if (t->y + 1 < t->rows)
		t->y++;
	t->wrap_pending = false;
}

void term_reverse_index(struct term *t)
{
	if (t->y == t->top)
		term_scroll_down(t, 1);
	else if (t->y > 0)
		t->y--;
	t->wrap_pending = false;
}

void term_backspace(struct term *t)
{
	if (t->x > 0)
		t->x--;
	t->wrap_pending = false;
}

void term_tab(struct term *t)
{
	unsigned int next = (t->x / 8 + 1) * 8;

	t->x = next >= t->cols ? t->cols - 1 : next;
}

/* CUU and CUD stop at the region's margin when they start inside it. */
void term_cursor_up(struct term *t, unsigned int n)
{
	unsigned int limit = t->y >= t->top ? t->top : 0;

	n = term_count(n, t->rows);
	term_move_to(t, t->x, t->y - limit < n ? limit : t->y - n);
}

void term_cursor_down(struct term *t, unsigned int n)
{
	unsigned int limit = t->y < t->bottom ? t->bottom - 1 : t->rows - 1;

	n = term_count(n, t->rows);
	term_move_to(t, t->x, limit - t->y < n ? limit : t->y + n);
}

void term_save_cursor(struct term *t)
{
	t->saved = (struct term_saved){
		.x = t->x,
		.y = t->y,
		.pen = t->pen,
		.wrap_pending = t->wrap_pending,
		.dec_graphics = t->dec_graphics,
	};
}

void term_restore_cursor(struct term *t)
{
	term_move_to(t, t->saved.x, t->saved.y);
	t->pen = t->saved.pen;
	t->wrap_pending = t->saved.wrap_pending && t->x == t->cols - 1;
	t->dec_graphics = t->saved.dec_graphics;
}

/* Swap the shown grid and its saved cursor with the other screen's. */
static void swap_screens(struct term *t)
{
	struct term_cell *cells = t->cells;
	struct term_saved saved = t->saved;

	t->cells = t->other_cells;
	t->other_cells = cells;
	t->saved = t->other_saved;
	t->other_saved = saved;
	t->alt_screen = !t->alt_screen;
	/* Every cell may differ: the renderer must look at all of them. */
	term_mark_all_dirty(t);
}

void term_use_alt_screen(struct term *t, bool alt)
{
	if (alt != t->alt_screen)
		swap_screens(t);
}

void term_put_char(struct term *t, uint32_t cp)
{
	struct term_cell c = t->pen;

	if (t->wrap_pending) {
		term_carriage_return(t);
		term_linefeed(t);
	}
	c.ch = cp;
	c.pad = 0;
	*term_cell_at(t, t->x, t->y) = c;
	term_mark_dirty(t, t->y);
	if (t->x + 1 < t->cols)
		t->x++;
	else
		t->wrap_pending = t->autowrap;
}

/* Clear the shown screen and set its saved cursor to home, default pen. */
static void reset_screen(struct term *t)
{
	term_move_to(t, 0, 0);
	term_save_cursor(t);
	term_erase_display(t, 2);
}

/* LNM (newline_mode) is the owner's choice and survives a reset. */
void term_reset(struct term *t)
{
	t->pen = (struct term_cell){
		.ch = ' ', .fg = TERM_DEFAULT_FG, .bg = TERM_DEFAULT_BG};
	t->top = 0;
	t->bottom = t->rows;
	t->cursor_visible = true;
	t->autowrap = true;
	t->dec_graphics = false;
	term_parser_reset(t);
	/* Both grids, so that a later ?47h cannot show stale cells. */
	term_use_alt_screen(t, true);
	reset_screen(t);
	term_use_alt_screen(t, false);
	reset_screen(t);
}

int term_init(struct term *t, struct term_cell *cells,
	      struct term_cell *alt_cells, unsigned int cols, unsigned int rows,
	      const struct term_ops *ops, void *ctx)
{
	if (!cells || !alt_cells || cells == alt_cells || cols == 0 ||
	    rows == 0 || cols > TERM_MAX_COLS || rows > TERM_MAX_ROWS)
		return -EINVAL;
	*t = (struct term){
		.cols = cols,
		.rows = rows,
		.cells = cells,
		.other_cells = alt_cells,
		.ops = ops,
		.ctx = ctx,
	};
	term_reset(t);
	return 0;
}
