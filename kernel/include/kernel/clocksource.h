/*
 * Between the architecture's clock drivers and the generic clock
 * (kernel/time/clock.c): a counter that the monotonic clock reads, the
 * wall clock's starting point, and the fixed-point arithmetic both sides
 * use. Generic code outside time/ uses <kernel/time.h>.
 *
 * Scaling is 32.32 fixed point through a 128-bit product, so a read is
 * one multiply and no division.
 */
#ifndef KERNEL_CLOCKSOURCE_H
#define KERNEL_CLOCKSOURCE_H

#include <stdbool.h>
#include <stdint.h>

struct clock_source {
	const char *name;	/* "tsc", "hpet": for the log */
	uint64_t (*read)(void); /* a counter that does not wrap in practice */
	uint64_t hz;		/* its rate */
	bool user_readable; /* the arch's cycle counter: the vDSO reads it */
};

/*
 * From now on the monotonic clock is src, continuing from what it read
 * until now (the tick count before any source), so it never steps back.
 * src must stay valid. Any CPU, once (at time_init).
 */
void clock_start(const struct clock_source *src);

/* The wall clock reads unix_seconds now and advances with the monotonic. */
void clock_set_realtime(int64_t unix_seconds);

/* The source's counter value at monotonic time ns (for deadline timers). */
uint64_t clock_ns_to_count(uint64_t ns);

/* (a * mult) >> 32 without overflow: the 32.32 multiplier's scaling. */
static inline uint64_t clock_scale(uint64_t a, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)a * mult) >> 32);
}

/* mult such that clock_scale(x, mult) = x * num / den (num < 2^32). */
static inline uint64_t clock_ratio(uint64_t num, uint64_t den)
{
	return den ? (num << 32) / den : 0;
}

#endif
