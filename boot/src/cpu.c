/* CPU feature detection and the loader's entropy source (KASLR). */
#include "cpu.h"
#include "rtc.h"

struct cpu_features cpu;

void cpu_detect(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	cpuid(1, 0, r);
	cpu.rdrand = r[2] & (1u << 30);
	cpu.pat = r[3] & (1u << 16);
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		cpu.rdseed = r[1] & (1u << 18);
		cpu.la57 = r[2] & (1u << 16);
	}
	cpuid(0x80000001, 0, r);
	cpu.nx = r[3] & (1u << 20);
	cpu.pdpe1gb = r[3] & (1u << 26);
}

static bool rdseed64(uint64_t *v)
{
	for (int i = 0; i < 32; i++) {
		uint8_t ok;
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < 32; i++) {
		uint8_t ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* splitmix64: spreads the few varying bits of the fallback sources. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t cpu_random64(void)
{
	uint64_t v;
	if (cpu.rdseed && rdseed64(&v))
		return v;
	if (cpu.rdrand && rdrand64(&v))
		return v;
	/* No hardware RNG: the TSC's low bits vary from boot to boot. */
	return mix(rdtsc() ^ mix((uint64_t)rtc_unix_time()));
}
