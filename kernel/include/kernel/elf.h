/*
 * Validation of a Linux x86_64 user executable before execve maps it: a
 * static or dynamically linked ET_EXEC, a (static-)PIE ET_DYN, or an
 * ET_DYN interpreter such as ld.so. Nothing is mapped or read here; the
 * parser says what to map and refuses files the loader must not trust.
 *
 * Three steps, so that the exec code reads only what it needs through the
 * VFS: the 64-byte ELF header (elf_parse_header), then the program header
 * table it points at (elf_parse_phdrs), then, for a PT_INTERP, the
 * interpreter path at interp_off (elf_check_interp). Each failure is
 * -ENOEXEC with a short reason in *why for the log.
 *
 * Pure code (kernel/proc/elf.c), also built for the host tests and the
 * fuzzer. Not the boot loader's kernel ELF loader (boot/src/elf.c).
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_EHDR_SIZE 64
#define ELF_PHDR_SIZE 56

#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3

/* Segment permissions (p_flags). */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/*
 * At most this many program headers: Linux (load_elf_phdrs) refuses a
 * table larger than one page, 4096 / 56 = 73 entries on x86_64, so no
 * Linux binary has more.
 */
#define ELF_MAX_PHNUM 73
/* At most this many PT_LOAD segments with a size; linkers emit 2-5. */
#define ELF_MAX_LOADS 16
/* PT_INTERP size bounds, with the NUL, as Linux checks them. */
#define ELF_INTERP_MIN 2
#define ELF_INTERP_MAX 4096

/* A PT_LOAD, as in the file (addresses are link-time). */
struct elf_load {
	uint64_t vaddr, offset, filesz, memsz, align;
	uint32_t flags; /* ELF_PF_* */
};

/*
 * What the loader needs. Addresses are link-time: for ET_DYN the loader
 * adds the load bias it picks (base - min_vaddr) to all of them.
 */
struct elf_exec {
	/* From elf_parse_header. */
	uint16_t type; /* ELF_ET_EXEC or ELF_ET_DYN */
	uint64_t entry;
	uint64_t phoff;
	uint16_t phnum;

	/* From elf_parse_phdrs. */
	struct elf_load loads[ELF_MAX_LOADS]; /* ascending, not overlapping */
	unsigned int nloads;
	uint64_t min_vaddr; /* first segment's start, page-aligned down */
	uint64_t max_vaddr; /* last segment's end, page-aligned up */
	uint64_t span;	    /* max_vaddr - min_vaddr */
	uint64_t max_align; /* largest p_align of a PT_LOAD, at least 4096 */
	bool has_interp;    /* PT_INTERP: a dynamically linked program */
	uint64_t interp_off, interp_size; /* its path in the file, NUL incl. */
	bool exec_stack;		  /* PT_GNU_STACK has PF_X */
	uint64_t phdr_vaddr; /* for AT_PHDR; 0 if the headers are not loaded */
	bool has_dynamic;    /* PT_DYNAMIC (a PIE relocates itself) */
};

/*
 * Check the ELF header. buf holds the first len bytes of a file of
 * file_size bytes, at least min(file_size, 64). Checks the magic, 64-bit,
 * little-endian, version 1, x86_64, ET_EXEC or ET_DYN, 56-byte program
 * headers, 1..ELF_MAX_PHNUM of them, inside the file. Fills type, entry,
 * phoff, phnum (the rest of *out is zeroed). Returns 0, or -ENOEXEC with
 * *why ("not an ELF file", "not an x86_64 ELF", ...).
 */
int elf_parse_header(const void *buf, size_t len, uint64_t file_size,
		     struct elf_exec *out, const char **why);

/*
 * Check the program header table (phdrs, len >= phnum * 56 bytes, read
 * from phoff) of the file elf_parse_header accepted into *ex, and fill the
 * rest of *ex. user_limit is the end of the user address space (2^47):
 * an ET_EXEC must end below it, an ET_DYN's span must fit under it.
 * Returns 0, or -ENOEXEC with *why ("segment outside the file",
 * "overlapping segments", "too many PT_LOAD", ...).
 */
int elf_parse_phdrs(struct elf_exec *ex, const void *phdrs, size_t len,
		    uint64_t file_size, uint64_t user_limit, const char **why);

/*
 * Check the interpreter path read from interp_off (size bytes, which is
 * interp_size): NUL-terminated in its last byte and not empty, as Linux
 * requires. Returns 0, or -ENOEXEC with *why.
 */
int elf_check_interp(const char *path, size_t size, const char **why);

#endif
