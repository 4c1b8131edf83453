/*
 * fs_mmap.c - file-backed mmap, on a tmpfs mounted at /fs_mmap (removed
 * at the end), against Linux:
 *   MAP_SHARED: a store is seen by read(2) and a write(2) by the mapping,
 *   two mappings (and a forked child's) of one file agree; MAP_PRIVATE:
 *   copy-on-write, the file unchanged, pages not yet written still follow
 *   the file; offsets; the tail of the last page reads zero, a page past
 *   the end is SIGBUS (BUS_ADRERR at the address); ftruncate shrinking a
 *   mapped file takes its pages (SIGBUS), growing it brings them back;
 *   a punched hole reads zero; msync (MS_SYNC, MS_ASYNC, MS_INVALIDATE;
 *   EINVAL, ENOMEM); the access checks (O_WRONLY, PROT_WRITE|MAP_SHARED
 *   of O_RDONLY: EACCES; a directory, a pipe's ends: ENODEV/EACCES; an
 *   O_PATH descriptor: EBADF; mprotect adding PROT_WRITE to a shared
 *   mapping of a read-only open: EACCES, to a private one: ok); MAP_FIXED
 *   over a file mapping; mremap (grow, move) of file mappings; mincore
 *   of file pages (the page cache's, whoever read them); a mapping that
 *   outlives its descriptor and the file's name.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOP "/fs_mmap"
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)

static sigjmp_buf jb;
static volatile int armed, got_sig, got_code;
static volatile uintptr_t got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!armed) {
		signal(sig, SIG_DFL);
		return;
	}
	armed = 0;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

/* Read (or write) one byte: "ok VALUE", or the signal, its si_code and
 * whether si_addr was the address. */
static const char *touch(volatile char *p, int write)
{
	static char buf[80];
	volatile int v = 0;

	if (sigsetjmp(jb, 1) == 0) {
		armed = 1;
		if (write)
			*p = 'W';
		else
			v = *p;
		armed = 0;
		snprintf(buf, sizeof(buf), "ok %d", v);
		return buf;
	}
	snprintf(buf, sizeof(buf), "%s code %d%s", t_signame(got_sig), got_code,
		 got_addr == (uintptr_t)p ? "" : " (wrong si_addr)");
	return buf;
}

/* A file of n bytes, each byte its offset modulo 127 (so that pages and
 * offsets differ), open O_RDWR. */
static int make_file(const char *name, long n)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[PG];

	for (long off = 0; fd >= 0 && off < n; off += PG) {
		long chunk = n - off < PG ? n - off : PG;

		for (long i = 0; i < chunk; i++)
			buf[i] = (char)((off + i) % 127);
		if (write(fd, buf, (size_t)chunk) != chunk)
			t_say("make_file %s: write failed", name);
	}
	return fd;
}

static char byte_at(int fd, off_t off)
{
	char c = 0;

	if (pread(fd, &c, 1, off) != 1)
		return -1;
	return c;
}

static void shared(void)
{
	int fd = make_file("shared", 3 * PG);
	char *p = mmap(NULL, 3 * PG, RW, MAP_SHARED, fd, 0);
	char *q = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	char c = 'x';

	CHECK("mmap MAP_SHARED", p != MAP_FAILED && q != MAP_FAILED);
	T_EQ("  reads the file", p[PG + 5], (PG + 5) % 127);
	p[10] = 'A';
	T_EQ("  a store is seen by read", byte_at(fd, 10), 'A');
	T_EQ("  and by another mapping", q[10], 'A');
	T_OK("  pwrite", pwrite(fd, &c, 1, 2 * PG + 7));
	T_EQ("  a write is seen by the mapping", p[2 * PG + 7], 'x');
	pid_t pid = t_fork();
	if (pid == 0) {
		p[PG] = 'C';
		_exit(q[20] == 20 ? 0 : 1);
	}
	T_STATUS("  a child stores through its copy", t_wait(pid), "exit 0");
	T_EQ("  the parent sees it", q[PG], 'C');
	T_EQ("  and read does", byte_at(fd, PG), 'C');

	char *off = mmap(NULL, PG, RW, MAP_SHARED, fd, 2 * PG);
	CHECK("mmap at offset 2 pages", off != MAP_FAILED);
	T_EQ("  its first byte is the file's at 8192", off[7], 'x');
	off[0] = 'O';
	T_EQ("  seen through the whole mapping", p[2 * PG], 'O');
	T_SYSERR("mmap at an unaligned offset",
		 t_sys6(SYS_mmap, 0, PG, PROT_READ, MAP_SHARED, fd, 100),
		 EINVAL);
	munmap(off, PG);

	T_OK("msync MS_SYNC", msync(p, 3 * PG, MS_SYNC));
	T_OK("msync MS_ASYNC", msync(p, PG, MS_ASYNC));
	T_OK("msync MS_INVALIDATE", msync(p, PG, MS_INVALIDATE));
	T_OK("msync no flags", msync(p, PG, 0));
	T_OK("msync length 0", msync(p, 0, MS_SYNC));
	T_ERR("msync MS_SYNC|MS_ASYNC", msync(p, PG, MS_SYNC | MS_ASYNC),
	      EINVAL);
	T_ERR("msync unknown flag", msync(p, PG, 8), EINVAL);
	T_ERR("msync unaligned", msync(p + 1, PG, MS_SYNC), EINVAL);
	T_OK("munmap the last page", munmap(p + 2 * PG, PG));
	T_ERR("msync over the hole", msync(p, 3 * PG, MS_SYNC), ENOMEM);
	T_ERR("msync of the hole", msync(p + 2 * PG, PG, MS_ASYNC), ENOMEM);
	T_OK("msync a huge length (wraps to 0)", msync(p, -1UL, MS_SYNC));
	munmap(q, 3 * PG);
	munmap(p, 2 * PG);
	close(fd);
}

static void private(void)
{
	int fd = make_file("private", 2 * PG);
	char *p = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	char c = 'n';

	CHECK("mmap MAP_PRIVATE", p != MAP_FAILED);
	T_EQ("  reads the file", p[PG + 1], (PG + 1) % 127);
	p[1] = 'P';
	T_EQ("  a store is its own", p[1], 'P');
	T_EQ("  the file keeps its byte", byte_at(fd, 1), 1);
	T_OK("  pwrite into the written page", pwrite(fd, &c, 1, 2));
	T_EQ("  the private copy does not see it", p[2], 2);
	T_OK("  pwrite into a page not written", pwrite(fd, &c, 1, PG + 3));
	T_EQ("  an unwritten page follows the file", p[PG + 3], 'n');
	munmap(p, 2 * PG);

	/* O_RDONLY: MAP_PRIVATE may write (its own copy). */
	int ro = open("private", O_RDONLY);
	p = mmap(NULL, PG, RW, MAP_PRIVATE, ro, 0);
	CHECK("MAP_PRIVATE PROT_WRITE of O_RDONLY", p != MAP_FAILED);
	T_STREQ("  writable", touch(p, 1), "ok 0");
	T_EQ("  the file unchanged", byte_at(fd, 0), 0);
	munmap(p, PG);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 0);
	T_OK("mprotect PROT_WRITE on it (private)", mprotect(p, PG, RW));
	munmap(p, PG);
	close(ro);
	close(fd);
}

static void eof(void)
{
	int fd = make_file("eof", PG + 100);
	char *p = mmap(NULL, 4 * PG, RW, MAP_SHARED, fd, 0);

	CHECK("map 4 pages of a file of 4196 bytes", p != MAP_FAILED);
	T_STREQ("  the last byte", touch(p + PG + 99, 0), "ok 4");
	T_STREQ("  past the end in its last page: zero", touch(p + PG + 100, 0),
		"ok 0");
	T_STREQ("  the end of its last page", touch(p + 2 * PG - 1, 0), "ok 0");
	T_STREQ("  the page after: SIGBUS", touch(p + 2 * PG, 0),
		"SIGBUS code 2");
	T_STREQ("  a write there too", touch(p + 3 * PG + 8, 1),
		"SIGBUS code 2");
	char *q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	CHECK("MAP_PRIVATE wholly past the end", q != MAP_FAILED);
	T_STREQ("  SIGBUS", touch(q, 0), "SIGBUS code 2");
	munmap(q, PG);

	/* Shrink under the mappings: the pages past the new end go. */
	char *r = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	T_STREQ("a private mapping written", touch(r + PG + 5, 1), "ok 0");
	T_STREQ("  and one read", touch(r + 5, 0), "ok 5");
	T_OK("ftruncate to 10 bytes", ftruncate(fd, 10));
	T_STREQ("  the shared page past the end: SIGBUS", touch(p + PG, 0),
		"SIGBUS code 2");
	T_STREQ("  the private copy past the end too", touch(r + PG + 5, 0),
		"SIGBUS code 2");
	T_STREQ("  the first page holds", touch(p + 9, 0), "ok 9");
	T_STREQ("  zeroes after the new end", touch(p + 10, 0), "ok 0");
	T_STREQ("  seen privately too", touch(r + 11, 0), "ok 0");
	T_OK("ftruncate back to 3 pages", ftruncate(fd, 3 * PG));
	T_STREQ("  the page is back, zero", touch(p + PG + 50, 0), "ok 0");
	T_STREQ("  and a store works", touch(p + 2 * PG + 1, 1), "ok 0");
	T_EQ("  read sees it", byte_at(fd, 2 * PG + 1), 'W');
	munmap(r, 2 * PG);

	/* A hole punched under a shared mapping reads as zeroes. */
	memset(p, 'h', 3 * PG);
	T_OK("fallocate PUNCH_HOLE the middle page",
	     fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PG, PG));
	T_EQ("  the mapping reads zero there", p[PG + 9], 0);
	T_EQ("  and keeps the rest", p[PG - 1] + p[2 * PG], 2 * 'h');
	munmap(p, 4 * PG);
	close(fd);
}

static void access_checks(void)
{
	int fd = make_file("acc", PG);
	int wo = open("acc", O_WRONLY), ro = open("acc", O_RDONLY);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int path = open("acc", O_PATH);
	int pfd[2];
	void *p;

#define MMAP(len, prot, flags, fd, off) \
	t_sys6(SYS_mmap, 0, (len), (prot), (flags), (fd), (off))
	T_SYSERR("mmap of O_WRONLY, private",
		 MMAP(PG, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
	T_SYSERR("mmap of O_WRONLY, shared",
		 MMAP(PG, PROT_WRITE, MAP_SHARED, wo, 0), EACCES);
	T_SYSERR("PROT_WRITE|MAP_SHARED of O_RDONLY",
		 MMAP(PG, RW, MAP_SHARED, ro, 0), EACCES);
	T_SYSERR("a directory", MMAP(PG, PROT_READ, MAP_PRIVATE, dir, 0),
		 ENODEV);
	T_SYSERR("an O_PATH descriptor",
		 MMAP(PG, PROT_READ, MAP_PRIVATE, path, 0), EBADF);
	T_SYSERR("a closed descriptor", MMAP(PG, PROT_READ, MAP_PRIVATE, 99, 0),
		 EBADF);
	T_OK("pipe", pipe(pfd));
	T_SYSERR("a pipe's read end",
		 MMAP(PG, PROT_READ, MAP_PRIVATE, pfd[0], 0), ENODEV);
	T_SYSERR("a pipe's write end",
		 MMAP(PG, PROT_READ, MAP_SHARED, pfd[1], 0), EACCES);
	T_SYSERR("MAP_GROWSDOWN of a file",
		 MMAP(PG, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, ro, 0),
		 EINVAL);
	T_SYSERR("an offset that wraps",
		 MMAP(2 * PG, PROT_READ, MAP_SHARED, ro, -PG), EOVERFLOW);

	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK("PROT_READ|MAP_SHARED of O_RDONLY", p != MAP_FAILED);
	T_ERR("  mprotect PROT_WRITE", mprotect(p, PG, RW), EACCES);
	T_STREQ("  a store faults", touch(p, 1), "SIGSEGV code 2");
	T_OK("  mprotect PROT_NONE", mprotect(p, PG, PROT_NONE));
	T_STREQ("  then a load faults", touch(p, 0), "SIGSEGV code 2");
	munmap(p, PG);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	T_OK("mprotect PROT_WRITE, shared of O_RDWR", mprotect(p, PG, RW));
	T_STREQ("  a store works", touch(p, 1), "ok 0");
	munmap(p, PG);
	close(pfd[0]);
	close(pfd[1]);
	close(path);
	close(dir);
	close(ro);
	close(wo);
	close(fd);
}

static void fixed_remap(void)
{
	int fd = make_file("remap", 4 * PG);
	/* A reserved range, so that the fixed addresses below are free. */
	char *area = mmap(NULL, 32 * PG, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p = mmap(area, 4 * PG, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	char *q;

	CHECK("mmap MAP_FIXED a file into a reserved range", p == area);

	/* MAP_FIXED: anonymous memory over a file's page, then the file's
	 * last page over the first. */
	q = mmap(p + PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0);
	T_EQ("MAP_FIXED anonymous over a file page", q == p + PG, 1);
	T_EQ("  it reads zero", p[PG + 1], 0);
	p[PG + 1] = 'z';
	T_EQ("  the file does not see it", byte_at(fd, PG + 1), (PG + 1) % 127);
	T_EQ("  the pages around still map the file", p[2 * PG + 2],
	     (2 * PG + 2) % 127);
	q = mmap(p, PG, RW, MAP_SHARED | MAP_FIXED, fd, 3 * PG);
	T_EQ("MAP_FIXED the file's page 3 over page 0", q == p, 1);
	T_EQ("  reads page 3", p[4], (3 * PG + 4) % 127);
	p[4] = 'F';
	T_EQ("  a store lands at 3 pages + 4", byte_at(fd, 3 * PG + 4), 'F');

	/* mremap: move the last two pages, then grow them past the end. */
	q = mremap(p + 2 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		   p + 16 * PG);
	T_EQ("mremap MREMAP_FIXED of a file mapping", q == p + 16 * PG, 1);
	T_EQ("  the moved pages read the file", q[PG + 4], 'F');
	q[6] = 'M';
	T_EQ("  and store into it", byte_at(fd, 2 * PG + 6), 'M');
	T_STREQ("  the old place is gone", touch(p + 2 * PG, 0),
		"SIGSEGV code 1");
	char *g = mremap(q, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	CHECK("mremap grows it", g != MAP_FAILED);
	T_EQ("  still the file", g[PG + 4], 'F');
	T_STREQ("  the grown part is past the end: SIGBUS",
		touch(g + 3 * PG, 0), "SIGBUS code 2");
	T_OK("  ftruncate to 6 pages", ftruncate(fd, 6 * PG));
	T_STREQ("  then it reads zero", touch(g + 3 * PG, 0), "ok 0");
	munmap(g, 4 * PG);

	/* MREMAP_FIXED to another size: the region is new_len long. */
	char *m = mmap(area + 8 * PG, PG, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	char *h = mremap(m, PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			 area + 24 * PG);
	T_EQ("mremap MREMAP_FIXED growing 1 page to 3", h == area + 24 * PG, 1);
	T_EQ("  page 1 of the file", h[PG + 1], (PG + 1) % 127);
	T_EQ("  page 2 of the file", h[2 * PG + 6], 'M');
	char *k = mremap(h, 3 * PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			 area + 8 * PG);
	T_EQ("mremap MREMAP_FIXED shrinking 3 pages to 1", k == area + 8 * PG,
	     1);
	T_EQ("  page 0 of the file", k[6], 6);
	T_STREQ("  the old place is gone", touch(h + 2 * PG, 0),
		"SIGSEGV code 1");
	T_STREQ("  past its new end, the reserved range", touch(k + PG, 0),
		"SIGSEGV code 2");
	T_SYSERR(
		"MREMAP_FIXED onto itself",
		t_sys5(SYS_mremap, k, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, k),
		EINVAL);
	T_SYSERR("MREMAP_FIXED at an unaligned address",
		 t_sys5(SYS_mremap, k, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			k + 8 * PG + 1),
		 EINVAL);
	munmap(area, 32 * PG);
	close(fd);
}

static void residency(void)
{
	int fd = make_file("core", 4 * PG);
	unsigned char vec[4];
	char *p;

	T_OK("ftruncate to 8 pages (the new ones holes)",
	     ftruncate(fd, 8 * PG));
	p = mmap(NULL, 8 * PG, PROT_READ, MAP_SHARED, fd, 0);
	T_OK("mincore of a file mapping", mincore(p, 4 * PG, vec));
	T_EQ("  the written pages are in memory (not yet touched)",
	     vec[0] + vec[1] + vec[2] + vec[3], 4);
	T_OK("mincore of its holes", mincore(p + 4 * PG, 4 * PG, vec));
	T_EQ("  none resident", vec[0] + vec[1] + vec[2] + vec[3], 0);
	T_STREQ("  a hole reads zero", touch(p + 5 * PG, 0), "ok 0");
	T_ERR("mincore unaligned", mincore(p + 1, PG, vec), EINVAL);
	munmap(p + 4 * PG, 4 * PG);
	T_ERR("mincore of an unmapped range", mincore(p, 8 * PG, vec), ENOMEM);
	munmap(p, 4 * PG);
	close(fd);
}

/* The mapping holds the file: closed and unlinked, it still works. */
static void outlives(void)
{
	int fd = make_file("gone", PG);
	char *p = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);

	close(fd);
	T_OK("unlink a mapped file", unlink("gone"));
	T_EQ("  the mapping still reads it", p[100], 100);
	p[0] = 'g';
	T_EQ("  and writes", p[0], 'g');
	munmap(p, PG);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	mkdir(TOP, 0755);
	if (mount("tmpfs", TOP, "tmpfs", 0, "size=8m") < 0 || chdir(TOP) < 0) {
		t_say("setup: %s", t_errname(errno));
		return 1;
	}
	shared();
	private();
	eof();
	access_checks();
	fixed_remap();
	residency();
	outlives();
	T_OK("chdir /", chdir("/"));
	T_OK("umount", umount(TOP));
	rmdir(TOP);
	t_done();
}
