/*
 * probes.c - bench_probes, /init of the benchmark initramfs: the user-space
 * half of `make bench` (scripts/bench.sh), booted unchanged on rastOS and
 * on Linux (linux-ref) under QEMU -icount shift=0,sleep=off.
 *
 * Each probe runs its operation a fixed number of times, once briefly to
 * warm up and then timed with clock_gettime(CLOCK_MONOTONIC) around the
 * whole loop, and prints
 *     bench: user_NAME NS_PER_OP ns
 * Under -icount shift=0 one guest instruction is one virtual ns and both
 * kernels' monotonic clocks count virtual ns, so the figures are the same
 * from run to run and comparable between the kernels. Lines starting with
 * '#' are remarks: whether a vDSO was found, what a figure is per. At the
 * end it prints "# bench: done" and powers off with reboot(RB_POWER_OFF).
 * Probe names as arguments (init's: after "--" on the kernel command
 * line) run those alone (scripts/bench-profile.sh does).
 *
 * The probes: getpid (raw system call), clock_gettime (libc, through the
 * vDSO when there is one) and the same as a raw system call, fork + _exit
 * + wait, fork + execve(/bin/bench_true) + wait, the first touch of an
 * anonymous page, a context switch (two processes passing a turn through
 * a shared futex), pthread_create + pthread_join, mmap + munmap of an
 * untouched 1 MiB, a pipe ping-pong between two processes (per round
 * trip), pwrite + pread of 4 KiB on the root file system (tmpfs on both
 * kernels), open + close and stat of a file. A check of the clock comes
 * first: ns per 1000 instructions of a dec/jnz loop, 1000 when the clock
 * counts virtual ns. boot_tsc is not a probe but the TSC when main()
 * started: power-on to the first instructions of /init, in TSC ticks.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* From the Linux UAPI (<linux/futex.h>, not in musl's headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define PAGE_SIZE 4096L
#define MAP_1M (1L << 20)
#define SYSLOG_CONSOLE_LEVEL 8 /* syslog(2) action */
#define TRUE_PATH "/bin/bench_true"

/*
 * A probe: run(n) performs n iterations and returns the virtual ns they
 * took (set-up left out), or -1 after printing why it failed. An iteration
 * is ops_per_iter operations; the figure printed is ns per operation.
 */
struct probe {
	const char *name;
	long (*run)(long n);
	long iters;
	long ops_per_iter;
	const char *remark; /* printed as "# user_NAME: REMARK", or NULL */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long fail(const char *what, int err)
{
	printf("# failed: %s: %s\n", what, t_errname(err));
	return -1;
}

/* Wait for pid; 0 when it exited with status 0, else -1 (said why). */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return (int)fail("waitpid", errno);
	}
	if (st != 0) {
		printf("# failed: child ended with %s\n", t_status(st));
		return -1;
	}
	return 0;
}

/* n times 1000 instructions: a dec/jnz loop of 500n iterations. */
static long probe_insns(long n)
{
	long loops = n * 500;
	uint64_t t0 = now_ns();

	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(loops)::"cc");
	return (long)(now_ns() - t0);
}

static long probe_getpid(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	return (long)(now_ns() - t0);
}

static long probe_clock_gettime(long n)
{
	struct timespec ts;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)(now_ns() - t0);
}

static long probe_clock_gettime_syscall(long n)
{
	struct timespec ts;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (long)(now_ns() - t0);
}

static long probe_fork_exit_wait(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return fail("fork", errno);
		if (reap(pid) < 0)
			return -1;
	}
	return (long)(now_ns() - t0);
}

static long probe_fork_exec_wait(long n)
{
	static char *const argv[] = {TRUE_PATH, NULL};
	static char *const envp[] = {NULL};
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve(TRUE_PATH, argv, envp);
			_exit(127);
		}
		if (pid < 0)
			return fail("fork", errno);
		if (reap(pid) < 0)
			return -1;
	}
	return (long)(now_ns() - t0);
}

/* Write one byte to each of n fresh anonymous pages. Transparent huge
 * pages are turned off for the region so that Linux takes one fault per
 * 4 KiB page too (rastOS may reject the advice: it has none). */
static long probe_page_fault(long n)
{
	size_t len = (size_t)n * PAGE_SIZE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return fail("mmap", errno);
	madvise(p, len, MADV_NOHUGEPAGE);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * PAGE_SIZE] = 1;
	long ns = (long)(now_ns() - t0);
	munmap(p, len);
	return ns;
}

static void futex_wait(int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Wait until *turn is want, sleeping on the futex meanwhile. */
static void await_turn(int *turn, int want)
{
	int v;

	while ((v = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) != want)
		futex_wait(turn, v);
}

static void pass_turn(int *turn, int to)
{
	__atomic_store_n(turn, to, __ATOMIC_RELEASE);
	futex_wake(turn);
}

/* The child's side of the ping-pong: rounds times, wait for turn 1 and
 * hand it back as 0. */
static _Noreturn void pong(int *turn, long rounds)
{
	for (long i = 0; i < rounds; i++) {
		await_turn(turn, 1);
		pass_turn(turn, 0);
	}
	_exit(0);
}

/* n round trips of a turn between this process and a child through a
 * shared (not private) futex: two switches each. One untimed round first,
 * so that the child has started. */
static long probe_context_switch(long n)
{
	int *turn = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t t0 = 0;

	if (turn == MAP_FAILED)
		return fail("mmap", errno);
	*turn = 0;
	pid_t pid = fork();
	if (pid == 0)
		pong(turn, n + 1);
	if (pid < 0) {
		munmap(turn, PAGE_SIZE);
		return fail("fork", errno);
	}
	for (long i = 0; i <= n; i++) {
		if (i == 1)
			t0 = now_ns();
		pass_turn(turn, 1);
		await_turn(turn, 0);
	}
	long ns = (long)(now_ns() - t0);
	munmap(turn, PAGE_SIZE);
	return reap(pid) < 0 ? -1 : ns;
}

static void *thread_main(void *arg)
{
	return arg;
}

static long probe_thread_create_join(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, thread_main, NULL);
		if (err)
			return fail("pthread_create", err);
		err = pthread_join(t, NULL);
		if (err)
			return fail("pthread_join", err);
	}
	return (long)(now_ns() - t0);
}

static long probe_mmap_munmap_1m(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, MAP_1M, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail("mmap", errno);
		if (munmap(p, MAP_1M) < 0)
			return fail("munmap", errno);
	}
	return (long)(now_ns() - t0);
}

/* One byte there and back between two processes through two pipes. */
static long probe_pipe_pingpong(long n)
{
	int there[2], back[2];
	char c = 'x';
	pid_t pid;

	if (pipe(there) < 0 || pipe(back) < 0)
		return fail("pipe", errno);
	pid = fork();
	if (pid < 0)
		return fail("fork", errno);
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (read(there[0], &c, 1) != 1 ||
			    write(back[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			return fail("pipe round trip", errno);
	}
	long ns = (long)(now_ns() - t0);
	close(there[0]);
	close(there[1]);
	close(back[0]);
	close(back[1]);
	if (reap(pid) != 0)
		return fail("pipe child", 0);
	return ns;
}

#define RW_FILE "/bench_rw"
#define RW_SIZE 4096

static long probe_pwrite_pread_4k(long n)
{
	static char buf[RW_SIZE];
	int fd = open(RW_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return fail("open " RW_FILE, errno);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (pwrite(fd, buf, RW_SIZE, 0) != RW_SIZE ||
		    pread(fd, buf, RW_SIZE, 0) != RW_SIZE)
			return fail("pwrite/pread", errno);
	}
	long ns = (long)(now_ns() - t0);
	close(fd);
	unlink(RW_FILE);
	return ns;
}

static long probe_open_close(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(TRUE_PATH, O_RDONLY);

		if (fd < 0)
			return fail("open " TRUE_PATH, errno);
		close(fd);
	}
	return (long)(now_ns() - t0);
}

static long probe_stat(long n)
{
	struct stat st;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (stat(TRUE_PATH, &st) < 0)
			return fail("stat " TRUE_PATH, errno);
	}
	return (long)(now_ns() - t0);
}

/* The iteration counts keep a whole run under about 1e9 instructions on
 * either kernel (under half a minute of TCG with -icount), and each timed
 * loop long enough for figures stable to a per cent. */
static const struct probe probes[] = {
	{"ns_per_1000_insns", probe_insns, 2000, 1,
	 "virtual ns per 1000 instructions of a dec/jnz loop (1000: the clock "
	 "counts instructions)"},
	{"getpid", probe_getpid, 100000, 1, "syscall(SYS_getpid)"},
	{"clock_gettime", probe_clock_gettime, 100000, 1,
	 "libc clock_gettime(CLOCK_MONOTONIC): the vDSO when there is one"},
	{"clock_gettime_syscall", probe_clock_gettime_syscall, 50000, 1,
	 "syscall(SYS_clock_gettime, CLOCK_MONOTONIC): no vDSO"},
	{"fork_exit_wait", probe_fork_exit_wait, 500, 1, NULL},
	{"fork_exec_wait", probe_fork_exec_wait, 200, 1,
	 "the child execs " TRUE_PATH ", a static musl program exiting 0"},
	{"page_fault", probe_page_fault, 16384, 1,
	 "ns per 4 KiB page: first write to fresh anonymous memory"},
	{"context_switch", probe_context_switch, 10000, 2,
	 "ns per switch: half a round trip of a turn between two processes "
	 "through a shared futex (FUTEX_WAKE + FUTEX_WAIT + switch)"},
	{"thread_create_join", probe_thread_create_join, 1000, 1, NULL},
	{"mmap_munmap_1m", probe_mmap_munmap_1m, 10000, 1,
	 "anonymous, never touched"},
	{"pipe_pingpong", probe_pipe_pingpong, 5000, 1,
	 "ns per round trip: one byte each way through two pipes between "
	 "two processes"},
	{"pwrite_pread_4k", probe_pwrite_pread_4k, 20000, 1,
	 "ns per pwrite + pread of 4 KiB at offset 0 of a file in / (tmpfs)"},
	{"open_close", probe_open_close, 20000, 1, "open + close of " TRUE_PATH},
	{"stat", probe_stat, 20000, 1, "stat of " TRUE_PATH},
};

/* Warm up with a sixteenth of the iterations, then time them all. */
static void run_probe(const struct probe *p)
{
	long warm = p->iters / 16 > 0 ? p->iters / 16 : 1;

	if (p->remark)
		printf("# user_%s: %s\n", p->name, p->remark);
	if (p->run(warm) < 0)
		return;
	long ns = p->run(p->iters);
	if (ns < 0)
		return;
	long ops = p->iters * p->ops_per_iter;
	printf("bench: user_%s %ld ns\n", p->name, (ns + ops / 2) / ops);
}

/* Named on the command line (init's arguments), or none named at all. */
static int wanted(const char *name, int argc, char **argv)
{
	int named = 0;

	for (int i = 1; i < argc; i++) {
		/* Linux hands init the command line words it does not know. */
		if (strchr(argv[i], '=') || strchr(argv[i], '.'))
			continue;
		named = 1;
		if (strcmp(argv[i], name) == 0)
			return 1;
	}
	return !named;
}

int main(int argc, char **argv)
{
	uint32_t lo, hi;

	/* First: the TSC counts from power-on (QEMU resets it to 0). */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t boot_tsc = (uint64_t)hi << 32 | lo;

	/* On Linux, keep the kernel's console messages out of the log. */
	klogctl(SYSLOG_CONSOLE_LEVEL, NULL, 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# vdso: %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	if (wanted("boot_tsc", argc, argv)) {
		printf("# user_boot_tsc: power-on to /init's main(), TSC ticks "
		       "(not per operation)\n");
		printf("bench: user_boot_tsc %llu ticks\n",
		       (unsigned long long)boot_tsc);
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (!wanted(probes[i].name, argc, argv))
			continue;
		run_probe(&probes[i]);
		fflush(stdout);
	}
	printf("# bench: done\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	printf("# failed: reboot: %s\n", t_errname(errno));
	fflush(stdout);
	return 1;
}
