/*
 * Host tests of the user ELF checks (kernel/proc/elf.c, compiled here
 * unchanged) under ASan and UBSan.
 *
 * Real binaries first: a static musl executable and a static PIE built
 * from tests/host/fixtures/hello.c by the Makefile, Debian's static
 * busybox (glibc), /bin/ls (a PIE with PT_INTERP) and the glibc dynamic
 * linker itself (an ET_DYN interpreter). Each must parse to what it is.
 * Then each field corrupted in turn, cuts at many lengths, small synthetic
 * files for the rules real binaries do not reach (PT_LOAD count, stack,
 * PT_PHDR), and a mutation loop. Every buffer handed to the parser is an
 * exact-size copy, as the kernel would read it, so ASan sees any overrun.
 *
 *   test_elf_exec [FIXTURE_DIR]   (default build/tests/host/fixtures)
 *   test_elf_exec --write-seeds DIR   seeds for tests/fuzz/fuzz_elf_exec.c
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kernel/elf.h>

#include "testlib.h"

#define USER_LIMIT (1ULL << 47)
#define PAGE 4096ULL

/* Field offsets, for aiming the damage. */
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40
#define P_ALIGN 48

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551

static const char *fixtures = "build/tests/host/fixtures";

/* A whole file, read once and kept: the cases work on copies. */
struct binary {
	const char *name;
	uint8_t *data;
	size_t size;
};

static struct binary bins[5];
static uint8_t *work; /* the copy a case damages */

static uint64_t get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void set(uint8_t *p, int bytes, uint64_t v)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	CHECK(d != NULL);
	memcpy(d, p, len);
	return d;
}

/*
 * All three steps as the kernel will run them, each on an exact-size copy
 * of what it reads: the header, the table, the interpreter path.
 */
static int parse_steps(const uint8_t *file, size_t size, struct elf_exec *ex,
		       const char **why)
{
	size_t hlen = size < ELF_EHDR_SIZE ? size : ELF_EHDR_SIZE;
	uint8_t *buf = dup_exact(file, hlen);
	int ret = elf_parse_header(buf, hlen, size, ex, why);
	size_t len;

	free(buf);
	if (ret)
		return ret;
	len = (size_t)ex->phnum * ELF_PHDR_SIZE;
	buf = dup_exact(file + ex->phoff, len);
	ret = elf_parse_phdrs(ex, buf, len, size, USER_LIMIT, why);
	free(buf);
	if (ret || !ex->has_interp)
		return ret;
	buf = dup_exact(file + ex->interp_off, ex->interp_size);
	ret = elf_check_interp((const char *)buf, ex->interp_size, why);
	free(buf);
	return ret;
}

/* The invariants of an accepted file, whatever it is. */
static void check_accepted(const struct elf_exec *ex, uint64_t size)
{
	CHECK(ex->nloads >= 1 && ex->nloads <= ELF_MAX_LOADS);
	CHECK(ex->type == ELF_ET_EXEC || ex->type == ELF_ET_DYN);
	CHECK(ex->min_vaddr % PAGE == 0 && ex->max_vaddr % PAGE == 0);
	CHECK(ex->min_vaddr <= ex->loads[0].vaddr);
	CHECK(ex->span == ex->max_vaddr - ex->min_vaddr);
	CHECK(ex->span <= USER_LIMIT);
	CHECK(ex->type != ELF_ET_EXEC || ex->max_vaddr <= USER_LIMIT);
	for (unsigned int i = 0; i < ex->nloads; i++) {
		const struct elf_load *l = &ex->loads[i];

		CHECK(l->filesz <= l->memsz && l->memsz > 0);
		CHECK(l->offset <= size && l->filesz <= size - l->offset);
		CHECK(l->vaddr % PAGE == l->offset % PAGE);
		CHECK(l->vaddr + l->memsz <= ex->max_vaddr);
		CHECK(i == 0 || l->vaddr >= ex->loads[i - 1].vaddr +
						    ex->loads[i - 1].memsz);
	}
	CHECK(!ex->has_interp ||
	      (ex->interp_size >= 2 && ex->interp_size <= 4096 &&
	       ex->interp_off <= size - ex->interp_size));
}

static int parse(const uint8_t *file, size_t size, struct elf_exec *ex,
		 const char **why)
{
	int ret = parse_steps(file, size, ex, why);

	CHECK(ret == 0 || ret == -ENOEXEC);
	CHECK((ret == 0) == (*why == NULL));
	if (ret == 0)
		check_accepted(ex, size);
	return ret;
}

/* ---------------------------------------------------------------- real */

static struct binary *binary(int i)
{
	CHECK(bins[i].data != NULL);
	return &bins[i];
}

/* The PT_LOADs with a size, counted by a reader independent of elf.c. */
static unsigned int count_loads(const struct binary *b)
{
	uint64_t phoff = get(b->data + EH_PHOFF, 8);
	unsigned int n = 0;

	for (uint64_t i = 0; i < get(b->data + EH_PHNUM, 2); i++) {
		const uint8_t *ph = b->data + phoff + i * ELF_PHDR_SIZE;

		if (get(ph + P_TYPE, 4) == PT_LOAD && get(ph + P_MEMSZ, 8))
			n++;
	}
	return n;
}

static void check_real(int i, uint16_t type, const char *interp, bool dynamic)
{
	struct binary *b = binary(i);
	struct elf_exec ex;
	const char *why;

	CHECK_EQ(parse(b->data, b->size, &ex, &why), 0);
	CHECK_EQ(ex.type, type);
	CHECK_EQ(ex.nloads, count_loads(b));
	CHECK(ex.nloads >= 2);
	CHECK_EQ(ex.entry, get(b->data + EH_ENTRY, 8));
	CHECK_EQ(ex.has_interp, interp != NULL);
	if (interp)
		CHECK_STR((const char *)b->data + ex.interp_off, interp);
	CHECK_EQ(ex.has_dynamic, dynamic);
	CHECK(!ex.exec_stack); /* every Debian binary has PT_GNU_STACK RW */
	CHECK_EQ(ex.max_align, PAGE);
	/* The headers are loaded at offset 64 of the first segment. */
	CHECK_EQ(ex.phdr_vaddr, ex.loads[0].vaddr + 64);
	CHECK_EQ(ex.loads[0].offset, 0);
	CHECK(ex.type != ELF_ET_DYN || ex.min_vaddr == 0);
}

enum { B_STATIC, B_PIE, B_BUSYBOX, B_LS, B_LDSO, B_COUNT };

static void run_real_tests(void)
{
	RUN(check_real(B_STATIC, ELF_ET_EXEC, NULL, false),
	    "user elf: static musl executable (ET_EXEC)");
	RUN(check_real(B_PIE, ELF_ET_DYN, NULL, true),
	    "user elf: static-PIE musl executable (ET_DYN, PT_DYNAMIC)");
	RUN(check_real(B_BUSYBOX, ELF_ET_EXEC, NULL, false),
	    "user elf: /bin/busybox (static glibc)");
	RUN(check_real(B_LS, ELF_ET_DYN, "/lib64/ld-linux-x86-64.so.2", true),
	    "user elf: /bin/ls (PIE with PT_INTERP)");
	RUN(check_real(B_LDSO, ELF_ET_DYN, NULL, true),
	    "user elf: the glibc dynamic linker (an ET_DYN interpreter)");
}

/* ---------------------------------------------------------------- damage */

/* The first program header of type t (k-th if several) in work. */
static uint8_t *phdr_of(uint32_t t, int k)
{
	uint64_t phoff = get(work + EH_PHOFF, 8);

	for (uint64_t i = 0; i < get(work + EH_PHNUM, 2); i++) {
		uint8_t *ph = work + phoff + i * ELF_PHDR_SIZE;

		if (get(ph + P_TYPE, 4) == t && k-- == 0)
			return ph;
	}
	CHECK(!"no such program header");
	return NULL;
}

static uint8_t *load(int k)
{
	return phdr_of(PT_LOAD, k);
}

/* Damage functions: each breaks one rule of the copy in work. */
static size_t work_size;

static void phoff_past_end(void)
{
	set(work + EH_PHOFF, 8, work_size - 8);
}

static void filesz_over_memsz(void)
{
	set(load(1) + P_FILESZ, 8, get(load(1) + P_MEMSZ, 8) + 1);
}

static void segment_past_end(void)
{
	uint8_t *ph = load(1);

	set(ph + P_OFFSET, 8, work_size - get(ph + P_FILESZ, 8) + 1);
	/* Keep vaddr and offset in step, so only the size check fails. */
	set(ph + P_VADDR, 8,
	    get(ph + P_VADDR, 8) / PAGE * PAGE + get(ph + P_OFFSET, 8) % PAGE);
}

static void segment_offset_huge(void)
{
	set(load(0) + P_OFFSET, 8, UINT64_MAX - PAGE + 1);
	set(load(0) + P_VADDR, 8, get(load(0) + P_VADDR, 8) & ~(PAGE - 1));
}

static void filesz_huge(void)
{
	set(load(0) + P_FILESZ, 8, UINT64_MAX);
	set(load(0) + P_MEMSZ, 8, UINT64_MAX);
}

static void vaddr_misaligned(void)
{
	set(load(1) + P_VADDR, 8, get(load(1) + P_VADDR, 8) + 1);
}

static void offset_misaligned(void)
{
	set(load(1) + P_OFFSET, 8, get(load(1) + P_OFFSET, 8) + 8);
}

/* Segment 1 moved into segment 0's page: overlapping bytes. */
static void overlapping(void)
{
	uint64_t v0 = get(load(0) + P_VADDR, 8);

	set(load(1) + P_VADDR, 8, v0 + get(load(1) + P_OFFSET, 8) % PAGE);
}

/* Segments 0 and 1 swapped in the table. */
static void unordered(void)
{
	uint8_t tmp[ELF_PHDR_SIZE], *a = load(0), *b = load(1);

	memcpy(tmp, a, sizeof(tmp));
	memcpy(a, b, sizeof(tmp));
	memcpy(b, tmp, sizeof(tmp));
}

static void memsz_wraps(void)
{
	set(load(1) + P_MEMSZ, 8, UINT64_MAX - get(load(1) + P_VADDR, 8) + 1);
}

/* The last segment's end one byte past 2^47 (an ET_EXEC's limit). */
static void above_limit(void)
{
	uint8_t *ph = load(3);

	set(ph + P_MEMSZ, 8, USER_LIMIT - get(ph + P_VADDR, 8) + 1);
}

/* Everything, entry included, moved up by 2^47. */
static void all_above_limit(void)
{
	for (int k = 0; k < 4; k++)
		set(load(k) + P_VADDR, 8,
		    get(load(k) + P_VADDR, 8) + USER_LIMIT);
	set(work + EH_ENTRY, 8, get(work + EH_ENTRY, 8) + USER_LIMIT);
}

static void no_load(void)
{
	for (int k = 3; k >= 0; k--)
		set(load(k) + P_TYPE, 4, PT_NOTE);
}

static void interp_past_end(void)
{
	set(phdr_of(PT_INTERP, 0) + P_OFFSET, 8, work_size - 4);
}

static void interp_offset_huge(void)
{
	set(phdr_of(PT_INTERP, 0) + P_OFFSET, 8, UINT64_MAX - 4);
}

/* The path loses its NUL: the last byte becomes a letter. */
static void interp_no_nul(void)
{
	uint8_t *ph = phdr_of(PT_INTERP, 0);

	work[get(ph + P_OFFSET, 8) + get(ph + P_FILESZ, 8) - 1] = 'x';
}

static void interp_empty(void)
{
	work[get(phdr_of(PT_INTERP, 0) + P_OFFSET, 8)] = '\0';
}

/* PT_PHDR turned into a second PT_INTERP, same path. */
static void interp_twice(void)
{
	memcpy(phdr_of(PT_PHDR, 0), phdr_of(PT_INTERP, 0), ELF_PHDR_SIZE);
}

/*
 * One damage: a function, or a value written into a field: of the ELF
 * header (at its offset), of the k-th PT_LOAD or of the PT_INTERP.
 */
struct damage {
	const char *name;
	int bin;
	void (*apply)(void);
	enum { IN_EHDR, IN_LOAD, IN_INTERP } where;
	int k, at, bytes;
	uint64_t value;
	const char *why; /* the reason expected */
};

#define SET(at, bytes, v) NULL, IN_EHDR, 0, at, bytes, v
#define LOAD_SET(k, at, v) NULL, IN_LOAD, k, at, 8, v
#define INTERP_SIZE(v) NULL, IN_INTERP, 0, P_FILESZ, 8, v
#define FN(f) f, IN_EHDR, 0, 0, 0, 0

static void apply(const struct damage *d)
{
	uint8_t *base = work;

	if (d->apply) {
		d->apply();
		return;
	}
	if (d->where == IN_LOAD)
		base = load(d->k);
	else if (d->where == IN_INTERP)
		base = phdr_of(PT_INTERP, 0);
	set(base + d->at, d->bytes, d->value);
}

static const struct damage damages[] = {
	{"bad magic", B_STATIC, SET(1, 1, 'e'), "not an ELF file"},
	{"ELFCLASS32", B_STATIC, SET(4, 1, 1), "not a 64-bit ELF"},
	{"ELFCLASSNONE", B_PIE, SET(4, 1, 0), "not a 64-bit ELF"},
	{"big-endian", B_STATIC, SET(5, 1, 2), "not little-endian"},
	{"EI_VERSION 0", B_STATIC, SET(6, 1, 0), "unsupported ELF version"},
	{"e_version 2", B_PIE, SET(EH_VERSION, 4, 2),
	 "unsupported ELF version"},
	{"machine i386", B_STATIC, SET(EH_MACHINE, 2, 3), "not an x86_64 ELF"},
	{"machine aarch64", B_LS, SET(EH_MACHINE, 2, 183), "not an x86_64 ELF"},
	{"ET_REL", B_STATIC, SET(EH_TYPE, 2, 1),
	 "not an executable or shared object"},
	{"ET_CORE", B_PIE, SET(EH_TYPE, 2, 4),
	 "not an executable or shared object"},
	{"phentsize 32", B_STATIC, SET(EH_PHENTSIZE, 2, 32),
	 "bad program header size"},
	{"phentsize 64", B_LS, SET(EH_PHENTSIZE, 2, 64),
	 "bad program header size"},
	{"phnum 0", B_STATIC, SET(EH_PHNUM, 2, 0), "no program headers"},
	{"phnum 74", B_STATIC, SET(EH_PHNUM, 2, 74),
	 "too many program headers"},
	{"phnum 65535", B_PIE, SET(EH_PHNUM, 2, 0xffff),
	 "too many program headers"},
	{"phoff past the end", B_STATIC, FN(phoff_past_end),
	 "program headers outside the file"},
	{"phoff overflowing", B_STATIC, SET(EH_PHOFF, 8, UINT64_MAX - 8),
	 "program headers outside the file"},
	{"phoff 2^63", B_LS, SET(EH_PHOFF, 8, 1ULL << 63),
	 "program headers outside the file"},
	{"filesz > memsz", B_STATIC, FN(filesz_over_memsz),
	 "segment larger in the file than in memory"},
	{"offset + filesz past the end", B_STATIC, FN(segment_past_end),
	 "segment outside the file"},
	{"offset near 2^64", B_PIE, FN(segment_offset_huge),
	 "segment outside the file"},
	{"filesz 2^64-1", B_BUSYBOX, FN(filesz_huge),
	 "segment outside the file"},
	{"vaddr misaligned", B_STATIC, FN(vaddr_misaligned),
	 "segment address and offset misaligned"},
	{"offset misaligned", B_LS, FN(offset_misaligned),
	 "segment address and offset misaligned"},
	{"p_align 3", B_STATIC, LOAD_SET(0, P_ALIGN, 3),
	 "bad segment alignment"},
	{"p_align 0x1001", B_PIE, LOAD_SET(1, P_ALIGN, 0x1001),
	 "bad segment alignment"},
	{"overlapping segments", B_STATIC, FN(overlapping),
	 "overlapping segments"},
	{"overlapping segments (PIE)", B_PIE, FN(overlapping),
	 "overlapping segments"},
	{"unordered segments", B_STATIC, FN(unordered),
	 "segments out of order"},
	{"memsz wraps", B_STATIC, FN(memsz_wraps), "segment address overflow"},
	{"memsz 2^64-1", B_LS, LOAD_SET(2, P_MEMSZ, UINT64_MAX),
	 "segment address overflow"},
	{"ET_EXEC ends past 2^47", B_STATIC, FN(above_limit),
	 "segment above the user address space"},
	{"ET_EXEC above 2^47", B_BUSYBOX, FN(all_above_limit),
	 "segment above the user address space"},
	{"ET_DYN span over 2^47", B_PIE, LOAD_SET(3, P_MEMSZ, USER_LIMIT),
	 "image larger than the user address space"},
	{"entry in page zero", B_STATIC, SET(EH_ENTRY, 8, 0x10),
	 "entry point outside the segments"},
	{"entry 2^64-1", B_PIE, SET(EH_ENTRY, 8, UINT64_MAX),
	 "entry point outside the segments"},
	{"no PT_LOAD", B_STATIC, FN(no_load), "no PT_LOAD segment"},
	{"interp size 0", B_LS, INTERP_SIZE(0), "bad interpreter path size"},
	{"interp size 1", B_LS, INTERP_SIZE(1), "bad interpreter path size"},
	{"interp size 4097", B_LS, INTERP_SIZE(4097),
	 "bad interpreter path size"},
	{"interp size 2^64-1", B_LS, INTERP_SIZE(UINT64_MAX),
	 "bad interpreter path size"},
	{"interp past the end", B_LS, FN(interp_past_end),
	 "interpreter path outside the file"},
	{"interp offset overflowing", B_LS, FN(interp_offset_huge),
	 "interpreter path outside the file"},
	{"interp without NUL", B_LS, FN(interp_no_nul),
	 "interpreter path not NUL-terminated"},
	{"interp empty", B_LS, FN(interp_empty), "empty interpreter path"},
	{"two PT_INTERP", B_LS, FN(interp_twice), "more than one PT_INTERP"},
};

static void test_damage(const struct damage *d)
{
	struct binary *b = binary(d->bin);
	struct elf_exec ex;
	const char *why;
	int ret;

	free(work);
	work = dup_exact(b->data, b->size);
	work_size = b->size;
	apply(d);
	ret = parse(work, work_size, &ex, &why);
	free(work);
	work = NULL;
	CHECK_EQ(ret, -ENOEXEC);
	CHECK_STR(why, d->why);
}

/*
 * The file cut at many lengths: refused exactly when the cut loses
 * something the parser needs (header, table, a segment's file bytes, the
 * interpreter path); section headers past that may go.
 */
static uint64_t needed_size(const struct binary *b)
{
	struct elf_exec ex;
	const char *why;
	uint64_t need;

	CHECK_EQ(parse(b->data, b->size, &ex, &why), 0);
	need = ex.phoff + (uint64_t)ex.phnum * ELF_PHDR_SIZE;
	for (unsigned int i = 0; i < ex.nloads; i++)
		if (ex.loads[i].offset + ex.loads[i].filesz > need)
			need = ex.loads[i].offset + ex.loads[i].filesz;
	if (ex.has_interp && ex.interp_off + ex.interp_size > need)
		need = ex.interp_off + ex.interp_size;
	return need;
}

static void check_cut(const struct binary *b, size_t cut, uint64_t need)
{
	struct elf_exec ex;
	const char *why;
	int ret = parse(b->data, cut, &ex, &why);

	if (ret != (cut < need ? -ENOEXEC : 0)) {
		snprintf(test_why, sizeof(test_why),
			 "%s cut at %zu (needs %llu): %d (%s)", b->name, cut,
			 (unsigned long long)need, ret, why ? why : "-");
		longjmp(test_jmp, 1);
	}
}

static void test_cuts(int i)
{
	struct binary *b = binary(i);
	uint64_t need = needed_size(b);

	for (size_t cut = 0; cut < 1024 && cut <= b->size; cut++)
		check_cut(b, cut, need);
	for (size_t cut = 1024; cut <= b->size; cut += 1 + b->size / 512)
		check_cut(b, cut, need);
	check_cut(b, need - 1, need);
	check_cut(b, need, need);
	check_cut(b, b->size, need);
}

static const char *const bin_names[] = {"static", "static-PIE", "busybox", "ls",
					"ld.so"};

/* One case per call: a loop around RUN would keep its index in a
 * register across setjmp. */
static void run_damage(const struct damage *d)
{
	RUN(test_damage(d), "user elf: %s: %s", bin_names[d->bin], d->name);
}

static void run_cuts(int i)
{
	RUN(test_cuts(i), "user elf: %s cut at many lengths", bin_names[i]);
}

static void run_damage_tests(void)
{
	for (size_t i = 0; i < sizeof(damages) / sizeof(damages[0]); i++)
		run_damage(&damages[i]);
	for (int i = 0; i < B_COUNT; i++)
		run_cuts(i);
}

/* ---------------------------------------------------------------- synthetic */

/* A program header to build. */
struct ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

#define SYN_SIZE 0x10000
#define SYN_BASE 0x400000ULL
static uint8_t syn[SYN_SIZE];

/* A SYN_SIZE-byte file: the ELF header, then n program headers at 64. */
static void build(uint16_t type, uint64_t entry, const struct ph *ph, int n)
{
	memset(syn, 0, sizeof(syn));
	memcpy(syn,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	set(syn + EH_TYPE, 2, type);
	set(syn + EH_MACHINE, 2, 62);
	set(syn + EH_VERSION, 4, 1);
	set(syn + EH_ENTRY, 8, entry);
	set(syn + EH_PHOFF, 8, 64);
	set(syn + 52, 2, 64);
	set(syn + EH_PHENTSIZE, 2, ELF_PHDR_SIZE);
	set(syn + EH_PHNUM, 2, (uint64_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *p = syn + 64 + i * ELF_PHDR_SIZE;

		set(p + P_TYPE, 4, ph[i].type);
		set(p + P_FLAGS, 4, ph[i].flags);
		set(p + P_OFFSET, 8, ph[i].offset);
		set(p + P_VADDR, 8, ph[i].vaddr);
		set(p + P_FILESZ, 8, ph[i].filesz);
		set(p + P_MEMSZ, 8, ph[i].memsz);
		set(p + P_ALIGN, 8, ph[i].align);
	}
}

/* A one-page PT_LOAD at page i of SYN_BASE, from file page i % 16. */
static struct ph page_load(int i, uint32_t flags)
{
	return (struct ph){PT_LOAD,
			   flags,
			   (uint64_t)(i % 16) * PAGE,
			   SYN_BASE + (uint64_t)i * PAGE,
			   PAGE,
			   PAGE,
			   PAGE};
}

static int parse_syn(struct elf_exec *ex, const char **why)
{
	return parse(syn, sizeof(syn), ex, why);
}

/* Text and data, then the given extra headers. */
static int parse_two(const struct ph *extra, int n, struct elf_exec *ex,
		     const char **why)
{
	struct ph ph[8] = {page_load(0, ELF_PF_R | ELF_PF_X),
			   page_load(1, ELF_PF_R | ELF_PF_W)};

	CHECK(n <= 6);
	if (n) /* extra may be NULL then */
		memcpy(ph + 2, extra, (size_t)n * sizeof(*extra));
	build(ELF_ET_EXEC, SYN_BASE + 0x10, ph, 2 + n);
	return parse_syn(ex, why);
}

/* Linux x86_64 without PT_GNU_STACK: a non-executable stack (5.8+). */
static void test_stack(void)
{
	const struct ph rwx = {.type = PT_GNU_STACK,
			       .flags = ELF_PF_R | ELF_PF_W | ELF_PF_X};
	const struct ph rw = {.type = PT_GNU_STACK,
			      .flags = ELF_PF_R | ELF_PF_W};
	const struct ph both[] = {rwx, rw}, both_rev[] = {rw, rwx};
	struct elf_exec ex;
	const char *why;

	CHECK_EQ(parse_two(NULL, 0, &ex, &why), 0);
	CHECK(!ex.exec_stack);
	CHECK_EQ(parse_two(&rwx, 1, &ex, &why), 0);
	CHECK(ex.exec_stack);
	CHECK_EQ(parse_two(&rw, 1, &ex, &why), 0);
	CHECK(!ex.exec_stack);
	CHECK_EQ(parse_two(both, 2, &ex, &why), 0); /* the last one wins */
	CHECK(!ex.exec_stack);
	CHECK_EQ(parse_two(both_rev, 2, &ex, &why), 0);
	CHECK(ex.exec_stack);
}

static void test_load_count(void)
{
	struct ph ph[ELF_MAX_PHNUM];
	struct elf_exec ex;
	const char *why;

	for (int i = 0; i < ELF_MAX_PHNUM; i++)
		ph[i] = i < 17 ? page_load(i, ELF_PF_R | ELF_PF_X)
			       : (struct ph){.type = PT_NOTE,
					     .flags = ELF_PF_R};
	build(ELF_ET_EXEC, SYN_BASE, ph, 17);
	CHECK_EQ(parse_syn(&ex, &why), -ENOEXEC);
	CHECK_STR(why, "too many PT_LOAD");
	build(ELF_ET_EXEC, SYN_BASE, ph, 16);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.nloads, 16);
	CHECK_EQ(ex.span, 16 * PAGE);
	/* 73 headers, Linux's most, are fine; 16 loads and 57 notes. */
	memmove(ph + 16, ph + 17, (ELF_MAX_PHNUM - 17) * sizeof(ph[0]));
	ph[ELF_MAX_PHNUM - 1] = (struct ph){.type = PT_NOTE};
	build(ELF_ET_EXEC, SYN_BASE, ph, ELF_MAX_PHNUM);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.phnum, ELF_MAX_PHNUM);
}

/* AT_PHDR: PT_PHDR's address, else the load holding e_phoff, else 0. */
static void test_phdr_address(void)
{
	const struct ph phdr = {PT_PHDR, ELF_PF_R, 64, 0x123440,
				56 * 3,	 56 * 3,   8};
	struct ph ph[2] = {page_load(0, ELF_PF_R | ELF_PF_X),
			   page_load(1, ELF_PF_R)};
	struct elf_exec ex;
	const char *why;

	CHECK_EQ(parse_two(&phdr, 1, &ex, &why), 0);
	CHECK_EQ(ex.phdr_vaddr, 0x123440);
	CHECK_EQ(parse_two(NULL, 0, &ex, &why), 0);
	CHECK_EQ(ex.phdr_vaddr, SYN_BASE + 64);
	/* Neither segment loads file page 0: the table is not in memory. */
	ph[0].offset = 2 * PAGE;
	ph[1].offset = 3 * PAGE;
	build(ELF_ET_EXEC, SYN_BASE, ph, 2);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.phdr_vaddr, 0);
}

/*
 * Exact byte ranges, not pages: data may start in the page where text
 * ends (Linux maps both), but one shared byte is an overlap.
 */
static void test_shared_page(void)
{
	struct ph ph[2] = {
		{PT_LOAD, ELF_PF_R | ELF_PF_X, 0, SYN_BASE, 0x800, 0x800, PAGE},
		{PT_LOAD, ELF_PF_R | ELF_PF_W, 0x800, SYN_BASE + 0x800, 0x100,
		 0x2000, PAGE},
	};
	struct elf_exec ex;
	const char *why;

	build(ELF_ET_EXEC, SYN_BASE, ph, 2);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.min_vaddr, SYN_BASE);
	CHECK_EQ(ex.max_vaddr, SYN_BASE + 0x3000);
	CHECK_EQ(ex.loads[1].flags, ELF_PF_R | ELF_PF_W);
	ph[1].offset--;
	ph[1].vaddr--;
	build(ELF_ET_EXEC, SYN_BASE, ph, 2);
	CHECK_EQ(parse_syn(&ex, &why), -ENOEXEC);
	CHECK_STR(why, "overlapping segments");
}

/* What the rules allow: empty loads, odd alignments, a data entry point. */
static void test_allowed(void)
{
	struct ph ph[4] = {
		page_load(0, ELF_PF_R),
		{PT_LOAD, ELF_PF_R, 0x10, 0x10, 0, 0, 1}, /* maps nothing */
		page_load(1, ELF_PF_R | ELF_PF_W),
		{PT_LOAD, ELF_PF_R | ELF_PF_W, 0, SYN_BASE + 4 * PAGE, 0,
		 8 * PAGE, 0x200000}, /* bss only */
	};
	struct elf_exec ex;
	const char *why;

	ph[0].align = 0;
	ph[2].align = 1;
	build(ELF_ET_EXEC, SYN_BASE + PAGE + 8, ph, 4); /* entry in data */
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.nloads, 3);
	CHECK_EQ(ex.max_align, 0x200000);
	CHECK_EQ(ex.max_vaddr, SYN_BASE + 12 * PAGE);
	CHECK_EQ(ex.loads[2].filesz, 0);
}

/* The top of the user space: up to 2^47 exactly, for ET_EXEC. */
static void test_user_limit(void)
{
	struct ph ph = {
		PT_LOAD, ELF_PF_R | ELF_PF_X, 0, USER_LIMIT - PAGE, PAGE, PAGE,
		PAGE};
	struct elf_exec ex;
	const char *why;

	build(ELF_ET_EXEC, USER_LIMIT - 1, &ph, 1);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.max_vaddr, USER_LIMIT);
	ph.memsz++;
	build(ELF_ET_EXEC, USER_LIMIT - 1, &ph, 1);
	CHECK_EQ(parse_syn(&ex, &why), -ENOEXEC);
	/* The same addresses in an ET_DYN: only the span counts. */
	build(ELF_ET_DYN, USER_LIMIT - 1, &ph, 1);
	CHECK_EQ(parse_syn(&ex, &why), 0);
	CHECK_EQ(ex.span, 2 * PAGE);
}

/* The steps' own argument checks. */
static void test_arguments(void)
{
	struct elf_exec ex;
	const char *why;

	build(ELF_ET_EXEC, SYN_BASE, (struct ph[]){page_load(0, 5)}, 1);
	CHECK_EQ(elf_parse_header(syn, 63, sizeof(syn), &ex, &why), -ENOEXEC);
	CHECK_STR(why, "truncated ELF header");
	CHECK_EQ(elf_parse_header(syn, 64, 63, &ex, &why), -ENOEXEC);
	CHECK_EQ(elf_parse_header("#!", 2, 2, &ex, &why), -ENOEXEC);
	CHECK_STR(why, "truncated ELF header");
	CHECK_EQ(elf_parse_header("#!/bin/sh\n", 10, 10, &ex, &why), -ENOEXEC);
	CHECK_STR(why, "not an ELF file");
	CHECK_EQ(elf_parse_header(NULL, 0, 0, &ex, &why), -ENOEXEC);
	CHECK_EQ(elf_parse_header(syn, 64, sizeof(syn), &ex, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(elf_parse_phdrs(&ex, syn + 64, 55, sizeof(syn), USER_LIMIT,
				 &why),
		 -ENOEXEC);
	CHECK_STR(why, "truncated program headers");
	CHECK_EQ(elf_parse_phdrs(&ex, NULL, 56, sizeof(syn), USER_LIMIT, &why),
		 -ENOEXEC);
	ex.phnum = 0;
	CHECK_EQ(elf_parse_phdrs(&ex, syn + 64, 56, sizeof(syn), USER_LIMIT,
				 &why),
		 -ENOEXEC);
	CHECK_STR(why, "bad program header count");
}

static void test_interp_bytes(void)
{
	static char path[ELF_INTERP_MAX + 1];
	const char *why;

	CHECK_EQ(elf_check_interp("/lib/ld-musl-x86_64.so.1", 25, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(elf_check_interp("/lib/ld.so\0junk", 15, &why), -ENOEXEC);
	CHECK_STR(why, "interpreter path not NUL-terminated");
	/* A NUL inside ends the path, as Linux reads it. */
	CHECK_EQ(elf_check_interp("/lib/ld.so\0junk", 16, &why), 0);
	CHECK_EQ(elf_check_interp("/\0", 2, &why), 0); /* as Linux */
	CHECK_EQ(elf_check_interp("a", 1, &why), -ENOEXEC);
	CHECK_EQ(elf_check_interp(NULL, 10, &why), -ENOEXEC);
	memset(path, 'p', sizeof(path));
	path[ELF_INTERP_MAX - 1] = '\0';
	CHECK_EQ(elf_check_interp(path, ELF_INTERP_MAX, &why), 0);
	path[ELF_INTERP_MAX] = '\0';
	CHECK_EQ(elf_check_interp(path, ELF_INTERP_MAX + 1, &why), -ENOEXEC);
	CHECK_STR(why, "bad interpreter path size");
}

static void run_synthetic_tests(void)
{
	RUN(test_stack(), "user elf: PT_GNU_STACK (absent: not executable)");
	RUN(test_load_count(), "user elf: 16 PT_LOADs, not 17; 73 headers");
	RUN(test_phdr_address(), "user elf: AT_PHDR from PT_PHDR or the loads");
	RUN(test_shared_page(),
	    "user elf: segments may share a page, not bytes");
	RUN(test_allowed(),
	    "user elf: empty loads, align 0/1, bss-only, entry");
	RUN(test_user_limit(), "user elf: the 2^47 limit, ET_EXEC and ET_DYN");
	RUN(test_arguments(), "user elf: short buffers and bad arguments");
	RUN(test_interp_bytes(), "user elf: interpreter path bytes");
}

/* ---------------------------------------------------------------- mutations */

/*
 * Random bytes in the header and the program header table (where every
 * check looks), a few at a time, with fields set to edge values too.
 * Whatever comes out, parse() checks the result's invariants.
 */
static void mutate(uint8_t *f, size_t region)
{
	static const uint64_t edges[] = {0,	     1,
					 PAGE - 1,   PAGE,
					 USER_LIMIT, USER_LIMIT - PAGE,
					 UINT64_MAX, UINT64_MAX - PAGE + 1,
					 1ULL << 63};
	int n = 1 + (int)test_below(4);

	for (int k = 0; k < n; k++) {
		size_t at = test_below(region);

		if (test_below(3) == 0 && at + 8 <= region)
			set(f + (at & ~7ULL), 8,
			    edges[test_below(sizeof(edges) /
					     sizeof(edges[0]))]);
		else
			f[at] = (uint8_t)test_rand();
	}
}

static void test_mutations(int i, int rounds)
{
	struct binary *b = binary(i);
	size_t region = 64 + get(b->data + EH_PHNUM, 2) * ELF_PHDR_SIZE;
	int accepted = 0;

	test_rng = 0xe1f0 + (uint64_t)i;
	CHECK_EQ(get(b->data + EH_PHOFF, 8), 64);
	for (int r = 0; r < rounds; r++) {
		uint8_t *copy = dup_exact(b->data, b->size);
		struct elf_exec ex;
		const char *why;

		mutate(copy, region);
		accepted += parse(copy, b->size, &ex, &why) == 0;
		free(copy);
	}
	CHECK(accepted > 0 && accepted < rounds);
}

static void run_mutations(int i)
{
	RUN(test_mutations(i, i == B_BUSYBOX ? 500 : 4000),
	    "user elf: %s: header and table mutations", bin_names[i]);
}

static void run_mutation_tests(void)
{
	for (int i = 0; i < B_COUNT; i++)
		run_mutations(i);
}

/* ---------------------------------------------------------------- main */

static void load_binaries(void)
{
	static char paths[2][512];

	snprintf(paths[0], sizeof(paths[0]), "%s/hello-static", fixtures);
	snprintf(paths[1], sizeof(paths[1]), "%s/hello-static-pie", fixtures);
	bins[B_STATIC].name = paths[0];
	bins[B_PIE].name = paths[1];
	bins[B_BUSYBOX].name = "/bin/busybox";
	bins[B_LS].name = "/bin/ls";
	bins[B_LDSO].name = "/lib64/ld-linux-x86-64.so.2";
	for (int i = 0; i < B_COUNT; i++) {
		bins[i].data = read_file(bins[i].name, &bins[i].size);
		if (!bins[i].data) {
			printf("FAIL: elf: cannot read %s\n", bins[i].name);
			test_failures++;
		}
	}
}

static void write_seed(const char *dir, const char *name, const void *data,
		       size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

/* The two small fixtures and a tiny synthetic file (the others are big). */
static void write_seeds(const char *dir)
{
	const struct ph ph[] = {
		{PT_LOAD, ELF_PF_R | ELF_PF_X, 0, SYN_BASE, 0x200, 0x200, PAGE},
		{PT_LOAD, ELF_PF_R | ELF_PF_W, 0x200, SYN_BASE + 0x1200, 0x10,
		 0x100, PAGE},
		{.type = PT_GNU_STACK, .flags = ELF_PF_R | ELF_PF_W},
	};
	struct elf_exec ex;
	const char *why;

	write_seed(dir, "static", binary(B_STATIC)->data,
		   binary(B_STATIC)->size);
	write_seed(dir, "static-pie", binary(B_PIE)->data, binary(B_PIE)->size);
	build(ELF_ET_EXEC, SYN_BASE + 0x100, ph, 3);
	CHECK_EQ(parse(syn, 0x300, &ex, &why), 0);
	write_seed(dir, "synthetic", syn, 0x300);
}

int main(int argc, char **argv)
{
	bool seeds = argc > 2 && strcmp(argv[1], "--write-seeds") == 0;

	if (argc > 1 && !seeds)
		fixtures = argv[1];
	load_binaries();
	if (seeds) {
		RUN(write_seeds(argv[2]), "user elf: fuzz seeds written");
	} else {
		run_real_tests();
		run_damage_tests();
		run_synthetic_tests();
		run_mutation_tests();
	}
	for (int i = 0; i < B_COUNT; i++)
		free(bins[i].data);
	TEST_EXIT();
}
