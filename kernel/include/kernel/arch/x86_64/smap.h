/*
 * The two SMAP instructions: STAC sets RFLAGS.AC, which lets the kernel
 * touch user pages while CR4.SMAP is on; CLAC clears it again. Both are
 * invalid opcodes on a CPU without SMAP, so generic code uses the
 * user_access_begin/end pair of <kernel/uaccess.h>, which checks first.
 */
#ifndef KERNEL_ARCH_X86_64_SMAP_H
#define KERNEL_ARCH_X86_64_SMAP_H

/* "memory": no user access may be moved out of the stac/clac window. */
static inline void stac(void)
{
	__asm__ volatile("stac" ::: "memory", "cc");
}

static inline void clac(void)
{
	__asm__ volatile("clac" ::: "memory", "cc");
}

#endif
