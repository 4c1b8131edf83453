/*
 * pipes.c - pipes and FIFOs.
 *   pipe/pipe2: the two ends' access modes, O_CLOEXEC and O_NONBLOCK on
 *   both, EINVAL for other flags, EFAULT for a bad array with no
 *   descriptor left behind. fstat/fstatat(AT_EMPTY_PATH)/statx: a FIFO,
 *   mode 0600, one inode for both ends. lseek, pread and pwrite ESPIPE;
 *   reading the write end and writing the read end EBADF; ioctl TCGETS
 *   ENOTTY; FIONREAD (EFAULT too); zero-byte reads and writes; a read
 *   takes what is there; a bad buffer is EFAULT and moves nothing.
 *   Waking: EOF when the writers are gone, a blocked reader woken by a
 *   writer in another process and in another thread, and by the last
 *   writer's exit; a blocked writer woken by a reader, and by the
 *   readers' close (EPIPE). Signals: a blocked read or write EINTR (no
 *   SA_RESTART), a longer write returning what fit, a read restarted
 *   with SA_RESTART. EPIPE: death by SIGPIPE, EPIPE with SIGPIPE
 *   ignored, SIGPIPE pending when blocked, a handler run once.
 *   O_NONBLOCK: EAGAIN on an empty pipe, EOF still 0, a full pipe (64
 *   KiB), no partial write of PIPE_BUF bytes, a partial longer write,
 *   F_SETFL and FIONBIO shared through dup. PIPE_BUF writes of four
 *   processes at once: no record interleaved, each writer's in order.
 *   1 MiB in one write, read back in odd pieces (both directions),
 *   writev. F_GETPIPE_SZ 65536 on both ends; F_SETPIPE_SZ: rounding to a
 *   power of two pages, its 32-bit argument, EINVAL beyond 2 GiB, EPERM
 *   above 1 MiB for non-root, EBUSY when the data would not fit (data
 *   kept), the new capacity seen by a non-blocking fill; F_GETPIPE_SZ of
 *   a regular file EBADF. Descriptors: a dup'd write end keeps EOF away
 *   until it closes too, a dup'd read end keeps EPIPE away, a forked
 *   child's copy likewise, dup2 over an end closes it. fork + execve: a
 *   helper's stdout through a pipe, busybox cat between two pipes, an
 *   O_CLOEXEC end closed by execve (EOF while the child still runs).
 *   FIFOs (mkfifo and mknod S_IFIFO in a tmpfs mounted here): the mode,
 *   EEXIST, O_RDONLY|O_NONBLOCK opens alone (reads EOF), O_WRONLY|
 *   O_NONBLOCK without a reader ENXIO, blocking opens of both ends
 *   rendezvous (either first), O_RDWR opens at once, EOF after the writer
 *   closes, data dropped after the last close, a reader or writer blocked
 *   in open interrupted by a signal (EINTR, no SA_RESTART) and leaving no
 *   trace, SIGPIPE through a FIFO, lseek ESPIPE.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR "/tmp_pipes"
#define MIB (1 << 20)

/* struct statx, as far as the mode. */
struct statx_head {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode;
	uint8_t rest[256 - 30];
};

static int pfd[2];

static void make_pipe(int flags)
{
	if (pipe2(pfd, flags) < 0) {
		t_say("pipe2: %s", t_errname(errno));
		t_done();
	}
}

static void close_pipe(void)
{
	close(pfd[0]);
	close(pfd[1]);
}

/* The lowest free descriptor (what the next open would get). */
static int lowest_free(void)
{
	int fd = dup(0);
	close(fd);
	return fd;
}

static long nread(int fd)
{
	int n = -1;
	if (ioctl(fd, FIONREAD, &n) < 0)
		return -errno;
	return n;
}

/* Read until EOF (or max bytes): the count, or -errno. */
static long read_all(int fd, char *buf, size_t max)
{
	size_t got = 0;
	while (got < max) {
		ssize_t r = read(fd, buf + got, max - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

/* Fill a non-blocking end with writes of chunk bytes until EAGAIN. */
static long fill(int fd, size_t chunk)
{
	static char buf[65536];
	long total = 0;
	for (;;) {
		ssize_t w = write(fd, buf, chunk);
		if (w < 0)
			return errno == EAGAIN ? total : -errno;
		total += w;
	}
}

/* Read a non-blocking end until it is empty (or at EOF): the count. */
static long drain(int fd)
{
	static char buf[65536];
	long total = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		total += r;
	return total;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static volatile int *ticks; /* SIGALRM handler runs (shared memory) */

static void on_tick(int sig)
{
	(*ticks)++;
}

/* A SIGALRM every 20 ms from now on, its handler with flags. */
static void ticks_start(int flags)
{
	struct sigaction sa = {.sa_handler = on_tick, .sa_flags = flags};
	struct itimerval it = {{0, 20000}, {0, 20000}};

	sigaction(SIGALRM, &sa, NULL);
	*ticks = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void ticks_stop(void)
{
	struct itimerval off = {{0, 0}, {0, 0}};

	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_IGN);
}

/* ---- creation ----------------------------------------------------------- */

static void creation(void)
{
	int low = lowest_free();

	T_OK("pipe", pipe(pfd));
	T_EQ("  read end F_GETFL", fcntl(pfd[0], F_GETFL), O_RDONLY);
	T_EQ("  write end F_GETFL", fcntl(pfd[1], F_GETFL), O_WRONLY);
	T_EQ("  F_GETFD", fcntl(pfd[0], F_GETFD) | fcntl(pfd[1], F_GETFD), 0);
	T_EQ("  the two lowest descriptors", pfd[0] == low && pfd[1] == low + 1,
	     1);
	close_pipe();

	T_OK("pipe2 O_CLOEXEC", pipe2(pfd, O_CLOEXEC));
	T_EQ("  F_GETFD read end", fcntl(pfd[0], F_GETFD), FD_CLOEXEC);
	T_EQ("  F_GETFD write end", fcntl(pfd[1], F_GETFD), FD_CLOEXEC);
	T_EQ("  F_GETFL write end", fcntl(pfd[1], F_GETFL), O_WRONLY);
	close_pipe();

	T_OK("pipe2 O_NONBLOCK", pipe2(pfd, O_NONBLOCK));
	T_EQ("  F_GETFL read end", fcntl(pfd[0], F_GETFL), O_NONBLOCK);
	T_EQ("  F_GETFL write end", fcntl(pfd[1], F_GETFL),
	     O_WRONLY | O_NONBLOCK);
	T_EQ("  F_GETFD", fcntl(pfd[0], F_GETFD), 0);
	close_pipe();

	int fds[2] = {-1, -1};
	T_SYSERR("pipe2 O_APPEND", t_sys2(SYS_pipe2, fds, O_APPEND), EINVAL);
	T_SYSERR("pipe2 O_RDWR", t_sys2(SYS_pipe2, fds, O_RDWR), EINVAL);
	T_SYSERR("pipe2 flags -1", t_sys2(SYS_pipe2, fds, -1), EINVAL);
	T_SYSERR("pipe2 O_CLOEXEC|O_TRUNC",
		 t_sys2(SYS_pipe2, fds, O_CLOEXEC | O_TRUNC), EINVAL);
	T_EQ("  array untouched", fds[0] == -1 && fds[1] == -1, 1);
	T_SYSERR("pipe(NULL)", t_sys1(SYS_pipe, BAD_NULL), EFAULT);
	T_SYSERR("pipe2 at a kernel address",
		 t_sys2(SYS_pipe2, BAD_KERN, O_CLOEXEC), EFAULT);
	void *ro =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_SYSERR("pipe into read-only memory", t_sys1(SYS_pipe, ro), EFAULT);
	munmap(ro, 4096);
	T_EQ("  no descriptor left behind", lowest_free(), low);
}

/* ---- what a pipe end is ------------------------------------------------- */

static void identity(void)
{
	struct stat a, b;
	struct statx_head sx;

	make_pipe(0);
	T_OK("fstat read end", fstat(pfd[0], &a));
	T_EQ("  S_ISFIFO", S_ISFIFO(a.st_mode), 1);
	T_EQ("  permissions (octal)", a.st_mode & 07777, 0600);
	T_EQ("  st_size", a.st_size, 0);
	T_EQ("  st_nlink", a.st_nlink, 1);
	T_EQ("  st_uid is ours", a.st_uid == getuid(), 1);
	T_OK("fstat write end", fstat(pfd[1], &b));
	T_EQ("  the same inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	     1);
	memset(&b, 0, sizeof(b));
	T_SYSOK("newfstatat(fd, \"\", AT_EMPTY_PATH)",
		t_sys4(SYS_newfstatat, pfd[1], "", &b, AT_EMPTY_PATH));
	T_EQ("  S_ISFIFO", S_ISFIFO(b.st_mode), 1);
	T_EQ("  the same inode", a.st_ino == b.st_ino, 1);
	memset(&sx, 0, sizeof(sx));
	T_SYSOK("statx(fd, \"\", AT_EMPTY_PATH)",
		t_sys5(SYS_statx, pfd[0], "", AT_EMPTY_PATH, 0x7ff, &sx));
	T_EQ("  S_ISFIFO", S_ISFIFO(sx.mode), 1);
	T_EQ("fstatfs of a pipe works",
	     t_sys2(SYS_fstatfs, pfd[0], (char[128]){0}), 0);

	char c = 0;
	T_ERR("lseek read end", lseek(pfd[0], 0, SEEK_CUR), ESPIPE);
	T_ERR("lseek write end", lseek(pfd[1], 0, SEEK_SET), ESPIPE);
	T_ERR("pread", pread(pfd[0], &c, 1, 0), ESPIPE);
	T_ERR("pwrite", pwrite(pfd[1], &c, 1, 0), ESPIPE);
	T_ERR("pread of the write end", pread(pfd[1], &c, 1, 0), ESPIPE);
	T_ERR("read the write end", read(pfd[1], &c, 1), EBADF);
	T_ERR("write the read end", write(pfd[0], &c, 1), EBADF);
	T_ERR("isatty", isatty(pfd[0]) ? 0 : -1, ENOTTY);
	T_EQ("F_GETPIPE_SZ read end", fcntl(pfd[0], F_GETPIPE_SZ), 65536);
	T_EQ("F_GETPIPE_SZ write end", fcntl(pfd[1], F_GETPIPE_SZ), 65536);

	T_EQ("FIONREAD empty", nread(pfd[0]), 0);
	T_EQ("write 0 bytes", write(pfd[1], "", 0), 0);
	T_EQ("read 0 bytes of an empty pipe", read(pfd[0], &c, 0), 0);
	T_EQ("write hello", write(pfd[1], "hello", 5), 5);
	T_EQ("write world", write(pfd[1], "world", 5), 5);
	T_EQ("FIONREAD", nread(pfd[0]), 10);
	T_EQ("FIONREAD on the write end", nread(pfd[1]), 10);
	T_SYSERR("FIONREAD at a kernel address",
		 t_sys3(SYS_ioctl, pfd[0], FIONREAD, BAD_KERN), EFAULT);
	T_SYSERR("read into a kernel address",
		 t_sys3(SYS_read, pfd[0], BAD_KERN, 5), EFAULT);
	T_SYSERR("read into an unmapped address",
		 t_sys3(SYS_read, pfd[0], BAD_ONE, 5), EFAULT);
	T_SYSERR("write from an unmapped address",
		 t_sys3(SYS_write, pfd[1], BAD_ONE, 5), EFAULT);
	T_EQ("  FIONREAD unchanged", nread(pfd[0]), 10);
	char buf[64] = {0};
	T_EQ("read 3", read(pfd[0], buf, 3), 3);
	T_EQ("FIONREAD after", nread(pfd[0]), 7);
	T_EQ("read 100 takes what is there", read(pfd[0], buf + 3, 100), 7);
	T_STREQ("  data", buf, "helloworld");
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	T_EQ("writev", writev(pfd[1], iov, 3), 5);
	memset(buf, 0, sizeof(buf));
	struct iovec riov[2] = {{buf, 1}, {buf + 1, 10}};
	T_EQ("readv", readv(pfd[0], riov, 2), 5);
	T_STREQ("  data", buf, "abcde");
	close_pipe();
}

/* ---- waking ------------------------------------------------------------- */

static void *write_later(void *arg)
{
	t_msleep(30);
	write(pfd[1], arg, strlen(arg));
	return NULL;
}

static void wakeups(void)
{
	static char buf[4096];
	pid_t pid;

	make_pipe(0);
	close(pfd[1]);
	T_EQ("no writer: EOF", read(pfd[0], buf, 10), 0);
	close(pfd[0]);

	make_pipe(0);
	pid = t_fork();
	if (pid == 0) {
		close(pfd[0]);
		t_msleep(30);
		write(pfd[1], "ping", 4);
		_exit(0);
	}
	close(pfd[1]);
	T_EQ("blocked reader woken by another process", read(pfd[0], buf, 10),
	     4);
	T_STREQ("  data", buf, "ping");
	T_EQ("  then EOF at its exit", read(pfd[0], buf, 10), 0);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	close(pfd[0]);

	make_pipe(0);
	pthread_t th;
	memset(buf, 0, 64);
	pthread_create(&th, NULL, write_later, "pong");
	T_EQ("blocked reader woken by another thread", read(pfd[0], buf, 10),
	     4);
	T_STREQ("  data", buf, "pong");
	pthread_join(th, NULL);
	close_pipe();

	make_pipe(0);
	pid = t_fork();
	if (pid == 0) {
		close(pfd[0]);
		t_msleep(30);
		_exit(0); /* the last writer goes */
	}
	close(pfd[1]);
	T_EQ("blocked reader woken by the last writer's exit",
	     read(pfd[0], buf, 10), 0);
	t_wait(pid);
	close(pfd[0]);

	make_pipe(O_NONBLOCK);
	T_EQ("fill", fill(pfd[1], 4096), 65536);
	set_nonblock(pfd[1], 0);
	pid = t_fork();
	if (pid == 0) {
		static char big[8192];
		t_msleep(30);
		_exit(read(pfd[0], big, 8192) == 8192 ? 0 : 1);
	}
	T_EQ("blocked writer woken by a reader", write(pfd[1], buf, 4096),
	     4096);
	T_STATUS("  reader", t_wait(pid), "exit 0");
	T_EQ("  FIONREAD", nread(pfd[0]), 65536 - 4096);
	T_EQ("  fill it again", write(pfd[1], buf, 4096), 4096);

	signal(SIGPIPE, SIG_IGN);
	pid = t_fork();
	if (pid == 0) {
		close(pfd[1]);
		t_msleep(30);
		_exit(0); /* the last reader goes */
	}
	close(pfd[0]);
	T_ERR("blocked writer woken by the readers' exit: EPIPE",
	      write(pfd[1], buf, 1), EPIPE);
	t_wait(pid);
	signal(SIGPIPE, SIG_DFL);
	close(pfd[1]);
}

/* ---- signals ------------------------------------------------------------ */

static void interrupted(void)
{
	static char buf[100000];
	pid_t pid;

	make_pipe(0);
	ticks_start(0);
	T_ERR("blocked read interrupted by a signal", read(pfd[0], buf, 1),
	      EINTR);
	T_EQ("blocked write of 100000 interrupted: what fit",
	     write(pfd[1], buf, 100000), 65536);
	T_ERR("blocked write of 10 into a full pipe interrupted",
	      write(pfd[1], buf, 10), EINTR);
	ticks_stop();
	T_EQ("  FIONREAD", nread(pfd[0]), 65536);
	T_EQ("  read", read(pfd[0], buf, sizeof(buf)), 65536);

	ticks_start(SA_RESTART);
	pid = t_fork();
	if (pid == 0) {
		while (*ticks < 2)
			t_msleep(5);
		_exit(write(pfd[1], "late", 4) == 4 ? 0 : 1);
	}
	T_EQ("blocked read, SA_RESTART: goes on after the handler",
	     read(pfd[0], buf, 10), 4);
	ticks_stop();
	T_EQ("  which ran", *ticks >= 2, 1);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	close_pipe();
}

/* ---- EPIPE and SIGPIPE -------------------------------------------------- */

static volatile int sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

enum { PIPE_DEFAULT, PIPE_IGNORED, PIPE_BLOCKED, PIPE_HANDLED };

/* Write to a pipe with no reader left, with SIGPIPE as how says: the
 * exit status is 10 + what the write's errno was (EPIPE: 42). */
static int write_no_reader(void *arg)
{
	int how = (int)(long)arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (how == PIPE_IGNORED)
		signal(SIGPIPE, SIG_IGN);
	if (how == PIPE_BLOCKED)
		sigprocmask(SIG_BLOCK, &set, NULL);
	if (how == PIPE_HANDLED)
		signal(SIGPIPE, on_sigpipe);
	int r = (int)write(pfd[1], "x", 1);
	int err = r < 0 ? errno : 0;
	if (how == PIPE_BLOCKED) {
		sigpending(&set);
		if (!sigismember(&set, SIGPIPE))
			return 1;
	}
	if (how == PIPE_HANDLED && sigpipes != 1)
		return 2;
	return 10 + err;
}

static void epipe(void)
{
	static const char *const names[] = {
		"EPIPE, SIGPIPE default", "EPIPE, SIGPIPE ignored",
		"EPIPE, SIGPIPE blocked (then pending)",
		"EPIPE, SIGPIPE caught once"};
	static const char *const want[] = {"signal SIGPIPE", "exit 42",
					   "exit 42", "exit 42"};

	for (int how = 0; how < 4; how++) {
		make_pipe(0);
		close(pfd[0]); /* the child's is the last reader */
		int st = t_run(write_no_reader, (void *)(long)how);
		T_STATUS(names[how], st, want[how]);
		close(pfd[1]);
	}

	signal(SIGPIPE, SIG_IGN);
	make_pipe(O_NONBLOCK);
	close(pfd[0]);
	T_ERR("non-blocking write, no reader: EPIPE", write(pfd[1], "x", 1),
	      EPIPE);
	T_EQ("write of 0 bytes, no reader", write(pfd[1], "", 0), 0);
	close(pfd[1]);
	signal(SIGPIPE, SIG_DFL);
}

/* ---- O_NONBLOCK --------------------------------------------------------- */

static void nonblock(void)
{
	static char buf[65536];
	int d;

	memset(buf, 'n', sizeof(buf));
	make_pipe(O_NONBLOCK);
	T_ERR("empty, non-blocking read", read(pfd[0], buf, 1), EAGAIN);
	T_EQ("fill with PIPE_BUF writes", fill(pfd[1], 4096), 65536);
	T_EQ("  FIONREAD", nread(pfd[0]), 65536);
	T_ERR("full, write 1", write(pfd[1], buf, 1), EAGAIN);
	T_EQ("read 4096", read(pfd[0], buf, 4096), 4096);
	T_EQ("  write 4096", write(pfd[1], buf, 4096), 4096);
	T_ERR("  full again, write 1", write(pfd[1], buf, 1), EAGAIN);
	T_EQ("drain", drain(pfd[0]), 65536);
	T_EQ("fill with 64-byte writes", fill(pfd[1], 64), 65536);
	T_EQ("drain", drain(pfd[0]), 65536);
	fill(pfd[1], 4096);
	drain(pfd[0]);
	write(pfd[1], buf, 61440);
	T_EQ("fill 15 pages and 100 bytes", write(pfd[1], buf, 100), 100);
	T_ERR("PIPE_BUF bytes into 3996 of room: EAGAIN, nothing written",
	      write(pfd[1], buf, 4096), EAGAIN);
	T_EQ("  FIONREAD", nread(pfd[0]), 61540);
	T_EQ("  3996 bytes fit", write(pfd[1], buf, 3996), 3996);
	T_EQ("read 4096", read(pfd[0], buf, 4096), 4096);
	T_EQ("write 10000 into one page of room: partial",
	     write(pfd[1], buf, 10000), 4096);
	T_ERR("write PIPE_BUF into none: EAGAIN", write(pfd[1], buf, 4096),
	      EAGAIN);
	close(pfd[1]);
	T_EQ("no writer, data left: read", read(pfd[0], buf, 100), 100);
	drain(pfd[0]);
	T_EQ("no writer, empty, non-blocking: EOF", read(pfd[0], buf, 1), 0);
	close(pfd[0]);

	make_pipe(0);
	d = dup(pfd[0]);
	T_OK("F_SETFL O_NONBLOCK on a dup",
	     fcntl(d, F_SETFL, fcntl(d, F_GETFL) | O_NONBLOCK));
	T_EQ("  the original shares it", fcntl(pfd[0], F_GETFL), O_NONBLOCK);
	T_ERR("  read EAGAIN", read(pfd[0], buf, 1), EAGAIN);
	int off = 0;
	T_OK("FIONBIO 0", ioctl(pfd[0], FIONBIO, &off));
	T_EQ("  F_GETFL of the dup", fcntl(d, F_GETFL), O_RDONLY);
	close(d);
	close_pipe();
}

/* ---- PIPE_BUF atomicity ------------------------------------------------- */

#define WRITERS 4
#define RECORDS 48

static unsigned char rec_byte(int w, int seq, int i)
{
	return (unsigned char)(w * 61 + seq * 7 + i);
}

static void atomic_writer(int w, int go)
{
	static unsigned char rec[PIPE_BUF];
	char c;

	read(go, &c, 1); /* EOF: everybody starts */
	for (int seq = 0; seq < RECORDS; seq++) {
		rec[0] = (unsigned char)w;
		rec[1] = (unsigned char)seq;
		for (int i = 2; i < PIPE_BUF; i++)
			rec[i] = rec_byte(w, seq, i);
		if (write(pfd[1], rec, PIPE_BUF) != PIPE_BUF)
			_exit(1);
	}
	_exit(0);
}

static void atomicity(void)
{
	size_t total = (size_t)WRITERS * RECORDS * PIPE_BUF;
	unsigned char *all = malloc(total + 1);
	int go[2], next[WRITERS] = {0}, bad = 0, exits = 0;
	pid_t pids[WRITERS];

	make_pipe(0);
	pipe(go);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = t_fork();
		if (pids[w] == 0) {
			close(go[1]);
			close(pfd[0]);
			atomic_writer(w, go[0]);
		}
	}
	close(go[0]);
	close(go[1]);
	close(pfd[1]);
	/* Odd-sized reads, so that records arrive in pieces. */
	size_t got = 0;
	for (size_t step = 1000; got <= total; step = step * 7 % 9973 + 1) {
		ssize_t r = read(pfd[0], all + got, MIN(step, total + 1 - got));
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(pfd[0]);
	for (int w = 0; w < WRITERS; w++)
		exits += t_wait(pids[w]) == 0;
	T_EQ("PIPE_BUF writers that finished", exits, WRITERS);
	T_EQ("  bytes read", got, total);
	for (size_t off = 0; off + PIPE_BUF <= got; off += PIPE_BUF) {
		unsigned char *rec = all + off;
		int w = rec[0], seq = rec[1];
		if (w >= WRITERS || seq != next[w]) {
			bad++;
			continue;
		}
		next[w]++;
		for (int i = 2; i < PIPE_BUF; i++) {
			if (rec[i] != rec_byte(w, seq, i)) {
				bad++;
				break;
			}
		}
	}
	T_EQ("  records interleaved or out of order", bad, 0);
	free(all);
}

/* ---- 1 MiB in one write ------------------------------------------------- */

static unsigned char big_byte(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 12));
}

static unsigned char *big_pattern(void)
{
	unsigned char *p = malloc(MIB);
	for (size_t i = 0; i < MIB; i++)
		p[i] = big_byte(i);
	return p;
}

/* Read MIB bytes in odd pieces and compare: 0 when all are right. */
static int read_big(int fd)
{
	static unsigned char buf[70000];
	size_t got = 0, step = 1;
	int bad = 0;

	for (;;) {
		ssize_t r = read(fd, buf, step);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != big_byte(got + (size_t)i);
		got += (size_t)r;
		step = step * 3 % 69997 + 1;
	}
	return got == MIB && !bad ? 0 : 1;
}

static void big(void)
{
	unsigned char *p = big_pattern();
	long *ret = t_shared(sizeof(long));
	pid_t pid;

	make_pipe(0);
	pid = t_fork();
	if (pid == 0) {
		close(pfd[0]);
		*ret = write(pfd[1], p, MIB);
		_exit(0);
	}
	close(pfd[1]);
	T_EQ("1 MiB read back in pieces, right", read_big(pfd[0]), 0);
	t_wait(pid);
	T_EQ("  one write returned", *ret, MIB);
	close(pfd[0]);

	make_pipe(0);
	pid = t_fork();
	if (pid == 0) {
		close(pfd[1]);
		_exit(read_big(pfd[0]));
	}
	close(pfd[0]);
	T_EQ("1 MiB written to another process", write(pfd[1], p, MIB), MIB);
	close(pfd[1]);
	T_STATUS("  which read it right", t_wait(pid), "exit 0");
	free(p);
}

/* ---- the capacity ------------------------------------------------------- */

static int setsz_unprivileged(void *arg)
{
	int ok = 1;
	if (setuid(1000) < 0)
		return 3;
	ok &= fcntl(pfd[0], F_SETPIPE_SZ, MIB) == MIB;
	ok &= fcntl(pfd[0], F_SETPIPE_SZ, MIB + 1) < 0 && errno == EPERM;
	ok &= fcntl(pfd[0], F_SETPIPE_SZ, 4096) == 4096;
	return ok ? 0 : 1;
}

static void capacity(void)
{
	static const long asks[][2] = {
		{0, 4096},	  {1, 4096},	     {4096, 4096},
		{4097, 8192},	  {5 * 4096, 32768}, {65536, 65536},
		{100000, 131072}, {MIB, MIB},	     {MIB + 1, 2 * MIB},
	};
	char buf[8192], line[64];
	static char big[MIB];

	make_pipe(O_NONBLOCK);
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		snprintf(line, sizeof(line), "F_SETPIPE_SZ %ld", asks[i][0]);
		T_EQ(line, fcntl(pfd[1], F_SETPIPE_SZ, asks[i][0]), asks[i][1]);
	}
	T_EQ("  F_GETPIPE_SZ of the other end", fcntl(pfd[0], F_GETPIPE_SZ),
	     2 * MIB);
	T_SYSERR("F_SETPIPE_SZ 2 GiB + 1",
		 t_sys3(SYS_fcntl, pfd[0], F_SETPIPE_SZ, (1UL << 31) + 1),
		 EINVAL);
	T_SYSERR("F_SETPIPE_SZ 4 GiB + 8192 (not cut to an int)",
		 t_sys3(SYS_fcntl, pfd[0], F_SETPIPE_SZ, (1UL << 32) + 8192),
		 EINVAL);
	T_EQ("F_SETPIPE_SZ 8192", fcntl(pfd[0], F_SETPIPE_SZ, 8192), 8192);
	T_EQ("  non-blocking fill", write(pfd[1], big, MIB), 8192);
	T_ERR("  then EAGAIN", write(pfd[1], big, 1), EAGAIN);
	T_EQ("  read it", read(pfd[0], big, MIB), 8192);
	T_EQ("F_SETPIPE_SZ 65536", fcntl(pfd[0], F_SETPIPE_SZ, 65536), 65536);
	T_EQ("  non-blocking fill", write(pfd[1], big, MIB), 65536);
	while (read(pfd[0], big, MIB) > 0)
		;

	/* Four pages of data: not into two, into four. */
	memset(buf, 's', sizeof(buf));
	write(pfd[1], buf, 8192);
	write(pfd[1], buf, 4096);
	write(pfd[1], "tail", 4);
	T_ERR("F_SETPIPE_SZ 8192 with 12292 bytes in: EBUSY",
	      fcntl(pfd[0], F_SETPIPE_SZ, 8192), EBUSY);
	T_EQ("  size kept", fcntl(pfd[0], F_GETPIPE_SZ), 65536);
	T_EQ("F_SETPIPE_SZ 16384", fcntl(pfd[0], F_SETPIPE_SZ, 16384), 16384);
	T_EQ("  data kept", nread(pfd[0]), 12292);
	T_EQ("  read", read(pfd[0], big, MIB), 12292);
	T_EQ("  the end", memcmp(big + 12288, "tail", 4), 0);

	/* After the pipe drained, new data starts a fresh page. */
	write(pfd[1], buf, 100);
	read(pfd[0], buf, 100);
	write(pfd[1], buf, 4096);
	T_EQ("F_SETPIPE_SZ 4096 with one page in, after a drain",
	     fcntl(pfd[0], F_SETPIPE_SZ, 4096), 4096);
	T_EQ("  data kept", nread(pfd[0]), 4096);
	T_EQ("  read", read(pfd[0], big, MIB), 4096);
	T_EQ("F_SETPIPE_SZ back", fcntl(pfd[0], F_SETPIPE_SZ, 65536), 65536);
	T_STATUS("as uid 1000: 1 MiB, not more (EPERM), shrink",
		 t_run(setsz_unprivileged, NULL), "exit 0");
	close_pipe();

	int fd = open(DIR "/file", O_RDWR | O_CREAT, 0644);
	T_ERR("F_GETPIPE_SZ of a regular file", fcntl(fd, F_GETPIPE_SZ), EBADF);
	T_ERR("F_SETPIPE_SZ of a regular file", fcntl(fd, F_SETPIPE_SZ, 4096),
	      EBADF);
	close(fd);
	unlink(DIR "/file");
}

/* ---- descriptors -------------------------------------------------------- */

static void descriptors(void)
{
	char c;
	int d;

	signal(SIGPIPE, SIG_IGN);
	make_pipe(O_NONBLOCK);
	d = dup(pfd[1]);
	close(pfd[1]);
	T_ERR("write end dup'd, original closed: no EOF", read(pfd[0], &c, 1),
	      EAGAIN);
	T_EQ("  the dup writes", write(d, "d", 1), 1);
	T_EQ("  read", read(pfd[0], &c, 1), 1);
	close(d);
	T_EQ("  dup closed too: EOF", read(pfd[0], &c, 1), 0);
	close(pfd[0]);

	make_pipe(O_NONBLOCK);
	d = dup(pfd[0]);
	close(pfd[0]);
	T_EQ("read end dup'd, original closed: write", write(pfd[1], "x", 1),
	     1);
	close(d);
	T_ERR("  dup closed too: EPIPE", write(pfd[1], "x", 1), EPIPE);
	close(pfd[1]);

	make_pipe(O_NONBLOCK);
	int go[2];
	pipe(go);
	pid_t pid = t_fork();
	if (pid == 0) {
		close(go[1]);
		read(go[0], &c, 1); /* until the parent says */
		_exit(0);
	}
	close(go[0]);
	close(pfd[1]);
	T_ERR("a forked child keeps the write end: no EOF", read(pfd[0], &c, 1),
	      EAGAIN);
	close(go[1]);
	t_wait(pid);
	T_EQ("  its exit: EOF", read(pfd[0], &c, 1), 0);
	close(pfd[0]);

	make_pipe(O_NONBLOCK);
	int other[2];
	pipe(other);
	T_EQ("dup2 over the write end", dup2(other[0], pfd[1]), pfd[1]);
	T_EQ("  EOF", read(pfd[0], &c, 1), 0);
	T_EQ("  the new descriptor reads the other pipe",
	     write(other[1], "z", 1) == 1 && read(pfd[1], &c, 1) == 1 &&
		     c == 'z',
	     1);
	close(other[0]);
	close(other[1]);
	close_pipe();
	signal(SIGPIPE, SIG_DFL);
}

/* ---- fork + execve ------------------------------------------------------ */

/* Run path argv with stdin from in (unless -1) and stdout to out. */
static pid_t spawn(const char *path, char *const argv[], int in, int out)
{
	static char *const envp[] = {"PIPE=1", NULL};
	pid_t pid = t_fork();
	if (pid == 0) {
		if (in >= 0)
			dup2(in, 0);
		dup2(out, 1);
		execve(path, argv, envp);
		_exit(127);
	}
	return pid;
}

static void exec_through(void)
{
	char buf[4096];
	static const char want[] = "echoargs: argc 2\n"
				   "echoargs: argv[0] \"echoargs\"\n"
				   "echoargs: argv[1] \"through a pipe\"\n"
				   "echoargs: env \"PIPE=1\"\n";
	pid_t pid;

	make_pipe(O_CLOEXEC);
	pid = spawn("/bin/echoargs",
		    (char *const[]){"echoargs", "through a pipe", NULL}, -1,
		    pfd[1]);
	close(pfd[1]);
	long n = read_all(pfd[0], buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	T_STATUS("execve'd helper with stdout to a pipe", t_wait(pid),
		 "exit 0");
	T_EQ("  its output", strcmp(buf, want), 0);
	close(pfd[0]);

	/* writer child -> pipe a -> busybox cat -> pipe b -> us */
	int a[2], b[2];
	pipe2(a, O_CLOEXEC);
	pipe2(b, O_CLOEXEC);
	pid_t writer = t_fork();
	if (writer == 0) {
		unsigned char *p = big_pattern();
		close(a[0]);
		close(b[0]);
		close(b[1]);
		_exit(write(a[1], p, 300000) == 300000 ? 0 : 1);
	}
	pid = spawn("/bin/busybox", (char *const[]){"cat", NULL}, a[0], b[1]);
	close(a[0]);
	close(a[1]);
	close(b[1]);
	static unsigned char got[300001];
	unsigned char *p = big_pattern();
	n = read_all(b[0], (char *)got, sizeof(got));
	T_EQ("300000 bytes through busybox cat", n, 300000);
	T_EQ("  unchanged", n == 300000 && !memcmp(got, p, 300000), 1);
	T_STATUS("  writer", t_wait(writer), "exit 0");
	T_STATUS("  cat", t_wait(pid), "exit 0");
	close(b[0]);
	free(p);

	make_pipe(O_CLOEXEC);
	pid = t_fork();
	if (pid == 0) {
		execve("/bin/sleeper", (char *const[]){"sleeper", NULL},
		       (char *const[]){NULL});
		_exit(127);
	}
	close(pfd[1]);
	T_EQ("O_CLOEXEC write end closed by execve: EOF", read(pfd[0], buf, 1),
	     0);
	T_EQ("  the child still runs", waitpid(pid, NULL, WNOHANG), 0);
	kill(pid, SIGTERM);
	T_STATUS("  child", t_wait(pid), "signal SIGTERM");
	close(pfd[0]);
}

/* ---- FIFOs -------------------------------------------------------------- */

/* open() with SIGALRM ticking, no SA_RESTART: its result. */
static int open_interrupted(const char *path, int flags)
{
	ticks_start(0);
	int fd = open(path, flags);
	int err = errno;
	ticks_stop();
	errno = err;
	return fd;
}

/* Child: open the FIFO with flags, write msg (if any), close. */
static pid_t fifo_child(int flags, const char *msg)
{
	pid_t pid = t_fork();
	if (pid == 0) {
		int fd = open(DIR "/fifo", flags);
		if (fd < 0)
			_exit(2);
		if (msg && write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
			_exit(3);
		_exit(0);
	}
	return pid;
}

static void fifo_rendezvous(void)
{
	char buf[64] = {0};
	pid_t pid;
	int fd;

	pid = fifo_child(O_WRONLY, "through the fifo");
	fd = open(DIR "/fifo", O_RDONLY);
	T_OK("blocking O_RDONLY open meets a writer", fd);
	T_EQ("  read", read_all(fd, buf, sizeof(buf) - 1), 16);
	T_STREQ("  data", buf, "through the fifo");
	T_EQ("  EOF after the writer closed", read(fd, buf, 1), 0);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	close(fd);

	/* The reader child opens after us (or before: either way). */
	pid = t_fork();
	if (pid == 0) {
		t_msleep(30);
		int r = open(DIR "/fifo", O_RDONLY);
		char b[64] = {0};
		_exit(r >= 0 && read_all(r, b, 63) == 4 && !strcmp(b, "back")
			      ? 0
			      : 1);
	}
	fd = open(DIR "/fifo", O_WRONLY);
	T_OK("blocking O_WRONLY open meets a reader", fd);
	T_EQ("  write", write(fd, "back", 4), 4);
	close(fd);
	T_STATUS("  reader got it", t_wait(pid), "exit 0");
}

/*
 * A writer that opens, writes and closes while the reader's open is
 * under way: the reader must not then wait for a writer that came and
 * went (it did once, when the open looked at the writers too late). A
 * child opening after its waiting reader: over and over, the reader's
 * open returns every time, with the data or with EOF.
 */
static void fifo_quick_writers(void)
{
	int hung = 0, got = 0;

	for (int i = 0; i < 100 && !hung; i++) {
		pid_t pid = fifo_child(O_WRONLY, "q");
		int fd = open(DIR "/fifo", O_RDONLY);
		char c;

		if (fd < 0) {
			hung = 1;
			break;
		}
		got += read(fd, &c, 1) == 1;
		close(fd);
		if (t_wait(pid) != 0)
			hung = 1;
	}
	T_EQ("100 quick writers each met their reader", hung, 0);
	T_EQ("  bytes read", got, 100);
}

static void fifo_interrupted(void)
{
	signal(SIGPIPE, SIG_IGN);
	T_ERR("O_RDONLY open interrupted by a signal",
	      open_interrupted(DIR "/fifo", O_RDONLY), EINTR);
	T_EQ("  the handler ran", *ticks > 0, 1);
	T_ERR("  no reader left behind: O_WRONLY|O_NONBLOCK",
	      open(DIR "/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	T_ERR("O_WRONLY open interrupted by a signal",
	      open_interrupted(DIR "/fifo", O_WRONLY), EINTR);
	int r = open(DIR "/fifo", O_RDONLY | O_NONBLOCK);
	char c;
	T_EQ("  no writer left behind: EOF", read(r, &c, 1), 0);
	int w = open(DIR "/fifo", O_WRONLY | O_NONBLOCK);
	close(r);
	T_ERR("write with the reader gone: EPIPE", write(w, "x", 1), EPIPE);
	close(w);
	signal(SIGPIPE, SIG_DFL);
}

static void fifos(void)
{
	struct stat st;
	char buf[64] = {0};
	int r, w;

	T_OK("mkfifo", mkfifo(DIR "/fifo", 0640));
	T_OK("  stat", stat(DIR "/fifo", &st));
	T_EQ("  S_ISFIFO", S_ISFIFO(st.st_mode), 1);
	T_EQ("  permissions (octal)", st.st_mode & 07777, 0640);
	T_ERR("mkfifo again", mkfifo(DIR "/fifo", 0640), EEXIST);
	T_OK("mknod S_IFIFO", mknod(DIR "/fifo2", S_IFIFO | 0600, 0));
	T_OK("  stat", stat(DIR "/fifo2", &st));
	T_EQ("  S_ISFIFO", S_ISFIFO(st.st_mode), 1);
	T_OK("  unlink", unlink(DIR "/fifo2"));

	T_ERR("O_WRONLY|O_NONBLOCK without a reader",
	      open(DIR "/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	r = open(DIR "/fifo", O_RDONLY | O_NONBLOCK);
	T_OK("O_RDONLY|O_NONBLOCK without a writer", r);
	T_EQ("  F_GETFL", fcntl(r, F_GETFL) & (O_ACCMODE | O_NONBLOCK),
	     O_RDONLY | O_NONBLOCK);
	T_EQ("  read: EOF", read(r, buf, 1), 0);
	w = open(DIR "/fifo", O_WRONLY | O_NONBLOCK);
	T_OK("O_WRONLY|O_NONBLOCK with a reader", w);
	T_EQ("  write", write(w, "abc", 3), 3);
	T_EQ("  FIONREAD", nread(r), 3);
	T_EQ("  read", read(r, buf, sizeof(buf)), 3);
	T_ERR("  empty with a writer: EAGAIN", read(r, buf, 1), EAGAIN);
	T_ERR("  lseek", lseek(r, 0, SEEK_SET), ESPIPE);
	T_OK("  fstat", fstat(w, &st));
	T_EQ("  S_ISFIFO", S_ISFIFO(st.st_mode), 1);
	T_EQ("  F_GETPIPE_SZ", fcntl(w, F_GETPIPE_SZ), 65536);
	close(w);
	T_EQ("  writer closed: EOF", read(r, buf, 1), 0);
	close(r);

	int rw = open(DIR "/fifo", O_RDWR);
	T_OK("O_RDWR opens at once", rw);
	T_EQ("  write", write(rw, "self", 4), 4);
	memset(buf, 0, sizeof(buf));
	T_EQ("  read", read(rw, buf, sizeof(buf)), 4);
	T_STREQ("  data", buf, "self");
	T_EQ("  write again", write(rw, "lost", 4), 4);
	close(rw);
	rw = open(DIR "/fifo", O_RDWR);
	T_EQ("data dropped after the last close", nread(rw), 0);
	close(rw);

	fifo_rendezvous();
	fifo_quick_writers();
	fifo_interrupted();
	T_OK("unlink", unlink(DIR "/fifo"));
}

int main(void)
{
	signal(SIGPIPE, SIG_DFL);
	ticks = t_shared(sizeof(*ticks));
	mkdir(DIR, 0755);
	if (mount("tmpfs", DIR, "tmpfs", 0, NULL) < 0) {
		t_say("mount tmpfs: %s", t_errname(errno));
		t_done();
	}
	creation();
	identity();
	wakeups();
	interrupted();
	epipe();
	nonblock();
	atomicity();
	big();
	capacity();
	descriptors();
	exec_through();
	fifos();
	T_OK("umount", umount(DIR));
	T_OK("rmdir", rmdir(DIR));
	t_done();
}
