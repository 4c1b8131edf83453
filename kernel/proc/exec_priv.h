/*
 * Shared by the execve files of kernel/proc/ only (exec.c, exec_args.c,
 * exec_elf.c, exec_stack.c).
 */
#ifndef EXEC_PRIV_H
#define EXEC_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/elf.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/uvm.h>

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* one argument: 128 KiB */
#define BINPRM_BUF_SIZE 256		/* the #! line's room */
#define MAX_SCRIPT_DEPTH 5		/* #! of #! ...: ELOOP beyond */

/*
 * The argument and environment strings, copied out of the old program
 * before it goes: argc strings then envc strings, each NUL-terminated,
 * one after the other in buf (vmalloc'd, at most limit bytes).
 */
struct exec_args {
	char *buf; /* the strings, back to back; grows as they come */
	size_t len, cap, limit;
	unsigned int argc, envc;
};

int exec_args_init(struct exec_args *a);
void exec_args_free(struct exec_args *a);
/* Append the strings of a user array (argv or envp; NULL: none). */
int exec_args_copy_user(struct exec_args *a, uintptr_t uvec, bool env);
/* Append one string from the kernel (PID 1's argv and envp). */
int exec_args_add_kernel(struct exec_args *a, const char *s, bool env);
/* Replace argv[0] by strings (the #! interpreter, its argument, path). */
int exec_args_script(struct exec_args *a, const char *interp, const char *arg,
		     const char *path);

/* A loaded ELF: where it went. */
struct exec_image {
	uint64_t bias;	    /* load address - link address (ET_DYN) */
	uintptr_t entry;    /* with the bias */
	uintptr_t phdr;	    /* AT_PHDR */
	unsigned int phnum; /* AT_PHNUM */
	uintptr_t end;	    /* the highest segment end: brk starts above */
	uintptr_t start_code, end_code, start_data, end_data;
	bool exec_stack;
	bool has_interp;
	char interp[256];
};

/*
 * Read the ELF headers of in and map its segments into mm (not yet the
 * current one): 0 or -ENOEXEC (logged), -ENOMEM. interp: it is the
 * dynamic linker (placed like an mmap).
 */
int exec_load_elf(struct mm *mm, struct inode *in, const char *path,
		  bool interp, struct exec_image *img);

struct exec_stack_info {
	const struct exec_image *prog;
	uintptr_t interp_base; /* AT_BASE: 0 without an interpreter */
	const char *execfn;
	bool secure;
	uid_t uid, euid;
	gid_t gid, egid;
	uintptr_t vdso_base; /* 0: none */
};

/* The stack's top for a new program, randomised below the user half's
 * end: chosen before the vDSO, which goes above it (vdso_map). */
uintptr_t exec_stack_top(void);

/*
 * Make mm's stack region below mm->stack_top and fill it as Linux's ABI
 * says: strings, AT_RANDOM bytes, the platform, the auxiliary vector,
 * envp, argv, argc; *sp gets the initial stack pointer (16-byte aligned,
 * at argc).
 */
int exec_setup_stack(struct mm *mm, const struct exec_args *a,
		     const struct exec_stack_info *info, uintptr_t *sp);

/* PID 1's program: execve from a kernel thread (proc/init.c). */
int proc_exec_kernel(const char *path, const char *const argv[],
		     const char *const envp[]);

/* Randomisation on unless "norandmaps" is on the command line. */
bool exec_randomize(void);

/* End every thread of p but the calling one (the exec's point of no
 * return); the caller then holds p's PID as its TID. */
void exec_kill_other_threads(struct proc *p);

/* Map the vDSO and its data page into mm: its base, or 0. */
uintptr_t vdso_map(struct mm *mm);

#endif
