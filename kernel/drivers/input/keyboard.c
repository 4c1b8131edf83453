/*
 * The PS/2 keyboard driver (see <kernel/keyboard.h>): bytes from the i8042
 * go through the decoder (keyboard_decode.c) to the input handler of the
 * VT shown (<kernel/vt.h>), or, while none is set, into a ring of typed
 * bytes that keyboard_getc empties; Alt+Fn switches VTs; Caps/Num/Scroll
 * Lock changes go back to the keyboard's LEDs.
 *
 * Who runs what. The producer side (keyboard_poll: the decoder, the LED
 * exchange, the ring's head) runs in the IRQ 1 handler, with interrupts
 * off as every handler runs; or, while there is no IRQ (not hooked, or
 * interrupts off), inside keyboard_getc itself, which on one CPU then
 * cannot race the handler. The ring is single-producer single-consumer
 * and lock-free: the producer writes bytes, then publishes head (release);
 * the consumer reads head (acquire), the byte, then publishes tail.
 */

#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/i8042.h>
#include <kernel/interrupt.h>
#include <kernel/keyboard.h>
#include <kernel/ring.h>
#include <kernel/printk.h>
#include <kernel/vt.h>

#define KEYBOARD_IRQ 1

/* Keyboard commands and replies. */
#define KBD_CMD_SET_LEDS 0xed
#define KBD_CMD_ENABLE_SCANNING 0xf4
#define KBD_ACK 0xfa
#define KBD_RESEND 0xfe

#define POLL_MAX 32	   /* bytes taken per poll or interrupt, at most */
#define REPLY_SPINS 100000 /* reads of the controller, some 100 ms */
#define RESEND_MAX 3
#define LED_PATIENCE 16 /* other bytes tolerated while awaiting an ACK */

static struct byte_ring ring; /* typed bytes: IRQ handler in, reader out */

static struct keyboard_decoder decoder; /* producer side only */

/* The LED exchange (ED, ACK, LED byte, ACK); producer side only. */
enum led_state { LED_IDLE, LED_WAIT_CMD_ACK, LED_WAIT_DATA_ACK };
static enum led_state led_state;
static uint8_t leds_shown, leds_sending, led_last_sent;
static unsigned int led_resends, led_waited;

static bool irq_hooked;

/* A full ring drops the newest key, as a full tty does: nobody reads. */
static void ring_push(const char *s, size_t n)
{
	(void)byte_ring_put(&ring, s, n);
	console_input_wakeup();
}

static void led_send(uint8_t byte)
{
	led_last_sent = byte;
	led_waited = 0;
	if (i8042_write(byte))
		led_state = LED_IDLE; /* the controller is gone: give up */
}

/* Start showing the decoder's locks, unless an exchange is under way. */
static void led_update(void)
{
	uint8_t want = keyboard_leds(&decoder);

	if (led_state != LED_IDLE || want == leds_shown)
		return;
	leds_sending = want;
	led_resends = 0;
	led_state = LED_WAIT_CMD_ACK;
	led_send(KBD_CMD_SET_LEDS);
}

/* A keyboard that never answers must not block later LED updates. */
static void led_give_up(void)
{
	leds_shown = leds_sending;
	led_state = LED_IDLE;
}

/* Take byte if it is the keyboard's reply to the LED exchange. */
static bool led_reply(uint8_t byte)
{
	if (byte == KBD_RESEND) {
		if (led_state != LED_IDLE && led_resends++ < RESEND_MAX)
			led_send(led_last_sent);
		else if (led_state != LED_IDLE)
			led_give_up();
		return true;
	}
	if (byte != KBD_ACK) {
		if (led_state != LED_IDLE && ++led_waited > LED_PATIENCE)
			led_give_up();
		return false;
	}
	if (led_state == LED_WAIT_CMD_ACK) {
		led_state = LED_WAIT_DATA_ACK;
		led_send(leds_sending);
	} else if (led_state == LED_WAIT_DATA_ACK) {
		leds_shown = leds_sending;
		led_state = LED_IDLE;
	}
	return true; /* an ACK we did not ask for is dropped too */
}

/* Alt+Fn and Alt+Left/Right: show another VT (the keymap's Console_n). */
static void switch_console(int request)
{
	int count = vt_count(), n = vt_active();

	if (count == 0)
		return;
	if (request == KEYBOARD_CONSOLE_PREV)
		n = (n + count - 1) % count;
	else if (request == KEYBOARD_CONSOLE_NEXT)
		n = (n + 1) % count;
	else
		n = request - 1;
	(void)vt_switch(n); /* Alt+F7..F12: no such VT, nothing happens */
}

/* A complete key event: typed bytes to the VT shown, or a switch. */
static void keyboard_event(const struct keyboard_event *ev)
{
	char out[KEYBOARD_SEQ_MAX];
	int console = keyboard_console_key(&decoder, ev);
	size_t n = keyboard_translate(&decoder, ev, out);

	if (console)
		switch_console(console);
	else if (n && !vt_keyboard_input(out, n))
		ring_push(out, n);
}

static void keyboard_byte(uint8_t byte)
{
	struct keyboard_event ev;

	if (!led_reply(byte) && keyboard_scan(&decoder, byte, &ev))
		keyboard_event(&ev);
	led_update();
}

/* The producer: everything waiting in the controller, bounded. */
static void keyboard_poll(void)
{
	int b;

	for (int i = 0; i < POLL_MAX && (b = i8042_read()) >= 0; i++)
		keyboard_byte((uint8_t)b);
}

static void keyboard_irq(struct trap_frame *tf, void *arg)
{
	keyboard_poll();
}

int keyboard_getc(void)
{
	if (!irq_hooked || !irq_enabled())
		keyboard_poll();
	return byte_ring_get(&ring);
}

/* Wait for ACK or RESEND; keys typed meanwhile are dropped (boot only). */
static int wait_reply(void)
{
	for (int i = 0; i < REPLY_SPINS; i++) {
		int b = i8042_read();

		if (b == KBD_ACK || b == KBD_RESEND)
			return b;
	}
	return -1;
}

/* Send a command byte and wait for its ACK, polled: 0 or -EIO. */
static int keyboard_command(uint8_t byte)
{
	for (int tries = 0; tries <= RESEND_MAX; tries++) {
		int reply;

		if (i8042_write(byte))
			return -EIO;
		reply = wait_reply();
		if (reply == KBD_ACK)
			return 0;
		if (reply != KBD_RESEND)
			return -EIO;
	}
	return -EIO;
}

/* Input only: console_write's bytes are not for a keyboard. */
static void keyboard_console_write(const char *buf, size_t len)
{
}

static const struct console_sink keyboard_input = {
	.name = "keyboard",
	.write = keyboard_console_write,
	.getc = keyboard_getc,
};

/* Hook IRQ 1, then take any byte that came before (no edge would follow). */
static void keyboard_hook_irq(void)
{
	unsigned long flags;
	int err = irq_register(KEYBOARD_IRQ, keyboard_irq, NULL);

	if (err) {
		klog(KLOG_WARN, "keyboard: no IRQ %d (error %d): polling\n",
		     KEYBOARD_IRQ, err);
		return;
	}
	flags = irq_save();
	irq_hooked = true;
	keyboard_poll();
	irq_restore(flags);
}

int keyboard_init(void)
{
	if (i8042_init())
		return -ENODEV; /* i8042_init said why */
	keyboard_decoder_init(&decoder);
	/* A keyboard that does not answer may still type (some KVMs). */
	if (keyboard_command(KBD_CMD_ENABLE_SCANNING) ||
	    keyboard_command(KBD_CMD_SET_LEDS) || keyboard_command(0))
		klog(KLOG_WARN, "keyboard: no answer from the keyboard; "
				"listening anyway\n");
	keyboard_hook_irq();
	console_register(&keyboard_input);
	klog(KLOG_INFO, "keyboard: PS/2 keyboard ready (%s)\n",
	     irq_hooked ? "IRQ 1" : "polled");
	return 0;
}
