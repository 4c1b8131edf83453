/*
 * The x86 time-stamp counter, for measuring how long kernel code takes
 * (benchmarks in the in-kernel tests). Cycles of a constant-rate counter
 * on any CPU rastOS runs on; convert to time against timer_ticks().
 */
#ifndef KERNEL_ARCH_X86_64_TSC_H
#define KERNEL_ARCH_X86_64_TSC_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
