/*
 * How fast the framebuffer console draws and scrolls, on the real screen:
 * a KTEST that measures with the TSC, reports in KTAP comment lines and
 * asserts nothing about the numbers (they depend on the machine, and on
 * the host under QEMU's TCG). It skips without a framebuffer console.
 *
 *	# video: 160x50 cells at 1280x800x32: ...
 *
 * The benchmark draws a terminal of its own on the screen; afterwards the
 * VT shown is drawn again, so the screen shows what it did before.
 * The TSC is calibrated against the timer tick when interrupts run.
 */
#include <kernel/arch.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <kernel/video.h>
#include <kernel/vm.h>
#include <kernel/vt.h>

#define CALIBRATE_MS 20
#define SPIN_LIMIT (1ULL << 33) /* TSC cycles: give up on a dead tick */

/* TSC cycles per millisecond, or 0 if the tick does not advance. */
static uint64_t tsc_per_ms(void)
{
	uint64_t start = arch_cycles(), t0, c0;

	t0 = timer_ticks();
	while (timer_ticks() == t0) /* to the edge of a tick */
		if (arch_cycles() - start > SPIN_LIMIT)
			return 0;
	c0 = arch_cycles();
	t0 = timer_ticks();
	while (timer_ticks() - t0 < CALIBRATE_MS * TIMER_HZ / 1000)
		if (arch_cycles() - start > SPIN_LIMIT)
			return 0;
	return (arch_cycles() - c0) / CALIBRATE_MS;
}

/* A line of text, different for each n, cols - 1 long plus "\n". */
static size_t make_line(char *buf, unsigned int cols, unsigned int n)
{
	size_t len = cols - 1;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(' ' + 1 + (n * 7 + i) % 94);
	buf[len] = '\n';
	return len + 1;
}

static char bench_text[TERM_MAX_COLS * TERM_MAX_ROWS];

/* Cycles to write `lines` lines, one write each or all in one write. */
static uint64_t time_lines(struct fbcon *c, unsigned int lines, bool one_write,
			   unsigned int seed)
{
	size_t len = 0;
	uint64_t t0;

	if (one_write) {
		for (unsigned int i = 0; i < lines; i++)
			len += make_line(bench_text + len, c->cols, seed + i);
		t0 = arch_cycles();
		fbcon_write(c, bench_text, len);
		return arch_cycles() - t0;
	}
	t0 = arch_cycles();
	for (unsigned int i = 0; i < lines; i++) {
		len = make_line(bench_text, c->cols, seed + i);
		fbcon_write(c, bench_text, len);
	}
	return arch_cycles() - t0;
}

static uint64_t time_redraw(struct fbcon *c)
{
	uint64_t t0 = arch_cycles();

	fbcon_invalidate(c);
	fbcon_flush(c);
	return arch_cycles() - t0;
}

/* "N us (K kcycles)", the time only if the TSC rate is known. */
static void report(const char *what, uint64_t cycles, uint64_t per_ms,
		   unsigned int count)
{
	uint64_t us = per_ms ? cycles * 1000 / per_ms : 0;

	kprintf("# video: %s: ", what);
	if (per_ms)
		kprintf("%lu us ", us);
	kprintf("(%lu kcycles)", cycles / 1000);
	if (count > 1 && per_ms)
		kprintf(", %lu us per line", us / count);
	else if (count > 1)
		kprintf(", %lu kcycles per line", cycles / 1000 / count);
	kprintf("\n");
}

/* A terminal of the screen's size for the benchmark, shown on c. */
static struct term bench_term;

static struct term_cell *bench_show(struct fbcon *c)
{
	size_t grid = (size_t)c->cols * c->rows;
	struct term_cell *cells = vmalloc(2 * grid * sizeof(*cells));

	if (!cells)
		return NULL;
	if (term_init(&bench_term, cells, cells + grid, c->cols, c->rows,
		      &fbcon_term_ops, c)) {
		vfree(cells);
		return NULL;
	}
	bench_term.newline_mode = true; /* the lines end in "\n" */
	fbcon_show(c, &bench_term);
	return cells;
}

KTEST(video, scroll_bench)
{
	struct fbcon *c = fbcon_live();
	uint64_t per_ms = tsc_per_ms(), fill, redraw, move, draw;
	struct term_cell *cells;
	unsigned int rows;
	bool by_move;

	if (!c)
		KT_SKIP("no framebuffer console");
	cells = bench_show(c);
	KT_ASSERT(cells != NULL);
	rows = c->rows;
	by_move = c->scroll_by_move; /* the console's own choice, kept */
	fill = time_lines(c, rows, true, 0);
	redraw = time_redraw(c);
	c->scroll_by_move = true;
	move = time_lines(c, rows, false, rows);
	c->scroll_by_move = false;
	draw = time_lines(c, rows, false, 2 * rows);
	c->scroll_by_move = by_move;
	vt_redraw(); /* the VT shown, back on the screen */
	vfree(cells);
	kprintf("# video: %ux%u cells at %ux%ux%u, TSC %lu kHz, "
		"scrolling by %s\n",
		c->cols, rows, c->fb.width, c->fb.height, c->fb.bytes_pp * 8,
		per_ms, by_move ? "moving" : "redrawing");
	report("a screenful of lines in one write", fill, per_ms, 1);
	report("full redraw", redraw, per_ms, 1);
	report("scroll a screenful line by line, moving pixels", move, per_ms,
	       rows);
	report("scroll a screenful line by line, redrawing", draw, per_ms,
	       rows);
}
