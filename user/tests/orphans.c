/*
 * orphans.c - orphaned process groups (POSIX, Linux's kill_orphaned_pgrp):
 * when an exit leaves a group with no member whose parent is in another
 * group of the same session, and a member is stopped, each member gets
 * SIGHUP then SIGCONT. Two ways to get there:
 *   - the exiting process was the group's own link (its parent outside
 *     the group): its stopped child, left in the group, is orphaned;
 *   - the exiting process was a child's link: the child had made a group
 *     of its own, and goes to init, which counts for nothing.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report = -1; /* write end of the pipe to the test */

static void on_hup(int sig)
{
	(void)sig;
	if (write(report, "H", 1) != 1)
		_exit(4);
}

static void on_cont(int sig)
{
	(void)sig;
	if (write(report, "C", 1) != 1)
		_exit(4);
}

/* The member that stops: reports SIGHUP and SIGCONT, then ends. */
static _Noreturn void stopped_member(int own_group)
{
	if (own_group)
		setpgid(0, 0);
	signal(SIGHUP, on_hup);
	signal(SIGCONT, on_cont);
	raise(SIGSTOP);
	/* Continued: by the orphaning's SIGCONT (or the test's SIGKILL). */
	for (int i = 0; i < 100; i++)
		usleep(10000);
	_exit(0);
}

/* The link: makes the member, waits for it to stop, exits. */
static _Noreturn void link_process(int link_own_group, int member_group)
{
	pid_t m;
	int st;

	if (link_own_group)
		setpgid(0, 0);
	m = fork();
	if (m == 0)
		stopped_member(member_group);
	if (waitpid(m, &st, WUNTRACED) != m || !WIFSTOPPED(st))
		_exit(3);
	_exit(0);
}

/* Run one case; what the member reported, within 2 s. */
static void run_case(const char *name, int link_own_group, int member_group,
		     const char *want)
{
	char got[8] = "";
	int p[2], n = 0;
	pid_t link;

	T_OK("pipe", pipe(p));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	report = p[1];
	link = t_fork();
	if (link == 0) {
		close(p[0]);
		link_process(link_own_group, member_group);
	}
	close(p[1]);
	T_STATUS(name, t_wait(link), "exit 0");
	for (int i = 0; i < 20 && n < (int)strlen(want); i++) {
		int r;

		t_msleep(100);
		r = (int)read(p[0], got + n, sizeof(got) - 1 - (size_t)n);
		if (r > 0)
			n += r;
		if (!strlen(want))
			break;
	}
	got[n] = '\0';
	T_STREQ("  the stopped member got", got, want);
	close(p[0]);
}

int main(void)
{
	struct sigaction sa;

	/* The orphans go to init: their ends are not ours to wait for. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	run_case("the group's link exits", 1, 0, "CH");
	run_case("a child's link exits", 0, 1, "CH");
	t_done();
}
