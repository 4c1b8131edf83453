/*
 * locks.c - advisory file locks, on a file of a tmpfs mounted here.
 *   POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) between this
 *   process and forked helpers that lock on request: conflicts (EAGAIN),
 *   F_GETLK reporting the conflicting lock's type, start, len and pid
 *   (the first conflicting one: owners in the order they came, an
 *   owner's locks in order of start),
 *   read/write compatibility, a process's own locks never in its way,
 *   splitting a range by an unlock or another type, merging adjacent and
 *   overlapping ranges of one type, upgrades; l_len 0 (to the end, also
 *   when reached explicitly), negative l_len, SEEK_CUR and SEEK_END;
 *   EINVAL for a bad l_type, l_whence or range, F_GETLK of F_UNLCK;
 *   EOVERFLOW; EBADF for a write lock on an O_RDONLY descriptor, a read
 *   lock on an O_WRONLY one, an O_PATH one, a bad descriptor; EFAULT.
 *   F_SETLKW waiting until the holder unlocks, or downgrades; F_SETLKW
 *   interrupted by a signal (EINTR, no SA_RESTART); EDEADLK for one of
 *   two processes waiting for each other. Release: at the close of any
 *   descriptor of the file by the owner (an unrelated open, a dup, dup2
 *   over a dup), not by another process's close, at exit; not inherited
 *   by fork.
 *   OFD locks (F_OFD_*): l_pid must be 0 (EINVAL), two opens of one
 *   process conflict, and with the process's POSIX locks, F_GETLK pid
 *   -1, shared with a forked child through the open file description,
 *   kept until its last close, F_OFD_SETLKW waiting. flock(2): LOCK_SH
 *   shared, LOCK_EX exclusive, LOCK_NB EWOULDBLOCK, a conversion that
 *   fails under LOCK_NB having dropped the old lock (as flock(2) warns),
 *   one lock per open file description (dup'd descriptors and a forked
 *   child share it, separate opens conflict), released at the last
 *   close, a blocked LOCK_EX woken by LOCK_UN, independent of fcntl
 *   locks, EINVAL for bad operations, EBADF.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR "/tmp_locks"
#define PATH DIR "/file"

static int fd; /* PATH, O_RDWR, opened before any helper is forked */
static volatile int *released; /* shared: set just before an unlock */

/* ---- the helper: a forked process that does what it is asked ---------- */

enum {
	OP_FCNTL,
	OP_FLOCK,
	OP_OPEN,
	OP_CLOSE,
	OP_DUP_CLOSE,
	OP_DEADLOCK,
	OP_EXIT
};

struct req {
	int op, fd, cmd, arg;
	struct flock fl;
};

struct rep {
	int ret, err, released;
	struct flock fl;
};

struct helper {
	pid_t pid;
	int to, from;
};

static struct rep serve(const struct req *q)
{
	struct rep r = {.fl = q->fl};

	switch (q->op) {
	case OP_FCNTL:
		r.ret = fcntl(q->fd, q->cmd, &r.fl);
		break;
	case OP_FLOCK:
		r.ret = flock(q->fd, q->arg);
		break;
	case OP_OPEN:
		r.ret = open(PATH, q->arg);
		break;
	case OP_CLOSE:
		r.ret = close(q->fd);
		break;
	case OP_DUP_CLOSE:
		r.ret = close(dup(q->fd));
		break;
	case OP_DEADLOCK: /* wait; on EDEADLK give up our locks instead */
		r.ret = fcntl(q->fd, F_SETLKW, &r.fl);
		if (r.ret < 0 && errno == EDEADLK) {
			struct flock all = {.l_type = F_UNLCK};
			r.err = errno;
			fcntl(q->fd, F_SETLK, &all);
			errno = r.err;
		}
		break;
	}
	r.err = r.ret < 0 ? errno : 0;
	r.released = *released;
	return r;
}

static struct helper helper_start(void)
{
	int to[2], from[2];
	struct helper h;

	pipe2(to, O_CLOEXEC);
	pipe2(from, O_CLOEXEC);
	h.pid = t_fork();
	if (h.pid == 0) {
		struct req q;
		close(to[1]);
		close(from[0]);
		while (read(to[0], &q, sizeof(q)) == sizeof(q) &&
		       q.op != OP_EXIT) {
			struct rep r = serve(&q);
			write(from[1], &r, sizeof(r));
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	h.to = to[1];
	h.from = from[0];
	return h;
}

static void helper_send(struct helper *h, struct req q)
{
	write(h->to, &q, sizeof(q));
}

static struct rep helper_reply(struct helper *h)
{
	struct rep r = {.ret = -1, .err = EIO};
	read(h->from, &r, sizeof(r));
	return r;
}

static struct rep helper_do(struct helper *h, struct req q)
{
	helper_send(h, q);
	return helper_reply(h);
}

static void helper_stop(struct helper *h)
{
	helper_send(h, (struct req){.op = OP_EXIT});
	T_STATUS("  helper", t_wait(h->pid), "exit 0");
	close(h->to);
	close(h->from);
}

static struct flock lk(int type, int whence, off_t start, off_t len)
{
	return (struct flock){.l_type = (short)type,
			      .l_whence = (short)whence,
			      .l_start = start,
			      .l_len = len};
}

static struct req fc(int cmd, struct flock fl)
{
	return (struct req){.op = OP_FCNTL, .fd = fd, .cmd = cmd, .fl = fl};
}

static struct req fc_on(int fdn, int cmd, struct flock fl)
{
	return (struct req){.op = OP_FCNTL, .fd = fdn, .cmd = cmd, .fl = fl};
}

static struct req fl_op(int fdn, int op)
{
	return (struct req){.op = OP_FLOCK, .fd = fdn, .arg = op};
}

/* ---- printing ----------------------------------------------------------- */

static struct helper *cur; /* whose pid "helper" means */

/* A struct flock from F_GETLK, as text: "F_UNLCK", or
 * "F_WRLCK 10+10 helper" (start+len, the owner from our side). */
static const char *describe(const struct flock *fl)
{
	static char buf[96];
	static const char *const types[] = {"F_RDLCK", "F_WRLCK", "F_UNLCK"};
	const char *who = fl->l_pid == getpid()		 ? "us"
			  : cur && fl->l_pid == cur->pid ? "helper"
			  : fl->l_pid == -1		 ? "pid -1"
			  : fl->l_pid == 0		 ? "pid 0"
							 : "another pid";

	if (fl->l_type < 0 || fl->l_type > 2)
		return "bad l_type";
	if (fl->l_type == F_UNLCK)
		return "F_UNLCK";
	snprintf(buf, sizeof(buf), "%s%s %lld+%lld %s", types[fl->l_type],
		 fl->l_whence == SEEK_SET ? "" : " (whence not SEEK_SET)",
		 (long long)fl->l_start, (long long)fl->l_len, who);
	return buf;
}

/* F_GETLK (or cmd) here: what it reports. */
static const char *getlk(int fdn, int cmd, struct flock fl)
{
	if (fcntl(fdn, cmd, &fl) < 0)
		return t_errname(errno);
	return describe(&fl);
}

/* F_GETLK in the helper: what it reports. */
static const char *h_getlk(struct helper *h, int cmd, struct flock fl)
{
	struct rep r = helper_do(h, fc(cmd, fl));
	if (r.ret < 0)
		return t_errname(r.err);
	return describe(&r.fl);
}

/* A helper's result as a libc-style return for T_OK/T_ERR. */
static long hret(struct rep r)
{
	errno = r.err;
	return r.ret;
}

static int setlk(int fdn, int type, int whence, off_t start, off_t len)
{
	struct flock fl = lk(type, whence, start, len);
	return fcntl(fdn, F_SETLK, &fl);
}

static void unlock_all(int fdn)
{
	setlk(fdn, F_UNLCK, SEEK_SET, 0, 0);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	alarms++;
}

/* fcntl(fdn, cmd, fl) with a SIGALRM every 20 ms, no SA_RESTART. */
static int fcntl_interrupted(int fdn, int cmd, struct flock fl)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval it = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};

	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	int r = fcntl(fdn, cmd, &fl);
	int err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	errno = err;
	return r;
}

/* ---- argument checks ---------------------------------------------------- */

static void arguments(void)
{
	struct flock fl;
	int ro = open(PATH, O_RDONLY), wo = open(PATH, O_WRONLY);
	int op = open(PATH, O_PATH);

	fl = lk(5, SEEK_SET, 0, 1);
	T_ERR("F_SETLK l_type 5", fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = lk(F_WRLCK, 3, 0, 1);
	T_ERR("F_SETLK l_whence 3", fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = lk(F_UNLCK, SEEK_SET, 0, 1);
	T_ERR("F_GETLK of F_UNLCK", fcntl(fd, F_GETLK, &fl), EINVAL);
	fl = lk(F_WRLCK, SEEK_SET, -1, 1);
	T_ERR("F_SETLK l_start -1", fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = lk(F_WRLCK, SEEK_END, -101, 1);
	T_ERR("F_SETLK SEEK_END -101 (size 100)", fcntl(fd, F_SETLK, &fl),
	      EINVAL);
	fl = lk(F_WRLCK, SEEK_SET, 5, -6);
	T_ERR("F_SETLK l_start 5 l_len -6", fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = lk(F_WRLCK, SEEK_SET, LLONG_MAX, 2);
	T_ERR("F_SETLK past the largest offset", fcntl(fd, F_SETLK, &fl),
	      EOVERFLOW);
	fl = lk(F_WRLCK, SEEK_END, LLONG_MAX, 1);
	T_ERR("F_SETLK SEEK_END + LLONG_MAX", fcntl(fd, F_SETLK, &fl),
	      EOVERFLOW);
	fl = lk(F_WRLCK, SEEK_SET, 0, 1);
	T_ERR("F_SETLK bad descriptor", fcntl(-1, F_SETLK, &fl), EBADF);
	T_SYSERR("F_SETLK at a kernel address",
		 t_sys3(SYS_fcntl, fd, F_SETLK, BAD_KERN), EFAULT);
	T_SYSERR("F_GETLK at NULL", t_sys3(SYS_fcntl, fd, F_GETLK, BAD_NULL),
		 EFAULT);
	T_ERR("F_WRLCK on O_RDONLY", setlk(ro, F_WRLCK, SEEK_SET, 0, 1), EBADF);
	T_OK("F_RDLCK on O_RDONLY", setlk(ro, F_RDLCK, SEEK_SET, 0, 1));
	T_OK("F_UNLCK on O_RDONLY", setlk(ro, F_UNLCK, SEEK_SET, 0, 1));
	T_STREQ("F_GETLK F_WRLCK on O_RDONLY",
		getlk(ro, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	T_ERR("F_RDLCK on O_WRONLY", setlk(wo, F_RDLCK, SEEK_SET, 0, 1), EBADF);
	T_OK("F_WRLCK on O_WRONLY", setlk(wo, F_WRLCK, SEEK_SET, 0, 1));
	T_ERR("F_SETLK on O_PATH", setlk(op, F_RDLCK, SEEK_SET, 0, 1), EBADF);
	T_STREQ("F_GETLK on O_PATH",
		getlk(op, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 1)), "EBADF");
	fl = lk(F_WRLCK, SEEK_SET, 50, 1);
	fl.l_pid = 1;
	T_ERR("F_OFD_SETLK with l_pid 1", fcntl(fd, F_OFD_SETLK, &fl), EINVAL);
	T_ERR("F_OFD_GETLK with l_pid 1", fcntl(fd, F_OFD_GETLK, &fl), EINVAL);
	fl.l_pid = 0;
	T_OK("F_OFD_SETLK with l_pid 0", fcntl(fd, F_OFD_SETLK, &fl));
	fl.l_type = F_UNLCK;
	T_OK("F_OFD_SETLK F_UNLCK", fcntl(fd, F_OFD_SETLK, &fl));
	T_OK("our own locks: F_SETLK F_WRLCK all",
	     setlk(fd, F_WRLCK, SEEK_SET, 0, 0));
	T_STREQ("  F_GETLK sees no conflict",
		getlk(fd, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	unlock_all(fd);
	close(ro); /* (and our locks with it: POSIX's rule) */
	close(wo);
	close(op);
}

/* ---- POSIX locks against a helper --------------------------------------- */

static void conflicts(struct helper *h)
{
	T_OK("F_SETLK F_WRLCK 10+10", setlk(fd, F_WRLCK, SEEK_SET, 10, 10));
	T_ERR("helper: F_WRLCK 15+1",
	      hret(helper_do(h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 15, 1)))),
	      EAGAIN);
	T_ERR("helper: F_RDLCK 19+5",
	      hret(helper_do(h, fc(F_SETLK, lk(F_RDLCK, SEEK_SET, 19, 5)))),
	      EAGAIN);
	T_OK("helper: F_RDLCK 0+10",
	     hret(helper_do(h, fc(F_SETLK, lk(F_RDLCK, SEEK_SET, 0, 10)))));
	T_STREQ("helper: F_GETLK F_WRLCK all",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 10+10 us");
	T_STREQ("helper: F_GETLK F_RDLCK 12+1",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 12, 1)),
		"F_WRLCK 10+10 us");
	T_STREQ("helper: F_GETLK F_WRLCK 20+",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 20, 0)), "F_UNLCK");
	T_STREQ("F_GETLK F_WRLCK 0+1",
		getlk(fd, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 1)),
		"F_RDLCK 0+10 helper");
	T_STREQ("F_GETLK F_RDLCK 0+10 (reads share)",
		getlk(fd, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 10)), "F_UNLCK");
	T_OK("F_RDLCK 0+5 beside the helper's",
	     setlk(fd, F_RDLCK, SEEK_SET, 0, 5));
	T_ERR("F_WRLCK 5+1 under the helper's read lock",
	      setlk(fd, F_WRLCK, SEEK_SET, 5, 1), EAGAIN);
	T_ERR("upgrade 0+5 under the helper's read lock",
	      setlk(fd, F_WRLCK, SEEK_SET, 0, 5), EAGAIN);
	T_STREQ("  our read lock stays: helper F_GETLK F_WRLCK 0+1",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 1)),
		"F_RDLCK 0+5 us");
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));
	T_OK("upgrade once the helper unlocked",
	     setlk(fd, F_WRLCK, SEEK_SET, 0, 5));
	T_STREQ("  helper: F_GETLK F_RDLCK all",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+5 us");
	unlock_all(fd);
	T_STREQ("unlocked: helper F_GETLK",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
}

static void split_merge(struct helper *h)
{
	T_OK("F_WRLCK 0+100", setlk(fd, F_WRLCK, SEEK_SET, 0, 100));
	T_OK("F_UNLCK 40+20 (the middle)",
	     setlk(fd, F_UNLCK, SEEK_SET, 40, 20));
	T_STREQ("  helper: F_GETLK all",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+40 us");
	T_STREQ("  helper: F_GETLK 40+20",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 40, 20)), "F_UNLCK");
	T_STREQ("  helper: F_GETLK 50+",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 50, 0)),
		"F_WRLCK 60+40 us");
	T_STREQ("  helper: F_GETLK 39+2",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 39, 2)),
		"F_WRLCK 0+40 us");
	T_OK("  helper: F_WRLCK 45+10 in the hole",
	     hret(helper_do(h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 45, 10)))));
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));

	T_OK("F_RDLCK 10+10 inside 0+40", setlk(fd, F_RDLCK, SEEK_SET, 10, 10));
	T_STREQ("  helper: F_GETLK F_RDLCK 10+10",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 10, 10)), "F_UNLCK");
	T_STREQ("  helper: F_GETLK F_WRLCK 10+10",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 10, 10)),
		"F_RDLCK 10+10 us");
	T_STREQ("  helper: F_GETLK F_WRLCK 5+30 (the first)",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 5, 30)),
		"F_WRLCK 0+10 us");
	T_STREQ("  helper: F_GETLK F_WRLCK 12+30 (the first)",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 12, 30)),
		"F_RDLCK 10+10 us");
	T_STREQ("  helper: F_GETLK F_RDLCK 12+",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 12, 0)),
		"F_WRLCK 20+20 us");
	unlock_all(fd);

	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	T_OK("F_WRLCK 10+10 (adjacent)", setlk(fd, F_WRLCK, SEEK_SET, 10, 10));
	T_STREQ("  merged", h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+20 us");
	T_OK("F_WRLCK 30+10", setlk(fd, F_WRLCK, SEEK_SET, 30, 10));
	T_STREQ("  apart", h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 25, 0)),
		"F_WRLCK 30+10 us");
	T_OK("F_WRLCK 15+20 (over both and the gap)",
	     setlk(fd, F_WRLCK, SEEK_SET, 15, 20));
	T_STREQ("  merged", h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+40 us");
	T_OK("F_RDLCK 40+10 (adjacent, other type)",
	     setlk(fd, F_RDLCK, SEEK_SET, 40, 10));
	T_STREQ("  not merged",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 39, 0)),
		"F_WRLCK 0+40 us");
	T_STREQ("  the read lock",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 40, 0)),
		"F_RDLCK 40+10 us");
	T_OK("F_WRLCK 40+10 (upgrade)", setlk(fd, F_WRLCK, SEEK_SET, 40, 10));
	T_STREQ("  merged", h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+50 us");
	T_OK("F_RDLCK 0+50 (downgrade)", setlk(fd, F_RDLCK, SEEK_SET, 0, 50));
	T_STREQ("  helper may read-lock",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	unlock_all(fd);
}

/* F_GETLK reports the first conflicting lock: owners in the order they
 * came (an owner's merged locks keeping its place), each owner's locks
 * in order of start. */
static void owners_order(struct helper *h)
{
	struct helper h2 = helper_start();

	T_OK("F_RDLCK 0+10", setlk(fd, F_RDLCK, SEEK_SET, 0, 10));
	T_OK("helper: F_RDLCK 0+10",
	     hret(helper_do(h, fc(F_SETLK, lk(F_RDLCK, SEEK_SET, 0, 10)))));
	T_OK("F_RDLCK 10+10 (merged)", setlk(fd, F_RDLCK, SEEK_SET, 10, 10));
	T_STREQ("  a second helper: F_GETLK F_WRLCK all",
		h_getlk(&h2, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_RDLCK 0+20 us");
	T_OK("F_UNLCK 0+5", setlk(fd, F_UNLCK, SEEK_SET, 0, 5));
	T_STREQ("  a second helper: F_GETLK F_WRLCK all",
		h_getlk(&h2, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_RDLCK 5+15 us");
	T_STREQ("  a second helper: F_GETLK F_WRLCK 0+5",
		h_getlk(&h2, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 5)),
		"F_RDLCK 0+10 helper");
	helper_stop(&h2);
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));
	unlock_all(fd);
}

static void ranges(struct helper *h)
{
	lseek(fd, 50, SEEK_SET);
	T_OK("F_WRLCK SEEK_CUR (50) -10 len 5",
	     setlk(fd, F_WRLCK, SEEK_CUR, -10, 5));
	T_STREQ("  helper: F_GETLK",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 40+5 us");
	T_STREQ("  helper: F_GETLK SEEK_CUR -6 len 2",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_CUR, -6, 2)),
		"F_WRLCK 40+5 us");
	T_STREQ("  helper: F_GETLK SEEK_CUR -5",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_CUR, -5, 0)), "F_UNLCK");
	unlock_all(fd);
	T_OK("F_WRLCK SEEK_END (100) -10 len 0",
	     setlk(fd, F_WRLCK, SEEK_END, -10, 0));
	T_STREQ("  helper: F_GETLK",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 90+0 us");
	T_STREQ("  helper: F_GETLK far beyond the end",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 1LL << 40, 1)),
		"F_WRLCK 90+0 us");
	T_STREQ("  helper: F_GETLK SEEK_END -11 len 1",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_END, -11, 1)), "F_UNLCK");
	unlock_all(fd);
	T_OK("F_WRLCK 30 len -10", setlk(fd, F_WRLCK, SEEK_SET, 30, -10));
	T_STREQ("  helper: F_GETLK",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 20+10 us");
	T_OK("F_UNLCK SEEK_END -70 len -5",
	     setlk(fd, F_UNLCK, SEEK_END, -70, -5));
	T_STREQ("  helper: F_GETLK",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 20+5 us");
	unlock_all(fd);
	T_OK("F_WRLCK 1 len LLONG_MAX (to the largest offset)",
	     setlk(fd, F_WRLCK, SEEK_SET, 1, LLONG_MAX));
	T_STREQ("  helper: F_GETLK reports len 0",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 1+0 us");
	T_OK("F_WRLCK 0+1 (adjacent: merged)",
	     setlk(fd, F_WRLCK, SEEK_SET, 0, 1));
	T_STREQ("  helper: F_GETLK",
		h_getlk(h, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+0 us");
	unlock_all(fd);
	lseek(fd, 0, SEEK_SET);
}

static void waiting(struct helper *h)
{
	struct rep r;

	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	*released = 0;
	helper_send(h, fc(F_SETLKW, lk(F_WRLCK, SEEK_SET, 5, 1)));
	t_msleep(30);
	*released = 1;
	unlock_all(fd);
	r = helper_reply(h);
	T_OK("helper's F_SETLKW waits until we unlock", hret(r));
	T_EQ("  it returned after the unlock", r.released, 1);
	T_STREQ("  F_GETLK", getlk(fd, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 5+1 helper");
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));

	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	*released = 0;
	helper_send(h, fc(F_SETLKW, lk(F_RDLCK, SEEK_SET, 0, 10)));
	t_msleep(30);
	*released = 1;
	setlk(fd, F_RDLCK, SEEK_SET, 0, 10);
	r = helper_reply(h);
	T_OK("helper's F_SETLKW F_RDLCK waits until we downgrade", hret(r));
	T_EQ("  it returned after the downgrade", r.released, 1);
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));
	unlock_all(fd);

	helper_do(h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 0, 10)));
	T_ERR("F_SETLKW interrupted by a signal",
	      fcntl_interrupted(fd, F_SETLKW, lk(F_WRLCK, SEEK_SET, 0, 1)),
	      EINTR);
	T_EQ("  the handler ran", alarms > 0, 1);
	T_STREQ("  we hold nothing: helper F_GETLK",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));
	T_OK("  then F_SETLK", setlk(fd, F_WRLCK, SEEK_SET, 0, 1));
	unlock_all(fd);
}

static void deadlock(struct helper *h)
{
	struct flock want = lk(F_WRLCK, SEEK_SET, 10, 10);
	int mine, theirs;

	T_OK("we lock 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	T_OK("helper locks 10+10", hret(helper_do(h, fc(F_SETLK, want))));
	/* Both wait for the other: whoever waits second is refused. */
	helper_send(h, (struct req){.op = OP_DEADLOCK,
				    .fd = fd,
				    .fl = lk(F_WRLCK, SEEK_SET, 0, 10)});
	mine = fcntl(fd, F_SETLKW, &want) < 0 ? errno : 0;
	if (mine == EDEADLK)
		unlock_all(fd);
	theirs = helper_reply(h).err;
	T_EQ("one of the two got EDEADLK",
	     (mine == EDEADLK) + (theirs == EDEADLK), 1);
	T_EQ("the other got its lock", mine == 0 || theirs == 0, 1);
	unlock_all(fd);
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));

	T_OK("no cycle: helper waits for us, we take more",
	     setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	*released = 0;
	helper_send(h, fc(F_SETLKW, lk(F_WRLCK, SEEK_SET, 0, 1)));
	t_msleep(30);
	struct flock more = lk(F_WRLCK, SEEK_SET, 50, 10);
	T_OK("  F_SETLKW on a free range", fcntl(fd, F_SETLKW, &more));
	*released = 1;
	unlock_all(fd);
	T_OK("  helper's wait ends", hret(helper_reply(h)));
	helper_do(h, fc(F_SETLK, lk(F_UNLCK, SEEK_SET, 0, 0)));
}

static void release(struct helper *h)
{
	int other, d;

	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	other = open(PATH, O_RDONLY);
	close(other);
	T_STREQ("closing another open of the file drops it",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	d = dup(fd);
	close(d);
	T_STREQ("closing a dup drops it",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	d = dup(fd);
	other = open(DIR, O_RDONLY);
	dup2(other, d);
	T_STREQ("dup2 over a dup drops it",
		h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	close(d);
	close(other);

	T_OK("F_WRLCK 0+10", setlk(fd, F_WRLCK, SEEK_SET, 0, 10));
	helper_do(h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 20, 10)));
	helper_do(h, (struct req){.op = OP_DUP_CLOSE, .fd = fd});
	T_STREQ("the helper's close drops its lock",
		getlk(fd, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	T_STREQ("  not ours", h_getlk(h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+10 us");
	unlock_all(fd);
}

static void at_exit_and_fork(void)
{
	struct helper h = helper_start();

	cur = &h;
	helper_do(&h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 0, 10)));
	T_ERR("a helper's lock", setlk(fd, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
	helper_stop(&h);
	cur = NULL;
	T_OK("  gone at its exit", setlk(fd, F_WRLCK, SEEK_SET, 0, 1));

	h = helper_start(); /* forked while we hold 0+1 */
	cur = &h;
	T_ERR("not inherited by fork: the child's F_SETLK",
	      hret(helper_do(&h, fc(F_SETLK, lk(F_WRLCK, SEEK_SET, 0, 1)))),
	      EAGAIN);
	T_STREQ("  its F_GETLK",
		h_getlk(&h, F_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+1 us");
	helper_stop(&h);
	cur = NULL;
	unlock_all(fd);
}

/* ---- OFD locks ---------------------------------------------------------- */

static void ofd(void)
{
	int a = open(PATH, O_RDWR), b = open(PATH, O_RDWR), d;
	struct flock fl = lk(F_WRLCK, SEEK_SET, 0, 10);
	struct helper h;
	struct rep r;

	T_OK("F_OFD_SETLK F_WRLCK 0+10 on open A", fcntl(a, F_OFD_SETLK, &fl));
	fl = lk(F_RDLCK, SEEK_SET, 5, 1);
	T_ERR("F_OFD_SETLK on open B, same process", fcntl(b, F_OFD_SETLK, &fl),
	      EAGAIN);
	T_STREQ("F_OFD_GETLK on open B",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+10 pid -1");
	T_STREQ("F_OFD_GETLK on open A",
		getlk(a, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	T_STREQ("F_GETLK (POSIX) in the same process",
		getlk(fd, F_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+10 pid -1");
	T_ERR("F_SETLK (POSIX) in the same process",
	      setlk(fd, F_RDLCK, SEEK_SET, 9, 1), EAGAIN);
	T_OK("F_SETLK (POSIX) beside it", setlk(fd, F_WRLCK, SEEK_SET, 10, 5));
	T_STREQ("F_OFD_GETLK on open A sees the POSIX lock",
		getlk(a, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 10+5 us");
	unlock_all(fd);
	int c = open(PATH, O_RDONLY);
	close(c);
	T_STREQ("closing another open leaves OFD locks",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+10 pid -1");

	h = helper_start(); /* shares open A */
	cur = &h;
	T_OK("a forked child: F_OFD_SETLK on the shared open A",
	     hret(helper_do(
		     &h, fc_on(a, F_OFD_SETLK, lk(F_WRLCK, SEEK_SET, 5, 10)))));
	T_STREQ("  seen from open B",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+15 pid -1");
	helper_stop(&h);
	T_STREQ("  kept when the child exits",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+15 pid -1");
	d = dup(a);
	close(a);
	T_STREQ("  kept while a dup of open A lives",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+15 pid -1");
	close(d);
	T_STREQ("  gone at open A's last close",
		getlk(b, F_OFD_GETLK, lk(F_WRLCK, SEEK_SET, 0, 0)), "F_UNLCK");

	a = open(PATH, O_RDWR);
	fl = lk(F_WRLCK, SEEK_SET, 0, 1);
	fcntl(a, F_OFD_SETLK, &fl);
	h = helper_start();
	cur = &h;
	r = helper_do(&h, (struct req){.op = OP_OPEN, .arg = O_RDWR});
	*released = 0;
	helper_send(&h,
		    fc_on(r.ret, F_OFD_SETLKW, lk(F_WRLCK, SEEK_SET, 0, 0)));
	t_msleep(30);
	*released = 1;
	fl.l_type = F_UNLCK;
	fcntl(a, F_OFD_SETLK, &fl);
	r = helper_reply(&h);
	T_OK("F_OFD_SETLKW in a child waits until we unlock", hret(r));
	T_EQ("  it returned after the unlock", r.released, 1);
	T_STREQ("  F_OFD_GETLK",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)),
		"F_WRLCK 0+0 pid -1");
	helper_stop(&h);
	cur = NULL;
	T_STREQ("  gone with the child's open",
		getlk(b, F_OFD_GETLK, lk(F_RDLCK, SEEK_SET, 0, 0)), "F_UNLCK");
	close(a);
	close(b);
}

/* ---- flock -------------------------------------------------------------- */

static void flocks(void)
{
	int a = open(PATH, O_RDWR), b = open(PATH, O_RDONLY), d;
	int op = open(PATH, O_PATH);
	struct helper h;
	struct rep r;

	T_ERR("flock 0", flock(a, 0), EINVAL);
	T_ERR("flock LOCK_SH|LOCK_EX", flock(a, LOCK_SH | LOCK_EX), EINVAL);
	T_ERR("flock LOCK_NB alone", flock(a, LOCK_NB), EINVAL);
	T_ERR("flock 16", flock(a, 16), EINVAL);
	T_ERR("flock bad descriptor", flock(-1, LOCK_SH), EBADF);
	T_ERR("flock bad descriptor, bad operation", flock(999, 0), EINVAL);
	T_OK("flock LOCK_MAND (ignored), bad descriptor", flock(999, 32 | 64));
	T_ERR("flock O_PATH", flock(op, LOCK_SH), EBADF);
	T_OK("LOCK_UN with no lock", flock(a, LOCK_UN));

	T_OK("LOCK_SH on A", flock(a, LOCK_SH));
	T_OK("LOCK_SH|LOCK_NB on B", flock(b, LOCK_SH | LOCK_NB));
	T_ERR("LOCK_EX|LOCK_NB on A: EWOULDBLOCK", flock(a, LOCK_EX | LOCK_NB),
	      EWOULDBLOCK);
	T_OK("  which dropped A's LOCK_SH: LOCK_EX|LOCK_NB on B",
	     flock(b, LOCK_EX | LOCK_NB));
	T_ERR("LOCK_SH|LOCK_NB on A", flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	T_OK("LOCK_EX on B again (no change)", flock(b, LOCK_EX | LOCK_NB));
	T_OK("LOCK_SH on B (downgrade)", flock(b, LOCK_SH | LOCK_NB));
	T_OK("  then LOCK_SH on A", flock(a, LOCK_SH | LOCK_NB));
	flock(a, LOCK_UN);
	flock(b, LOCK_UN);

	T_OK("LOCK_EX on A", flock(a, LOCK_EX));
	d = dup(a);
	T_OK("  LOCK_EX|LOCK_NB on a dup of A (the same lock)",
	     flock(d, LOCK_EX | LOCK_NB));
	T_OK("  fcntl F_WRLCK all (independent of flock)",
	     setlk(fd, F_WRLCK, SEEK_SET, 0, 0));
	unlock_all(fd);
	close(d);
	T_ERR("  a dup closed: B still EWOULDBLOCK",
	      flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	d = dup(a);
	T_OK("LOCK_UN on the dup", flock(d, LOCK_UN));
	T_OK("  releases A's: LOCK_EX|LOCK_NB on B",
	     flock(b, LOCK_EX | LOCK_NB));
	flock(b, LOCK_UN);
	close(d);

	T_OK("LOCK_EX on A", flock(a, LOCK_EX));
	h = helper_start(); /* shares open A */
	cur = &h;
	T_OK("a forked child: LOCK_EX|LOCK_NB on the shared A",
	     hret(helper_do(&h, fl_op(a, LOCK_EX | LOCK_NB))));
	T_ERR("  on B (shared too)",
	      hret(helper_do(&h, fl_op(b, LOCK_SH | LOCK_NB))), EWOULDBLOCK);
	T_OK("  its LOCK_UN on A", hret(helper_do(&h, fl_op(a, LOCK_UN))));
	T_OK("  released ours: LOCK_EX|LOCK_NB on B",
	     flock(b, LOCK_EX | LOCK_NB));
	flock(b, LOCK_UN);

	r = helper_do(&h, (struct req){.op = OP_OPEN, .arg = O_RDONLY});
	int hfd = r.ret;
	T_OK("LOCK_SH on A", flock(a, LOCK_SH));
	T_OK("  the child's LOCK_SH|LOCK_NB on its own open",
	     hret(helper_do(&h, fl_op(hfd, LOCK_SH | LOCK_NB))));
	helper_do(&h, fl_op(hfd, LOCK_UN));
	*released = 0;
	helper_send(&h, fl_op(hfd, LOCK_EX));
	t_msleep(30);
	*released = 1;
	flock(a, LOCK_UN);
	r = helper_reply(&h);
	T_OK("the child's LOCK_EX waits until our LOCK_UN", hret(r));
	T_EQ("  it returned after it", r.released, 1);
	T_ERR("  LOCK_SH|LOCK_NB on A", flock(a, LOCK_SH | LOCK_NB),
	      EWOULDBLOCK);
	helper_stop(&h);
	cur = NULL;
	T_OK("  gone with the child's open: LOCK_SH|LOCK_NB on A",
	     flock(a, LOCK_SH | LOCK_NB));
	close(a);
	T_OK("  and with A's last close: LOCK_EX|LOCK_NB on B",
	     flock(b, LOCK_EX | LOCK_NB));
	close(b);
	close(op);
}

int main(void)
{
	mkdir(DIR, 0755);
	if (mount("tmpfs", DIR, "tmpfs", 0, NULL) < 0) {
		t_say("mount tmpfs: %s", t_errname(errno));
		t_done();
	}
	released = t_shared(sizeof(int));
	fd = open(PATH, O_RDWR | O_CREAT, 0644);
	char data[100];
	memset(data, 'd', sizeof(data));
	T_EQ("a file of 100 bytes", write(fd, data, sizeof(data)), 100);

	arguments();
	struct helper h = helper_start();
	cur = &h;
	conflicts(&h);
	split_merge(&h);
	owners_order(&h);
	ranges(&h);
	waiting(&h);
	deadlock(&h);
	release(&h);
	helper_stop(&h);
	cur = NULL;
	at_exit_and_fork();
	ofd();
	flocks();

	close(fd);
	T_OK("unlink", unlink(PATH));
	T_OK("umount", umount(DIR));
	T_OK("rmdir", rmdir(DIR));
	t_done();
}
