/*
 * poll.c - waiting for files: poll, ppoll, select, pselect6.
 *
 * Readiness of pipe ends (data, empty, the other end closed: POLLHUP and
 * POLLERR), of a regular file (always), negative and closed descriptors
 * (ignored; POLLNVAL), zero and finite timeouts, a wait woken by another
 * process's write, a wait interrupted by a signal (EINTR), ppoll's and
 * pselect6's signal mask (the signal comes in during the wait only, and
 * the old mask is back afterwards), select's sets and its written-back
 * timeout, and the error cases (EFAULT, EINVAL, EBADF).
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void pipe_readiness(void)
{
	int p[2];
	struct pollfd fds[2];

	T_OK("pipe", pipe(p));
	fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN | POLLOUT};
	fds[1] = (struct pollfd){.fd = p[1], .events = POLLIN | POLLOUT};
	T_EQ("empty pipe: ready ends", poll(fds, 2, 0), 1);
	T_EQ("  read end revents", fds[0].revents, 0);
	T_EQ("  write end revents", fds[1].revents, POLLOUT);
	T_EQ("write 3 bytes", write(p[1], "abc", 3), 3);
	T_EQ("with data: ready ends", poll(fds, 2, 0), 2);
	T_EQ("  read end revents", fds[0].revents, POLLIN);
	T_OK("close the write end", close(p[1]));
	fds[1].fd = -1;
	T_EQ("writer gone: ready", poll(fds, 2, 0), 1);
	T_EQ("  read end revents", fds[0].revents, POLLIN | POLLHUP);
	T_EQ("  ignored fd revents", fds[1].revents, 0);
	char buf[8];
	T_EQ("drain", read(p[0], buf, sizeof(buf)), 3);
	T_EQ("empty, writer gone", poll(fds, 1, 0), 1);
	T_EQ("  revents", fds[0].revents, POLLHUP);
	close(p[0]);

	T_OK("pipe 2", pipe(p));
	close(p[0]);
	fds[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	T_EQ("reader gone: ready", poll(fds, 1, 0), 1);
	T_EQ("  write end revents", fds[0].revents, POLLOUT | POLLERR);
	fds[0].events = 0;
	T_EQ("no events asked: errors still come", poll(fds, 1, 0), 1);
	T_EQ("  revents", fds[0].revents, POLLERR);
	close(p[1]);
}

static void odd_descriptors(void)
{
	struct pollfd fds[2];
	int fd = open("/init", O_RDONLY);

	T_OK("open a regular file", fd);
	fds[0] = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
	fds[1] = (struct pollfd){.fd = 999, .events = POLLIN};
	T_EQ("regular file and closed fd", poll(fds, 2, 0), 2);
	T_EQ("  regular file revents", fds[0].revents, POLLIN | POLLOUT);
	T_EQ("  closed fd revents", fds[1].revents, POLLNVAL);
	close(fd);
	T_EQ("nothing at all, 0 ms", poll(NULL, 0, 0), 0);
	T_SYSERR("poll on a bad array", t_sys3(SYS_poll, BAD_ONE, 1, 0),
		 EFAULT);
	T_SYSERR("poll on a kernel array", t_sys3(SYS_poll, BAD_KERN, 1, 0),
		 EFAULT);
	T_SYSERR("poll with a huge count", t_sys3(SYS_poll, fds, 1 << 30, 0),
		 EINVAL);
}

static void timeouts(void)
{
	int p[2];
	struct pollfd fd;
	struct timespec t0;

	T_OK("pipe", pipe(p));
	fd = (struct pollfd){.fd = p[0], .events = POLLIN};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_EQ("poll 100 ms on an empty pipe", poll(&fd, 1, 100), 0);
	T_EQ("  waited at least 90 ms", ms_since(&t0) >= 90, 1);

	pid_t pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	T_EQ("poll forever, a child writes", poll(&fd, 1, -1), 1);
	T_EQ("  revents", fd.revents, POLLIN);
	T_STATUS("  child", t_wait(pid), "exit 0");

	struct timespec ts = {0, 20 * 1000000};
	char c;
	read(p[0], &c, 1);
	/* Raw calls: the C library passes the kernel a copy of the time. */
	T_EQ("ppoll 20 ms", t_sys5(SYS_ppoll, &fd, 1, &ts, NULL, 8), 0);
	T_EQ("  time left written back", ts.tv_sec == 0 && ts.tv_nsec == 0, 1);
	ts = (struct timespec){0, 1000000000};
	T_SYSERR("ppoll with nsec 1e9", t_sys5(SYS_ppoll, &fd, 1, &ts, NULL, 8),
		 EINVAL);
	T_SYSERR("ppoll with a bad timespec",
		 t_sys5(SYS_ppoll, &fd, 1, BAD_ONE, NULL, 8), EFAULT);
	close(p[0]);
	close(p[1]);
}

static void signals(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigset_t block, empty, now;
	struct pollfd fd;
	int p[2];

	sigaction(SIGUSR1, &sa, NULL);
	T_OK("pipe", pipe(p));
	fd = (struct pollfd){.fd = p[0], .events = POLLIN};

	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got_usr1 = 0;
	T_ERR("poll interrupted by a signal", poll(&fd, 1, 5000), EINTR);
	T_EQ("  the handler ran", got_usr1, 1);
	t_wait(pid);

	/* ppoll: SIGUSR1 blocked except during the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got_usr1 = 0;
	T_ERR("ppoll with SIGUSR1 unblocked, interrupted",
	      ppoll(&fd, 1, NULL, &empty), EINTR);
	T_EQ("  the handler ran", got_usr1, 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_EQ("  SIGUSR1 blocked again", sigismember(&now, SIGUSR1), 1);
	t_wait(pid);

	/* pselect6 the same way, through select's sets. */
	pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	got_usr1 = 0;
	T_ERR("pselect with SIGUSR1 unblocked, interrupted",
	      pselect(p[0] + 1, &rd, NULL, NULL, NULL, &empty), EINTR);
	T_EQ("  the handler ran", got_usr1, 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_EQ("  SIGUSR1 blocked again", sigismember(&now, SIGUSR1), 1);
	t_wait(pid);

	/* A signal pending but blocked does not interrupt. */
	kill(getpid(), SIGUSR1);
	got_usr1 = 0;
	T_EQ("poll with SIGUSR1 pending and blocked", poll(&fd, 1, 20), 0);
	T_EQ("  no handler ran", got_usr1, 0);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	T_EQ("  it runs when unblocked", got_usr1, 1);
	T_SYSERR("ppoll with a bad sigset size",
		 t_sys5(SYS_ppoll, &fd, 1, NULL, &empty, 4), EINVAL);
	close(p[0]);
	close(p[1]);
}

static void selects(void)
{
	int p[2], q[2];
	fd_set rd, wr, ex;
	struct timeval tv;

	T_OK("pipes", pipe(p) | pipe(q));
	write(q[1], "y", 1);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(p[1], &wr);
	FD_SET(p[0], &ex);
	tv = (struct timeval){0, 0};
	int max = p[0] > q[0] ? p[0] : q[0];
	max = max > p[1] ? max : p[1];
	T_EQ("select: bits set", select(max + 1, &rd, &wr, &ex, &tv), 2);
	T_EQ("  empty pipe not readable", FD_ISSET(p[0], &rd), 0);
	T_EQ("  pipe with data readable", FD_ISSET(q[0], &rd) != 0, 1);
	T_EQ("  write end writable", FD_ISSET(p[1], &wr) != 0, 1);
	T_EQ("  no exception", FD_ISSET(p[0], &ex), 0);

	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 30000};
	T_EQ("select 30 ms on an empty pipe",
	     t_sys5(SYS_select, p[0] + 1, &rd, 0, 0, &tv), 0);
	T_EQ("  the set is cleared", FD_ISSET(p[0], &rd), 0);
	T_EQ("  the timeout is used up", tv.tv_sec == 0 && tv.tv_usec == 0, 1);
	tv = (struct timeval){0, 1500000}; /* folded into 1.5 s */
	FD_SET(q[0], &rd);
	T_EQ("select with 1.5e6 us", t_sys5(SYS_select, q[0] + 1, &rd, 0, 0, &tv),
	     1);
	T_EQ("  time left about 1.5 s", tv.tv_sec == 1 && tv.tv_usec > 400000,
	     1);

	FD_ZERO(&rd);
	FD_SET(60, &rd);
	tv = (struct timeval){0, 0};
	T_ERR("select on a closed fd", select(61, &rd, 0, 0, &tv), EBADF);
	T_ERR("select with n < 0", select(-1, NULL, NULL, NULL, &tv), EINVAL);
	tv = (struct timeval){-1, 0};
	T_ERR("select with a negative timeout", select(1, NULL, 0, 0, &tv),
	      EINVAL);
	T_SYSERR("select with a bad set",
		 t_sys5(SYS_select, 4, BAD_ONE, 0, 0, 0), EFAULT);
	tv = (struct timeval){0, 10000};
	T_EQ("select on nothing sleeps", select(0, NULL, NULL, NULL, &tv), 0);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	pipe_readiness();
	odd_descriptors();
	timeouts();
	signals();
	selects();
	t_done();
}
