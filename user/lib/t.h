/*
 * t.h - the tiny test library shared by rastOS's user-space test programs.
 *
 * Every program prints deterministic lines only: check names with results,
 * errno and signal names, wait statuses - never PIDs, addresses, times or CPU
 * numbers - so that its output on rastOS can be compared line by line with
 * the output recorded on Linux. A check that does not hold also counts as a
 * failure, and t_done() then exits 1.
 *
 * Error paths are exercised through t_sys(), a raw system call that returns
 * -errno: libc wrappers may do work of their own first (the vDSO, argument
 * copies) and crash on a bad pointer instead of reaching the kernel.
 */
#ifndef USER_T_H
#define USER_T_H

#include <stdint.h>
#include <sys/types.h>

/* Hide a constant from the compiler, so that it does not warn about a
 * deliberately bad pointer passed to a function. */
static inline void *t_launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* Hostile addresses: NULL, an unmapped low address, the start of the
 * kernel half, and where kernels usually put their image. */
#define BAD_NULL ((void *)0)
#define BAD_ONE ((void *)1)
#define BAD_KERN ((void *)0xffff800000000000UL)
#define BAD_KTEXT ((void *)0xffffffff80000000UL)

extern int t_failures;

/* The name of an errno value ("EFAULT"), or "E<n>" for an unknown one. */
const char *t_errname(int err);
/* The name of a signal ("SIGSEGV"), or "SIG<n>". */
const char *t_signame(int sig);
/* A wait status decoded: "exit 3", "signal SIGKILL", "signal SIGSEGV core",
 * "stopped SIGSTOP", "continued". Returns a static buffer. */
const char *t_status(int status);

/* A raw system call: the kernel's return value, -errno on an error. */
long t_sys(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
#define t_sys0(n) t_sys((n), 0, 0, 0, 0, 0, 0)
#define t_sys1(n, a) t_sys((n), (long)(a), 0, 0, 0, 0, 0)
#define t_sys2(n, a, b) t_sys((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define t_sys3(n, a, b, c) t_sys((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define t_sys4(n, a, b, c, d) \
	t_sys((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define t_sys5(n, a, b, c, d, e) \
	t_sys((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define t_sys6(n, a, b, c, d, e, f)                                       \
	t_sys((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
	      (long)(f))

/* "name: ok" when cond holds, else "name: FAIL (cond) line N". */
void t_check(const char *name, int cond, const char *expr, int line);
#define CHECK(name, cond) t_check((name), !!(cond), #cond, __LINE__)

/* A libc-style result (-1 and errno on an error): "name: ok" when it is not
 * -1, else "name: got ENAME". */
void t_ok(const char *name, long ret, int line);
#define T_OK(name, expr) t_ok((name), (long)(expr), __LINE__)

/* A libc-style result that must fail with errno want: "name: EWANT", else
 * "name: got X want EWANT". */
void t_err(const char *name, long ret, int want, int line);
#define T_ERR(name, expr, want) t_err((name), (long)(expr), (want), __LINE__)

/* A raw result (t_sys) that must be -want: "name: EWANT", else
 * "name: got X want EWANT" (X is a number when the call succeeded). */
void t_syserr(const char *name, long ret, int want, int line);
#define T_SYSERR(name, expr, want) t_syserr((name), (expr), (want), __LINE__)

/* A raw result that must not be an error: "name: ok" or "name: got ENAME". */
void t_sysok(const char *name, long ret, int line);
#define T_SYSOK(name, expr) t_sysok((name), (expr), __LINE__)

/* Integers that must be equal: "name: VALUE", else "name: got G want W". */
void t_eq(const char *name, long long got, long long want, int line);
#define T_EQ(name, got, want) \
	t_eq((name), (long long)(got), (long long)(want), __LINE__)

/* Modes or O_ flags that must be equal, in octal: "name: 0644", else
 * "name: got 0600 want 0644". */
void t_mode(const char *name, unsigned long got, unsigned long want, int line);
#define T_MODE(name, got, want) \
	t_mode((name), (unsigned long)(got), (unsigned long)(want), __LINE__)

/* Strings that must be equal: "name: VALUE", else "name: got "G" want "W"". */
void t_streq(const char *name, const char *got, const char *want, int line);
#define T_STREQ(name, got, want) t_streq((name), (got), (want), __LINE__)

/* A wait status that must decode to want ("exit 0", "signal SIGKILL"...):
 * "name: WANT", else "name: got G want WANT". */
void t_status_is(const char *name, int status, const char *want, int line);
#define T_STATUS(name, status, want) \
	t_status_is((name), (status), (want), __LINE__)

/* Print a line (a printf format), flushed. */
void t_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fork() with stdout flushed first, so that nothing is printed twice. */
pid_t t_fork(void);
/* wait for pid (wait4, restarted on EINTR); returns its status, or -1 with
 * a FAIL line when the wait fails. */
int t_wait(pid_t pid);
/* Fork, run fn(arg) in the child, exit with its return value; wait for it
 * and return the wait status. */
int t_run(int (*fn)(void *), void *arg);

/* The end of a test program: exit 0 when every check held, else 1. */
_Noreturn void t_done(void);

/* Sleep a number of milliseconds (nanosleep, restarted after EINTR). */
void t_msleep(long ms);
/* Fixed-seed pseudo-random numbers (xorshift64*). */
uint64_t t_rand(uint64_t *state);
/* An anonymous MAP_SHARED region of len bytes (fails the test if none). */
void *t_shared(size_t len);

#endif
