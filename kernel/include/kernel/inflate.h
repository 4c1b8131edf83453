/*
 * gzip (RFC 1952) and DEFLATE (RFC 1951) decompression into one flat
 * buffer, for boot data such as a gzip-compressed initramfs, which Linux
 * accepts. Pure code (kernel/lib/inflate.c), also built for the host tests
 * (tests/host/test_inflate.c) and the fuzzer (tests/fuzz/fuzz_inflate.c).
 *
 * Nothing in the input is trusted: the decoder never reads outside
 * in[0..len) nor writes outside out[0..cap), uses no heap, no recursion and
 * under 4 KiB of stack, so it may run on a kernel stack.
 */
#ifndef KERNEL_INFLATE_H
#define KERNEL_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does in start like a gzip member (magic 1f 8b, method 8, deflate)? */
bool gzip_is_gzip(const void *in, size_t len);

/*
 * The ISIZE field of the last member, taken to be the last 4 bytes of
 * in[0..len): the uncompressed size of that member mod 2^32, a hint for
 * sizing the output buffer (the sum over all members for a concatenation
 * is not recorded anywhere). 0, or -EINVAL if in is too short or not gzip.
 */
int gzip_isize(const void *in, size_t len, uint32_t *size);

/*
 * Decompress the gzip member at the start of in[0..len) into out[0..cap).
 * Returns the number of bytes written, -EINVAL if the data is corrupt or
 * cut short (the header, a block, a Huffman table, a distance before the
 * start of the output, the CRC-32 or ISIZE check), or -ENOSPC if the
 * output does not fit in cap. On success *in_used (if in_used is not NULL)
 * is the member's length in bytes, where a following member would start;
 * 0 on failure. *why (if why is not NULL) is a short static reason on
 * failure, NULL on success. out may be NULL if cap is 0.
 */
long gunzip(const void *in, size_t len, void *out, size_t cap, size_t *in_used,
	    const char **why);

#endif
