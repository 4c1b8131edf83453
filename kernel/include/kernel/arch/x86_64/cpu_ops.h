/*
 * The x86_64 side of <kernel/arch.h> that must be inline: one or two
 * instructions each, on hot paths (spinlocks, per-CPU data, user access,
 * benchmarks). Only <kernel/arch.h> includes this file; generic code
 * includes <kernel/arch.h>.
 */
#ifndef KERNEL_ARCH_X86_64_CPU_OPS_H
#define KERNEL_ARCH_X86_64_CPU_OPS_H

#include <stddef.h>
#include <stdint.h>

/* A spin-wait hint: "pause" lets the sibling hyperthread run. */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/*
 * This CPU's struct percpu: its GS base points at it and its first word
 * is its own address (<kernel/smp.h>), so one load finds it.
 */
static inline void *arch_this_cpu(void)
{
	void *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/*
 * A cycle counter that runs at a constant rate on every CPU rastOS runs
 * on (the TSC), for measuring how long kernel code takes. Not ordered
 * against the surrounding code; convert to time against timer_ticks().
 */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * Open and close a window in which the kernel may touch user pages
 * (STAC/CLAC, which set and clear RFLAGS.AC, when the CPU has SMAP;
 * nothing otherwise). "memory": no user access may move out of it.
 */
static inline void arch_user_access_begin(int smap)
{
	if (smap)
		__asm__ volatile("stac" ::: "memory", "cc");
}

static inline void arch_user_access_end(int smap)
{
	if (smap)
		__asm__ volatile("clac" ::: "memory", "cc");
}

/* The interrupt flag (<kernel/interrupt.h>'s irq_save and company). */
#define ARCH_RFLAGS_IF (1UL << 9)

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & ARCH_RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
	else
		__asm__ volatile("cli" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline bool arch_irq_enabled(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
	return flags & ARCH_RFLAGS_IF;
}

/*
 * Block copies and fills with the string instructions: 8 bytes a step,
 * then the odd bytes. (Also what makes them cheap under QEMU's -icount,
 * where a step of a rep instruction counts as one instruction.)
 * arch_memmove_down copies from the end, for overlapping moves upward.
 */
static inline void arch_memcpy(void *dst, const void *src, size_t n)
{
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq\n\tmov %[r], %%rcx\n\trep movsb"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 : [r] "r"(r)
			 : "memory");
}

static inline void arch_memset(void *dst, uint8_t c, size_t n)
{
	uint64_t v = 0x0101010101010101ULL * c;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq\n\tmov %[r], %%rcx\n\trep stosb"
			 : "+D"(dst), "+c"(q), "+a"(v)
			 : [r] "r"(r)
			 : "memory");
}

/*
 * Compare n 8-byte words of a and b: the index of the first that differs,
 * or n if none does.
 */
static inline size_t arch_cmp_words(const void *a, const void *b, size_t n)
{
	size_t left = n;
	bool differ;

	if (!n)
		return 0;
	__asm__ volatile("repe cmpsq"
			 : "+S"(a), "+D"(b), "+c"(left), "=@ccnz"(differ)
			 :
			 : "memory");
	return differ ? n - left - 1 : n;
}

static inline void arch_memmove_down(void *dst, const void *src, size_t n)
{
	char *d = (char *)dst + n - 1;
	const char *s = (const char *)src + n - 1;

	if (!n)
		return;
	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(d), "+S"(s), "+c"(n)
			 :
			 : "memory");
}

#endif
