/*
 * libFuzzer harness for the user ELF checks (kernel/proc/elf.c): the input
 * is a whole file, run through the three steps as execve will run them,
 * each on an exact-size copy of what that step reads (the first 64 bytes,
 * the program header table, the interpreter path), so ASan sees any read
 * past what the kernel would have read. Every input must give 0 or
 * -ENOEXEC with a reason, and an accepted file must describe segments
 * that the loader can map safely (checked below).
 *
 * Seeds: the host test writes them (test_elf_exec --write-seeds DIR).
 *
 *   make fuzz && build/tests/fuzz/fuzz_elf_exec -max_total_time=600 CORPUS SEEDS
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/elf.h>
#include <kernel/errno.h>

#define USER_LIMIT (1ULL << 47)
#define PAGE 4096ULL

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void *copy_of(const uint8_t *data, size_t len)
{
	void *p = malloc(len ? len : 1);

	memcpy(p, data, len);
	return p;
}

static void check_accepted(const struct elf_exec *ex, size_t size)
{
	check(ex->nloads >= 1 && ex->nloads <= ELF_MAX_LOADS);
	check(ex->min_vaddr % PAGE == 0 && ex->max_vaddr % PAGE == 0);
	check(ex->span == ex->max_vaddr - ex->min_vaddr &&
	      ex->span <= USER_LIMIT);
	check(ex->type == ELF_ET_DYN || ex->max_vaddr <= USER_LIMIT);
	for (unsigned int i = 0; i < ex->nloads; i++) {
		const struct elf_load *l = &ex->loads[i];

		check(l->filesz <= l->memsz && l->memsz > 0);
		check(l->offset <= size && l->filesz <= size - l->offset);
		check(l->vaddr >= ex->min_vaddr &&
		      l->memsz <= ex->max_vaddr - l->vaddr);
		check(i == 0 || l->vaddr - ex->loads[i - 1].vaddr >=
					ex->loads[i - 1].memsz);
	}
	check(!ex->has_interp || (ex->interp_size >= ELF_INTERP_MIN &&
				  ex->interp_size <= ELF_INTERP_MAX &&
				  ex->interp_off <= size - ex->interp_size));
}

/* The header and the table; 0 or -ENOEXEC, with why set accordingly. */
static int parse(const uint8_t *data, size_t size, struct elf_exec *ex)
{
	size_t hlen = size < ELF_EHDR_SIZE ? size : ELF_EHDR_SIZE, len;
	void *buf = copy_of(data, hlen);
	const char *why = NULL;
	int ret = elf_parse_header(buf, hlen, size, ex, &why);

	free(buf);
	check(ret == 0 ? why == NULL : ret == -ENOEXEC && why != NULL);
	if (ret)
		return ret;
	check(ex->phoff <= size && ex->phnum >= 1 &&
	      ex->phnum <= ELF_MAX_PHNUM &&
	      (size_t)ex->phnum * ELF_PHDR_SIZE <= size - ex->phoff);
	len = (size_t)ex->phnum * ELF_PHDR_SIZE;
	buf = copy_of(data + ex->phoff, len);
	ret = elf_parse_phdrs(ex, buf, len, size, USER_LIMIT, &why);
	free(buf);
	check(ret == 0 ? why == NULL : ret == -ENOEXEC && why != NULL);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_exec ex;
	const char *why = NULL;
	char *path;
	int ret;

	if (parse(data, size, &ex) != 0)
		return 0;
	check_accepted(&ex, size);
	if (!ex.has_interp)
		return 0;
	path = copy_of(data + ex.interp_off, ex.interp_size);
	ret = elf_check_interp(path, ex.interp_size, &why);
	check(ret == 0 ? why == NULL && path[ex.interp_size - 1] == '\0'
		       : ret == -ENOEXEC && why != NULL);
	free(path);
	return 0;
}
