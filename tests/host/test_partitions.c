/*
 * The partition-table readers (kernel/block/mbr.c, gpt.c) on the host:
 * on images the host's sfdisk and sgdisk made (tests/host/make-part-
 * images.sh DIR, whose .expect files say what sfdisk --json reads in
 * them), and on damaged tables made here: a loop in the extended chain,
 * entries beyond the disk, absurd GPT entry counts, bad CRCs.
 *
 *   test_partitions DIR          run the tests
 *   test_partitions --write-seeds DIR   small images for fuzz_partitions
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

#include "../../kernel/block/part_table.h"

struct mem_disk {
	const uint8_t *data;
	size_t size;
	int warnings;
};

static int mem_read(void *ctx, uint64_t pos, void *buf, size_t len)
{
	struct mem_disk *d = ctx;

	if (pos > d->size || len > d->size - pos)
		return -EIO;
	memcpy(buf, d->data + pos, len);
	return 0;
}

static void mem_warn(void *ctx, const char *msg, uint64_t value)
{
	((struct mem_disk *)ctx)->warnings++;
}

static int read_table(struct mem_disk *d, struct part_table *t)
{
	struct part_source src = {mem_read, mem_warn, d, d->size / 512, 512};

	return part_read_table(&src, t);
}

static uint8_t *load(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *buf;

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

static const struct part_info *find(const struct part_table *t, unsigned int n)
{
	for (unsigned int i = 0; i < t->count; i++)
		if (t->parts[i].partno == n)
			return &t->parts[i];
	return NULL;
}

/* The image against what sfdisk read in it. */
static void check_image(const char *dir, const char *name)
{
	char path[512], line[256];
	static struct part_table t;
	struct mem_disk d = {0};
	unsigned int lines = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	d.data = load(path, &d.size);
	CHECK(d.data);
	CHECK_EQ(read_table(&d, &t), 0);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, name);
	f = fopen(path, "r");
	CHECK(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned int n;
		unsigned long long start, size;
		char uuid[64];
		const struct part_info *p;

		if (!strncmp(line, "none", 4))
			break;
		CHECK_EQ(sscanf(line, "%u %llu %llu %63s", &n, &start, &size,
				uuid),
			 4);
		p = find(&t, n);
		CHECK(p);
		CHECK_EQ(p->start, start);
		CHECK_EQ(p->sectors, size);
		CHECK_STR(p->uuid, uuid);
		lines++;
	}
	fclose(f);
	CHECK_EQ(t.count, lines);
	free((void *)d.data);
}

/* ---- damaged tables, made here ------------------------------------- */

#define SMALL (64 * 512)

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void entry(uint8_t *sector, int slot, uint8_t type, uint32_t start,
		  uint32_t count)
{
	uint8_t *e = sector + 446 + 16 * slot;

	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

/* An MBR whose extended chain links back to itself: two logicals read,
 * the loop noticed, no hang. */
static void make_ebr_loop(uint8_t *img)
{
	memset(img, 0, SMALL);
	entry(img, 0, 0x05, 4, 40);	       /* extended: 4..43 */
	entry(img + 4 * 512, 0, 0x83, 1, 2);   /* sda5 at 5 */
	entry(img + 4 * 512, 1, 0x05, 10, 10); /* next EBR at 14 */
	entry(img + 14 * 512, 0, 0x83, 1, 2);  /* sda6 at 15 */
	entry(img + 14 * 512, 1, 0x05, 10, 10); /* itself again */
}

static void test_ebr_loop(void)
{
	static uint8_t img[SMALL];
	static struct part_table t;
	struct mem_disk d = {img, SMALL, 0};

	make_ebr_loop(img);
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_EQ(t.count, 3);
	CHECK(find(&t, 5) && find(&t, 5)->start == 5);
	CHECK(find(&t, 6) && find(&t, 6)->start == 15);
	CHECK(d.warnings >= 1);
}

/* Entries beyond the disk: skipped; across its end: cut. */
static void test_beyond_end(void)
{
	static uint8_t img[SMALL];
	static struct part_table t;
	struct mem_disk d = {img, SMALL, 0};

	memset(img, 0, SMALL);
	entry(img, 0, 0x83, 100, 10); /* starts past the 64 sectors */
	entry(img, 1, 0x83, 60, 10);  /* 60..69: cut to 60..63 */
	entry(img, 2, 0x83, 0xffffffff, 0xffffffff);
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(t.parts[0].partno, 2);
	CHECK_EQ(t.parts[0].sectors, 4);
	CHECK_EQ(d.warnings, 3);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* A GPT on SMALL: header at 1 (backup at 63), entries at 2 (backup 59),
 * count entries of 128 bytes of which the first two are used. */
static void make_gpt(uint8_t *img, uint32_t count)
{
	memset(img, 0, SMALL);
	entry(img, 0, 0xee, 1, SMALL / 512 - 1);
	for (int copy = 0; copy < 2; copy++) {
		uint64_t lba = copy ? 63 : 1, arr = copy ? 59 : 2;
		uint8_t *h = img + lba * 512, *e = img + arr * 512;

		for (int i = 0; i < 2; i++) {
			e[128 * i] = 0xaf; /* a type GUID */
			memset(e + 128 * i + 16, 0x11 * (i + 1), 16);
			put64(e + 128 * i + 32, 34 + 10 * i);
			put64(e + 128 * i + 40, 34 + 10 * i + 9);
		}
		memcpy(h, "EFI PART", 8);
		put32(h + 8, 0x10000);
		put32(h + 12, 92);
		put64(h + 24, lba);
		put64(h + 32, copy ? 1 : 63);
		put64(h + 40, 34);
		put64(h + 48, 58);
		put64(h + 72, arr);
		put32(h + 80, count);
		put32(h + 84, 128);
		put32(h + 88, crc32(e, 4 * 128));
		put32(h + 16, crc32(h, 92));
	}
}

static void test_gpt_small(void)
{
	static uint8_t img[SMALL];
	static struct part_table t;
	struct mem_disk d = {img, SMALL, 0};

	make_gpt(img, 4);
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_STR(t.kind, "gpt");
	CHECK_EQ(t.count, 2);
	CHECK_EQ(t.parts[1].start, 44);
	CHECK_EQ(t.parts[1].sectors, 10);
	CHECK_STR(t.parts[0].uuid, "11111111-1111-1111-1111-111111111111");
	CHECK_EQ(d.warnings, 0);
}

/* A valid CRC over an absurd count: refused, the backup (valid) used. */
static void test_gpt_absurd_count(void)
{
	static uint8_t img[SMALL];
	static struct part_table t;
	struct mem_disk d = {img, SMALL, 0};

	make_gpt(img, 4);
	put32(img + 512 + 80, 100000000);
	put32(img + 512 + 16, 0);
	put32(img + 512 + 16, crc32(img + 512, 92));
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_EQ(t.count, 2);
	CHECK(d.warnings >= 1);
	/* And both absurd: no table, no allocation, no crash. */
	memcpy(img + 63 * 512, img + 512, 92);
	put64(img + 63 * 512 + 24, 63);
	put32(img + 63 * 512 + 16, 0);
	put32(img + 63 * 512 + 16, crc32(img + 63 * 512, 92));
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_EQ(t.count, 0);
}

/* A GPT entry past the usable area is skipped; a partition entry
 * array whose CRC is wrong in both copies gives no table. */
static void test_gpt_bad_entries(void)
{
	static uint8_t img[SMALL];
	static struct part_table t;
	struct mem_disk d = {img, SMALL, 0};

	make_gpt(img, 4);
	img[2 * 512 + 200] ^= 1;
	img[59 * 512 + 200] ^= 1;
	CHECK_EQ(read_table(&d, &t), 0);
	CHECK_EQ(t.count, 0);
	CHECK(d.warnings >= 2);
}

static void write_seed(const char *dir, const char *name, const uint8_t *img,
		       size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(img, 1, n, f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	static const char *images[] = {
		"mbr-logical", "mbr-primary",	 "gpt",	      "gpt-many",
		"gpt-backup",  "gpt-badentries", "gpt-nohdr", "blank"};
	static uint8_t img[SMALL];

	if (argc == 3 && !strcmp(argv[1], "--write-seeds")) {
		make_ebr_loop(img);
		write_seed(argv[2], "ebr-loop", img, SMALL);
		make_gpt(img, 4);
		write_seed(argv[2], "gpt", img, SMALL);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr,
			"usage: test_partitions DIR | --write-seeds DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		RUN(check_image(argv[1], images[i]),
		    "partitions: %s as sfdisk reads it", images[i]);
	RUN(test_ebr_loop(), "partitions: a loop in the extended chain");
	RUN(test_beyond_end(), "partitions: entries beyond the disk");
	RUN(test_gpt_small(), "partitions: a GPT made here");
	RUN(test_gpt_absurd_count(), "partitions: absurd GPT entry count");
	RUN(test_gpt_bad_entries(),
	    "partitions: GPT entry arrays with bad CRCs");
	return test_failures ? 1 : 0;
}
