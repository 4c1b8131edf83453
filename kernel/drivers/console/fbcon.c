/*
 * The framebuffer console (see <kernel/video.h>): a terminal
 * (<kernel/term.h>) whose cells are drawn with the built-in PSF2 font.
 *
 * Every write ends in a flush that brings the pixels up to date. The flush
 * compares each dirty row of the terminal with `shown`, a copy of what the
 * pixels show, and draws only the runs of cells that differ. Scrolls are
 * not drawn as they happen: term.c reports them (scroll_hint), they add up
 * in `pending`, and the flush first moves the pixels and `shown` together
 * by the total, so a burst of output that scrolls many lines costs one
 * move and one redraw of the rows that changed. shown[] and the pixels
 * always agree, which is what makes the diff safe whatever happened.
 *
 * The cursor is the cell under it drawn in reverse; shown[] marks that
 * cell STALE so the next flush redraws it plain before drawing it anew.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/video.h>

#define STALE 0xffffffffu /* shown[].ch: the pixels must be redrawn */
#define LIVE_COLS 240	  /* 1920 pixels of an 8-pixel font */
#define LIVE_ROWS 90	  /* 1440 pixels of a 16-pixel font */

static bool cell_eq(const struct term_cell *a, const struct term_cell *b)
{
	return a->ch == b->ch && a->fg == b->fg && a->bg == b->bg &&
	       a->attr == b->attr;
}

static struct term_cell *shown_row(struct fbcon *c, unsigned int y)
{
	return &c->shown[(size_t)y * c->term.cols];
}

static void mark_stale(struct fbcon *c, unsigned int first, unsigned int end)
{
	for (unsigned int y = first; y < end; y++)
		for (unsigned int x = 0; x < c->term.cols; x++)
			shown_row(c, y)[x].ch = STALE;
}

void fbcon_invalidate(struct fbcon *c)
{
	mark_stale(c, 0, c->term.rows);
	term_mark_all_dirty(&c->term);
	c->cursor_drawn = false;
	c->pending.n = 0;
}

/* Move pixels and shown[] by the pending scroll: up if n > 0. */
static void apply_pending(struct fbcon *c)
{
	unsigned int top = c->pending.top, bottom = c->pending.bottom;
	int n = c->pending.n;
	unsigned int k = n > 0 ? (unsigned int)n : (unsigned int)-n;
	unsigned int h = c->font->height, keep;

	if (n == 0)
		return;
	c->pending.n = 0;
	if (k >= bottom - top) { /* all of it scrolled away: redraw */
		mark_stale(c, top, bottom);
		return;
	}
	keep = bottom - top - k;
	if (n > 0) {
		fb_move_lines(&c->fb, top * h, (top + k) * h, keep * h, 0,
			      c->term.cols * c->font->width);
		for (unsigned int y = top; y < top + keep; y++)
			for (unsigned int x = 0; x < c->term.cols; x++)
				shown_row(c, y)[x] = shown_row(c, y + k)[x];
		mark_stale(c, top + keep, bottom);
	} else {
		fb_move_lines(&c->fb, (top + k) * h, top * h, keep * h, 0,
			      c->term.cols * c->font->width);
		for (unsigned int y = bottom; y-- > top + k;)
			for (unsigned int x = 0; x < c->term.cols; x++)
				shown_row(c, y)[x] = shown_row(c, y - k)[x];
		mark_stale(c, top, top + k);
	}
}

/* term.c's scroll report: add it up while it continues the same scroll. */
static void scroll_hint(void *ctx, unsigned int top, unsigned int bottom, int n)
{
	struct fbcon *c = ctx;

	if (!c->scroll_by_move)
		return; /* the diff redraws whatever moved */
	if (c->pending.n &&
	    (c->pending.top != top || c->pending.bottom != bottom ||
	     (c->pending.n > 0) != (n > 0)))
		apply_pending(c);
	c->pending.top = top;
	c->pending.bottom = bottom;
	if (c->pending.n > -(int)TERM_MAX_ROWS &&
	    c->pending.n < (int)TERM_MAX_ROWS)
		c->pending.n += n;
}

static const struct term_ops fbcon_term_ops = {.scroll = scroll_hint};

/* Draw the runs of cells of row y that differ from what is shown. */
static void draw_row_diff(struct fbcon *c, unsigned int y)
{
	const struct term_cell *want = term_cell_at(&c->term, 0, y);
	struct term_cell *have = shown_row(c, y);
	unsigned int x = 0, cols = c->term.cols;

	while (x < cols) {
		unsigned int start;

		if (cell_eq(&want[x], &have[x])) {
			x++;
			continue;
		}
		for (start = x; x < cols && !cell_eq(&want[x], &have[x]); x++)
			have[x] = want[x];
		fb_draw_cells(&c->fb, c->font, start * c->font->width,
			      y * c->font->height, &want[start], x - start,
			      false);
	}
}

static void draw_cursor(struct fbcon *c)
{
	struct term *t = &c->term;

	c->cursor_drawn = false;
	if (!t->cursor_visible)
		return;
	fb_draw_cells(&c->fb, c->font, t->x * c->font->width,
		      t->y * c->font->height, term_cell_at(t, t->x, t->y), 1,
		      true);
	shown_row(c, t->y)[t->x].ch = STALE;
	c->cursor_x = t->x;
	c->cursor_y = t->y;
	c->cursor_drawn = true;
}

void fbcon_flush(struct fbcon *c)
{
	apply_pending(c);
	if (c->cursor_drawn) /* its cell is STALE: the diff redraws it */
		term_mark_dirty(&c->term, c->cursor_y);
	for (unsigned int y = 0; y < c->term.rows; y++) {
		if (term_take_dirty(&c->term, y))
			draw_row_diff(c, y);
	}
	draw_cursor(c);
}

void fbcon_write(struct fbcon *c, const char *buf, size_t len)
{
	term_write(&c->term, buf, len);
	fbcon_flush(c);
}

int fbcon_setup(struct fbcon *c, const struct boot_framebuffer *desc,
		const struct font *font, struct term_cell *cells,
		struct term_cell *alt_cells, struct term_cell *shown,
		unsigned int max_cols, unsigned int max_rows)
{
	unsigned int cols, rows;
	int err;

	*c = (struct fbcon){
		.font = font, .shown = shown, .scroll_by_move = true};
	err = fb_surface_init(&c->fb, desc);
	if (err)
		return err;
	cols = c->fb.width / font->width;
	rows = c->fb.height / font->height;
	cols = cols < max_cols ? cols : max_cols;
	rows = rows < max_rows ? rows : max_rows;
	err = term_init(&c->term, cells, alt_cells, cols, rows, &fbcon_term_ops,
			c);
	if (err)
		return err;
	c->term.newline_mode = true; /* the console's "\n" is a line end */
	fb_fill(&c->fb, 0, 0, c->fb.width, c->fb.height,
		c->fb.palette[TERM_DEFAULT_BG]);
	fbcon_invalidate(c);
	return 0;
}

/* ---------------------------------------------------------- live console */

static struct fbcon live;
static bool live_ready;
static struct term_cell live_cells[LIVE_COLS * LIVE_ROWS];
static struct term_cell live_alt_cells[LIVE_COLS * LIVE_ROWS];
static struct term_cell live_shown[LIVE_COLS * LIVE_ROWS];

static void live_write(const char *buf, size_t len)
{
	fbcon_write(&live, buf, len);
}

static const struct console_sink fbcon_sink = {
	.name = "fbcon",
	.write = live_write,
};

/*
 * Scrolling by moving pixels reads video memory, which on real hardware
 * (write-combining, behind a bus) is many times slower than writing it;
 * under QEMU it is plain memory and moving wins. So time a move of the top
 * (blank) lines against filling them, and move only if reads are cheap.
 */
static bool moving_pays(struct fbcon *c)
{
	uint32_t lines = c->fb.height / 8, w = c->fb.width;
	uint32_t bg = c->fb.palette[TERM_DEFAULT_BG];
	uint64_t t0, fill, move;

	t0 = arch_cycles();
	fb_fill(&c->fb, 0, 0, w, lines, bg);
	fill = arch_cycles() - t0;
	t0 = arch_cycles();
	fb_move_lines(&c->fb, 0, 1, lines, 0, w);
	move = arch_cycles() - t0;
	return move < 4 * fill;
}

int fbcon_init(const struct boot_framebuffer *desc)
{
	const struct font *font = font_builtin();
	int err;

	if (!font)
		return -EINVAL;
	err = fbcon_setup(&live, desc, font, live_cells, live_alt_cells,
			  live_shown, LIVE_COLS, LIVE_ROWS);
	if (err)
		return err;
	live.scroll_by_move = moving_pays(&live);
	console_replay(&fbcon_sink);
	err = console_register(&fbcon_sink);
	if (err)
		return err;
	live_ready = true;
	klog(KLOG_INFO,
	     "console: framebuffer %ux%ux%u pitch %u, font %ux%u, %ux%u cells, "
	     "scrolling by %s\n",
	     live.fb.width, live.fb.height, live.fb.bytes_pp * 8, live.fb.pitch,
	     font->width, font->height, live.term.cols, live.term.rows,
	     live.scroll_by_move ? "moving" : "redrawing");
	return 0;
}

struct fbcon *fbcon_live(void)
{
	return live_ready ? &live : NULL;
}

void fbcon_live_restart(void)
{
	if (!live_ready)
		return;
	term_reset(&live.term);
	fbcon_invalidate(&live);
	console_replay(&fbcon_sink);
}
