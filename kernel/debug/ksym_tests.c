/*
 * Tests of the kernel's own symbol table through <kernel/ksym.h>: known
 * functions (a global and a static one) by address, return addresses
 * past a function's end, and addresses outside the image. The parser's
 * checks against malformed files are tested in ksym.c, on synthetic ELF.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/sections.h>
#include <kernel/string.h>

/* A static function of this file, to find by its local symbol. */
static __attribute__((noinline)) int ksym_test_local(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

KTEST(ksym, kernel_function)
{
	char buf[64];
	struct ksym sym;

	if (!boot_info->kernel_file)
		KT_SKIP("no executable file response");
	KT_ASSERT_EQ(ksym_lookup((uintptr_t)kmain + 5, &sym), 0);
	KT_ASSERT_STREQ(sym.name, "kmain");
	KT_ASSERT_EQ(sym.offset, 5);
	KT_ASSERT_EQ(ksym_format((uintptr_t)kmain + 5, buf, sizeof(buf)), 0);
	KT_ASSERT(str_starts_with(buf, "kmain+0x5/0x"));
	/* A return address just past the end still names the function. */
	KT_ASSERT_EQ(ksym_lookup((uintptr_t)kmain + sym.size, &sym), -ENOENT);
	KT_ASSERT_EQ(ksym_lookup((uintptr_t)kmain + 5, &sym), 0);
	KT_ASSERT_EQ(ksym_lookup_return((uintptr_t)kmain + sym.size, &sym), 0);
	KT_ASSERT_STREQ(sym.name, "kmain");
	KT_ASSERT_EQ(sym.offset, sym.size);
	/* A static function has a (local) symbol too. */
	KT_ASSERT_EQ(ksym_test_local(1), 2);
	KT_ASSERT_EQ(ksym_lookup((uintptr_t)ksym_test_local, &sym), 0);
	KT_ASSERT_STREQ(sym.name, "ksym_test_local");
	KT_ASSERT_EQ(sym.offset, 0);
}

KTEST(ksym, outside_kernel)
{
	char buf[64] = "x";

	KT_ASSERT_EQ(ksym_format(0x1000, buf, sizeof(buf)), -ENOENT);
	KT_ASSERT_STREQ(buf, "");
	KT_ASSERT_EQ(ksym_format(boot_info->hhdm_offset, buf, sizeof(buf)),
		     -ENOENT);
	KT_ASSERT_EQ(ksym_format((uintptr_t)__kernel_end, buf, sizeof(buf)),
		     -ENOENT);
	KT_ASSERT_EQ(
		ksym_format((uintptr_t)__kernel_start - 1, buf, sizeof(buf)),
		-ENOENT);
}
