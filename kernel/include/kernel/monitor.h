/*
 * The kernel monitor: a "rastos> " prompt on the consoles, for poking at
 * the kernel until there is a shell. It reads console_getc (serial and
 * keyboard), echoes through console_write, and runs a few built-in
 * commands (help lists them). kmain calls monitor_run last, when no test=
 * was given.
 *
 * The line editor under it is separate and pure, fed one byte at a time,
 * so the tests can drive it: printable characters, Backspace (BS or DEL),
 * Ctrl-U (erase the line), Ctrl-C (abandon it), Up arrow (recall the last
 * line); other control bytes and escape sequences are ignored.
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>

#define MONITOR_LINE_MAX 128 /* bytes in a line, its NUL included */

typedef void (*monitor_echo_fn)(const char *s, size_t len);

struct monitor_line {
	char buf[MONITOR_LINE_MAX]; /* the line being typed */
	size_t len;
	char history[MONITOR_LINE_MAX]; /* the last non-empty line entered */
	uint8_t esc;	      /* escape sequence state (monitor_line.c) */
	bool after_cr;	      /* swallow the \n of a \r\n pair */
	monitor_echo_fn echo; /* shows what typing did */
};

void monitor_line_init(struct monitor_line *ed, monitor_echo_fn echo);

/*
 * Feed one input byte. When it ends a line (CR, LF, or Ctrl-C, which
 * gives ""), return the line, NUL-terminated, valid until the next call;
 * else NULL.
 */
const char *monitor_line_feed(struct monitor_line *ed, uint8_t c);

/*
 * Run a command line: "help", "echo TEXT", ...; unknown commands get
 * "unknown command: NAME". Blank lines do nothing.
 */
void monitor_execute(const char *line);

/* Prompt, read, execute, for ever. */
noreturn void monitor_run(void);

#endif
