/*
 * stat and friends: struct stat (x86_64 layout) and struct statx from an
 * inode. The root filesystem's device number is 0:1 (Linux's first
 * anonymous device, as its rootfs has).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define STATX_BASIC_STATS 0x07ffu
#define ROOT_DEV 1 /* 0:1 */

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

static uint32_t dev_major(uint64_t dev)
{
	return (uint32_t)((dev >> 8) & 0xfff);
}

static uint32_t dev_minor(uint64_t dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));
}

static void fill_stat(const struct inode *in, struct stat_k *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = ROOT_DEV;
	st->ino = in->ino;
	st->nlink = in->nlink;
	st->mode = in->mode;
	st->uid = in->uid;
	st->gid = in->gid;
	st->rdev = in->rdev;
	st->size = (int64_t)in->size;
	st->blksize = 4096;
	st->blocks = (int64_t)(ALIGN_UP(in->size, 4096) / 512);
	st->atime = in->atime;
	st->mtime = in->mtime;
	st->ctime = in->ctime;
}

static long stat_out(struct inode *in, uintptr_t ust)
{
	struct stat_k st;

	fill_stat(in, &st);
	inode_put(in);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

/* The inode of a path, or of dirfd itself with AT_EMPTY_PATH and "". */
static long lookup_at(int dirfd, uintptr_t upath, int flags,
		      struct inode **out)
{
	char c;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      0x6000 /* AT_STATX_SYNC_TYPE */))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && get_user(c, upath) == 0 && !c) {
		struct file *f;

		if (dirfd == AT_FDCWD) {
			*out = current_proc()->fs->cwd;
			inode_get(*out);
			return 0;
		}
		f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		*out = f->inode;
		if (*out)
			inode_get(*out);
		file_put(f);
		return *out ? 0 : -EBADF;
	}
	return path_lookup_user(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, out);
}

SYSCALL_DEFINE2(stat, uintptr_t, upath, uintptr_t, ust)
{
	struct inode *in;
	long err = path_lookup_user(AT_FDCWD, upath, false, &in);

	return err ? err : stat_out(in, ust);
}

SYSCALL_DEFINE2(lstat, uintptr_t, upath, uintptr_t, ust)
{
	struct inode *in;
	long err = path_lookup_user(AT_FDCWD, upath, true, &in);

	return err ? err : stat_out(in, ust);
}

SYSCALL_DEFINE2(fstat, int, fd, uintptr_t, ust)
{
	struct file *f = fd_get(fd);
	struct inode *in;

	if (!f)
		return -EBADF;
	in = f->inode;
	file_put(f);
	if (!in)
		return -EBADF;
	inode_get(in);
	return stat_out(in, ust);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, uintptr_t, upath, uintptr_t, ust,
		int, flags)
{
	struct inode *in;
	long err = lookup_at(dirfd, upath, flags, &in);

	return err ? err : stat_out(in, ust);
}

static struct statx_ts ts(int64_t sec)
{
	return (struct statx_ts){.sec = sec};
}

SYSCALL_DEFINE5(statx, int, dirfd, uintptr_t, upath, int, flags,
		unsigned int, mask, uintptr_t, ubuf)
{
	struct statx_k sx;
	struct stat_k st;
	struct inode *in;
	long err;

	if (mask & 0x80000000u)
		return -EINVAL; /* STATX__RESERVED */
	err = lookup_at(dirfd, upath, flags, &in);
	if (err)
		return err;
	fill_stat(in, &st);
	inode_put(in);
	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS;
	sx.blksize = (uint32_t)st.blksize;
	sx.nlink = (uint32_t)st.nlink;
	sx.uid = st.uid;
	sx.gid = st.gid;
	sx.mode = (uint16_t)st.mode;
	sx.ino = st.ino;
	sx.size = (uint64_t)st.size;
	sx.blocks = (uint64_t)st.blocks;
	sx.atime = ts(st.atime);
	sx.ctime = ts(st.ctime);
	sx.mtime = ts(st.mtime);
	sx.rdev_major = dev_major(st.rdev);
	sx.rdev_minor = dev_minor(st.rdev);
	sx.dev_major = dev_major(st.dev);
	sx.dev_minor = dev_minor(st.dev);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}
