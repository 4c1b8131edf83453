/*
 * Find the \_S5 (soft-off) sleep values in AML without an interpreter.
 * Firmware declares them as a named package (ACPI 7.4.2):
 *
 *	Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
 *
 * which the AML encoder (ACPI chapter 20) writes as NameOp 0x08, the name
 * "_S5_" (maybe after a root '\' or parent '^' prefix), PackageOp 0x12, a
 * PkgLength, the element count and the elements, here integer constants:
 * ZeroOp, OneOp, OnesOp or a Byte/Word/DWord/QWordPrefix and its value.
 * The scan looks for that byte pattern anywhere in the code, so _S5 inside
 * a Scope or an If is found too. This is a heuristic, not a parser: a
 * package built at run time by a method is out of its reach.
 *
 * All reads are bounded by the buffer and by the package's own length.
 * Pure code: compiled for the host tests and the fuzzer as well.
 */
#include <kernel/acpi.h>
#include <kernel/errno.h>

#include "acpi_priv.h"

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP 0x12
#define AML_ONES_OP 0xff
#define AML_ROOT_CHAR 0x5c   /* '\' */
#define AML_PARENT_CHAR 0x5e /* '^' */

#define SLP_TYP_MAX 7 /* a 3-bit field of PM1_CNT */

/*
 * Decode the PkgLength at p (avail bytes): the lead byte's top two bits
 * count the bytes that follow; with none, its low 6 bits are the length,
 * else its low 4 bits are the lowest and each following byte adds 8 more.
 */
static int pkg_length(const uint8_t *p, size_t avail, size_t *value,
		      size_t *size)
{
	size_t follow, v;

	if (avail == 0)
		return -EINVAL;
	follow = p[0] >> 6;
	if (follow + 1 > avail)
		return -EINVAL;
	if (follow == 0) {
		v = p[0] & 0x3f;
	} else {
		if (p[0] & 0x30) /* must be zero when bytes follow */
			return -EINVAL;
		v = p[0] & 0x0f;
		for (size_t i = 1; i <= follow; i++)
			v |= (size_t)p[i] << (4 + 8 * (i - 1));
	}
	*value = v;
	*size = follow + 1;
	return 0;
}

/* An integer constant at p (avail bytes): its value and encoded size. */
static int integer(const uint8_t *p, size_t avail, uint64_t *value,
		   size_t *size)
{
	size_t n;

	if (avail == 0)
		return -EINVAL;
	switch (p[0]) {
	case AML_ZERO_OP:
	case AML_ONE_OP:
		*value = p[0];
		*size = 1;
		return 0;
	case AML_ONES_OP:
		*value = ~0ULL;
		*size = 1;
		return 0;
	case AML_BYTE_PREFIX:
		n = 1;
		break;
	case AML_WORD_PREFIX:
		n = 2;
		break;
	case AML_DWORD_PREFIX:
		n = 4;
		break;
	case AML_QWORD_PREFIX:
		n = 8;
		break;
	default:
		return -EINVAL; /* not a constant: beyond this scan */
	}
	if (n + 1 > avail)
		return -EINVAL;
	*value = 0;
	for (size_t i = 0; i < n; i++)
		*value |= (uint64_t)p[1 + i] << (8 * i);
	*size = n + 1;
	return 0;
}

/* Decode the package whose PackageOp is at pkg; end bounds the buffer. */
static int decode_package(const uint8_t *pkg, const uint8_t *end, uint8_t *a,
			  uint8_t *b)
{
	const uint8_t *p = pkg + 1, *pkg_end;
	size_t plen, psize, count, size;
	uint64_t v[2];

	if (pkg_length(p, (size_t)(end - p), &plen, &psize) < 0 ||
	    plen > (size_t)(end - p) || plen < psize + 1)
		return -EINVAL;
	pkg_end = p + plen;
	p += psize;
	count = *p++;
	if (count == 0)
		return -EINVAL;
	for (size_t i = 0; i < 2 && i < count; i++) {
		if (integer(p, (size_t)(pkg_end - p), &v[i], &size) < 0)
			return -EINVAL;
		p += size;
	}
	if (count == 1) /* one value for both registers */
		v[1] = v[0];
	if (v[0] > SLP_TYP_MAX || v[1] > SLP_TYP_MAX)
		return -EINVAL;
	*a = (uint8_t)v[0];
	*b = (uint8_t)v[1];
	return 0;
}

/* Is the name segment at aml[i] what a NameOp declares? */
static bool declared_by_name_op(const uint8_t *aml, size_t i)
{
	if (i >= 1 && aml[i - 1] == AML_NAME_OP)
		return true;
	return i >= 2 && aml[i - 2] == AML_NAME_OP &&
	       (aml[i - 1] == AML_ROOT_CHAR || aml[i - 1] == AML_PARENT_CHAR);
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a,
		     uint8_t *slp_typ_b)
{
	int ret = -ENOENT;

	for (size_t i = 0; len >= 5 && i <= len - 5; i++) {
		if (!acpi_sig_is(aml + i, "_S5_") ||
		    !declared_by_name_op(aml, i) ||
		    aml[i + 4] != AML_PACKAGE_OP)
			continue;
		/* A malformed candidate: keep looking for a good one. */
		ret = decode_package(aml + i + 4, aml + len, slp_typ_a,
				     slp_typ_b);
		if (ret == 0)
			return 0;
	}
	return ret;
}
