/*
 * Host tests of the kernel's printf engine (kernel/lib/printf.c), compiled
 * with its functions renamed k_* (see the Makefile rule) so that they do
 * not clash with the C library's. Most cases are checked against glibc's
 * snprintf, format by format and value by value; %p and the kernel's own
 * choices are checked against fixed strings.
 */
#include <limits.h>
#include <stdint.h>

#include "testlib.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int k_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats given as variables: no compile-time checks, as in a table. */
#define SAME(fmt, ...)                                                   \
	do {                                                             \
		char want[200], got[200]; /* CHECK_STR fits them */      \
		int nw = snprintf(want, sizeof(want), fmt, __VA_ARGS__); \
		int ng = k_snprintf(got, sizeof(got), fmt, __VA_ARGS__); \
		CHECK_STR(got, want);                                    \
		CHECK_EQ(ng, nw);                                        \
	} while (0)

#define IS(want, fmt, ...)                                               \
	do {                                                             \
		char got[256];                                           \
		int ng = k_snprintf(got, sizeof(got), fmt, __VA_ARGS__); \
		CHECK_STR(got, want);                                    \
		CHECK_EQ(ng, (int)strlen(want));                         \
	} while (0)

static const char *const int_fmts[] = {
	"%d",	  "%i",	    "%5d",     "%-5d|",	 "%05d",     "%+d",   "% d",
	"%.3d",	  "%8.3d",  "%-8.3d|", "%08.3d", "%.0d",     "%+.0d", "%5.0d",
	"%x",	  "%X",	    "%#x",     "%#X",	 "%o",	     "%#o",   "%#.0o",
	"%#.0x",  "%u",	    "%#8x",    "%-#8x|", "%#08x",    "%+05d", "% 05d",
	"%-05d|", "%hhd",   "%hd",     "%hhx",	 "%hx",	     "%hhu",  "%.10x",
	"%+ d",	  "%- 6d|", "%#5o",    "%+8.4d", "%-+8.4d|",
};
static const int int_vals[] = {
	0,     1,     -1,      7,	42,   -42,  255,  256,
	65535, 65536, INT_MAX, INT_MIN, 0x7f, 0x80, -128, 0x12345678,
};

static void ints(void)
{
	for (size_t f = 0; f < COUNT(int_fmts); f++) {
		for (size_t v = 0; v < COUNT(int_vals); v++)
			SAME(int_fmts[f], int_vals[v]);
	}
}

static const char *const ll_fmts[] = {
	"%lld",	 "%llx",  "%llo",  "%llu", "%20lld",  "%-20lld|", "%.20lld",
	"%#llx", "%+lld", "%lx",   "%ld",  "%lu",     "%zu",	  "%zx",
	"%jd",	 "%td",	  "%#llo", "%llX", "%025lld", "%zd",
};
static const long long ll_vals[] = {
	0, 1, -1, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL, -(1LL << 40),
};

static void longs(void)
{
	for (size_t f = 0; f < COUNT(ll_fmts); f++) {
		for (size_t v = 0; v < COUNT(ll_vals); v++)
			SAME(ll_fmts[f], ll_vals[v]);
	}
}

static const char *const str_fmts[] = {
	"%s", "%10s", "%-10s|", "%.2s", "%10.2s", "%-10.2s|", "%.0s", "<%s>",
};
static const char *const str_vals[] = {"", "a", "hello", "hello world"};

static void strings(void)
{
	const char *volatile null = NULL; /* hidden from -Wformat-overflow */

	for (size_t f = 0; f < COUNT(str_fmts); f++) {
		for (size_t v = 0; v < COUNT(str_vals); v++)
			SAME(str_fmts[f], str_vals[v]);
	}
	IS("(null)", "%s", null);
	IS("  (nu", "%5.3s", null); /* glibc would print "     " */
	/* Poisoned or tiny pointers are not followed (a panic would fault). */
	const char *volatile poison = (const char *)0x6b6b6b6b6b6b6b6bULL;
	const char *volatile tiny = (const char *)0x10;
	IS("(efault)", "%s", poison);
	IS("(efault)", "%s", tiny);
}

static void chars_and_percent(void)
{
	const char *f1 = "%c", *f2 = "%3c|", *f3 = "%-3c|", *f4 = "a%%b%c";
	const char *f5 = "100%%";

	SAME(f1, 'x');
	SAME(f2, 'x');
	SAME(f3, 'x');
	SAME(f4, 'z');
	SAME(f5, 0);
	SAME("%s%d%c%x", "mix", -5, '!', 0xabc);
}

static void stars(void)
{
	const char *f = "%*d|", *g = "%.*d|", *h = "%*.*s|", *i = "%-*d|";

	for (int w = -8; w <= 8; w += 4) {
		SAME(f, w, 42);
		SAME(g, w, 42);
		SAME(h, w, w < 0 ? 2 : w, "hello");
		SAME(i, w, -3);
	}
}

static void long_output(void)
{
	char want[1024], got[1024];
	int nw = snprintf(want, sizeof(want), "%300d|%-300s|", -77, "wide");
	int ng = k_snprintf(got, sizeof(got), "%300d|%-300s|", -77, "wide");

	CHECK(strcmp(got, want) == 0);
	CHECK_EQ(ng, nw);
}

static void truncation(void)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	CHECK_EQ(k_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	CHECK_STR(buf, "abcd");
	CHECK_EQ(buf[5], '#');
	CHECK_EQ(k_snprintf(NULL, 0, "%d", 12345), 5);
	CHECK_EQ(k_snprintf(buf, 1, "%d", 12345), 5);
	CHECK_STR(buf, "");
	CHECK_EQ(k_snprintf(buf, sizeof(buf), "%300d", 1), 300);
	CHECK_STR(buf, "       ");
	long_output();
}

static const char *const cut_fmts[] = {
	"ab%l", "ab%ll", "ab%h",  "ab%hh", "ab%5",
	"ab%-", "ab%.",	 "ab%.3", "ab%z",
};

static void pointers_and_oddities(void)
{
	const char *unknown = "a%qb", *trailing = "abc%";

	IS("0x0000000000000000", "%p", (void *)0);
	IS("0xffffffff80000000", "%p", (void *)0xffffffff80000000ULL);
	IS("  0x0000000000001234", "%20p", (void *)0x1234);
	IS("0x0000000000001234  |", "%-20p|", (void *)0x1234);
	IS("a%qb", unknown, 0);
	IS("abc%", trailing, 0);
	/* A format cut inside a conversion must not be read past its end. */
	for (size_t i = 0; i < COUNT(cut_fmts); i++)
		IS("ab%", cut_fmts[i], 0);
}

int main(void)
{
	RUN(ints(), "printf: int conversions x flags x values");
	RUN(longs(), "printf: l/ll/z/j/t conversions");
	RUN(strings(), "printf: %%s with width and precision");
	RUN(chars_and_percent(), "printf: %%c and %%%%");
	RUN(stars(), "printf: * width and precision");
	RUN(truncation(), "printf: truncation and return value");
	RUN(pointers_and_oddities(), "printf: %%p and unknown conversions");
	TEST_EXIT();
}
