/*
 * In-kernel tests of the virtual terminals (<kernel/vt.h>) on the live
 * screen: each VT keeps its own cells, a switch makes the screen show the
 * new VT's (checked against what the framebuffer console says its pixels
 * show, when that is the screen), kernel messages follow the VT shown,
 * and the answers to queries and keyboard bytes reach the input handler
 * (or console_getc without one). The VTs used are put back as found: VT 0
 * shown, VT 3 and 4 reset. The QEMU suite tests/qemu/screen.sh switches
 * with Alt+F2 and Alt+F1 on the emulated keyboard.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/video.h>
#include <kernel/vt.h>

#define ESC "\033"

static void vt_puts(int n, const char *s)
{
	vt_write(n, s, strlen(s));
}

/* Row row of VT n, from column 0, starts with text. */
static bool vt_row_starts(int n, unsigned int row, const char *text)
{
	struct term_cell cell;

	for (unsigned int x = 0; text[x]; x++) {
		if (vt_cell(n, row, x, &cell) || cell.ch != (uint8_t)text[x])
			return false;
	}
	return true;
}

/*
 * Does the framebuffer console show VT n? Every cell its pixels show
 * (shown[], which the flush keeps equal to the pixels) must be VT n's,
 * but the cursor's, which is drawn reversed. True without a framebuffer.
 */
static bool screen_shows(int n)
{
	struct fbcon *c = fbcon_live();
	struct term_cell cell;

	if (!c)
		return true;
	for (unsigned int y = 0; y < c->rows; y++) {
		for (unsigned int x = 0; x < c->cols; x++) {
			const struct term_cell *s = &c->shown[y * c->cols + x];

			if (c->cursor_drawn && x == c->cursor_x &&
			    y == c->cursor_y)
				continue;
			if (vt_cell(n, y, x, &cell) || s->ch != cell.ch ||
			    s->fg != cell.fg || s->bg != cell.bg)
				return false;
		}
	}
	return true;
}

KTEST(vt, count_size_and_bad_numbers)
{
	unsigned int rows, cols, r, c;
	struct term_cell cell;

	if (vt_count() == 0)
		KT_SKIP("no screen console");
	KT_ASSERT_EQ(vt_count(), VT_COUNT);
	KT_ASSERT_EQ(vt_active(), 0); /* the boot log's VT */
	KT_ASSERT_EQ(vt_size(0, &rows, &cols), 0);
	KT_ASSERT(rows >= 25 && cols >= 80);
	for (int n = 1; n < VT_COUNT; n++) {
		KT_ASSERT_EQ(vt_size(n, &r, &c), 0);
		KT_ASSERT(r == rows && c == cols);
	}
	KT_ASSERT_EQ(vt_size(VT_COUNT, &r, &c), -ENXIO);
	KT_ASSERT_EQ(vt_switch(-1), -ENXIO);
	KT_ASSERT_EQ(vt_switch(VT_COUNT), -ENXIO);
	KT_ASSERT_EQ(vt_active(), 0);
	KT_ASSERT_EQ(vt_cell(VT_COUNT, 0, 0, &cell), -ENXIO);
	KT_ASSERT_EQ(vt_cell(0, rows, 0, &cell), -EINVAL);
	KT_ASSERT_EQ(vt_cell(0, 0, cols, &cell), -EINVAL);
	vt_write(-1, "x", 1); /* no such VT: nothing happens */
	vt_write(VT_COUNT, "x", 1);
}

/* VT 3 shown with kernel messages on it; a failure step, or 0. */
static int switch_case(void)
{
	vt_puts(3, ESC "c" ESC "[31mvt three\r\n");
	if (!vt_row_starts(3, 0, "vt three") || vt_row_starts(0, 0, "vt three"))
		return 1;
	if (!screen_shows(0))
		return 2; /* writing to VT 3 did not draw it */
	if (vt_switch(3) || vt_active() != 3 || !screen_shows(3))
		return 3;
	kprintf("# vt: a kernel message on VT 4\n");
	if (!vt_row_starts(3, 1, "# vt: a kernel message on VT 4"))
		return 4;
	if (vt_switch(3) || !screen_shows(3)) /* switching to itself */
		return 5;
	if (vt_switch(0) || vt_active() != 0 || !screen_shows(0))
		return 6;
	vt_puts(3, "more");
	return screen_shows(0) ? 0 : 7;
}

KTEST(vt, switch_redraws_and_log_follows)
{
	int step;

	if (vt_count() == 0)
		KT_SKIP("no screen console");
	step = switch_case();
	vt_switch(0);
	vt_puts(3, ESC "c");
	KT_ASSERT_EQ(step, 0);
}

struct capture {
	int vt, calls;
	char buf[64];
	size_t len;
};

static void capture(int vt, const char *buf, size_t n, void *ctx)
{
	struct capture *cap = ctx;

	cap->vt = vt;
	cap->calls++;
	for (size_t i = 0; i < n && cap->len + 1 < sizeof(cap->buf); i++)
		cap->buf[cap->len++] = buf[i];
	cap->buf[cap->len] = '\0';
}

/* Answers and keys through a handler; a failure step, or 0. */
static int handler_case(struct capture *cap)
{
	vt_puts(4, ESC "c" ESC "[3;5H" ESC "[6n" ESC "[5n" ESC "[c" ESC "Z");
	if (cap->vt != 4 ||
	    strcmp(cap->buf, ESC "[3;5R" ESC "[0n" ESC "[?6c" ESC "[?6c") != 0)
		return 1;
	*cap = (struct capture){.vt = -1};
	vt_puts(4, ESC "[99;99H" ESC "[6n");
	if (cap->vt != 4 || cap->buf[0] != '\033' ||
	    cap->buf[cap->len - 1] != 'R')
		return 2;
	*cap = (struct capture){.vt = -1};
	if (!vt_keyboard_input("k", 1) || cap->vt != vt_active() ||
	    strcmp(cap->buf, "k") != 0)
		return 3;
	return 0;
}

/* Without a handler: the shown VT's answers for console_getc only. */
static int no_handler_case(void)
{
	static const char want[] = ESC "[0n";

	while (console_getc() >= 0) /* whatever was typed before */
		;
	if (vt_keyboard_input("k", 1))
		return 1;
	vt_puts(4, ESC "[5n"); /* not shown: dropped */
	vt_puts(0, ESC "[5n");
	for (size_t i = 0; i < sizeof(want) - 1; i++) {
		if (console_getc() != want[i])
			return 2;
	}
	return console_getc() == -1 ? 0 : 3;
}

KTEST(vt, answers_and_keys_reach_the_input)
{
	struct capture cap = {.vt = -1};
	vt_input_fn *old_fn;
	void *old_ctx;
	int step, step_none;

	if (vt_count() == 0)
		KT_SKIP("no screen console");
	vt_get_input(&old_fn, &old_ctx);
	vt_set_input(capture, &cap);
	step = handler_case(&cap);
	vt_set_input(NULL, NULL);
	step_none = no_handler_case();
	vt_set_input(old_fn, old_ctx);
	vt_puts(4, ESC "c");
	KT_ASSERT_EQ(step, 0);
	KT_ASSERT_EQ(step_none, 0);
}
