/*
 * The path walk (<kernel/fs.h>): from the process's root for an absolute
 * path, else from its working directory or a directory descriptor, one
 * component at a time through the dentry cache, asking the file system
 * (inode_ops->lookup) for names the cache lacks. "." stays, ".." goes up
 * (out of a mount at its root; never above the process's root); a mount
 * on a dentry is crossed into; symlinks are followed, SYMLOOP_MAX of them
 * in one walk at most (ELOOP beyond), the last one only when asked; a
 * trailing slash requires a directory; every directory crossed needs
 * search permission.
 *
 * namespace_lock is held for the whole walk, and by every call that
 * changes names or mounts, so the tree does not move under a walk.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

static struct mutex ns_lock = MUTEX_INIT(ns_lock, "namespace");

void namespace_lock(void)
{
	mutex_lock(&ns_lock);
}

void namespace_unlock(void)
{
	mutex_unlock(&ns_lock);
}

/* Paths this short walk without a PATH_MAX allocation (most do). */
#define WALK_INLINE 192

struct walk {
	struct path cur;  /* referenced */
	struct path root; /* the process's root, referenced */
	char *buf;	  /* what is left to walk: small, or kmalloc'd */
	unsigned int links, flags;
	char small[WALK_INLINE];
};

/* Where a walk starts: dirfd's directory, the cwd or the root. */
static int walk_start(struct walk *w, int dirfd, bool absolute)
{
	struct fs_context *fs = current_proc()->fs;
	struct file *f;

	w->root = fs->root;
	path_get(&w->root);
	if (absolute || dirfd == AT_FDCWD) {
		w->cur = absolute ? fs->root : fs->cwd;
		path_get(&w->cur);
		return 0;
	}
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!f->path.dentry) {
		file_put(f);
		return -ENOTDIR;
	}
	w->cur = f->path;
	path_get(&w->cur);
	file_put(f);
	return 0;
}

static void walk_end(struct walk *w)
{
	path_put(&w->cur);
	path_put(&w->root);
	if (w->buf != w->small)
		kfree(w->buf);
}

static void step(struct walk *w, struct mount *mnt, struct dentry *d)
{
	struct path next = {mnt, d};

	path_get(&next);
	path_put(&w->cur);
	w->cur = next;
}

/* Into whatever is mounted on the current dentry, all the way down. */
static void cross_mounts(struct walk *w)
{
	struct mount *m;

	while ((m = mount_at(w->cur.mnt, w->cur.dentry)))
		step(w, m, m->root);
}

/*
 * "..": up, out of mounts at their roots, never above the root; then, as
 * any step, into what is mounted where it lands (Linux: a cwd under a
 * directory mounted on since goes up into the mount; "/.." into one on
 * the root).
 */
static void step_up(struct walk *w)
{
	for (;;) {
		struct mount *m = w->cur.mnt;

		if (w->cur.dentry == w->root.dentry && m == w->root.mnt)
			goto cross;
		if (w->cur.dentry != m->root || m->parent == m)
			break;
		step(w, m->parent, m->mountpoint);
	}
	step(w, w->cur.mnt, w->cur.dentry->parent);
cross:
	cross_mounts(w);
}

/*
 * The child name[0..len) of dir, cached or asked for, referenced; it may
 * be negative (a name to create). namespace_lock held.
 */
static int child_any(struct dentry *dir, const char *name, size_t len,
		     struct dentry **out)
{
	struct inode *in = dir->inode;
	struct dentry *d = d_lookup(dir, name, len);
	int err = 0;

	if (!d && dir_dead(in))
		return -ENOENT;

	if (d && d->ops && d->ops->revalidate && !d->ops->revalidate(d)) {
		d_delete(d);
		d_put(d);
		d = NULL;
	}
	if (!d) {
		d = d_alloc(dir, name, len);
		if (!d)
			return -ENOMEM;
		if (in->ops && in->ops->lookup)
			err = in->ops->lookup(in, d);
		if (err) {
			d_delete(d);
			d_put(d);
			return err;
		}
	}
	*out = d;
	return 0;
}

int vfs_child(struct dentry *dir, const char *name, struct dentry **out)
{
	size_t len = strlen(name);

	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	return child_any(dir, name, len, out);
}

/* The same, positive only (-ENOENT); a negative one is not kept. */
static int child(struct dentry *dir, const char *name, size_t len,
		 struct dentry **out)
{
	int err = child_any(dir, name, len, out);

	if (!err && !(*out)->inode) {
		d_delete(*out);
		d_put(*out);
		err = -ENOENT;
	}
	return err;
}

/*
 * Replace what is left to walk by target + "/" + rest, in a new buffer:
 * as on Linux, a target and the rest of the path may together pass
 * PATH_MAX (each is shorter; the walk holds at most SYMLOOP_MAX + 1).
 */
static int splice_link(struct walk *w, struct inode *link, const char *rest)
{
	size_t rl = strlen(rest);
	char *buf = kmalloc(PATH_MAX + 1 + rl + 1);
	long tl = -EINVAL;

	if (!buf)
		return -ENOMEM;
	if (link->ops && link->ops->readlink)
		tl = link->ops->readlink(link, buf, PATH_MAX);
	if (tl == 0)
		tl = -ENOENT;
	if (tl < 0) {
		kfree(buf);
		return (int)tl;
	}
	buf[tl] = rl ? '/' : '\0';
	memcpy(buf + tl + 1, rest, rl + 1);
	if (w->buf != w->small)
		kfree(w->buf);
	w->buf = buf;
	if (buf[0] == '/')
		step(w, w->root.mnt, w->root.dentry);
	return 0;
}

/* Go on from where a magic link leads, with rest left to walk. */
static int jump_link(struct walk *w, struct inode *link, const char *rest)
{
	struct path to;
	int err = link->ops->get_link(link, &to);

	if (err)
		return err;
	path_put(&w->cur);
	w->cur = to;
	memmove(w->buf, rest, strlen(rest) + 1);
	return 0;
}

/* One component; rest follows it. 0 done, 1 a symlink spliced, -err. */
static int walk_one(struct walk *w, const char *name, size_t len,
		    const char *rest, bool follow)
{
	struct inode *dir = w->cur.dentry->inode;
	struct dentry *d;
	int err;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	err = inode_permission(dir, 1);
	if (err)
		return err;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		step_up(w);
		return 0;
	}
	err = child(w->cur.dentry, name, len, &d);
	if (err)
		return err;
	if (S_ISLNK(d->inode->mode) && follow) {
		if (++w->links > SYMLOOP_MAX)
			err = -ELOOP;
		else if (d->inode->ops && d->inode->ops->get_link)
			err = jump_link(w, d->inode, rest);
		else
			err = splice_link(w, d->inode, rest);
		d_put(d);
		return err ? err : 1;
	}
	step(w, w->cur.mnt, d);
	d_put(d);
	cross_mounts(w);
	return 0;
}

/*
 * The last component name[0..len), about to be created (open O_CREAT):
 * if it is a symlink to follow, splice its target in to walk instead,
 * as Linux creates a dangling symlink's target. 1 spliced, 0 not a
 * symlink (or no such name), -errno.
 */
static int follow_last(struct walk *w, const char *name, size_t len)
{
	struct inode *dir = w->cur.dentry->inode;
	struct dentry *d;
	int err;

	if (!S_ISDIR(dir->mode) || len > NAME_MAX ||
	    (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0; /* the caller reports these */
	err = inode_permission(dir, 1);
	if (!err)
		err = child(w->cur.dentry, name, len, &d);
	if (err)
		return err == -ENOENT ? 0 : err;
	if (!S_ISLNK(d->inode->mode)) {
		d_put(d);
		return 0;
	}
	err = ++w->links > SYMLOOP_MAX ? -ELOOP : splice_link(w, d->inode, "");
	d_put(d);
	return err ? err : 1;
}

/*
 * Walk w->buf. stop_at_last: leave the last component unwalked in *last
 * (a pointer into w->buf), for the calls that create or remove it; with
 * LOOKUP_FOLLOW, a symlink there is followed first.
 */
static int walk(struct walk *w, const char **last)
{
	for (;;) {
		char *p = w->buf, *end, *rest;
		bool trailing, final;
		int r;

		while (*p == '/')
			p++;
		if (!*p) { /* slashes only: a magic link's trailing one */
			bool dir = S_ISDIR(w->cur.dentry->inode->mode);

			return p == w->buf || dir ? 0 : -ENOTDIR;
		}
		end = strchrnul(p, '/');
		rest = end;
		while (*rest == '/')
			rest++;
		trailing = *end == '/';
		final = !*rest;
		if (final && last) {
			*end = '\0';
			r = (w->flags & LOOKUP_FOLLOW) && !trailing
				    ? follow_last(w, p, (size_t)(end - p))
				    : 0;
			if (r < 0)
				return r;
			if (r > 0)
				continue; /* walk the symlink's target */
			*last = p;
			return trailing ? 2 : 1;
		}
		/* A symlink's target goes on with the rest, or with the
		 * trailing slash that requires a directory at the end. */
		r = walk_one(w, p, (size_t)(end - p), final ? end : rest,
			     !final || trailing || (w->flags & LOOKUP_FOLLOW));
		if (r < 0)
			return r;
		if (r == 0) {
			if (final && trailing &&
			    !S_ISDIR(w->cur.dentry->inode->mode))
				return -ENOTDIR;
			memmove(w->buf, rest, strlen(rest) + 1);
		}
	}
}

static int walk_prepare(struct walk *w, int dirfd, const char *path)
{
	size_t len = strnlen(path, PATH_MAX);

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!len && !(w->flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (len < WALK_INLINE) {
		w->buf = w->small;
	} else {
		w->buf = kmalloc(len + 1);
		if (!w->buf)
			return -ENOMEM;
	}
	memcpy(w->buf, path, len + 1);
	return walk_start(w, dirfd, path[0] == '/');
}

int path_walk(int dirfd, const char *path, unsigned int flags, struct path *out)
{
	struct walk w = {.flags = flags};
	int err;

	namespace_lock();
	err = walk_prepare(&w, dirfd, path);
	if (!err)
		err = walk(&w, NULL);
	if (!err && (flags & LOOKUP_DIRECTORY) &&
	    !S_ISDIR(w.cur.dentry->inode->mode))
		err = -ENOTDIR;
	if (!err) {
		*out = w.cur;
		path_get(out);
	}
	walk_end(&w);
	namespace_unlock();
	return err;
}

int copy_path(uintptr_t upath, char **out)
{
	char *path = kmalloc(PATH_MAX);
	long len;

	*out = NULL;
	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(path, upath, PATH_MAX);
	if (len < 0) {
		kfree(path);
		return (int)len;
	}
	*out = path;
	return 0;
}

int path_walk_user(int dirfd, uintptr_t upath, unsigned int flags,
		   struct path *out)
{
	char small[WALK_INLINE], *path;
	long len = strncpy_from_user(small, upath, sizeof(small));
	int err;

	/* A short path needs no PATH_MAX buffer (stat, open: most); a
	 * longer one (-ENAMETOOLONG here) is copied again whole. */
	if (len >= 0)
		return path_walk(dirfd, small, flags, out);
	if (len != -ENAMETOOLONG)
		return (int)len;
	err = copy_path(upath, &path);
	if (err)
		return err;
	err = path_walk(dirfd, path, flags, out);
	kfree(path);
	return err;
}

/* path_walk_parent_held, following a symlink at the end with flags
 * LOOKUP_FOLLOW (open O_CREAT). */
static int walk_parent(int dirfd, const char *path, unsigned int flags,
		       struct path *parent, char **last, bool *trailing)
{
	struct walk w = {.flags = flags};
	const char *name = NULL;
	int err = walk_prepare(&w, dirfd, path);

	*last = NULL;
	if (!err)
		err = walk(&w, &name);
	if (err == 0) /* no last component: "/" */
		err = -EEXIST;
	if (err > 0) {
		size_t len = strlen(name);

		*trailing = err == 2;
		*last = kmalloc(len + 1);
		err = *last ? 0 : -ENOMEM;
		if (*last)
			memcpy(*last, name, len + 1);
	}
	if (!err && !S_ISDIR(w.cur.dentry->inode->mode))
		err = -ENOTDIR;
	if (!err) {
		*parent = w.cur;
		path_get(parent);
	} else {
		kfree(*last);
		*last = NULL;
	}
	walk_end(&w);
	return err;
}

int path_walk_parent_held(int dirfd, const char *path, struct path *parent,
			  char **last, bool *trailing)
{
	return walk_parent(dirfd, path, 0, parent, last, trailing);
}

int path_walk_create_locked(int dirfd, uintptr_t upath, bool follow,
			    struct path *parent, char **last, bool *trailing)
{
	char *path;
	int err = copy_path(upath, &path);

	if (err)
		return err;
	namespace_lock();
	err = walk_parent(dirfd, path, follow ? LOOKUP_FOLLOW : 0, parent, last,
			  trailing);
	kfree(path);
	if (err)
		namespace_unlock();
	return err;
}

int path_walk_parent_locked(int dirfd, uintptr_t upath, struct path *parent,
			    char **last, bool *trailing)
{
	char *path;
	int err = copy_path(upath, &path);

	if (err)
		return err;
	namespace_lock();
	err = path_walk_parent_held(dirfd, path, parent, last, trailing);
	kfree(path);
	if (err)
		namespace_unlock();
	return err;
}

int path_lookup(int dirfd, const char *path, bool nofollow, struct inode **out)
{
	struct path p;
	int err = path_walk(dirfd, path, nofollow ? 0 : LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	*out = p.dentry->inode;
	inode_get(*out);
	path_put(&p);
	return 0;
}

int path_lookup_user(int dirfd, uintptr_t upath, bool nofollow,
		     struct inode **out)
{
	char *path;
	int err = copy_path(upath, &path);

	if (err)
		return err;
	err = path_lookup(dirfd, path, nofollow, out);
	kfree(path);
	return err;
}
