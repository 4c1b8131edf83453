/*
 * The kernel's random number generator (<kernel/random.h>): ChaCha20
 * (RFC 8439) in counter mode under a 256-bit key. Each request takes
 * blocks under the lock, then the next block becomes the new key (fast
 * key erasure), so the state never reveals what was handed out. The key
 * comes from arch_random_seed at first use and again every reseed
 * interval, mixed with the cycle counter.
 */
#include <kernel/arch.h>
#include <kernel/ktest.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define RESEED_BLOCKS 65536 /* re-key from the CPU every 4 MiB */

static DEFINE_SPINLOCK(rng_lock, LOCK_RANK_NONE);
static uint32_t key[8];
static uint32_t nonce[3];
static uint64_t blocks;
static bool seeded;

static uint32_t rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

#define QR(a, b, c, d)                      \
	do {                                \
		a += b, d ^= a, d = rotl(d, 16); \
		c += d, b ^= c, b = rotl(b, 12); \
		a += b, d ^= a, d = rotl(d, 8);  \
		c += d, b ^= c, b = rotl(b, 7);  \
	} while (0)

void chacha20_block(const uint32_t k[8], uint32_t counter,
		    const uint32_t n[3], uint32_t out[16])
{
	uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	uint32_t *x = out;

	memcpy(in + 4, k, 32);
	in[12] = counter;
	memcpy(in + 13, n, 12);
	memcpy(x, in, sizeof(in));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		x[i] += in[i];
}

static void reseed(void)
{
	for (int i = 0; i < 8; i += 2) {
		uint64_t v = arch_random_seed() ^ arch_cycles();

		key[i] ^= (uint32_t)v;
		key[i + 1] ^= (uint32_t)(v >> 32);
	}
	seeded = true;
	blocks = 0;
}

/* Next block of output; the counter is the low nonce word's. */
static void next_block(uint32_t out[16])
{
	chacha20_block(key, (uint32_t)blocks, nonce, out);
	if (++blocks == 0 || !(uint32_t)blocks)
		nonce[0]++;
}

void random_bytes(void *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&rng_lock);
	uint32_t block[16];
	uint8_t *p = buf;

	if (!seeded || blocks >= RESEED_BLOCKS)
		reseed();
	while (n) {
		size_t chunk = MIN(n, sizeof(block));

		next_block(block);
		memcpy(p, block, chunk);
		p += chunk;
		n -= chunk;
	}
	next_block(block); /* the next key: the old one is gone */
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
	spin_unlock_irqrestore(&rng_lock, flags);
}

uint64_t random_u64(void)
{
	uint64_t v;

	random_bytes(&v, sizeof(v));
	return v;
}

/* RFC 8439, 2.3.2: the test vector of the block function. */
KTEST(random, chacha20_rfc8439_vector)
{
	uint32_t k[8], out[16];
	const uint32_t n[3] = {0x09000000, 0x4a000000, 0x00000000};

	for (int i = 0; i < 8; i++)
		k[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
		       (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	chacha20_block(k, 1, n, out);
	KT_ASSERT_EQ(out[0], 0xe4e7f110);
	KT_ASSERT_EQ(out[1], 0x15593bd1);
	KT_ASSERT_EQ(out[15], 0x4e3c50a2);
}

KTEST(random, outputs_differ)
{
	uint64_t a = random_u64(), b = random_u64();

	KT_ASSERT(a != b);
}
