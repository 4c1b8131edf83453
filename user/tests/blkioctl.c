/*
 * blkioctl DEV BYTES: the block-device ioctls of rastOS on DEV, checked
 * against its known size (no Linux comparison: tests/qemu/block.sh runs
 * it). Prints "blkioctl: ok DEV" or a "blkioctl: FAIL ..." line per
 * failed check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272

static int failures;

static void expect(const char *dev, const char *what, long long got,
		   long long want)
{
	if (got != want) {
		printf("blkioctl: FAIL %s: %s = %lld, expected %lld\n", dev,
		       what, got, want);
		failures++;
	}
}

int main(int argc, char **argv)
{
	uint64_t size64 = 0;
	unsigned long sectors = 0;
	int ssz = 0, bsz = 0, ro = -1, fd;
	long long bytes, want_bsz = 512;

	if (argc != 3)
		return 2;
	bytes = atoll(argv[2]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("blkioctl: FAIL %s: open: errno %d\n", argv[1], errno);
		return 1;
	}
	expect(argv[1], "BLKGETSIZE64 ret", ioctl(fd, BLKGETSIZE64, &size64),
	       0);
	expect(argv[1], "BLKGETSIZE64", (long long)size64, bytes);
	expect(argv[1], "BLKGETSIZE ret", ioctl(fd, BLKGETSIZE, &sectors), 0);
	expect(argv[1], "BLKGETSIZE", (long long)sectors, bytes / 512);
	expect(argv[1], "BLKSSZGET ret", ioctl(fd, BLKSSZGET, &ssz), 0);
	expect(argv[1], "BLKSSZGET", ssz, 512);
	expect(argv[1], "BLKBSZGET ret", ioctl(fd, BLKBSZGET, &bsz), 0);
	while (want_bsz < 4096 && !(bytes & want_bsz))
		want_bsz <<= 1; /* Linux's: the largest power of 2 dividing */
	expect(argv[1], "BLKBSZGET", bsz, want_bsz);
	expect(argv[1], "BLKROGET ret", ioctl(fd, BLKROGET, &ro), 0);
	expect(argv[1], "BLKROGET", ro, 0);
	expect(argv[1], "lseek SEEK_END", lseek(fd, 0, SEEK_END), bytes);
	expect(argv[1], "bad pointer",
	       ioctl(fd, BLKGETSIZE64, (void *)8) == -1 ? errno : 0, EFAULT);
	expect(argv[1], "unknown ioctl", ioctl(fd, 0x1234, 0) == -1 ? errno : 0,
	       ENOTTY);
	expect(argv[1], "fsync", fsync(fd), 0); /* a device node: its cache */
	expect(argv[1], "fdatasync", fdatasync(fd), 0);
	close(fd);
	if (!failures)
		printf("blkioctl: ok %s\n", argv[1]);
	return failures != 0;
}
