/*
 * Kernel symbols: run-time addresses back to "function+offset", for
 * backtraces and fault reports (kernel/debug/ksym.c). The names come from
 * the .symtab of the kernel's own ELF file, which the loader hands over
 * (boot_info->kernel_file); it is parsed once, on first use, and checked
 * field by field, since a broken file must not crash a panic report.
 * Without the file or its symbol table every lookup fails and callers
 * print raw addresses.
 */
#ifndef KERNEL_KSYM_H
#define KERNEL_KSYM_H

#include <stddef.h>
#include <stdint.h>

/* Enough for "name+0x.../0x..." with any name the kernel has. */
#define KSYM_NAME_BUF 128

struct ksym {
	const char *name; /* points into the ELF file: do not free */
	uintptr_t offset; /* addr - the symbol's start */
	uintptr_t size;	  /* of the symbol; 0 if the symbol has none */
};

/*
 * The symbol containing addr (a run-time, slid address): a function or
 * object whose [start, start + size) holds it, else the nearest unsized
 * label before it (assembly). 0; -ENOENT if addr is outside the kernel
 * image or in no symbol; -ENOEXEC if there is no usable symbol table.
 */
int ksym_lookup(uintptr_t addr, struct ksym *sym);

/*
 * The same for a return address (of a backtrace, __builtin_return_address):
 * looks up addr - 1, because a call to a noreturn function can be the last
 * instruction of its caller, whose return address is then past its end.
 * The offset is still from addr.
 */
int ksym_lookup_return(uintptr_t addr, struct ksym *sym);

/*
 * "name+0x1c/0x80" ("name+0x1c" for an unsized symbol) into buf, always
 * NUL-terminated; "" if the lookup fails, whose result is returned.
 */
int ksym_format(uintptr_t addr, char *buf, size_t size);
int ksym_format_return(uintptr_t addr, char *buf, size_t size);

#endif
