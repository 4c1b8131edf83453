/*
 * Shared between the files of the security baseline in this directory
 * (security.c runs the others' init from security_init); not for use
 * elsewhere: the public interface is <kernel/security.h>.
 */
#ifndef ARCH_X86_64_SECURITY_PRIV_H
#define ARCH_X86_64_SECURITY_PRIV_H

#include <kernel/security.h>

/* Choose a fresh canary; returns the name of the entropy source used. */
const char *stack_protector_init(void);

/* Bytes mapped W+X in the lower half (the loader's identity map). */
uint64_t security_wx_lower_half_bytes(void);

/*
 * For the SMEP/SMAP/uaccess tests (user_page.c): switch to a new address
 * space with one read-only user page at SECURITY_TEST_USER_VA, every byte
 * fill, executable if exec. 0 (and *va set), -EBUSY (one already is),
 * -ENOMEM. Unmap switches back and frees it all.
 */
#define SECURITY_TEST_USER_VA 0x00007ffe00000000ULL
int security_test_user_page(bool exec, uint8_t fill, uintptr_t *va);
void security_test_user_page_unmap(void);

#endif
