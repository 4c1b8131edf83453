/*
 * Control messages of level SOL_SOCKET sent with sendmsg (Linux's scm):
 * SCM_RIGHTS (open files, passed on AF_UNIX sockets) and SCM_CREDENTIALS
 * (the sender's pid, uid and gid as it states them: only its own unless
 * privileged). Messages of other levels are ignored; a malformed header
 * fails the whole call with EINVAL, as in Linux.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/net.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "net_priv.h"

struct cmsghdr_k {
	uint64_t len;
	int32_t level;
	int32_t type;
};
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)

void scm_current_creds(struct ucred_k *out)
{
	const struct proc *p = current_proc();

	out->pid = p->pid;
	out->uid = p->cred.uid;
	out->gid = p->cred.gid;
}

void scm_destroy(struct scm *scm)
{
	for (int i = 0; i < scm->nfiles; i++)
		file_put(scm->files[i]); /* NULL ones were delivered */
	kfree(scm->files);
	scm->files = NULL;
	scm->nfiles = 0;
}

int scm_dup(const struct scm *from, struct scm *to)
{
	*to = *from;
	to->files = NULL;
	to->nfiles = 0;
	if (!from->nfiles)
		return 0;
	to->files = kcalloc((size_t)from->nfiles, sizeof(*to->files));
	if (!to->files)
		return -ENOMEM;
	for (int i = 0; i < from->nfiles; i++) {
		to->files[i] = from->files[i];
		file_get(to->files[i]);
	}
	to->nfiles = from->nfiles;
	return 0;
}

static int add_rights(struct scm *scm, const int *fds, size_t n)
{
	struct file **files;

	if (!n)
		return 0;
	if ((size_t)scm->nfiles + n > SCM_MAX_FD)
		return -EINVAL;
	files = kcalloc((size_t)scm->nfiles + n, sizeof(*files));
	if (!files)
		return -ENOMEM;
	if (scm->nfiles)
		memcpy(files, scm->files, (size_t)scm->nfiles * sizeof(*files));
	kfree(scm->files);
	scm->files = files;
	for (size_t i = 0; i < n; i++) {
		struct file *f = fd_get(fds[i]);

		if (!f)
			return -EBADF;
		scm->files[scm->nfiles++] = f;
	}
	return 0;
}

static bool id_is_ours(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
	return id == a || id == b || id == c;
}

static bool pid_exists(int32_t pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool found = proc_find(pid) != NULL;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found;
}

static int add_creds(struct scm *scm, const struct ucred_k *cr)
{
	const struct proc *p = current_proc();
	const struct cred *c = &p->cred;
	bool root = net_capable();

	if ((cr->pid != p->pid && !root) ||
	    (!id_is_ours(cr->uid, c->uid, c->euid, c->suid) && !root) ||
	    (!id_is_ours(cr->gid, c->gid, c->egid, c->sgid) && !root))
		return -EPERM;
	if (!pid_exists(cr->pid))
		return -ESRCH;
	if (cr->uid == UINT32_MAX || cr->gid == UINT32_MAX)
		return -EINVAL;
	scm->has_creds = true;
	scm->creds = *cr;
	return 0;
}

static int one_cmsg(struct socket *sock, const struct cmsghdr_k *h,
		    struct scm *scm)
{
	const void *data = h + 1;
	size_t n = h->len - sizeof(*h);

	if (h->level != SOL_SOCKET)
		return 0;
	switch (h->type) {
	case SCM_RIGHTS:
		if (sock->ops->family != AF_UNIX)
			return -EINVAL;
		return add_rights(scm, data, n / sizeof(int));
	case SCM_CREDENTIALS: {
		struct ucred_k cr;

		if (n != sizeof(cr))
			return -EINVAL;
		memcpy(&cr, data, sizeof(cr));
		return add_creds(scm, &cr);
	}
	}
	return -EINVAL;
}

int scm_send(struct socket *sock, const void *control, size_t len,
	     struct scm *scm)
{
	size_t off = 0;
	int err;

	while (len - off >= sizeof(struct cmsghdr_k)) {
		struct cmsghdr_k h;

		memcpy(&h, (const char *)control + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > len - off)
			return -EINVAL;
		/* The buffer is kmalloc'd and off stays aligned. */
		err = one_cmsg(
			sock,
			(const struct cmsghdr_k *)((const char *)control + off),
			scm);
		if (err)
			return err;
		off += CMSG_ALIGN(h.len);
		if (off > len)
			break;
	}
	return 0;
}
