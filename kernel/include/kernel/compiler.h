/*
 * Compiler attributes and tiny helpers every kernel file may use. Kept in
 * one place so the spelling of GCC extensions is not repeated (and can be
 * changed once) across the tree.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))
#define __aligned(n) __attribute__((aligned(n)))
#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))
#define __maybe_unused __attribute__((unused))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The object of the given type whose field member is at ptr. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* a must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a)-1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define PAGE_SIZE 4096ULL

#endif
