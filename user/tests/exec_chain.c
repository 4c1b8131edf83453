/*
 * exec_chain.c - a program that replaces itself 40 times through execve,
 * alternating between its static (/bin/exec_chain) and static-PIE
 * (/bin/exec_chain_pie) builds, carrying a counter in argv and a growing
 * variable in the environment. Each image must start fresh (initialised
 * data back to its initial value, bss zero, malloc working), keep the pid,
 * and see exactly what the previous one passed.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STEPS 40

static int data_var = 7;
static int bss_var;

int main(int argc, char **argv)
{
	int step = argc > 1 ? atoi(argv[1]) : 0;
	long pid0 = argc > 2 ? atol(argv[2]) : (long)getpid();
	const char *trail = getenv("TRAIL");
	size_t tlen = trail ? strlen(trail) : 0;
	int fresh = data_var == 7 && bss_var == 0;
	data_var = 8;
	bss_var = 1;
	char *mem = malloc(10000);
	if (!fresh || !mem || (long)getpid() != pid0 || tlen != (size_t)step ||
	    argc != (step ? 4 : 1)) {
		t_say("exec_chain: step %d wrong (fresh %d pid %d trail %zu "
		      "argc %d)",
		      step, fresh, (long)getpid() == pid0, tlen, argc);
		return 1;
	}
	if (step == STEPS) {
		t_say("exec_chain: %d execs, each image fresh, same pid, argv "
		      "and environment carried",
		      STEPS);
		return 0;
	}
	char nstep[16], npid[32];
	snprintf(nstep, sizeof(nstep), "%d", step + 1);
	snprintf(npid, sizeof(npid), "%ld", pid0);
	char *ntrail = malloc(tlen + 16);
	snprintf(ntrail, tlen + 16, "TRAIL=%s+", trail ? trail : "");
	const char *next = step % 2 ? "/bin/exec_chain" : "/bin/exec_chain_pie";
	char *nargv[] = {(char *)next, nstep, npid, "x", NULL};
	char *nenv[] = {ntrail, "OTHER=1", NULL};
	execve(next, nargv, nenv);
	t_say("exec_chain: execve %s: %s", next, t_errname(errno));
	return 1;
}
