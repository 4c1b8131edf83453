/*
 * Loading an ELF program into a new address space for execve: the
 * headers are checked by the pure parser (<kernel/elf.h>), then each
 * PT_LOAD becomes regions of the new mm: its file part a private mapping
 * of the file's page cache (pages shared until written), the rest of its
 * memory size anonymous zero-fill, and the partial page between them
 * zeroed past the file's bytes. A position-independent program goes at
 * Linux's ELF_ET_DYN_BASE plus a random offset; an interpreter (the
 * dynamic linker) where mmap would put it.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>

#include "exec_priv.h"

#define ELF_ET_DYN_BASE 0x555555554000ULL
#define PIE_RANDOM_PAGES (1ULL << 28) /* mmap_rnd_bits: 28 */

/* Read n bytes at off of in's data (off + n within its size). */
static int read_file(struct inode *in, uint64_t off, void *buf, size_t n)
{
	uint8_t *dst = buf;

	while (n) {
		uint64_t po = off % PAGE_SIZE;
		size_t chunk = MIN(n, PAGE_SIZE - po);
		struct page *page;
		int err = inode_get_page(in, off / PAGE_SIZE, &page);

		if (err)
			return err;
		memcpy(dst, (uint8_t *)page_address(page) + po, chunk);
		page_put(page);
		dst += chunk;
		off += chunk;
		n -= chunk;
	}
	return 0;
}

static unsigned int vma_flags_of(uint32_t pf)
{
	return (pf & ELF_PF_R ? VMA_READ : 0) | (pf & ELF_PF_W ? VMA_WRITE : 0) |
	       (pf & ELF_PF_X ? VMA_EXEC : 0);
}

static int map_segment(struct mm *mm, struct inode *in,
		       const struct elf_load *l, uint64_t bias)
{
	uintptr_t start = ALIGN_DOWN(l->vaddr + bias, PAGE_SIZE);
	uintptr_t file_end = l->vaddr + bias + l->filesz;
	uintptr_t mem_end = ALIGN_UP(l->vaddr + bias + l->memsz, PAGE_SIZE);
	uintptr_t file_pages_end = ALIGN_UP(file_end, PAGE_SIZE);
	unsigned int flags = vma_flags_of(l->flags);
	static const uint8_t zeroes[256];
	int err = 0;

	if (l->filesz)
		err = uvm_map(mm, start, file_pages_end - start, flags, in,
			      ALIGN_DOWN(l->offset, PAGE_SIZE) / PAGE_SIZE);
	else
		file_pages_end = start;
	/* The bss's first bytes share a page with the file's last ones. */
	for (uintptr_t a = file_end; !err && l->filesz && a < file_pages_end &&
				     l->memsz > l->filesz && (flags & VMA_WRITE);
	     a += sizeof(zeroes))
		err = uvm_write_locked(mm, a, zeroes,
				   MIN(sizeof(zeroes), file_pages_end - a));
	if (!err && mem_end > file_pages_end)
		err = uvm_map(mm, file_pages_end, mem_end - file_pages_end,
			      flags, NULL, 0);
	return err;
}

static uint64_t choose_bias(struct mm *mm, const struct elf_exec *ex,
			    bool interp)
{
	uint64_t align = MAX(ex->max_align, PAGE_SIZE), base;

	if (ex->type == ELF_ET_EXEC)
		return 0;
	if (interp) {
		base = uvm_find_free(mm, ex->span + align, 0);
		return base ? ALIGN_UP(base, align) - ex->min_vaddr : 0;
	}
	base = ELF_ET_DYN_BASE;
	if (exec_randomize())
		base += (random_u64() % PIE_RANDOM_PAGES) * PAGE_SIZE;
	return ALIGN_UP(base, align) - ex->min_vaddr;
}

static int fail(const char *path, const char *why)
{
	klog(KLOG_INFO, "exec: %s: %s\n", path, why);
	return -ENOEXEC;
}

/* The ELF headers of in, checked into *ex. */
static int parse(struct inode *in, const char *path, struct elf_exec *ex)
{
	uint8_t hdr[ELF_EHDR_SIZE];
	size_t n = MIN(in->size, sizeof(hdr)), plen;
	const char *why = NULL;
	void *phdrs;
	int err = read_file(in, 0, hdr, n);

	if (!err && elf_parse_header(hdr, n, in->size, ex, &why))
		return fail(path, why);
	if (err)
		return err;
	plen = (size_t)ex->phnum * ELF_PHDR_SIZE;
	phdrs = kmalloc(plen);
	if (!phdrs)
		return -ENOMEM;
	err = read_file(in, ex->phoff, phdrs, plen);
	if (!err && elf_parse_phdrs(ex, phdrs, plen, in->size, vm_user_end(),
				    &why))
		err = fail(path, why);
	kfree(phdrs);
	return err;
}

static int read_interp(struct inode *in, const char *path,
		       const struct elf_exec *ex, struct exec_image *img)
{
	const char *why = NULL;
	int err;

	if (ex->interp_size > sizeof(img->interp))
		return fail(path, "interpreter path too long");
	err = read_file(in, ex->interp_off, img->interp, ex->interp_size);
	if (!err && elf_check_interp(img->interp, ex->interp_size, &why))
		return fail(path, why);
	return err;
}

int exec_load_elf(struct mm *mm, struct inode *in, const char *path,
		  bool interp, struct exec_image *img)
{
	struct elf_exec ex;
	int err = parse(in, path, &ex);

	if (err)
		return err;
	memset(img, 0, sizeof(*img));
	img->has_interp = ex.has_interp && !interp;
	if (ex.has_interp && interp)
		return fail(path, "an interpreter that needs an interpreter");
	if (img->has_interp && (err = read_interp(in, path, &ex, img)))
		return err;
	img->bias = choose_bias(mm, &ex, interp);
	for (unsigned int i = 0; i < ex.nloads && !err; i++)
		err = map_segment(mm, in, &ex.loads[i], img->bias);
	if (err)
		return err;
	img->entry = ex.entry + img->bias;
	img->phdr = ex.phdr_vaddr ? ex.phdr_vaddr + img->bias : 0;
	img->phnum = ex.phnum;
	img->end = ex.max_vaddr + img->bias;
	img->start_code = ex.min_vaddr + img->bias;
	img->end_code = ex.loads[0].vaddr + ex.loads[0].memsz + img->bias;
	img->start_data = ex.loads[ex.nloads - 1].vaddr + img->bias;
	img->end_data = img->end;
	img->exec_stack = ex.exec_stack;
	return 0;
}
