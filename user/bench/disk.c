/*
 * disk.c - bench_disk, the disk benchmarks: the same static binary on
 * Linux (scripts/bench-disk.sh through scripts/linux-disk.sh) and on rastOS,
 * under QEMU -icount shift=0,sleep=off, timed by CLOCK_MONOTONIC (virtual
 * ns there).
 *
 *   bench_disk [-b BUSYBOX] DEV MNT [PROBE...]
 *
 * DEV holds an empty ext2 file system (made by the host's mke2fs); the
 * program mounts it on MNT itself (mount(2), type ext2) and prints
 *     bench: disk_NAME NS ns
 * with the whole operation's time (not per item), and "#" remarks (MiB/s,
 * per file). The probes, in this order (names as arguments run only those;
 * the ones they need are set up anyway):
 *   seq_write_64m   write a 64 MiB file in 1 MiB write()s, then fsync
 *   seq_read_64m    read it back in 1 MiB read()s with a cold cache: the
 *                   file system is unmounted and mounted again first (and
 *                   /proc/sys/vm/drop_caches written where there is one),
 *                   the contents checked (one word per 4 KiB)
 *   create_10k      create 10,000 files of 100 bytes in one directory
 *                   (open O_CREAT|O_EXCL, write, close), then syncfs
 *   unlink_10k      unlink them, then syncfs
 *   create_unlink_10k  the sum of the two
 *   tar_c           `busybox tar -cf MNT/tree.tar -C MNT tree` (fork,
 *                   exec, wait) with a cold cache, then syncfs; tree/ is
 *                   1,000 files in 20 directories, 8.6 MiB, made first
 *   tar_x           `busybox tar -xf MNT/tree.tar -C MNT/x` with a cold
 *                   cache, then syncfs
 * syncfs is there so that the figures include getting the data to the
 * disk, not only into the cache. A remount between probes starts each one
 * with the file system as it is on the disk. At the end it unmounts DEV and
 * prints "# bench: done"; an error prints "# failed: WHAT: ERRNO" and
 * ends with status 1.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024L * 1024)
#define BIG_SIZE (64 * MIB)
#define CHUNK MIB
#define NSMALL 10000
#define SMALL_SIZE 100
#define TREE_DIRS 20
#define TREE_FILES 50 /* per directory */

static const char *dev, *mnt, *busybox = "/bin/busybox";
static char **wanted_list;
static int nwanted;
static char *buf;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int err)
{
	printf("# failed: %s: %s\n", what, t_errname(err));
	exit(1);
}

static int wanted(const char *name)
{
	if (nwanted == 0)
		return 1;
	for (int i = 0; i < nwanted; i++) {
		if (strcmp(wanted_list[i], name) == 0)
			return 1;
	}
	return 0;
}

static void figure(const char *name, uint64_t ns)
{
	printf("bench: disk_%s %llu ns\n", name, (unsigned long long)ns);
	fflush(stdout);
}

/* PATH below the mount point, in a static buffer of its own per slot. */
static const char *at(int slot, const char *fmt, ...)
{
	static char paths[2][4096];
	char rel[3000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", mnt, rel);
	return paths[slot];
}

static void do_mount(void)
{
	if (mount(dev, mnt, "ext2", 0, NULL) < 0)
		die("mount", errno);
}

static void do_syncfs(void)
{
	int fd = open(mnt, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die("open the mount point", errno);
	if (syncfs(fd) < 0)
		die("syncfs", errno);
	close(fd);
}

/* Unmount and mount again: what is read next comes from the disk. */
static void remount(void)
{
	int fd;

	if (umount(mnt) < 0)
		die("umount", errno);
	sync();
	/* Linux drops the device's cache with its last close anyway; a kernel
	 * that keeps it across umount gets asked here, if it can be. */
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3\n", 2) < 0) { /* best effort */
		}
		close(fd);
	}
	do_mount();
}

/* The big file's contents: the 64-bit word at byte offset o is o/8 mixed. */
static uint64_t word_at(uint64_t off)
{
	return (off / 8) * 0x9e3779b97f4a7c15u ^ 0x5241535444534bu;
}

static void fill(char *p, uint64_t off, size_t len)
{
	uint64_t *w = (uint64_t *)p;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = word_at(off + i * 8);
}

static void seq_write(void)
{
	int fd = open(at(0, "big"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint64_t t0, t;

	if (fd < 0)
		die("create big", errno);
	t0 = now_ns();
	for (long off = 0; off < BIG_SIZE; off += CHUNK) {
		/* Filled inside the timing: a fresh buffer per write, as a real
		 * writer has; 1 MiB of stores is small next to the write. */
		fill(buf, (uint64_t)off, CHUNK);
		if (write(fd, buf, CHUNK) != CHUNK)
			die("write big", errno);
	}
	if (fsync(fd) < 0)
		die("fsync big", errno);
	t = now_ns() - t0;
	close(fd);
	if (!wanted("seq_write_64m"))
		return;
	figure("seq_write_64m", t);
	printf("# disk_seq_write_64m: %.1f MiB/s\n", 64.0 * 1e9 / (double)t);
}

static void seq_read(void)
{
	int fd = open(at(0, "big"), O_RDONLY);
	long total = 0, bad = 0;
	uint64_t t0, t;

	if (fd < 0)
		die("open big", errno);
	t0 = now_ns();
	for (;;) {
		ssize_t got = read(fd, buf, CHUNK);

		if (got < 0)
			die("read big", errno);
		if (got == 0)
			break;
		for (ssize_t o = 0; o + 8 <= got; o += 4096) {
			if (*(uint64_t *)(buf + o) != word_at((uint64_t)(total + o)))
				bad++;
		}
		total += got;
	}
	t = now_ns() - t0;
	close(fd);
	if (total != BIG_SIZE || bad) {
		printf("# failed: read big: %ld bytes, %ld bad pages\n", total, bad);
		exit(1);
	}
	figure("seq_read_64m", t);
	printf("# disk_seq_read_64m: %.1f MiB/s\n", 64.0 * 1e9 / (double)t);
}

static void small_files(void)
{
	uint64_t t0, create, unlinked;

	if (mkdir(at(0, "small"), 0755) < 0 && errno != EEXIST)
		die("mkdir small", errno);
	memset(buf, 'x', SMALL_SIZE);
	do_syncfs();
	t0 = now_ns();
	for (int i = 0; i < NSMALL; i++) {
		int fd = open(at(0, "small/f%05d", i),
			      O_WRONLY | O_CREAT | O_EXCL, 0644);

		if (fd < 0)
			die("create a small file", errno);
		if (write(fd, buf, SMALL_SIZE) != SMALL_SIZE)
			die("write a small file", errno);
		close(fd);
	}
	do_syncfs();
	create = now_ns() - t0;
	t0 = now_ns();
	for (int i = 0; i < NSMALL; i++) {
		if (unlink(at(0, "small/f%05d", i)) < 0)
			die("unlink a small file", errno);
	}
	do_syncfs();
	unlinked = now_ns() - t0;
	if (wanted("create_10k")) {
		figure("create_10k", create);
		printf("# disk_create_10k: %llu ns per file\n",
		       (unsigned long long)(create / NSMALL));
	}
	if (wanted("unlink_10k")) {
		figure("unlink_10k", unlinked);
		printf("# disk_unlink_10k: %llu ns per file\n",
		       (unsigned long long)(unlinked / NSMALL));
	}
	if (wanted("create_unlink_10k"))
		figure("create_unlink_10k", create + unlinked);
}

/* tree/dNN/fNNN: sizes from 1 byte to 17.4 KiB, about 8.6 MiB in all. */
static void make_tree(void)
{
	if (mkdir(at(0, "tree"), 0755) < 0)
		die("mkdir tree", errno);
	for (int d = 0; d < TREE_DIRS; d++) {
		if (mkdir(at(0, "tree/d%02d", d), 0755) < 0)
			die("mkdir tree/dNN", errno);
		for (int f = 0; f < TREE_FILES; f++) {
			int n = d * TREE_FILES + f;
			size_t size = (size_t)(n * 7919 % 17800) + 1;
			int fd = open(at(0, "tree/d%02d/f%03d", d, f),
				      O_WRONLY | O_CREAT | O_EXCL, 0644);

			if (fd < 0)
				die("create a tree file", errno);
			fill(buf, (uint64_t)n << 20, (size + 7) & ~(size_t)7);
			if (write(fd, buf, size) != (ssize_t)size)
				die("write a tree file", errno);
			close(fd);
		}
	}
}

/* Run busybox tar with ARGS; the time to its end plus a syncfs. */
static uint64_t run_tar(char *const args[])
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		execv(busybox, args);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			die("waitpid", errno);
	}
	if (st != 0) {
		printf("# failed: %s tar ended with %s\n", busybox, t_status(st));
		exit(1);
	}
	do_syncfs();
	return now_ns() - t0;
}

static void tar_probes(void)
{
	char tarball[4096], dir[4096], x[4096];
	uint64_t t;

	snprintf(tarball, sizeof(tarball), "%s/tree.tar", mnt);
	snprintf(dir, sizeof(dir), "%s", mnt);
	snprintf(x, sizeof(x), "%s/x", mnt);
	make_tree();
	remount();
	t = run_tar((char *const[]){"busybox", "tar", "-cf", tarball, "-C", dir,
				    "tree", NULL});
	if (wanted("tar_c"))
		figure("tar_c", t);
	if (mkdir(x, 0755) < 0)
		die("mkdir x", errno);
	remount();
	t = run_tar((char *const[]){"busybox", "tar", "-xf", tarball, "-C", x,
				    NULL});
	if (wanted("tar_x"))
		figure("tar_x", t);
}

static long probe_insns(void)
{
	long loops = 1000000 * 500L;
	uint64_t t0 = now_ns();

	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(loops)::"cc");
	return (long)(now_ns() - t0) / 1000000;
}

int main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (i + 1 < argc && strcmp(argv[i], "-b") == 0) {
		busybox = argv[i + 1];
		i += 2;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: bench_disk [-b BUSYBOX] DEV MNT [PROBE...]\n");
		return 2;
	}
	dev = argv[i];
	mnt = argv[i + 1];
	wanted_list = argv + i + 2;
	nwanted = argc - i - 2;
	buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		die("aligned_alloc", ENOMEM);

	printf("bench: disk_ns_per_1000_insns %ld ns\n", probe_insns());
	do_mount();
	if (wanted("seq_write_64m") || wanted("seq_read_64m")) {
		seq_write();
		if (wanted("seq_read_64m")) {
			remount();
			seq_read();
		}
		if (unlink(at(0, "big")) < 0)
			die("unlink big", errno);
		remount();
	}
	if (wanted("create_10k") || wanted("unlink_10k") ||
	    wanted("create_unlink_10k")) {
		small_files();
		remount();
	}
	if (wanted("tar_c") || wanted("tar_x"))
		tar_probes();
	if (umount(mnt) < 0)
		die("umount at the end", errno);
	printf("# bench: done\n");
	return 0;
}
