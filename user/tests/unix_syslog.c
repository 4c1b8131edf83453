/*
 * unix_syslog.c - busybox syslogd and logger (Debian's busybox-static,
 * glibc) talking over the datagram socket /dev/log: syslogd binds it and
 * writes what it receives to a pipe (-O -, -S: no host name), logger
 * sends through glibc's syslog(3). The lines are printed without their
 * time stamps.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char out[8192];
static size_t outlen;

/* Read syslogd's output until it holds want (or 5 s pass). */
static int read_until(int fd, const char *want)
{
	for (int i = 0; i < 50; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		out[outlen] = 0;
		if (strstr(out, want))
			return 1;
		if (poll(&p, 1, 100) > 0) {
			ssize_t r = read(fd, out + outlen,
					 sizeof(out) - 1 - outlen);
			if (r <= 0)
				return 0;
			outlen += (size_t)r;
		}
	}
	out[outlen] = 0;
	return strstr(out, want) != NULL;
}

static void logger(const char *prio, const char *msg)
{
	char *env[] = {"PATH=/bin", NULL};
	char *argv[] = {"/bin/busybox", "logger",     "-t",	   "rastos",
			"-p",		(char *)prio, (char *)msg, NULL};
	pid_t pid = t_fork();

	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(127);
	}
	T_STATUS("logger", t_wait(pid), "exit 0");
}

int main(void)
{
	struct stat st;
	int p[2];

	mkdir("/dev", 0755);
	unlink("/dev/log");
	T_OK("pipe", pipe(p));
	pid_t pid = t_fork();
	if (pid == 0) {
		char *env[] = {"PATH=/bin", NULL};
		char *argv[] = {"/bin/busybox", "syslogd", "-n", "-S",
				"-O",		"-",	   NULL};
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(argv[0], argv, env);
		_exit(127);
	}
	close(p[1]);
	int up = 0;
	for (int i = 0; i < 100 && !up; i++) {
		up = stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode);
		if (!up)
			t_msleep(50);
	}
	T_EQ("syslogd made /dev/log, a socket", up, 1);
	T_EQ("  mode", st.st_mode & 0777, 0666);
	logger("user.notice", "hello from logger");
	logger("daemon.err", "second message");
	T_EQ("both lines logged", read_until(p[0], "second message"), 1);
	kill(pid, SIGTERM);
	T_STATUS("syslogd", t_wait(pid), "signal SIGTERM");
	read_until(p[0], "\n@@@never");
	/* Each line: "Mon DD HH:MM:SS " and the message. */
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		t_say("line: %s", strlen(line) > 16 ? line + 16 : line);
	close(p[0]);
	unlink("/dev/log");
	t_done();
}
