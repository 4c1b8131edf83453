/*
 * The host's file calls for test_ext2.c: see ext2_hostfs.h.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ext2_hostfs.h"

int hfs_pwrite(const char *path, const void *buf, size_t n, uint64_t off)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644), ok;

	if (fd < 0)
		return -1;
	ok = pwrite(fd, buf, n, (off_t)off) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

int hfs_mkdir(const char *path)
{
	return mkdir(path, 0755);
}

int hfs_unlink(const char *path)
{
	return unlink(path);
}

int hfs_rmdir(const char *path)
{
	return rmdir(path);
}

int hfs_rename(const char *a, const char *b)
{
	return rename(a, b);
}

int hfs_link(const char *a, const char *b)
{
	return link(a, b);
}

int hfs_symlink(const char *target, const char *path)
{
	return symlink(target, path);
}

int hfs_truncate(const char *path, uint64_t size)
{
	return truncate(path, (off_t)size);
}

int hfs_lstat(const char *path, uint32_t *mode, uint64_t *size)
{
	struct stat st;

	if (lstat(path, &st))
		return -1;
	*mode = st.st_mode;
	*size = (uint64_t)st.st_size;
	return 0;
}

long hfs_readlink(const char *path, char *buf, size_t size)
{
	long n = readlink(path, buf, size - 1);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int hfs_list(const char *dir, char (*names)[256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			snprintf(names[n++], 256, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

char *hfs_mkdtemp(char *tmpl)
{
	return mkdtemp(tmpl);
}

int hfs_exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
