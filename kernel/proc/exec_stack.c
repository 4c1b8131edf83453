/*
 * A new program's stack, as the x86_64 Linux ABI lays it out, from the
 * top down: the file name (AT_EXECFN), the environment and argument
 * strings, the platform string, 16 random bytes (AT_RANDOM); then,
 * 16-byte aligned at the stack pointer, argc, argv[] and NULL, envp[]
 * and NULL, and the auxiliary vector ending with AT_NULL.
 *
 * The stack region's top is randomised (below the end of the user half)
 * unless norandmaps; it grows down on faults up to RLIMIT_STACK.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/random.h>
#include <kernel/string.h>

#include "exec_priv.h"

#define STACK_RANDOM_PAGES (1ULL << 22) /* 16 GiB of pages, as Linux */
#define STACK_INITIAL (128 * 1024)	/* mapped at first; grows on use */

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51
#define AUXV_MAX 24

/* Grows down from top: strings first. */
struct stack_builder {
	struct mm *mm;
	uintptr_t sp;
	int err;
};

static uintptr_t push(struct stack_builder *b, const void *data, size_t n)
{
	b->sp -= n;
	if (!b->err)
		b->err = uvm_write_locked(b->mm, b->sp, data, n);
	return b->sp;
}

static uintptr_t push_str(struct stack_builder *b, const char *s)
{
	return push(b, s, strlen(s) + 1);
}

static unsigned int fill_auxv(uint64_t *v, const struct exec_stack_info *in,
			      uintptr_t random, uintptr_t platform,
			      uintptr_t execfn)
{
	unsigned int n = 0;

#define AUX(type, val) (v[n++] = (type), v[n++] = (uint64_t)(val))
	if (in->vdso_base)
		AUX(AT_SYSINFO_EHDR, in->vdso_base);
	AUX(AT_MINSIGSTKSZ, 2048);
	AUX(AT_HWCAP, arch_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, in->prog->phdr);
	AUX(AT_PHENT, 56);
	AUX(AT_PHNUM, in->prog->phnum);
	AUX(AT_BASE, in->interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, in->prog->entry);
	AUX(AT_UID, in->uid);
	AUX(AT_EUID, in->euid);
	AUX(AT_GID, in->gid);
	AUX(AT_EGID, in->egid);
	AUX(AT_SECURE, in->secure);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, arch_hwcap2());
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	return n;
}

uintptr_t exec_stack_top(void)
{
	uintptr_t top = vm_user_end() - PAGE_SIZE;

	if (exec_randomize())
		top -= (random_u64() % STACK_RANDOM_PAGES) * PAGE_SIZE;
	return top;
}

/* The stack region, below mm->stack_top: its top. */
static uintptr_t make_region(struct mm *mm, bool exec, int *err)
{
	uintptr_t top = mm->stack_top;

	*err = uvm_map(mm, top - STACK_INITIAL, STACK_INITIAL,
		       VMA_READ | VMA_WRITE | VMA_GROWSDOWN | VMA_STACK |
			       (exec ? VMA_EXEC : 0),
		       NULL, 0);
	return top;
}

/* The pointer block: argc, argv, envp, auxv; sp is 16-aligned at argc. */
static void push_pointers(struct stack_builder *b, const struct exec_args *a,
			  uintptr_t strings, const uint64_t *auxv,
			  unsigned int nauxv)
{
	size_t count = 1 + a->argc + 1 + a->envc + 1 + nauxv;
	uint64_t *block = kmalloc(count * 8);
	size_t k = 0, off = 0;

	if (!block) {
		b->err = -ENOMEM;
		return;
	}
	block[k++] = a->argc;
	for (unsigned int i = 0; i < a->argc + a->envc; i++) {
		block[k++] = strings + off;
		off += strlen(a->buf + off) + 1;
		if (i + 1 == a->argc)
			block[k++] = 0; /* argv's end */
	}
	if (a->argc == 0)
		block[k++] = 0;
	block[k++] = 0; /* envp's end */
	memcpy(block + k, auxv, nauxv * 8);
	b->sp = ALIGN_DOWN(b->sp - count * 8, 16) + count * 8;
	push(b, block, count * 8);
	kfree(block);
}

/* The length of the argument strings (their NULs too): /proc's split. */
static size_t argv_bytes(const struct exec_args *a)
{
	size_t off = 0;

	for (unsigned int i = 0; i < a->argc; i++)
		off += strlen(a->buf + off) + 1;
	return off;
}

int exec_setup_stack(struct mm *mm, const struct exec_args *a,
		     const struct exec_stack_info *info, uintptr_t *sp)
{
	struct stack_builder b = {.mm = mm};
	uint8_t rnd[16];
	uint64_t auxv[AUXV_MAX * 2];
	uintptr_t execfn, strings, platform, random;
	unsigned int nauxv;

	b.sp = make_region(mm, info->prog->exec_stack, &b.err);
	b.sp -= 8; /* a NULL word at the very top, as Linux leaves */
	execfn = push_str(&b, info->execfn);
	strings = push(&b, a->buf, a->len);
	mm->arg_start = strings;
	mm->arg_end = mm->env_start = strings + argv_bytes(a);
	mm->env_end = strings + a->len;
	platform = push_str(&b, "x86_64");
	random_bytes(rnd, sizeof(rnd));
	random = push(&b, rnd, sizeof(rnd));
	b.sp = ALIGN_DOWN(b.sp, 16);
	nauxv = fill_auxv(auxv, info, random, platform, execfn);
	push_pointers(&b, a, strings, auxv, nauxv);
	*sp = b.sp;
	return b.err;
}
