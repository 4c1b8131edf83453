/*
 * creds.c - user and group IDs and their permission rules.
 *   As root: the getters, getresuid/getresgid, setgroups/getgroups (count
 *   query, EINVAL for a short buffer, a negative or huge count, EFAULT),
 *   setfsuid. Then in children: root moving to real/effective/saved IDs of
 *   its choice; a non-root process may only swap among its own IDs
 *   (setuid, setreuid, setresuid, seteuid, setgid family: EPERM otherwise),
 *   setgroups gives EPERM, setuid(x) by root sets all three IDs, setuid by
 *   non-root only the effective one; kill() of another user's process is
 *   EPERM; IDs survive fork and execve.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

static void say_ids(const char *label)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	t_say("%s: uid %d %d %d gid %d %d %d", label, (int)r, (int)e, (int)s,
	      (int)gr, (int)ge, (int)gs);
}

static int root_choices(void *arg)
{
	(void)arg;
	T_OK("root setresgid(10, 20, 30)", setresgid(10, 20, 30));
	T_OK("root setresuid(100, 200, 300)", setresuid(100, 200, 300));
	say_ids("  ids");
	/* Now unprivileged: only its own IDs. */
	T_OK("seteuid(300) (the saved one)", seteuid(300));
	say_ids("  ids");
	T_OK("setuid(100) (the real one): effective only", setuid(100));
	say_ids("  ids");
	T_OK("seteuid(300) again: the saved one was kept", seteuid(300));
	T_OK("setresuid(300, 100, -1) among own", setresuid(300, 100, -1));
	say_ids("  ids");
	T_ERR("setresuid(400, -1, -1)", setresuid(400, -1, -1), EPERM);
	T_ERR("setresuid(-1, -1, 200) (no longer own)", setresuid(-1, -1, 200),
	      EPERM);
	T_ERR("setresgid(40, -1, -1)", setresgid(40, -1, -1), EPERM);
	T_ERR("seteuid(0)", seteuid(0), EPERM);
	T_ERR("setuid(0)", setuid(0), EPERM);
	T_OK("setreuid(-1, 300)", setreuid(-1, 300));
	say_ids("  ids");
	T_ERR("setreuid(100, -1): 100 is no longer one of ours",
	      setreuid(100, -1), EPERM);
	T_ERR("setreuid(999, -1)", setreuid(999, -1), EPERM);
	gid_t g[1] = {5};
	T_ERR("setgroups as non-root", setgroups(1, g), EPERM);
	T_OK("setgid(30) (saved gid)", setgid(30));
	say_ids("  ids");
	T_EQ("setfsuid(12345) refused, returns the old fsuid", setfsuid(12345),
	     300);
	T_EQ("  fsuid unchanged", setfsuid(-1), 300);
	return t_failures;
}

static int root_setuid_all(void *arg)
{
	(void)arg;
	T_OK("root setresuid(1000, 1000, 0)", setresuid(1000, 1000, 0));
	T_OK("seteuid(0) back through the saved uid", seteuid(0));
	say_ids("  ids");
	T_OK("setuid(1000) by root sets all three", setuid(1000));
	say_ids("  ids");
	T_ERR("seteuid(0) afterwards", seteuid(0), EPERM);
	T_ERR("kill(parent, 0) owned by root", kill(getppid(), 0), EPERM);
	T_OK("kill(self, 0)", kill(getpid(), 0));
	/* A child of a non-root process is non-root too, also after exec. */
	pid_t pid = t_fork();
	if (pid == 0) {
		char *argv[] = {"echoargs", NULL};
		char *env[] = {"CHECK_IDS=1", "ECHO_QUIET=1", NULL};
		execve("/bin/echoargs", argv, env);
		_exit(127);
	}
	T_STATUS("  exec as uid 1000", t_wait(pid), "exit 0");
	return t_failures;
}

int main(void)
{
	T_EQ("getuid", getuid(), 0);
	T_EQ("geteuid", geteuid(), 0);
	T_EQ("getgid", getgid(), 0);
	T_EQ("getegid", getegid(), 0);
	say_ids("initial");

	gid_t set[3] = {7, 8, 9}, got[8];
	T_OK("setgroups(3)", setgroups(3, set));
	T_EQ("getgroups(0, NULL) counts", getgroups(0, NULL), 3);
	int n = getgroups(8, got);
	T_EQ("getgroups", n, 3);
	T_EQ("  groups", got[0] * 100 + got[1] * 10 + got[2], 789);
	T_ERR("getgroups with a short buffer", getgroups(2, got), EINVAL);
	T_ERR("getgroups(-1)", getgroups(-1, got), EINVAL);
	T_SYSERR("getgroups at a kernel address",
		 t_sys2(SYS_getgroups, 8, BAD_KERN), EFAULT);
	T_SYSERR("setgroups at address 1", t_sys2(SYS_setgroups, 2, BAD_ONE),
		 EFAULT);
	T_SYSERR("setgroups(-1)", t_sys2(SYS_setgroups, -1, set), EINVAL);
	T_SYSERR("setgroups(65537)", t_sys2(SYS_setgroups, 65537, set), EINVAL);
	T_SYSERR("getresuid at a kernel address",
		 t_sys3(SYS_getresuid, BAD_KERN, BAD_KERN, BAD_KERN), EFAULT);
	T_SYSERR("getresgid NULL", t_sys3(SYS_getresgid, NULL, NULL, NULL),
		 EFAULT);
	T_OK("setgroups(0)", setgroups(0, NULL));
	T_EQ("  then none", getgroups(0, NULL), 0);
	T_EQ("setfsuid(5) returns the old fsuid", setfsuid(5), 0);
	T_EQ("setfsuid(0) returns 5", setfsuid(0), 5);

	T_STATUS("root picks any ids, then is bound by them",
		 t_run(root_choices, NULL), "exit 0");
	T_STATUS("setuid by root drops all", t_run(root_setuid_all, NULL),
		 "exit 0");
	say_ids("parent unchanged");
	t_done();
}
