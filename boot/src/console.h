/*
 * rastboot's output: every message goes to COM1 and to the VGA text screen
 * (while the display is still in text mode). fatal() is the one way a boot
 * is refused: a clear message on both, then the machine halts.
 */
#ifndef RASTBOOT_CONSOLE_H
#define RASTBOOT_CONSOLE_H

#include <stdarg.h>
#include "lib.h"

void console_init(void);
/* After a graphics mode is set the VGA text buffer must not be touched. */
void console_disable_vga(void);
void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 1, 2))) void fatal(const char *fmt,
							   ...);

/* A small vsnprintf: %s %c %d %u %x %lx %llx %lu %zu %p, width, '0'. */
int vformat(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
