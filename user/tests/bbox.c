/*
 * bbox.c - an unmodified Debian program (busybox-static, linked with
 * glibc) started by fork + execve: glibc's start-up, its syscalls and exit
 * statuses. Runs busybox echo, true, false, uname -s/-m, sh -c with
 * arithmetic, sh -c 'exit 3', a #!/bin/busybox sh script.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <unistd.h>

static void run(const char *label, char *const argv[], const char *want)
{
	char *env[] = {"PATH=/bin", NULL};
	pid_t pid = t_fork();
	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(127);
	}
	T_STATUS(label, t_wait(pid), want);
}

int main(void)
{
	char *echo[] = {"/bin/busybox", "echo", "hello from busybox", NULL};
	run("busybox echo", echo, "exit 0");
	char *t[] = {"/bin/busybox", "true", NULL};
	run("busybox true", t, "exit 0");
	char *f[] = {"/bin/busybox", "false", NULL};
	run("busybox false", f, "exit 1");
	char *u[] = {"/bin/busybox", "uname", "-s", "-m", NULL};
	run("busybox uname -s -m", u, "exit 0");
	char *sh[] = {"/bin/busybox", "sh", "-c", "echo $((6 * 7))", NULL};
	run("busybox sh -c arithmetic", sh, "exit 0");
	char *ex[] = {"/bin/busybox", "sh", "-c", "exit 3", NULL};
	run("busybox sh -c 'exit 3'", ex, "exit 3");
	char *sc[] = {"/data/bbscript", "arg1", NULL};
	run("#!/bin/busybox sh script", sc, "exit 0");
	t_done();
}
