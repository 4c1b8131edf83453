/*
 * The x86_64 part of a task (struct task's first member, <kernel/sched.h>),
 * included through <kernel/arch.h>.
 */
#ifndef KERNEL_ARCH_X86_64_TASK_H
#define KERNEL_ARCH_X86_64_TASK_H

#include <stdbool.h>
#include <stdint.h>

struct arch_task {
	uintptr_t ksp; /* first: the saved stack pointer while switched out */
	uint64_t fs_base; /* user TLS bases, loaded while the task runs */
	uint64_t gs_base;
	void *fpu; /* FPU/SSE/AVX state (XSAVE or FXSAVE area), or NULL */
	/* Return to user mode with IRETQ: every register matters (sigreturn). */
	bool full_restore;
	/*
	 * The page fault this task is handling, innermost (cpu/exceptions.c):
	 * its frame and CR2, read first thing (a fault while handling or
	 * reporting it rewrites CR2). Per task: handling may sleep and go on
	 * on another CPU.
	 */
	const struct trap_frame *pf_frame;
	uintptr_t pf_addr;
};

#endif
