/*
 * Loading the kernel ELF: validation of an untrusted file, copying its
 * segments into place and applying its relocations for a chosen slide.
 * Pure code, also built for the host tests.
 */
#ifndef RASTBOOT_ELF_H
#define RASTBOOT_ELF_H

#include "lib.h"

#define ELF_MAX_SEGMENTS 16

/* Permissions of a PT_LOAD segment (ELF p_flags). */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf_segment {
	uint64_t vaddr; /* link-time virtual address */
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset; /* in the file */
	uint32_t flags;	 /* ELF_PF_* */
};

struct elf_image {
	uint64_t entry;	    /* link-time */
	uint64_t vaddr_min; /* lowest segment address, page-aligned down */
	uint64_t vaddr_max; /* end of the highest segment, page-aligned up */
	uint64_t align;	    /* largest p_align (at least 4096) */
	bool relocatable;   /* ET_DYN with PT_DYNAMIC: may be slid */
	int segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	/*
	 * From PT_DYNAMIC: link-time addresses (0 if absent), read through
	 * the segment that loads them from the file; sizes in bytes.
	 */
	uint64_t rela_vaddr, rela_size;
	uint64_t relr_vaddr, relr_size;
	uint64_t symtab_vaddr;
};

/*
 * Validate file (size bytes) as an x86_64 ELF64 executable whose segments
 * all lie at or above min_vaddr, and describe it in img. Returns 0, or
 * -ENOEXEC with a one-line reason in *why ("not an ELF file", "not a 64-bit
 * ELF", "not an x86_64 ELF", "segment outside the file", ...).
 */
int elf_parse(const void *file, size_t size, uint64_t min_vaddr,
	      struct elf_image *img, const char **why);

/*
 * Copy the segments into dst, which stands for [vaddr_min, vaddr_max) and
 * is vaddr_max - vaddr_min bytes; zero the rest (bss, gaps). Then apply
 * the dynamic relocations for the image running at link address + slide
 * (modulo 2^64: a slide may move the image down; a non-zero slide needs a
 * relocatable image and page alignment).
 * Returns 0, or -ENOEXEC with *why ("unsupported relocation type 37", ...).
 */
int elf_load(const struct elf_image *img, const void *file, size_t size,
	     void *dst, uint64_t slide, const char **why);

#endif
