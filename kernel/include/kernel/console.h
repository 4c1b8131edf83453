/*
 * The console layer: a short list of output sinks (the serial port first,
 * then the screen: the foreground virtual terminal, <kernel/vt.h>, drawn
 * by the framebuffer or VGA text console) that kprintf writes to, each
 * getting every byte. Drivers register their sink from their own *_init.
 *
 * console_write runs with interrupts off under one spinlock (the
 * innermost but the VTs'), so a sink is never entered twice at once.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
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
/*
 * Sleep until a byte comes (interruptibly): the byte, or -EINTR. The
 * input drivers call console_input_wakeup when they queue bytes.
 */
int console_wait_input(void);
void console_input_wakeup(void);
/* From now on write without the lock: panic, with the other CPUs stopped. */
void console_panic(void);
/* Has console_panic been called? (Sinks with locks of their own ask.) */
bool console_in_panic(void);

/*
 * Everything console_write was given is also kept, its last
 * CONSOLE_LOG_SIZE bytes: console_replay writes that log to one sink (from
 * the first whole line), so a console started late shows the boot from
 * its beginning. Drivers call it just before console_register.
 */
#define CONSOLE_LOG_SIZE (16 * 1024)
void console_replay(const struct console_sink *sink);

/*
 * Start the screen console: the framebuffer console if the loader set up
 * a framebuffer, else the VGA text console (kernel/drivers/console/video.c),
 * with the virtual terminals on it (<kernel/vt.h>). It shows the log so
 * far. 0 or -errno (the kernel carries on without it).
 */
int console_video_init(void);

#endif
