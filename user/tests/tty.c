/*
 * tty.c - terminals through a pseudo-terminal pair: what a process on the
 * slave sees when the master side types, as on Linux.
 *
 * devtmpfs and devpts mounted (as an init would), /dev/ptmx: the pair's
 * number, the lock (EIO until unlockpt), the slave's default settings
 * (read through either side), canonical input with erase, kill, werase,
 * lnext and ^D, echo with ECHOCTL, output processing (ONLCR, ICRNL),
 * raw mode with VMIN/VTIME, FIONREAD, TCFLSH, O_NONBLOCK, poll; then job
 * control with a child session whose controlling terminal is the slave:
 * TIOCSCTTY, TIOCGPGRP/TIOCSPGRP/TIOCGSID, ^C, ^Z and ^\ to the
 * foreground group, SIGTTIN and SIGTTOU for a background group,
 * TIOCSWINSZ and SIGWINCH, /dev/tty; and the ends: the master's close
 * hangs the session up (SIGHUP; reads 0, writes EIO), the slave's last
 * close makes master reads fail with EIO.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int master = -1, slave = -1;

/* Bytes readable from fd within ms, then until it stays quiet 50 ms. */
static int gather(int fd, char *buf, int size, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int got = 0;

	while (got < size - 1 && poll(&p, 1, got ? 50 : ms) == 1) {
		int n;

		if (!(p.revents & POLLIN))
			break;
		n = (int)read(fd, buf + got, (size_t)(size - 1 - got));
		if (n <= 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	return got;
}

/* bytes shown with C escapes, so that control characters are visible */
static const char *shown(const char *s, int n)
{
	static char out[512];
	int o = 0;

	for (int i = 0; i < n && o < (int)sizeof(out) - 5; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			o += sprintf(out + o, "\\n");
		else if (c == '\r')
			o += sprintf(out + o, "\\r");
		else if (c < 32 || c >= 127)
			o += sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* Read as many bytes as want has (within 2 s), and compare. */
static void expect_read(const char *name, int fd, const char *want)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int len = (int)strlen(want), got = 0;
	char buf[256];

	while (got < len && poll(&p, 1, 2000) == 1 && (p.revents & POLLIN)) {
		int n = (int)read(fd, buf + got, (size_t)(len - got));

		if (n <= 0)
			break;
		got += n;
	}
	T_STREQ(name, shown(buf, got), shown(want, len));
}

/* What the master got (echo): printed as a fact. */
static void echo_of(int fd)
{
	char buf[256];
	int n = gather(fd, buf, sizeof(buf), 1000);

	t_say("  echo: %s", shown(buf, n));
}

static void type(const char *s)
{
	if (write(master, s, strlen(s)) != (ssize_t)strlen(s))
		t_say("type %s: short write", shown(s, (int)strlen(s)));
}

static void setup(void)
{
	int n = -1;

	mkdir("/dev", 0755);
	T_OK("mount devtmpfs on /dev",
	     mount("devtmpfs", "/dev", "devtmpfs", 0, ""));
	mkdir("/dev/pts", 0755);
	T_OK("mount devpts", mount("devpts", "/dev/pts", "devpts", 0, ""));
	master = posix_openpt(O_RDWR | O_NOCTTY);
	T_OK("posix_openpt", master);
	T_OK("TIOCGPTN", ioctl(master, TIOCGPTN, &n));
	T_EQ("  first pair's number", n, 0);
	T_ERR("slave before unlockpt", open("/dev/pts/0", O_RDWR | O_NOCTTY),
	      EIO);
	T_OK("grantpt", grantpt(master));
	T_OK("unlockpt", unlockpt(master));
	T_STREQ("ptsname", ptsname(master), "/dev/pts/0");
	slave = open("/dev/pts/0", O_RDWR | O_NOCTTY);
	T_OK("open the slave", slave);
	T_EQ("isatty(master)", isatty(master), 1);
	T_EQ("isatty(slave)", isatty(slave), 1);
}

static void defaults(void)
{
	struct termios t, tm;
	struct stat st;

	T_OK("fstat slave", fstat(slave, &st));
	T_EQ("  S_ISCHR", S_ISCHR(st.st_mode), 1);
	T_EQ("  major", major(st.st_rdev), 136);
	T_EQ("  minor", minor(st.st_rdev), 0);
	T_EQ("  mode", st.st_mode & 07777, 0600);
	T_OK("tcgetattr(slave)", tcgetattr(slave, &t));
	t_say("  iflag %#o oflag %#o cflag %#o lflag %#o", t.c_iflag, t.c_oflag,
	      t.c_cflag, t.c_lflag);
	t_say("  intr %d quit %d erase %d kill %d eof %d susp %d werase %d "
	      "lnext %d min %d time %d",
	      t.c_cc[VINTR], t.c_cc[VQUIT], t.c_cc[VERASE], t.c_cc[VKILL],
	      t.c_cc[VEOF], t.c_cc[VSUSP], t.c_cc[VWERASE], t.c_cc[VLNEXT],
	      t.c_cc[VMIN], t.c_cc[VTIME]);
	T_OK("tcgetattr(master)", tcgetattr(master, &tm));
	T_EQ("  the master shows the slave's",
	     t.c_iflag == tm.c_iflag && t.c_oflag == tm.c_oflag &&
		     t.c_cflag == tm.c_cflag && t.c_lflag == tm.c_lflag &&
		     !memcmp(t.c_cc, tm.c_cc, 19),
	     1);
}

static void canonical(void)
{
	char buf[64];

	type("hello\n");
	expect_read("slave reads a line", slave, "hello\n");
	expect_read("  master sees the echo", master, "hello\r\n");
	type("abc\x7f"
	     "d\n");
	expect_read("erase", slave, "abd\n");
	expect_read("  its echo", master, "abc\b \bd\r\n");
	type("junk\x15ok\n");
	expect_read("kill (^U)", slave, "ok\n");
	echo_of(master);
	type("one two\x17three\n");
	expect_read("werase (^W)", slave, "one three\n");
	echo_of(master);
	type("\x16\x03x\n");
	expect_read("lnext (^V) then ^C", slave, "\x03x\n");
	expect_read("  echoed: ^ and a backspace, then ^C", master,
		    "^\b^Cx\r\n");
	type("xy\x04");
	expect_read("^D ends a partial line", slave, "xy");
	type("\x04");
	T_EQ("^D at a line's start: read 0", read(slave, buf, sizeof(buf)), 0);
	echo_of(master);
	type("cr\r");
	expect_read("ICRNL: \\r read as \\n", slave, "cr\n");
	echo_of(master);
	T_EQ("slave writes a\\nb", write(slave, "a\nb", 3), 3);
	expect_read("  ONLCR at the master", master, "a\r\nb");
}

static void queues(void)
{
	char buf[64];
	int n = -1;

	type("queued\n");
	t_msleep(100);
	T_OK("FIONREAD", ioctl(slave, FIONREAD, &n));
	T_EQ("  bytes waiting", n, 7);
	echo_of(master);
	T_OK("tcflush(TCIFLUSH)", tcflush(slave, TCIFLUSH));
	T_OK("FIONREAD again", ioctl(slave, FIONREAD, &n));
	T_EQ("  after the flush", n, 0);
	T_OK("O_NONBLOCK", fcntl(slave, F_SETFL, O_NONBLOCK));
	T_ERR("read an empty slave", read(slave, buf, sizeof(buf)), EAGAIN);
	T_OK("blocking again", fcntl(slave, F_SETFL, 0));
	T_ERR("tcflush(bad queue)", tcflush(slave, 7), EINVAL);
}

static void raw(void)
{
	struct termios t, saved;
	struct pollfd p = {.fd = slave, .events = POLLIN};
	char buf[64];

	tcgetattr(slave, &saved);
	t = saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	T_OK("raw, VMIN 0 VTIME 0", tcsetattr(slave, TCSANOW, &t));
	T_EQ("  read with nothing there", read(slave, buf, sizeof(buf)), 0);
	type("\x03z");
	T_EQ("  poll sees input", poll(&p, 1, 1000), 1);
	t_msleep(50);
	T_EQ("  ^C is a byte", read(slave, buf, sizeof(buf)), 2);
	T_EQ("  first byte", buf[0], 3);
	T_EQ("  no echo", gather(master, buf, sizeof(buf), 100), 0);
	t.c_cc[VMIN] = 3;
	T_OK("VMIN 3", tcsetattr(slave, TCSANOW, &t));
	type("pq");
	t_msleep(50);
	type("r");
	T_EQ("  read waits for 3", read(slave, buf, sizeof(buf)), 3);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 2;
	T_OK("VMIN 0 VTIME 2", tcsetattr(slave, TCSANOW, &t));
	T_EQ("  times out with 0", read(slave, buf, sizeof(buf)), 0);
	T_EQ("slave writes \\n raw", write(slave, "\n", 1), 1);
	expect_read("  no ONLCR", master, "\n");
	T_OK("back to the saved settings", tcsetattr(slave, TCSAFLUSH, &saved));
}

/* ---- job control: a child session on the slave ------------------------ */

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

/* The child's side: a session leader with the slave as its terminal. */
static int session_leader(void *arg)
{
	struct winsize ws;
	pid_t pg = -1, sid = -1;
	char buf[64];
	int fd, tty;

	(void)arg;
	T_EQ("setsid", setsid() > 0, 1);
	T_ERR("/dev/tty without a terminal", open("/dev/tty", O_RDWR), ENXIO);
	T_ERR("TIOCGPGRP before TIOCSCTTY", ioctl(slave, TIOCGPGRP, &pg),
	      ENOTTY);
	T_ERR("TIOCNOTTY without a terminal", ioctl(slave, TIOCNOTTY), ENOTTY);
	T_OK("TIOCSCTTY", ioctl(slave, TIOCSCTTY, 0));
	T_OK("TIOCGPGRP", ioctl(slave, TIOCGPGRP, &pg));
	T_EQ("  the foreground group is ours", pg == getpgrp(), 1);
	T_OK("TIOCGSID", ioctl(slave, TIOCGSID, &sid));
	T_EQ("  our session", sid == getsid(0), 1);
	tty = open("/dev/tty", O_RDWR);
	T_OK("/dev/tty now", tty);
	T_EQ("  writes to the slave", write(tty, "via tty\n", 8), 8);
	close(tty);
	signal(SIGWINCH, on_winch);
	T_EQ("tell the parent", write(slave, "R", 1), 1);
	/* The parent resizes the window from the master. */
	for (int i = 0; i < 100 && !winch; i++)
		t_msleep(20);
	T_EQ("SIGWINCH", winch, 1);
	T_OK("TIOCGWINSZ", ioctl(slave, TIOCGWINSZ, &ws));
	T_EQ("  rows", ws.ws_row, 33);
	T_EQ("  cols", ws.ws_col, 101);
	fd = read(slave, buf, sizeof(buf)); /* the parent types "go\n" */
	T_EQ("read the parent's line", fd, 3);
	return t_failures ? 1 : 0;
}

/* A process of the session: wait until ^Z and ^C come from the master
 * (it prints nothing: its lines would race with the leader's). */
static int foreground_sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static void background_access(void)
{
	pid_t pid = t_fork();
	int st;

	if (pid == 0) {
		char c;

		setpgid(0, 0); /* a background group of the session */
		_exit((int)read(slave, &c, 1)); /* SIGTTIN stops it first */
	}
	waitpid(pid, &st, WUNTRACED);
	T_STATUS("background read", st, "stopped SIGTTIN");
	kill(pid, SIGKILL);
	T_STATUS("  killed", t_wait(pid), "signal SIGKILL");
}

static void job_control(void)
{
	char buf[64];
	pid_t leader, pid;
	int st;

	int log = open("/tty-session.log", O_RDWR | O_CREAT | O_TRUNC, 0600);

	leader = t_fork();
	if (leader == 0) {
		close(master);
		t_failures = 0;
		/* Its lines go to a file the parent prints at the end, so
		 * that the two processes' lines do not interleave. */
		dup2(log, 1);
		session_leader(NULL);

		/* As the session: a sleeper in the foreground, ^C ^Z ^\. */
		pid = t_fork();
		if (pid == 0)
			_exit(foreground_sleeper(NULL));
		setpgid(pid, pid);
		T_OK("TIOCSPGRP to the sleeper's group", tcsetpgrp(slave, pid));
		T_ERR("TIOCSPGRP from the background (SIGTTOU ignored)",
		      (signal(SIGTTOU, SIG_IGN), tcsetpgrp(slave, 424242)),
		      ESRCH);
		signal(SIGTTOU, SIG_DFL);
		T_EQ("tell the parent", write(slave, "F", 1), 1);
		waitpid(pid, &st, WUNTRACED);
		T_STATUS("the sleeper after ^Z", st, "stopped SIGTSTP");
		kill(pid, SIGCONT);
		waitpid(pid, &st, WCONTINUED);
		T_STATUS("  continued", st, "continued");
		T_EQ("tell the parent", write(slave, "Z", 1), 1);
		waitpid(pid, &st, 0);
		T_STATUS("the sleeper after ^C", st, "signal SIGINT");
		/* From the background: with SIGTTOU ignored, as shells do. */
		signal(SIGTTOU, SIG_IGN);
		T_OK("foreground back to us", tcsetpgrp(slave, getpgrp()));
		signal(SIGTTOU, SIG_DFL);
		background_access();
		_exit(t_failures ? 1 : 0);
	}
	expect_read("the leader's /dev/tty write", master, "via tty\r\nR");
	{
		struct winsize ws = {.ws_row = 33, .ws_col = 101};

		T_OK("TIOCSWINSZ on the master",
		     ioctl(master, TIOCSWINSZ, &ws));
	}
	type("go\n");
	expect_read("  echo", master, "go\r\n");
	expect_read("  foreground changed", master, "F");
	type("\x1a");
	expect_read("^Z echoed, the sleeper continued", master, "^ZZ");
	type("\x03");
	st = t_wait(leader);
	expect_read("^C echoed", master, "^C");
	t_say("-- the session leader's lines:");
	lseek(log, 0, SEEK_SET);
	for (int n; (n = (int)read(log, buf, sizeof(buf))) > 0;)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	close(log);
	unlink("/tty-session.log");
	T_STATUS("the session leader", st, "exit 0");
}

/* The master's close: the session on the slave is hung up. */
static void hangup(void)
{
	int ready[2], st;
	pid_t pid;
	char c;

	pipe(ready);
	pid = t_fork();
	if (pid == 0) {
		close(master);
		close(ready[0]);
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		signal(SIGHUP, SIG_IGN);
		write(ready[1], "x", 1);
		for (int i = 0; i < 100; i++) {
			char b;
			int n = (int)read(slave, &b, 1);

			/* Exit statuses only: a line here would race
			 * with the parent's. */
			if (n == 0)
				_exit(write(slave, "x", 1) == -1 && errno == EIO
					      ? 0
					      : 4);
			t_msleep(20);
		}
		_exit(3);
	}
	close(ready[1]);
	T_EQ("the child is ready", read(ready[0], &c, 1), 1);
	T_OK("close the master", close(master));
	st = t_wait(pid);
	T_STATUS("  the slave read 0, then a write failed with EIO", st,
		 "exit 0");
	close(ready[0]);
	close(slave);
}

static void master_after_slave(void)
{
	char buf[16];
	int m = posix_openpt(O_RDWR | O_NOCTTY), s, n = -1;
	struct pollfd p = {.events = POLLIN};

	T_OK("a second pair", m);
	ioctl(m, TIOCGPTN, &n);
	T_EQ("  number 0 again (the first is gone)", n, 0);
	unlockpt(m);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	T_OK("  its slave", s);
	T_EQ("  slave writes", write(s, "bye", 3), 3);
	T_OK("  slave closed", close(s));
	expect_read("  master reads what was left", m, "bye");
	T_ERR("  then EIO", read(m, buf, sizeof(buf)), EIO);
	p.fd = m;
	T_EQ("  poll", poll(&p, 1, 0), 1);
	T_EQ("  POLLHUP", p.revents & POLLHUP, POLLHUP);
	T_OK("  close", close(m));
}

int main(void)
{
	setup();
	if (master < 0 || slave < 0)
		t_done();
	defaults();
	canonical();
	queues();
	raw();
	job_control();
	hangup();
	master_after_slave();
	t_done();
}
