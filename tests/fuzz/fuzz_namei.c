/*
 * libFuzzer harness for the path walk and the calls that make and remove
 * names (kernel/fs/namei.c, namei_ops.c with the dcache, mounts, tmpfs,
 * open and chdir, built for the host with tests/host/vfs_shim.c).
 *
 * The input is a script, one operation a line, "OP [ARG [ARG]]", run in a
 * fresh sandbox (a tmpfs of 64 inodes as the root, see vfs_shim.h); lines
 * that mean nothing are skipped. In paths, "@L" stands for a name of 255
 * bytes, "@M" for one of 256, "@P" for 4092 bytes of "./".
 *
 *   mkdir P, mknod P, symlink TARGET P, link OLD NEW, linkf OLD NEW
 *   (following), unlink P, rmdir P, rename OLD NEW, renamex (exchange),
 *   renamen (no replace), walk P (following), lwalk P, dwalk P (a
 *   directory), chdir P, chroot P, open P, creat P, openx P (O_EXCL),
 *   opath P (O_PATH|O_NOFOLLOW), close FD, at FD (the dirfd of the
 *   calls that follow; "at" alone: AT_FDCWD), mount P (a tmpfs of 16
 *   inodes), bind FROM P, umount P, chmod P OCTAL, setuid N (0: root,
 *   else 1000), fail N (the N-th allocation of the next call fails).
 *
 * Every call must return 0 (or a descriptor) or an errno Linux gives for
 * it (ENOMEM only with an allocation made to fail), and hold no lock after.
 * A call that succeeds must have done it: the name made is in its parent
 * with the right type (a symlink with its target, a link with the file),
 * the name removed is gone, a rename moved the file. After every call the
 * whole state is checked: each dentry's refcount is what its pin, its
 * children, the mounts and the paths held (root, cwd, open files) account
 * for; each inode's is its dentries' and files', its nlink its names' (a
 * directory: 2 + its subdirectories; 0 once removed); each mount's is the
 * paths held in it; the names in the cache are found again by d_lookup;
 * and every place a walk down from the root can see (up to a depth) is
 * found by a walk of its name, and d_path names it so. At the end the
 * sandbox must come apart: every mount undone, no dentry, inode, file or
 * page left. Any finding aborts. Seeds: test_namei --write-seeds DIR.
 *
 *   make fuzz && build/tests/fuzz/fuzz_namei -max_total_time=600 \
 *	-dict=tests/fuzz/fuzz_namei.dict CORPUS SEEDS
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/heap.h>

#include "tmpfs_priv.h"
#include "vfs_shim.h"

#define MAX_OPS 64
#define MAX_MOUNTS_MADE 8
#define MAX_ARG 256 /* bytes of an argument before expansion */
#define SET_SIZE 4096

static void finding(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_namei: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			finding("%s:%d: %s (op %d: %s)", __FILE__, __LINE__, \
				#cond, op_index, op_line);                   \
	} while (0)

static int op_index;
static const char *op_line = "";

/* ---------------------------------------------------------------- errnos */

#define E(x) (1ull << (x))
#define WALK_E                                                             \
	(E(ENOENT) | E(ENOTDIR) | E(ELOOP) | E(ENAMETOOLONG) | E(EACCES) | \
	 E(EBADF))
#define MAKE_E (WALK_E | E(EEXIST) | E(ENOSPC))

/* ---------------------------------------------------------------- state */

static int dirfd = AT_FDCWD;
static bool as_root = true;
static int mounts_made;

/* ---------------------------------------------------------------- the set */

/* A set of dentries (open addressing; the sandbox is small). */
static struct dentry *set[SET_SIZE];
static struct dentry *listed[SET_SIZE];
static int nlisted;

static bool set_add(struct dentry *d)
{
	size_t i = ((uintptr_t)d >> 4) % SET_SIZE;

	while (set[i]) {
		if (set[i] == d)
			return false;
		i = (i + 1) % SET_SIZE;
	}
	if (nlisted == SET_SIZE / 2)
		finding("more dentries than the check can hold");
	set[i] = d;
	listed[nlisted++] = d;
	return true;
}

static void set_clear(void)
{
	memset(set, 0, sizeof(set));
	nlisted = 0;
}

/* ---------------------------------------------------------------- checks */

struct held {
	struct path p[80];
	struct inode *files_inodes[64];
	int n, nfiles;
};

/* The paths held: root, cwd, every open file's. */
static void get_held(struct held *h)
{
	struct proc *pr = vfs_host_proc();

	h->n = h->nfiles = 0;
	h->p[h->n++] = pr->fs->root;
	h->p[h->n++] = pr->fs->cwd;
	for (int fd = 0; fd < 64; fd++) {
		struct file *f = files_fd_get(pr->files, fd, NULL);

		if (!f)
			continue;
		h->p[h->n++] = f->path;
		h->files_inodes[h->nfiles++] = f->inode;
		file_put(f);
	}
}

static bool in_sandbox(const struct super_block *sb)
{
	struct mount *const *m;
	int n = vfs_host_mounts(&m);

	for (int i = 0; i < n; i++) {
		if (m[i]->sb == sb)
			return true;
	}
	return false;
}

/* Every dentry of the sandbox that is alive and known: the trees of its
 * file systems, what mounts and paths hold, and their ancestors. */
static void collect(const struct held *h)
{
	struct mount *const *m;
	int n = vfs_host_mounts(&m);

	set_clear();
	for (int i = 0; i < n; i++) {
		if (m[i]->sb->root)
			set_add(m[i]->sb->root);
		set_add(m[i]->root);
		if (i > 0)
			set_add(m[i]->mountpoint);
	}
	for (int i = 0; i < h->n; i++)
		set_add(h->p[i].dentry);
	/* Down the children lists (which hold the live names only). */
	for (int i = 0; i < nlisted; i++) {
		struct dentry *d = listed[i], *c;

		list_for_each_entry(c, &d->children, sibling)
		{
			CHECK(c->parent == d);
			CHECK(!(c->flags & DENTRY_DEAD));
			set_add(c);
		}
		if (d->parent != d)
			set_add(d->parent);
	}
}

static void check_dentries(const struct held *h)
{
	struct mount *const *m;
	int n = vfs_host_mounts(&m);

	for (int i = 0; i < nlisted; i++) {
		struct dentry *d = listed[i];
		int want = d->flags & DENTRY_PINNED ? 1 : 0;
		bool dead = d->flags & DENTRY_DEAD, mounted = false;

		if (!in_sandbox(d->sb))
			continue;
		for (int j = 0; j < nlisted; j++) {
			if (listed[j]->parent == d && listed[j] != d)
				want++;
		}
		for (int j = 0; j < n; j++) {
			want += m[j]->root == d;
			if (j > 0 && m[j]->mountpoint == d) {
				want++;
				mounted = true;
			}
		}
		for (int j = 0; j < h->n; j++)
			want += h->p[j].dentry == d;
		if (d->refcount != want)
			finding("dentry \"%s\": refcount %d, accounted for %d "
				"(op %d: %s)",
				d->name, d->refcount, want, op_index, op_line);
		CHECK(!!(d->flags & DENTRY_MOUNTED) == mounted);
		if (dead)
			continue;
		/* A live name: positive, pinned, found where it is. */
		CHECK(d->inode);
		CHECK(d->flags & DENTRY_PINNED);
		CHECK(strlen(d->name) == d->len && d->len <= NAME_MAX);
		CHECK(strcmp(d->name, ".") && strcmp(d->name, ".."));
		if (d->parent != d) {
			struct dentry *found =
				d_lookup(d->parent, d->name, d->len);

			CHECK(found == d);
			d_put(found);
			CHECK(!(d->parent->flags & DENTRY_DEAD));
		}
	}
}

static void check_inodes(const struct held *h)
{
	for (int i = 0; i < nlisted; i++) {
		struct dentry *d = listed[i];
		struct inode *in = d->inode;
		int refs = 0, names = 0, subdirs = 0;
		bool first = true;

		if (!in || !in_sandbox(d->sb))
			continue;
		for (int j = 0; j < nlisted; j++) {
			struct dentry *e = listed[j];

			if (e->inode == in) {
				first &= j >= i;
				refs++;
				names += !(e->flags & DENTRY_DEAD);
			}
			if (e->parent == d && e != d && e->inode &&
			    !(e->flags & DENTRY_DEAD) &&
			    S_ISDIR(e->inode->mode))
				subdirs++;
		}
		if (!first)
			continue; /* counted at its first name */
		for (int j = 0; j < h->nfiles; j++)
			refs += h->files_inodes[j] == in;
		if (in->refcount != refs)
			finding("inode of \"%s\": refcount %d, accounted for "
				"%d "
				"(op %d: %s)",
				d->name, in->refcount, refs, op_index, op_line);
		if (!S_ISDIR(in->mode)) {
			CHECK(in->nlink == (uint32_t)names);
			continue;
		}
		if (d->flags & DENTRY_DEAD)
			CHECK(in->nlink == 0);
		else
			CHECK(in->nlink == (uint32_t)(2 + subdirs));
	}
}

static void check_mounts(const struct held *h)
{
	struct mount *const *m;
	int n = vfs_host_mounts(&m);

	for (int i = 0; i < n; i++) {
		int want = 0, same_sb = 0;

		for (int j = 0; j < h->n; j++)
			want += h->p[j].mnt == m[i];
		for (int j = 0; j < n; j++)
			same_sb += m[j]->sb == m[i]->sb;
		CHECK(m[i]->refcount == want);
		CHECK(m[i]->sb->mounts == same_sb);
	}
}

/* tmpfs's count of inodes is the inodes alive in it. */
static void check_counts(void)
{
	struct mount *const *m;
	int n = vfs_host_mounts(&m);

	for (int i = 0; i < n; i++) {
		struct tmpfs_sb *t = m[i]->sb->priv;
		uint64_t inodes = 0;

		for (int j = 0; j < nlisted; j++) {
			struct inode *in = listed[j]->inode;
			bool first = true;

			if (!in || in->sb != m[i]->sb)
				continue;
			for (int k = 0; k < j; k++)
				first &= listed[k]->inode != in;
			inodes += first;
		}
		CHECK(t->inodes == inodes);
		CHECK(t->refs == inodes + 1);
	}
}

/* Down from the root as a walk sees it: each name found again. */
static char seen_name[PATH_MAX];
static int seen_budget;

static void check_visible(struct path at, size_t len, int depth)
{
	struct dentry *c;

	list_for_each_entry(c, &at.dentry->children, sibling)
	{
		struct path place = {at.mnt, c}, found;
		struct mount *m;
		size_t l = len + 1 + c->len;
		char buf[PATH_MAX];
		int err;

		if (--seen_budget < 0 || l >= PATH_MAX)
			return;
		while ((m = mount_at(place.mnt, place.dentry)))
			place = (struct path){m, m->root};
		seen_name[len] = '/';
		memcpy(seen_name + len + 1, c->name, c->len + 1);
		err = path_walk(AT_FDCWD, seen_name, 0, &found);
		if (err)
			finding("walk of \"%.200s\" (seen in the tree): %d "
				"(op %d: %s)",
				seen_name, err, op_index, op_line);
		CHECK(found.mnt == place.mnt && found.dentry == place.dentry);
		path_put(&found);
		err = (int)d_path(&place, &vfs_host_proc()->fs->root, buf,
				  sizeof(buf));
		CHECK(err >= 0 && strcmp(buf, seen_name) == 0);
		if (S_ISDIR(place.dentry->inode->mode) && depth < 6)
			check_visible(place, l, depth + 1);
	}
}

static void check_all(void)
{
	struct proc *pr = vfs_host_proc();
	struct cred saved = pr->cred;
	struct held h;

	CHECK(!vfs_host_locks_held());
	get_held(&h);
	collect(&h);
	check_dentries(&h);
	check_inodes(&h);
	check_mounts(&h);
	check_counts();
	vfs_host_set_cred(0, 0);
	seen_budget = 400;
	seen_name[0] = '\0';
	check_visible(pr->fs->root, 0, 0);
	pr->cred = saved;
}

/* ---------------------------------------------------------------- parsing */

/* An argument with @L, @M, @P expanded, into out (PATH_MAX * 3). */
static void expand(const char *arg, char *out, size_t size)
{
	size_t n = 0;

	for (; *arg && n + 1 < size; arg++) {
		const char *rep = NULL;
		size_t count = 0;

		if (arg[0] == '@' && arg[1] == 'L')
			rep = "L", count = 255;
		else if (arg[0] == '@' && arg[1] == 'M')
			rep = "M", count = 256;
		else if (arg[0] == '@' && arg[1] == 'P')
			rep = "./", count = 2046;
		if (!rep) {
			out[n++] = *arg;
			continue;
		}
		arg++;
		for (size_t i = 0; i < count; i++) {
			for (const char *r = rep; *r && n + 1 < size; r++)
				out[n++] = *r;
		}
	}
	out[n] = '\0';
}

/* ---------------------------------------------------------------- calls */

/* What path_walk_parent_held gives, before the call: the parent and the
 * name, and the file of that name then (referenced). */
struct pre {
	bool ok;
	struct path parent;
	char *last;
	bool trailing, dots;
	struct inode *child;
};

static void pre_get(struct pre *p, const char *path)
{
	int err;

	memset(p, 0, sizeof(*p));
	namespace_lock();
	err = path_walk_parent_held(dirfd, path, &p->parent, &p->last,
				    &p->trailing);
	namespace_unlock();
	p->ok = !err;
	if (!p->ok)
		return;
	p->dots = !strcmp(p->last, ".") || !strcmp(p->last, "..");
	if (!p->dots) {
		struct dentry *d =
			d_lookup(p->parent.dentry, p->last, strlen(p->last));

		if (d && d->inode) {
			p->child = d->inode;
			inode_get(p->child);
		}
		if (d)
			d_put(d);
	}
}

/* The inode of the name now (not referenced: compare it only). */
static struct inode *now(const struct pre *p)
{
	struct dentry *d;
	struct inode *in;

	if (!p->ok || p->dots)
		return NULL;
	d = d_lookup(p->parent.dentry, p->last, strlen(p->last));
	in = d ? d->inode : NULL;
	if (d)
		d_put(d);
	return in;
}

static void pre_put(struct pre *p)
{
	if (!p->ok)
		return;
	path_put(&p->parent);
	kfree(p->last);
	if (p->child)
		inode_put(p->child);
}

/* The inode a walk finds, referenced, or NULL. */
static struct inode *inode_at(const char *path, unsigned int flags)
{
	struct path p;
	struct inode *in;

	if (path_walk(dirfd, path, flags, &p))
		return NULL;
	in = p.dentry->inode;
	inode_get(in);
	path_put(&p);
	return in;
}

static void expect(long r, uint64_t allowed)
{
	if (r >= 0)
		return;
	if (!as_root)
		allowed |= E(EACCES) | E(EPERM);
	else
		allowed &= ~E(EACCES);
	if (vfs_host_failed())
		allowed |= E(ENOMEM);
	if (-r >= 64 || !(allowed & E(-r)))
		finding("op %d (%s): unexpected errno %ld", op_index, op_line,
			-r);
}

static uint32_t type_now(const struct pre *p)
{
	struct inode *in = now(p);

	CHECK(in);
	return in->mode & S_IFMT;
}

/* Run one operation; fail_n > 0: its fail_n-th allocation fails. */
static void run(const char *op, const char *a, const char *b, long fail_n)
{
	struct pre p, q;
	struct inode *old;
	long r;
	unsigned int rflags;

#define ARM() vfs_host_fail_nth(fail_n)
#define CLEAN (!vfs_host_failed())
	if (!strcmp(op, "mkdir")) {
		pre_get(&p, a);
		ARM();
		r = sys_mkdirat(dirfd, UPTR(a), 0755, 0, 0, 0);
		expect(r, MAKE_E);
		if (!r && CLEAN) {
			CHECK(p.ok && !p.dots && !p.child);
			CHECK(type_now(&p) == S_IFDIR);
			CHECK(now(&p)->nlink == 2);
		}
		pre_put(&p);
	} else if (!strcmp(op, "mknod")) {
		pre_get(&p, a);
		ARM();
		r = sys_mknodat(dirfd, UPTR(a), S_IFREG | 0644, 0, 0, 0);
		expect(r, MAKE_E);
		if (!r && CLEAN) {
			CHECK(p.ok && !p.trailing && !p.child);
			CHECK(type_now(&p) == S_IFREG);
		}
		pre_put(&p);
	} else if (!strcmp(op, "symlink")) {
		pre_get(&p, b);
		ARM();
		r = sys_symlinkat(UPTR(a), dirfd, UPTR(b), 0, 0, 0);
		expect(r, MAKE_E);
		if (!r && CLEAN) {
			CHECK(p.ok && !p.trailing && !p.child);
			CHECK(type_now(&p) == S_IFLNK);
			CHECK(!strcmp(now(&p)->priv, a));
		}
		pre_put(&p);
	} else if (!strcmp(op, "link") || !strcmp(op, "linkf")) {
		bool follow = op[4] == 'f';

		old = inode_at(a, follow ? LOOKUP_FOLLOW : 0);
		pre_get(&p, b);
		ARM();
		r = sys_linkat(dirfd, UPTR(a), dirfd, UPTR(b),
			       follow ? AT_SYMLINK_FOLLOW : 0, 0);
		expect(r, WALK_E | E(EEXIST) | E(EXDEV) | E(EPERM));
		if (!r && CLEAN) {
			CHECK(old && p.ok && !p.child);
			CHECK(now(&p) == old);
			CHECK(!S_ISDIR(old->mode));
		}
		if (old)
			inode_put(old);
		pre_put(&p);
	} else if (!strcmp(op, "unlink")) {
		uint32_t nlink;

		pre_get(&p, a);
		nlink = p.child ? p.child->nlink : 0;
		ARM();
		r = sys_unlinkat(dirfd, UPTR(a), 0, 0, 0, 0);
		expect(r, WALK_E | E(EISDIR) | E(EBUSY));
		if (!r && CLEAN) {
			CHECK(p.ok && p.child && !now(&p));
			CHECK(!S_ISDIR(p.child->mode));
			CHECK(p.child->nlink == nlink - 1);
		}
		pre_put(&p);
	} else if (!strcmp(op, "rmdir")) {
		pre_get(&p, a);
		ARM();
		r = sys_unlinkat(dirfd, UPTR(a), AT_REMOVEDIR, 0, 0, 0);
		expect(r, WALK_E | E(EBUSY) | E(EINVAL) | E(ENOTEMPTY));
		if (!r && CLEAN) {
			CHECK(p.ok && p.child && !now(&p));
			CHECK(S_ISDIR(p.child->mode) && p.child->nlink == 0);
		}
		pre_put(&p);
	} else if (!strncmp(op, "rename", 6)) {
		rflags = !strcmp(op, "renamex")	  ? RENAME_EXCHANGE
			 : !strcmp(op, "renamen") ? RENAME_NOREPLACE
						  : 0;
		pre_get(&p, a);
		pre_get(&q, b);
		ARM();
		r = sys_renameat2(dirfd, UPTR(a), dirfd, UPTR(b), rflags, 0);
		expect(r, WALK_E | E(EEXIST) | E(EXDEV) | E(EBUSY) | E(EINVAL) |
				  E(ENOTEMPTY) | E(EISDIR));
		if (!r && CLEAN) {
			CHECK(p.ok && q.ok && p.child);
			CHECK(now(&q) == p.child);
			if (rflags & RENAME_EXCHANGE)
				CHECK(now(&p) == q.child);
			else if (p.child != q.child)
				CHECK(!now(&p));
		}
		pre_put(&p);
		pre_put(&q);
	} else if (!strcmp(op, "walk") || !strcmp(op, "lwalk") ||
		   !strcmp(op, "dwalk")) {
		unsigned int flags = op[0] == 'l'   ? 0
				     : op[0] == 'd' ? LOOKUP_DIRECTORY
						    : LOOKUP_FOLLOW;
		struct path found;

		ARM();
		r = path_walk(dirfd, a, flags, &found);
		expect(r, WALK_E);
		if (!r) {
			CHECK(found.dentry->inode);
			if (flags & LOOKUP_DIRECTORY)
				CHECK(S_ISDIR(found.dentry->inode->mode));
			path_put(&found);
		}
	} else if (!strcmp(op, "chdir") || !strcmp(op, "chroot")) {
		ARM();
		r = op[1] == 'h' ? sys_chdir(UPTR(a), 0, 0, 0, 0, 0)
				 : sys_chroot(UPTR(a), 0, 0, 0, 0, 0);
		expect(r, WALK_E);
	} else if (!strcmp(op, "open") || !strcmp(op, "creat") ||
		   !strcmp(op, "openx") || !strcmp(op, "opath")) {
		int flags = !strcmp(op, "open")	   ? O_RDONLY
			    : !strcmp(op, "creat") ? O_CREAT | O_WRONLY
			    : !strcmp(op, "openx") ? O_CREAT | O_EXCL | O_WRONLY
						   : O_PATH | O_NOFOLLOW;

		ARM();
		r = sys_openat(dirfd, UPTR(a), flags, 0644, 0, 0);
		expect(r, MAKE_E | E(EISDIR));
		if (r >= 16) /* keep a few */
			sys_close(r, 0, 0, 0, 0, 0);
	} else if (!strcmp(op, "close")) {
		r = sys_close(atoi(a), 0, 0, 0, 0, 0);
		expect(r, E(EBADF));
	} else if (!strcmp(op, "at")) {
		dirfd = *a ? atoi(a) : AT_FDCWD;
	} else if (!strcmp(op, "mount") || !strcmp(op, "bind")) {
		bool bind = op[0] == 'b';

		if (mounts_made == MAX_MOUNTS_MADE)
			return;
		ARM();
		/* vfs_host_mount walks from the cwd: so does mount(2). */
		r = bind ? vfs_host_mount(a, b, NULL, MS_BIND, NULL)
			 : vfs_host_mount("none", a, "tmpfs", 0,
					  "nr_inodes=16");
		expect(r, WALK_E);
		mounts_made += !r;
	} else if (!strcmp(op, "umount")) {
		ARM();
		r = vfs_host_umount(a, 0);
		expect(r, WALK_E | E(EINVAL) | E(EBUSY));
	} else if (!strcmp(op, "chmod")) {
		ARM();
		r = sys_fchmodat(dirfd, UPTR(a), strtoul(b, NULL, 8) & 07777, 0,
				 0, 0);
		expect(r, WALK_E);
	} else if (!strcmp(op, "setuid")) {
		as_root = atoi(a) == 0;
		vfs_host_set_cred(as_root ? 0 : 1000, as_root ? 0 : 1000);
	}
	vfs_host_fail_nth(0);
#undef ARM
#undef CLEAN
}

/* ---------------------------------------------------------------- main */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static char script[MAX_OPS * 3 * MAX_ARG];
	static char a[3 * PATH_MAX], b[3 * PATH_MAX], line_copy[200];
	char *line, *next;
	long fail_n = 0;

	if (!ready) {
		vfs_host_init();
		ready = true;
	}
	if (size >= sizeof(script))
		size = sizeof(script) - 1;
	memcpy(script, data, size);
	script[size] = '\0';
	vfs_host_sandbox_begin("nr_inodes=64");
	dirfd = AT_FDCWD;
	as_root = true;
	mounts_made = 0;
	op_index = 0;
	for (line = script; line && op_index < MAX_OPS; line = next) {
		char *tok[3] = {"", "", ""}, *s = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (int i = 0; i < 3 && *s; i++) {
			tok[i] = s;
			s = strchr(s, ' ');
			if (!s)
				break;
			*s++ = '\0';
		}
		if (strlen(tok[1]) > MAX_ARG || strlen(tok[2]) > MAX_ARG)
			continue;
		if (!strcmp(tok[0], "fail")) {
			fail_n = atol(tok[1]) % 64;
			continue;
		}
		expand(tok[1], a, sizeof(a));
		expand(tok[2], b, sizeof(b));
		snprintf(line_copy, sizeof(line_copy), "%.60s %.60s %.60s",
			 tok[0], tok[1], tok[2]);
		op_line = line_copy;
		op_index++;
		run(tok[0], a, b, fail_n);
		fail_n = 0;
		check_all();
	}
	if (!vfs_host_sandbox_end())
		finding("the sandbox did not come apart (after %d ops)",
			op_index);
	return 0;
}
