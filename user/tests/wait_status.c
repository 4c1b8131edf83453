/*
 * wait_status.c - the Linux wait status encoding seen through wait4/waitid.
 *   Death by signal (SIGKILL, SIGTERM, SIGSEGV from a fault, SIGABRT from
 *   abort(), SIGQUIT; no core bit with the default RLIMIT_CORE of 0),
 *   stops and continues: WUNTRACED with SIGSTOP/SIGTSTP, WCONTINUED after
 *   SIGCONT, a stopped child killed; SIGTSTP discarded in an orphaned
 *   process group, stopping in a child's own group; waitid
 *   WSTOPPED/WCONTINUED with
 *   CLD_STOPPED/CLD_CONTINUED/CLD_KILLED; a stop not reported without
 *   WUNTRACED; WNOHANG with nothing to report.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int raise_sig(void *arg)
{
	raise((int)(long)arg);
	return 100;
}

static int segv(void *arg)
{
	(void)arg;
	*(volatile int *)BAD_NULL = 1;
	return 100;
}

static int do_abort(void *arg)
{
	(void)arg;
	abort();
}

/* A child that waits to be told to exit. */
static pid_t spawn_waiting(volatile long *flag)
{
	*flag = 0;
	pid_t pid = t_fork();
	if (pid == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(9);
	}
	return pid;
}

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_CORE, &rl);
	T_EQ("RLIMIT_CORE soft limit", rl.rlim_cur, 0);

	T_STATUS("raise(SIGKILL)", t_run(raise_sig, (void *)SIGKILL),
		 "signal SIGKILL");
	T_STATUS("raise(SIGTERM)", t_run(raise_sig, (void *)SIGTERM),
		 "signal SIGTERM");
	T_STATUS("raise(SIGQUIT)", t_run(raise_sig, (void *)SIGQUIT),
		 "signal SIGQUIT");
	T_STATUS("raise(SIGUSR1)", t_run(raise_sig, (void *)SIGUSR1),
		 "signal SIGUSR1");
	T_STATUS("NULL write", t_run(segv, NULL), "signal SIGSEGV");
	T_STATUS("abort()", t_run(do_abort, NULL), "signal SIGABRT");

	volatile long *flag = t_shared(4096);
	int st;
	siginfo_t si;

	/* SIGSTOP / SIGCONT through wait4. */
	pid_t pid = spawn_waiting(flag);
	T_OK("kill SIGSTOP", kill(pid, SIGSTOP));
	T_EQ("WUNTRACED returns the pid", waitpid(pid, &st, WUNTRACED) == pid,
	     1);
	T_STATUS("  status", st, "stopped SIGSTOP");
	T_EQ("  WIFSTOPPED", WIFSTOPPED(st), 1);
	T_EQ("the stop is reported once (WNOHANG)",
	     waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	T_OK("kill SIGCONT", kill(pid, SIGCONT));
	T_EQ("WCONTINUED returns the pid", waitpid(pid, &st, WCONTINUED) == pid,
	     1);
	T_STATUS("  status", st, "continued");
	T_EQ("  raw status is 0xffff", st, 0xffff);
	*flag = 1;
	T_STATUS("then exits", t_wait(pid), "exit 9");

	/* A stop is not reported without WUNTRACED; SIGKILL ends it. */
	pid = spawn_waiting(flag);
	kill(pid, SIGSTOP);
	t_msleep(20);
	T_EQ("a stop without WUNTRACED (WNOHANG)", waitpid(pid, &st, WNOHANG),
	     0);
	T_OK("waitid WSTOPPED", waitid(P_PID, pid, &si, WSTOPPED));
	T_EQ("  si_code (CLD_STOPPED)", si.si_code, CLD_STOPPED);
	T_EQ("  si_status", si.si_status, SIGSTOP);
	kill(pid, SIGKILL);
	T_OK("waitid WEXITED after SIGKILL", waitid(P_PID, pid, &si, WEXITED));
	T_EQ("  si_code (CLD_KILLED)", si.si_code, CLD_KILLED);
	T_EQ("  si_status", si.si_status, SIGKILL);

	/* Our group is orphaned: its members' parents outside it are only
	 * init (the runner). SIGTSTP's stop is then discarded. */
	pid = spawn_waiting(flag);
	kill(pid, SIGTSTP);
	t_msleep(30);
	T_EQ("SIGTSTP in an orphaned group is discarded",
	     waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	*flag = 1;
	T_STATUS("  the child runs on", t_wait(pid), "exit 9");

	/* In a group of its own, with us as its parent, it stops. */
	pid = spawn_waiting(flag);
	setpgid(pid, pid);
	kill(pid, SIGTSTP);
	T_EQ("SIGTSTP: WUNTRACED returns the pid",
	     waitpid(pid, &st, WUNTRACED) == pid, 1);
	T_STATUS("  status", st, "stopped SIGTSTP");
	kill(pid, SIGCONT);
	T_OK("waitid WCONTINUED", waitid(P_PID, pid, &si, WCONTINUED));
	T_EQ("  si_code (CLD_CONTINUED)", si.si_code, CLD_CONTINUED);
	T_EQ("  si_status", si.si_status, SIGCONT);
	*flag = 1;
	T_OK("waitid WEXITED", waitid(P_PID, pid, &si, WEXITED));
	T_EQ("  si_code (CLD_EXITED)", si.si_code, CLD_EXITED);
	T_EQ("  si_status", si.si_status, 9);

	/* A core-dumping signal from a fault reported by waitid. */
	pid = t_fork();
	if (pid == 0)
		segv(NULL);
	T_OK("waitid after a SIGSEGV", waitid(P_PID, pid, &si, WEXITED));
	T_EQ("  si_code (CLD_KILLED, no dump)", si.si_code, CLD_KILLED);
	T_EQ("  si_status", si.si_status, SIGSEGV);

	T_ERR("nothing left", waitpid(-1, &st, WNOHANG), ECHILD);
	t_done();
}
