/*
 * libFuzzer harness for the cpio "newc" reader (kernel/fs/cpio.c): any
 * input is walked to its end or its first error, every member's name is
 * normalised (into a buffer of exactly the size the result needs, so an
 * off-by-one write is caught), and the last member's name, or a fixed
 * path, is looked up with cpio_find. Each must end without a crash, a
 * sanitizer report or a hang, with members inside the input and results
 * that agree with each other.
 *
 * Seeds: the host test writes them (test_cpio --write-seeds DIR).
 *
 *   make fuzz && build/tests/fuzz/fuzz_cpio -max_total_time=600 CORPUS SEEDS
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/cpio.h>
#include <kernel/errno.h>

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_entry(const uint8_t *buf, size_t size,
			const struct cpio_entry *e)
{
	const uint8_t *name = (const uint8_t *)e->name;
	const uint8_t *data = e->data;

	check(name >= buf && e->name_len < size &&
	      (size_t)(name - buf) < size - e->name_len);
	check(e->name[e->name_len] == '\0' && e->name_len > 0);
	check(data >= buf && e->size <= (size_t)(buf + size - data));
}

/* Normalise twice: once to learn the length, once into that exact size. */
static void normalise(const struct cpio_entry *e)
{
	static char big[CPIO_PATH_MAX];
	int n = cpio_path_normalize(e->name, e->name_len, big, sizeof(big));
	char *exact;

	check(n == -EINVAL || n == -ENAMETOOLONG || (n > 0 && n < 4096));
	if (n <= 0)
		return;
	check(strlen(big) == (size_t)n && big[0] != '/');
	check(strstr(big, "//") == NULL && strcmp(big, "..") != 0);
	exact = malloc((size_t)n + 1);
	check(cpio_path_normalize(e->name, e->name_len, exact, (size_t)n + 1) ==
	      n);
	check(memcmp(exact, big, (size_t)n + 1) == 0);
	check(cpio_path_normalize(e->name, e->name_len, exact, (size_t)n) ==
	      -ENAMETOOLONG);
	free(exact);
}

static bool path_ok(const struct cpio_entry *e)
{
	static char out[CPIO_PATH_MAX];

	return cpio_path_normalize(e->name, e->name_len, out, sizeof(out)) > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	struct cpio_entry e, last = {0}, found;
	struct cpio_reader r;
	int ret, n = 0;

	memcpy(buf, data, size);
	cpio_reader_init(&r, buf, size);
	while ((ret = cpio_next(&r, &e)) == 1) {
		check_entry(buf, size, &e);
		normalise(&e);
		last = e;
		n++;
	}
	check(ret == 0 || (ret == -EINVAL && r.error && r.error_off <= size));
	check(cpio_next(&r, &e) == ret); /* the end and errors are sticky */
	/*
	 * The last member, if its name is a path, is found as itself: no
	 * member after it can override it, even if damage follows.
	 */
	if (n > 0 && path_ok(&last)) {
		check(cpio_find(buf, size, last.name, &found) == 0);
		check(found.name == last.name && found.data == last.data);
	}
	ret = cpio_find(buf, size, "init", &found);
	check(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	free(buf);
	return 0;
}
