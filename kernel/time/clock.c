/*
 * The monotonic and wall clocks (<kernel/time.h>) on top of whatever
 * counter the architecture calibrated (<kernel/clocksource.h>): the TSC
 * or the HPET on a PC. Until time_init hands one over, the clock counts
 * timer ticks (1 ms steps).
 *
 * monotonic = offset + (read() - base) scaled to ns. All of struct clock
 * is written once by clock_start before src is published (release);
 * readers load src first (acquire).
 */
#include <kernel/arch.h>
#include <kernel/clocksource.h>
#include <kernel/interrupt.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/vdso_data.h>

static struct clock {
	const struct clock_source *src; /* NULL: timer ticks */
	uint64_t offset_ns;		/* monotonic time at base */
	uint64_t base;			/* src's count at offset_ns */
	uint64_t mult;			/* ns per count, 32.32 */
	uint64_t per_ns;		/* counts per ns, 32.32 */
	int64_t realtime_offset;	/* UNIX ns minus monotonic ns */
	struct vdso_data *vdso;		/* [vvar]: a copy for user mode */
} clk;

#define COARSE_NS 4000000 /* the coarse clocks' step, as Linux at HZ=250 */

/* Copy the clock's parameters to the vDSO's page (seqcount-protected). */
static void publish(void)
{
	struct vdso_data *d = clk.vdso;
	const struct clock_source *src = clk.src;

	if (!d)
		return;
	__atomic_store_n(&d->seq, d->seq + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	d->mode = src && src->user_readable ? VDSO_MODE_CYCLES
					    : VDSO_MODE_SYSCALL;
	d->cycles_base = clk.base;
	d->mult = clk.mult;
	d->offset_ns = clk.offset_ns;
	d->realtime_offset = clk.realtime_offset;
	d->coarse_ns = COARSE_NS;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&d->seq, d->seq + 1, __ATOMIC_RELEASE);
}

void clock_set_vdso_data(struct vdso_data *d)
{
	unsigned long flags = irq_save();

	clk.vdso = d;
	publish();
	irq_restore(flags);
}

bool clock_vdso_capable(void)
{
	const struct clock_source *src = clk.src;

	return src && src->user_readable;
}

uint64_t clock_monotonic_ns(void)
{
	const struct clock_source *src =
		__atomic_load_n(&clk.src, __ATOMIC_ACQUIRE);

	if (!src)
		return timer_ticks() * (NSEC_PER_SEC / TIMER_HZ);
	return clk.offset_ns + clock_scale(src->read() - clk.base, clk.mult);
}

int64_t clock_realtime_ns(void)
{
	return clk.realtime_offset + (int64_t)clock_monotonic_ns();
}

/*
 * The latest monotonic time any CPU's tick saw (ticks on several CPUs may
 * store out of order: keep the largest). The wall offset is added at
 * read time, so that settimeofday shows at once.
 */
static uint64_t coarse_ns;

void clock_coarse_tick(uint64_t monotonic_ns)
{
	uint64_t old = __atomic_load_n(&coarse_ns, __ATOMIC_RELAXED);

	while (old < monotonic_ns &&
	       !__atomic_compare_exchange_n(&coarse_ns, &old, monotonic_ns,
					    true, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

int64_t clock_realtime_coarse_ns(void)
{
	uint64_t mono = __atomic_load_n(&coarse_ns, __ATOMIC_RELAXED);

	if (!mono) /* before the first tick */
		return clock_realtime_ns();
	return clk.realtime_offset + (int64_t)mono;
}

void clock_set_realtime(int64_t unix_seconds)
{
	clock_set_realtime_ns(unix_seconds * (int64_t)NSEC_PER_SEC);
}

void clock_set_realtime_ns(int64_t ns)
{
	unsigned long flags = irq_save();

	clk.realtime_offset = ns - (int64_t)clock_monotonic_ns();
	publish();
	irq_restore(flags);
}

const char *clock_source_name(void)
{
	const struct clock_source *src =
		__atomic_load_n(&clk.src, __ATOMIC_ACQUIRE);

	return src ? src->name : "pit ticks";
}

void clock_start(const struct clock_source *src)
{
	unsigned long flags = irq_save();

	clk.offset_ns = clock_monotonic_ns();
	clk.mult = clock_ratio(NSEC_PER_SEC, src->hz);
	clk.per_ns = clock_ratio(src->hz / 1000, NSEC_PER_SEC / 1000);
	clk.base = src->read();
	__atomic_store_n(&clk.src, src, __ATOMIC_RELEASE);
	publish();
	irq_restore(flags);
}

uint64_t clock_ns_to_count(uint64_t ns)
{
	if (ns < clk.offset_ns)
		return clk.base;
	return clk.base + clock_scale(ns - clk.offset_ns, clk.per_ns);
}

void udelay(uint64_t us)
{
	uint64_t end;

	if (!__atomic_load_n(&clk.src, __ATOMIC_ACQUIRE)) {
		arch_early_udelay(us);
		return;
	}
	end = clock_monotonic_ns() + us * NSEC_PER_USEC;
	while (clock_monotonic_ns() < end)
		arch_cpu_relax();
}

void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}
