/*
 * runner.c - /init of the user-space test initramfs, on rastOS and on Linux.
 *
 * Runs each test program /bin/NAME (the list is user/tests.list, compiled
 * in; names given as arguments, NAME or NAME:SECONDS, run instead) with
 * fork + execve + wait4 in a fixed environment, and frames its output with
 *     @@@ BEGIN NAME
 *     ...
 *     @@@ END NAME exit N | signal SIGNAME [core] | timeout
 * A program that runs longer than its timeout is killed with its process
 * group. Being PID 1 the runner also reaps orphans. At the end it prints
 * "@@@ DONE" and powers off with reboot(RB_POWER_OFF).
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct test {
	const char *name;
	unsigned timeout;
};

static const struct test tests[] = {
#include "tests.inc"
};

#define DEFAULT_TIMEOUT 10
#define SYSLOG_CONSOLE_LEVEL 8 /* syslog(2) action */

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static char *const envp[] = {"PATH=/bin", "HOME=/", "TERM=linux", "LANG=C",
			     NULL};

/* Reap every child that has already ended (orphans handed to PID 1). */
static void reap_orphans(void)
{
	int st;
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

static void run(const char *name, unsigned timeout)
{
	char path[256];
	snprintf(path, sizeof(path), "/bin/%s", name);
	printf("@@@ BEGIN %s\n", name);
	fflush(stdout);

	pid_t pid = fork();
	if (pid < 0) {
		printf("@@@ END %s fork-failed %s\n", name, t_errname(errno));
		fflush(stdout);
		return;
	}
	if (pid == 0) {
		char *argv[] = {path, NULL};
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGALRM, SIG_DFL);
		execve(path, argv, envp);
		printf("runner: execve %s: %s\n", path, t_errname(errno));
		fflush(stdout);
		_exit(127);
	}
	setpgid(pid, pid);

	int st = 0, timed_out = 0, rounds = 0;
	alarmed = 0;
	alarm(timeout);
	for (;;) {
		pid_t r = waitpid(-1, &st, 0);
		if (r == pid)
			break;
		if (r > 0)
			continue; /* an orphan */
		if (errno == EINTR && alarmed) {
			/* Too long: kill the program and its group, then
			 * give them a few seconds more to die. */
			alarmed = 0;
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			if (++rounds > 3)
				break;
			alarm(5);
			continue;
		}
		if (errno != EINTR)
			break;
	}
	alarm(0);
	/* Whatever the program left behind in its group goes too. */
	kill(-pid, SIGKILL);
	reap_orphans();

	if (timed_out)
		printf("@@@ END %s timeout\n", name);
	else
		printf("@@@ END %s %s\n", name, t_status(st));
	fflush(stdout);
}

/* NAME runs with its listed timeout; NAME:SECONDS overrides it (a traced
 * run is many times slower). */
static void run_named(char *arg)
{
	char *colon = strchr(arg, ':');
	unsigned timeout = 0;
	if (colon) {
		*colon = '\0';
		timeout = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	for (size_t i = 0; !timeout && i < sizeof(tests) / sizeof(tests[0]);
	     i++) {
		if (strcmp(tests[i].name, arg) == 0)
			timeout = tests[i].timeout;
	}
	run(arg, timeout ? timeout : DEFAULT_TIMEOUT);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 must see EINTR */
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);
	/* On Linux, keep the kernel's own console messages out of the tests'
	 * output (level 1: emergencies only). Elsewhere this may fail. */
	klogctl(SYSLOG_CONSOLE_LEVEL, NULL, 1);
	if (chdir("/") < 0)
		printf("runner: chdir /: %s\n", t_errname(errno));

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("@@@ RUNNER start\n");
	fflush(stdout);
	int named = 0;
	for (int i = 1; i < argc; i++) {
		/* Linux hands init the command line words it does not know;
		 * only plain test names count. */
		if (strchr(argv[i], '=') || strchr(argv[i], '.'))
			continue;
		run_named(argv[i]);
		named = 1;
	}
	if (!named) {
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			run(tests[i].name, tests[i].timeout ? tests[i].timeout
							    : DEFAULT_TIMEOUT);
	}
	printf("@@@ DONE\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	printf("runner: reboot: %s\n", t_errname(errno));
	fflush(stdout);
	return 1;
}
