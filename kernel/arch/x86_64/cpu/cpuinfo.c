/*
 * The CPU as /proc/cpuinfo describes it (<kernel/arch.h>): CPUID's
 * vendor, family, model, stepping, brand string and the common feature
 * flags, with Linux's names. Read on the calling CPU: on the machines
 * rastOS runs on, all CPUs are alike.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/msr.h>
#include <kernel/printk.h>
#include <kernel/string.h>

struct flag_name {
	uint8_t leaf; /* 1: leaf 1, 2: leaf 0x80000001 */
	uint8_t reg;  /* 2 ecx, 3 edx */
	uint8_t bit;
	const char *name;
};

/* In Linux's order (its feature words: leaf 1 edx, 0x80000001 edx,
 * leaf 1 ecx, 0x80000001 ecx). */
static const struct flag_name flags[] = {
	{1, 3, 0, "fpu"},     {1, 3, 1, "vme"},		{1, 3, 2, "de"},
	{1, 3, 3, "pse"},     {1, 3, 4, "tsc"},		{1, 3, 5, "msr"},
	{1, 3, 6, "pae"},     {1, 3, 7, "mce"},		{1, 3, 8, "cx8"},
	{1, 3, 9, "apic"},    {1, 3, 11, "sep"},	{1, 3, 12, "mtrr"},
	{1, 3, 13, "pge"},    {1, 3, 14, "mca"},	{1, 3, 15, "cmov"},
	{1, 3, 16, "pat"},    {1, 3, 17, "pse36"},	{1, 3, 19, "clflush"},
	{1, 3, 23, "mmx"},    {1, 3, 24, "fxsr"},	{1, 3, 25, "sse"},
	{1, 3, 26, "sse2"},   {1, 3, 28, "ht"},		{2, 3, 11, "syscall"},
	{2, 3, 20, "nx"},     {2, 3, 26, "pdpe1gb"},	{2, 3, 27, "rdtscp"},
	{2, 3, 29, "lm"},     {1, 2, 0, "pni"},		{1, 2, 1, "pclmulqdq"},
	{1, 2, 9, "ssse3"},   {1, 2, 12, "fma"},	{1, 2, 13, "cx16"},
	{1, 2, 19, "sse4_1"}, {1, 2, 20, "sse4_2"},	{1, 2, 21, "x2apic"},
	{1, 2, 22, "movbe"},  {1, 2, 23, "popcnt"},	{1, 2, 25, "aes"},
	{1, 2, 26, "xsave"},  {1, 2, 28, "avx"},	{1, 2, 29, "f16c"},
	{1, 2, 30, "rdrand"}, {1, 2, 31, "hypervisor"}, {2, 2, 0, "lahf_lm"},
	{2, 2, 5, "abm"},
};

static void regs_str(char *dst, const uint32_t *regs, int n)
{
	memcpy(dst, regs, (size_t)n * 4);
	dst[n * 4] = '\0';
}

void arch_cpu_info(struct arch_cpu_info *out)
{
	uint32_t r[4], l1[4], x1[4];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	cpuid_leaf(0, r);
	out->cpuid_level = r[0];
	regs_str(out->vendor, (uint32_t[]){r[1], r[3], r[2]}, 3);
	cpuid_leaf(1, l1);
	out->stepping = l1[0] & 0xf;
	out->model = (l1[0] >> 4) & 0xf;
	out->family = (l1[0] >> 8) & 0xf;
	if (out->family == 0xf)
		out->family += (l1[0] >> 20) & 0xff;
	if (out->family >= 6)
		out->model += ((l1[0] >> 16) & 0xf) << 4;
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		cpuid_leaf(0x80000002u + leaf, r);
		regs_str(out->model_name + leaf * 16, r, 4);
	}
	/* Brand strings may start with blanks: drop them. */
	while (out->model_name[0] == ' ')
		memmove(out->model_name, out->model_name + 1,
			strlen(out->model_name));
	cpuid_leaf(0x80000001u, x1);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const uint32_t *regs = flags[i].leaf == 1 ? l1 : x1;

		if (regs[flags[i].reg] & (1u << flags[i].bit))
			n += (size_t)snprintf(out->flags + n,
					      sizeof(out->flags) - n, "%s%s",
					      n ? " " : "", flags[i].name);
		if (n >= sizeof(out->flags))
			break;
	}
	cpuid_leaf(0x80000008u, r);
	out->phys_bits = r[0] & 0xff;
	out->virt_bits = (r[0] >> 8) & 0xff;
	out->clflush = ((l1[1] >> 8) & 0xff) * 8;
}
