/*
 * Shared by the clock files of this directory only (clock.c, hpet.c,
 * lapic_timer.c, rtc.c, pit.c and the time tests). Generic code uses
 * <kernel/time.h> and <kernel/timer.h>.
 */
#ifndef ARCH_X86_64_TIME_PRIV_H
#define ARCH_X86_64_TIME_PRIV_H

#include <stdbool.h>
#include <stdint.h>

/* hpet.c: the HPET's main counter, from the ACPI HPET table. */
int hpet_init(void); /* 0, -ENODEV (no HPET), -EINVAL, -ENOMEM */
bool hpet_present(void);
uint64_t hpet_hz(void);
uint64_t hpet_read(void); /* counter ticks, 64 bits even on a 32-bit HPET */

/* pit.c: busy-wait on PIT channel 2 (at most 50 ms per call). */
void pit_busy_wait_us(unsigned int us);

/* clock.c: what calibration found (0: unknown). */
uint64_t clock_tsc_hz(void);
bool clock_tsc_invariant(void);
bool clock_is_tsc(void);
uint64_t clock_lapic_timer_hz(void);
/* The TSC value at monotonic time ns (for TSC-deadline mode). */
uint64_t clock_ns_to_tsc(uint64_t ns);
/* Local APIC timer counts (divide by 1) in ns, clamped to 32 bits. */
uint32_t clock_ns_to_lapic_count(uint64_t ns);
/* rdtsc, ordered after earlier loads (lfence). */
uint64_t clock_rdtsc(void);

/* lapic_timer.c */
/* The boot CPU: choose the mode, start its timer and tick, stop the PIT. */
void lapic_timer_init(void);
/* Any other CPU: start its timer and tick (smp.c). */
void lapic_timer_init_cpu(void);

/* rtc.c: the CMOS real-time clock as UNIX seconds: 0 or -EIO. */
int rtc_read(int64_t *unix_seconds);

#endif
