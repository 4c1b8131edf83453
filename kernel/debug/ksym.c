/*
 * Kernel symbol lookup (see <kernel/ksym.h>). The loader gives the kernel
 * its own ELF file; its section headers lead to .symtab and the .strtab
 * that names it. The file is trusted no more than any input: every offset
 * and size is checked against the file before use, once, when the first
 * lookup parses it. A lookup is then a linear scan: a few thousand
 * symbols, and only reports ever ask.
 *
 * Symbols hold link addresses (the image is linked at KERNEL_LINK_BASE);
 * a run-time address minus boot_info->kernel_slide is its link address.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sections.h>
#include <kernel/string.h>

#include <stdbool.h>

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct elf64_sym {
	uint32_t name;
	unsigned char info, other;
	uint16_t shndx;
	uint64_t value, size;
};

#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define STT_NOTYPE 0
#define STT_OBJECT 1
#define STT_FUNC 2
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00

struct symtab {
	const struct elf64_sym *syms;
	size_t count;
	const char *strs;
	size_t strsize;
};

/* Is [off, off + len) inside a file of size bytes (no overflow)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static const struct elf64_shdr *
section(const unsigned char *file, const struct elf64_ehdr *eh, unsigned int i)
{
	return (const struct elf64_shdr *)(file + eh->shoff) + i;
}

static int check_header(const struct elf64_ehdr *eh, uint64_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) != 0)
		return -ENOEXEC;
	if (eh->shentsize != sizeof(struct elf64_shdr) || eh->shnum == 0 ||
	    !IS_ALIGNED(eh->shoff, 8) ||
	    !in_file(eh->shoff, (uint64_t)eh->shnum * eh->shentsize, size))
		return -ENOEXEC;
	return 0;
}

/* Check the symbol table section st and its string table; fill tab. */
static int check_symtab(const unsigned char *file, uint64_t size,
			const struct elf64_ehdr *eh,
			const struct elf64_shdr *st, struct symtab *tab)
{
	const struct elf64_shdr *str;

	if (st->entsize != sizeof(struct elf64_sym) ||
	    st->size % sizeof(struct elf64_sym) != 0 ||
	    !IS_ALIGNED(st->offset, 8) || !in_file(st->offset, st->size, size))
		return -ENOEXEC;
	if (st->link == 0 || st->link >= eh->shnum)
		return -ENOEXEC;
	str = section(file, eh, st->link);
	/* A final NUL makes every name that starts inside end inside. */
	if (str->type != SHT_STRTAB || str->size == 0 ||
	    !in_file(str->offset, str->size, size) ||
	    file[str->offset + str->size - 1] != '\0')
		return -ENOEXEC;
	tab->syms = (const struct elf64_sym *)(file + st->offset);
	tab->count = st->size / sizeof(struct elf64_sym);
	tab->strs = (const char *)file + str->offset;
	tab->strsize = str->size;
	return 0;
}

/* Find and check the first SHT_SYMTAB of an ELF64 file. */
static int symtab_parse(const void *file, uint64_t size, struct symtab *tab)
{
	const struct elf64_ehdr *eh = file;
	int err;

	if (!file || !IS_ALIGNED((uintptr_t)file, 8))
		return -ENOEXEC;
	err = check_header(eh, size);
	if (err)
		return err;
	for (unsigned int i = 1; i < eh->shnum; i++) {
		const struct elf64_shdr *sh = section(file, eh, i);

		if (sh->type == SHT_SYMTAB)
			return check_symtab(file, size, eh, sh, tab);
	}
	return -ENOEXEC;
}

/* Functions, objects and assembly labels with a name, in a section. */
static bool usable(const struct symtab *tab, const struct elf64_sym *s)
{
	unsigned int type = s->info & 0xf;

	return (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE) &&
	       s->shndx != SHN_UNDEF && s->shndx < SHN_LORESERVE &&
	       s->name != 0 && s->name < tab->strsize;
}

/*
 * The sized symbol holding link (functions preferred), else the last
 * unsized label at or before link, unless a sized symbol ends between the
 * two: then link is in padding after that symbol and the label says
 * nothing about it.
 */
static int symtab_find(const struct symtab *tab, uint64_t link,
		       struct ksym *out)
{
	const struct elf64_sym *sized = NULL, *label = NULL;
	uint64_t sized_end = 0;

	for (size_t i = 1; i < tab->count; i++) {
		const struct elf64_sym *s = &tab->syms[i];

		if (!usable(tab, s) || s->value > link)
			continue;
		if (s->size && link - s->value < s->size) {
			if (!sized || (s->info & 0xf) == STT_FUNC)
				sized = s;
		} else if (s->size) {
			sized_end = MAX(sized_end, s->value + s->size);
		} else if (!label || s->value >= label->value) {
			label = s;
		}
	}
	if (!sized && (!label || label->value < sized_end))
		return -ENOENT;
	if (!sized)
		sized = label;
	out->name = tab->strs + sized->name;
	out->offset = link - sized->value;
	out->size = sized->size;
	return 0;
}

static struct symtab kernel_symtab;
static int kernel_symtab_err = 1; /* 1: not parsed yet */

static int kernel_symtab_get(void)
{
	if (kernel_symtab_err == 1) {
		kernel_symtab_err = symtab_parse(boot_info->kernel_file,
						 boot_info->kernel_file_size,
						 &kernel_symtab);
	}
	return kernel_symtab_err;
}

int ksym_lookup(uintptr_t addr, struct ksym *sym)
{
	uint64_t link = addr - boot_info->kernel_slide;
	uint64_t link_end = (uintptr_t)__kernel_end - boot_info->kernel_slide;
	int err;

	if (link < KERNEL_LINK_BASE || link >= link_end)
		return -ENOENT;
	err = kernel_symtab_get();
	if (err)
		return err;
	return symtab_find(&kernel_symtab, link, sym);
}

int ksym_lookup_return(uintptr_t addr, struct ksym *sym)
{
	int err = ksym_lookup(addr - 1, sym);

	if (!err)
		sym->offset++;
	return err;
}

/* Format the result err of a lookup into sym; see ksym_format. */
static int format(int err, const struct ksym *sym, char *buf, size_t size)
{
	if (size == 0)
		return err;
	buf[0] = '\0';
	if (err)
		return err;
	if (sym->size)
		snprintf(buf, size, "%s+0x%lx/0x%lx", sym->name, sym->offset,
			 sym->size);
	else
		snprintf(buf, size, "%s+0x%lx", sym->name, sym->offset);
	return 0;
}

int ksym_format(uintptr_t addr, char *buf, size_t size)
{
	struct ksym sym;

	return format(ksym_lookup(addr, &sym), &sym, buf, size);
}

int ksym_format_return(uintptr_t addr, char *buf, size_t size)
{
	struct ksym sym;

	return format(ksym_lookup_return(addr, &sym), &sym, buf, size);
}

/* A minimal ELF file with symbols foo (function) and bar (label). */
struct fake_elf {
	struct elf64_ehdr eh;
	struct elf64_shdr sh[3];
	struct elf64_sym sym[3];
	char str[16];
} __aligned(8);

static void fake_elf_init(struct fake_elf *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.ident, "\177ELF\2\1", 6);
	f->eh.shoff = offsetof(struct fake_elf, sh);
	f->eh.shentsize = sizeof(struct elf64_shdr);
	f->eh.shnum = 3;
	f->sh[1] = (struct elf64_shdr){
		.type = SHT_SYMTAB,
		.offset = offsetof(struct fake_elf, sym),
		.size = sizeof(f->sym),
		.link = 2,
		.entsize = sizeof(struct elf64_sym),
	};
	f->sh[2] = (struct elf64_shdr){
		.type = SHT_STRTAB,
		.offset = offsetof(struct fake_elf, str),
		.size = sizeof(f->str),
	};
	memcpy(f->str, "\0foo\0bar", 9);
	f->sym[1] = (struct elf64_sym){1, STT_FUNC, 0, 1, 0x1000, 0x10};
	f->sym[2] = (struct elf64_sym){5, STT_NOTYPE, 0, 1, 0x2000, 0};
}

KTEST(ksym, find_in_synthetic_table)
{
	struct fake_elf f;
	struct symtab tab;
	struct ksym sym;

	fake_elf_init(&f);
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), 0);
	KT_ASSERT_EQ(symtab_find(&tab, 0x1004, &sym), 0);
	KT_ASSERT_STREQ(sym.name, "foo");
	KT_ASSERT_EQ(sym.offset, 4);
	KT_ASSERT_EQ(sym.size, 0x10);
	KT_ASSERT_EQ(symtab_find(&tab, 0x2008, &sym), 0);
	KT_ASSERT_STREQ(sym.name, "bar");
	KT_ASSERT_EQ(sym.offset, 8);
	KT_ASSERT_EQ(symtab_find(&tab, 0x0fff, &sym), -ENOENT);
	KT_ASSERT_EQ(symtab_find(&tab, 0x1010, &sym), -ENOENT);
}

KTEST(ksym, rejects_corrupt_files)
{
	struct fake_elf f;
	struct symtab tab;

	KT_ASSERT_EQ(symtab_parse(NULL, 0, &tab), -ENOEXEC);
	fake_elf_init(&f);
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f.eh) - 1, &tab), -ENOEXEC);
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f) - 1, &tab), -ENOEXEC);
	f.eh.ident[1] = 'X';
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.eh.shnum = 0xffff;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.eh.shoff = ~0ULL - 7;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.sh[1].offset = ~0ULL - 7;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.sh[1].size = 25;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.sh[1].link = 9;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.str[15] = 'x';
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
	fake_elf_init(&f);
	f.sh[2].size = 1000;
	KT_ASSERT_EQ(symtab_parse(&f, sizeof(f), &tab), -ENOEXEC);
}
