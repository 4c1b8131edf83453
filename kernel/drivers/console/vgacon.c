/*
 * The VGA text console (see <kernel/video.h>), used when the loader leaves
 * the display in text mode: the VTs' screen (<kernel/vt.h>). The cells of
 * the terminal shown (<kernel/term.h>) are copied, row by dirty row, into
 * the text buffer at physical 0xb8000 (two bytes a cell: a code page 437
 * character and a colour attribute), mapped with vm_ioremap (or found in
 * the loader's HHDM); a switch copies every row. The cursor is the
 * hardware one, moved through the CRT controller's registers.
 *
 * The mode is whatever the BIOS set (80x25 normally); its size is read
 * from the BIOS data area and sanity-checked.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/io.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/video.h>
#include <kernel/vm.h>
#include <kernel/vt.h>

#define VGA_TEXT_PHYS 0xb8000
#define VGA_TEXT_BYTES 0x8000
#define BDA_COLUMNS 0x44a  /* uint16_t: text columns */
#define BDA_LAST_ROW 0x484 /* uint8_t: text rows - 1 (EGA and later) */
#define MAX_COLS 132
#define MAX_ROWS 60

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_END 0x0b
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW 0x0f
#define CURSOR_DISABLE 0x20
#define INPUT_STATUS_1 0x3da /* reading it resets the attribute flip-flop */
#define ATTR_INDEX 0x3c0
#define ATTR_READ 0x3c1
#define ATTR_MODE_CONTROL 0x30 /* index 0x10, with the palette enabled */
#define ATTR_MODE_BLINK 0x08

static struct term *shown; /* the VT drawn; NULL before vt_init */
static volatile uint16_t *text;

/* ANSI colour order to the VGA's (blue and red swap places). */
static const uint8_t vga_color[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/* Code page 437, 0x80-0xff, as Unicode. */
static const uint16_t cp437_high[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea,
	0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6,
	0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc,
	0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
	0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc,
	0x00a1, 0x00ab, 0x00bb, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561,
	0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b,
	0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568,
	0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518,
	0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, 0x03b1, 0x00df, 0x0393,
	0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
	0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320,
	0x2321, 0x00f7, 0x2248, 0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2,
	0x25a0, 0x00a0,
};

static uint8_t to_cp437(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (uint8_t)cp;
	for (unsigned int i = 0; i < 128; i++) {
		if (cp437_high[i] == cp)
			return (uint8_t)(0x80 + i);
	}
	return '?';
}

static uint16_t vga_entry(const struct term_cell *c)
{
	uint8_t fg, bg;

	term_cell_colors(c, &fg, &bg);
	fg = vga_color[fg & 7] | (fg & TERM_BRIGHT);
	bg = vga_color[bg & 7] | (bg & TERM_BRIGHT);
	return (uint16_t)(to_cp437(c->ch) | (bg << 12) | (fg << 8));
}

static void crtc_write(uint8_t reg, uint8_t val)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, val);
}

static uint8_t crtc_read(uint8_t reg)
{
	outb(CRTC_INDEX, reg);
	return inb(CRTC_DATA);
}

static void update_cursor(const struct term *t)
{
	uint16_t pos = (uint16_t)(t->y * t->cols + t->x);
	uint8_t start = crtc_read(CRTC_CURSOR_START);

	if (!t->cursor_visible) {
		crtc_write(CRTC_CURSOR_START, start | CURSOR_DISABLE);
		return;
	}
	crtc_write(CRTC_CURSOR_HIGH, pos >> 8);
	crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
	crtc_write(CRTC_CURSOR_START, start & ~CURSOR_DISABLE);
}

/* The VTs' screen operations. */
static void vga_flush(void *ctx)
{
	if (!shown)
		return;
	for (unsigned int y = 0; y < shown->rows; y++) {
		volatile uint16_t *row = text + (size_t)y * shown->cols;

		if (!term_take_dirty(shown, y))
			continue;
		for (unsigned int x = 0; x < shown->cols; x++)
			row[x] = vga_entry(term_cell_at(shown, x, y));
	}
	update_cursor(shown);
}

static void vga_show(void *ctx, struct term *t)
{
	shown = t;
	term_mark_all_dirty(t);
	vga_flush(ctx);
}

static const struct vt_screen_ops vga_ops = {
	.show = vga_show,
	.flush = vga_flush,
};

/* Attribute bit 7 means blink by default; make it a bright background. */
static void disable_blink(void)
{
	uint8_t mode;

	inb(INPUT_STATUS_1);
	outb(ATTR_INDEX, ATTR_MODE_CONTROL);
	mode = inb(ATTR_READ);
	outb(ATTR_INDEX, mode & ~ATTR_MODE_BLINK);
}

/* The BIOS's idea of the mode's size, if it is believable; else kept. */
static void text_size(unsigned int *cols, unsigned int *rows)
{
	unsigned int c = *(volatile uint16_t *)boot_phys_to_virt(BDA_COLUMNS);
	unsigned int r =
		*(volatile uint8_t *)boot_phys_to_virt(BDA_LAST_ROW) + 1;

	if (c >= 40 && c <= MAX_COLS && r >= 25 && r <= MAX_ROWS &&
	    c * r * 2 <= VGA_TEXT_BYTES) {
		*cols = c;
		*rows = r;
	}
}

/*
 * Is phys mapped in the HHDM? Memory management maps RAM and firmware
 * areas there; the VGA window is device memory, which it may leave out.
 */
static bool hhdm_mapped(uint64_t phys)
{
	uint64_t got;

	return arch_virt_to_phys((uintptr_t)boot_phys_to_virt(phys),
				 boot_info->hhdm_offset, &got) == 0 &&
	       got == phys;
}

/*
 * The text buffer through the HHDM where it is there (the loader's map);
 * memory management's direct map leaves device memory out, so then a
 * mapping of its own, uncached.
 */
static volatile uint16_t *map_text_buffer(void)
{
	if (hhdm_mapped(VGA_TEXT_PHYS) &&
	    hhdm_mapped(VGA_TEXT_PHYS + VGA_TEXT_BYTES - 1))
		return boot_phys_to_virt(VGA_TEXT_PHYS);
	return vm_ioremap(VGA_TEXT_PHYS, VGA_TEXT_BYTES, VM_WRITE);
}

int vgacon_init(void)
{
	unsigned int cols = 80, rows = 25;
	int err;

	text = map_text_buffer();
	if (!text) {
		klog(KLOG_ERR, "console: cannot map the VGA text buffer\n");
		return -ENOMEM;
	}
	if (hhdm_mapped(BDA_COLUMNS) && hhdm_mapped(BDA_LAST_ROW))
		text_size(&cols, &rows);
	disable_blink();
	err = vt_init(&vga_ops, NULL, cols, rows);
	if (err)
		return err;
	klog(KLOG_INFO, "console: VGA text %ux%u\n", cols, rows);
	return 0;
}
