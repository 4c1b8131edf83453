/*
 * execstack.c - helper linked with -z execstack (PT_GNU_STACK RWX): code
 * copied onto the stack must run. Prints one line; exits 0 when it ran.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <string.h>

int main(void)
{
	/* mov $42, %eax; ret */
	unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
	unsigned char buf[16];
	memcpy(buf, code, sizeof(code));
	/* The compiler must not drop the copy: calling it is not a read. */
	__asm__ volatile("" : : "r"(buf) : "memory");
	int (*fn)(void) = (int (*)(void))(void *)buf;
	T_EQ("execstack: code on the stack returned", fn(), 42);
	t_done();
}
