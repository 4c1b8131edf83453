/*
 * Host tests of the path walk and the calls that make and remove names
 * (kernel/fs/namei.c, namei_ops.c, with the dentry cache, mounts, inodes
 * and tmpfs: compiled unchanged, with tests/host/vfs_shim.c) under ASan
 * and UBSan.
 *
 * Each case runs in a sandbox (a fresh tmpfs as the process's root) and
 * checks what a walk finds, or the errno a call gives, against Linux's:
 * the expectations were checked on Linux 6.x (tmpfs, in a private mount
 * namespace); the one place where rastOS differs on purpose says so. At
 * the end of each case everything is undone and nothing may be left: no
 * dentry, inode or file, no mount still in use.
 *
 *   test_namei                    the cases
 *   test_namei --write-seeds DIR  scripts of operations for fuzz_namei
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "testlib.h"
#include "vfs_shim.h"

/* ---------------------------------------------------------------- helpers */

static long mkdir_(const char *p)
{
	return sys_mkdirat(AT_FDCWD, UPTR(p), 0755, 0, 0, 0);
}

static long mkfile(const char *p)
{
	return sys_mknodat(AT_FDCWD, UPTR(p), S_IFREG | 0644, 0, 0, 0);
}

static long symlink_(const char *target, const char *p)
{
	return sys_symlinkat(UPTR(target), AT_FDCWD, UPTR(p), 0, 0, 0);
}

static long link_(const char *o, const char *n)
{
	return sys_linkat(AT_FDCWD, UPTR(o), AT_FDCWD, UPTR(n), 0, 0);
}

static long unlink_(const char *p)
{
	return sys_unlinkat(AT_FDCWD, UPTR(p), 0, 0, 0, 0);
}

static long rmdir_(const char *p)
{
	return sys_unlinkat(AT_FDCWD, UPTR(p), AT_REMOVEDIR, 0, 0, 0);
}

static long rename_(const char *o, const char *n, unsigned int flags)
{
	return sys_renameat2(AT_FDCWD, UPTR(o), AT_FDCWD, UPTR(n), flags, 0);
}

static long chdir_(const char *p)
{
	return sys_chdir(UPTR(p), 0, 0, 0, 0, 0);
}

static long open_(const char *p, int flags)
{
	return sys_openat(AT_FDCWD, UPTR(p), flags, 0644, 0, 0);
}

static long chmod_(const char *p, unsigned int mode)
{
	return sys_fchmodat(AT_FDCWD, UPTR(p), mode, 0, 0, 0);
}

/* A walk's errno (0: found). */
static int walk(const char *p, unsigned int flags)
{
	struct path out;
	int err = path_walk(AT_FDCWD, p, flags, &out);

	if (!err)
		path_put(&out);
	return err;
}

/* Where a walk that must succeed goes (tmpfs keeps the dentries). */
static struct path at(const char *p, unsigned int flags)
{
	struct path out, ret;
	int err = path_walk(AT_FDCWD, p, flags, &out);

	if (err) {
		snprintf(test_why, sizeof(test_why), "walk of \"%.200s\": %d",
			 p, err);
		longjmp(test_jmp, 1);
	}
	ret = out;
	path_put(&out);
	return ret;
}

static bool same(struct path a, struct path b)
{
	return a.mnt == b.mnt && a.dentry == b.dentry;
}

#define CHECK_AT(p, flags, q) CHECK(same(at(p, flags), at(q, LOOKUP_FOLLOW)))

static uint32_t mode_of(const char *p, unsigned int flags)
{
	return at(p, flags).dentry->inode->mode;
}

/* The name of a place, from the process's root (d_path). */
static const char *name_of(struct path p)
{
	static char buf[PATH_MAX];
	struct path root = vfs_host_proc()->fs->root;

	if (d_path(&p, &root, buf, sizeof(buf)) < 0)
		return "(error)";
	return buf;
}

static const char *cwd(void)
{
	static char buf[PATH_MAX];
	long n = sys_getcwd(UPTR(buf), sizeof(buf), 0, 0, 0, 0);

	return n < 0 ? (n == -ENOENT ? "(ENOENT)" : "(error)") : buf;
}

/* A string of n copies of c. */
static char *repeat(const char *s, int n)
{
	static char buf[2][2 * PATH_MAX];
	static int which;
	char *b = buf[which ^= 1];
	size_t len = strlen(s), at = 0;

	for (int i = 0; i < n && at + len < sizeof(buf[0]); i++, at += len)
		memcpy(b + at, s, len);
	b[at] = '\0';
	return b;
}

/* Run a case in a fresh sandbox, which must come back clean. */
static void sandboxed(void (*fn)(void))
{
	vfs_host_sandbox_begin("nr_inodes=4096");
	fn();
	CHECK(!vfs_host_locks_held());
	CHECK(vfs_host_sandbox_end());
}

/* The tree most cases start from. */
static void tree(void)
{
	CHECK_EQ(mkdir_("/a"), 0);
	CHECK_EQ(mkdir_("/a/b"), 0);
	CHECK_EQ(mkdir_("/a/c"), 0);
	CHECK_EQ(mkfile("/a/f"), 0);
}

/* ---------------------------------------------------------------- walks */

static void case_dots(void)
{
	tree();
	CHECK_AT(".", 0, "/");
	CHECK_AT("..", 0, "/");
	CHECK_AT("/..", 0, "/");
	CHECK_AT("/../../..", 0, "/");
	CHECK_AT("a/b/../c", 0, "/a/c");
	CHECK_AT("a/./b/.", 0, "/a/b");
	CHECK_AT("//a//b//", 0, "/a/b");
	CHECK_AT("/a/b/../../a/c/..", 0, "/a");
	CHECK_STR(name_of(at("a/b/../c", 0)), "/a/c");
	CHECK_STR(name_of(at("/", 0)), "/");
	CHECK_EQ(walk("/a/nope", 0), -ENOENT);
	CHECK_EQ(walk("/a/nope/x", 0), -ENOENT);
	CHECK_EQ(walk("/a/nope/..", 0), -ENOENT);
	CHECK_EQ(walk("", 0), -ENOENT);
	CHECK_AT("", LOOKUP_EMPTY, ".");
	CHECK_EQ(chdir_("/a/b"), 0);
	CHECK_AT("..", 0, "/a");
	CHECK_AT("../c/../b", 0, "/a/b");
	CHECK_AT("../../../..", 0, "/");
	CHECK_STR(cwd(), "/a/b");
}

static void case_not_dirs(void)
{
	tree();
	CHECK(S_ISREG(mode_of("/a/f", 0)));
	CHECK_EQ(walk("/a/f/", 0), -ENOTDIR);
	CHECK_EQ(walk("/a/f//", LOOKUP_FOLLOW), -ENOTDIR);
	CHECK_EQ(walk("/a/f/.", 0), -ENOTDIR);
	CHECK_EQ(walk("/a/f/..", 0), -ENOTDIR);
	CHECK_EQ(walk("/a/f/x", 0), -ENOTDIR);
	CHECK_EQ(walk("/a/f", LOOKUP_DIRECTORY), -ENOTDIR);
	CHECK_EQ(walk("/a/b", LOOKUP_DIRECTORY), 0);
	CHECK_EQ(open_("/a/f/", O_RDONLY), -ENOTDIR);
	CHECK_EQ(chdir_("/a/f"), -ENOTDIR);
	CHECK_EQ(sys_getcwd(0, 10, 0, 0, 0, 0), -EFAULT);
	CHECK_EQ(sys_newfstatat(AT_FDCWD, 0, 0, 0, 0, 0), -EFAULT);
}

static void case_symlinks(void)
{
	tree();
	CHECK_EQ(symlink_("b", "/a/rel"), 0);
	CHECK_EQ(symlink_("/a/c", "/abs"), 0);
	CHECK_EQ(symlink_("../a/b", "/a/up"), 0);
	CHECK_EQ(symlink_("nowhere", "/dang"), 0);
	CHECK_EQ(symlink_("/a/f", "/lf"), 0);
	CHECK_EQ(symlink_(".", "/dot"), 0);
	CHECK_AT("/a/rel", LOOKUP_FOLLOW, "/a/b");
	CHECK(S_ISLNK(mode_of("/a/rel", 0)));
	CHECK_AT("/a/rel/", 0, "/a/b"); /* a trailing slash follows */
	CHECK_AT("/a/rel/.", 0, "/a/b");
	CHECK_AT("/abs", LOOKUP_FOLLOW, "/a/c");
	CHECK_AT("/abs/..", 0, "/a"); /* ".." of where the link led */
	CHECK_AT("/a/up/../c", 0, "/a/c");
	CHECK_AT("/dot/dot/dot/a", 0, "/a");
	CHECK_EQ(walk("/dang", LOOKUP_FOLLOW), -ENOENT);
	CHECK(S_ISLNK(mode_of("/dang", 0)));
	CHECK_EQ(walk("/dang/", 0), -ENOENT);
	CHECK_EQ(walk("/dang/x", 0), -ENOENT);
	CHECK(S_ISREG(mode_of("/lf", LOOKUP_FOLLOW)));
	CHECK_EQ(walk("/lf/", 0), -ENOTDIR);
	CHECK_EQ(symlink_("", "/empty"), -ENOENT);
	CHECK_EQ(symlink_("x", "/a/f/x"), -ENOTDIR);
	CHECK_EQ(symlink_("x", "/abs"), -EEXIST);
	CHECK_EQ(symlink_("x", "/dang"), -EEXIST); /* not followed */
	/* A dangling link's target is made by open O_CREAT (Linux). */
	CHECK_EQ(symlink_("made", "/tomake"), 0);
	CHECK(open_("/tomake", O_CREAT | O_WRONLY) >= 0);
	CHECK(S_ISREG(mode_of("/made", 0)));
	CHECK_EQ(open_("/tomake", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	CHECK_EQ(open_("/tomake", O_RDONLY | O_NOFOLLOW), -ELOOP);
	/* chdir through a link: getcwd names the place, not the link. */
	CHECK_EQ(chdir_("/a/up"), 0);
	CHECK_STR(cwd(), "/a/b");
}

static void case_loops(void)
{
	char name[16], target[16];

	CHECK_EQ(mkdir_("/t"), 0);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/s%d", i);
		snprintf(target, sizeof(target), i == 1 ? "t" : "s%d", i - 1);
		CHECK_EQ(symlink_(target, name), 0);
	}
	/* SYMLOOP_MAX (40) links in one walk, not 41. */
	CHECK_AT("/s40", LOOKUP_FOLLOW, "/t");
	CHECK_AT("/s40/", 0, "/t");
	CHECK_AT("/s40/.", 0, "/t");
	CHECK_EQ(walk("/s41", LOOKUP_FOLLOW), -ELOOP);
	CHECK_EQ(walk("/s41/", 0), -ELOOP);
	CHECK_EQ(walk("/s41/x", 0), -ELOOP);
	CHECK(S_ISLNK(mode_of("/s41", 0)));
	CHECK_EQ(walk("/s39/../s1", LOOKUP_FOLLOW), 0); /* 40 */
	CHECK_EQ(walk("/s39/../s2", LOOKUP_FOLLOW), -ELOOP);
	CHECK_EQ(mkdir_("/s41/x"), -ELOOP);
	CHECK_EQ(symlink_("l2", "/l1"), 0);
	CHECK_EQ(symlink_("l1", "/l2"), 0);
	CHECK_EQ(symlink_("self", "/self"), 0);
	CHECK_EQ(walk("/l1", LOOKUP_FOLLOW), -ELOOP);
	CHECK_EQ(walk("/l1/x", 0), -ELOOP);
	CHECK_EQ(walk("/self", LOOKUP_FOLLOW), -ELOOP);
	CHECK_EQ(walk("/self", 0), 0);
	CHECK_EQ(open_("/self", O_CREAT | O_WRONLY), -ELOOP);
	CHECK_EQ(unlink_("/self"), 0); /* the link itself */
	CHECK_EQ(rename_("/l1", "/l3", 0), 0);
	CHECK_EQ(walk("/l3", LOOKUP_FOLLOW), -ENOENT); /* l2 -> l1: gone */
}

static void case_long_names(void)
{
	char path[2 * PATH_MAX];

	/* NAME_MAX (255) bytes in a name, not 256. */
	snprintf(path, sizeof(path), "/%s", repeat("n", 255));
	CHECK_EQ(mkdir_(path), 0);
	CHECK_EQ(walk(path, 0), 0);
	snprintf(path, sizeof(path), "/%s", repeat("n", 256));
	CHECK_EQ(mkdir_(path), -ENAMETOOLONG);
	CHECK_EQ(walk(path, 0), -ENAMETOOLONG);
	CHECK_EQ(mkfile(path), -ENAMETOOLONG);
	snprintf(path, sizeof(path), "/%s/x", repeat("n", 256));
	CHECK_EQ(walk(path, 0), -ENAMETOOLONG);
	/* PATH_MAX (4096) counts the NUL: 4095 bytes walk, 4096 do not. */
	snprintf(path, sizeof(path), "/%s", repeat("./", 2047));
	CHECK_EQ(strlen(path), 4095);
	CHECK_AT(path, 0, "/");
	CHECK_EQ(chdir_(path), 0);
	strcat(path, ".");
	CHECK_EQ(walk(path, 0), -ENAMETOOLONG);
	CHECK_EQ(chdir_(path), -ENAMETOOLONG);
	CHECK_EQ(mkdir_(path), -ENAMETOOLONG);
	/* A symlink's target too. */
	CHECK_EQ(symlink_(repeat("y", 4095), "/l4095"), 0);
	CHECK_EQ(symlink_(repeat("y", 4096), "/l4096"), -ENAMETOOLONG);
	/* A link's target and the rest of the path: each is a string of
	 * its own, together they may pass PATH_MAX (Linux). */
	CHECK_EQ(symlink_(repeat("./", 2000), "/ll"), 0);
	CHECK_EQ(symlink_("ll/ll/ll/ll/ll/ll/ll/ll/ll/ll", "/l10"), 0);
	snprintf(path, sizeof(path), "/ll/%s", repeat("./", 1000));
	CHECK_AT(path, 0, "/");
	/* 3 * 11 + 7 = 40 links, more than PATH_MAX left at each. */
	snprintf(path, sizeof(path), "/l10/l10/l10/ll/ll/ll/ll/ll/ll/ll/%s",
		 repeat("./", 1000));
	CHECK_AT(path, 0, "/");
	CHECK_EQ(walk("/l10/l10/l10/ll/ll/ll/ll/ll/ll/ll/ll/", 0), -ELOOP);
}

static void case_permissions(void)
{
	tree();
	CHECK_EQ(mkdir_("/p"), 0);
	CHECK_EQ(mkdir_("/p/q"), 0);
	CHECK_EQ(mkdir_("/w"), 0);
	CHECK_EQ(chmod_("/w", 0777), 0);
	CHECK_EQ(chmod_("/p", 0700), 0);
	CHECK_EQ(symlink_("/p/q", "/lq"), 0);
	CHECK_EQ(mkdir_("/r"), 0);
	CHECK_EQ(chmod_("/r", 0711), 0); /* search, not read */
	CHECK_EQ(mkdir_("/r/in"), 0);
	CHECK_EQ(mkdir_("/sticky"), 0);
	CHECK_EQ(chmod_("/sticky", 01777), 0);
	CHECK_EQ(mkfile("/sticky/roots"), 0);
	vfs_host_set_cred(1000, 1000);
	CHECK_EQ(walk("/p", 0), 0); /* searching / only */
	CHECK_EQ(walk("/p/q", 0), -EACCES);
	CHECK_EQ(walk("/p/nope", 0), -EACCES);
	CHECK_EQ(walk("/p/q/..", 0), -EACCES);
	CHECK_EQ(walk("/lq", 0), 0); /* the link itself */
	CHECK_EQ(walk("/lq", LOOKUP_FOLLOW), -EACCES);
	CHECK_EQ(chdir_("/p"), -EACCES);
	CHECK_EQ(mkdir_("/p/x"), -EACCES);
	CHECK_EQ(walk("/r/in", 0), 0);
	CHECK_EQ(mkdir_("/a/x"), -EACCES); /* no write permission */
	CHECK_EQ(unlink_("/a/f"), -EACCES);
	CHECK_EQ(rename_("/a/f", "/w/f", 0), -EACCES);
	CHECK_EQ(mkdir_("/w/mine"), 0);
	CHECK_EQ(mkfile("/sticky/mine"), 0);
	CHECK_EQ(unlink_("/sticky/roots"), -EPERM);
	CHECK_EQ(unlink_("/sticky/mine"), 0);
	CHECK_EQ(chmod_("/w/mine", 0600), 0);
	CHECK_EQ(walk("/w/mine/x", 0), -EACCES); /* not even its owner */
	CHECK_EQ(walk("/w/mine", 0), 0);
	vfs_host_set_cred(0, 0);
	CHECK_EQ(walk("/p/q", 0), 0);
	CHECK_EQ(walk("/w/mine/x", 0), -ENOENT); /* root searches anything */
}

/* ---------------------------------------------------------------- mounts */

static void case_mounts(void)
{
	struct path root = at("/", 0);

	tree();
	CHECK_EQ(mkdir_("/m"), 0);
	CHECK_EQ(mkdir_("/m/old"), 0);
	CHECK_EQ(vfs_host_mount("none", "/m", "tmpfs", 0, NULL), 0);
	CHECK_EQ(walk("/m/old", 0), -ENOENT); /* covered */
	CHECK(at("/m", 0).mnt != root.mnt);
	CHECK_EQ(mkdir_("/m/d"), 0);
	CHECK_AT("/m/..", 0, "/");
	CHECK_AT("/m/d/../..", 0, "/");
	CHECK_AT("/m/d/../../a", 0, "/a");
	CHECK_STR(name_of(at("/m/d", 0)), "/m/d");
	CHECK_EQ(chdir_("/m/d"), 0);
	CHECK_AT("..", 0, "/m");
	CHECK_AT("../..", 0, "/");
	CHECK_STR(cwd(), "/m/d");
	/* Through a symlink into the mount and out of it. */
	CHECK_EQ(symlink_("/m/d", "/ld"), 0);
	CHECK_AT("/ld/../../a", 0, "/a");
	/* Mounts stack: the last made shows. */
	CHECK_EQ(vfs_host_mount("none", "/m", "tmpfs", 0, NULL), 0);
	CHECK_EQ(walk("/m/d", 0), -ENOENT);
	CHECK_AT("/m/..", 0, "/");
	CHECK_EQ(vfs_host_umount("/m", 0), 0);
	CHECK_EQ(walk("/m/d", 0), 0);
	/* The cwd holds the mount. */
	CHECK_EQ(vfs_host_umount("/m", 0), -EBUSY);
	CHECK_EQ(vfs_host_umount("/a", 0), -EINVAL);
	CHECK_EQ(chdir_("/"), 0);
	CHECK_EQ(vfs_host_umount("/m", 0), 0);
	CHECK_EQ(walk("/m/old", 0), 0);
	CHECK_EQ(vfs_host_umount("/m", 0), -EINVAL);
}

/* ".." lands where a walk down would: into what is mounted there. */
static void case_dotdot_into_mounts(void)
{
	struct path before;

	CHECK_EQ(mkdir_("/o"), 0);
	CHECK_EQ(mkdir_("/o/i"), 0);
	CHECK_EQ(chdir_("/o/i"), 0);
	CHECK_EQ(vfs_host_mount("none", "/o", "tmpfs", 0, NULL), 0);
	CHECK_AT("..", 0, "/o");
	CHECK_EQ(chdir_("/"), 0);
	/* A mount on the root itself: "/" stays, "/.." goes into it. */
	before = at("/", 0);
	CHECK_EQ(vfs_host_mount("none", "/", "tmpfs", 0, NULL), 0);
	CHECK(same(at("/", 0), before));
	CHECK(same(at(".", 0), before));
	CHECK(!same(at("/..", 0), before));
	CHECK_EQ(walk("/../o", 0), -ENOENT);
	CHECK_EQ(vfs_host_umount("/..", 0), 0);
}

static void case_bind(void)
{
	tree();
	CHECK_EQ(mkdir_("/bind"), 0);
	CHECK_EQ(vfs_host_mount("/a", "/bind", NULL, MS_BIND, NULL), 0);
	CHECK(at("/bind/b", 0).dentry == at("/a/b", 0).dentry);
	CHECK(at("/bind/b", 0).mnt != at("/a/b", 0).mnt);
	CHECK_AT("/bind/..", 0, "/");
	CHECK_AT("/bind/b/..", 0, "/bind");
	CHECK_AT("/bind/b/../..", 0, "/");
	CHECK_STR(name_of(at("/bind/b", 0)), "/bind/b");
	CHECK_EQ(rename_("/a/f", "/bind/g", 0), -EXDEV);
	CHECK_EQ(link_("/a/f", "/bind/g"), -EXDEV);
	CHECK_EQ(rename_("/bind/f", "/bind/g", 0), 0);
	CHECK(S_ISREG(mode_of("/a/g", 0)));
	/* A file bound on a file. */
	CHECK_EQ(mkfile("/bf"), 0);
	CHECK_EQ(vfs_host_mount("/a/g", "/bf", NULL, MS_BIND, NULL), 0);
	CHECK(at("/bf", 0).dentry == at("/a/g", 0).dentry);
	CHECK_EQ(unlink_("/bf"), -EBUSY);
	CHECK_EQ(vfs_host_mount("/a/g", "/a/b", NULL, MS_BIND, NULL), -ENOTDIR);
	/* Binds stacked through a bind sit on one dentry seen through two
	 * mounts: undoing the top one leaves the one below in place. */
	CHECK_EQ(mkdir_("/s"), 0);
	CHECK_EQ(vfs_host_mount("/a", "/s", NULL, MS_BIND, NULL), 0);
	CHECK_EQ(vfs_host_mount("/a", "/s", NULL, MS_BIND, NULL), 0);
	struct path two = at("/s", 0);
	CHECK_EQ(vfs_host_mount("/a", "/s", NULL, MS_BIND, NULL), 0);
	CHECK(!same(at("/s", 0), two));
	CHECK_EQ(vfs_host_umount("/s", 0), 0);
	CHECK(same(at("/s", 0), two));
	CHECK_EQ(vfs_host_umount("/s", 0), 0);
	CHECK_EQ(vfs_host_umount("/s", 0), 0);
	CHECK_EQ(vfs_host_umount("/s", 0), -EINVAL);
	/* The bound directory may go; the mount shows it, empty. */
	CHECK_EQ(mkdir_("/a/gone"), 0);
	CHECK_EQ(mkdir_("/seen"), 0);
	CHECK_EQ(vfs_host_mount("/a/gone", "/seen", NULL, MS_BIND, NULL), 0);
	CHECK_EQ(rmdir_("/a/gone"), 0);
	CHECK_EQ(walk("/seen", 0), 0);
	CHECK_EQ(mkdir_("/seen/x"), -ENOENT);
}

/* ---------------------------------------------------------------- names */

static void case_create_remove(void)
{
	tree();
	CHECK_EQ(mkdir_("/a"), -EEXIST);
	CHECK_EQ(mkdir_("/a/f"), -EEXIST);
	CHECK_EQ(mkdir_("/"), -EEXIST);
	CHECK_EQ(mkdir_("/a/."), -EEXIST);
	CHECK_EQ(mkdir_("/a/.."), -EEXIST);
	CHECK_EQ(mkdir_("/a/f/x"), -ENOTDIR);
	CHECK_EQ(mkdir_("/a/x/"), 0);
	CHECK_EQ(mkdir_("/a/nope/x"), -ENOENT);
	CHECK_EQ(mkfile("/a/y/"), -ENOENT);
	CHECK_EQ(symlink_("f", "/a/z/"), -ENOENT);
	CHECK_EQ(link_("/a/f", "/a/w/"), -ENOENT);
	CHECK_EQ(link_("/a/f/", "/a/w"), -ENOTDIR);
	CHECK_EQ(link_("/a/b", "/a/bb"), -EPERM);
	CHECK_EQ(link_("/a/f", "/a/f2"), 0);
	CHECK_EQ(at("/a/f2", 0).dentry->inode, at("/a/f", 0).dentry->inode);
	CHECK_EQ(at("/a/f", 0).dentry->inode->nlink, 2);
	CHECK_EQ(unlink_("/a/f2"), 0);
	CHECK_EQ(at("/a/f", 0).dentry->inode->nlink, 1);
	CHECK_EQ(walk("/a/f2", 0), -ENOENT);
	CHECK_EQ(unlink_("/"), -EISDIR);
	CHECK_EQ(unlink_("/a/b"), -EISDIR);
	CHECK_EQ(unlink_("/a/b/"), -EISDIR);
	CHECK_EQ(unlink_("/a/f/"), -ENOTDIR);
	CHECK_EQ(unlink_("/a/nope/"), -ENOENT);
	CHECK_EQ(unlink_("/a/nope"), -ENOENT);
	CHECK_EQ(rmdir_("/"), -EBUSY);
	CHECK_EQ(rmdir_("/a/."), -EINVAL);
	CHECK_EQ(rmdir_("/a/b/."), -EINVAL);
	CHECK_EQ(rmdir_("/a/.."), -ENOTEMPTY);
	CHECK_EQ(rmdir_("/a/f"), -ENOTDIR);
	CHECK_EQ(rmdir_("/a/f/"), -ENOTDIR);
	CHECK_EQ(rmdir_("/a"), -ENOTEMPTY);
	CHECK_EQ(at("/a", 0).dentry->inode->nlink, 5);
	CHECK_EQ(rmdir_("/a/x/"), 0);
	CHECK_EQ(at("/a", 0).dentry->inode->nlink, 4);
	CHECK_EQ(walk("/a/x", 0), -ENOENT);
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR("/a/b"), 1, 0, 0, 0), -EINVAL);
}

static void case_rename(void)
{
	tree();
	CHECK_EQ(mkdir_("/a/b/full"), 0);
	CHECK_EQ(mkfile("/a/b/full/x"), 0);
	CHECK_EQ(mkdir_("/e"), 0);
	CHECK_EQ(mkdir_("/m"), 0);
	CHECK_EQ(vfs_host_mount("none", "/m", "tmpfs", 0, NULL), 0);
	CHECK_EQ(mkfile("/m/in"), 0);
	CHECK_EQ(rename_("/m", "/m2", 0), -EBUSY);
	CHECK_EQ(rename_("/e", "/m", 0), -EBUSY);
	CHECK_EQ(rmdir_("/m"), -EBUSY);
	CHECK_EQ(rename_("/m/in", "/in", 0), -EXDEV);
	CHECK_EQ(link_("/m/in", "/in"), -EXDEV);
	CHECK_EQ(rename_("/a", "/a/b/z", 0), -EINVAL);
	CHECK_EQ(rename_("/a", "/a/b", 0), -EINVAL);
	CHECK_EQ(rename_("/a/b", "/a", 0), -ENOTEMPTY);
	CHECK_EQ(rename_("/a", "/a", 0), 0);
	CHECK_EQ(rename_("/a/f", "/a/f/", 0), -ENOTDIR);
	CHECK_EQ(rename_("/a/f/", "/a/g", 0), -ENOTDIR);
	CHECK_EQ(rename_("/a/f", "/a/g/", 0), -ENOTDIR);
	CHECK_EQ(rename_("/a/c", "/a/.", 0), -EBUSY);
	CHECK_EQ(rename_("/a/.", "/x", 0), -EBUSY);
	CHECK_EQ(rename_("/", "/x", 0), -EBUSY);
	CHECK_EQ(rename_("/a/f", "/a/b", 0), -EISDIR);
	CHECK_EQ(rename_("/a/c", "/a/f", 0), -ENOTDIR);
	CHECK_EQ(rename_("/e", "/a/b", 0), -ENOTEMPTY);
	CHECK_EQ(rename_("/a/nope", "/a/g", 0), -ENOENT);
	CHECK_EQ(rename_("/a/f", "/a/nope/g", 0), -ENOENT);
	/* Moves, with the counts of links. */
	CHECK_EQ(rename_("/a/c/", "/e2/", 0), 0);
	CHECK_EQ(at("/", 0).dentry->inode->nlink, 6);
	CHECK_EQ(at("/a", 0).dentry->inode->nlink, 3);
	CHECK_EQ(walk("/a/c", 0), -ENOENT);
	CHECK_EQ(rename_("/e2", "/e", 0), 0); /* over an empty directory */
	CHECK_EQ(at("/", 0).dentry->inode->nlink, 5);
	CHECK_EQ(link_("/a/f", "/a/h"), 0);
	CHECK_EQ(rename_("/a/f", "/a/h", 0), 0); /* one file: nothing */
	CHECK_EQ(walk("/a/f", 0), 0);
	CHECK_EQ(rename_("/a/f", "/a/b/full/x", 0), 0);
	CHECK_EQ(walk("/a/f", 0), -ENOENT);
	CHECK_EQ(at("/a/h", 0).dentry->inode->nlink, 2);
	/* NOREPLACE: EEXIST, even for another name of the same file. */
	CHECK_EQ(rename_("/a/h", "/a/b/full/x", RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(rename_("/a/h", "/a/b/full/y", RENAME_NOREPLACE), 0);
	CHECK_EQ(mkfile("/a/f"), 0);
	CHECK_EQ(rename_("/a/f", "/e", RENAME_EXCHANGE), 0);
	CHECK(S_ISDIR(mode_of("/a/f", 0)));
	CHECK(S_ISREG(mode_of("/e", 0)));
	CHECK_EQ(rename_("/a/f", "/nope", RENAME_EXCHANGE), -ENOENT);
	CHECK_EQ(rename_("/a", "/a/b", RENAME_EXCHANGE), -EINVAL);
	CHECK_EQ(rename_("/a/f", "/e", RENAME_EXCHANGE | RENAME_NOREPLACE),
		 -EINVAL);
}

/* A removed directory: its names stay walkable ("." and ".."), nothing
 * new may be made in it (Linux: ENOENT), getcwd fails. */
static void case_removed_cwd(void)
{
	tree();
	CHECK_EQ(mkdir_("/gone"), 0);
	CHECK_EQ(chdir_("/gone"), 0);
	CHECK_EQ(rmdir_("/gone"), 0);
	CHECK_EQ(walk(".", 0), 0);
	CHECK_EQ(at(".", 0).dentry->inode->nlink, 0);
	CHECK_AT("..", 0, "/");
	CHECK_STR(cwd(), "(ENOENT)");
	CHECK_EQ(mkdir_("x"), -ENOENT);
	CHECK_EQ(mkfile("y"), -ENOENT);
	CHECK_EQ(symlink_("q", "z"), -ENOENT);
	CHECK_EQ(link_("/a/f", "w"), -ENOENT);
	CHECK_EQ(open_("c", O_CREAT | O_WRONLY), -ENOENT);
	CHECK_EQ(rename_("/a/f", "f", 0), -ENOENT);
	CHECK_EQ(rmdir_("."), -EINVAL);
	CHECK_EQ(walk("x", 0), -ENOENT);
}

/* Calls that fail for want of memory, at every allocation in turn, leave
 * everything as it was (the sandbox's end checks). */
static void case_out_of_memory(void)
{
	static const char *const scripts[] = {"mkdir",	"symlink", "link",
					      "rename", "unlink",  "walk"};

	tree();
	CHECK_EQ(symlink_("a/b", "/l"), 0);
	for (size_t s = 0; s < sizeof(scripts) / sizeof(scripts[0]); s++) {
		for (long n = 1; n < 40; n++) {
			long err = 0;

			vfs_host_fail_nth(n);
			switch (s) {
			case 0:
				err = mkdir_("/l/new");
				break;
			case 1:
				err = symlink_("/a/f", "/l/sl");
				break;
			case 2:
				err = link_("/a/f", "/l/hl");
				break;
			case 3:
				err = rename_("/a/f", "/l/../../a/g", 0);
				break;
			case 4:
				err = unlink_("/l/../f");
				break;
			case 5:
				err = walk("/l/../c/../../l/..", LOOKUP_FOLLOW);
				break;
			}
			if (!vfs_host_failed()) {
				vfs_host_fail_nth(0);
				CHECK_EQ(err, 0);
				break;
			}
			vfs_host_fail_nth(0);
			CHECK_EQ(err, -ENOMEM);
			CHECK(!vfs_host_locks_held());
		}
		/* Back to the tree. */
		unlink_("/a/b/sl");
		unlink_("/a/b/hl");
		rmdir_("/a/b/new");
		rename_("/a/g", "/a/f", 0);
		if (walk("/a/f", 0))
			CHECK_EQ(mkfile("/a/f"), 0);
	}
}

/* ---------------------------------------------------------------- seeds */

/* Scripts for fuzz_namei (its format: one operation a line). */
static const char *const seeds[] = {
	"mkdir a\nmkdir a/b\nmknod a/f\nsymlink b a/l\nwalk a/l/../f\n"
	"rename a/f a/b/g\nunlink a/b/g\nrmdir a/b\n",
	"mkdir m\nmount m\nmkdir m/d\nchdir m/d\nwalk ../..\nchdir /\n"
	"umount m\n",
	"mkdir a\nmkdir b\nbind a b\nmknod a/f\nrename b/f a/g\nlink a/f b/h\n"
	"umount b\n",
	"symlink l2 l1\nsymlink l1 l2\nwalk l1\nsymlink . d\nwalk d/d/d/d/\n",
	"mkdir @L\nwalk @L/..\nmkdir @M\nwalk @P\n",
	"mkdir d\nchdir d\nrmdir ../d\nmkdir x\nwalk ..\n",
	"mkdir p\nchmod p 0700\nmkdir p/q\nsetuid 1000\nwalk p/q\nmkdir p/x\n"
	"setuid 0\n",
	"mkdir a\nmknod a/f\nfail 3\nrename a/f a/g\nfail 2\nmkdir a/h\n",
	"mkdir o\nmkdir o/i\nchdir o/i\nmount o\nwalk ..\nchdir /\numount o\n"
	"mount /\nwalk /..\n",
};

static int write_seeds(const char *dir)
{
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/namei-%zu", dir, i);
		f = fopen(path, "w");
		if (!f || fputs(seeds[i], f) < 0 || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2]);
	vfs_host_init();
	RUN(sandboxed(case_dots), "namei: . and .. and empty paths");
	RUN(sandboxed(case_not_dirs), "namei: a file in the middle or a "
				      "trailing slash: ENOTDIR");
	RUN(sandboxed(case_symlinks), "namei: symlinks relative, absolute, "
				      "dangling, followed or not");
	RUN(sandboxed(case_loops), "namei: 40 links walk, 41 give ELOOP; "
				   "loops");
	RUN(sandboxed(case_long_names), "namei: NAME_MAX and PATH_MAX");
	RUN(sandboxed(case_permissions), "namei: search and write permission, "
					 "sticky directories");
	RUN(sandboxed(case_mounts), "namei: into and out of mounts");
	RUN(sandboxed(case_dotdot_into_mounts), "namei: .. into a mount on "
						"where it lands");
	RUN(sandboxed(case_bind), "namei: bind mounts");
	RUN(sandboxed(case_create_remove), "namei: mkdir, mknod, symlink, "
					   "link, unlink, rmdir errors");
	RUN(sandboxed(case_rename), "namei: rename: EBUSY, EXDEV, EINVAL, "
				    "ENOTEMPTY, moves, flags");
	RUN(sandboxed(case_removed_cwd), "namei: in a removed directory");
	RUN(sandboxed(case_out_of_memory), "namei: out of memory at each "
					   "allocation");
	TEST_EXIT();
}
