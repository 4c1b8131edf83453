/*
 * Formatted output: the freestanding vsnprintf family (kernel/lib/printf.c),
 * and kprintf/klog, which send text to every registered console
 * (kernel/lib/printk.c, through kernel/drivers/console/console.c).
 *
 * Formats: %d %i %u %x %X %o %p %s %c %%, the flags - 0 + space #, a width
 * and a precision (numbers or *), and the length modifiers hh h l ll z t j.
 * %p prints 0x and 16 hex digits. There is no floating point: the kernel
 * is built without SSE.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <kernel/compiler.h>
#include <kernel/panic.h> /* panic(), which used to be declared here */

/* Called by vformat with each piece of output, in order. */
typedef void (*format_out_fn)(const char *s, size_t len, void *arg);

/* Format to out; returns the number of characters produced. */
int vformat(format_out_fn out, void *arg, const char *fmt, va_list ap);

/*
 * C's vsnprintf/snprintf: write at most size bytes including the NUL
 * (nothing if size is 0); return the length the whole output would have.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Print to the consoles, unconditionally; returns the length printed. */
int kprintf(const char *fmt, ...) __printf(1, 2);
int vkprintf(const char *fmt, va_list ap);

/*
 * Leveled messages: klog prints only if level <= the current log level
 * (default KLOG_INFO; the command line's loglevel= sets it).
 */
enum klog_level {
	KLOG_ERR = 0,
	KLOG_WARN = 1,
	KLOG_INFO = 2,
	KLOG_DEBUG = 3,
};
#define KLOG_DEFAULT_LEVEL KLOG_INFO

void klog(enum klog_level level, const char *fmt, ...) __printf(2, 3);
void klog_set_level(enum klog_level level);
enum klog_level klog_get_level(void);
/* "0".."3" or err/error, warn/warning, info, debug: the level or -EINVAL. */
int klog_parse_level(const char *s);
const char *klog_level_name(enum klog_level level);

#endif
