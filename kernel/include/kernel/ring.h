/*
 * A single-producer single-consumer byte ring: an interrupt handler puts
 * bytes in, one reader takes them out, no lock. Indices run freely and wrap
 * through the power-of-two size. Used by the input drivers (keyboard,
 * serial) to hand bytes from their IRQ handlers to the console readers.
 */
#ifndef KERNEL_RING_H
#define KERNEL_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define BYTE_RING_SIZE 256 /* a power of two */

struct byte_ring {
	atomic_uint head; /* written by the producer only */
	atomic_uint tail; /* written by the consumer only */
	char buf[BYTE_RING_SIZE];
};

/* Put all n bytes or none (an escape sequence is never cut); false if full. */
static inline bool byte_ring_put(struct byte_ring *r, const char *s, size_t n)
{
	unsigned int head =
		atomic_load_explicit(&r->head, memory_order_relaxed);
	unsigned int tail =
		atomic_load_explicit(&r->tail, memory_order_acquire);

	if (BYTE_RING_SIZE - (head - tail) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		r->buf[(head + i) % BYTE_RING_SIZE] = s[i];
	atomic_store_explicit(&r->head, head + (unsigned int)n,
			      memory_order_release);
	return true;
}

/* The oldest byte, or -1 if the ring is empty. */
static inline int byte_ring_get(struct byte_ring *r)
{
	unsigned int tail =
		atomic_load_explicit(&r->tail, memory_order_relaxed);
	unsigned int head =
		atomic_load_explicit(&r->head, memory_order_acquire);

	if (head == tail)
		return -1;
	int c = (unsigned char)r->buf[tail % BYTE_RING_SIZE];
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return c;
}

#endif
