/*
 * The BIOS memory map (INT 15h EAX=E820h), turned into the loader's memmap
 * with the first page and the loader's own low-memory area set aside.
 */
#include "loader.h"
#include "bios.h"
#include "layout.h"

struct e820_entry {
	uint64_t base, length;
	uint32_t type, ext;
} __attribute__((packed));

static int e820_read(struct memmap_entry *raw, int max)
{
	struct e820_entry *buf = phys_ptr(BOUNCE_ADDR);
	struct bios_regs r;
	uint32_t cont = 0;
	int n = 0;

	do {
		memset(buf, 0, sizeof(*buf));
		buf->ext = 1; /* ACPI 3 "valid" bit, for BIOSes that skip it */
		r = (struct bios_regs){.eax = 0xe820,
				       .ebx = cont,
				       .ecx = 24,
				       .edx = 0x534d4150,
				       .edi = rm_off(buf),
				       .es = rm_seg(buf)};
		bios_call(0x15, &r, &r);
		if ((r.eflags & BIOS_CF) || r.eax != 0x534d4150)
			break;
		cont = r.ebx;
		if (r.ecx >= 24 && !(buf->ext & 1))
			continue; /* the BIOS says: ignore this entry */
		raw[n++] =
			(struct memmap_entry){buf->base, buf->length,
					      memmap_type_from_e820(buf->type)};
	} while (cont && n < max);
	return n;
}

void memory_init(struct memmap *m)
{
	static struct memmap_entry raw[MEMMAP_MAX];
	int n = e820_read(raw, MEMMAP_MAX - 2);

	if (n == 0)
		fatal("the BIOS gave no E820 memory map");
	/* Page 0 holds the real-mode IVT and BIOS data; never usable. */
	raw[n++] = (struct memmap_entry){0, 0x1000, LIMINE_MEMMAP_RESERVED};
	if (memmap_build(m, raw, n))
		fatal("the E820 memory map has too many entries");
	if (memmap_set(m, LOADER_AREA_START,
		       LOADER_AREA_END - LOADER_AREA_START,
		       LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE))
		fatal("the E820 memory map has too many entries");
}

void *boot_alloc(struct memmap *m, uint64_t size, uint32_t type,
		 const char *what)
{
	uint64_t phys = memmap_alloc(m, size, 4096, 0x100000, 1ULL << 32, type);
	if (!phys)
		fatal("out of memory for %s (%lu KiB)", what,
		      (unsigned long)(size >> 10));
	memset((void *)(uintptr_t)phys, 0, ALIGN_UP(size, 4096));
	return (void *)(uintptr_t)phys;
}
