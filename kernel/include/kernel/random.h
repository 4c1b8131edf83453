/*
 * Random numbers for the kernel and getrandom(2), /dev/urandom, AT_RANDOM
 * and address-space layout randomisation (kernel/lib/random.c): ChaCha20
 * as a stream generator, keyed from the CPU's entropy
 * (arch_random_seed) and re-keyed from its own output after every
 * request, so an earlier output cannot be recomputed from the state.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>
#include <stdint.h>

void random_bytes(void *buf, size_t n);
uint64_t random_u64(void);

/* The ChaCha20 block function (RFC 8439), for the tests. */
void chacha20_block(const uint32_t key[8], uint32_t counter,
		    const uint32_t nonce[3], uint32_t out[16]);

#endif
