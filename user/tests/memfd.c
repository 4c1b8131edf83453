/*
 * memfd.c - memfd_create and file seals, against Linux:
 *   memfd_create: a file with no name, open O_RDWR|O_LARGEFILE, mode
 *   0777, no links; MFD_CLOEXEC; "/memfd:NAME (deleted)" in /proc/self/fd
 *   (proc mounted here, unmounted at the end); its errors (unknown flags,
 *   a name of 250 bytes: EINVAL; a bad pointer: EFAULT); read, write,
 *   ftruncate and a shared mapping agree.
 *   Seals (fcntl F_ADD_SEALS, F_GET_SEALS): none without
 *   MFD_ALLOW_SEALING (F_SEAL_SEAL, adding: EPERM); F_SEAL_SHRINK,
 *   F_SEAL_GROW (ftruncate, write and fallocate past the end: EPERM, a
 *   write stopping at the end: short), F_SEAL_WRITE (EBUSY while a shared
 *   mapping of a writable open exists; then writes, holes and writable
 *   shared mappings: EPERM; read-only shared ones may not be made
 *   writable; private ones still write their copies), F_SEAL_FUTURE_WRITE (mappings made before still
 *   write; new ones may not, nor be mprotect'ed to), F_SEAL_SEAL; unknown
 *   seals: EINVAL; a read-only open: EPERM; a pipe: EINVAL; a plain tmpfs
 *   file: F_SEAL_SEAL. A program copied into a memfd runs through
 *   execveat(AT_EMPTY_PATH) and through its /proc/self/fd link.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)

static int memfd(const char *name, unsigned int flags)
{
	return (int)t_sys2(SYS_memfd_create, name, flags);
}

/* /proc/self/fd/FD must read want. */
static void link_of(const char *what, int fd, const char *want)
{
	char path[64], buf[300];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	T_STREQ(what, n < 0 ? t_errname(errno) : buf, want);
}

static void basics(void)
{
	int fd = memfd("basic", 0), cl = memfd("cloexec", MFD_CLOEXEC);
	struct stat st;
	char buf[16] = "";
	char name[300];

	CHECK("memfd_create", fd >= 0 && cl >= 0);
	T_OK("fstat", fstat(fd, &st));
	T_MODE("  mode", st.st_mode, S_IFREG | 0777);
	T_EQ("  links", st.st_nlink, 0);
	T_EQ("  size", st.st_size, 0);
	T_MODE("F_GETFL", fcntl(fd, F_GETFL), O_RDWR | O_LARGEFILE);
	T_EQ("F_GETFD", fcntl(fd, F_GETFD), 0);
	T_EQ("F_GETFD, MFD_CLOEXEC", fcntl(cl, F_GETFD), FD_CLOEXEC);
	link_of("/proc/self/fd link", fd, "/memfd:basic (deleted)");
	T_EQ("write", write(fd, "hello memfd", 11), 11);
	T_EQ("pread", pread(fd, buf, 5, 6), 5);
	T_STREQ("  the bytes", buf, "memfd");
	T_OK("ftruncate to 2 pages", ftruncate(fd, 2 * PG));
	char *p = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	CHECK("mmap MAP_SHARED", p != MAP_FAILED);
	T_EQ("  sees the write", p[0], 'h');
	strcpy(p + PG, "mapped");
	memset(buf, 0, sizeof(buf));
	T_EQ("  read sees the store", pread(fd, buf, 6, PG), 6);
	T_STREQ("  the bytes", buf, "mapped");
	munmap(p, 2 * PG);

	/* Reopened by its /proc link: the same file, read-only this time. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = open(path, O_RDONLY);
	CHECK("open /proc/self/fd/N O_RDONLY", ro >= 0);
	memset(buf, 0, sizeof(buf));
	T_EQ("  reads the data", pread(ro, buf, 5, 0), 5);
	T_STREQ("  the bytes", buf, "hello");
	T_ERR("  write", write(ro, "x", 1), EBADF);
	close(ro);

	T_SYSERR("unknown flag", t_sys2(SYS_memfd_create, "x", 0x100), EINVAL);
	T_SYSERR("bad name pointer", t_sys2(SYS_memfd_create, BAD_ONE, 0),
		 EFAULT);
	memset(name, 'n', sizeof(name));
	name[249] = '\0';
	int lng = memfd(name, 0);
	CHECK("a name of 249 bytes", lng >= 0);
	close(lng);
	name[249] = 'n';
	name[250] = '\0';
	T_SYSERR("a name of 250 bytes", memfd(name, 0), EINVAL);
	T_OK("an empty name", close(memfd("", 0)));
	close(cl);
	close(fd);
}

#define SEALS(fd) fcntl((fd), F_GET_SEALS)
#define ADD(fd, s) fcntl((fd), F_ADD_SEALS, (s))

static void shrink_grow(void)
{
	int fd = memfd("sg", MFD_ALLOW_SEALING);
	char buf[PG];

	memset(buf, 'g', sizeof(buf));
	T_EQ("F_GET_SEALS with MFD_ALLOW_SEALING", SEALS(fd), 0);
	T_OK("ftruncate to 100", ftruncate(fd, 100));
	T_OK("F_ADD_SEALS F_SEAL_SHRINK", ADD(fd, F_SEAL_SHRINK));
	T_EQ("  F_GET_SEALS", SEALS(fd), F_SEAL_SHRINK);
	T_ERR("  ftruncate to 50", ftruncate(fd, 50), EPERM);
	T_OK("  ftruncate to 200", ftruncate(fd, 200));
	T_OK("  ftruncate to 200 again", ftruncate(fd, 200));
	T_OK("F_ADD_SEALS F_SEAL_GROW", ADD(fd, F_SEAL_GROW));
	T_ERR("  ftruncate to 300", ftruncate(fd, 300), EPERM);
	T_EQ("  pwrite inside", pwrite(fd, buf, 100, 100), 100);
	T_ERR("  pwrite past the end", pwrite(fd, buf, 10, 195), EPERM);
	T_ERR("  fallocate past the end", fallocate(fd, 0, 0, 400), EPERM);
	T_ERR("  fallocate KEEP_SIZE past the end",
	      fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 400), EPERM);
	T_OK("  fallocate inside", fallocate(fd, 0, 0, 200));
	close(fd);

	/* A write across a page boundary past the end: the first page's
	 * part goes in, the rest is refused (Linux writes page by page). */
	fd = memfd("short", MFD_ALLOW_SEALING);
	T_OK("ftruncate to 2 pages", ftruncate(fd, 2 * PG));
	T_OK("F_SEAL_GROW", ADD(fd, F_SEAL_GROW));
	T_EQ("  a write from 1.5 pages for 1 page",
	     pwrite(fd, buf, PG, PG + PG / 2), PG / 2);
	close(fd);
}

static void write_seal(void)
{
	int fd = memfd("w", MFD_ALLOW_SEALING);
	char path[64];
	char *p, *q;

	T_OK("ftruncate to a page", ftruncate(fd, PG));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("a shared read-only mapping of the O_RDWR memfd",
	      p != MAP_FAILED);
	T_ERR("F_SEAL_WRITE while it exists", ADD(fd, F_SEAL_WRITE), EBUSY);
	munmap(p, PG);
	p = mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0);
	T_OK("F_SEAL_WRITE with a private mapping", ADD(fd, F_SEAL_WRITE));
	T_EQ("  F_GET_SEALS", SEALS(fd), F_SEAL_WRITE);
	p[0] = 'p';
	T_EQ("  the private mapping still writes its copy", p[0], 'p');
	munmap(p, PG);
	T_ERR("  write", write(fd, "x", 1), EPERM);
	T_ERR("  pwrite", pwrite(fd, "x", 1, 10), EPERM);
	T_ERR("  fallocate PUNCH_HOLE",
	      fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PG),
	      EPERM);
	T_OK("  ftruncate to the same size", ftruncate(fd, PG));
	T_OK("  ftruncate larger", ftruncate(fd, 2 * PG));
	T_SYSERR("  mmap MAP_SHARED PROT_WRITE",
		 t_sys6(SYS_mmap, 0, PG, RW, MAP_SHARED, fd, 0), EPERM);
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("  mmap MAP_SHARED PROT_READ of the O_RDWR open",
	      q != MAP_FAILED);
	T_ERR("  mprotect it PROT_WRITE", mprotect(q, PG, RW), EACCES);
	munmap(q, PG);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = open(path, O_RDONLY);
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK("  mmap MAP_SHARED PROT_READ of a read-only open",
	      q != MAP_FAILED);
	T_ERR("  F_ADD_SEALS on the read-only open", ADD(ro, F_SEAL_SEAL),
	      EPERM);
	munmap(q, PG);
	close(ro);
	close(fd);
}

static void future_write(void)
{
	int fd = memfd("fw", MFD_ALLOW_SEALING);
	char *p, *q;

	T_OK("ftruncate to a page", ftruncate(fd, PG));
	p = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	T_OK("F_SEAL_FUTURE_WRITE with a writable shared mapping",
	     ADD(fd, F_SEAL_FUTURE_WRITE));
	p[5] = 'f';
	T_EQ("  the mapping made before still writes", p[5], 'f');
	T_ERR("  write", write(fd, "x", 1), EPERM);
	T_ERR("  fallocate PUNCH_HOLE",
	      fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PG),
	      EPERM);
	T_SYSERR("  a new mmap MAP_SHARED PROT_WRITE",
		 t_sys6(SYS_mmap, 0, PG, RW, MAP_SHARED, fd, 0), EPERM);
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("  a new mmap MAP_SHARED PROT_READ", q != MAP_FAILED);
	T_EQ("  reads the data", q[5], 'f');
	T_ERR("  mprotect it PROT_WRITE", mprotect(q, PG, RW), EACCES);
	munmap(q, PG);
	T_ERR("F_SEAL_WRITE while the old mapping exists",
	      ADD(fd, F_SEAL_WRITE), EBUSY);
	munmap(p, PG);
	T_OK("F_SEAL_WRITE after the mapping went", ADD(fd, F_SEAL_WRITE));
	T_OK("F_SEAL_SEAL", ADD(fd, F_SEAL_SEAL));
	T_EQ("  F_GET_SEALS", SEALS(fd),
	     F_SEAL_SEAL | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE);
	T_ERR("  F_ADD_SEALS F_SEAL_SHRINK", ADD(fd, F_SEAL_SHRINK), EPERM);
	close(fd);
}

static void other_files(void)
{
	int fd = memfd("plain", 0), pfd[2];

	T_EQ("F_GET_SEALS without MFD_ALLOW_SEALING", SEALS(fd), F_SEAL_SEAL);
	T_ERR("  F_ADD_SEALS", ADD(fd, F_SEAL_WRITE), EPERM);
	close(fd);
	fd = memfd("bad", MFD_ALLOW_SEALING);
	T_ERR("F_ADD_SEALS of an unknown seal", ADD(fd, 0x100), EINVAL);
	close(fd);
	T_OK("pipe", pipe(pfd));
	T_ERR("F_GET_SEALS of a pipe", SEALS(pfd[0]), EINVAL);
	T_ERR("F_ADD_SEALS of a pipe's write end", ADD(pfd[1], F_SEAL_SEAL),
	      EINVAL);
	T_ERR("F_ADD_SEALS of a pipe's read end", ADD(pfd[0], F_SEAL_SEAL),
	      EPERM);
	close(pfd[0]);
	close(pfd[1]);
	fd = open("/memfd-plain", O_RDWR | O_CREAT | O_TRUNC, 0600);
	T_EQ("F_GET_SEALS of a tmpfs file", SEALS(fd), F_SEAL_SEAL);
	T_ERR("  F_ADD_SEALS", ADD(fd, F_SEAL_WRITE), EPERM);
	close(fd);
	unlink("/memfd-plain");
}

/* A program run from a memfd: execveat(AT_EMPTY_PATH) and its /proc
 * link, as fexecve and runc do. */
static void exec_from(void)
{
	int src = open("/bin/echoargs", O_RDONLY), fd = memfd("exe", 0);
	char buf[PG], path[64];
	ssize_t n;
	int copied = src >= 0 && fd >= 0;

	while (copied && (n = read(src, buf, sizeof(buf))) > 0)
		copied = write(fd, buf, (size_t)n) == n;
	CHECK("copy /bin/echoargs into a memfd", copied);
	close(src);
	char *argv[] = {"echoargs", "from-memfd", NULL}, *envp[] = {NULL};
	pid_t pid = t_fork();
	if (pid == 0) {
		t_sys5(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	T_STATUS("execveat(memfd, \"\", AT_EMPTY_PATH)", t_wait(pid), "exit 0");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	pid = t_fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	T_STATUS("execve /proc/self/fd/N of a memfd", t_wait(pid), "exit 0");
	close(fd);
}

int main(void)
{
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
		t_say("mount proc: %s", t_errname(errno));
		return 1;
	}
	basics();
	shrink_grow();
	write_seal();
	future_write();
	other_files();
	exec_from();
	T_OK("umount /proc", umount("/proc"));
	t_done();
}
