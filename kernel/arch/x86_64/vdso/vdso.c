/*
 * The vDSO: a small shared object the kernel maps into every process
 * (AT_SYSINFO_EHDR), so that clock_gettime, gettimeofday, time and
 * getcpu need no system call. musl and glibc look these up by name and
 * version (LINUX_2.6, see vdso.lds).
 *
 * User code, built apart from the kernel (no kernel headers but the
 * shared data layout): the time is the kernel's monotonic clock computed
 * here from the TSC with the kernel's own base and multiplier, read from
 * the [vvar] page under its sequence count. When the kernel's clock is
 * not the TSC, or for clocks it does not handle, it makes the system
 * call. The CPU number comes from LSL on the per-CPU GDT entry whose
 * limit the kernel set to it (as Linux's).
 */
#include <stddef.h>
#include <stdint.h>
#include <kernel/vdso_data.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define NR_clock_gettime 228
#define NR_gettimeofday 96
#define NR_getcpu 309
#define NSEC_PER_SEC 1000000000LL
#define GDT_CPUNODE_SEL 0x3b /* index 7, RPL 3 */

struct timespec_u {
	int64_t tv_sec, tv_nsec;
};

struct timeval_u {
	int64_t tv_sec, tv_usec;
};

extern const volatile struct vdso_data vdso_vvar __attribute__((visibility("hidden")));

static long sys2(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return ret;
}

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* Monotonic and realtime ns, or 0 if the vDSO cannot tell. */
static int read_clocks(uint64_t *mono, int64_t *real, uint64_t *coarse)
{
	const volatile struct vdso_data *d = &vdso_vvar;
	uint32_t seq;

	do {
		seq = d->seq;
		__asm__ volatile("" ::: "memory");
		if (seq & 1)
			continue;
		if (d->mode != VDSO_MODE_CYCLES)
			return 0;
		*mono = d->offset_ns +
			(uint64_t)(((unsigned __int128)(rdtsc_ordered() -
							d->cycles_base) *
				    d->mult) >>
				   32);
		*real = d->realtime_offset + (int64_t)*mono;
		*coarse = d->coarse_ns;
		__asm__ volatile("" ::: "memory");
	} while ((seq & 1) || seq != d->seq);
	return 1;
}

static void to_ts(int64_t ns, struct timespec_u *ts)
{
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += NSEC_PER_SEC;
		ts->tv_sec--;
	}
}

/* Internal, so that __vdso_time calls it without a PLT relocation. */
static int do_clock_gettime(int clock, struct timespec_u *ts)
{
	uint64_t mono, coarse;
	int64_t real, ns;

	if (!read_clocks(&mono, &real, &coarse))
		return (int)sys2(NR_clock_gettime, clock, (long)ts);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		ns = real;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = (int64_t)mono;
		break;
	case CLOCK_REALTIME_COARSE:
		ns = real / (int64_t)coarse * (int64_t)coarse;
		break;
	case CLOCK_MONOTONIC_COARSE:
		ns = (int64_t)(mono / coarse * coarse);
		break;
	default:
		return (int)sys2(NR_clock_gettime, clock, (long)ts);
	}
	to_ts(ns, ts);
	return 0;
}

int __vdso_clock_gettime(int clock, struct timespec_u *ts);
int __vdso_clock_gettime(int clock, struct timespec_u *ts)
{
	return do_clock_gettime(clock, ts);
}

int __vdso_gettimeofday(struct timeval_u *tv, void *tz);
int __vdso_gettimeofday(struct timeval_u *tv, void *tz)
{
	uint64_t mono, coarse;
	int64_t real;

	if (tz || !read_clocks(&mono, &real, &coarse))
		return (int)sys2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = real / NSEC_PER_SEC;
		tv->tv_usec = real % NSEC_PER_SEC / 1000;
	}
	return 0;
}

long __vdso_time(long *t);
long __vdso_time(long *t)
{
	struct timespec_u ts;

	do_clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *cache);
int __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *cache)
{
	uint32_t limit;
	uint8_t ok;

	__asm__ volatile("lsl %2, %0; setz %1"
			 : "=r"(limit), "=q"(ok)
			 : "r"((uint32_t)GDT_CPUNODE_SEL)
			 : "cc");
	if (!ok)
		return (int)sys3(NR_getcpu, (long)cpu, (long)node, (long)cache);
	if (cpu)
		*cpu = limit & 0xfff;
	if (node)
		*node = limit >> 12;
	return 0;
}

/* The unprefixed names, as Linux's vDSO exports too. */
int clock_gettime(int, struct timespec_u *)
	__attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_u *, void *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned int *, unsigned int *, void *)
	__attribute__((weak, alias("__vdso_getcpu")));
