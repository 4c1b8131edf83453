/*
 * The console fan-out (see <kernel/console.h>): kprintf writes here, and
 * each registered sink gets the same bytes. A fixed table rather than a
 * linked list, so sinks can be const, static driver data.
 */
#include <kernel/console.h>
#include <kernel/errno.h>

static const struct console_sink *sinks[CONSOLE_MAX_SINKS];
static size_t sink_count;

int console_register(const struct console_sink *sink)
{
	for (size_t i = 0; i < sink_count; i++) {
		if (sinks[i] == sink)
			return -EEXIST;
	}
	if (sink_count == CONSOLE_MAX_SINKS)
		return -ENOSPC;
	sinks[sink_count++] = sink;
	return 0;
}

void console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < sink_count; i++)
		sinks[i]->write(buf, len);
}

int console_getc(void)
{
	for (size_t i = 0; i < sink_count; i++) {
		int c = sinks[i]->getc ? sinks[i]->getc() : -1;

		if (c >= 0)
			return c;
	}
	return -1;
}
