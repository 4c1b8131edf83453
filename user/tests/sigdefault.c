/*
 * sigdefault.c - the default action of every standard signal, seen from
 * the parent through wait4: terminate (SIGHUP, SIGINT, SIGPIPE, SIGALRM,
 * SIGTERM, SIGUSR1/2, SIGSTKFLT, SIGVTALRM, SIGPROF, SIGIO, SIGPWR,
 * real-time signals), terminate with core (SIGQUIT, SIGILL, SIGTRAP,
 * SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS; no core bit
 * with RLIMIT_CORE 0), stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), ignore
 * (SIGCHLD, SIGURG, SIGWINCH, SIGCONT on a running process); SIG_IGN
 * ignores even a terminating signal; SIGKILL and SIGSTOP act although
 * blocked, other blocked signals stay pending; a pending signal is dropped
 * when it becomes ignored.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long *flag;

/* A child that waits for the flag, then exits 0; sig is sent to it once
 * it runs. Returns its first wait status (WUNTRACED). */
static int send_to_child(int sig, int ignore, int block)
{
	flag[0] = 0;
	flag[1] = 0;
	pid_t pid = t_fork();
	if (pid == 0) {
		if (ignore)
			signal(sig, SIG_IGN);
		if (block) {
			sigset_t s;
			sigfillset(&s);
			sigprocmask(SIG_BLOCK, &s, NULL);
		}
		flag[1] = 1;
		while (!flag[0])
			t_msleep(1);
		_exit(0);
	}
	/* A group of its own: ours is orphaned (see wait_status.c), where
	 * SIGTSTP, SIGTTIN and SIGTTOU would not stop it. */
	setpgid(pid, pid);
	while (!flag[1])
		t_msleep(1);
	kill(pid, sig);
	t_msleep(5);
	flag[0] = 1;
	int st;
	waitpid(pid, &st, WUNTRACED);
	if (WIFSTOPPED(st)) {
		kill(pid, SIGCONT);
		t_wait(pid);
	}
	return st;
}

int main(void)
{
	flag = t_shared(4096);
	static const int term[] = {SIGHUP,    SIGINT,  SIGPIPE, SIGALRM,
				   SIGTERM,   SIGUSR1, SIGUSR2, SIGSTKFLT,
				   SIGVTALRM, SIGPROF, SIGIO,	SIGPWR};
	static const int core[] = {SIGQUIT, SIGILL,  SIGTRAP, SIGABRT, SIGBUS,
				   SIGFPE,  SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS};
	static const int stop[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
	static const int ign[] = {SIGCHLD, SIGURG, SIGWINCH, SIGCONT};
	char name[64], want[64];
	for (size_t i = 0; i < sizeof(term) / sizeof(term[0]); i++) {
		snprintf(name, sizeof(name), "%s default", t_signame(term[i]));
		snprintf(want, sizeof(want), "signal %s", t_signame(term[i]));
		T_STATUS(name, send_to_child(term[i], 0, 0), want);
	}
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++) {
		snprintf(name, sizeof(name), "%s default", t_signame(core[i]));
		snprintf(want, sizeof(want), "signal %s", t_signame(core[i]));
		T_STATUS(name, send_to_child(core[i], 0, 0), want);
	}
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
		snprintf(name, sizeof(name), "%s default", t_signame(stop[i]));
		snprintf(want, sizeof(want), "stopped %s", t_signame(stop[i]));
		T_STATUS(name, send_to_child(stop[i], 0, 0), want);
	}
	for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++) {
		snprintf(name, sizeof(name), "%s default", t_signame(ign[i]));
		T_STATUS(name, send_to_child(ign[i], 0, 0), "exit 0");
	}
	T_STATUS("SIGRTMIN default", send_to_child(SIGRTMIN, 0, 0),
		 "signal SIG35");
	T_STATUS("SIGRTMAX default", send_to_child(SIGRTMAX, 0, 0),
		 "signal SIG64");
	T_STATUS("SIGTERM ignored", send_to_child(SIGTERM, 1, 0), "exit 0");
	T_STATUS("SIGSEGV sent, ignored", send_to_child(SIGSEGV, 1, 0),
		 "exit 0");
	T_STATUS("SIGKILL while all blocked", send_to_child(SIGKILL, 0, 1),
		 "signal SIGKILL");
	T_STATUS("SIGSTOP while all blocked", send_to_child(SIGSTOP, 0, 1),
		 "stopped SIGSTOP");
	T_STATUS("SIGTERM while all blocked: stays pending, exits",
		 send_to_child(SIGTERM, 0, 1), "exit 0");

	/* A pending signal that becomes ignored is dropped. */
	pid_t pid = t_fork();
	if (pid == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR1);
		signal(SIGUSR1, SIG_IGN);
		sigset_t p;
		sigpending(&p);
		int dropped = !sigismember(&p, SIGUSR1);
		signal(SIGUSR1, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		_exit(dropped ? 0 : 1);
	}
	T_STATUS("a pending signal set to SIG_IGN is dropped", t_wait(pid),
		 "exit 0");
	t_done();
}
