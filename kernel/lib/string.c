/*
 * The kernel's string and memory functions (see <kernel/string.h>).
 *
 * memcpy, memset, memmove and memcmp use the architecture's block
 * instructions (<kernel/arch.h>): they copy, clear and (debug heap
 * poison) check memory on hot paths: faults, fork, exec, the heap. The rest are plain loops, compiled without GCC's
 * loop-to-library-call pattern matching, which would otherwise turn a
 * loop into a call to the very function it implements.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#include <limits.h>
#include <stdint.h>

#define NO_LIBCALLS \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	arch_memcpy(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if (dst == src || n == 0)
		return dst;
	if ((uintptr_t)dst < (uintptr_t)src ||
	    (uintptr_t)dst >= (uintptr_t)src + n)
		arch_memcpy(dst, src, n); /* forward is safe */
	else
		arch_memmove_down(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	arch_memset(dst, (uint8_t)c, n);
	return dst;
}

/* Whole words first (one string instruction), then bytes from the first
 * word that differs, or the tail. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t words = n / 8, same = arch_cmp_words(x, y, words);

	x += same * 8;
	y += same * 8;
	n = same < words ? 8 : n % 8;
	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The value of digit character c, or 36 (invalid in every base). */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned int)(c - 'A' + 10);
	return 36;
}

/* Apply base 0 / base 16 prefix rules; returns the base, advances *sp. */
static int detect_base(const char **sp, int base)
{
	const char *s = *sp;
	bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			  digit_value(s[2]) < 16;

	if ((base == 0 || base == 16) && hex_prefix) {
		*sp = s + 2;
		return 16;
	}
	if (base == 0)
		return s[0] == '0' ? 8 : 10;
	return base;
}

/*
 * The digits at *sp in base: advances *sp past them, returns how many there
 * were, sets *overflow if the value exceeds ULONG_MAX (*val saturates).
 */
static size_t parse_digits(const char **sp, int base, unsigned long *val,
			   bool *overflow)
{
	const char *s = *sp;
	unsigned long v = 0;
	size_t n = 0;
	unsigned int d;

	*overflow = false;
	for (; (d = digit_value(*s)) < (unsigned int)base; s++, n++) {
		if (v > (ULONG_MAX - d) / (unsigned long)base) {
			*overflow = true;
			v = ULONG_MAX;
		} else if (!*overflow) {
			v = v * (unsigned long)base + d;
		}
	}
	*sp = s;
	*val = v;
	return n;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	const char *p = s;
	bool neg = false, overflow;
	unsigned long v = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (base < 0 || base == 1 || base > 36) {
		p = s;
	} else {
		base = detect_base(&p, base);
		if (parse_digits(&p, base, &v, &overflow) == 0)
			p = s;
	}
	if (end)
		*end = (char *)p;
	if (p == s)
		return 0;
	return overflow ? ULONG_MAX : (neg ? -v : v);
}

int kstrtoul(const char *s, int base, unsigned long *res)
{
	unsigned long v;
	bool overflow;

	if (base < 0 || base == 1 || base > 36)
		return -EINVAL;
	base = detect_base(&s, base);
	if (parse_digits(&s, base, &v, &overflow) == 0 || *s)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*res = v;
	return 0;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
