/*
 * The in-kernel test runner (see <kernel/ktest.h>). Tests register
 * themselves in the .ktests section; with test= on the command line the
 * matching ones run, in source order, and their results go to the console as
 * KTAP version 1, the format Linux's KUnit prints:
 *
 *	KTAP version 1
 *	1..2
 *	ok 1 boot.memmap_sorted
 *	# boot.hhdm_rw: ASSERTION FAILED at kernel/test/boot_tests.c:80
 *	# Expected v == 0x55, but
 *	#     v == 0 (0x0)
 *	#     0x55 == 85 (0x55)
 *	not ok 2 boot.hhdm_rw
 *	# Totals: pass:1 fail:1 skip:0 total:2
 *
 * Then QEMU is told to exit through isa-debug-exit: status 33 if all passed,
 * 35 if any failed or no test matched (a typo must not look like success).
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include <stdbool.h>

struct ktest_ctx {
	const struct ktest *test;
	bool failed;
	const char *skip_reason;
};

struct tally {
	unsigned int pass, fail, skip;
};

/* Defined by kernel/arch/x86_64/linker.ld around the .ktests section. */
extern const struct ktest __ktests_start[], __ktests_end[];

/* '*' matches any run of characters; [p, pend) is the pattern. */
static bool glob_match(const char *p, const char *pend, const char *s)
{
	const char *star = NULL, *star_s = NULL;

	while (*s) {
		if (p < pend && *p == '*') {
			star = ++p;
			star_s = s;
		} else if (p < pend && *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++star_s;
		} else {
			return false;
		}
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

/*
 * Suites that end the boot (crash: each test panics on purpose) or take
 * long (bench) run only when a pattern names them: it must start with the
 * suite's name and a dot, literally, as in test=crash.page_fault or
 * test=bench.*. "all", "*" and "*.page_fault" never select them.
 */
static const char *const opt_in_suites[] = {"crash", "bench"};

static bool is_opt_in(const char *full_name)
{
	for (size_t i = 0; i < ARRAY_SIZE(opt_in_suites); i++) {
		size_t n = strlen(opt_in_suites[i]);

		if (strncmp(full_name, opt_in_suites[i], n) == 0 &&
		    full_name[n] == '.')
			return true;
	}
	return false;
}

/* Does the pattern [p, pend) select the test "suite.name"? */
static bool pattern_selects(const char *p, const char *pend,
			    const char *full_name)
{
	if (is_opt_in(full_name)) {
		size_t suite_len = strchr(full_name, '.') - full_name + 1;

		if ((size_t)(pend - p) < suite_len ||
		    strncmp(p, full_name, suite_len) != 0)
			return false;
	} else if (pend - p == 3 && strncmp(p, "all", 3) == 0) {
		return true;
	}
	return glob_match(p, pend, full_name);
}

/* Does "suite.name" match spec: "all" or comma-separated globs? */
static bool spec_matches(const char *spec, const char *full_name)
{
	while (*spec) {
		const char *end = strchr(spec, ',');

		if (!end)
			end = spec + strlen(spec);
		if (pattern_selects(spec, end, full_name))
			return true;
		spec = *end ? end + 1 : end;
	}
	return false;
}

static void full_name(const struct ktest *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", t->suite, t->name);
}

/* Source order: by file name (as the Makefile links), then line. */
static bool runs_before(const struct ktest *a, const struct ktest *b)
{
	int c = strcmp(a->file, b->file);

	return c < 0 || (c == 0 && a->line < b->line);
}

/*
 * The test after prev in source order (the first if prev is NULL), or
 * NULL. The section itself is in no useful order: GCC emits a file's
 * descriptors in reverse. Quadratic, which is nothing for a few hundred.
 */
static const struct ktest *next_test(const struct ktest *prev)
{
	const struct ktest *best = NULL;

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if ((!prev || runs_before(prev, t)) &&
		    (!best || runs_before(t, best)))
			best = t;
	}
	return best;
}

#define for_each_test(t) for (t = next_test(NULL); t; t = next_test(t))

static unsigned int count_matching(const char *spec)
{
	const struct ktest *t;
	unsigned int n = 0;
	char name[128];

	for_each_test(t)
	{
		full_name(t, name, sizeof(name));
		n += spec_matches(spec, name);
	}
	return n;
}

static void run_one(const struct ktest *t, unsigned int number,
		    const char *name, struct tally *tally)
{
	struct ktest_ctx ctx = {.test = t};

	t->fn(&ctx);
	if (ctx.failed) {
		kprintf("not ok %u %s\n", number, name);
		tally->fail++;
	} else if (ctx.skip_reason) {
		kprintf("ok %u %s # SKIP %s\n", number, name, ctx.skip_reason);
		tally->skip++;
	} else {
		kprintf("ok %u %s\n", number, name);
		tally->pass++;
	}
}

/* Run the tests matching spec; true if all that ran passed (or skipped). */
static bool run_matching(const char *spec)
{
	unsigned int total = count_matching(spec), number = 0;
	struct tally tally = {0};
	const struct ktest *t;
	char name[128];

	kprintf("KTAP version 1\n1..%u\n", total);
	if (total == 0) {
		kprintf("# no test matches \"%s\"\n", spec);
		return false;
	}
	for_each_test(t)
	{
		full_name(t, name, sizeof(name));
		if (spec_matches(spec, name))
			run_one(t, ++number, name, &tally);
	}
	kprintf("# Totals: pass:%u fail:%u skip:%u total:%u\n", tally.pass,
		tally.fail, tally.skip, total);
	return tally.fail == 0;
}

bool ktest_requested(void)
{
	const char *spec = cmdline_get("test");
	return spec && *spec && strcmp(spec, "none") != 0;
}

void ktest_run_if_requested(void)
{
	const char *spec = cmdline_get("test");
	bool passed;

	if (!ktest_requested())
		return;
	passed = run_matching(spec);
	arch_qemu_exit(passed ? KTEST_EXIT_PASS : KTEST_EXIT_FAIL);
	kprintf("ktest: no QEMU isa-debug-exit device; halting\n");
	arch_halt_forever();
}

static void fail_header(struct ktest_ctx *ctx, const char *file, int line)
{
	ctx->failed = true;
	kprintf("# %s.%s: ASSERTION FAILED at %s:%d\n", ctx->test->suite,
		ctx->test->name, file, line);
}

void ktest_fail(struct ktest_ctx *ctx, const char *file, int line,
		const char *cond)
{
	fail_header(ctx, file, line);
	kprintf("# Expected %s to be true, but is false\n", cond);
}

void ktest_fail_eq(struct ktest_ctx *ctx, const char *file, int line,
		   const char *a_expr, const char *b_expr, uint64_t a,
		   uint64_t b)
{
	fail_header(ctx, file, line);
	kprintf("# Expected %s == %s, but\n", a_expr, b_expr);
	kprintf("#     %s == %ld (0x%lx)\n", a_expr, (long)a, a);
	kprintf("#     %s == %ld (0x%lx)\n", b_expr, (long)b, b);
}

void ktest_fail_streq(struct ktest_ctx *ctx, const char *file, int line,
		      const char *a_expr, const char *b_expr, const char *a,
		      const char *b)
{
	fail_header(ctx, file, line);
	kprintf("# Expected %s == %s, but\n", a_expr, b_expr);
	kprintf("#     %s == \"%s\"\n", a_expr, a ? a : "(null)");
	kprintf("#     %s == \"%s\"\n", b_expr, b ? b : "(null)");
}

int ktest_streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void ktest_skip(struct ktest_ctx *ctx, const char *reason)
{
	ctx->skip_reason = reason;
}

KTEST(ktest, glob)
{
	const char *p = "boot.*";

	KT_ASSERT(glob_match(p, p + strlen(p), "boot.memmap"));
	KT_ASSERT(!glob_match(p, p + strlen(p), "bootx.memmap"));
	KT_ASSERT(spec_matches("all", "x.y"));
	KT_ASSERT(spec_matches("a.b,*.mem*", "boot.memmap_sorted"));
	KT_ASSERT(spec_matches("*", "a.b"));
	KT_ASSERT(!spec_matches("a.b,c.*", "a.bc"));
	KT_ASSERT(spec_matches("a*b*c", "aXbYbZc"));
}

KTEST(ktest, opt_in_suites)
{
	KT_ASSERT(!spec_matches("all", "crash.page_fault"));
	KT_ASSERT(!spec_matches("*", "crash.page_fault"));
	KT_ASSERT(!spec_matches("*.page_fault", "crash.page_fault"));
	KT_ASSERT(!spec_matches("cr*.page_fault", "crash.page_fault"));
	KT_ASSERT(!spec_matches("all,*", "bench.scroll"));
	KT_ASSERT(spec_matches("crash.page_fault", "crash.page_fault"));
	KT_ASSERT(spec_matches("crash.*", "crash.page_fault"));
	KT_ASSERT(spec_matches("boot.*,crash.page_*", "crash.page_fault"));
	KT_ASSERT(!spec_matches("crash.page_fault", "crash.canary"));
	KT_ASSERT(spec_matches("bench.*", "bench.scroll"));
	/* Other suites are unaffected, including look-alike names. */
	KT_ASSERT(spec_matches("all", "crashes.x"));
	KT_ASSERT(spec_matches("*", "benchmark.x"));
	KT_ASSERT(!is_opt_in("crash"));
}
