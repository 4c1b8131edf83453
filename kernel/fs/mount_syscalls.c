/*
 * mount(2) and umount2(2): a new file system, a bind mount (a subtree
 * shown again elsewhere), a move, or a change of flags (remount); and
 * undoing a mount. Only root may (EPERM).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8
#define MS_MGC_MSK 0xffff0000ul /* an old magic in the high bits */
#define MS_PER_MOUNT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define FSTYPE_MAX 64

struct mount_args {
	char *source, *type, *data; /* kmalloc'd or NULL */
};

/* A string argument that may be NULL. */
static int copy_opt(uintptr_t u, size_t max, char **out)
{
	long n;

	*out = NULL;
	if (!u)
		return 0;
	*out = kmalloc(max);
	if (!*out)
		return -ENOMEM;
	n = strncpy_from_user(*out, u, max);
	return n < 0 ? (int)n : 0;
}

static void args_free(struct mount_args *a)
{
	kfree(a->source);
	kfree(a->type);
	kfree(a->data);
}

static long do_remount(const struct path *at, unsigned long flags)
{
	struct mount *m;
	long err = 0;

	namespace_lock();
	m = mount_of_root(at);
	if (!m)
		err = -EINVAL;
	else
		m->flags = (unsigned int)(flags & MS_PER_MOUNT);
	namespace_unlock();
	return err;
}

static long do_bind(const char *source, const struct path *at,
		    unsigned long flags)
{
	struct path from;
	long err;

	if (!source)
		return -EFAULT;
	err = path_walk(AT_FDCWD, source, LOOKUP_FOLLOW, &from);
	if (err)
		return err;
	if (S_ISDIR(from.dentry->inode->mode) !=
	    S_ISDIR(at->dentry->inode->mode))
		err = -ENOTDIR;
	namespace_lock();
	if (!err)
		err = mount_bind(&from, at, flags);
	namespace_unlock();
	path_put(&from);
	return err;
}

static long do_move(const char *source, const struct path *at)
{
	struct path from;
	struct mount *m;
	long err;

	if (!source)
		return -EFAULT;
	err = path_walk(AT_FDCWD, source, LOOKUP_FOLLOW, &from);
	if (err)
		return err;
	namespace_lock();
	m = mount_of_root(&from);
	err = m ? mount_move(m, at) : -EINVAL;
	namespace_unlock();
	path_put(&from);
	return err;
}

static long mount_at_path(struct mount_args *a, const struct path *at,
			  unsigned long flags)
{
	if (flags & MS_REMOUNT)
		return do_remount(at, flags);
	if (flags & MS_BIND)
		return do_bind(a->source, at, flags);
	if (flags & MS_MOVE)
		return do_move(a->source, at);
	if (!a->type)
		return -EFAULT;
	if (!S_ISDIR(at->dentry->inode->mode))
		return -ENOTDIR;
	if (!fs_find(a->type))
		return -ENODEV;
	return vfs_mount(a->type, a->source, at, flags, a->data);
}

SYSCALL_DEFINE5(mount, uintptr_t, usource, uintptr_t, utarget, uintptr_t, utype,
		unsigned long, flags, uintptr_t, udata)
{
	struct mount_args a = {0};
	struct path at;
	long err;

	if (!proc_capable())
		return -EPERM;
	if ((flags & MS_MGC_MSK) == 0xc0ed0000ul)
		flags &= ~MS_MGC_MSK;
	err = copy_opt(usource, PATH_MAX, &a.source);
	if (!err)
		err = copy_opt(utype, FSTYPE_MAX, &a.type);
	if (!err)
		err = copy_opt(udata, PAGE_SIZE, &a.data);
	if (!err)
		err = path_walk_user(AT_FDCWD, utarget, LOOKUP_FOLLOW, &at);
	if (!err) {
		err = mount_at_path(&a, &at, flags);
		path_put(&at);
	}
	args_free(&a);
	return err;
}

SYSCALL_DEFINE2(umount2, uintptr_t, utarget, int, flags)
{
	struct mount *m;
	struct path at;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW) ||
	    ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH))))
		return -EINVAL;
	if (!proc_capable())
		return -EPERM;
	err = path_walk_user(AT_FDCWD, utarget,
			     flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &at);
	if (err)
		return err;
	namespace_lock();
	m = mount_of_root(&at);
	path_put(&at); /* this walk's hold is not a user of the mount */
	err = m ? mount_remove(m, flags & MNT_DETACH) : -EINVAL;
	namespace_unlock();
	return err;
}
