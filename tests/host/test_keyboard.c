/*
 * Host tests of the keyboard decoder (kernel/drivers/input/keyboard_decode.c,
 * pure code compiled here unchanged), under ASan and UBSan: a few typed
 * sequences, every byte after every prefix and modifier combination
 * (nothing longer than KEYBOARD_SEQ_MAX comes out), and a long run of
 * random bytes after which the decoder must still type plain letters.
 */
#include <stdint.h>

#include <kernel/keyboard.h>

#include "testlib.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Decode n bytes into out (NUL-terminated, at most size - 1 bytes); the
 * number of bytes typed. */
static size_t feed(struct keyboard_decoder *d, const uint8_t *bytes, size_t n,
		   char *out, size_t size)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char seq[KEYBOARD_SEQ_MAX];
		size_t k = keyboard_decode(d, bytes[i], seq);

		CHECK(k <= KEYBOARD_SEQ_MAX);
		for (size_t j = 0; j < k && len + 1 < size; j++)
			out[len++] = seq[j];
	}
	out[len] = '\0';
	return len;
}

struct typed {
	const char *name;
	uint8_t bytes[24];
	size_t n;
	const char *want; /* may hold NULs: want_len says how long */
	size_t want_len;
};

#define OUT(s) s, sizeof(s) - 1

/*
 * What the Linux console's default keymap (kbd's US map) types; see
 * keyboard_decode.c. ESC is \033 where a hex escape would eat a letter.
 */
static const struct typed cases[] = {
	{"shift+a", {0x2a, 0x1e, 0x9e, 0xaa, 0x1e}, 5, OUT("Aa")},
	{"caps lock",
	 {0x3a, 0xba, 0x1e, 0x2a, 0x1e, 0xaa, 0x02},
	 7,
	 OUT("Aa1")},
	{"ctrl+c", {0x1d, 0x2e, 0xae, 0x9d}, 4, OUT("\x03")},
	{"up arrow", {0xe0, 0x48, 0xe0, 0xc8}, 4, OUT("\x1b[A")},
	{"page down", {0xe0, 0x51}, 2, OUT("\x1b[6~")},
	{"fake shifts",
	 {0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xaa, 0x1e},
	 7,
	 OUT("\x1b[1~a")},
	{"pause",
	 {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x30},
	 7,
	 OUT("\x1b[Pb")},
	{"releases", {0x9e, 0xe0, 0xc8, 0xaa}, 4, OUT("")},
	{"unknown", {0x00, 0xff, 0x59, 0xe0, 0x7e, 0x1e}, 6, OUT("a")},
	{"alt+x", {0xe0, 0x38, 0x2d, 0xe0, 0xb8}, 5, OUT("\033x")},
	{"the editing keys",
	 {0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x52, 0xe0, 0x53, 0xe0, 0x49},
	 10,
	 OUT("\x1b[1~\x1b[4~\x1b[2~\x1b[3~\x1b[5~")},
	{"arrows",
	 {0xe0, 0x48, 0xe0, 0x50, 0xe0, 0x4d, 0xe0, 0x4b},
	 8,
	 OUT("\x1b[A\x1b[B\x1b[C\x1b[D")},
	{"F1-F5",
	 {0x3b, 0x3c, 0x3d, 0x3e, 0x3f},
	 5,
	 OUT("\x1b[[A\x1b[[B\x1b[[C\x1b[[D\x1b[[E")},
	{"F6-F12",
	 {0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58},
	 7,
	 OUT("\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~")},
	{"shift+F1-F8 are F13-F20",
	 {0x36, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42},
	 9,
	 OUT("\x1b[25~\x1b[26~\x1b[28~\x1b[29~\x1b[31~\x1b[32~\x1b[33~"
	     "\x1b[34~")},
	{"shift+F9-F12 and ctrl+Fn type nothing",
	 {0x2a, 0x43, 0x44, 0x57, 0x58, 0xaa, 0x1d, 0x3b, 0x58, 0x9d, 0x1e},
	 11,
	 OUT("a")},
	{"alt+Fn and ctrl+alt+Fn switch, typing nothing",
	 {0x38, 0x3b, 0x58, 0x1d, 0x3c, 0x9d, 0xb8, 0xe0, 0x38, 0x3d, 0xe0,
	  0xb8, 0x1e},
	 13,
	 OUT("a")},
	{"alt+left and alt+right switch; alt+up types up",
	 {0x38, 0xe0, 0x4b, 0xe0, 0x4d, 0xe0, 0x48, 0xb8},
	 8,
	 OUT("\x1b[A")},
	{"keypad without num lock",
	 {0x47, 0x48, 0x49, 0x4b, 0x4c, 0x4d, 0x4f, 0x50, 0x51, 0x52, 0x53,
	  0x4a, 0x4e, 0x37, 0xe0, 0x35, 0xe0, 0x1c},
	 18,
	 OUT("\x1b[1~\x1b[A\x1b[5~\x1b[D\x1b[G\x1b[C\x1b[4~\x1b[B\x1b[6~"
	     "\x1b[2~\x1b[3~-+*/\r")},
	{"keypad with num lock",
	 {0x45, 0xc5, 0x47, 0x48, 0x49, 0x4b, 0x4c, 0x4d, 0x4f, 0x50, 0x51,
	  0x52, 0x53, 0x4a, 0x4e},
	 15,
	 OUT("7894561230.-+")},
	{"ctrl+letters",
	 {0x1d, 0x1e, 0x2c, 0x2a, 0x10, 0xaa, 0x9d},
	 7,
	 OUT("\x01\x1a\x11")},
	{"ctrl+2-8, -, [, ], \\, /, space, `, '",
	 {0x1d, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0c, 0x1a, 0x1b,
	  0x2b, 0x35, 0x39, 0x29, 0x28, 0x9d},
	 17,
	 OUT("\0\x1b\x1c\x1d\x1e\x1f\x7f\x1f\x1b\x1d\x1c\x7f\0\0\x07")},
	{"ctrl+@, ctrl+^, ctrl+_ (with shift)",
	 {0x1d, 0x2a, 0x03, 0x07, 0x0c, 0xaa, 0x9d},
	 7,
	 OUT("\0\x1e\x1f")},
	{"ctrl+. (compose) types nothing, ctrl+1 a 1",
	 {0x1d, 0x34, 0x02, 0x9d, 0x34},
	 5,
	 OUT("1.")},
	{"backspace is DEL, ctrl+backspace ^H",
	 {0x0e, 0x1d, 0x0e, 0x9d},
	 4,
	 OUT("\x7f\x08")},
	{"alt sends ESC first",
	 {0x38, 0x1e, 0x2a, 0x1e, 0xaa, 0x0e, 0x1c, 0x01, 0x1d, 0x2e, 0x9d,
	  0xb8},
	 12,
	 OUT("\033a\033A\033\x7f\033\r\033\033\033\x03")},
	{"shift+pgup/pgdn (scrollback) and ctrl+alt+del type nothing",
	 {0x2a, 0xe0, 0x49, 0xe0, 0x51, 0xaa, 0x1d, 0x38, 0xe0, 0x53, 0x53,
	  0xb8, 0x9d, 0xe0, 0x53},
	 15,
	 OUT("\x1b[3~")},
	{"alt+keypad digits type that character",
	 {0x38, 0x4d, 0xcd, 0x4c, 0xcc, 0xb8, 0x38, 0x50, 0x51, 0x51, 0xb8},
	 11,
	 OUT("A\xc3\xa9")},
};

static void test_typed(const struct typed *t)
{
	struct keyboard_decoder d;
	char out[80];
	size_t len;

	keyboard_decoder_init(&d);
	len = feed(&d, t->bytes, t->n, out, sizeof(out));
	CHECK_EQ(len, t->want_len);
	CHECK(memcmp(out, t->want, t->want_len) == 0);
}

/* Each event of bytes asks keyboard_console_key for these, in order. */
static void test_console_keys(void)
{
	static const uint8_t bytes[] = {
		0x3b,		  /* F1 alone: 0 */
		0x38, 0x3b,	  /* alt+F1: 1 */
		0xbb,		  /* its release: 0 */
		0x1d, 0x58,	  /* ctrl+alt+F12: 12 */
		0x9d, 0xe0, 0x4b, /* alt+left */
		0xe0, 0x4d,	  /* alt+right */
		0xe0, 0x48, 0xb8, /* alt+up: 0; alt up: 0 */
		0xe0, 0x38, 0x40, /* right alt+F6: 6 */
		0xe0, 0xb8, 0x40, /* F6: 0 */
	};
	static const int want[] = {0,
				   0,
				   1,
				   0,
				   0,
				   12,
				   0,
				   KEYBOARD_CONSOLE_PREV,
				   KEYBOARD_CONSOLE_NEXT,
				   0,
				   0,
				   0,
				   6,
				   0,
				   0};
	struct keyboard_decoder d;
	struct keyboard_event ev;
	size_t got = 0;
	char seq[KEYBOARD_SEQ_MAX];

	keyboard_decoder_init(&d);
	for (size_t i = 0; i < COUNT(bytes); i++) {
		if (!keyboard_scan(&d, bytes[i], &ev))
			continue;
		CHECK(got < COUNT(want));
		CHECK_EQ(keyboard_console_key(&d, &ev), want[got]);
		got++;
		keyboard_translate(&d, &ev, seq);
	}
	CHECK_EQ(got, COUNT(want));
}

/* Modifier make codes, pressed in every combination below. */
static const uint8_t mod_keys[] = {0x2a, 0x1d, 0x38, 0x3a, 0x45};

/* Hold the modifiers in combo, give prefix (if any), then byte. */
static void check_byte(unsigned int combo, uint8_t prefix, uint8_t byte)
{
	struct keyboard_decoder d;
	char seq[KEYBOARD_SEQ_MAX + 1];

	keyboard_decoder_init(&d);
	for (size_t m = 0; m < COUNT(mod_keys); m++) {
		if (combo & (1u << m))
			keyboard_decode(&d, mod_keys[m], seq);
	}
	if (prefix)
		keyboard_decode(&d, prefix, seq);
	seq[KEYBOARD_SEQ_MAX] = 'Z'; /* a canary just past the limit */
	CHECK(keyboard_decode(&d, byte, seq) <= KEYBOARD_SEQ_MAX);
	CHECK_EQ(seq[KEYBOARD_SEQ_MAX], 'Z');
}

static void test_every_byte(void)
{
	static const uint8_t prefixes[] = {0, 0xe0, 0xe1};

	for (unsigned int combo = 0; combo < 1u << COUNT(mod_keys); combo++) {
		for (size_t p = 0; p < COUNT(prefixes); p++) {
			for (unsigned int b = 0; b < 256; b++)
				check_byte(combo, prefixes[p], (uint8_t)b);
		}
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint8_t rng_byte(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint8_t)rng_state;
}

/* Garbage must not wedge the decoder: afterwards, 'a' still types. */
static void test_random(void)
{
	/* Finish any prefix, then release every modifier (letting Alt go
	 * may type an Alt+keypad code). */
	static const uint8_t settle[] = {0x00, 0x00, 0x00, 0xaa, 0xb6, 0x9d,
					 0xe0, 0x9d, 0xb8, 0xe0, 0xb8};
	static const uint8_t a = 0x1e;
	struct keyboard_decoder d;
	char out[8];

	keyboard_decoder_init(&d);
	for (int round = 0; round < 2000; round++) {
		for (int i = 0; i < 500; i++) {
			uint8_t b = rng_byte();

			feed(&d, &b, 1, out, sizeof(out));
		}
		feed(&d, settle, sizeof(settle), out, sizeof(out));
		feed(&d, &a, 1, out, sizeof(out));
		CHECK_STR(out, (d.locks & KEYBOARD_LOCK_CAPS) ? "A" : "a");
		CHECK_EQ(d.mods, 0);
	}
}

int main(void)
{
	for (volatile size_t i = 0; i < COUNT(cases); i++) /* setjmp */
		RUN(test_typed(&cases[i]), "keyboard: types %s", cases[i].name);
	RUN(test_console_keys(),
	    "keyboard: alt+Fn and alt+left/right ask for a "
	    "console");
	RUN(test_every_byte(), "keyboard: every byte, prefix and modifier set");
	RUN(test_random(), "keyboard: random bytes do not wedge the decoder");
	TEST_EXIT();
}
