/*
 * Bitmap console fonts in PC Screen Font 2 format (PSF2): glyphs of up to
 * FONT_MAX_WIDTH x FONT_MAX_HEIGHT pixels, one bit per pixel, rows padded
 * to whole bytes, most significant bit leftmost; a Unicode table says
 * which code points each glyph draws. The kernel has one font built in
 * (a Debian console font converted at build time, see the Makefile);
 * kernel/drivers/console/font.c.
 */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include <stddef.h>
#include <stdint.h>

#define FONT_MAX_WIDTH 32
#define FONT_MAX_HEIGHT 64
#define FONT_MAX_MAPPED 1024 /* code points above U+00FF we can look up */

#define PSF2_MAGIC 0x864ab572
#define PSF2_HAS_UNICODE_TABLE 0x01

/* The file's header, little-endian on disk as in memory. */
struct psf2_header {
	uint32_t magic, version, header_size, flags;
	uint32_t glyph_count, bytes_per_glyph, height, width;
};

struct font_map_entry {
	uint32_t cp;
	uint32_t glyph;
};

struct font {
	const uint8_t *glyphs; /* glyph_count * bytes_per_glyph, in the file */
	uint32_t glyph_count, bytes_per_glyph;
	uint32_t width, height, bytes_per_row;
	uint32_t fallback;    /* drawn for unmapped code points */
	uint16_t latin1[256]; /* U+0000..U+00FF -> glyph, or 0xffff */
	struct font_map_entry map[FONT_MAX_MAPPED]; /* sorted by cp */
	size_t map_count;
};

/*
 * Check the PSF2 file at data (size bytes, which must stay in place) and
 * fill f. 0, or -EINVAL for a bad magic, version, header size, geometry
 * (bytes per glyph not height * bytes per row, size beyond the limits),
 * glyphs or table past the end, or a malformed Unicode table.
 */
int font_parse(struct font *f, const void *data, size_t size);

/* The bitmap of the glyph for code point cp (never NULL). */
const uint8_t *font_glyph(const struct font *f, uint32_t cp);

/* The built-in font, parsed on first use; NULL if it is broken. */
const struct font *font_builtin(void);

/* The built-in font's file, for tests. */
const void *font_builtin_data(size_t *size);

#endif
