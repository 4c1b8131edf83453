/*
 * The VFS on the host: kernel/fs's path walk, name calls, dentry and inode
 * caches, mounts and tmpfs (the files VFS_PURE lists in the Makefile),
 * compiled unchanged and linked with tests/host/vfs_shim.c, which stands
 * in for what the rest of the kernel gives them:
 *  - kmalloc and the slab caches: malloc, with a count of the live objects
 *    of each cache (dentries, inodes, files) and an optional failure of
 *    the n-th allocation (vfs_host_fail_nth);
 *  - spinlocks and mutexes: no-ops that check their use (a mutex taken
 *    twice or released by no owner, a sleep under a spinlock: abort);
 *  - the current process: one struct proc (credentials, fs_context,
 *    descriptor table) reached as the kernel reaches it, through this
 *    CPU's struct percpu at the GS base (set with arch_prctl);
 *  - user memory: the host's ("user" pointers are host pointers; 0 is a
 *    fault);
 *  - page frames for the page cache: a small arena;
 *  - klog (quiet unless VFS_HOST_VERBOSE is set), panic (abort), a clock.
 *
 * vfs_host_init() brings the VFS up as fs_init does (the caches, the
 * root tmpfs) and gives the process root's credentials, the root as
 * root and cwd, and umask 022.
 */
#ifndef VFS_SHIM_H
#define VFS_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>

#include "fs_priv.h" /* kernel/fs's own: built with -Ikernel/fs */

void vfs_host_init(void);

/* The process all calls run as. */
struct proc *vfs_host_proc(void);
/* Its fsuid/euid/uid (and the gids) become uid, gid; no groups. */
void vfs_host_set_cred(uint32_t uid, uint32_t gid);
/* Root and cwd become the root of the whole tree again. */
void vfs_host_reset_root(void);

/* Live objects of a slab cache ("dentry", "inode", "file"), pages. */
long vfs_host_live(const char *cache);
long vfs_host_live_pages(void);
/* Whether mm_memory_low says memory is low (false until a test sets it). */
extern bool vfs_host_memory_low;
/* The n-th allocation from now fails (kmalloc, caches, pages); 0: none. */
void vfs_host_fail_nth(long n);
/* Has an injected failure happened since the last vfs_host_fail_nth? */
bool vfs_host_failed(void);
/* Is a spinlock or namespace_lock held now (there should be none
 * between calls)? */
bool vfs_host_locks_held(void);

/*
 * A sandbox: a fresh tmpfs (mount options: options) on a new directory of
 * the root tmpfs, made the process's root and cwd, with root's
 * credentials. vfs_host_sandbox_end closes every descriptor, goes back to
 * the real root, undoes every mount made in the sandbox (the last made
 * first; through vfs_host_mount) and removes the directory: false if a
 * mount is still in use, or dentries, inodes, files or pages are left
 * over (refcounts that do not come back, leaks). A begin ends the
 * sandbox before it if need be (a failed test case).
 */
void vfs_host_sandbox_begin(const char *options);
bool vfs_host_sandbox_end(void);
/* The sandbox's own mount; the mounts made in it (the sandbox's first),
 * in the order made: their number. */
struct mount *vfs_host_sandbox_mount(void);
int vfs_host_mounts(struct mount *const **out);
/* mount(2), umount2(2), keeping the list of mounts made. */
long vfs_host_mount(const char *source, const char *target, const char *type,
		    unsigned long flags, const char *data);
long vfs_host_umount(const char *target, int flags);

/* The system calls (SYSCALL_DEFINEn in kernel/fs). */
#define VFS_HOST_SYSCALLS(X)                                               \
	X(mkdirat)                                                         \
	X(mknodat)                                                         \
	X(symlinkat) X(linkat) X(unlinkat) X(renameat2) X(openat) X(close) \
		X(newfstatat) X(readlinkat) X(chdir) X(fchdir) X(chroot)   \
			X(getcwd) X(mount) X(umount2) X(fchmodat)          \
				X(faccessat2) X(fallocate)

#define VFS_HOST_DECLARE(name) long sys_##name(SYSCALL_PARAMS);
VFS_HOST_SYSCALLS(VFS_HOST_DECLARE)
#undef VFS_HOST_DECLARE

/* A "user" pointer. */
#define UPTR(p) ((long)(uintptr_t)(p))

#endif
