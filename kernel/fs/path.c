/*
 * Path lookup (<kernel/fs.h>): from the root for an absolute path, else
 * from the working directory or a directory descriptor; "." and ".."
 * (the root's parent is the root), symlinks followed up to SYMLOOP_MAX
 * (ELOOP beyond), a trailing slash requiring a directory, search
 * permission checked on every directory crossed.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

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

int inode_permission(const struct inode *in, int mask)
{
	const struct cred *c = &current_proc()->cred;
	uint32_t mode = in->mode, bits;

	if (c->fsuid == 0) {
		/* Root may do anything but run a file nobody may run. */
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
	return ((bits & 7) & mask) == (unsigned int)mask ? 0 : -EACCES;
}

/* Where a relative path starts: a referenced directory inode. */
static int start_dir(int dirfd, struct inode **out)
{
	struct file *f;

	if (dirfd == AT_FDCWD) {
		*out = current_proc()->fs->cwd;
		inode_get(*out);
		return 0;
	}
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!f->inode || !S_ISDIR(f->inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*out = f->inode;
	inode_get(*out);
	file_put(f);
	return 0;
}

struct walk {
	struct inode *cur; /* referenced */
	char *buf;	   /* PATH_MAX: the path left to walk */
	unsigned int links;
};

/* Replace the walk's remaining path by target + "/" + rest. */
static int splice_link(struct walk *w, const char *target, const char *rest)
{
	size_t tl = strlen(target), rl = strlen(rest);
	char *tmp;

	if (tl + 1 + rl + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	if (!tl)
		return -ENOENT;
	tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, target, tl);
	tmp[tl] = rl ? '/' : '\0';
	memcpy(tmp + tl + 1, rest, rl + 1);
	memcpy(w->buf, tmp, tl + 1 + rl + 1);
	kfree(tmp);
	if (target[0] == '/') {
		inode_put(w->cur);
		w->cur = fs_root;
		inode_get(fs_root);
	}
	return 0;
}

static void step_to(struct walk *w, struct inode *next)
{
	inode_get(next);
	inode_put(w->cur);
	w->cur = next;
}

/* Walk one component name[0..len); rest follows it. 0, 1: restart, -err. */
static int walk_one(struct walk *w, const char *name, size_t len,
		    const char *rest, bool last, bool nofollow)
{
	struct inode *next;
	int err;

	if (!S_ISDIR(w->cur->mode))
		return -ENOTDIR;
	err = inode_permission(w->cur, 1);
	if (err)
		return err;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		step_to(w, w->cur->parent ? w->cur->parent : fs_root);
		return 0;
	}
	next = dir_lookup(w->cur, name, len);
	if (!next)
		return -ENOENT;
	if (S_ISLNK(next->mode) && (!last || !nofollow)) {
		if (++w->links > SYMLOOP_MAX)
			return -ELOOP;
		err = splice_link(w, next->ops->link_target(next), rest);
		return err ? err : 1;
	}
	step_to(w, next);
	return 0;
}

static int walk(struct walk *w, bool nofollow)
{
	for (;;) {
		char *p = w->buf, *end;
		int r = 0;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		{
			char *rest = end;
			bool trailing;

			while (*rest == '/')
				rest++;
			trailing = *end == '/' && !*rest;
			r = walk_one(w, p, end - p, rest, !*rest,
				     nofollow && !trailing);
			if (r < 0)
				return r;
			if (r == 0) {
				if (trailing && !S_ISDIR(w->cur->mode))
					return -ENOTDIR;
				memmove(w->buf, rest, strlen(rest) + 1);
			}
		}
	}
}

int path_lookup(int dirfd, const char *path, bool nofollow,
		struct inode **out)
{
	struct walk w = {0};
	int err;

	if (!path[0])
		return -ENOENT;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	w.buf = kmalloc(PATH_MAX);
	if (!w.buf)
		return -ENOMEM;
	strlcpy(w.buf, path, PATH_MAX);
	if (path[0] == '/') {
		w.cur = fs_root;
		inode_get(fs_root);
		err = 0;
	} else {
		err = start_dir(dirfd, &w.cur);
	}
	if (!err)
		err = walk(&w, nofollow);
	kfree(w.buf);
	if (err) {
		inode_put(w.cur);
		return err;
	}
	*out = w.cur;
	return 0;
}

int path_lookup_user(int dirfd, uintptr_t upath, bool nofollow,
		     struct inode **out)
{
	char *path = kmalloc(PATH_MAX);
	long len;
	int err;

	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(path, upath, PATH_MAX);
	err = len < 0 ? (int)len : path_lookup(dirfd, path, nofollow, out);
	kfree(path);
	return err;
}
