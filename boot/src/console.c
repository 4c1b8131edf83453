/*
 * Loader output on COM1 (16550, 115200 8N1, polled) and on the VGA text
 * screen at 0xb8000, continuing below whatever the BIOS printed.
 */
#include <stdarg.h>
#include "console.h"
#include "cpu.h"

#define COM1 0x3f8
#define VGA ((volatile uint16_t *)phys_ptr(0xb8000))
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700

static bool vga_on;
static int vga_row, vga_col;

static void serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void vga_scroll(void)
{
	for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		VGA[i] = VGA[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		VGA[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
	vga_row = VGA_ROWS - 1;
}

static void vga_putc(char c)
{
	if (c == '\n') {
		vga_col = 0;
		if (++vga_row == VGA_ROWS)
			vga_scroll();
		return;
	}
	VGA[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
	if (++vga_col == VGA_COLS) {
		vga_col = 0;
		if (++vga_row == VGA_ROWS)
			vga_scroll();
	}
}

void console_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* divisor latch */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03);
	/* The BIOS keeps its cursor in the BIOS data area: start below it. */
	volatile uint8_t *bda = phys_ptr(0x450);
	vga_col = 0;
	vga_row = bda[1] + 1 < VGA_ROWS ? bda[1] + 1 : VGA_ROWS - 1;
	vga_on = true;
}

void console_disable_vga(void)
{
	vga_on = false;
}

static void console_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
		if (vga_on)
			vga_putc(*s);
	}
}

void print(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf);
}

void fatal(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write("rastboot: error: ");
	console_write(buf);
	console_write("\nrastboot: halted.\n");
	cpu_halt_forever();
}
