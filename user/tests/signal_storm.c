/*
 * signal_storm.c - processes sending each other thousands of signals.
 *   A ring of 4 processes, each sigqueue()ing 1500 queued real-time
 *   signals with values to the next while draining its own with
 *   sigtimedwait (retrying on EAGAIN when the queue is full): each must
 *   receive exactly 1500 with the right sum of values, in order. The
 *   children also send 500 SIGRTMIN+1 each to the parent, which counts
 *   2000. A child with a handler is flooded with 3000 SIGUSR1 by kill():
 *   standard signals merge, so it must see between 1 and 3000 and stay
 *   alive. Only totals are printed.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define N 4
#define MSGS 1500
#define TO_PARENT 500

static volatile pid_t *pids;

static int drain(sigset_t *set, long *sum, int *expect, int *in_order,
		 int block)
{
	siginfo_t si;
	struct timespec zero = {0, 0};
	int n = 0;
	for (;;) {
		int s = block ? sigwaitinfo(set, &si)
			      : sigtimedwait(set, &si, &zero);
		if (s < 0)
			break;
		*sum += si.si_value.sival_int;
		if (si.si_value.sival_int != *expect)
			*in_order = 0;
		(*expect)++;
		n++;
		if (block)
			break;
	}
	return n;
}

static int ring_member(int idx, pid_t parent)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	while (pids[(idx + 1) % N] == 0)
		sched_yield();
	pid_t next = pids[(idx + 1) % N];
	long sum = 0;
	int expect = 0, in_order = 1, got = 0, sent = 0, up = 0;
	while (sent < MSGS || got < MSGS || up < TO_PARENT) {
		if (sent < MSGS) {
			union sigval v = {.sival_int = sent};
			if (sigqueue(next, SIGRTMIN, v) == 0)
				sent++;
			else if (errno != EAGAIN)
				return 10;
		}
		if (up < TO_PARENT && sent % 3 == 0) {
			union sigval v = {.sival_int = 1};
			if (sigqueue(parent, SIGRTMIN + 1, v) == 0)
				up++;
			else if (errno != EAGAIN)
				return 11;
		}
		if (got < MSGS)
			got += drain(&set, &sum, &expect, &in_order,
				     sent == MSGS && up == TO_PARENT);
		if (sent < MSGS && errno == EAGAIN)
			sched_yield();
	}
	if (got != MSGS)
		return 1;
	if (sum != (long)MSGS * (MSGS - 1) / 2)
		return 2;
	if (!in_order)
		return 3;
	return 0;
}

static volatile int usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

int main(void)
{
	pids = t_shared(4096);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t parent = getpid();
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = t_fork();
		if (kids[i] == 0) {
			while (pids[i] == 0)
				sched_yield();
			_exit(ring_member(i, parent));
		}
		pids[i] = kids[i];
	}
	sigset_t up;
	sigemptyset(&up);
	sigaddset(&up, SIGRTMIN + 1);
	int from_kids = 0;
	siginfo_t si;
	while (from_kids < N * TO_PARENT) {
		if (sigwaitinfo(&up, &si) != SIGRTMIN + 1)
			break;
		from_kids += si.si_value.sival_int;
	}
	for (int i = 0; i < N; i++)
		T_STATUS("ring member received 1500 in order, right sum",
			 t_wait(kids[i]), "exit 0");
	T_EQ("parent received from the ring", from_kids, N * TO_PARENT);
	struct timespec zero = {0, 0};
	T_ERR("  and no more", sigtimedwait(&up, &si, &zero), EAGAIN);

	/* A flood of standard signals into a handler. */
	volatile long *flag = t_shared(4096);
	pid_t pid = t_fork();
	if (pid == 0) {
		signal(SIGUSR1, on_usr1);
		flag[0] = 1;
		while (!flag[1])
			sched_yield();
		t_msleep(20);
		_exit(usr1_count >= 1 && usr1_count <= 3000 ? 0 : 1);
	}
	while (!flag[0])
		sched_yield();
	int sent = 0;
	for (int i = 0; i < 3000; i++)
		sent += kill(pid, SIGUSR1) == 0;
	flag[1] = 1;
	T_EQ("kill() SIGUSR1 3000 times", sent, 3000);
	T_STATUS("  the child handled between 1 and 3000 and exits",
		 t_wait(pid), "exit 0");
	t_done();
}
