/*
 * Host tests of the gzip/DEFLATE decoder (kernel/lib/inflate.c, compiled
 * here unchanged) under ASan and UBSan.
 *
 * Most streams come from the system gzip (run through popen on a file in
 * $TMPDIR) at levels 1, 6 and 9: text, incompressible data (stored
 * blocks), an empty file, a few MiB of mixed data, skewed data (long
 * Huffman codes), concatenated members. Headers gzip does not write
 * (FEXTRA, FCOMMENT, FHCRC) are built here around gzip's raw DEFLATE data,
 * and a small bit writer makes DEFLATE streams aimed at one rule each:
 * fixed and dynamic codes, overlapping copies, and each corrupt case the
 * decoder names. Then every truncation and every single-bit flip of small
 * members, a mutation loop, too-small buffers, CRC and ISIZE mismatches.
 * The decoder always gets exact-size copies of input and output, so ASan
 * sees an access one byte past either end.
 *
 *   test_inflate                   run the tests
 *   test_inflate --write-seeds DIR gzip members as seeds for fuzz_inflate
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kernel/inflate.h>

#include "testlib.h"

/* A byte buffer that grows. */
struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		CHECK(b->p != NULL);
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void buf_byte(struct buf *b, unsigned c)
{
	uint8_t v = (uint8_t)c;

	buf_put(b, &v, 1);
}

static void buf_le32(struct buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf_byte(b, (v >> (8 * i)) & 0xff);
}

static void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){0};
}

/* The test's own CRC-32, bit by bit, to check the decoder's table one. */
static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
	}
	return ~c;
}

/* ---------------------------------------------------------------- gzip(1) */

/* Compress data with the system gzip; args e.g. "-9 -n". */
static struct buf run_gzip(const uint8_t *data, size_t n, const char *args,
			   bool from_stdin)
{
	const char *tmp = getenv("TMPDIR");
	char path[512], cmd[1200], chunk[65536];
	struct buf out = {0};
	size_t got;
	FILE *f, *p;
	int fd;

	snprintf(path, sizeof(path), "%s/inflate-test-XXXXXX",
		 tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "wb");
	CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
	snprintf(cmd, sizeof(cmd), "gzip %s -c %s'%s'", args,
		 from_stdin ? "<" : "", path);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_put(&out, chunk, got);
	CHECK(pclose(p) == 0);
	unlink(path);
	CHECK(out.len >= 18);
	return out;
}

static struct buf gzip_level(const uint8_t *data, size_t n, int level)
{
	char args[16];

	snprintf(args, sizeof(args), "-%d -n", level);
	return run_gzip(data, n, args, true);
}

/* ---------------------------------------------------------------- inputs */

static const char *const words[] = {
	"the",	  "kernel", "maps",    "initramfs", "page", "of",	"a",
	"gzip",	  "member", "block",   "Huffman",   "code", "distance", "and",
	"length", "stored", "literal", "tree",	    "in",   "buffer",	"\n"};

static void gen_text(struct buf *b, size_t n)
{
	while (b->len < n) {
		const char *w =
			words[test_below(sizeof(words) / sizeof(*words))];

		buf_put(b, w, strlen(w));
		buf_byte(b, test_below(8) ? ' ' : ',');
	}
	b->len = n;
}

static void gen_random(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_byte(b, test_rand() & 0xff);
}

/*
 * Byte values with geometric frequencies: the rare ones get the longest
 * codes gzip makes (15 bits), beyond the decoder's fast table.
 */
static void gen_skewed(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		while (v < 255 && (test_rand() & 1))
			v++;
		buf_byte(b, v);
	}
}

/* Text, random bytes, runs, skewed bytes and repeats, in turns. */
static struct buf gen_mixed(size_t n)
{
	struct buf b = {0};

	while (b.len < n) {
		size_t part = 1024 + test_below(64 * 1024), at = b.len;

		switch (test_below(5)) {
		case 0:
			gen_text(&b, at + part);
			break;
		case 1:
			gen_random(&b, part);
			break;
		case 2:
			for (size_t i = 0; i < part; i++)
				buf_byte(&b, at & 0xff);
			break;
		case 3:
			gen_skewed(&b, part);
			break;
		default: /* a copy from up to 32 KiB back */
			for (size_t i = 0; i < part && at > 0; i++)
				buf_byte(&b,
					 b.p[b.len - 1 -
					     test_below(at < 32768 ? at
								   : 32768)]);
		}
	}
	b.len = n;
	return b;
}

/* ---------------------------------------------------------------- checks */

static void *copy_of(const void *p, size_t n)
{
	void *c = malloc(n ? n : 1);

	CHECK(c != NULL);
	if (n)
		memcpy(c, p, n);
	return c;
}

/* gunzip of an exact copy into an exact buffer; returns its result. */
static long try_gunzip(const uint8_t *gz, size_t len, size_t cap, uint8_t **out,
		       size_t *used, const char **why)
{
	uint8_t *in = copy_of(gz, len);
	long ret;

	*out = malloc(cap ? cap : 1);
	CHECK(*out != NULL);
	ret = gunzip(in, len, *out, cap, used, why);
	free(in);
	CHECK(ret == -EINVAL || ret == -ENOSPC ||
	      (ret >= 0 && (size_t)ret <= cap));
	CHECK((ret < 0) == (*why != NULL));
	CHECK(ret < 0 ? *used == 0 : *used <= len);
	return ret;
}

/* The member decodes to exactly data, in a buffer of exactly its size. */
static void expect_data(const uint8_t *gz, size_t len, const uint8_t *data,
			size_t n)
{
	const char *why = "unset";
	uint8_t *out;
	size_t used;
	uint32_t isize;
	long ret = try_gunzip(gz, len, n, &out, &used, &why);

	if (ret < 0)
		fprintf(stderr, "test_inflate: gunzip: %s\n", why);
	CHECK_EQ(ret, n);
	CHECK(n == 0 || memcmp(out, data, n) == 0);
	CHECK_EQ(used, len);
	CHECK(gzip_is_gzip(gz, len));
	CHECK(gzip_isize(gz, len, &isize) == 0 && isize == (uint32_t)n);
	free(out);
}

/* The member is rejected with -EINVAL for the given reason (a substring). */
static void expect_einval(const uint8_t *gz, size_t len, size_t cap,
			  const char *reason)
{
	const char *why = NULL;
	uint8_t *out;
	size_t used;

	CHECK_EQ(try_gunzip(gz, len, cap, &out, &used, &why), -EINVAL);
	free(out);
	if (reason && !strstr(why, reason)) {
		fprintf(stderr, "test_inflate: got \"%s\"\n", why);
		CHECK(strstr(why, reason) != NULL);
	}
}

static void roundtrip(const uint8_t *data, size_t n, int level)
{
	struct buf gz = gzip_level(data, n, level);

	expect_data(gz.p, gz.len, data, n);
	buf_free(&gz);
}

/* The type of the first DEFLATE block of a member with a 10-byte header. */
static unsigned first_block_type(const struct buf *gz)
{
	return (gz->p[10] >> 1) & 3;
}

/* ---------------------------------------------------------------- gzip's */

static void test_levels(int level)
{
	struct buf text = {0};

	test_rng = 1;
	gen_text(&text, 200 * 1024);
	roundtrip(text.p, text.len, level);
	roundtrip(text.p, 1000, level);
	roundtrip(text.p, 1, level);
	buf_free(&text);
}

static void test_fixed(void)
{
	static const char msg[] = "hello, hello, hello rastOS\n";
	struct buf gz = gzip_level((const uint8_t *)msg, strlen(msg), 9);

	CHECK_EQ(first_block_type(&gz), 1);
	expect_data(gz.p, gz.len, (const uint8_t *)msg, strlen(msg));
	buf_free(&gz);
}

static void test_stored(void)
{
	struct buf data = {0}, gz;

	test_rng = 2;
	gen_random(&data, 300 * 1024);
	gz = gzip_level(data.p, data.len, 6);
	CHECK_EQ(first_block_type(&gz), 0);
	expect_data(gz.p, gz.len, data.p, data.len);
	buf_free(&gz);
	buf_free(&data);
}

static void test_empty(void)
{
	struct buf gz = gzip_level((const uint8_t *)"", 0, 6);
	const char *why = "unset";
	size_t used = 99;

	expect_data(gz.p, gz.len, NULL, 0);
	/* No buffer at all is fine for an empty member. */
	CHECK_EQ(gunzip(gz.p, gz.len, NULL, 0, &used, &why), 0);
	CHECK(why == NULL && used == gz.len);
	CHECK_EQ(gunzip(gz.p, gz.len, NULL, 0, NULL, NULL), 0);
	buf_free(&gz);
}

static void test_big(int level)
{
	struct buf data;

	test_rng = 3;
	data = gen_mixed(4 << 20);
	roundtrip(data.p, data.len, level);
	buf_free(&data);
}

static void test_long_codes(void)
{
	struct buf data = {0};

	test_rng = 4;
	gen_skewed(&data, 512 * 1024);
	roundtrip(data.p, data.len, 9);
	roundtrip(data.p, data.len, 1);
	buf_free(&data);
}

/* gzip run on a file stores its name: FNAME. */
static void test_gzip_fname(void)
{
	static const char msg[] = "a member with the file's name in it\n";
	struct buf gz =
		run_gzip((const uint8_t *)msg, strlen(msg), "-6 -N", false);

	CHECK(gz.p[3] & 0x08);
	expect_data(gz.p, gz.len, (const uint8_t *)msg, strlen(msg));
	buf_free(&gz);
}

/* Members back to back, as a concatenated initramfs; then garbage. */
static void test_multi_member(void)
{
	struct buf a = {0}, b = {0}, cat = {0}, ga, gb, ge;
	size_t used, at = 0;
	const char *why;
	uint8_t *out;
	uint32_t isize;

	test_rng = 5;
	gen_text(&a, 5000);
	gen_random(&b, 3000);
	ga = gzip_level(a.p, a.len, 6);
	gb = gzip_level(b.p, b.len, 1);
	ge = gzip_level(a.p, 0, 9);
	buf_put(&cat, ga.p, ga.len);
	buf_put(&cat, ge.p, ge.len);
	buf_put(&cat, gb.p, gb.len);
	const struct buf *want[3] = {&a, NULL, &b};
	for (int i = 0; i < 3; i++) {
		size_t n = want[i] ? want[i]->len : 0;

		CHECK_EQ(try_gunzip(cat.p + at, cat.len - at, n, &out, &used,
				    &why),
			 n);
		CHECK(n == 0 || memcmp(out, want[i]->p, n) == 0);
		free(out);
		at += used;
	}
	CHECK_EQ(at, cat.len);
	CHECK(gzip_isize(cat.p, cat.len, &isize) == 0 && isize == b.len);
	/* What follows a member is not its business. */
	buf_put(&ga, "\0\0\0\0junk", 8);
	CHECK_EQ(try_gunzip(ga.p, ga.len, a.len, &out, &used, &why), a.len);
	CHECK_EQ(used, ga.len - 8);
	free(out);
	buf_free(&a);
	buf_free(&b);
	buf_free(&cat);
	buf_free(&ga);
	buf_free(&gb);
	buf_free(&ge);
}

/* ---------------------------------------------------------------- headers */

/* The raw DEFLATE data of a gzip -n member (10-byte header). */
static struct buf raw_deflate(const uint8_t *data, size_t n, int level)
{
	struct buf gz = gzip_level(data, n, level), raw = {0};

	CHECK(gz.p[3] == 0);
	buf_put(&raw, gz.p + 10, gz.len - 18);
	buf_free(&gz);
	return raw;
}

/* A member with the given flags around raw DEFLATE data. */
static struct buf wrap(const struct buf *raw, const uint8_t *data, size_t n,
		       unsigned flags)
{
	static const uint8_t fixed[] = {0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0, 3};
	struct buf gz = {0};

	buf_put(&gz, fixed, sizeof(fixed));
	gz.p[3] = (uint8_t)flags;
	if (flags & 0x04) { /* FEXTRA: 300 bytes, subfield "RS" first */
		buf_byte(&gz, 300 & 0xff);
		buf_byte(&gz, 300 >> 8);
		for (int i = 0; i < 300; i++)
			buf_byte(&gz, i == 0 ? 'R' : i == 1 ? 'S' : i & 0xff);
	}
	if (flags & 0x08)
		buf_put(&gz, "initramfs.cpio", 15);
	if (flags & 0x10)
		buf_put(&gz, "built by test_inflate", 22);
	if (flags & 0x02) {
		uint32_t crc = ref_crc32(gz.p, gz.len);

		buf_byte(&gz, crc & 0xff);
		buf_byte(&gz, (crc >> 8) & 0xff);
	}
	buf_put(&gz, raw->p, raw->len);
	buf_le32(&gz, ref_crc32(data, n));
	buf_le32(&gz, (uint32_t)n);
	return gz;
}

static void test_header_flags(void)
{
	static const char msg[] = "header fields around the same stream\n";
	const uint8_t *d = (const uint8_t *)msg;
	size_t n = strlen(msg);
	struct buf raw = raw_deflate(d, n, 6), gz;

	/* every combination of FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT */
	for (unsigned flags = 0; flags < 32; flags++) {
		gz = wrap(&raw, d, n, flags);
		expect_data(gz.p, gz.len, d, n);
		for (size_t cut = 0; cut < gz.len; cut++)
			expect_einval(gz.p, cut, n, NULL);
		buf_free(&gz);
	}
	gz = wrap(&raw, d, n, 0x1e);
	gz.p[10 + 2 + 300 + 15 + 22] ^= 1; /* the header CRC */
	expect_einval(gz.p, gz.len, n, "header CRC");
	buf_free(&gz);
	for (unsigned bit = 0x20; bit <= 0x80; bit <<= 1) {
		gz = wrap(&raw, d, n, bit);
		expect_einval(gz.p, gz.len, n, "reserved");
		buf_free(&gz);
	}
	gz = wrap(&raw, d, n, 0);
	gz.p[2] = 7; /* not deflate */
	CHECK(!gzip_is_gzip(gz.p, gz.len));
	expect_einval(gz.p, gz.len, n, "not a gzip");
	gz.p[2] = 8;
	gz.p[1] = 0x8c;
	expect_einval(gz.p, gz.len, n, "not a gzip");
	buf_free(&gz);
	buf_free(&raw);
}

static void test_isize_api(void)
{
	static const uint8_t hdr[] = {0x1f, 0x8b, 8,	0,    0,    0,	 0,
				      0,    0,	  3,	3,    0,    0,	 0,
				      0,    0,	  0x78, 0x56, 0x34, 0x12};
	uint32_t v = 0;

	CHECK(gzip_isize(hdr, sizeof(hdr), &v) == 0 && v == 0x12345678);
	CHECK_EQ(gzip_isize(hdr, 17, &v), -EINVAL);
	CHECK_EQ(gzip_isize(hdr + 1, 19, &v), -EINVAL);
	CHECK(gzip_is_gzip(hdr, 3) && !gzip_is_gzip(hdr, 2));
}

/* ---------------------------------------------------------------- bit writer */

/* DEFLATE data built bit by bit: numbers LSB first, Huffman codes MSB first. */
struct bits {
	struct buf b;
	unsigned nbits;
};

static void put_bits(struct bits *w, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, w->nbits++) {
		if (w->nbits == w->b.len * 8)
			buf_byte(&w->b, 0);
		w->b.p[w->nbits / 8] |= ((v >> i) & 1) << (w->nbits % 8);
	}
}

static void put_code(struct bits *w, uint32_t code, unsigned len)
{
	while (len--)
		put_bits(w, (code >> len) & 1, 1);
}

/* Whole bytes, after the rest of the current byte (stored blocks). */
static void put_bytes(struct bits *w, const void *p, size_t n)
{
	buf_put(&w->b, p, n);
	w->nbits = (unsigned)w->b.len * 8;
}

/* A fixed-code symbol (RFC 1951 3.2.6). */
static void put_fixed(struct bits *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

/* Canonical codes for lens[0..n) (RFC 1951 3.2.2). */
static void canonical(const uint8_t *lens, unsigned n, uint32_t *codes)
{
	unsigned count[16] = {0}, next[16], code = 0;

	for (unsigned i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (unsigned len = 1; len < 16; len++) {
		code = (code + count[len - 1]) << 1;
		next[len] = code;
	}
	for (unsigned i = 0; i < n; i++)
		codes[i] = lens[i] ? next[lens[i]]++ : 0;
}

/* A member around the written DEFLATE data, claiming data[0..n). */
static struct buf wrap_bits(struct bits *w, const uint8_t *data, size_t n)
{
	struct buf gz = wrap(&w->b, data, n, 0);

	buf_free(&w->b);
	w->nbits = 0;
	return gz;
}

/*
 * A dynamic block header: the code length code clen[19], then the
 * sequence seq of code length symbols (with extra bits after 16..18: a
 * symbol >= 16 is followed in seq by its extra value).
 */
static void put_dynamic_header(struct bits *w, bool final, unsigned hlit,
			       unsigned hdist, const uint8_t clen[19],
			       const unsigned *seq, size_t nseq)
{
	static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					  11, 4,  12, 3, 13, 2, 14, 1, 15};
	static const unsigned extra[3] = {2, 3, 7};
	uint32_t codes[19];

	put_bits(w, final, 1);
	put_bits(w, 2, 2);
	put_bits(w, hlit - 257, 5);
	put_bits(w, hdist - 1, 5);
	put_bits(w, 19 - 4, 4);
	for (int i = 0; i < 19; i++)
		put_bits(w, clen[order[i]], 3);
	canonical(clen, 19, codes);
	for (size_t i = 0; i < nseq; i++) {
		unsigned sym = seq[i];

		put_code(w, codes[sym], clen[sym]);
		if (sym >= 16)
			put_bits(w, seq[++i], extra[sym - 16]);
	}
}

/*
 * A dynamic block with literal/length lengths lit[0..hlit) and distance
 * lengths dist[0..hdist), sent as plain lengths (code length code: 0..15
 * at 4 bits each).
 */
static void put_dynamic(struct bits *w, bool final, const uint8_t *lit,
			unsigned hlit, const uint8_t *dist, unsigned hdist)
{
	uint8_t clen[19] = {0};
	unsigned seq[320], n = 0;

	for (int i = 0; i < 16; i++)
		clen[i] = 4;
	for (unsigned i = 0; i < hlit; i++)
		seq[n++] = lit[i];
	for (unsigned i = 0; i < hdist; i++)
		seq[n++] = dist[i];
	put_dynamic_header(w, final, hlit, hdist, clen, seq, n);
}

/* ---------------------------------------------------------------- hand-made */

/* Stored blocks: empty, 65535 bytes, a short one, not final then final. */
static void test_stored_handmade(void)
{
	struct bits w = {0};
	struct buf data = {0}, gz;

	test_rng = 6;
	gen_random(&data, 65535 + 10);
	put_bits(&w, 0, 3);
	put_bytes(&w, "\x00\x00\xff\xff", 4);
	put_bits(&w, 0, 3);
	put_bytes(&w, "\xff\xff\x00\x00", 4);
	put_bytes(&w, data.p, 65535);
	put_bits(&w, 1, 3);
	put_bytes(&w, "\x0a\x00\xf5\xff", 4);
	put_bytes(&w, data.p + 65535, 10);
	gz = wrap_bits(&w, data.p, data.len);
	expect_data(gz.p, gz.len, data.p, data.len);
	gz.p[10 + 5 + 1 + 3] ^= 0x10; /* NLEN of the big block */
	expect_einval(gz.p, gz.len, data.len, "stored block length");
	buf_free(&gz);
	buf_free(&data);
}

/*
 * Fixed codes: literals, an overlapping copy (distance 1, length 258), a
 * copy from the very start of the output (extra bits on both).
 */
static void test_fixed_handmade(void)
{
	struct bits w = {0};
	struct buf want = {0}, gz;

	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'a');
	put_fixed(&w, 'b');
	buf_put(&want, "ab", 2);
	put_fixed(&w, 285); /* length 258 */
	put_code(&w, 0, 5); /* distance 1 */
	for (int i = 0; i < 258; i++)
		buf_byte(&want, 'b');
	put_fixed(&w, 284); /* length 227 + 30 = 257 */
	put_bits(&w, 30, 5);
	put_code(&w, 16, 5); /* distance 257 + 3 = 260: the first byte */
	put_bits(&w, 3, 7);
	for (int i = 0; i < 257; i++)
		buf_byte(&want, want.p[want.len - 260]);
	put_fixed(&w, 256);
	gz = wrap_bits(&w, want.p, want.len);
	expect_data(gz.p, gz.len, want.p, want.len);
	buf_free(&gz);
	buf_free(&want);
}

/* One fixed block of these symbols (pairs for length, distance code). */
static struct buf fixed_stream(const unsigned *sym, size_t n)
{
	struct bits w = {0};

	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	for (size_t i = 0; i < n; i++) {
		put_fixed(&w, sym[i]);
		if (sym[i] > 256 && i + 1 < n)
			put_code(&w, sym[++i], 5);
	}
	return wrap_bits(&w, NULL, 0);
}

static void test_fixed_errors(void)
{
	static const unsigned far[] = {'a', 257, 1, 256};     /* distance 2 */
	static const unsigned dist30[] = {'a', 257, 30, 256}; /* invalid */
	static const unsigned len286[] = {'a', 286, 0, 256};  /* invalid */
	static const unsigned at_start[] = {257, 0, 256};     /* nothing yet */
	struct buf gz;
	struct bits w = {0};

	gz = fixed_stream(far, 4);
	expect_einval(gz.p, gz.len, 100, "distance too far");
	buf_free(&gz);
	gz = fixed_stream(at_start, 3);
	expect_einval(gz.p, gz.len, 100, "distance too far");
	buf_free(&gz);
	gz = fixed_stream(dist30, 4);
	expect_einval(gz.p, gz.len, 100, "distance code");
	buf_free(&gz);
	gz = fixed_stream(len286, 4);
	expect_einval(gz.p, gz.len, 100, "length code");
	buf_free(&gz);
	put_bits(&w, 1, 1);
	put_bits(&w, 3, 2);
	put_bits(&w, 0, 16);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 100, "reserved block type");
	buf_free(&gz);
}

/* Literal/length lengths: 'a', 'b' and end-of-block, as given. */
static void lit3(uint8_t *lit, unsigned la, unsigned lb, unsigned leob)
{
	memset(lit, 0, 257);
	lit['a'] = (uint8_t)la;
	lit['b'] = (uint8_t)lb;
	lit[256] = (uint8_t)leob;
}

/*
 * Dynamic codes: a literals-only block with no distance code, a block
 * with a single one-bit distance code, then the code shapes that must
 * be refused.
 */
static void test_dynamic_handmade(void)
{
	uint8_t lit[258], dist[2] = {0, 1};
	uint32_t codes[258];
	struct bits w = {0};
	struct buf gz;

	lit3(lit, 1, 2, 2); /* a=0 b=10 eob=11 */
	put_dynamic(&w, false, lit, 257, dist, 1);
	canonical(lit, 257, codes);
	put_code(&w, codes['a'], 1);
	put_code(&w, codes['b'], 2);
	put_code(&w, codes[256], 2);
	/* 'a', length 3 at distance 2 (symbol 1, the only code: 0), end */
	memset(lit, 0, sizeof(lit));
	lit['a'] = 1, lit[256] = 2, lit[257] = 2;
	put_dynamic(&w, true, lit, 258, dist, 2);
	canonical(lit, 258, codes);
	put_code(&w, codes['a'], 1);
	put_code(&w, codes[257], 2);
	put_code(&w, 0, 1);
	put_code(&w, codes[256], 2);
	gz = wrap_bits(&w, (const uint8_t *)"ababab", 6);
	expect_data(gz.p, gz.len, (const uint8_t *)"ababab", 6);
	buf_free(&gz);

	/* the unused second distance code */
	put_dynamic(&w, true, lit, 258, dist, 2);
	put_code(&w, codes['a'], 1);
	put_code(&w, codes[257], 2);
	put_code(&w, 1, 1);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 100, "invalid Huffman code");
	buf_free(&gz);
}

/* A dynamic block with these lengths must be refused for reason. */
static void expect_bad_lengths(const uint8_t *lit, unsigned hlit,
			       const uint8_t *dist, unsigned hdist,
			       const char *reason)
{
	struct bits w = {0};
	struct buf gz;

	put_dynamic(&w, true, lit, hlit, dist, hdist);
	put_bits(&w, 0, 32);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 100, reason);
	buf_free(&gz);
}

static void test_dynamic_errors(void)
{
	uint8_t lit[288] = {0}, dist[32] = {1, 1};

	lit3(lit, 1, 1, 1);
	expect_bad_lengths(lit, 257, dist, 2, "literal/length code");
	lit3(lit, 1, 2, 0);
	expect_bad_lengths(lit, 257, dist, 2, "end-of-block");
	lit3(lit, 1, 3, 3); /* incomplete */
	expect_bad_lengths(lit, 257, dist, 2, "literal/length code");
	lit3(lit, 2, 0, 2); /* incomplete, more than one code */
	expect_bad_lengths(lit, 257, dist, 2, "literal/length code");
	lit3(lit, 1, 2, 2);
	dist[2] = 1; /* over-subscribed */
	expect_bad_lengths(lit, 257, dist, 3, "distance code");
	dist[0] = 2, dist[1] = 0, dist[2] = 2; /* two of four */
	expect_bad_lengths(lit, 257, dist, 3, "distance code");
	expect_bad_lengths(lit, 287, dist, 1, "too many");
}

/* Code length codes: incomplete, over-subscribed, and bad repeats. */
static void test_code_length_errors(void)
{
	uint8_t clen[19] = {0};
	unsigned seq[8];
	struct bits w = {0};
	struct buf gz;

	clen[0] = clen[1] = clen[16] = clen[17] = clen[18] = 3;
	put_dynamic_header(&w, true, 257, 1, clen, NULL, 0);
	put_bits(&w, 0, 32);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 10, "code length code"); /* incomplete */
	buf_free(&gz);
	clen[2] = clen[3] = clen[4] = clen[5] = 3;
	put_dynamic_header(&w, true, 257, 1, clen, NULL, 0);
	put_bits(&w, 0, 32);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 10, "code length code"); /* 9 of 8 */
	buf_free(&gz);

	clen[5] = 0; /* 0,1,2,3,4,16,17,18 at 3 bits: complete */
	seq[0] = 16, seq[1] = 0;
	put_dynamic_header(&w, true, 257, 1, clen, seq, 2);
	put_bits(&w, 0, 32);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 10, "no previous length");
	buf_free(&gz);
	seq[0] = 18, seq[1] = 127, seq[2] = 18, seq[3] = 127;
	seq[4] = 17, seq[5] = 7; /* 138 + 138 + 10 = 286 > 258 */
	put_dynamic_header(&w, true, 257, 1, clen, seq, 6);
	put_bits(&w, 0, 32);
	gz = wrap_bits(&w, NULL, 0);
	expect_einval(gz.p, gz.len, 10, "repeat past");
	buf_free(&gz);
}

/* ---------------------------------------------------------------- damage */

/* Every cut of a small member is refused. */
static void test_truncations(int level)
{
	static const char msg[] = "truncated truncated truncated at each byte, "
				  "every one of them must be refused cleanly\n";
	struct buf gz = gzip_level((const uint8_t *)msg, strlen(msg), level);

	for (size_t cut = 0; cut < gz.len; cut++)
		expect_einval(gz.p, cut, strlen(msg), NULL);
	buf_free(&gz);
}

static void test_truncations_big(void)
{
	struct buf data = {0}, gz;

	test_rng = 7;
	gen_text(&data, 3000);
	gen_skewed(&data, 1000);
	gen_random(&data, 700);
	gz = gzip_level(data.p, data.len, 6);
	for (size_t cut = 0; cut < gz.len; cut++)
		expect_einval(gz.p, cut, data.len, NULL);
	buf_free(&gz);
	buf_free(&data);
}

/*
 * Each single-bit flip is refused, or (in fields nothing checks: MTIME,
 * XFL, OS, FTEXT, padding bits) decodes to the same data.
 */
static void flip_all(const struct buf *gz, const uint8_t *data, size_t n,
		     int *passed)
{
	uint8_t *copy = copy_of(gz->p, gz->len), *out;
	const char *why;
	size_t used;
	long ret;

	for (size_t bit = 0; bit < gz->len * 8; bit++) {
		copy[bit / 8] ^= 1u << (bit % 8);
		ret = try_gunzip(copy, gz->len, 1 << 20, &out, &used, &why);
		CHECK(ret == -EINVAL || ret == (long)n);
		if (ret >= 0) {
			CHECK(memcmp(out, data, n) == 0);
			(*passed)++;
		}
		free(out);
		copy[bit / 8] ^= 1u << (bit % 8);
	}
	free(copy);
}

static void test_bit_flips(void)
{
	struct buf text = {0}, rnd = {0}, gz;
	int passed = 0;

	test_rng = 8;
	gen_text(&text, 600);
	gen_random(&rnd, 200);
	for (int level = 1; level <= 9; level += 8) {
		gz = gzip_level(text.p, text.len, level);
		flip_all(&gz, text.p, text.len, &passed);
		buf_free(&gz);
	}
	gz = gzip_level(rnd.p, rnd.len, 6); /* stored */
	flip_all(&gz, rnd.p, rnd.len, &passed);
	buf_free(&gz);
	gz = gzip_level(text.p, 40, 6); /* fixed */
	flip_all(&gz, text.p, 40, &passed);
	buf_free(&gz);
	/* at least MTIME, XFL, OS and FTEXT of each of the 4 members */
	CHECK(passed >= 4 * 49);
	buf_free(&text);
	buf_free(&rnd);
}

/* Random damage to several bytes at once, small and large outputs. */
static void test_mutations(void)
{
	struct buf data = {0}, gz[3];
	const char *why;
	uint8_t *out;
	size_t used;

	test_rng = 9;
	gen_text(&data, 4000);
	gen_random(&data, 500);
	gz[0] = gzip_level(data.p, data.len, 9);
	gz[1] = gzip_level(data.p + 4000, 500, 1);
	gz[2] = gzip_level(data.p, 60, 6);
	for (int i = 0; i < 30000; i++) {
		struct buf *g = &gz[i % 3];
		uint8_t *m = copy_of(g->p, g->len);
		size_t len = g->len - test_below(3 * (i & 1));

		for (int k = 1 + (int)test_below(4); k > 0; k--)
			m[10 + test_below(g->len - 10)] ^=
				(uint8_t)(1 + test_below(255));
		try_gunzip(m, len, test_below(2) ? 64 : 1 << 16, &out, &used,
			   &why);
		free(out);
		free(m);
	}
	for (int i = 0; i < 3; i++)
		buf_free(&gz[i]);
	buf_free(&data);
}

/* Outputs one byte too big for the buffer, from each block type. */
static void test_no_space(void)
{
	struct buf text = {0}, rnd = {0}, gz;
	const char *why;
	uint8_t *out;
	size_t used;
	struct {
		const uint8_t *p;
		size_t n;
	} cases[3];

	test_rng = 10;
	gen_text(&text, 20000);
	gen_random(&rnd, 20000);
	cases[0].p = text.p, cases[0].n = 20000;
	cases[1].p = rnd.p, cases[1].n = 20000;
	cases[2].p = text.p, cases[2].n = 30;
	for (int i = 0; i < 3; i++) {
		gz = gzip_level(cases[i].p, cases[i].n, 6);
		for (size_t cap = 0; cap < cases[i].n; cap += 1 + cap / 3) {
			CHECK_EQ(try_gunzip(gz.p, gz.len, cap, &out, &used,
					    &why),
				 -ENOSPC);
			free(out);
		}
		CHECK_EQ(try_gunzip(gz.p, gz.len, cases[i].n - 1, &out, &used,
				    &why),
			 -ENOSPC);
		CHECK(strstr(why, "buffer") != NULL);
		free(out);
		expect_data(gz.p, gz.len, cases[i].p, cases[i].n);
		buf_free(&gz);
	}
	buf_free(&text);
	buf_free(&rnd);
}

static void test_trailer_mismatch(void)
{
	struct buf data = {0}, gz;

	test_rng = 11;
	gen_text(&data, 5000);
	gz = gzip_level(data.p, data.len, 6);
	gz.p[gz.len - 8] ^= 0x01; /* CRC */
	expect_einval(gz.p, gz.len, data.len, "CRC mismatch");
	gz.p[gz.len - 8] ^= 0x01;
	gz.p[gz.len - 1] ^= 0x80; /* ISIZE */
	expect_einval(gz.p, gz.len, data.len, "ISIZE");
	buf_free(&gz);
	buf_free(&data);
}

/* ---------------------------------------------------------------- seeds */

static void write_seed(const char *dir, const char *name, const struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK(fwrite(b->p, 1, b->len, f) == b->len);
	CHECK(fclose(f) == 0);
}

static void write_seeds(const char *dir)
{
	struct buf data = {0}, gz, raw, cat = {0};
	struct bits w = {0};
	uint8_t lit[257], no_dist[1] = {0};
	uint32_t codes[257];

	test_rng = 12;
	gen_text(&data, 2000);
	gen_skewed(&data, 1000);
	gen_random(&data, 300);
	for (int level = 1; level <= 9; level += 4) {
		char name[32];

		gz = gzip_level(data.p, data.len, level);
		snprintf(name, sizeof(name), "mixed-%d.gz", level);
		write_seed(dir, name, &gz);
		buf_put(&cat, gz.p, gz.len);
		buf_free(&gz);
	}
	write_seed(dir, "three-members.gz", &cat);
	gz = gzip_level(data.p + 3000, 300, 6);
	write_seed(dir, "stored.gz", &gz);
	buf_free(&gz);
	gz = gzip_level(data.p, 50, 6);
	write_seed(dir, "fixed.gz", &gz);
	buf_free(&gz);
	gz = gzip_level(data.p, 0, 6);
	write_seed(dir, "empty.gz", &gz);
	buf_free(&gz);
	raw = raw_deflate(data.p, 200, 6);
	gz = wrap(&raw, data.p, 200, 0x1f);
	write_seed(dir, "all-flags.gz", &gz);
	buf_free(&gz);
	buf_free(&raw);
	lit3(lit, 1, 2, 2);
	put_dynamic(&w, true, lit, 257, no_dist, 1);
	canonical(lit, 257, codes);
	put_code(&w, codes['b'], 2);
	put_code(&w, codes[256], 2);
	gz = wrap_bits(&w, (const uint8_t *)"b", 1);
	write_seed(dir, "dynamic-literals.gz", &gz);
	buf_free(&gz);
	buf_free(&cat);
	buf_free(&data);
}

/* The cases run at each gzip level (not in a loop: RUN's longjmp). */
static void run_level(int level)
{
	RUN(test_levels(level), "inflate: gzip -%d text", level);
	RUN(test_big(level), "inflate: 4 MiB mixed data, gzip -%d", level);
	RUN(test_truncations(level), "inflate: every cut, gzip -%d", level);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--write-seeds") == 0) {
		RUN(write_seeds(argv[2]), "inflate: fuzz seeds written");
		TEST_EXIT();
	}
	run_level(1);
	run_level(6);
	run_level(9);
	RUN(test_fixed(), "inflate: gzip's fixed-code block");
	RUN(test_stored(), "inflate: gzip's stored blocks (random data)");
	RUN(test_empty(), "inflate: empty member");
	RUN(test_long_codes(), "inflate: skewed data, 15-bit codes");
	RUN(test_gzip_fname(), "inflate: gzip's FNAME");
	RUN(test_multi_member(), "inflate: concatenated members (in_used)");
	RUN(test_header_flags(), "inflate: header flags, each cut refused");
	RUN(test_isize_api(), "inflate: gzip_isize and gzip_is_gzip");
	RUN(test_stored_handmade(), "inflate: stored blocks, 0 and 65535");
	RUN(test_fixed_handmade(), "inflate: fixed codes, overlapping copies");
	RUN(test_fixed_errors(), "inflate: bad symbols and distances");
	RUN(test_dynamic_handmade(), "inflate: dynamic codes, one-bit codes");
	RUN(test_dynamic_errors(), "inflate: bad literal/distance codes");
	RUN(test_code_length_errors(), "inflate: bad code length codes");
	RUN(test_truncations_big(), "inflate: every cut of a 3 KiB member");
	RUN(test_bit_flips(), "inflate: every single-bit flip");
	RUN(test_mutations(), "inflate: 30000 random mutations");
	RUN(test_no_space(), "inflate: too small a buffer (-ENOSPC)");
	RUN(test_trailer_mismatch(), "inflate: CRC and ISIZE mismatch");
	TEST_EXIT();
}
