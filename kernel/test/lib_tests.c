/*
 * In-kernel tests of kernel/lib: string functions, number parsing, the
 * date conversion and log level names, plus a smoke test of snprintf as
 * built for the kernel (the full printf tests run on the host:
 * tests/host/test_printf.c).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include <limits.h>

KTEST(string, mem)
{
	char buf[16] = "abcdefgh";

	memmove(buf + 2, buf, 6); /* overlapping, forwards */
	KT_ASSERT(memcmp(buf, "ababcdef", 8) == 0);
	memmove(buf, buf + 2, 6); /* overlapping, backwards */
	KT_ASSERT(memcmp(buf, "abcdefef", 8) == 0);
	memset(buf, 'x', 3);
	KT_ASSERT(memcmp(buf, "xxxdefef", 8) == 0);
	KT_ASSERT(memcmp("a", "b", 1) < 0);
}

/*
 * The block operations go by words then bytes: every length and
 * alignment up to a few words, against byte-by-byte expectations.
 */
KTEST(string, mem_lengths_and_alignments)
{
	static unsigned char a[96], b[96];

	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 40; n++) {
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = (unsigned char)(i * 7 + 1), b[i] = 0;
			memcpy(b + off, a, n);
			for (size_t i = 0; i < sizeof(b); i++)
				KT_ASSERT_EQ(b[i], i >= off && i < off + n
							   ? a[i - off]
							   : 0);
			KT_ASSERT_EQ(memcmp(b + off, a, n), 0);
			for (size_t d = 0; d < n; d++) {
				b[off + d] ^= 0x80; /* above and below a[d] */
				KT_ASSERT_EQ(memcmp(b + off, a, n) > 0,
					     b[off + d] > a[d]);
				KT_ASSERT(memcmp(b + off, a, n) != 0);
				KT_ASSERT_EQ(memcmp(a, b + off, n) < 0,
					     b[off + d] > a[d]);
				b[off + d] ^= 0x80;
			}
			memset(b, 0, sizeof(b));
			memset(b + off, 0xa5, n);
			for (size_t i = 0; i < sizeof(b); i++)
				KT_ASSERT_EQ(b[i], i >= off && i < off + n
							   ? 0xa5
							   : 0);
			memcpy(b, a, sizeof(b));
			memmove(b + off, b, n); /* overlapping, upwards */
			for (size_t i = 0; i < n; i++)
				KT_ASSERT_EQ(b[off + i], a[i]);
			memcpy(b, a, sizeof(b));
			memmove(b, b + off, n); /* downwards */
			for (size_t i = 0; i < n; i++)
				KT_ASSERT_EQ(b[i], a[off + i]);
		}
	}
}

KTEST(string, str)
{
	KT_ASSERT_EQ(strlen(""), 0);
	KT_ASSERT_EQ(strlen("abc"), 3);
	KT_ASSERT_EQ(strnlen("abcdef", 4), 4);
	KT_ASSERT(strcmp("abc", "abd") < 0);
	KT_ASSERT(strcmp("abc", "ab") > 0);
	KT_ASSERT(strcmp("\xff", "a") > 0); /* compared as unsigned */
	KT_ASSERT_EQ(strncmp("abcx", "abcy", 3), 0);
	KT_ASSERT(strchr("abc", 'c') != NULL);
	KT_ASSERT(strchr("abc", 'z') == NULL);
	KT_ASSERT(str_starts_with("loglevel=3", "loglevel="));
}

KTEST(string, strtoul)
{
	char *end;

	KT_ASSERT_EQ(strtoul("  42abc", &end, 10), 42);
	KT_ASSERT_STREQ(end, "abc");
	KT_ASSERT_EQ(strtoul("0x1F", NULL, 0), 31);
	KT_ASSERT_EQ(strtoul("017", NULL, 0), 15);
	KT_ASSERT_EQ(strtoul("ff", NULL, 16), 255);
	KT_ASSERT_EQ(strtoul("99999999999999999999", NULL, 10), ULONG_MAX);
	KT_ASSERT_EQ(strtoul("xyz", &end, 10), 0);
	KT_ASSERT_STREQ(end, "xyz");
}

KTEST(string, kstrtoul)
{
	unsigned long v = 7;

	KT_ASSERT_EQ(kstrtoul("123", 10, &v), 0);
	KT_ASSERT_EQ(v, 123);
	KT_ASSERT_EQ(kstrtoul("0x10", 0, &v), 0);
	KT_ASSERT_EQ(v, 16);
	KT_ASSERT_EQ(kstrtoul("12a", 10, &v), -EINVAL);
	KT_ASSERT_EQ(kstrtoul("", 10, &v), -EINVAL);
	KT_ASSERT_EQ(kstrtoul("-1", 10, &v), -EINVAL);
	KT_ASSERT_EQ(kstrtoul("18446744073709551616", 10, &v), -ERANGE);
	KT_ASSERT_EQ(v, 16); /* untouched on error */
}

static bool civil_is(int64_t t, int64_t y, int mo, int d, int h, int mi, int s)
{
	struct civil_time c;

	time_unix_to_civil(t, &c);
	return c.year == y && c.month == mo && c.day == d && c.hour == h &&
	       c.minute == mi && c.second == s;
}

KTEST(time, unix_to_civil)
{
	KT_ASSERT(civil_is(0, 1970, 1, 1, 0, 0, 0));
	KT_ASSERT(civil_is(951782400, 2000, 2, 29, 0, 0, 0));
	KT_ASSERT(civil_is(1709251199, 2024, 2, 29, 23, 59, 59));
	KT_ASSERT(civil_is(4102444800LL, 2100, 1, 1, 0, 0, 0));
	KT_ASSERT(civil_is(-1, 1969, 12, 31, 23, 59, 59));
	KT_ASSERT(civil_is(-2208988800LL, 1900, 1, 1, 0, 0, 0));
}

KTEST(printk, snprintf_smoke)
{
	char buf[64];

	KT_ASSERT_EQ(snprintf(buf, sizeof(buf), "%d %5s|%-3x|%08lx", -12, "ab",
			      0xa, 0xbeefUL),
		     22);
	KT_ASSERT_STREQ(buf, "-12    ab|a  |0000beef");
	KT_ASSERT_EQ(snprintf(buf, 4, "%s", "abcdef"), 6);
	KT_ASSERT_STREQ(buf, "abc");
	snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	KT_ASSERT_STREQ(buf, "0x0000000000001234");
}

KTEST(printk, log_levels)
{
	KT_ASSERT_EQ(klog_parse_level("0"), KLOG_ERR);
	KT_ASSERT_EQ(klog_parse_level("debug"), KLOG_DEBUG);
	KT_ASSERT_EQ(klog_parse_level("warning"), KLOG_WARN);
	KT_ASSERT_EQ(klog_parse_level("4"), -EINVAL);
	KT_ASSERT_EQ(klog_parse_level("abc"), -EINVAL);
	KT_ASSERT_EQ(klog_parse_level(""), -EINVAL);
}
