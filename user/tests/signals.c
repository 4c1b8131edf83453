/*
 * signals.c - signal handling (built both static and static-PIE).
 *   rt_sigaction: old actions, SA_SIGINFO siginfo fields for kill (SI_USER),
 *   sigqueue (SI_QUEUE, si_value), tgkill (SI_TKILL); SA_RESETHAND,
 *   SA_NODEFER, sa_mask; EINVAL for SIGKILL/SIGSTOP, signal 0 and 65, a
 *   bad sigsetsize; EFAULT. rt_sigprocmask: blocking, pending, SIGKILL and
 *   SIGSTOP unblockable, EINVAL. Delivery order (all frames are set up
 *   at once, lowest signal first, so handlers run highest first),
 *   standard signals merged, real-time ones queued. sigsuspend, sigtimedwait (EAGAIN on timeout,
 *   EINVAL), rt_sigqueueinfo EPERM with a forged si_code. sigaltstack
 *   (handler on it, SS_ONSTACK, EPERM while on it, ENOMEM, EINVAL).
 *   kill/tkill/tgkill: signal 0, ESRCH, EINVAL, a process group, pid -1.
 *   alarm, setitimer/getitimer ITIMER_REAL (one-shot, periodic, EINVAL,
 *   EFAULT), pause. SA_RESTART restarts wait4, without it EINTR; nanosleep
 *   is EINTR either way. SIGCHLD with CLD_EXITED/CLD_STOPPED, SA_NOCLDSTOP,
 *   SIGCHLD ignored reaps children. Registers (SSE included) survive a
 *   handler; the handler can change the context it returns to.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define NO_SUCH_PID 0x3fffffff

static volatile int got_sig, got_code, got_value, got_count;
static volatile pid_t got_pid;
static volatile uid_t got_uid;
static volatile int order[16], norder;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
	got_value = si->si_value.sival_int;
	got_count++;
	if (norder < 16)
		order[norder++] = sig;
}

static void plain_handler(int sig)
{
	got_count++;
	if (norder < 16)
		order[norder++] = sig;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void set_info_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static void actions(void)
{
	struct sigaction sa, old;
	set_info_handler(SIGUSR1, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain_handler;
	sigaction(SIGUSR1, &sa, &old);
	T_EQ("old action returned", old.sa_sigaction == info_handler, 1);
	T_EQ("  with SA_SIGINFO", (old.sa_flags & SA_SIGINFO) != 0, 1);

	set_info_handler(SIGUSR1, 0);
	got_count = 0;
	kill(getpid(), SIGUSR1);
	T_EQ("kill: delivered once", got_count, 1);
	T_EQ("  si_signo", got_sig, SIGUSR1);
	T_EQ("  si_code (SI_USER)", got_code, SI_USER);
	T_EQ("  si_pid is ours", got_pid == getpid(), 1);
	T_EQ("  si_uid", got_uid, 0);
	union sigval v = {.sival_int = 4242};
	sigqueue(getpid(), SIGUSR1, v);
	T_EQ("sigqueue: si_code (SI_QUEUE)", got_code, SI_QUEUE);
	T_EQ("  si_value", got_value, 4242);
	t_sys3(SYS_tgkill, getpid(), t_sys0(SYS_gettid), SIGUSR1);
	T_EQ("tgkill: si_code (SI_TKILL)", got_code, SI_TKILL);
	t_sys2(SYS_tkill, t_sys0(SYS_gettid), SIGUSR1);
	T_EQ("tkill: si_code (SI_TKILL)", got_code, SI_TKILL);
	T_EQ("  four deliveries", got_count, 4);

	/* SA_RESETHAND: the second one kills, so look at the action. */
	set_handler(SIGUSR2, plain_handler, SA_RESETHAND);
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &old);
	T_EQ("SA_RESETHAND: default after one delivery",
	     old.sa_handler == SIG_DFL, 1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	T_ERR("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, NULL), EINVAL);
	T_ERR("sigaction(SIGSTOP)", sigaction(SIGSTOP, &sa, NULL), EINVAL);
	T_OK("sigaction(SIGKILL) query only", sigaction(SIGKILL, NULL, &old));
	T_SYSERR("rt_sigaction(0)", t_sys4(SYS_rt_sigaction, 0, &sa, NULL, 8),
		 EINVAL);
	T_SYSERR("rt_sigaction(65)", t_sys4(SYS_rt_sigaction, 65, &sa, NULL, 8),
		 EINVAL);
	T_SYSERR("rt_sigaction sigsetsize 4",
		 t_sys4(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL);
	T_SYSERR("rt_sigaction act at a kernel address",
		 t_sys4(SYS_rt_sigaction, SIGUSR1, BAD_KERN, NULL, 8), EFAULT);
	T_SYSERR("rt_sigaction oldact at address 1",
		 t_sys4(SYS_rt_sigaction, SIGUSR1, NULL, BAD_ONE, 8), EFAULT);
}

static volatile int nested_blocked, extra_blocked;

static void nodefer_handler(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	nested_blocked = sigismember(&cur, sig);
	extra_blocked = sigismember(&cur, SIGHUP);
}

static void masks(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nodefer_handler;
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	T_EQ("in a handler its signal is blocked", nested_blocked, 1);
	T_EQ("  and sa_mask", extra_blocked, 1);
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	T_EQ("SA_NODEFER: not blocked", nested_blocked, 0);
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	T_EQ("mask restored after the handler", sigismember(&cur, SIGHUP), 0);

	/* Blocked signals stay pending. */
	set_handler(SIGUSR1, plain_handler, 0);
	set_handler(SIGUSR2, plain_handler, 0);
	set_handler(SIGRTMIN, plain_handler, 0);
	sigset_t all, pend;
	sigemptyset(&all);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGUSR2);
	sigaddset(&all, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &all, NULL);
	got_count = 0;
	norder = 0;
	for (int i = 0; i < 3; i++) {
		kill(getpid(), SIGRTMIN);
		kill(getpid(), SIGUSR2);
		kill(getpid(), SIGUSR1);
	}
	T_EQ("blocked: nothing delivered", got_count, 0);
	sigpending(&pend);
	T_EQ("sigpending shows them",
	     sigismember(&pend, SIGUSR1) + sigismember(&pend, SIGUSR2) +
		     sigismember(&pend, SIGRTMIN),
	     3);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	T_EQ("unblocked: standard ones merged, real-time queued", got_count, 5);
	char seq[80] = "";
	for (int i = 0; i < norder && i < 5; i++)
		snprintf(seq + strlen(seq), sizeof(seq) - strlen(seq), "%s%s",
			 i ? " " : "",
			 order[i] == SIGRTMIN ? "SIGRTMIN"
					      : t_signame(order[i]));
	/* Linux sets up a frame for every deliverable signal before
	 * returning to user space, lowest number first: the handlers then
	 * run in the reverse order. */
	T_STREQ("  handlers ran in order", seq,
		"SIGRTMIN SIGRTMIN SIGRTMIN SIGUSR2 SIGUSR1");

	/* SIGKILL and SIGSTOP cannot be blocked. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	T_EQ("SIGKILL and SIGSTOP not blockable",
	     sigismember(&cur, SIGKILL) + sigismember(&cur, SIGSTOP), 0);
	T_EQ("  the others are", sigismember(&cur, SIGTERM), 1);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	T_SYSERR("rt_sigprocmask bad how",
		 t_sys4(SYS_rt_sigprocmask, 7, &all, NULL, 8), EINVAL);
	T_SYSERR("rt_sigprocmask sigsetsize 16",
		 t_sys4(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 16), EINVAL);
	T_SYSERR("rt_sigprocmask set at a kernel address",
		 t_sys4(SYS_rt_sigprocmask, SIG_BLOCK, BAD_KERN, NULL, 8),
		 EFAULT);
	T_SYSERR("rt_sigpending at address 1",
		 t_sys2(SYS_rt_sigpending, BAD_ONE, 8), EFAULT);
}

static void waiting(void)
{
	sigset_t set, empty;
	sigemptyset(&set);
	sigemptyset(&empty);
	sigaddset(&set, SIGUSR1);
	set_handler(SIGUSR1, plain_handler, 0);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* sigsuspend: a child sends SIGUSR1 once we are waiting. */
	pid_t parent = getpid();
	pid_t pid = t_fork();
	if (pid == 0) {
		t_msleep(30);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got_count = 0;
	T_ERR("sigsuspend returns EINTR", sigsuspend(&empty), EINTR);
	T_EQ("  after the handler ran", got_count, 1);
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	T_EQ("  old mask back", sigismember(&cur, SIGUSR1), 1);
	t_wait(pid);

	/* sigtimedwait. */
	struct timespec ts = {0, 10 * 1000 * 1000};
	siginfo_t si;
	T_ERR("sigtimedwait times out", sigtimedwait(&set, &si, &ts), EAGAIN);
	union sigval v = {.sival_int = 77};
	sigqueue(getpid(), SIGUSR1, v);
	T_EQ("sigtimedwait takes a pending one", sigtimedwait(&set, &si, &ts),
	     SIGUSR1);
	T_EQ("  si_value", si.si_value.sival_int, 77);
	T_EQ("  si_code", si.si_code, SI_QUEUE);
	struct timespec bad = {0, 2000000000L};
	T_ERR("sigtimedwait bad timeout", sigtimedwait(&set, &si, &bad),
	      EINVAL);
	T_SYSERR("rt_sigtimedwait set at a kernel address",
		 t_sys4(SYS_rt_sigtimedwait, BAD_KERN, &si, &ts, 8), EFAULT);
	raise(SIGUSR1);
	T_EQ("sigwaitinfo", sigwaitinfo(&set, &si), SIGUSR1);
	T_EQ("  si_code (SI_TKILL from raise)", si.si_code, SI_TKILL);

	/* rt_sigqueueinfo: a forged si_code >= 0 to another process. */
	pid = t_fork();
	if (pid == 0) {
		sigwaitinfo(&set, &si);
		_exit(si.si_code == SI_QUEUE ? 0 : 1);
	}
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	T_SYSERR("rt_sigqueueinfo with si_code SI_USER",
		 t_sys3(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	si.si_code = SI_KERNEL;
	T_SYSERR("rt_sigqueueinfo with si_code SI_KERNEL",
		 t_sys3(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	T_SYSERR("rt_sigqueueinfo info at a kernel address",
		 t_sys3(SYS_rt_sigqueueinfo, pid, SIGUSR1, BAD_KERN), EFAULT);
	v.sival_int = 1;
	T_OK("sigqueue to the child", sigqueue(pid, SIGUSR1, v));
	T_STATUS("  it got SI_QUEUE", t_wait(pid), "exit 0");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static char altstack[64 * 1024];
static volatile int on_alt, alt_flags, alt_eperm;

static void alt_handler(int sig)
{
	char here;
	stack_t ss, nss;
	(void)sig;
	on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
	sigaltstack(NULL, &ss);
	alt_flags = ss.ss_flags;
	nss.ss_sp = altstack;
	nss.ss_size = sizeof(altstack);
	nss.ss_flags = 0;
	alt_eperm = sigaltstack(&nss, NULL) < 0 && errno == EPERM;
}

static void altstacks(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	stack_t old;
	T_OK("sigaltstack", sigaltstack(&ss, &old));
	T_EQ("  none before (SS_DISABLE)", old.ss_flags, SS_DISABLE);
	set_handler(SIGUSR2, alt_handler, SA_ONSTACK);
	raise(SIGUSR2);
	T_EQ("handler runs on the alternate stack", on_alt, 1);
	T_EQ("  sigaltstack says SS_ONSTACK", alt_flags, SS_ONSTACK);
	T_EQ("  changing it there is EPERM", alt_eperm, 1);
	sigaltstack(NULL, &old);
	T_EQ("after the handler: flags 0", old.ss_flags, 0);
	set_handler(SIGUSR2, alt_handler, 0);
	raise(SIGUSR2);
	T_EQ("without SA_ONSTACK: normal stack", on_alt, 0);
	/* Raw calls: musl checks the size itself. */
	ss.ss_size = 1024;
	T_SYSERR("sigaltstack too small", t_sys2(SYS_sigaltstack, &ss, NULL),
		 ENOMEM);
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0x1234;
	T_SYSERR("sigaltstack bad flags", t_sys2(SYS_sigaltstack, &ss, NULL),
		 EINVAL);
	T_SYSERR("sigaltstack at a kernel address",
		 t_sys2(SYS_sigaltstack, BAD_KERN, NULL), EFAULT);
	ss.ss_flags = SS_DISABLE;
	T_OK("SS_DISABLE", sigaltstack(&ss, NULL));
	set_handler(SIGUSR2, SIG_DFL, 0);
}

static void killing(void)
{
	T_OK("kill(self, 0)", kill(getpid(), 0));
	T_ERR("kill(no such pid, 0)", kill(NO_SUCH_PID, 0), ESRCH);
	T_ERR("kill(self, 65)", kill(getpid(), 65), EINVAL);
	T_ERR("kill(self, -1)", kill(getpid(), -1), EINVAL);
	T_ERR("kill(-(no such group), 0)", kill(-NO_SUCH_PID, 0), ESRCH);
	T_ERR("kill(INT_MIN, 0)", kill(-2147483647 - 1, 0), ESRCH);
	T_SYSERR("tkill(0, 0)", t_sys2(SYS_tkill, 0, 0), EINVAL);
	T_SYSERR("tkill(no such tid)", t_sys2(SYS_tkill, NO_SUCH_PID, 0),
		 ESRCH);
	T_SYSERR("tgkill(0, tid, 0)",
		 t_sys3(SYS_tgkill, 0, t_sys0(SYS_gettid), 0), EINVAL);
	T_SYSERR("tgkill(wrong tgid, tid, 0)",
		 t_sys3(SYS_tgkill, NO_SUCH_PID, t_sys0(SYS_gettid), 0), ESRCH);
	T_SYSERR("tgkill(pid, tid, 65)",
		 t_sys3(SYS_tgkill, getpid(), t_sys0(SYS_gettid), 65), EINVAL);

	/* A process group of three children, each waiting for SIGUSR1. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = t_fork();
		if (kids[i] == 0) {
			siginfo_t si;
			int s = sigwaitinfo(&set, &si);
			_exit(s == SIGUSR1 ? 0 : 1);
		}
		setpgid(kids[i], kids[0]);
	}
	T_OK("kill(-group, SIGUSR1)", kill(-kids[0], SIGUSR1));
	for (int i = 0; i < 3; i++)
		T_STATUS("  member got it", t_wait(kids[i]), "exit 0");

	/* kill(-1): everyone we may signal but init and ourselves. */
	for (int i = 0; i < 2; i++) {
		kids[i] = t_fork();
		if (kids[i] == 0) {
			siginfo_t si;
			int s = sigwaitinfo(&set, &si);
			_exit(s == SIGUSR1 ? 0 : 1);
		}
	}
	t_msleep(10);
	T_OK("kill(-1, SIGUSR1)", kill(-1, SIGUSR1));
	for (int i = 0; i < 2; i++)
		T_STATUS("  child got it", t_wait(kids[i]), "exit 0");
	sigpending(&set);
	T_EQ("  not sent to ourselves", sigismember(&set, SIGUSR1), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void timers(void)
{
	set_handler(SIGALRM, on_alarm, 0);
	T_EQ("alarm(5) with none set", alarm(5), 0);
	T_EQ("alarm(0) returns the 5 s left", alarm(0), 5);
	alarms = 0;
	alarm(1);
	T_ERR("pause until the alarm", pause(), EINTR);
	T_EQ("  SIGALRM delivered", alarms, 1);

	struct itimerval it = {{0, 0}, {0, 50000}}, cur;
	T_OK("setitimer 50 ms", setitimer(ITIMER_REAL, &it, NULL));
	T_OK("getitimer", getitimer(ITIMER_REAL, &cur));
	T_EQ("  armed, at most 50 ms",
	     cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
		     cur.it_value.tv_usec <= 50000,
	     1);
	alarms = 0;
	while (alarms == 0)
		pause();
	getitimer(ITIMER_REAL, &cur);
	T_EQ("  fired once, now disarmed",
	     alarms * 10 + (cur.it_value.tv_sec || cur.it_value.tv_usec), 10);
	it.it_interval.tv_usec = 20000;
	it.it_value.tv_usec = 20000;
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 3)
		pause();
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, &cur);
	T_EQ("periodic timer fired 3 times, interval kept",
	     cur.it_interval.tv_usec, 20000);
	it.it_value.tv_usec = 2000000;
	T_ERR("setitimer tv_usec 2000000", setitimer(ITIMER_REAL, &it, NULL),
	      EINVAL);
	it.it_value.tv_usec = 0;
	T_ERR("setitimer bad which", setitimer(7, &it, NULL), EINVAL);
	T_SYSERR("setitimer at a kernel address",
		 t_sys3(SYS_setitimer, ITIMER_REAL, BAD_KERN, NULL), EFAULT);
	T_SYSERR("getitimer NULL", t_sys2(SYS_getitimer, ITIMER_REAL, NULL),
		 EFAULT);
}

static void restarts(void)
{
	struct itimerval it = {{0, 0}, {0, 30000}};
	int st;
	/* wait4 for a child that runs longer than the timer. */
	for (int restart = 1; restart >= 0; restart--) {
		set_handler(SIGALRM, on_alarm, restart ? SA_RESTART : 0);
		pid_t pid = t_fork();
		if (pid == 0) {
			t_msleep(150);
			_exit(4);
		}
		alarms = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		pid_t r = waitpid(pid, &st, 0);
		if (restart) {
			T_EQ("SA_RESTART: wait4 restarted, returns the child",
			     r == pid && alarms == 1, 1);
		} else {
			T_ERR("no SA_RESTART: wait4 EINTR", r, EINTR);
			t_wait(pid);
		}
	}
	set_handler(SIGALRM, on_alarm, SA_RESTART);
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec ts = {1, 0};
	T_ERR("SA_RESTART: nanosleep still EINTR", nanosleep(&ts, &ts), EINTR);
	T_EQ("  remaining time reported", ts.tv_sec == 0 && ts.tv_nsec > 0, 1);
	set_handler(SIGALRM, SIG_DFL, 0);
}

static void sigchld(void)
{
	set_info_handler(SIGCHLD, 0);
	got_count = 0;
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(3);
	while (got_count == 0)
		t_msleep(1);
	T_EQ("SIGCHLD on exit: si_code CLD_EXITED", got_code, CLD_EXITED);
	T_EQ("  si_pid", got_pid == pid, 1);
	T_EQ("  si_signo", got_sig, SIGCHLD);
	t_wait(pid);

	volatile long *flag = t_shared(4096);
	got_count = 0; /* before the fork: the child may stop at once */
	pid = t_fork();
	if (pid == 0) {
		raise(SIGSTOP);
		while (!*flag)
			t_msleep(1);
		_exit(0);
	}
	while (got_count == 0)
		t_msleep(1);
	T_EQ("SIGCHLD on stop: si_code CLD_STOPPED", got_code, CLD_STOPPED);
	int st;
	waitpid(pid, &st, WUNTRACED);
	got_count = 0;
	kill(pid, SIGCONT);
	while (got_count == 0)
		t_msleep(1);
	T_EQ("SIGCHLD on continue: si_code CLD_CONTINUED", got_code,
	     CLD_CONTINUED);
	*flag = 1;
	t_wait(pid);

	set_info_handler(SIGCHLD, SA_NOCLDSTOP);
	pid = t_fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(pid, &st, WUNTRACED);
	got_count = 0;
	kill(pid, SIGKILL);
	t_wait(pid);
	T_EQ("SA_NOCLDSTOP: only the death, CLD_KILLED",
	     got_count * 100 + got_code, 100 + CLD_KILLED);

	set_handler(SIGCHLD, SIG_IGN, 0);
	pid = t_fork();
	if (pid == 0)
		_exit(0);
	T_ERR("SIGCHLD ignored: children reaped by the kernel",
	      waitpid(pid, &st, 0), ECHILD);
	set_handler(SIGCHLD, SIG_DFL, 0);
}

/* Registers across a handler: xmm0 and rbx hold values while a signal is
 * taken; the handler clobbers them. */
static void clobber_handler(int sig)
{
	(void)sig;
	__asm__ volatile("pxor %%xmm0, %%xmm0\n\tmov $0, %%rbx" ::
				 : "xmm0", "rbx");
}

static volatile long skip_to;

static void redirect_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = skip_to;
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
}

extern char after_kill[];

/* Not inlined: its asm defines a label. */
__attribute__((noinline)) static void registers(void)
{
	set_handler(SIGUSR1, clobber_handler, 0);
	double in = 2.5, out = 0;
	long rbx_out = 0;
	long pid = getpid();
	__asm__ volatile("movsd %[in], %%xmm0\n\t"
			 "mov $0x1234567, %%rbx\n\t"
			 "mov %[nr], %%eax\n\t"
			 "mov %[pid], %%rdi\n\t"
			 "mov %[sig], %%esi\n\t"
			 "syscall\n\t"
			 "movsd %%xmm0, %[out]\n\t"
			 "mov %%rbx, %[rbx]"
			 : [out] "=m"(out), [rbx] "=r"(rbx_out)
			 : [in] "m"(in), [nr] "i"(SYS_kill), [pid] "r"(pid),
			   [sig] "i"(SIGUSR1)
			 : "rax", "rdi", "rsi", "rcx", "r11", "rbx", "xmm0",
			   "memory");
	T_EQ("xmm0 survives a handler", out == 2.5, 1);
	T_EQ("rbx survives a handler", rbx_out, 0x1234567);

	/* The handler rewrites rip and rax of the interrupted context. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = redirect_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	long rax;
	__asm__ volatile(
		"lea after_kill(%%rip), %%rax\n\t"
		"mov %%rax, %[skip]\n\t"
		"mov %[nr], %%eax\n\t"
		"mov %[pid], %%rdi\n\t"
		"mov %[sig], %%esi\n\t"
		"syscall\n\t"
		"mov $999, %%rax\n\t"
		"after_kill:\n\t"
		: "=a"(rax), [skip] "=m"(skip_to)
		: [nr] "i"(SYS_kill), [pid] "r"(pid), [sig] "i"(SIGUSR1)
		: "rdi", "rsi", "rcx", "r11", "memory");
	T_EQ("a handler's context changes take effect", rax, 1234);
	set_handler(SIGUSR1, SIG_DFL, 0);
}

int main(void)
{
	actions();
	masks();
	waiting();
	altstacks();
	killing();
	timers();
	restarts();
	sigchld();
	registers();
	t_done();
}
