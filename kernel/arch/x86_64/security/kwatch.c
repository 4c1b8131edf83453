/*
 * kwatch (see <kernel/kwatch.h>): the x86 debug registers as a kernel
 * API. DR0-DR3 hold up to four addresses; DR7 enables each (the G bit:
 * "global", which on x86_64 just means not cleared by a hardware task
 * switch) and says what to watch: RW = 00 execute, 01 write, 11 read or
 * write; LEN = 00 1 byte, 01 2, 11 4, 10 8. A hit raises #DB, whose DR6
 * says which slot fired; data hits trap after the access, so the trap
 * frame's RIP is just past the culprit.
 *
 * Every CPU has its own debug registers, so the slot table is the truth
 * and each change is loaded into all online CPUs (smp_call_function,
 * waiting) before kwatch_set/kwatch_clear return. kwatch_lock guards the
 * table and is held across that broadcast, so two changes cannot cross;
 * it is taken with interrupts on (a CPU spinning on it keeps taking the
 * broadcast's IPI), hence rank NONE: it nests outside the call queues.
 * A CPU started after a kwatch_set does not have the watch.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <kernel/kwatch.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>

#include "cpu/cpu.h"

#define DR7_G(slot) (1ULL << (2 * (slot) + 1))
#define DR7_RW_SHIFT(slot) (16 + 4 * (slot))
#define DR7_LEN_SHIFT(slot) (18 + 4 * (slot))
#define DR7_GE (1ULL << 9)	       /* exact data breakpoints (old CPUs) */
#define DR6_HIT(slot) (1ULL << (slot)) /* B0-B3 */
#define DR6_RESET 0xffff0ff0ULL	       /* DR6 must be cleared by software */

struct kwatch_slot {
	bool used;
	uintptr_t addr;
	size_t len;
	enum kwatch_type type;
};

static struct kwatch_slot slots[KWATCH_SLOTS]; /* kwatch_lock */
static DEFINE_SPINLOCK(kwatch_lock, LOCK_RANK_NONE);

#define READ_DR(n)                                                 \
	({                                                         \
		uint64_t v_;                                       \
		__asm__ volatile("mov %%dr" #n ", %0" : "=r"(v_)); \
		v_;                                                \
	})
#define WRITE_DR(n, v) __asm__ volatile("mov %0, %%dr" #n ::"r"((uint64_t)(v)))

static void write_addr(int slot, uintptr_t addr)
{
	switch (slot) {
	case 0:
		WRITE_DR(0, addr);
		break;
	case 1:
		WRITE_DR(1, addr);
		break;
	case 2:
		WRITE_DR(2, addr);
		break;
	default:
		WRITE_DR(3, addr);
		break;
	}
}

static uint64_t read_addr(int slot)
{
	switch (slot) {
	case 0:
		return READ_DR(0);
	case 1:
		return READ_DR(1);
	case 2:
		return READ_DR(2);
	default:
		return READ_DR(3);
	}
}

static uint64_t rw_bits(enum kwatch_type type)
{
	return type == KWATCH_EXEC ? 0 : type == KWATCH_WRITE ? 1 : 3;
}

static uint64_t len_bits(size_t len)
{
	return len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3;
}

/* Canonical for the paging depth in force: DR0-3 refuse anything else. */
static bool is_canonical(uintptr_t addr)
{
	unsigned int bits = arch_paging_levels() == 5 ? 57 : 48;
	int64_t high = (int64_t)addr >> (bits - 1);

	return high == 0 || high == -1;
}

static bool valid_request(uintptr_t addr, size_t len, enum kwatch_type type)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return false;
	if (addr % len != 0 || !is_canonical(addr))
		return false;
	if (type == KWATCH_EXEC)
		return len == 1;
	return type == KWATCH_WRITE || type == KWATCH_RW;
}

/* DR7 for the slot table: every used slot enabled, with its kind. */
static uint64_t dr7_for_slots(void)
{
	uint64_t dr7 = DR7_GE;

	for (int i = 0; i < KWATCH_SLOTS; i++) {
		if (slots[i].used)
			dr7 |= DR7_G(i) |
			       rw_bits(slots[i].type) << DR7_RW_SHIFT(i) |
			       len_bits(slots[i].len) << DR7_LEN_SHIFT(i);
	}
	return dr7;
}

/*
 * On each CPU, interrupts off: load the table. Slots going away are
 * disabled before any address changes, new ones enabled only after.
 */
static void load_debug_regs(void *arg)
{
	uint64_t dr7 = dr7_for_slots();

	WRITE_DR(7, READ_DR(7) & dr7);
	for (int i = 0; i < KWATCH_SLOTS; i++)
		write_addr(i, slots[i].used ? slots[i].addr : 0);
	WRITE_DR(7, dr7);
}

static void publish(void)
{
	smp_call_function(SMP_CALL_ALL, load_debug_regs, NULL, true);
}

int kwatch_set(uintptr_t addr, size_t len, enum kwatch_type type)
{
	int slot;

	if (!valid_request(addr, len, type))
		return -EINVAL;
	spin_lock(&kwatch_lock);
	for (slot = 0; slot < KWATCH_SLOTS && slots[slot].used; slot++)
		;
	if (slot < KWATCH_SLOTS) {
		slots[slot] = (struct kwatch_slot){true, addr, len, type};
		publish();
	}
	spin_unlock(&kwatch_lock);
	return slot < KWATCH_SLOTS ? slot : -EBUSY;
}

int kwatch_clear(int slot)
{
	int err = -EINVAL;

	if (slot < 0 || slot >= KWATCH_SLOTS)
		return -EINVAL;
	spin_lock(&kwatch_lock);
	if (slots[slot].used) {
		slots[slot].used = false;
		publish();
		err = 0;
	}
	spin_unlock(&kwatch_lock);
	return err;
}

static const char *verb(enum kwatch_type type)
{
	return type == KWATCH_EXEC    ? "exec at"
	       : type == KWATCH_WRITE ? "write to"
				      : "access to";
}

/*
 * #DB: a kwatch hit is a bug being caught, so panic with the culprit's
 * backtrace. Anything else (single-step, ICEBP) is not expected in the
 * kernel either and gets the same treatment with DR6 shown.
 */
static void kwatch_debug_trap(struct trap_frame *tf, void *arg)
{
	uint64_t dr6 = READ_DR(6);
	char sym[96];

	WRITE_DR(6, DR6_RESET);
	if (trap_from_user(tf)) { /* single-stepping a program: its SIGTRAP */
		user_exception(tf, 0);
		return;
	}
	for (int i = 0; i < KWATCH_SLOTS; i++) {
		if (!(dr6 & DR6_HIT(i)) || !slots[i].used)
			continue;
		if (ksym_format(slots[i].addr, sym, sizeof(sym)) != 0)
			sym[0] = '\0';
		panic_frame(tf, "kwatch: %s %p (%s)", verb(slots[i].type),
			    (void *)slots[i].addr, sym[0] ? sym : "?");
	}
	panic_frame(tf, "unexpected debug exception, DR6 %#llx",
		    (unsigned long long)dr6);
}

int kwatch_init(void)
{
	WRITE_DR(7, 0);
	WRITE_DR(6, DR6_RESET);
	return interrupt_register(VEC_DB, kwatch_debug_trap, NULL);
}

/* Nothing reads or writes these but the test: a hit would panic. */
static uint64_t test_area[4];

static __attribute__((noinline, used)) void never_called(void)
{
	__asm__ volatile("");
}

KTEST(kwatch, set_and_clear)
{
	uintptr_t a = (uintptr_t)test_area, fn = (uintptr_t)never_called;
	int s[KWATCH_SLOTS + 1];
	uint64_t dr7_full, dr7_after, dr1;

	s[0] = kwatch_set(a, 8, KWATCH_WRITE);
	s[1] = kwatch_set(a + 8, 4, KWATCH_RW);
	s[2] = kwatch_set(fn, 1, KWATCH_EXEC);
	s[3] = kwatch_set(a + 16, 2, KWATCH_WRITE);
	s[4] = kwatch_set(a + 24, 1, KWATCH_WRITE);
	dr7_full = READ_DR(7);
	dr1 = read_addr(s[1]);
	kwatch_clear(s[1]);
	dr7_after = READ_DR(7);
	for (int i = 0; i < KWATCH_SLOTS; i++)
		if (i != 1)
			kwatch_clear(s[i]);

	for (int i = 0; i < KWATCH_SLOTS; i++)
		KT_ASSERT_EQ(s[i], i);
	KT_ASSERT_EQ(s[4], -EBUSY);
	KT_ASSERT_EQ(dr1, a + 8);
	/* G0-G3 on; RW/LEN: write 8 (01 10), rw 4 (11 11), exec (00 00),
	 * write 2 (01 01). */
	KT_ASSERT_EQ(dr7_full & 0xff, 0xaa);
	KT_ASSERT_EQ(dr7_full >> 16, 0x50f9);
	KT_ASSERT_EQ(dr7_after & 0xff, 0xa2);
	KT_ASSERT_EQ(dr7_after >> 16, 0x5009);
	KT_ASSERT_EQ(READ_DR(7) & 0xffff00ff, 0);
}

struct dr_snapshot {
	uint64_t dr7[SMP_MAX_CPUS];
	uint64_t addr[SMP_MAX_CPUS];
	int slot;
};

static void snapshot_here(void *arg)
{
	struct dr_snapshot *snap = arg;

	snap->dr7[cpu_id()] = READ_DR(7);
	snap->addr[cpu_id()] = read_addr(snap->slot);
}

/* A watch reaches every online CPU, and so does its removal. */
KTEST(kwatch, every_cpu)
{
	static struct dr_snapshot set, cleared;
	uintptr_t a = (uintptr_t)&test_area[3];
	unsigned int c;

	set.slot = cleared.slot = kwatch_set(a, 8, KWATCH_RW);
	KT_ASSERT(set.slot >= 0);
	smp_call_function(SMP_CALL_ALL, snapshot_here, &set, true);
	kwatch_clear(set.slot);
	smp_call_function(SMP_CALL_ALL, snapshot_here, &cleared, true);
	for_each_online_cpu(c)
	{
		KT_ASSERT_EQ(set.dr7[c] & 0xff, DR7_G(set.slot));
		KT_ASSERT_EQ(set.addr[c], a);
		KT_ASSERT_EQ(cleared.dr7[c] & 0xff, 0);
	}
}

KTEST(kwatch, bad_requests)
{
	uintptr_t a = (uintptr_t)test_area;

	KT_ASSERT_EQ(kwatch_set(a, 3, KWATCH_WRITE), -EINVAL);
	KT_ASSERT_EQ(kwatch_set(a, 16, KWATCH_WRITE), -EINVAL);
	KT_ASSERT_EQ(kwatch_set(a + 2, 4, KWATCH_WRITE), -EINVAL);
	KT_ASSERT_EQ(kwatch_set(a, 8, KWATCH_EXEC), -EINVAL);
	KT_ASSERT_EQ(kwatch_set(a, 8, (enum kwatch_type)7), -EINVAL);
	KT_ASSERT_EQ(kwatch_set(0x0000800000000000ULL, 1, KWATCH_WRITE),
		     arch_paging_levels() == 5 ? 0 : -EINVAL);
	kwatch_clear(0); /* the 5-level case took slot 0 */
	KT_ASSERT_EQ(kwatch_clear(0), -EINVAL);
	KT_ASSERT_EQ(kwatch_clear(-1), -EINVAL);
	KT_ASSERT_EQ(kwatch_clear(KWATCH_SLOTS), -EINVAL);
}
