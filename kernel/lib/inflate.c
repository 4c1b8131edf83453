/*
 * gzip and DEFLATE decompression (<kernel/inflate.h>), written from RFC 1951
 * (DEFLATE) and RFC 1952 (gzip).
 *
 * A gzip member is a header, a DEFLATE stream and a trailer (CRC-32 and the
 * size mod 2^32 of the data). The stream is a series of blocks: stored
 * (raw bytes), or literals and back-references (length, distance) coded
 * with the fixed Huffman codes or with codes sent before the block.
 *
 * The output is one flat buffer, so a back-reference copies from the output
 * itself: no 32 KiB window. Bits come LSB first through a 64-bit buffer.
 * Huffman codes are decoded by a table indexed by the next FAST_BITS bits,
 * which holds every code that short; a longer code, or one the table does
 * not hold, is decoded bit by bit from the canonical code (count of codes of
 * each length, symbols in code order), which also rejects unused codes.
 *
 * Errors are sticky: the first one is kept in the state with its reason,
 * and a read past the end of the input returns zero bits and sets one, so
 * callers check once per symbol instead of after every read.
 *
 * Pure code: also built for the host tests and the fuzzer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/errno.h>
#include <kernel/inflate.h>

#define MAX_BITS 15 /* longest Huffman code */
#define FAST_BITS 9 /* the lookup table's index width */
#define MAX_LIT 286 /* literal/length codes a block may define */
#define MAX_DIST 32 /* distance codes, of which 30 are valid */
#define MAX_CLEN 19 /* code length codes */
#define EOB 256	    /* end of block */
#define LONG_MAX_SZ ((size_t)-1 >> 1) /* LONG_MAX on LP64 */

/* gzip header flags (RFC 1952 2.3.1) */
#define FHCRC 0x02
#define FEXTRA 0x04
#define FNAME 0x08
#define FCOMMENT 0x10
#define FRESERVED 0xe0

/*
 * A Huffman code. fast[] entries are symbol << 4 | length, 0 where the code
 * is longer than FAST_BITS or unused. symbol points into struct inflate.
 */
struct huff {
	uint16_t fast[1 << FAST_BITS];
	uint16_t count[MAX_BITS + 1];
	uint16_t *symbol;
};

/* One gunzip call: about 3 KiB, on the caller's stack. */
struct inflate {
	const uint8_t *in;
	size_t len, pos; /* pos: the next byte the bit buffer loads */
	uint64_t bitbuf; /* bits not used yet, LSB first; zero above bitcnt */
	unsigned bitcnt;
	uint8_t *out;
	size_t cap, n; /* n: bytes written so far */
	int err;       /* the first error, or 0 */
	const char *why;
	struct huff lit, dist; /* dist also holds the code length code */
	uint16_t lit_sym[MAX_LIT + 2], dist_sym[MAX_DIST];
	uint8_t lens[MAX_LIT + 2 + MAX_DIST];
};

/* RFC 1951 3.2.5: base values and extra bits of lengths and distances. */
static const uint16_t len_base[29] = {
	3,  4,	5,  6,	7,  8,	9,  10, 11,  13,  15,  17,  19,	 23, 27,
	31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
				      1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
				      4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
	1,    2,    3,	  4,	5,    7,    9,	  13,	 17,	25,
	33,   49,   65,	  97,	129,  193,  257,  385,	 513,	769,
	1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0,	 0,  1,	 1,  2,	 2,  3,	 3,
				       4, 4, 5,	 5,  6,	 6,  7,	 7,  8,	 8,
				       9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* The order code length code lengths are sent in (RFC 1951 3.2.7). */
static const uint8_t clen_order[MAX_CLEN] = {16, 17, 18, 0, 8,	7, 9,  6, 10, 5,
					     11, 4,  12, 3, 13, 2, 14, 1, 15};

/*
 * CRC-32 as gzip uses it (reflected polynomial 0xedb88320), four bits at a
 * time: the 16-entry table is computed by the preprocessor, so it is
 * constant data, with no first-use race between CPUs.
 */
#define CRC_POLY 0xedb88320u
#define CRC_BIT(c) (((c) >> 1) ^ ((c)&1 ? CRC_POLY : 0))
#define CRC_NIBBLE(n) CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT((uint32_t)(n)))))
static const uint32_t crc_table[16] = {
	CRC_NIBBLE(0),	CRC_NIBBLE(1),	CRC_NIBBLE(2),	CRC_NIBBLE(3),
	CRC_NIBBLE(4),	CRC_NIBBLE(5),	CRC_NIBBLE(6),	CRC_NIBBLE(7),
	CRC_NIBBLE(8),	CRC_NIBBLE(9),	CRC_NIBBLE(10), CRC_NIBBLE(11),
	CRC_NIBBLE(12), CRC_NIBBLE(13), CRC_NIBBLE(14), CRC_NIBBLE(15)};

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_table[crc & 15];
		crc = (crc >> 4) ^ crc_table[crc & 15];
	}
	return ~crc;
}

static int fail(struct inflate *s, const char *why)
{
	if (!s->err) {
		s->err = -EINVAL;
		s->why = why;
	}
	return s->err;
}

static int no_space(struct inflate *s)
{
	if (!s->err) {
		s->err = -ENOSPC;
		s->why = "output larger than the buffer";
	}
	return s->err;
}

/* ---------------------------------------------------------------- bits */

static void refill(struct inflate *s)
{
	while (s->bitcnt <= 56 && s->pos < s->len) {
		s->bitbuf |= (uint64_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
}

static void consume(struct inflate *s, unsigned n)
{
	s->bitbuf >>= n;
	s->bitcnt -= n;
}

/* The next n (<= 16) bits as a number; 0 and an error past the end. */
static uint32_t bits(struct inflate *s, unsigned n)
{
	uint32_t v;

	if (s->bitcnt < n) {
		refill(s);
		if (s->bitcnt < n) {
			fail(s, "truncated input");
			return 0;
		}
	}
	v = (uint32_t)s->bitbuf & ((1u << n) - 1);
	consume(s, n);
	return v;
}

/*
 * Back to reading whole bytes at pos: the rest of a partly used byte is
 * dropped (stored blocks and the trailer start on a byte boundary), and
 * the whole bytes the bit buffer had loaded are given back.
 */
static void byte_align(struct inflate *s)
{
	s->pos -= s->bitcnt / 8;
	s->bitbuf = 0;
	s->bitcnt = 0;
}

static bool have(const struct inflate *s, size_t n)
{
	return s->len - s->pos >= n;
}

static uint32_t le16(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* ---------------------------------------------------------------- Huffman */

static unsigned reverse(unsigned code, unsigned len)
{
	unsigned r = 0;

	while (len--) {
		r = r << 1 | (code & 1);
		code >>= 1;
	}
	return r;
}

/*
 * Put each code of FAST_BITS bits or fewer in the table, at every index
 * whose low bits are that code (bit reversed: codes are sent MSB first).
 * Canonical codes (RFC 1951 3.2.2): consecutive within a length, in symbol
 * order, each length starting after the shorter ones, shifted left.
 */
static void huff_fill_fast(struct huff *h, const uint8_t *lens, unsigned n)
{
	unsigned next[MAX_BITS + 1], code = 0;

	for (unsigned len = 1; len <= MAX_BITS; len++) {
		code = (code + h->count[len - 1]) << 1;
		next[len] = code;
	}
	for (unsigned i = 0; i < (1u << FAST_BITS); i++)
		h->fast[i] = 0;
	for (unsigned sym = 0; sym < n; sym++) {
		unsigned len = lens[sym];

		if (len == 0 || len > FAST_BITS)
			continue;
		for (unsigned i = reverse(next[len]++, len);
		     i < (1u << FAST_BITS); i += 1u << len)
			h->fast[i] = (uint16_t)(sym << 4 | len);
	}
}

/*
 * Build the code of symbols 0..n-1 with these code lengths (0: unused).
 * Returns the code space left unused, in units of a 15-bit code: 0 for a
 * complete code; -EINVAL if the lengths over-subscribe it.
 */
static int huff_build(struct huff *h, const uint8_t *lens, unsigned n)
{
	uint16_t offs[MAX_BITS + 1];
	int left = 1;

	for (unsigned len = 0; len <= MAX_BITS; len++)
		h->count[len] = 0;
	for (unsigned sym = 0; sym < n; sym++)
		h->count[lens[sym]]++;
	h->count[0] = 0; /* unused symbols take no code space */
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = (left << 1) - h->count[len];
		if (left < 0)
			return -EINVAL;
	}
	offs[1] = 0;
	for (unsigned len = 1; len < MAX_BITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (unsigned sym = 0; sym < n; sym++)
		if (lens[sym])
			h->symbol[offs[lens[sym]]++] = (uint16_t)sym;
	huff_fill_fast(h, lens, n);
	return left;
}

/*
 * Whether a built literal/length or distance code may be used. Like other
 * decoders, accept only complete codes, and the two incomplete shapes
 * encoders make: a single code of one bit (RFC 1951 3.2.7: "one distance
 * code ... one bit") and, for distances, no code at all (literals only).
 */
static bool huff_usable(const struct huff *h, int left, bool may_be_empty)
{
	if (left == 0)
		return true;
	if (left == 1 << (MAX_BITS - 1) && h->count[1] == 1)
		return true;
	return may_be_empty && left == 1 << MAX_BITS;
}

/* A code not in the fast table: walk the canonical code one bit a time. */
static int decode_slow(struct inflate *s, const struct huff *h)
{
	unsigned code = 0, first = 0, index = 0;

	for (unsigned len = 1; len <= MAX_BITS; len++) {
		code |= (unsigned)(s->bitbuf >> (len - 1)) & 1;
		if (code - first < h->count[len]) {
			if (len > s->bitcnt)
				return fail(s, "truncated input");
			consume(s, len);
			return h->symbol[index + code - first];
		}
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	if (s->bitcnt < MAX_BITS)
		return fail(s, "truncated input");
	return fail(s, "invalid Huffman code");
}

/* The next symbol of code h, or a negative errno. */
static int decode(struct inflate *s, const struct huff *h)
{
	unsigned entry, len;

	if (s->bitcnt < MAX_BITS)
		refill(s);
	entry = h->fast[s->bitbuf & ((1u << FAST_BITS) - 1)];
	len = entry & 15;
	if (len == 0)
		return decode_slow(s, h);
	if (len > s->bitcnt)
		return fail(s, "truncated input");
	consume(s, len);
	return (int)(entry >> 4);
}

/* ---------------------------------------------------------------- blocks */

/* Length code lcode (symbol - 257), its distance, and the copy. */
static int copy_match(struct inflate *s, unsigned lcode)
{
	size_t len, dist;
	int dcode;

	if (lcode >= 29)
		return fail(s, "invalid length code");
	len = len_base[lcode] + bits(s, len_extra[lcode]);
	dcode = decode(s, &s->dist);
	if (dcode < 0)
		return dcode;
	if (dcode >= 30)
		return fail(s, "invalid distance code");
	dist = dist_base[dcode] + bits(s, dist_extra[dcode]);
	if (s->err)
		return s->err;
	if (dist > s->n)
		return fail(s, "distance too far back");
	if (len > s->cap - s->n)
		return no_space(s);
	/* Byte by byte: the source may overlap what this copy writes. */
	for (size_t i = 0; i < len; i++, s->n++)
		s->out[s->n] = s->out[s->n - dist];
	return 0;
}

/* The symbols of one Huffman-coded block, up to its end-of-block code. */
static int inflate_codes(struct inflate *s)
{
	int sym, ret = 0;

	while (!ret) {
		sym = decode(s, &s->lit);
		if (sym < 0)
			return sym;
		if (sym < EOB && s->n < s->cap)
			s->out[s->n++] = (uint8_t)sym;
		else if (sym < EOB)
			ret = no_space(s);
		else if (sym == EOB)
			return 0;
		else
			ret = copy_match(s, (unsigned)sym - EOB - 1);
	}
	return ret;
}

static int stored_block(struct inflate *s)
{
	size_t len;

	byte_align(s);
	if (!have(s, 4))
		return fail(s, "truncated input");
	len = le16(s->in + s->pos);
	if ((len ^ le16(s->in + s->pos + 2)) != 0xffff)
		return fail(s, "stored block length check failed");
	s->pos += 4;
	if (!have(s, len))
		return fail(s, "truncated input");
	if (len > s->cap - s->n)
		return no_space(s);
	for (size_t i = 0; i < len; i++)
		s->out[s->n++] = s->in[s->pos++];
	return 0;
}

static int fixed_block(struct inflate *s)
{
	/*
	 * RFC 1951 3.2.6: runs of code lengths up to a symbol. All 32
	 * distance codes are defined so that the code is complete.
	 */
	static const uint16_t end[] = {144, 256, 280, 288, 288 + MAX_DIST};
	static const uint8_t len[] = {8, 9, 7, 8, 5};

	for (unsigned run = 0, sym = 0; run < 5; run++)
		for (; sym < end[run]; sym++)
			s->lens[sym] = len[run];
	huff_build(&s->lit, s->lens, 288);
	huff_build(&s->dist, s->lens + 288, MAX_DIST);
	return inflate_codes(s);
}

/*
 * Read the code length code (RFC 1951 3.2.7) into s->dist, which is free
 * until the distance code is built after it.
 */
static int read_clen_code(struct inflate *s, unsigned nclen)
{
	uint8_t lens[MAX_CLEN] = {0};

	for (unsigned i = 0; i < nclen; i++)
		lens[clen_order[i]] = (uint8_t)bits(s, 3);
	if (s->err)
		return s->err;
	if (huff_build(&s->dist, lens, MAX_CLEN) != 0)
		return fail(s, "invalid code length code");
	return 0;
}

/*
 * n code lengths, run-length coded with the code length code: 0..15 are
 * lengths, 16 repeats the last one 3..6 times, 17 and 18 give 3..10 and
 * 11..138 zeros; the counts follow in 2, 3 or 7 bits.
 */
static int read_lengths(struct inflate *s, unsigned n)
{
	static const uint8_t rep_base[3] = {3, 3, 11}, rep_bits[3] = {2, 3, 7};
	unsigned i = 0, rep, val;
	int sym;

	while (i < n) {
		sym = decode(s, &s->dist);
		if (sym < 0)
			return sym;
		if (sym < 16) {
			s->lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16 && i == 0)
			return fail(s, "length repeat with no previous length");
		val = sym == 16 ? s->lens[i - 1] : 0;
		rep = rep_base[sym - 16] + bits(s, rep_bits[sym - 16]);
		if (s->err)
			return s->err;
		if (rep > n - i)
			return fail(s, "length repeat past the last code");
		while (rep--)
			s->lens[i++] = (uint8_t)val;
	}
	return 0;
}

static int dynamic_block(struct inflate *s)
{
	unsigned nlit, ndist, nclen;
	int ret;

	nlit = bits(s, 5) + 257;
	ndist = bits(s, 5) + 1;
	nclen = bits(s, 4) + 4;
	if (s->err)
		return s->err;
	/*
	 * RFC 1951 3.2.7: HLIT says 257..286 codes (its 5 bits could say
	 * 288); HDIST 1..32, where codes 30 and 31 fail only if used.
	 */
	if (nlit > MAX_LIT)
		return fail(s, "too many literal/length codes");
	ret = read_clen_code(s, nclen);
	if (!ret)
		ret = read_lengths(s, nlit + ndist);
	if (ret)
		return ret;
	if (s->lens[EOB] == 0)
		return fail(s, "no end-of-block code");
	ret = huff_build(&s->lit, s->lens, nlit);
	if (ret < 0 || !huff_usable(&s->lit, ret, false))
		return fail(s, "invalid literal/length code");
	ret = huff_build(&s->dist, s->lens + nlit, ndist);
	if (ret < 0 || !huff_usable(&s->dist, ret, true))
		return fail(s, "invalid distance code lengths");
	return inflate_codes(s);
}

static int inflate_blocks(struct inflate *s)
{
	unsigned final, type;
	int ret;

	do {
		final = bits(s, 1);
		type = bits(s, 2);
		if (s->err)
			return s->err;
		if (type == 0)
			ret = stored_block(s);
		else if (type == 1)
			ret = fixed_block(s);
		else if (type == 2)
			ret = dynamic_block(s);
		else
			ret = fail(s, "reserved block type");
		if (ret)
			return ret;
	} while (!final);
	return 0;
}

/* ---------------------------------------------------------------- gzip */

/* Skip a NUL-terminated header field (FNAME, FCOMMENT). */
static int skip_string(struct inflate *s)
{
	while (s->pos < s->len)
		if (s->in[s->pos++] == 0)
			return 0;
	return fail(s, "truncated header");
}

/*
 * RFC 1952 2.3: the fixed 10 bytes, then the optional fields. MTIME, XFL,
 * OS and the FTEXT flag are hints that change nothing here.
 */
static int gzip_header(struct inflate *s)
{
	unsigned flags;

	if (!gzip_is_gzip(s->in, s->len) || !have(s, 10))
		return fail(s, "not a gzip stream");
	flags = s->in[3];
	if (flags & FRESERVED)
		return fail(s, "reserved header flags set");
	s->pos = 10;
	if (flags & FEXTRA) {
		if (!have(s, 2) || !have(s, 2 + le16(s->in + s->pos)))
			return fail(s, "truncated header");
		s->pos += 2 + le16(s->in + s->pos);
	}
	if ((flags & FNAME) && skip_string(s))
		return s->err;
	if ((flags & FCOMMENT) && skip_string(s))
		return s->err;
	if (flags & FHCRC) {
		if (!have(s, 2))
			return fail(s, "truncated header");
		if ((crc32(0, s->in, s->pos) & 0xffff) != le16(s->in + s->pos))
			return fail(s, "header CRC mismatch");
		s->pos += 2;
	}
	return 0;
}

static int gzip_trailer(struct inflate *s)
{
	uint32_t crc, isize;

	byte_align(s);
	if (!have(s, 8))
		return fail(s, "truncated input");
	crc = le32(s->in + s->pos);
	isize = le32(s->in + s->pos + 4);
	s->pos += 8;
	if (isize != (uint32_t)s->n)
		return fail(s, "size mismatch (ISIZE)");
	if (crc != crc32(0, s->out, s->n))
		return fail(s, "CRC mismatch");
	return 0;
}

bool gzip_is_gzip(const void *in, size_t len)
{
	const uint8_t *p = in;

	return len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

int gzip_isize(const void *in, size_t len, uint32_t *size)
{
	/* The smallest member: 10 bytes of header, 8 of trailer. */
	if (len < 18 || !gzip_is_gzip(in, len))
		return -EINVAL;
	*size = le32((const uint8_t *)in + len - 4);
	return 0;
}

long gunzip(const void *in, size_t len, void *out, size_t cap, size_t *in_used,
	    const char **why)
{
	struct inflate s = {
		.in = in,
		.len = len,
		.out = out,
		/* so that the count of bytes written fits the result */
		.cap = cap < LONG_MAX_SZ ? cap : LONG_MAX_SZ,
	};

	s.lit.symbol = s.lit_sym;
	s.dist.symbol = s.dist_sym;
	if (!gzip_header(&s) && !inflate_blocks(&s))
		gzip_trailer(&s);
	if (in_used)
		*in_used = s.err ? 0 : s.pos;
	if (why)
		*why = s.why;
	return s.err ? s.err : (long)s.n;
}
