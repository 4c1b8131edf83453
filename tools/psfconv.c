/*
 * psfconv: convert a PC Screen Font, version 1 or 2, to version 2 with a
 * Unicode table. The build runs it on one of Debian's console fonts
 * (console-setup-linux ships the 8-pixel-wide ones as PSF1 only) to make
 * the kernel's built-in font (kernel/drivers/console/font.c parses PSF2 only).
 *
 *   psfconv IN OUT        (IN uncompressed; gzip -dc the .psf.gz first)
 *
 * PSF1: 4-byte header (0x36 0x04, mode, height), 256 or 512 glyphs of 8
 * pixels width, then, if mode says so, per glyph UCS-2 little-endian code
 * points, 0xFFFE before a combining sequence, 0xFFFF at the end.
 * PSF2: 32-byte header (magic 72 b5 4a 86, version, header size, flags,
 * glyph count, bytes per glyph, height, width), glyphs, then per glyph
 * UTF-8 code points, 0xFE before a sequence, 0xFF at the end.
 * Exit status: 0 done, 1 bad input or I/O error, 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF2_HEADER_SIZE 32
#define PSF2_HAS_UNICODE_TABLE 0x01

struct out {
	unsigned char *buf;
	size_t len, cap;
};

static void die(const char *msg)
{
	fprintf(stderr, "psfconv: %s\n", msg);
	exit(1);
}

static void emit(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->buf = realloc(o->buf, o->cap);
		if (!o->buf)
			die("out of memory");
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void emit_u32(struct out *o, uint32_t v)
{
	unsigned char b[4] = {v, v >> 8, v >> 16, v >> 24};

	emit(o, b, 4);
}

static void emit_utf8(struct out *o, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xc0 | cp >> 6;
		b[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else {
		b[0] = 0xe0 | cp >> 12;
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		n = 3;
	}
	emit(o, b, n);
}

static void emit_header(struct out *o, uint32_t count, uint32_t charsize,
			uint32_t height, uint32_t width)
{
	static const unsigned char magic[4] = {0x72, 0xb5, 0x4a, 0x86};

	emit(o, magic, 4);
	emit_u32(o, 0); /* version */
	emit_u32(o, PSF2_HEADER_SIZE);
	emit_u32(o, PSF2_HAS_UNICODE_TABLE);
	emit_u32(o, count);
	emit_u32(o, charsize);
	emit_u32(o, height);
	emit_u32(o, width);
}

/* The PSF1 Unicode table (UCS-2) re-encoded as PSF2's (UTF-8). */
static void convert_table(struct out *o, const unsigned char *p, size_t n,
			  uint32_t count)
{
	uint32_t glyph = 0;

	for (size_t i = 0; i + 1 < n && glyph < count; i += 2) {
		uint32_t v = p[i] | p[i + 1] << 8;
		unsigned char mark = v == 0xffff ? 0xff : 0xfe;

		if (v == 0xffff || v == 0xfffe) {
			emit(o, &mark, 1);
			glyph += v == 0xffff;
		} else if (v < 0xd800 || v > 0xdfff) {
			emit_utf8(o, v);
		} else {
			die("PSF1 table holds a surrogate");
		}
	}
	if (glyph != count)
		die("PSF1 Unicode table ends early");
}

static void from_psf1(struct out *o, const unsigned char *in, size_t size)
{
	uint32_t mode = in[2], height = in[3];
	uint32_t count = mode & PSF1_MODE512 ? 512 : 256;
	size_t glyph_bytes = (size_t)count * height;

	if (height == 0 || 4 + glyph_bytes > size)
		die("PSF1 file too short for its glyphs");
	emit_header(o, count, height, height, 8);
	emit(o, in + 4, glyph_bytes);
	if (mode & (PSF1_MODEHASTAB | PSF1_MODESEQ)) {
		convert_table(o, in + 4 + glyph_bytes, size - 4 - glyph_bytes,
			      count);
	} else { /* no table: glyph i is code point i */
		for (uint32_t g = 0; g < count; g++) {
			unsigned char end = 0xff;

			emit_utf8(o, g);
			emit(o, &end, 1);
		}
	}
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* PSF2 in: checked, then copied with the header made canonical. */
static void from_psf2(struct out *o, const unsigned char *in, size_t size)
{
	uint32_t hsize = le32(in + 8), flags = le32(in + 12);
	uint32_t count = le32(in + 16), charsize = le32(in + 20);
	uint32_t height = le32(in + 24), width = le32(in + 28);
	uint64_t glyph_bytes = (uint64_t)count * charsize;

	if (size < PSF2_HEADER_SIZE || hsize < PSF2_HEADER_SIZE || hsize > size)
		die("bad PSF2 header size");
	if (width == 0 || height == 0 || count == 0 ||
	    charsize != height * ((width + 7) / 8))
		die("bad PSF2 glyph geometry");
	if (hsize + glyph_bytes > size)
		die("PSF2 file too short for its glyphs");
	if (!(flags & PSF2_HAS_UNICODE_TABLE))
		die("PSF2 font without a Unicode table: not supported");
	emit_header(o, count, charsize, height, width);
	emit(o, in + hsize, size - hsize);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		die("cannot open input");
	*size = 0;
	do {
		if (*size == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		n = fread(buf + *size, 1, cap - *size, f);
		*size += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct out o = {0};
	size_t size;
	unsigned char *in;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: psfconv IN OUT\n");
		return 2;
	}
	in = slurp(argv[1], &size);
	if (size >= 4 && in[0] == 0x36 && in[1] == 0x04)
		from_psf1(&o, in, size);
	else if (size >= 4 && le32(in) == 0x864ab572)
		from_psf2(&o, in, size);
	else
		die("not a PSF1 or PSF2 font");
	f = fopen(argv[2], "wb");
	if (!f || fwrite(o.buf, 1, o.len, f) != o.len || fclose(f) != 0)
		die("cannot write output");
	free(in);
	free(o.buf);
	return 0;
}
