/*
 * The video consoles behind console_video_init (<kernel/console.h>): the
 * framebuffer console (fbcon: a terminal, <kernel/term.h>, drawn with a
 * PSF2 font, <kernel/font.h>) and the VGA text console (vgacon). Each is
 * the screen of the virtual terminals (<kernel/vt.h>), showing one of
 * them at a time; this header is for them and their tests.
 *
 * Drawing goes through struct fb_surface, which describes any linear
 * framebuffer of 16, 24 or 32 bits per pixel by its channel masks, and may
 * as well be an off-screen buffer (the tests draw into one).
 *
 * No locking: the VT layer serialises drawing (see vt.h).
 */
#ifndef KERNEL_VIDEO_H
#define KERNEL_VIDEO_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/boot.h>
#include <kernel/font.h>
#include <kernel/term.h>

#define FB_MAX_WIDTH 8192 /* pixels; wider screens are refused */

struct fb_surface {
	volatile uint8_t *base;	       /* the top-left pixel */
	uint32_t width, height, pitch; /* pixels, pixels, bytes per line */
	uint32_t bytes_pp;	       /* 2, 3 or 4 */
	uint8_t red_size, red_shift, green_size, green_shift;
	uint8_t blue_size, blue_shift;
	uint32_t palette[16]; /* pixel values of the terminal's colours */
};

/* Describe desc's framebuffer; 0 or -EINVAL (bpp, model, pitch, size). */
int fb_surface_init(struct fb_surface *fb, const struct boot_framebuffer *desc);

/* The pixel value of an 8-bit-per-channel colour. */
uint32_t fb_rgb(const struct fb_surface *fb, uint8_t r, uint8_t g, uint8_t b);

/* The pixel at (x, y), read back (for tests). */
uint32_t fb_get_pixel(const struct fb_surface *fb, uint32_t x, uint32_t y);

void fb_fill(const struct fb_surface *fb, uint32_t x, uint32_t y, uint32_t w,
	     uint32_t h, uint32_t pixel);

/*
 * Draw n cells of one text row with the top-left corner at pixel (x, y),
 * each font->width x font->height; invert swaps the colours (the cursor).
 * The caller keeps the cells inside the surface.
 */
void fb_draw_cells(const struct fb_surface *fb, const struct font *font,
		   uint32_t x, uint32_t y, const struct term_cell *cells,
		   unsigned int n, bool invert);

/*
 * Copy count pixel lines from line src to line dst (overlap allowed),
 * columns [x, x + w), in 64-bit chunks where alignment allows.
 */
void fb_move_lines(const struct fb_surface *fb, uint32_t dst, uint32_t src,
		   uint32_t count, uint32_t x, uint32_t w);

/* A terminal drawn on a surface. */
struct fbcon {
	struct fb_surface fb;
	const struct font *font;
	unsigned int cols, rows; /* the grid that fits (at most the max) */
	struct term *term;	 /* the terminal shown, cols x rows; or NULL */
	struct term_cell *shown; /* what the pixels show, cell by cell */
	unsigned int cursor_x, cursor_y;
	bool cursor_drawn;
	bool scroll_by_move; /* move pixels on scroll (else redraw) */
	struct {
		unsigned int top, bottom;
		int n; /* scrolls not yet applied to the pixels */
	} pending;
};

/*
 * Set up c on desc's framebuffer with font, using shown (max_cols *
 * max_rows cells) for the largest grid that fits; clears the screen. It
 * shows no terminal until fbcon_show. 0 or -EINVAL.
 */
int fbcon_setup(struct fbcon *c, const struct boot_framebuffer *desc,
		const struct font *font, struct term_cell *shown,
		unsigned int max_cols, unsigned int max_rows);

/* Show t (c->cols x c->rows) from now on: the next flush draws all of it. */
void fbcon_show(struct fbcon *c, struct term *t);

/*
 * The shown terminal scrolled (what term_ops.scroll reports): the pixels
 * move at the next flush, if c scrolls by moving them.
 */
void fbcon_scroll(struct fbcon *c, unsigned int top, unsigned int bottom,
		  int n);

/* term_ops (ctx: the struct fbcon) for a terminal only c shows. */
extern const struct term_ops fbcon_term_ops;

/* Interpret buf on the terminal shown, then bring the pixels up to date. */
void fbcon_write(struct fbcon *c, const char *buf, size_t len);

/* Bring the pixels up to date with the terminal. */
void fbcon_flush(struct fbcon *c);

/* Forget what the pixels show, so the next flush redraws every cell. */
void fbcon_invalidate(struct fbcon *c);

/* The console on the boot framebuffer, with the VTs on it (<kernel/vt.h>). */
int fbcon_init(const struct boot_framebuffer *desc);

/* That console, or NULL if there is none (for the benchmark). */
struct fbcon *fbcon_live(void);

/* The VGA text console (80x25 at 0xb8000), with the VTs on it. */
int vgacon_init(void);

#endif
