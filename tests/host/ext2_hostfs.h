/*
 * The host's own file calls for test_ext2.c (the mirror tree), apart:
 * the host's headers and the kernel's define the same names. 0 or -1.
 */
#ifndef EXT2_HOSTFS_H
#define EXT2_HOSTFS_H

#include <stddef.h>
#include <stdint.h>

int hfs_pwrite(const char *path, const void *buf, size_t n, uint64_t off);
int hfs_mkdir(const char *path);
int hfs_unlink(const char *path);
int hfs_rmdir(const char *path);
int hfs_rename(const char *a, const char *b);
int hfs_link(const char *a, const char *b);
int hfs_symlink(const char *target, const char *path);
int hfs_truncate(const char *path, uint64_t size);
/* mode as st_mode (Linux's values, the kernel's too), size. */
int hfs_lstat(const char *path, uint32_t *mode, uint64_t *size);
long hfs_readlink(const char *path, char *buf, size_t size);
/* The names in dir but . and .., at most max: their number, or -1. */
int hfs_list(const char *dir, char (*names)[256], int max);
char *hfs_mkdtemp(char *tmpl);
int hfs_exit_status(int status);

#endif
