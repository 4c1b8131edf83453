/*
 * Host tests of the terminal line discipline (kernel/drivers/tty/ldisc*.c,
 * compiled here unchanged) under ASan and UBSan.
 *
 * A fake terminal records what the line discipline sends it (echo and
 * output), the signals it raises and its flow-control calls. The expected
 * echo and read results are Linux's: these cases were run against the
 * host kernel's n_tty through a pseudo-terminal too (Linux 6.18), as were
 * thousands of random sequences of input, output and mode changes; the
 * few places where we differ on purpose say so ("Linux: ..."). Then the
 * ABI (struct layout, flag values, the default settings), and a random
 * walk checking invariants.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kernel/ldisc.h>

#include "testlib.h"

/* ---------------------------------------------------------------- fake */

struct fake {
	char out[16384];
	size_t out_len;
	int out_calls;
	int sigs[16], nsigs;
	int flows[16], nflows; /* 1: stopped, 0: started */
	int flushes;
};

static struct fake fk;
static struct ldisc ld;

static void fake_output(void *ctx, const char *buf, size_t n)
{
	struct fake *f = ctx;

	CHECK(n > 0);
	CHECK(f->out_len + n < sizeof(f->out));
	memcpy(f->out + f->out_len, buf, n);
	f->out_len += n;
	f->out_calls++;
}

static void fake_signal(void *ctx, int sig)
{
	struct fake *f = ctx;

	CHECK(f->nsigs < 16);
	f->sigs[f->nsigs++] = sig;
}

static void fake_flow(void *ctx, bool stopped)
{
	struct fake *f = ctx;

	CHECK(f->nflows < 16);
	f->flows[f->nflows++] = stopped;
}

static void fake_flush(void *ctx)
{
	((struct fake *)ctx)->flushes++;
}

static const struct ldisc_ops ops = {
	.output = fake_output,
	.signal = fake_signal,
	.flow = fake_flow,
	.flush_output = fake_flush,
};

/* A fresh line discipline with Linux's default settings. */
static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	ldisc_init(&ld, &ops, &fk);
}

/* Change flags: each argument is (bits to set, bits to clear). */
static void iflags(uint32_t on, uint32_t off)
{
	struct termios_k t = ld.termios;

	t.c_iflag = (t.c_iflag | on) & ~off;
	ldisc_set_termios(&ld, &t);
}

static void oflags(uint32_t on, uint32_t off)
{
	struct termios_k t = ld.termios;

	t.c_oflag = (t.c_oflag | on) & ~off;
	ldisc_set_termios(&ld, &t);
}

static void lflags(uint32_t on, uint32_t off)
{
	struct termios_k t = ld.termios;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ldisc_set_termios(&ld, &t);
}

static void set_cc(int idx, uint8_t c)
{
	struct termios_k t = ld.termios;

	t.c_cc[idx] = c;
	ldisc_set_termios(&ld, &t);
}

/* Input, all of it taken, in one call (as a pty master's write). */
static void type(const char *s)
{
	size_t n = strlen(s);

	CHECK_EQ(ldisc_receive(&ld, s, n), n);
}

/* Input one byte per call (as a keyboard). */
static void type_slowly(const char *s)
{
	for (; *s; s++)
		CHECK_EQ(ldisc_receive(&ld, s, 1), 1);
}

/* What was sent to the terminal since the last call. */
static const char *echoed(void)
{
	static char buf[sizeof(fk.out) + 1];

	memcpy(buf, fk.out, fk.out_len);
	buf[fk.out_len] = '\0';
	fk.out_len = 0;
	return buf;
}

static size_t got;

/* One read of up to n bytes, as a string (its length in got). */
static const char *rd(size_t n)
{
	static char buf[LDISC_BUF_SIZE + 1];

	CHECK(n <= LDISC_BUF_SIZE);
	got = ldisc_read(&ld, buf, n);
	buf[got] = '\0';
	return buf;
}

/* ---------------------------------------------------------------- ABI */

static void test_termios_layout(void)
{
	CHECK_EQ(sizeof(struct termios_k), 36);
	CHECK_EQ(offsetof(struct termios_k, c_lflag), 12);
	CHECK_EQ(offsetof(struct termios_k, c_line), 16);
	CHECK_EQ(offsetof(struct termios_k, c_cc), 17);
}

static void test_constants(void)
{
	/* A few of Linux's values, in hex as strace shows them. */
	CHECK_EQ(ICRNL, 0x100);
	CHECK_EQ(IXON, 0x400);
	CHECK_EQ(IUTF8, 0x4000);
	CHECK_EQ(ONLCR, 0x4);
	CHECK_EQ(XTABS, 0x1800);
	CHECK_EQ(CS8 | CREAD | B38400, 0xbf);
	CHECK_EQ(HUPCL | CLOCAL, 0xc00);
	CHECK_EQ(ECHOCTL, 0x200);
	CHECK_EQ(ECHOKE, 0x800);
	CHECK_EQ(IEXTEN, 0x8000);
	CHECK_EQ(TOSTOP, 0x100);
	CHECK_EQ(VMIN, 6);
	CHECK_EQ(VSUSP, 10);
	CHECK_EQ(VEOL2, 16);
	CHECK_EQ(LDISC_SIGTSTP, 20);
}

static void test_default_termios(void)
{
	static const uint8_t cc[NCCS] = {3,  28, 127, 21, 4,  0,  1, 0, 17, 19,
					 26, 0,	 18,  15, 23, 22, 0, 0, 0};
	struct termios_k t;

	memset(&t, 0x55, sizeof(t));
	ldisc_default_termios(&t);
	/* What a fresh Linux pty reports (python: termios.tcgetattr). */
	CHECK_EQ(t.c_iflag, 0x500);
	CHECK_EQ(t.c_oflag, 0x5);
	CHECK_EQ(t.c_cflag, 0xbf);
	CHECK_EQ(t.c_lflag, 0x8a3b);
	CHECK_EQ(t.c_line, 0);
	CHECK(memcmp(t.c_cc, cc, NCCS) == 0);
	setup();
	CHECK(memcmp(&ld.termios, &t, sizeof(t)) == 0);
	CHECK(!ldisc_can_read(&ld));
	CHECK(!ldisc_output_stopped(&ld));
}

/* ---------------------------------------------------------------- lines */

static void test_line(void)
{
	setup();
	type("ab");
	CHECK_STR(echoed(), "ab");
	CHECK(!ldisc_can_read(&ld));
	CHECK_EQ(ldisc_readable(&ld), 0);
	CHECK_STR(rd(100), "");
	type("\r");
	CHECK_STR(echoed(), "\r\n");
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_readable(&ld), 3);
	CHECK_STR(rd(100), "ab\n");
	CHECK(!ldisc_can_read(&ld));
}

static void test_line_by_line(void)
{
	setup();
	type("one\rtwo\nthr");
	CHECK_STR(echoed(), "one\r\ntwo\r\nthr");
	CHECK_EQ(ldisc_input_bytes(&ld), 8);
	CHECK_STR(rd(100), "one\n");
	CHECK_STR(rd(100), "two\n");
	CHECK(!ldisc_can_read(&ld));
	type("ee\r");
	CHECK_STR(rd(100), "three\n");
}

static void test_line_in_pieces(void)
{
	setup();
	type("abcde\r");
	CHECK_STR(rd(2), "ab");
	CHECK_EQ(ldisc_readable(&ld), 4);
	CHECK_STR(rd(2), "cd");
	CHECK_STR(rd(2), "e\n");
	CHECK(!ldisc_can_read(&ld));
}

static void test_eof(void)
{
	setup();
	type("abc\x04");
	CHECK_STR(echoed(), "abc"); /* ^D is not echoed */
	CHECK_EQ(ldisc_readable(&ld), 3);
	CHECK(!ldisc_eof_pending(&ld));
	CHECK_STR(rd(100), "abc");
	CHECK_EQ(got, 3);
	CHECK(!ldisc_can_read(&ld));
}

static void test_bare_eof(void)
{
	setup();
	type("\x04");
	CHECK(ldisc_can_read(&ld));
	CHECK(ldisc_eof_pending(&ld));
	CHECK_EQ(ldisc_readable(&ld), 0);
	CHECK_EQ(ldisc_input_bytes(&ld), 0);
	CHECK_STR(rd(0), ""); /* a zero-byte read takes nothing */
	CHECK(ldisc_eof_pending(&ld));
	CHECK_STR(rd(100), "");
	CHECK(!ldisc_can_read(&ld));
	CHECK(!ldisc_eof_pending(&ld));
}

static void test_eof_sequence(void)
{
	setup();
	type("a\x04\x04"
	     "b\r\x04");
	CHECK_EQ(ldisc_input_bytes(&ld), 3);
	CHECK_STR(rd(100), "a");
	CHECK(ldisc_eof_pending(&ld));
	CHECK_STR(rd(100), "");
	CHECK_STR(rd(100), "b\n");
	CHECK_STR(rd(100), "");
	CHECK(!ldisc_can_read(&ld));
}

static void test_read_up_to_eof(void)
{
	/* A read that fills its buffer just before ^D eats the ^D (Linux
	 * canon_skip_eof): the next read starts the next line. */
	setup();
	type("abc\x04"
	     "d\r");
	CHECK_STR(rd(3), "abc");
	CHECK(!ldisc_eof_pending(&ld));
	CHECK_STR(rd(100), "d\n");
}

static void test_eol(void)
{
	setup();
	set_cc(VEOL, ';');
	type("ab;c");
	CHECK_STR(echoed(), "ab;c");
	CHECK_STR(rd(100), "ab;");
	/* VEOL2 ends lines only with IEXTEN */
	set_cc(VEOL2, ',');
	type("d,");
	CHECK_STR(rd(100), "cd,");
	lflags(0, IEXTEN);
	type("e,f\r");
	CHECK_STR(rd(100), "e,f\n");
}

static void test_echonl(void)
{
	setup();
	lflags(ECHONL, ECHO);
	type("ab\r");
	CHECK_STR(echoed(), "\r\n");
	lflags(0, ECHONL);
	type("cd\r");
	CHECK_STR(echoed(), "");
	CHECK_STR(rd(100), "ab\n");
	CHECK_STR(rd(100), "cd\n");
}

/* ---------------------------------------------------------------- erasing */

static void test_erase(void)
{
	setup();
	type("ab\x7f\r");
	CHECK_STR(echoed(), "ab\b \b\r\n");
	CHECK_STR(rd(100), "a\n");
	type("\x7f");
	CHECK_STR(echoed(), ""); /* nothing to erase */
	type("x\r\x7f");
	CHECK_STR(echoed(), "x\r\n"); /* a completed line stays */
}

static void test_erase_without_echoe(void)
{
	setup();
	lflags(0, ECHOE);
	type("ab\x7f");
	CHECK_STR(echoed(), "ab^?");
	lflags(0, ECHOCTL);
	type("\x7f");
	CHECK_STR(echoed(), "\x7f");
	type("\r");
	CHECK_STR(rd(100), "\n");
}

static void test_erase_control(void)
{
	setup();
	type("a\x01\x7f");
	CHECK_STR(echoed(), "a^A\b \b\b \b");
	lflags(0, ECHOCTL);
	type("\x01\x7f"); /* shown raw, so nothing to rub out */
	CHECK_STR(echoed(), "\x01");
	type("\r");
	CHECK_STR(rd(100), "a\n");
}

static void test_erase_tab(void)
{
	setup();
	type("\t\x7f");
	CHECK_STR(echoed(), "\t\b\b\b\b\b\b\b\b");
	type("ab\t\x7f");
	CHECK_STR(echoed(), "ab\t\b\b\b\b\b\b");
	type("\x7f\x7f\tx\t\x7f"); /* from the previous tab */
	CHECK_STR(echoed(), "\b \b\b \b\tx\t\b\b\b\b\b\b\b");
	type("\x7f\x7f\x01\t\x7f"); /* ^A takes two columns */
	CHECK_STR(echoed(), "\b \b\b\b\b\b\b\b\b\b^A\t\b\b\b\b\b\b");
}

static void test_erase_tab_after_prompt(void)
{
	setup();
	CHECK_EQ(ldisc_output(&ld, "$ ", 2), 2);
	type("\t\x7f");
	CHECK_STR(echoed(), "$ \t\b\b\b\b\b\b");
	CHECK_EQ(ldisc_output(&ld, "\nlonger> ", 9), 9);
	type("abcdef\t\x7f"); /* the prompt's 8 columns and 6 more */
	CHECK_STR(echoed(), "\r\nlonger> abcdef\t\b\b");
}

static void test_erase_utf8(void)
{
	setup();
	iflags(IUTF8, 0);
	type("x\xc3\xa9\x7f");
	CHECK_STR(echoed(), "x\xc3\xa9\b \b");
	type("\xe2\x82\xac\x7f\r"); /* a 3-byte one goes at once */
	CHECK_STR(echoed(), "\xe2\x82\xac\b \b\r\n");
	CHECK_STR(rd(100), "x\n");
	iflags(0, IUTF8); /* without IUTF8, byte by byte */
	type("\xc3\xa9\x7f\r");
	CHECK_STR(echoed(), "\xc3\xa9\b \b\r\n");
	CHECK_STR(rd(100), "\xc3\n");
}

static void test_utf8_tab_columns(void)
{
	setup();
	iflags(IUTF8, 0);
	type("\xc3\xa9\xc3\xa9\t\x7f"); /* two columns, not four */
	CHECK_STR(echoed(), "\xc3\xa9\xc3\xa9\t\b\b\b\b\b\b");
}

static void test_werase(void)
{
	setup();
	type("foo bar  \x17");
	CHECK_STR(echoed(), "foo bar  \b \b\b \b\b \b\b \b\b \b");
	type("\x17\r");
	CHECK_STR(rd(100), "\n");
	type("a.b_c\x17\r"); /* '_' belongs to a word, '.' not */
	CHECK_STR(rd(100), "a.\n");
	lflags(0, IEXTEN); /* VWERASE is an extension */
	type("ab\x17\r");
	CHECK_STR(rd(100), "ab\x17\n");
}

static void test_kill(void)
{
	setup();
	type("abc\x15");
	CHECK_STR(echoed(), "abc\b \b\b \b\b \b"); /* ECHOKE */
	type("\x15");
	CHECK_STR(echoed(), "");
	lflags(0, ECHOKE);
	type("abc\x15");
	CHECK_STR(echoed(), "abc^U\r\n");
	lflags(0, ECHOK);
	type("de\x15");
	CHECK_STR(echoed(), "de^U");
	lflags(0, ECHO);
	type("fg\x15x\r");
	CHECK_STR(echoed(), "");
	CHECK_STR(rd(100), "x\n");
}

static void test_reprint(void)
{
	setup();
	type("ab\x01\x12");
	CHECK_STR(echoed(), "ab^A^R\r\nab^A");
	type("\r");
	CHECK_STR(rd(100), "ab\x01\n");
	lflags(0, ECHO); /* not special without ECHO: data */
	type("\x12\r");
	CHECK_STR(rd(100), "\x12\n");
}

/* ---------------------------------------------------------------- VLNEXT */

static void test_lnext(void)
{
	setup();
	type("\x16\x03");
	CHECK_STR(echoed(), "^\b^C");
	CHECK_EQ(fk.nsigs, 0);
	type("\x16\x7f\x16\x04\x16\x15\x16\r\r");
	CHECK_STR(echoed(), "^\b^?^\b^D^\b^U^\b^M\r\n");
	CHECK_STR(rd(100), "\x03\x7f\x04\x15\r\n");
	type("\x16\n\x16\x16\r"); /* a literal ^J is data, not a line end */
	CHECK_STR(echoed(), "^\b^J^\b^V\r\n");
	CHECK_EQ(ldisc_readable(&ld), 3);
	CHECK_STR(rd(100), "\n\x16\n");
}

static void test_lnext_needs_iexten_and_icanon(void)
{
	setup();
	lflags(0, IEXTEN);
	type("\x16\r");
	CHECK_STR(echoed(), "^V\r\n");
	CHECK_STR(rd(100), "\x16\n");
	lflags(IEXTEN, ICANON);
	type("\x16");
	CHECK_STR(echoed(), "^V");
	CHECK_STR(rd(100), "\x16");
}

static void test_lnext_wait_no_echoctl(void)
{
	setup();
	lflags(0, ECHOCTL);
	type_slowly("\x16"
		    "a\r");
	CHECK_STR(echoed(), "a\r\n");
	CHECK_STR(rd(100), "a\n");
}

/* ---------------------------------------------------------------- signals */

static void test_intr(void)
{
	setup();
	type_slowly("ab\x03");
	CHECK_STR(echoed(), "ab^C"); /* no newline: the shell prints it */
	CHECK_EQ(fk.nsigs, 1);
	CHECK_EQ(fk.sigs[0], LDISC_SIGINT);
	CHECK_EQ(fk.flushes, 1);
	CHECK(!ldisc_can_read(&ld));
	type("c\r");
	CHECK_STR(rd(100), "c\n"); /* "ab" was flushed */
}

static void test_quit_susp(void)
{
	setup();
	type("x\r\x1c");
	type("\x1a");
	CHECK_EQ(fk.nsigs, 2);
	CHECK_EQ(fk.sigs[0], LDISC_SIGQUIT);
	CHECK_EQ(fk.sigs[1], LDISC_SIGTSTP);
	CHECK_STR(echoed(), "^\\^Z");
	CHECK(!ldisc_can_read(&ld)); /* completed lines go too */
}

static void test_intr_drops_echo_of_same_call(void)
{
	/* Echo not yet sent goes with the flush, as with Linux's echo
	 * buffer, and so do the columns it would have moved. */
	setup();
	type("abc\x03");
	CHECK_STR(echoed(), "^C");
	type("\t\x7f");
	CHECK_STR(echoed(), "\t\b\b\b\b\b\b");
}

static void test_noflsh(void)
{
	setup();
	lflags(NOFLSH, 0);
	type("ab\x03"
	     "c\r");
	CHECK_STR(echoed(), "ab^Cc\r\n");
	CHECK_EQ(fk.flushes, 0);
	CHECK_STR(rd(100), "abc\n");
}

static void test_isig_off(void)
{
	setup();
	lflags(0, ISIG);
	type("\x03\x1c\x1a\r");
	CHECK_EQ(fk.nsigs, 0);
	CHECK_STR(echoed(), "^C^\\^Z\r\n");
	CHECK_STR(rd(100), "\x03\x1c\x1a\n");
}

static void test_intr_without_echoctl(void)
{
	setup();
	lflags(0, ECHOCTL);
	type("\x03");
	CHECK_STR(echoed(), "\x03");
	lflags(0, ECHO);
	type("\x03");
	CHECK_STR(echoed(), "");
	CHECK_EQ(fk.nsigs, 2);
}

static void test_disabled_cc(void)
{
	setup();
	set_cc(VINTR, 0); /* 0 disables; a NUL is then plain data */
	type("\x03");
	CHECK_EQ(fk.nsigs, 0);
	CHECK_EQ(ldisc_receive(&ld, "\0\r", 2), 2);
	CHECK_STR(echoed(), "^C^@\r\n");
	CHECK_EQ(ldisc_readable(&ld), 3);
	CHECK_STR(rd(100), "\x03");
	CHECK_EQ(got, 3);
}

/* ---------------------------------------------------------------- input */

static void test_cr_nl_mapping(void)
{
	setup();
	iflags(0, ICRNL); /* CR is then an ordinary character */
	type("a\rb\n");
	CHECK_STR(echoed(), "a^Mb\r\n");
	CHECK_STR(rd(100), "a\rb\n");
	iflags(IGNCR, 0);
	type("c\r\n");
	CHECK_STR(rd(100), "c\n");
	iflags(INLCR, IGNCR);
	type("d\n\r");
	CHECK_STR(echoed(), "c\r\nd^M^M");
	CHECK(!ldisc_can_read(&ld));
}

static void test_istrip_iuclc(void)
{
	setup();
	iflags(ISTRIP, 0);
	type("\xe1\x8d"); /* 0x8d & 0x7f is CR: then mapped to NL */
	CHECK_STR(rd(100), "a\n");
	iflags(IUCLC, ISTRIP);
	type("AbC\xc9\r");
	CHECK_STR(rd(100), "abc\xe9\n");
	lflags(0, IEXTEN); /* IUCLC is an extension */
	type("A\r");
	CHECK_STR(rd(100), "A\n");
}

static void test_eight_bit_through(void)
{
	static const char line[] =
		"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
		"\x80\x9f\xff\r";
	setup();
	type(line);
	CHECK_STR(echoed(), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
			    "\x80\x9f\xff\r\n");
	CHECK_STR(rd(100), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
			   "\x80\x9f\xff\n");
}

/* ---------------------------------------------------------------- flow */

static void test_stop_start(void)
{
	setup();
	type("\x13");
	CHECK(ldisc_output_stopped(&ld));
	CHECK_EQ(fk.nflows, 1);
	CHECK_EQ(fk.flows[0], 1);
	CHECK_EQ(ldisc_output(&ld, "out", 3), 0);
	type("ab"); /* echo is held */
	CHECK_STR(echoed(), "");
	type("\x11");
	CHECK(!ldisc_output_stopped(&ld));
	CHECK_EQ(fk.flows[1], 0);
	CHECK_STR(echoed(), "ab");
	CHECK_EQ(ldisc_output(&ld, "out", 3), 3);
	CHECK_STR(echoed(), "out");
	type("\r");
	CHECK_STR(rd(100), "ab\n"); /* ^S ^Q are not data */
}

static void test_start_sends_echo(void)
{
	/* ^Q sends echo at once, even when not stopped: a later ^S in the
	 * same input then holds only what follows. */
	setup();
	type("ab\x11"
	     "c\x13"
	     "d");
	CHECK_STR(echoed(), "ab");
	type("\x11");
	CHECK_STR(echoed(), "cd");
}

static void test_ixany(void)
{
	setup();
	iflags(IXANY, 0);
	type("\x13");
	type("x");
	CHECK(!ldisc_output_stopped(&ld));
	CHECK_STR(echoed(), "x");
	type("\x13\x13");
	CHECK(ldisc_output_stopped(&ld));
	CHECK_EQ(fk.nflows, 3);
}

static void test_ixon_off(void)
{
	setup();
	type("\x13");
	iflags(0, IXON); /* would hang otherwise: restarts */
	CHECK(!ldisc_output_stopped(&ld));
	type("\x13\x11\r");
	CHECK_STR(echoed(), "^S^Q\r\n");
	CHECK_STR(rd(100), "\x13\x11\n");
}

static void test_tcooff(void)
{
	setup();
	iflags(IXANY, 0);
	CHECK_EQ(ldisc_flow_control(&ld, TCOOFF), 0);
	CHECK(ldisc_output_stopped(&ld));
	type("\x11x");
	CHECK(ldisc_output_stopped(&ld)); /* only TCOON undoes it */
	CHECK_STR(echoed(), "");
	CHECK_EQ(ldisc_flow_control(&ld, TCOON), 0);
	CHECK(!ldisc_output_stopped(&ld));
	CHECK_STR(echoed(), "x"); /* Linux: with the next echo or write */
	type("\x13");
	CHECK_EQ(ldisc_flow_control(&ld, TCOON), 0); /* not TCOOFF's */
	CHECK(ldisc_output_stopped(&ld));
}

static void test_tcioff(void)
{
	setup();
	type("\x13");
	CHECK_EQ(ldisc_flow_control(&ld, TCIOFF), 0);
	CHECK_EQ(ldisc_flow_control(&ld, TCION), 0);
	CHECK_STR(echoed(), "\x13\x11"); /* sent though stopped */
	CHECK(ldisc_output_stopped(&ld));
	CHECK_EQ(ldisc_flow_control(&ld, 4), -EINVAL);
	set_cc(VSTOP, 0);
	CHECK_EQ(ldisc_flow_control(&ld, TCIOFF), 0);
	CHECK_STR(echoed(), "");
}

static void test_signal_restarts_output(void)
{
	setup();
	type("ab\x13");
	CHECK_STR(echoed(), "");
	type("\x03");
	CHECK(!ldisc_output_stopped(&ld));
	CHECK_STR(echoed(), "^C"); /* the held echo was flushed */
}

static void test_held_echo_bounded(void)
{
	char many[LDISC_ECHO_SIZE + 100];

	setup();
	type("\x13");
	memset(many, 'x', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	type(many);
	type("\x11");
	CHECK_EQ(fk.out_len, LDISC_ECHO_SIZE); /* Linux holds 4096 */
	CHECK_EQ(ldisc_input_bytes(&ld), 0);
	type("\r");
	CHECK_EQ(ldisc_readable(&ld), sizeof(many));
}

/* ---------------------------------------------------------------- output */

static void test_onlcr(void)
{
	setup();
	CHECK_EQ(ldisc_output(&ld, "a\nb\n", 4), 4);
	CHECK_STR(echoed(), "a\r\nb\r\n");
	oflags(0, ONLCR);
	ldisc_output(&ld, "a\nb", 3);
	CHECK_STR(echoed(), "a\nb");
	oflags(ONLCR, OPOST); /* nothing happens without OPOST */
	ldisc_output(&ld, "a\n\t\r", 4);
	CHECK_STR(echoed(), "a\n\t\r");
}

static void test_ocrnl_onocr_onlret(void)
{
	setup();
	oflags(OCRNL, ONLCR);
	ldisc_output(&ld, "a\rb", 3);
	CHECK_STR(echoed(), "a\nb");
	oflags(ONOCR, OCRNL);
	ldisc_output(&ld, "\r", 1);
	CHECK_STR(echoed(), "\r"); /* column 1: sent */
	ldisc_output(&ld, "\r", 1);
	CHECK_STR(echoed(), ""); /* column 0: dropped */
	oflags(ONLRET, 0);
	ldisc_output(&ld, "abc\n\r", 5);
	CHECK_STR(echoed(), "abc\n"); /* NL returned the carriage */
}

static void test_xtabs_olcuc(void)
{
	setup();
	oflags(XTABS, 0);
	ldisc_output(&ld, "ab\tc\t", 5);
	CHECK_STR(echoed(), "ab      c       ");
	oflags(OLCUC, XTABS);
	ldisc_output(&ld, "Hi, \xe9!", 6);
	CHECK_STR(echoed(), "HI, \xc9!");
}

static void test_output_in_runs(void)
{
	setup();
	ldisc_output(&ld, "hello, world", 12);
	CHECK_EQ(fk.out_calls, 1);
	ldisc_output(&ld, "one\ntwo\n", 8);
	CHECK_EQ(fk.out_calls, 5); /* "one" "\r\n" "two" "\r\n" */
	CHECK_STR(echoed(), "hello, worldone\r\ntwo\r\n");
	ldisc_output(&ld, "", 0);
	CHECK_EQ(fk.out_calls, 5);
}

/* ---------------------------------------------------------------- raw */

static void test_noncanonical(void)
{
	setup();
	lflags(0, ICANON | ECHO);
	type("ab\x7f\x15\x04\r");
	CHECK_STR(echoed(), "");
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_readable(&ld), 6);
	CHECK_EQ(ldisc_input_bytes(&ld), 6);
	CHECK_STR(rd(2), "ab");
	CHECK_STR(rd(100), "\x7f\x15\x04\n");
	type("\x03");
	CHECK_EQ(fk.nsigs, 1); /* ISIG still applies */
}

static void test_noncanonical_echo(void)
{
	setup();
	lflags(0, ICANON);
	type("a\r\n\t\x7f");
	CHECK_STR(echoed(), "a\r\n^J\t^?");
	CHECK_STR(rd(100), "a\n\n\t\x7f");
}

static void test_vmin_vtime(void)
{
	setup();
	CHECK(ldisc_read_satisfied(&ld, 0, 10)); /* canonical: one call */
	CHECK_EQ(ldisc_read_timeout(&ld, 0), 0);
	lflags(0, ICANON);
	set_cc(VMIN, 3);
	set_cc(VTIME, 0); /* MIN only: no timer */
	CHECK(!ldisc_read_satisfied(&ld, 2, 10));
	CHECK(ldisc_read_satisfied(&ld, 3, 10));
	CHECK(ldisc_read_satisfied(&ld, 2, 2)); /* read(2) asks for less */
	CHECK(ldisc_read_satisfied(&ld, 0, 0));
	CHECK_EQ(ldisc_read_timeout(&ld, 1), 0);
	set_cc(VTIME, 5); /* MIN and TIME: a timer between bytes */
	CHECK_EQ(ldisc_read_timeout(&ld, 0), 0);
	CHECK_EQ(ldisc_read_timeout(&ld, 1), 5);
	CHECK(!ldisc_read_satisfied(&ld, 1, 10));
	set_cc(VMIN, 0); /* TIME only: a timer for the whole read */
	CHECK_EQ(ldisc_read_timeout(&ld, 0), 5);
	CHECK(!ldisc_read_satisfied(&ld, 0, 10));
	CHECK(ldisc_read_satisfied(&ld, 1, 10));
	set_cc(VTIME, 0); /* neither: return at once */
	CHECK(ldisc_read_satisfied(&ld, 0, 10));
}

static void test_leave_canonical(void)
{
	setup();
	type("ab\rcd\x04"
	     "ef");
	lflags(0, ICANON); /* all readable; ^D as a NUL byte (Linux) */
	CHECK_EQ(ldisc_readable(&ld), 8);
	CHECK(memcmp(rd(100), "ab\ncd\0ef", 8) == 0);
	CHECK_EQ(got, 8);
}

static void test_enter_canonical(void)
{
	setup();
	lflags(0, ICANON);
	type("abc");
	lflags(ICANON, 0); /* what was there is a line, pushed */
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_readable(&ld), 3);
	type("de\x7f");
	CHECK_STR(echoed(), "abcde\b \b"); /* erasing stops at the push */
	CHECK_STR(rd(100), "abc");
	type("\x7f\x7f\r");
	CHECK_STR(rd(100), "\n");
	lflags(0, ICANON); /* and back, with nothing buffered */
	lflags(ICANON, 0);
	CHECK(!ldisc_can_read(&ld));
}

static void test_mode_switch_drops_lnext(void)
{
	setup();
	type("\x16");
	lflags(0, ICANON);
	lflags(ICANON, 0);
	type("\x03");
	CHECK_EQ(fk.nsigs, 1);
}

/* ---------------------------------------------------------------- limits */

static void test_canonical_overflow(void)
{
	static char line[LDISC_BUF_SIZE + 10];

	setup();
	lflags(0, ECHO);
	memset(line, 'a', LDISC_BUF_SIZE - 2);
	strcpy(line + LDISC_BUF_SIZE - 2, "bcdef");
	type(line); /* one line: the end always fits */
	type("\r");
	CHECK_EQ(ldisc_readable(&ld), LDISC_BUF_SIZE);
	rd(LDISC_BUF_SIZE);
	CHECK_EQ(got, LDISC_BUF_SIZE);
	CHECK(!ldisc_can_read(&ld));
}

static void test_canonical_overflow_echo(void)
{
	static char line[LDISC_BUF_SIZE + 10];

	setup();
	memset(line, 'a', LDISC_BUF_SIZE - 1);
	type(line);
	CHECK_EQ(fk.out_len, LDISC_BUF_SIZE - 1);
	type("xyz\x7f"); /* dropped unseen (Linux echoes them); erasing */
	CHECK_STR(echoed() + LDISC_BUF_SIZE - 1, "\b \b");
	type("b\r");
	CHECK_EQ(ldisc_readable(&ld), LDISC_BUF_SIZE);
	CHECK_STR(rd(LDISC_BUF_SIZE) + LDISC_BUF_SIZE - 3, "ab\n");
}

static void test_noncanonical_full(void)
{
	static char data[5000];

	setup();
	lflags(0, ICANON | ECHO);
	memset(data, 'z', sizeof(data));
	/* Linux keeps one place free: 4095 bytes, the rest waits */
	CHECK_EQ(ldisc_receive(&ld, data, sizeof(data)), LDISC_BUF_SIZE - 1);
	CHECK_EQ(ldisc_readable(&ld), LDISC_BUF_SIZE - 1);
	type("\x03"); /* a signal character needs no room */
	CHECK_EQ(fk.nsigs, 1);
	CHECK_EQ(ldisc_receive(&ld, data, sizeof(data)), LDISC_BUF_SIZE - 1);
	rd(1000);
	CHECK_EQ(ldisc_receive(&ld, data, sizeof(data)), 1000);
	CHECK_EQ(ldisc_readable(&ld), LDISC_BUF_SIZE - 1);
}

static void test_canonical_full_of_lines(void)
{
	static char lines[LDISC_BUF_SIZE];

	setup();
	lflags(0, ECHO);
	for (size_t i = 0; i < sizeof(lines); i += 4)
		memcpy(lines + i, "abc\n", 4);
	CHECK_EQ(ldisc_receive(&ld, lines, sizeof(lines)), LDISC_BUF_SIZE - 1);
	CHECK_EQ(ldisc_input_bytes(&ld), LDISC_BUF_SIZE - 4);
	CHECK_EQ(ldisc_receive(&ld, "\n", 1), 0);
	type("\x7f\x15"); /* edits need no room */
	CHECK_EQ(ldisc_receive(&ld, "abc\n", 4), 3);
	CHECK_STR(rd(100), "abc\n");
	CHECK_EQ(ldisc_receive(&ld, "\nxyz\n", 5), 4); /* a line read: room */
	CHECK_EQ(ldisc_input_bytes(&ld), LDISC_BUF_SIZE - 4);
}

static void test_ring_wraps(void)
{
	char line[32], half[32];

	setup();
	lflags(0, ECHO);
	/* Lines of 7 bytes, read in two pieces three lines behind, cross
	 * the ring's end at every offset. */
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), "%06d\n", i);
		type(line);
		if (i < 3)
			continue;
		snprintf(line, sizeof(line), "%06d\n", i - 3);
		memcpy(half, line, 3);
		half[3] = '\0';
		CHECK_STR(rd(3), half);
		CHECK_STR(rd(100), line + 3);
	}
	CHECK_EQ(ldisc_input_bytes(&ld), 3 * 7);
	CHECK(ld.read_head > 4 * LDISC_BUF_SIZE);
}

/* ---------------------------------------------------------------- flush */

static void test_flush(void)
{
	setup();
	type("ab\rcd");
	CHECK_EQ(ldisc_flush(&ld, TCOFLUSH), 0);
	CHECK_EQ(fk.flushes, 1);
	CHECK_EQ(ldisc_input_bytes(&ld), 3);
	CHECK_EQ(ldisc_flush(&ld, TCIFLUSH), 0);
	CHECK_EQ(fk.flushes, 1);
	CHECK(!ldisc_can_read(&ld));
	type("\x7f"); /* the partial line went too */
	CHECK_STR(echoed(), "ab\r\ncd");
	type("e\x13");
	CHECK_EQ(ldisc_flush(&ld, TCIOFLUSH),
		 0); /* held echo too (not Linux) */
	CHECK_EQ(fk.flushes, 2);
	type("\x11");
	CHECK_STR(echoed(), "");
	CHECK_EQ(ldisc_flush(&ld, 3), -EINVAL);
}

/* ---------------------------------------------------------------- random */

/* One random call: a setting changed, output, a read, a flush, input. */
static void random_step(char *buf, size_t n)
{
	static const uint32_t lbits[] = {ISIG,	 ICANON, ECHO,	 ECHOE,
					 ECHOK,	 ECHONL, NOFLSH, ECHOCTL,
					 ECHOKE, IEXTEN};
	static const uint32_t ibits[] = {ISTRIP, INLCR, IGNCR, ICRNL,
					 IXON,	 IXANY, IUCLC, IUTF8};
	struct termios_k t = ld.termios;

	switch (test_below(8)) {
	case 0:
		t.c_lflag ^= lbits[test_below(10)];
		t.c_iflag ^= ibits[test_below(8)];
		t.c_oflag ^= test_below(2) ? OPOST : XTABS;
		ldisc_set_termios(&ld, &t);
		break;
	case 1:
		ldisc_output(&ld, buf, n);
		break;
	case 2:
		rd(test_below(200));
		break;
	case 3:
		if (test_below(10) == 0)
			ldisc_flush(&ld, (int)test_below(3));
		break;
	default:
		CHECK(ldisc_receive(&ld, buf, n) <= n);
	}
}

/* Any input, output and setting, in any order: nothing breaks. */
static void test_random_walk(void)
{
	static char buf[600];

	test_rng = 42;
	setup();
	for (int step = 0; step < 20000; step++) {
		size_t n = test_below(sizeof(buf));

		/* mostly the letters and controls around 0x60..0x81 */
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(test_below(4) ? test_below(0x22) + 0x60
						      : test_below(256));
		random_step(buf, n);
		fk.out_len = 0;
		fk.nsigs = fk.nflows = 0;
		CHECK(ld.read_head - ld.read_tail <= LDISC_BUF_SIZE);
		CHECK(ldisc_readable(&ld) <= ldisc_input_bytes(&ld));
		CHECK(ldisc_input_bytes(&ld) <= LDISC_BUF_SIZE);
		CHECK(ld.echo_len <= LDISC_ECHO_SIZE);
		CHECK(ldisc_eof_pending(&ld) ? ldisc_can_read(&ld) : true);
	}
}

int main(void)
{
	RUN(test_termios_layout(), "ldisc: struct termios_k is Linux's");
	RUN(test_constants(), "ldisc: flag and index values are Linux's");
	RUN(test_default_termios(), "ldisc: default termios as a Linux pty");
	RUN(test_line(), "ldisc: a line is readable once ended");
	RUN(test_line_by_line(), "ldisc: canonical reads go line by line");
	RUN(test_line_in_pieces(), "ldisc: a long line over short reads");
	RUN(test_eof(), "ldisc: ^D ends a line, unechoed, unread");
	RUN(test_bare_eof(), "ldisc: a bare ^D reads as 0 once");
	RUN(test_eof_sequence(), "ldisc: lines and ends of file in turn");
	RUN(test_read_up_to_eof(), "ldisc: a read ending at ^D eats it");
	RUN(test_eol(), "ldisc: VEOL and VEOL2 end lines");
	RUN(test_echonl(), "ldisc: ECHONL echoes NL alone");
	RUN(test_erase(), "ldisc: VERASE with ECHOE");
	RUN(test_erase_without_echoe(), "ldisc: VERASE without ECHOE");
	RUN(test_erase_control(), "ldisc: erasing a ^X echo");
	RUN(test_erase_tab(), "ldisc: erasing tabs");
	RUN(test_erase_tab_after_prompt(), "ldisc: erasing a tab after output");
	RUN(test_erase_utf8(), "ldisc: IUTF8 erases whole characters");
	RUN(test_utf8_tab_columns(), "ldisc: IUTF8 columns for tab erase");
	RUN(test_werase(), "ldisc: VWERASE");
	RUN(test_kill(), "ldisc: VKILL with ECHOKE, ECHOK, neither");
	RUN(test_reprint(), "ldisc: VREPRINT");
	RUN(test_lnext(), "ldisc: VLNEXT takes the next character");
	RUN(test_lnext_needs_iexten_and_icanon(),
	    "ldisc: VLNEXT only with IEXTEN and ICANON");
	RUN(test_lnext_wait_no_echoctl(), "ldisc: VLNEXT across calls");
	RUN(test_intr(), "ldisc: ^C signals, flushes, echoes ^C");
	RUN(test_quit_susp(), "ldisc: ^\\ and ^Z");
	RUN(test_intr_drops_echo_of_same_call(),
	    "ldisc: ^C drops echo not yet sent");
	RUN(test_noflsh(), "ldisc: NOFLSH keeps input");
	RUN(test_isig_off(), "ldisc: without ISIG, signal chars are data");
	RUN(test_intr_without_echoctl(), "ldisc: ^C echo without ECHOCTL");
	RUN(test_disabled_cc(), "ldisc: a 0 in c_cc disables");
	RUN(test_cr_nl_mapping(), "ldisc: ICRNL, IGNCR, INLCR");
	RUN(test_istrip_iuclc(), "ldisc: ISTRIP and IUCLC");
	RUN(test_eight_bit_through(), "ldisc: 8-bit and UTF-8 bytes pass");
	RUN(test_stop_start(), "ldisc: ^S stops output and holds echo");
	RUN(test_start_sends_echo(), "ldisc: ^Q sends echo so far");
	RUN(test_ixany(), "ldisc: IXANY restarts on any character");
	RUN(test_ixon_off(), "ldisc: clearing IXON restarts output");
	RUN(test_tcooff(), "ldisc: TCOOFF and TCOON");
	RUN(test_tcioff(), "ldisc: TCIOFF and TCION send ^S and ^Q");
	RUN(test_signal_restarts_output(), "ldisc: ^C restarts output");
	RUN(test_held_echo_bounded(), "ldisc: held echo is bounded");
	RUN(test_onlcr(), "ldisc: ONLCR and OPOST");
	RUN(test_ocrnl_onocr_onlret(), "ldisc: OCRNL, ONOCR, ONLRET");
	RUN(test_xtabs_olcuc(), "ldisc: XTABS and OLCUC");
	RUN(test_output_in_runs(), "ldisc: output goes out in runs");
	RUN(test_noncanonical(), "ldisc: non-canonical reads");
	RUN(test_noncanonical_echo(), "ldisc: non-canonical echo");
	RUN(test_vmin_vtime(), "ldisc: VMIN and VTIME helpers");
	RUN(test_leave_canonical(), "ldisc: leaving ICANON frees the line");
	RUN(test_enter_canonical(), "ldisc: entering ICANON pushes a line");
	RUN(test_mode_switch_drops_lnext(), "ldisc: mode switch ends VLNEXT");
	RUN(test_canonical_overflow(), "ldisc: a line that fills the buffer");
	RUN(test_canonical_overflow_echo(), "ldisc: overflow is not echoed");
	RUN(test_noncanonical_full(), "ldisc: a full buffer takes no more");
	RUN(test_canonical_full_of_lines(), "ldisc: full of lines");
	RUN(test_ring_wraps(), "ldisc: the ring wraps");
	RUN(test_flush(), "ldisc: TCFLSH");
	RUN(test_random_walk(), "ldisc: random walk keeps invariants");
	TEST_EXIT();
}
