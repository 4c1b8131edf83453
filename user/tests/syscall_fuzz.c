/*
 * syscall_fuzz.c - every system call number 0..462 with hostile arguments
 * (checked on rastOS only: its counts are not compared with Linux's).
 *
 * Each number runs in its own forked child (in a process group of its own,
 * with a 100 ms interval timer whose handler only interrupts blocking
 * calls, and fds 0-2 closed so nothing reaches the console) that calls it
 * with several argument patterns: all zero, all -1, kernel-half addresses,
 * the kernel image area, NULL pointers with huge lengths, and fixed-seed
 * random bits. Calls that could reach processes outside the child (the
 * kill family and others taking a pid, with pid -1, 0 or 1) are aimed at
 * the child itself. The parent kills a child (and its group) that has not
 * finished within 2 s, and prints how many numbers answered only -ENOSYS,
 * succeeded at least once, failed otherwise, killed their child, or hung;
 * then "syscall_fuzz: system still up".
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NR 462
#define PATTERNS 8

enum { K_NONE, K_ENOSYS, K_ERR, K_OK };

struct result {
	int done;	    /* patterns completed */
	int kind[PATTERNS]; /* K_* per pattern */
};

static struct result *results;

static void fill(long a[6], int pattern, uint64_t *seed)
{
	for (int i = 0; i < 6; i++) {
		switch (pattern) {
		case 0:
			a[i] = 0;
			break;
		case 1:
			a[i] = -1;
			break;
		case 2:
			a[i] = (long)0xffff800000000000UL;
			break;
		case 3:
			a[i] = (long)0xffffffff80000000UL;
			break;
		case 4: /* NULL pointers, huge lengths */
			a[i] = i % 2 ? (long)0x7fffffffffffffffL : 0;
			break;
		case 5:
			a[i] = i % 2 ? (long)0xffffffffUL : 1;
			break;
		default:
			a[i] = (long)t_rand(seed);
			break;
		}
	}
}

static int takes_pid(long nr, int *which)
{
	switch (nr) {
	case SYS_kill:
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_prlimit64:
	case SYS_sched_setaffinity:
	case SYS_sched_setscheduler:
	case SYS_sched_setparam:
	case SYS_sched_setattr:
	case SYS_migrate_pages:
	case SYS_move_pages:
	case SYS_pidfd_open:
	case SYS_setpgid:
		which[0] = 0;
		which[1] = -1;
		return 1;
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		which[0] = 0;
		which[1] = 1;
		return 1;
	case SYS_ptrace:
	case SYS_setpriority:
	case SYS_ioprio_set:
		which[0] = 1;
		which[1] = -1;
		return 1;
	}
	return 0;
}

/* Aim a pid argument that reaches beyond the child at the child. */
static void neuter(long nr, long a[6], pid_t self)
{
	int which[2];
	if (!takes_pid(nr, which))
		return;
	for (int k = 0; k < 2; k++) {
		if (which[k] < 0)
			continue;
		int pid = (int)a[which[k]];
		if (pid <= 1 || pid == getppid())
			a[which[k]] = self;
	}
	if (nr == SYS_kill && (int)a[0] < 0)
		a[0] = self;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void child(long nr)
{
	pid_t self = getpid();
	setpgid(0, 0);
	close(0);
	close(1);
	close(2);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 100000}, {0, 100000}};
	setitimer(ITIMER_REAL, &it, NULL);
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)nr;
	struct result *r = &results[nr];
	for (int p = 0; p < PATTERNS; p++) {
		long a[6];
		fill(a, p, &seed);
		neuter(nr, a, self);
		long ret = t_sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (getpid() != self) /* a fork-like call's child */
			t_sys1(SYS_exit_group, 0);
		r->kind[p] = ret == -ENOSYS	      ? K_ENOSYS
			     : ret < 0 && ret > -4096 ? K_ERR
						      : K_OK;
		r->done = p + 1;
	}
	t_sys1(SYS_exit_group, 0);
}

static volatile int parent_alarm;

static void on_parent_alarm(int sig)
{
	(void)sig;
	parent_alarm = 1;
}

int main(void)
{
	results =
		mmap(NULL, sizeof(struct result) * (MAX_NR + 1),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_parent_alarm;
	sigaction(SIGALRM, &sa, NULL);

	int enosys = 0, ok = 0, err = 0, killed = 0, hung = 0, other = 0;
	for (long nr = 0; nr <= MAX_NR; nr++) {
		pid_t pid = t_fork();
		if (pid < 0) {
			t_say("syscall_fuzz: fork failed at %ld: %s", nr,
			      t_errname(errno));
			return 1;
		}
		if (pid == 0)
			child(nr);
		setpgid(pid, pid);
		int st = 0, timed_out = 0;
		parent_alarm = 0;
		alarm(2);
		for (;;) {
			pid_t r = waitpid(pid, &st, 0);
			if (r == pid)
				break;
			if (r < 0 && errno == EINTR && parent_alarm) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				parent_alarm = 0;
				alarm(2);
				continue;
			}
			if (r < 0 && errno != EINTR) {
				t_say("syscall_fuzz: wait for %ld: %s", nr,
				      t_errname(errno));
				return 1;
			}
		}
		alarm(0);
		kill(-pid, SIGKILL); /* whatever it left behind */
		while (waitpid(-1, &st, WNOHANG) > 0)
			;
		struct result *r = &results[nr];
		int n_enosys = 0, n_ok = 0;
		for (int p = 0; p < r->done; p++) {
			n_enosys += r->kind[p] == K_ENOSYS;
			n_ok += r->kind[p] == K_OK;
		}
		if (timed_out)
			hung++;
		else if (WIFSIGNALED(st))
			killed++;
		if (r->done == 0)
			other++;
		else if (n_ok)
			ok++;
		else if (n_enosys == r->done)
			enosys++;
		else
			err++;
	}
	t_say("syscall_fuzz: %d numbers: %d only ENOSYS, %d succeeded at "
	      "least once, %d other errors only, %d completed no pattern",
	      MAX_NR + 1, enosys, ok, err, other);
	t_say("syscall_fuzz: %d children killed by a signal, %d hung and "
	      "were killed",
	      killed, hung);
	t_say("syscall_fuzz: system still up");
	return 0;
}
