/*
 * Permission checks (<kernel/fs.h>), as Linux makes them with the file
 * system uid and gid: the owner's bits, else the group's (the fsgid or a
 * supplementary group), else the others'. Root (fsuid 0) may read and
 * write anything and search any directory, but execute a file only if
 * someone may.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/proc.h>

#include "fs_priv.h"

static bool in_groups(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (unsigned int i = 0; i < c->ngroups; i++) {
		if (c->groups[i] == gid)
			return true;
	}
	return false;
}

/* The kernel's own work (the initramfs at boot) runs as root. */
const struct cred *fs_cred(void)
{
	static const struct cred kernel_cred;
	struct proc *p = current_proc();

	return p ? &p->cred : &kernel_cred;
}

bool fs_capable(void)
{
	return fs_cred()->fsuid == 0;
}

bool fs_in_group(uint32_t gid)
{
	return in_groups(fs_cred(), gid);
}

int inode_permission(const struct inode *in, int mask)
{
	const struct cred *c = fs_cred();
	uint32_t mode = in->mode, bits;

	if (c->fsuid == 0) {
		if ((mask & 1) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (c->fsuid == in->uid)
		bits = mode >> 6;
	else if (in_groups(c, in->gid))
		bits = mode >> 3;
	else
		bits = mode;
	return ((bits & 7) & (unsigned int)mask) == (unsigned int)mask
		       ? 0
		       : -EACCES;
}

bool inode_owner_or_root(const struct inode *in)
{
	const struct cred *c = fs_cred();

	return c->fsuid == 0 || c->fsuid == in->uid;
}
