/*
 * unix_scm.c - control messages on AF_UNIX sockets.
 *
 * SCM_RIGHTS: a descriptor passed over stream and datagram sockets (the
 * new one shares the open file), several at once, to another process,
 * MSG_CMSG_CLOEXEC, a control buffer too small (MSG_CTRUNC), a stream
 * read stopping after the data that carried descriptors, MSG_PEEK, and
 * the errors (EBADF, EINVAL for a bad header or too many descriptors).
 * Sockets passed inside sockets, deeply nested: everything freed at the
 * last close; a ring of sockets only in flight collected at the next
 * release, one still reachable kept with its data.
 * SCM_CREDENTIALS: SO_PASSCRED on the receiver, credentials stated by
 * the sender (checked: EPERM for someone else's, ESRCH for no process),
 * stream data from different senders kept apart.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXFDS 300

union cbuf {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(int) * MAXFDS) +
		 CMSG_SPACE(sizeof(struct ucred))];
};

/* Send data with n descriptors (n may be 0): sendmsg's result. */
static long send_fds(int sock, const char *data, const int *fds, int n,
		     int flags)
{
	union cbuf c;
	struct iovec v = {(void *)data, strlen(data)};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};

	if (n) {
		memset(&c, 0, sizeof(c));
		m.msg_control = c.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(h), fds, sizeof(int) * n);
	}
	/* Raw: musl's sendmsg refuses control data over 1 KiB itself. */
	long r = t_sys3(SYS_sendmsg, sock, &m, flags);
	return r < 0 ? r : (long)v.iov_len;
}

struct got {
	long ret;
	int flags;
	int nfds;
	int fds[MAXFDS];
	int has_cred;
	struct ucred cred;
	char data[64];
};

/* Receive into g with a control buffer of ctl bytes. */
static void recv_ctl(int sock, struct got *g, size_t ctl, size_t datalen,
		     int flags)
{
	union cbuf c;
	struct iovec v = {g->data, datalen};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};

	memset(g, 0, sizeof(*g));
	memset(&c, 0, sizeof(c));
	m.msg_control = ctl ? c.buf : NULL;
	m.msg_controllen = ctl;
	g->ret = recvmsg(sock, &m, flags);
	if (g->ret < 0) {
		g->ret = -errno;
		return;
	}
	g->flags = m.msg_flags;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			int n = (int)((h->cmsg_len - CMSG_LEN(0)) /
				      sizeof(int));
			memcpy(g->fds + g->nfds, CMSG_DATA(h), n * sizeof(int));
			g->nfds += n;
		} else if (h->cmsg_level == SOL_SOCKET &&
			   h->cmsg_type == SCM_CREDENTIALS) {
			g->has_cred = 1;
			memcpy(&g->cred, CMSG_DATA(h), sizeof(g->cred));
		} else {
			t_say("unexpected cmsg level %d type %d", h->cmsg_level,
			      h->cmsg_type);
		}
	}
}

static void say_got(const char *name, const struct got *g)
{
	if (g->ret < 0)
		t_say("%s: %s", name, t_errname((int)-g->ret));
	else
		t_say("%s: %ld bytes \"%.*s\" flags %#x fds %d cred %d", name,
		      g->ret, (int)g->ret, g->data, g->flags, g->nfds,
		      g->has_cred);
}

/* Does fd share the open file of pipe end wr (a write to one shows in
 * rd)? */
static int same_pipe(int wr, int rd)
{
	char c = 0;

	return write(wr, "P", 1) == 1 && read(rd, &c, 1) == 1 && c == 'P';
}

static void rights(void)
{
	int sv[2], p[2];
	struct got g;

	t_say("== SCM_RIGHTS");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	T_EQ("send a pipe's write end", send_fds(sv[0], "fd", &p[1], 1, 0), 2);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("recvmsg", &g);
	if (g.nfds == 1) {
		T_EQ("  a new descriptor", g.fds[0] != p[1], 1);
		T_EQ("  the same pipe", same_pipe(g.fds[0], p[0]), 1);
		T_EQ("  no FD_CLOEXEC", fcntl(g.fds[0], F_GETFD), 0);
		close(g.fds[0]);
	}

	int three[3] = {p[0], p[1], p[1]};
	T_EQ("send three", send_fds(sv[0], "3", three, 3, 0), 1);
	recv_ctl(sv[1], &g, CMSG_SPACE(sizeof(int) * 3), sizeof(g.data),
		 MSG_CMSG_CLOEXEC);
	say_got("recvmsg MSG_CMSG_CLOEXEC", &g);
	for (int i = 0; i < g.nfds; i++) {
		T_EQ("  FD_CLOEXEC", fcntl(g.fds[i], F_GETFD), FD_CLOEXEC);
		close(g.fds[i]);
	}
	T_EQ("send three again", send_fds(sv[0], "3", three, 3, 0), 1);
	recv_ctl(sv[1], &g, CMSG_SPACE(sizeof(int)), sizeof(g.data), 0);
	say_got("recvmsg with room for one", &g);
	for (int i = 0; i < g.nfds; i++)
		close(g.fds[i]);
	T_EQ("send with fds", send_fds(sv[0], "x", &p[1], 1, 0), 1);
	recv_ctl(sv[1], &g, 0, sizeof(g.data), 0);
	say_got("recvmsg without a control buffer", &g);

	/* A stream read stops after the bytes that brought descriptors. */
	T_EQ("write ab", write(sv[0], "ab", 2), 2);
	T_EQ("send cd with a fd", send_fds(sv[0], "cd", &p[1], 1, 0), 2);
	T_EQ("write ef", write(sv[0], "ef", 2), 2);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), MSG_PEEK);
	say_got("peek", &g);
	for (int i = 0; i < g.nfds; i++)
		close(g.fds[i]);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("read", &g);
	for (int i = 0; i < g.nfds; i++)
		close(g.fds[i]);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("read the rest", &g);

	/* The errors. */
	int bad = 999;
	T_EQ("send a closed fd", send_fds(sv[0], "x", &bad, 1, 0), -EBADF);
	int many[MAXFDS];
	for (int i = 0; i < MAXFDS; i++)
		many[i] = p[0];
	T_EQ("send 253 fds", send_fds(sv[0], "m", many, 253, 0), 1);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("  received", &g);
	for (int i = 0; i < g.nfds; i++)
		close(g.fds[i]);
	T_EQ("send 254 fds", send_fds(sv[0], "m", many, 254, 0), -EINVAL);
	union cbuf c;
	struct iovec v = {"h", 1};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
	memset(&c, 0, sizeof(c));
	m.msg_control = c.buf;
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	c.h.cmsg_level = SOL_SOCKET;
	c.h.cmsg_type = SCM_RIGHTS;
	c.h.cmsg_len = 4;
	T_ERR("cmsg_len too small", sendmsg(sv[0], &m, 0), EINVAL);
	c.h.cmsg_len = CMSG_LEN(sizeof(int)) + 64;
	T_ERR("cmsg_len past the buffer", sendmsg(sv[0], &m, 0), EINVAL);
	c.h.cmsg_len = CMSG_LEN(sizeof(int));
	c.h.cmsg_type = 77;
	T_ERR("unknown SOL_SOCKET type", sendmsg(sv[0], &m, 0), EINVAL);
	c.h.cmsg_level = 6;
	c.h.cmsg_type = SCM_RIGHTS;
	T_EQ("another level is ignored", sendmsg(sv[0], &m, 0), 1);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("  received", &g);
	m.msg_control = BAD_ONE;
	T_SYSERR("bad control pointer", t_sys3(SYS_sendmsg, sv[0], &m, 0),
		 EFAULT);
	m.msg_control = NULL;
	m.msg_controllen = 0;
	T_SYSERR("bad msghdr pointer", t_sys3(SYS_sendmsg, sv[0], BAD_ONE, 0),
		 EFAULT);
	T_SYSERR("recvmsg bad msghdr", t_sys3(SYS_recvmsg, sv[1], BAD_KERN, 0),
		 EFAULT);

	/* To another process: the child gets the pipe and writes to it. */
	pid_t pid = t_fork();
	if (pid == 0) {
		struct got cg;
		close(p[1]);
		recv_ctl(sv[1], &cg, sizeof(union cbuf), sizeof(cg.data), 0);
		if (cg.nfds != 1)
			_exit(2);
		_exit(write(cg.fds[0], "child", 5) == 5 ? 0 : 1);
	}
	T_EQ("send to a child", send_fds(sv[0], "c", &p[1], 1, 0), 1);
	T_STATUS("  child", t_wait(pid), "exit 0");
	char buf[8] = {0};
	T_EQ("  its write came", read(p[0], buf, sizeof(buf)), 5);
	T_STREQ("  data", buf, "child");
	close(sv[0]);
	close(sv[1]);

	/* Datagrams and seqpackets carry them too. */
	int types[2] = {SOCK_DGRAM, SOCK_SEQPACKET};
	for (int k = 0; k < 2; k++) {
		socketpair(AF_UNIX, types[k], 0, sv);
		T_EQ(k ? "seqpacket send" : "dgram send",
		     send_fds(sv[0], "dg", &p[1], 1, 0), 2);
		recv_ctl(sv[1], &g, sizeof(union cbuf), 1, 0);
		say_got("  recv (truncated)", &g);
		if (g.nfds == 1) {
			T_EQ("  the same pipe", same_pipe(g.fds[0], p[0]), 1);
			close(g.fds[0]);
		}
		/* Unread descriptors die with the socket. */
		send_fds(sv[0], "dg", &p[1], 1, 0);
		close(sv[0]);
		close(sv[1]);
	}
	/* The pipe's write end is gone everywhere but p[1]: close it and
	 * the reader sees EOF (no descriptor leaked in a dead queue). */
	close(p[1]);
	T_EQ("pipe EOF once every copy is closed", read(p[0], buf, 1), 0);
	close(p[0]);
}

/* Sockets inside sockets' queues, deep: closing them all frees all (the
 * pipe's write end, inside the innermost, closes). */
static void nesting(void)
{
	int s[40][2], p[2], ok = 1;

	t_say("== nested sockets");
	pipe(p);
	for (int i = 0; i < 40; i++)
		socketpair(AF_UNIX, SOCK_DGRAM, 0, s[i]);
	T_EQ("a pipe into the first", send_fds(s[0][0], "p", &p[1], 1, 0), 1);
	for (int i = 0; i < 39; i++)
		ok &= send_fds(s[i + 1][0], "s", &s[i][1], 1, 0) == 1;
	T_EQ("each socket into the next, 39 deep", ok, 1);
	for (int i = 0; i < 40; i++) {
		close(s[i][0]);
		close(s[i][1]);
	}
	close(p[1]);
	char c;
	T_EQ("all closed: the pipe's writer is gone", read(p[0], &c, 1), 0);
	close(p[0]);
}

/* Rings of sockets that only messages hold are collected when a socket
 * is released; sockets still reachable are not. */
static void rings(void)
{
	int a[2], b[2], p[2], q[2];
	char c;

	t_say("== garbage collection");
	pipe(p);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, a);
	T_EQ("a pipe end into a[1]", send_fds(a[0], "p", &p[1], 1, 0), 1);
	T_EQ("a[1] into its own queue", send_fds(a[0], "s", &a[1], 1, 0), 1);
	close(p[1]);
	close(a[0]);
	close(a[1]);
	T_ERR("the ring holds the pipe end", read(p[0], &c, 1), EAGAIN);

	/* A reachable one: b[1] sits in q[1]'s queue, q[1] is open. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, b);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, q);
	T_EQ("b[1] into q[1]", send_fds(q[0], "b", &b[1], 1, 0), 1);
	T_EQ("data for b[1]", send(b[0], "kept", 4, 0), 4);
	close(b[1]);

	int t = socket(AF_UNIX, SOCK_STREAM, 0);
	close(t); /* a release: the collector runs */
	/* Linux collects in a worker, a little later: wait up to 2 s. */
	long r = -1;
	for (int i = 0; i < 100 && r < 0; i++) {
		r = read(p[0], &c, 1);
		if (r < 0)
			t_msleep(20);
	}
	T_EQ("after a release the ring is gone", r, 0);
	close(p[0]);

	struct got g;
	recv_ctl(q[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("the reachable socket comes back", &g);
	if (g.nfds == 1) {
		char buf[8] = {0};
		T_EQ("  its data is still there",
		     recv(g.fds[0], buf, sizeof(buf), MSG_DONTWAIT), 4);
		T_STREQ("  data", buf, "kept");
		close(g.fds[0]);
	}
	close(b[0]);
	close(q[0]);
	close(q[1]);
}

static void set_passcred(int fd)
{
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
}

static long send_cred(int sock, const char *data, pid_t pid, uid_t uid,
		      gid_t gid)
{
	union cbuf c;
	struct iovec v = {(void *)data, strlen(data)};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
	struct ucred cr = {pid, uid, gid};

	memset(&c, 0, sizeof(c));
	m.msg_control = c.buf;
	m.msg_controllen = CMSG_SPACE(sizeof(cr));
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(cr));
	memcpy(CMSG_DATA(h), &cr, sizeof(cr));
	return sendmsg(sock, &m, 0) < 0 ? -errno : (long)v.iov_len;
}

static void credentials(void)
{
	int sv[2];
	struct got g;

	t_say("== SCM_CREDENTIALS");
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "nocred", 6, 0);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("without SO_PASSCRED", &g);
	set_passcred(sv[1]);
	send(sv[0], "cred", 4, 0);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("with SO_PASSCRED", &g);
	T_EQ("  pid is ours", g.cred.pid == getpid(), 1);
	T_EQ("  uid", g.cred.uid, getuid());
	T_EQ("  gid", g.cred.gid, getgid());

	pid_t pid = t_fork();
	if (pid == 0)
		_exit(send(sv[0], "child", 5, 0) == 5 ? 0 : 1);
	T_STATUS("a child sends", t_wait(pid), "exit 0");
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("  received", &g);
	T_EQ("  the child's pid", g.cred.pid == pid, 1);

	T_EQ("stated credentials", send_cred(sv[0], "me", getpid(), 0, 0), 2);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("  received", &g);
	T_EQ("  pid is ours", g.cred.pid == getpid(), 1);
	T_EQ("another uid, as root", send_cred(sv[0], "u", getpid(), 42, 43),
	     1);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	T_EQ("  uid", g.cred.uid, 42);
	T_EQ("  gid", g.cred.gid, 43);
	T_EQ("a pid that does not exist",
	     send_cred(sv[0], "x", 0x3ffffff, 0, 0), -ESRCH);
	pid = t_fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(3);
		if (send_cred(sv[0], "x", getpid(), 0, 0) != -EPERM)
			_exit(1);
		if (send_cred(sv[0], "y", 1, 1000, 1000) != -EPERM)
			_exit(2);
		_exit(send_cred(sv[0], "ok", getpid(), 1000, 1000) == 2 ? 0
									: 4);
	}
	T_STATUS("unprivileged: only its own", t_wait(pid), "exit 0");
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("  received", &g);
	T_EQ("  uid", g.cred.uid, 1000);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), MSG_DONTWAIT);
	T_EQ("  no more", g.ret, -EAGAIN);
	close(sv[0]);
	close(sv[1]);

	/* Stream: bytes from different senders are not glued together. */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	set_passcred(sv[1]);
	write(sv[0], "aa", 2);
	pid = t_fork();
	if (pid == 0)
		_exit(write(sv[0], "bb", 2) == 2 ? 0 : 1);
	t_wait(pid);
	write(sv[0], "cc", 2);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("stream read 1", &g);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("stream read 2", &g);
	T_EQ("  from the child", g.cred.pid == pid, 1);
	recv_ctl(sv[1], &g, sizeof(union cbuf), sizeof(g.data), 0);
	say_got("stream read 3", &g);
	close(sv[0]);
	close(sv[1]);

	/* SO_PASSCRED on an unbound datagram sender autobinds it. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX}, from;
	memcpy(a.sun_path, "\0scm-rx", 7);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 7, flen;
	int rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(rx, (struct sockaddr *)&a, len);
	set_passcred(tx);
	sendto(tx, "hi", 2, 0, (struct sockaddr *)&a, len);
	flen = sizeof(from);
	char buf[8];
	T_EQ("passcred sender",
	     recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen),
	     2);
	T_EQ("  was autobound", flen, 8);
	close(tx);
	close(rx);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	rights();
	nesting();
	rings();
	credentials();
	t_done();
}
