/*
 * Host tests of the cpio "newc" reader (kernel/fs/cpio.c, compiled here
 * unchanged) under ASan and UBSan.
 *
 * Archives are built here by a small writer, so each case can aim at one
 * field: every file type, hard links, concatenated archives with zero
 * padding, the override rule of cpio_find, every malformed case the reader
 * names, a cut at every byte of a small archive and a mutation loop. The
 * parser always gets an exact-size copy, so ASan sees a read one byte past
 * the end. Then the same checks on archives GNU cpio made
 * (tests/host/make-cpio-fixture.sh), and cpio_path_normalize's table.
 *
 *   test_cpio [FIXTURE_DIR]        FIXTURE_DIR from make-cpio-fixture.sh
 *                                  (tests/host/run.sh passes one)
 *   test_cpio --write-seeds DIR    archives as seeds for fuzz_cpio
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kernel/cpio.h>

#include "testlib.h"

#define MAX_ENTRIES 32

/* ---------------------------------------------------------------- writer */

/*
 * An archive being built, with where each member starts and where its
 * data ends (before padding): the boundaries the cut test needs.
 */
struct archive {
	uint8_t buf[1 << 16];
	size_t len;
	size_t start[MAX_ENTRIES], data_end[MAX_ENTRIES];
	int n;
	uint32_t next_ino;
};

/* A member's header fields; the writer fills what a case leaves 0. */
struct member {
	const char *magic;
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor, namesize;
	uint32_t check;
};

static struct archive ar;

static void ar_reset(struct archive *a)
{
	a->len = 0;
	a->n = 0;
	a->next_ino = 100;
}

static void put(struct archive *a, const void *p, size_t n)
{
	CHECK(n <= sizeof(a->buf) - a->len);
	if (n) /* p may be NULL then */
		memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void pad(struct archive *a, size_t align)
{
	static const uint8_t zeros[512];

	put(a, zeros, (align - a->len % align) % align);
}

static void put_header(struct archive *a, const struct member *m)
{
	char h[111];
	int n = snprintf(h, sizeof(h),
			 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
			 "%08X",
			 m->magic ? m->magic : "070701", m->ino, m->mode,
			 m->uid, m->gid, m->nlink, m->mtime, m->filesize,
			 m->dev_major, m->dev_minor, m->rdev_major,
			 m->rdev_minor, m->namesize, m->check);

	CHECK(n == 110);
	put(a, h, 110);
}

/*
 * A member with the header m as given (namesize and filesize are what
 * the header says; name_bytes and size are what follows it).
 */
static void add_raw(struct archive *a, const struct member *m, const void *name,
		    size_t name_bytes, const void *data, size_t size)
{
	size_t name_end;

	CHECK(a->n < MAX_ENTRIES);
	a->start[a->n] = a->len;
	put_header(a, m);
	put(a, name, name_bytes);
	name_end = a->len;
	pad(a, 4);
	put(a, data, size);
	/* Without data, the member is whole once its name is. */
	a->data_end[a->n++] = size ? a->len : name_end;
	pad(a, 4);
}

/* A well-formed member; m may be NULL for a regular file's defaults. */
static void add(struct archive *a, const char *name, uint32_t mode,
		const void *data, size_t size, const struct member *m)
{
	struct member f = m ? *m : (struct member){0};

	f.mode = mode;
	f.filesize = (uint32_t)size;
	f.namesize = (uint32_t)strlen(name) + 1;
	if (!f.ino)
		f.ino = a->next_ino++;
	if (!f.nlink)
		f.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	add_raw(a, &f, name, f.namesize, data, size);
}

static void add_file(struct archive *a, const char *name, const char *text)
{
	add(a, name, S_IFREG | 0644, text, strlen(text), NULL);
}

static void add_trailer(struct archive *a)
{
	const struct member t = {.nlink = 1, .namesize = 11};

	add_raw(a, &t, "TRAILER!!!", 11, NULL, 0);
}

/* An exact-size malloc'd copy of the first len bytes. */
static uint8_t *exact(const struct archive *a, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	CHECK(p != NULL);
	memcpy(p, a->buf, len);
	return p;
}

/* ---------------------------------------------------------------- reading */

/* All members of buf: count, or the error (reader left in *r). */
static int read_all(const uint8_t *buf, size_t len, struct cpio_entry *out,
		    int max, struct cpio_reader *r)
{
	struct cpio_entry e;
	int n = 0, ret;

	cpio_reader_init(r, buf, len);
	while ((ret = cpio_next(r, &e)) == 1) {
		/* Whatever the input, an entry points inside the buffer. */
		CHECK((const uint8_t *)e.name >= buf &&
		      (const uint8_t *)e.name + e.name_len < buf + len);
		CHECK(e.name[e.name_len] == '\0');
		CHECK((const uint8_t *)e.data >= buf &&
		      e.size <= (size_t)(buf + len - (const uint8_t *)e.data));
		if (n < max)
			out[n] = e;
		n++;
	}
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK((ret == -EINVAL) == (r->error != NULL));
	return ret < 0 ? ret : n;
}

/* The error for archive a's first len bytes, which must be malformed. */
static const char *error_of(const struct archive *a, size_t len,
			    size_t *error_off)
{
	struct cpio_entry e[MAX_ENTRIES];
	struct cpio_reader r;
	uint8_t *buf = exact(a, len);
	int ret = read_all(buf, len, e, MAX_ENTRIES, &r);

	free(buf);
	CHECK_EQ(ret, -EINVAL);
	if (error_off)
		*error_off = r.error_off;
	return r.error;
}

static void check_entry_text(const struct cpio_entry *e, const char *name,
			     const char *text)
{
	CHECK_STR(e->name, name);
	CHECK_EQ(e->name_len, strlen(name));
	CHECK_EQ(e->size, strlen(text));
	CHECK(memcmp(e->data, text, e->size) == 0);
}

/* ---------------------------------------------------------------- valid */

static void build_all_types(struct archive *a)
{
	const struct member dev = {.uid = 0, .rdev_major = 4, .rdev_minor = 64};
	const struct member blk = {.rdev_major = 8, .rdev_minor = 1};
	const struct member owned = {.uid = 1000,
				     .gid = 100,
				     .mtime = 0x5f5e1000,
				     .dev_major = 3,
				     .dev_minor = 7};

	ar_reset(a);
	add(a, ".", S_IFDIR | 0755, NULL, 0, NULL);
	add(a, "etc", S_IFDIR | 0755, NULL, 0, NULL);
	add(a, "etc/motd", S_IFREG | 0644, "welcome\n", 8, &owned);
	add(a, "bin/sh", S_IFLNK | 0777, "busybox", 7, NULL);
	add(a, "dev/ttyS0", S_IFCHR | 0600, NULL, 0, &dev);
	add(a, "dev/sda1", S_IFBLK | 0600, NULL, 0, &blk);
	add(a, "run/fifo", S_IFIFO | 0644, NULL, 0, NULL);
	add(a, "run/sock", S_IFSOCK | 0644, NULL, 0, NULL);
	add(a, "empty", S_IFREG | 0600, NULL, 0, NULL);
	add_trailer(a);
}

static void test_all_types(void)
{
	struct cpio_entry e[MAX_ENTRIES];
	struct cpio_reader r;
	uint8_t *buf;

	build_all_types(&ar);
	buf = exact(&ar, ar.len);
	CHECK_EQ(read_all(buf, ar.len, e, MAX_ENTRIES, &r), 9);
	CHECK_STR(e[0].name, ".");
	CHECK_EQ(e[0].mode, S_IFDIR | 0755);
	CHECK_EQ(e[0].nlink, 2);
	check_entry_text(&e[2], "etc/motd", "welcome\n");
	CHECK_EQ(e[2].mode, S_IFREG | 0644);
	CHECK_EQ(e[2].uid, 1000);
	CHECK_EQ(e[2].gid, 100);
	CHECK_EQ(e[2].mtime, 0x5f5e1000);
	CHECK_EQ(e[2].dev_major, 3);
	CHECK_EQ(e[2].dev_minor, 7);
	CHECK_EQ(e[2].ino, 102);
	check_entry_text(&e[3], "bin/sh", "busybox");
	CHECK_EQ(e[3].mode & S_IFMT, S_IFLNK);
	CHECK_EQ(e[4].mode & S_IFMT, S_IFCHR);
	CHECK_EQ(e[4].rdev_major, 4);
	CHECK_EQ(e[4].rdev_minor, 64);
	CHECK_EQ(e[5].mode & S_IFMT, S_IFBLK);
	CHECK_EQ(e[5].rdev_major, 8);
	CHECK_EQ(e[5].rdev_minor, 1);
	CHECK_EQ(e[6].mode & S_IFMT, S_IFIFO);
	CHECK_EQ(e[7].mode & S_IFMT, S_IFSOCK);
	CHECK_EQ(e[8].size, 0);
	CHECK(r.error == NULL);
	/* The end is sticky. */
	CHECK_EQ(cpio_next(&r, &e[0]), 0);
	free(buf);
}

/* The crc variant and lower-case hex, as Linux accepts them. */
static void test_crc_variant(void)
{
	struct member m = {.magic = "070702", .check = 0xdeadbeef};
	struct cpio_entry e[2];
	struct cpio_reader r;
	uint8_t *buf;
	char *field;

	ar_reset(&ar);
	add(&ar, "a", S_IFREG | 0644, "x", 1, &m);
	add_trailer(&ar);
	field = (char *)ar.buf + 6 + 8; /* mode: 000081A4 */
	CHECK(memcmp(field, "000081A4", 8) == 0);
	field[6] = 'a';
	buf = exact(&ar, ar.len);
	CHECK_EQ(read_all(buf, ar.len, e, 2, &r), 1);
	CHECK_EQ(e[0].mode, S_IFREG | 0644);
	free(buf);
}

/* Two names, one inode: the data travels with the last link, as GNU cpio
 * writes them; the reader reports both as they are. */
static void test_hard_links(void)
{
	const struct member link = {.ino = 42, .nlink = 2};
	struct cpio_entry e[4], found;
	struct cpio_reader r;
	uint8_t *buf;

	ar_reset(&ar);
	add(&ar, "a/one", S_IFREG | 0644, NULL, 0, &link);
	add(&ar, "b/two", S_IFREG | 0644, "shared\n", 7, &link);
	add_trailer(&ar);
	buf = exact(&ar, ar.len);
	CHECK_EQ(read_all(buf, ar.len, e, 4, &r), 2);
	CHECK_EQ(e[0].ino, 42);
	CHECK_EQ(e[1].ino, 42);
	CHECK_EQ(e[0].nlink, 2);
	CHECK_EQ(e[1].nlink, 2);
	CHECK_EQ(e[0].size, 0);
	CHECK_EQ(cpio_find(buf, ar.len, "b/two", &found), 0);
	check_entry_text(&found, "b/two", "shared\n");
	free(buf);
}

/* Archives one after the other, with zero padding of several sizes. */
static void test_concatenated(void)
{
	struct cpio_entry e[8];
	struct cpio_reader r;
	uint8_t *buf;

	ar_reset(&ar);
	add_file(&ar, "one", "1");
	add_trailer(&ar);
	pad(&ar, 512); /* what cpio writes */
	add_file(&ar, "two", "22");
	add_trailer(&ar);
	put(&ar, "\0\0\0\0", 4); /* a lone word of zeros */
	add_file(&ar, "three", "333");
	add_trailer(&ar);
	pad(&ar, 512);
	put(&ar, (uint8_t[512]){0}, 512); /* and an extra block at the end */
	buf = exact(&ar, ar.len);
	CHECK_EQ(read_all(buf, ar.len, e, 8, &r), 3);
	check_entry_text(&e[0], "one", "1");
	check_entry_text(&e[1], "two", "22");
	check_entry_text(&e[2], "three", "333");
	free(buf);
}

/* The end of the buffer right after a member counts as the end. */
static void test_no_trailer(void)
{
	struct cpio_entry e[4];
	struct cpio_reader r;
	uint8_t *buf;

	ar_reset(&ar);
	add_file(&ar, "a", "abc"); /* data ends at a non-multiple of 4 */
	add_file(&ar, "b", "de");
	buf = exact(&ar, ar.data_end[1]); /* and its padding is cut off */
	CHECK_EQ(read_all(buf, ar.data_end[1], e, 4, &r), 2);
	check_entry_text(&e[1], "b", "de");
	free(buf);
	CHECK_EQ(read_all(NULL, 0, e, 4, &r), 0); /* an empty buffer */
}

/* ---------------------------------------------------------------- find */

static void build_override(struct archive *a)
{
	ar_reset(a);
	add(a, "etc", S_IFDIR | 0755, NULL, 0, NULL);
	add_file(a, "etc/hostname", "first\n");
	add_file(a, "init", "#!/bin/sh\n");
	add_trailer(a);
	pad(a, 512);
	add_file(a, "./etc/hostname", "second\n");
	add_trailer(a);
	add_file(a, "/etc//hostname", "third\n"); /* spelled another way */
	add_file(a, "etc/../init", "evil\n");	  /* never matches */
	add_trailer(a);
}

static void test_find_override(void)
{
	struct cpio_entry e;
	uint8_t *buf;

	build_override(&ar);
	buf = exact(&ar, ar.len);
	CHECK_EQ(cpio_find(buf, ar.len, "etc/hostname", &e), 0);
	check_entry_text(&e, "/etc//hostname", "third\n");
	CHECK_EQ(cpio_find(buf, ar.len, "/etc/./hostname/", &e), 0);
	CHECK_STR(e.name, "/etc//hostname");
	CHECK_EQ(cpio_find(buf, ar.len, "init", &e), 0);
	check_entry_text(&e, "init", "#!/bin/sh\n");
	CHECK_EQ(cpio_find(buf, ar.len, "etc", &e), 0);
	CHECK_EQ(e.mode & S_IFMT, S_IFDIR);
	CHECK_EQ(cpio_find(buf, ar.len, "etc/passwd", &e), -ENOENT);
	CHECK_EQ(cpio_find(buf, ar.len, "etc/hostname/x", &e), -ENOENT);
	CHECK_EQ(cpio_find(buf, ar.len, "../etc/hostname", &e), -EINVAL);
	CHECK_EQ(cpio_find(buf, ar.len, "", &e), -EINVAL);
	free(buf);
}

static void test_find_root_and_long(void)
{
	static char longpath[CPIO_PATH_MAX + 8];
	struct cpio_entry e;
	uint8_t *buf;

	build_all_types(&ar);
	buf = exact(&ar, ar.len);
	CHECK_EQ(cpio_find(buf, ar.len, ".", &e), 0);
	CHECK_STR(e.name, ".");
	CHECK_EQ(cpio_find(buf, ar.len, "/", &e), 0);
	CHECK_STR(e.name, ".");
	memset(longpath, 'a', sizeof(longpath) - 1);
	CHECK_EQ(cpio_find(buf, ar.len, longpath, &e), -ENAMETOOLONG);
	longpath[CPIO_PATH_MAX - 1] = '\0'; /* 4095 characters: a path */
	CHECK_EQ(cpio_find(buf, ar.len, longpath, &e), -ENOENT);
	free(buf);
}

/* A malformed archive: what came before the damage is still found. */
static void test_find_malformed(void)
{
	struct cpio_entry e;
	uint8_t *buf;

	ar_reset(&ar);
	add_file(&ar, "before", "ok");
	add_file(&ar, "victim", "data");
	add_file(&ar, "after", "late");
	ar.buf[ar.start[1]] = 'X'; /* "victim" loses its magic */
	buf = exact(&ar, ar.len);
	CHECK_EQ(cpio_find(buf, ar.len, "before", &e), 0);
	check_entry_text(&e, "before", "ok");
	CHECK_EQ(cpio_find(buf, ar.len, "after", &e), -EINVAL);
	CHECK_EQ(cpio_find(buf, ar.len, "nowhere", &e), -EINVAL);
	free(buf);
}

static void run_valid_tests(void)
{
	RUN(test_all_types(), "cpio: every file type and field");
	RUN(test_crc_variant(), "cpio: 070702 and lower-case hex accepted");
	RUN(test_hard_links(), "cpio: hard links (same ino, nlink 2)");
	RUN(test_concatenated(), "cpio: concatenated archives, zero padding");
	RUN(test_no_trailer(), "cpio: end at a member boundary, no trailer");
	RUN(test_find_override(), "cpio: find: the last member wins");
	RUN(test_find_root_and_long(), "cpio: find: root, long paths");
	RUN(test_find_malformed(), "cpio: find: stops at the damage");
}

/* ---------------------------------------------------------------- malformed */

/* One good member then the trailer; returns the member's header. */
static char *one_member(const struct member *m, const char *name,
			const char *data)
{
	ar_reset(&ar);
	add(&ar, name, S_IFREG | 0644, data, strlen(data), m);
	add_trailer(&ar);
	return (char *)ar.buf;
}

static void test_bad_magic(void)
{
	size_t off;

	memcpy(one_member(NULL, "a", "x"), "070703", 6);
	CHECK_STR(error_of(&ar, ar.len, &off), "bad magic");
	CHECK_EQ(off, 0);
	memcpy(one_member(NULL, "a", "x"), "070707", 6); /* old binary cpio */
	CHECK_STR(error_of(&ar, ar.len, NULL), "bad magic");
}

/* A non-hex character in each of the thirteen fields in turn. */
static void test_bad_hex(void)
{
	static const char bad[] = {'g', ' ', 'x', '-', '\0', (char)0x80};

	for (int field = 0; field < 13; field++) {
		size_t off, at = 6 + 8 * (size_t)field;

		one_member(NULL, "a", "x")[at + (size_t)field % 8] =
			bad[field % sizeof(bad)];
		CHECK_STR(error_of(&ar, ar.len, &off), "bad hex in header");
		CHECK_EQ(off, at);
	}
}

/* A namesize field of value v (the name bytes stay as written). */
static void set_field(size_t member_start, int field, uint32_t v)
{
	char digits[9];

	snprintf(digits, sizeof(digits), "%08X", v);
	memcpy(ar.buf + member_start + 6 + 8 * field, digits, 8);
}

static void test_bad_names(void)
{
	const struct member empty = {.namesize = 1};
	size_t off;

	one_member(NULL, "a", "x");
	set_field(0, 11, 0xffffffff); /* a huge namesize */
	CHECK_STR(error_of(&ar, ar.len, &off), "name too long");
	CHECK_EQ(off, 6 + 8 * 11);
	set_field(0, 11, CPIO_PATH_MAX + 1);
	CHECK_STR(error_of(&ar, ar.len, NULL), "name too long");
	set_field(0, 11, 0);
	CHECK_STR(error_of(&ar, ar.len, NULL), "empty name");
	ar_reset(&ar);
	add_raw(&ar, &empty, "", 1, NULL, 0);
	CHECK_STR(error_of(&ar, ar.len, NULL), "empty name");
	one_member(NULL, "abc", "x");
	set_field(0, 11, 3); /* "ab", no NUL after it */
	CHECK_STR(error_of(&ar, ar.len, &off), "name not NUL-terminated");
	CHECK_EQ(off, 110);
	one_member(NULL, "abc", "x")[111] = '\0';
	CHECK_STR(error_of(&ar, ar.len, NULL), "NUL inside name");
	/* namesize says more than the buffer holds */
	one_member(NULL, "a", "");
	set_field(0, 11, 1000);
	CHECK_STR(error_of(&ar, ar.len, NULL), "truncated name");
}

/* The longest name allowed (4095 characters and the NUL) is accepted. */
static void test_longest_name(void)
{
	static char name[CPIO_PATH_MAX];
	struct cpio_entry e;
	uint8_t *buf;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	one_member(NULL, name, "x");
	buf = exact(&ar, ar.len);
	CHECK_EQ(cpio_find(buf, ar.len, name, &e), 0);
	CHECK_EQ(e.name_len, CPIO_PATH_MAX - 1);
	free(buf);
}

static void test_bad_sizes(void)
{
	size_t off;

	one_member(NULL, "a", "xyz");
	set_field(0, 6, 0xffffffff); /* must not wrap the offset */
	CHECK_STR(error_of(&ar, ar.len, &off), "file data past the end");
	CHECK_EQ(off, 112);
	set_field(0, 6, 0x7fffffff);
	CHECK_STR(error_of(&ar, ar.len, NULL), "file data past the end");
	one_member(NULL, "a", "xyz");
	set_field(0, 6, (uint32_t)(ar.len - 112 + 1)); /* one byte over */
	CHECK_STR(error_of(&ar, ar.len, NULL), "file data past the end");
}

static void test_bad_types(void)
{
	const struct member zero = {.namesize = 2};
	static char target[CPIO_PATH_MAX];
	size_t off;

	ar_reset(&ar);
	add_raw(&ar, &zero, "a", 2, NULL, 0); /* mode 0 */
	CHECK_STR(error_of(&ar, ar.len, &off), "bad file type");
	CHECK_EQ(off, 14);
	ar_reset(&ar);
	add(&ar, "a", 0170644, NULL, 0, NULL);
	CHECK_STR(error_of(&ar, ar.len, NULL), "bad file type");
	ar_reset(&ar);
	add(&ar, "link", S_IFLNK | 0777, NULL, 0, NULL);
	CHECK_STR(error_of(&ar, ar.len, NULL), "empty symlink target");
	ar_reset(&ar);
	add(&ar, "link", S_IFLNK | 0777, "a\0b", 3, NULL);
	CHECK_STR(error_of(&ar, ar.len, NULL), "NUL in symlink target");
	memset(target, 't', sizeof(target));
	ar_reset(&ar);
	add(&ar, "link", S_IFLNK | 0777, target, sizeof(target), NULL);
	CHECK_STR(error_of(&ar, ar.len, NULL), "symlink target too long");
}

/* Junk where padding or the next header should be. */
static void test_bad_padding(void)
{
	size_t off;

	one_member(NULL, "a", "x");
	ar.buf[113] = 'j'; /* the byte after the data, before the pad */
	CHECK_STR(error_of(&ar, ar.len, &off), "broken padding");
	CHECK_EQ(off, 113);
	one_member(NULL, "a", "x");
	put(&ar, "junk", 4); /* after the trailer */
	CHECK_STR(error_of(&ar, ar.len, NULL), "bad magic");
	one_member(NULL, "a", "x");
	put(&ar, "0707", 4); /* the start of a header, then the end */
	CHECK_STR(error_of(&ar, ar.len, NULL), "truncated header");
}

/* After an error, every call gives it again and the reader stays put. */
static void test_error_sticky(void)
{
	struct cpio_entry e;
	struct cpio_reader r;
	uint8_t *buf;

	ar_reset(&ar);
	add_file(&ar, "a", "1");
	add_file(&ar, "b", "2");
	ar.buf[ar.start[1] + 3] = '9';
	buf = exact(&ar, ar.len);
	cpio_reader_init(&r, buf, ar.len);
	CHECK_EQ(cpio_next(&r, &e), 1);
	CHECK_EQ(cpio_next(&r, &e), -EINVAL);
	CHECK_STR(r.error, "bad magic");
	CHECK_EQ(r.error_off, ar.start[1]);
	CHECK_EQ(cpio_next(&r, &e), -EINVAL);
	CHECK_EQ(r.error_off, ar.start[1]);
	free(buf);
}

/*
 * A cut at every length of a small archive (a file whose data ends off a
 * 4-byte boundary, a directory, a symlink, then the trailer and padding):
 * each must end cleanly exactly when no member is cut short, with the
 * members before the cut, and with -EINVAL otherwise.
 */
static void test_every_cut(void)
{
	struct cpio_entry e[MAX_ENTRIES];
	struct cpio_reader r;
	size_t full;

	ar_reset(&ar);
	add_file(&ar, "etc/issue", "rastOS\n");
	add(&ar, "etc", S_IFDIR | 0755, NULL, 0, NULL);
	add(&ar, "sh", S_IFLNK | 0777, "busybox", 7, NULL);
	add_trailer(&ar);
	pad(&ar, 512);
	full = ar.len;
	for (size_t cut = 0; cut <= full; cut++) {
		uint8_t *buf = exact(&ar, cut);
		int ret = read_all(buf, cut, e, MAX_ENTRIES, &r), whole = 0;
		bool clean = true;

		free(buf);
		for (int i = 0; i < ar.n; i++) {
			if (cut > ar.start[i] && cut < ar.data_end[i])
				clean = false; /* member i is cut short */
			if (cut >= ar.data_end[i] && i < 3)
				whole++; /* the trailer is not a member */
		}
		if (ret != (clean ? whole : -EINVAL)) {
			snprintf(test_why, sizeof(test_why),
				 "cut at %zu: %d (%s), expected %d", cut, ret,
				 r.error ? r.error : "-", clean ? whole : -22);
			longjmp(test_jmp, 1);
		}
	}
}

/*
 * Random damage to a good archive: bytes, digits and whole fields. It
 * must never crash, and what it returns must stay inside the buffer
 * (read_all checks each entry) and normalise without overflowing.
 */
static void test_mutations(void)
{
	static const char digits[] = "0123456789ABCDEFabcdefgG \xff";
	struct cpio_entry e[MAX_ENTRIES];
	struct cpio_reader r;
	char path[64];
	size_t len;

	test_rng = 0xc910;
	build_all_types(&ar);
	len = ar.len;
	for (int iter = 0; iter < 20000; iter++) {
		size_t cut = len - test_below(3) * test_below(64);
		uint8_t *buf = exact(&ar, cut);
		int n;

		for (int k = 0; k <= (int)test_below(4); k++) {
			size_t at = test_below(cut);

			buf[at] = test_below(2) ? (uint8_t)test_rand()
						: (uint8_t)digits[test_below(
							  sizeof(digits) - 1)];
		}
		n = read_all(buf, cut, e, MAX_ENTRIES, &r);
		for (int i = 0; i < n && i < MAX_ENTRIES; i++)
			cpio_path_normalize(e[i].name, e[i].name_len, path,
					    sizeof(path));
		free(buf);
	}
}

static void run_malformed_tests(void)
{
	RUN(test_bad_magic(), "cpio: bad magic");
	RUN(test_bad_hex(), "cpio: non-hex digit in each field");
	RUN(test_bad_names(), "cpio: huge, empty, unterminated names");
	RUN(test_longest_name(), "cpio: a 4095-character name is accepted");
	RUN(test_bad_sizes(), "cpio: huge filesize does not wrap");
	RUN(test_bad_types(), "cpio: bad file types and symlinks");
	RUN(test_bad_padding(), "cpio: junk in padding or after a trailer");
	RUN(test_error_sticky(), "cpio: an error stays, with its offset");
	RUN(test_every_cut(), "cpio: a cut at every byte: clean or -EINVAL");
	RUN(test_mutations(), "cpio: 20000 mutations, no crash");
}

/* ---------------------------------------------------------------- paths */

static const struct {
	const char *in, *out; /* out NULL: in is refused with err */
	int err;
} path_cases[] = {
	{"a", "a", 0},
	{"./a", "a", 0},
	{"/a", "a", 0},
	{"//a", "a", 0},
	{"././/./a", "a", 0},
	{"a//b", "a/b", 0},
	{"a/./b", "a/b", 0},
	{"a/b/", "a/b", 0},
	{"a/b/.", "a/b", 0},
	{"/etc///init.d/./rcS", "etc/init.d/rcS", 0},
	{".a/..b/...", ".a/..b/...", 0}, /* dots in names are names */
	{"a..", "a..", 0},
	{".", ".", 0}, /* the root */
	{"./", ".", 0},
	{"/", ".", 0},
	{"//./", ".", 0},
	{"", NULL, -EINVAL},
	{"..", NULL, -EINVAL},
	{"../x", NULL, -EINVAL},
	{"a/../b", NULL, -EINVAL},
	{"a/..", NULL, -EINVAL},
	{"/..", NULL, -EINVAL},
	{"./../a", NULL, -EINVAL},
};

static void test_paths(void)
{
	char out[64];

	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]);
	     i++) {
		const char *in = path_cases[i].in;
		int ret = cpio_path_normalize(in, strlen(in), out, sizeof(out));

		if (!path_cases[i].out) {
			CHECK_EQ(ret, path_cases[i].err);
			continue;
		}
		CHECK_STR(out, path_cases[i].out);
		CHECK_EQ(ret, strlen(path_cases[i].out));
	}
}

/* Sizes at the edge of out, NUL bytes, names not NUL-terminated. */
static void test_path_limits(void)
{
	static char big[CPIO_PATH_MAX + 100], out[CPIO_PATH_MAX + 100];
	char small[4];

	CHECK_EQ(cpio_path_normalize("abc", 3, small, 4), 3);
	CHECK_STR(small, "abc");
	CHECK_EQ(cpio_path_normalize("abcd", 4, small, 4), -ENAMETOOLONG);
	CHECK_EQ(cpio_path_normalize("/a/b", 4, small, 4), 3);
	CHECK_STR(small, "a/b");
	CHECK_EQ(cpio_path_normalize("a/bc", 4, small, 4), -ENAMETOOLONG);
	CHECK_EQ(cpio_path_normalize(".", 1, small, 1), -ENAMETOOLONG);
	CHECK_EQ(cpio_path_normalize(".", 1, small, 2), 1);
	CHECK_EQ(cpio_path_normalize("a", 1, small, 0), -ENAMETOOLONG);
	/* A bad name is -EINVAL even where out is already full. */
	CHECK_EQ(cpio_path_normalize("abcdef/..", 9, small, 4), -EINVAL);
	CHECK_EQ(cpio_path_normalize("a\0b", 3, small, 4), -EINVAL);
	CHECK_EQ(cpio_path_normalize("ab/cd", 2, small, 4), 2); /* len counts */
	CHECK_STR(small, "ab");
	/* Longer than PATH_MAX: too long whatever out's size. */
	memset(big, 'x', sizeof(big) - 1);
	CHECK_EQ(cpio_path_normalize(big, CPIO_PATH_MAX - 1, out, sizeof(out)),
		 CPIO_PATH_MAX - 1);
	CHECK_EQ(cpio_path_normalize(big, CPIO_PATH_MAX, out, sizeof(out)),
		 -ENAMETOOLONG);
	CHECK_EQ(cpio_path_normalize(big, sizeof(big) - 1, out, sizeof(out)),
		 -ENAMETOOLONG);
	/* ... unless "./" and "//" collapse it back under. */
	for (size_t i = 0; i < 200; i += 2)
		memcpy(big + i, i % 4 ? "//" : "./", 2);
	CHECK_EQ(cpio_path_normalize(big, sizeof(big) - 1, out, sizeof(out)),
		 (int)sizeof(big) - 1 - 200);
}

/* ---------------------------------------------------------------- GNU cpio */

static uint8_t *read_fixture(const char *dir, const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = read_file(path, len);
	CHECK(buf != NULL);
	return buf;
}

static void test_gnu_cpio(const char *dir)
{
	struct cpio_entry e[MAX_ENTRIES], f, l1, l2;
	struct cpio_reader r;
	size_t len;
	uint8_t *buf = read_fixture(dir, "base.cpio", &len);

	/* . bin bin/sh empty etc etc/link1 etc/link2 fifo hello.txt */
	CHECK_EQ(read_all(buf, len, e, MAX_ENTRIES, &r), 9);
	CHECK_STR(e[0].name, ".");
	CHECK_EQ(e[0].mode & S_IFMT, S_IFDIR);
	CHECK_EQ(cpio_find(buf, len, "/bin/sh", &f), 0);
	check_entry_text(&f, "bin/sh", "busybox");
	CHECK_EQ(f.mode & S_IFMT, S_IFLNK);
	CHECK_EQ(cpio_find(buf, len, "fifo", &f), 0);
	CHECK_EQ(f.mode & S_IFMT, S_IFIFO);
	CHECK_EQ(cpio_find(buf, len, "empty", &f), 0);
	CHECK_EQ(f.size, 0);
	/* GNU cpio gives the data to the last link only. */
	CHECK_EQ(cpio_find(buf, len, "etc/link1", &l1), 0);
	CHECK_EQ(cpio_find(buf, len, "etc/link2", &l2), 0);
	CHECK_EQ(l1.ino, l2.ino);
	CHECK_EQ(l1.nlink, 2);
	CHECK_EQ(l1.size + l2.size, 7);
	CHECK(memcmp(l1.size ? l1.data : l2.data, "linked\n", 7) == 0);
	CHECK_EQ(cpio_find(buf, len, "hello.txt", &f), 0);
	check_entry_text(&f, "hello.txt", "hello, initramfs\n");
	free(buf);
}

static void test_gnu_cpio_combined(const char *dir)
{
	struct cpio_entry e[MAX_ENTRIES], f;
	struct cpio_reader r;
	size_t len;
	uint8_t *buf = read_fixture(dir, "combined.cpio", &len);

	CHECK_EQ(read_all(buf, len, e, MAX_ENTRIES, &r), 10);
	CHECK_EQ(cpio_find(buf, len, "./hello.txt", &f), 0);
	check_entry_text(&f, "hello.txt", "override\n");
	CHECK_EQ(cpio_find(buf, len, "etc/link2", &f), 0);
	free(buf);
}

/* ---------------------------------------------------------------- main */

static void write_seed(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK(fwrite(ar.buf, 1, ar.len, f) == ar.len);
	CHECK(fclose(f) == 0);
}

static void write_seeds(const char *dir)
{
	build_all_types(&ar);
	write_seed(dir, "all-types.cpio");
	build_override(&ar);
	write_seed(dir, "override.cpio");
	ar_reset(&ar);
	add(&ar, "a/one", S_IFREG | 0644, "hard", 4,
	    &(struct member){.ino = 7, .nlink = 2});
	add(&ar, "b/two", S_IFREG | 0644, NULL, 0,
	    &(struct member){.ino = 7, .nlink = 2});
	write_seed(dir, "links-no-trailer.cpio");
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--write-seeds") == 0) {
		RUN(write_seeds(argv[2]), "cpio: fuzz seeds written");
		TEST_EXIT();
	}
	run_valid_tests();
	run_malformed_tests();
	RUN(test_paths(), "cpio: path normalisation table");
	RUN(test_path_limits(), "cpio: path normalisation limits");
	if (argc > 1) {
		RUN(test_gnu_cpio(argv[1]), "cpio: GNU cpio's archive");
		RUN(test_gnu_cpio_combined(argv[1]),
		    "cpio: two GNU cpio archives, the second overrides");
	}
	TEST_EXIT();
}
