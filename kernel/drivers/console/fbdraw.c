/*
 * Pixels for the framebuffer console (see <kernel/video.h>): pixel values
 * from the channel masks the loader reports, text rows drawn glyph line by
 * glyph line, and pixel lines moved for scrolling.
 *
 * Speed comes from touching video memory as little and as widely as
 * possible: a glyph line of a whole run of cells is built in a buffer in
 * ordinary memory first, then copied out in aligned 64-bit stores, and
 * scrolling copies whole lines 64 bits at a time. Video memory is only
 * accessed through volatile pointers, so each access is one wide store
 * and GCC cannot turn the loops into calls to the byte-wise memcpy.
 */
#include <kernel/errno.h>
#include <kernel/video.h>

typedef uint16_t u16_unaligned __attribute__((aligned(1)));
typedef uint32_t u32_unaligned __attribute__((aligned(1)));
typedef uint64_t u64_unaligned __attribute__((aligned(1)));

/* The 16 terminal colours, VGA's palette (ANSI order). */
static const uint8_t palette_rgb[16][3] = {
	{0x00, 0x00, 0x00}, {0xaa, 0x00, 0x00}, {0x00, 0xaa, 0x00},
	{0xaa, 0x55, 0x00}, {0x00, 0x00, 0xaa}, {0xaa, 0x00, 0xaa},
	{0x00, 0xaa, 0xaa}, {0xaa, 0xaa, 0xaa}, {0x55, 0x55, 0x55},
	{0xff, 0x55, 0x55}, {0x55, 0xff, 0x55}, {0xff, 0xff, 0x55},
	{0x55, 0x55, 0xff}, {0xff, 0x55, 0xff}, {0x55, 0xff, 0xff},
	{0xff, 0xff, 0xff},
};

/* One cell of the run being drawn: its glyph and colours. */
struct ink {
	const uint8_t *glyph;
	uint32_t fg, bg;
	bool underline;
};

/* Drawing state, shared: the console layer serialises all output. */
static struct ink inks[TERM_MAX_COLS];
static uint64_t line_buf[FB_MAX_WIDTH * 4 / 8 + 2];

static bool channel_ok(uint8_t size, uint8_t shift, uint32_t bits)
{
	return size <= 8 && shift + size <= bits;
}

int fb_surface_init(struct fb_surface *fb, const struct boot_framebuffer *desc)
{
	uint32_t bpp = desc->bpp;

	if (desc->memory_model != LIMINE_FRAMEBUFFER_RGB || !desc->address)
		return -EINVAL;
	if (bpp != 16 && bpp != 24 && bpp != 32)
		return -EINVAL;
	if (desc->width == 0 || desc->height == 0 ||
	    desc->width > FB_MAX_WIDTH || desc->height > FB_MAX_WIDTH ||
	    desc->pitch < desc->width * (bpp / 8))
		return -EINVAL;
	if (!channel_ok(desc->red_size, desc->red_shift, bpp) ||
	    !channel_ok(desc->green_size, desc->green_shift, bpp) ||
	    !channel_ok(desc->blue_size, desc->blue_shift, bpp))
		return -EINVAL;
	*fb = (struct fb_surface){
		.base = desc->address,
		.width = (uint32_t)desc->width,
		.height = (uint32_t)desc->height,
		.pitch = (uint32_t)desc->pitch,
		.bytes_pp = bpp / 8,
		.red_size = desc->red_size,
		.red_shift = desc->red_shift,
		.green_size = desc->green_size,
		.green_shift = desc->green_shift,
		.blue_size = desc->blue_size,
		.blue_shift = desc->blue_shift,
	};
	for (int i = 0; i < 16; i++)
		fb->palette[i] = fb_rgb(fb, palette_rgb[i][0],
					palette_rgb[i][1], palette_rgb[i][2]);
	return 0;
}

static uint32_t channel(uint8_t v, uint8_t size, uint8_t shift)
{
	return size ? (uint32_t)(v >> (8 - size)) << shift : 0;
}

uint32_t fb_rgb(const struct fb_surface *fb, uint8_t r, uint8_t g, uint8_t b)
{
	return channel(r, fb->red_size, fb->red_shift) |
	       channel(g, fb->green_size, fb->green_shift) |
	       channel(b, fb->blue_size, fb->blue_shift);
}

uint32_t fb_get_pixel(const struct fb_surface *fb, uint32_t x, uint32_t y)
{
	const volatile uint8_t *p =
		fb->base + (size_t)y * fb->pitch + (size_t)x * fb->bytes_pp;
	uint32_t v = 0;

	for (uint32_t i = 0; i < fb->bytes_pp; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Copy n bytes to video memory; dst and src agree modulo 8. */
static void copy_out(volatile uint8_t *dst, const uint8_t *src, size_t n)
{
	volatile uint64_t *d;
	const uint64_t *s;

	for (; n && ((uintptr_t)dst & 7); n--)
		*dst++ = *src++;
	d = (volatile uint64_t *)dst;
	s = (const uint64_t *)src;
	for (; n >= 8; n -= 8)
		*d++ = *s++;
	dst = (volatile uint8_t *)d;
	src = (const uint8_t *)s;
	while (n--)
		*dst++ = *src++;
}

/* A line buffer that starts as dst does modulo 8 (see copy_out). */
static uint8_t *line_for(const volatile uint8_t *dst)
{
	return (uint8_t *)line_buf + ((uintptr_t)dst & 7);
}

static void put_pixel(uint8_t *p, uint32_t v, uint32_t bytes_pp)
{
	if (bytes_pp == 4) {
		*(u32_unaligned *)p = v;
	} else {
		*(u16_unaligned *)p = (uint16_t)v;
		if (bytes_pp == 3)
			p[2] = (uint8_t)(v >> 16);
	}
}

void fb_fill(const struct fb_surface *fb, uint32_t x, uint32_t y, uint32_t w,
	     uint32_t h, uint32_t pixel)
{
	volatile uint8_t *dst =
		fb->base + (size_t)y * fb->pitch + (size_t)x * fb->bytes_pp;
	uint8_t *line = line_for(dst);

	/* Same alignment for every line only if the pitch keeps it. */
	for (uint32_t i = 0; i < w; i++)
		put_pixel(line + i * fb->bytes_pp, pixel, fb->bytes_pp);
	for (uint32_t r = 0; r < h; r++, dst += fb->pitch) {
		if (line != line_for(dst)) {
			line = line_for(dst);
			for (uint32_t i = 0; i < w; i++)
				put_pixel(line + i * fb->bytes_pp, pixel,
					  fb->bytes_pp);
		}
		copy_out(dst, line, (size_t)w * fb->bytes_pp);
	}
}

/* A glyph row's bits, leftmost pixel in bit 31. */
static uint32_t glyph_bits(const uint8_t *row, uint32_t bytes_per_row)
{
	uint32_t bits = 0;

	for (uint32_t i = 0; i < 4; i++)
		bits |= (uint32_t)(i < bytes_per_row ? row[i] : 0)
			<< (24 - 8 * i);
	return bits;
}

/* 32 bits per pixel: two pixels per 64-bit store, from a 2-bit table. */
static uint8_t *expand32(uint8_t *out, uint32_t bits, uint32_t w,
			 const struct ink *k)
{
	uint64_t fg = k->fg, bg = k->bg;
	const uint64_t pair[4] = {bg | bg << 32, bg | fg << 32, fg | bg << 32,
				  fg | fg << 32};
	uint32_t x = 0;

	for (; x + 2 <= w; x += 2, bits <<= 2, out += 8)
		*(u64_unaligned *)out = pair[bits >> 30];
	if (x < w) {
		*(u32_unaligned *)out = bits >> 31 ? k->fg : k->bg;
		out += 4;
	}
	return out;
}

static uint8_t *expand(uint8_t *out, uint32_t bits, uint32_t w,
		       const struct ink *k, uint32_t bytes_pp)
{
	for (uint32_t x = 0; x < w; x++, bits <<= 1, out += bytes_pp)
		put_pixel(out, bits >> 31 ? k->fg : k->bg, bytes_pp);
	return out;
}

/* Glyph line gy of the n cells in inks[], into out. */
static void render_line(const struct fb_surface *fb, const struct font *font,
			unsigned int n, uint32_t gy, uint8_t *out)
{
	bool underline_row = gy + 2 == font->height; /* as Linux's fbcon */

	for (unsigned int i = 0; i < n; i++) {
		const struct ink *k = &inks[i];
		uint32_t bits = glyph_bits(k->glyph + gy * font->bytes_per_row,
					   font->bytes_per_row);

		if (k->underline && underline_row)
			bits = ~0u;
		if (fb->bytes_pp == 4)
			out = expand32(out, bits, font->width, k);
		else
			out = expand(out, bits, font->width, k, fb->bytes_pp);
	}
}

static void set_inks(const struct fb_surface *fb, const struct font *font,
		     const struct term_cell *cells, unsigned int n, bool invert)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t fg, bg;

		term_cell_colors(&cells[i], &fg, &bg);
		inks[i] = (struct ink){
			.glyph = font_glyph(font, cells[i].ch),
			.fg = fb->palette[invert ? bg : fg],
			.bg = fb->palette[invert ? fg : bg],
			.underline = cells[i].attr & TERM_ATTR_UNDERLINE,
		};
	}
}

void fb_draw_cells(const struct fb_surface *fb, const struct font *font,
		   uint32_t x, uint32_t y, const struct term_cell *cells,
		   unsigned int n, bool invert)
{
	volatile uint8_t *dst =
		fb->base + (size_t)y * fb->pitch + (size_t)x * fb->bytes_pp;
	size_t bytes;

	if (n > TERM_MAX_COLS)
		n = TERM_MAX_COLS;
	bytes = (size_t)n * font->width * fb->bytes_pp;
	set_inks(fb, font, cells, n, invert);
	for (uint32_t gy = 0; gy < font->height; gy++, dst += fb->pitch) {
		uint8_t *line = line_for(dst);

		render_line(fb, font, n, gy, line);
		copy_out(dst, line, bytes);
	}
}

/* One line within video memory; lines never overlap (pitch >= width). */
static void move_line(volatile uint8_t *dst, const volatile uint8_t *src,
		      size_t n)
{
	if ((((uintptr_t)dst ^ (uintptr_t)src) & 7) == 0) {
		for (; n && ((uintptr_t)dst & 7); n--)
			*dst++ = *src++;
		for (; n >= 8; n -= 8, dst += 8, src += 8)
			*(volatile uint64_t *)dst =
				*(const volatile uint64_t *)src;
	} else if ((((uintptr_t)dst ^ (uintptr_t)src) & 3) == 0) {
		for (; n && ((uintptr_t)dst & 3); n--)
			*dst++ = *src++;
		for (; n >= 4; n -= 4, dst += 4, src += 4)
			*(volatile uint32_t *)dst =
				*(const volatile uint32_t *)src;
	}
	while (n--)
		*dst++ = *src++;
}

void fb_move_lines(const struct fb_surface *fb, uint32_t dst, uint32_t src,
		   uint32_t count, uint32_t x, uint32_t w)
{
	size_t off = (size_t)x * fb->bytes_pp, bytes = (size_t)w * fb->bytes_pp;

	if (dst == src)
		return;
	for (uint32_t i = 0; i < count; i++) {
		/* Moving up, go top down; moving down, bottom up. */
		uint32_t k = dst < src ? i : count - 1 - i;

		move_line(fb->base + (size_t)(dst + k) * fb->pitch + off,
			  fb->base + (size_t)(src + k) * fb->pitch + off,
			  bytes);
	}
}
