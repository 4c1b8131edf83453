/*
 * Placing the kernel: the KASLR slide, physical memory for the image, the
 * relocated copy, the paging depth, and the page tables the kernel starts
 * on (HHDM, kernel segments with their permissions, identity map).
 */
#include "loader.h"
#include "cpu.h"
#include "paging.h"
#include <limine.h>

#define KASLR_WINDOW (1ULL << 30) /* slides stay in the top 2 GiB */
#define FOUR_GIB (1ULL << 32)

static struct boot_state *cur;

static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; *p; p++) {
		bool start = p == s || p[-1] == ' ';
		if (start && strncmp(p, word, n) == 0 &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	}
	return false;
}

static uint64_t choose_slide(const struct boot_state *st, uint64_t span)
{
	uint64_t align = MAX(st->elf.align, 4096);
	uint64_t base = LIMINE_KERNEL_MIN_VADDR;
	if (span >= KASLR_WINDOW)
		return base - st->elf.vaddr_min;
	uint64_t slots = (KASLR_WINDOW - span) / align;
	uint64_t pick = cpu_random64() % (slots + 1);
	return base + pick * align - st->elf.vaddr_min;
}

void kernel_place(struct boot_state *st)
{
	uint64_t span = st->elf.vaddr_max - st->elf.vaddr_min;
	const char *why = "";

	st->kaslr = st->cfg.kaslr && st->elf.relocatable &&
		    !has_word(st->cfg.cmdline, "nokaslr");
	st->slide = st->kaslr ? choose_slide(st, span) : 0;
	st->kernel_phys =
		memmap_alloc(&st->memmap, span, 2ULL << 20, 0x100000, FOUR_GIB,
			     LIMINE_MEMMAP_EXECUTABLE_AND_MODULES);
	if (!st->kernel_phys)
		st->kernel_phys = (uintptr_t)boot_alloc(
			&st->memmap, span, LIMINE_MEMMAP_EXECUTABLE_AND_MODULES,
			"the kernel image");
	if (elf_load(&st->elf, (void *)(uintptr_t)st->kernel_file.phys,
		     st->kernel_file.size, (void *)(uintptr_t)st->kernel_phys,
		     st->slide, &why))
		fatal("kernel %s: %s", st->cfg.kernel_path, why);
	print("rastboot: kernel at phys 0x%lx virt 0x%lx (KASLR %s)\n",
	      (unsigned long)st->kernel_phys,
	      (unsigned long)(st->elf.vaddr_min + st->slide),
	      st->kaslr ? "on" : "off");
}

/*
 * 5-level paging when the kernel prefers it, the CPU has it and the config
 * allows it; otherwise 4-level if the kernel accepts that.
 */
void kernel_choose_paging(struct boot_state *st, uint64_t mode, uint64_t max,
			  uint64_t min)
{
	bool five_ok = cpu.la57 && st->cfg.paging >= 5 &&
		       max >= LIMINE_PAGING_MODE_X86_64_5LVL;
	if (mode >= LIMINE_PAGING_MODE_X86_64_5LVL && five_ok)
		st->paging_levels = 5;
	else if (min <= LIMINE_PAGING_MODE_X86_64_4LVL)
		st->paging_levels = 4;
	else if (five_ok)
		st->paging_levels = 5;
	else
		fatal("the kernel needs 5-level paging, which %s",
		      cpu.la57 ? "rastboot.conf disallows (paging=4)"
			       : "this CPU does not have");
	st->hhdm = st->paging_levels == 5 ? 0xff00000000000000ULL
					  : 0xffff800000000000ULL;
}

static uint64_t pt_page(void *ctx)
{
	(void)ctx;
	uint64_t p = memmap_alloc(&cur->memmap, 4096, 4096, 0x100000, FOUR_GIB,
				  LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
	if (p)
		memset((void *)(uintptr_t)p, 0, 4096);
	return p;
}

static void map_or_die(struct pt *pt, uint64_t virt, uint64_t phys,
		       uint64_t size, unsigned flags)
{
	int err = pt_map(pt, virt, phys, size, flags);
	if (err)
		fatal("cannot build the kernel's page tables (%s)",
		      err == -ENOMEM ? "out of memory" : "bad mapping");
}

/* Whether the HHDM covers an entry above 4 GiB under this base revision. */
static bool hhdm_covers(const struct boot_state *st, uint32_t type)
{
	if (st->base_revision == 0)
		return true;
	return type != LIMINE_MEMMAP_RESERVED &&
	       type != LIMINE_MEMMAP_BAD_MEMORY;
}

static void map_hhdm(struct boot_state *st, struct pt *pt, uint64_t fb,
		     uint64_t fb_size)
{
	map_or_die(pt, st->hhdm, 0, FOUR_GIB, PT_WRITE | PT_LARGE_OK);
	if (fb_size) { /* write-combining, as the protocol specifies */
		uint64_t b = ALIGN_DOWN(fb, 2ULL << 20);
		uint64_t e = ALIGN_UP(fb + fb_size, 2ULL << 20);
		map_or_die(pt, st->hhdm + b, b, e - b,
			   PT_WRITE | PT_WC | PT_LARGE_OK);
	}
	for (int i = 0; i < st->memmap.count; i++) {
		const struct memmap_entry *e = &st->memmap.e[i];
		uint64_t b = ALIGN_DOWN(MAX(e->base, FOUR_GIB), 4096);
		uint64_t end = ALIGN_UP(e->base + e->length, 4096);
		if (end <= b || !hhdm_covers(st, e->type))
			continue;
		map_or_die(pt, st->hhdm + b, b, end - b,
			   PT_WRITE | PT_LARGE_OK |
				   (e->type == LIMINE_MEMMAP_FRAMEBUFFER ? PT_WC
									 : 0));
	}
}

static void map_kernel(struct boot_state *st, struct pt *pt)
{
	for (int i = 0; i < st->elf.segment_count; i++) {
		const struct elf_segment *s = &st->elf.segments[i];
		uint64_t vb = ALIGN_DOWN(s->vaddr, 4096);
		uint64_t ve = ALIGN_UP(s->vaddr + s->memsz, 4096);
		unsigned flags = 0;
		if (s->flags & ELF_PF_W)
			flags |= PT_WRITE;
		if (s->flags & ELF_PF_X)
			flags |= PT_EXEC;
		map_or_die(pt, vb + st->slide,
			   st->kernel_phys + (vb - st->elf.vaddr_min), ve - vb,
			   flags);
	}
}

uint64_t kernel_page_tables(struct boot_state *st, uint64_t fb,
			    uint64_t fb_size)
{
	struct pt pt;
	cur = st;
	if (pt_init(&pt, st->paging_levels, cpu.nx, pt_page, NULL, 0))
		fatal("out of memory for the kernel's page tables");
	/* Identity map of low memory: the handoff code runs there. */
	map_or_die(&pt, 0, 0, FOUR_GIB, PT_WRITE | PT_EXEC | PT_LARGE_OK);
	map_hhdm(st, &pt, fb, fb_size);
	map_kernel(st, &pt);
	return pt.root;
}
