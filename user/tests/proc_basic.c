/*
 * proc_basic.c - process identity, fork, exit and wait4/waitid basics.
 *   getpid/getppid/gettid (raw and libc agree, a child sees its parent),
 *   exit codes through wait4 (0, 1, 255, 256 -> 0, exit(-1) -> 255),
 *   wait4: the returned pid, rusage, WNOHANG on a running child, a bad
 *   status pointer (EFAULT, the child is still reaped), bad options
 *   (EINVAL), no such child (ECHILD); zombies stay visible to kill(pid, 0)
 *   until reaped; waitid P_PID/P_PGID/P_ALL with siginfo fields, WNOWAIT,
 *   bad idtype/options (EINVAL); an orphan is handed to PID 1.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NO_SUCH_PID 0x3fffffff /* above Linux's PID_MAX_LIMIT */

static pid_t parent_pid;

static int child_identity(void *arg)
{
	(void)arg;
	if (getppid() != parent_pid)
		return 1;
	if (getpid() == parent_pid)
		return 2;
	if (t_sys0(SYS_gettid) != getpid())
		return 3;
	return 0;
}

static int exit_with(void *arg)
{
	_exit((int)(long)arg);
}

static int exit_minus_one(void *arg)
{
	(void)arg;
	exit(-1);
}

/* An orphan: the middle child forks a grandchild and exits; the grandchild
 * waits to be handed to a new parent and reports its parent's pid. */
static void orphan(void)
{
	volatile long *shared = t_shared(4096);
	pid_t mid = t_fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			pid_t first = getppid();
			shared[1] = 1; /* started */
			while (shared[2] == 0)
				t_msleep(1);
			for (int i = 0; i < 2000 && getppid() == first; i++)
				t_msleep(1);
			shared[0] = getppid();
			_exit(0);
		}
		while (shared[1] == 0)
			t_msleep(1);
		_exit(0);
	}
	T_STATUS("orphan: middle child", t_wait(mid), "exit 0");
	shared[2] = 1;
	for (int i = 0; i < 3000 && shared[0] == 0; i++)
		t_msleep(1);
	T_EQ("orphan: new parent is pid", shared[0], 1);
}

int main(void)
{
	parent_pid = getpid();
	CHECK("getpid positive", getpid() > 0);
	T_EQ("raw getpid equals libc", t_sys0(SYS_getpid) == getpid(), 1);
	T_EQ("raw getppid equals libc", t_sys0(SYS_getppid) == getppid(), 1);
	T_EQ("gettid of the main thread is the pid",
	     t_sys0(SYS_gettid) == getpid(), 1);
	CHECK("parent is not self", getppid() != getpid());
	T_STATUS("child sees its parent", t_run(child_identity, NULL),
		 "exit 0");

	T_STATUS("_exit(0)", t_run(exit_with, (void *)0), "exit 0");
	T_STATUS("_exit(1)", t_run(exit_with, (void *)1), "exit 1");
	T_STATUS("_exit(255)", t_run(exit_with, (void *)255), "exit 255");
	T_STATUS("_exit(256)", t_run(exit_with, (void *)256), "exit 0");
	T_STATUS("_exit(0x1234)", t_run(exit_with, (void *)0x1234), "exit 52");
	T_STATUS("exit(-1)", t_run(exit_minus_one, NULL), "exit 255");

	/* wait4 returns the pid and fills rusage. */
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(7);
	struct rusage ru;
	int st = 0;
	T_EQ("wait4 returns the child's pid",
	     wait4(pid, &st, 0, &ru) == pid ? 1 : 0, 1);
	T_STATUS("wait4 status", st, "exit 7");

	/* WNOHANG on a child that is still running. */
	volatile long *flag = t_shared(4096);
	pid = t_fork();
	if (pid == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(3);
	}
	T_EQ("WNOHANG on a running child", waitpid(pid, &st, WNOHANG), 0);
	*flag = 1;
	T_STATUS("then it exits", t_wait(pid), "exit 3");

	/* A zombie is still there for kill(pid, 0) until it is reaped. */
	pid = t_fork();
	if (pid == 0)
		_exit(0);
	siginfo_t si;
	T_OK("waitid WNOWAIT on the zombie",
	     waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	T_OK("kill(zombie, 0)", kill(pid, 0));
	T_STATUS("reap the zombie", t_wait(pid), "exit 0");
	T_ERR("kill(reaped, 0)", kill(pid, 0), ESRCH);

	/* A bad status pointer: EFAULT, but the child has been reaped. */
	pid = t_fork();
	if (pid == 0)
		_exit(0);
	t_msleep(20);
	T_SYSERR("wait4 status at a kernel address",
		 t_sys4(SYS_wait4, pid, BAD_KERN, 0, 0), EFAULT);
	T_SYSERR("the child was reaped anyway", t_sys4(SYS_wait4, pid, 0, 0, 0),
		 ECHILD);
	pid = t_fork();
	if (pid == 0)
		_exit(0);
	T_SYSERR("wait4 rusage at address 1",
		 t_sys4(SYS_wait4, pid, &st, 0, BAD_ONE), EFAULT);

	T_SYSERR("wait4 unknown option bit",
		 t_sys4(SYS_wait4, -1, &st, 0x10000000, 0), EINVAL);
	T_ERR("wait4 on a non-child (pid 1)", waitpid(1, &st, 0), ECHILD);
	T_ERR("wait4 on no such pid", waitpid(NO_SUCH_PID, &st, 0), ECHILD);
	T_ERR("wait4(-1) with no children", waitpid(-1, &st, 0), ECHILD);
	T_ERR("WNOHANG with no children", waitpid(-1, &st, WNOHANG), ECHILD);

	/* waitid and its siginfo. */
	pid = t_fork();
	if (pid == 0)
		_exit(42);
	si.si_pid = 0;
	T_OK("waitid P_PID", waitid(P_PID, pid, &si, WEXITED));
	CHECK("waitid si_pid", si.si_pid == pid);
	T_EQ("waitid si_signo", si.si_signo, SIGCHLD);
	T_EQ("waitid si_code (CLD_EXITED)", si.si_code, CLD_EXITED);
	T_EQ("waitid si_status", si.si_status, 42);
	T_EQ("waitid si_uid", si.si_uid, getuid());

	pid = t_fork();
	if (pid == 0)
		_exit(5);
	T_OK("waitid P_PGID own group", waitid(P_PGID, 0, &si, WEXITED));
	T_EQ("  si_status", si.si_status, 5);
	pid = t_fork();
	if (pid == 0)
		_exit(6);
	T_OK("waitid P_ALL", waitid(P_ALL, 0, &si, WEXITED));
	T_EQ("  si_status", si.si_status, 6);
	*flag = 0;
	pid = t_fork();
	if (pid == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(0);
	}
	si.si_pid = 12345;
	T_OK("waitid WNOHANG, nothing ready",
	     waitid(P_PID, pid, &si, WEXITED | WNOHANG));
	T_EQ("  si_pid zeroed", si.si_pid, 0);
	*flag = 1;
	T_STATUS("  then it exits", t_wait(pid), "exit 0");
	T_ERR("waitid no option", waitid(P_ALL, 0, &si, 0), EINVAL);
	T_ERR("waitid bad idtype", waitid((idtype_t)42, 0, &si, WEXITED),
	      EINVAL);
	pid = t_fork();
	if (pid == 0)
		_exit(0);
	t_msleep(20);
	T_SYSERR("waitid infop at a kernel address",
		 t_sys5(SYS_waitid, P_PID, pid, BAD_KERN, WEXITED, 0), EFAULT);
	T_ERR("waitid with no children", waitid(P_ALL, 0, &si, WEXITED),
	      ECHILD);

	orphan();
	t_done();
}
