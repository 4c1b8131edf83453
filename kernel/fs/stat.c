/*
 * stat and friends: struct stat (x86_64 layout) and struct statx from an
 * inode, statfs, access and readlink. The calls that change attributes
 * (chmod, chown, utimensat, truncate) are in attr.c.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define STATX_BASIC_STATS 0x07ffu
#define R_OK 4
#define W_OK 2
#define X_OK 1

struct stat_k {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};
_Static_assert(sizeof(struct stat_k) == 144, "struct stat is 144 bytes");

struct statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct statx_k {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct statx_k) == 256, "struct statx is 256 bytes");

static void fill_stat(const struct inode *in, struct stat_k *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = in->sb ? in->sb->dev : 0;
	st->ino = in->ino;
	st->nlink = in->nlink;
	st->mode = in->mode;
	st->uid = in->uid;
	st->gid = in->gid;
	st->rdev = in->rdev;
	st->size = (int64_t)in->size;
	st->blksize = 4096;
	st->blocks = (int64_t)(in->cached_pages * (PAGE_SIZE / 512));
	if (!S_ISREG(in->mode) && !S_ISLNK(in->mode) && !S_ISDIR(in->mode))
		st->blocks = 0;
	if (in->sb && in->sb->writeback) /* a disk's: what it counts */
		st->blocks = (int64_t)in->disk_blocks;
	st->atime = in->atime.sec;
	st->atime_ns = in->atime.nsec;
	st->mtime = in->mtime.sec;
	st->mtime_ns = in->mtime.nsec;
	st->ctime = in->ctime.sec;
	st->ctime_ns = in->ctime.nsec;
}

/*
 * The path a call on (dirfd, upath, flags) means: a walk, or dirfd
 * itself for AT_EMPTY_PATH with "". Referenced.
 */
int path_at(int dirfd, uintptr_t upath, int flags, struct path *out)
{
	unsigned int lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
	char c;

	if ((flags & AT_EMPTY_PATH) && get_user(c, upath) == 0 && !c) {
		struct file *f;

		if (dirfd == AT_FDCWD) {
			*out = current_proc()->fs->cwd;
			path_get(out);
			return 0;
		}
		f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		*out = f->path;
		path_get(out);
		file_put(f);
		return out->dentry ? 0 : -EBADF; /* a pipe: fstat it instead */
	}
	return path_walk_user(dirfd, upath, lf, out);
}

static long stat_path(int dirfd, uintptr_t upath, int flags, uintptr_t ust)
{
	struct path p;
	struct stat_k st;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	err = path_at(dirfd, upath, flags, &p);
	if (err)
		return err;
	fill_stat(p.dentry->inode, &st);
	path_put(&p);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(stat, uintptr_t, upath, uintptr_t, ust)
{
	return stat_path(AT_FDCWD, upath, 0, ust);
}

SYSCALL_DEFINE2(lstat, uintptr_t, upath, uintptr_t, ust)
{
	return stat_path(AT_FDCWD, upath, AT_SYMLINK_NOFOLLOW, ust);
}

SYSCALL_DEFINE2(fstat, int, fd, uintptr_t, ust)
{
	struct file *f = fd_get(fd);
	struct stat_k st;

	if (!f)
		return -EBADF;
	if (!f->inode) {
		file_put(f);
		return -EBADF;
	}
	fill_stat(f->inode, &st);
	file_put(f);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, uintptr_t, upath, uintptr_t, ust, int,
		flags)
{
	if ((flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		char c;

		if (get_user(c, upath) == 0 && !c)
			return sys_fstat(dirfd, (long)ust, 0, 0, 0, 0);
	}
	return stat_path(dirfd, upath, flags, ust);
}

static struct statx_ts ts(int64_t sec, int64_t nsec)
{
	return (struct statx_ts){.sec = sec, .nsec = (uint32_t)nsec};
}

static void fill_statx(const struct stat_k *st, struct statx_k *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->mask = STATX_BASIC_STATS;
	sx->blksize = (uint32_t)st->blksize;
	sx->nlink = (uint32_t)st->nlink;
	sx->uid = st->uid;
	sx->gid = st->gid;
	sx->mode = (uint16_t)st->mode;
	sx->ino = st->ino;
	sx->size = (uint64_t)st->size;
	sx->blocks = (uint64_t)st->blocks;
	sx->atime = ts(st->atime, st->atime_ns);
	sx->ctime = ts(st->ctime, st->ctime_ns);
	sx->mtime = ts(st->mtime, st->mtime_ns);
	sx->rdev_major = MAJOR(st->rdev);
	sx->rdev_minor = MINOR(st->rdev);
	sx->dev_major = MAJOR(st->dev);
	sx->dev_minor = MINOR(st->dev);
}

SYSCALL_DEFINE5(statx, int, dirfd, uintptr_t, upath, int, flags, unsigned int,
		mask, uintptr_t, ubuf)
{
	struct statx_k sx;
	struct stat_k st;
	struct path p;
	long err;

	if (mask & 0x80000000u)
		return -EINVAL; /* STATX__RESERVED */
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      0x6000 /* AT_STATX_SYNC_TYPE */))
		return -EINVAL;
	err = path_at(dirfd, upath, flags, &p);
	if (err == -EBADF && (flags & AT_EMPTY_PATH)) { /* a pipe, a socket */
		struct file *f = fd_get(dirfd);

		if (!f || !f->inode) {
			file_put(f);
			return -EBADF;
		}
		fill_stat(f->inode, &st);
		file_put(f);
	} else if (err) {
		return err;
	} else {
		fill_stat(p.dentry->inode, &st);
		path_put(&p);
	}
	fill_statx(&st, &sx);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

static long statfs_of(struct super_block *sb, unsigned int mnt_flags,
		      uintptr_t ubuf)
{
	struct statfs_k st;

	memset(&st, 0, sizeof(st));
	st.f_namelen = NAME_MAX;
	st.f_bsize = st.f_frsize = PAGE_SIZE;
	if (sb->ops && sb->ops->statfs)
		sb->ops->statfs(sb, &st);
	st.f_type = (int64_t)sb->magic;
	st.f_fsid[0] = (int32_t)sb->dev;
	st.f_flags = mnt_flags | 0x20 /* ST_VALID */;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, uintptr_t, upath, uintptr_t, ubuf)
{
	struct path p;
	long err = path_walk_user(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = statfs_of(p.dentry->sb, p.mnt->flags, ubuf);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, uintptr_t, ubuf)
{
	struct file *f = fd_get(fd);
	long err;

	if (!f)
		return -EBADF;
	if (f->path.dentry)
		err = statfs_of(f->path.dentry->sb, f->path.mnt->flags, ubuf);
	else if (f->inode && f->inode->sb) /* a pipe: its pseudo file system */
		err = statfs_of(f->inode->sb, 0, ubuf);
	else
		err = -EBADF;
	file_put(f);
	return err;
}

/* access(2): the real uid and gid decide, unless AT_EACCESS. */
static long do_access(int dirfd, uintptr_t upath, int mode, int flags)
{
	struct cred *c = &current_proc()->cred, saved = *c;
	struct path p;
	long err;

	if (mode & ~(R_OK | W_OK | X_OK) ||
	    flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		c->fsuid = c->uid;
		c->fsgid = c->gid;
	}
	err = path_at(dirfd, upath, flags & ~AT_EACCESS, &p);
	if (!err) {
		struct inode *in = p.dentry->inode;

		err = mode ? inode_permission(in, mode) : 0;
		if (!err && (mode & W_OK) && !S_ISCHR(in->mode) &&
		    !S_ISFIFO(in->mode) && !S_ISSOCK(in->mode) &&
		    path_readonly(&p))
			err = -EROFS;
		path_put(&p);
	}
	c->fsuid = saved.fsuid;
	c->fsgid = saved.fsgid;
	return err;
}

SYSCALL_DEFINE2(access, uintptr_t, upath, int, mode)
{
	return do_access(AT_FDCWD, upath, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uintptr_t, upath, int, mode)
{
	return do_access(dirfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uintptr_t, upath, int, mode, int, flags)
{
	return do_access(dirfd, upath, mode, flags);
}

static long do_readlink(int dirfd, uintptr_t upath, uintptr_t ubuf, int size)
{
	struct path p;
	char *buf;
	long err;

	if (size <= 0)
		return -EINVAL;
	err = path_at(dirfd, upath, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &p);
	if (err)
		return err;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		err = -ENOMEM;
	else if (!S_ISLNK(p.dentry->inode->mode) ||
		 !p.dentry->inode->ops->readlink)
		err = -EINVAL;
	else
		err = p.dentry->inode->ops->readlink(p.dentry->inode, buf,
						     PATH_MAX);
	if (err >= 0) {
		err = MIN(err, size);
		if (copy_to_user(ubuf, buf, (size_t)err))
			err = -EFAULT;
	}
	kfree(buf);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE3(readlink, uintptr_t, upath, uintptr_t, ubuf, int, size)
{
	return do_readlink(AT_FDCWD, upath, ubuf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uintptr_t, upath, uintptr_t, ubuf, int,
		size)
{
	return do_readlink(dirfd, upath, ubuf, size);
}
