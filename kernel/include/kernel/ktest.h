/*
 * In-kernel tests, KUnit style. Anywhere in the kernel:
 *
 *	KTEST(memmap, sorted)
 *	{
 *		KT_ASSERT(boot_info->memmap_count > 0);
 *		KT_ASSERT_EQ(a, b);
 *	}
 *
 * KTEST puts a descriptor in the .ktests linker section, so tests register
 * themselves; a test may sit next to the static code it tests. With test=all
 * or test=PATTERN[,PATTERN...] on the command line ('*' globs on
 * "suite.name"), ktest_run_if_requested runs the matching tests, prints
 * KTAP version 1 on the console and exits QEMU (kernel/test/ktest.c).
 * Suites crash (tests that panic on purpose) and bench run only when a
 * pattern names them, as in test=crash.page_fault: test=all skips them.
 *
 * A failed assertion prints its diagnostic and returns from the test
 * function, so code after it in that test does not run.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/compiler.h>

struct ktest_ctx; /* private to ktest.c */

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_ctx *ctx);
	const char *file; /* with line: the order tests run in */
	int line;
};

#define KTEST_EXIT_PASS 0x10 /* QEMU exit status 33 */
#define KTEST_EXIT_FAIL 0x11 /* QEMU exit status 35 */

#define KTEST(suite_, name_)                                                \
	static void ktest_##suite_##__##name_(struct ktest_ctx *ktest_ctx); \
	static const struct ktest ktest_desc_##suite_##__##name_ __used     \
		__section(".ktests") __aligned(8) = {                       \
			.suite = #suite_,                                   \
			.name = #name_,                                     \
			.fn = ktest_##suite_##__##name_,                    \
			.file = __FILE__,                                   \
			.line = __LINE__,                                   \
	};                                                                  \
	static void ktest_##suite_##__##name_(struct ktest_ctx *ktest_ctx)

#define KT_ASSERT(cond)                                                   \
	do {                                                              \
		if (!(cond)) {                                            \
			ktest_fail(ktest_ctx, __FILE__, __LINE__, #cond); \
			return;                                           \
		}                                                         \
	} while (0)

/* Integers or pointers, compared as 64-bit values; both are printed. */
#define KT_ASSERT_EQ(a, b)                                                   \
	do {                                                                 \
		uint64_t kt_a_ = (uint64_t)(a), kt_b_ = (uint64_t)(b);       \
		if (kt_a_ != kt_b_) {                                        \
			ktest_fail_eq(ktest_ctx, __FILE__, __LINE__, #a, #b, \
				      kt_a_, kt_b_);                         \
			return;                                              \
		}                                                            \
	} while (0)

/* Two C strings (NULL allowed) compared by content. */
#define KT_ASSERT_STREQ(a, b)                                               \
	do {                                                                \
		const char *kt_a_ = (a), *kt_b_ = (b);                      \
		if (!ktest_streq(kt_a_, kt_b_)) {                           \
			ktest_fail_streq(ktest_ctx, __FILE__, __LINE__, #a, \
					 #b, kt_a_, kt_b_);                 \
			return;                                             \
		}                                                           \
	} while (0)

/* End the test as skipped (KTAP "# SKIP reason"), e.g. without a module. */
#define KT_SKIP(reason)                          \
	do {                                     \
		ktest_skip(ktest_ctx, (reason)); \
		return;                          \
	} while (0)

/* Run the tests test= asks for, then exit QEMU (or halt); else return. */
void ktest_run_if_requested(void);
/* Whether the command line asks for tests (then a panic ends the run). */
bool ktest_requested(void);

/* For the macros above. */
void ktest_fail(struct ktest_ctx *ctx, const char *file, int line,
		const char *cond);
void ktest_fail_eq(struct ktest_ctx *ctx, const char *file, int line,
		   const char *a_expr, const char *b_expr, uint64_t a,
		   uint64_t b);
void ktest_fail_streq(struct ktest_ctx *ctx, const char *file, int line,
		      const char *a_expr, const char *b_expr, const char *a,
		      const char *b);
int ktest_streq(const char *a, const char *b);
void ktest_skip(struct ktest_ctx *ctx, const char *reason);

#endif
