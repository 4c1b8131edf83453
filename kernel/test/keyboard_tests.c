/*
 * In-kernel tests of the keyboard decoder (kernel/drivers/input/keyboard_decode.c):
 * scancode set 1 byte sequences in, typed bytes out, no hardware involved.
 * tests/host/test_keyboard.c runs the same decoder on the host with
 * sanitizers; these make sure the kernel build behaves the same.
 */
#include <kernel/i8042.h>
#include <kernel/keyboard.h>
#include <kernel/ktest.h>

/* Decode bytes[0..n) with d; what they type goes to out, NUL-terminated. */
static void feed(struct keyboard_decoder *d, const uint8_t *bytes, size_t n,
		 char *out, size_t size)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char seq[KEYBOARD_SEQ_MAX];
		size_t k = keyboard_decode(d, bytes[i], seq);

		for (size_t j = 0; j < k && len + 1 < size; j++)
			out[len++] = seq[j];
	}
	out[len] = '\0';
}

/* FEED(d, out, byte, ...): decode the bytes into the char array out. */
#define FEED(d, out, ...)                                          \
	do {                                                       \
		static const uint8_t bytes_[] = {__VA_ARGS__};     \
		feed(d, bytes_, sizeof(bytes_), out, sizeof(out)); \
	} while (0)

KTEST(keyboard, letters_and_shift)
{
	struct keyboard_decoder d;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x1e, 0x9e, 0x30, 0xb0); /* a b */
	KT_ASSERT_STREQ(out, "ab");
	FEED(&d, out, 0x2a, 0x1e, 0x9e, 0xaa, 0x1e, 0x9e); /* shift+a, a */
	KT_ASSERT_STREQ(out, "Aa");
	FEED(&d, out, 0x36, 0x02, 0x0d, 0x27, 0xb6); /* right shift: 1 = ; */
	KT_ASSERT_STREQ(out, "!+:");
	FEED(&d, out, 0x1c, 0x0e, 0x0f, 0x39, 0x01); /* enter bs tab sp esc */
	KT_ASSERT_STREQ(out, "\r\x7f\t \x1b");
}

KTEST(keyboard, caps_lock)
{
	struct keyboard_decoder d;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e, 0xaa);
	KT_ASSERT_STREQ(out, "A1a"); /* digits unaffected; shift inverts */
	KT_ASSERT_EQ(keyboard_leds(&d), KEYBOARD_LOCK_CAPS);
	FEED(&d, out, 0x3a, 0x3a, 0x3a, 0xba, 0x1e); /* repeats toggle once */
	KT_ASSERT_STREQ(out, "a");
	KT_ASSERT_EQ(keyboard_leds(&d), 0);
	FEED(&d, out, 0x45, 0xc5, 0x46, 0xc6); /* num lock, scroll lock */
	KT_ASSERT_EQ(keyboard_leds(&d),
		     KEYBOARD_LOCK_NUM | KEYBOARD_LOCK_SCROLL);
}

KTEST(keyboard, ctrl_and_alt)
{
	struct keyboard_decoder d;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x1d, 0x2e, 0xae, 0x9d); /* ctrl+c */
	KT_ASSERT_STREQ(out, "\x03");
	FEED(&d, out, 0xe0, 0x1d, 0x16, 0x1a, 0xe0, 0x9d); /* rctrl+u, ctrl+[ */
	KT_ASSERT_STREQ(out, "\x15\x1b");
	FEED(&d, out, 0x38, 0x1e, 0xb8, 0x1e); /* alt+a, a */
	/* Octal: "\x1baa" would read the a's as hex digits. */
	KT_ASSERT_STREQ(out, "\033aa");
}

KTEST(keyboard, escape_sequences)
{
	struct keyboard_decoder d;
	char out[64];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4d, 0xe0,
	     0x4b);
	KT_ASSERT_STREQ(out, "\x1b[A\x1b[B\x1b[C\x1b[D");
	FEED(&d, out, 0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x52, 0xe0, 0x53);
	KT_ASSERT_STREQ(out, "\x1b[1~\x1b[4~\x1b[2~\x1b[3~");
	FEED(&d, out, 0xe0, 0x49, 0xe0, 0x51, 0x3b, 0x40, 0x58);
	KT_ASSERT_STREQ(out, "\x1b[5~\x1b[6~\x1b[[A\x1b[17~\x1b[24~");
	FEED(&d, out, 0x2a, 0x3b, 0x43, 0xaa); /* shift+F1 is F13; F21: none */
	KT_ASSERT_STREQ(out, "\x1b[25~");
	/* Arrows wrapped in fake shifts: the shifts must not stick. */
	FEED(&d, out, 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, 0x1e);
	KT_ASSERT_STREQ(out, "\x1b[Aa");
}

KTEST(keyboard, keypad)
{
	struct keyboard_decoder d;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x48, 0x4e, 0xe0, 0x1c, 0xe0, 0x35); /* num lock off */
	KT_ASSERT_STREQ(out, "\x1b[A+\r/");
	FEED(&d, out, 0x47, 0x4c, 0x4f, 0x53);
	KT_ASSERT_STREQ(out, "\x1b[1~\x1b[G\x1b[4~\x1b[3~");
	FEED(&d, out, 0x45, 0xc5, 0x48, 0x53, 0x52); /* num lock on */
	KT_ASSERT_STREQ(out, "8.0");
}

KTEST(keyboard, releases_and_unknown_ignored_pause_typed)
{
	struct keyboard_decoder d;
	struct keyboard_event ev;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x9e, 0xb0, 0xe0, 0xc8); /* releases alone */
	KT_ASSERT_STREQ(out, "");
	FEED(&d, out, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e);
	KT_ASSERT_STREQ(out, "\x1b[Pa"); /* Pause, as the Linux console */
	FEED(&d, out, 0x00, 0xff, 0x59, 0x60, 0xe0, 0x7e, 0xe0, 0x5b, 0x30);
	KT_ASSERT_STREQ(out, "b");
	KT_ASSERT(!keyboard_scan(&d, 0xe1, &ev));
	KT_ASSERT(!keyboard_scan(&d, 0x1d, &ev));
	KT_ASSERT(keyboard_scan(&d, 0x45, &ev));
	KT_ASSERT_EQ(ev.key, KEYBOARD_KEY_PAUSE);
	KT_ASSERT(ev.pressed);
}

/* Alt+Fn asks for console n and types nothing; Alt+Left/Right step. */
KTEST(keyboard, console_keys)
{
	struct keyboard_decoder d;
	struct keyboard_event ev;
	char out[32];

	keyboard_decoder_init(&d);
	FEED(&d, out, 0x38); /* alt down */
	KT_ASSERT(keyboard_scan(&d, 0x3c, &ev));
	KT_ASSERT_EQ(keyboard_console_key(&d, &ev), 2);
	KT_ASSERT_EQ(keyboard_translate(&d, &ev, out), 0);
	KT_ASSERT(!keyboard_scan(&d, 0xe0, &ev));
	KT_ASSERT(keyboard_scan(&d, 0x4b, &ev));
	KT_ASSERT_EQ(keyboard_console_key(&d, &ev), KEYBOARD_CONSOLE_PREV);
	FEED(&d, out, 0xb8, 0x3c); /* alt up: F2 types again */
	KT_ASSERT_STREQ(out, "\x1b[[B");
	KT_ASSERT(keyboard_scan(&d, 0x3c, &ev));
	KT_ASSERT_EQ(keyboard_console_key(&d, &ev), 0);
}

KTEST(keyboard, i8042_present)
{
	/* QEMU's pc and q35 both have one; keyboard_init ran before. */
	KT_ASSERT(i8042_present());
}
