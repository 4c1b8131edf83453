/*
 * The checks execve runs on a user ELF file before mapping anything
 * (<kernel/elf.h>): the header, then the program header table, then the
 * interpreter path. The rules are Linux's (fs/binfmt_elf.c) where Linux
 * has one, so that what Linux runs runs here, plus the checks a loader
 * needs to be safe: every offset and size from the file is compared with
 * the file size by subtraction, never by an addition that could wrap, and
 * every segment end is computed only after it is known not to overflow.
 *
 * The file is read bytewise, little-endian, so the buffers need no
 * alignment. Pure code: also built for the host tests and the fuzzer.
 */
#include <kernel/elf.h>
#include <kernel/errno.h>

#define PAGE 4096ULL
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x) PAGE_DOWN((x) + PAGE - 1)
/* The highest address whose page can be rounded up without wrapping. */
#define ADDR_TOP (UINT64_MAX - (PAGE - 1))

#define EV_CURRENT 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_X86_64 62

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551

/* A program header, decoded. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = le32(p);
	ph->flags = le32(p + 4);
	ph->offset = le64(p + 8);
	ph->vaddr = le64(p + 16);
	ph->filesz = le64(p + 32);
	ph->memsz = le64(p + 40);
	ph->align = le64(p + 48);
}

/* Is [off, off + size) inside a file of file_size bytes? */
static bool in_file(uint64_t off, uint64_t size, uint64_t file_size)
{
	return off <= file_size && size <= file_size - off;
}

/* ---------------------------------------------------------------- header */

/* e_ident and the fixed fields; NULL if this is an x86_64 executable. */
static const char *check_ident(const uint8_t *h)
{
	if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
		return "not an ELF file";
	if (h[4] != ELFCLASS64)
		return "not a 64-bit ELF";
	if (h[5] != ELFDATA2LSB)
		return "not little-endian";
	if (h[6] != EV_CURRENT || le32(h + 20) != EV_CURRENT)
		return "unsupported ELF version";
	if (le16(h + 18) != EM_X86_64)
		return "not an x86_64 ELF";
	if (le16(h + 16) != ELF_ET_EXEC && le16(h + 16) != ELF_ET_DYN)
		return "not an executable or shared object";
	return NULL;
}

/* The program header table's shape and place. */
static const char *check_phdr_table(const uint8_t *h, uint64_t file_size)
{
	uint16_t phnum = le16(h + 56);

	if (le16(h + 54) != ELF_PHDR_SIZE)
		return "bad program header size";
	if (phnum == 0)
		return "no program headers";
	if (phnum > ELF_MAX_PHNUM)
		return "too many program headers";
	if (!in_file(le64(h + 32), (uint64_t)phnum * ELF_PHDR_SIZE, file_size))
		return "program headers outside the file";
	return NULL;
}

int elf_parse_header(const void *buf, size_t len, uint64_t file_size,
		     struct elf_exec *out, const char **why)
{
	const uint8_t *h = buf;

	*out = (struct elf_exec){0};
	/* The magic first: a short text file is "not an ELF file" too. */
	if (len >= 4 &&
	    (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F'))
		*why = "not an ELF file";
	else if (len < ELF_EHDR_SIZE || file_size < ELF_EHDR_SIZE)
		*why = "truncated ELF header";
	else if (!(*why = check_ident(h)))
		*why = check_phdr_table(h, file_size);
	if (*why)
		return -ENOEXEC;
	out->type = le16(h + 16);
	out->entry = le64(h + 24);
	out->phoff = le64(h + 32);
	out->phnum = le16(h + 56);
	return 0;
}

/* ---------------------------------------------------------------- phdrs */

/* One PT_LOAD's own fields: sizes, place in the file, alignment. */
static const char *check_load(const struct phdr *ph, uint64_t file_size)
{
	if (ph->filesz > ph->memsz)
		return "segment larger in the file than in memory";
	if (!in_file(ph->offset, ph->filesz, file_size))
		return "segment outside the file";
	/* mmap maps whole pages: the file page must match the memory page. */
	if (ph->vaddr % PAGE != ph->offset % PAGE)
		return "segment address and offset misaligned";
	if (ph->align > 1 && (ph->align & (ph->align - 1)))
		return "bad segment alignment";
	/* Leave room to round the end up to a page without wrapping. */
	if (ph->vaddr > ADDR_TOP || ph->memsz > ADDR_TOP - ph->vaddr)
		return "segment address overflow";
	return NULL;
}

/*
 * Add a PT_LOAD after the ones before it. Ascending order is an ELF rule
 * and makes the overlap check one comparison with the previous end. The
 * check is on exact bytes, not pages: two segments may share a page (the
 * end of text and the start of data, say), which Linux maps.
 */
static const char *add_load(struct elf_exec *ex, const struct phdr *ph,
			    uint64_t file_size)
{
	const char *why = check_load(ph, file_size);

	if (why)
		return why;
	if (ph->memsz == 0)
		return NULL; /* maps nothing; kept out of loads[] */
	if (ex->nloads > 0) {
		const struct elf_load *prev = &ex->loads[ex->nloads - 1];

		if (ph->vaddr < prev->vaddr)
			return "segments out of order";
		if (ph->vaddr < prev->vaddr + prev->memsz)
			return "overlapping segments";
	}
	if (ex->nloads == ELF_MAX_LOADS)
		return "too many PT_LOAD";
	ex->loads[ex->nloads++] = (struct elf_load){
		.vaddr = ph->vaddr,
		.offset = ph->offset,
		.filesz = ph->filesz,
		.memsz = ph->memsz,
		.align = ph->align,
		.flags = ph->flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X),
	};
	if (ph->align > ex->max_align)
		ex->max_align = ph->align;
	return NULL;
}

/* PT_INTERP: Linux's size bounds; the bytes are checked once read. */
static const char *add_interp(struct elf_exec *ex, const struct phdr *ph,
			      uint64_t file_size)
{
	/* Linux takes the first; two are a malformed file here. */
	if (ex->has_interp)
		return "more than one PT_INTERP";
	if (ph->filesz < ELF_INTERP_MIN || ph->filesz > ELF_INTERP_MAX)
		return "bad interpreter path size";
	if (!in_file(ph->offset, ph->filesz, file_size))
		return "interpreter path outside the file";
	ex->has_interp = true;
	ex->interp_off = ph->offset;
	ex->interp_size = ph->filesz;
	return NULL;
}

/* One program header of any type. */
static const char *add_phdr(struct elf_exec *ex, const struct phdr *ph,
			    uint64_t file_size, bool *has_phdr)
{
	switch (ph->type) {
	case PT_LOAD:
		return add_load(ex, ph, file_size);
	case PT_INTERP:
		return add_interp(ex, ph, file_size);
	case PT_GNU_STACK:
		/* Several: the last wins, as in Linux's loop. */
		ex->exec_stack = ph->flags & ELF_PF_X;
		return NULL;
	case PT_PHDR:
		ex->phdr_vaddr = ph->vaddr;
		*has_phdr = true;
		return NULL;
	case PT_DYNAMIC:
		ex->has_dynamic = true;
		return NULL;
	case PT_TLS: /* the C library sets up TLS from the phdrs itself */
	default:
		return NULL;
	}
}

/*
 * Without PT_PHDR, where the table is in memory: in the PT_LOAD whose file
 * bytes hold e_phoff, exactly as Linux computes AT_PHDR (since 5.18, and
 * the last such segment, as its loop does); 0 if none loads it.
 */
static uint64_t phdr_from_loads(const struct elf_exec *ex)
{
	uint64_t addr = 0;

	for (unsigned int i = 0; i < ex->nloads; i++) {
		const struct elf_load *l = &ex->loads[i];

		if (l->offset <= ex->phoff && ex->phoff - l->offset < l->filesz)
			addr = ex->phoff - l->offset + l->vaddr;
	}
	return addr;
}

static bool entry_in_loads(const struct elf_exec *ex)
{
	for (unsigned int i = 0; i < ex->nloads; i++) {
		const struct elf_load *l = &ex->loads[i];

		if (ex->entry >= l->vaddr && ex->entry - l->vaddr < l->memsz)
			return true;
	}
	return false;
}

/*
 * The whole image: its bounds against the user address space and the
 * entry point. The entry need not be executable (Linux does not check:
 * such a program faults at its first instruction, as it would there).
 */
static const char *check_layout(struct elf_exec *ex, uint64_t user_limit)
{
	const struct elf_load *last;

	if (ex->nloads == 0)
		return "no PT_LOAD segment";
	last = &ex->loads[ex->nloads - 1];
	ex->min_vaddr = PAGE_DOWN(ex->loads[0].vaddr);
	ex->max_vaddr = PAGE_UP(last->vaddr + last->memsz);
	ex->span = ex->max_vaddr - ex->min_vaddr;
	/* ET_EXEC is mapped where it says; ET_DYN anywhere it fits. */
	if (ex->type == ELF_ET_EXEC && ex->max_vaddr > user_limit)
		return "segment above the user address space";
	if (ex->type == ELF_ET_DYN && ex->span > user_limit)
		return "image larger than the user address space";
	if (!entry_in_loads(ex))
		return "entry point outside the segments";
	return NULL;
}

/*
 * Reset what elf_parse_phdrs fills, keeping the header's fields. Without
 * PT_GNU_STACK the stack is not executable: Linux on x86_64 with NX
 * (since 5.8; the table in arch/x86/include/asm/elf.h) no longer sets
 * READ_IMPLIES_EXEC for a 64-bit binary lacking it ("exec-none").
 */
static void reset_phdr_fields(struct elf_exec *ex)
{
	*ex = (struct elf_exec){
		.type = ex->type,
		.entry = ex->entry,
		.phoff = ex->phoff,
		.phnum = ex->phnum,
		.max_align = PAGE,
	};
}

int elf_parse_phdrs(struct elf_exec *ex, const void *phdrs, size_t len,
		    uint64_t file_size, uint64_t user_limit, const char **why)
{
	const uint8_t *p = phdrs;
	bool has_phdr = false;

	reset_phdr_fields(ex);
	*why = NULL;
	/* ex comes from elf_parse_header, but the table read must fit. */
	if (ex->phnum == 0 || ex->phnum > ELF_MAX_PHNUM || !p)
		*why = "bad program header count";
	else if (len / ELF_PHDR_SIZE < ex->phnum)
		*why = "truncated program headers";
	for (unsigned int i = 0; !*why && i < ex->phnum; i++) {
		struct phdr ph;

		read_phdr(p + (size_t)i * ELF_PHDR_SIZE, &ph);
		*why = add_phdr(ex, &ph, file_size, &has_phdr);
	}
	if (!*why)
		*why = check_layout(ex, user_limit);
	if (*why)
		return -ENOEXEC;
	if (!has_phdr)
		ex->phdr_vaddr = phdr_from_loads(ex);
	return 0;
}

int elf_check_interp(const char *path, size_t size, const char **why)
{
	*why = NULL;
	if (!path || size < ELF_INTERP_MIN || size > ELF_INTERP_MAX)
		*why = "bad interpreter path size";
	else if (path[size - 1] != '\0')
		*why = "interpreter path not NUL-terminated";
	else if (path[0] == '\0')
		*why = "empty interpreter path";
	return *why ? -ENOEXEC : 0;
}
