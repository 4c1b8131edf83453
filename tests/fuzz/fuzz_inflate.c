/*
 * libFuzzer harness for the gzip/DEFLATE decoder (kernel/lib/inflate.c):
 * any input is decoded member after member into a bounded output buffer
 * of exactly its size, so ASan sees a read past the input or a write past
 * the output. Each result must be a byte count within the buffer, -EINVAL
 * or -ENOSPC, with a reason exactly when it failed; a member that decodes
 * must decode again, alone and into a buffer of exactly its size, to the
 * same bytes, and fail with -ENOSPC one byte short.
 *
 * Seeds: the host test writes them (test_inflate --write-seeds DIR).
 *
 *   make fuzz && build/tests/fuzz/fuzz_inflate -max_total_time=600 CORPUS SEEDS
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>
#include <kernel/inflate.h>

#define OUT_CAP (256 * 1024)
#define MAX_MEMBERS 8

static void check(bool ok)
{
	if (!ok)
		abort();
}

static long decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		   size_t *used)
{
	const char *why = "unset";
	long ret = gunzip(in, len, out, cap, used, &why);

	check(ret == -EINVAL || ret == -ENOSPC ||
	      (ret >= 0 && (size_t)ret <= cap));
	check((ret < 0) == (why != NULL));
	check(ret < 0 ? *used == 0 : (*used >= 18 && *used <= len));
	return ret;
}

/* A member that decoded: again alone, exactly sized, and one byte short. */
static void recheck(const uint8_t *in, size_t used, const uint8_t *want, long n)
{
	uint8_t *exact = malloc(n ? (size_t)n : 1), *member = malloc(used);
	size_t used2;

	memcpy(member, in, used);
	check(decode(member, used, exact, (size_t)n, &used2) == n);
	check(used2 == used && memcmp(exact, want, (size_t)n) == 0);
	if (n > 0)
		check(decode(member, used, exact, (size_t)n - 1, &used2) ==
		      -ENOSPC);
	free(member);
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1), *out = malloc(OUT_CAP);
	size_t at = 0, used;
	uint32_t isize;

	memcpy(buf, data, size);
	check(gzip_is_gzip(buf, size) ==
	      (size >= 3 && buf[0] == 0x1f && buf[1] == 0x8b && buf[2] == 8));
	check((gzip_isize(buf, size, &isize) == 0) ==
	      (size >= 18 && gzip_is_gzip(buf, size)));
	for (int i = 0; i < MAX_MEMBERS && at < size; i++) {
		long n = decode(buf + at, size - at, out, OUT_CAP, &used);

		if (n < 0)
			break;
		recheck(buf + at, used, out, n);
		at += used;
	}
	free(out);
	free(buf);
	return 0;
}
