/*
 * Answering the kernel's Limine requests and handing over. Responses live
 * in one bootloader-reclaimable arena; every pointer given to the kernel is
 * an HHDM address (the RSDP and SMBIOS entry points under base revision 3
 * excepted, as specified). The EFI system table and EFI memory map
 * requests are left unanswered: a BIOS has neither.
 * The memory map response is written last, after the last allocation.
 */
#include "loader.h"
#include "cpu.h"
#include "handoff.h"
#include "rtc.h"
#include "smbios.h"
#include <limine.h>

#define ARENA_SIZE (64 * 1024)
#define STACK_DEFAULT (64 * 1024)
#define STACK_MAX (16ULL << 20)
#define IA32_PAT 0x277
/* PAT0 WB, PAT1 WT, PAT2 UC-, PAT3 UC, PAT4 WP, PAT5 WC (protocol). */
#define PAT_LAYOUT 0x0007010500070406ULL

extern uint64_t gdt[7];

/* For debuggers: scripts/gdb/rastos.gdb reads the slide here (rastos-kernel). */
volatile uint64_t rastboot_kernel_slide;

static struct boot_state *st;
static uint8_t *arena;
static size_t arena_used;

static void *alloc(size_t n)
{
	n = ALIGN_UP(n, 16);
	if (arena_used + n > ARENA_SIZE)
		fatal("too many boot responses for the arena");
	void *p = arena + arena_used;
	arena_used += n;
	return p;
}

static uint64_t virt(const void *p)
{
	return p ? (uintptr_t)p + st->hhdm : 0;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(alloc(n), s, n);
}

/* The request of that kind in the loaded image, or NULL. */
static void *request(enum limine_req kind)
{
	int64_t off = st->reqs.req[kind];
	return off < 0 ? NULL
		       : (void *)(uintptr_t)(st->kernel_phys + (uint64_t)off);
}

/* Store a response pointer into a request's header. */
static void answer(void *req, void *resp)
{
	((struct limine_hhdm_request *)req)->response = (void *)virt(resp);
}

static struct limine_file *file_response(const struct loaded_file *f)
{
	struct limine_file *lf = alloc(sizeof(*lf));
	lf->revision = 0;
	lf->address = (void *)(f->phys + st->hhdm);
	lf->size = f->size;
	lf->path = (char *)virt(dup_str(f->path));
	lf->cmdline = (char *)virt(dup_str(f->cmdline ? f->cmdline : ""));
	lf->media_type = st->vol.optical ? LIMINE_MEDIA_TYPE_OPTICAL
					 : LIMINE_MEDIA_TYPE_GENERIC;
	lf->partition_index = st->vol.partition;
	lf->mbr_disk_id = st->vol.mbr_disk_id;
	return (struct limine_file *)virt(lf);
}

static void scan_requests(void)
{
	const char *why = "";
	uint8_t *image = (uint8_t *)(uintptr_t)st->kernel_phys;
	size_t span = st->elf.vaddr_max - st->elf.vaddr_min;

	if (limine_scan(image, span, &st->reqs, &why))
		fatal("kernel %s: %s", st->cfg.kernel_path, why);
	st->base_revision = 0;
	if (st->reqs.base_revision_tag >= 0) {
		uint64_t *tag =
			(uint64_t *)(image + st->reqs.base_revision_tag);
		if (st->reqs.base_revision <= LIMINE_MAX_BASE_REVISION) {
			st->base_revision = st->reqs.base_revision;
			tag[2] = 0; /* honoured */
		} else {
			st->base_revision = LIMINE_MAX_BASE_REVISION;
		}
	}
	print("rastboot: kernel asks for base revision %lu, using %lu\n",
	      (unsigned long)st->reqs.base_revision,
	      (unsigned long)st->base_revision);
}

static void choose_paging(void)
{
	struct limine_paging_mode_request *r = request(REQ_PAGING_MODE);
	uint64_t mode = LIMINE_PAGING_MODE_X86_64_4LVL, max = mode, min = mode;
	if (r) {
		mode = r->mode;
		max = r->revision >= 1 ? r->max_mode : mode;
		min = r->revision >= 1 ? r->min_mode
				       : LIMINE_PAGING_MODE_X86_64_4LVL;
	}
	kernel_choose_paging(st, mode, max, min);
	if (r) {
		struct limine_paging_mode_response *resp = alloc(sizeof(*resp));
		resp->revision = 0;
		resp->mode = st->paging_levels == 5
				     ? LIMINE_PAGING_MODE_X86_64_5LVL
				     : LIMINE_PAGING_MODE_X86_64_4LVL;
		answer(r, resp);
	}
}

static void answer_info(void)
{
	void *r;
	if ((r = request(REQ_BOOTLOADER_INFO))) {
		struct limine_bootloader_info_response *x = alloc(sizeof(*x));
		x->name = (char *)virt(dup_str(RASTBOOT_NAME));
		x->version = (char *)virt(dup_str(RASTBOOT_VERSION));
		answer(r, x);
	}
	if ((r = request(REQ_FIRMWARE_TYPE))) {
		struct limine_firmware_type_response *x = alloc(sizeof(*x));
		x->firmware_type = LIMINE_FIRMWARE_TYPE_X86BIOS;
		answer(r, x);
	}
	if ((r = request(REQ_HHDM))) {
		struct limine_hhdm_response *x = alloc(sizeof(*x));
		x->offset = st->hhdm;
		answer(r, x);
	}
	if ((r = request(REQ_EXECUTABLE_ADDRESS))) {
		struct limine_executable_address_response *x =
			alloc(sizeof(*x));
		x->physical_base = st->kernel_phys;
		x->virtual_base = st->elf.vaddr_min + st->slide;
		answer(r, x);
	}
	if ((r = request(REQ_DATE_AT_BOOT))) {
		struct limine_date_at_boot_response *x = alloc(sizeof(*x));
		x->timestamp = rtc_unix_time();
		answer(r, x);
	}
}

/* A firmware table's address as the base revision wants it; 0 stays 0. */
static uint64_t table_address(uint64_t phys)
{
	if (!phys || st->base_revision == 3)
		return phys;
	return phys + st->hhdm;
}

/* As the real Limine does on BIOS: the entry points in 0xf0000-0xfffff. */
static void answer_smbios(void)
{
	void *r = request(REQ_SMBIOS);
	uint64_t e32, e64;

	if (!r || smbios_find(phys_ptr(SMBIOS_AREA_START),
			      SMBIOS_AREA_END - SMBIOS_AREA_START,
			      SMBIOS_AREA_START, &e32, &e64))
		return;
	struct limine_smbios_response *x = alloc(sizeof(*x));
	x->entry_32 = table_address(e32);
	x->entry_64 = table_address(e64);
	answer(r, x);
}

static void answer_files(void)
{
	void *r;
	if ((r = request(REQ_EXECUTABLE_FILE))) {
		struct limine_executable_file_response *x = alloc(sizeof(*x));
		x->executable_file = file_response(&st->kernel_file);
		answer(r, x);
	}
	if ((r = request(REQ_EXECUTABLE_CMDLINE))) {
		struct limine_executable_cmdline_response *x =
			alloc(sizeof(*x));
		x->cmdline = (char *)virt(dup_str(st->cfg.cmdline));
		answer(r, x);
	}
	if ((r = request(REQ_MODULE))) {
		/* Revision 0: internal modules are not supported (yet). */
		struct limine_module_response *x = alloc(sizeof(*x));
		struct limine_file **list =
			alloc(sizeof(*list) * (size_t)(st->module_count + 1));
		for (int i = 0; i < st->module_count; i++)
			list[i] = file_response(&st->modules[i]);
		x->module_count = (uint64_t)st->module_count;
		x->modules = (struct limine_file **)virt(list);
		answer(r, x);
	}
	if ((r = request(REQ_RSDP))) {
		uint64_t rsdp = acpi_find_rsdp();
		if (rsdp) {
			struct limine_rsdp_response *x = alloc(sizeof(*x));
			x->address = table_address(rsdp);
			answer(r, x);
		}
	}
	answer_smbios();
}

/* Bytes of stack for each CPU: the stack size request's, at least 64 KiB. */
static uint64_t stack_size(void)
{
	struct limine_stack_size_request *r = request(REQ_STACK_SIZE);
	if (!r)
		return STACK_DEFAULT;
	if (r->stack_size > STACK_MAX)
		fatal("the kernel asks for a %lu KiB stack (at most %lu)",
		      (unsigned long)(r->stack_size >> 10),
		      (unsigned long)(STACK_MAX >> 10));
	if (!r->response)
		answer(r, alloc(sizeof(struct limine_stack_size_response)));
	return MAX(ALIGN_UP(r->stack_size, 4096), STACK_DEFAULT);
}

/* The stack the kernel starts on; returns its top as a virtual address. */
static uint64_t make_stack(void)
{
	uint64_t size = stack_size();
	uint8_t *stack = boot_alloc(&st->memmap, size,
				    LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE,
				    "the kernel stack");
	return virt(stack + size);
}

static void answer_mp(uint64_t cr3)
{
	struct limine_mp_request *r = request(REQ_MP);
	if (!r)
		return;
	struct limine_mp_response *x = alloc(sizeof(*x));
	smp_start_aps(st, x, r->flags, cr3, stack_size(), alloc);
	answer(r, x);
}

/* Pick a video mode now; it is set just before the handoff. */
static const struct vbe_mode *pick_video(struct vbe_mode *modes, int *count)
{
	*count = 0;
	if (!request(REQ_FRAMEBUFFER) || st->cfg.text_mode)
		return NULL;
	*count = vbe_list_modes(modes, VBE_MAX_MODES);
	int best = vbe_pick(modes, *count, st->cfg.width, st->cfg.height);
	if (best < 0) {
		print("rastboot: no 32-bit linear framebuffer mode up to "
		      "%ux%u; "
		      "staying in text mode\n",
		      st->cfg.width, st->cfg.height);
		return NULL;
	}
	const struct vbe_mode *m = &modes[best];
	print("rastboot: video mode %ux%ux32 at 0x%lx\n", m->width, m->height,
	      (unsigned long)m->phys);
	/* Whole pages, so neighbouring usable entries stay page-aligned. */
	uint64_t fb_end =
		ALIGN_UP(m->phys + (uint64_t)m->pitch * m->height, 4096);
	if (memmap_set(&st->memmap, ALIGN_DOWN(m->phys, 4096),
		       fb_end - ALIGN_DOWN(m->phys, 4096),
		       LIMINE_MEMMAP_FRAMEBUFFER))
		fatal("the memory map is full");
	return m;
}

static void fill_fb(struct limine_framebuffer *fb, const struct vbe_mode *m)
{
	fb->address = (void *)(m->phys + st->hhdm);
	fb->width = m->width;
	fb->height = m->height;
	fb->pitch = m->pitch;
	fb->bpp = m->bpp;
	fb->memory_model = LIMINE_FRAMEBUFFER_RGB;
	fb->red_mask_size = m->red_size;
	fb->red_mask_shift = m->red_shift;
	fb->green_mask_size = m->green_size;
	fb->green_mask_shift = m->green_shift;
	fb->blue_mask_size = m->blue_size;
	fb->blue_mask_shift = m->blue_shift;
}

static void answer_framebuffer(const struct vbe_mode *m,
			       const struct vbe_mode *modes, int count)
{
	void *r = request(REQ_FRAMEBUFFER);
	struct limine_framebuffer_response *x = alloc(sizeof(*x));
	struct limine_framebuffer *fb = alloc(sizeof(*fb));
	struct limine_framebuffer **list = alloc(sizeof(*list));
	struct limine_video_mode **mlist =
		alloc(sizeof(*mlist) * (size_t)count);

	fill_fb(fb, m);
	for (int i = 0; i < count; i++) {
		struct limine_video_mode *vm = alloc(sizeof(*vm));
		vm->pitch = modes[i].pitch;
		vm->width = modes[i].width;
		vm->height = modes[i].height;
		vm->bpp = modes[i].bpp;
		vm->memory_model = LIMINE_FRAMEBUFFER_RGB;
		vm->red_mask_size = modes[i].red_size;
		vm->red_mask_shift = modes[i].red_shift;
		vm->green_mask_size = modes[i].green_size;
		vm->green_mask_shift = modes[i].green_shift;
		vm->blue_mask_size = modes[i].blue_size;
		vm->blue_mask_shift = modes[i].blue_shift;
		mlist[i] = (struct limine_video_mode *)virt(vm);
	}
	fb->mode_count = (uint64_t)count;
	fb->modes = (struct limine_video_mode **)virt(mlist);
	list[0] = (struct limine_framebuffer *)virt(fb);
	x->revision = 1;
	x->framebuffer_count = 1;
	x->framebuffers = (struct limine_framebuffer **)virt(list);
	answer(r, x);
}

/* Last: nothing may be allocated after the map is copied out. */
static void answer_memmap(struct limine_memmap_entry *entries,
			  struct limine_memmap_entry **ptrs,
			  struct limine_memmap_response *x)
{
	void *r = request(REQ_MEMMAP);
	if (!r)
		return;
	for (int i = 0; i < st->memmap.count; i++) {
		entries[i].base = st->memmap.e[i].base;
		entries[i].length = st->memmap.e[i].length;
		entries[i].type = st->memmap.e[i].type;
		ptrs[i] = (struct limine_memmap_entry *)virt(&entries[i]);
	}
	x->entry_count = (uint64_t)st->memmap.count;
	x->entries = (struct limine_memmap_entry **)virt(ptrs);
	answer(r, x);
}

static uint64_t entry_point(void)
{
	struct limine_entry_point_request *r = request(REQ_ENTRY_POINT);
	if (r && r->entry) {
		answer(r, alloc(sizeof(struct limine_entry_point_response)));
		return (uintptr_t)r->entry;
	}
	return st->elf.entry + st->slide;
}

void limine_boot(struct boot_state *state)
{
	static struct vbe_mode modes[VBE_MAX_MODES];
	static struct handoff h;
	int mode_count;

	st = state;
	kernel_place(st);
	scan_requests();
	arena = boot_alloc(&st->memmap, ARENA_SIZE,
			   LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE,
			   "boot responses");
	choose_paging();
	struct limine_memmap_entry *mm_entries =
		alloc(sizeof(*mm_entries) * MEMMAP_MAX);
	struct limine_memmap_entry **mm_ptrs =
		alloc(sizeof(*mm_ptrs) * MEMMAP_MAX);
	struct limine_memmap_response *mm_resp = alloc(sizeof(*mm_resp));
	answer_info();
	answer_files();
	h.stack = make_stack();
	h.entry = entry_point();
	const struct vbe_mode *video = pick_video(modes, &mode_count);
	h.cr3 = kernel_page_tables(
		st, video ? video->phys : 0,
		video ? (uint64_t)video->pitch * video->height : 0);
	answer_mp(h.cr3);
	h.la57 = st->paging_levels == 5;
	h.gdt_limit = sizeof(gdt) - 1;
	h.gdt_base = virt(gdt);
	print("rastboot: %d-level paging, HHDM at 0x%lx; starting the kernel\n",
	      st->paging_levels, (unsigned long)st->hhdm);
	if (video) {
		console_disable_vga();
		if (vbe_set_mode(video) == 0)
			answer_framebuffer(video, modes, mode_count);
		else
			print("rastboot: setting the video mode failed\n");
	}
	answer_memmap(mm_entries, mm_ptrs, mm_resp);
	if (cpu.pat)
		wrmsr(IA32_PAT, PAT_LAYOUT);
	outb(0x21, 0xff); /* legacy PIC: all IRQs masked */
	outb(0xa1, 0xff);
	rastboot_kernel_slide = st->slide;
	handoff(&h);
}
