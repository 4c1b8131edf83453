/*
 * echoargs.c - helper executed by the exec tests: prints what it was started
 * with, so that the caller's output shows what execve passed.
 *   argc, each argv[i], each environment string (unless ECHO_QUIET is set:
 *   then only argc and the total length of the strings); with CHECK_FDS=1
 *   whether fds 3..6, 90 and 100 are open (close-on-exec), with CHECK_SIG=1 the signal
 *   dispositions and mask inherited across execve, with CHECK_IDS=1 the
 *   real/effective/saved uid and gid. Exits with EXIT_CODE (default 0).
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_sig(void)
{
	struct sigaction sa;
	sigset_t mask;
	sigaction(SIGUSR1, NULL, &sa);
	t_say("echoargs: SIGUSR1 %s",
	      sa.sa_handler == SIG_DFL ? "default" : "not default");
	sigaction(SIGUSR2, NULL, &sa);
	t_say("echoargs: SIGUSR2 %s",
	      sa.sa_handler == SIG_IGN ? "ignored" : "not ignored");
	sigprocmask(SIG_SETMASK, NULL, &mask);
	t_say("echoargs: SIGHUP %s, SIGINT %s",
	      sigismember(&mask, SIGHUP) ? "blocked" : "unblocked",
	      sigismember(&mask, SIGINT) ? "blocked" : "unblocked");
	sigpending(&mask);
	t_say("echoargs: SIGHUP %s",
	      sigismember(&mask, SIGHUP) ? "still pending" : "not pending");
}

int main(int argc, char **argv, char **envp)
{
	size_t total = 0;
	int quiet = getenv("ECHO_QUIET") != NULL;
	t_say("echoargs: argc %d", argc);
	for (int i = 0; i < argc; i++) {
		total += strlen(argv[i]) + 1;
		if (!quiet)
			t_say("echoargs: argv[%d] \"%s\"", i, argv[i]);
	}
	for (char **e = envp; *e; e++) {
		total += strlen(*e) + 1;
		if (!quiet)
			t_say("echoargs: env \"%s\"", *e);
	}
	if (quiet)
		t_say("echoargs: %zu bytes of strings", total);
	if (getenv("CHECK_FDS")) {
		static const int fds[] = {3, 4, 5, 6, 90, 100};

		for (unsigned int i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
			t_say("echoargs: fd %d %s", fds[i],
			      fcntl(fds[i], F_GETFD) < 0 ? "closed" : "open");
	}
	if (getenv("CHECK_SIG"))
		check_sig();
	if (getenv("CHECK_IDS")) {
		uid_t r, e, s;
		gid_t gr, ge, gs;
		getresuid(&r, &e, &s);
		getresgid(&gr, &ge, &gs);
		t_say("echoargs: uid %d %d %d gid %d %d %d", (int)r, (int)e,
		      (int)s, (int)gr, (int)ge, (int)gs);
	}
	const char *code = getenv("EXIT_CODE");
	return code ? atoi(code) : 0;
}
