/*
 * In-kernel tests of the monitor's line editor (kernel/init/monitor_line.c):
 * input bytes in, finished lines and the echo out. The commands themselves
 * are exercised end to end by tests/qemu/keyboard.sh.
 */
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/string.h>

static char echoed[256];
static size_t echoed_len;

static void capture(const char *s, size_t len)
{
	for (size_t i = 0; i < len && echoed_len + 1 < sizeof(echoed); i++)
		echoed[echoed_len++] = s[i];
	echoed[echoed_len] = '\0';
}

static void reset(struct monitor_line *ed)
{
	monitor_line_init(ed, capture);
	echoed_len = 0;
	echoed[0] = '\0';
}

/* Feed s; the last line it completed, or NULL if none. */
static const char *type(struct monitor_line *ed, const char *s)
{
	const char *line = NULL;

	for (; *s; s++) {
		const char *l = monitor_line_feed(ed, (uint8_t)*s);

		if (l)
			line = l;
	}
	return line;
}

KTEST(monitor, line_and_echo)
{
	static struct monitor_line ed;

	reset(&ed);
	KT_ASSERT(type(&ed, "echo hi") == NULL);
	KT_ASSERT_STREQ(type(&ed, "\r"), "echo hi");
	KT_ASSERT_STREQ(echoed, "echo hi\n");
	KT_ASSERT(type(&ed, "\n") == NULL);   /* the LF of CR LF */
	KT_ASSERT_STREQ(type(&ed, "\n"), ""); /* a lone LF ends a line */
}

KTEST(monitor, erase)
{
	static struct monitor_line ed;

	reset(&ed);
	KT_ASSERT_STREQ(type(&ed, "abc\x7f\bd\r"), "ad");
	KT_ASSERT_STREQ(echoed, "abc\b \b\b \bd\n");
	KT_ASSERT_STREQ(type(&ed, "xyz\x15q\r"), "q"); /* Ctrl-U */
	KT_ASSERT_STREQ(type(&ed, "\x7f\r"), "");      /* nothing to erase */
	KT_ASSERT_STREQ(type(&ed, "abc\x03"), "");     /* Ctrl-C */
}

KTEST(monitor, escapes_and_history)
{
	static struct monitor_line ed;

	reset(&ed);
	KT_ASSERT_STREQ(type(&ed, "a\x1b[3~b\x1bOPc\x1b[1;5Cd\r"), "abcd");
	KT_ASSERT_STREQ(type(&ed, "x\x1b[A\r"), "abcd"); /* Up recalls */
	/* The Linux console's F1 and F6: no A or 7 typed. */
	KT_ASSERT_STREQ(type(&ed, "\x1b[[Aab\x1b[17~\x1b[[E\r"), "ab");
	reset(&ed);
	KT_ASSERT_STREQ(type(&ed, "echo 1\r\r"), ""); /* blank: not kept */
	KT_ASSERT_STREQ(type(&ed, "\x1b[A\r"), "echo 1");
}

KTEST(monitor, line_full)
{
	static struct monitor_line ed;
	const char *line = NULL;

	reset(&ed);
	for (int i = 0; i < 2 * MONITOR_LINE_MAX; i++)
		monitor_line_feed(&ed, 'x');
	line = monitor_line_feed(&ed, '\r');
	KT_ASSERT(line != NULL);
	KT_ASSERT_EQ(strlen(line), MONITOR_LINE_MAX - 1);
}
