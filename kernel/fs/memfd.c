/*
 * memfd_create and file seals. A memfd is a tmpfs file with no name, on
 * a tmpfs instance of the kernel's own that no path reaches (Linux's
 * shm_mnt): /proc/PID/fd shows it as "/memfd:NAME (deleted)". Seals
 * (fcntl F_ADD_SEALS) forbid for good what may happen to its data and
 * size; the checks below are called where writes, truncates, fallocate
 * and mmap change a file, and answer as Debian's Linux 6.1 does:
 *   F_SEAL_SHRINK, F_SEAL_GROW   a truncate (or write, or fallocate past
 *                                the end) that would shrink or grow it;
 *   F_SEAL_WRITE                 any write, a punched hole, a writable
 *                                shared mapping (a read-only one may not
 *                                be made writable); refused with EBUSY
 *                                while a shared mapping of a writable
 *                                open exists, even a read-only one;
 *   F_SEAL_FUTURE_WRITE          the same for what comes after, existing
 *                                mappings keep writing;
 *   F_SEAL_SEAL                  adding more seals.
 * Every other tmpfs file has seals too, F_SEAL_SEAL alone, so that
 * F_GET_SEALS tells it and F_ADD_SEALS refuses with EPERM.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define MFD_CLOEXEC 0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB 0x0004u
#define MFD_PREFIX "memfd:"
#define MFD_PREFIX_LEN 6
#define MFD_NAME_MAX (NAME_MAX - MFD_PREFIX_LEN)
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define SEALS_ALL                                                   \
	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
	 F_SEAL_FUTURE_WRITE)
#define SEALS_WRITE (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

static struct mount *memfd_mnt;

int seals_check_size(const struct inode *in, uint64_t size)
{
	if ((size < in->size && (in->seals & F_SEAL_SHRINK)) ||
	    (size > in->size && (in->seals & F_SEAL_GROW)))
		return -EPERM;
	return 0;
}

int seals_check_punch(const struct inode *in)
{
	return in->seals & SEALS_WRITE ? -EPERM : 0;
}

int seals_check_mmap(const struct inode *in, bool shared_writable,
		     bool prot_write)
{
	if (shared_writable && prot_write && (in->seals & SEALS_WRITE))
		return -EPERM;
	return 0;
}

/* Seals of in, inode locked: F_SEAL_WRITE needs no shared mapping that
 * may write (and is set under mmap_lock, which mmap checks it under). */
static long add_seals(struct inode *in, unsigned int seals)
{
	long err = 0;

	if (!in->sealable)
		return -EINVAL;
	if (in->seals & F_SEAL_SEAL)
		return -EPERM;
	mutex_lock(&in->mmap_lock);
	if ((seals & F_SEAL_WRITE) && in->shared_maps > 0)
		err = -EBUSY;
	else
		in->seals |= seals;
	mutex_unlock(&in->mmap_lock);
	return err;
}

long memfd_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct inode *in = f->inode;
	long err;

	if (cmd == F_GET_SEALS)
		return in && in->sealable ? (long)in->seals : -EINVAL;
	if (arg > UINT32_MAX)
		return -EINVAL;
	if (!file_writable(f))
		return -EPERM;
	if (arg & ~(unsigned long)SEALS_ALL)
		return -EINVAL;
	if (!in)
		return -EINVAL;
	mutex_lock(&in->lock);
	err = add_seals(in, (unsigned int)arg);
	mutex_unlock(&in->lock);
	return err;
}

/* "memfd:" and the user's name: 0, -EFAULT, -EINVAL (too long). */
static long copy_name(uintptr_t uname, char *name)
{
	long len;

	memcpy(name, MFD_PREFIX, MFD_PREFIX_LEN);
	len = strncpy_from_user(name + MFD_PREFIX_LEN, uname, MFD_NAME_MAX + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	return len < 0 ? len : 0;
}

/* A new unnamed file of the memfd tmpfs, open for reading and writing. */
static long memfd_file(const char *name, struct file **out)
{
	struct dentry *root = memfd_mnt->root, *d;
	struct path p = {memfd_mnt, NULL};
	long err;

	namespace_lock();
	d = d_alloc(root, name, strlen(name));
	err = d ? root->inode->ops->tmpfile(root->inode, d, S_IFREG | 0777)
		: -ENOMEM;
	if (d) {
		d_delete(d); /* no name: it goes with its last open */
		p.dentry = d;
		if (!err)
			err = file_open_path(&p, O_RDWR | O_LARGEFILE, out);
		d_put(d);
	}
	namespace_unlock();
	return err;
}

SYSCALL_DEFINE2(memfd_create, uintptr_t, uname, unsigned int, flags)
{
	char *name;
	struct file *f = NULL;
	long err;

	/* No huge pages here: MFD_HUGETLB (and its size bits) is refused. */
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL;
	name = kmalloc(MFD_PREFIX_LEN + MFD_NAME_MAX + 1);
	if (!name)
		return -ENOMEM;
	err = copy_name(uname, name);
	if (!err)
		err = fd_room();
	if (!err)
		err = memfd_file(name, &f);
	kfree(name);
	if (err)
		return err;
	if (flags & MFD_ALLOW_SEALING)
		f->inode->seals &= ~F_SEAL_SEAL;
	err = fd_install(f, 0, flags & MFD_CLOEXEC);
	if (err < 0)
		file_put(f);
	return err;
}

void memfd_init(void)
{
	int err;

	memfd_mnt = kern_mount("tmpfs", &err);
	if (!memfd_mnt)
		panic("fs: no tmpfs for memfd_create (%d)", err);
}
