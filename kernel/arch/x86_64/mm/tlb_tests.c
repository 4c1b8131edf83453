/*
 * The TLB shootdown test (suite smp): another CPU reads a page, so its
 * TLB holds the translation; this CPU unmaps the page and shoots the
 * range down; the other CPU's next read must fault. Without the
 * shootdown that read could still hit the stale entry.
 *
 * The fault is caught, not fatal: probe_read's one load has a known
 * address, and while the test runs a #PF handler sends a fault there to
 * probe_fixup (which returns -EFAULT); any other fault goes to the
 * normal exception path. The page comes from vmalloc and is mapped back
 * before vfree, so vmalloc finds it as it left it.
 */
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/vm.h>

#include "cpu/cpu.h"

#define PATTERN 0x5eed5eed5eed5eedULL

/* int probe_read(const uint64_t *p, uint64_t *out): 0, or -EFAULT. */
int probe_read(const uint64_t *p, uint64_t *out);
extern const char probe_load[], probe_fixup[];

__asm__(".pushsection .text.probe_read, \"ax\", @progbits\n"
	".globl probe_read\n.hidden probe_read\n"
	".type probe_read, @function\n"
	"probe_read:\n"
	".globl probe_load\n.hidden probe_load\n"
	"probe_load:\n"
	"	movq (%rdi), %rax\n"
	"	movq %rax, (%rsi)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	".globl probe_fixup\n.hidden probe_fixup\n"
	"probe_fixup:\n"
	"	movl $-14, %eax\n" /* -EFAULT */
	"	ret\n"
	".size probe_read, . - probe_read\n"
	".popsection\n");

_Static_assert(EFAULT == 14, "probe_fixup returns -14");

static void catch_probe_fault(struct trap_frame *tf, void *arg)
{
	if (tf->rip == (uintptr_t)probe_load) {
		tf->rip = (uintptr_t)probe_fixup;
		return;
	}
	exception_handle(tf); /* not ours: as if we were not here */
}

struct probe {
	const uint64_t *addr;
	uint64_t value;
	int result;
	unsigned int cpu;
};

static void probe_here(void *arg)
{
	struct probe *p = arg;

	p->value = 0;
	p->result = probe_read(p->addr, &p->value);
	p->cpu = cpu_id();
}

static int probe_on(unsigned int cpu, struct probe *p)
{
	p->result = 1;
	if (smp_call_function(cpu, probe_here, p, true) < 0 || p->cpu != cpu)
		return 1;
	return p->result;
}

static unsigned int other_cpu(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
	{
		if (cpu != cpu_id())
			return cpu;
	}
	return cpu_id();
}

struct outcome {
	int before;	/* other CPU, page mapped: 0 */
	uint64_t value; /* what it read */
	int stale;	/* other CPU, unmapped, not shot down yet: either */
	int after;	/* other CPU, after the shootdown: -EFAULT */
	int local;	/* this CPU, after: -EFAULT */
};

/*
 * Map-read-unmap-shoot-read with the fault catcher installed; results
 * only, so that the handler is always removed and the page always
 * mapped back before anything is asserted.
 */
static int shoot_and_probe(unsigned int other, uintptr_t start, size_t len,
			   struct outcome *o)
{
	uint64_t *page = vmalloc(PAGE_SIZE), phys;
	struct probe p = {.addr = page};
	int err;

	if (!page)
		return -ENOMEM;
	*page = PATTERN;
	err = vm_translate(&kernel_space, (uintptr_t)page, &phys, NULL);
	if (!err)
		err = interrupt_register(VEC_PF, catch_probe_fault, NULL);
	if (err) {
		vfree(page);
		return err;
	}
	o->before = probe_on(other, &p); /* now in its TLB */
	o->value = p.value;
	vm_unmap(&kernel_space, (uintptr_t)page, PAGE_SIZE);
	o->stale = probe_on(other, &p);
	tlb_shootdown(start ? start : (uintptr_t)page, start ? len : PAGE_SIZE);
	o->after = probe_on(other, &p);
	o->local = probe_on(cpu_id(), &p);
	interrupt_unregister(VEC_PF);
	err = vm_map(&kernel_space, (uintptr_t)page, phys, PAGE_SIZE, VM_WRITE);
	if (!err)
		vfree(page);
	return err;
}

KTEST(smp, tlb_shootdown_faults_on_other_cpu)
{
	unsigned int other = other_cpu();
	struct outcome o;

	if (other == cpu_id())
		KT_SKIP("one CPU");
	KT_ASSERT_EQ(shoot_and_probe(other, 0, 0, &o), 0);
	kprintf("# smp: CPU %u read the unmapped page %s before the "
		"shootdown\n",
		other,
		o.stale == 0 ? "through its stale TLB entry" : "and faulted");
	KT_ASSERT_EQ(o.before, 0);
	KT_ASSERT_EQ(o.value, PATTERN);
	KT_ASSERT_EQ(o.after, -EFAULT);
	KT_ASSERT_EQ(o.local, -EFAULT);
}

/* A large range flushes everything: the same outcome. */
KTEST(smp, tlb_shootdown_full_flush)
{
	unsigned int other = other_cpu();
	struct outcome o;

	if (other == cpu_id())
		KT_SKIP("one CPU");
	/* Any range of more than 32 pages is a full flush: this one too. */
	KT_ASSERT_EQ(shoot_and_probe(other, VMALLOC_START, 1ULL << 30, &o), 0);
	KT_ASSERT_EQ(o.before, 0);
	KT_ASSERT_EQ(o.after, -EFAULT);
	KT_ASSERT_EQ(o.local, -EFAULT);
}
