/*
 * The kernel ELF loader. elf_parse() checks an untrusted file against what
 * rastboot can load (an x86_64 ELF64 executable whose PT_LOAD segments
 * ascend in the higher half, with its entry in executable code) and records
 * the layout; elf_load() copies the segments into a buffer standing for
 * [vaddr_min, vaddr_max) and applies the RELA and RELR relocations for the
 * KASLR slide the caller picked.
 *
 * No offset, size or address from the file is trusted: every read of file
 * data past the program headers goes through file_range(), which only hands
 * out bytes that some segment loads from the file, and every relocation
 * write goes through reloc_target(), which keeps it inside the image.
 * Relocation tables and symbols are read from the file, never from the
 * image being patched, so one relocation cannot rewrite another.
 */
#include "elf.h"

#define PAGE_SIZE 4096ULL
#define IMAGE_SPAN_MAX (1ULL << 30) /* a sane kernel is far smaller */
#define ALIGN_MAX (1ULL << 30)

/* Sizes of the ELF64 structures, as laid out in the file. */
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define DYN_SIZE 16
#define RELA_SIZE 24
#define RELR_SIZE 8
#define SYM_SIZE 24

#define EM_X86_64 62
#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define SHN_UNDEF 0
#define SHN_ABS 0xfff1

#define DT_NULL 0
#define DT_PLTRELSZ 2
#define DT_SYMTAB 6
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_SYMENT 11
#define DT_RELSZ 18
#define DT_RELRSZ 35
#define DT_RELR 36
#define DT_RELRENT 37

#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_RELATIVE 8

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

static void read_phdr(const uint8_t *p, struct elf_phdr *ph)
{
	ph->type = get_le32(p);
	ph->flags = get_le32(p + 4);
	ph->offset = get_le64(p + 8);
	ph->vaddr = get_le64(p + 16);
	ph->filesz = get_le64(p + 32);
	ph->memsz = get_le64(p + 40);
	ph->align = get_le64(p + 48);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The file bytes that a segment loads at [vaddr, vaddr + len), or NULL if
 * no single segment loads all of them from the file (bss has no bytes).
 */
static const uint8_t *file_range(const struct elf_image *img,
				 const uint8_t *file, size_t size,
				 uint64_t vaddr, uint64_t len)
{
	for (int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->offset > size || s->filesz > size - s->offset)
			continue;
		if (vaddr < s->vaddr || len > s->filesz ||
		    vaddr - s->vaddr > s->filesz - len)
			continue;
		return file + s->offset + (vaddr - s->vaddr);
	}
	return NULL;
}

/* e_ident and the fixed header fields; NULL if rastboot can load the type. */
static const char *check_header(const uint8_t *f, size_t size)
{
	if (size < EHDR_SIZE || f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' ||
	    f[3] != 'F')
		return "not an ELF file";
	if (f[4] != 2)
		return "not a 64-bit ELF";
	if (f[5] != 1)
		return "not little-endian";
	if (f[6] != 1 || get_le32(f + 20) != 1)
		return "unsupported ELF version";
	if (get_le16(f + 18) != EM_X86_64)
		return "not an x86_64 ELF";
	if (get_le16(f + 16) != ET_EXEC && get_le16(f + 16) != ET_DYN)
		return "not an executable";
	if (get_le16(f + 54) != PHDR_SIZE)
		return "bad program header size";

	uint64_t phoff = get_le64(f + 32);
	uint64_t phsize = (uint64_t)get_le16(f + 56) * PHDR_SIZE;
	if (phoff > size || phsize > size - phoff)
		return "program headers outside the file";
	return NULL;
}

/* Check one PT_LOAD against the file and the segments before it. */
static const char *add_segment(struct elf_image *img, const struct elf_phdr *ph,
			       uint64_t min_vaddr, size_t size)
{
	const uint64_t top = UINT64_MAX - (PAGE_SIZE - 1);

	if (ph->filesz > ph->memsz)
		return "segment larger in the file than in memory";
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return "segment outside the file";
	/* Leave room to round the end up to a page without wrapping. */
	if (ph->vaddr > top || ph->memsz > top - ph->vaddr)
		return "segment address overflow";
	if (ph->vaddr < min_vaddr)
		return "segment below the higher half";
	if (ph->align & (ph->align - 1) || ph->align > ALIGN_MAX)
		return "bad segment alignment";
	if (ph->memsz == 0)
		return NULL; /* loads nothing; ld emits these rarely */

	if (img->segment_count > 0) {
		const struct elf_segment *prev =
			&img->segments[img->segment_count - 1];
		/* Ascending order is an ELF rule; it makes this one check. */
		if (ph->vaddr < prev->vaddr + prev->memsz)
			return "overlapping segments";
	}
	if (img->segment_count == ELF_MAX_SEGMENTS)
		return "too many segments";

	img->segments[img->segment_count++] = (struct elf_segment){
		.vaddr = ph->vaddr,
		.memsz = ph->memsz,
		.filesz = ph->filesz,
		.offset = ph->offset,
		.flags = ph->flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X),
	};
	img->align = MAX(img->align, ph->align);
	return NULL;
}

/* Bounds of the whole image and where the entry point lies. */
static const char *check_layout(struct elf_image *img)
{
	if (img->segment_count == 0)
		return "no loadable segment";

	const struct elf_segment *last = &img->segments[img->segment_count - 1];
	img->vaddr_min = ALIGN_DOWN(img->segments[0].vaddr, PAGE_SIZE);
	img->vaddr_max = ALIGN_UP(last->vaddr + last->memsz, PAGE_SIZE);
	if (img->vaddr_max - img->vaddr_min > IMAGE_SPAN_MAX)
		return "image too large";

	for (int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (img->entry < s->vaddr || img->entry - s->vaddr >= s->memsz)
			continue;
		return s->flags & ELF_PF_X ? NULL
					   : "entry point not executable";
	}
	return "entry point outside the image";
}

/* The dynamic tags the loader acts on; seen[] tells present from zero. */
struct dyn_info {
	uint64_t val[DT_RELRENT + 1];
	bool seen[DT_RELRENT + 1];
};

static const char *read_dynamic(const struct elf_image *img,
				const uint8_t *file, size_t size,
				const struct elf_phdr *dyn, struct dyn_info *di)
{
	if (dyn->filesz % DYN_SIZE)
		return "bad dynamic section";
	const uint8_t *d = file_range(img, file, size, dyn->vaddr, dyn->filesz);
	if (!d)
		return "bad dynamic section";

	for (uint64_t off = 0; off < dyn->filesz; off += DYN_SIZE) {
		uint64_t tag = get_le64(d + off);

		if (tag == DT_NULL)
			break;
		if (tag < ARRAY_SIZE(di->val)) {
			di->val[tag] = get_le64(d + off + 8);
			di->seen[tag] = true;
		}
	}
	return NULL;
}

/*
 * One relocation table (RELA or RELR): address and size come together or
 * not at all, the entry size is the only one rastboot knows, and the table
 * must be file data inside the image.
 */
static const char *check_table(const struct elf_image *img, const uint8_t *file,
			       size_t size, const struct dyn_info *di,
			       int addr_tag, int size_tag, int ent_tag,
			       uint64_t ent)
{
	uint64_t len = di->val[size_tag];

	if (di->seen[ent_tag] && di->val[ent_tag] != ent)
		return "bad dynamic section";
	if (!di->seen[addr_tag])
		return len ? "bad dynamic section" : NULL;
	if (!di->seen[size_tag] || len % ent)
		return "bad dynamic section";
	if (len && !file_range(img, file, size, di->val[addr_tag], len))
		return "relocation table outside the image";
	return NULL;
}

static const char *parse_dynamic(struct elf_image *img, const uint8_t *file,
				 size_t size, const struct elf_phdr *dyn)
{
	struct dyn_info di = {0};
	const char *why = read_dynamic(img, file, size, dyn, &di);

	if (!why && (di.val[DT_RELSZ] || di.val[DT_PLTRELSZ]))
		why = "unsupported relocation table (rel or plt)";
	if (!why && di.seen[DT_SYMENT] && di.val[DT_SYMENT] != SYM_SIZE)
		why = "bad dynamic section";
	if (!why)
		why = check_table(img, file, size, &di, DT_RELA, DT_RELASZ,
				  DT_RELAENT, RELA_SIZE);
	if (!why)
		why = check_table(img, file, size, &di, DT_RELR, DT_RELRSZ,
				  DT_RELRENT, RELR_SIZE);
	if (why)
		return why;

	img->rela_vaddr = di.val[DT_RELA];
	img->rela_size = di.val[DT_RELASZ];
	img->relr_vaddr = di.val[DT_RELR];
	img->relr_size = di.val[DT_RELRSZ];
	img->symtab_vaddr = di.val[DT_SYMTAB];
	return NULL;
}

/* Walk the program headers: segments into img, the PT_DYNAMIC into *dyn. */
static const char *read_phdrs(struct elf_image *img, const uint8_t *f,
			      size_t size, uint64_t min_vaddr,
			      struct elf_phdr *dyn, bool *has_dyn)
{
	uint64_t phoff = get_le64(f + 32);
	unsigned phnum = get_le16(f + 56);

	for (unsigned i = 0; i < phnum; i++) {
		struct elf_phdr ph;
		const char *why = NULL;

		read_phdr(f + phoff + (uint64_t)i * PHDR_SIZE, &ph);
		if (ph.type == PT_LOAD) {
			why = add_segment(img, &ph, min_vaddr, size);
		} else if (ph.type == PT_DYNAMIC) {
			if (*has_dyn)
				why = "bad dynamic section";
			*dyn = ph;
			*has_dyn = true;
		}
		if (why)
			return why;
	}
	return NULL;
}

int elf_parse(const void *file, size_t size, uint64_t min_vaddr,
	      struct elf_image *img, const char **why)
{
	const uint8_t *f = file;
	struct elf_phdr dyn = {0};
	bool has_dyn = false;

	*img = (struct elf_image){.align = PAGE_SIZE};
	*why = check_header(f, size);
	if (!*why) {
		img->entry = get_le64(f + 24);
		*why = read_phdrs(img, f, size, min_vaddr, &dyn, &has_dyn);
	}
	if (!*why)
		*why = check_layout(img);
	/* Even an ET_EXEC may carry relocations; they are applied at slide 0. */
	if (!*why && has_dyn)
		*why = parse_dynamic(img, f, size, &dyn);
	if (*why)
		return -ENOEXEC;

	img->relocatable = get_le16(f + 16) == ET_DYN && has_dyn;
	return 0;
}

/* ---------------------------------------------------------- loading */

struct reloc_ctx {
	const struct elf_image *img;
	const uint8_t *file;
	size_t size;
	uint8_t *dst;
	uint64_t slide;
};

/* Where the 8 bytes at link address vaddr live in dst, if in the image. */
static uint8_t *reloc_target(const struct reloc_ctx *rc, uint64_t vaddr)
{
	const struct elf_image *img = rc->img;

	if (vaddr < img->vaddr_min || vaddr > img->vaddr_max - 8)
		return NULL;
	return rc->dst + (vaddr - img->vaddr_min);
}

/* The message names the type, so it cannot be a constant string. */
static const char *unsupported_type(uint32_t type)
{
	static const char prefix[] = "unsupported relocation type ";
	static char msg[sizeof(prefix) + 10];
	char digits[10];
	size_t len = sizeof(prefix) - 1;
	int n = 0;

	do {
		digits[n++] = (char)('0' + type % 10);
		type /= 10;
	} while (type);
	memcpy(msg, prefix, len);
	while (n)
		msg[len++] = digits[--n];
	msg[len] = '\0';
	return msg;
}

/* S for R_X86_64_64: the symbol's run-time address (absolute ones stay). */
static const char *symbol_value(const struct reloc_ctx *rc, uint32_t index,
				uint64_t *value)
{
	uint64_t symtab = rc->img->symtab_vaddr;
	uint64_t off = (uint64_t)index * SYM_SIZE;

	*value = 0;
	if (index == 0)
		return NULL; /* STN_UNDEF: the ELF rule is S = 0 */
	if (!symtab)
		return "relocation without a symbol table";
	const uint8_t *sym = symtab > UINT64_MAX - off
				     ? NULL
				     : file_range(rc->img, rc->file, rc->size,
						  symtab + off, SYM_SIZE);
	if (!sym)
		return "symbol outside the image";

	uint16_t shndx = get_le16(sym + 6);
	if (shndx == SHN_UNDEF)
		return "undefined symbol in relocation";
	*value = get_le64(sym + 8) + (shndx == SHN_ABS ? 0 : rc->slide);
	return NULL;
}

static const char *apply_rela_one(const struct reloc_ctx *rc,
				  const uint8_t *rela)
{
	uint64_t where = get_le64(rela);
	uint64_t info = get_le64(rela + 8);
	uint64_t addend = get_le64(rela + 16);
	uint32_t type = (uint32_t)info;
	uint64_t value;

	switch (type) {
	case R_X86_64_NONE:
		return NULL;
	case R_X86_64_RELATIVE:
		value = rc->slide + addend;
		break;
	case R_X86_64_64: {
		const char *why =
			symbol_value(rc, (uint32_t)(info >> 32), &value);
		if (why)
			return why;
		value += addend;
		break;
	}
	default:
		return unsupported_type(type);
	}

	uint8_t *p = reloc_target(rc, where);
	if (!p)
		return "relocation outside the image";
	put_le64(p, value);
	return NULL;
}

static const char *apply_rela(const struct reloc_ctx *rc)
{
	const struct elf_image *img = rc->img;
	const uint8_t *tab = file_range(img, rc->file, rc->size,
					img->rela_vaddr, img->rela_size);

	if (!tab || img->rela_size % RELA_SIZE)
		return "relocation table outside the image";
	for (uint64_t off = 0; off < img->rela_size; off += RELA_SIZE) {
		const char *why = apply_rela_one(rc, tab + off);
		if (why)
			return why;
	}
	return NULL;
}

/* A RELR target holds its link-time address; it moves by the slide. */
static const char *relr_slide(const struct reloc_ctx *rc, uint64_t vaddr)
{
	uint8_t *p = reloc_target(rc, vaddr);

	if (!p)
		return "relocation outside the image";
	put_le64(p, get_le64(p) + rc->slide);
	return NULL;
}

/*
 * RELR: an even entry is an address to relocate; an odd one is a bitmap
 * whose bits 1..63 stand for the 63 words after the last address covered.
 */
static const char *apply_relr(const struct reloc_ctx *rc)
{
	const struct elf_image *img = rc->img;
	const uint8_t *tab = file_range(img, rc->file, rc->size,
					img->relr_vaddr, img->relr_size);
	uint64_t where = 0;
	bool have_base = false;
	const char *why = NULL;

	if (!tab || img->relr_size % RELR_SIZE)
		return "relocation table outside the image";
	for (uint64_t off = 0; off < img->relr_size && !why; off += RELR_SIZE) {
		uint64_t entry = get_le64(tab + off);

		if (!(entry & 1)) {
			why = relr_slide(rc, entry);
			where = entry + 8;
			have_base = true;
			continue;
		}
		if (!have_base)
			return "bad relr relocation table";
		for (int bit = 1; bit < 64 && !why; bit++) {
			if (entry >> bit & 1)
				why = relr_slide(rc, where + (bit - 1) * 8);
		}
		where += 63 * 8;
	}
	return why;
}

/* Copy the file-backed part of each segment; everything else is zero. */
static const char *copy_segments(const struct elf_image *img,
				 const uint8_t *file, size_t size, uint8_t *dst)
{
	uint64_t span = img->vaddr_max - img->vaddr_min;

	if (img->segment_count < 0 || img->segment_count > ELF_MAX_SEGMENTS ||
	    img->vaddr_max <= img->vaddr_min || span > IMAGE_SPAN_MAX ||
	    img->vaddr_min % PAGE_SIZE || span % PAGE_SIZE)
		return "bad image description";
	memset(dst, 0, span);
	for (int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t at = s->vaddr - img->vaddr_min;

		/* Rechecked so a stale img cannot write outside dst. */
		if (s->offset > size || s->filesz > size - s->offset ||
		    s->vaddr < img->vaddr_min || at > span ||
		    s->filesz > span - at)
			return "segment outside the file";
		memcpy(dst + at, file + s->offset, s->filesz);
	}
	return NULL;
}

/*
 * The slide is an offset modulo 2^64, so a caller may move an image down
 * as well as up; what it may not do is make the image wrap around.
 */
static const char *check_slide(const struct elf_image *img, uint64_t slide)
{
	uint64_t lo = img->vaddr_min + slide;

	if (slide == 0)
		return NULL;
	if (!img->relocatable)
		return "image is not relocatable";
	if (slide % PAGE_SIZE)
		return "slide not page-aligned";
	if (lo + (img->vaddr_max - img->vaddr_min - 1) < lo)
		return "slide wraps the image around the address space";
	return NULL;
}

int elf_load(const struct elf_image *img, const void *file, size_t size,
	     void *dst, uint64_t slide, const char **why)
{
	struct reloc_ctx rc = {img, file, size, dst, slide};

	*why = check_slide(img, slide);
	if (!*why)
		*why = copy_segments(img, file, size, dst);
	/*
	 * Applied even at slide 0: a RELA place need not hold its value, and
	 * a bad table should fail the same with and without KASLR.
	 */
	if (!*why && img->rela_size)
		*why = apply_rela(&rc);
	if (!*why && img->relr_size)
		*why = apply_relr(&rc);
	return *why ? -ENOEXEC : 0;
}
