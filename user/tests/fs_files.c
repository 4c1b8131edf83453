/*
 * fs_files.c - opening files and moving their data, on a tmpfs of its own
 * (mounted on /fs_files, removed at the end).
 *   open/openat/creat: O_CREAT, O_EXCL, O_TRUNC, O_APPEND (also with
 *   pwrite, which appends on Linux), O_DIRECTORY, O_NOFOLLOW, O_PATH (what
 *   such a descriptor may and may not do), O_TMPFILE (nlink 0, then named
 *   by linkat AT_EMPTY_PATH; O_EXCL forbids that), O_DIRECT (EINVAL on
 *   tmpfs), O_CREAT on a directory, unknown flags (ignored by open,
 *   EINVAL for openat2), access mode 3; openat with a directory descriptor,
 *   AT_FDCWD, a file descriptor (ENOTDIR) and an absolute path; openat2 and
 *   its EINVAL/E2BIG cases. read/write/pread64/pwrite64/readv/writev/
 *   preadv/pwritev: positions, short reads at the end, EBADF for the wrong
 *   access mode, EISDIR, ESPIPE, EINVAL, EFAULT (a kernel address in a
 *   later iovec fails the whole call). lseek: SEEK_SET/CUR/END, beyond the
 *   end, holes read as zeroes, EINVAL. sendfile and copy_file_range (with
 *   and without offsets; EBADF, EINVAL, EISDIR). dup/dup2/dup3,
 *   close_range (CLOSE_RANGE_CLOEXEC), fcntl F_GETFD/F_SETFD/F_GETFL/
 *   F_SETFL/F_DUPFD/F_DUPFD_CLOEXEC. truncate/ftruncate (zeroes on
 *   extension, EINVAL on an O_RDONLY descriptor, EISDIR), fallocate (modes
 *   0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, EOPNOTSUPP, EFBIG, st_blocks).
 *   stat/lstat/fstat/newfstatat/statx: sizes, modes, link counts, types,
 *   and relations only (same inode, same device, mtime advanced). Reading
 *   a hole takes no space (statfs). getdents64 (names sorted: the order is
 *   the file system's), sync/fsync/fdatasync/syncfs. EFAULT (address 1, a
 *   kernel address), EBADF, ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG (a
 *   256-byte name, a 300-byte one, a 5000-byte path), EMFILE under a
 *   lowered RLIMIT_NOFILE.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define TOP "/fs_files"

#ifndef O_PATH
#define O_PATH 010000000
#endif
#define RAW_O_TMPFILE 020200000
#define RAW_O_LARGEFILE 0100000
#define FALLOC_KEEP_SIZE 1
#define FALLOC_PUNCH_HOLE 2
#define FALLOC_COLLAPSE_RANGE 8
#define FALLOC_ZERO_RANGE 0x10
#define CLOSE_RANGE_CLOEXEC_ (1u << 2)
#define STATX_BASIC 0x7ffu

struct open_how_k {
	unsigned long long flags, mode, resolve;
};

struct statx_k {
	unsigned int mask, blksize;
	unsigned long long attributes;
	unsigned int nlink, uid, gid;
	unsigned short mode, pad1;
	unsigned long long ino, size, blocks, attributes_mask;
	unsigned long long times[8];
	unsigned int rdev_major, rdev_minor, dev_major, dev_minor;
	unsigned long long spare[14];
};

/* Write data to path (created or truncated, mode 0644). */
static void put(const char *path, const char *data)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data)) {
		t_failures++;
		t_say("put %s: %s", path, t_errname(errno));
	}
	close(fd);
}

/* The contents of path (at most 255 bytes), or "ERR". */
static const char *get(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	snprintf(buf + (n < 0 ? 0 : n), 4, "%s", n < 0 ? "ERR" : "");
	return buf;
}

static long long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? -1 : (long long)st.st_size;
}

static long long fd_size(int fd)
{
	struct stat st;
	return fstat(fd, &st) < 0 ? -1 : (long long)st.st_size;
}

static long long fd_blocks(int fd)
{
	struct stat st;
	return fstat(fd, &st) < 0 ? -1 : (long long)st.st_blocks;
}

/* The file's data at [off, off + n) as text, zero bytes shown as '0'. */
static const char *show(int fd, off_t off, size_t n)
{
	static char buf[128];
	ssize_t got =
		pread(fd, buf, n < sizeof(buf) ? n : sizeof(buf) - 1, off);
	if (got < 0)
		got = 0;
	for (ssize_t i = 0; i < got; i++)
		if (!buf[i])
			buf[i] = '0';
	buf[got] = '\0';
	return buf;
}

/* ---- open and its flags ------------------------------------------------ */

static void open_flags(void)
{
	struct stat st;
	char buf[64];

	int fd = open("a", O_CREAT | O_WRONLY, 0644);
	T_OK("open O_CREAT", fd);
	T_OK("  fstat", fstat(fd, &st));
	T_EQ("  regular", S_ISREG(st.st_mode), 1);
	T_MODE("  permissions", st.st_mode & 07777, 0644);
	T_EQ("  nlink", st.st_nlink, 1);
	T_EQ("  size", st.st_size, 0);
	T_EQ("  write 11", write(fd, "hello world", 11), 11);
	T_ERR("  read on O_WRONLY", read(fd, buf, 1), EBADF);
	close(fd);
	T_STREQ("  contents", get("a"), "hello world");
	T_ERR("open O_CREAT|O_EXCL on an existing file",
	      open("a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	fd = open("a", O_CREAT | O_RDONLY, 0600);
	T_OK("open O_CREAT on an existing file", fd);
	T_EQ("  kept its data", fd_size(fd), 11);
	T_ERR("  write on O_RDONLY", write(fd, "x", 1), EBADF);
	close(fd);
	fd = open("a", O_WRONLY | O_TRUNC);
	T_OK("open O_TRUNC", fd);
	T_EQ("  size", fd_size(fd), 0);
	T_EQ("  write", write(fd, "abc", 3), 3);
	close(fd);

	fd = open("a", O_WRONLY | O_APPEND);
	T_OK("open O_APPEND", fd);
	T_EQ("  lseek 0", lseek(fd, 0, SEEK_SET), 0);
	T_EQ("  write", write(fd, "def", 3), 3);
	T_EQ("  position after", lseek(fd, 0, SEEK_CUR), 6);
	T_EQ("  pwrite at 0 appends too", pwrite(fd, "gh", 2, 0), 2);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 6);
	close(fd);
	T_STREQ("  contents", get("a"), "abcdefgh");
	fd = open("a", O_RDWR);
	T_OK("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
	T_EQ("  write", write(fd, "i", 1), 1);
	T_OK("F_SETFL 0", fcntl(fd, F_SETFL, 0));
	T_EQ("  pwrite at 0", pwrite(fd, "A", 1, 0), 1);
	close(fd);
	T_STREQ("  contents", get("a"), "Abcdefghi");

	T_ERR("open O_DIRECTORY on a file", open("a", O_RDONLY | O_DIRECTORY),
	      ENOTDIR);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	T_OK("open O_DIRECTORY on a directory", fd);
	close(fd);
	T_ERR("open O_CREAT on a directory",
	      open("d", O_CREAT | O_RDONLY, 0644), EISDIR);
	T_ERR("open O_CREAT with a trailing slash",
	      open("new/", O_CREAT | O_WRONLY, 0644), EISDIR);
	T_ERR("  made nothing", access("new", F_OK), ENOENT);
	T_ERR("open a directory O_WRONLY", open("d", O_WRONLY), EISDIR);
	T_ERR("open a directory O_RDWR", open("d", O_RDWR), EISDIR);
	T_ERR("open a directory O_RDONLY|O_TRUNC",
	      open("d", O_RDONLY | O_TRUNC), EISDIR);

	T_OK("symlink", symlink("a", "lnk"));
	T_OK("symlink to a missing name", symlink("made_by_open", "dangling"));
	fd = open("dangling", O_CREAT | O_WRONLY, 0644);
	T_OK("open O_CREAT through it", fd);
	close(fd);
	T_EQ("  made its target", access("made_by_open", F_OK), 0);
	T_ERR("open O_CREAT|O_EXCL on a symlink",
	      open("lnk", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	T_ERR("open O_NOFOLLOW on a symlink",
	      open("lnk", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("lnk", O_RDONLY);
	T_OK("open through the symlink", fd);
	T_EQ("  its target's size", fd_size(fd), 9);
	close(fd);
	fd = open("lnk", O_PATH | O_NOFOLLOW);
	T_OK("open O_PATH|O_NOFOLLOW on a symlink", fd);
	T_OK("  fstat", fstat(fd, &st));
	T_EQ("  is the link", S_ISLNK(st.st_mode), 1);
	T_EQ("  size is the target's length", st.st_size, 1);
	close(fd);

	fd = open("a", O_PATH | O_RDWR | O_TRUNC | O_CREAT, 0600);
	T_OK("open O_PATH (the other flags ignored)", fd);
	T_EQ("  did not truncate", size_of("a"), 9);
	T_ERR("  read", read(fd, buf, 1), EBADF);
	T_ERR("  write", write(fd, "x", 1), EBADF);
	T_MODE("  F_GETFL", fcntl(fd, F_GETFL) & ~RAW_O_LARGEFILE, O_PATH);
	T_OK("  fstat", fstat(fd, &st));
	T_EQ("  fstat size", st.st_size, 9);
	T_SYSERR("  fchmod", t_sys2(SYS_fchmod, fd, 0600), EBADF);
	T_ERR("  ftruncate", ftruncate(fd, 0), EBADF);
	T_ERR("  fsync", fsync(fd), EBADF);
	T_EQ("  dup2 from it", dup2(fd, 20), 20);
	close(20);
	close(fd);
	fd = open("d", O_PATH);
	T_OK("open O_PATH on a directory", fd);
	int f2 = openat(fd, "in_d", O_CREAT | O_WRONLY, 0644);
	T_OK("  as openat's directory", f2);
	close(f2);
	T_SYSERR("  getdents64", t_sys3(SYS_getdents64, fd, buf, sizeof(buf)),
		 EBADF);
	T_OK("  fchdir", fchdir(fd));
	T_EQ("  then a relative open", access("in_d", F_OK), 0);
	chdir(TOP);
	close(fd);

	/* open(2) ignores flags it does not know; access mode 3 opens for
	 * neither reading nor writing (ioctl only). */
	fd = (int)t_sys3(SYS_open, "a", O_RDONLY | 0x40000000, 0);
	T_SYSOK("open with an unknown flag bit", fd);
	close(fd);
	fd = (int)t_sys3(SYS_open, "a", 3, 0);
	T_SYSOK("open with access mode 3", fd);
	T_ERR("  read", read(fd, buf, 1), EBADF);
	T_ERR("  write", write(fd, "x", 1), EBADF);
	close(fd);
	fd = (int)t_sys3(SYS_open, "a", O_RDWR, 0);
	T_MODE("F_GETFL of a raw open has O_LARGEFILE",
	       fcntl(fd, F_GETFL) & (RAW_O_LARGEFILE | O_ACCMODE),
	       RAW_O_LARGEFILE | O_RDWR);
	close(fd);
	T_SYSERR("open O_DIRECT on tmpfs",
		 t_sys3(SYS_open, "a", O_RDONLY | O_DIRECT, 0), EINVAL);
	fd = open("a", O_RDONLY | O_NONBLOCK | O_SYNC | O_NOATIME | O_NOCTTY);
	T_OK("open O_NONBLOCK|O_SYNC|O_NOATIME|O_NOCTTY", fd);
	close(fd);
	T_SYSERR("open O_TMPFILE without O_DIRECTORY's bit",
		 t_sys3(SYS_open, ".", 020000000 | O_RDWR, 0600), EINVAL);
}

static void tmp_files(void)
{
	struct stat st;

	int fd = open(".", RAW_O_TMPFILE | O_RDWR, 0666);
	T_OK("open O_TMPFILE", fd);
	T_OK("  fstat", fstat(fd, &st));
	T_EQ("  regular", S_ISREG(st.st_mode), 1);
	T_EQ("  nlink 0", st.st_nlink, 0);
	T_MODE("  permissions (umask applied)", st.st_mode & 0777, 0644);
	T_EQ("  write", write(fd, "temp", 4), 4);
	T_OK("  linkat AT_EMPTY_PATH",
	     linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH));
	T_OK("  fstat", fstat(fd, &st));
	T_EQ("  nlink 1", st.st_nlink, 1);
	T_STREQ("  contents by its name", get("named"), "temp");
	T_ERR("  linkat again: the name exists",
	      linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH), EEXIST);
	close(fd);
	fd = open(".", RAW_O_TMPFILE | O_RDWR | O_EXCL, 0600);
	T_OK("open O_TMPFILE|O_EXCL", fd);
	T_ERR("  linkat AT_EMPTY_PATH",
	      linkat(fd, "", AT_FDCWD, "named2", AT_EMPTY_PATH), ENOENT);
	close(fd);
	T_ERR("open O_TMPFILE|O_RDONLY",
	      open(".", RAW_O_TMPFILE | O_RDONLY, 0600), EINVAL);
	T_ERR("open O_TMPFILE in a file",
	      open("a", RAW_O_TMPFILE | O_RDWR, 0600), ENOTDIR);
	T_ERR("open O_TMPFILE|O_CREAT",
	      open(".", RAW_O_TMPFILE | O_CREAT | O_RDWR, 0600), EINVAL);
	fd = open("a", O_RDONLY);
	T_OK("linkat AT_EMPTY_PATH of a named file",
	     linkat(fd, "", AT_FDCWD, "a_again", AT_EMPTY_PATH));
	close(fd);
	T_EQ("  a has two names", (stat("a", &st), st.st_nlink), 2);
	unlink("a_again");
	put("gone", "x");
	fd = open("gone", O_RDONLY);
	unlink("gone");
	T_ERR("linkat AT_EMPTY_PATH of an unlinked file",
	      linkat(fd, "", AT_FDCWD, "back", AT_EMPTY_PATH), ENOENT);
	close(fd);
}

static void openat_family(void)
{
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	int fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0644);
	T_OK("openat a directory descriptor, O_CREAT", fd);
	close(fd);
	T_EQ("  made d/f", access("d/f", F_OK), 0);
	fd = openat(AT_FDCWD, "d/f", O_RDONLY);
	T_OK("openat AT_FDCWD", fd);
	T_ERR("openat a file descriptor", openat(fd, "x", O_RDONLY), ENOTDIR);
	close(fd);
	T_ERR("openat a closed descriptor", openat(99, "x", O_RDONLY), EBADF);
	fd = openat(99, TOP "/a", O_RDONLY);
	T_OK("openat an absolute path ignores the descriptor", fd);
	close(fd);
	fd = openat(dfd, "..", O_RDONLY | O_DIRECTORY);
	T_OK("openat \"..\"", fd);
	T_EQ("  is the top", openat(fd, "a", O_RDONLY) >= 0, 1);
	close(dfd);

	struct open_how_k how = {O_RDONLY, 0, 0};
	fd = (int)t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how));
	T_SYSOK("openat2", fd);
	close(fd);
	how.flags = O_CREAT | O_WRONLY;
	how.mode = 0600;
	fd = (int)t_sys4(SYS_openat2, AT_FDCWD, "o2", &how, sizeof(how));
	T_SYSOK("openat2 O_CREAT mode 0600", fd);
	close(fd);
	struct stat st;
	T_MODE("  permissions", (stat("o2", &st), st.st_mode & 0777), 0600);
	how = (struct open_how_k){O_RDONLY, 0, 0};
	T_SYSERR("openat2 size 16",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, 16), EINVAL);
	char big[64] = {0};
	memcpy(big, &how, sizeof(how));
	fd = (int)t_sys4(SYS_openat2, AT_FDCWD, "a", big, sizeof(big));
	T_SYSOK("openat2 a larger struct, zero beyond", fd);
	close(fd);
	big[40] = 1;
	T_SYSERR("openat2 a larger struct, non-zero beyond",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", big, sizeof(big)), E2BIG);
	how.mode = 0644;
	T_SYSERR("openat2 a mode without O_CREAT",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how)), EINVAL);
	how = (struct open_how_k){O_CREAT | O_WRONLY, 010000, 0};
	T_SYSERR("openat2 mode 010000",
		 t_sys4(SYS_openat2, AT_FDCWD, "o2", &how, sizeof(how)),
		 EINVAL);
	how = (struct open_how_k){O_RDONLY | 0x40000000, 0, 0};
	T_SYSERR("openat2 an unknown flag",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how)), EINVAL);
	how = (struct open_how_k){O_RDONLY | (1ULL << 40), 0, 0};
	T_SYSERR("openat2 a flag above 32 bits",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how)), EINVAL);
	how = (struct open_how_k){O_RDONLY, 0, 0x100};
	T_SYSERR("openat2 an unknown resolve flag",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how)), EINVAL);
	how = (struct open_how_k){O_PATH | O_RDWR, 0, 0};
	T_SYSERR("openat2 O_PATH|O_RDWR",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", &how, sizeof(how)), EINVAL);
	how = (struct open_how_k){O_RDONLY, 0, 0};
	T_SYSERR("openat2 at a kernel address",
		 t_sys4(SYS_openat2, AT_FDCWD, "a", BAD_KERN, sizeof(how)),
		 EFAULT);

	fd = creat("c", 0600);
	T_OK("creat", fd);
	char ch;
	T_ERR("  write-only", read(fd, &ch, 1), EBADF);
	T_EQ("  write", write(fd, "cc", 2), 2);
	close(fd);
	fd = creat("c", 0644);
	T_OK("creat an existing file", fd);
	T_EQ("  truncated", fd_size(fd), 0);
	close(fd);
	T_MODE("  permissions kept", (stat("c", &st), st.st_mode & 0777), 0600);
}

/* ---- reading and writing ------------------------------------------------ */

static void read_write(void)
{
	char buf[64];
	int fd = open("rw", O_CREAT | O_RDWR | O_TRUNC, 0644);

	T_EQ("write 10", write(fd, "0123456789", 10), 10);
	T_EQ("  position", lseek(fd, 0, SEEK_CUR), 10);
	T_EQ("read at the end", read(fd, buf, 5), 0);
	T_EQ("write 0 bytes", write(fd, buf, 0), 0);
	lseek(fd, 4, SEEK_SET);
	T_EQ("read 4 from 4", read(fd, buf, 4), 4);
	T_EQ("  bytes", memcmp(buf, "4567", 4), 0);
	T_EQ("short read at the end", read(fd, buf, 10), 2);
	T_EQ("pread 3 at 1", pread(fd, buf, 3, 1), 3);
	T_EQ("  bytes", memcmp(buf, "123", 3), 0);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 10);
	T_EQ("pread past the end", pread(fd, buf, 3, 100), 0);
	T_EQ("pwrite 2 at 8", pwrite(fd, "XY", 2, 8), 2);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 10);
	T_EQ("pwrite past the end", pwrite(fd, "Z", 1, 12), 1);
	T_EQ("  size", fd_size(fd), 13);
	T_STREQ("  contents (the gap reads as zero)", show(fd, 0, 13),
		"01234567XY00Z");
	T_SYSERR("pread64 at -1", t_sys4(SYS_pread64, fd, buf, 1, -1), EINVAL);
	T_SYSERR("pwrite64 at -1", t_sys4(SYS_pwrite64, fd, buf, 1, -1),
		 EINVAL);

	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	lseek(fd, 0, SEEK_SET);
	T_EQ("writev 3 buffers", writev(fd, iov, 3), 5);
	T_EQ("  position", lseek(fd, 0, SEEK_CUR), 5);
	char r1[2], r2[4];
	struct iovec rv[2] = {{r1, 2}, {r2, 4}};
	lseek(fd, 0, SEEK_SET);
	T_EQ("readv", readv(fd, rv, 2), 6);
	T_EQ("  bytes", memcmp(r1, "ab", 2) || memcmp(r2, "cde5", 4), 0);
	T_EQ("pwritev at 10", pwritev(fd, iov, 3, 10), 5);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 6);
	T_EQ("preadv at 9", preadv(fd, rv, 2, 9), 6);
	T_EQ("  bytes", memcmp(r1, "Ya", 2) || memcmp(r2, "bcde", 4), 0);
	T_EQ("preadv at the end", preadv(fd, rv, 2, 15), 0);
	T_SYSERR("readv count -1", t_sys3(SYS_readv, fd, rv, -1), EINVAL);
	T_SYSERR("readv count 1025", t_sys3(SYS_readv, fd, rv, 1025), EINVAL);
	T_EQ("readv count 0", readv(fd, rv, 0), 0);
	T_SYSERR("readv the vector at a kernel address",
		 t_sys3(SYS_readv, fd, BAD_KERN, 1), EFAULT);
	T_SYSERR("preadv at -1", t_sys5(SYS_preadv, fd, rv, 2, -1, 0), EINVAL);
	struct iovec neg[1] = {{buf, (size_t)-1}};
	T_SYSERR("writev a negative length", t_sys3(SYS_writev, fd, neg, 1),
		 EINVAL);
	struct iovec half[2] = {{"zz", 2}, {BAD_KERN, 2}};
	lseek(fd, 0, SEEK_SET);
	T_SYSERR("writev a kernel address in the second buffer",
		 t_sys3(SYS_writev, fd, half, 2), EFAULT);
	T_STREQ("  nothing written", show(fd, 0, 2), "ab");
	struct iovec one[2] = {{"zz", 2}, {BAD_ONE, 2}};
	T_EQ("writev address 1 in the second buffer: the first is written",
	     t_sys3(SYS_writev, fd, one, 2), 2);
	T_STREQ("  contents", show(fd, 0, 2), "zz");

	T_SYSERR("read into a kernel address",
		 t_sys3(SYS_read, fd, BAD_KERN, 4), EFAULT);
	lseek(fd, 0, SEEK_SET);
	T_SYSERR("read into address 1", t_sys3(SYS_read, fd, BAD_ONE, 4),
		 EFAULT);
	T_SYSERR("write from a kernel address",
		 t_sys3(SYS_write, fd, BAD_KERN, 4), EFAULT);
	T_SYSERR("write from address 1", t_sys3(SYS_write, fd, BAD_ONE, 4),
		 EFAULT);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 0);
	close(fd);

	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	T_SYSERR("read a directory", t_sys3(SYS_read, dfd, buf, 4), EISDIR);
	T_SYSERR("pread a directory", t_sys4(SYS_pread64, dfd, buf, 4, 0),
		 EISDIR);
	close(dfd);
	int p[2];
	pipe(p);
	T_SYSERR("pread a pipe", t_sys4(SYS_pread64, p[0], buf, 4, 0), ESPIPE);
	T_SYSERR("pwrite a pipe", t_sys4(SYS_pwrite64, p[1], buf, 4, 0),
		 ESPIPE);
	T_SYSERR("lseek a pipe", t_sys3(SYS_lseek, p[0], 0, SEEK_SET), ESPIPE);
	close(p[0]);
	close(p[1]);
	T_SYSERR("read a closed descriptor", t_sys3(SYS_read, 99, buf, 1),
		 EBADF);
	T_SYSERR("write descriptor -1", t_sys3(SYS_write, -1, buf, 1), EBADF);
}

static void seeking(void)
{
	int fd = open("seek", O_CREAT | O_RDWR | O_TRUNC, 0644);

	write(fd, "abcdefghij", 10);
	T_EQ("SEEK_SET 5", lseek(fd, 5, SEEK_SET), 5);
	T_EQ("SEEK_CUR +3", lseek(fd, 3, SEEK_CUR), 8);
	T_EQ("SEEK_CUR -8", lseek(fd, -8, SEEK_CUR), 0);
	T_EQ("SEEK_END -2", lseek(fd, -2, SEEK_END), 8);
	T_EQ("SEEK_END +4990", lseek(fd, 4990, SEEK_END), 5000);
	T_EQ("  size unchanged", fd_size(fd), 10);
	T_EQ("  write there", write(fd, "Z", 1), 1);
	T_EQ("  size", fd_size(fd), 5001);
	char buf[5001];
	T_EQ("  read all", pread(fd, buf, sizeof(buf), 0), 5001);
	int zeros = 0;
	for (int i = 10; i < 5000; i++)
		zeros += buf[i] == 0;
	T_EQ("  the hole reads as zeroes", zeros, 4990);
	T_SYSERR("SEEK_SET -1", t_sys3(SYS_lseek, fd, -1, SEEK_SET), EINVAL);
	T_SYSERR("SEEK_CUR to before 0", t_sys3(SYS_lseek, fd, -6000, SEEK_CUR),
		 EINVAL);
	T_SYSERR("SEEK_END to before 0", t_sys3(SYS_lseek, fd, -6000, SEEK_END),
		 EINVAL);
	T_SYSERR("whence 7", t_sys3(SYS_lseek, fd, 0, 7), EINVAL);
	T_EQ("  position unchanged", lseek(fd, 0, SEEK_CUR), 5001);
	T_SYSERR("lseek a closed descriptor",
		 t_sys3(SYS_lseek, 99, 0, SEEK_SET), EBADF);
	close(fd);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	T_EQ("lseek a directory to 0", lseek(dfd, 0, SEEK_SET), 0);
	close(dfd);
}

static void copying(void)
{
	put("src", "0123456789");
	int in = open("src", O_RDONLY);
	int out = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
	off_t off = 2;

	T_EQ("sendfile 4 from offset 2", sendfile(out, in, &off, 4), 4);
	T_EQ("  offset advanced", off, 6);
	T_EQ("  input position unchanged", lseek(in, 0, SEEK_CUR), 0);
	T_EQ("  output position", lseek(out, 0, SEEK_CUR), 4);
	T_EQ("sendfile at the position", sendfile(out, in, NULL, 3), 3);
	T_EQ("  input position", lseek(in, 0, SEEK_CUR), 3);
	T_EQ("sendfile more than is left", sendfile(out, in, NULL, 100), 7);
	T_EQ("sendfile at the end", sendfile(out, in, NULL, 100), 0);
	T_STREQ("  output", show(out, 0, 20), "23450123456789");
	off = -1;
	T_ERR("sendfile offset -1", sendfile(out, in, &off, 1), EINVAL);
	T_ERR("sendfile to an O_RDONLY file", sendfile(in, in, NULL, 1), EBADF);
	int ap = open("dst", O_WRONLY | O_APPEND);
	T_ERR("sendfile to an O_APPEND file", sendfile(ap, in, NULL, 1),
	      EINVAL);
	close(ap);
	T_ERR("sendfile from an O_WRONLY file",
	      sendfile(out, open("dst", O_WRONLY), NULL, 1), EBADF);
	T_SYSERR("sendfile the offset at a kernel address",
		 t_sys4(SYS_sendfile, out, in, BAD_KERN, 1), EFAULT);

	int o2 = open("cfr", O_CREAT | O_RDWR | O_TRUNC, 0644);
	loff_t ioff = 1, ooff = 3;
	T_EQ("copy_file_range 5 at offsets",
	     t_sys6(SYS_copy_file_range, in, &ioff, o2, &ooff, 5, 0), 5);
	T_EQ("  offsets", ioff * 100 + ooff, 608);
	T_EQ("  size", fd_size(o2), 8);
	T_STREQ("  contents", show(o2, 0, 8), "00012345");
	lseek(in, 8, SEEK_SET);
	T_EQ("copy_file_range at the positions",
	     t_sys6(SYS_copy_file_range, in, NULL, o2, NULL, 10, 0), 2);
	T_EQ("  positions",
	     lseek(in, 0, SEEK_CUR) * 100 + lseek(o2, 0, SEEK_CUR), 1002);
	T_EQ("copy_file_range at the end",
	     t_sys6(SYS_copy_file_range, in, NULL, o2, NULL, 10, 0), 0);
	T_SYSERR("copy_file_range flags 1",
		 t_sys6(SYS_copy_file_range, in, NULL, o2, NULL, 1, 1), EINVAL);
	T_SYSERR("copy_file_range to an O_RDONLY file",
		 t_sys6(SYS_copy_file_range, in, NULL, in, NULL, 1, 0), EBADF);
	ap = open("cfr", O_WRONLY | O_APPEND);
	T_SYSERR("copy_file_range to an O_APPEND file",
		 t_sys6(SYS_copy_file_range, in, &ioff, ap, NULL, 1, 0), EBADF);
	close(ap);
	int rw = open("cfr", O_RDWR);
	ioff = 0, ooff = 2;
	T_SYSERR("copy_file_range overlapping in one file",
		 t_sys6(SYS_copy_file_range, rw, &ioff, rw, &ooff, 4, 0),
		 EINVAL);
	ioff = 0, ooff = 4;
	T_EQ("copy_file_range within one file, apart",
	     t_sys6(SYS_copy_file_range, rw, &ioff, rw, &ooff, 4, 0), 4);
	close(rw);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	T_SYSERR("copy_file_range from a directory",
		 t_sys6(SYS_copy_file_range, dfd, NULL, o2, NULL, 1, 0),
		 EISDIR);
	close(dfd);
	T_SYSERR("copy_file_range a closed descriptor",
		 t_sys6(SYS_copy_file_range, 99, NULL, o2, NULL, 1, 0), EBADF);
	ioff = -1;
	T_SYSERR("copy_file_range offset -1",
		 t_sys6(SYS_copy_file_range, in, &ioff, o2, NULL, 1, 0),
		 EOVERFLOW);
	close(o2);
	close(in);
	close(out);
}

/* ---- descriptors -------------------------------------------------------- */

static void descriptors(void)
{
	int fd = open("src", O_RDONLY);
	int lowest = open("/", O_RDONLY);
	close(lowest);

	int d = dup(fd);
	T_EQ("dup takes the lowest free slot", d == lowest, 1);
	lseek(fd, 3, SEEK_SET);
	T_EQ("  shares the position", lseek(d, 0, SEEK_CUR), 3);
	T_EQ("  without FD_CLOEXEC", fcntl(d, F_GETFD), 0);
	T_EQ("dup2 onto itself returns it", dup2(fd, fd) == fd, 1);
	T_ERR("dup2 of a closed descriptor onto itself", dup2(99, 99), EBADF);
	T_EQ("dup2 to 30", dup2(fd, 30), 30);
	T_EQ("dup2 over 30", dup2(d, 30), 30);
	T_ERR("dup2 to -1", dup2(fd, -1), EBADF);
	T_ERR("dup2 from a closed descriptor", dup2(99, 31), EBADF);
	T_ERR("dup3 onto itself", dup3(fd, fd, 0), EINVAL);
	T_SYSERR("dup3 flags 1", t_sys3(SYS_dup3, fd, 31, 1), EINVAL);
	T_EQ("dup3 O_CLOEXEC", dup3(fd, 31, O_CLOEXEC), 31);
	T_EQ("  FD_CLOEXEC", fcntl(31, F_GETFD), FD_CLOEXEC);
	T_EQ("dup2 clears it", (dup2(fd, 31), fcntl(31, F_GETFD)), 0);
	T_ERR("dup a closed descriptor", dup(99), EBADF);

	T_EQ("F_DUPFD from 40", fcntl(fd, F_DUPFD, 40), 40);
	T_EQ("F_DUPFD from 40 again", fcntl(fd, F_DUPFD, 40), 41);
	T_EQ("F_DUPFD_CLOEXEC from 40", fcntl(fd, F_DUPFD_CLOEXEC, 40), 42);
	T_EQ("  FD_CLOEXEC", fcntl(42, F_GETFD), FD_CLOEXEC);
	T_OK("F_SETFD 0", fcntl(42, F_SETFD, 0));
	T_EQ("  F_GETFD", fcntl(42, F_GETFD), 0);
	T_OK("F_SETFD FD_CLOEXEC", fcntl(42, F_SETFD, FD_CLOEXEC));
	T_EQ("  F_GETFD", fcntl(42, F_GETFD), FD_CLOEXEC);
	T_ERR("F_DUPFD from -1", fcntl(fd, F_DUPFD, -1), EINVAL);
	T_ERR("F_GETFD on a closed descriptor", fcntl(99, F_GETFD), EBADF);
	T_ERR("fcntl an unknown command", fcntl(fd, 12345), EINVAL);

	int w = open("src", O_WRONLY | O_APPEND | O_NONBLOCK);
	T_MODE("F_GETFL", fcntl(w, F_GETFL) & ~RAW_O_LARGEFILE,
	       O_WRONLY | O_APPEND | O_NONBLOCK);
	T_OK("F_SETFL O_RDWR (ignored) | O_NONBLOCK",
	     fcntl(w, F_SETFL, O_RDWR | O_NONBLOCK));
	T_MODE("  F_GETFL", fcntl(w, F_GETFL) & ~RAW_O_LARGEFILE,
	       O_WRONLY | O_NONBLOCK);
	close(w);
	int c = open("src", O_RDONLY | O_CLOEXEC);
	T_EQ("open O_CLOEXEC: FD_CLOEXEC", fcntl(c, F_GETFD), FD_CLOEXEC);
	T_MODE("  not in F_GETFL", fcntl(c, F_GETFL) & O_CLOEXEC, 0);
	close(c);

	T_EQ("close_range 40..42", t_sys3(SYS_close_range, 40, 42, 0), 0);
	T_ERR("  40 is closed", fcntl(40, F_GETFD), EBADF);
	T_ERR("  42 is closed", fcntl(42, F_GETFD), EBADF);
	T_EQ("  30 is open", fcntl(30, F_GETFD), 0);
	T_SYSERR("close_range 5..3", t_sys3(SYS_close_range, 5, 3, 0), EINVAL);
	T_SYSERR("close_range flag 1", t_sys3(SYS_close_range, 30, 31, 1),
		 EINVAL);
	T_EQ("close_range CLOEXEC 30..~0",
	     t_sys3(SYS_close_range, 30, ~0U, CLOSE_RANGE_CLOEXEC_), 0);
	T_EQ("  30 open, FD_CLOEXEC", fcntl(30, F_GETFD), FD_CLOEXEC);
	T_EQ("  31 open, FD_CLOEXEC", fcntl(31, F_GETFD), FD_CLOEXEC);
	T_EQ("  fd unchanged", fcntl(fd, F_GETFD), 0);
	T_EQ("close_range 30..~0", t_sys3(SYS_close_range, 30, ~0U, 0), 0);
	T_ERR("  31 is closed", fcntl(31, F_GETFD), EBADF);
	T_ERR("close a closed descriptor", close(30), EBADF);
	T_ERR("close -1", close(-1), EBADF);
	close(d);
	close(fd);
}

static int nofile_child(void *arg)
{
	(void)arg;
	struct rlimit rl = {8, 8};
	t_sys3(SYS_close_range, 3, ~0U, 0);
	T_OK("RLIMIT_NOFILE 8", setrlimit(RLIMIT_NOFILE, &rl));
	int n = 0;
	while (open("src", O_RDONLY) >= 0)
		n++;
	T_EQ("  opens until EMFILE", n, 5);
	T_ERR("  then open", open("src", O_RDONLY), EMFILE);
	T_ERR("  creat", creat("new_emfile", 0644), EMFILE);
	T_ERR("  and it made nothing", access("new_emfile", F_OK), ENOENT);
	T_ERR("  dup", dup(0), EMFILE);
	T_ERR("  F_DUPFD 0", fcntl(0, F_DUPFD, 0), EMFILE);
	T_ERR("  F_DUPFD 8", fcntl(0, F_DUPFD, 8), EINVAL);
	T_ERR("  dup2 to 8", dup2(0, 8), EBADF);
	int p[2];
	T_ERR("  pipe", pipe(p), EMFILE);
	close(7);
	T_EQ("  one closed: open gets it", open("src", O_RDONLY), 7);
	return t_failures;
}

/* ---- sizes -------------------------------------------------------------- */

static void sizes(void)
{
	put("t", "abcdefghij");
	T_OK("truncate to 4", truncate("t", 4));
	T_EQ("  size", size_of("t"), 4);
	T_OK("truncate to 8", truncate("t", 8));
	int fd = open("t", O_RDWR);
	T_STREQ("  the extension reads as zeroes", show(fd, 0, 8), "abcd0000");
	T_ERR("truncate -1", truncate("t", -1), EINVAL);
	T_ERR("truncate a directory", truncate("d", 0), EISDIR);
	T_ERR("truncate a missing file", truncate("nope", 0), ENOENT);
	T_ERR("truncate below a file", truncate("t/x", 0), ENOTDIR);
	T_OK("ftruncate to 2", ftruncate(fd, 2));
	T_OK("ftruncate to 6000", ftruncate(fd, 6000));
	T_STREQ("  reads", show(fd, 0, 4), "ab00");
	T_EQ("  size", fd_size(fd), 6000);
	T_ERR("ftruncate -1", ftruncate(fd, -1), EINVAL);
	T_ERR("ftruncate -1 on a closed descriptor", ftruncate(99, -1), EINVAL);
	T_ERR("ftruncate a closed descriptor", ftruncate(99, 0), EBADF);
	close(fd);
	fd = open("t", O_RDONLY);
	T_ERR("ftruncate an O_RDONLY descriptor", ftruncate(fd, 0), EINVAL);
	close(fd);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	T_ERR("ftruncate a directory", ftruncate(fd, 0), EINVAL);
	T_ERR("fallocate a directory", fallocate(fd, 0, 0, 1), EBADF);
	close(fd);

	fd = open("fa", O_CREAT | O_RDWR | O_TRUNC, 0644);
	T_EQ("a new file has no blocks", fd_blocks(fd), 0);
	T_OK("fallocate 0..8192", fallocate(fd, 0, 0, 8192));
	T_EQ("  size", fd_size(fd), 8192);
	T_EQ("  blocks", fd_blocks(fd), 16);
	T_OK("fallocate KEEP_SIZE 8192..16384",
	     fallocate(fd, FALLOC_KEEP_SIZE, 8192, 8192));
	T_EQ("  size", fd_size(fd), 8192);
	T_EQ("  blocks", fd_blocks(fd), 32);
	pwrite(fd, "xxxxxxxxxx", 10, 4090);
	T_OK("fallocate PUNCH_HOLE|KEEP_SIZE 4092..4096+4",
	     fallocate(fd, FALLOC_PUNCH_HOLE | FALLOC_KEEP_SIZE, 4092, 8));
	T_STREQ("  zeroed", show(fd, 4090, 10), "xx00000000");
	T_EQ("  size", fd_size(fd), 8192);
	T_OK("fallocate PUNCH_HOLE|KEEP_SIZE 4096..12288 (whole pages)",
	     fallocate(fd, FALLOC_PUNCH_HOLE | FALLOC_KEEP_SIZE, 4096, 8192));
	T_EQ("  blocks (the pages went)", fd_blocks(fd), 16);
	T_STREQ("  reads", show(fd, 4090, 8), "xx000000");
	T_ERR("fallocate PUNCH_HOLE alone",
	      fallocate(fd, FALLOC_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
	T_ERR("fallocate ZERO_RANGE", fallocate(fd, FALLOC_ZERO_RANGE, 0, 1),
	      EOPNOTSUPP);
	T_ERR("fallocate COLLAPSE_RANGE|KEEP_SIZE",
	      fallocate(fd, FALLOC_COLLAPSE_RANGE | FALLOC_KEEP_SIZE, 0, 4096),
	      EINVAL);
	T_ERR("fallocate an unknown mode", fallocate(fd, 0x1000, 0, 1),
	      EOPNOTSUPP);
	T_ERR("fallocate length 0", fallocate(fd, 0, 0, 0), EINVAL);
	T_ERR("fallocate offset -1", fallocate(fd, 0, -1, 1), EINVAL);
	T_ERR("fallocate past the largest size",
	      fallocate(fd, 0, 1, 0x7fffffffffffffffLL), EFBIG);
	close(fd);
	fd = open("fa", O_RDONLY);
	T_ERR("fallocate an O_RDONLY descriptor", fallocate(fd, 0, 0, 1),
	      EBADF);
	T_ERR("fallocate an O_RDONLY descriptor, bad mode",
	      fallocate(fd, FALLOC_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
	close(fd);
	int p[2];
	pipe(p);
	T_ERR("fallocate a pipe", fallocate(p[1], 0, 0, 1), ESPIPE);
	close(p[0]);
	close(p[1]);

	/* A hole is no data: reading it takes no space. */
	struct statfs before, after;
	fd = open("sparse", O_CREAT | O_RDWR | O_TRUNC, 0644);
	ftruncate(fd, 1 << 20);
	statfs(".", &before);
	static char big[1 << 20];
	T_EQ("read a 1 MiB hole", read(fd, big, sizeof(big)), 1 << 20);
	statfs(".", &after);
	T_EQ("  took no space", before.f_bfree - after.f_bfree, 0);
	T_EQ("  no blocks", fd_blocks(fd), 0);
	close(fd);
	unlink("sparse");
	statfs(".", &after);
	T_EQ("  nor gave any back", after.f_bfree - before.f_bfree, 0);
}

/* ---- stat --------------------------------------------------------------- */

static void stats(void)
{
	struct stat st, st2;
	struct statx_k sx;

	put("s", "12345");
	T_OK("stat", stat("s", &st));
	T_EQ("  regular", S_ISREG(st.st_mode), 1);
	T_EQ("  size", st.st_size, 5);
	T_EQ("  nlink", st.st_nlink, 1);
	T_EQ("  blksize", st.st_blksize, 4096);
	T_EQ("  uid", st.st_uid, 0);
	T_OK("link", link("s", "s2"));
	T_OK("stat the link", stat("s2", &st2));
	T_EQ("  same inode", st.st_ino == st2.st_ino, 1);
	T_EQ("  nlink 2", st2.st_nlink, 2);
	T_OK("symlink", symlink("s", "sl"));
	T_OK("lstat", lstat("sl", &st2));
	T_EQ("  a symlink", S_ISLNK(st2.st_mode), 1);
	T_EQ("  size is the target's length", st2.st_size, 1);
	T_MODE("  permissions 0777", st2.st_mode & 07777, 0777);
	T_EQ("  another inode", st.st_ino != st2.st_ino, 1);
	T_OK("stat through it", stat("sl", &st2));
	T_EQ("  the target", st.st_ino == st2.st_ino, 1);
	T_OK("newfstatat AT_SYMLINK_NOFOLLOW",
	     fstatat(AT_FDCWD, "sl", &st2, AT_SYMLINK_NOFOLLOW));
	T_EQ("  a symlink", S_ISLNK(st2.st_mode), 1);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	T_OK("newfstatat from a directory descriptor",
	     fstatat(dfd, "s", &st2, 0));
	T_EQ("  same inode", st.st_ino == st2.st_ino, 1);
	int fd = open("s", O_RDONLY);
	T_OK("newfstatat AT_EMPTY_PATH", fstatat(fd, "", &st2, AT_EMPTY_PATH));
	T_EQ("  same inode", st.st_ino == st2.st_ino, 1);
	T_ERR("newfstatat \"\" without AT_EMPTY_PATH", fstatat(fd, "", &st2, 0),
	      ENOENT);
	T_ERR("newfstatat a bad flag", fstatat(dfd, "s", &st2, 0x4), EINVAL);
	T_OK("fstat", fstat(fd, &st2));
	T_EQ("  same inode and device",
	     st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, 1);
	close(fd);
	T_OK("stat the directory", stat(".", &st2));
	T_EQ("  a directory", S_ISDIR(st2.st_mode), 1);
	T_EQ("  same device as its file", st.st_dev == st2.st_dev, 1);
	T_OK("stat /", stat("/", &st2));
	T_EQ("  another device (a mount)", st.st_dev != st2.st_dev, 1);
	mkdir("nl", 0755);
	T_EQ("a new directory's nlink", (stat("nl", &st2), st2.st_nlink), 2);
	mkdir("nl/sub", 0755);
	T_EQ("  with a subdirectory", (stat("nl", &st2), st2.st_nlink), 3);
	put("nl/file", "");
	T_EQ("  and a file", (stat("nl", &st2), st2.st_nlink), 3);

	struct timespec pause = {0, 30 * 1000000};
	stat("s", &st);
	nanosleep(&pause, NULL);
	fd = open("s", O_WRONLY | O_APPEND);
	write(fd, "6", 1);
	fstat(fd, &st2);
	T_EQ("a write: mtime advanced",
	     st2.st_mtim.tv_sec * 1000000000LL + st2.st_mtim.tv_nsec >
		     st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
	     1);
	T_EQ("  ctime advanced",
	     st2.st_ctim.tv_sec * 1000000000LL + st2.st_ctim.tv_nsec >
		     st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec,
	     1);
	close(fd);

	memset(&sx, 0xff, sizeof(sx));
	T_SYSOK("statx", t_sys5(SYS_statx, AT_FDCWD, "s", 0, STATX_BASIC, &sx));
	T_EQ("  basic stats in the mask",
	     (sx.mask & STATX_BASIC) == STATX_BASIC, 1);
	T_EQ("  regular", S_ISREG(sx.mode), 1);
	T_MODE("  permissions", sx.mode & 07777, 0644);
	T_EQ("  size", sx.size, 6);
	T_EQ("  nlink", sx.nlink, 2);
	T_EQ("  same inode as stat", sx.ino == st2.st_ino, 1);
	T_EQ("  blksize", sx.blksize, 4096);
	T_SYSOK("statx AT_SYMLINK_NOFOLLOW",
		t_sys5(SYS_statx, AT_FDCWD, "sl", AT_SYMLINK_NOFOLLOW,
		       STATX_BASIC, &sx));
	T_EQ("  a symlink", S_ISLNK(sx.mode), 1);
	T_SYSOK("statx AT_EMPTY_PATH",
		t_sys5(SYS_statx, dfd, "", AT_EMPTY_PATH, STATX_BASIC, &sx));
	T_EQ("  a directory", S_ISDIR(sx.mode), 1);
	T_SYSERR("statx a bad flag",
		 t_sys5(SYS_statx, AT_FDCWD, "s", 0x4, STATX_BASIC, &sx),
		 EINVAL);
	T_SYSERR("statx STATX__RESERVED",
		 t_sys5(SYS_statx, AT_FDCWD, "s", 0, 0x80000000u, &sx), EINVAL);
	T_SYSERR("statx to a kernel address",
		 t_sys5(SYS_statx, AT_FDCWD, "s", 0, STATX_BASIC, BAD_KERN),
		 EFAULT);
	T_SYSERR("statx of a missing file",
		 t_sys5(SYS_statx, AT_FDCWD, "nope", 0, STATX_BASIC, &sx),
		 ENOENT);
	close(dfd);
}

/* ---- directories -------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted "name(type)" list of a directory, read with a small buffer
 * so that it takes several calls. */
static const char *listing(int dfd)
{
	static char out[512], names[32][40];
	char *sorted[32], buf[100];
	int n = 0;
	long got;

	while ((got = t_sys3(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < got;) {
			unsigned short reclen;
			memcpy(&reclen, buf + at + 16, 2);
			if (n < 32)
				snprintf(names[n++], sizeof(names[0]), "%s(%d)",
					 buf + at + 19, buf[at + 18]);
			at += reclen;
		}
	}
	if (got < 0)
		return t_errname((int)-got);
	for (int i = 0; i < n; i++)
		sorted[i] = names[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, sorted[i]);
	}
	return out;
}

static void directories(void)
{
	char buf[256];

	mkdir("ls", 0755);
	put("ls/b", "");
	put("ls/a", "");
	mkdir("ls/dir", 0755);
	symlink("a", "ls/link");
	mkfifo("ls/fifo", 0644);
	int dfd = open("ls", O_RDONLY | O_DIRECTORY);
	T_STREQ("getdents64", listing(dfd),
		".(4) ..(4) a(8) b(8) dir(4) fifo(1) link(10)");
	T_EQ("  at the end", t_sys3(SYS_getdents64, dfd, buf, sizeof(buf)), 0);
	T_EQ("  rewound", lseek(dfd, 0, SEEK_SET), 0);
	unlink("ls/b");
	put("ls/c", "");
	T_STREQ("  again after changes", listing(dfd),
		".(4) ..(4) a(8) c(8) dir(4) fifo(1) link(10)");
	lseek(dfd, 0, SEEK_SET);
	T_SYSERR("getdents64 into 10 bytes",
		 t_sys3(SYS_getdents64, dfd, buf, 10), EINVAL);
	T_SYSERR("getdents64 into a kernel address",
		 t_sys3(SYS_getdents64, dfd, BAD_KERN, sizeof(buf)), EFAULT);
	close(dfd);
	int fd = open("ls/a", O_RDONLY);
	T_SYSERR("getdents64 on a file",
		 t_sys3(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	T_SYSERR("getdents64 on a closed descriptor",
		 t_sys3(SYS_getdents64, 99, buf, sizeof(buf)), EBADF);
	mkdir("ls/empty", 0755);
	dfd = open("ls/empty", O_RDONLY | O_DIRECTORY);
	T_STREQ("getdents64 of an empty directory", listing(dfd), ".(4) ..(4)");
	close(dfd);

	fd = open("ls/a", O_RDWR);
	T_OK("sync", (sync(), 0));
	T_OK("fsync", fsync(fd));
	T_OK("fdatasync", fdatasync(fd));
	T_OK("syncfs", syncfs(fd));
	close(fd);
	dfd = open("ls", O_RDONLY | O_DIRECTORY);
	T_OK("fsync a directory", fsync(dfd));
	close(dfd);
	T_ERR("fsync a closed descriptor", fsync(99), EBADF);
	T_ERR("fdatasync a closed descriptor", fdatasync(99), EBADF);
	T_ERR("syncfs a closed descriptor", syncfs(99), EBADF);
	int p[2];
	pipe(p);
	T_ERR("fsync a pipe", fsync(p[1]), EINVAL);
	close(p[0]);
	close(p[1]);
}

/* ---- errors ------------------------------------------------------------- */

static void errors(void)
{
	struct stat st;
	char buf[64];
	static char name[400], path[5200];

	T_SYSERR("open at address 1", t_sys3(SYS_open, BAD_ONE, O_RDONLY, 0),
		 EFAULT);
	T_SYSERR("open at a kernel address",
		 t_sys3(SYS_open, BAD_KERN, O_RDONLY, 0), EFAULT);
	T_SYSERR("open NULL", t_sys3(SYS_open, BAD_NULL, O_RDONLY, 0), EFAULT);
	T_SYSERR("openat at a kernel address",
		 t_sys4(SYS_openat, AT_FDCWD, BAD_KERN, O_RDONLY, 0), EFAULT);
	T_SYSERR("stat at address 1", t_sys2(SYS_stat, BAD_ONE, &st), EFAULT);
	T_SYSERR("stat into a kernel address", t_sys2(SYS_stat, "s", BAD_KERN),
		 EFAULT);
	T_SYSERR("stat into address 1", t_sys2(SYS_stat, "s", BAD_ONE), EFAULT);
	T_SYSERR("fstat into a kernel address", t_sys2(SYS_fstat, 0, BAD_KERN),
		 EFAULT);
	T_SYSERR("truncate at a kernel address",
		 t_sys2(SYS_truncate, BAD_KERN, 0), EFAULT);
	T_SYSERR("creat at address 1", t_sys2(SYS_creat, BAD_ONE, 0644),
		 EFAULT);

	T_SYSERR("fstat a closed descriptor", t_sys2(SYS_fstat, 99, &st),
		 EBADF);
	T_SYSERR("fstat descriptor -1", t_sys2(SYS_fstat, -1, &st), EBADF);
	T_SYSERR("fchmod a closed descriptor", t_sys2(SYS_fchmod, 99, 0644),
		 EBADF);
	T_SYSERR("fchdir a closed descriptor", t_sys1(SYS_fchdir, 99), EBADF);
	T_SYSERR("getdents64 descriptor 100000",
		 t_sys3(SYS_getdents64, 100000, buf, sizeof(buf)), EBADF);

	T_ERR("open a missing file", open("nope", O_RDONLY), ENOENT);
	T_ERR("open \"\"", open("", O_RDONLY), ENOENT);
	T_ERR("open below a missing directory", open("nope/x", O_RDONLY),
	      ENOENT);
	T_ERR("open O_CREAT below a missing directory",
	      open("nope/x", O_CREAT | O_WRONLY, 0644), ENOENT);
	T_ERR("stat a dangling symlink",
	      (symlink("nope", "dangle"), stat("dangle", &st)), ENOENT);
	T_ERR("open below a file", open("s/x", O_RDONLY), ENOTDIR);
	T_ERR("open O_CREAT below a file",
	      open("s/x", O_CREAT | O_WRONLY, 0644), ENOTDIR);
	T_ERR("open a file with a trailing slash", open("s/", O_RDONLY),
	      ENOTDIR);
	T_ERR("stat \"s/.\"", stat("s/.", &st), ENOTDIR);
	T_ERR("open a directory for writing", open("d", O_WRONLY), EISDIR);

	memset(name, 'n', 255);
	T_OK("create a 255-byte name", creat(name, 0644));
	T_EQ("  stat it", stat(name, &st), 0);
	T_EQ("  unlink it", unlink(name), 0);
	memset(name, 'n', 256);
	T_ERR("create a 256-byte name", creat(name, 0644), ENAMETOOLONG);
	memset(name, 'n', 300);
	T_ERR("create a 300-byte name", creat(name, 0644), ENAMETOOLONG);
	T_ERR("stat a 300-byte name", stat(name, &st), ENAMETOOLONG);
	T_ERR("mkdir a 300-byte name", mkdir(name, 0755), ENAMETOOLONG);
	snprintf(path, sizeof(path), "d/%s/x", name);
	T_ERR("open through a 300-byte component", open(path, O_RDONLY),
	      ENAMETOOLONG);
	for (int i = 0; i < 5000; i += 2)
		memcpy(path + i, "./", 2);
	path[5000] = '\0';
	T_ERR("stat a 5000-byte path", stat(path, &st), ENAMETOOLONG);
	path[4095] = '\0'; /* 4095 bytes and a NUL: PATH_MAX exactly */
	T_OK("stat a 4095-byte path", stat(path, &st));
	path[4095] = '.';
	path[4096] = '\0';
	T_ERR("stat a 4096-byte path", stat(path, &st), ENAMETOOLONG);
}

int main(void)
{
	umask(022);
	mkdir(TOP, 0755);
	if (mount("tmpfs", TOP, "tmpfs", 0, "size=8m") < 0 || chdir(TOP) < 0) {
		t_say("setup: %s", t_errname(errno));
		return 1;
	}
	mkdir("d", 0755);
	open_flags();
	tmp_files();
	openat_family();
	read_write();
	seeking();
	copying();
	descriptors();
	T_STATUS("RLIMIT_NOFILE", t_run(nofile_child, NULL), "exit 0");
	sizes();
	stats();
	directories();
	errors();
	chdir("/");
	t_sys3(SYS_close_range, 3, ~0U, 0);
	T_OK("umount", umount(TOP));
	T_OK("rmdir", rmdir(TOP));
	t_done();
}
