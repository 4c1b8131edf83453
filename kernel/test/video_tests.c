/*
 * In-kernel tests of the screen consoles (<kernel/video.h>): the PSF2
 * parser on the built-in font and on broken fonts, glyphs drawn into
 * small off-screen framebuffers of 32, 24 and 16 bits per pixel and
 * compared pixel by pixel with the font's bitmap, and a framebuffer
 * console on such a buffer scrolling a region both ways (pixel moves and
 * redraws). The scroll benchmark is in video_bench.c.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <kernel/video.h>

/* A 3-glyph 8x8 font: 'A', U+2500 and '?' (the fallback). */
#define TINY_GLYPHS 3
#define TINY_TABLE "A\xff\xe2\x94\x80\xff?\xff"
#define TINY_SIZE (32 + TINY_GLYPHS * 8 + sizeof(TINY_TABLE) - 1)

static uint8_t tiny[TINY_SIZE + 16];
static struct font font_a, font_b;

static void make_tiny(void)
{
	struct psf2_header h = {
		.magic = PSF2_MAGIC,
		.header_size = 32,
		.flags = PSF2_HAS_UNICODE_TABLE,
		.glyph_count = TINY_GLYPHS,
		.bytes_per_glyph = 8,
		.height = 8,
		.width = 8,
	};

	memset(tiny, 0, sizeof(tiny));
	memcpy(tiny, &h, sizeof(h));
	for (int i = 0; i < TINY_GLYPHS * 8; i++)
		tiny[32 + i] = (uint8_t)(0x11 * (i + 1));
	memcpy(tiny + 32 + TINY_GLYPHS * 8, TINY_TABLE, sizeof(TINY_TABLE) - 1);
}

static struct psf2_header *tiny_header(void)
{
	return (struct psf2_header *)tiny;
}

KTEST(video, font_builtin)
{
	const struct font *f = font_builtin();
	size_t size;
	const uint8_t *data = font_builtin_data(&size);

	KT_ASSERT(f != NULL);
	KT_ASSERT_EQ(f->width, 8);
	KT_ASSERT_EQ(f->height, 16);
	KT_ASSERT_EQ(f->bytes_per_glyph, 16);
	KT_ASSERT(f->glyph_count >= 256);
	KT_ASSERT(f->glyphs > data && f->glyphs < data + size);
	/* Text, Latin-1 and box drawing have glyphs of their own. */
	KT_ASSERT(font_glyph(f, 'A') != font_glyph(f, 'B'));
	KT_ASSERT(font_glyph(f, 'A') != font_glyph(f, 0x10ffff));
	KT_ASSERT(font_glyph(f, 0xe9) != font_glyph(f, 0x10ffff));
	KT_ASSERT(font_glyph(f, 0x2500) != font_glyph(f, 0x10ffff));
	KT_ASSERT(font_glyph(f, 0x10ffff) == font_glyph(f, 0xfffd));
}

KTEST(video, font_parse_tiny)
{
	make_tiny();
	KT_ASSERT_EQ(font_parse(&font_a, tiny, TINY_SIZE), 0);
	KT_ASSERT_EQ(font_glyph(&font_a, 'A'), tiny + 32);
	KT_ASSERT_EQ(font_glyph(&font_a, 0x2500), tiny + 40);
	KT_ASSERT_EQ(font_glyph(&font_a, '?'), tiny + 48);
	KT_ASSERT_EQ(font_glyph(&font_a, 'Z'), tiny + 48);
	KT_ASSERT_EQ(font_glyph(&font_a, 0x1f600), tiny + 48);
}

/* Each corruption of the tiny font must be refused. */
KTEST(video, font_parse_rejects)
{
	static const struct {
		size_t field; /* uint32_t index into the header */
		uint32_t value;
	} bad[] = {
		{0, 0x12345678}, {1, 1},	  {2, 8}, {2, 0x10000},
		{4, 0},		 {4, 0x40000000}, {4, 5}, {5, 9},
		{6, 0},		 {6, 65},	  {7, 0}, {7, 33},
	};
	uint32_t *fields = (uint32_t *)tiny;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		make_tiny();
		fields[bad[i].field] = bad[i].value;
		KT_ASSERT_EQ(font_parse(&font_b, tiny, TINY_SIZE), -EINVAL);
	}
	make_tiny();
	KT_ASSERT_EQ(font_parse(&font_b, tiny, 31), -EINVAL);
	KT_ASSERT_EQ(font_parse(&font_b, tiny, 32 + 8), -EINVAL);
	/* The table's last entry cut short, and bad UTF-8 in it. */
	KT_ASSERT_EQ(font_parse(&font_b, tiny, TINY_SIZE - 1), -EINVAL);
	tiny[32 + TINY_GLYPHS * 8 + 2] = 0xc0;
	KT_ASSERT_EQ(font_parse(&font_b, tiny, TINY_SIZE), -EINVAL);
	/* Without a table, glyph i is code point i. */
	make_tiny();
	tiny_header()->flags = 0;
	KT_ASSERT_EQ(font_parse(&font_b, tiny, TINY_SIZE), 0);
	KT_ASSERT_EQ(font_glyph(&font_b, 1), tiny + 40);
}

/* An off-screen framebuffer: 8 x 4 cells of the built-in font. */
#define OFF_W 64
#define OFF_H 64
static uint8_t off_pixels[OFF_W * OFF_H * 4 + 64];

static struct boot_framebuffer off_desc(unsigned int bpp, unsigned int pad)
{
	struct boot_framebuffer d = {
		.address = off_pixels,
		.width = OFF_W,
		.height = OFF_H,
		.pitch = OFF_W * (bpp / 8) + pad,
		.bpp = (uint16_t)bpp,
		.memory_model = LIMINE_FRAMEBUFFER_RGB,
		.red_size = 8,
		.red_shift = 16,
		.green_size = 8,
		.green_shift = 8,
		.blue_size = 8,
	};

	if (bpp == 16) { /* RGB 5:6:5 */
		d.red_size = 5;
		d.red_shift = 11;
		d.green_size = 6;
		d.green_shift = 5;
		d.blue_size = 5;
	}
	return d;
}

/*
 * Pixels of cell (cx, cy) that differ from its glyph drawn pixel by pixel
 * here, independently of fbdraw.c's fast paths.
 */
static unsigned int cell_errors(const struct fb_surface *fb,
				const struct font *f, unsigned int cx,
				unsigned int cy, const struct term_cell *cell,
				bool invert)
{
	const uint8_t *glyph = font_glyph(f, cell->ch);
	unsigned int errors = 0;
	uint8_t fg, bg;

	term_cell_colors(cell, &fg, &bg);
	for (unsigned int y = 0; y < f->height; y++) {
		for (unsigned int x = 0; x < f->width; x++) {
			uint8_t byte = glyph[y * f->bytes_per_row + x / 8];
			bool on = (byte >> (7 - x % 8)) & 1;
			uint32_t want;

			if ((cell->attr & TERM_ATTR_UNDERLINE) &&
			    y + 2 == f->height)
				on = true;
			want = fb->palette[on != invert ? fg : bg];
			errors += fb_get_pixel(fb, cx * f->width + x,
					       cy * f->height + y) != want;
		}
	}
	return errors;
}

static int render_and_check(unsigned int bpp, unsigned int pad)
{
	const struct font *f = font_builtin();
	struct boot_framebuffer d = off_desc(bpp, pad);
	struct fb_surface fb;
	struct term_cell cells[4] = {
		{.ch = 'A', .fg = TERM_RED, .bg = TERM_BLUE},
		{.ch = 'g',
		 .fg = TERM_WHITE,
		 .bg = TERM_BLACK,
		 .attr = TERM_ATTR_BOLD | TERM_ATTR_UNDERLINE},
		{.ch = 0x2502, .fg = TERM_GREEN, .bg = TERM_YELLOW},
		{.ch = '#',
		 .fg = TERM_CYAN,
		 .bg = TERM_MAGENTA,
		 .attr = TERM_ATTR_REVERSE},
	};
	unsigned int errors = 0;

	if (!f || fb_surface_init(&fb, &d))
		return -1;
	memset(off_pixels, 0x5a, sizeof(off_pixels));
	fb_draw_cells(&fb, f, f->width, f->height, cells, 4, false);
	fb_draw_cells(&fb, f, 0, 2 * f->height, cells, 1, true);
	for (unsigned int i = 0; i < 4; i++)
		errors += cell_errors(&fb, f, 1 + i, 1, &cells[i], false);
	errors += cell_errors(&fb, f, 0, 2, &cells[0], true);
	/* Nothing outside the cells drawn: the pixel left of them. */
	errors += fb_get_pixel(&fb, f->width - 1, f->height) !=
		  fb_get_pixel(&fb, 0, 0);
	return (int)errors;
}

KTEST(video, render_glyph_32bpp)
{
	KT_ASSERT_EQ(render_and_check(32, 0), 0);
	KT_ASSERT_EQ(render_and_check(32, 4), 0); /* odd-word pitch */
}

KTEST(video, render_glyph_24bpp)
{
	KT_ASSERT_EQ(render_and_check(24, 0), 0);
	KT_ASSERT_EQ(render_and_check(24, 5), 0);
}

KTEST(video, render_glyph_16bpp)
{
	KT_ASSERT_EQ(render_and_check(16, 0), 0);
	KT_ASSERT_EQ(render_and_check(16, 2), 0);
}

KTEST(video, surface_rejects)
{
	struct boot_framebuffer d = off_desc(32, 0);
	struct fb_surface fb;

	d.bpp = 8;
	KT_ASSERT_EQ(fb_surface_init(&fb, &d), -EINVAL);
	d = off_desc(32, 0);
	d.pitch = OFF_W * 4 - 1;
	KT_ASSERT_EQ(fb_surface_init(&fb, &d), -EINVAL);
	d = off_desc(16, 0);
	d.red_shift = 12; /* 5 bits at 12 pass bit 15 */
	KT_ASSERT_EQ(fb_surface_init(&fb, &d), -EINVAL);
	d = off_desc(32, 0);
	d.memory_model = 0;
	KT_ASSERT_EQ(fb_surface_init(&fb, &d), -EINVAL);
}

/* A console on the off-screen buffer, and what its pixels must show. */
static struct fbcon off_con;
static struct term off_term;
static struct term_cell off_cells[8 * 4], off_alt[8 * 4], off_shown[8 * 4];

static unsigned int screen_errors(struct fbcon *c)
{
	struct term *t = c->term;
	unsigned int errors = 0;

	for (unsigned int y = 0; y < t->rows; y++) {
		for (unsigned int x = 0; x < t->cols; x++) {
			bool cursor =
				t->cursor_visible && x == t->x && y == t->y;

			errors += cell_errors(&c->fb, c->font, x, y,
					      term_cell_at(t, x, y), cursor);
		}
	}
	return errors;
}

static bool row_is(struct fbcon *c, unsigned int y, const char *text)
{
	for (unsigned int x = 0; x < c->cols; x++) {
		if (term_cell_at(c->term, x, y)->ch != (uint8_t)text[x])
			return false;
	}
	return true;
}

static void con_puts(struct fbcon *c, const char *s)
{
	fbcon_write(c, s, strlen(s));
}

/* The 8x4-cell off-screen console at 32 bpp, scrolling by move or redraw. */
static struct fbcon *off_console(bool by_move)
{
	struct boot_framebuffer d = off_desc(32, 0);

	if (fbcon_setup(&off_con, &d, font_builtin(), off_shown, 8, 4) ||
	    term_init(&off_term, off_cells, off_alt, off_con.cols, off_con.rows,
		      &fbcon_term_ops, &off_con))
		return NULL;
	off_term.newline_mode = true;
	fbcon_show(&off_con, &off_term);
	off_con.scroll_by_move = by_move;
	return &off_con;
}

/* DECSTBM region 2-3 of 4 rows: lines scroll inside it only, both ways. */
static int region_case(bool by_move)
{
	struct fbcon *c = off_console(by_move);

	if (!c)
		return -1;
	con_puts(c, "top\n\033[31mone\ntwo\n\033[0mbottom\033[2;3r");
	con_puts(c, "\033[3;1Hthree\nfour\nfive");
	if (!row_is(c, 0, "top     ") || !row_is(c, 1, "four    ") ||
	    !row_is(c, 2, "five    ") || !row_is(c, 3, "bottom  "))
		return -2;
	if (screen_errors(c))
		return -3;
	con_puts(c, "\033[2;1H\033M\033M\033[?25l");
	if (!row_is(c, 1, "        ") || !row_is(c, 3, "bottom  "))
		return -4;
	if (screen_errors(c))
		return -5;
	con_puts(c, "\033[r\033[?25h\033[4;1H\n\n\033[1;44mx\033[2L");
	return (int)screen_errors(c);
}

KTEST(video, scroll_region_move)
{
	KT_ASSERT_EQ(region_case(true), 0);
}

KTEST(video, scroll_region_redraw)
{
	KT_ASSERT_EQ(region_case(false), 0);
}

/*
 * The alternate screen: the main screen's pixels come back after a session
 * that scrolled, even when the scroll and the switch back arrive in one
 * write (the scroll hint is still pending when every row gets dirty).
 */
static int alt_screen_case(bool by_move)
{
	struct fbcon *c = off_console(by_move);

	if (!c)
		return -1;
	con_puts(c, "main\n\033[31mred\033[0m\n\033[1;44mbold");
	con_puts(c, "\033[?1049h\033[4;1Hvi\n\n~\033[2;3r\033[3;1H\nz");
	if (!row_is(c, 0, "        ") || !row_is(c, 3, "~       "))
		return -2;
	if (screen_errors(c))
		return -3;
	con_puts(c, "\033[r\033[4;1H\n\n\033[?1049l");
	if (!row_is(c, 0, "main    ") || !row_is(c, 1, "red     ") ||
	    !row_is(c, 2, "bold    ") || c->term->x != 4 || c->term->y != 2)
		return -4;
	return (int)screen_errors(c);
}

KTEST(video, alt_screen_move)
{
	KT_ASSERT_EQ(alt_screen_case(true), 0);
}

KTEST(video, alt_screen_redraw)
{
	KT_ASSERT_EQ(alt_screen_case(false), 0);
}
