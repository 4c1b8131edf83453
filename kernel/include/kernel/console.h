/*
 * The console layer: a short list of output sinks (the serial port first;
 * later a framebuffer terminal) that kprintf writes to, each getting every
 * byte. Drivers register their sink from their own *_init.
 *
 * No locking yet: there is one CPU and interrupts are off. A lock goes in
 * console_write when either changes.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console_sink {
	const char *name;
	/* Write len bytes; "\n" is a line end (the sink translates it). */
	void (*write)(const char *buf, size_t len);
	/* A received byte, or -1 if none is waiting. May be NULL. */
	int (*getc)(void);
};

#define CONSOLE_MAX_SINKS 4

/* Add a sink (kept by pointer, so static): 0, -EEXIST or -ENOSPC. */
int console_register(const struct console_sink *sink);

/* Send buf to every sink. Before any is registered the text is lost. */
void console_write(const char *buf, size_t len);

/* Poll the sinks that can read, in registration order: a byte or -1. */
int console_getc(void);

#endif
