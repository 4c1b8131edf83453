/*
 * User address spaces (kernel/mm/uvm*.c, mmap.c): struct mm, a process's
 * memory, as a set of regions (struct vma) over a vm_space's page tables
 * (<kernel/vm.h>).
 *
 * A region is a page-aligned range with a protection and what backs it:
 * anonymous memory (zero-filled on first touch), or the pages of a file
 * (struct inode, <kernel/fs.h>), shared or private (copy on write).
 * Regions live in a balanced tree by address (<kernel/avl.h>): a fault
 * finds its region in O(log n). Pages are made present lazily by the
 * fault handler (uvm_fault): demand-zero, file pages, and copy-on-write
 * after fork, which shares every private page read-only with a reference
 * count (struct page's refcount) and copies on the first write.
 *
 * Locking: mm->lock, a mutex (faults and mmap may sleep), guards the
 * regions and brk; the page tables have the vm_space's own spinlock.
 */
#ifndef KERNEL_UVM_H
#define KERNEL_UVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/avl.h>
#include <kernel/fs.h>
#include <kernel/sched.h>
#include <kernel/vm.h>

/* mmap's PROT_* and MAP_* (Linux x86_64 values). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_32BIT 0x40
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000

/* struct vma flags */
#define VMA_READ (1u << 0)
#define VMA_WRITE (1u << 1)
#define VMA_EXEC (1u << 2)
#define VMA_SHARED (1u << 3)	/* writes go to the backing pages */
#define VMA_GROWSDOWN (1u << 4) /* a stack: extends down on a fault */
#define VMA_STACK (1u << 5)	/* the main thread's stack ([stack]) */
#define VMA_HEAP (1u << 6)	/* brk's region ([heap]) */
#define VMA_VDSO (1u << 7)	/* the vDSO's pages ([vdso]) */
#define VMA_VVAR (1u << 8)	/* the vDSO's data ([vvar]) */
#define VMA_NORESERVE (1u << 9)
/* mprotect may add PROT_WRITE to a shared region: its file was opened
 * for writing and is not sealed against it (Linux's VM_MAYWRITE). */
#define VMA_MAYWRITE (1u << 10)
/* A shared region of a file opened for writing (Linux's VM_SHARED on a
 * file): counted in the inode's shared_maps, which F_SEAL_WRITE wants 0. */
#define VMA_FILE_WRITE (1u << 11)

#define STACK_GUARD_GAP (256 * PAGE_SIZE) /* Linux's stack_guard_gap */

struct inode;
struct shm_object;

struct vma {
	struct avl_node node; /* in mm->vmas, by start */
	uintptr_t start, end; /* [start, end), page-aligned */
	unsigned int flags;   /* VMA_* */
	/*
	 * What backs it: NULL and NULL for private anonymous memory; an
	 * inode (a file, or the object of shared anonymous memory) and
	 * the offset of start in it, in pages.
	 */
	struct inode *inode;
	uint64_t pgoff;
	/* Where that file was when mapped (its name in /proc/PID/maps), if
	 * it came from a path: referenced; none for anonymous memory. */
	struct path file_path;
	struct mm *mm;		    /* whose region it is */
	struct list_head file_link; /* in inode->mmaps (inode->mmap_lock) */
};

struct mm {
	struct vm_space *space;
	struct mutex lock;
	int refcount; /* atomic: threads (CLONE_VM) share it */
	struct avl_tree vmas;
	uintptr_t brk_start, brk; /* the heap: [brk_start, brk) */
	uintptr_t mmap_base;	  /* mmap searches downwards from here */
	uintptr_t stack_top;	  /* above the initial stack */
	uintptr_t vdso_base;
	uint64_t total_pages; /* mapped in regions (RLIMIT_AS) */
	uint64_t rss_pages;   /* present */
	uintptr_t arg_start, arg_end, env_start, env_end; /* /proc */
	uintptr_t start_code, end_code, start_data, end_data;
	struct inode *exe; /* the program: referenced, not writable */
};

/* A new, empty address space (its kernel half shared): NULL if no memory. */
struct mm *mm_create(void);
void mm_get(struct mm *mm);
/* Drop a reference; the last one frees every page and table. */
void mm_put(struct mm *mm);
/* fork: a copy of mm, private pages shared copy-on-write. */
struct mm *mm_fork(struct mm *mm);
/* exec: mm runs in, which no one may open for writing while mm lives
 * (the caller holds such a denial already, so this cannot fail). */
void mm_set_exe(struct mm *mm, struct inode *in);

/*
 * Map a region at [addr, addr + len) of mm (mm->lock held): flags
 * VMA_*, inode and pgoff as in struct vma. Whatever was there is
 * unmapped first. 0, -ENOMEM.
 */
int uvm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned int flags,
	    struct inode *inode, uint64_t pgoff);
/* The regions of [addr, addr + len) mapping p's inode and named by no
 * path yet get p as their name (locked). */
void uvm_name_range(struct mm *mm, uintptr_t addr, size_t len,
		    const struct path *p);
/* Unmap [addr, addr + len), splitting regions at the edges (locked). */
int uvm_unmap(struct mm *mm, uintptr_t addr, size_t len);
/* A free range of len bytes at or below hint's area, or 0 (locked). */
uintptr_t uvm_find_free(struct mm *mm, size_t len, uintptr_t hint);
/* The region containing addr, or NULL (locked). */
struct vma *uvm_find(struct mm *mm, uintptr_t addr);
/* The first region ending above addr, or NULL (locked). */
struct vma *uvm_find_after(struct mm *mm, uintptr_t addr);

/*
 * Resolve a hardware fault at addr in the current task's mm (access: its
 * VM_FAULT_* flags; without VM_FAULT_PRESENT nothing was mapped there): 0
 * (retry the access); -EFAULT (no region: SEGV_MAPERR), -EACCES (the
 * region does not allow it: SEGV_ACCERR), -ENOMEM, -EIO (file beyond its
 * end: SIGBUS).
 */
int uvm_fault(struct mm *mm, uintptr_t addr, unsigned int access);

/*
 * The same with mm->lock held (or an mm nobody else can see yet), for
 * the kernel's own accesses: the page tables are looked at, whatever
 * VM_FAULT_PRESENT says.
 */
int uvm_fault_locked(struct mm *mm, uintptr_t addr, unsigned int access);

/*
 * Write n bytes into mm at uaddr through its pages, whether mm is the
 * current address space or not (exec's new stack, a fork child's
 * CLONE_CHILD_SETTID): copy-on-write applies. 0, -EFAULT, -ENOMEM.
 */
int uvm_write(struct mm *mm, uintptr_t uaddr, const void *src, size_t n);
int uvm_write_locked(struct mm *mm, uintptr_t uaddr, const void *src, size_t n);

/*
 * Read up to n bytes of mm at uaddr into dst, whether mm is current or
 * not (/proc/PID/cmdline, environ): the bytes read (fewer at an unmapped
 * or unreadable page), or -EFAULT if none.
 */
long uvm_read(struct mm *mm, uintptr_t uaddr, void *dst, size_t n);

/*
 * The file's pages from index first to end (exclusive) go from every
 * region that maps them (truncate, a punched hole), so that the next
 * access faults: beyond the end of the file, SIGBUS. even_cows: private
 * copies go too (truncate), else only the page cache's own pages. Takes
 * inode->mmap_lock; the caller holds the inode's lock, no mm->lock.
 */
void uvm_unmap_file(struct inode *inode, uint64_t first, uint64_t end,
		    bool even_cows);

/* Make [addr, addr + len) present now (MAP_POPULATE), mm->lock held. */
int uvm_populate(struct mm *mm, uintptr_t addr, size_t len, bool write);

/* The pages a task's RLIMIT_AS allows, and the check. */
bool uvm_may_grow(struct mm *mm, uint64_t pages);

/* Load mm for the current task (exec, the first switch). */
void uvm_activate(struct mm *mm);

void uvm_init(void);

#endif
