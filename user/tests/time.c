/*
 * time.c - clocks, sleeps and POSIX timers.
 *   clock_gettime for REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME, the
 *   COARSE variants, PROCESS/THREAD_CPUTIME_ID: valid, non-decreasing,
 *   BOOTTIME >= MONOTONIC, REALTIME after 2020; clock_getres classes (fine:
 *   at most 1 us; coarse: at least 1 ms); EINVAL for bad clock ids, EFAULT.
 *   gettimeofday and time agree with REALTIME; EFAULT. CPU clocks advance
 *   with work, not with sleep. nanosleep and clock_nanosleep (relative,
 *   TIMER_ABSTIME, in the past) sleep at least as asked; EINVAL for a bad
 *   timespec or an unknown clock, EOPNOTSUPP for the thread CPU clock;
 *   EFAULT. clock_settime
 *   of MONOTONIC is EINVAL, of REALTIME as non-root EPERM. timer_create /
 *   timer_settime / timer_gettime / timer_getoverrun / timer_delete with
 *   SIGEV_SIGNAL (SI_TIMER, si_value), one-shot and periodic, absolute;
 *   EINVAL cases.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int64_t now(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return ns(&t);
}

/* Work until the thread's CPU clock has advanced cpu_ns (or 3 s have
 * passed: a CPU clock that does not move must not hang the test). */
static void burn(int64_t cpu_ns)
{
	int64_t start = now(CLOCK_THREAD_CPUTIME_ID);
	int64_t wall = now(CLOCK_MONOTONIC);
	volatile unsigned long x = 0;
	while (now(CLOCK_THREAD_CPUTIME_ID) - start < cpu_ns &&
	       now(CLOCK_MONOTONIC) - wall < 3000000000LL)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static const struct {
	clockid_t id;
	const char *name;
} clocks[] = {
	{CLOCK_REALTIME, "REALTIME"},
	{CLOCK_MONOTONIC, "MONOTONIC"},
	{CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
	{CLOCK_BOOTTIME, "BOOTTIME"},
	{CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
	{CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
	{CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
	{CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
};

static void clocks_test(void)
{
	char name[80];
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec a, b, r;
		int ok = 1;
		for (int k = 0; k < 100 && ok; k++) {
			ok &= t_sys2(SYS_clock_gettime, clocks[i].id, &a) == 0;
			ok &= t_sys2(SYS_clock_gettime, clocks[i].id, &b) == 0;
			ok &= a.tv_nsec >= 0 && a.tv_nsec < 1000000000 &&
			      ns(&b) >= ns(&a);
		}
		snprintf(name, sizeof(name), "clock_gettime %s non-decreasing",
			 clocks[i].name);
		T_EQ(name, ok, 1);
		t_sys2(SYS_clock_getres, clocks[i].id, &r);
		snprintf(name, sizeof(name), "clock_getres %s", clocks[i].name);
		T_STREQ(name,
			ns(&r) <= 1000	    ? "fine"
			: ns(&r) >= 1000000 ? "coarse"
					    : "between",
			strstr(clocks[i].name, "COARSE") ? "coarse" : "fine");
	}
	int64_t mono = now(CLOCK_MONOTONIC);
	T_EQ("BOOTTIME >= MONOTONIC", now(CLOCK_BOOTTIME) >= mono, 1);
	T_EQ("REALTIME after 2020",
	     now(CLOCK_REALTIME) / 1000000000LL > 1577836800LL, 1);

	struct timespec t;
	T_SYSERR("clock_gettime clock 100", t_sys2(SYS_clock_gettime, 100, &t),
		 EINVAL);
	T_SYSERR("clock_gettime clock 16", t_sys2(SYS_clock_gettime, 16, &t),
		 EINVAL);
	T_SYSERR("clock_gettime at a kernel address",
		 t_sys2(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_KERN), EFAULT);
	T_SYSERR("clock_gettime NULL",
		 t_sys2(SYS_clock_gettime, CLOCK_REALTIME, NULL), EFAULT);
	T_SYSERR("clock_getres clock 100", t_sys2(SYS_clock_getres, 100, &t),
		 EINVAL);
	T_SYSERR("clock_getres NULL is allowed",
		 t_sys2(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0 ? -EDOM
								      : 0,
		 EDOM);
	T_SYSERR("clock_getres at address 1",
		 t_sys2(SYS_clock_getres, CLOCK_MONOTONIC, BAD_ONE), EFAULT);
	t.tv_sec = 0;
	t.tv_nsec = 0;
	T_SYSERR("clock_settime MONOTONIC",
		 t_sys2(SYS_clock_settime, CLOCK_MONOTONIC, &t), EINVAL);
	pid_t pid = t_fork();
	if (pid == 0) {
		setresuid(1000, 1000, 1000);
		clock_gettime(CLOCK_REALTIME, &t);
		_exit(t_sys2(SYS_clock_settime, CLOCK_REALTIME, &t) == -EPERM
			      ? 0
			      : 1);
	}
	T_STATUS("clock_settime REALTIME as non-root is EPERM", t_wait(pid),
		 "exit 0");

	struct timeval tv;
	T_OK("gettimeofday", gettimeofday(&tv, NULL));
	int64_t rt = now(CLOCK_REALTIME);
	int64_t d = rt - ((int64_t)tv.tv_sec * 1000000000LL +
			  (int64_t)tv.tv_usec * 1000);
	T_EQ("  agrees with REALTIME within 1 s", d >= 0 && d < 1000000000LL,
	     1);
	T_EQ("  tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000, 1);
	time_t t1 = 0;
	time_t t0 = (time_t)t_sys1(SYS_time, &t1);
	T_EQ("time() returns and stores the same", t0 == t1, 1);
	T_EQ("  agrees with REALTIME",
	     t0 - (time_t)(now(CLOCK_REALTIME) / 1000000000LL) <= 0 &&
		     t0 - (time_t)(now(CLOCK_REALTIME) / 1000000000LL) > -2,
	     1);
	T_SYSERR("gettimeofday at a kernel address",
		 t_sys2(SYS_gettimeofday, BAD_KERN, NULL), EFAULT);
	T_SYSERR("time at address 1", t_sys1(SYS_time, BAD_ONE), EFAULT);
}

static void cputime(void)
{
	int64_t p0 = now(CLOCK_PROCESS_CPUTIME_ID);
	int64_t t0 = now(CLOCK_THREAD_CPUTIME_ID);
	burn(30000000);
	int64_t p1 = now(CLOCK_PROCESS_CPUTIME_ID);
	int64_t t1 = now(CLOCK_THREAD_CPUTIME_ID);
	T_EQ("thread CPU time advances with work (>= 30 ms)",
	     t1 - t0 >= 30000000, 1);
	T_EQ("process CPU time too", p1 - p0 >= 30000000, 1);
	int64_t m0 = now(CLOCK_MONOTONIC);
	t_msleep(100);
	int64_t m1 = now(CLOCK_MONOTONIC);
	int64_t t2 = now(CLOCK_THREAD_CPUTIME_ID);
	T_EQ("a 100 ms sleep takes >= 100 ms", m1 - m0 >= 100000000, 1);
	T_EQ("  but not 50 ms of CPU time", t2 - t1 < 50000000, 1);
}

static void sleeps(void)
{
	struct timespec req = {0, 20000000}, rem;
	int64_t a = now(CLOCK_MONOTONIC);
	T_OK("nanosleep 20 ms", nanosleep(&req, &rem));
	int64_t b = now(CLOCK_MONOTONIC);
	T_EQ("  slept >= 20 ms and < 2 s",
	     b - a >= 20000000 && b - a < 2000000000LL, 1);
	req.tv_nsec = 1000000000;
	T_SYSERR("nanosleep tv_nsec 1e9", t_sys2(SYS_nanosleep, &req, NULL),
		 EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	T_SYSERR("nanosleep negative", t_sys2(SYS_nanosleep, &req, NULL),
		 EINVAL);
	T_SYSERR("nanosleep at a kernel address",
		 t_sys2(SYS_nanosleep, BAD_KERN, NULL), EFAULT);
	req.tv_sec = 0;
	req.tv_nsec = 0;
	T_SYSOK("nanosleep 0", t_sys2(SYS_nanosleep, &req, NULL));

	req.tv_nsec = 10000000;
	a = now(CLOCK_MONOTONIC);
	T_SYSOK("clock_nanosleep relative 10 ms",
		t_sys4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL));
	b = now(CLOCK_MONOTONIC);
	T_EQ("  slept >= 10 ms", b - a >= 10000000, 1);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	int64_t deadline = ns(&abs) + 20000000;
	abs.tv_sec = deadline / 1000000000LL;
	abs.tv_nsec = deadline % 1000000000LL;
	T_SYSOK("clock_nanosleep TIMER_ABSTIME +20 ms",
		t_sys4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
		       &abs, NULL));
	T_EQ("  woke after the deadline", now(CLOCK_MONOTONIC) >= deadline, 1);
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 10;
	a = now(CLOCK_MONOTONIC);
	T_SYSOK("clock_nanosleep REALTIME deadline in the past",
		t_sys4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &abs,
		       NULL));
	T_EQ("  returns at once (< 1 s)",
	     now(CLOCK_MONOTONIC) - a < 1000000000LL, 1);
	T_SYSERR("clock_nanosleep unknown clock",
		 t_sys4(SYS_clock_nanosleep, 100, 0, &req, NULL), EINVAL);
	T_SYSERR("clock_nanosleep THREAD_CPUTIME_ID",
		 t_sys4(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req,
			NULL),
		 EOPNOTSUPP);
	req.tv_nsec = -1;
	T_SYSERR("clock_nanosleep tv_nsec -1",
		 t_sys4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL),
		 EINVAL);
	T_SYSERR("clock_nanosleep at address 1",
		 t_sys4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_ONE, NULL),
		 EFAULT);
}

static void timers(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 99;
	timer_t tid;
	T_OK("timer_create MONOTONIC",
	     timer_create(CLOCK_MONOTONIC, &sev, &tid));
	struct itimerspec its = {{0, 0}, {0, 20000000}}, cur;
	int64_t a = now(CLOCK_MONOTONIC);
	T_OK("timer_settime 20 ms", timer_settime(tid, 0, &its, NULL));
	T_OK("timer_gettime", timer_gettime(tid, &cur));
	T_EQ("  armed, at most 20 ms",
	     cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		     cur.it_value.tv_nsec <= 20000000,
	     1);
	siginfo_t si;
	T_EQ("the timer's signal", sigwaitinfo(&set, &si), SIGUSR1);
	T_EQ("  after >= 20 ms", now(CLOCK_MONOTONIC) - a >= 20000000, 1);
	T_EQ("  si_code (SI_TIMER)", si.si_code, SI_TIMER);
	T_EQ("  si_value", si.si_value.sival_int, 99);
	T_EQ("timer_getoverrun", timer_getoverrun(tid), 0);

	its.it_interval.tv_nsec = 10000000;
	its.it_value.tv_nsec = 10000000;
	timer_settime(tid, 0, &its, NULL);
	int n = 0;
	for (int i = 0; i < 3; i++)
		n += sigwaitinfo(&set, &si) == SIGUSR1;
	T_EQ("periodic: 3 signals", n, 3);
	memset(&its, 0, sizeof(its));
	timer_settime(tid, 0, &its, &cur);
	T_EQ("  disarmed, old interval 10 ms", cur.it_interval.tv_nsec,
	     10000000);

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	its.it_value = abs;
	T_OK("timer_settime TIMER_ABSTIME",
	     timer_settime(tid, TIMER_ABSTIME, &its, NULL));
	T_EQ("  fires", sigwaitinfo(&set, &si), SIGUSR1);
	T_EQ("  not before the deadline", now(CLOCK_MONOTONIC) >= ns(&abs), 1);

	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1000000000;
	T_ERR("timer_settime tv_nsec 1e9", timer_settime(tid, 0, &its, NULL),
	      EINVAL);
	T_OK("timer_delete", timer_delete(tid));
	long ktid = (long)(intptr_t)tid;
	T_SYSERR("timer_settime on a deleted timer",
		 t_sys4(SYS_timer_settime, ktid, 0, &its, NULL), EINVAL);
	T_SYSERR("timer_delete twice", t_sys1(SYS_timer_delete, ktid), EINVAL);
	T_SYSERR("timer_gettime of no such timer",
		 t_sys2(SYS_timer_gettime, 12345, &cur), EINVAL);
	int k;
	T_SYSERR("timer_create bad clock",
		 t_sys3(SYS_timer_create, 100, &sev, &k), EINVAL);
	sev.sigev_notify = 12345;
	T_SYSERR("timer_create bad sigev_notify",
		 t_sys3(SYS_timer_create, CLOCK_MONOTONIC, &sev, &k), EINVAL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 100;
	T_SYSERR("timer_create bad signal",
		 t_sys3(SYS_timer_create, CLOCK_MONOTONIC, &sev, &k), EINVAL);
	T_SYSERR("timer_create sigevent at a kernel address",
		 t_sys3(SYS_timer_create, CLOCK_MONOTONIC, BAD_KERN, &k),
		 EFAULT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
	clocks_test();
	cputime();
	sleeps();
	timers();
	t_done();
}
