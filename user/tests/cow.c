/*
 * cow.c - copy-on-write after fork: parent and children write the same
 * pages at the same time and each must see only its own values.
 *   Private anonymous pages, the data and bss segments, the heap and the
 *   stack; four children at once; a grandchild forked from a child that
 *   had already written; pages only read before the fork and written
 *   after; the parent's pages intact after the children are gone.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 64
#define PG 4096

static int data_var = 1234;
static char bss_buf[8 * PG];

static volatile long *go;

/* Fill every page with a value, then check them all. */
static void fill(unsigned char *p, size_t len, unsigned char v)
{
	for (size_t i = 0; i < len; i += 64)
		p[i] = v;
}

static int all(const unsigned char *p, size_t len, unsigned char v)
{
	for (size_t i = 0; i < len; i += 64)
		if (p[i] != v)
			return 0;
	return 1;
}

static unsigned char *anon;
static unsigned char *heap;

/* Everyone writes its own value into every shared-by-COW page, several
 * times over, then checks. */
static int writer(unsigned char v)
{
	unsigned char stack_buf[2 * PG];
	memset(stack_buf, v, sizeof(stack_buf));
	while (!*go)
		sched_yield();
	for (int round = 0; round < 5; round++) {
		fill(anon, PAGES * PG, v);
		fill((unsigned char *)bss_buf, sizeof(bss_buf), v);
		fill(heap, 16 * PG, v);
		data_var = v;
	}
	return all(anon, PAGES * PG, v) &&
	       all((unsigned char *)bss_buf, sizeof(bss_buf), v) &&
	       all(heap, 16 * PG, v) && data_var == v &&
	       all(stack_buf, sizeof(stack_buf), v);
}

int main(void)
{
	go = t_shared(PG);
	anon = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	heap = malloc(16 * PG);
	fill(anon, PAGES * PG, 1);
	fill(heap, 16 * PG, 1);
	fill((unsigned char *)bss_buf, sizeof(bss_buf), 1);

	pid_t kids[4];
	for (int i = 0; i < 4; i++) {
		kids[i] = t_fork();
		if (kids[i] == 0)
			_exit(writer((unsigned char)(10 + i)) ? 0 : 1);
	}
	*go = 1;
	int ok = writer(2);
	T_EQ("parent sees only its own writes", ok, 1);
	for (int i = 0; i < 4; i++)
		T_STATUS("child sees only its own writes", t_wait(kids[i]),
			 "exit 0");
	T_EQ("parent pages intact after the children exit",
	     all(anon, PAGES * PG, 2) && data_var == 2, 1);

	/* A child writes, then forks a grandchild that writes again. */
	pid_t pid = t_fork();
	if (pid == 0) {
		fill(anon, PAGES * PG, 20);
		pid_t g = fork();
		if (g == 0) {
			int before = all(anon, PAGES * PG, 20);
			fill(anon, PAGES * PG, 30);
			_exit(before && all(anon, PAGES * PG, 30) ? 0 : 1);
		}
		int st = t_wait(g);
		_exit(st == 0 && all(anon, PAGES * PG, 20) ? 0 : 1);
	}
	T_STATUS("grandchild inherits the child's copy, then its own",
		 t_wait(pid), "exit 0");
	T_EQ("parent still has its own", all(anon, PAGES * PG, 2), 1);

	/* Pages only read before the fork, written by the parent after. */
	unsigned char *ro = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile unsigned char sum = 0;
	for (int i = 0; i < 8 * PG; i += PG)
		sum += ro[i]; /* the zero page, if the kernel has one */
	*go = 0;
	pid = t_fork();
	if (pid == 0) {
		while (!*go)
			t_msleep(1);
		_exit(all(ro, 8 * PG, 0) ? 0 : 1);
	}
	fill(ro, 8 * PG, 0x77);
	*go = 1;
	T_STATUS("child does not see writes made after the fork", t_wait(pid),
		 "exit 0");
	T_EQ("parent sees them", all(ro, 8 * PG, 0x77) && sum == 0, 1);
	t_done();
}
