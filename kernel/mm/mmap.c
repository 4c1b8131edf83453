/*
 * The memory system calls: mmap, munmap, mprotect, brk, madvise,
 * mincore, msync (mremap is in mremap.c). They check their arguments as
 * Linux does (its errno for each case), then change the current
 * process's regions under mm->lock (<kernel/uvm.h>).
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

#define MMAP_MIN_ADDR 0x10000
#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_KNOWN                                                           \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | \
	 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |      \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | \
	 MAP_FIXED_NOREPLACE)

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

static struct mm *cur_mm(void)
{
	return current_proc()->mm;
}

unsigned int prot_to_vma(unsigned long prot)
{
	return (prot & PROT_READ ? VMA_READ : 0) |
	       (prot & PROT_WRITE ? VMA_WRITE : 0) |
	       (prot & PROT_EXEC ? VMA_EXEC : 0);
}

/* Does [addr, addr + len) hold no region (MAP_FIXED_NOREPLACE)? */
static bool range_empty(struct mm *mm, uintptr_t addr, size_t len)
{
	struct vma *v = uvm_find_after(mm, addr);

	return !v || v->start >= addr + len;
}

/* Is [addr, end) covered by regions without a hole? */
static bool range_mapped(struct mm *mm, uintptr_t addr, uintptr_t end)
{
	struct vma *v = uvm_find(mm, addr);

	while (v && v->end < end) {
		struct vma *n = vma_next(v);

		if (!n || n->start != v->end)
			return false;
		v = n;
	}
	return v != NULL;
}

/* What a file mapping maps, and what it may do to it. */
struct map_target {
	struct inode *inode; /* referenced; NULL: anonymous memory */
	struct path path;    /* the file's, referenced (maps' names) */
	unsigned int vflags; /* VMA_MAYWRITE, VMA_FILE_WRITE */
	bool write_open;     /* shared, of a file open for writing */
};

/*
 * The file of a mapping, checked as Linux's do_mmap does, in its order:
 * a shared mapping that may write needs a writable open, any mapping a
 * readable one, and the file a page cache to map (ENODEV: directories,
 * pipes, procfs files...).
 */
static long map_file(struct file *f, unsigned long flags, unsigned long prot,
		     uint64_t len, uint64_t off, struct map_target *t)
{
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	long err;

	if (f->flags & O_PATH)
		return -EBADF;
	if (off + len < off)
		return -EOVERFLOW;
	if (shared && (prot & PROT_WRITE) && !file_writable(f))
		return -EACCES;
	if (!file_readable(f))
		return -EACCES;
	if (!f->inode || !f->ops || !f->ops->mmap)
		return -ENODEV;
	if (flags & MAP_GROWSDOWN)
		return -EINVAL;
	err = f->ops->mmap(f);
	if (err)
		return err;
	/* A shared mapping may write (now or after mprotect) if the open
	 * may and no seal forbids it: such mappings are what F_SEAL_WRITE
	 * waits on. A write-sealed file's mapping stays read-only. */
	t->write_open = shared && file_writable(f);
	t->vflags = VMA_MAYWRITE;
	if (shared &&
	    (!t->write_open ||
	     (f->inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))))
		t->vflags = 0;
	else if (shared)
		t->vflags |= VMA_FILE_WRITE;
	t->inode = f->inode;
	inode_get(t->inode);
	if (f->path.dentry && f->path.dentry->inode == f->inode) {
		t->path = f->path;
		path_get(&t->path);
	}
	file_accessed(f); /* mapping counts as reading, as on Linux */
	return 0;
}

static long map_target(unsigned long flags, unsigned long prot, int fd,
		       uint64_t len, uint64_t off, struct map_target *t)
{
	struct file *f;
	long err;

	t->inode = NULL;
	t->path = (struct path){0};
	t->vflags = VMA_MAYWRITE;
	t->write_open = false;
	if (flags & MAP_ANONYMOUS)
		return 0;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	err = map_file(f, flags, prot, len, off, t);
	file_put(f);
	return err;
}

/* A shared writable mapping of a write-sealed file: -EPERM. */
static long seal_check(const struct map_target *t, unsigned long prot)
{
	long err;

	if (!t->inode)
		return 0;
	mutex_lock(&t->inode->mmap_lock);
	err = seals_check_mmap(t->inode, t->write_open, prot & PROT_WRITE);
	mutex_unlock(&t->inode->mmap_lock);
	return err;
}

/*
 * Was a write seal added between seal_check and the mapping joining the
 * file's list? F_ADD_SEALS, seeing no mapping, then let it in: undo.
 * (mmap_lock orders the two: after this, F_ADD_SEALS sees the mapping.)
 */
static bool sealed_since(const struct map_target *t)
{
	bool sealed;

	mutex_lock(&t->inode->mmap_lock);
	sealed = t->inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE);
	mutex_unlock(&t->inode->mmap_lock);
	return sealed;
}

static long check_mmap(uintptr_t addr, size_t len, unsigned long prot,
		       unsigned long flags, unsigned long off)
{
	unsigned long type = flags & MAP_TYPE;

	if (!len)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
		return -EINVAL; /* as Linux */
	if (prot & ~(PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (off % PAGE_SIZE || (flags & MAP_HUGETLB))
		return -EINVAL;
	if (len > vm_user_end())
		return -ENOMEM;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && addr % PAGE_SIZE)
		return -EINVAL;
	return 0;
}

/* Where the mapping goes, with mm->lock held: an address or -errno. */
static long place(struct mm *mm, uintptr_t addr, size_t len,
		  unsigned long flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
		if (addr + len > vm_user_end() || addr + len < addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !range_empty(mm, addr, len))
			return -EEXIST;
		return (long)addr;
	}
	addr = uvm_find_free(mm, len, addr);
	return addr ? (long)addr : -ENOMEM;
}

/*
 * Linux's default overcommit heuristic: writable private memory (and
 * shared anonymous memory) that could never fit in RAM is refused unless
 * MAP_NORESERVE says the program knows it will not use it all.
 */
static bool overcommits(size_t len, unsigned long prot, unsigned long flags,
			const struct inode *inode)
{
	struct mm_stats st;
	bool accounted = (flags & MAP_TYPE) == MAP_PRIVATE
				 ? (prot & PROT_WRITE) != 0
				 : (flags & MAP_ANONYMOUS) != 0;

	if (!accounted || (flags & MAP_NORESERVE))
		return false;
	mm_get_stats(&st);
	return len / 1024 > st.managed_kib;
}

static long do_mmap(uintptr_t addr, size_t len, unsigned long prot,
		    unsigned long flags, const struct map_target *t,
		    unsigned long off)
{
	struct mm *mm = cur_mm();
	unsigned int vflags = prot_to_vma(prot) | t->vflags;
	long where;

	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		vflags |= VMA_SHARED;
	else
		vflags = (vflags & ~VMA_FILE_WRITE) | VMA_MAYWRITE;
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vflags |= VMA_NORESERVE;
	if (seal_check(t, prot))
		return -EPERM;
	mutex_lock(&mm->lock);
	where = place(mm, addr, len, flags);
	if (where >= 0 && (!uvm_may_grow(mm, len / PAGE_SIZE) ||
			   overcommits(len, prot, flags, t->inode)))
		where = -ENOMEM;
	if (where >= 0 && uvm_map(mm, (uintptr_t)where, len, vflags, t->inode,
				  off / PAGE_SIZE))
		where = -ENOMEM;
	/* A seal added since the check above saw no mapping: undo. */
	if (where >= 0 && (vflags & VMA_FILE_WRITE) && sealed_since(t)) {
		uvm_unmap(mm, (uintptr_t)where, len);
		where = -EPERM;
	}
	if (where >= 0 && (flags & MAP_POPULATE))
		uvm_populate(mm, (uintptr_t)where, len, false);
	mutex_unlock(&mm->lock);
	return where;
}

SYSCALL_DEFINE6(mmap, uintptr_t, addr, size_t, len, unsigned long, prot,
		unsigned long, flags, int, fd, unsigned long, off)
{
	struct map_target t;
	long ret = check_mmap(addr, len, prot, flags, off);

	if (ret)
		return ret;
	len = ALIGN_UP(len, PAGE_SIZE);
	ret = map_target(flags, prot, fd, len, off, &t);
	if (ret)
		return ret;
	if (!t.inode && (flags & MAP_TYPE) != MAP_PRIVATE) {
		t.inode = shmem_create(len); /* shared anonymous memory */
		if (!t.inode)
			return -ENOMEM;
	}
	ret = do_mmap(addr, len, prot, flags, &t, off);
	if (ret >= 0 && t.path.dentry) {
		struct mm *mm = cur_mm();

		mutex_lock(&mm->lock);
		uvm_name_range(mm, (uintptr_t)ret, len, &t.path);
		mutex_unlock(&mm->lock);
	}
	path_put(&t.path);
	if (t.inode)
		inode_put(t.inode); /* the region holds its own reference */
	return ret;
}

static long check_range(uintptr_t addr, size_t len)
{
	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (addr + len < addr || addr + len > vm_user_end())
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(munmap, uintptr_t, addr, size_t, len)
{
	struct mm *mm = cur_mm();
	long ret;

	if (!len || check_range(addr, len))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	ret = uvm_unmap(mm, addr, len);
	mutex_unlock(&mm->lock);
	return ret;
}

/* May every region of [addr, end) take vflags? A shared mapping of a
 * file not open for writing may not be made writable: -EACCES. */
static long protect_allowed(struct mm *mm, uintptr_t addr, uintptr_t end,
			    unsigned int vflags)
{
	for (struct vma *v = uvm_find(mm, addr); v && v->start < end;
	     v = vma_next(v)) {
		if ((vflags & VMA_WRITE) && (v->flags & VMA_SHARED) &&
		    !(v->flags & VMA_MAYWRITE))
			return -EACCES;
	}
	return 0;
}

/* The regions of [addr, end) get vflags' protection; pages follow. */
static long protect_locked(struct mm *mm, uintptr_t addr, uintptr_t end,
			   unsigned int vflags)
{
	struct vma *v = uvm_find(mm, addr);
	long err = protect_allowed(mm, addr, end, vflags);

	if (err)
		return err;

	if (v->start < addr && !(v = vma_split(mm, v, addr)))
		return -ENOMEM;
	while (v && v->start < end) {
		unsigned int prot;

		if (v->end > end && !vma_split(mm, v, end))
			return -ENOMEM;
		v->flags = (v->flags & ~(VMA_READ | VMA_WRITE | VMA_EXEC)) |
			   vflags;
		prot = vma_prot(v);
		/* Private pages may be shared copy-on-write: write faults
		 * decide. PROT_NONE keeps the pages, out of user reach. */
		if (!(v->flags & VMA_SHARED))
			prot &= ~VM_WRITE;
		if (!(vflags & (VMA_READ | VMA_WRITE | VMA_EXEC)))
			prot &= ~(VM_USER | VM_EXEC);
		vm_protect(mm->space, v->start, v->end - v->start, prot);
		v = vma_next(v);
	}
	return 0;
}

SYSCALL_DEFINE3(mprotect, uintptr_t, addr, size_t, len, unsigned long, prot)
{
	struct mm *mm = cur_mm();
	uintptr_t end;
	long ret;

	if (check_range(addr, len) ||
	    (prot & ~(PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)))
		return -EINVAL;
	if (!len)
		return 0;
	end = ALIGN_UP(addr + len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	ret = range_mapped(mm, addr, end)
		      ? protect_locked(mm, addr, end, prot_to_vma(prot))
		      : -ENOMEM;
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE1(brk, uintptr_t, want)
{
	struct mm *mm = cur_mm();
	uintptr_t old, new_end;
	struct proc *p = current_proc();

	mutex_lock(&mm->lock);
	old = ALIGN_UP(mm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (want < mm->brk_start || want > vm_user_end())
		goto out;
	if (p->rlim[RLIMIT_DATA].cur != RLIM_INFINITY &&
	    want - mm->brk_start > p->rlim[RLIMIT_DATA].cur)
		goto out;
	if (new_end > old) {
		if (!range_empty(mm, old, new_end - old) ||
		    !uvm_may_grow(mm, (new_end - old) / PAGE_SIZE) ||
		    uvm_map(mm, old, new_end - old,
			    VMA_READ | VMA_WRITE | VMA_HEAP, NULL, 0))
			goto out;
	} else if (new_end < old) {
		uvm_unmap(mm, new_end, old - new_end);
	}
	mm->brk = want;
out:
	want = mm->brk;
	mutex_unlock(&mm->lock);
	return (long)want;
}

static bool advice_known(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) ||
	       (advice >= MADV_FREE && advice <= MADV_DODUMP);
}

SYSCALL_DEFINE3(madvise, uintptr_t, addr, size_t, len, int, advice)
{
	struct mm *mm = cur_mm();
	uintptr_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	long ret = 0;

	if (check_range(addr, len) || !advice_known(advice))
		return -EINVAL;
	if (!len)
		return 0;
	mutex_lock(&mm->lock);
	if (!range_mapped(mm, addr, end))
		ret = -ENOMEM;
	else if (advice == MADV_DONTNEED || advice == MADV_FREE ||
		 advice == MADV_REMOVE)
		vma_zap(mm, addr, end); /* zero-fill or re-read on next use */
	mutex_unlock(&mm->lock);
	return ret;
}

/*
 * A chunk of mincore's answer, into a kernel buffer: the copy to user
 * memory happens after mm->lock is dropped (it may fault, and the fault
 * takes the lock).
 */
#define MINCORE_CHUNK 512

/* Is the page at va resident? Mapped here, or, in a file's region, in
 * the file's page cache (as Linux answers, whoever brought it in). */
static uint8_t resident(struct mm *mm, uintptr_t va)
{
	struct vma *v = uvm_find(mm, va);
	struct page *page;

	if (vm_translate(mm->space, va, NULL, NULL) == 0)
		return 1;
	if (!v || !v->inode)
		return 0;
	page = inode_find_page(v->inode,
			       v->pgoff + (va - v->start) / PAGE_SIZE);
	if (!page)
		return 0;
	page_put(page);
	return 1;
}

SYSCALL_DEFINE3(mincore, uintptr_t, addr, size_t, len, uintptr_t, uvec)
{
	struct mm *mm = cur_mm();
	uintptr_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	uint8_t buf[MINCORE_CHUNK];

	if (check_range(addr, len))
		return -EINVAL;
	for (uintptr_t va = addr; va < end;) {
		unsigned int n = 0;
		bool mapped;

		mutex_lock(&mm->lock);
		mapped = range_mapped(mm, va,
				      MIN(end, va + MINCORE_CHUNK * PAGE_SIZE));
		for (; mapped && n < MINCORE_CHUNK && va < end;
		     n++, va += PAGE_SIZE)
			buf[n] = resident(mm, va);
		mutex_unlock(&mm->lock);
		if (!mapped)
			return -ENOMEM;
		if (copy_to_user(uvec, buf, n))
			return -EFAULT;
		uvec += n;
	}
	return 0;
}

/*
 * msync: the checks of Linux, in its order. Shared pages are the page
 * cache itself, and memory file systems have nothing to write back, so
 * a valid call has nothing left to do.
 */
SYSCALL_DEFINE3(msync, uintptr_t, addr, size_t, len, int, flags)
{
	struct mm *mm = cur_mm();
	uintptr_t end;
	long ret = 0;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    addr % PAGE_SIZE || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	end = addr + ALIGN_UP(len, PAGE_SIZE); /* a huge len wraps to 0 */
	if (end < addr)
		return -ENOMEM;
	if (end == addr)
		return 0;
	mutex_lock(&mm->lock);
	if (end > vm_user_end() || !range_mapped(mm, addr, end))
		ret = -ENOMEM;
	mutex_unlock(&mm->lock);
	return ret;
}
