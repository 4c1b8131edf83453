/*
 * File system types, their instances and the mount tree (<kernel/fs.h>).
 *
 * A mount attaches a super_block's root at a dentry of another mount;
 * the path walk (namei.c) crosses into it with mount_at. The first mount
 * (a tmpfs, filled from the initramfs) is its own parent: the root of the
 * tree. All mounts are on one list, in the order made (/proc/mounts).
 * Lock: namespace_lock for the list and the tree.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "fs_priv.h"

static struct fs_type *types;
static struct list_head mounts = LIST_HEAD_INIT(mounts);
static struct mount *root_mount;
static uint32_t next_minor = 1;

int fs_register(struct fs_type *type)
{
	if (fs_find(type->name))
		return -EBUSY;
	type->next = types;
	types = type;
	return 0;
}

const struct fs_type *fs_find(const char *name)
{
	for (struct fs_type *t = types; t; t = t->next) {
		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

size_t fs_list(char *buf, size_t size)
{
	size_t n = 0;

	for (struct fs_type *t = types; t; t = t->next)
		n += (size_t)snprintf(n < size ? buf + n : NULL,
				      n < size ? size - n : 0, "%s\t%s\n",
				      t->nodev ? "nodev" : "", t->name);
	return n;
}

struct super_block *super_alloc(const struct fs_type *type,
				const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->dev = MKDEV(
		0, __atomic_fetch_add(&next_minor, 1, __ATOMIC_RELAXED) & 0xff);
	return sb;
}

void path_get(const struct path *p)
{
	if (p->mnt)
		__atomic_add_fetch(&p->mnt->refcount, 1, __ATOMIC_RELAXED);
	if (p->dentry)
		d_get(p->dentry);
}

void path_put(struct path *p)
{
	if (p->dentry)
		d_put(p->dentry);
	if (p->mnt)
		__atomic_sub_fetch(&p->mnt->refcount, 1, __ATOMIC_RELEASE);
	p->mnt = NULL;
	p->dentry = NULL;
}

struct mount *mount_at(const struct mount *mnt, const struct dentry *d)
{
	struct mount *m, *found = NULL;

	if (!(d->flags & DENTRY_MOUNTED))
		return NULL;
	list_for_each_entry(m, &mounts, link)
	{
		if (m->parent == mnt && m->mountpoint == d && m != mnt)
			found = m; /* the last one made covers the others */
	}
	return found;
}

/*
 * Is a mount still on d, through any mount (after one went)? The flag is
 * the dentry's, while mounts sit on (mount, dentry) pairs: one dentry
 * seen through two mounts (a bind) can carry a mount in each.
 */
static bool mounted_on(const struct dentry *d)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, link)
	{
		if (m->mountpoint == d && m->parent != m)
			return true;
	}
	return false;
}

void fs_root_path(struct path *out)
{
	out->mnt = root_mount;
	out->dentry = root_mount->root;
	path_get(out);
}

/* A new mount of sb; at == NULL makes the root of the tree. */
static struct mount *mount_new(struct super_block *sb, const struct path *at,
			       unsigned long flags, const char *source)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->sb = sb;
	m->root = d_get(sb->root);
	m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	strlcpy(m->source, source ? source : "none", sizeof(m->source));
	if (at) {
		m->parent = at->mnt;
		m->mountpoint = d_get(at->dentry);
		at->dentry->flags |= DENTRY_MOUNTED;
	} else {
		m->parent = m;
		m->mountpoint = m->root;
	}
	sb->mounts++;
	list_add_tail(&m->link, &mounts);
	return m;
}

int vfs_mount(const char *type, const char *source, const struct path *at,
	      unsigned long flags, const char *options)
{
	const struct fs_type *t = fs_find(type);
	struct super_block *sb;
	struct mount *m = NULL;
	int err;

	if (!t)
		return -ENODEV;
	err = t->mount(t, source, flags, options, &sb);
	if (err)
		return err;
	sb->flags |= flags & MS_RDONLY;
	/* A disk file system that can only be read here (features it does
	 * not write, a read-only device) is mounted read-only, as Linux
	 * shows it. (sysfs, a memory file system, refuses writes by the
	 * same flag but is shown rw as on Linux.) */
	if (!t->nodev)
		flags |= sb->flags & MS_RDONLY;
	namespace_lock();
	if (at && (at->dentry->flags & DENTRY_DEAD))
		err = -ENOENT;
	else if (!(m = mount_new(sb, at, flags, source)))
		err = -ENOMEM;
	if (m && !at)
		root_mount = m;
	namespace_unlock();
	if (err && sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
	return err;
}

int vfs_mount_root(const char *type, const char *source, unsigned long flags,
		   const char *options)
{
	struct mount *old = root_mount;
	int err = vfs_mount(type, source, NULL, flags, options);

	if (err)
		return err;
	namespace_lock();
	list_del(&old->link); /* not in /proc/mounts: no path reaches it */
	list_init(&old->link);
	namespace_unlock();
	return 0;
}

struct mount *kern_mount_sb(struct super_block *sb)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->sb = sb;
	m->root = d_get(sb->root);
	m->parent = m; /* d_path names its files from its root: "/NAME" */
	m->mountpoint = m->root;
	m->refcount = 1; /* kept for good: never unmounted */
	strlcpy(m->source, sb->type->name, sizeof(m->source));
	list_init(&m->link);
	sb->mounts++;
	return m;
}

struct mount *kern_mount(const char *type, int *err)
{
	const struct fs_type *t = fs_find(type);
	struct super_block *sb;
	struct mount *m;

	*err = t ? t->mount(t, type, 0, NULL, &sb) : -ENODEV;
	if (*err)
		return NULL;
	m = kern_mount_sb(sb);
	if (!m) {
		if (sb->ops && sb->ops->put_super)
			sb->ops->put_super(sb);
		*err = -ENOMEM;
	}
	return m;
}

int mount_bind(const struct path *from, const struct path *at,
	       unsigned long flags)
{
	struct mount *m;

	if (at->dentry->flags & DENTRY_DEAD)
		return -ENOENT;
	m = mount_new(from->mnt->sb, at, flags, from->mnt->source);
	if (!m)
		return -ENOMEM;
	d_put(m->root);
	m->root = d_get(from->dentry);
	return 0;
}

int mount_move(struct mount *m, const struct path *at)
{
	struct dentry *old = m->mountpoint;

	if (m == root_mount)
		return -EINVAL;
	for (struct mount *p = at->mnt;; p = p->parent) {
		if (p == m)
			return -ELOOP; /* under itself */
		if (p->parent == p)
			break;
	}
	if (at->dentry->flags & DENTRY_DEAD)
		return -ENOENT;
	list_del(&m->link);
	if (!mounted_on(old))
		old->flags &= ~DENTRY_MOUNTED;
	m->parent = at->mnt;
	m->mountpoint = d_get(at->dentry);
	at->dentry->flags |= DENTRY_MOUNTED;
	list_add_tail(&m->link, &mounts);
	d_put(old);
	return 0;
}

struct mount *mount_of_root(const struct path *p)
{
	return p->dentry == p->mnt->root ? p->mnt : NULL;
}

/* Is any mount below m (a busy umount)? */
static bool has_children(const struct mount *m)
{
	struct mount *c;

	list_for_each_entry(c, &mounts, link)
	{
		if (c->parent == m && c != m)
			return true;
	}
	return false;
}

/*
 * Undo a mount: 0, -EBUSY (files open in it, mounts below, the root).
 * A lazy one leaves the tree at once; while paths still hold it, the
 * mount itself is kept (not freed: its users may walk out of it).
 */
int mount_remove(struct mount *m, bool lazy)
{
	struct dentry *mp = m->mountpoint;
	bool in_use;

	if (m == root_mount || has_children(m))
		return -EBUSY;
	in_use = __atomic_load_n(&m->refcount, __ATOMIC_ACQUIRE) > 0;
	if (in_use && !lazy)
		return -EBUSY;
	list_del(&m->link);
	list_init(&m->link);
	if (!mounted_on(mp))
		mp->flags &= ~DENTRY_MOUNTED;
	if (in_use)
		return 0;
	d_put(mp);
	d_put(m->root);
	if (--m->sb->mounts == 0 && m->sb->ops && m->sb->ops->put_super)
		m->sb->ops->put_super(m->sb);
	kfree(m);
	return 0;
}

/* Escaped as /proc/mounts does (\040 for a space...): bytes written. */
static size_t put_escaped(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 4 < size; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			n += snprintf(buf + n, size - n, "\\%03o",
				      (unsigned char)*s);
		else
			buf[n++] = *s;
	}
	return n;
}

/* One line of /proc/mounts into line (2 * PATH_MAX): its length. */
static size_t mount_line(const struct mount *m, const char *where, char *line)
{
	size_t size = 2 * PATH_MAX, n;

	n = put_escaped(line, size, m->source);
	line[n++] = ' ';
	n += put_escaped(line + n, size - n, where);
	/* relatime: Linux's default, and all that rastOS does. */
	n += snprintf(line + n, size - n, " %s %s%s%s%s,relatime 0 0\n",
		      m->sb->type->name, m->flags & MS_RDONLY ? "ro" : "rw",
		      m->flags & MS_NOSUID ? ",nosuid" : "",
		      m->flags & MS_NODEV ? ",nodev" : "",
		      m->flags & MS_NOEXEC ? ",noexec" : "");
	return MIN(n, size);
}

size_t mounts_list(const struct path *root, char *buf, size_t size)
{
	char *where = kmalloc(PATH_MAX), *line = kmalloc(2 * PATH_MAX);
	struct mount *m;
	size_t n = 0;

	if (!where || !line) {
		kfree(where);
		kfree(line);
		return 0;
	}
	namespace_lock();
	list_for_each_entry(m, &mounts, link)
	{
		struct path p = {m, m->root};
		size_t len;

		if (d_path_locked(&p, root, where, PATH_MAX) < 0)
			continue;
		len = mount_line(m, where, line);
		if (n < size)
			memcpy(buf + n, line, MIN(len, size - n));
		n += len;
	}
	namespace_unlock();
	kfree(where);
	kfree(line);
	return n;
}
