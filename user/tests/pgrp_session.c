/*
 * pgrp_session.c - process groups and sessions.
 *   The runner makes each program a group leader in its own session's
 *   group; setsid by a group leader (EPERM), by a child (new session and
 *   group, getsid/getpgid), setsid twice (EPERM); setpgid for self and a
 *   child, into an existing group of the session, into a group of another
 *   session (EPERM), a group that does not exist (EPERM), a negative pgid
 *   (EINVAL), a non-child (ESRCH), a child that has called execve (EACCES),
 *   a session leader (EPERM); getpgid/getsid of no such process (ESRCH).
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define NO_SUCH_PID 0x3fffffff

static int new_session(void *arg)
{
	pid_t parent_pgrp = (pid_t)(long)arg;
	pid_t sid = setsid();
	T_EQ("  setsid returns the pid", sid == getpid(), 1);
	T_EQ("  getsid(0) is the pid", getsid(0) == getpid(), 1);
	T_EQ("  getpgrp() is the pid", getpgrp() == getpid(), 1);
	T_EQ("  getpgid(0) is the pid", getpgid(0) == getpid(), 1);
	T_ERR("  setsid again", setsid(), EPERM);
	T_ERR("  setpgid into the parent's group (other session)",
	      setpgid(0, parent_pgrp), EPERM);
	T_ERR("  setpgid of a session leader", setpgid(0, 0), EPERM);
	T_EQ("  the parent's session is another",
	     getsid(getppid()) != getsid(0), 1);
	return t_failures;
}

int main(void)
{
	pid_t me = getpid();
	T_EQ("runner made us a group leader", getpgrp() == me, 1);
	T_EQ("getpgid(0) == getpgrp()", getpgid(0) == getpgrp(), 1);
	T_EQ("getpgid(self) == getpgrp()", getpgid(me) == getpgrp(), 1);
	T_EQ("same session as the runner", getsid(0) == getsid(getppid()), 1);
	T_EQ("not a session leader", getsid(0) != me, 1);
	T_ERR("setsid as a group leader", setsid(), EPERM);

	T_STATUS("child: setsid", t_run(new_session, (void *)(long)getpgrp()),
		 "exit 0");

	/* setpgid on a child that waits. */
	volatile long *flag = t_shared(4096);
	pid_t a = t_fork();
	if (a == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(0);
	}
	T_EQ("child starts in our group", getpgid(a) == me, 1);
	T_OK("setpgid(child, child)", setpgid(a, a));
	T_EQ("  its group", getpgid(a) == a, 1);
	T_OK("setpgid(child, 0) is the same", setpgid(a, 0));
	T_OK("setpgid(child, our group) moves it back", setpgid(a, me));
	T_EQ("  its group", getpgid(a) == me, 1);
	T_ERR("setpgid(child, no such group)", setpgid(a, NO_SUCH_PID), EPERM);
	T_ERR("setpgid(child, -1)", setpgid(a, -1), EINVAL);
	T_ERR("setpgid(-1, 0): pgid -1 too", setpgid(-1, 0), EINVAL);
	T_ERR("setpgid(-1, self)", setpgid(-1, me), ESRCH);
	T_ERR("setpgid(pid 1, 0): not a child", setpgid(1, 0), ESRCH);
	T_ERR("setpgid(no such pid, 0)", setpgid(NO_SUCH_PID, 0), ESRCH);
	T_ERR("getpgid(no such pid)", getpgid(NO_SUCH_PID), ESRCH);
	T_ERR("getsid(no such pid)", getsid(NO_SUCH_PID), ESRCH);
	T_EQ("getpgid(pid 1) is allowed", getpgid(1) >= 0, 1);
	*flag = 1;
	T_STATUS("  child exits", t_wait(a), "exit 0");

	/* A second child joins the first one's group. */
	*flag = 0;
	a = t_fork();
	if (a == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(0);
	}
	pid_t b = t_fork();
	if (b == 0) {
		while (!*flag)
			t_msleep(1);
		_exit(0);
	}
	T_OK("setpgid(a, a)", setpgid(a, a));
	T_OK("setpgid(b, a): b joins a's group", setpgid(b, a));
	T_EQ("  b's group", getpgid(b) == a, 1);
	T_OK("kill(-group, 0)", kill(-a, 0));
	*flag = 1;
	t_wait(a);
	t_wait(b);

	/* After execve a child cannot be moved: sleeper -p tells us (SIGUSR1)
	 * once the new program runs. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	pid_t c = t_fork();
	if (c == 0) {
		char *argv[] = {"sleeper", "-p", NULL};
		char *env[] = {NULL};
		execve("/bin/sleeper", argv, env);
		_exit(127);
	}
	siginfo_t si;
	T_EQ("the child runs a new program", sigwaitinfo(&usr1, &si), SIGUSR1);
	T_ERR("setpgid of a child after execve", setpgid(c, c), EACCES);
	kill(c, SIGTERM);
	T_STATUS("  child", t_wait(c), "signal SIGTERM");
	t_done();
}
