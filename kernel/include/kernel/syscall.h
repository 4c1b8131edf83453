/*
 * The Linux x86_64 system call ABI (kernel/syscall/).
 *
 * The numbers and names are one table, kernel/syscall/syscall_64.tbl;
 * the build generates the dispatcher from it. A system call is
 * implemented by a sys_<name> function defined with SYSCALL_DEFINEn,
 * which takes the raw argument registers and passes them on typed:
 *
 *	SYSCALL_DEFINE3(write, int, fd, uintptr_t, ubuf, size_t, count)
 *	{
 *		... return bytes written or -EBADF ...
 *	}
 *
 * and by naming sys_write in the table. User pointers are uintptr_t
 * (named u...): the kernel reaches user memory only through
 * <kernel/uaccess.h>. Unimplemented numbers return -ENOSYS (logged once
 * each); the kernel command line's "strace" prints every call.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#define SYSCALL_PARAMS long x0, long x1, long x2, long x3, long x4, long x5
#define SYSCALL_UNUSED \
	(void)x0, (void)x1, (void)x2, (void)x3, (void)x4, (void)x5

#define SYSCALL_DEFINE0(name)            \
	static long do_sys_##name(void); \
	long sys_##name(SYSCALL_PARAMS); \
	long sys_##name(SYSCALL_PARAMS)  \
	{                                \
		SYSCALL_UNUSED;          \
		return do_sys_##name();  \
	}                                \
	static long do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t0, a0)         \
	static long do_sys_##name(t0 a0);     \
	long sys_##name(SYSCALL_PARAMS);      \
	long sys_##name(SYSCALL_PARAMS)       \
	{                                     \
		SYSCALL_UNUSED;               \
		return do_sys_##name((t0)x0); \
	}                                     \
	static long do_sys_##name(t0 a0)

#define SYSCALL_DEFINE2(name, t0, a0, t1, a1)         \
	static long do_sys_##name(t0 a0, t1 a1);      \
	long sys_##name(SYSCALL_PARAMS);              \
	long sys_##name(SYSCALL_PARAMS)               \
	{                                             \
		SYSCALL_UNUSED;                       \
		return do_sys_##name((t0)x0, (t1)x1); \
	}                                             \
	static long do_sys_##name(t0 a0, t1 a1)

#define SYSCALL_DEFINE3(name, t0, a0, t1, a1, t2, a2)         \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2);       \
	long sys_##name(SYSCALL_PARAMS);                      \
	long sys_##name(SYSCALL_PARAMS)                       \
	{                                                     \
		SYSCALL_UNUSED;                               \
		return do_sys_##name((t0)x0, (t1)x1, (t2)x2); \
	}                                                     \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2)

#define SYSCALL_DEFINE4(name, t0, a0, t1, a1, t2, a2, t3, a3)         \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3);        \
	long sys_##name(SYSCALL_PARAMS);                              \
	long sys_##name(SYSCALL_PARAMS)                               \
	{                                                             \
		SYSCALL_UNUSED;                                       \
		return do_sys_##name((t0)x0, (t1)x1, (t2)x2, (t3)x3); \
	}                                                             \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE5(name, t0, a0, t1, a1, t2, a2, t3, a3, t4, a4)         \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3, t4 a4);         \
	long sys_##name(SYSCALL_PARAMS);                                      \
	long sys_##name(SYSCALL_PARAMS)                                       \
	{                                                                     \
		SYSCALL_UNUSED;                                               \
		return do_sys_##name((t0)x0, (t1)x1, (t2)x2, (t3)x3, (t4)x4); \
	}                                                                     \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE6(name, t0, a0, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);  \
	long sys_##name(SYSCALL_PARAMS);                                      \
	long sys_##name(SYSCALL_PARAMS)                                       \
	{                                                                     \
		SYSCALL_UNUSED;                                               \
		return do_sys_##name((t0)x0, (t1)x1, (t2)x2, (t3)x3, (t4)x4,  \
				     (t5)x5);                                 \
	}                                                                     \
	static long do_sys_##name(t0 a0, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

/*
 * Run system call nr with its six arguments (x86_64: rdi, rsi, rdx, r10,
 * r8, r9): its return value (a -errno on failure). The architecture's
 * entry code calls syscall_table[nr] itself when nr < syscall_table_len
 * and syscall_traced is false, and this otherwise.
 */
long syscall_dispatch(SYSCALL_PARAMS, long nr);

typedef long (*syscall_fn)(SYSCALL_PARAMS);
extern const syscall_fn syscall_table[];
extern const unsigned long syscall_table_len;
extern bool syscall_traced; /* "strace" on the command line */

/* "read", "write", ...: the name of number nr, or NULL. */
const char *syscall_name(long nr);

/* Set up (the "strace" option of the command line). */
void syscall_init(void);

/*
 * What runs on every return to user mode, from the architecture's entry
 * code (frame: the user registers to return with, for signal delivery):
 * reschedule if asked, deliver pending signals. Returns with interrupts
 * off and nothing left to do.
 */
struct trap_frame;
void user_return_work(struct trap_frame *frame);

#endif
