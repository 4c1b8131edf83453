/*
 * Host stand-ins for what kernel/fs's VFS files take from the rest of the
 * kernel: see vfs_shim.h.
 */
#define _DEFAULT_SOURCE
#include <asm/prctl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#include "vfs_shim.h"

/* ---------------------------------------------------------------- memory */

static long fail_countdown;
static bool fail_happened;

/* Should this allocation fail (vfs_host_fail_nth)? */
static bool fail_now(void)
{
	if (fail_countdown <= 0 || --fail_countdown > 0)
		return false;
	fail_happened = true;
	return true;
}

void vfs_host_fail_nth(long n)
{
	fail_countdown = n;
	fail_happened = false;
}

bool vfs_host_failed(void)
{
	return fail_happened;
}

void *kmalloc(size_t size)
{
	return fail_now() ? NULL : malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	return fail_now() ? NULL : calloc(1, size ? size : 1);
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

void kfree(void *ptr)
{
	free(ptr);
}

struct kmem_cache {
	char name[32];
	size_t size;
	long live;
	struct kmem_cache *next;
};

static struct kmem_cache *caches;

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align)
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->size = size;
	c->next = caches;
	caches = c;
	return c;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	void *p = fail_now() ? NULL : malloc(c->size);

	if (p)
		c->live++;
	return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);

	if (p)
		memset(p, 0, c->size);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj)
		return;
	if (c->live <= 0) {
		fprintf(stderr, "vfs_shim: %s: more frees than allocations\n",
			c->name);
		abort();
	}
	c->live--;
	free(obj);
}

long vfs_host_live(const char *name)
{
	for (struct kmem_cache *c = caches; c; c = c->next) {
		if (!strcmp(c->name, name))
			return c->live;
	}
	return -1;
}

/* Page frames: an arena behind a struct page array, as the direct map. */
#define HOST_PAGES 16384 /* 64 MiB: the ext2 tests' files */

struct page *mm_pages;
uint64_t mm_nr_pages;
uintptr_t mm_hhdm;
static long pages_live;

static void pages_init(void)
{
	void *arena = aligned_alloc(PAGE_SIZE, HOST_PAGES * PAGE_SIZE);

	mm_pages = calloc(HOST_PAGES, sizeof(struct page));
	if (!arena || !mm_pages)
		abort();
	mm_nr_pages = HOST_PAGES;
	mm_hhdm = (uintptr_t)arena;
}

struct page *pmm_alloc_pages(unsigned int order, unsigned int flags)
{
	if (order != 0 || fail_now())
		return NULL;
	static uint64_t hint; /* where the last search ended */

	for (uint64_t k = 0; k < mm_nr_pages; k++) {
		uint64_t i = (hint + k) % mm_nr_pages;
		struct page *p = &mm_pages[i];

		if (p->refcount)
			continue;
		hint = i + 1;
		p->refcount = 1;
		p->flags = PG_HEAD;
		if (flags & PMM_ZERO)
			memset(page_address(p), 0, PAGE_SIZE);
		pages_live++;
		return p;
	}
	return NULL;
}

void page_get(struct page *page)
{
	page->refcount++;
}

void page_put(struct page *page)
{
	if (page->refcount <= 0)
		abort();
	if (--page->refcount == 0) {
		page->flags = 0;
		pages_live--;
	}
}

long vfs_host_live_pages(void)
{
	return pages_live;
}

/* The kernel's shrinker list, as pmm.c keeps it; memory is low when a
 * test says so (vfs_host_memory_low). */
static struct shrinker *shrinkers;
bool vfs_host_memory_low;

void mm_register_shrinker(struct shrinker *sh)
{
	struct shrinker **link = &shrinkers;

	while (*link)
		link = &(*link)->next;
	sh->next = NULL;
	*link = sh;
}

uint64_t mm_shrink(uint64_t want)
{
	uint64_t got = 0;

	for (struct shrinker *sh = shrinkers; sh && got < want; sh = sh->next)
		got += sh->scan(want - got);
	return got;
}

bool mm_memory_low(void)
{
	return vfs_host_memory_low;
}

struct page *pmm_alloc_pages_shrink(unsigned int order, unsigned int flags)
{
	struct page *page = pmm_alloc_pages(order, flags);

	if (!page && mm_shrink(64ULL << order))
		page = pmm_alloc_pages(order, flags);
	return page;
}

void mm_get_stats(struct mm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->usable_kib = st->managed_kib = 256 * 1024;
	st->free_kib = 128 * 1024;
}

/* ---------------------------------------------------------------- locks */

static int spin_depth;

void spin_lock_init(struct spinlock *lock, const char *name, unsigned int rank)
{
	memset(lock, 0, sizeof(*lock));
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	if (lock->serving != lock->next) {
		fprintf(stderr, "vfs_shim: a spinlock taken twice\n");
		abort();
	}
	lock->next++;
	spin_depth++;
	return 0;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	if (lock->serving == lock->next) {
		fprintf(stderr, "vfs_shim: a free spinlock released\n");
		abort();
	}
	lock->serving++;
	spin_depth--;
}

static struct percpu host_cpu;
static struct task host_task;
static struct proc host_proc;
static int mutexes_held;

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
	if (spin_depth) {
		fprintf(stderr, "vfs_shim: a mutex taken under a spinlock\n");
		abort();
	}
	if (m->owner) {
		fprintf(stderr, "vfs_shim: a mutex taken twice (deadlock)\n");
		abort();
	}
	m->owner = &host_task;
	mutexes_held++;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != &host_task) {
		fprintf(stderr, "vfs_shim: a mutex released by no owner\n");
		abort();
	}
	m->owner = NULL;
	mutexes_held--;
}

bool vfs_host_locks_held(void)
{
	return spin_depth || mutexes_held;
}

/* ---------------------------------------------------------------- the rest */

void klog(enum klog_level level, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VFS_HOST_VERBOSE"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

int64_t clock_realtime_ns(void)
{
	static int64_t now = 1700000000LL * 1000000000LL;

	return now += 1000;
}

int64_t clock_realtime_coarse_ns(void)
{
	return clock_realtime_ns();
}

/* User memory is the host's: any address but the first page. */
uintptr_t vm_user_limit = UINTPTR_MAX;

bool access_ok_kernel(uintptr_t u, size_t n)
{
	return false;
}

size_t arch_copy_user(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst < 4096 || (uintptr_t)src < 4096)
		return n; /* a NULL "user" pointer faults */
	memcpy(dst, src, n);
	return 0;
}

int clear_user(uintptr_t udst, size_t n)
{
	if (!udst)
		return -EFAULT;
	memset((void *)udst, 0, n);
	return 0;
}

long strncpy_from_user(char *dst, uintptr_t usrc, size_t size)
{
	size_t len;

	if (!usrc)
		return -EFAULT;
	len = strnlen((const char *)usrc, size);
	if (len == size)
		return -ENAMETOOLONG;
	memcpy(dst, (const char *)usrc, len + 1);
	return (long)len;
}

/* glibc has it from 2.38 on; the kernel's own (kernel/lib) otherwise. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool proc_capable(void)
{
	return host_proc.cred.euid == 0;
}

/* Devices and FIFOs: no driver here, an open of one gets ENXIO. */
const struct file_ops *special_fops(uint32_t mode, uint32_t rdev)
{
	return NULL;
}

/* No epoll, no record locks here. */
void eventpoll_release(struct file *f)
{
}

void locks_release_file(struct file *f)
{
}

/* No memfd here (memfd.c is not built): no file has seals. */
int seals_check_size(const struct inode *inode, uint64_t size)
{
	return 0;
}

int seals_check_punch(const struct inode *inode)
{
	return 0;
}

/* Nothing maps a file on the host: no regions to take pages from. */
void uvm_unmap_file(struct inode *inode, uint64_t first, uint64_t end,
		    bool even_cows)
{
}

void locks_remove_posix(struct inode *inode, const void *owner)
{
}

/* One thread here: no other task to yield to, no flusher thread (the
 * tests call sync themselves). */
void sched_yield(void)
{
}

struct task *kthread_create(void (*fn)(void *arg), void *arg, const char *name)
{
	return NULL;
}

void sched_start(struct task *t)
{
}

uint64_t schedule_timeout(uint64_t ns)
{
	return 0;
}

uint64_t clock_monotonic_ns(void)
{
	static uint64_t now;

	return now += 1000;
}

/* ---------------------------------------------------------------- setup */

struct proc *vfs_host_proc(void)
{
	return &host_proc;
}

void vfs_host_set_cred(uint32_t uid, uint32_t gid)
{
	struct cred *c = &host_proc.cred;

	memset(c, 0, sizeof(*c));
	c->uid = c->euid = c->suid = c->fsuid = uid;
	c->gid = c->egid = c->sgid = c->fsgid = gid;
}

void vfs_host_reset_root(void)
{
	struct fs_context *fs = host_proc.fs;

	path_put(&fs->root);
	path_put(&fs->cwd);
	fs_root_path(&fs->root);
	fs_root_path(&fs->cwd);
}

void vfs_host_init(void)
{
	/* current_proc() is this CPU's current task's process: the kernel
	 * finds this CPU's struct percpu at the GS base, so do we. */
	host_cpu.self = &host_cpu;
	host_cpu.current = &host_task;
	host_task.proc = &host_proc;
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)&host_cpu)) {
		perror("vfs_shim: arch_prctl(ARCH_SET_GS)");
		abort();
	}
	if (current_proc() != &host_proc)
		abort();
	pages_init();
	vfs_host_set_cred(0, 0);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		host_proc.rlim[i].cur = host_proc.rlim[i].max = RLIM_INFINITY;
	host_proc.rlim[RLIMIT_NOFILE].cur = 1024;
	inode_init();
	dcache_init();
	file_cache_init();
	if (tmpfs_mount_root())
		abort();
	host_proc.fs = fs_context_alloc();
	host_proc.files = files_alloc();
	if (!host_proc.fs || !host_proc.files)
		abort();
}

/* ---------------------------------------------------------------- sandbox */

#define MAX_MOUNTS 64

static struct mount *made[MAX_MOUNTS];
static int nmade;
static bool sandbox_on;
static char sandbox_dir[32];
static long base_dentries, base_inodes, base_files, base_pages;

long vfs_host_mount(const char *source, const char *target, const char *type,
		    unsigned long flags, const char *data)
{
	long saved = fail_countdown, err;
	struct path at;

	/* Where it will go: the mount on that place, after, is the new one
	 * (the last made covers the others). */
	if (nmade == MAX_MOUNTS)
		return -ENOMEM;
	fail_countdown = 0;
	err = target ? path_walk(AT_FDCWD, target, LOOKUP_FOLLOW, &at) : -1;
	fail_countdown = saved;
	if (err)
		at.dentry = NULL;
	err = sys_mount(UPTR(source), UPTR(target), UPTR(type), (long)flags,
			UPTR(data), 0);
	if (!err && !at.dentry) {
		fprintf(stderr, "vfs_shim: a mount where no walk goes\n");
		abort();
	}
	if (!err)
		made[nmade++] = mount_at(at.mnt, at.dentry);
	if (at.dentry)
		path_put(&at);
	return err;
}

long vfs_host_umount(const char *target, int flags)
{
	long saved = fail_countdown, err;
	struct mount *m = NULL;
	struct path at;

	fail_countdown = 0;
	if (target &&
	    !path_walk(AT_FDCWD, target,
		       flags & 8 /* UMOUNT_NOFOLLOW */ ? 0 : LOOKUP_FOLLOW,
		       &at)) {
		m = mount_of_root(&at);
		path_put(&at);
	}
	fail_countdown = saved;
	err = sys_umount2(UPTR(target), flags, 0, 0, 0, 0);
	for (int i = 0; !err && i < nmade; i++) {
		if (made[i] == m) {
			memmove(&made[i], &made[i + 1],
				(size_t)(nmade - i - 1) * sizeof(made[0]));
			nmade--;
			return 0;
		}
	}
	if (!err) {
		fprintf(stderr, "vfs_shim: umount of a mount not made here\n");
		abort();
	}
	return err;
}

struct mount *vfs_host_sandbox_mount(void)
{
	return nmade ? made[0] : NULL;
}

int vfs_host_mounts(struct mount *const **out)
{
	*out = made;
	return nmade;
}

void vfs_host_sandbox_begin(const char *options)
{
	static unsigned int n;
	struct fs_context *fs = host_proc.fs;

	if (sandbox_on)
		vfs_host_sandbox_end();
	vfs_host_fail_nth(0);
	vfs_host_set_cred(0, 0);
	vfs_host_reset_root();
	fs->umask = 022;
	base_dentries = vfs_host_live("dentry");
	base_inodes = vfs_host_live("inode");
	base_files = vfs_host_live("file");
	base_pages = pages_live;
	snprintf(sandbox_dir, sizeof(sandbox_dir), "/sandbox%u", n++);
	if (sys_mkdirat(AT_FDCWD, UPTR(sandbox_dir), 0755, 0, 0, 0) ||
	    vfs_host_mount("sandbox", sandbox_dir, "tmpfs", 0, options)) {
		fprintf(stderr, "vfs_shim: no sandbox\n");
		abort();
	}
	sandbox_on = true;
	path_put(&fs->root);
	path_put(&fs->cwd);
	fs->root = (struct path){made[0], made[0]->root};
	path_get(&fs->root);
	fs->cwd = fs->root;
	path_get(&fs->cwd);
}

bool vfs_host_sandbox_end(void)
{
	bool ok = true;

	if (!sandbox_on)
		return true;
	sandbox_on = false;
	vfs_host_fail_nth(0);
	vfs_host_set_cred(0, 0);
	for (int fd = 0; fd < 1024; fd++)
		sys_close(fd, 0, 0, 0, 0, 0);
	vfs_host_reset_root();
	namespace_lock();
	while (nmade) {
		struct mount *m = made[--nmade];
		int err = mount_remove(m, false);

		if (err) {
			fprintf(stderr, "vfs_shim: a mount still in use (%d)\n",
				err);
			ok = false;
		}
	}
	namespace_unlock();
	if (sys_unlinkat(AT_FDCWD, UPTR(sandbox_dir), AT_REMOVEDIR, 0, 0, 0))
		ok = false;
	if (vfs_host_live("dentry") != base_dentries ||
	    vfs_host_live("inode") != base_inodes ||
	    vfs_host_live("file") != base_files || pages_live != base_pages) {
		fprintf(stderr,
			"vfs_shim: left over: %ld dentries, %ld inodes, "
			"%ld files, %ld pages\n",
			vfs_host_live("dentry") - base_dentries,
			vfs_host_live("inode") - base_inodes,
			vfs_host_live("file") - base_files,
			pages_live - base_pages);
		ok = false;
	}
	return ok;
}

/*
 * The block layer's batches, for the write-back code in inode.c: weak,
 * so that the host tests with a block layer (blk_shim.c) have theirs.
 * Without one no file system writes back, and these are never called.
 */
__attribute__((weak)) void bio_batch_init(struct bio_batch *batch)
{
	*batch = (struct bio_batch){0};
}

__attribute__((weak)) void bio_batch_add(struct bio_batch *batch,
					 struct bio *bio)
{
	(void)batch;
	(void)bio;
	abort();
}

__attribute__((weak)) int bio_batch_add_page(struct bio_batch *batch,
					     struct block_device *bdev,
					     enum bio_op op, uint64_t sector,
					     struct page *page, uint32_t off,
					     uint32_t len)
{
	(void)batch, (void)bdev, (void)op, (void)sector, (void)page, (void)off,
		(void)len;
	abort();
}

__attribute__((weak)) int bio_batch_wait(struct bio_batch *batch)
{
	return batch->status;
}
