/*
 * misc.c - uname, sethostname/setdomainname, getrandom, sysinfo, prctl,
 * getrusage, times and unknown system call numbers.
 *   uname: sysname "Linux", machine "x86_64", EFAULT; sethostname then
 *   uname's nodename, EINVAL (65 bytes, negative length), EFAULT, EPERM as
 *   non-root; setdomainname. getrandom: sizes, 0 bytes, GRND_NONBLOCK,
 *   GRND_RANDOM, two calls differ, EINVAL for unknown flags, EFAULT.
 *   sysinfo sanity, EFAULT. prctl: PR_SET_NAME/PR_GET_NAME (truncated to 15
 *   bytes), EFAULT, EINVAL for an unknown option; PR_SET_PDEATHSIG
 *   delivered when the parent dies, PR_GET_PDEATHSIG, reset in a fork
 *   child, EINVAL; PR_GET_DUMPABLE. getrusage/times: CPU time after work,
 *   children's after reaping, EINVAL, EFAULT. System call numbers -1, 400
 *   (a gap in the table), 463, 1000 and 0x40000000|getpid (x32) are
 *   ENOSYS.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 +
	       (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* Work for ms of CPU time (at most 3 s of wall time). */
static void burn_ms(long ms)
{
	struct timespec a, b, wa, wb;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	clock_gettime(CLOCK_MONOTONIC, &wa);
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		clock_gettime(CLOCK_MONOTONIC, &wb);
	} while (ms_between(&a, &b) < ms && ms_between(&wa, &wb) < 3000);
}

static void names(void)
{
	struct utsname u;
	T_OK("uname", uname(&u));
	T_STREQ("  sysname", u.sysname, "Linux");
	T_STREQ("  machine", u.machine, "x86_64");
	T_SYSERR("uname at a kernel address", t_sys1(SYS_uname, BAD_KERN),
		 EFAULT);
	T_OK("sethostname", sethostname("rastos-test", 11));
	uname(&u);
	T_STREQ("  nodename", u.nodename, "rastos-test");
	char h[64];
	T_OK("gethostname", gethostname(h, sizeof(h)));
	T_STREQ("  ", h, "rastos-test");
	char longname[70];
	memset(longname, 'h', sizeof(longname));
	T_SYSERR("sethostname 65 bytes", t_sys2(SYS_sethostname, longname, 65),
		 EINVAL);
	T_SYSERR("sethostname length -1", t_sys2(SYS_sethostname, longname, -1),
		 EINVAL);
	T_SYSERR("sethostname at a kernel address",
		 t_sys2(SYS_sethostname, BAD_KERN, 5), EFAULT);
	T_OK("sethostname 64 bytes", sethostname(longname, 64));
	uname(&u);
	T_EQ("  nodename length", strlen(u.nodename), 64);
	T_OK("setdomainname", setdomainname("example", 7));
	uname(&u);
	T_STREQ("  domainname", u.domainname, "example");
	sethostname("rastos", 6);
	pid_t pid = t_fork();
	if (pid == 0) {
		setresuid(1000, 1000, 1000);
		_exit(t_sys2(SYS_sethostname, "x", 1) == -EPERM ? 0 : 1);
	}
	T_STATUS("sethostname as non-root is EPERM", t_wait(pid), "exit 0");
}

static void randomness(void)
{
	unsigned char a[64], b[64];
	T_EQ("getrandom 64", getrandom(a, 64, 0), 64);
	T_EQ("getrandom 64 again", getrandom(b, 64, 0), 64);
	T_EQ("  the two differ", memcmp(a, b, 64) != 0, 1);
	T_EQ("getrandom 0 bytes", getrandom(a, 0, 0), 0);
	T_EQ("getrandom GRND_NONBLOCK", getrandom(a, 16, GRND_NONBLOCK), 16);
	T_EQ("getrandom GRND_RANDOM", getrandom(a, 16, GRND_RANDOM), 16);
	static unsigned char big[1 << 20];
	T_EQ("getrandom 1 MiB", getrandom(big, sizeof(big), 0), 1 << 20);
	T_SYSERR("getrandom unknown flag", t_sys3(SYS_getrandom, a, 16, 0x80),
		 EINVAL);
	T_SYSERR("getrandom at a kernel address",
		 t_sys3(SYS_getrandom, BAD_KERN, 16, 0), EFAULT);
	T_SYSERR("getrandom NULL", t_sys3(SYS_getrandom, NULL, 16, 0), EFAULT);
}

static void system_info(void)
{
	struct sysinfo si;
	T_OK("sysinfo", sysinfo(&si));
	T_EQ("  totalram > 0", si.totalram > 0, 1);
	T_EQ("  mem_unit >= 1", si.mem_unit >= 1, 1);
	T_EQ("  freeram <= totalram", si.freeram <= si.totalram, 1);
	T_EQ("  at least 2 processes", si.procs >= 2, 1);
	T_EQ("  total RAM between 64 MiB and 64 GiB",
	     (unsigned long long)si.totalram * si.mem_unit >= (64ULL << 20) &&
		     (unsigned long long)si.totalram * si.mem_unit <
			     (64ULL << 30),
	     1);
	T_SYSERR("sysinfo at a kernel address", t_sys1(SYS_sysinfo, BAD_KERN),
		 EFAULT);
}

static volatile long *shared;

static void on_pdeath(int sig)
{
	shared[0] = sig;
}

static void process_control(void)
{
	char name[32] = {0};
	T_OK("PR_SET_NAME", prctl(PR_SET_NAME, "worker-1"));
	T_OK("PR_GET_NAME", prctl(PR_GET_NAME, name));
	T_STREQ("  name", name, "worker-1");
	prctl(PR_SET_NAME, "a-very-long-thread-name");
	prctl(PR_GET_NAME, name);
	T_STREQ("  truncated to 15 bytes", name, "a-very-long-thr");
	T_SYSERR("PR_SET_NAME at a kernel address",
		 t_sys2(SYS_prctl, PR_SET_NAME, BAD_KERN), EFAULT);
	T_SYSERR("PR_GET_NAME at address 1",
		 t_sys2(SYS_prctl, PR_GET_NAME, BAD_ONE), EFAULT);
	T_SYSERR("prctl unknown option", t_sys2(SYS_prctl, 12345, 0), EINVAL);
	T_EQ("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE), 1);
	T_SYSERR("PR_SET_PDEATHSIG 100",
		 t_sys2(SYS_prctl, PR_SET_PDEATHSIG, 100), EINVAL);
	int sig = -1;
	T_OK("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &sig));
	T_EQ("  none", sig, 0);

	shared = t_shared(4096);
	pid_t mid = t_fork();
	if (mid == 0) {
		pid_t c = fork();
		if (c == 0) {
			signal(SIGUSR2, on_pdeath);
			prctl(PR_SET_PDEATHSIG, SIGUSR2);
			int s = 0;
			prctl(PR_GET_PDEATHSIG, &s);
			shared[1] = s;
			pid_t g = fork();
			if (g == 0) {
				int s2 = -1;
				prctl(PR_GET_PDEATHSIG, &s2);
				_exit(s2);
			}
			int st = t_wait(g);
			shared[2] =
				st == 0 ? 1 : 2; /* reset in the fork child */
			shared[3] = 1;		 /* ready */
			for (int i = 0; i < 3000 && shared[0] == 0; i++)
				t_msleep(1);
			_exit(0);
		}
		while (shared[3] == 0)
			t_msleep(1);
		_exit(0);
	}
	t_wait(mid);
	for (int i = 0; i < 3000 && shared[0] == 0; i++)
		t_msleep(1);
	T_EQ("PR_GET_PDEATHSIG after setting SIGUSR2", shared[1], SIGUSR2);
	T_EQ("  not inherited by a fork child", shared[2], 1);
	T_STREQ("  sent when the parent died", t_signame((int)shared[0]),
		"SIGUSR2");
}

static void usage(void)
{
	struct rusage ru;
	burn_ms(50);
	T_OK("getrusage RUSAGE_SELF", getrusage(RUSAGE_SELF, &ru));
	long us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec +
		  ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
	T_EQ("  CPU time after 50 ms of work >= 20 ms", us >= 20000, 1);
	struct tms t0, t1;
	clock_t c0 = times(&t0);
	T_EQ("times returns a count", c0 != (clock_t)-1, 1);
	pid_t pid = t_fork();
	if (pid == 0) {
		burn_ms(100);
		_exit(0);
	}
	t_wait(pid);
	clock_t c1 = times(&t1);
	T_EQ("  it advances", c1 > c0, 1);
	T_EQ("  children's CPU time after reaping (>= 5 ticks)",
	     (t1.tms_cutime + t1.tms_cstime) -
			     (t0.tms_cutime + t0.tms_cstime) >=
		     5,
	     1);
	T_OK("getrusage RUSAGE_CHILDREN", getrusage(RUSAGE_CHILDREN, &ru));
	us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec +
	     ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
	T_EQ("  >= 50 ms", us >= 50000, 1);
	T_OK("getrusage RUSAGE_THREAD", getrusage(RUSAGE_THREAD, &ru));
	T_ERR("getrusage bad who", getrusage(7, &ru), EINVAL);
	T_SYSERR("getrusage at a kernel address",
		 t_sys2(SYS_getrusage, RUSAGE_SELF, BAD_KERN), EFAULT);
	T_SYSERR("times at a kernel address", t_sys1(SYS_times, BAD_KERN),
		 EFAULT);
}

int main(void)
{
	names();
	randomness();
	system_info();
	process_control();
	usage();
	T_SYSERR("syscall -1", t_sys0(-1), ENOSYS);
	T_SYSERR("syscall 400 (unassigned)", t_sys0(400), ENOSYS);
	T_SYSERR("syscall 463", t_sys0(463), ENOSYS);
	T_SYSERR("syscall 1000", t_sys0(1000), ENOSYS);
	T_SYSERR("syscall 0x40000000|getpid (x32)",
		 t_sys0(0x40000000 | SYS_getpid), ENOSYS);
	t_done();
}
