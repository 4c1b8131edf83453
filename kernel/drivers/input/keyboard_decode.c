/*
 * The keyboard decoder (see <kernel/keyboard.h>): scancode set 1 bytes to
 * key events, key events to the bytes a terminal sends. Pure code with no
 * hardware access and no kernel dependencies beyond the header, so the
 * host test (tests/host/test_keyboard.c) compiles this very file.
 *
 * Set 1 in brief: a key's make code is 0x01-0x58, its break code the same
 * with bit 7 set. 0xE0 prefixes the keys added by the 101-key layout
 * (cursor block, right Ctrl/Alt, keypad Enter and /), some of which also
 * wrap themselves in fake Shift presses (E0 2A / E0 AA) that mean nothing.
 * Pause alone sends E1 1D 45 E1 9D C5 on press and nothing on release.
 */
#include <kernel/keyboard.h>

#define ESC "\x1b"

#define SC_LCTRL 0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_LALT 0x38
#define SC_CAPS 0x3a
#define SC_NUM 0x45
#define SC_SCROLL 0x46
#define SC_KP_FIRST 0x47 /* keypad 7 ... */
#define SC_KP_LAST 0x53	 /* ... keypad . */
#define SC_KP_MINUS 0x4a
#define SC_KP_PLUS 0x4e

/* The US layout, indexed by make code 0x00-0x39; '\0' types nothing. */
#define US_PLAIN                                                             \
	"\0" ESC "1234567890-=\x7f\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm" \
	",./\0*\0 "
#define US_SHIFT                                                             \
	"\0" ESC "!@#$%^&*()_+\x7f\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM" \
	"<>?\0*\0 "
static const char us_plain[] = US_PLAIN;
static const char us_shift[] = US_SHIFT;
_Static_assert(sizeof(US_PLAIN) == 0x3a + 1, "US_PLAIN covers 0x00-0x39");
_Static_assert(sizeof(US_SHIFT) == 0x3a + 1, "US_SHIFT covers 0x00-0x39");

/* Keypad 0x47-0x53 with Num Lock on. */
static const char keypad_chars[] = "789-456+1230.";

/* Keys that type an escape sequence (xterm's), or a fixed byte. */
struct key_sequence {
	uint8_t key;
	char bytes[7];
};

static const struct key_sequence sequences[] = {
	{KEYBOARD_EXT | 0x48, ESC "[A"},  /* up */
	{KEYBOARD_EXT | 0x50, ESC "[B"},  /* down */
	{KEYBOARD_EXT | 0x4d, ESC "[C"},  /* right */
	{KEYBOARD_EXT | 0x4b, ESC "[D"},  /* left */
	{KEYBOARD_EXT | 0x47, ESC "[H"},  /* home */
	{KEYBOARD_EXT | 0x4f, ESC "[F"},  /* end */
	{KEYBOARD_EXT | 0x52, ESC "[2~"}, /* insert */
	{KEYBOARD_EXT | 0x53, ESC "[3~"}, /* delete */
	{KEYBOARD_EXT | 0x49, ESC "[5~"}, /* page up */
	{KEYBOARD_EXT | 0x51, ESC "[6~"}, /* page down */
	{KEYBOARD_EXT | 0x1c, "\r"},	  /* keypad enter */
	{KEYBOARD_EXT | 0x35, "/"},	  /* keypad / */
	{0x3b, ESC "OP"},		  /* F1 */
	{0x3c, ESC "OQ"},
	{0x3d, ESC "OR"},
	{0x3e, ESC "OS"}, /* F4 */
	{0x3f, ESC "[15~"},
	{0x40, ESC "[17~"},
	{0x41, ESC "[18~"},
	{0x42, ESC "[19~"},
	{0x43, ESC "[20~"},
	{0x44, ESC "[21~"}, /* F10 */
	{0x57, ESC "[23~"}, /* F11 */
	{0x58, ESC "[24~"}, /* F12 */
};

void keyboard_decoder_init(struct keyboard_decoder *d)
{
	*d = (struct keyboard_decoder){0};
}

/* The second and third bytes after 0xE1: only Pause (1D 45) is known. */
static bool scan_e1(struct keyboard_decoder *d, uint8_t byte,
		    struct keyboard_event *ev)
{
	if (d->e1_count++ == 0) {
		d->e1_first = byte;
		return false;
	}
	d->prefix = 0;
	if ((d->e1_first & 0x7f) != SC_LCTRL || (byte & 0x7f) != SC_NUM)
		return false;
	ev->key = KEYBOARD_KEY_PAUSE;
	ev->pressed = !(byte & 0x80);
	return true;
}

bool keyboard_scan(struct keyboard_decoder *d, uint8_t byte,
		   struct keyboard_event *ev)
{
	uint8_t code = byte & 0x7f;
	bool ext;

	if (d->prefix == 0xe1)
		return scan_e1(d, byte, ev);
	if (byte == 0xe0 || byte == 0xe1) {
		d->prefix = byte;
		d->e1_count = 0;
		return false;
	}
	ext = d->prefix == 0xe0;
	d->prefix = 0;
	/* 0x00 and 0x7f are no keys (error and overrun codes land there). */
	if (code == 0 || code == 0x7f)
		return false;
	if (ext && (code == SC_LSHIFT || code == SC_RSHIFT))
		return false; /* a fake shift */
	ev->key = ext ? (KEYBOARD_EXT | code) : code;
	ev->pressed = !(byte & 0x80);
	return true;
}

static uint8_t modifier_bit(uint8_t key)
{
	switch (key) {
	case SC_LSHIFT:
		return KEYBOARD_MOD_LSHIFT;
	case SC_RSHIFT:
		return KEYBOARD_MOD_RSHIFT;
	case SC_LCTRL:
		return KEYBOARD_MOD_LCTRL;
	case KEYBOARD_EXT | SC_LCTRL:
		return KEYBOARD_MOD_RCTRL;
	case SC_LALT:
		return KEYBOARD_MOD_LALT;
	case KEYBOARD_EXT | SC_LALT:
		return KEYBOARD_MOD_RALT;
	}
	return 0;
}

static uint8_t lock_bit(uint8_t key)
{
	switch (key) {
	case SC_CAPS:
		return KEYBOARD_LOCK_CAPS;
	case SC_NUM:
		return KEYBOARD_LOCK_NUM;
	case SC_SCROLL:
		return KEYBOARD_LOCK_SCROLL;
	}
	return 0;
}

/* Ctrl+c: letters and @[\]^_ give 0x00-0x1f, ? gives DEL, as on a VT. */
static char control_code(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_'))
		return (char)(c & 0x1f);
	switch (c) {
	case ' ':
	case '2':
		return 0;
	case '6':
		return 0x1e;
	case '-':
	case '/':
		return 0x1f;
	case '?':
	case '8':
		return 0x7f;
	}
	return c;
}

/* The character an ordinary key types under the current Shift and locks. */
static char key_char(const struct keyboard_decoder *d, uint8_t key)
{
	bool shift = d->mods & KEYBOARD_MOD_SHIFT;
	char c;

	if (key >= SC_KP_FIRST && key <= SC_KP_LAST)
		return keypad_chars[key - SC_KP_FIRST];
	if (key >= sizeof(us_plain) - 1)
		return 0;
	c = us_plain[key];
	if (c >= 'a' && c <= 'z' && (d->locks & KEYBOARD_LOCK_CAPS))
		shift = !shift;
	return shift ? us_shift[key] : c;
}

/* Copy the escape sequence of key into out; 0 if key has none. */
static size_t key_sequence(uint8_t key, char *out)
{
	for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
		const char *s = sequences[i].bytes;
		size_t n = 0;

		if (sequences[i].key != key)
			continue;
		while (s[n]) {
			out[n] = s[n];
			n++;
		}
		return n;
	}
	return 0;
}

/* What a key press types, modifiers already accounted for. */
static size_t key_bytes(const struct keyboard_decoder *d, uint8_t key,
			char *out)
{
	size_t n = 0;
	char c;

	/* Without Num Lock the keypad is a second cursor block. */
	if (key >= SC_KP_FIRST && key <= SC_KP_LAST && key != SC_KP_MINUS &&
	    key != SC_KP_PLUS && !(d->locks & KEYBOARD_LOCK_NUM))
		key |= KEYBOARD_EXT;
	if (key & KEYBOARD_EXT || (key >= 0x3b && key <= 0x44) || key >= 0x57)
		return key_sequence(key, out);
	c = key_char(d, key);
	if (!c)
		return 0;
	if (d->mods & KEYBOARD_MOD_CTRL)
		c = control_code(c);
	if (d->mods & KEYBOARD_MOD_ALT)
		out[n++] = 0x1b; /* Meta sends ESC first, as xterm does */
	out[n++] = c;
	return n;
}

size_t keyboard_translate(struct keyboard_decoder *d,
			  const struct keyboard_event *ev,
			  char out[KEYBOARD_SEQ_MAX])
{
	uint8_t mod = modifier_bit(ev->key), lock = lock_bit(ev->key);

	if (mod) {
		d->mods = ev->pressed ? (d->mods | mod) : (d->mods & ~mod);
		return 0;
	}
	if (lock) {
		if (ev->pressed && !(d->locks_held & lock))
			d->locks ^= lock;
		d->locks_held = ev->pressed ? (d->locks_held | lock)
					    : (d->locks_held & ~lock);
		return 0;
	}
	if (!ev->pressed || ev->key == KEYBOARD_KEY_PAUSE)
		return 0;
	return key_bytes(d, ev->key, out);
}

size_t keyboard_decode(struct keyboard_decoder *d, uint8_t byte,
		       char out[KEYBOARD_SEQ_MAX])
{
	struct keyboard_event ev;

	if (!keyboard_scan(d, byte, &ev))
		return 0;
	return keyboard_translate(d, &ev, out);
}

uint8_t keyboard_leds(const struct keyboard_decoder *d)
{
	return d->locks;
}
