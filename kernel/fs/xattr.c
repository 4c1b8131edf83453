/*
 * Extended attributes: the *xattr calls. rastOS's file systems keep no
 * extended attributes, so the calls answer as Linux does for a file that
 * has none: a name in a namespace Linux's tmpfs serves (security.,
 * trusted., system.posix_acl_*) is simply absent (ENODATA), any other is
 * not supported (EOPNOTSUPP), and the list is empty. Programs such as ls
 * (SELinux labels, ACLs) ask on every file and take either answer as
 * "nothing here"; an ENOSYS they report as an error.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_CREATE 1
#define XATTR_REPLACE 2

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The name from user memory: 0, -ERANGE (empty or too long), -EFAULT. */
static long copy_name(uintptr_t uname, char name[XATTR_NAME_MAX + 1])
{
	long len = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);

	if (len == 0 || len == -ENAMETOOLONG)
		return -ERANGE;
	return len < 0 ? len : 0;
}

/* What looking for name on a file with no attributes gives. */
static long absent(uintptr_t uname)
{
	char name[XATTR_NAME_MAX + 1];
	long err = copy_name(uname, name);

	if (err)
		return err;
	if (has_prefix(name, "security.") || has_prefix(name, "trusted.") ||
	    !strcmp(name, "system.posix_acl_access") ||
	    !strcmp(name, "system.posix_acl_default"))
		return -ENODATA;
	return -EOPNOTSUPP;
}

/* Setting: the arguments checked as Linux does, then not supported. */
static long refuse_set(uintptr_t uname, size_t size, int flags)
{
	char name[XATTR_NAME_MAX + 1];
	long err;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = copy_name(uname, name);
	if (err)
		return err;
	return size > XATTR_SIZE_MAX ? -E2BIG : -EOPNOTSUPP;
}

/* Resolve (upath, follow) only for its errors (ENOENT, EACCES...). */
static long check_path(uintptr_t upath, bool follow)
{
	struct path p;
	long err =
		path_walk_user(AT_FDCWD, upath, follow ? LOOKUP_FOLLOW : 0, &p);

	if (!err)
		path_put(&p);
	return err;
}

/* The same for a descriptor: EBADF for none (or one without a name). */
static long check_fd(int fd)
{
	struct file *f = fd_get(fd);
	long err = f && f->inode ? 0 : -EBADF;

	if (f)
		file_put(f);
	return err;
}

static long path_get_attr(uintptr_t upath, uintptr_t uname, bool follow)
{
	long err = check_path(upath, follow);

	return err ? err : absent(uname);
}

SYSCALL_DEFINE4(getxattr, uintptr_t, upath, uintptr_t, uname, uintptr_t, uvalue,
		size_t, size)
{
	return path_get_attr(upath, uname, true);
}

SYSCALL_DEFINE4(lgetxattr, uintptr_t, upath, uintptr_t, uname, uintptr_t,
		uvalue, size_t, size)
{
	return path_get_attr(upath, uname, false);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, uintptr_t, uname, uintptr_t, uvalue, size_t,
		size)
{
	long err = check_fd(fd);

	return err ? err : absent(uname);
}

/* removexattr: the same answers as a get of the name. */
SYSCALL_DEFINE2(removexattr, uintptr_t, upath, uintptr_t, uname)
{
	return path_get_attr(upath, uname, true);
}

SYSCALL_DEFINE2(lremovexattr, uintptr_t, upath, uintptr_t, uname)
{
	return path_get_attr(upath, uname, false);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, uintptr_t, uname)
{
	long err = check_fd(fd);

	return err ? err : absent(uname);
}

/* listxattr: an empty list, whatever the buffer. */
SYSCALL_DEFINE3(listxattr, uintptr_t, upath, uintptr_t, ulist, size_t, size)
{
	return check_path(upath, true);
}

SYSCALL_DEFINE3(llistxattr, uintptr_t, upath, uintptr_t, ulist, size_t, size)
{
	return check_path(upath, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, uintptr_t, ulist, size_t, size)
{
	return check_fd(fd);
}

SYSCALL_DEFINE5(setxattr, uintptr_t, upath, uintptr_t, uname, uintptr_t, uvalue,
		size_t, size, int, flags)
{
	long err = check_path(upath, true);

	return err ? err : refuse_set(uname, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, uintptr_t, upath, uintptr_t, uname, uintptr_t,
		uvalue, size_t, size, int, flags)
{
	long err = check_path(upath, false);

	return err ? err : refuse_set(uname, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, uintptr_t, uname, uintptr_t, uvalue, size_t,
		size, int, flags)
{
	long err = check_fd(fd);

	return err ? err : refuse_set(uname, size, flags);
}
