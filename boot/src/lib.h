/*
 * rastboot's tiny C library: the string/memory functions and errno values
 * every loader file uses. The pure parts of the loader (parsers, allocators)
 * are also compiled for the host by the unit tests; there libc provides
 * these, so this header only declares what a freestanding build lacks.
 */
#ifndef RASTBOOT_LIB_H
#define RASTBOOT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <errno.h>
#include <string.h>
#else
#include <rastos/errno.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Little-endian unaligned loads, for on-disk structures. */
static inline uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static inline uint64_t get_le64(const void *p)
{
	return get_le32(p) | (uint64_t)get_le32((const uint8_t *)p + 4) << 32;
}

/*
 * A pointer to a fixed physical address (identity-mapped in the loader).
 * Laundered through asm so the compiler does not treat it as a pointer
 * into a zero-sized object (-Warray-bounds).
 */
static inline void *phys_ptr(uint64_t addr)
{
	void *p;
	__asm__("" : "=r"(p) : "0"(addr));
	return p;
}

/* Case-insensitive ASCII comparison of at most n bytes. */
int str_casecmp_n(const char *a, const char *b, size_t n);

#endif
