/*
 * kprintf and klog: formatted text to every console. Output is
 * gathered in a small buffer on the stack and handed to console_write in
 * pieces, so a message has no length limit and the consoles see few calls.
 *
 * The log level (loglevel= on the command line, applied by cmdline_init)
 * filters klog; kprintf always prints.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define PRINTK_CHUNK 128

struct chunk {
	char buf[PRINTK_CHUNK];
	size_t len;
};

static enum klog_level current_level = KLOG_DEFAULT_LEVEL;

static const char *const level_names[] = {
	[KLOG_ERR] = "err",
	[KLOG_WARN] = "warn",
	[KLOG_INFO] = "info",
	[KLOG_DEBUG] = "debug",
};

static void chunk_out(const char *s, size_t len, void *arg)
{
	struct chunk *c = arg;

	while (len) {
		size_t n = MIN(len, sizeof(c->buf) - c->len);

		memcpy(c->buf + c->len, s, n);
		c->len += n;
		s += n;
		len -= n;
		if (c->len == sizeof(c->buf)) {
			console_write(c->buf, c->len);
			c->len = 0;
		}
	}
}

int vkprintf(const char *fmt, va_list ap)
{
	struct chunk c = {.len = 0};
	int n = vformat(chunk_out, &c, fmt, ap);

	console_write(c.buf, c.len);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(enum klog_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void klog_set_level(enum klog_level level)
{
	current_level = level > KLOG_DEBUG ? KLOG_DEBUG : level;
}

enum klog_level klog_get_level(void)
{
	return current_level;
}

const char *klog_level_name(enum klog_level level)
{
	return level <= KLOG_DEBUG ? level_names[level] : "?";
}

int klog_parse_level(const char *s)
{
	unsigned long n;

	if (kstrtoul(s, 10, &n) == 0)
		return n <= KLOG_DEBUG ? (int)n : -EINVAL;
	if (strcmp(s, "error") == 0)
		return KLOG_ERR;
	if (strcmp(s, "warning") == 0)
		return KLOG_WARN;
	for (int i = 0; i <= KLOG_DEBUG; i++) {
		if (strcmp(s, level_names[i]) == 0)
			return i;
	}
	return -EINVAL;
}
