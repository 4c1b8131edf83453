/*
 * sync, syncfs, fsync, fdatasync, sync_file_range. The file systems so
 * far keep everything in memory, so there is nothing to write back: the
 * calls check their arguments as Linux does and succeed. A disk file
 * system will hang its write-back here (super_ops, file_ops).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/syscall.h>

#include "fs_priv.h"

SYSCALL_DEFINE0(sync)
{
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* Only files and directories of a file system can be synced. */
static long sync_fd(int fd)
{
	struct file *f = fd_get(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (!f->inode || !f->path.dentry ||
		 !(S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)))
		err = -EINVAL;
	file_put(f);
	return err;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return sync_fd(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return sync_fd(fd);
}

SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, off, int64_t, len,
		unsigned int, flags)
{
	struct file *f;
	long err = 0;

	if (flags & ~7u || off < 0 || len < 0 || off + len < off)
		return -EINVAL;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!f->inode || !(S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ||
			   S_ISBLK(f->inode->mode) || S_ISLNK(f->inode->mode)))
		err = -ESPIPE;
	file_put(f);
	return err;
}
