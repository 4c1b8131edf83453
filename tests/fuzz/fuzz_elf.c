/*
 * libFuzzer harness for the kernel ELF loader (boot/src/elf.c): any input
 * must make elf_parse() and elf_load() return 0 or -ENOEXEC with a reason,
 * never read or write out of bounds. Accepted images are loaded into a
 * buffer of exactly the size elf_parse() computed, at slide 0 and, if the
 * image may move, at a page-aligned slide taken from the input.
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -Iboot/src -Iinclude tests/fuzz/fuzz_elf.c boot/src/elf.c \
 *       boot/src/strutil.c -o build/fuzz/fuzz_elf
 *   mkdir -p build/fuzz/elf-seeds
 *   build/tests/host/test_elf --write-seeds build/fuzz/elf-seeds
 *   build/fuzz/fuzz_elf build/fuzz/elf-corpus build/fuzz/elf-seeds
 */
#include <stdlib.h>

#include "elf.h"
#include <limine.h>

#define LOAD_MAX (64ULL << 20) /* bigger images are legal, just slow here */

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void try_load(const struct elf_image *img, const uint8_t *data,
		     size_t size, uint8_t *dst, uint64_t slide)
{
	const char *why = NULL;
	int ret = elf_load(img, data, size, dst, slide, &why);

	check(ret == 0 || (ret == -ENOEXEC && why && *why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	const char *why = NULL;

	if (elf_parse(data, size, LIMINE_KERNEL_MIN_VADDR, &img, &why)) {
		check(why && *why);
		return 0;
	}
	check(img.segment_count > 0 && img.vaddr_max > img.vaddr_min);
	check(img.entry >= img.vaddr_min && img.entry < img.vaddr_max);

	uint64_t span = img.vaddr_max - img.vaddr_min;
	if (span > LOAD_MAX)
		return 0;
	uint8_t *dst = malloc(span);
	try_load(&img, data, size, dst, 0);
	if (img.relocatable && size >= 32) {
		/* Bytes 24..31 hold e_entry: a cheap, input-driven slide. */
		try_load(&img, data, size, dst,
			 (get_le64(data + 24) & 0xfffff) << 12);
	}
	free(dst);
	return 0;
}
