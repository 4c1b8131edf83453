/*
 * Virtual terminals on the screen, as Linux's tty1..tty6: VT_COUNT
 * terminals (<kernel/term.h>), each with its own cells, cursor, modes and
 * alternate screen, one of them shown at a time. VTs are numbered from 0:
 * VT n is Linux's tty(n+1), and vt_active() is Linux's fg_console.
 *
 * Output. vt_write sends bytes through a VT's terminal emulator; they are
 * drawn if that VT is shown, else kept in its cells until it is.
 * Kernel messages (kprintf, the console sink of <kernel/console.h>) go to
 * the VT in the foreground, as on Linux without a console redirection,
 * with "\n" as a line end. Switching (vt_switch, Alt+F1..F6, Ctrl+Alt+Fn,
 * Alt+Left/Right) redraws the screen from the new VT's cells.
 *
 * Input. Keyboard bytes belong to the VT shown; the terminals' answers to
 * queries (CSI 6 n and friends) to the VT asked. Both go to the handler
 * set with vt_set_input. While none is set, keyboard bytes stay in the
 * keyboard's ring and the shown VT's answers in one of this layer's, both
 * read by console_getc (the kernel monitor); other VTs' answers are
 * dropped.
 *
 * The VTs exist once a screen console has started (console_video_init):
 * vt_count() is 0 before that, and on a machine with no screen.
 *
 * Locking: one lock (LOCK_RANK_VT, inside the console's) guards the
 * terminals and which is shown; it is taken with interrupts off, and the
 * input handler is never called with it held.
 */
#ifndef KERNEL_VT_H
#define KERNEL_VT_H

#include <stdbool.h>
#include <stddef.h>

#include <kernel/term.h>

#define VT_COUNT 6

/* How many VTs there are: VT_COUNT, or 0 without a screen console. */
int vt_count(void);

/* The VT shown (Linux's fg_console), 0-based; 0 when there are none. */
int vt_active(void);

/* Show VT n and redraw the screen from its cells: 0, or -ENXIO. */
int vt_switch(int n);

/*
 * Interpret len bytes on VT n, drawn at once if it is shown. The bytes go
 * to the terminal as they are (no "\n" translation: that is the tty
 * layer's ONLCR). Answers to queries go to the input handler before this
 * returns, so the caller must not hold a lock the handler takes. A VT
 * that does not exist takes nothing.
 */
void vt_write(int n, const char *buf, size_t len);

/*
 * The size of VT n in character cells (for TIOCGWINSZ): 0, or -ENXIO.
 * Every VT has the screen's size.
 */
int vt_size(int n, unsigned int *rows, unsigned int *cols);

/*
 * The cell at row, col of VT n's shown grid (Linux's /dev/vcsN reads
 * these; the tests do): 0, or -ENXIO for no such VT, -EINVAL outside it.
 */
int vt_cell(int n, unsigned int row, unsigned int col, struct term_cell *cell);

/*
 * Where VT n's input goes: the keyboard bytes typed while it is shown,
 * and its answers to queries. Called from the keyboard interrupt and from
 * vt_write's caller, never with the VT lock held; a handler may still be
 * running on another CPU just after it has been replaced.
 */
typedef void vt_input_fn(int vt, const char *buf, size_t n, void *ctx);

/* Send every VT's input to fn (with ctx); NULL: back to console_getc. */
void vt_set_input(vt_input_fn *fn, void *ctx);

/* The handler set now and its ctx (NULL if none), to set it back. */
void vt_get_input(vt_input_fn **fn, void **ctx);

/* ---------------------------------------------- for the input driver */

/*
 * Keyboard bytes for the VT shown: true if the input handler took them;
 * false if none is set (or there are no VTs), and then the caller keeps
 * them for console_getc. Also delivers answers left waiting.
 */
bool vt_keyboard_input(const char *buf, size_t n);

/* ---------------------------------------------- for the screen drivers */

/* A screen that shows one terminal at a time (fbcon, vgacon). */
struct vt_screen_ops {
	/* Show t from now on, drawing all of it. */
	void (*show)(void *ctx, struct term *t);
	/* Draw what changed in the terminal shown (its dirty rows). */
	void (*flush)(void *ctx);
	/* The shown terminal scrolled (term_ops.scroll); may be NULL. */
	void (*scroll)(void *ctx, unsigned int top, unsigned int bottom, int n);
};

/*
 * Make the VTs, cols x rows each, on a screen: VT 0 shown with the log so
 * far replayed into it, and registered as the console sink that kprintf
 * writes to. 0, -EINVAL (size), -EBUSY (a second screen) or -ENOMEM.
 */
int vt_init(const struct vt_screen_ops *ops, void *ctx, unsigned int cols,
	    unsigned int rows);

/* Draw the shown VT anew (after something else drew on the screen). */
void vt_redraw(void);

#endif
