/*
 * procfs's inodes, names and listings: an inode per looked-up name,
 * made from its directory's table of entries or its numbered children;
 * the dentries are checked again (revalidate) on each walk, so that a
 * reaped process's names vanish even while something still holds them.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "internal.h"

static const struct inode_ops proc_iops, proc_magic_iops;
extern const struct file_ops proc_file_fops, proc_dir_fops;

bool proc_may_access(struct proc *p)
{
	const struct cred *me = &current_proc()->cred, *c = &p->cred;

	if (me->euid == 0 || p == current_proc())
		return true;
	return me->uid == c->euid && me->uid == c->suid && me->uid == c->uid &&
	       me->gid == c->egid && me->gid == c->sgid && me->gid == c->gid;
}

bool proc_node_alive(const struct proc_node *n)
{
	return !n->p ||
	       __atomic_load_n(&n->p->state, __ATOMIC_ACQUIRE) != PROC_DEAD;
}

struct task *proc_node_task_locked(const struct proc_node *n)
{
	if (n->tid)
		return proc_thread_locked(n->p, n->tid);
	return proc_leader_locked(n->p);
}

long proc_name_number(const char *name, size_t len)
{
	long v = 0;

	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static void proc_release(struct inode *inode)
{
	struct proc_node *n = PN(inode);

	if (n->p)
		proc_put(n->p);
	kfree(n);
}

struct inode *proc_inode_new(struct super_block *sb, struct proc_node *n)
{
	const struct file_ops *fops = NULL;
	struct proc_node *copy = kmalloc(sizeof(*copy));
	struct inode *inode;

	if (!copy)
		return NULL;
	if (S_ISDIR(n->e->mode))
		fops = &proc_dir_fops;
	else if (S_ISREG(n->e->mode))
		fops = &proc_file_fops;
	inode = inode_alloc(sb, n->e->mode_of ? n->e->mode_of(n) : n->e->mode,
			    n->e->get_link ? &proc_magic_iops : &proc_iops,
			    fops);
	if (!inode) {
		kfree(copy);
		return NULL;
	}
	*copy = *n;
	if (copy->p) {
		proc_get(copy->p);
		/* As Linux: a process's files belong to its effective IDs. */
		inode->uid = copy->p->cred.euid;
		inode->gid = copy->p->cred.egid;
	}
	if (S_ISDIR(inode->mode))
		inode->nlink = 2;
	inode->priv = copy;
	return inode;
}

/* A dentry stays right while its process is not reaped (its thread has
 * not exited, under task/); fd/N and links are looked up afresh. */
static bool proc_revalidate(struct dentry *d)
{
	struct proc_node *n = d->inode ? PN(d->inode) : NULL;

	if (!n)
		return false;
	if (!proc_node_alive(n))
		return false;
	if (n->tid) { /* task/TID/...: while the thread lives */
		unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
		bool there = proc_thread_locked(n->p, n->tid) != NULL;

		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (!there)
			return false;
	}
	if (n->e->get_link || n->fd >= 0) {
		/* Links and fd entries: check with a fresh lookup. */
		return false;
	}
	return true;
}

static const struct dentry_ops proc_dentry_ops = {
	.revalidate = proc_revalidate,
};

static const struct proc_entry *fixed_child(const struct proc_entry *dir,
					    const char *name, size_t len)
{
	for (const struct proc_entry *c = dir->children; c && c->name; c++) {
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	}
	return NULL;
}

static int proc_lookup(struct inode *dir, struct dentry *d)
{
	struct proc_node *dn = PN(dir), child = *dn;
	const struct proc_numbered *num = dn->e->numbered;
	const struct proc_entry *c;
	struct inode *inode;
	bool bound = false;
	long nr;

	if (!proc_node_alive(dn))
		return -ENOENT;
	child.fd = -1;
	c = fixed_child(dn->e, d->name, d->len);
	if (!c && num && (nr = proc_name_number(d->name, d->len)) >= 0 &&
	    !num->bind(dn, nr, &child)) {
		c = num->child;
		bound = true;
	}
	if (!c)
		return -ENOENT; /* as Linux: no negative names, even to create */
	child.e = c;
	inode = proc_inode_new(dir->sb, &child);
	if (bound && child.p != dn->p)
		proc_put(child.p); /* bind's reference; the inode has one */
	if (!inode)
		return -ENOMEM;
	d->ops = &proc_dentry_ops;
	d_instantiate(d, inode);
	return 0;
}

static long proc_readlink(struct inode *inode, char *buf, size_t size)
{
	struct proc_node *n = PN(inode);
	struct path p, root;
	struct fs_context *fs;
	long len;
	int err;

	if (!proc_node_alive(n))
		return -ENOENT;
	if (n->p && n->e->get_link && !proc_may_access(n->p))
		return -EACCES;
	err = -ENXIO;
	if (n->e->get_link) {
		namespace_lock();
		err = n->e->get_link(n, &p);
		namespace_unlock();
	}
	if (err == -ENXIO && n->e->target) {
		err = n->e->target(n, buf, size);
		return err ? err : (long)strlen(buf);
	}
	if (err)
		return err;
	fs = current_proc()->fs;
	namespace_lock();
	root = fs->root;
	path_get(&root);
	namespace_unlock();
	len = d_path(&p, &root, buf, size);
	if (len >= 0 && (p.dentry->flags & DENTRY_DEAD) &&
	    (size_t)len + 11 < size) {
		strlcpy(buf + len, " (deleted)", size - (size_t)len);
		len += 10;
	}
	path_put(&root);
	path_put(&p);
	return len;
}

static int proc_get_link(struct inode *inode, struct path *out)
{
	struct proc_node *n = PN(inode);

	if (!proc_node_alive(n))
		return -ENOENT;
	if (n->p && !proc_may_access(n->p))
		return -EACCES;
	return n->e->get_link(n, out);
}

/* O_TRUNC on a proc file: nothing to cut (its size is 0), as Linux. */
static int proc_set_size(struct inode *inode, uint64_t size)
{
	return 0;
}

/* Only magic links have get_link: text links (self) are walked as text. */
static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.set_size = proc_set_size,
	.release = proc_release,
};

static const struct inode_ops proc_magic_iops = {
	.readlink = proc_readlink,
	.get_link = proc_get_link,
	.release = proc_release,
};

/* ---- listings --------------------------------------------------------- */

static size_t count_fixed(const struct proc_entry *dir)
{
	size_t n = 0;

	for (const struct proc_entry *c = dir->children; c && c->name; c++)
		n++;
	return n;
}

/*
 * f->pos: 0 ".", 1 "..", 2 + i the i-th fixed entry, then 2 + the
 * number of fixed entries + n for the numbered child n.
 */
static int proc_readdir(struct file *f, struct dir_context *ctx)
{
	struct proc_node *dn = PN(f->inode);
	const struct proc_numbered *num = dn->e->numbered;
	size_t nfixed = count_fixed(dn->e);
	char name[16];

	if (!proc_node_alive(dn))
		return -ENOENT;
	if (f->pos == 0) {
		if (ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR))
			return 0;
		f->pos = 1;
	}
	if (f->pos == 1) {
		if (ctx->emit(ctx, "..", 2, f->path.dentry->parent->inode->ino,
			      DT_DIR))
			return 0;
		f->pos = 2;
	}
	while (f->pos - 2 < nfixed) {
		const struct proc_entry *c = &dn->e->children[f->pos - 2];

		if (ctx->emit(ctx, c->name, strlen(c->name), 0x1000 + f->pos,
			      mode_to_dt(c->mode)))
			return 0;
		f->pos++;
	}
	if (!num)
		return 0;
	for (long n = num->next(dn, (long)(f->pos - 2 - nfixed)); n >= 0;
	     n = num->next(dn, n + 1)) {
		int len = snprintf(name, sizeof(name), "%ld", n);

		if (ctx->emit(ctx, name, (size_t)len, 0x10000 + (uint64_t)n,
			      mode_to_dt(num->child->mode)))
			return 0;
		f->pos = 2 + nfixed + (uint64_t)n + 1;
	}
	return 0;
}

const struct file_ops proc_dir_fops = {
	.readdir = proc_readdir,
	.seekable = true,
};
