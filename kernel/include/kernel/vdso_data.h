/*
 * The page the kernel shares read-only with every process, right below
 * the vDSO ([vvar]), so that clock_gettime and friends run in user mode
 * (kernel/arch/x86_64/vdso/). Written by the clock code
 * (kernel/time/clock.c) under a sequence count: readers retry while seq
 * is odd or changed under them.
 *
 * Included by the kernel and by the vDSO, which is built as user code:
 * plain C types only.
 */
#ifndef KERNEL_VDSO_DATA_H
#define KERNEL_VDSO_DATA_H

#include <stdint.h>

#define VDSO_MODE_SYSCALL 0 /* the vDSO makes the system call */
#define VDSO_MODE_CYCLES 1  /* monotonic = offset + scaled cycle counter */

struct vdso_data {
	uint32_t seq;
	uint32_t mode;
	uint64_t cycles_base;	 /* the cycle counter's value at offset_ns */
	uint64_t mult;		 /* ns per cycle, 32.32 fixed point */
	uint64_t offset_ns;	 /* monotonic time at cycles_base */
	int64_t realtime_offset; /* UNIX ns minus monotonic ns */
	uint64_t coarse_ns;	 /* the coarse clocks' resolution */
};

#endif
