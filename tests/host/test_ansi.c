/*
 * Host tests of the kernel's terminal emulator (kernel/drivers/console/term.c,
 * ansi.c, ansi_csi.c; see <kernel/term.h>), compiled with the sanitizers:
 * byte sequences in, the expected cell grid, cursor, pen and scroll
 * callbacks out; malformed sequences; and a fuzz loop of random bytes
 * with a fixed seed that checks the invariants after every chunk.
 */
#include <stdint.h>

#include <kernel/term.h>

#include "testlib.h"

#define COLS 10
#define ROWS 4

static struct term_cell cells[TERM_MAX_COLS * TERM_MAX_ROWS];
static struct term_cell alt_cells[TERM_MAX_COLS * TERM_MAX_ROWS];
static struct term term;
static char scroll_log[256]; /* "top,bottom,n;" per callback */
static int bells;
static char answers[256]; /* what the terminal answered, in order */

static void on_scroll(void *ctx, unsigned int top, unsigned int bottom, int n)
{
	size_t len = strlen(scroll_log);

	snprintf(scroll_log + len, sizeof(scroll_log) - len, "%u,%u,%d;", top,
		 bottom, n);
}

static void on_bell(void *ctx)
{
	bells++;
}

static void on_answer(void *ctx, const char *buf, size_t len)
{
	size_t have = strlen(answers);

	if (have + len < sizeof(answers)) { /* the fuzz answers a lot */
		memcpy(answers + have, buf, len);
		answers[have + len] = 0;
	}
}

static const struct term_ops ops = {
	.scroll = on_scroll, .bell = on_bell, .answer = on_answer};

/* A fresh COLS x ROWS terminal with LF as a line end, like the console. */
static struct term *setup(void)
{
	CHECK_EQ(term_init(&term, cells, alt_cells, COLS, ROWS, &ops, NULL), 0);
	term.newline_mode = true;
	scroll_log[0] = 0;
	bells = 0;
	answers[0] = 0;
	return &term;
}

static void put(struct term *t, const char *s)
{
	term_write(t, s, strlen(s));
}

/* Row y as text: ASCII as is, other code points as '?'. */
static const char *row(struct term *t, unsigned int y)
{
	static char buf[TERM_MAX_COLS + 1];

	for (unsigned int x = 0; x < t->cols; x++) {
		uint32_t ch = term_cell_at(t, x, y)->ch;
		buf[x] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[t->cols] = 0;
	return buf;
}

#define CHECK_ROW(t, y, s) CHECK_STR(row(t, y), s)
#define CHECK_CURSOR(t, cx, cy)       \
	do {                          \
		CHECK_EQ((t)->x, cx); \
		CHECK_EQ((t)->y, cy); \
	} while (0)

static void text_and_controls(void)
{
	struct term *t = setup();

	put(t, "hello");
	CHECK_ROW(t, 0, "hello     ");
	CHECK_CURSOR(t, 5, 0);
	put(t, "\rj\tx\n");
	CHECK_ROW(t, 0, "jello   x ");
	CHECK_CURSOR(t, 0, 1);
	put(t, "ab\bc\b\b\bd");
	CHECK_ROW(t, 1, "dc        ");
	put(t, "\t\t\t");
	CHECK_CURSOR(t, 9, 1); /* tabs stop at the last column */
	put(t, "\a\x7f");
	CHECK_EQ(bells, 1);
	CHECK_CURSOR(t, 9, 1);
	t->newline_mode = false;
	put(t, "\nz");
	CHECK_ROW(t, 2, "         z");
}

static void wrap_and_scroll(void)
{
	struct term *t = setup();

	put(t, "0123456789");
	CHECK_CURSOR(t, 9, 0);
	CHECK(t->wrap_pending);
	put(t, "A");
	CHECK_ROW(t, 1, "A         ");
	CHECK_CURSOR(t, 1, 1);
	put(t, "\nB\nC\nD");
	CHECK_ROW(t, 0, "A         ");
	CHECK_ROW(t, 3, "D         ");
	CHECK_STR(scroll_log, "0,4,1;");
	/* Without autowrap the last column is overwritten. */
	put(t, "\033[?7l\rabcdefghijkl");
	CHECK_ROW(t, 3, "abcdefghil");
	CHECK_CURSOR(t, 9, 3);
	put(t, "\033[?7h");
	CHECK(t->autowrap);
}

static void cursor_motion(void)
{
	struct term *t = setup();

	put(t, "\033[2;3H");
	CHECK_CURSOR(t, 2, 1);
	put(t, "\033[H");
	CHECK_CURSOR(t, 0, 0);
	put(t, "\033[99;99f");
	CHECK_CURSOR(t, 9, 3);
	put(t, "\033[0;0H\033[B\033[2C");
	CHECK_CURSOR(t, 2, 1);
	put(t, "\033[5A\033[9D");
	CHECK_CURSOR(t, 0, 0);
	put(t, "\033[3B\033[7C\033[A\033[D");
	CHECK_CURSOR(t, 6, 2);
	put(t, "\033[4G\033[2d");
	CHECK_CURSOR(t, 3, 1);
	put(t, "\033[2E");
	CHECK_CURSOR(t, 0, 3);
	put(t, "\033[5;5H\033[F");
	CHECK_CURSOR(t, 0, 2);
}

static void fill(struct term *t)
{
	put(t, "\033[H0123456789abcdefghijABCDEFGHIJklmnopqrst\033[H");
}

static void erase(void)
{
	struct term *t = setup();

	fill(t);
	put(t, "\033[2;4H\033[K");
	CHECK_ROW(t, 1, "abc       ");
	put(t, "\033[1K");
	CHECK_ROW(t, 1, "          ");
	put(t, "\033[3;5H\033[2K");
	CHECK_ROW(t, 2, "          ");
	fill(t);
	put(t, "\033[2;5H\033[J");
	CHECK_ROW(t, 0, "0123456789");
	CHECK_ROW(t, 1, "abcd      ");
	CHECK_ROW(t, 2, "          ");
	CHECK_ROW(t, 3, "          ");
	fill(t);
	put(t, "\033[3;5H\033[1J");
	CHECK_ROW(t, 1, "          ");
	CHECK_ROW(t, 2, "     FGHIJ");
	CHECK_ROW(t, 3, "klmnopqrst");
	put(t, "\033[2J");
	for (unsigned int y = 0; y < ROWS; y++)
		CHECK_ROW(t, y, "          ");
	CHECK_CURSOR(t, 4, 2); /* ED does not move the cursor */
	/* Erasing uses the pen's background (bce). */
	put(t, "\033[44m\033[2K\033[0m");
	CHECK_EQ(term_cell_at(t, 0, 2)->bg, TERM_BLUE);
	CHECK_EQ(term_cell_at(t, 0, 1)->bg, TERM_DEFAULT_BG);
}

static void sgr(void)
{
	struct term *t = setup();
	const struct term_cell *c;
	uint8_t fg, bg;

	put(t, "\033[1;31;44mA\033[0mB\033[7;93;101mC\033[27;39;49mD");
	c = term_cell_at(t, 0, 0);
	CHECK_EQ(c->fg, TERM_RED);
	CHECK_EQ(c->bg, TERM_BLUE);
	CHECK_EQ(c->attr, TERM_ATTR_BOLD);
	term_cell_colors(c, &fg, &bg);
	CHECK_EQ(fg, TERM_RED + TERM_BRIGHT);
	c = term_cell_at(t, 1, 0);
	CHECK_EQ(c->fg, TERM_DEFAULT_FG);
	CHECK_EQ(c->attr, 0);
	c = term_cell_at(t, 2, 0);
	CHECK_EQ(c->fg, TERM_YELLOW + TERM_BRIGHT);
	CHECK_EQ(c->bg, TERM_RED + TERM_BRIGHT);
	term_cell_colors(c, &fg, &bg);
	CHECK_EQ(fg, TERM_RED + TERM_BRIGHT);
	CHECK_EQ(bg, TERM_YELLOW + TERM_BRIGHT);
	c = term_cell_at(t, 3, 0);
	CHECK_EQ(c->fg, TERM_DEFAULT_FG);
	CHECK_EQ(c->bg, TERM_DEFAULT_BG);
	CHECK_EQ(c->attr, 0);
	put(t, "\033[4m\033[32m\033[mE\033[38;5;9;48;5;4mF\033[38;2;0;255;0mG");
	CHECK_EQ(term_cell_at(t, 4, 0)->attr, 0);
	CHECK_EQ(term_cell_at(t, 4, 0)->fg, TERM_DEFAULT_FG);
	CHECK_EQ(term_cell_at(t, 5, 0)->fg, TERM_RED + TERM_BRIGHT);
	CHECK_EQ(term_cell_at(t, 5, 0)->bg, TERM_BLUE);
	CHECK_EQ(term_cell_at(t, 6, 0)->fg, TERM_GREEN + TERM_BRIGHT);
	/* Malformed extended colours drop the rest, but keep what came. */
	put(t, "\033[0;38;5m\033[1;38;7;31mH");
	CHECK_EQ(term_cell_at(t, 7, 0)->fg, TERM_DEFAULT_FG);
	CHECK_EQ(term_cell_at(t, 7, 0)->attr, TERM_ATTR_BOLD);
}

static void scroll_region(void)
{
	struct term *t = setup();

	fill(t);
	put(t, "\033[2;3r");
	CHECK_EQ(t->top, 1);
	CHECK_EQ(t->bottom, 3);
	CHECK_CURSOR(t, 0, 0); /* DECSTBM homes the cursor */
	put(t, "\033[3;1Hx\ny\n");
	CHECK_ROW(t, 0, "0123456789");
	CHECK_ROW(t, 1, "y         ");
	CHECK_ROW(t, 2, "          ");
	CHECK_ROW(t, 3, "klmnopqrst");
	CHECK_STR(scroll_log, "1,3,1;1,3,1;");
	/* Reverse index at the top margin scrolls the region down. */
	put(t, "\033[2;1H\033Mr\033M");
	CHECK_ROW(t, 1, "          ");
	CHECK_ROW(t, 2, "r         ");
	CHECK_CURSOR(t, 1, 1);
	/* CUD stops at the bottom margin from inside the region. */
	put(t, "\033[9B");
	CHECK_CURSOR(t, 1, 2);
	/* Below the region LF at the last row does not scroll. */
	put(t, "\033[4;1H\n\n");
	CHECK_ROW(t, 3, "klmnopqrst");
	CHECK_CURSOR(t, 0, 3);
	/* S and T move the region only. */
	scroll_log[0] = 0;
	put(t, "\033[S\033[2T");
	CHECK_STR(scroll_log, "1,3,1;1,3,-2;");
	CHECK_ROW(t, 0, "0123456789");
	CHECK_ROW(t, 3, "klmnopqrst");
	/* Bad regions are ignored; none resets to the whole screen. */
	put(t, "\033[3;2r\033[4;4r");
	CHECK_EQ(t->top, 1);
	put(t, "\033[r");
	CHECK_EQ(t->top, 0);
	CHECK_EQ(t->bottom, ROWS);
	put(t, "\033[2;99r");
	CHECK_EQ(t->bottom, ROWS);
}

static void lines_and_chars(void)
{
	struct term *t = setup();

	fill(t);
	put(t, "\033[2;1H\033[L");
	CHECK_ROW(t, 1, "          ");
	CHECK_ROW(t, 2, "abcdefghij");
	CHECK_ROW(t, 3, "ABCDEFGHIJ");
	put(t, "\033[2M");
	CHECK_ROW(t, 1, "ABCDEFGHIJ");
	CHECK_ROW(t, 2, "          ");
	CHECK_STR(scroll_log, "1,4,-1;1,4,2;");
	/* IL outside the scroll region does nothing. */
	put(t, "\033[1;2r\033[4;1H\033[L");
	CHECK_ROW(t, 1, "ABCDEFGHIJ");
	put(t, "\033[r\033[1;3H\033[2P");
	CHECK_ROW(t, 0, "01456789  ");
	put(t, "\033[3@");
	CHECK_ROW(t, 0, "01   45678");
	put(t, "\033[1;9H\033[5@");
	CHECK_ROW(t, 0, "01   456  ");
	put(t, "\033[1;2H\033[3X");
	CHECK_ROW(t, 0, "0    456  ");
	put(t, "\033[1;1H\033[99P");
	CHECK_ROW(t, 0, "          ");
}

static void save_restore_and_modes(void)
{
	struct term *t = setup();

	put(t, "\033[3;4H\033[31m\0337\033[H\033[32m\0338x");
	CHECK_EQ(term_cell_at(t, 3, 2)->fg, TERM_RED);
	CHECK_CURSOR(t, 4, 2);
	put(t, "\033[s\033[H\033[u");
	CHECK_CURSOR(t, 4, 2);
	put(t, "\033[?25l");
	CHECK(!t->cursor_visible);
	put(t, "\033[?25h");
	CHECK(t->cursor_visible);
	put(t, "\033[20l\nq");
	CHECK_CURSOR(t, 5, 3);
	put(t, "\033[20h");
	CHECK(t->newline_mode);
	/* The alternate screen: saved cursor, cleared, restored. */
	put(t, "\033[?1049h");
	CHECK_ROW(t, 2, "          ");
	put(t, "\033[Hvi\033[?1049l");
	CHECK_CURSOR(t, 5, 3);
	CHECK_ROW(t, 3, "    q     ");
	put(t, "\033[1;31m\033[2;2r\033[?25lab\033c");
	CHECK_CURSOR(t, 0, 0);
	CHECK(t->cursor_visible);
	CHECK_EQ(t->pen.fg, TERM_DEFAULT_FG);
	CHECK_EQ(t->pen.attr, 0);
	CHECK_EQ(t->bottom, ROWS);
	CHECK_ROW(t, 0, "          ");
}

static void utf8_and_charsets(void)
{
	struct term *t = setup();

	put(t, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK_EQ(term_cell_at(t, 0, 0)->ch, 0xe9);
	CHECK_EQ(term_cell_at(t, 1, 0)->ch, 0x20ac);
	CHECK_EQ(term_cell_at(t, 2, 0)->ch, 0x1f600);
	/* Overlong, stray continuation, surrogate, cut short by a control. */
	put(t, "\r\xc0\x80\xe0\x80\x80\xed\xa0\x80\xe2\x82\n");
	CHECK_EQ(term_cell_at(t, 0, 0)->ch, 0xfffd);
	CHECK_EQ(term_cell_at(t, 1, 0)->ch, 0xfffd);
	CHECK_EQ(term_cell_at(t, 2, 0)->ch, 0xfffd);
	CHECK_EQ(term_cell_at(t, 3, 0)->ch, 0xfffd);
	CHECK_EQ(term_cell_at(t, 4, 0)->ch, 0xfffd);
	CHECK_CURSOR(t, 0, 1);
	/* A sequence cut short by ASCII: U+FFFD, then the ASCII. */
	put(t, "\xe2\x82"
	       "A\xc3\xa9\r\n");
	CHECK_EQ(term_cell_at(t, 0, 1)->ch, 0xfffd);
	CHECK_EQ(term_cell_at(t, 1, 1)->ch, 'A');
	CHECK_EQ(term_cell_at(t, 2, 1)->ch, 0xe9);
	CHECK_CURSOR(t, 0, 2);
	put(t, "\033(0lqkx\033(Bq");
	CHECK_EQ(term_cell_at(t, 0, 2)->ch, 0x250c);
	CHECK_EQ(term_cell_at(t, 1, 2)->ch, 0x2500);
	CHECK_EQ(term_cell_at(t, 2, 2)->ch, 0x2510);
	CHECK_EQ(term_cell_at(t, 3, 2)->ch, 0x2502);
	CHECK_EQ(term_cell_at(t, 4, 2)->ch, 'q');
}

/* Sequences that must vanish without a trace, text after them intact. */
static const char *const swallowed[] = {
	"\033[?1000h",
	"\033]0;title\a",
	"\033]2;x\033\\",
	"\033[>c",
	"\033[1 q",
	"\033Z",
	"\033[6n",
	"\033P1$r\033\\",
	"\033[=5u",
	"\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20m",
	"\033[999999999999999999999999H",
	"\033[;;;;H",
	"\033[1:2:3m",
	"\033[?;?h",
	"\033[\x7f\x80m",
	"\033#8",
	"\033)0",
	"\033[1$p",
	"\033[12;5!p",
	"\033[\030",
	"\033[\032",
	"\033]\030",
	"\033_apc\033\\",
	"\033[<1;2M",
};

static void malformed(void)
{
	for (size_t i = 0; i < sizeof(swallowed) / sizeof(swallowed[0]); i++) {
		struct term *t = setup();

		put(t, swallowed[i]);
		put(t, "\033[0m\033[HOK");
		CHECK_ROW(t, 0, "OK        ");
		CHECK_EQ(t->state, TERM_GROUND);
	}
}

/* put s into t; what t answered must be want. */
static void check_answer(struct term *t, const char *s, const char *want)
{
	answers[0] = 0;
	put(t, s);
	CHECK_STR(answers, want);
}

/* The Linux console's answers (console_codes(4)), 1-based positions. */
static void queries(void)
{
	struct term *t = setup();

	check_answer(t, "\033[6n", "\033[1;1R");
	check_answer(t, "ab\033[3;7H\033[6n", "\033[3;7R");
	check_answer(t, "\033[99;99H\033[6n", "\033[4;10R");
	/* At the last column with a wrap pending, the cursor is still there. */
	check_answer(t, "\033[H0123456789\033[6n", "\033[1;10R");
	check_answer(t, "\033[5n", "\033[0n");
	check_answer(t, "\033[c\033[0c\033Z", "\033[?6c\033[?6c\033[?6c");
	/* Split across writes, the query is still one. */
	answers[0] = 0;
	put(t, "\033[2;2H\033[");
	put(t, "6");
	check_answer(t, "n", "\033[2;2R");
	/* Not queries the console answers: private, other numbers, junk. */
	check_answer(t, "\033[>c\033[?6n\033[1c\033[7n\033[6$n\033[=c", "");
	CHECK_ROW(t, 0, "0123456789"); /* and the grid is untouched */
	CHECK_EQ(term_init(&term, cells, alt_cells, 200, 120, &ops, NULL), 0);
	check_answer(t, "\033[999;999H\033[6n", "\033[120;200R");
	/* Without an answer op, a query is only swallowed. */
	CHECK_EQ(term_init(&term, cells, alt_cells, COLS, ROWS, NULL, NULL), 0);
	check_answer(t, "\033[6n\033[cOK", "");
	CHECK_ROW(t, 0, "OK        ");
}

static void dirty_rows(void)
{
	struct term *t = setup();

	for (unsigned int y = 0; y < ROWS; y++)
		CHECK(term_take_dirty(t, y)); /* all dirty after init */
	CHECK(!term_take_dirty(t, 0));
	put(t, "\033[3;1Hx");
	CHECK(!term_take_dirty(t, 0));
	CHECK(term_take_dirty(t, 2));
	CHECK(!term_take_dirty(t, 2));
	CHECK(!term_take_dirty(t, ROWS + 5));
	put(t, "\033[2S");
	for (unsigned int y = 0; y < ROWS; y++)
		CHECK(term_take_dirty(t, y));
}

/* Take every row's dirty mark; true if all of them were set. */
static bool take_all_dirty(struct term *t)
{
	bool all = true;

	for (unsigned int y = 0; y < t->rows; y++)
		all &= term_take_dirty(t, y);
	return all;
}

/* 1049: the main grid, cursor and pen come back exactly after a session. */
static void alt_screen_1049(void)
{
	static struct term_cell before[COLS * ROWS];
	struct term *t = setup();
	struct term_cell pen;

	put(t, "\033[1;31mab\033[0m\n\033[44mcd\033[7mef\033[0m\n\033[4mgh");
	put(t, "\033[3;5H\033[32m");
	memcpy(before, cells, sizeof(before));
	pen = t->pen;
	take_all_dirty(t);

	put(t, "\033[?1049h");
	CHECK(t->alt_screen);
	CHECK(take_all_dirty(t));
	CHECK_CURSOR(t, 4, 2);
	for (unsigned int y = 0; y < ROWS; y++)
		CHECK_ROW(t, y, "          ");
	/* A session: text, erasing, scrolling, its own saved cursor. */
	put(t, "\033[Hvi text\033[2;1H\033[41mxyz\033[1K\0337\033[4;1H\n\nw");
	put(t, "\033[2;3r\033[3;1H\n\033[2J\033[r\033[2;2H\0338");
	CHECK_EQ(memcmp(before, cells, sizeof(before)), 0);
	take_all_dirty(t);

	put(t, "\033[?1049l");
	CHECK(!t->alt_screen);
	CHECK(take_all_dirty(t));
	CHECK(t->cells == cells);
	CHECK_EQ(memcmp(before, cells, sizeof(before)), 0);
	CHECK_CURSOR(t, 4, 2);
	CHECK(memcmp(&pen, &t->pen, sizeof(pen)) == 0);
	CHECK_ROW(t, 0, "ab        ");
	CHECK_EQ(term_cell_at(t, 1, 1)->bg, TERM_BLUE);
	CHECK_EQ(term_cell_at(t, 2, 1)->attr, TERM_ATTR_REVERSE);
}

/* 47 only switches; 1047 also clears the alternate grid when leaving. */
static void alt_screen_47_1047(void)
{
	struct term *t = setup();

	put(t, "main");
	put(t, "\033[?47h");
	CHECK(t->alt_screen);
	CHECK_ROW(t, 0, "          ");
	CHECK_CURSOR(t, 4, 0);
	put(t, "alt");
	put(t, "\033[?47l");
	CHECK_ROW(t, 0, "main      ");
	CHECK_CURSOR(t, 7, 0);
	put(t, "\033[?47h");
	CHECK_ROW(t, 0, "    alt   ");
	put(t, "\033[?47l\033[?1047h");
	CHECK_ROW(t, 0, "    alt   ");
	put(t, "\033[1;1H!\033[?1047l");
	CHECK(!t->alt_screen);
	CHECK_ROW(t, 0, "main      ");
	CHECK_CURSOR(t, 1, 0);
	put(t, "\033[?47h");
	CHECK_ROW(t, 0, "          ");
	put(t, "\033[?47l");
	CHECK_ROW(t, 0, "main      ");
}

/* Repeated enters and leaves, and ESC c on the alternate screen. */
static void alt_screen_repeats(void)
{
	struct term *t = setup();

	put(t, "one\033[2;3H\033[?1049l\033[?47l\033[?1047l");
	CHECK(!t->alt_screen);
	CHECK_ROW(t, 0, "one       ");
	CHECK_CURSOR(t, 2, 1);
	put(t, "\033[?1049htwo\033[?1049h\033[?47h\033[?1047h");
	CHECK(t->alt_screen);
	CHECK_ROW(t, 1, "  two     ");
	CHECK_CURSOR(t, 5, 1);
	put(t, "\033[?1049l\033[?1049l\033[?47l");
	CHECK(!t->alt_screen);
	CHECK_ROW(t, 0, "one       ");
	CHECK_ROW(t, 1, "          ");
	CHECK_CURSOR(t, 2, 1);
	put(t, "\033[?1049;1049h\033[?1049;1049l");
	CHECK(!t->alt_screen);
	CHECK_CURSOR(t, 2, 1);
	CHECK_ROW(t, 0, "one       ");
	put(t, "\033[?47hxx\033c");
	CHECK(!t->alt_screen);
	CHECK_ROW(t, 0, "          ");
	put(t, "\033[?47h");
	CHECK_ROW(t, 0, "          ");
}

static void bad_init(void)
{
	CHECK(term_init(&term, cells, alt_cells, 0, 5, NULL, NULL) < 0);
	CHECK(term_init(&term, cells, alt_cells, 5, TERM_MAX_ROWS + 1, NULL,
			NULL) < 0);
	CHECK(term_init(&term, NULL, alt_cells, 5, 5, NULL, NULL) < 0);
	CHECK(term_init(&term, cells, NULL, 5, 5, NULL, NULL) < 0);
	CHECK(term_init(&term, cells, cells, 5, 5, NULL, NULL) < 0);
	CHECK_EQ(term_init(&term, cells, alt_cells, TERM_MAX_COLS,
			   TERM_MAX_ROWS, NULL, NULL),
		 0);
	put(&term, "\033[999;999Hx\033[999L\033[999@\033[999S");
}

static void check_invariants(struct term *t)
{
	CHECK(t->x < t->cols && t->y < t->rows);
	CHECK(t->top < t->bottom && t->bottom <= t->rows);
	CHECK(t->nparams <= TERM_MAX_PARAMS + 1);
	CHECK(t->cells == (t->alt_screen ? alt_cells : cells));
	CHECK(t->other_cells == (t->alt_screen ? cells : alt_cells));
	for (unsigned int i = 0; i < t->cols * t->rows; i++) {
		CHECK(t->cells[i].fg < 16 && t->cells[i].bg < 16);
		CHECK(t->cells[i].ch <= 0x10ffff);
		CHECK(t->other_cells[i].fg < 16 && t->other_cells[i].bg < 16);
		CHECK(t->other_cells[i].ch <= 0x10ffff);
	}
}

/* Random bytes biased towards the interesting ones. */
static char fuzz_byte(void)
{
	static const char special[] =
		"\033[];?0123456789mHJKrsuhlLMPS@T\n\r\b\t";
	int r = rand() % 8;

	if (r < 3)
		return special[rand() % (int)(sizeof(special) - 1)];
	if (r < 4)
		return (char)(0x80 + rand() % 0x80);
	return (char)(rand() % 0x80);
}

static void fuzz(void)
{
	static const char *const alt_modes[] = {"\033[?1049h", "\033[?1049l",
						"\033[?47h",   "\033[?47l",
						"\033[?1047h", "\033[?1047l"};
	static const unsigned int sizes[][2] = {
		{1, 1}, {2, 1}, {1, 3}, {10, 4}, {80, 25}};
	char buf[64];

	srand(20240601);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		CHECK_EQ(term_init(&term, cells, alt_cells, sizes[s][0],
				   sizes[s][1], &ops, NULL),
			 0);
		for (int round = 0; round < 4000; round++) {
			size_t n = (size_t)(rand() % (int)sizeof(buf));

			for (size_t i = 0; i < n; i++)
				buf[i] = fuzz_byte();
			scroll_log[0] = 0;
			if (round % 8 == 0)
				put(&term, alt_modes[rand() % 6]);
			term_write(&term, buf, n);
			check_invariants(&term);
		}
	}
}

int main(void)
{
	RUN(text_and_controls(), "ansi: text, CR, LF, BS, TAB, BEL");
	RUN(wrap_and_scroll(), "ansi: autowrap and scrolling at the bottom");
	RUN(cursor_motion(), "ansi: CUP, CUU/CUD/CUF/CUB, CHA, VPA, CNL/CPL");
	RUN(erase(), "ansi: ED and EL 0/1/2");
	RUN(sgr(), "ansi: SGR colours and attributes");
	RUN(scroll_region(), "ansi: DECSTBM, RI, S/T inside a region");
	RUN(lines_and_chars(), "ansi: IL/DL, ICH/DCH/ECH");
	RUN(save_restore_and_modes(), "ansi: save/restore, modes, reset");
	RUN(utf8_and_charsets(), "ansi: UTF-8 decoding and DEC graphics");
	RUN(malformed(), "ansi: unknown and malformed sequences swallowed");
	RUN(queries(), "ansi: CSI 6n, 5n, c and ESC Z answered as Linux does");
	RUN(dirty_rows(), "ansi: dirty row tracking");
	RUN(alt_screen_1049(), "ansi: 1049 restores the main screen exactly");
	RUN(alt_screen_47_1047(), "ansi: 47 and 1047 alternate screens");
	RUN(alt_screen_repeats(), "ansi: repeated alternate screen switches");
	RUN(bad_init(), "ansi: init limits");
	RUN(fuzz(), "ansi: random byte fuzz keeps the invariants");
	TEST_EXIT();
}
