/*
 * Host tests of boot/src/madt.c: the processors rastboot starts come from
 * the MADT, an untrusted table — good tables, then every kind of damage.
 */
#include "testlib.h"
#include "madt.h"

static uint8_t t[512];
static size_t tlen;

static void begin(void)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "APIC", 4);
	tlen = 44;
}

static void add(const uint8_t *e, size_t n)
{
	memcpy(t + tlen, e, n);
	tlen += n;
}

static void lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = {0, 8, uid, id, (uint8_t)flags, 0, 0, 0};
	add(e, sizeof(e));
}

static void x2apic(uint32_t uid, uint32_t id, uint32_t flags)
{
	uint8_t e[16] = {9, 16};
	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
	add(e, sizeof(e));
}

/* Fix length and checksum, as a well-formed table has them. */
static void finish(void)
{
	uint32_t len = (uint32_t)tlen;
	memcpy(t + 4, &len, 4);
	t[9] = 0;
	uint8_t sum = 0;
	for (size_t i = 0; i < tlen; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

static void test_qemu_like(void)
{
	struct madt_cpu c[8];
	begin();
	lapic(0, 0, 1);
	lapic(1, 1, 1);
	uint8_t ioapic[12] = {1, 12, 0, 0};
	add(ioapic, sizeof(ioapic));
	lapic(2, 2, 0); /* disabled: not started */
	lapic(3, 3, 1);
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 8), 3);
	CHECK_EQ(c[0].apic_id, 0);
	CHECK_EQ(c[1].apic_id, 1);
	CHECK_EQ(c[2].apic_id, 3);
	CHECK_EQ(c[2].uid, 3);
}

static void test_x2apic_and_duplicates(void)
{
	struct madt_cpu c[8];
	begin();
	lapic(0, 0, 1);
	x2apic(7, 300, 1);
	x2apic(8, 0, 1); /* the same CPU listed twice: once */
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 8), 2);
	CHECK_EQ(c[1].apic_id, 300);
	CHECK_EQ(c[1].uid, 7);
}

static void test_max(void)
{
	struct madt_cpu c[2];
	begin();
	for (int i = 0; i < 5; i++)
		lapic((uint8_t)i, (uint8_t)i, 1);
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 2), 2);
}

static void test_damage(void)
{
	struct madt_cpu c[8];
	begin();
	lapic(0, 0, 1);
	finish();
	t[9]++; /* checksum */
	CHECK_EQ(madt_cpus(t, tlen, c, 8), -EINVAL);
	begin();
	lapic(0, 0, 1);
	finish();
	CHECK_EQ(madt_cpus(t, tlen - 1, c, 8), -EINVAL); /* length lies */
	begin();
	uint8_t zero[2] = {0, 0}; /* zero-length entry: no endless loop */
	add(zero, 2);
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 8), -EINVAL);
	begin();
	uint8_t over[2] = {0, 200}; /* runs off the end */
	add(over, 2);
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 8), -EINVAL);
	begin();
	memcpy(t, "FACP", 4);
	finish();
	CHECK_EQ(madt_cpus(t, tlen, c, 8), -EINVAL);
	CHECK_EQ(madt_cpus(t, 10, c, 8), -EINVAL);
}

/* Random bytes after a valid header: never a crash, never out of bounds. */
static void test_mutations(void)
{
	struct madt_cpu c[4];
	srand(7);
	for (int round = 0; round < 20000; round++) {
		begin();
		size_t n = (size_t)(rand() % 120);
		for (size_t i = 0; i < n; i++)
			t[44 + i] = (uint8_t)rand();
		tlen = 44 + n;
		finish();
		uint8_t *copy = malloc(tlen);
		memcpy(copy, t, tlen);
		int r = madt_cpus(copy, tlen, c, 4);
		free(copy);
		CHECK(r == -EINVAL || (r >= 0 && r <= 4));
	}
}

int main(void)
{
	RUN(test_qemu_like(), "madt: QEMU-like table");
	RUN(test_x2apic_and_duplicates(), "madt: x2APIC entries, duplicates");
	RUN(test_max(), "madt: at most max CPUs");
	RUN(test_damage(), "madt: damaged tables refused");
	RUN(test_mutations(), "madt: 20000 random tables");
	TEST_EXIT();
}
