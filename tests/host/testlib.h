/*
 * The host unit tests' harness: each test program runs its cases and prints
 * one "PASS: name" or "FAIL: name: why" line per case, which tests/run.sh
 * counts. A failed CHECK ends the case, not the program.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf test_jmp;
static int test_failures;
static char test_why[512];

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			snprintf(test_why, sizeof(test_why), "%s:%d: %s", \
				 __FILE__, __LINE__, #cond);              \
			longjmp(test_jmp, 1);                             \
		}                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long _a = (long long)(a), _b = (long long)(b);        \
		if (_a != _b) {                                            \
			snprintf(test_why, sizeof(test_why),               \
				 "%s:%d: %s == %lld, expected %s == %lld", \
				 __FILE__, __LINE__, #a, _a, #b, _b);      \
			longjmp(test_jmp, 1);                              \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                               \
	do {                                                          \
		const char *_a = (a), *_b = (b);                      \
		if (!_a || !_b || strcmp(_a, _b) != 0) {              \
			snprintf(test_why, sizeof(test_why),          \
				 "%s:%d: \"%s\" != \"%s\"", __FILE__, \
				 __LINE__, _a ? _a : "(null)",        \
				 _b ? _b : "(null)");                 \
			longjmp(test_jmp, 1);                         \
		}                                                     \
	} while (0)

/* Run one case; name may be a format for table-driven cases. */
#define RUN(fn, ...)                                               \
	do {                                                       \
		char _name[256];                                   \
		snprintf(_name, sizeof(_name), __VA_ARGS__);       \
		if (setjmp(test_jmp) == 0) {                       \
			fn;                                        \
			printf("PASS: %s\n", _name);               \
		} else {                                           \
			printf("FAIL: %s: %s\n", _name, test_why); \
			test_failures++;                           \
		}                                                  \
		fflush(stdout);                                    \
	} while (0)

#define TEST_EXIT() return test_failures ? 1 : 0

/*
 * A seeded, repeatable random stream (splitmix64) for the mutation and
 * property loops: the same seed gives the same cases on every host. Set
 * test_rng to the seed; test_below(n) is uniform enough in [0, n), 0 for 0.
 */
static uint64_t test_rng;

static inline uint64_t test_rand(void)
{
	uint64_t z = (test_rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t test_below(uint64_t n)
{
	return n ? test_rand() % n : 0;
}

/* Read a whole file into a malloc'd buffer; NULL if it cannot be read. */
static inline unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

#endif
