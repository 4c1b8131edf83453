/*
 * A VT100/xterm-style terminal emulator working on a grid of cells: the
 * bytes written to it (text, control characters, ANSI escape sequences,
 * UTF-8) become cell contents, a cursor position and a scroll region. It
 * draws nothing itself: a renderer (the framebuffer console, the VGA text
 * console) reads the cells of the rows marked dirty and draws them, and is
 * told through term_ops when a region scrolls, so that it can move pixels
 * instead of redrawing them. Queries (cursor position, device status and
 * attributes) are answered through term_ops too.
 *
 * Pure code (kernel/drivers/console/term.c, ansi.c): no kernel dependencies, so the
 * host test tests/host/test_ansi.c compiles the same files.
 */
#ifndef KERNEL_TERM_H
#define KERNEL_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERM_MAX_COLS 256
#define TERM_MAX_ROWS 128
#define TERM_MAX_PARAMS 16

/* ANSI colour numbers (SGR 30+n / 40+n); +8 is the bright variant. */
enum term_color {
	TERM_BLACK,
	TERM_RED,
	TERM_GREEN,
	TERM_YELLOW,
	TERM_BLUE,
	TERM_MAGENTA,
	TERM_CYAN,
	TERM_WHITE,
	TERM_BRIGHT = 8,
};

#define TERM_DEFAULT_FG TERM_WHITE
#define TERM_DEFAULT_BG TERM_BLACK

/* Cell attributes (struct term_cell.attr). */
#define TERM_ATTR_BOLD 0x01
#define TERM_ATTR_UNDERLINE 0x02
#define TERM_ATTR_REVERSE 0x04

/* One character cell; 8 bytes, so renderers can compare cells cheaply. */
struct term_cell {
	uint32_t ch;	/* Unicode code point; ' ' when blank */
	uint8_t fg, bg; /* enum term_color, 0..15, as SGR set them */
	uint8_t attr;	/* TERM_ATTR_* */
	uint8_t pad;	/* always 0 */
};

struct term_ops {
	/*
	 * Rows [top, bottom) moved up by n (n > 0) or down by -n rows; the
	 * rows that came in are blank and marked dirty, like every row of
	 * the region. A hint only: a renderer may ignore it and redraw.
	 */
	void (*scroll)(void *ctx, unsigned int top, unsigned int bottom, int n);
	void (*bell)(void *ctx); /* BEL; may be NULL */
	/*
	 * The terminal's reply to a query, as the Linux console gives it:
	 * bytes for the input of whoever reads this terminal (CSI 6 n, the
	 * cursor position ESC [ row ; col R; CSI 5 n, ESC [ 0 n; CSI c and
	 * ESC Z, ESC [ ? 6 c). Called from within term_write; may be NULL.
	 */
	void (*answer)(void *ctx, const char *buf, size_t len);
};

enum term_state {
	TERM_GROUND,
	TERM_ESC,	  /* after ESC */
	TERM_ESC_CHARSET, /* after ESC ( ) * +: the charset byte */
	TERM_ESC_SKIP,	  /* after ESC # or ESC SP..: one more byte */
	TERM_CSI,	  /* after ESC [ : parameters */
	TERM_CSI_IGNORE,  /* a malformed CSI: swallow to its final byte */
	TERM_STRING,	  /* OSC, DCS, APC, PM, SOS: swallow to ST/BEL */
	TERM_STRING_ESC,  /* ESC inside a string: ST if '\' follows */
};

struct term_saved {
	unsigned int x, y;
	struct term_cell pen;
	bool wrap_pending, dec_graphics;
};

struct term {
	unsigned int cols, rows;
	struct term_cell *cells; /* rows * cols, row by row; the owner's */

	/*
	 * The alternate screen (modes 47, 1047, 1049) is a second grid of
	 * the owner's: switching swaps the pointers, so cells is always the
	 * grid shown and the other one keeps its contents untouched. Each
	 * screen has its own saved cursor, as in xterm.
	 */
	struct term_cell *other_cells; /* the grid not shown */
	struct term_saved other_saved; /* the saved cursor of that grid */
	bool alt_screen;	       /* cells is the alternate grid */

	/* The cursor, 0-based. After a write to the last column the cursor
	 * stays there with wrap_pending set: the next character wraps. */
	unsigned int x, y;
	bool wrap_pending;
	struct term_cell pen;	  /* colours and attributes of new text */
	unsigned int top, bottom; /* scroll region rows [top, bottom) */
	bool cursor_visible;	  /* DECTCEM, ?25h/l */
	bool autowrap;		  /* DECAWM, ?7h/l */
	bool newline_mode;	  /* LNM: LF also returns the carriage */
	bool dec_graphics;	  /* G0 is DEC line drawing (ESC ( 0) */
	struct term_saved saved;  /* ESC 7 / CSI s */

	/* The escape sequence parser (ansi.c). */
	enum term_state state;
	unsigned int params[TERM_MAX_PARAMS];
	unsigned int nparams;
	char private_mark; /* '?', '>', '=', '<' before the parameters, or 0 */
	char intermediate; /* a byte 0x20-0x2f before the final byte, or 0 */
	uint32_t utf8_cp;  /* the code point being decoded */
	unsigned int utf8_left, utf8_len;

	uint64_t dirty[TERM_MAX_ROWS / 64]; /* a bit per row to redraw */
	const struct term_ops *ops;
	void *ctx;
};

/*
 * Set up t on cells and alt_cells, the main and alternate screens (cols *
 * rows cells each, at most TERM_MAX_*), both cleared, the main one shown,
 * cursor home, every row dirty; ops may be NULL. 0 or -EINVAL.
 */
int term_init(struct term *t, struct term_cell *cells,
	      struct term_cell *alt_cells, unsigned int cols, unsigned int rows,
	      const struct term_ops *ops, void *ctx);

/* Full reset (ESC c): modes, colours, region, both screens cleared and
 * the main one shown. */
void term_reset(struct term *t);

/* Interpret len bytes of output. Never fails: junk is dropped. */
void term_write(struct term *t, const char *buf, size_t len);

static inline struct term_cell *term_cell_at(struct term *t, unsigned int x,
					     unsigned int y)
{
	return &t->cells[(size_t)y * t->cols + x];
}

/* Row dirtiness: renderers take (test and clear) it; anyone may set it. */
void term_mark_dirty(struct term *t, unsigned int row);
void term_mark_all_dirty(struct term *t);
bool term_take_dirty(struct term *t, unsigned int row);

/*
 * The colours to draw a cell in, after bold (brightens a dark foreground)
 * and reverse video.
 */
static inline void term_cell_colors(const struct term_cell *c, uint8_t *fg,
				    uint8_t *bg)
{
	uint8_t f = c->fg, b = c->bg;

	if ((c->attr & TERM_ATTR_BOLD) && f < TERM_BRIGHT)
		f += TERM_BRIGHT;
	if (c->attr & TERM_ATTR_REVERSE) {
		*fg = b;
		*bg = f;
	} else {
		*fg = f;
		*bg = b;
	}
}

#endif
