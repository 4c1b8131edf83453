/*
 * Error numbers with Linux's values, shared by rastboot, the kernel and
 * (later) the system call ABI, so that every message and return agrees.
 * Functions return 0 or a negative errno.
 */
#ifndef RASTOS_ERRNO_H
#define RASTOS_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EFBIG 27
#define ENOSPC 28
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ELOOP 40
#define EOVERFLOW 75
#define ETIMEDOUT 110
#define EUCLEAN 117

#endif
