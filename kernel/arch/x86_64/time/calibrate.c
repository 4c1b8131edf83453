/*
 * The x86 clocks behind <kernel/time.h>: calibration of the TSC and the
 * local APIC timer, the choice of the monotonic clock's source, and the
 * wall clock's start (the generic clock is kernel/time/clock.c).
 *
 * Calibration counts TSC cycles and APIC timer counts across a fixed
 * stretch of the HPET's counter (50 ms; the PIT's channel 2 without an
 * HPET). The monotonic clock is then the TSC if it is invariant or
 * virtual, else the HPET (and the TSC anyway, with a warning, if there is
 * no HPET); see choose_tsc.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/clocksource.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>

#include "irq/apic.h"
#include "time/time_priv.h"

#define CALIBRATE_MS 50
#define CPUID_APM_EDX_INVARIANT_TSC 8
#define CPUID1_ECX_HYPERVISOR 31

/* What calibration found; written once by time_init. */
static struct {
	bool tsc_invariant;
	bool source_is_tsc;
	uint64_t tsc_hz, lapic_hz;
	uint64_t lapic_per_ns; /* counts per ns, 32.32 */
} clk;

static struct clock_source tsc_source = {
	.name = "tsc", .read = clock_rdtsc, .user_readable = true};
static struct clock_source hpet_source = {.name = "hpet", .read = hpet_read};

uint64_t clock_rdtsc(void)
{
	__asm__ volatile("lfence" ::: "memory");
	return arch_cycles();
}

uint64_t clock_tsc_hz(void)
{
	return clk.tsc_hz;
}

bool clock_tsc_invariant(void)
{
	return clk.tsc_invariant;
}

bool clock_is_tsc(void)
{
	return clk.source_is_tsc;
}

uint64_t clock_lapic_timer_hz(void)
{
	return clk.lapic_hz;
}

/* Used only when the TSC is the clock's source (TSC-deadline mode). */
uint64_t clock_ns_to_tsc(uint64_t ns)
{
	return clock_ns_to_count(ns);
}

uint32_t clock_ns_to_lapic_count(uint64_t ns)
{
	uint64_t count;

	if (ns > NSEC_PER_SEC) /* keeps the product in range; re-armed */
		ns = NSEC_PER_SEC;
	count = clock_scale(ns, clk.lapic_per_ns);
	return count == 0 ? 1 : count > 0xffffffffu ? 0xffffffffu : count;
}

void arch_early_udelay(uint64_t us)
{
	for (; us > 50000; us -= 50000)
		pit_busy_wait_us(50000);
	pit_busy_wait_us((unsigned int)us);
}

struct sample {
	uint64_t ref; /* HPET ticks, or unused with the PIT */
	uint64_t tsc;
	uint32_t lapic;
};

/*
 * The three counters read as close together as possible: the tightest
 * of a few tries, judged by the TSC around them. A host stall between
 * the reads (TCG) would otherwise skew the whole calibration.
 */
static void take_sample(struct sample *s)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 8; i++) {
		uint64_t t0 = clock_rdtsc(), ref, t1;
		uint32_t lapic =
			lapic_present() ? lapic_read(LAPIC_TIMER_CURRENT) : 0;

		ref = hpet_present() ? hpet_read() : 0;
		t1 = clock_rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*s = (struct sample){ref, t0 + (t1 - t0) / 2, lapic};
		}
	}
}

/*
 * Interrupts off for the measurement; the APIC timer counts down from
 * 2^32 - 1 in one-shot mode, masked (at 1 GHz: 4 s, far more than 50 ms).
 */
static void calibrate(void)
{
	struct sample a, b;
	unsigned long flags = irq_save();
	uint64_t elapsed_ns = CALIBRATE_MS * NSEC_PER_MSEC;

	if (lapic_present()) {
		lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_1);
		lapic_write(LAPIC_LVT_TIMER,
			    LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
		lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
	}
	take_sample(&a);
	if (hpet_present()) {
		uint64_t end = a.ref + hpet_hz() * CALIBRATE_MS / 1000;

		while (hpet_read() < end)
			__asm__ volatile("pause");
	} else {
		pit_busy_wait_us(CALIBRATE_MS * 1000);
	}
	take_sample(&b);
	if (hpet_present())
		elapsed_ns = (b.ref - a.ref) * NSEC_PER_SEC / hpet_hz();
	if (lapic_present())
		lapic_write(LAPIC_TIMER_INITIAL, 0);
	irq_restore(flags);
	clk.tsc_hz = (b.tsc - a.tsc) * NSEC_PER_SEC / elapsed_ns;
	clk.lapic_hz =
		(uint64_t)(a.lapic - b.lapic) * NSEC_PER_SEC / elapsed_ns;
}

/* The wall clock from the RTC (else the loader's date), now. */
static void read_wall_clock(void)
{
	int64_t secs;

	if (rtc_read(&secs) == 0) {
		klog(KLOG_DEBUG, "time: wall clock from the CMOS RTC\n");
	} else if (boot_info->has_date) {
		klog(KLOG_WARN, "time: no CMOS RTC; wall clock from the "
				"loader's boot date\n");
		secs = boot_info->boot_time;
	} else {
		klog(KLOG_WARN, "time: no CMOS RTC, no boot date: the wall "
				"clock starts at 1970\n");
		secs = 0;
	}
	clock_set_realtime(secs);
}

/* Hand the monotonic clock to the chosen counter. */
static void start_clock(bool use_tsc)
{
	clk.lapic_per_ns =
		clock_ratio(clk.lapic_hz / 1000, NSEC_PER_SEC / 1000);
	clk.source_is_tsc = use_tsc;
	tsc_source.hz = clk.tsc_hz;
	if (hpet_present())
		hpet_source.hz = hpet_hz();
	clock_start(use_tsc ? &tsc_source : &hpet_source);
}

/* "2.99 GHz", "100 MHz", "3.58 MHz": for the log, rounded. */
static const char *format_hz(uint64_t hz, char *buf, size_t size)
{
	uint64_t centi_mhz = (hz + 5000) / 10000;
	uint64_t centi_ghz = (hz + 5000000) / 10000000;

	if (centi_mhz >= 100000)
		snprintf(buf, size, "%lu.%02lu GHz", centi_ghz / 100,
			 centi_ghz % 100);
	else if (hz % 1000000 == 0)
		snprintf(buf, size, "%lu MHz", hz / 1000000);
	else
		snprintf(buf, size, "%lu.%02lu MHz", centi_mhz / 100,
			 centi_mhz % 100);
	return buf;
}

KTEST(time, format_hz_rounds)
{
	char buf[24];

	KT_ASSERT_STREQ(format_hz(2995000000ULL, buf, sizeof(buf)), "3.00 GHz");
	KT_ASSERT_STREQ(format_hz(2994999999ULL, buf, sizeof(buf)), "2.99 GHz");
	KT_ASSERT_STREQ(format_hz(999996000ULL, buf, sizeof(buf)), "1.00 GHz");
	KT_ASSERT_STREQ(format_hz(999560000ULL, buf, sizeof(buf)),
			"999.56 MHz");
	KT_ASSERT_STREQ(format_hz(100000000ULL, buf, sizeof(buf)), "100 MHz");
	KT_ASSERT_STREQ(format_hz(3579545ULL, buf, sizeof(buf)), "3.58 MHz");
}

static void log_clocks(void)
{
	char tsc[24], lapic[24], hpet[32], hz[24];

	format_hz(clk.tsc_hz, tsc, sizeof(tsc));
	if (lapic_present())
		format_hz(clk.lapic_hz, lapic, sizeof(lapic));
	else
		snprintf(lapic, sizeof(lapic), "none");
	if (hpet_present())
		snprintf(hpet, sizeof(hpet), "HPET %s",
			 format_hz(hpet_hz(), hz, sizeof(hz)));
	else
		snprintf(hpet, sizeof(hpet), "no HPET (PIT calibration)");
	klog(KLOG_INFO,
	     "time: TSC %s (%s), LAPIC timer %s, %s, clock source %s\n", tsc,
	     clk.tsc_invariant ? "invariant" : "not invariant", lapic, hpet,
	     clock_source_name());
}

/*
 * The TSC when it keeps a constant rate in step on every CPU: invariant,
 * or virtual (a hypervisor provides it: the CPUID hypervisor bit; QEMU's
 * and KVM's are), or nothing better exists. "clocksource=hpet" or
 * "clocksource=tsc" on the command line decides instead.
 */
static bool choose_tsc(void)
{
	const char *forced = cmdline_get("clocksource");
	bool virtual_tsc = cpuid_has(1, 2, CPUID1_ECX_HYPERVISOR);

	if (forced && !strcmp(forced, "hpet") && hpet_present())
		return false;
	if (forced && !strcmp(forced, "tsc"))
		return true;
	if (!clk.tsc_invariant && !virtual_tsc && !hpet_present())
		klog(KLOG_WARN, "time: no HPET and no invariant TSC: the "
				"clock is the TSC anyway\n");
	return clk.tsc_invariant || virtual_tsc || !hpet_present();
}

void time_init(void)
{
	bool use_tsc;

	hpet_init();
	clk.tsc_invariant =
		cpuid_has(0x80000007, 3, CPUID_APM_EDX_INVARIANT_TSC);
	calibrate();
	use_tsc = choose_tsc();
	read_wall_clock();
	start_clock(use_tsc);
	log_clocks();
	lapic_timer_init();
}
