/*
 * vfork.c - vfork: the child borrows the parent's memory and the parent
 * waits until it calls _exit or execve.
 *   vfork + _exit (status; the child's writes to memory seen by the
 *   parent, which did not run meanwhile), vfork + execve (the parent
 *   resumes once the new program runs), vfork + a failing execve (ENOENT
 *   passed back through memory), getpid in the child is the pid vfork
 *   returned.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int progress;
static volatile pid_t child_pid;
static volatile int child_errno;

int main(void)
{
	progress = 0;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		child_pid = getpid();
		for (int i = 0; i < 100; i++)
			progress++;
		t_sys1(SYS_exit, 5);
	}
	T_EQ("after vfork + _exit the child's writes are seen", progress, 100);
	T_EQ("  the child's getpid was vfork's return", child_pid == pid, 1);
	T_STATUS("  status", t_wait(pid), "exit 5");

	progress = 0;
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		progress = 1;
		char *argv[] = {"echoargs", "from-vfork", NULL};
		char *env[] = {NULL};
		execve("/bin/echoargs", argv, env);
		_exit(127);
	}
	/* Printed after the wait: the new program may still be printing. */
	int resumed_after = progress;
	T_STATUS("vfork + execve", t_wait(pid), "exit 0");
	T_EQ("  the parent resumed after it", resumed_after, 1);

	child_errno = 0;
	pid = vfork();
	if (pid == 0) {
		char *argv[] = {"x", NULL};
		char *env[] = {NULL};
		long r = t_sys3(SYS_execve, "/bin/no-such-program", argv, env);
		child_errno = (int)-r;
		t_sys1(SYS_exit, 127);
	}
	T_STREQ("vfork + failing execve: errno through memory",
		t_errname(child_errno), "ENOENT");
	T_STATUS("  status", t_wait(pid), "exit 127");

	t_done();
}
