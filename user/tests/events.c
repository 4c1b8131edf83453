/*
 * events.c - event files and epoll: eventfd (counter and semaphore
 * modes, blocking and EAGAIN, the limits), signalfd (signals read as
 * records, the mask changed in place, SIGCHLD's status), timerfd
 * (one-shot, periodic, absolute, gettime, the clocks), and epoll
 * (level-triggered, edge-triggered and one-shot items, the data handed
 * back, an item dying with its file's last close but not with one of
 * its descriptors, nesting and loops, a wait woken by another process,
 * EINTR and epoll_pwait's mask, and the error cases).
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int ready(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static void eventfds(void)
{
	uint64_t v = 0;
	int fd = eventfd(3, EFD_NONBLOCK);

	T_OK("eventfd 3", fd);
	T_EQ("  readable and writable", ready(fd), POLLIN | POLLOUT);
	T_EQ("  read", read(fd, &v, 8), 8);
	T_EQ("  value", v, 3);
	T_ERR("  read again: EAGAIN", read(fd, &v, 8), EAGAIN);
	T_EQ("  only writable now", ready(fd), POLLOUT);
	v = 5;
	T_EQ("write 5", write(fd, &v, 8), 8);
	v = 7;
	T_EQ("write 7", write(fd, &v, 8), 8);
	T_EQ("  read the sum", read(fd, &v, 8), 8);
	T_EQ("  sum", v, 12);
	T_ERR("read with 4 bytes", read(fd, &v, 4), EINVAL);
	v = UINT64_MAX;
	T_ERR("write 2^64-1", write(fd, &v, 8), EINVAL);
	v = UINT64_MAX - 1;
	T_EQ("write 2^64-2", write(fd, &v, 8), 8);
	T_EQ("  not writable when full", ready(fd), POLLIN);
	v = 1;
	T_ERR("  one more: EAGAIN", write(fd, &v, 8), EAGAIN);
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	T_EQ("semaphore: read", read(fd, &v, 8), 8);
	T_EQ("  gives 1", v, 1);
	read(fd, &v, 8);
	T_ERR("  third read: EAGAIN", read(fd, &v, 8), EAGAIN);
	close(fd);
	T_SYSERR("eventfd2 bad flags", t_sys2(SYS_eventfd2, 0, 0x10), EINVAL);

	/* A blocking read woken by another process's write. */
	fd = eventfd(0, 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		uint64_t one = 42;
		t_msleep(30);
		_exit(write(fd, &one, 8) == 8 ? 0 : 1);
	}
	T_EQ("blocking read woken by a writer", read(fd, &v, 8), 8);
	T_EQ("  value", v, 42);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	close(fd);
}

static void signalfds(void)
{
	sigset_t mask;
	struct signalfd_siginfo si;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fd = signalfd(-1, &mask, SFD_NONBLOCK);
	T_OK("signalfd", fd);
	T_ERR("  nothing pending: EAGAIN", read(fd, &si, sizeof(si)), EAGAIN);
	T_EQ("  not readable", ready(fd), 0);
	kill(getpid(), SIGUSR1);
	T_EQ("  readable after kill", ready(fd), POLLIN);
	T_EQ("  read one record", read(fd, &si, sizeof(si)), sizeof(si));
	T_STREQ("  signal", t_signame((int)si.ssi_signo), "SIGUSR1");
	T_EQ("  code SI_USER", si.ssi_code, SI_USER);
	T_EQ("  sender is me", si.ssi_pid == (uint32_t)getpid(), 1);
	T_EQ("  no longer pending", ready(fd), 0);

	union sigval val = {.sival_int = 1234};
	sigqueue(getpid(), SIGUSR1, val);
	read(fd, &si, sizeof(si));
	T_EQ("sigqueue: code SI_QUEUE", si.ssi_code, SI_QUEUE);
	T_EQ("  value", si.ssi_int, 1234);

	pid_t pid = t_fork();
	if (pid == 0)
		_exit(7);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	T_EQ("SIGCHLD wakes a poll", poll(&p, 1, 5000), 1);
	T_EQ("  read", read(fd, &si, sizeof(si)), sizeof(si));
	T_STREQ("  signal", t_signame((int)si.ssi_signo), "SIGCHLD");
	T_EQ("  code CLD_EXITED", si.ssi_code, CLD_EXITED);
	T_EQ("  status 7", si.ssi_status, 7);
	T_EQ("  pid of the child", si.ssi_pid == (uint32_t)pid, 1);
	t_wait(pid);

	T_ERR("read with a small buffer", read(fd, &si, 64), EINVAL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	T_EQ("new mask in place", signalfd(fd, &mask, 0), fd);
	kill(getpid(), SIGUSR2);
	T_EQ("  SIGUSR2 read", read(fd, &si, sizeof(si)), sizeof(si));
	T_STREQ("  signal", t_signame((int)si.ssi_signo), "SIGUSR2");
	int other = eventfd(0, 0);
	T_ERR("signalfd on a non-signalfd", signalfd(other, &mask, 0), EINVAL);
	T_SYSERR("signalfd4 with sizemask 4",
		 t_sys4(SYS_signalfd4, -1, &mask, 4, 0), EINVAL);
	T_SYSERR("signalfd4 bad flags", t_sys4(SYS_signalfd4, -1, &mask, 8, 1),
		 EINVAL);
	T_SYSERR("signalfd4 bad mask pointer",
		 t_sys4(SYS_signalfd4, -1, BAD_ONE, 8, 0), EFAULT);
	close(other);
	close(fd);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

static void timerfds(void)
{
	struct itimerspec it = {0}, cur;
	uint64_t n = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	T_OK("timerfd_create", fd);
	T_OK("gettime unset", timerfd_gettime(fd, &cur));
	T_EQ("  disarmed",
	     cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, 1);
	it.it_value.tv_nsec = 30 * 1000000;
	T_OK("settime 30 ms", timerfd_settime(fd, 0, &it, NULL));
	T_OK("gettime", timerfd_gettime(fd, &cur));
	T_EQ("  armed, under 30 ms left",
	     cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		     cur.it_value.tv_nsec <= 30 * 1000000,
	     1);
	T_EQ("read blocks until it expires", read(fd, &n, 8), 8);
	T_EQ("  once", n, 1);
	T_OK("gettime after", timerfd_gettime(fd, &cur));
	T_EQ("  disarmed again",
	     cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, 1);

	it.it_value.tv_nsec = 10 * 1000000;
	it.it_interval.tv_nsec = 10 * 1000000;
	T_OK("periodic 10 ms", timerfd_settime(fd, 0, &it, NULL));
	t_msleep(65);
	T_EQ("read", read(fd, &n, 8), 8);
	T_EQ("  several expirations at once", n >= 3, 1);
	struct itimerspec off = {0}, old;
	T_OK("disarm, asking the old setting",
	     timerfd_settime(fd, 0, &off, &old));
	T_EQ("  old interval 10 ms", old.it_interval.tv_nsec, 10 * 1000000);
	close(fd);

	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	T_ERR("non-blocking read, nothing yet", read(fd, &n, 8), EAGAIN);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	it = (struct itimerspec){.it_value = {now.tv_sec - 1, 0}};
	T_OK("absolute time in the past",
	     timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, NULL));
	struct pollfd p = {.fd = fd, .events = POLLIN};
	T_EQ("  expires at once", poll(&p, 1, 1000), 1);
	T_EQ("  read", read(fd, &n, 8), 8);
	T_ERR("read with 4 bytes", read(fd, &n, 4), EINVAL);
	it.it_value.tv_nsec = 1000000000;
	T_ERR("settime nsec 1e9", timerfd_settime(fd, 0, &it, NULL), EINVAL);
	T_ERR("settime bad flags", timerfd_settime(fd, 8, &it, NULL), EINVAL);
	close(fd);

	T_ERR("timerfd on CLOCK_PROCESS_CPUTIME_ID",
	      timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	T_ERR("timerfd bad flags", timerfd_create(CLOCK_MONOTONIC, 1), EINVAL);
	T_OK("timerfd on CLOCK_BOOTTIME",
	     fd = timerfd_create(CLOCK_BOOTTIME, 0));
	close(fd);
	int efd = eventfd(0, 0);
	T_ERR("timerfd_gettime on an eventfd", timerfd_gettime(efd, &cur),
	      EINVAL);
	T_ERR("timerfd_gettime on a closed fd", timerfd_gettime(77, &cur),
	      EBADF);
	close(efd);
}

static int wait_events(int ep, struct epoll_event *ev, int max, int ms)
{
	memset(ev, 0, sizeof(*ev) * (size_t)max);
	return epoll_wait(ep, ev, max, ms);
}

static void epoll_modes(void)
{
	struct epoll_event ev, out[4];
	int p[2], ep = epoll_create1(0);

	T_OK("epoll_create1", ep);
	T_OK("pipe", pipe(p));
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x1234};
	T_OK("add the read end, level-triggered",
	     epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	T_EQ("  nothing yet", wait_events(ep, out, 4, 0), 0);
	write(p[1], "ab", 2);
	T_EQ("  one event", wait_events(ep, out, 4, 0), 1);
	T_EQ("  EPOLLIN", out[0].events, EPOLLIN);
	T_EQ("  data", out[0].data.u64, 0x1234);
	T_EQ("  again (level)", wait_events(ep, out, 4, 0), 1);
	T_ERR("add twice", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);

	ev.events = EPOLLIN | EPOLLET;
	T_OK("modify to edge-triggered",
	     epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	T_EQ("  one event", wait_events(ep, out, 4, 0), 1);
	T_EQ("  then none", wait_events(ep, out, 4, 0), 0);
	write(p[1], "c", 1);
	T_EQ("  new data: one more", wait_events(ep, out, 4, 0), 1);
	T_EQ("  then none", wait_events(ep, out, 4, 0), 0);

	ev.events = EPOLLIN | EPOLLONESHOT;
	T_OK("modify to one-shot", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	T_EQ("  one event", wait_events(ep, out, 4, 0), 1);
	write(p[1], "d", 1);
	T_EQ("  disabled after it", wait_events(ep, out, 4, 0), 0);
	T_OK("  re-armed by MOD", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	T_EQ("  one event", wait_events(ep, out, 4, 0), 1);

	ev.events = EPOLLOUT;
	ev.data.u64 = 0x99;
	T_OK("add the write end for EPOLLOUT",
	     epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	T_EQ("  one event (read end is one-shot, spent)",
	     wait_events(ep, out, 4, 0), 1);
	T_EQ("  data", out[0].data.u64, 0x99);
	T_OK("delete it", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	T_ERR("delete again", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
	T_ERR("modify a missing one", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev),
	      ENOENT);

	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	char buf[16];
	read(p[0], buf, sizeof(buf));
	close(p[1]);
	T_EQ("writer closed: one event", wait_events(ep, out, 4, 0), 1);
	T_EQ("  EPOLLHUP", out[0].events, EPOLLHUP);
	close(p[0]);
	close(ep);
}

static void epoll_lifetime(void)
{
	struct epoll_event ev = {.events = EPOLLIN}, out[4];
	int p[2], ep = epoll_create(1);

	pipe(p);
	int dup_fd = dup(p[0]);
	ev.data.u64 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	write(p[1], "x", 1);
	close(p[0]);
	T_EQ("one descriptor closed, the file open: still there",
	     wait_events(ep, out, 4, 0), 1);
	T_EQ("  data", out[0].data.u64, 1);
	close(dup_fd);
	T_EQ("the file's last close: gone", wait_events(ep, out, 4, 0), 0);
	close(p[1]);

	pid_t pid;
	pipe(p);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	pid = t_fork();
	if (pid == 0) {
		t_msleep(30);
		_exit(write(p[1], "y", 1) == 1 ? 0 : 1);
	}
	T_EQ("blocking wait woken by another process",
	     wait_events(ep, out, 4, 5000), 1);
	t_wait(pid);

	/* Nesting: ep2 watches ep. */
	int ep2 = epoll_create1(EPOLL_CLOEXEC);
	ev.data.u64 = 2;
	T_OK("an epoll in an epoll", epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev));
	T_EQ("  the inner one is ready", wait_events(ep2, out, 4, 0), 1);
	T_EQ("  data", out[0].data.u64, 2);
	T_ERR("a loop", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), ELOOP);
	T_ERR("itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	T_EQ("FD_CLOEXEC from EPOLL_CLOEXEC", fcntl(ep2, F_GETFD), FD_CLOEXEC);
	close(ep2);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	got = sig;
}

static void epoll_errors(void)
{
	struct epoll_event ev = {.events = EPOLLIN}, out[2];
	int ep = epoll_create1(0), p[2];
	int file = open("/init", O_RDONLY);

	pipe(p);
	T_SYSERR("epoll_create(0)", t_sys1(SYS_epoll_create, 0), EINVAL);
	T_ERR("epoll_create1 bad flags", epoll_create1(1), EINVAL);
	T_ERR("a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev), EPERM);
	T_ERR("not an epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev),
	      EINVAL);
	T_ERR("bad op", epoll_ctl(ep, 9, p[0], &ev), EINVAL);
	T_ERR("closed fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev), EBADF);
	T_SYSERR("bad event pointer",
		 t_sys4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], BAD_ONE),
		 EFAULT);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	T_OK("EPOLLEXCLUSIVE add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	T_ERR("  no MOD of it", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev),
	      EINVAL);
	T_ERR("wait with 0 events", epoll_wait(ep, out, 0, 0), EINVAL);
	T_ERR("wait on a pipe", epoll_wait(p[0], out, 1, 0), EINVAL);
	T_SYSERR("wait into a bad buffer",
		 t_sys4(SYS_epoll_wait, ep, BAD_KERN, 1, 0), EFAULT);

	struct sigaction sa = {.sa_handler = on_sig};
	sigaction(SIGUSR1, &sa, NULL);
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0) {
		t_msleep(30);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got = 0;
	T_ERR("wait interrupted", epoll_wait(ep, out, 2, 5000), EINTR);
	T_EQ("  handler ran", got, SIGUSR1);
	t_wait(pid);

	sigset_t block, empty, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = t_fork();
	if (pid == 0) {
		t_msleep(30);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got = 0;
	T_ERR("epoll_pwait unblocking SIGUSR1",
	      epoll_pwait(ep, out, 2, 5000, &empty), EINTR);
	T_EQ("  handler ran", got, SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	T_EQ("  blocked again after", sigismember(&now, SIGUSR1), 1);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	t_wait(pid);
	close(file);
	close(p[0]);
	close(p[1]);
	close(ep);
}

int main(void)
{
	eventfds();
	signalfds();
	timerfds();
	epoll_modes();
	epoll_lifetime();
	epoll_errors();
	t_done();
}
