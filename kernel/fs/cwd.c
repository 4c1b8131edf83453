/*
 * A process's place in the tree: chdir, fchdir, getcwd, chroot, and its
 * umask. They live in its fs_context (shared by CLONE_FS threads); a
 * change takes namespace_lock so a concurrent walk sees the old or the
 * new directory, never a half-set one.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

/* Make p (referenced; taken) the cwd or the root. */
static long set_place(struct path *p, bool root)
{
	struct fs_context *fs = current_proc()->fs;
	struct path old;
	long err = 0;

	if (!S_ISDIR(p->dentry->inode->mode))
		err = -ENOTDIR;
	else if (inode_permission(p->dentry->inode, 1))
		err = -EACCES;
	else if (root && !fs_capable())
		err = -EPERM;
	if (err) {
		path_put(p);
		return err;
	}
	namespace_lock();
	old = root ? fs->root : fs->cwd;
	if (root)
		fs->root = *p;
	else
		fs->cwd = *p;
	namespace_unlock();
	path_put(&old);
	return 0;
}

SYSCALL_DEFINE1(chdir, uintptr_t, upath)
{
	struct path p;
	long err = path_walk_user(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);

	return err ? err : set_place(&p, false);
}

SYSCALL_DEFINE1(chroot, uintptr_t, upath)
{
	struct path p;
	long err = path_walk_user(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);

	return err ? err : set_place(&p, true);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get(fd);
	struct path p;

	if (!f)
		return -EBADF;
	p = f->path;
	file_put(f);
	if (!p.dentry)
		return -ENOTDIR;
	path_get(&p);
	return set_place(&p, false);
}

SYSCALL_DEFINE2(getcwd, uintptr_t, ubuf, size_t, size)
{
	struct fs_context *fs = current_proc()->fs;
	char *buf = kmalloc(PATH_MAX);
	long len;

	if (!buf)
		return -ENOMEM;
	namespace_lock();
	len = fs->cwd.dentry->flags & DENTRY_DEAD
		      ? -ENOENT
		      : d_path_locked(&fs->cwd, &fs->root, buf, PATH_MAX);
	namespace_unlock();
	if (len >= 0 && (size_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0)
		len = copy_to_user(ubuf, buf, (size_t)len + 1) ? -EFAULT
							       : len + 1;
	kfree(buf);
	return len;
}

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	struct fs_context *fs = current_proc()->fs;

	return __atomic_exchange_n(&fs->umask, mask & 0777, __ATOMIC_RELAXED);
}
