/* x86 instructions the loader needs, as inline functions. */
#ifndef RASTBOOT_CPU_H
#define RASTBOOT_CPU_H

#include "lib.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* CPU features the loader cares about, read once by cpu_detect(). */
struct cpu_features {
	bool nx;      /* EFER.NXE usable */
	bool la57;    /* 5-level paging */
	bool pdpe1gb; /* 1 GiB pages */
	bool rdrand;
	bool rdseed;
	bool pat;
};

extern struct cpu_features cpu;
void cpu_detect(void);
/* 64 random bits: RDSEED, else RDRAND, else the TSC mixed with the RTC. */
uint64_t cpu_random64(void);

#endif
