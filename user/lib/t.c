/*
 * t.c - the shared helpers of the user-space tests (see t.h): result
 * printing, errno/signal names, wait status decoding, raw system calls.
 */
#define _GNU_SOURCE
#include "t.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int t_failures;

static const char *const errnames[] = {
	[EPERM] = "EPERM",
	[ENOENT] = "ENOENT",
	[ESRCH] = "ESRCH",
	[EINTR] = "EINTR",
	[EIO] = "EIO",
	[ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",
	[ECHILD] = "ECHILD",
	[EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",
	[EFAULT] = "EFAULT",
	[ENOTBLK] = "ENOTBLK",
	[EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY",
	[ETXTBSY] = "ETXTBSY",
	[EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",
	[EMLINK] = "EMLINK",
	[EPIPE] = "EPIPE",
	[EDOM] = "EDOM",
	[ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOLCK] = "ENOLCK",
	[ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
	[ENOMSG] = "ENOMSG",
	[EIDRM] = "EIDRM",
	[ENODATA] = "ENODATA",
	[ETIME] = "ETIME",
	[EOVERFLOW] = "EOVERFLOW",
	[EBADFD] = "EBADFD",
	[EILSEQ] = "EILSEQ",
	[EUSERS] = "EUSERS",
	[ENOTSOCK] = "ENOTSOCK",
	[EDESTADDRREQ] = "EDESTADDRREQ",
	[EMSGSIZE] = "EMSGSIZE",
	[EPROTOTYPE] = "EPROTOTYPE",
	[ENOPROTOOPT] = "ENOPROTOOPT",
	[EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT",
	[EOPNOTSUPP] = "EOPNOTSUPP",
	[EAFNOSUPPORT] = "EAFNOSUPPORT",
	[EADDRINUSE] = "EADDRINUSE",
	[EADDRNOTAVAIL] = "EADDRNOTAVAIL",
	[ECONNRESET] = "ECONNRESET",
	[ENOBUFS] = "ENOBUFS",
	[EISCONN] = "EISCONN",
	[ENOTCONN] = "ENOTCONN",
	[ETOOMANYREFS] = "ETOOMANYREFS",
	[ECONNREFUSED] = "ECONNREFUSED",
	[ETIMEDOUT] = "ETIMEDOUT",
	[EALREADY] = "EALREADY",
	[EINPROGRESS] = "EINPROGRESS",
	[ESTALE] = "ESTALE",
	[EDQUOT] = "EDQUOT",
	[ECANCELED] = "ECANCELED",
	[EOWNERDEAD] = "EOWNERDEAD",
	[ENOTRECOVERABLE] = "ENOTRECOVERABLE",
	[ERFKILL] = "ERFKILL",
	[EHWPOISON] = "EHWPOISON",
};

const char *t_errname(int err)
{
	static char buf[16];
	if (err > 0 && err < (int)(sizeof(errnames) / sizeof(errnames[0])) &&
	    errnames[err])
		return errnames[err];
	/* e.g. Linux's internal ERESTART* codes, which must never leak. */
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static const char *const signames[] = {
	[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",
	[SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
	[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
	[SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
	[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
	[SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM",
	[SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *t_signame(int sig)
{
	static char buf[16];
	if (sig > 0 && sig < (int)(sizeof(signames) / sizeof(signames[0])) &&
	    signames[sig])
		return signames[sig];
	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

const char *t_status(int st)
{
	static char buf[48];
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %s%s",
			 t_signame(WTERMSIG(st)), WCOREDUMP(st) ? " core" : "");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped %s",
			 t_signame(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof(buf), "continued");
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

long t_sys(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

void t_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void t_check(const char *name, int cond, const char *expr, int line)
{
	if (cond) {
		t_say("%s: ok", name);
	} else {
		t_failures++;
		t_say("%s: FAIL (%s) line %d", name, expr, line);
	}
}

void t_ok(const char *name, long ret, int line)
{
	if (ret != -1) {
		t_say("%s: ok", name);
	} else {
		t_failures++;
		t_say("%s: got %s line %d", name, t_errname(errno), line);
	}
}

void t_err(const char *name, long ret, int want, int line)
{
	int err = errno;
	if (ret == -1 && err == want) {
		t_say("%s: %s", name, t_errname(want));
		return;
	}
	t_failures++;
	if (ret == -1)
		t_say("%s: got %s want %s line %d", name, t_errname(err),
		      t_errname(want), line);
	else
		t_say("%s: got %ld want %s line %d", name, ret, t_errname(want),
		      line);
}

void t_syserr(const char *name, long ret, int want, int line)
{
	if (ret == -want) {
		t_say("%s: %s", name, t_errname(want));
		return;
	}
	t_failures++;
	if (ret < 0 && ret > -4096)
		t_say("%s: got %s want %s line %d", name, t_errname((int)-ret),
		      t_errname(want), line);
	else
		t_say("%s: got %ld want %s line %d", name, ret, t_errname(want),
		      line);
}

void t_sysok(const char *name, long ret, int line)
{
	if (ret >= 0 || ret <= -4096) {
		t_say("%s: ok", name);
	} else {
		t_failures++;
		t_say("%s: got %s line %d", name, t_errname((int)-ret), line);
	}
}

void t_eq(const char *name, long long got, long long want, int line)
{
	if (got == want) {
		t_say("%s: %lld", name, got);
	} else {
		t_failures++;
		t_say("%s: got %lld want %lld line %d", name, got, want, line);
	}
}

void t_mode(const char *name, unsigned long got, unsigned long want, int line)
{
	if (got == want) {
		t_say("%s: 0%lo", name, got);
	} else {
		t_failures++;
		t_say("%s: got 0%lo want 0%lo line %d", name, got, want, line);
	}
}

void t_streq(const char *name, const char *got, const char *want, int line)
{
	if (got && strcmp(got, want) == 0) {
		t_say("%s: %s", name, got);
	} else {
		t_failures++;
		t_say("%s: got \"%s\" want \"%s\" line %d", name,
		      got ? got : "(null)", want, line);
	}
}

void t_status_is(const char *name, int status, const char *want, int line)
{
	t_streq(name, t_status(status), want, line);
}

pid_t t_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

int t_wait(pid_t pid)
{
	int st = 0;
	pid_t r;
	do {
		r = waitpid(pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	if (r != pid) {
		t_failures++;
		t_say("wait: got %s", r < 0 ? t_errname(errno) : "other pid");
		return -1;
	}
	return st;
}

int t_run(int (*fn)(void *), void *arg)
{
	pid_t pid = t_fork();
	if (pid < 0) {
		t_failures++;
		t_say("fork: got %s", t_errname(errno));
		return -1;
	}
	if (pid == 0) {
		t_failures = 0; /* the child's own count */
		int r = fn(arg);
		fflush(stdout);
		_exit(r);
	}
	return t_wait(pid);
}

_Noreturn void t_done(void)
{
	fflush(stdout);
	exit(t_failures ? 1 : 0);
}

void t_msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

uint64_t t_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void *t_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		t_say("t_shared: mmap got %s", t_errname(errno));
		exit(2);
	}
	return p;
}
