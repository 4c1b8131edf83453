/*
 * The console fan-out (see <kernel/console.h>): kprintf writes here, and
 * each registered sink gets the same bytes. A fixed table rather than a
 * linked list, so sinks can be const, static driver data.
 *
 * Everything written is also kept in a ring (the last CONSOLE_LOG_SIZE
 * bytes), so that a console that starts late — the screen, once memory
 * and the framebuffer are set up — can first show what came before it.
 */
#include <kernel/compiler.h>
#include <kernel/console.h>
#include <kernel/spinlock.h>
#include <kernel/smp.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/sched.h>
#include <kernel/string.h>

#include <stdbool.h>

static const struct console_sink *sinks[CONSOLE_MAX_SINKS];
static size_t sink_count;

static char log_ring[CONSOLE_LOG_SIZE];
static uint64_t log_total; /* bytes ever written; the ring holds the end */

static void log_append(const char *buf, size_t len)
{
	if (len > CONSOLE_LOG_SIZE) { /* only the end would survive */
		log_total += len - CONSOLE_LOG_SIZE;
		buf += len - CONSOLE_LOG_SIZE;
		len = CONSOLE_LOG_SIZE;
	}
	while (len) {
		size_t at = log_total % CONSOLE_LOG_SIZE;
		size_t n = MIN(len, CONSOLE_LOG_SIZE - at);

		memcpy(log_ring + at, buf, n);
		log_total += n;
		buf += n;
		len -= n;
	}
}

/*
 * Once the ring has wrapped its oldest line is cut: start after the first
 * line end, so the replay does not begin mid-line.
 */
static uint64_t replay_start(void)
{
	uint64_t pos;

	if (log_total <= CONSOLE_LOG_SIZE)
		return 0;
	for (pos = log_total - CONSOLE_LOG_SIZE; pos < log_total; pos++) {
		if (log_ring[pos % CONSOLE_LOG_SIZE] == '\n')
			return pos + 1;
	}
	return log_total - CONSOLE_LOG_SIZE;
}

void console_replay(const struct console_sink *sink)
{
	uint64_t pos = replay_start();

	while (pos < log_total) {
		size_t at = pos % CONSOLE_LOG_SIZE;
		size_t n = MIN(log_total - pos, CONSOLE_LOG_SIZE - at);

		sink->write(log_ring + at, n);
		pos += n;
	}
}

int console_register(const struct console_sink *sink)
{
	for (size_t i = 0; i < sink_count; i++) {
		if (sinks[i] == sink)
			return -EEXIST;
	}
	if (sink_count == CONSOLE_MAX_SINKS)
		return -ENOSPC;
	sinks[sink_count++] = sink;
	return 0;
}

/*
 * One writer at a time, with interrupts off, so that output from another
 * CPU or an interrupt handler cannot cut into a write half done. A write
 * nested on the same CPU (a fault inside a sink, reported by panic) does
 * not take the lock again, and skips the sink it interrupted: busy[] is
 * that guard. After console_panic() the lock is ignored: the other CPUs
 * are stopped, perhaps while holding it.
 */
static DEFINE_SPINLOCK(console_lock, LOCK_RANK_CONSOLE);
static int lock_owner = -1; /* CPU holding console_lock */
static bool panicking;

void console_panic(void)
{
	__atomic_store_n(&panicking, true, __ATOMIC_SEQ_CST);
}

bool console_in_panic(void)
{
	return __atomic_load_n(&panicking, __ATOMIC_ACQUIRE);
}

static bool console_lock_take(void)
{
	int me = percpu_ready() ? (int)cpu_id() : 0;

	if (__atomic_load_n(&panicking, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == me)
		return false;
	spin_lock(&console_lock);
	__atomic_store_n(&lock_owner, me, __ATOMIC_RELAXED);
	return true;
}

static void console_lock_drop(void)
{
	__atomic_store_n(&lock_owner, -1, __ATOMIC_RELAXED);
	spin_unlock(&console_lock);
}

void console_write(const char *buf, size_t len)
{
	static bool busy[CONSOLE_MAX_SINKS];
	unsigned long flags = irq_save();
	bool locked = console_lock_take();

	log_append(buf, len);
	for (size_t i = 0; i < sink_count; i++) {
		if (busy[i])
			continue;
		busy[i] = true;
		sinks[i]->write(buf, len);
		busy[i] = false;
	}
	if (locked)
		console_lock_drop();
	irq_restore(flags);
}

static struct wait_queue input_wq = WAIT_QUEUE_INIT(input_wq);

void console_input_wakeup(void)
{
	wake_up_all(&input_wq);
}

int console_wait_input(void)
{
	int c;

	return wait_event_interruptible(input_wq, (c = console_getc()) >= 0)
		       ?: c;
}

int console_getc(void)
{
	for (size_t i = 0; i < sink_count; i++) {
		int c = sinks[i]->getc ? sinks[i]->getc() : -1;

		if (c >= 0)
			return c;
	}
	return -1;
}
