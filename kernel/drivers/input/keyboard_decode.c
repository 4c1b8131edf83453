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
 *
 * What the keys type is the Linux console's default keymap as
 * distributions load it (kbd's US map with its linux-keys-bare part), so
 * that programs see what they see on a Linux VT: F1-F5 are ESC [ [ A-E,
 * Home and End ESC [ 1 ~ and ESC [ 4 ~, Shift+F1 is F13, Alt+key is ESC
 * then the key ("meta sends escape"), and the keys the keymap gives to
 * the console (Alt+Fn, Shift+PgUp, Ctrl+Alt+Del...) type nothing. Both
 * Alt keys are Alt. The facts come from console_codes(4) and keymaps(5).
 */
#include <kernel/keyboard.h>

#define ESC "\x1b"

#define SC_LCTRL 0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_LALT 0x38
#define SC_CAPS 0x3a
#define SC_F1 0x3b
#define SC_F10 0x44
#define SC_NUM 0x45
#define SC_SCROLL 0x46
#define SC_KP_FIRST 0x47 /* keypad 7 ... */
#define SC_KP_LAST 0x53	 /* ... keypad . */
#define SC_KP_MINUS 0x4a
#define SC_KP_PLUS 0x4e
#define SC_F11 0x57
#define SC_F12 0x58
#define SC_LEFT (KEYBOARD_EXT | 0x4b)
#define SC_RIGHT (KEYBOARD_EXT | 0x4d)
#define SC_PGUP (KEYBOARD_EXT | 0x49)
#define SC_PGDN (KEYBOARD_EXT | 0x51)
#define SC_DELETE (KEYBOARD_EXT | 0x53)

#define NOTHING (-1) /* control_char: the combination types nothing */

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

/*
 * The Linux console's function key strings, F1-F20; F21 and up (Shift+F9
 * to F12, Ctrl+Fn) have none by default and type nothing.
 */
static const char *const fkey_strings[20] = {
	ESC "[[A",  ESC "[[B",	ESC "[[C",  ESC "[[D",	ESC "[[E",
	ESC "[17~", ESC "[18~", ESC "[19~", ESC "[20~", ESC "[21~",
	ESC "[23~", ESC "[24~", ESC "[25~", ESC "[26~", ESC "[28~",
	ESC "[29~", ESC "[31~", ESC "[32~", ESC "[33~", ESC "[34~",
};

/* Keys that type an escape sequence, or a fixed byte. */
struct key_sequence {
	uint8_t key;
	char bytes[7];
};

static const struct key_sequence sequences[] = {
	{KEYBOARD_EXT | 0x48, ESC "[A"},  /* up */
	{KEYBOARD_EXT | 0x50, ESC "[B"},  /* down */
	{SC_RIGHT, ESC "[C"},		  /* right */
	{SC_LEFT, ESC "[D"},		  /* left */
	{KEYBOARD_EXT | 0x47, ESC "[1~"}, /* home (Find) */
	{KEYBOARD_EXT | 0x52, ESC "[2~"}, /* insert */
	{SC_DELETE, ESC "[3~"},		  /* delete (Remove) */
	{KEYBOARD_EXT | 0x4f, ESC "[4~"}, /* end (Select) */
	{SC_PGUP, ESC "[5~"},		  /* page up (Prior) */
	{SC_PGDN, ESC "[6~"},		  /* page down (Next) */
	{KEYBOARD_EXT | 0x4c, ESC "[G"},  /* keypad 5, Num Lock off */
	{KEYBOARD_EXT | 0x1c, "\r"},	  /* keypad enter */
	{KEYBOARD_EXT | 0x35, "/"},	  /* keypad / */
	{KEYBOARD_KEY_PAUSE, ESC "[P"},
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

/*
 * What Ctrl+key types, by key as the keymap has it: letters their control
 * code, the keys that reach the other control codes on a VT (Ctrl+2 or @
 * NUL, Ctrl+3 or [ ESC, Ctrl+4 or \ 0x1c, Ctrl+5 or ] 0x1d, Ctrl+6 0x1e,
 * Ctrl+7 or - 0x1f, Ctrl+8 or / DEL), Ctrl+Backspace ^H; other keys type
 * what they type without Ctrl, but Ctrl+. (Compose) nothing.
 */
static int control_char(uint8_t key, char c)
{
	static const struct {
		uint8_t key;
		int8_t code;
	} map[] = {
		{0x03, 0x00},	 {0x04, 0x1b}, {0x05, 0x1c}, {0x06, 0x1d},
		{0x07, 0x1e},	 {0x08, 0x1f}, {0x09, 0x7f}, {0x0c, 0x1f},
		{0x0e, 0x08},	 {0x1a, 0x1b}, {0x1b, 0x1d}, {0x28, 0x07},
		{0x29, 0x00},	 {0x2b, 0x1c}, {0x35, 0x7f}, {0x39, 0x00},
		{0x34, NOTHING},
	};

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c & 0x1f;
	for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].key == key)
			return map[i].code;
	}
	return (unsigned char)c;
}

/* The character an ordinary key types under the current Shift and locks. */
static char key_char(const struct keyboard_decoder *d, uint8_t key)
{
	bool shift = d->mods & KEYBOARD_MOD_SHIFT;
	char c;

	if (key >= sizeof(us_plain) - 1)
		return 0;
	c = us_plain[key];
	if (c >= 'a' && c <= 'z' && (d->locks & KEYBOARD_LOCK_CAPS))
		shift = !shift;
	return shift ? us_shift[key] : c;
}

static size_t copy_string(const char *s, char *out)
{
	size_t n = 0;

	while (s[n]) {
		out[n] = s[n];
		n++;
	}
	return n;
}

/* Copy the escape sequence of key into out; 0 if key has none. */
static size_t key_sequence(uint8_t key, char *out)
{
	for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
		if (sequences[i].key == key)
			return copy_string(sequences[i].bytes, out);
	}
	return 0;
}

/* F1-F12 as 0-11; -1 for any other key. */
static int function_key(uint8_t key)
{
	if (key >= SC_F1 && key <= SC_F10)
		return key - SC_F1;
	if (key == SC_F11 || key == SC_F12)
		return key - SC_F11 + 10;
	return -1;
}

/* Shift+Fn is F(n+12); Ctrl+Fn is F(n+24), which has no string. */
static size_t fkey_bytes(const struct keyboard_decoder *d, int f, char *out)
{
	if (d->mods & KEYBOARD_MOD_CTRL)
		return 0;
	if (d->mods & KEYBOARD_MOD_SHIFT)
		f += 12;
	return f < 20 ? copy_string(fkey_strings[f], out) : 0;
}

/* The keys the keymap gives to the console rather than to programs. */
static bool console_only(const struct keyboard_decoder *d, uint8_t key)
{
	bool ctrl_alt =
		(d->mods & KEYBOARD_MOD_CTRL) && (d->mods & KEYBOARD_MOD_ALT);

	if (ctrl_alt && (key == SC_DELETE || key == SC_KP_LAST))
		return true; /* Boot: Linux reboots; left alone here */
	/* Scroll_Backward and Scroll_Forward: no scrollback yet */
	return (d->mods & KEYBOARD_MOD_SHIFT) &&
	       (key == SC_PGUP || key == SC_PGDN);
}

/* A keypad key: digit, Alt code, cursor key, - or +. */
static size_t keypad_bytes(struct keyboard_decoder *d, uint8_t key, char *out)
{
	char c = keypad_chars[key - SC_KP_FIRST];

	if (c >= '0' && c <= '9' && (d->mods & KEYBOARD_MOD_ALT) &&
	    !(d->mods & KEYBOARD_MOD_CTRL)) {
		if (d->alt_code <= 0x10ffff)
			d->alt_code = d->alt_code * 10 + (uint32_t)(c - '0');
		d->alt_typing = true;
		return 0;
	}
	/* Without Num Lock the keypad is a second cursor block. */
	if (key != SC_KP_MINUS && key != SC_KP_PLUS &&
	    !(d->locks & KEYBOARD_LOCK_NUM))
		return key_sequence(KEYBOARD_EXT | key, out);
	out[0] = c;
	return 1;
}

/* An ordinary key: its character, under Ctrl and with Alt's ESC. */
static size_t char_key_bytes(const struct keyboard_decoder *d, uint8_t key,
			     char *out)
{
	int c = key_char(d, key);
	size_t n = 0;

	if (!c)
		return 0;
	if (d->mods & KEYBOARD_MOD_CTRL)
		c = control_char(key, (char)c);
	if (c == NOTHING)
		return 0;
	if (d->mods & KEYBOARD_MOD_ALT)
		out[n++] = 0x1b; /* Meta sends ESC first, as on a VT */
	out[n++] = (char)c;
	return n;
}

/* What a key press types, modifiers already accounted for. */
static size_t key_bytes(struct keyboard_decoder *d, uint8_t key, char *out)
{
	int f = function_key(key);

	if (console_only(d, key))
		return 0;
	if (f >= 0)
		return fkey_bytes(d, f, out);
	if (key >= SC_KP_FIRST && key <= SC_KP_LAST)
		return keypad_bytes(d, key, out);
	if (key & KEYBOARD_EXT)
		return key_sequence(key, out);
	return char_key_bytes(d, key, out);
}

int keyboard_console_key(const struct keyboard_decoder *d,
			 const struct keyboard_event *ev)
{
	int f = function_key(ev->key);

	if (!ev->pressed || !(d->mods & KEYBOARD_MOD_ALT))
		return 0;
	if (f >= 0)
		return f + 1;
	if (ev->key == SC_LEFT)
		return KEYBOARD_CONSOLE_PREV;
	if (ev->key == SC_RIGHT)
		return KEYBOARD_CONSOLE_NEXT;
	return 0;
}

/* cp as UTF-8 into out: 1-4 bytes, 0 for a surrogate or past U+10FFFF. */
static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A modifier went down or up; letting the last Alt go ends an Alt code. */
static size_t modifier_change(struct keyboard_decoder *d, uint8_t mod,
			      bool pressed, char *out)
{
	bool had_alt = d->mods & KEYBOARD_MOD_ALT;
	size_t n = 0;

	d->mods = pressed ? (d->mods | mod) : (d->mods & ~mod);
	if (!had_alt && (d->mods & KEYBOARD_MOD_ALT)) {
		d->alt_typing = false;
		d->alt_code = 0;
	} else if (had_alt && !(d->mods & KEYBOARD_MOD_ALT) && d->alt_typing) {
		n = put_utf8(d->alt_code, out);
		d->alt_typing = false;
	}
	return n;
}

size_t keyboard_translate(struct keyboard_decoder *d,
			  const struct keyboard_event *ev,
			  char out[KEYBOARD_SEQ_MAX])
{
	uint8_t mod = modifier_bit(ev->key), lock = lock_bit(ev->key);

	if (mod)
		return modifier_change(d, mod, ev->pressed, out);
	if (lock) {
		if (ev->pressed && !(d->locks_held & lock))
			d->locks ^= lock;
		d->locks_held = ev->pressed ? (d->locks_held | lock)
					    : (d->locks_held & ~lock);
		return 0;
	}
	if (!ev->pressed || keyboard_console_key(d, ev))
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
