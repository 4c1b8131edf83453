/*
 * The malformed-input corpus for rastboot's filesystem readers. Broken
 * images would be too big to commit, so they are made here: each valid
 * image from make-fs-images.sh is corrupted in thousands of deterministic
 * ways (truncations, header fields, directory records and entries, FAT
 * chains, seeded random byte changes), and every mount/open/read must
 * return 0 or a negative errno, never crash (ASan/UBSan watch) or hang (an
 * alarm watches). A few corruptions also have an exact expected error.
 * Run as: build/tests/host/test_fs_corrupt DIR (same DIR as test_fs).
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <unistd.h>

#include "testlib.h"
#include "fs_image.h"

#define HANG_SECONDS 300
#define READ_CAP 65536

static const char *img_dir;
static const struct fs_image *img;
static uint8_t *data;
static size_t data_size;
static struct fs base;	      /* the valid image, mounted: its layout */
static uint64_t meta_end;     /* bytes from 0 that hold all metadata */
static char variant[160];     /* what is being tried, for failures */
static unsigned long count;   /* variants tried in this case */
static unsigned long mounted; /* ... that still mounted */
static unsigned long opened;  /* probe paths that still opened */

/* ------------------------------------------------------------ harness */

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL: hang (no answer in time) at ";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0 ||
	    write(1, variant, strlen(variant)) < 0 || write(1, "\n", 1) < 0)
		_exit(2);
	_exit(1);
}

static bool rc_ok(int rc)
{
	switch (rc) {
	case 0:
	case -ENOENT:
	case -ENOTDIR:
	case -EISDIR:
	case -ENAMETOOLONG:
	case -EINVAL:
	case -EIO:
	case -EUCLEAN:
	case -EFBIG:
	case -ENOSYS:
		return true;
	default:
		return false;
	}
}

#define CHECK_RC(call)                                                       \
	do {                                                                 \
		int _rc = (call);                                            \
		if (!rc_ok(_rc)) {                                           \
			snprintf(test_why, sizeof(test_why),                 \
				 "%s: %s returned %d", variant, #call, _rc); \
			longjmp(test_jmp, 1);                                \
		}                                                            \
	} while (0)

static const char *probe_paths[] = {
	"/",
	"/hello.txt",
	"/empty.txt",
	"/big.bin",
	"/frag.bin",
	"/odd.bin",
	"/a-long-file-name.txt",
	"/Mixed Case Name.txt",
	"/dir1",
	"/dir1/readme.txt",
	"/dir1/dir2/dir3/nested.txt",
	"/many/file-number-050.txt",
	"/many/file-number-099.txt",
	"/dir1/nope", /* scans past the 255-character name */
	"/nope",
	NULL, /* filled with the 255-character name */
};

static char long_path[6 + 255 + 1];

/* Read a file's head, middle and tail into exact-size buffers. */
static void read_some(struct fs *fs, const struct fs_file *f)
{
	uint64_t head = MIN(f->size, READ_CAP);
	uint64_t tail = MIN(f->size, 4097);
	uint8_t *buf = malloc(head + 1);

	CHECK_RC(fs_read(fs, f, 0, buf, head));
	CHECK_RC(fs_read(fs, f, f->size - tail, buf, tail));
	CHECK_RC(fs_read(fs, f, f->size / 2, buf, MIN(f->size / 2, 1000)));
	CHECK_RC(fs_read(fs, f, f->size, buf, 1));
	free(buf);
}

/* What a boot does: mount, open a few paths, read them. */
static void exercise(struct memdev *m)
{
	struct fs fs;
	int rc;

	count++;
	rc = fs_mount(&fs, &m->dev);
	CHECK_RC(rc);
	if (rc != 0)
		return;
	mounted++;
	for (size_t i = 0; i < ARRAY_SIZE(probe_paths); i++) {
		struct fs_file f;
		char p[300];

		fs_image_path(img, probe_paths[i], p, sizeof(p));
		rc = fs_open(&fs, p, &f);
		CHECK_RC(rc);
		opened += rc == 0;
		if (rc == 0 && !f.is_dir)
			read_some(&fs, &f);
	}
}

static void fresh(struct memdev *m)
{
	memdev_init(m, data, data_size, img->sector_size);
}

/* One variant: patch len bytes at off to v, then exercise. */
static void try_patch(const char *what, uint64_t off, uint32_t len, uint64_t v)
{
	struct memdev m;

	if (off + len > data_size)
		return;
	snprintf(variant, sizeof(variant), "%s/%u: %s @%llu = %#llx", img->file,
		 img->sector_size, what, (unsigned long long)off,
		 (unsigned long long)v);
	fresh(&m);
	memdev_patch(&m, off, len, v);
	exercise(&m);
}

/* Special values for a field of width bytes whose valid value is cur. */
static void try_field(const char *what, uint64_t off, uint32_t width)
{
	uint64_t cur = 0,
		 max = width >= 8 ? UINT64_MAX : (1ull << (8 * width)) - 1;
	const uint64_t vals[] = {
		0,	 1,	     2,	    3,	     0x7f,	 0x80,
		0xff,	 0x100,	     0x200, 0x1000,  0x2000,	 0xffff,
		0x10000, 0x7fffffff, max,   max - 1, max / 2 + 1};

	for (uint32_t i = 0; i < width && off + i < data_size; i++)
		cur |= (uint64_t)data[off + i] << (8 * i);
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		try_patch(what, off, width, vals[i] & max);
	try_patch(what, off, width, (cur + 1) & max);
	try_patch(what, off, width, (cur - 1) & max);
	try_patch(what, off, width, (cur << 1) & max);
	try_patch(what, off, width, cur >> 1);
}

/* Every byte of [off, off+len): zeroed, all ones, two bit flips. */
static void try_bytes(const char *what, uint64_t off, uint64_t len)
{
	for (uint64_t o = off; o < off + len && o < data_size; o++) {
		try_patch(what, o, 1, 0);
		try_patch(what, o, 1, 0xff);
		try_patch(what, o, 1, data[o] ^ 0x01);
		try_patch(what, o, 1, data[o] ^ 0x80);
	}
}

/* --------------------------------------------------- structure walkers */

#define MAX_REFS 2048

struct ref {
	uint64_t off;
	uint32_t len;
	bool lfn;
};

static struct ref refs[MAX_REFS];
static int nrefs;

static void add_ref(uint64_t off, uint32_t len, bool lfn)
{
	if (nrefs < MAX_REFS)
		refs[nrefs++] = (struct ref){off, len, lfn};
	meta_end = MAX(meta_end, off + len);
}

/* Every directory record of a valid ISO, depth first. */
static void iso_walk(uint64_t loc, uint64_t size, int depth)
{
	uint32_t bs = base.u.iso.block_size;

	meta_end = MAX(meta_end, loc + size);
	for (uint64_t blk = 0; blk < size; blk += bs) {
		for (uint64_t i = 0; i < bs;) {
			const uint8_t *r = data + loc + blk + i;

			if (r[0] == 0)
				break;
			add_ref(loc + blk + i, r[0], false);
			if ((r[25] & 2) && !(r[32] == 1 && r[33] <= 1) &&
			    depth < 8)
				iso_walk((uint64_t)get_le32(r + 2) * bs,
					 get_le32(r + 10), depth + 1);
			i += r[0];
		}
	}
}

static uint64_t cluster_off(uint32_t c)
{
	return base.u.fat.data_start + (uint64_t)(c - 2) *
					       base.u.fat.bytes_per_sector *
					       base.u.fat.sectors_per_cluster;
}

static void fat_walk_chain(uint32_t c, int depth);

/* Entries in [off, off+len); false at the end-of-directory mark. */
static bool fat_walk_region(uint64_t off, uint64_t len, int depth)
{
	for (uint64_t i = 0; i + 32 <= len; i += 32) {
		const uint8_t *e = data + off + i;
		bool lfn = (e[11] & 0x3f) == 0x0f;
		uint32_t c = get_le16(e + 26);

		if (e[0] == 0)
			return false;
		add_ref(off + i, 32, lfn);
		if (base.u.fat.type == 32)
			c |= (uint32_t)get_le16(e + 20) << 16;
		if (!lfn && (e[11] & 0x10) && e[0] != '.' && e[0] != 0xe5 &&
		    depth < 8)
			fat_walk_chain(c, depth + 1);
	}
	return true;
}

static void fat_walk_chain(uint32_t c, int depth)
{
	uint32_t cb =
		base.u.fat.bytes_per_sector * base.u.fat.sectors_per_cluster;

	for (int n = 0; n < 10000 && !fs_image_fat_eoc(&base, c); n++) {
		if (!fat_walk_region(cluster_off(c), cb, depth))
			break;
		meta_end = MAX(meta_end, cluster_off(c) + cb);
		c = fs_image_fat_get(&base, data, c);
	}
}

static void walk_image(void)
{
	nrefs = 0;
	meta_end = 0;
	if (img->fat_type == 0) {
		meta_end = 32768 + 4 * 2048;
		iso_walk(base.u.iso.root_loc, base.u.iso.root_size, 0);
	} else if (img->fat_type == 32) {
		meta_end = base.u.fat.data_start;
		fat_walk_chain(base.u.fat.root_cluster, 0);
	} else {
		meta_end = base.u.fat.data_start;
		fat_walk_region(base.u.fat.root_start,
				base.u.fat.root_entries * 32ull, 0);
	}
}

/* ------------------------------------------------------------- cases */

static void try_truncate(uint64_t cut)
{
	struct memdev m;

	snprintf(variant, sizeof(variant), "%s/%u: truncated to %llu",
		 img->file, img->sector_size, (unsigned long long)cut);
	memdev_init(&m, data, cut, img->sector_size);
	exercise(&m);
}

static void test_truncations(void)
{
	for (uint64_t p = 1; p < data_size; p <<= 1) {
		try_truncate(p - 1);
		try_truncate(p);
		try_truncate(p + 1);
	}
	for (uint64_t i = 0; i < 256; i++)
		try_truncate(data_size * i / 256);
	/* Densely where the metadata is, at odd sizes too. */
	for (uint64_t i = 0; i < 512; i++)
		try_truncate(meta_end * i / 512 | (i & 1));
}

static void test_iso_header(void)
{
	const uint64_t pvd = 32768;

	try_bytes("pvd", pvd, 8);
	try_bytes("pvd", pvd + 80, 16);
	try_bytes("pvd", pvd + 120, 72);
	try_bytes("next vd", pvd + 2048, 8);
	try_field("volume blocks", pvd + 80, 4);
	try_field("block size", pvd + 128, 2);
	try_field("root length", pvd + 156, 1);
	try_field("root ear", pvd + 157, 1);
	try_field("root extent", pvd + 158, 4);
	try_field("root size", pvd + 166, 4);
	try_field("root flags", pvd + 181, 1);
	try_field("root name length", pvd + 188, 1);
}

static void test_fat_header(void)
{
	static const struct {
		const char *name;
		uint32_t off, width;
	} f[] = {
		{"bytes/sector", 11, 2}, {"sectors/cluster", 13, 1},
		{"reserved", 14, 2},	 {"fats", 16, 1},
		{"root entries", 17, 2}, {"total16", 19, 2},
		{"media", 21, 1},	 {"fat size16", 22, 2},
		{"total32", 32, 4},	 {"fat size32", 36, 4},
		{"ext flags", 40, 2},	 {"version", 42, 2},
		{"root cluster", 44, 4},
	};

	try_bytes("bpb", 0, 90);
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		try_field(f[i].name, f[i].off, f[i].width);
}

static void test_header(void)
{
	if (img->fat_type)
		test_fat_header();
	else
		test_iso_header();
}

/* Each SUSP entry of the record at off: lengths, NM flags, CE pointers. */
static void try_susp(uint64_t off)
{
	const uint8_t *r = data + off;
	uint32_t rl = r[0], nl = r[32];
	uint32_t su = 33 + nl + !(nl & 1) + base.u.iso.susp_skip;

	while (su + 4 <= rl && data[off + su + 2] >= 4) {
		const uint8_t *e = data + off + su;

		try_field("susp length", off + su + 2, 1);
		if (e[0] == 'N' && e[1] == 'M')
			try_field("nm flags", off + su + 4, 1);
		if (e[0] == 'C' && e[1] == 'E') {
			try_field("ce block", off + su + 4, 4);
			try_field("ce offset", off + su + 12, 4);
			try_field("ce length", off + su + 20, 4);
		}
		if (e[0] == 'S' && e[1] == 'P') {
			try_field("sp check", off + su + 4, 2);
			try_field("sp skip", off + su + 6, 1);
		}
		su += e[2];
	}
}

static void try_iso_record(uint64_t off)
{
	try_field("record length", off, 1);
	try_field("record ear", off + 1, 1);
	try_field("record extent", off + 2, 4);
	try_field("record size", off + 10, 4);
	try_field("record flags", off + 25, 1);
	try_field("record unit", off + 26, 1);
	try_field("record name length", off + 32, 1);
	if (base.u.iso.rock_ridge)
		try_susp(off);
}

static void try_fat_entry(const struct ref *r)
{
	if (r->lfn) {
		try_field("lfn ordinal", r->off, 1);
		try_field("lfn char", r->off + 1, 2);
		try_field("lfn attr", r->off + 11, 1);
		try_field("lfn type", r->off + 12, 1);
		try_field("lfn checksum", r->off + 13, 1);
		try_field("lfn char", r->off + 28, 2);
		return;
	}
	try_field("name", r->off, 1);
	try_field("ext", r->off + 8, 1);
	try_field("attr", r->off + 11, 1);
	try_field("cluster hi", r->off + 20, 2);
	try_field("cluster lo", r->off + 26, 2);
	try_field("size", r->off + 28, 4);
}

/* All records of small directories, a sample of the 100-file one. */
static void test_records(void)
{
	for (int i = 0; i < nrefs; i++) {
		if (i >= 48 && i % 7 != 0)
			continue;
		if (img->fat_type)
			try_fat_entry(&refs[i]);
		else
			try_iso_record(refs[i].off);
	}
}

/* The clusters of path's chain on the valid image; returns how many. */
static int chain_of(const char *path, uint32_t *out, int max)
{
	struct fs_file f;
	int n = 0;

	if (fs_open(&base, path, &f) != 0)
		return 0;
	for (uint32_t c = (uint32_t)f.loc;
	     n < max && c >= 2 && !fs_image_fat_eoc(&base, c);
	     c = fs_image_fat_get(&base, data, c))
		out[n++] = c;
	return n;
}

static void try_fat_value(const char *path, uint32_t c, uint32_t v)
{
	struct memdev m;

	snprintf(variant, sizeof(variant), "%s/%u: %s: fat[%u] = %#x",
		 img->file, img->sector_size, path, c, v);
	fresh(&m);
	fs_image_fat_set(&m, &base, c, v);
	exercise(&m);
}

static void try_chain(const char *path)
{
	static uint32_t ch[4096];
	uint32_t cnt = base.u.fat.cluster_count;
	uint32_t bad = base.u.fat.type == 12   ? 0xff7
		       : base.u.fat.type == 16 ? 0xfff7
					       : 0x0ffffff7;
	int n = chain_of(path, ch, ARRAY_SIZE(ch));

	for (int i = 0; i < n; i++) {
		bool edge = i + 1 < n && ch[i + 1] != ch[i] + 1;
		const uint32_t vals[] = {
			ch[i],	    ch[0], ch[i > 0 ? i - 1 : 0],
			0,	    1,	   cnt + 1,
			cnt + 2,    bad,   bad + 1,
			0x0fffffff,
		};

		if (i > 2 && i != n / 2 && i < n - 2 && !edge)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(vals); j++)
			try_fat_value(path, ch[i], vals[j]);
	}
}

static void test_chains(void)
{
	try_chain("/big.bin");
	try_chain("/frag.bin");
	try_chain("/many");
	try_chain("/dir1");
	try_chain("/odd.bin");
	if (base.u.fat.type == 32)
		try_chain("/");
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random offset where a change is likely to matter. */
static uint64_t random_offset(void)
{
	uint64_t hdr = img->fat_type ? 0 : 32768;
	uint64_t fat_used = img->fat_type ? 4ull * 2048 : 0;
	const struct ref *r = &refs[rnd() % nrefs];

	switch (rnd() % 5) {
	case 0:
		return hdr + rnd() % 512; /* boot sector / PVD */
	case 1:
		if (fat_used)
			return base.u.fat.fat_start + rnd() % fat_used;
		/* fall through */
	case 2:
	case 3:
		return r->off + rnd() % r->len; /* directory entries */
	default:
		return rnd() % (rnd() % 4 ? meta_end : data_size);
	}
}

/* Seeded random byte changes, mostly where the metadata lives. */
static void test_random(int seed)
{
	rnd_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)seed * 0x5851f42d;
	for (int v = 0; v < 5000; v++) {
		struct memdev m;
		int k = 1 + (int)(rnd() % 8);

		fresh(&m);
		for (int j = 0; j < k; j++) {
			uint64_t off = random_offset() % data_size;
			uint64_t r = rnd();
			uint8_t b =
				r & 1 ? (uint8_t)(r >> 8)
				      : data[off] ^
						(uint8_t)(1 << (r >> 8) % 8);

			memdev_patch(&m, off, 1, b);
		}
		snprintf(variant, sizeof(variant),
			 "%s/%u: random #%d (seed %d)", img->file,
			 img->sector_size, v, seed);
		exercise(&m);
	}
}

/* ----------------------------------------------- exact expected errors */

static int open_read(struct memdev *m, const char *path)
{
	static uint8_t buf[1 << 20];
	struct fs fs;
	struct fs_file f;
	char p[256];
	int rc = fs_mount(&fs, &m->dev);

	if (rc)
		return rc;
	fs_image_path(img, path, p, sizeof(p));
	rc = fs_open(&fs, p, &f);
	if (rc || f.is_dir)
		return rc;
	return fs_read(&fs, &f, 0, buf, MIN(f.size, sizeof(buf)));
}

static int expect_patched(uint64_t off, uint32_t len, uint64_t v,
			  const char *path)
{
	struct memdev m;

	fresh(&m);
	memdev_patch(&m, off, len, v);
	return open_read(&m, path);
}

static int expect_fat(const char *path, uint32_t c, uint32_t v)
{
	struct memdev m;

	fresh(&m);
	fs_image_fat_set(&m, &base, c, v);
	return open_read(&m, path);
}

static void test_expected_fat(void)
{
	static uint32_t ch[4096];
	uint32_t cnt = base.u.fat.cluster_count;
	int n = chain_of("/big.bin", ch, ARRAY_SIZE(ch));
	int nd = chain_of("/many", ch + n, ARRAY_SIZE(ch) - n);

	CHECK(n > 10 && nd >= 2);
	CHECK_EQ(expect_fat("/big.bin", ch[5], ch[5]), -EUCLEAN);
	CHECK_EQ(expect_fat("/big.bin", ch[5], ch[0]), -EUCLEAN);
	CHECK_EQ(expect_fat("/big.bin", ch[5], 0), -EUCLEAN);
	CHECK_EQ(expect_fat("/big.bin", ch[5], cnt + 2), -EUCLEAN);
	CHECK_EQ(expect_fat("/big.bin", ch[5], 0x0fffffff), -EUCLEAN);
	/* A looping directory ends in -EUCLEAN, not in a hang. */
	CHECK_EQ(expect_fat("/many/nope", ch[n], ch[n]), -EUCLEAN);
	CHECK_EQ(expect_fat("/many/nope", ch[n + 1], ch[n]), -EUCLEAN);
	CHECK_EQ(expect_patched(11, 2, 0, "/hello.txt"), -EINVAL);
	CHECK_EQ(expect_patched(0, 1, 0, "/hello.txt"), -EINVAL);
	CHECK_EQ(expect_patched(16, 1, 0, "/hello.txt"), -EINVAL);
	CHECK_EQ(expect_patched(19, 2, 10, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(32, 4, 10, "/hello.txt"),
		 get_le16(data + 19) ? 0 : -EUCLEAN);
	if (base.u.fat.type == 32)
		CHECK_EQ(expect_patched(44, 4, 0, "/hello.txt"), -EUCLEAN);
	else
		CHECK_EQ(expect_patched(17, 2, 0, "/hello.txt"), -EUCLEAN);
}

/* The record named name (ISO spelling) among refs, or 0. */
static uint64_t iso_record(const char *name)
{
	for (int i = 0; i < nrefs; i++) {
		const uint8_t *r = data + refs[i].off;

		if (r[32] >= strlen(name) &&
		    memcmp(r + 33, name, strlen(name)) == 0)
			return refs[i].off;
	}
	return 0;
}

static void test_expected_iso(void)
{
	uint64_t hello = iso_record("HELLO.TXT");
	uint64_t blocks = data_size / base.u.iso.block_size;

	CHECK(hello != 0);
	CHECK_EQ(expect_patched(hello + 25, 1, 0x80, "/hello.txt"), -EFBIG);
	CHECK_EQ(expect_patched(hello + 2, 4, blocks, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(hello + 10, 4, 0xffffffff, "/hello.txt"),
		 -EUCLEAN);
	CHECK_EQ(expect_patched(hello, 1, 1, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(hello + 32, 1, 255, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(32769, 1, 'X', "/hello.txt"), -EINVAL);
	CHECK_EQ(expect_patched(32768 + 128, 2, 0, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(32768 + 128, 2, 4096, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(32768, 1, 255, "/hello.txt"), -EUCLEAN);
	CHECK_EQ(expect_patched(32768 + 158, 4, blocks, "/hello.txt"),
		 -EUCLEAN);
}

static void test_expected(void)
{
	if (img->fat_type)
		test_expected_fat();
	else
		test_expected_iso();
}

/* ---------------------------------------------------------------- main */

static void test_setup(void)
{
	static struct memdev m;

	fresh(&m);
	CHECK_EQ(fs_mount(&base, &m.dev), 0);
	walk_image();
	CHECK(nrefs > 20);
	/* The probes must mean something: all but the "nope"s open. */
	for (size_t i = 0; i < ARRAY_SIZE(probe_paths); i++) {
		struct fs_file f;
		char p[300];

		fs_image_path(img, probe_paths[i], p, sizeof(p));
		CHECK_EQ(fs_open(&base, p, &f),
			 strstr(p, "nope") ? -ENOENT : 0);
	}
}

static void test_random_all(void)
{
	test_random((int)(img - fs_images));
}

/* Like RUN, but the name ends with the number of variants tried. */
static void run_case(void (*fn)(void), const char *what)
{
	count = mounted = opened = 0;
	alarm(HANG_SECONDS);
	if (setjmp(test_jmp) == 0) {
		fn();
		printf("PASS: %s/%u: %s", img->file, img->sector_size, what);
		if (count)
			printf(": %lu variants (%lu mounted, %lu opens)", count,
			       mounted, opened);
		printf("\n");
	} else {
		printf("FAIL: %s/%u: %s: %s\n", img->file, img->sector_size,
		       what, test_why);
		test_failures++;
	}
	fflush(stdout);
	alarm(0);
}

int main(int argc, char **argv)
{
	img_dir = fs_image_dir(argc, argv);
	if (!img_dir) {
		printf("FAIL: fs images: usage: test_fs_corrupt DIR, DIR made "
		       "by tests/host/make-fs-images.sh\n");
		return 1;
	}
	signal(SIGALRM, on_alarm);
	memset(long_path, '0', sizeof(long_path) - 1);
	memcpy(long_path, "/dir1/very-long-name-", 21);
	memcpy(long_path + sizeof(long_path) - 5, ".txt", 5);
	probe_paths[ARRAY_SIZE(probe_paths) - 1] = long_path;
	for (size_t i = 0; i < ARRAY_SIZE(fs_images); i++) {
		img = &fs_images[i];
		data = fs_image_load(img_dir, img->file, &data_size);
		RUN(CHECK(data != NULL), "%s: load", img->file);
		if (!data)
			continue;
		RUN(test_setup(), "%s/%u: valid image mounts", img->file,
		    img->sector_size);
		run_case(test_expected, "exact errors");
		run_case(test_truncations, "truncations");
		run_case(test_header, "header fields");
		run_case(test_records, "directory records");
		if (img->fat_type)
			run_case(test_chains, "FAT chains");
		run_case(test_random_all, "random changes");
		free(data);
	}
	TEST_EXIT();
}
