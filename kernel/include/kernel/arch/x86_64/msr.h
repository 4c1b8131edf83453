/*
 * Model-specific registers and CPUID, for the x86_64 code that needs them
 * (the APIC, the clocks, SMP bring-up). Named msr_read/msr_write so that
 * they do not clash with the older file-local rdmsr/wrmsr helpers.
 */
#ifndef KERNEL_ARCH_X86_64_MSR_H
#define KERNEL_ARCH_X86_64_MSR_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_PAT 0x277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

static inline uint64_t msr_read(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void msr_write(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32))
			 : "memory");
}

/* CPUID leaf, subleaf 0; all zero if the CPU has no such leaf. */
static inline void cpuid_leaf(uint32_t leaf, uint32_t r[4])
{
	uint32_t max_leaf;
	uint32_t base = leaf & 0x80000000u;

	__asm__ volatile("cpuid"
			 : "=a"(max_leaf), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(base), "c"(0));
	r[0] = r[1] = r[2] = r[3] = 0;
	if (leaf > max_leaf)
		return;
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* CPUID leaf with subleaf sub (the caller knows the leaf exists). */
static inline void cpuid_subleaf(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Is bit of register reg (0 eax .. 3 edx) of CPUID leaf set? */
static inline bool cpuid_has(uint32_t leaf, unsigned int reg, unsigned int bit)
{
	uint32_t r[4];

	cpuid_leaf(leaf, r);
	return r[reg] & (1u << bit);
}

#endif
