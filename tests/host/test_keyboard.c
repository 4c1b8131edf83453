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

/* Decode n bytes into out (NUL-terminated, at most size - 1 bytes). */
static void feed(struct keyboard_decoder *d, const uint8_t *bytes, size_t n,
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
}

struct typed {
	const char *name;
	uint8_t bytes[16];
	size_t n;
	const char *want;
};

static const struct typed cases[] = {
	{"shift+a", {0x2a, 0x1e, 0x9e, 0xaa, 0x1e}, 5, "Aa"},
	{"caps lock", {0x3a, 0xba, 0x1e, 0x2a, 0x1e, 0xaa, 0x02}, 7, "Aa1"},
	{"ctrl+c", {0x1d, 0x2e, 0xae, 0x9d}, 4, "\x03"},
	{"up arrow", {0xe0, 0x48, 0xe0, 0xc8}, 4, "\x1b[A"},
	{"page down", {0xe0, 0x51}, 2, "\x1b[6~"},
	{"fake shifts",
	 {0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xaa, 0x1e},
	 7,
	 "\x1b[Ha"},
	{"pause", {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x30}, 7, "b"},
	{"releases", {0x9e, 0xe0, 0xc8, 0xaa}, 4, ""},
	{"unknown", {0x00, 0xff, 0x59, 0xe0, 0x7e, 0x1e}, 6, "a"},
	{"alt+x", {0xe0, 0x38, 0x2d, 0xe0, 0xb8}, 5, "\x1bx"},
};

static void test_typed(const struct typed *t)
{
	struct keyboard_decoder d;
	char out[64];

	keyboard_decoder_init(&d);
	feed(&d, t->bytes, t->n, out, sizeof(out));
	CHECK_STR(out, t->want);
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
	/* Finish any prefix, then release every modifier. */
	static const uint8_t settle[] = {0x00, 0x00, 0x00, 0xaa, 0xb6, 0x9d,
					 0xe0, 0x9d, 0xb8, 0xe0, 0xb8, 0x1e};
	struct keyboard_decoder d;
	char out[8];

	keyboard_decoder_init(&d);
	for (int round = 0; round < 2000; round++) {
		for (int i = 0; i < 500; i++) {
			uint8_t b = rng_byte();

			feed(&d, &b, 1, out, sizeof(out));
		}
		feed(&d, settle, sizeof(settle), out, sizeof(out));
		CHECK_STR(out, (d.locks & KEYBOARD_LOCK_CAPS) ? "A" : "a");
		CHECK_EQ(d.mods, 0);
	}
}

int main(void)
{
	for (volatile size_t i = 0; i < COUNT(cases); i++) /* setjmp */
		RUN(test_typed(&cases[i]), "keyboard: types %s", cases[i].name);
	RUN(test_every_byte(), "keyboard: every byte, prefix and modifier set");
	RUN(test_random(), "keyboard: random bytes do not wedge the decoder");
	TEST_EXIT();
}
