/*
 * User address spaces (<kernel/uvm.h>): struct mm and its regions.
 * Mapping a region only records it; pages come at the first touch
 * (uvm_fault.c). Unmapping splits regions at the edges and drops the
 * pages' references (a page shared copy-on-write stays for its other
 * users). Adjacent anonymous regions with the same flags are merged, so
 * that brk and a malloc's many small mmaps do not grow the tree.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/uvm.h>

#include "uvm_priv.h"

#define MMAP_MIN_ADDR 0x10000 /* vm.mmap_min_addr: page 0 stays unmapped */

static struct kmem_cache *mm_cache, *vma_cache;

static int vma_key(const void *key, const struct avl_node *n)
{
	uintptr_t a = *(const uintptr_t *)key;
	const struct vma *v = avl_entry(n, struct vma, node);

	return a < v->start ? -1 : a >= v->end ? 1 : 0;
}

static int vma_cmp(const struct avl_node *a, const struct avl_node *b)
{
	uintptr_t x = avl_entry(a, struct vma, node)->start;
	uintptr_t y = avl_entry(b, struct vma, node)->start;

	return x < y ? -1 : x > y;
}

struct vma *uvm_find(struct mm *mm, uintptr_t addr)
{
	struct avl_node *n = avl_find(&mm->vmas, &addr, vma_key);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *uvm_find_after(struct mm *mm, uintptr_t addr)
{
	struct avl_node *n = avl_lower_bound(&mm->vmas, &addr, vma_key);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *vma_next(struct vma *v)
{
	struct avl_node *n = avl_next(&v->node);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *vma_prev(struct vma *v)
{
	struct avl_node *n = avl_prev(&v->node);

	return n ? avl_entry(n, struct vma, node) : NULL;
}

struct vma *vma_alloc(void)
{
	return kmem_cache_zalloc(vma_cache);
}

struct vma *vma_dup(const struct vma *v)
{
	struct vma *n = kmem_cache_alloc(vma_cache); /* all of it set next */

	if (!n)
		return NULL;
	*n = *v;
	n->node = (struct avl_node){0};
	if (n->inode)
		inode_get(n->inode);
	path_get(&n->file_path);
	return n;
}

void vma_free(struct vma *v)
{
	if (v->inode) {
		vma_unlink_file(v);
		inode_put(v->inode);
	}
	path_put(&v->file_path);
	kmem_cache_free(vma_cache, v);
}

/* v joins mm (and, mapping a file, the file's list of regions). */
void vma_insert(struct mm *mm, struct vma *v)
{
	if (avl_insert(&mm->vmas, &v->node, vma_cmp))
		panic("uvm: overlapping regions at %lx", v->start);
	v->mm = mm;
	if (v->inode)
		vma_link_file(v);
}

static uint64_t pages(uintptr_t start, uintptr_t end)
{
	return (end - start) / PAGE_SIZE;
}

/* Split v at addr (inside it): v keeps the lower part; the upper one. */
struct vma *vma_split(struct mm *mm, struct vma *v, uintptr_t addr)
{
	struct vma *n = vma_dup(v);

	if (!n)
		return NULL;
	n->start = addr;
	if (n->inode)
		n->pgoff += pages(v->start, addr);
	v->end = addr;
	vma_insert(mm, n);
	return n;
}

/* Atomic: truncate zaps pages without the mm's lock (uvm_file.c). */
static void drop_page(uint64_t phys, void *arg)
{
	struct mm *mm = arg;

	page_put(phys_to_page(phys));
	__atomic_sub_fetch(&mm->rss_pages, 1, __ATOMIC_RELAXED);
}

/* Forget v's pages in [start, end). */
void vma_zap(struct mm *mm, uintptr_t start, uintptr_t end)
{
	if (vm_unmap_collect(mm->space, start, end - start, drop_page, mm))
		panic("uvm: unmap of %lx-%lx failed", start, end);
}

int uvm_unmap(struct mm *mm, uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;
	struct vma *v = uvm_find_after(mm, addr);

	while (v && v->start < end) {
		struct vma *next;

		if (v->start < addr && !(v = vma_split(mm, v, addr)))
			return -ENOMEM;
		if (v->end > end && !vma_split(mm, v, end))
			return -ENOMEM;
		next = vma_next(v);
		vma_zap(mm, v->start, v->end);
		mm->total_pages -= pages(v->start, v->end);
		avl_remove(&mm->vmas, &v->node);
		vma_free(v);
		v = next;
	}
	return 0;
}

/* Can a and b (a right below b) be one region? */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->flags != b->flags)
		return false;
	if (a->flags & (VMA_STACK | VMA_VDSO | VMA_VVAR))
		return false;
	if (a->inode != b->inode)
		return false;
	return !a->inode || a->pgoff + pages(a->start, a->end) == b->pgoff;
}

/* Merge v with its neighbours where possible. */
static void try_merge(struct mm *mm, struct vma *v)
{
	struct vma *prev = vma_prev(v), *next = vma_next(v);

	if (next && mergeable(v, next)) {
		v->end = next->end;
		avl_remove(&mm->vmas, &next->node);
		vma_free(next);
	}
	if (prev && mergeable(prev, v)) {
		prev->end = v->end;
		avl_remove(&mm->vmas, &v->node);
		vma_free(v);
	}
}

int uvm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned int flags,
	    struct inode *inode, uint64_t pgoff)
{
	struct vma *v;
	int err = uvm_unmap(mm, addr, len);

	if (err)
		return err;
	v = vma_alloc();
	if (!v)
		return -ENOMEM;
	v->start = addr;
	v->end = addr + len;
	v->flags = flags;
	v->inode = inode;
	v->pgoff = pgoff;
	if (inode)
		inode_get(inode);
	vma_insert(mm, v);
	mm->total_pages += pages(v->start, v->end);
	try_merge(mm, v);
	return 0;
}

void uvm_name_range(struct mm *mm, uintptr_t addr, size_t len,
		    const struct path *p)
{
	struct vma *v = uvm_find_after(mm, addr);

	for (; v && v->start < addr + len; v = uvm_find_after(mm, v->end)) {
		if (v->inode != p->dentry->inode || v->file_path.dentry)
			continue;
		v->file_path = *p;
		path_get(&v->file_path);
	}
}

/* The space below a stack region that nothing else may take. */
static uintptr_t guard_below(const struct vma *v)
{
	return v->flags & VMA_GROWSDOWN ? STACK_GUARD_GAP : 0;
}

static bool range_free(struct mm *mm, uintptr_t addr, size_t len)
{
	struct vma *v = uvm_find_after(mm, addr);

	if (addr < MMAP_MIN_ADDR || addr + len < addr ||
	    addr + len > vm_user_end())
		return false;
	return !v || v->start >= addr + len + guard_below(v);
}

uintptr_t uvm_find_free(struct mm *mm, size_t len, uintptr_t hint)
{
	uintptr_t top = mm->mmap_base;
	struct avl_node *n;

	if (hint && range_free(mm, ALIGN_DOWN(hint, PAGE_SIZE), len))
		return ALIGN_DOWN(hint, PAGE_SIZE);
	for (n = avl_last(&mm->vmas); n; n = avl_prev(n)) {
		struct vma *v = avl_entry(n, struct vma, node);

		if (v->start >= top)
			continue;
		if (v->end <= top && top - v->end >= len)
			return top - len;
		top = v->start > guard_below(v) ? v->start - guard_below(v) : 0;
	}
	return top >= MMAP_MIN_ADDR + len ? top - len : 0;
}

bool uvm_may_grow(struct mm *mm, uint64_t npages)
{
	struct proc *p = current_proc();
	uint64_t limit = p ? p->rlim[RLIMIT_AS].cur : RLIM_INFINITY;

	if (limit == RLIM_INFINITY)
		return true;
	return (mm->total_pages + npages) * PAGE_SIZE <= limit;
}

static int space_fault(struct vm_space *s, uintptr_t addr, unsigned int acc)
{
	return uvm_fault(s->owner, addr, acc);
}

static const struct vm_space_ops uvm_space_ops = {
	.fault = space_fault,
};

struct mm *mm_create(void)
{
	struct mm *mm = kmem_cache_zalloc(mm_cache);

	if (!mm)
		return NULL;
	mm->space = vm_space_create();
	if (!mm->space) {
		kmem_cache_free(mm_cache, mm);
		return NULL;
	}
	mm->space->ops = &uvm_space_ops;
	mm->space->owner = mm;
	mm->refcount = 1;
	mutex_init(&mm->lock, "mm");
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
}

/* Drop every page of mm, one walk for each run of near regions. */
static void zap_all(struct mm *mm)
{
	struct avl_node *n = avl_first(&mm->vmas);

	while (n) {
		struct vma *v = avl_entry(n, struct vma, node), *last = v;

		for (n = avl_next(n); n; n = avl_next(n)) {
			struct vma *w = avl_entry(n, struct vma, node);

			if (w->start - last->end > UVM_WALK_GAP)
				break;
			last = w;
		}
		vma_zap(mm, v->start, last->end);
	}
}

static void free_node(struct avl_node *n, void *arg)
{
	vma_free(avl_entry(n, struct vma, node));
}

void mm_put(struct mm *mm)
{
	if (!mm || __atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	(void)vm_space_retire(mm->space); /* else unmapped the usual way */
	zap_all(mm);
	avl_clear(&mm->vmas, free_node, NULL);
	vm_space_destroy(mm->space);
	if (mm->exe) {
		inode_allow_write_access(mm->exe);
		inode_put(mm->exe);
	}
	kmem_cache_free(mm_cache, mm);
}

void mm_set_exe(struct mm *mm, struct inode *in)
{
	inode_get(in);
	if (inode_deny_write_access(in))
		panic("mm: %p is open for writing after exec denied it",
		      (void *)in);
	mm->exe = in;
}

void uvm_activate(struct mm *mm)
{
	current_task()->space = mm->space;
	vm_space_switch(mm->space);
}

void uvm_init(void)
{
	mm_cache = kmem_cache_create("mm", sizeof(struct mm), 64);
	vma_cache = kmem_cache_create("vma", sizeof(struct vma), 8);
	if (!mm_cache || !vma_cache)
		panic("uvm: no memory for its caches");
}
