/*
 * PSF2 console fonts (see <kernel/font.h>): a parser that trusts nothing
 * in the file, and the built-in font, which the build converts from a
 * Debian console font and this file embeds with .incbin (the Makefile
 * passes its path as CONSOLE_FONT_PATH and makes this object depend on it).
 *
 * Code points map to glyphs through the file's Unicode table: a direct
 * table for Latin-1, where nearly all console text falls, and a sorted
 * array searched by bisection for the rest (box drawing, Greek, ...).
 */
#include <kernel/errno.h>
#include <kernel/font.h>
#include <kernel/string.h>

#include <stdbool.h>

#ifndef CONSOLE_FONT_PATH
#error "CONSOLE_FONT_PATH (the PSF2 file to embed) comes from the Makefile"
#endif

#define NO_GLYPH 0xffff
#define TABLE_END 0xff
#define TABLE_SEQ 0xfe

__asm__(".pushsection .rodata.console_font, \"a\", @progbits\n"
	".balign 16\n"
	"console_font_start:\n"
	".incbin \"" CONSOLE_FONT_PATH "\"\n"
	"console_font_end:\n"
	".popsection\n");

extern const uint8_t console_font_start[] __attribute__((visibility("hidden")));
extern const uint8_t console_font_end[] __attribute__((visibility("hidden")));

static int check_header(const struct psf2_header *h, size_t size)
{
	uint64_t glyph_bytes = (uint64_t)h->glyph_count * h->bytes_per_glyph;

	if (h->magic != PSF2_MAGIC || h->version != 0)
		return -EINVAL;
	if (h->header_size < sizeof(*h) || h->header_size > size)
		return -EINVAL;
	if (h->width == 0 || h->width > FONT_MAX_WIDTH || h->height == 0 ||
	    h->height > FONT_MAX_HEIGHT)
		return -EINVAL;
	if (h->bytes_per_glyph != h->height * ((h->width + 7) / 8))
		return -EINVAL;
	if (h->glyph_count == 0 || h->glyph_count >= NO_GLYPH)
		return -EINVAL;
	if (glyph_bytes > size - h->header_size)
		return -EINVAL;
	return 0;
}

/* One UTF-8 code point at *p (< end), advancing *p; -EINVAL if bad. */
static int utf8_decode(const uint8_t **p, const uint8_t *end, uint32_t *cp)
{
	uint8_t c = *(*p)++;
	unsigned int more;

	if (c < 0x80) {
		*cp = c;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf)
		more = 1, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		more = 2, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		more = 3, *cp = c & 0x07;
	else
		return -EINVAL;
	if ((size_t)(end - *p) < more)
		return -EINVAL;
	while (more--) {
		if ((**p & 0xc0) != 0x80)
			return -EINVAL;
		*cp = (*cp << 6) | (*(*p)++ & 0x3f);
	}
	return *cp <= 0x10ffff ? 0 : -EINVAL;
}

/* First mapping wins; past FONT_MAX_MAPPED the rest are dropped. */
static void map_add(struct font *f, uint32_t cp, uint32_t glyph)
{
	if (cp < 256) {
		if (f->latin1[cp] == NO_GLYPH)
			f->latin1[cp] = (uint16_t)glyph;
	} else if (f->map_count < FONT_MAX_MAPPED) {
		f->map[f->map_count++] =
			(struct font_map_entry){.cp = cp, .glyph = glyph};
	}
}

/*
 * Each glyph's entry: code points, then optionally TABLE_SEQ and
 * combining sequences (one glyph per cell here: skipped), then TABLE_END.
 * An entry cut off by the end of the file makes the font invalid.
 */
static int parse_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
	for (uint32_t glyph = 0; glyph < f->glyph_count && p < end; glyph++) {
		bool in_sequence = false;
		uint32_t cp;

		for (;;) {
			if (p == end)
				return -EINVAL;
			if (*p == TABLE_END) {
				p++;
				break;
			}
			if (*p == TABLE_SEQ) {
				in_sequence = true;
				p++;
				continue;
			}
			if (utf8_decode(&p, end, &cp))
				return -EINVAL;
			if (!in_sequence)
				map_add(f, cp, glyph);
		}
	}
	return 0;
}

/* Insertion sort: a few hundred entries, once per font. */
static void sort_map(struct font *f)
{
	for (size_t i = 1; i < f->map_count; i++) {
		struct font_map_entry e = f->map[i];
		size_t j = i;

		for (; j > 0 && f->map[j - 1].cp > e.cp; j--)
			f->map[j] = f->map[j - 1];
		f->map[j] = e;
	}
}

static uint32_t lookup(const struct font *f, uint32_t cp)
{
	size_t lo = 0, hi = f->map_count;

	if (cp < 256)
		return f->latin1[cp];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->map[mid].cp == cp)
			return f->map[mid].glyph;
		if (f->map[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NO_GLYPH;
}

static void set_fallback(struct font *f)
{
	f->fallback = lookup(f, 0xfffd);
	if (f->fallback == NO_GLYPH)
		f->fallback = lookup(f, '?');
	if (f->fallback == NO_GLYPH)
		f->fallback = 0;
}

int font_parse(struct font *f, const void *data, size_t size)
{
	const uint8_t *bytes = data;
	struct psf2_header h;
	size_t table;
	int err;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));
	err = check_header(&h, size);
	if (err)
		return err;
	*f = (struct font){
		.glyphs = bytes + h.header_size,
		.glyph_count = h.glyph_count,
		.bytes_per_glyph = h.bytes_per_glyph,
		.width = h.width,
		.height = h.height,
		.bytes_per_row = (h.width + 7) / 8,
	};
	for (uint32_t cp = 0; cp < 256; cp++) /* identity if no table */
		f->latin1[cp] = cp < h.glyph_count ? cp : NO_GLYPH;
	table = h.header_size + (size_t)h.glyph_count * h.bytes_per_glyph;
	if (h.flags & PSF2_HAS_UNICODE_TABLE) {
		memset(f->latin1, 0xff, sizeof(f->latin1));
		err = parse_table(f, bytes + table, bytes + size);
		if (err)
			return err;
		sort_map(f);
	}
	set_fallback(f);
	return 0;
}

const uint8_t *font_glyph(const struct font *f, uint32_t cp)
{
	uint32_t g = lookup(f, cp);

	if (g >= f->glyph_count)
		g = f->fallback;
	return f->glyphs + (size_t)g * f->bytes_per_glyph;
}

const void *font_builtin_data(size_t *size)
{
	*size = (size_t)(console_font_end - console_font_start);
	return console_font_start;
}

const struct font *font_builtin(void)
{
	static struct font builtin;
	static int state; /* 0 not parsed, 1 good, -1 bad */
	const void *data;
	size_t size;

	if (state == 0) {
		data = font_builtin_data(&size);
		state = font_parse(&builtin, data, size) == 0 ? 1 : -1;
	}
	return state > 0 ? &builtin : NULL;
}
