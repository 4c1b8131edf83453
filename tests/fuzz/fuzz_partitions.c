/*
 * libFuzzer harness for the partition-table readers (kernel/block/mbr.c,
 * gpt.c): the input is a disk (its size rounded up to whole sectors, the
 * rest zeroes; the first byte also picks a 4 KiB logical block now and
 * then). Any input must end without a crash, a sanitizer report or a
 * hang, with every partition inside the disk and numbered sensibly.
 *
 * Seeds: test_partitions --write-seeds DIR, and the images of
 * tests/host/make-part-images.sh.
 *
 *   make fuzz && build/tests/fuzz/fuzz_partitions -max_total_time=600 CORPUS SEEDS
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>

#include "../../kernel/block/part_table.h"

struct disk {
	const uint8_t *data;
	size_t size, len;
};

static int disk_read(void *ctx, uint64_t pos, void *buf, size_t len)
{
	const struct disk *d = ctx;

	if (pos > d->size || len > d->size - pos)
		abort(); /* the readers never read past the disk */
	memset(buf, 0, len);
	if (pos < d->len)
		memcpy(buf, d->data + pos,
		       d->len - pos < len ? d->len - pos : len);
	return 0;
}

static void disk_warn(void *ctx, const char *msg, uint64_t value)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct part_table t;
	uint32_t block = size && data[0] == 0xf4 ? 4096 : 512;
	struct disk d = {data, (size + block - 1) / block * block, size};
	struct part_source src = {disk_read, disk_warn, &d, d.size / 512,
				  block};

	if (part_read_table(&src, &t) == 0) {
		for (unsigned int i = 0; i < t.count; i++) {
			const struct part_info *p = &t.parts[i];

			if (!p->sectors || p->start >= src.sectors ||
			    p->sectors > src.sectors - p->start || !p->partno ||
			    strlen(p->uuid) > 36)
				abort();
		}
	}
	return 0;
}
