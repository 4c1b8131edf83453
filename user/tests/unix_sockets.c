/*
 * unix_sockets.c - AF_UNIX sockets: stream, datagram and seqpacket.
 *
 * socket() and socketpair() with their flags and errors; bind to a file
 * name (an S_IFSOCK node), to an abstract name and by autobind; listen,
 * the backlog, accept and accept4, connect and its errors (ENOENT,
 * ECONNREFUSED, EPROTOTYPE, EISCONN, EAGAIN); getsockname and
 * getpeername; stream data (partial reads, MSG_PEEK, MSG_WAITALL,
 * MSG_DONTWAIT, readv/writev, a large transfer, a full buffer), shutdown
 * and EOF, EPIPE and SIGPIPE, ECONNRESET; datagrams (addresses,
 * truncation with MSG_TRUNC, the queue limit, connect and disconnect,
 * EPERM, ECONNREFUSED, EMSGSIZE); seqpacket boundaries; poll and epoll
 * readiness; socket options, SO_RCVTIMEO and SO_SNDTIMEO; FIONREAD/SIOCOUTQ;
 * many writers at once.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SIOCOUTQ
#define SIOCOUTQ 0x5411
#endif
#ifndef SO_PROTOCOL
#define SO_PROTOCOL 38
#endif
#ifndef SO_DOMAIN
#define SO_DOMAIN 39
#endif

#define DIR_ "/unix_test"

static socklen_t addr_of(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(path) + 1);
}

/* An abstract name: a NUL, then name (no terminator counted). */
static socklen_t abstract_of(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

static int sockopt(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0)
		return -errno;
	return v;
}

static short revents(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static int fionread(int fd)
{
	int n = -1;

	if (ioctl(fd, FIONREAD, &n) < 0)
		return -errno;
	return n;
}

/* ---- socket(), socketpair() --------------------------------------------- */

static void creation(void)
{
	int fd, sv[2];
	struct stat st;

	t_say("== creation");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("socket stream", fd);
	T_OK("fstat", fstat(fd, &st));
	T_EQ("  S_ISSOCK", S_ISSOCK(st.st_mode), 1);
	T_EQ("  SO_TYPE", sockopt(fd, SO_TYPE), SOCK_STREAM);
	T_EQ("  SO_DOMAIN", sockopt(fd, SO_DOMAIN), AF_UNIX);
	T_EQ("  SO_PROTOCOL", sockopt(fd, SO_PROTOCOL), 0);
	T_EQ("  SO_ACCEPTCONN", sockopt(fd, SO_ACCEPTCONN), 0);
	T_EQ("  SO_ERROR", sockopt(fd, SO_ERROR), 0);
	T_EQ("  SO_PASSCRED", sockopt(fd, SO_PASSCRED), 0);
	T_EQ("  flags", fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	T_EQ("  fd flags", fcntl(fd, F_GETFD), 0);
	T_EQ("  lseek", lseek(fd, 0, SEEK_SET) < 0 ? errno : 0, ESPIPE);
	close(fd);

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	T_OK("socket dgram nonblock cloexec", fd);
	T_EQ("  SO_TYPE", sockopt(fd, SO_TYPE), SOCK_DGRAM);
	T_EQ("  O_NONBLOCK", !!(fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	T_EQ("  FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, PF_UNIX);
	T_OK("socket seqpacket, protocol PF_UNIX", fd);
	T_EQ("  SO_TYPE", sockopt(fd, SO_TYPE), SOCK_SEQPACKET);
	close(fd);
	fd = socket(AF_UNIX, SOCK_RAW, 0);
	T_OK("socket SOCK_RAW (a datagram socket)", fd);
	T_EQ("  SO_TYPE", sockopt(fd, SO_TYPE), SOCK_DGRAM);
	close(fd);

	T_ERR("socket family 46", socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
	T_ERR("socket family -1", socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	T_ERR("socket family 1000", socket(1000, SOCK_DGRAM, 0), EAFNOSUPPORT);
	T_ERR("socket type 7", socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
	T_ERR("socket type 0", socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
	T_ERR("socket bad flags", socket(AF_UNIX, SOCK_STREAM | 0x4000, 0),
	      EINVAL);
	T_ERR("socket protocol 5", socket(AF_UNIX, SOCK_STREAM, 5),
	      EPROTONOSUPPORT);

	T_OK("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	T_EQ("  write", write(sv[0], "hello", 5), 5);
	char buf[16] = {0};
	T_EQ("  read", read(sv[1], buf, sizeof(buf)), 5);
	T_STREQ("  data", buf, "hello");
	T_EQ("  write back", write(sv[1], "ok", 2), 2);
	memset(buf, 0, sizeof(buf));
	T_EQ("  read back", read(sv[0], buf, sizeof(buf)), 2);
	T_STREQ("  data", buf, "ok");
	close(sv[0]);
	close(sv[1]);
	T_OK("socketpair seqpacket cloexec",
	     socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	T_EQ("  FD_CLOEXEC", fcntl(sv[1], F_GETFD), FD_CLOEXEC);
	close(sv[0]);
	close(sv[1]);
	T_SYSERR("socketpair bad pointer",
		 t_sys4(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, BAD_KERN),
		 EFAULT);
	T_ERR("socketpair family 46", socketpair(46, SOCK_STREAM, 0, sv),
	      EAFNOSUPPORT);

	int p[2];
	T_OK("pipe", pipe(p));
	struct sockaddr_un a;
	socklen_t len = addr_of(&a, DIR_ "/x");
	T_ERR("bind on a pipe", bind(p[0], (struct sockaddr *)&a, len),
	      ENOTSOCK);
	T_ERR("listen on a pipe", listen(p[0], 1), ENOTSOCK);
	T_ERR("bind on fd 999", bind(999, (struct sockaddr *)&a, len), EBADF);
	T_ERR("getsockopt on a pipe", sockopt(p[0], SO_TYPE) < 0 ? -1 : 0,
	      ENOTSOCK);
	close(p[0]);
	close(p[1]);
}

/* ---- bind, listen, connect, accept ---------------------------------- */

static void names(void)
{
	struct sockaddr_un a, got;
	socklen_t len = addr_of(&a, DIR_ "/s1"), glen;
	struct stat st;
	int srv, cli, acc, other;

	t_say("== file names");
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("listen unbound", listen(srv, 5), EINVAL);
	glen = sizeof(got);
	T_OK("getsockname unbound", getsockname(srv, (void *)&got, &glen));
	T_EQ("  length", glen, 2);
	T_EQ("  family", got.sun_family, AF_UNIX);
	glen = sizeof(got);
	T_ERR("getpeername unconnected", getpeername(srv, (void *)&got, &glen),
	      ENOTCONN);
	T_OK("bind", bind(srv, (struct sockaddr *)&a, len));
	T_OK("stat the name", stat(DIR_ "/s1", &st));
	T_EQ("  S_ISSOCK", S_ISSOCK(st.st_mode), 1);
	T_EQ("  permissions", st.st_mode & 07777, 0755);
	T_ERR("open it", open(DIR_ "/s1", O_RDWR), ENXIO);
	T_ERR("bind again", bind(srv, (struct sockaddr *)&a, len), EADDRINUSE);
	struct sockaddr_un c2;
	socklen_t c2len = addr_of(&c2, DIR_ "/s2");
	T_ERR("bind again, another name",
	      bind(srv, (struct sockaddr *)&c2, c2len), EINVAL);
	other = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("bind a taken name", bind(other, (struct sockaddr *)&a, len),
	      EADDRINUSE);
	struct sockaddr_un b;
	socklen_t blen = addr_of(&b, DIR_ "/nodir/s");
	T_ERR("bind in a missing directory",
	      bind(other, (struct sockaddr *)&b, blen), ENOENT);
	T_ERR("bind with length 1", bind(other, (struct sockaddr *)&a, 1),
	      EINVAL);
	T_ERR("bind with a huge length",
	      bind(other, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	a.sun_family = AF_INET;
	T_ERR("bind AF_INET address", bind(other, (struct sockaddr *)&a, len),
	      EINVAL);
	a.sun_family = AF_UNIX;
	T_SYSERR("bind bad pointer", t_sys3(SYS_bind, other, BAD_ONE, len),
		 EFAULT);
	glen = sizeof(got);
	T_OK("getsockname bound", getsockname(srv, (void *)&got, &glen));
	T_EQ("  length", glen, len);
	T_STREQ("  path", got.sun_path, DIR_ "/s1");

	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("connect to a bound, not listening socket",
	      connect(cli, (struct sockaddr *)&a, len), ECONNREFUSED);
	T_OK("listen", listen(srv, 5));
	T_EQ("  SO_ACCEPTCONN", sockopt(srv, SO_ACCEPTCONN), 1);
	T_OK("listen again (new backlog)", listen(srv, 4));
	T_EQ("  poll listener, none pending", revents(srv, POLLIN | POLLOUT),
	     0);
	T_ERR("connect missing name", connect(cli, (struct sockaddr *)&b, blen),
	      ENOENT);
	int reg = open(DIR_ "/file", O_CREAT | O_RDWR, 0644);
	close(reg);
	blen = addr_of(&b, DIR_ "/file");
	T_ERR("connect to a regular file",
	      connect(cli, (struct sockaddr *)&b, blen), ECONNREFUSED);
	int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_ERR("dgram connect to a stream listener",
	      connect(dg, (struct sockaddr *)&a, len), EPROTOTYPE);
	T_ERR("dgram sendto a stream listener",
	      sendto(dg, "x", 1, 0, (struct sockaddr *)&a, len), EPROTOTYPE);
	close(dg);
	T_OK("connect", connect(cli, (struct sockaddr *)&a, len));
	T_EQ("  poll listener, one pending", revents(srv, POLLIN | POLLOUT),
	     POLLIN);
	T_EQ("  client poll", revents(cli, POLLIN | POLLOUT), POLLOUT);
	T_ERR("connect again", connect(cli, (struct sockaddr *)&a, len),
	      EISCONN);
	T_ERR("listen on a connected socket", listen(cli, 1), EINVAL);
	T_EQ("  client writes before accept", write(cli, "early", 5), 5);
	glen = sizeof(got);
	memset(&got, 0x55, sizeof(got));
	acc = accept(srv, (void *)&got, &glen);
	T_OK("accept", acc);
	T_EQ("  peer address length (unbound)", glen, 2);
	T_EQ("  family", got.sun_family, AF_UNIX);
	char buf[16] = {0};
	T_EQ("  read early data", read(acc, buf, sizeof(buf)), 5);
	T_STREQ("  data", buf, "early");
	glen = sizeof(got);
	T_OK("getsockname accepted", getsockname(acc, (void *)&got, &glen));
	T_STREQ("  path", got.sun_path, DIR_ "/s1");
	glen = sizeof(got);
	T_OK("getpeername client", getpeername(cli, (void *)&got, &glen));
	T_EQ("  length", glen, len);
	T_STREQ("  path", got.sun_path, DIR_ "/s1");
	glen = 4;
	T_OK("getpeername short buffer", getpeername(cli, (void *)&got, &glen));
	T_EQ("  full length reported", glen, len);
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	T_OK("SO_PEERCRED accepted",
	     getsockopt(acc, SOL_SOCKET, SO_PEERCRED, &cr, &crl));
	T_EQ("  pid is ours", cr.pid == getpid(), 1);
	T_EQ("  uid", cr.uid, getuid());
	T_EQ("  gid", cr.gid, getgid());
	crl = sizeof(cr);
	T_OK("SO_PEERCRED client",
	     getsockopt(cli, SOL_SOCKET, SO_PEERCRED, &cr, &crl));
	T_EQ("  pid is ours", cr.pid == getpid(), 1);
	T_ERR("accept on a connected socket", accept(cli, NULL, NULL), EINVAL);
	T_SYSERR("accept4 bad flags", t_sys4(SYS_accept4, srv, 0, 0, 1),
		 EINVAL);
	fcntl(srv, F_SETFL, O_NONBLOCK);
	T_ERR("accept nonblocking, none pending", accept(srv, NULL, NULL),
	      EAGAIN);
	fcntl(srv, F_SETFL, 0);
	close(acc);
	close(cli);

	/* accept4's flags, accept with a bad address pointer. */
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("connect 2", connect(cli, (struct sockaddr *)&a, len));
	acc = accept4(srv, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	T_OK("accept4 nonblock cloexec", acc);
	T_EQ("  O_NONBLOCK", !!(fcntl(acc, F_GETFL) & O_NONBLOCK), 1);
	T_EQ("  FD_CLOEXEC", fcntl(acc, F_GETFD), FD_CLOEXEC);
	T_ERR("  read nothing yet", read(acc, buf, 4), EAGAIN);
	close(acc);
	close(cli);

	/* The backlog: a full queue refuses nonblocking connects. */
	T_OK("listen backlog 1", listen(srv, 1));
	int c[3];
	for (int i = 0; i < 3; i++) {
		char name[48];
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		snprintf(name, sizeof(name), "nonblocking connect %d", i);
		long r = connect(c[i], (struct sockaddr *)&a, len);
		if (r < 0)
			t_say("%s: %s", name, t_errname(errno));
		else
			t_say("%s: ok", name);
	}
	acc = accept(srv, NULL, NULL);
	T_OK("accept one", acc);
	T_OK("now the third connects",
	     connect(c[2], (struct sockaddr *)&a, len));
	close(acc);
	for (int i = 0; i < 3; i++)
		close(c[i]);
	/* The two still queued: accepted, though their clients are gone. */
	char rb[4];
	for (int i = 0; i < 2; i++) {
		acc = accept(srv, NULL, NULL);
		T_OK("accept a connection whose client closed", acc);
		T_EQ("  read", read(acc, rb, sizeof(rb)), 0);
		close(acc);
	}

	/* A blocking connect on a full queue waits for an accept. */
	T_OK("listen backlog 0", listen(srv, 0));
	c[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("connect fills the queue",
	     connect(c[0], (struct sockaddr *)&a, len));
	pid_t pid = t_fork();
	if (pid == 0) {
		t_msleep(100);
		int x = accept(srv, NULL, NULL);
		t_msleep(50);
		int y = accept(srv, NULL, NULL);
		_exit(x >= 0 && y >= 0 ? 0 : 1);
	}
	c[1] = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("blocking connect waits for room",
	     connect(c[1], (struct sockaddr *)&a, len));
	T_STATUS("  accepting child", t_wait(pid), "exit 0");
	close(c[0]);
	close(c[1]);

	close(srv);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("connect after the listener closed",
	      connect(cli, (struct sockaddr *)&a, len), ECONNREFUSED);
	T_OK("bind a fresh socket to the old name fails",
	     bind(other, (struct sockaddr *)&a, len) < 0 && errno == EADDRINUSE
		     ? 0
		     : -1);
	T_OK("unlink the name", unlink(DIR_ "/s1"));
	T_OK("then bind works", bind(other, (struct sockaddr *)&a, len));
	close(cli);
	close(other);
	unlink(DIR_ "/s1");
	unlink(DIR_ "/file");
}

static void abstract_names(void)
{
	struct sockaddr_un a, got;
	socklen_t len = abstract_of(&a, "rastos-test"), glen;
	int srv, cli, acc, dup_;

	t_say("== abstract names");
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("bind abstract", bind(srv, (struct sockaddr *)&a, len));
	glen = sizeof(got);
	T_OK("getsockname", getsockname(srv, (void *)&got, &glen));
	T_EQ("  length", glen, len);
	T_EQ("  first byte", got.sun_path[0], 0);
	T_EQ("  name", memcmp(got.sun_path + 1, "rastos-test", 11), 0);
	dup_ = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("bind the same name", bind(dup_, (struct sockaddr *)&a, len),
	      EADDRINUSE);
	int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_OK("the same name for another type",
	     bind(dg, (struct sockaddr *)&a, len));
	int dg2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_EQ("  sendto reaches that one",
	     sendto(dg2, "t", 1, 0, (struct sockaddr *)&a, len), 1);
	char tb[2];
	T_EQ("  recv", recv(dg, tb, sizeof(tb), MSG_DONTWAIT), 1);
	close(dg2);
	close(dg);
	struct sockaddr_un shorter;
	socklen_t slen = abstract_of(&shorter, "rastos-tes");
	T_OK("a prefix is another name",
	     bind(dup_, (struct sockaddr *)&shorter, slen));
	close(dup_);
	T_OK("listen", listen(srv, 2));
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("connect", connect(cli, (struct sockaddr *)&a, len));
	acc = accept(srv, NULL, NULL);
	T_OK("accept", acc);
	T_EQ("send", send(cli, "abs", 3, 0), 3);
	char buf[8] = {0};
	T_EQ("recv", recv(acc, buf, sizeof(buf), 0), 3);
	T_STREQ("  data", buf, "abs");
	close(acc);
	close(cli);
	close(srv);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("the name is free after close",
	     bind(srv, (struct sockaddr *)&a, len));
	close(srv);

	/* Autobind: an empty address picks an abstract name. */
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_OK("autobind", bind(srv, (struct sockaddr *)&a, 2));
	glen = sizeof(got);
	T_OK("getsockname", getsockname(srv, (void *)&got, &glen));
	T_EQ("  length", glen, 8);
	T_EQ("  abstract", got.sun_path[0], 0);
	cli = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_EQ("sendto the autobound name",
	     sendto(cli, "auto", 4, 0, (struct sockaddr *)&got, glen), 4);
	memset(buf, 0, sizeof(buf));
	T_EQ("recv", recv(srv, buf, sizeof(buf), 0), 4);
	T_STREQ("  data", buf, "auto");
	close(cli);
	close(srv);
	cli = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_ERR("sendto a missing abstract name",
	      sendto(cli, "x", 1, 0, (struct sockaddr *)&a, len), ECONNREFUSED);
	close(cli);
}

/* ---- stream data ---------------------------------------------------- */

static void stream_data(void)
{
	int sv[2];
	char buf[64];

	t_say("== stream data");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	T_EQ("poll fresh pair", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLOUT);
	T_EQ("write abc", write(sv[0], "abc", 3), 3);
	T_EQ("write defgh", write(sv[0], "defgh", 5), 5);
	T_EQ("FIONREAD", fionread(sv[1]), 8);
	T_EQ("SIOCOUTQ has data", ioctl(sv[0], SIOCOUTQ, &(int){0}), 0);
	T_EQ("poll reader", revents(sv[1], POLLIN | POLLOUT), POLLIN | POLLOUT);
	memset(buf, 0, sizeof(buf));
	T_EQ("MSG_PEEK 4", recv(sv[1], buf, 4, MSG_PEEK), 4);
	T_STREQ("  data", buf, "abcd");
	memset(buf, 0, sizeof(buf));
	T_EQ("read 2", read(sv[1], buf, 2), 2);
	T_STREQ("  data", buf, "ab");
	memset(buf, 0, sizeof(buf));
	T_EQ("read the rest glued", read(sv[1], buf, sizeof(buf)), 6);
	T_STREQ("  data", buf, "cdefgh");
	int q = -1;
	T_OK("SIOCOUTQ", ioctl(sv[0], SIOCOUTQ, &q));
	T_EQ("  empty", q, 0);
	T_ERR("MSG_DONTWAIT on empty", recv(sv[1], buf, 4, MSG_DONTWAIT),
	      EAGAIN);
	T_ERR("recv 0 bytes on empty", recv(sv[1], buf, 0, MSG_DONTWAIT),
	      EAGAIN);
	write(sv[0], "q", 1);
	T_EQ("recv 0 bytes with data", recv(sv[1], buf, 0, MSG_DONTWAIT), 0);
	T_EQ("  then 1", recv(sv[1], buf, 4, MSG_DONTWAIT), 1);

	struct iovec wv[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
	T_EQ("writev", writev(sv[0], wv, 3), 13);
	char r1[6] = {0}, r2[16] = {0};
	struct iovec rv[2] = {{r1, 5}, {r2, 15}};
	T_EQ("readv", readv(sv[1], rv, 2), 13);
	T_STREQ("  first", r1, "one t");
	T_STREQ("  second", r2, "wo three");

	T_SYSERR("send bad buffer",
		 t_sys6(SYS_sendto, sv[0], BAD_ONE, 4, 0, 0, 0), EFAULT);
	write(sv[0], "xyz", 3);
	T_SYSERR("recv into a bad buffer",
		 t_sys6(SYS_recvfrom, sv[1], BAD_KERN, 4, 0, 0, 0), EFAULT);
	recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);

	/* MSG_WAITALL gathers pieces written over time. */
	pid_t pid = t_fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			t_msleep(20);
			if (write(sv[0], "12345", 5) != 5)
				_exit(1);
		}
		_exit(0);
	}
	memset(buf, 0, sizeof(buf));
	T_EQ("MSG_WAITALL 20", recv(sv[1], buf, 20, MSG_WAITALL), 20);
	T_STREQ("  data", buf, "12345123451234512345");
	T_STATUS("  writer", t_wait(pid), "exit 0");

	/* A blocking read woken by a write from another process. */
	pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		_exit(write(sv[1], "wake", 4) == 4 ? 0 : 1);
	}
	memset(buf, 0, sizeof(buf));
	T_EQ("blocking read", read(sv[0], buf, sizeof(buf)), 4);
	T_STREQ("  data", buf, "wake");
	T_STATUS("  writer", t_wait(pid), "exit 0");

	/* Unconnected stream sockets. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("send unconnected", send(s, "x", 1, 0), ENOTCONN);
	T_ERR("recv unconnected", recv(s, buf, 1, 0), EINVAL);
	T_EQ("poll unconnected", revents(s, POLLIN | POLLOUT),
	     POLLOUT | POLLHUP);
	struct sockaddr_un a;
	socklen_t alen = abstract_of(&a, "nowhere");
	T_ERR("sendto on unconnected stream",
	      sendto(s, "x", 1, 0, (struct sockaddr *)&a, alen), EOPNOTSUPP);
	T_ERR("sendto on connected stream",
	      sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, alen), EISCONN);
	close(s);
	close(sv[0]);
	close(sv[1]);
}

static void stream_full(void)
{
	int sv[2];
	static char chunk[65536];
	long total = 0, r;

	t_say("== stream buffer full");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	memset(chunk, 'z', sizeof(chunk));
	for (int i = 0; i < 1000; i++) {
		r = write(sv[0], chunk, sizeof(chunk));
		if (r < 0)
			break;
		total += r;
	}
	T_ERR("fill until", r, EAGAIN);
	T_EQ("  something went in", total > 0, 1);
	T_EQ("  FIONREAD is all of it", fionread(sv[1]) == total, 1);
	int q = 0;
	ioctl(sv[0], SIOCOUTQ, &q);
	T_EQ("  SIOCOUTQ nonzero", q > 0, 1);
	T_EQ("  writer not writable", revents(sv[0], POLLOUT) & POLLOUT, 0);
	long got = 0;
	while ((r = read(sv[1], chunk, sizeof(chunk))) > 0)
		got += r;
	T_ERR("drain until", r, EAGAIN);
	T_EQ("  drained all", got == total, 1);
	T_EQ("  writable again", revents(sv[0], POLLOUT), POLLOUT);
	close(sv[0]);
	close(sv[1]);

	/* A megabyte through a blocking pair, checked. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid = t_fork();
	if (pid == 0) {
		close(sv[1]);
		unsigned char b[3000];
		long sent = 0;
		while (sent < (1 << 20)) {
			long n = (1 << 20) - sent < 3000 ? (1 << 20) - sent
							 : 3000;
			for (long i = 0; i < n; i++)
				b[i] = (unsigned char)((sent + i) * 7);
			if (write(sv[0], b, (size_t)n) != n)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(sv[0]);
	long n = 0;
	int bad = 0;
	while ((r = read(sv[1], chunk, 5000)) > 0) {
		for (long i = 0; i < r; i++)
			bad |= chunk[i] != (char)((n + i) * 7);
		n += r;
	}
	T_EQ("1 MiB transfer: bytes", n, 1 << 20);
	T_EQ("  contents right", bad, 0);
	T_EQ("  then EOF", r, 0);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	close(sv[1]);
}

static void on_pipe(int sig)
{
	(void)sig;
}

static void stream_shutdown(void)
{
	int sv[2];
	char buf[16];

	t_say("== shutdown and close");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "last", 4);
	T_OK("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	T_EQ("  peer poll", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP);
	T_EQ("  own poll", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLOUT);
	T_EQ("  peer reads data", read(sv[1], buf, sizeof(buf)), 4);
	T_EQ("  then EOF", read(sv[1], buf, sizeof(buf)), 0);
	T_EQ("  EOF again", read(sv[1], buf, sizeof(buf)), 0);
	T_ERR("  own write", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	T_EQ("  peer can still write", write(sv[1], "back", 4), 4);
	T_EQ("  and we read it", read(sv[0], buf, sizeof(buf)), 4);
	T_OK("shutdown SHUT_RD on the peer", shutdown(sv[1], SHUT_RD));
	T_EQ("  peer poll", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP);
	T_EQ("  our poll", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLOUT);
	T_ERR("  our write", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	T_EQ("  its read after SHUT_RD", read(sv[1], buf, sizeof(buf)), 0);
	T_EQ("  it may still write", write(sv[1], "w", 1), 1);
	T_EQ("  we read", read(sv[0], buf, sizeof(buf)), 1);
	T_OK("SHUT_RD on ours too", shutdown(sv[0], SHUT_RD));
	T_EQ("  our poll", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	T_ERR("shutdown how 3", shutdown(sv[0], 3), EINVAL);
	T_ERR("shutdown how -1", shutdown(sv[0], -1), EINVAL);
	close(sv[0]);
	close(sv[1]);

	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK("shutdown unconnected", shutdown(s, SHUT_RDWR));
	close(s);

	/* SIGPIPE: default kills, MSG_NOSIGNAL does not. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	T_EQ("peer closed: poll", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	T_EQ("  read EOF", read(sv[0], buf, sizeof(buf)), 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	T_STATUS("write to a closed peer", t_wait(pid), "signal SIGPIPE");
	T_ERR("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	signal(SIGPIPE, on_pipe);
	T_ERR("write with a handler", write(sv[0], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);

	/* Closing with unread data resets the peer. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "unread", 6);
	close(sv[1]);
	T_EQ("unread data dropped: poll",
	     revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLERR);
	T_ERR("  read", read(sv[0], buf, sizeof(buf)), ECONNRESET);
	T_EQ("  then EOF", read(sv[0], buf, sizeof(buf)), 0);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "unread", 6);
	close(sv[1]);
	T_EQ("  SO_ERROR", sockopt(sv[0], SO_ERROR), ECONNRESET);
	T_EQ("  SO_ERROR cleared", sockopt(sv[0], SO_ERROR), 0);
	close(sv[0]);
}

/* ---- datagrams ------------------------------------------------------ */

static void datagrams(void)
{
	struct sockaddr_un a, from;
	socklen_t len = addr_of(&a, DIR_ "/dg"), flen;
	char buf[64];
	int rx, tx;

	t_say("== datagrams");
	rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_OK("bind", bind(rx, (struct sockaddr *)&a, len));
	T_EQ("poll empty", revents(rx, POLLIN | POLLOUT), POLLOUT);
	T_ERR("send unconnected, no address", send(tx, "x", 1, 0), ENOTCONN);
	T_EQ("sendto", sendto(tx, "first", 5, 0, (struct sockaddr *)&a, len),
	     5);
	T_EQ("sendto 2",
	     sendto(tx, "second!", 7, 0, (struct sockaddr *)&a, len), 7);
	T_EQ("sendto empty", sendto(tx, "", 0, 0, (struct sockaddr *)&a, len),
	     0);
	T_EQ("FIONREAD is the first", fionread(rx), 5);
	T_EQ("poll", revents(rx, POLLIN | POLLOUT), POLLIN | POLLOUT);
	flen = sizeof(from);
	memset(buf, 0, sizeof(buf));
	T_EQ("recvfrom",
	     recvfrom(rx, buf, sizeof(buf), 0, (void *)&from, &flen), 5);
	T_STREQ("  data", buf, "first");
	T_EQ("  unbound sender: address length", flen, 0);

	struct msghdr m = {0};
	struct iovec v = {buf, 3};
	memset(buf, 0, sizeof(buf));
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	T_EQ("recvmsg truncated", recvmsg(rx, &m, MSG_PEEK), 3);
	T_EQ("  MSG_TRUNC set", m.msg_flags, MSG_TRUNC);
	T_EQ("recv MSG_TRUNC: real length", recv(rx, buf, 3, MSG_TRUNC), 7);
	T_STREQ("  data", buf, "sec");
	T_EQ("recv empty datagram", recv(rx, buf, sizeof(buf), 0), 0);
	T_ERR("MSG_DONTWAIT empty", recv(rx, buf, 1, MSG_DONTWAIT), EAGAIN);

	/* A bound sender's address comes along. */
	struct sockaddr_un ta;
	socklen_t tlen = abstract_of(&ta, "dg-sender");
	T_OK("bind the sender", bind(tx, (struct sockaddr *)&ta, tlen));
	sendto(tx, "named", 5, 0, (struct sockaddr *)&a, len);
	flen = sizeof(from);
	T_EQ("recvfrom",
	     recvfrom(rx, buf, sizeof(buf), 0, (void *)&from, &flen), 5);
	T_EQ("  address length", flen, tlen);
	T_EQ("  name", memcmp(from.sun_path + 1, "dg-sender", 9), 0);

	/* The queue limit. */
	int n = 0;
	for (; n < 1000; n++)
		if (sendto(tx, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a,
			   len) < 0)
			break;
	T_EQ("queue fills after", n, 11);
	T_ERR("  then", errno == EAGAIN ? -1 : 0, EAGAIN);
	for (int i = 0; i < n; i++)
		recv(rx, buf, sizeof(buf), 0);

	T_ERR("too big", sendto(tx, buf, 300000, 0, (struct sockaddr *)&a, len),
	      EMSGSIZE);
	struct sockaddr_un none;
	socklen_t nlen = addr_of(&none, DIR_ "/none");
	T_ERR("sendto a missing name",
	      sendto(tx, "x", 1, 0, (struct sockaddr *)&none, nlen), ENOENT);

	/* connect, then send without an address. */
	T_OK("connect", connect(tx, (struct sockaddr *)&a, len));
	flen = sizeof(from);
	T_OK("getpeername", getpeername(tx, (void *)&from, &flen));
	T_STREQ("  path", from.sun_path, DIR_ "/dg");
	T_EQ("send", send(tx, "conn", 4, 0), 4);
	memset(buf, 0, sizeof(buf));
	T_EQ("recv", recv(rx, buf, sizeof(buf), 0), 4);
	T_STREQ("  data", buf, "conn");
	T_OK("receiver connects to the sender",
	     connect(rx, (struct sockaddr *)&ta, tlen));
	int third = socket(AF_UNIX, SOCK_DGRAM, 0);
	T_ERR("a third socket may not send to it",
	      sendto(third, "x", 1, 0, (struct sockaddr *)&a, len), EPERM);
	close(third);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	T_OK("disconnect (AF_UNSPEC)", connect(tx, &unspec, sizeof(unspec)));
	T_ERR("  send", send(tx, "x", 1, 0), ENOTCONN);
	T_OK("connect again", connect(tx, (struct sockaddr *)&a, len));
	close(rx);
	T_ERR("receiver closed: send", send(tx, "x", 1, 0), ECONNREFUSED);
	T_ERR("  then not connected", send(tx, "x", 1, 0), ENOTCONN);
	close(tx);
	unlink(DIR_ "/dg");

	/* recvfrom on a socketpair: the peer is unbound. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	T_EQ("dgram pair send", send(sv[0], "pair", 4, 0), 4);
	flen = sizeof(from);
	T_EQ("  recvfrom",
	     recvfrom(sv[1], buf, sizeof(buf), 0, (void *)&from, &flen), 4);
	T_EQ("  address length", flen, 0);
	T_OK("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	T_ERR("  send", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	T_EQ("  peer poll", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
	     POLLOUT);
	T_ERR("  peer recv", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT),
	      EAGAIN);
	T_EQ("  peer sends", send(sv[1], "p", 1, 0), 1);
	T_EQ("  we read it", recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), 1);
	T_OK("SHUT_RD", shutdown(sv[0], SHUT_RD));
	T_EQ("  poll", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	T_ERR("  recv nonblocking", recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT),
	      EAGAIN);
	T_EQ("  recv blocking: EOF", recv(sv[0], buf, sizeof(buf), 0), 0);
	T_ERR("  peer sends", send(sv[1], "p", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);
	close(sv[1]);
}

static void seqpacket(void)
{
	struct sockaddr_un a;
	socklen_t len = abstract_of(&a, "seqpacket");
	char buf[64];
	int srv, cli, acc;

	t_say("== seqpacket");
	srv = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	T_OK("bind", bind(srv, (struct sockaddr *)&a, len));
	T_OK("listen", listen(srv, 3));
	cli = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	T_ERR("send unconnected", send(cli, "x", 1, 0), ENOTCONN);
	int st = socket(AF_UNIX, SOCK_STREAM, 0);
	T_ERR("stream connect to a seqpacket's abstract name",
	      connect(st, (struct sockaddr *)&a, len), ECONNREFUSED);
	close(st);
	T_OK("connect", connect(cli, (struct sockaddr *)&a, len));
	acc = accept(srv, NULL, NULL);
	T_OK("accept", acc);
	T_EQ("send 5", send(cli, "abcde", 5, 0), 5);
	T_EQ("send 3", send(cli, "fgh", 3, 0), 3);
	T_EQ("FIONREAD: all packets", fionread(acc), 8);
	memset(buf, 0, sizeof(buf));
	struct msghdr m = {0};
	struct iovec v = {buf, 2};
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	T_EQ("recvmsg 2 of 5", recvmsg(acc, &m, 0), 2);
	T_EQ("  MSG_TRUNC", m.msg_flags, MSG_TRUNC);
	T_STREQ("  data", buf, "ab");
	memset(buf, 0, sizeof(buf));
	T_EQ("the rest is gone; next packet", recv(acc, buf, sizeof(buf), 0),
	     3);
	T_STREQ("  data", buf, "fgh");
	close(cli);
	T_EQ("peer closed: poll", revents(acc, POLLIN | POLLOUT | POLLRDHUP),
	     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	T_EQ("  recv EOF", recv(acc, buf, sizeof(buf), 0), 0);
	T_ERR("  send", send(acc, "x", 1, MSG_NOSIGNAL), EPIPE);
	close(acc);
	close(srv);
}

/* ---- options, ioctl, epoll ------------------------------------------ */

static void options(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), v;
	socklen_t len;

	t_say("== options");
	T_EQ("SO_SNDBUF default", sockopt(fd, SO_SNDBUF), 212992);
	T_EQ("SO_RCVBUF default", sockopt(fd, SO_RCVBUF), 212992);
	v = 10000;
	T_OK("set SO_SNDBUF 10000",
	     setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	T_EQ("  doubled", sockopt(fd, SO_SNDBUF), 20000);
	v = 1;
	T_OK("set SO_SNDBUF 1",
	     setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	T_EQ("  the minimum", sockopt(fd, SO_SNDBUF), 4608);
	v = 1 << 30;
	T_OK("set SO_RCVBUF 1 GiB",
	     setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	T_EQ("  the maximum", sockopt(fd, SO_RCVBUF), 425984);
	v = 1;
	T_OK("set SO_PASSCRED",
	     setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)));
	T_EQ("  get", sockopt(fd, SO_PASSCRED), 1);
	T_ERR("set with a short length",
	      setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, 2), EINVAL);
	T_ERR("set SO_TYPE", setsockopt(fd, SOL_SOCKET, SO_TYPE, &v, sizeof(v)),
	      ENOPROTOOPT);
	len = sizeof(v);
	T_ERR("get unknown option", getsockopt(fd, SOL_SOCKET, 9999, &v, &len),
	      ENOPROTOOPT);
	len = sizeof(v);
	T_ERR("get at level IPPROTO_TCP", getsockopt(fd, 6, 1, &v, &len),
	      EOPNOTSUPP);
	T_ERR("set at level IPPROTO_TCP", setsockopt(fd, 6, 1, &v, sizeof(v)),
	      EOPNOTSUPP);
	len = (socklen_t)-1;
	T_ERR("get with a negative length",
	      getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	len = 2;
	v = 0;
	T_OK("get with a short length",
	     getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	T_EQ("  length", len, 2);
	T_SYSERR("get into a bad pointer",
		 t_sys5(SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, BAD_ONE, &len),
		 EFAULT);
	struct ucred cr;
	len = sizeof(cr);
	T_OK("SO_PEERCRED unconnected",
	     getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len));
	T_EQ("  pid", cr.pid, 0);
	T_EQ("  uid", (int)cr.uid, -1);
	T_EQ("unknown ioctl", ioctl(fd, 0x1234, &v) < 0 ? errno : 0, ENOTTY);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t alen = abstract_of(&a, "ioctl-listener");
	bind(l, (struct sockaddr *)&a, alen);
	listen(l, 1);
	T_ERR("FIONREAD on a listener", ioctl(l, FIONREAD, &v), EINVAL);
	close(l);
	close(fd);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void timeouts(void)
{
	struct timeval tv = {0, 200000}, got;
	socklen_t len = sizeof(got);
	struct timespec t0;
	int sv[2];
	char buf[8];

	t_say("== timeouts");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	T_OK("SO_RCVTIMEO 200 ms",
	     setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	T_OK("  get", getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	T_EQ("  sec", got.tv_sec, 0);
	T_EQ("  usec", got.tv_usec, 200000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_ERR("  read times out", read(sv[0], buf, sizeof(buf)), EAGAIN);
	T_EQ("  after 150 ms or more", ms_since(&t0) >= 150, 1);
	write(sv[1], "t", 1);
	T_EQ("  data in time", read(sv[0], buf, sizeof(buf)), 1);
	tv.tv_usec = 1000000;
	T_ERR("usec 1000000",
	      setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	      EDOM);
	T_ERR("short length",
	      setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, 8), EINVAL);
	len = sizeof(got);
	T_OK("SO_SNDTIMEO unset",
	     getsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &got, &len));
	T_EQ("  sec", got.tv_sec, 0);
	T_EQ("  usec", got.tv_usec, 0);

	/* A full buffer: the write waits, then gives up. */
	static char chunk[65536];
	tv = (struct timeval){0, 100000};
	setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	long r;
	for (int i = 0; i < 1000; i++) {
		r = write(sv[1], chunk, sizeof(chunk));
		if (r < 0)
			break;
	}
	T_ERR("write into a full buffer times out", r, EAGAIN);
	close(sv[0]);
	close(sv[1]);

	/* accept and a datagram read. */
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t alen = abstract_of(&a, "timeo");
	bind(l, (struct sockaddr *)&a, alen);
	listen(l, 1);
	tv = (struct timeval){0, 100000};
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	T_ERR("accept times out", accept(l, NULL, NULL), EAGAIN);
	close(l);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	setsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	bind(d, (struct sockaddr *)&a, alen);
	T_ERR("datagram recv times out", recv(d, buf, sizeof(buf), 0), EAGAIN);
	close(d);
}

static void epoll_socket(void)
{
	int sv[2], ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP}, out[2];

	t_say("== epoll");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ev.data.fd = sv[1];
	T_OK("epoll_ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev));
	T_EQ("nothing ready", epoll_wait(ep, out, 2, 0), 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		t_msleep(50);
		_exit(write(sv[0], "e", 1) == 1 ? 0 : 1);
	}
	T_EQ("woken by a write", epoll_wait(ep, out, 2, 2000), 1);
	T_EQ("  events", out[0].events, EPOLLIN);
	T_STATUS("  writer", t_wait(pid), "exit 0");
	char c;
	read(sv[1], &c, 1);
	close(sv[0]);
	T_EQ("peer closed", epoll_wait(ep, out, 2, 1000), 1);
	T_EQ("  events", out[0].events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);
	close(sv[1]);
	close(ep);
}

/* ---- many writers ---------------------------------------------------- */

#define WRITERS 4
#define PER_WRITER 200

static void many_writers(void)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&a, DIR_ "/many");
	int rx = socket(AF_UNIX, SOCK_DGRAM, 0), counts[WRITERS] = {0}, bad = 0;
	pid_t pids[WRITERS];

	t_say("== many writers");
	bind(rx, (struct sockaddr *)&a, len);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = t_fork();
		if (pids[w] == 0) {
			int tx = socket(AF_UNIX, SOCK_DGRAM, 0);
			for (int i = 0; i < PER_WRITER; i++) {
				int msg[2] = {w, i};
				if (sendto(tx, msg, sizeof(msg), 0,
					   (struct sockaddr *)&a, len) != 8)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < WRITERS * PER_WRITER; i++) {
		int msg[2];
		if (recv(rx, msg, sizeof(msg), 0) != 8 || msg[0] < 0 ||
		    msg[0] >= WRITERS) {
			bad++;
			continue;
		}
		bad += msg[1] != counts[msg[0]]; /* in order per writer */
		counts[msg[0]]++;
	}
	for (int w = 0; w < WRITERS; w++)
		T_STATUS("datagram writer", t_wait(pids[w]), "exit 0");
	T_EQ("datagrams in order, none lost", bad, 0);
	for (int w = 0; w < WRITERS; w++)
		T_EQ("  per writer", counts[w], PER_WRITER);
	close(rx);
	unlink(DIR_ "/many");

	/* Stream: small writes are not split, so records stay whole. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = t_fork();
		if (pids[w] == 0) {
			char rec[32];
			for (int i = 0; i < PER_WRITER; i++) {
				memset(rec, 'a' + w, sizeof(rec));
				rec[0] = (char)w;
				rec[1] = (char)i;
				if (write(sv[0], rec, sizeof(rec)) != 32)
					_exit(1);
			}
			_exit(0);
		}
	}
	close(sv[0]);
	memset(counts, 0, sizeof(counts));
	bad = 0;
	char rec[32];
	long total = 0;
	for (;;) {
		ssize_t r = recv(sv[1], rec, sizeof(rec), MSG_WAITALL);
		if (r <= 0)
			break;
		total += r;
		int w = rec[0];
		if (r != 32 || w < 0 || w >= WRITERS) {
			bad++;
			continue;
		}
		for (int k = 2; k < 32; k++)
			bad += rec[k] != 'a' + w;
		bad += rec[1] != (char)counts[w];
		counts[w]++;
	}
	for (int w = 0; w < WRITERS; w++)
		T_STATUS("stream writer", t_wait(pids[w]), "exit 0");
	T_EQ("stream bytes", total, WRITERS * PER_WRITER * 32);
	T_EQ("  records whole and in order", bad, 0);
	close(sv[1]);
}

int main(void)
{
	umask(022);
	mkdir(DIR_, 0755);
	creation();
	names();
	abstract_names();
	stream_data();
	stream_full();
	stream_shutdown();
	datagrams();
	seqpacket();
	options();
	timeouts();
	epoll_socket();
	many_writers();
	rmdir(DIR_);
	t_done();
}
