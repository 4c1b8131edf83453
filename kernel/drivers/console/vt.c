/*
 * The virtual terminals (see <kernel/vt.h>): VT_COUNT terminal emulators
 * on one screen back end (fbcon.c or vgacon.c), which draws the one in
 * the foreground and is told to redraw everything on a switch. The other
 * VTs only change their cells; their scroll reports are dropped, since
 * the switch redraws anyway.
 *
 * Kernel messages reach the foreground VT through the console sink here,
 * with console_lock held (LOCK_RANK_CONSOLE, then vt_lock). So the
 * answers a terminal gives to queries cannot go to the input handler at
 * once: the handler takes locks of its own and wakes readers. They wait
 * in their VT's answer[] until vt_lock and the console's are dropped: at
 * the end of vt_write, vt_switch or the next keyboard input.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ring.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <kernel/vt.h>

#define ANSWER_MAX 64 /* waiting answers per VT; more are dropped */

struct vt {
	struct term term;
	char answer[ANSWER_MAX]; /* answers for the input handler */
	size_t answer_len;
};

/* vt_lock guards all of these; count and screen are set once. */
static DEFINE_SPINLOCK(vt_lock, LOCK_RANK_VT);
static int vt_lock_owner = -1; /* the CPU holding vt_lock */
static struct vt vts[VT_COUNT];
static int count; /* VTs made: 0 or VT_COUNT */
static int fg;	  /* the VT shown */
static const struct vt_screen_ops *screen;
static void *screen_ctx;
static vt_input_fn *input_fn;
static void *input_ctx;
static bool answers_waiting; /* some VT's answer[] is not empty */

/*
 * The shown VT's answers while no handler is set, for console_getc: one
 * producer at a time (under vt_lock), one reader, like the keyboard's
 * ring. console_new says console_wait_input's sleepers are to be woken.
 */
static struct byte_ring console_answers;
static bool console_new;

struct vt_guard {
	unsigned long flags;
	bool locked;
};

/*
 * vt_lock with interrupts off. Like the console's lock it is skipped in a
 * panic (the other CPUs are stopped, perhaps holding it) and when this
 * CPU holds it already (a fault while drawing, reported on the screen).
 */
static struct vt_guard vt_lock_take(void)
{
	struct vt_guard g = {.flags = irq_save()};
	int me = percpu_ready() ? (int)cpu_id() : 0;

	if (console_in_panic() ||
	    __atomic_load_n(&vt_lock_owner, __ATOMIC_RELAXED) == me)
		return g;
	spin_lock(&vt_lock);
	__atomic_store_n(&vt_lock_owner, me, __ATOMIC_RELAXED);
	g.locked = true;
	return g;
}

static void vt_lock_drop(struct vt_guard g)
{
	if (g.locked) {
		__atomic_store_n(&vt_lock_owner, -1, __ATOMIC_RELAXED);
		spin_unlock(&vt_lock);
	}
	irq_restore(g.flags);
}

static int vt_index(const struct vt *vt)
{
	return (int)(vt - vts);
}

/* term_ops, under vt_lock: only the shown VT's scrolls move pixels. */
static void on_scroll(void *ctx, unsigned int top, unsigned int bottom, int n)
{
	if (vt_index(ctx) == fg && screen->scroll)
		screen->scroll(screen_ctx, top, bottom, n);
}

/* term_ops, under vt_lock: keep the answer for deliver_answers. */
static void on_answer(void *ctx, const char *buf, size_t len)
{
	struct vt *vt = ctx;

	if (!input_fn) {
		if (vt_index(vt) == fg &&
		    byte_ring_put(&console_answers, buf, len))
			__atomic_store_n(&console_new, true, __ATOMIC_RELEASE);
		return;
	}
	if (vt->answer_len + len > ANSWER_MAX)
		return; /* nobody reads them: dropped, as by a full tty */
	memcpy(vt->answer + vt->answer_len, buf, len);
	vt->answer_len += len;
	__atomic_store_n(&answers_waiting, true, __ATOMIC_RELEASE);
}

static const struct term_ops vt_term_ops = {
	.scroll = on_scroll,
	.answer = on_answer,
};

/* One VT's waiting answers, taken out under the lock: its number, or -1. */
static int take_answers(char *buf, size_t *len, vt_input_fn **fn, void **ctx)
{
	struct vt_guard g = vt_lock_take();
	int n = -1;

	for (int i = 0; i < count && n < 0; i++) {
		if (!vts[i].answer_len)
			continue;
		n = i;
		*len = vts[i].answer_len;
		memcpy(buf, vts[i].answer, *len);
		vts[i].answer_len = 0;
	}
	if (n < 0)
		__atomic_store_n(&answers_waiting, false, __ATOMIC_RELAXED);
	*fn = input_fn;
	*ctx = input_ctx;
	vt_lock_drop(g);
	return n;
}

/* Hand the answers kept under the lock on, now that it is dropped. */
static void deliver_answers(void)
{
	char buf[ANSWER_MAX];
	size_t len;
	vt_input_fn *fn;
	void *ctx;
	int n;

	if (__atomic_exchange_n(&console_new, false, __ATOMIC_ACQ_REL))
		console_input_wakeup();
	while (__atomic_load_n(&answers_waiting, __ATOMIC_ACQUIRE) &&
	       (n = take_answers(buf, &len, &fn, &ctx)) >= 0) {
		if (fn)
			fn(n, buf, len, ctx);
	}
}

/* Kernel text: "\n" is a line end (CR LF), as console sinks promise. */
static void write_log_text(struct term *t, const char *buf, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		term_write(t, buf + start, i - start);
		term_write(t, "\r\n", 2);
		start = i + 1;
	}
	term_write(t, buf + start, len - start);
}

/* The console sink: kernel messages to the VT in the foreground. */
static void sink_write(const char *buf, size_t len)
{
	struct vt_guard g = vt_lock_take();

	if (count) {
		write_log_text(&vts[fg].term, buf, len);
		screen->flush(screen_ctx);
	}
	vt_lock_drop(g);
}

static int sink_getc(void)
{
	return byte_ring_get(&console_answers);
}

static const struct console_sink vt_sink = {
	.name = "vt",
	.write = sink_write,
	.getc = sink_getc,
};

int vt_count(void)
{
	return __atomic_load_n(&count, __ATOMIC_ACQUIRE);
}

int vt_active(void)
{
	return __atomic_load_n(&fg, __ATOMIC_RELAXED);
}

int vt_switch(int n)
{
	struct vt_guard g = vt_lock_take();
	int err = 0;

	if (n < 0 || n >= count) {
		err = -ENXIO;
	} else if (n != fg) {
		__atomic_store_n(&fg, n, __ATOMIC_RELAXED);
		screen->show(screen_ctx, &vts[n].term);
	}
	vt_lock_drop(g);
	deliver_answers();
	return err;
}

void vt_write(int n, const char *buf, size_t len)
{
	struct vt_guard g = vt_lock_take();

	if (n >= 0 && n < count) {
		term_write(&vts[n].term, buf, len);
		if (n == fg)
			screen->flush(screen_ctx);
	}
	vt_lock_drop(g);
	deliver_answers();
}

int vt_size(int n, unsigned int *rows, unsigned int *cols)
{
	if (n < 0 || n >= vt_count())
		return -ENXIO;
	*rows = vts[n].term.rows; /* fixed since vt_init */
	*cols = vts[n].term.cols;
	return 0;
}

int vt_cell(int n, unsigned int row, unsigned int col, struct term_cell *cell)
{
	struct vt_guard g;
	int err = 0;

	if (n < 0 || n >= vt_count())
		return -ENXIO;
	g = vt_lock_take();
	if (row >= vts[n].term.rows || col >= vts[n].term.cols)
		err = -EINVAL;
	else
		*cell = *term_cell_at(&vts[n].term, col, row);
	vt_lock_drop(g);
	return err;
}

void vt_set_input(vt_input_fn *fn, void *ctx)
{
	struct vt_guard g = vt_lock_take();

	input_fn = fn;
	input_ctx = fn ? ctx : NULL;
	vt_lock_drop(g);
}

void vt_get_input(vt_input_fn **fn, void **ctx)
{
	struct vt_guard g = vt_lock_take();

	*fn = input_fn;
	*ctx = input_ctx;
	vt_lock_drop(g);
}

bool vt_keyboard_input(const char *buf, size_t n)
{
	struct vt_guard g = vt_lock_take();
	vt_input_fn *fn = count ? input_fn : NULL;
	void *ctx = input_ctx;
	int shown = fg;

	vt_lock_drop(g);
	if (fn)
		fn(shown, buf, n, ctx);
	deliver_answers();
	return fn != NULL;
}

void vt_redraw(void)
{
	struct vt_guard g = vt_lock_take();

	if (count)
		screen->show(screen_ctx, &vts[fg].term);
	vt_lock_drop(g);
}

/* Every VT's terminal on its two grids (main and alternate) of cells. */
static int make_terms(struct term_cell *cells, unsigned int cols,
		      unsigned int rows)
{
	size_t grid = (size_t)cols * rows;

	for (int i = 0; i < VT_COUNT; i++) {
		int err = term_init(&vts[i].term, cells + 2 * i * grid,
				    cells + (2 * i + 1) * grid, cols, rows,
				    &vt_term_ops, &vts[i]);

		if (err)
			return err;
	}
	return 0;
}

int vt_init(const struct vt_screen_ops *ops, void *ctx, unsigned int cols,
	    unsigned int rows)
{
	struct term_cell *cells;
	struct vt_guard g;
	int err;

	if (screen)
		return -EBUSY;
	if (cols == 0 || rows == 0 || cols > TERM_MAX_COLS ||
	    rows > TERM_MAX_ROWS)
		return -EINVAL;
	/* Page-granular, not rounded up to a power of two as kmalloc's. */
	cells = vmalloc(2 * VT_COUNT * (size_t)cols * rows * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	err = make_terms(cells, cols, rows);
	if (err) {
		vfree(cells);
		return err;
	}
	g = vt_lock_take();
	screen = ops;
	screen_ctx = ctx;
	__atomic_store_n(&count, VT_COUNT, __ATOMIC_RELEASE);
	ops->show(ctx, &vts[0].term);
	vt_lock_drop(g);
	console_replay(&vt_sink);
	return console_register(&vt_sink);
}
