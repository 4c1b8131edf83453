/*
 * Host tests for boot/src/elf.c. A small in-memory ELF builder makes a
 * kernel-shaped image (text, read-only data holding PT_DYNAMIC, RELA, RELR
 * and a dynsym, data with bss) so every check can be aimed at one field.
 * The cases cover: what a good image parses to, relocation results at
 * slide 0 and a real slide, each rejection reason, and thousands of
 * deterministic mutations that must fail cleanly rather than crash (the
 * sanitizers watch every read and write; files and images are allocated
 * at their exact size so an overrun by one byte is caught).
 *
 *   test_elf [KERNEL.ELF...]     also check real kernels (default:
 *                                build/kernel/kernel.elf, skipped if absent)
 *   test_elf --write-seeds DIR   write the built images as fuzzer seeds
 */
#include "testlib.h"
#include "elf.h"
#include <limine.h>

#include <errno.h>
#include <stdint.h>

#define BASE 0xffffffff80000000ULL
#define HIGHER_HALF 0xffff800000000000ULL
#define VA(off) (BASE + (off)) /* every segment: vaddr = BASE + offset */
#define FILE_SIZE 0x4000
#define IMAGE_SIZE 0x6000 /* text, gap, rodata, data + bss */
#define SLIDE 0x123000ULL

/* Field offsets in the file, for building and for aiming mutations. */
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define PH(i, field) (0x40 + (i)*56 + (field))
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40
#define P_ALIGN 48
#define DYN_OFF 0x2000
#define DYN_TAG(i) (DYN_OFF + (i)*16)
#define DYN_VAL(i) (DYN_TAG(i) + 8)
#define RELA_OFF 0x2100
#define RELA(i) (RELA_OFF + (i)*24)
#define RELR_OFF 0x2400
#define RELR(i) (RELR_OFF + (i)*8)
#define SYM_OFF 0x2600
#define SYM(i) (SYM_OFF + (i)*24)

/* Program header indices and dynamic entry indices in the built image. */
enum { PH_TEXT, PH_RODATA, PH_DATA, PH_DYNAMIC, PH_STACK, PH_COUNT };
enum {
	D_RELA,
	D_RELASZ,
	D_RELAENT,
	D_RELR,
	D_RELRSZ,
	D_RELRENT,
	D_SYMTAB,
	D_SYMENT
};

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_GNU_STACK 0x6474e551
#define R_NONE 0
#define R_64 1
#define R_RELATIVE 8
#define RELA_COUNT 8
#define RELR_COUNT 4
#define UNKNOWN_TAG 0x7fffffffULL /* a dynamic tag the loader ignores */

static void put(uint8_t *f, size_t off, int width, uint64_t v)
{
	for (int i = 0; i < width; i++)
		f[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_phdr(uint8_t *f, int i, uint32_t type, uint32_t flags,
		     uint64_t off, uint64_t filesz, uint64_t memsz,
		     uint64_t align)
{
	put(f, PH(i, P_TYPE), 4, type);
	put(f, PH(i, P_FLAGS), 4, flags);
	put(f, PH(i, P_OFFSET), 8, off);
	put(f, PH(i, P_VADDR), 8, type == PT_GNU_STACK ? 0 : VA(off));
	put(f, PH(i, 24), 8, type == PT_GNU_STACK ? 0 : VA(off));
	put(f, PH(i, P_FILESZ), 8, filesz);
	put(f, PH(i, P_MEMSZ), 8, memsz);
	put(f, PH(i, P_ALIGN), 8, align);
}

static void put_ehdr(uint8_t *f, int type, int phnum)
{
	memcpy(f,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	put(f, EH_TYPE, 2, type);
	put(f, EH_MACHINE, 2, 62);
	put(f, EH_VERSION, 4, 1);
	put(f, EH_ENTRY, 8, VA(0x1000));
	put(f, EH_PHOFF, 8, 0x40);
	put(f, 52, 2, 64); /* e_ehsize */
	put(f, EH_PHENTSIZE, 2, 56);
	put(f, EH_PHNUM, 2, phnum);
	put(f, 58, 2, 64); /* e_shentsize */
}

static void put_rela(uint8_t *f, int i, uint64_t where, uint32_t sym,
		     uint32_t type, uint64_t addend)
{
	put(f, RELA(i), 8, where);
	put(f, RELA(i) + 8, 8, (uint64_t)sym << 32 | type);
	put(f, RELA(i) + 16, 8, addend);
}

static void put_sym(uint8_t *f, int i, uint16_t shndx, uint64_t value)
{
	put(f, SYM(i) + 4, 1, 0x12); /* STB_GLOBAL, STT_FUNC */
	put(f, SYM(i) + 6, 2, shndx);
	put(f, SYM(i) + 8, 8, value);
}

/* The RELR table below relocates exactly these data words. */
static const uint64_t relr_table[RELR_COUNT] = {
	VA(0x3100),
	1 | 1ULL << 1 | 1ULL << 3 | 1ULL << 63, /* 0x3108, 0x3118, 0x32f8 */
	~0ULL,					/* 0x3300 ... 0x34f0 */
	VA(0x3800),
};

static int relr_targets(uint64_t *out)
{
	int n = 0;
	out[n++] = 0x3100;
	out[n++] = 0x3108;
	out[n++] = 0x3118;
	out[n++] = 0x32f8;
	for (int i = 0; i < 63; i++)
		out[n++] = 0x3300 + i * 8;
	out[n++] = 0x3800;
	return n;
}

/* Link-time contents of a RELR-relocated word: a pointer into text. */
static uint64_t relr_link_value(uint64_t off)
{
	return VA(0x1000 + off);
}

static void put_dynamic(uint8_t *f)
{
	static const uint64_t dyn[][2] = {
		[D_RELA] = {7, VA(RELA_OFF)},
		[D_RELASZ] = {8, RELA_COUNT * 24},
		[D_RELAENT] = {9, 24},
		[D_RELR] = {36, VA(RELR_OFF)},
		[D_RELRSZ] = {35, RELR_COUNT * 8},
		[D_RELRENT] = {37, 8},
		[D_SYMTAB] = {6, VA(SYM_OFF)},
		[D_SYMENT] = {11, 24},
	};
	for (size_t i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++) {
		put(f, DYN_TAG(i), 8, dyn[i][0]);
		put(f, DYN_VAL(i), 8, dyn[i][1]);
	}
}

static void put_relocations(uint8_t *f)
{
	put_rela(f, 0, VA(0x3000), 0, R_RELATIVE, VA(0x1234));
	put_rela(f, 1, VA(0x3008), 1, R_64, 8);
	put_rela(f, 2, 0, 0, R_NONE, 0); /* NONE: even offset 0 is fine */
	put_rela(f, 3, VA(0x3010), 2, R_64, 1);
	put_rela(f, 4, VA(0x4008), 0, R_RELATIVE, VA(0x42)); /* in bss */
	put_rela(f, 5, VA(0x3018), 0, R_64, 0x55);	     /* symbol 0 */
	put_rela(f, 6, VA(0x3021), 0, R_RELATIVE, VA(7));    /* unaligned */
	put_rela(f, 7, VA(IMAGE_SIZE - 8), 0, R_RELATIVE, VA(0x77));
	put(f, 0x3008, 8, 0x1111); /* stale bits the relocation must replace */

	put_sym(f, 1, 5, VA(0x2500));
	put_sym(f, 2, 0xfff1, 0x1000); /* SHN_ABS: does not move */
	put_sym(f, 3, 0, 0);	       /* undefined */

	uint64_t t[80];
	int n = relr_targets(t);
	for (int i = 0; i < RELR_COUNT; i++)
		put(f, RELR(i), 8, relr_table[i]);
	for (int i = 0; i < n; i++)
		put(f, t[i], 8, relr_link_value(t[i]));
	put(f, 0x3110, 8, VA(0xabc)); /* between RELR targets: stays */
}

/* The kernel-shaped test image; type 3 (ET_DYN) or 2 (ET_EXEC). */
static void build(uint8_t *f, int type)
{
	memset(f, 0, FILE_SIZE);
	put_ehdr(f, type, PH_COUNT);
	put_phdr(f, PH_TEXT, PT_LOAD, 5, 0, 0x1800, 0x1800, 0x1000);
	put_phdr(f, PH_RODATA, PT_LOAD, 4, 0x2000, 0x1000, 0x1000, 0x1000);
	put_phdr(f, PH_DATA, PT_LOAD, 6, 0x3000, 0x1000, 0x3000, 0x200000);
	put_phdr(f, PH_DYNAMIC, PT_DYNAMIC, 4, DYN_OFF, 0x100, 0x100, 8);
	put_phdr(f, PH_STACK, PT_GNU_STACK, 6, 0, 0, 0, 16);
	for (int i = 0x1000; i < 0x1800; i++)
		f[i] = (uint8_t)(i * 7 + 1);
	put_dynamic(f);
	put_relocations(f);
}

/* elf_parse on an exact-size copy, so ASan sees any read past the end. */
static int parse_above(const uint8_t *f, size_t size, uint64_t min_vaddr,
		       struct elf_image *img, const char **why)
{
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, f, size);
	*why = NULL;
	int ret = elf_parse(copy, size, min_vaddr, img, why);
	free(copy);
	return ret;
}

static int parse(const uint8_t *f, size_t size, struct elf_image *img,
		 const char **why)
{
	return parse_above(f, size, HIGHER_HALF, img, why);
}

/* elf_load into an exact-size buffer pre-filled with junk; caller frees. */
static int load(const struct elf_image *img, const uint8_t *f, size_t size,
		uint64_t slide, uint8_t **out, const char **why)
{
	size_t span = img->vaddr_max - img->vaddr_min;
	uint8_t *copy = malloc(size ? size : 1);
	uint8_t *dst = malloc(span);

	memcpy(copy, f, size);
	memset(dst, 0xa5, span);
	*why = NULL;
	int ret = elf_load(img, copy, size, dst, slide, why);
	free(copy);
	*out = dst;
	return ret;
}

/* ------------------------------------------------------------ good images */

static void test_parse_good(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;

	build(f, 3);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	CHECK_EQ(img.entry, VA(0x1000));
	CHECK_EQ(img.vaddr_min, BASE);
	CHECK_EQ(img.vaddr_max, VA(IMAGE_SIZE));
	CHECK_EQ(img.align, 0x200000);
	CHECK(img.relocatable);
	CHECK_EQ(img.segment_count, 3);
	CHECK_EQ(img.segments[0].flags, ELF_PF_R | ELF_PF_X);
	CHECK_EQ(img.segments[1].flags, ELF_PF_R);
	CHECK_EQ(img.segments[2].flags, ELF_PF_R | ELF_PF_W);
	CHECK_EQ(img.segments[2].filesz, 0x1000);
	CHECK_EQ(img.segments[2].memsz, 0x3000);
	CHECK_EQ(img.segments[2].offset, 0x3000);
	CHECK_EQ(img.rela_vaddr, VA(RELA_OFF));
	CHECK_EQ(img.rela_size, RELA_COUNT * 24);
	CHECK_EQ(img.relr_vaddr, VA(RELR_OFF));
	CHECK_EQ(img.relr_size, RELR_COUNT * 8);
	CHECK_EQ(img.symtab_vaddr, VA(SYM_OFF));
}

/* ET_EXEC keeps its relocations (applied at slide 0) but cannot slide. */
static void test_parse_exec(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;

	build(f, 2);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	CHECK(!img.relocatable);
	CHECK_EQ(img.rela_size, RELA_COUNT * 24);
}

/* Without PT_DYNAMIC an ET_DYN is a fixed-address image. */
static void test_parse_no_dynamic(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;
	uint8_t *dst;

	build(f, 3);
	put(f, PH(PH_DYNAMIC, P_TYPE), 4, PT_NULL);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	CHECK(!img.relocatable);
	CHECK_EQ(img.rela_size, 0);
	CHECK_EQ(load(&img, f, FILE_SIZE, 0, &dst, &why), 0);
	CHECK_EQ(get64(dst + 0x3100), relr_link_value(0x3100));
	free(dst);
}

/* Entries are read through the PT_LOAD holding PT_DYNAMIC's vaddr. */
static void test_dynamic_via_segment(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;

	build(f, 3);
	put(f, PH(PH_DYNAMIC, P_OFFSET), 8, 0xdeadbeefULL);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	CHECK_EQ(img.rela_vaddr, VA(RELA_OFF));
}

/* An empty PT_LOAD takes no slot and does not count as overlapping. */
static void test_empty_segment(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;

	build(f, 3);
	put_phdr(f, PH_STACK, PT_LOAD, 4, 0x1000, 0, 0, 0x1000);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	CHECK_EQ(img.segment_count, 3);
}

static void check_loaded(const uint8_t *f, const uint8_t *dst, uint64_t slide)
{
	uint64_t t[80];
	int n = relr_targets(t);

	CHECK(memcmp(dst, f, 0x1800) == 0); /* headers and text */
	for (int i = 0x1800; i < 0x2000; i++)
		CHECK_EQ(dst[i], 0); /* gap */
	CHECK(memcmp(dst + 0x2000, f + 0x2000, 0x1000) == 0);
	CHECK_EQ(get64(dst + 0x3000), VA(0x1234) + slide);
	CHECK_EQ(get64(dst + 0x3008), VA(0x2500) + slide + 8);
	CHECK_EQ(get64(dst + 0x3010), 0x1001);
	CHECK_EQ(get64(dst + 0x3018), 0x55);
	CHECK_EQ(get64(dst + 0x3021), VA(7) + slide);
	CHECK_EQ(get64(dst + 0x4008), VA(0x42) + slide);
	CHECK_EQ(get64(dst + IMAGE_SIZE - 8), VA(0x77) + slide);
	for (int i = 0; i < n; i++)
		CHECK_EQ(get64(dst + t[i]), relr_link_value(t[i]) + slide);
	CHECK_EQ(get64(dst + 0x3110), VA(0xabc));
	for (int i = 0x4000; i < IMAGE_SIZE - 8; i++) {
		if (i < 0x4008 || i >= 0x4010)
			CHECK_EQ(dst[i], 0); /* bss */
	}
}

static void test_load(int type, uint64_t slide)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;
	uint8_t *dst;

	build(f, type);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	int ret = load(&img, f, FILE_SIZE, slide, &dst, &why);
	if (ret)
		free(dst);
	CHECK_STR(ret ? why : "ok", "ok");
	check_loaded(f, dst, slide);
	free(dst);
}

/* An image may end exactly at the top of the address space. */
static void test_slide_to_top(void)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;
	uint8_t *dst;

	build(f, 3);
	CHECK_EQ(parse(f, FILE_SIZE, &img, &why), 0);
	uint64_t slide = 0 - img.vaddr_max;
	CHECK_EQ(load(&img, f, FILE_SIZE, slide, &dst, &why), 0);
	CHECK_EQ(get64(dst + 0x3000), VA(0x1234) + slide);
	free(dst);
}

/* A file of n one-page bss segments; entry in the first. */
static size_t build_many(uint8_t *f, int n)
{
	memset(f, 0, 0x1000);
	put_ehdr(f, 3, n);
	for (int i = 0; i < n; i++) {
		put_phdr(f, i, PT_LOAD, i == 0 ? 5 : 6, 0, 0, 0x1000, 0x1000);
		put(f, PH(i, P_VADDR), 8, VA(0x1000 + i * 0x1000));
	}
	put(f, EH_ENTRY, 8, VA(0x1000));
	return 0x1000;
}

static void test_segment_limit(void)
{
	static uint8_t f[0x1000];
	struct elf_image img;
	const char *why;

	size_t size = build_many(f, ELF_MAX_SEGMENTS);
	CHECK_EQ(parse(f, size, &img, &why), 0);
	CHECK_EQ(img.segment_count, ELF_MAX_SEGMENTS);
	size = build_many(f, ELF_MAX_SEGMENTS + 1);
	CHECK_EQ(parse(f, size, &img, &why), -ENOEXEC);
	CHECK_STR(why, "too many segments");
}

/* ------------------------------------------------------------ rejections */

struct patch {
	size_t off;
	int width; /* 0 ends the list */
	uint64_t val;
};

struct bad_case {
	const char *why;
	bool at_load;	/* elf_parse accepts, elf_load rejects */
	uint64_t slide; /* for elf_load */
	int type;	/* 0: ET_DYN */
	size_t size;	/* 0: the whole file */
	struct patch p[4];
};

#define P16(o, v)           \
	{                   \
		(o), 2, (v) \
	}
#define P32(o, v)           \
	{                   \
		(o), 4, (v) \
	}
#define P64(o, v)           \
	{                   \
		(o), 8, (v) \
	}
#define PB(o, v)            \
	{                   \
		(o), 1, (v) \
	}

static const struct bad_case bad_cases[] = {
	{"not an ELF file", .p = {PB(0, 0x7e)}},
	{"not an ELF file", .p = {PB(3, 'f')}},
	{"not an ELF file", .size = 63},
	{"not an ELF file", .size = 1},
	{"not a 64-bit ELF", .p = {PB(4, 1)}},
	{"not little-endian", .p = {PB(5, 2)}},
	{"unsupported ELF version", .p = {PB(6, 0)}},
	{"unsupported ELF version", .p = {P32(EH_VERSION, 2)}},
	{"not an x86_64 ELF", .p = {P16(EH_MACHINE, 3)}},
	{"not an x86_64 ELF", .p = {P16(EH_MACHINE, 183)}},
	{"not an executable", .p = {P16(EH_TYPE, 1)}},
	{"not an executable", .p = {P16(EH_TYPE, 4)}},
	{"bad program header size", .p = {P16(EH_PHENTSIZE, 32)}},
	{"program headers outside the file", .p = {P64(EH_PHOFF, 0x3ff0)}},
	{"program headers outside the file", .p = {P64(EH_PHOFF, ~0ULL)}},
	{"program headers outside the file", .p = {P16(EH_PHNUM, 0xffff)}},
	{"program headers outside the file", .size = 0x100},
	{"no loadable segment", .p = {P16(EH_PHNUM, 0)}},
	{"no loadable segment",
	 .p = {P32(PH(0, P_TYPE), 0), P32(PH(1, P_TYPE), 0),
	       P32(PH(2, P_TYPE), 0)}},
	{"segment larger in the file than in memory",
	 .p = {P64(PH(0, P_MEMSZ), 0x1000)}},
	{"segment outside the file", .p = {P64(PH(2, P_OFFSET), 0x3800)}},
	{"segment outside the file", .p = {P64(PH(2, P_OFFSET), ~0ULL)}},
	{"segment outside the file",
	 .p = {P64(PH(2, P_FILESZ), ~0ULL), P64(PH(2, P_MEMSZ), ~0ULL)}},
	{"segment outside the file", .size = 0x3fff},
	{"segment address overflow",
	 .p = {P64(PH(2, P_VADDR), 0xfffffffffffff000ULL)}},
	{"segment address overflow", .p = {P64(PH(2, P_MEMSZ), ~0ULL)}},
	{"segment address overflow",
	 .p = {P64(PH(2, P_MEMSZ), 0x7fffd000ULL)}}, /* ends at 2^64 */
	{"segment below the higher half", .p = {P64(PH(0, P_VADDR), 0x400000)}},
	{"segment below the higher half",
	 .p = {P64(PH(0, P_VADDR), HIGHER_HALF - 0x1000)}},
	{"bad segment alignment", .p = {P64(PH(1, P_ALIGN), 3)}},
	{"bad segment alignment", .p = {P64(PH(1, P_ALIGN), 1ULL << 40)}},
	{"overlapping segments", .p = {P64(PH(1, P_VADDR), VA(0x17ff))}},
	{"overlapping segments", .p = {P64(PH(2, P_VADDR), VA(0x1000))}},
	{"image too large", .p = {P64(PH(2, P_MEMSZ), 1ULL << 30)}},
	{"entry point outside the image", .p = {P64(EH_ENTRY, VA(0x1800))}},
	{"entry point outside the image", .p = {P64(EH_ENTRY, 0)}},
	{"entry point not executable", .p = {P64(EH_ENTRY, VA(0x3000))}},
	{"entry point not executable", .p = {P64(EH_ENTRY, VA(0x5fff))}},
	{"bad dynamic section", .p = {P64(PH(3, P_FILESZ), 0x108)}},
	{"bad dynamic section", .p = {P64(PH(3, P_VADDR), VA(0x10000))}},
	{"bad dynamic section", .p = {P64(PH(3, P_VADDR), VA(0x5000))}},
	{"bad dynamic section", .p = {P64(PH(3, P_VADDR), VA(0x2f80))}},
	{"bad dynamic section", .p = {P32(PH(4, P_TYPE), PT_DYNAMIC)}},
	{"bad dynamic section", .p = {P64(DYN_VAL(D_RELAENT), 16)}},
	{"bad dynamic section", .p = {P64(DYN_VAL(D_RELASZ), 25)}},
	{"bad dynamic section", .p = {P64(DYN_VAL(D_RELRENT), 4)}},
	{"bad dynamic section", .p = {P64(DYN_VAL(D_RELRSZ), 12)}},
	{"bad dynamic section", .p = {P64(DYN_VAL(D_SYMENT), 16)}},
	{"bad dynamic section", .p = {P64(DYN_TAG(D_RELASZ), UNKNOWN_TAG)}},
	{"bad dynamic section", .p = {P64(DYN_TAG(D_RELA), UNKNOWN_TAG)}},
	{"bad dynamic section", .p = {P64(DYN_TAG(D_RELR), UNKNOWN_TAG)}},
	{"relocation table outside the image",
	 .p = {P64(DYN_VAL(D_RELA), VA(0x10000))}},
	{"relocation table outside the image",
	 .p = {P64(DYN_VAL(D_RELR), VA(0x5000))}}, /* bss: not in the file */
	{"relocation table outside the image",
	 .p = {P64(DYN_VAL(D_RELASZ), 0x100000ULL * 24)}},
	{"relocation table outside the image",
	 .p = {P64(DYN_VAL(D_RELRSZ), ~0ULL - 7)}},
	{"relocation table outside the image",
	 .p = {P64(DYN_VAL(D_RELA), ~0ULL - 0x20)}},
	{"unsupported relocation table (rel or plt)",
	 .p = {P64(DYN_TAG(D_SYMENT), 18), P64(DYN_VAL(D_SYMENT), 16)}},
	{"unsupported relocation table (rel or plt)",
	 .p = {P64(DYN_TAG(D_SYMENT), 2), P64(DYN_VAL(D_SYMENT), 24)}},

	/* Caught by elf_load, at slide 0 too. */
	{"unsupported relocation type 37", true, .p = {P32(RELA(0) + 8, 37)}},
	{"unsupported relocation type 6", true, .p = {P32(RELA(2) + 8, 6)}},
	{"unsupported relocation type 4294967295", true,
	 .p = {P32(RELA(7) + 8, 0xffffffff)}},
	{"relocation outside the image", true,
	 .p = {P64(RELA(0), VA(IMAGE_SIZE - 7))}},
	{"relocation outside the image", true, .p = {P64(RELA(0), BASE - 8)}},
	{"relocation outside the image", true, .p = {P64(RELA(1), 0)}},
	{"relocation outside the image", true, .p = {P64(RELA(4), ~0ULL)}},
	{"relocation outside the image", true, SLIDE,
	 .p = {P64(RELR(0), VA(IMAGE_SIZE))}},
	{"relocation outside the image", true, 0,
	 .p = {P64(RELR(0), VA(0x5f00))}}, /* bitmap runs past the end */
	{"relocation outside the image", true, 0,
	 .p = {P64(RELR(3), 2)}}, /* even: an address, and a wild one */
	{"bad relr relocation table", true, .p = {P64(RELR(0), 3)}},
	{"undefined symbol in relocation", true, .p = {P32(RELA(1) + 12, 3)}},
	{"symbol outside the image", true, .p = {P32(RELA(1) + 12, 1000)}},
	{"symbol outside the image", true,
	 .p = {P32(RELA(1) + 12, 0xffffffff)}},
	{"symbol outside the image", true,
	 .p = {P64(DYN_VAL(D_SYMTAB), ~0ULL - 10)}},
	{"relocation without a symbol table", true,
	 .p = {P64(DYN_TAG(D_SYMTAB), UNKNOWN_TAG)}},
	{"image is not relocatable", true, .slide = SLIDE, .type = 2},
	{"image is not relocatable", true, SLIDE,
	 .p = {P32(PH(3, P_TYPE), PT_NULL)}},
	{"slide not page-aligned", true, .slide = SLIDE + 1},
	{"slide wraps the image around the address space", true,
	 .slide = 0x80000000ULL - IMAGE_SIZE + 0x1000},
	{"slide wraps the image around the address space", true,
	 .slide = 0 - BASE - 0x1000},
};

static void apply_case(uint8_t *f, const struct bad_case *c, size_t *size)
{
	build(f, c->type ? c->type : 3);
	for (int i = 0; i < 4 && c->p[i].width; i++)
		put(f, c->p[i].off, c->p[i].width, c->p[i].val);
	*size = c->size ? c->size : FILE_SIZE;
}

static void test_bad(const struct bad_case *c)
{
	static uint8_t f[FILE_SIZE];
	struct elf_image img;
	const char *why;
	size_t size;
	uint8_t *dst;

	apply_case(f, c, &size);
	int ret = parse(f, size, &img, &why);
	if (!c->at_load) {
		CHECK_STR(ret ? why : "accepted", c->why);
		CHECK_EQ(ret, -ENOEXEC);
		return;
	}
	CHECK_STR(ret ? why : "parsed", "parsed");
	ret = load(&img, f, size, c->slide, &dst, &why);
	free(dst);
	CHECK_STR(ret ? why : "loaded", c->why);
	CHECK_EQ(ret, -ENOEXEC);
}

/* One RUN per function: a loop counter could not survive the longjmp. */
static void run_bad(size_t i)
{
	RUN(test_bad(&bad_cases[i]), "elf rejects #%zu: %s", i,
	    bad_cases[i].why);
}

/* ------------------------------------------------------------ mutations */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static long mutations_loaded;

/*
 * Whatever the file, elf_parse and elf_load return 0 or -ENOEXEC with a
 * reason, and an accepted image keeps the promises elf.h makes.
 */
static void check_survives(const uint8_t *f, size_t size)
{
	struct elf_image img;
	const char *why;
	uint8_t *dst;

	int ret = parse(f, size, &img, &why);
	if (ret) {
		CHECK_EQ(ret, -ENOEXEC);
		CHECK(why && *why);
		return;
	}
	CHECK(img.segment_count > 0 && img.segment_count <= ELF_MAX_SEGMENTS);
	CHECK(img.vaddr_min >= (HIGHER_HALF & ~0xfffULL));
	CHECK(img.vaddr_max > img.vaddr_min);
	CHECK(img.vaddr_max - img.vaddr_min <= 1ULL << 30);
	CHECK(img.entry >= img.vaddr_min && img.entry < img.vaddr_max);
	if (img.vaddr_max - img.vaddr_min > (4 << 20))
		return; /* legal, but too slow to load thousands of times */
	for (int s = 0; s < 2; s++) {
		uint64_t slide = s ? SLIDE : 0;
		ret = load(&img, f, size, slide, &dst, &why);
		free(dst);
		if (ret == 0 && s == 0)
			mutations_loaded++;
		CHECK(ret == 0 || ret == -ENOEXEC);
		CHECK(ret == 0 || (why && *why));
	}
}

static const uint64_t interesting[] = {
	0,
	1,
	7,
	8,
	24,
	0x1000,
	0x3fff,
	0x4000,
	0x7fffffffffffffffULL,
	0x8000000000000000ULL,
	~0ULL,
	~0ULL - 7,
	BASE,
	VA(0x1000),
	VA(0x2000),
	VA(0x3000),
	VA(IMAGE_SIZE - 8),
	VA(IMAGE_SIZE),
	HIGHER_HALF,
	1ULL << 30,
	1ULL << 32,
	37,
};

/* Where the structured fields are: header, phdrs, dynamic, tables. */
static size_t pick_field(void)
{
	static const size_t area[][2] = {
		{0, 64},
		{0x40, 0x40 + PH_COUNT * 56},
		{DYN_OFF, DYN_OFF + 0x90},
		{RELA_OFF, RELA(RELA_COUNT)},
		{RELR_OFF, RELR(RELR_COUNT)},
		{SYM_OFF, SYM(4)},
	};
	int a = (int)(rng() % 6);
	size_t len = area[a][1] - area[a][0];
	return area[a][0] + (rng() % len & ~(size_t)3);
}

static void mutate(uint8_t *f, size_t *size)
{
	size_t off;

	switch (rng() % 6) {
	case 0: /* flip a bit anywhere */
		off = rng() % *size;
		f[off] ^= (uint8_t)(1 << rng() % 8);
		break;
	case 1: /* a random byte in a structure */
		f[pick_field()] = (uint8_t)rng();
		break;
	case 2: /* an interesting 64-bit value in a structure */
		off = pick_field();
		if (off + 8 <= *size)
			put(f, off, 8,
			    interesting[rng() % ARRAY_SIZE(interesting)]);
		break;
	case 3: /* a relocation type, known or not */
		put(f, RELA(rng() % RELA_COUNT) + 8, 4, rng() % 48);
		break;
	case 4: /* a relocation offset somewhere near or in the image */
		put(f, RELA(rng() % RELA_COUNT), 8,
		    VA(rng() % (IMAGE_SIZE + 64)) - 32);
		break;
	default: /* truncate */
		*size = rng() % *size + 1;
		break;
	}
}

static void test_mutations(int rounds)
{
	static uint8_t f[FILE_SIZE];

	mutations_loaded = 0;
	for (int i = 0; i < rounds; i++) {
		size_t size = FILE_SIZE;
		int n = 1 + (int)(rng() % 4);

		build(f, rng() % 4 ? 3 : 2);
		for (int k = 0; k < n; k++)
			mutate(f, &size);
		check_survives(f, size);
	}
	CHECK(mutations_loaded > rounds / 10); /* the loader was reached */
}

static void test_truncations(void)
{
	static uint8_t f[FILE_SIZE];

	build(f, 3);
	for (size_t size = 0; size <= FILE_SIZE; size++)
		check_survives(f, size);
}

/* Every byte of the structures set to a few telling values. */
static void test_byte_sweep(void)
{
	static uint8_t f[FILE_SIZE];
	static const size_t area[][2] = {{0, 0x40 + PH_COUNT * 56},
					 {DYN_OFF, SYM(4)}};

	for (int a = 0; a < 2; a++) {
		for (size_t off = area[a][0]; off < area[a][1]; off++) {
			build(f, 3);
			uint8_t orig = f[off];
			const uint8_t vals[] = {0, 0xff, 0x80, orig ^ 1};
			for (int v = 0; v < 4; v++) {
				f[off] = vals[v];
				check_survives(f, FILE_SIZE);
			}
		}
	}
}

/* ------------------------------------------------------------ real files */

/*
 * A real linker's output: it must parse as a relocatable kernel, and
 * loading it at two slides may only change words by exactly the slide.
 */
static void test_real(const unsigned char *f, size_t size)
{
	struct elf_image img;
	const char *why;
	uint8_t *lo, *hi;
	const uint64_t slide = 0x40000000ULL;

	/* The bound rastboot's main.c passes. */
	int ret = parse_above(f, size, LIMINE_KERNEL_MIN_VADDR, &img, &why);
	CHECK_STR(ret ? why : "ok", "ok");
	CHECK(img.relocatable);
	CHECK(img.entry >= img.vaddr_min && img.entry < img.vaddr_max);
	ret = load(&img, f, size, 0, &lo, &why);
	if (ret)
		free(lo);
	CHECK_STR(ret ? why : "ok", "ok");
	ret = load(&img, f, size, slide, &hi, &why);
	if (ret) {
		free(lo);
		free(hi);
	}
	CHECK_STR(ret ? why : "ok", "ok");

	size_t span = img.vaddr_max - img.vaddr_min, moved = 0, odd = 0;
	for (size_t off = 0; off + 8 <= span; off += 8) {
		uint64_t a = get64(lo + off), b = get64(hi + off);
		moved += b == a + slide;
		odd += b != a && b != a + slide;
	}
	free(lo);
	free(hi);
	printf("# %zu words relocated, %zu RELA bytes, %zu RELR bytes\n", moved,
	       (size_t)img.rela_size, (size_t)img.relr_size);
	CHECK_EQ(odd, 0);
	CHECK((moved > 0) == (img.rela_size || img.relr_size));
}

/* Apart from check_real_file() so longjmp cannot clobber f. */
static void run_real(const char *path, const unsigned char *f, size_t size)
{
	RUN(test_real(f, size), "real ELF %s loads", path);
}

/* The kernel may not be built yet: a missing file is a note, not a FAIL. */
static void check_real_file(const char *path)
{
	size_t size;
	unsigned char *f = read_file(path, &size);

	if (!f)
		printf("# note: %s not found, real kernel check skipped\n",
		       path);
	else
		run_real(path, f, size);
	free(f);
}

/* ------------------------------------------------------------ seeds */

static void write_file(const char *dir, const char *name, const uint8_t *f,
		       size_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *out = fopen(path, "wb");
	if (!out || fwrite(f, 1, size, out) != size)
		perror(path);
	if (out)
		fclose(out);
}

static int write_seeds(const char *dir)
{
	static uint8_t f[FILE_SIZE];
	char name[64];
	size_t size;

	build(f, 3);
	write_file(dir, "good-dyn.bin", f, FILE_SIZE);
	build(f, 2);
	write_file(dir, "good-exec.bin", f, FILE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		apply_case(f, &bad_cases[i], &size);
		snprintf(name, sizeof(name), "bad-%02zu.bin", i);
		write_file(dir, name, f, size);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2]);

	RUN(test_parse_good(), "elf parse: kernel-shaped ET_DYN");
	RUN(test_parse_exec(), "elf parse: ET_EXEC is not relocatable");
	RUN(test_parse_no_dynamic(), "elf parse: no PT_DYNAMIC");
	RUN(test_dynamic_via_segment(), "elf parse: PT_DYNAMIC via segment");
	RUN(test_empty_segment(), "elf parse: empty PT_LOAD ignored");
	RUN(test_segment_limit(), "elf parse: %d segments", ELF_MAX_SEGMENTS);
	RUN(test_load(3, 0), "elf load: ET_DYN at slide 0");
	RUN(test_load(3, SLIDE), "elf load: ET_DYN at slide %#llx", SLIDE);
	RUN(test_load(2, 0), "elf load: ET_EXEC with relocations at slide 0");
	RUN(test_slide_to_top(), "elf load: slid to the top of memory");
	RUN(test_load(3, 0 - 0x200000ULL), "elf load: ET_DYN slid down 2 MiB");
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++)
		run_bad(i);
	RUN(test_truncations(), "elf survives every truncation");
	RUN(test_byte_sweep(), "elf survives a byte sweep of its structures");
	RUN(test_mutations(20000), "elf survives 20000 seeded mutations");

	if (argc < 2)
		check_real_file("build/kernel/kernel.elf");
	for (int i = 1; i < argc; i++)
		check_real_file(argv[i]);
	TEST_EXIT();
}
