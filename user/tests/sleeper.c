/*
 * sleeper.c - helper: sleeps for argv[1] milliseconds, or with "-p" sends
 * SIGUSR1 to its parent (to say it runs) and waits for a signal to end it;
 * without arguments it just waits. Exits 0.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		kill(getppid(), SIGUSR1);
		pause();
	} else if (argc > 1) {
		t_msleep(atol(argv[1]));
	} else {
		pause();
	}
	return 0;
}
