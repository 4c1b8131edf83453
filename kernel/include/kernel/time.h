/*
 * Time: the clocks, delays and sleeping, and calendar conversions.
 *
 * The clock (kernel/time/clock.c) reads a counter the architecture
 * calibrated (<kernel/clocksource.h>). On x86, time_init
 * (kernel/arch/x86_64/time/calibrate.c) measures the time-stamp counter
 * and the local APIC timer against the HPET (the PIT without one) and
 * picks the monotonic clock's source: the TSC when it is invariant
 * (constant rate, synchronised across CPUs; CPUID 0x80000007 EDX bit 8),
 * else the HPET's counter. It reads the CMOS RTC once for the wall clock,
 * which then advances with the monotonic clock. The one-shot timer
 * events and the tick are <kernel/timer.h>.
 *
 * Before time_init the monotonic clock counts PIT ticks (1 ms steps) and
 * udelay busy-waits on PIT channel 2: both work from irq_init on.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* Linux's struct timespec on x86_64 (system call arguments, inodes). */
struct timespec_k {
	int64_t sec, nsec;
};

/*
 * Calibrate, choose the clock source, read the RTC, start this CPU's
 * local APIC timer (which takes the tick over from the PIT). Logs
 * "time: TSC 2.99 GHz (invariant), LAPIC timer 1.00 GHz, HPET 100 MHz,
 * clock source tsc". Call after apic_init.
 */
void time_init(void);

/* Nanoseconds since boot (about irq_init); never goes backwards, on any CPU. */
uint64_t clock_monotonic_ns(void);
/* UNIX time in nanoseconds: the RTC at boot plus the monotonic clock. */
int64_t clock_realtime_ns(void);
/*
 * The same at the last timer tick (1 ms steps), read without touching the
 * clock's counter: for file times, as Linux's current_time() is coarse.
 * The tick feeds it (clock_coarse_tick, with the monotonic time it read).
 */
int64_t clock_realtime_coarse_ns(void);
void clock_coarse_tick(uint64_t monotonic_ns);
/*
 * The vDSO's data page ([vvar]): the clock keeps it current from now on
 * (<kernel/vdso_data.h>). And whether the vDSO can compute the time in
 * user mode (the clock's source is the CPU's cycle counter).
 */
struct vdso_data;
void clock_set_vdso_data(struct vdso_data *d);
bool clock_vdso_capable(void);

/*
 * A struct timespec from user memory as ns, checked as Linux checks a
 * timeout or time: 0, -EFAULT, or -EINVAL (negative, nsec out of range).
 * Times beyond about 292 years come out as INT64_MAX / 2 ("forever"), so
 * that adding a clock reading to one cannot overflow.
 */
int timespec_from_user(uintptr_t uts, int64_t *ns);

/* Set the wall clock to UNIX time ns (settimeofday, clock_settime). */
void clock_set_realtime_ns(int64_t ns);
/*
 * A Linux clock's time in ns (CLOCK_REALTIME, CLOCK_MONOTONIC...; the
 * CPU-time clocks of the current thread and process): 0, or -EINVAL.
 */
int clock_read(int clock, int64_t *ns);
/* "tsc", "hpet" or "pit ticks". */
const char *clock_source_name(void);

/* Busy-wait (interrupts may stay off). */
void udelay(uint64_t us);
void mdelay(uint64_t ms);
/*
 * Wait at least ns, halting between interrupts (kernel/time/sleep.c).
 * Until there is a scheduler nothing else runs meanwhile; call with
 * interrupts on.
 */
void sleep_ns(uint64_t ns);
void msleep(uint64_t ms);

/* A UTC date and time of day, proleptic Gregorian calendar. */
struct civil_time {
	int64_t year;
	int month;  /* 1..12 */
	int day;    /* 1..31 */
	int hour;   /* 0..23 */
	int minute; /* 0..59 */
	int second; /* 0..59 (UNIX time has no leap seconds) */
};

/* Split UNIX seconds (negative: before 1970) into a civil time. */
void time_unix_to_civil(int64_t unix_seconds, struct civil_time *out);
/* The inverse: UNIX seconds of a civil time (fields in range). */
int64_t time_civil_to_unix(const struct civil_time *ct);

#endif
