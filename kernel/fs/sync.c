/*
 * sync, syncfs, fsync, fdatasync, sync_file_range: the calls that ask
 * for write-back now (writeback.c). They check their arguments as Linux
 * does; on memory file systems there is nothing to write and they
 * succeed.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/syscall.h>

#include "fs_priv.h"

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

SYSCALL_DEFINE0(sync)
{
	sync_all(true); /* sync(2) reports nothing, as on Linux */
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fd_get(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (f->inode && f->inode->sb)
		err = sync_super(f->inode->sb, true);
	file_put(f);
	return err;
}

/* Only files and directories of a file system can be synced. */
static long sync_fd(int fd, bool datasync)
{
	struct file *f = fd_get(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (f->ops && f->ops->fsync)
		err = f->ops->fsync(f, datasync);
	else if (!f->inode || !f->path.dentry ||
		 !(S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)))
		err = -EINVAL;
	else
		err = vfs_fsync_range(f->inode, 0, UINT64_MAX, datasync);
	file_put(f);
	return err;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return sync_fd(fd, false);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return sync_fd(fd, true);
}

/*
 * The pages of [off, off + len) (len 0: to the end) are written when
 * WRITE is asked; as every write-back here waits, the WAIT flags ask
 * nothing more. Linux writes no metadata and flushes no cache here, and
 * neither does this: the range's data only.
 */
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
	else if ((flags & SYNC_FILE_RANGE_WRITE) && S_ISREG(f->inode->mode)) {
		struct inode *in = f->inode;
		uint64_t end =
			len ? ((uint64_t)off + (uint64_t)len + PAGE_SIZE - 1) /
					PAGE_SIZE
			    : UINT64_MAX;

		mutex_lock(&in->lock);
		err = inode_write_pages(in, (uint64_t)off / PAGE_SIZE, end);
		mutex_unlock(&in->lock);
	}
	file_put(f);
	return err;
}
