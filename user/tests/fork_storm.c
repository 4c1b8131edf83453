/*
 * fork_storm.c - many processes: 300 children in waves of 50, each exiting
 * with its own code, all reaped with wait(-1) (the sum of the codes
 * checks that every status arrived once); a binary tree of processes 6
 * levels deep (63 processes) that reports its size up through exit codes;
 * 100 children that exit without waiting for each other while the parent
 * reaps; nothing left at the end (ECHILD).
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A tree of processes: each node forks two children, returns its size. */
static int tree(int depth)
{
	if (depth == 1)
		return 1;
	pid_t a = fork();
	if (a == 0)
		_exit(tree(depth - 1));
	pid_t b = fork();
	if (b == 0)
		_exit(tree(depth - 1));
	int sa, sb;
	if (a < 0 || b < 0)
		return 0;
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	return 1 + WEXITSTATUS(sa) + WEXITSTATUS(sb);
}

int main(void)
{
	long sum = 0, want = 0;
	int reaped = 0, failed_forks = 0;
	for (int wave = 0; wave < 6; wave++) {
		for (int i = 0; i < 50; i++) {
			int code = (wave * 50 + i) % 200;
			want += code;
			pid_t pid = t_fork();
			if (pid == 0) {
				char buf[256];
				memset(buf, code, sizeof(buf));
				_exit(buf[code % 256] & 0xff);
			}
			if (pid < 0)
				failed_forks++;
		}
		int st;
		pid_t r;
		while ((r = wait(&st)) > 0) {
			reaped++;
			sum += WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
		}
	}
	T_EQ("failed forks", failed_forks, 0);
	T_EQ("children reaped", reaped, 300);
	T_EQ("sum of their exit codes", sum, want);

	pid_t root = t_fork();
	if (root == 0)
		_exit(tree(6));
	T_STATUS("a tree of 63 processes", t_wait(root), "exit 63");

	int n = 0;
	for (int i = 0; i < 100; i++) {
		pid_t pid = t_fork();
		if (pid == 0)
			_exit(1);
		if (pid > 0)
			n++;
	}
	int got = 0, st;
	while (wait(&st) > 0)
		got += WEXITSTATUS(st);
	T_EQ("100 more, reaped as they end", got, 100);
	T_ERR("nothing left", wait(&st), ECHILD);
	t_done();
}
