/*
 * The PS/2 keyboard, behind the i8042 controller (<kernel/i8042.h>).
 *
 * Two layers. The decoder is pure: a state machine fed the scancode bytes
 * the controller delivers (set 1, as the controller translates the
 * keyboard's set 2) that turns them into key events and then, through a
 * US layout and the modifier and lock state, into the bytes a program
 * reads from a Linux virtual console: characters, Ctrl and Alt (ESC
 * prefix) combinations, and the Linux console's escape sequences for the
 * cursor, editing and function keys (its default keymap, as distributions
 * load it: kbd's US map). Alt+F1..F12 and Alt+Left/Right switch consoles
 * instead of typing (keyboard_console_key). It touches no hardware, so
 * the tests feed it byte sequences (kernel/test/keyboard_tests.c,
 * tests/host/test_keyboard.c).
 *
 * The driver (kernel/drivers/input/keyboard.c) feeds it from IRQ 1, or by
 * polling while there is no interrupt path. It hands the resulting bytes
 * to the shown virtual console's input handler (<kernel/vt.h>), or, while
 * there is none, queues them in a ring that keyboard_getc empties: the
 * keyboard is an input of the console layer, so console_getc reads serial
 * and keyboard.
 */
#ifndef KERNEL_KEYBOARD_H
#define KERNEL_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Key codes: the set 1 make code for ordinary keys, KEYBOARD_EXT | code
 * for the ones sent after an 0xE0 prefix. Pause, whose E1 sequence has no
 * make code of its own, gets KEYBOARD_KEY_PAUSE.
 */
#define KEYBOARD_EXT 0x80
#define KEYBOARD_KEY_PAUSE 0xff

struct keyboard_event {
	uint8_t key;
	bool pressed; /* false: released */
};

/* Modifier bits (keyboard_decoder.mods), left and right kept apart. */
#define KEYBOARD_MOD_LSHIFT 0x01
#define KEYBOARD_MOD_RSHIFT 0x02
#define KEYBOARD_MOD_LCTRL 0x04
#define KEYBOARD_MOD_RCTRL 0x08
#define KEYBOARD_MOD_LALT 0x10
#define KEYBOARD_MOD_RALT 0x20
#define KEYBOARD_MOD_SHIFT (KEYBOARD_MOD_LSHIFT | KEYBOARD_MOD_RSHIFT)
#define KEYBOARD_MOD_CTRL (KEYBOARD_MOD_LCTRL | KEYBOARD_MOD_RCTRL)
#define KEYBOARD_MOD_ALT (KEYBOARD_MOD_LALT | KEYBOARD_MOD_RALT)

/* Lock bits (keyboard_decoder.locks): the PS/2 LED byte's layout. */
#define KEYBOARD_LOCK_SCROLL 0x01
#define KEYBOARD_LOCK_NUM 0x02
#define KEYBOARD_LOCK_CAPS 0x04

/* The longest byte sequence one key produces (Alt+key adds an ESC). */
#define KEYBOARD_SEQ_MAX 8

/* Decoder state; all zero (keyboard_decoder_init) is "nothing pressed". */
struct keyboard_decoder {
	uint8_t prefix;	    /* 0, 0xE0 or 0xE1: the prefix being completed */
	uint8_t e1_count;   /* bytes seen after an 0xE1 */
	uint8_t e1_first;   /* the first of them */
	uint8_t mods;	    /* KEYBOARD_MOD_* held now */
	uint8_t locks;	    /* KEYBOARD_LOCK_* in force */
	uint8_t locks_held; /* lock keys held down: typematic repeats of a
			     * lock key must not toggle it again */
	/*
	 * Alt+keypad digits type the character of that decimal number when
	 * Alt is let go (Linux's Ascii_0..9), as UTF-8.
	 */
	bool alt_typing;   /* a keypad digit came while Alt was down */
	uint32_t alt_code; /* the number so far; past U+10FFFF: nothing */
};

void keyboard_decoder_init(struct keyboard_decoder *d);

/*
 * Feed one scancode byte; true when it completes a key event (*ev filled).
 * Prefixes, the fake shifts some keys wrap themselves in, and unknown codes
 * give false.
 */
bool keyboard_scan(struct keyboard_decoder *d, uint8_t byte,
		   struct keyboard_event *ev);

/*
 * Apply a key event to the modifier and lock state and write the bytes the
 * key types into out: their number, 0 for releases, modifiers and keys
 * that type nothing. (Letting Alt go types, after Alt+keypad digits.)
 */
size_t keyboard_translate(struct keyboard_decoder *d,
			  const struct keyboard_event *ev,
			  char out[KEYBOARD_SEQ_MAX]);

/*
 * The console a key press asks to show instead of typing: 1..12 for
 * Alt+F1..F12 (with or without Ctrl, either Alt), KEYBOARD_CONSOLE_PREV
 * and KEYBOARD_CONSOLE_NEXT for Alt+Left and Alt+Right; 0 for every other
 * event. keyboard_translate types nothing for these keys.
 */
#define KEYBOARD_CONSOLE_PREV (-1)
#define KEYBOARD_CONSOLE_NEXT (-2)
int keyboard_console_key(const struct keyboard_decoder *d,
			 const struct keyboard_event *ev);

/* keyboard_scan, then keyboard_translate if that completed an event. */
size_t keyboard_decode(struct keyboard_decoder *d, uint8_t byte,
		       char out[KEYBOARD_SEQ_MAX]);

/* The LED byte (KEYBOARD_LOCK_* bits) that shows d's locks. */
uint8_t keyboard_leds(const struct keyboard_decoder *d);

/*
 * Set up the controller (i8042_init), enable the keyboard, switch its LEDs
 * off, hook IRQ 1 (if that fails, keyboard_getc polls) and register the
 * keyboard as a console input. 0, or -ENODEV without a working controller
 * (a message says why; the kernel goes on without a keyboard). A keyboard
 * that does not answer commands is warned about but still listened to.
 */
int keyboard_init(void);

/*
 * The next byte typed, or -1 if none is waiting; never blocks. Safe
 * against the IRQ handler; one reader at a time (the ring is single
 * consumer).
 */
int keyboard_getc(void);

#endif
