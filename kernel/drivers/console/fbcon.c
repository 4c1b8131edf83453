/*
 * The framebuffer console (see <kernel/video.h>): a terminal
 * (<kernel/term.h>) whose cells are drawn with the built-in PSF2 font.
 * The live console on the boot framebuffer is the VTs' screen
 * (<kernel/vt.h>): it draws whichever VT is shown, and a switch redraws
 * every cell (fbcon_show).
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
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/video.h>
#include <kernel/vt.h>

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
	return &c->shown[(size_t)y * c->cols];
}

static void mark_stale(struct fbcon *c, unsigned int first, unsigned int end)
{
	for (unsigned int y = first; y < end; y++)
		for (unsigned int x = 0; x < c->cols; x++)
			shown_row(c, y)[x].ch = STALE;
}

void fbcon_invalidate(struct fbcon *c)
{
	mark_stale(c, 0, c->rows);
	if (c->term)
		term_mark_all_dirty(c->term);
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
			      c->cols * c->font->width);
		for (unsigned int y = top; y < top + keep; y++)
			for (unsigned int x = 0; x < c->cols; x++)
				shown_row(c, y)[x] = shown_row(c, y + k)[x];
		mark_stale(c, top + keep, bottom);
	} else {
		fb_move_lines(&c->fb, (top + k) * h, top * h, keep * h, 0,
			      c->cols * c->font->width);
		for (unsigned int y = bottom; y-- > top + k;)
			for (unsigned int x = 0; x < c->cols; x++)
				shown_row(c, y)[x] = shown_row(c, y - k)[x];
		mark_stale(c, top, top + k);
	}
}

/* term.c's scroll report: add it up while it continues the same scroll. */
void fbcon_scroll(struct fbcon *c, unsigned int top, unsigned int bottom, int n)
{
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

static void scroll_hint(void *ctx, unsigned int top, unsigned int bottom, int n)
{
	fbcon_scroll(ctx, top, bottom, n);
}

const struct term_ops fbcon_term_ops = {.scroll = scroll_hint};

/* Draw the runs of cells of row y that differ from what is shown. */
static void draw_row_diff(struct fbcon *c, unsigned int y)
{
	const struct term_cell *want = term_cell_at(c->term, 0, y);
	struct term_cell *have = shown_row(c, y);
	unsigned int x = 0, cols = c->cols;

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
	struct term *t = c->term;

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
	if (!c->term)
		return;
	apply_pending(c);
	if (c->cursor_drawn) /* its cell is STALE: the diff redraws it */
		term_mark_dirty(c->term, c->cursor_y);
	for (unsigned int y = 0; y < c->rows; y++) {
		if (term_take_dirty(c->term, y))
			draw_row_diff(c, y);
	}
	draw_cursor(c);
}

void fbcon_write(struct fbcon *c, const char *buf, size_t len)
{
	if (!c->term)
		return;
	term_write(c->term, buf, len);
	fbcon_flush(c);
}

void fbcon_show(struct fbcon *c, struct term *t)
{
	c->term = t;
	fbcon_invalidate(c);
}

int fbcon_setup(struct fbcon *c, const struct boot_framebuffer *desc,
		const struct font *font, struct term_cell *shown,
		unsigned int max_cols, unsigned int max_rows)
{
	int err;

	*c = (struct fbcon){
		.font = font, .shown = shown, .scroll_by_move = true};
	err = fb_surface_init(&c->fb, desc);
	if (err)
		return err;
	c->cols = c->fb.width / font->width;
	c->rows = c->fb.height / font->height;
	c->cols = c->cols < max_cols ? c->cols : max_cols;
	c->rows = c->rows < max_rows ? c->rows : max_rows;
	if (c->cols == 0 || c->rows == 0)
		return -EINVAL;
	fb_fill(&c->fb, 0, 0, c->fb.width, c->fb.height,
		c->fb.palette[TERM_DEFAULT_BG]);
	fbcon_invalidate(c);
	return 0;
}

/* ---------------------------------------------------------- live console */

static struct fbcon live;
static bool live_ready;
static struct term_cell live_shown[LIVE_COLS * LIVE_ROWS];

/* The VTs' screen operations (ctx: &live). */
static void live_show(void *ctx, struct term *t)
{
	fbcon_show(ctx, t);
	fbcon_flush(ctx);
}

static void live_flush(void *ctx)
{
	fbcon_flush(ctx);
}

static const struct vt_screen_ops live_ops = {
	.show = live_show,
	.flush = live_flush,
	.scroll = scroll_hint,
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
	err = fbcon_setup(&live, desc, font, live_shown, LIVE_COLS, LIVE_ROWS);
	if (err)
		return err;
	live.scroll_by_move = moving_pays(&live);
	err = vt_init(&live_ops, &live, live.cols, live.rows);
	if (err)
		return err;
	live_ready = true;
	klog(KLOG_INFO,
	     "console: framebuffer %ux%ux%u pitch %u, font %ux%u, %ux%u cells, "
	     "scrolling by %s\n",
	     live.fb.width, live.fb.height, live.fb.bytes_pp * 8, live.fb.pitch,
	     font->width, font->height, live.cols, live.rows,
	     live.scroll_by_move ? "moving" : "redrawing");
	return 0;
}

struct fbcon *fbcon_live(void)
{
	return live_ready ? &live : NULL;
}
