/*
 * fsgsbase.c - the FS and GS bases from user mode.
 *   AT_HWCAP2 has FSGSBASE (bit 1) exactly when CPUID.7:EBX[0] says the
 *   CPU has it (both kernels then let user code use the instructions).
 *   The FS base, set with wrfsbase when allowed (else arch_prctl), reads
 *   back the same through rdfsbase and arch_prctl(ARCH_GET_FS). A GS base
 *   that looks like a kernel address, set with wrgsbase, survives system
 *   calls, a signal and a context switch; without FSGSBASE the same is
 *   checked with the largest base arch_prctl(ARCH_SET_GS) takes. A kernel
 *   address through arch_prctl is EPERM. The output is the same either
 *   way: it says what held, not which way.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <cpuid.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HWCAP2_FSGSBASE (1u << 1)
#define ARCH_SET_GS 0x1001 /* <asm/prctl.h>, which musl-gcc lacks */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static int has_fsgsbase;
static volatile sig_atomic_t got_signal;

/* Raw: libc reads its stack canary through FS, which moves here. */
static long arch_prctl(int code, unsigned long addr)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)SYS_arch_prctl), "D"((long)code), "S"(addr)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long get_base(int code)
{
	unsigned long v = 0;

	arch_prctl(code, (unsigned long)&v);
	return v;
}

static void set_gs(unsigned long v)
{
	if (has_fsgsbase)
		__asm__ volatile("wrgsbase %0" ::"r"(v) : "memory");
	else
		arch_prctl(ARCH_SET_GS, v);
}

static unsigned long read_gs(void)
{
	unsigned long v;

	if (!has_fsgsbase)
		return get_base(ARCH_GET_GS);
	__asm__ volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static void on_usr1(int sig)
{
	(void)sig;
	got_signal = 1;
}

int main(void)
{
	unsigned int a, b, c, d;
	int cpu_has = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & 1);
	unsigned long fs = get_base(ARCH_GET_FS), want, back;

	has_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
	T_EQ("AT_HWCAP2 FSGSBASE matches CPUID.7:EBX[0]",
	     has_fsgsbase == cpu_has, 1);

	/* FS: TLS lives there; put it back before libc needs it. */
	want = fs + 0x1000;
	if (has_fsgsbase)
		__asm__ volatile("wrfsbase %0" ::"r"(want) : "memory");
	else
		arch_prctl(ARCH_SET_FS, want);
	back = get_base(ARCH_GET_FS);
	if (has_fsgsbase) {
		unsigned long r;
		__asm__ volatile("rdfsbase %0" : "=r"(r));
		back = r == back ? back : ~0UL;
	}
	arch_prctl(ARCH_SET_FS, fs);
	T_EQ("FS base set, read back the same", back == want, 1);

	/* GS: a base that looks like a kernel address through syscalls, a
	 * signal and a switch to another process. */
	want = has_fsgsbase ? 0xffff800000001000UL : 0x7ffffffff000UL - 4096;
	signal(SIGUSR1, on_usr1);
	set_gs(want);
	getpid();
	kill(getpid(), SIGUSR1);
	pid_t child = t_fork();
	if (child == 0)
		_exit(0);
	sched_yield();
	back = read_gs();
	set_gs(0);
	T_STATUS("a child meanwhile", t_wait(child), "exit 0");
	T_EQ("the signal came", got_signal, 1);
	T_EQ("GS base kept through syscalls, a signal, a switch", back == want,
	     1);
	T_EQ("arch_prctl(ARCH_SET_GS) with a kernel address: -EPERM",
	     arch_prctl(ARCH_SET_GS, 0xffff800000001000UL) == -EPERM, 1);
	t_done();
}
