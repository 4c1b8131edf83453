/*
 * User and group IDs: real, effective, saved and filesystem IDs and the
 * supplementary groups, with Linux's rules for who may change what. An
 * effective UID of 0 stands for the capabilities (CAP_SETUID,
 * CAP_SETGID) that rastOS does not model separately. Credentials belong
 * to the process (C libraries make setuid apply to every thread).
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define ID_KEEP ((uint32_t)-1)

static struct cred *cred(void)
{
	return &current_proc()->cred;
}

SYSCALL_DEFINE0(getuid)
{
	return cred()->uid;
}

SYSCALL_DEFINE0(geteuid)
{
	return cred()->euid;
}

SYSCALL_DEFINE0(getgid)
{
	return cred()->gid;
}

SYSCALL_DEFINE0(getegid)
{
	return cred()->egid;
}

/* One of the three IDs the process has (an unprivileged change's rule). */
static bool one_of(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id == r || id == e || id == s;
}

/* setresuid and setresgid: ids[0..2] = real, effective, saved. */
static long set_res(uint32_t *cur, uint32_t r, uint32_t e, uint32_t s,
		    uint32_t *fs)
{
	uint32_t want[3] = {r, e, s};

	if (cred()->euid != 0) {
		for (int i = 0; i < 3; i++) {
			if (want[i] != ID_KEEP &&
			    !one_of(want[i], cur[0], cur[1], cur[2]))
				return -EPERM;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (want[i] != ID_KEEP)
			cur[i] = want[i];
	}
	*fs = cur[1];
	return 0;
}

static long uid_res(uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = cred();
	uint32_t cur[3] = {c->uid, c->euid, c->suid};
	long err = set_res(cur, r, e, s, &c->fsuid);

	if (!err) {
		c->uid = cur[0];
		c->euid = cur[1];
		c->suid = cur[2];
	}
	return err;
}

static long gid_res(uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = cred();
	uint32_t cur[3] = {c->gid, c->egid, c->sgid};
	long err = set_res(cur, r, e, s, &c->fsgid);

	if (!err) {
		c->gid = cur[0];
		c->egid = cur[1];
		c->sgid = cur[2];
	}
	return err;
}

SYSCALL_DEFINE3(setresuid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return uid_res(r, e, s);
}

SYSCALL_DEFINE3(setresgid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return gid_res(r, e, s);
}

static long get_res(uint32_t r, uint32_t e, uint32_t s, uintptr_t ur,
		    uintptr_t ue, uintptr_t us)
{
	if (put_user(r, ur) || put_user(e, ue) || put_user(s, us))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, uintptr_t, ur, uintptr_t, ue, uintptr_t, us)
{
	return get_res(cred()->uid, cred()->euid, cred()->suid, ur, ue, us);
}

SYSCALL_DEFINE3(getresgid, uintptr_t, ur, uintptr_t, ue, uintptr_t, us)
{
	return get_res(cred()->gid, cred()->egid, cred()->sgid, ur, ue, us);
}

/* setuid/setgid: all three if privileged, else the effective one. */
SYSCALL_DEFINE1(setuid, uint32_t, uid)
{
	struct cred *c = cred();

	if (uid == ID_KEEP)
		return -EINVAL;
	if (c->euid == 0)
		return uid_res(uid, uid, uid);
	if (uid != c->uid && uid != c->suid)
		return -EPERM;
	return uid_res(ID_KEEP, uid, ID_KEEP);
}

SYSCALL_DEFINE1(setgid, uint32_t, gid)
{
	struct cred *c = cred();

	if (gid == ID_KEEP)
		return -EINVAL;
	if (c->euid == 0)
		return gid_res(gid, gid, gid);
	if (gid != c->gid && gid != c->sgid)
		return -EPERM;
	return gid_res(ID_KEEP, gid, ID_KEEP);
}

/*
 * setreuid/setregid: the real ID may become the real or effective one;
 * the effective the real, effective or saved; the saved follows the new
 * effective one if the real changes or the effective becomes other than
 * the old real.
 */
static long set_re(uint32_t *cur, uint32_t r, uint32_t e, bool priv)
{
	uint32_t old_r = cur[0];

	if (!priv && r != ID_KEEP && r != cur[0] && r != cur[1])
		return -EPERM;
	if (!priv && e != ID_KEEP && !one_of(e, cur[0], cur[1], cur[2]))
		return -EPERM;
	if (r != ID_KEEP)
		cur[0] = r;
	if (e != ID_KEEP)
		cur[1] = e;
	if (r != ID_KEEP || (e != ID_KEEP && e != old_r))
		cur[2] = cur[1];
	return 0;
}

SYSCALL_DEFINE2(setreuid, uint32_t, r, uint32_t, e)
{
	struct cred *c = cred();
	uint32_t cur[3] = {c->uid, c->euid, c->suid};
	long err = set_re(cur, r, e, c->euid == 0);

	if (!err)
		err = uid_res(cur[0], cur[1], cur[2] == c->suid ? ID_KEEP
								 : cur[2]);
	return err;
}

SYSCALL_DEFINE2(setregid, uint32_t, r, uint32_t, e)
{
	struct cred *c = cred();
	uint32_t cur[3] = {c->gid, c->egid, c->sgid};
	long err = set_re(cur, r, e, c->euid == 0);

	if (!err)
		err = gid_res(cur[0], cur[1], cur[2] == c->sgid ? ID_KEEP
								 : cur[2]);
	return err;
}

SYSCALL_DEFINE1(setfsuid, uint32_t, uid)
{
	struct cred *c = cred();
	uint32_t old = c->fsuid;

	if (c->euid == 0 || one_of(uid, c->uid, c->euid, c->suid) ||
	    uid == c->fsuid)
		c->fsuid = uid;
	return old;
}

SYSCALL_DEFINE1(setfsgid, uint32_t, gid)
{
	struct cred *c = cred();
	uint32_t old = c->fsgid;

	if (c->euid == 0 || one_of(gid, c->gid, c->egid, c->sgid) ||
	    gid == c->fsgid)
		c->fsgid = gid;
	return old;
}

SYSCALL_DEFINE2(getgroups, int, size, uintptr_t, ulist)
{
	struct cred *c = cred();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((unsigned int)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, c->ngroups * sizeof(gid_t)))
		return -EFAULT;
	return c->ngroups;
}

/* Ascending, as Linux keeps them (groups_sort): getgroups shows that. */
static void sort_groups(gid_t *g, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		gid_t v = g[i];
		unsigned int j = i;

		for (; j > 0 && g[j - 1] > v; j--)
			g[j] = g[j - 1];
		g[j] = v;
	}
}

SYSCALL_DEFINE2(setgroups, int, size, uintptr_t, ulist)
{
	struct cred *c = cred();
	gid_t groups[PROC_MAX_GROUPS];

	if (c->euid != 0)
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size > PROC_MAX_GROUPS)
		return -ENOMEM; /* more than rastOS keeps */
	if (copy_from_user(groups, ulist, (size_t)size * sizeof(gid_t)))
		return -EFAULT;
	sort_groups(groups, (unsigned int)size);
	for (int i = 0; i < size; i++)
		c->groups[i] = groups[i];
	c->ngroups = (unsigned int)size;
	return 0;
}
