/*
 * auxv.c - the initial process stack and the auxiliary vector (built both
 * static and static-PIE).
 *   The stack is 16-byte aligned at entry with argc right below argv;
 *   AT_PAGESZ, AT_PHENT, AT_PHNUM and AT_PHDR agree with the program's own
 *   ELF headers, AT_ENTRY is _start, AT_BASE 0 (no interpreter), AT_FLAGS 0,
 *   AT_UID/EUID/GID/EGID match the getters, AT_SECURE 0, AT_CLKTCK 100,
 *   AT_PLATFORM "x86_64", AT_HWCAP is CPUID 1 EDX, AT_RANDOM has 16
 *   readable bytes, AT_EXECFN is the path given to execve (absolute or
 *   relative, whatever argv[0] says), AT_SYSINFO_EHDR (if any) is an ELF
 *   image; strings lie above the vectors. Run again through execve, ASLR
 *   moves the stack, mmap base and (for a PIE) the image, and AT_RANDOM
 *   changes.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

static unsigned long aux(unsigned long type)
{
	errno = 0;
	unsigned long v = getauxval(type);
	if (errno)
		t_say("auxv: no entry %lu", type);
	return v;
}

/* The re-executed copy: compare with the first run's values (argv[2..]) and
 * exit 0 when every one of them differs. */
static int second_run(char **argv)
{
	unsigned long stack = strtoul(argv[2], NULL, 16);
	unsigned long map = strtoul(argv[3], NULL, 16);
	unsigned long image = strtoul(argv[4], NULL, 16);
	const char *rnd = argv[5];
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int bad = 0;
	char here;
	void *m =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char hex[33];
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	for (int i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", r[i]);
	if (strcmp(execfn, argv[6]) != 0)
		bad |= 1;
	if ((unsigned long)&here == stack)
		bad |= 2;
	if ((unsigned long)m == map)
		bad |= 4;
	if (__ehdr_start.e_type == ET_DYN &&
	    (unsigned long)&__ehdr_start == image)
		bad |= 8;
	if (strcmp(hex, rnd) == 0)
		bad |= 16;
	return bad;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "again") == 0)
		return second_run(argv);

	/* musl's _start passes the entry stack pointer on: argv sits right
	 * above argc, which is at the entry %rsp. */
	long *sp = (long *)argv - 1;
	T_EQ("entry stack 16-byte aligned", (unsigned long)sp % 16, 0);
	T_EQ("argc at the entry stack pointer", sp[0], argc);
	T_EQ("argv[argc] is NULL", argv[argc] == NULL, 1);

	T_EQ("AT_PAGESZ", aux(AT_PAGESZ), 4096);
	T_EQ("AT_PHENT", aux(AT_PHENT), sizeof(Elf64_Phdr));
	T_EQ("AT_PHNUM is e_phnum", aux(AT_PHNUM) == __ehdr_start.e_phnum, 1);
	T_EQ("AT_PHDR is the loaded program headers",
	     aux(AT_PHDR) ==
		     (unsigned long)&__ehdr_start + __ehdr_start.e_phoff,
	     1);
	T_EQ("AT_ENTRY is _start", aux(AT_ENTRY) == (unsigned long)_start, 1);
	T_EQ("AT_BASE", aux(AT_BASE), 0);
	T_EQ("AT_FLAGS", aux(AT_FLAGS), 0);
	T_EQ("AT_UID", aux(AT_UID), getuid());
	T_EQ("AT_EUID", aux(AT_EUID), geteuid());
	T_EQ("AT_GID", aux(AT_GID), getgid());
	T_EQ("AT_EGID", aux(AT_EGID), getegid());
	T_EQ("AT_SECURE", aux(AT_SECURE), 0);
	T_EQ("AT_CLKTCK", aux(AT_CLKTCK), 100);
	T_STREQ("AT_PLATFORM", (const char *)aux(AT_PLATFORM), "x86_64");
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	T_EQ("AT_HWCAP is CPUID 1 EDX", aux(AT_HWCAP) == d, 1);
	const unsigned char *rnd = (const unsigned char *)aux(AT_RANDOM);
	int nonzero = 0;
	for (int i = 0; i < 16; i++)
		nonzero |= rnd[i];
	T_EQ("AT_RANDOM bytes readable, not all zero", nonzero != 0, 1);
	const char *execfn = (const char *)aux(AT_EXECFN);
	T_EQ("AT_EXECFN is the path given to execve (argv[0] here)",
	     strcmp(execfn, argv[0]) == 0, 1);
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	T_EQ("AT_SYSINFO_EHDR absent or an ELF image",
	     vdso == 0 || memcmp((void *)vdso, ELFMAG, SELFMAG) == 0, 1);
	/* Linux puts the strings above the pointer vectors. */
	char **e = environ;
	while (*e)
		e++;
	Elf64_auxv_t *av = (Elf64_auxv_t *)(e + 1);
	while (av->a_type != AT_NULL)
		av++;
	T_EQ("argv strings above the auxiliary vector",
	     (unsigned long)argv[0] > (unsigned long)av, 1);
	T_EQ("AT_RANDOM bytes above the auxiliary vector",
	     (unsigned long)rnd > (unsigned long)av, 1);

	/* Run again (ASLR, AT_EXECFN of a relative path, another argv[0]). */
	char stack[32], map[32], image[32], hex[33], self[256];
	char here;
	void *m =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	snprintf(stack, sizeof(stack), "%lx", (unsigned long)&here);
	snprintf(map, sizeof(map), "%lx", (unsigned long)m);
	snprintf(image, sizeof(image), "%lx", (unsigned long)&__ehdr_start);
	for (int i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", rnd[i]);
	snprintf(self, sizeof(self), "%s", argv[0] + 1); /* "bin/auxv..." */
	char *nargv[] = {"renamed", "again", stack, map,
			 image,	    hex,     self,  NULL};
	char *nenv[] = {NULL};
	pid_t pid = t_fork();
	if (pid == 0) {
		execve(self, nargv, nenv);
		_exit(127);
	}
	int st = t_wait(pid);
	T_STATUS("second run: AT_EXECFN relative, stack, mmap, image "
		 "(PIE) and AT_RANDOM all differ",
		 st, "exit 0");
	t_done();
}
