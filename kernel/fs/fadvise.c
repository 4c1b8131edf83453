/*
 * fadvise64: hints about how a file will be read. rastOS's page cache
 * holds memory file systems only (nothing to read ahead or write back),
 * so, as Linux does for tmpfs, a valid hint is taken and changes
 * nothing; the errors are Linux's (sort and cp give hints on every file).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/syscall.h>

#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_NOREUSE 5

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, off, int64_t, len, int, advice)
{
	struct file *f = fd_get(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (f->inode && S_ISFIFO(f->inode->mode))
		err = -ESPIPE;
	else if (!f->inode || len < 0)
		err = -EINVAL; /* an anonymous file has no page cache */
	else if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		err = -EINVAL;
	file_put(f);
	return err;
}
