/*
 * Memory and string functions, with their C library names and meanings,
 * so that code reads as usual and so that the calls GCC itself emits
 * (memcpy/memset/memmove/memcmp for struct copies and large initialisers)
 * resolve. Implemented in kernel/lib/string.c.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stdbool.h>
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
/* The first c in s, or its terminating NUL. */
char *strchrnul(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/*
 * Copy src into dst of size bytes, always NUL-terminated (if size > 0):
 * strlen(src); a result >= size means it was cut.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Does s start with prefix? */
bool str_starts_with(const char *s, const char *prefix);

/*
 * C's strtoul: leading blanks, an optional '+' or '-', then digits in base
 * 2..36; base 0 means 0x → hex, 0 → octal, else decimal. *end (if end is
 * not NULL) points past the last digit used, or to s if there was none.
 * Saturates at ULONG_MAX on overflow.
 */
unsigned long strtoul(const char *s, char **end, int base);

/*
 * Parse the whole of s as an unsigned number (base as for strtoul, no sign
 * or blanks) into *res: 0, -EINVAL if s is not entirely a number, -ERANGE
 * if it does not fit. Prefer this to strtoul when input is untrusted.
 */
int kstrtoul(const char *s, int base, unsigned long *res);

#endif
