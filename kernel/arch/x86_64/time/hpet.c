/*
 * The HPET (high precision event timer), used only for its main counter:
 * a free-running counter at a fixed rate (QEMU: 100 MHz) that every CPU
 * reads alike. It calibrates the TSC and the local APIC timers, and is
 * the monotonic clock's source when the TSC is not invariant. Its
 * comparators (interrupts) are left off: each CPU's APIC timer does that.
 *
 * Where it is comes from the ACPI HPET table; the registers are mapped
 * uncached. Reads are 32-bit (some chipsets tear 64-bit ones): the high
 * half is read around the low one until it is stable. A 32-bit counter
 * is widened in software, which needs a read every 2^32 ticks (43 s at
 * 100 MHz); each CPU's tick reads the clock far more often.
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/vm.h>

#include "time/time_priv.h"

#define HPET_CAP 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0
#define HPET_REGS_SIZE 0x400

#define CAP_COUNTER_64 (1u << 13)
#define CONFIG_ENABLE (1u << 0)
#define CONFIG_LEGACY (1u << 1)	 /* timers 0/1 take IRQ 0/8: not wanted */
#define PERIOD_MAX_FS 100000000u /* 100 ns, the specification's limit */
#define FS_PER_SEC 1000000000000000ULL

static volatile uint32_t *regs;
static uint64_t hz;
static bool wide;     /* a 64-bit counter */
static uint64_t last; /* 32-bit counter: the last value, widened */

static uint32_t reg(unsigned int offset)
{
	return regs[offset / 4];
}

bool hpet_present(void)
{
	return regs != NULL;
}

uint64_t hpet_hz(void)
{
	return hz;
}

static uint64_t read64(void)
{
	uint32_t hi, lo, hi2 = reg(HPET_COUNTER + 4);

	do {
		hi = hi2;
		lo = reg(HPET_COUNTER);
		hi2 = reg(HPET_COUNTER + 4);
	} while (hi != hi2);
	return (uint64_t)hi << 32 | lo;
}

/* Widen: the counter read after loading last is never behind it. */
static uint64_t read32_widened(void)
{
	uint64_t old = __atomic_load_n(&last, __ATOMIC_ACQUIRE), now;

	do {
		uint32_t low = reg(HPET_COUNTER);

		now = (old & ~0xffffffffULL) | low;
		if (low < (uint32_t)old)
			now += 1ULL << 32;
	} while (!__atomic_compare_exchange_n(
		&last, &old, now, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return now;
}

uint64_t hpet_read(void)
{
	return wide ? read64() : read32_widened();
}

int hpet_init(void)
{
	uint32_t cap_low, period;

	if (!acpi_info->has_hpet || !acpi_info->hpet.address)
		return -ENODEV;
	regs = vm_ioremap(acpi_info->hpet.address, HPET_REGS_SIZE, VM_UC);
	if (!regs)
		return -ENOMEM;
	cap_low = reg(HPET_CAP);
	period = reg(HPET_CAP + 4);
	if (period == 0 || period > PERIOD_MAX_FS) {
		klog(KLOG_WARN,
		     "time: HPET period %u fs is not valid; "
		     "not using it\n",
		     period);
		vm_iounmap((void *)regs);
		regs = NULL;
		return -EINVAL;
	}
	hz = FS_PER_SEC / period;
	wide = cap_low & CAP_COUNTER_64;
	regs[HPET_CONFIG / 4] =
		(reg(HPET_CONFIG) & ~CONFIG_LEGACY) | CONFIG_ENABLE;
	last = reg(HPET_COUNTER);
	return 0;
}
