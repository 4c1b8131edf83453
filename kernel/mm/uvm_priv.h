/*
 * Shared by the user-memory files of kernel/mm/ (uvm.c, uvm_fault.c,
 * uvm_fork.c, mmap.c) only.
 */
#ifndef UVM_PRIV_H
#define UVM_PRIV_H

#include <kernel/uvm.h>

/*
 * Regions less than this far apart have their pages copied (fork) or
 * dropped (exit) by one page-table walk: it looks at each slot between
 * them, cheaper than a walk of its own for a few pages.
 */
#define UVM_WALK_GAP (16 * PAGE_SIZE)

struct vma *vma_alloc(void);
/* A copy of v, in no tree or list yet, with references of its own to
 * what v's fields refer to (file, path); NULL without memory. */
struct vma *vma_dup(const struct vma *v);
void vma_free(struct vma *v);
void vma_insert(struct mm *mm, struct vma *v);
struct vma *vma_split(struct mm *mm, struct vma *v, uintptr_t addr);
struct vma *vma_next(struct vma *v);
struct vma *vma_prev(struct vma *v);
/* Drop the pages mapped in [start, end) (the region stays). */
void vma_zap(struct mm *mm, uintptr_t start, uintptr_t end);

/*
 * Map the present pages of from's [start, end) into to at va + delta
 * with prot, each with a reference of its own (fork, mremap): 0,
 * -ENOMEM. from may be to. Neither mm's page tables may be locked.
 */
int uvm_share_pages(struct mm *from, uintptr_t start, uintptr_t end,
		    struct mm *to, intptr_t delta, unsigned int prot);

/*
 * uvm_file.c: v (with an inode) joins or leaves its inode's list of
 * regions; v->mm is set. Both take inode->mmap_lock.
 */
void vma_link_file(struct vma *v);
void vma_unlink_file(struct vma *v);
/* vma_link_file with v->inode->mmap_lock held. */
void vma_link_file_locked(struct vma *v);

/* mmap's PROT_* as VMA_* flags. */
unsigned int prot_to_vma(unsigned long prot);

/* The page-table protection for a region's pages (VM_*). */
unsigned int vma_prot(const struct vma *v);

#endif
