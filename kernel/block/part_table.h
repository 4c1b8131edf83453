/*
 * Partition-table readers (mbr.c, gpt.c): pure code, built into the
 * kernel and for the host (tests/host/test_partitions.c, fuzzed by
 * tests/fuzz/fuzz_partitions.c). They read the disk through a callback
 * and fill a struct part_table; nothing on the disk is trusted: a bad
 * entry is skipped, a bad table refused, each with a message through
 * src->warn.
 */
#ifndef BLOCK_PART_TABLE_H
#define BLOCK_PART_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define PART_MAX 64	    /* partitions kept from one disk */
#define PART_BLOCK_MAX 4096 /* the largest logical block read */
#define PART_EBR_MAX 128    /* extended boot records followed */
#define PART_GPT_ENTRIES_MAX 1024

struct part_source {
	/* Read len bytes (whole blocks) at byte pos: 0 or -errno. */
	int (*read)(void *ctx, uint64_t pos, void *buf, size_t len);
	/* A complaint about the table (a fixed string). */
	void (*warn)(void *ctx, const char *msg, uint64_t value);
	void *ctx;
	uint64_t sectors; /* the disk's size in 512-byte sectors */
	uint32_t block;	  /* its logical block: 512 or 4096 */
};

struct part_info {
	uint64_t start, sectors; /* 512-byte sectors */
	unsigned int partno;	 /* 1..: Linux's number */
	uint8_t mbr_type;	 /* MBR: the type byte; GPT: 0 */
	char uuid[37];		 /* as Linux's PARTUUID */
};

struct part_table {
	const char *kind; /* "dos", "gpt", or NULL: none */
	unsigned int count;
	struct part_info parts[PART_MAX];
	uint8_t scratch[PART_BLOCK_MAX]; /* one block, the readers' */
};

/*
 * Read the disk's table into t: 0 (t->kind NULL if there is none), or
 * -EIO when the disk could not be read, -EINVAL for a bad source.
 */
int part_read_table(const struct part_source *src, struct part_table *t);

/* mbr.c: the MBR (with logical partitions); 1 if it is GPT's protective
 * one; 0 with t->kind NULL if block 0 has none. */
int part_read_mbr(const struct part_source *src, struct part_table *t);
/* gpt.c: the GPT (primary, else the backup): 0, or -ENOENT if neither
 * header is valid, -EIO. */
int part_read_gpt(const struct part_source *src, struct part_table *t);

/* Shared helpers (mbr.c). */
uint32_t part_le32(const uint8_t *p);
uint64_t part_le64(const uint8_t *p);
/* Add a partition of [start, start + sectors) numbered partno, clipped
 * to the disk: 0, or -1 if it is unusable (logged, skipped). */
int part_add(const struct part_source *src, struct part_table *t,
	     unsigned int partno, uint64_t start, uint64_t sectors);
/* Lower-case hex of v in digits characters at out. */
void part_hex(char *out, uint64_t v, int digits);

#endif
