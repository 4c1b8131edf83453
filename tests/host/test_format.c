/*
 * Host tests for boot/src/format.c: vformat()/format(), the loader's small
 * vsnprintf. Each conversion it supports, width and zero padding,
 * truncation (the full length returned, always NUL-terminated, nothing
 * written for size 0), "%%", unknown conversions, and a randomized
 * comparison with the C library's snprintf over the subset where the two
 * must agree. Buffers are guarded so a write past size is caught.
 */
#include "testlib.h"
#include "console.h"

#include <limits.h>
#include <stdint.h>

/* Fail the case with a formatted reason. */
#define FAIL(...)                                                  \
	do {                                                       \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__); \
		longjmp(test_jmp, 1);                              \
	} while (0)

#define GUARD 0x7e
static char buf[256];

/* format() into a guarded buffer of size; checks result and length. */
#define EXPECT(size, want, ...)                            \
	do {                                               \
		memset(buf, GUARD, sizeof(buf));           \
		int _n = format(buf, (size), __VA_ARGS__); \
		check_out((size), _n, (want), __LINE__);   \
	} while (0)

/* strlen bounded by max (strnlen is POSIX, not C11). */
static int len_within(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return (int)n;
}

static void check_out(size_t size, int n, const char *want, int line)
{
	size_t len = strlen(want);
	if (n != (int)len)
		FAIL("line %d: returned %d, expected %zu", line, n, len);
	if (size == 0) {
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != GUARD)
				FAIL("line %d: size 0, byte %zu written", line,
				     i);
		return;
	}
	size_t keep = len < size ? len : size - 1;
	if (memcmp(buf, want, keep) || buf[keep] != '\0')
		FAIL("line %d: \"%.*s\", expected \"%.*s\"", line,
		     len_within(buf, size), buf, (int)keep, want);
	for (size_t i = size; i < sizeof(buf); i++)
		if (buf[i] != GUARD)
			FAIL("line %d: byte %zu written past size %zu", line, i,
			     size);
}

#define BIG sizeof(buf)

static void strings(void)
{
	EXPECT(BIG, "", "%s", "");
	EXPECT(BIG, "plain text", "plain text");
	EXPECT(BIG, "abc", "%s", "abc");
	EXPECT(BIG, "[]", "[%s]", "");
	EXPECT(BIG, "a-b-c", "%s-%s-%s", "a", "b", "c");
	EXPECT(BIG, "  abc", "%5s", "abc");
	EXPECT(BIG, "abc", "%2s", "abc");
	EXPECT(BIG, "abc", "%3s", "abc");
	EXPECT(BIG, "x", "%c", 'x');
	EXPECT(BIG, "<A>", "<%c>", 65);
	EXPECT(BIG, "\xff", "%c", 0xff);
	const char *volatile null = NULL; /* hidden from -Wformat */
	EXPECT(BIG, "(null)", "%s", null);
}

static void signed_numbers(void)
{
	EXPECT(BIG, "0", "%d", 0);
	EXPECT(BIG, "42", "%d", 42);
	EXPECT(BIG, "-42", "%d", -42);
	EXPECT(BIG, "2147483647", "%d", INT_MAX);
	EXPECT(BIG, "-2147483648", "%d", INT_MIN);
	EXPECT(BIG, "-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT(BIG, "9223372036854775807", "%ld", (long)INT64_MAX);
	EXPECT(BIG, "-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT(BIG, "-1", "%ld", -1L);
	EXPECT(BIG, "-1 2 -3", "%d %ld %d", -1, 2L, -3);
}

static void unsigned_numbers(void)
{
	EXPECT(BIG, "0", "%u", 0u);
	EXPECT(BIG, "4294967295", "%u", UINT_MAX);
	EXPECT(BIG, "4294967295", "%u", -1);
	EXPECT(BIG, "18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	EXPECT(BIG, "18446744073709551615", "%llu",
	       (unsigned long long)UINT64_MAX);
	EXPECT(BIG, "18446744073709551615", "%zu", SIZE_MAX);
	EXPECT(BIG, "123", "%zu", (size_t)123);
	EXPECT(BIG, "0", "%x", 0u);
	EXPECT(BIG, "deadbeef", "%x", 0xdeadbeefu);
	EXPECT(BIG, "ffffffff", "%x", -1);
	EXPECT(BIG, "ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	EXPECT(BIG, "123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	EXPECT(BIG, "fd000000", "%lx", 0xfd000000UL);
}

static void pointers(void)
{
	EXPECT(BIG, "0x0000000000001234", "%p", (void *)0x1234);
	EXPECT(BIG, "0x0000000000000000", "%p", (void *)0);
	EXPECT(BIG, "0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
}

static void width_and_padding(void)
{
	EXPECT(BIG, "   42", "%5d", 42);
	EXPECT(BIG, "00042", "%05d", 42);
	EXPECT(BIG, "  -42", "%5d", -42);
	EXPECT(BIG, "-0042", "%05d", -42);
	EXPECT(BIG, "-42", "%02d", -42);
	EXPECT(BIG, "12345", "%3d", 12345);
	EXPECT(BIG, "00001234", "%08x", 0x1234u);
	EXPECT(BIG, "0x00000000fd000000", "0x%016lx", 0xfd000000UL);
	EXPECT(BIG, "     ffff", "%9x", 0xffffu);
	EXPECT(BIG, "07", "%02u", 7u);
	EXPECT(BIG, "2026-01-09 08:05:03", "%04u-%02u-%02u %02u:%02u:%02u",
	       2026u, 1u, 9u, 8u, 5u, 3u);
	EXPECT(BIG, "000000000000000000000000000042", "%030lu", 42UL);
	EXPECT(BIG, "0", "%0d", 0);
	EXPECT(BIG, " -9223372036854775808", "%21ld", (long)INT64_MIN);
	EXPECT(BIG, "-09223372036854775808", "%021ld", (long)INT64_MIN);
	EXPECT(BIG, "     -42", "%8ld", -42L);
}

/* Formats the compiler rightly complains about: that is the point. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void percent_and_unknown(void)
{
	EXPECT(BIG, "%", "%%");
	EXPECT(BIG, "100%", "100%%");
	EXPECT(BIG, "%d", "%%d");
	EXPECT(BIG, "a%b", "a%%b");
	/* Unknown conversions are printed as they are; no argument used. */
	EXPECT(BIG, "%q 7", "%q %d", 7);
	EXPECT(BIG, "%y", "%y");
	EXPECT(BIG, "%-5d", "%-5d");
	/* A lone % at the end is dropped. */
	EXPECT(BIG, "abc", "abc%");
	EXPECT(BIG, "abc", "abc%05");
	EXPECT(BIG, "abc", "abc%l");
}
#pragma GCC diagnostic pop

static void truncation(void)
{
	EXPECT(6, "hello", "hello");
	EXPECT(5, "hello", "hello");
	EXPECT(4, "hello", "hello");
	EXPECT(2, "hello", "hello");
	EXPECT(1, "hello", "hello");
	EXPECT(0, "hello", "hello");
	EXPECT(3, "12345", "%d", 12345);
	EXPECT(4, "-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT(3, "  abc", "%5s", "abc");
	EXPECT(7, "0x0000000000001234", "%p", (void *)0x1234);
	EXPECT(1, "", "%s", "");
	EXPECT(0, "", "%s", "");
	EXPECT(10, "value=00042!", "value=%05d!", 42);
	/* size 0 with no buffer at all. */
	CHECK_EQ(format(NULL, 0, "%s %d", "abc", 42), 6);
}

/* vformat itself, with a va_list that must not be consumed for the caller. */
static int twice(char *a, char *b, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vformat(a, size, fmt, ap);
	int m = vformat(b, size, fmt, ap);
	va_end(ap);
	return n == m ? n : -1;
}

static void vformat_keeps_ap(void)
{
	char a[64], b[64];
	CHECK_EQ(twice(a, b, sizeof(a), "%s=%d", "x", 5), 3);
	CHECK_STR(a, "x=5");
	CHECK_STR(b, "x=5");
}

/* ---------------------------------------------------- against snprintf */

static uint64_t random_value(void)
{
	switch (test_below(4)) {
	case 0:
		return test_below(10);
	case 1:
		return test_rand() >> test_below(64);
	case 2:
		return (uint64_t) - (int64_t)test_below(1000);
	default:
		return test_rand();
	}
}

/* One random conversion, formatted by both; they must agree exactly. */
static void compare_one(int round)
{
	static const char *const convs[] = {"d",   "u",	  "x",	"ld",
					    "lu",  "lx",  "zu", "lld",
					    "llu", "llx", "s",	"c"};
	static const char *const strs[] = {"", "a", "rastboot", "x y z"};
	const char *conv = convs[test_below(sizeof(convs) / sizeof(convs[0]))];
	bool text = conv[0] == 's' || conv[0] == 'c';
	char fmt[32], width[8] = "", ours[96], libc[96];

	/* rastboot ignores a width on %c; libc has no zero flag for text. */
	if (conv[0] != 'c' && test_below(3))
		snprintf(width, sizeof(width), "%d", (int)test_below(25));
	snprintf(fmt, sizeof(fmt), "<%%%s%s%s>",
		 !text && test_below(2) ? "0" : "", width, conv);
	size_t size = test_below(4) ? sizeof(ours) : test_below(20);
	uint64_t v = random_value();
	const char *s = strs[test_below(4)];
	memset(ours, GUARD, sizeof(ours));
	memset(libc, GUARD, sizeof(libc));
	int a, b;
#define BOTH(...)                                  \
	(a = format(ours, size, fmt, __VA_ARGS__), \
	 b = snprintf(libc, size, fmt, __VA_ARGS__))
	if (!strcmp(conv, "d"))
		BOTH((int)v);
	else if (!strcmp(conv, "u") || !strcmp(conv, "x"))
		BOTH((unsigned)v);
	else if (!strcmp(conv, "ld"))
		BOTH((long)v);
	else if (!strcmp(conv, "lu") || !strcmp(conv, "lx"))
		BOTH((unsigned long)v);
	else if (!strcmp(conv, "zu"))
		BOTH((size_t)v);
	else if (!strcmp(conv, "lld"))
		BOTH((long long)v);
	else if (!strcmp(conv, "llu") || !strcmp(conv, "llx"))
		BOTH((unsigned long long)v);
	else if (!strcmp(conv, "s"))
		BOTH(s);
	else
		BOTH((int)(' ' + v % 95));
#undef BOTH
	if (a != b || memcmp(ours, libc, sizeof(ours)))
		FAIL("round %d: format \"%s\" size %zu: \"%.*s\" (%d), libc "
		     "\"%.*s\" (%d)",
		     round, fmt, size, len_within(ours, size), ours, a,
		     len_within(libc, size), libc, b);
}

static void against_libc(void)
{
	test_rng = 0xf0f0a7;
	for (int round = 0; round < 20000; round++)
		compare_one(round);
}

int main(void)
{
	RUN(strings(), "%%s and %%c");
	RUN(signed_numbers(), "%%d, %%ld (INT64_MIN), %%lld");
	RUN(unsigned_numbers(), "%%u %%x %%lx %%lu %%zu %%llx");
	RUN(pointers(), "%%p");
	RUN(width_and_padding(), "width and zero padding");
	RUN(percent_and_unknown(), "%%%% and unknown conversions");
	RUN(truncation(), "truncation: full length, NUL, size 0");
	RUN(vformat_keeps_ap(), "vformat leaves the caller's va_list alone");
	RUN(against_libc(), "20000 random conversions agree with snprintf");
	TEST_EXIT();
}
