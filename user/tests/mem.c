/*
 * mem.c - the memory system calls.
 *   mmap: anonymous private (zeroed, writable) and shared (seen by a forked
 *   child and its parent), MAP_FIXED replacing a mapping, MAP_FIXED_NOREPLACE
 *   (EEXIST), MAP_NORESERVE for 1 GiB, MAP_GROWSDOWN growing on a touch
 *   below it, a hint; errors: length 0, no MAP_PRIVATE/MAP_SHARED, unaligned
 *   MAP_FIXED, anonymous MAP_SHARED_VALIDATE (EINVAL), a bad
 *   fd (EBADF), 64 TiB without MAP_NORESERVE and 1 PiB with it (ENOMEM), a
 *   fixed address above user space (ENOMEM), a page below mmap_min_addr as
 *   non-root (EPERM). munmap of a hole (SEGV_MAPERR there, the rest kept),
 *   of nothing (ok), unaligned or empty (EINVAL). mprotect then faults with
 *   si_code SEGV_ACCERR and si_addr; EINVAL/ENOMEM. mremap grow in place,
 *   move with MREMAP_MAYMOVE (contents kept), MREMAP_FIXED, shrink; ENOMEM
 *   without MAYMOVE, EINVAL. madvise MADV_DONTNEED zeroes private pages and
 *   keeps shared ones; EINVAL/ENOMEM. brk grows and shrinks. mincore and
 *   msync with their errors.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096UL

static sigjmp_buf jb;
static volatile int fault_code;
static volatile uintptr_t fault_addr;

static volatile int armed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!armed) { /* a fault outside touch(): die of it */
		signal(sig, SIG_DFL);
		return;
	}
	armed = 0;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

/* Access one byte; returns "ok", "SEGV_MAPERR" or "SEGV_ACCERR" (and
 * whether si_addr was the address). */
static const char *touch(volatile char *p, int write)
{
	static char buf[64];
	fault_code = 0;
	if (sigsetjmp(jb, 1) == 0) {
		armed = 1;
		if (write)
			*p = 1;
		else
			(void)*p;
		armed = 0;
		return "ok";
	}
	const char *name = fault_code == SEGV_MAPERR   ? "SEGV_MAPERR"
			   : fault_code == SEGV_ACCERR ? "SEGV_ACCERR"
						       : "other si_code";
	snprintf(buf, sizeof(buf), "%s%s", name,
		 fault_addr == (uintptr_t)p ? "" : " (wrong si_addr)");
	return buf;
}

static char *map(void *addr, size_t len, int prot, int flags)
{
	return mmap(addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

#define RW (PROT_READ | PROT_WRITE)
#define PRIV MAP_PRIVATE

static void anon(void)
{
	char *p = map(NULL, 4 * PG, RW, PRIV);
	CHECK("mmap anonymous private", p != MAP_FAILED);
	int zero = 1;
	for (size_t i = 0; i < 4 * PG; i++)
		zero &= p[i] == 0;
	T_EQ("  zero-filled", zero, 1);
	memset(p, 0x5a, 4 * PG);
	T_EQ("  writable", p[4 * PG - 1], 0x5a);
	T_EQ("  page aligned", (uintptr_t)p % PG, 0);

	/* MAP_FIXED replaces the middle two pages with zeroed ones. */
	char *q = map(p + PG, 2 * PG, RW, PRIV | MAP_FIXED);
	T_EQ("MAP_FIXED returns the address", q == p + PG, 1);
	T_EQ("  new pages are zero", p[PG] + p[3 * PG - 1], 0);
	T_EQ("  neighbours kept", p[0] + p[3 * PG], 0xb4);
	errno = 0;
	q = map(p + PG, PG, RW, PRIV | MAP_FIXED_NOREPLACE);
	T_ERR("MAP_FIXED_NOREPLACE over a mapping", q == MAP_FAILED ? -1 : 0,
	      EEXIST);
	munmap(p, 4 * PG);
	q = map(p + PG, PG, RW, PRIV | MAP_FIXED_NOREPLACE);
	T_EQ("MAP_FIXED_NOREPLACE on a free range", q == p + PG, 1);
	munmap(q, PG);

	/* A hint for a free address is taken on Linux only as a hint. */
	q = map(p, PG, RW, PRIV);
	CHECK("mmap with a hint", q != MAP_FAILED);
	munmap(q, PG);

	char *big = map(NULL, 1UL << 30, RW, PRIV | MAP_NORESERVE);
	CHECK("MAP_NORESERVE 1 GiB", big != MAP_FAILED);
	big[(1UL << 30) - 1] = 1;
	big[0] = 2;
	T_EQ("  touched at both ends", big[0] + big[(1UL << 30) - 1], 3);
	munmap(big, 1UL << 30);
}

static void growsdown(void)
{
	/* Find a free 4 MiB range (more than Linux's 1 MiB stack guard gap
	 * below), map its top 4 pages MAP_GROWSDOWN. */
	char *area = map(NULL, 1024 * PG, PROT_NONE, PRIV);
	munmap(area, 1024 * PG);
	char *top = map(area + 1020 * PG, 4 * PG, RW,
			PRIV | MAP_FIXED | MAP_GROWSDOWN);
	T_EQ("MAP_GROWSDOWN", top == area + 1020 * PG, 1);
	T_STREQ("  touch below it grows it", touch(top - 100, 1), "ok");
	T_STREQ("  and a page further", touch(top - PG - 100, 1), "ok");
	munmap(area, 1024 * PG);
}

static void errors(void)
{
	errno = 0;
#define MAPERR(name, expr, want) \
	T_ERR(name, (expr) == MAP_FAILED ? -1 : 0, want)
	MAPERR("mmap length 0", map(NULL, 0, RW, PRIV), EINVAL);
	MAPERR("mmap neither private nor shared", map(NULL, PG, RW, 0), EINVAL);
	MAPERR("MAP_FIXED unaligned",
	       map((void *)0x10000001, PG, RW, PRIV | MAP_FIXED), EINVAL);
	MAPERR("anonymous MAP_SHARED_VALIDATE",
	       map(NULL, PG, RW, MAP_SHARED_VALIDATE), EINVAL);
	MAPERR("file mapping of a bad fd",
	       mmap(NULL, PG, RW, MAP_PRIVATE, 99, 0), EBADF);
	MAPERR("64 TiB without MAP_NORESERVE", map(NULL, 1UL << 46, RW, PRIV),
	       ENOMEM);
	MAPERR("1 PiB with MAP_NORESERVE",
	       map(NULL, 1UL << 50, RW, PRIV | MAP_NORESERVE), ENOMEM);
	MAPERR("MAP_FIXED in the kernel half",
	       map(BAD_KERN, PG, RW, PRIV | MAP_FIXED), ENOMEM);
	MAPERR("MAP_FIXED across the top of user space",
	       map((void *)(0x800000000000UL - PG), 2 * PG, RW,
		   PRIV | MAP_FIXED),
	       ENOMEM);

	char *p = map(NULL, 4 * PG, RW, PRIV);
	T_ERR("munmap unaligned", munmap(p + 1, PG), EINVAL);
	T_ERR("munmap length 0", munmap(p, 0), EINVAL);
	T_ERR("munmap in the kernel half", munmap(BAD_KERN, PG), EINVAL);
	T_OK("munmap of nothing mapped", munmap(p + 64 * PG, PG));
	/* Raw calls: musl's mprotect rounds the address down. */
	T_SYSERR("mprotect unaligned",
		 t_sys3(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	T_SYSERR("mprotect bad prot", t_sys3(SYS_mprotect, p, PG, 0x1000),
		 EINVAL);
	munmap(p + 2 * PG, PG);
	T_SYSERR("mprotect over a hole", t_sys3(SYS_mprotect, p, 4 * PG, RW),
		 ENOMEM);
	T_ERR("madvise bad advice", madvise(p, PG, 12345), EINVAL);
	T_ERR("madvise unaligned", madvise(p + 1, PG, MADV_DONTNEED), EINVAL);
	T_ERR("madvise over a hole", madvise(p, 4 * PG, MADV_WILLNEED), ENOMEM);
	unsigned char vec[4];
	T_ERR("mincore unaligned", mincore(p + 1, PG, vec), EINVAL);
	T_ERR("mincore over a hole", mincore(p, 4 * PG, vec), ENOMEM);
	T_SYSERR("mincore vec at a kernel address",
		 t_sys3(SYS_mincore, p, PG, BAD_KERN), EFAULT);
	T_ERR("msync bad flags", msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
	T_ERR("msync unaligned", msync(p + 1, PG, MS_SYNC), EINVAL);
	T_ERR("msync over a hole", msync(p, 4 * PG, MS_SYNC), ENOMEM);
	T_OK("msync of anonymous memory", msync(p, PG, MS_SYNC));
	p[0] = 1;
	T_OK("mincore", mincore(p, PG, vec));
	T_EQ("  a touched page is resident", vec[0] & 1, 1);
	munmap(p, 4 * PG);
}

static void low_page_as_user(void)
{
	pid_t pid = t_fork();
	if (pid == 0) {
		setresuid(1000, 1000, 1000);
		void *q = map((void *)0x1000, PG, RW, PRIV | MAP_FIXED);
		_exit(q == MAP_FAILED && errno == EPERM ? 0 : 1);
	}
	T_STATUS("non-root MAP_FIXED at 0x1000 is EPERM", t_wait(pid),
		 "exit 0");
}

static void holes_and_protection(void)
{
	char *p = map(NULL, 4 * PG, RW, PRIV);
	memset(p, 1, 4 * PG);
	T_OK("munmap the second page", munmap(p + PG, PG));
	T_STREQ("  read in the hole", touch(p + PG + 8, 0), "SEGV_MAPERR");
	T_STREQ("  first page kept", touch(p, 0), "ok");
	T_EQ("  third page kept", p[2 * PG], 1);
	T_OK("mprotect PROT_READ", mprotect(p, PG, PROT_READ));
	T_STREQ("  read", touch(p + 5, 0), "ok");
	T_STREQ("  write", touch(p + 5, 1), "SEGV_ACCERR");
	T_OK("mprotect PROT_NONE", mprotect(p + 2 * PG, PG, PROT_NONE));
	T_STREQ("  read", touch(p + 2 * PG + 7, 0), "SEGV_ACCERR");
	T_OK("mprotect back to read-write", mprotect(p + 2 * PG, PG, RW));
	T_EQ("  contents kept", p[2 * PG + 7], 1);
	T_STREQ("  write", touch(p + 2 * PG, 1), "ok");
	munmap(p, 4 * PG);
	T_STREQ("read after munmap", touch(p + 3 * PG, 0), "SEGV_MAPERR");
}

static void remap(void)
{
	/* Reserve 8 pages, keep the first 2 mapped. */
	char *p = map(NULL, 8 * PG, RW, PRIV);
	munmap(p + 2 * PG, 6 * PG);
	memset(p, 7, 2 * PG);
	char *q = mremap(p, 2 * PG, 4 * PG, 0);
	T_EQ("mremap grow in place", q == p, 1);
	q[4 * PG - 1] = 3;
	T_EQ("  old contents and new page", p[0] + p[4 * PG - 1], 10);
	/* Block growth with a mapping right after. */
	char *block = map(p + 4 * PG, PG, RW, PRIV | MAP_FIXED);
	T_ERR("mremap grow blocked, no MAYMOVE",
	      mremap(p, 4 * PG, 6 * PG, 0) == MAP_FAILED ? -1 : 0, ENOMEM);
	q = mremap(p, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
	T_EQ("mremap MAYMOVE moves", q != MAP_FAILED && q != p, 1);
	T_EQ("  contents moved", q[0] + q[4 * PG - 1], 10);
	T_STREQ("  old place unmapped", touch(p, 0), "SEGV_MAPERR");
	q = mremap(q, 16 * PG, PG, 0);
	T_EQ("mremap shrink", q != MAP_FAILED, 1);
	T_EQ("  contents kept", q[0], 7);
	T_STREQ("  rest unmapped", touch(q + PG, 0), "SEGV_MAPERR");
	char *r = mremap(q, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	T_EQ("mremap MREMAP_FIXED", r == p, 1);
	T_EQ("  contents kept", r[0], 7);
	T_ERR("MREMAP_FIXED without MAYMOVE",
	      mremap(r, PG, PG, MREMAP_FIXED, p + 8 * PG) == MAP_FAILED ? -1
									: 0,
	      EINVAL);
	T_ERR("mremap unaligned",
	      mremap(r + 1, PG, PG, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	T_ERR("mremap bad flags",
	      mremap(r, PG, PG, 0x100) == MAP_FAILED ? -1 : 0, EINVAL);
	T_ERR("mremap of nothing mapped",
	      mremap(r + 64 * PG, PG, 2 * PG, 0) == MAP_FAILED ? -1 : 0,
	      EFAULT);
	munmap(r, PG);
	munmap(block, PG);
}

static void dontneed(void)
{
	char *p = map(NULL, 2 * PG, RW, PRIV);
	char *s = map(NULL, 2 * PG, RW, MAP_SHARED);
	memset(p, 9, 2 * PG);
	memset(s, 9, 2 * PG);
	T_OK("MADV_DONTNEED private", madvise(p, PG, MADV_DONTNEED));
	T_EQ("  private page zeroed, next kept", p[0] * 100 + p[PG], 9);
	T_OK("MADV_DONTNEED shared", madvise(s, PG, MADV_DONTNEED));
	T_EQ("  shared page kept", s[0], 9);
	munmap(p, 2 * PG);
	munmap(s, 2 * PG);
}

static void shared_fork(void)
{
	volatile int *s = (int *)map(NULL, PG, RW, MAP_SHARED);
	volatile int *p = (int *)map(NULL, PG, RW, PRIV);
	*s = 1;
	*p = 1;
	pid_t pid = t_fork();
	if (pid == 0) {
		*s = 2;
		*p = 2;
		_exit(0);
	}
	t_wait(pid);
	T_EQ("MAP_SHARED: the parent sees the child's write", *s, 2);
	T_EQ("MAP_PRIVATE: the parent does not", *p, 1);
}

static int brk_child(void *arg)
{
	(void)arg;
	{
		uintptr_t cur = (uintptr_t)t_sys1(SYS_brk, 0);
		uintptr_t up = (uintptr_t)t_sys1(SYS_brk, cur + 64 * 1024);
		T_EQ("brk grows by 64 KiB", up - cur, 64 * 1024);
		memset((void *)cur, 3, 64 * 1024);
		T_EQ("  the new memory is usable", ((char *)cur)[64 * 1024 - 1],
		     3);
		T_EQ("brk(0) reports it", t_sys1(SYS_brk, 0) == (long)up, 1);
		uintptr_t down = (uintptr_t)t_sys1(SYS_brk, cur + 4096);
		T_EQ("brk shrinks", down - cur, 4096);
		T_STREQ("  the freed part is gone",
			touch((char *)cur + 32 * 1024, 0), "SEGV_MAPERR");
		T_EQ("brk into the kernel half fails (unchanged)",
		     t_sys1(SYS_brk, BAD_KERN) == (long)down, 1);
		T_EQ("brk below the start fails (unchanged)",
		     t_sys1(SYS_brk, 4096) == (long)down, 1);
	}
	return t_failures;
}

static void brk_test(void)
{
	/* In a child: musl's malloc may use brk too. */
	T_STATUS("brk (child)", t_run(brk_child, NULL), "exit 0");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);

	anon();
	growsdown();
	errors();
	low_page_as_user();
	holes_and_protection();
	remap();
	dontneed();
	shared_fork();
	brk_test();
	t_done();
}
