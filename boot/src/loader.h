/*
 * rastboot's loader state, from reading the boot volume to the kernel
 * handoff, and the functions of the loader proper (non-pure: they talk to
 * the BIOS or the hardware).
 */
#ifndef RASTBOOT_LOADER_H
#define RASTBOOT_LOADER_H

#include "config.h"
#include "console.h"
#include "disk.h"
#include "elf.h"
#include "limine_scan.h"
#include "memmap.h"
#include "vbe.h"

#define RASTBOOT_NAME "rastboot"
#define RASTBOOT_VERSION "0.1.0"

struct loaded_file {
	uint64_t phys; /* page-aligned copy of the file in memory */
	uint64_t size;
	const char *path;
	const char *cmdline;
};

struct boot_state {
	struct memmap memmap;
	struct volume vol;
	struct boot_config cfg;
	struct loaded_file kernel_file;
	struct elf_image elf;
	uint64_t kernel_phys; /* where [vaddr_min, vaddr_max) is loaded */
	uint64_t slide;	      /* run address = link address + slide */
	struct loaded_file modules[CONFIG_MODULES_MAX];
	int module_count;
	struct limine_requests reqs;
	uint64_t base_revision; /* the revision rastboot follows */
	int paging_levels;
	uint64_t hhdm;
	bool kaslr;
	const struct vbe_mode *video; /* set mode, or NULL for text */
};

/* e820.c */
void memory_init(struct memmap *m);
/* Zeroed, page-aligned memory below 4 GiB of the given memmap type; fatal if none. */
void *boot_alloc(struct memmap *m, uint64_t size, uint32_t type,
		 const char *what);

/* acpi.c: physical address of the RSDP, or 0; a table by signature. */
uint64_t acpi_find_rsdp(void);
const uint8_t *acpi_find_table(const char *sig, size_t *len);

/*
 * smp.c: start the application processors listed in the MADT and park
 * them on the kernel's page tables (cr3), each on its own stack of
 * stack_size bytes; fills the Limine MP response (allocated with alloc).
 */
struct limine_mp_response;
void smp_start_aps(struct boot_state *st, struct limine_mp_response *resp,
		   uint64_t flags, uint64_t cr3, uint64_t stack_size,
		   void *(*alloc)(size_t));

/* place.c: slide, load and relocate the kernel; paging depth; page tables. */
void kernel_place(struct boot_state *st);
void kernel_choose_paging(struct boot_state *st, uint64_t mode, uint64_t max,
			  uint64_t min);
/* Physical address of the top-level table. fb: framebuffer to map WC. */
uint64_t kernel_page_tables(struct boot_state *st, uint64_t fb,
			    uint64_t fb_size);

/* limine.c: answer the kernel's requests, build its page tables, hand off. */
__attribute__((noreturn)) void limine_boot(struct boot_state *st);

#endif
