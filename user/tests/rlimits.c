/*
 * rlimits.c - resource limits: getrlimit/setrlimit/prlimit64.
 *   The defaults PID 1 hands down (STACK 8 MiB/unlimited, NOFILE 1024/4096,
 *   CORE 0/unlimited, AS, FSIZE, CPU, DATA unlimited); the raw getrlimit
 *   and prlimit64 agree; lowering and raising the soft limit, soft > hard
 *   (EINVAL), raising the hard limit as non-root (EPERM), an unknown
 *   resource (EINVAL), EFAULT, prlimit64 on a child and on no such pid
 *   (ESRCH). Limits honoured: RLIMIT_NOFILE (dup fails with EMFILE),
 *   RLIMIT_AS (mmap past it ENOMEM, under it fine), RLIMIT_STACK (the
 *   stack stops growing near it), RLIMIT_NPROC for a non-root user (fork
 *   fails with EAGAIN).
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INF RLIM_INFINITY

static void limit_is(const char *name, int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl;
	getrlimit(res, &rl);
	char buf[64];
	snprintf(buf, sizeof(buf), "%s soft", name);
	if (soft == INF)
		T_STREQ(buf, rl.rlim_cur == INF ? "unlimited" : "limited",
			"unlimited");
	else
		T_EQ(buf, rl.rlim_cur, soft);
	snprintf(buf, sizeof(buf), "%s hard", name);
	if (hard == INF)
		T_STREQ(buf, rl.rlim_max == INF ? "unlimited" : "limited",
			"unlimited");
	else
		T_EQ(buf, rl.rlim_max, hard);
}

static int nofile(void *arg)
{
	(void)arg;
	struct rlimit rl = {5, 5};
	T_OK("RLIMIT_NOFILE 5", setrlimit(RLIMIT_NOFILE, &rl));
	T_EQ("  dup gives 3", dup(0), 3);
	T_EQ("  dup gives 4", dup(0), 4);
	T_ERR("  then EMFILE", dup(0), EMFILE);
	T_ERR("  dup2 to fd 5 EBADF", dup2(0, 5), EBADF);
	return t_failures;
}

static int addr_space(void *arg)
{
	(void)arg;
	struct rlimit rl = {256 << 20, 256 << 20};
	T_OK("RLIMIT_AS 256 MiB", setrlimit(RLIMIT_AS, &rl));
	void *p = mmap(NULL, 512 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	T_ERR("  mmap 512 MiB", p == MAP_FAILED ? -1 : 0, ENOMEM);
	p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_OK("  mmap 16 MiB", p == MAP_FAILED ? -1 : 0);
	void *q = mremap(p, 16 << 20, 400 << 20, MREMAP_MAYMOVE);
	T_ERR("  mremap to 400 MiB", q == MAP_FAILED ? -1 : 0, ENOMEM);
	return t_failures;
}

static volatile uintptr_t deepest;
static uintptr_t top;

static void on_overflow(int sig)
{
	(void)sig;
	_exit(top - deepest < (2u << 20) && top - deepest > (512u << 10) ? 0
									 : 1);
}

static volatile int keep_going = 1;

static void dive(void)
{
	volatile char buf[1024];
	buf[0] = 1;
	deepest = (uintptr_t)buf;
	if (keep_going)
		dive();
	buf[1] = 2;
}

static int stack_limit(void *arg)
{
	(void)arg;
	static char alt[64 * 1024];
	struct rlimit rl = {1 << 20, INF};
	setrlimit(RLIMIT_STACK, &rl);
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_overflow;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	char here;
	top = (uintptr_t)&here;
	dive();
	return 2;
}

static int nproc(void *arg)
{
	(void)arg;
	struct rlimit rl = {3, 3};
	setrlimit(RLIMIT_NPROC, &rl);
	setresuid(1000, 1000, 1000);
	pid_t kids[5];
	int n = 0, err = 0;
	for (int i = 0; i < 5; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			pause();
			_exit(0);
		}
		if (kids[i] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	T_EQ("RLIMIT_NPROC 3 as uid 1000: forks that work", n, 2);
	T_STREQ("  then", t_errname(err), "EAGAIN");
	for (int i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		t_wait(kids[i]);
	}
	return t_failures;
}

int main(void)
{
	limit_is("RLIMIT_STACK", RLIMIT_STACK, 8 << 20, INF);
	limit_is("RLIMIT_NOFILE", RLIMIT_NOFILE, 1024, 4096);
	limit_is("RLIMIT_CORE", RLIMIT_CORE, 0, INF);
	limit_is("RLIMIT_AS", RLIMIT_AS, INF, INF);
	limit_is("RLIMIT_FSIZE", RLIMIT_FSIZE, INF, INF);
	limit_is("RLIMIT_CPU", RLIMIT_CPU, INF, INF);
	limit_is("RLIMIT_DATA", RLIMIT_DATA, INF, INF);

	struct rlimit rl, old;
	T_SYSOK("raw getrlimit", t_sys2(SYS_getrlimit, RLIMIT_NOFILE, &rl));
	T_SYSOK("prlimit64 query",
		t_sys4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old));
	T_EQ("  they agree",
	     rl.rlim_cur == old.rlim_cur && rl.rlim_max == old.rlim_max, 1);
	rl.rlim_cur = 100;
	rl.rlim_max = 4096;
	T_OK("setrlimit NOFILE soft 100", setrlimit(RLIMIT_NOFILE, &rl));
	getrlimit(RLIMIT_NOFILE, &rl);
	T_EQ("  reads back", rl.rlim_cur, 100);
	rl.rlim_cur = 5000;
	T_ERR("soft above hard", setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
	rl.rlim_cur = 1024;
	T_OK("back to 1024", setrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = rl.rlim_max = 1 << 30;
	T_ERR("NOFILE above the kernel's maximum",
	      setrlimit(RLIMIT_NOFILE, &rl), EPERM);
	T_SYSERR("getrlimit resource 99", t_sys2(SYS_getrlimit, 99, &rl),
		 EINVAL);
	T_SYSERR("prlimit64 resource 99",
		 t_sys4(SYS_prlimit64, 0, 99, NULL, &rl), EINVAL);
	T_SYSERR("getrlimit at a kernel address",
		 t_sys2(SYS_getrlimit, RLIMIT_CORE, BAD_KERN), EFAULT);
	T_SYSERR("setrlimit at address 1",
		 t_sys2(SYS_setrlimit, RLIMIT_CORE, BAD_ONE), EFAULT);
	T_SYSERR("prlimit64 no such pid",
		 t_sys4(SYS_prlimit64, 0x3fffffff, RLIMIT_CORE, NULL, &rl),
		 ESRCH);

	volatile long *flag = t_shared(4096);
	pid_t pid = t_fork();
	if (pid == 0) {
		while (!*flag)
			t_msleep(1);
		struct rlimit c;
		getrlimit(RLIMIT_CORE, &c);
		_exit(c.rlim_cur == 4096 ? 0 : 1);
	}
	struct rlimit core = {4096, INF};
	T_SYSOK("prlimit64 sets a child's limit",
		t_sys4(SYS_prlimit64, pid, RLIMIT_CORE, &core, &old));
	T_EQ("  old value", old.rlim_cur, 0);
	*flag = 1;
	T_STATUS("  the child sees it", t_wait(pid), "exit 0");

	pid = t_fork();
	if (pid == 0) {
		setresuid(1000, 1000, 1000);
		struct rlimit r;
		getrlimit(RLIMIT_NOFILE, &r);
		r.rlim_cur = 500;
		r.rlim_max = 1000;
		int a = setrlimit(RLIMIT_NOFILE, &r);
		r.rlim_max = 2000;
		int b = setrlimit(RLIMIT_NOFILE, &r);
		_exit(a == 0 && b < 0 && errno == EPERM ? 0 : 1);
	}
	T_STATUS("non-root lowers the hard limit, cannot raise it (EPERM)",
		 t_wait(pid), "exit 0");

	T_STATUS("RLIMIT_NOFILE honoured", t_run(nofile, NULL), "exit 0");
	T_STATUS("RLIMIT_AS honoured", t_run(addr_space, NULL), "exit 0");
	T_STATUS("RLIMIT_STACK 1 MiB: overflow between 512 KiB and 2 MiB",
		 t_run(stack_limit, NULL), "exit 0");
	T_STATUS("RLIMIT_NPROC honoured", t_run(nproc, NULL), "exit 0");
	t_done();
}
