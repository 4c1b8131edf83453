/*
 * User and group IDs: real, effective, saved and filesystem IDs and the
 * supplementary groups, with Linux's rules for who may change what. An
 * effective UID of 0 stands for the capabilities (CAP_SETUID,
 * CAP_SETGID) that rastOS does not model separately; capget derives the
 * capability sets from the IDs. Credentials belong to the process (C
 * libraries make setuid apply to every thread).
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

/*
 * Capabilities, as far as rastOS has them: derived from the user IDs as
 * Linux's rules for a root process without file capabilities make them
 * (all of them permitted while any of the real, effective or saved UIDs
 * is 0, effective while the effective UID is), none inheritable, none
 * ambient, the bounding set full. capget reports that; capset and
 * dropping from the bounding set are not there yet.
 */
#define CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE, Linux 6.1's last */
#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u
#define PR_CAPBSET_READ 23
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

struct cap_header_k {
	uint32_t version;
	int32_t pid;
};

struct cap_data_k {
	uint32_t effective, permitted, inheritable;
};

/* The header's version: 0 and how many cap_data_k it means, or -EINVAL
 * after writing the version rastOS prefers into it, as Linux does. */
static long cap_version(uintptr_t uhdr, unsigned int *count)
{
	uint32_t version;

	if (get_user(version, uhdr))
		return -EFAULT;
	if (version == CAP_V1) {
		*count = 1;
		return 0;
	}
	if (version == CAP_V2 || version == CAP_V3) {
		*count = 2;
		return 0;
	}
	version = CAP_V3;
	return put_user(version, uhdr) ? -EFAULT : -EINVAL;
}

static void cap_fill(const struct cred *c, struct cap_data_k d[2])
{
	uint64_t all = (1ull << (CAP_LAST_CAP + 1)) - 1;
	uint64_t pp = (!c->uid || !c->euid || !c->suid) ? all : 0;
	uint64_t pe = !c->euid ? all : 0;

	for (int i = 0; i < 2; i++)
		d[i] = (struct cap_data_k){(uint32_t)(pe >> (32 * i)),
					   (uint32_t)(pp >> (32 * i)), 0};
}

SYSCALL_DEFINE2(capget, uintptr_t, uhdr, uintptr_t, udata)
{
	struct cap_data_k d[2];
	struct task *t;
	unsigned long flags;
	unsigned int count;
	int32_t pid;
	long err = cap_version(uhdr, &count);

	if (!udata || err) /* no data: a query of the version */
		return !udata && err == -EINVAL ? 0 : err;
	if (get_user(pid, uhdr + offsetof(struct cap_header_k, pid)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = pid ? proc_find_task(pid) : current_task();
	if (t && t->proc)
		cap_fill(&t->proc->cred, d);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!t || !t->proc)
		return -ESRCH;
	return copy_to_user(udata, d, count * sizeof(d[0])) ? -EFAULT : 0;
}

/* prctl's capability options: PR_CAPBSET_READ, PR_CAP_AMBIENT. */
long cred_cap_prctl(int option, unsigned long a2, unsigned long a3,
		    unsigned long a4, unsigned long a5)
{
	if (option == PR_CAPBSET_READ)
		return a2 <= CAP_LAST_CAP ? 1 : -EINVAL;
	if (a2 == PR_CAP_AMBIENT_CLEAR_ALL)
		return a3 || a4 || a5 ? -EINVAL : 0;
	if (a3 > CAP_LAST_CAP || a4 || a5)
		return -EINVAL;
	switch (a2) {
	case PR_CAP_AMBIENT_IS_SET:
	case PR_CAP_AMBIENT_LOWER:
		return 0;
	case PR_CAP_AMBIENT_RAISE: /* needs it inheritable: none is */
		return -EPERM;
	default:
		return -EINVAL;
	}
}
