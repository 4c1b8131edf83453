/*
 * screencheck: does the screen show what the kernel printed? For the QEMU
 * screen suite (tests/qemu/screen.sh).
 *
 *   screencheck --log SERIAL --cols C --rows R --ppm DUMP.ppm --font F.psf
 *   screencheck --log SERIAL --cols C --rows R --vga XP.txt
 *   screencheck --not-blank DUMP.ppm
 *
 * The kernel's serial output (from its first line, "rastOS ...") is fed
 * to the kernel's own terminal emulator (kernel/drivers/console/term.c, ansi*.c,
 * linked in) on a C x R grid: that gives the cells the screen must show.
 * Then, for a framebuffer, every pixel of every cell of the QEMU
 * screendump (PPM) is compared with the glyph from the PSF2 font file,
 * read here by a parser of its own, in the cell's colours (reversed under
 * the cursor); for VGA text mode, the characters and attributes of the
 * text buffer as the QEMU monitor's "xp /Nhx 0xb8000" printed it.
 *
 * Prints what it found and the first cells that differ; exit status 0 if
 * the screen matches, 1 if not, 2 on bad input.
 */
#include <kernel/term.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPORTED 8

static const uint8_t palette_rgb[16][3] = {
	{0x00, 0x00, 0x00}, {0xaa, 0x00, 0x00}, {0x00, 0xaa, 0x00},
	{0xaa, 0x55, 0x00}, {0x00, 0x00, 0xaa}, {0xaa, 0x00, 0xaa},
	{0x00, 0xaa, 0xaa}, {0xaa, 0xaa, 0xaa}, {0x55, 0x55, 0x55},
	{0xff, 0x55, 0x55}, {0x55, 0xff, 0x55}, {0xff, 0xff, 0x55},
	{0x55, 0x55, 0xff}, {0xff, 0x55, 0xff}, {0x55, 0xff, 0xff},
	{0xff, 0xff, 0xff},
};

static struct term_cell cells[TERM_MAX_COLS * TERM_MAX_ROWS];
static struct term_cell alt_cells[TERM_MAX_COLS * TERM_MAX_ROWS];
static struct term term;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "screencheck: %s%s\n", msg, arg ? arg : "");
	exit(2);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		die("cannot read ", path);
	*size = 0;
	do {
		if (*size == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("out of memory", NULL);
		}
		n = fread(buf + *size, 1, cap - *size, f);
		*size += n;
	} while (n > 0);
	fclose(f);
	buf[*size] = 0;
	return buf;
}

/* The expected screen: the serial log from the kernel's first line. */
static void expect_from_log(const char *path, unsigned int cols,
			    unsigned int rows)
{
	size_t size;
	char *log = (char *)slurp(path, &size), *start = log;

	while (start && strncmp(start, "rastOS ", 7) != 0) {
		start = strchr(start, '\n');
		start = start ? start + 1 : NULL;
	}
	if (!start)
		die("no kernel output (a line starting 'rastOS ') in ", path);
	if (term_init(&term, cells, alt_cells, cols, rows, NULL, NULL))
		die("bad --cols/--rows", NULL);
	term.newline_mode = true;
	term_write(&term, start, size - (size_t)(start - log));
	free(log);
}

/* ------------------------------------------------------------- PSF2 */

struct font {
	const unsigned char *glyphs;
	uint32_t count, charsize, height, width, row_bytes;
	uint32_t map_cp[8192], map_glyph[8192];
	size_t mapped;
};

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* UTF-8 at *p, advancing it; 0xffffffff if malformed. */
static uint32_t utf8(const unsigned char **p, const unsigned char *end)
{
	uint32_t cp = *(*p)++;
	int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

	if (more)
		cp &= 0x3f >> more;
	for (; more; more--) {
		if (*p >= end || (**p & 0xc0) != 0x80)
			return 0xffffffff;
		cp = cp << 6 | (*(*p)++ & 0x3f);
	}
	return cp;
}

static void load_font(struct font *f, const char *path)
{
	size_t size;
	const unsigned char *d = slurp(path, &size), *p, *end = d + size;
	uint32_t hsize, glyph = 0;
	bool seq = false;

	if (size < 32 || le32(d) != 0x864ab572)
		die("not a PSF2 font: ", path);
	hsize = le32(d + 8);
	f->count = le32(d + 16);
	f->charsize = le32(d + 20);
	f->height = le32(d + 24);
	f->width = le32(d + 28);
	f->row_bytes = (f->width + 7) / 8;
	if (f->charsize != f->height * f->row_bytes || f->width > 32 ||
	    hsize + (uint64_t)f->count * f->charsize > size)
		die("bad PSF2 geometry: ", path);
	f->glyphs = d + hsize;
	for (p = f->glyphs + f->count * f->charsize;
	     p < end && glyph < f->count;) {
		if (*p == 0xff || *p == 0xfe) {
			glyph += *p == 0xff;
			seq = *p++ == 0xfe;
			continue;
		}
		uint32_t cp = utf8(&p, end);
		if (!seq && f->mapped < 8192) {
			f->map_cp[f->mapped] = cp;
			f->map_glyph[f->mapped++] = glyph;
		}
	}
}

static const unsigned char *glyph_of(const struct font *f, uint32_t cp)
{
	for (int pass = 0; pass < 3; pass++) {
		uint32_t want = pass == 0 ? cp : pass == 1 ? 0xfffd : '?';

		for (size_t i = 0; i < f->mapped; i++) {
			if (f->map_cp[i] == want)
				return f->glyphs +
				       f->map_glyph[i] * f->charsize;
		}
	}
	return f->glyphs;
}

/* ------------------------------------------------------------- PPM */

struct image {
	unsigned int w, h;
	const unsigned char *rgb;
};

static void load_ppm(struct image *im, const char *path)
{
	size_t size;
	const unsigned char *d = slurp(path, &size);
	unsigned int maxval;
	int off = 0;

	if (sscanf((const char *)d, "P6 %u %u %u%n", &im->w, &im->h, &maxval,
		   &off) != 3 ||
	    maxval != 255 || (size_t)off + 1 + (size_t)im->w * im->h * 3 > size)
		die("not a complete 8-bit P6 PPM: ", path);
	im->rgb = d + off + 1;
}

/* Pixels of cell (cx, cy) unlike the glyph in the cell's colours. */
static unsigned int cell_diff(const struct image *im, const struct font *f,
			      unsigned int cx, unsigned int cy)
{
	const struct term_cell *c = term_cell_at(&term, cx, cy);
	const unsigned char *g = glyph_of(f, c->ch);
	bool cursor = term.cursor_visible && cx == term.x && cy == term.y;
	unsigned int bad = 0;
	uint8_t fg, bg;

	term_cell_colors(c, &fg, &bg);
	for (unsigned int y = 0; y < f->height; y++) {
		for (unsigned int x = 0; x < f->width; x++) {
			bool on =
				g[y * f->row_bytes + x / 8] >> (7 - x % 8) & 1;
			const uint8_t *want;
			const unsigned char *px;

			if ((c->attr & TERM_ATTR_UNDERLINE) &&
			    y + 2 == f->height)
				on = true;
			want = palette_rgb[on != cursor ? fg : bg];
			px = im->rgb + (((size_t)cy * f->height + y) * im->w +
					cx * f->width + x) *
					       3;
			bad += memcmp(px, want, 3) != 0;
		}
	}
	return bad;
}

static char printable(uint32_t ch)
{
	return ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
}

/* Report one bad cell (the first few); count them. */
static void bad_cell(unsigned int *n, unsigned int x, unsigned int y,
		     const char *what)
{
	if (++*n <= MAX_REPORTED)
		printf("screencheck: cell %u,%u ('%c'): %s\n", x, y,
		       printable(term_cell_at(&term, x, y)->ch), what);
}

static unsigned int check_ppm(const char *ppm, const char *font_path)
{
	static struct font f;
	static struct image im; /* static: the files stay reachable */
	unsigned int bad = 0;
	char why[64];

	load_font(&f, font_path);
	load_ppm(&im, ppm);
	if (term.cols * f.width > im.w || term.rows * f.height > im.h)
		die("the grid does not fit the screendump", NULL);
	for (unsigned int y = 0; y < term.rows; y++) {
		for (unsigned int x = 0; x < term.cols; x++) {
			unsigned int n = cell_diff(&im, &f, x, y);

			snprintf(why, sizeof(why), "%u pixels differ", n);
			if (n)
				bad_cell(&bad, x, y, why);
		}
	}
	return bad;
}

/* --------------------------------------------------------- VGA text */

static const uint8_t vga_color[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/* Lines "00000000000b8000: 0x0762 0x076f ..." into text[]. */
static size_t load_xp(const char *path, uint16_t *text, size_t max)
{
	size_t size, got = 0;
	char *d = (char *)slurp(path, &size);

	for (char *line = strtok(d, "\r\n"); line;
	     line = strtok(NULL, "\r\n")) {
		unsigned long long addr;
		int off;
		char *p;

		if (sscanf(line, "%llx:%n", &addr, &off) != 1 ||
		    addr < 0xb8000 || (addr - 0xb8000) / 2 >= max)
			continue;
		p = line + off;
		for (size_t i = (addr - 0xb8000) / 2; i < max; i++) {
			unsigned int v;
			int n;

			if (sscanf(p, " 0x%x%n", &v, &n) != 1)
				break;
			text[i] = (uint16_t)v;
			p += n;
			got = i + 1 > got ? i + 1 : got;
		}
	}
	free(d);
	return got;
}

static unsigned int check_vga(const char *xp)
{
	static uint16_t text[TERM_MAX_COLS * TERM_MAX_ROWS];
	unsigned int bad = 0;

	if (load_xp(xp, text, (size_t)term.cols * term.rows) <
	    (size_t)term.cols * term.rows)
		die("the xp dump does not cover the screen: ", xp);
	for (unsigned int y = 0; y < term.rows; y++) {
		for (unsigned int x = 0; x < term.cols; x++) {
			const struct term_cell *c = term_cell_at(&term, x, y);
			uint16_t v = text[y * term.cols + x];
			uint8_t fg, bg, attr;

			term_cell_colors(c, &fg, &bg);
			attr = (vga_color[bg & 7] | (bg & 8)) << 4 |
			       vga_color[fg & 7] | (fg & 8);
			if (c->ch < 0x7f && (v & 0xff) != c->ch)
				bad_cell(&bad, x, y, "wrong character");
			else if (v >> 8 != attr)
				bad_cell(&bad, x, y, "wrong colours");
		}
	}
	return bad;
}

/* --------------------------------------------------------- summary */

/* Rows with text, and the row of the console's own line (-1: none). */
static void summarise(unsigned int bad)
{
	unsigned int text_rows = 0;
	int console_row = -1;

	for (unsigned int y = 0; y < term.rows; y++) {
		bool any = false;
		char start[10];

		for (unsigned int x = 0; x < term.cols; x++)
			any |= term_cell_at(&term, x, y)->ch != ' ';
		text_rows += any;
		for (unsigned int x = 0; x < 9; x++)
			start[x] = printable(term_cell_at(&term, x, y)->ch);
		start[9] = 0;
		if (console_row < 0 && strcmp(start, "console: ") == 0)
			console_row = (int)y;
	}
	printf("screencheck: %ux%u cells, %u rows of text, %u cells differ\n",
	       term.cols, term.rows, text_rows, bad);
	printf("screencheck: console line at row %d\n", console_row);
}

static int not_blank(const char *ppm)
{
	static struct image im;
	size_t n;

	load_ppm(&im, ppm);
	n = (size_t)im.w * im.h;
	for (size_t i = 1; i < n; i++) {
		if (memcmp(im.rgb, im.rgb + 3 * i, 3) != 0) {
			printf("screencheck: %ux%u, not blank\n", im.w, im.h);
			return 0;
		}
	}
	printf("screencheck: %ux%u, blank\n", im.w, im.h);
	return 1;
}

int main(int argc, char **argv)
{
	const char *log = NULL, *ppm = NULL, *font = NULL, *xp = NULL;
	unsigned int cols = 0, rows = 0, bad;

	if (argc == 3 && strcmp(argv[1], "--not-blank") == 0)
		return not_blank(argv[2]);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--log") == 0)
			log = argv[i + 1];
		else if (strcmp(argv[i], "--ppm") == 0)
			ppm = argv[i + 1];
		else if (strcmp(argv[i], "--font") == 0)
			font = argv[i + 1];
		else if (strcmp(argv[i], "--vga") == 0)
			xp = argv[i + 1];
		else if (strcmp(argv[i], "--cols") == 0)
			cols = (unsigned int)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--rows") == 0)
			rows = (unsigned int)atoi(argv[i + 1]);
		else
			die("unknown option ", argv[i]);
	}
	if (!log || !(xp || (ppm && font)))
		die("usage: see tests/tools/screencheck.c", NULL);
	expect_from_log(log, cols, rows);
	bad = xp ? check_vga(xp) : check_ppm(ppm, font);
	summarise(bad);
	return bad ? 1 : 0;
}
