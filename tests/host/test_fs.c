/*
 * Host tests for rastboot's filesystem readers (boot/src/fs/) and
 * bdev_read_bytes(), on real images built by mkisofs-like xorriso and
 * mtools. Run as
 *
 *     tests/host/make-fs-images.sh DIR && build/tests/host/test_fs DIR
 *
 * (tests/run.sh does both; $FS_IMAGES works instead of the argument).
 * DIR/src holds the files the images were made from: every one must read
 * back byte-exact from every image. test_fs_corrupt feeds the same images,
 * corrupted, to the readers.
 */
#define _POSIX_C_SOURCE 200809L

#include "testlib.h"
#include "fs_image.h"

static const char *img_dir;
static struct fs_tree tree;

/* ------------------------------------------------------- bdev_read_bytes */

static uint8_t pat[16 * 4096];

static void bdev_setup(struct memdev *m, uint32_t ss)
{
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + i / 251);
	memdev_init(m, pat, sizeof(pat), ss);
}

static void test_bdev_ranges(uint32_t ss)
{
	const uint64_t offs[] = {0, 1, ss - 1, ss, ss + 1, 3 * ss + 5};
	const size_t lens[] = {0, 1, ss - 1, ss, ss + 1, 2 * ss, 5 * ss + 3};
	static uint8_t buf[8 * 4096];
	struct memdev m;

	bdev_setup(&m, ss);
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(lens); j++) {
			memset(buf, 0xcc, sizeof(buf));
			CHECK_EQ(bdev_read_bytes(&m.dev, offs[i], buf, lens[j]),
				 0);
			CHECK(memcmp(buf, pat + offs[i], lens[j]) == 0);
			CHECK_EQ(buf[lens[j]], 0xcc); /* no overrun */
		}
	}
}

static void test_bdev_batching(void)
{
	static uint8_t buf[32 * 512];
	struct memdev m;

	bdev_setup(&m, 512);
	CHECK_EQ(bdev_read_bytes(&m.dev, 1024, buf, 20 * 512), 0);
	CHECK_EQ(m.calls, 1); /* aligned: straight into buf, one call */
	m.calls = 0;
	CHECK_EQ(bdev_read_bytes(&m.dev, 1000, buf, 20 * 512), 0);
	CHECK_EQ(m.calls, 3); /* head, middle, tail */
	CHECK(memcmp(buf, pat + 1000, 20 * 512) == 0);
	m.calls = 0;
	CHECK_EQ(bdev_read_bytes(&m.dev, 1030, buf, 10), 0);
	CHECK_EQ(m.calls, 1);
}

static int failing_read(struct blockdev *dev, uint64_t lba, uint32_t count,
			void *buf)
{
	return *(int *)dev->priv;
}

static void test_bdev_errors(void)
{
	static const struct blockdev_ops fail_ops = {.read = failing_read};
	uint8_t buf[1024];
	struct memdev m;
	int ret = -EIO;
	struct blockdev bad = {&fail_ops, &ret, 512, 0, 100};

	bdev_setup(&m, 512);
	CHECK_EQ(bdev_read_bytes(&m.dev, sizeof(pat), buf, 0), 0);
	CHECK_EQ(bdev_read_bytes(&m.dev, sizeof(pat), buf, 1), -EIO);
	CHECK_EQ(bdev_read_bytes(&m.dev, sizeof(pat) - 1, buf, 2), -EIO);
	CHECK_EQ(bdev_read_bytes(&m.dev, UINT64_MAX, buf, 1), -EIO);
	CHECK_EQ(bdev_read_bytes(&m.dev, 1, buf, SIZE_MAX), -EIO);
	m.dev.sector_size = 0;
	CHECK_EQ(bdev_read_bytes(&m.dev, 0, buf, 1), -EINVAL);
	m.dev.sector_size = 8192;
	CHECK_EQ(bdev_read_bytes(&m.dev, 0, buf, 1), -EINVAL);
	CHECK_EQ(bdev_read_bytes(&bad, 0, buf, 1024), -EIO);
	CHECK_EQ(bdev_read_bytes(&bad, 3, buf, 10), -EIO);
	ret = 1; /* a confused driver's "success count" is still an error */
	CHECK_EQ(bdev_read_bytes(&bad, 0, buf, 512), -EIO);
}

static void test_mount_garbage(void)
{
	static uint8_t junk[1 << 20];
	struct memdev m;
	struct fs fs;

	memdev_init(&m, junk, sizeof(junk), 512);
	CHECK_EQ(fs_mount(&fs, &m.dev), -EINVAL);
	CHECK(fs.ops == NULL);
	memset(junk, 0xff, sizeof(junk));
	CHECK_EQ(fs_mount(&fs, &m.dev), -EINVAL);
	memdev_init(&m, junk, 100, 512); /* smaller than any boot sector */
	CHECK_EQ(fs_mount(&fs, &m.dev), -EINVAL);
	memdev_init(&m, junk, 0, 2048);
	CHECK_EQ(fs_mount(&fs, &m.dev), -EINVAL);
}

static void test_paths(void)
{
	const char *name;
	const char *p;
	size_t len;
	char longname[300];

	p = "//a///bc/./d/.";
	CHECK_EQ(fs_path_next(&p, &name, &len), 1);
	CHECK(len == 1 && name[0] == 'a');
	CHECK_EQ(fs_path_next(&p, &name, &len), 1);
	CHECK(len == 2 && strncmp(name, "bc", 2) == 0);
	CHECK_EQ(fs_path_next(&p, &name, &len), 1);
	CHECK(len == 1 && name[0] == 'd');
	CHECK_EQ(fs_path_next(&p, &name, &len), 0);
	p = "a/../b";
	CHECK_EQ(fs_path_next(&p, &name, &len), 1);
	CHECK_EQ(fs_path_next(&p, &name, &len), -ENOENT);
	memset(longname, 'x', sizeof(longname));
	longname[FS_NAME_MAX] = '\0';
	p = longname;
	CHECK_EQ(fs_path_next(&p, &name, &len), 1);
	CHECK_EQ(len, FS_NAME_MAX);
	longname[FS_NAME_MAX] = 'x';
	longname[FS_NAME_MAX + 1] = '\0';
	p = longname;
	CHECK_EQ(fs_path_next(&p, &name, &len), -ENAMETOOLONG);
}

/* ------------------------------------------------------------ on images */

struct ctx {
	const struct fs_image *img;
	uint8_t *data;
	size_t size;
	struct memdev m;
	struct fs fs;
};

static struct ctx ctx;

static void test_mount(struct ctx *c)
{
	memdev_init(&c->m, c->data, c->size, c->img->sector_size);
	CHECK_EQ(fs_mount(&c->fs, &c->m.dev), 0);
	CHECK_STR(c->fs.ops->name, c->img->fs_name);
	if (c->img->fat_type)
		CHECK_EQ(c->fs.u.fat.type, c->img->fat_type);
	else
		CHECK_EQ(c->fs.u.iso.rock_ridge, c->img->rock_ridge);
}

static uint8_t *load_src(const char *path, size_t *size)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "src%s", path);
	return fs_image_load(img_dir, rel, size);
}

/* Open path (a src-relative name) on the image and compare all of it. */
static void check_file(struct ctx *c, const char *path)
{
	char p[512];
	struct fs_file f;
	size_t n;
	uint8_t *src = load_src(path, &n);
	uint8_t *buf;
	int rc;

	CHECK(src != NULL);
	fs_image_path(c->img, path, p, sizeof(p));
	rc = fs_open(&c->fs, p, &f);
	if (rc != 0)
		free(src);
	CHECK_EQ(rc, 0);
	buf = malloc(n + 1);
	rc = fs_read(&c->fs, &f, 0, buf, n);
	rc = rc ? rc : memcmp(buf, src, n) != 0;
	free(buf);
	free(src);
	CHECK_EQ(f.is_dir, 0);
	CHECK_EQ(f.size, n);
	CHECK_EQ(rc, 0);
}

static void test_all_files(struct ctx *c)
{
	CHECK(tree.count > 100);
	for (int i = 0; i < tree.count; i++)
		check_file(c, tree.path[i]);
}

static void open_file(struct ctx *c, const char *path, struct fs_file *f)
{
	char p[512];

	fs_image_path(c->img, path, p, sizeof(p));
	CHECK_EQ(fs_open(&c->fs, p, f), 0);
}

/* Word i of big.bin is i: checks data placement without the source. */
static void test_big_pattern(struct ctx *c)
{
	struct fs_file f;
	uint8_t *buf;
	int bad = 0;

	open_file(c, "/big.bin", &f);
	CHECK_EQ(f.size, 700000);
	buf = malloc(f.size);
	c->m.calls = 0;
	CHECK_EQ(fs_read(&c->fs, &f, 0, buf, f.size), 0);
	for (uint32_t i = 0; i < f.size / 4; i++)
		bad |= get_le32(buf + 4 * i) != i;
	free(buf);
	CHECK_EQ(bad, 0);
	/*
	 * Contiguous file: one data read (ISO: up to head/middle/tail), and
	 * FAT sectors each read once thanks to the cache.
	 */
	CHECK(c->m.calls <= (c->img->fat_type ? 16u : 3u));
}

static uint64_t unit_size(const struct ctx *c)
{
	if (c->img->fat_type)
		return (uint64_t)c->fs.u.fat.bytes_per_sector *
		       c->fs.u.fat.sectors_per_cluster;
	return c->fs.u.iso.block_size;
}

/* Reads at odd offsets and lengths, across sector and cluster ends. */
static void check_partial(struct ctx *c, const char *path)
{
	uint64_t u = unit_size(c);
	uint64_t offs[32] = {0, 1, 3, 511, 512, 513, 2047, 2048, 2049, 4097};
	const size_t lens[] = {1, 2, 31, 511, 512, 513, 2048, 4097, 65537};
	size_t n, no = 10;
	uint8_t *src = load_src(path, &n);
	uint8_t *buf = malloc(70000);
	struct fs_file f;
	int bad = 0;

	CHECK(src != NULL && buf != NULL);
	for (uint64_t k = 1; k <= 4; k++) {
		offs[no++] = k * u - 1;
		offs[no++] = k * u;
		offs[no++] = k * u + 1;
	}
	offs[no++] = n / 2 + 1;
	offs[no++] = n - 1;
	open_file(c, path, &f);
	for (size_t i = 0; i < no; i++) {
		for (size_t j = 0; j < ARRAY_SIZE(lens); j++) {
			if (offs[i] + lens[j] > n)
				continue;
			if (fs_read(&c->fs, &f, offs[i], buf, lens[j]) != 0 ||
			    memcmp(buf, src + offs[i], lens[j]) != 0)
				bad++;
		}
	}
	free(buf);
	free(src);
	CHECK_EQ(bad, 0);
}

static void test_partial(struct ctx *c)
{
	check_partial(c, "/big.bin");
	check_partial(c, "/frag.bin");
	check_partial(c, "/odd.bin");
}

static void expect_open(struct ctx *c, const char *path, int err)
{
	struct fs_file f;

	CHECK_EQ(fs_open(&c->fs, path, &f), err);
}

static void test_errors(struct ctx *c)
{
	char longname[300] = "/";
	struct fs_file f, d;
	uint8_t b[2];

	expect_open(c, "/nope", -ENOENT);
	expect_open(c, "/dir1/nope.txt", -ENOENT);
	expect_open(c, "/dir1/dir2/dir3/nested.txt.bak", -ENOENT);
	expect_open(c, "/dir1/dir2/dir4/x", -ENOENT);
	expect_open(c, "/dir1/../hello.txt", -ENOENT);
	expect_open(c, "/hello.txt/x", -ENOTDIR);
	expect_open(c, "/hello.txt/", -ENOTDIR);
	expect_open(c, "/dir1/dir2/dir3/nested.txt/a/b", -ENOTDIR);
	memset(longname + 1, 'a', 256);
	expect_open(c, longname, -ENAMETOOLONG);
	longname[256] = '\0'; /* 255 characters: legal, just absent */
	expect_open(c, longname, -ENOENT);

	CHECK_EQ(fs_open(&c->fs, "/hello.txt", &f), 0);
	CHECK_EQ(fs_read(&c->fs, &f, f.size, b, 0), 0);
	CHECK_EQ(fs_read(&c->fs, &f, f.size, b, 1), -EINVAL);
	CHECK_EQ(fs_read(&c->fs, &f, f.size - 1, b, 2), -EINVAL);
	CHECK_EQ(fs_read(&c->fs, &f, f.size + 1, b, 0), -EINVAL);
	CHECK_EQ(fs_read(&c->fs, &f, 1, b, SIZE_MAX), -EINVAL);
	CHECK_EQ(fs_read(&c->fs, &f, UINT64_MAX, b, 1), -EINVAL);
	CHECK_EQ(c->fs.ops->read(&c->fs, &f, f.size, b, 1), -EINVAL);

	CHECK_EQ(fs_open(&c->fs, "/dir1", &d), 0);
	CHECK_EQ(d.is_dir, 1);
	CHECK_EQ(fs_read(&c->fs, &d, 0, b, 1), -EISDIR);
	CHECK_EQ(c->fs.ops->read(&c->fs, &d, 0, b, 1), -EISDIR);

	CHECK_EQ(fs_open(&c->fs, "/empty.txt", &f), 0);
	CHECK_EQ(f.size, 0);
	CHECK_EQ(fs_read(&c->fs, &f, 0, b, 0), 0);
	CHECK_EQ(fs_read(&c->fs, &f, 0, b, 1), -EINVAL);
}

static void expect_nested(struct ctx *c, const char *path)
{
	struct fs_file f;
	char buf[32];

	CHECK_EQ(fs_open(&c->fs, path, &f), 0);
	CHECK_EQ(f.size, 18);
	CHECK_EQ(fs_read(&c->fs, &f, 0, buf, 18), 0);
	CHECK(memcmp(buf, "three levels down\n", 18) == 0);
}

static void test_path_forms(struct ctx *c)
{
	struct fs_file f;

	CHECK_EQ(fs_open(&c->fs, "/", &f), 0);
	CHECK_EQ(f.is_dir, 1);
	CHECK_EQ(fs_open(&c->fs, "", &f), 0);
	CHECK_EQ(f.is_dir, 1);
	CHECK_EQ(fs_open(&c->fs, "/dir1/", &f), 0);
	CHECK_EQ(f.is_dir, 1);
	expect_nested(c, "/dir1/dir2/dir3/nested.txt");
	expect_nested(c, "dir1/dir2/dir3/nested.txt");
	expect_nested(c, "//dir1///dir2/./dir3//nested.txt");
	expect_nested(c, "/DIR1/Dir2/dIR3/NESTED.TXT");
	CHECK_EQ(fs_open(&c->fs, "/HELLO.TXT", &f), 0);
	CHECK_EQ(f.size, 15);
	if (c->img->fat_type) {
		/* The 8.3 alias mtools gave the long name also opens. */
		CHECK_EQ(fs_open(&c->fs, "/a-long~1.txt", &f), 0);
		CHECK_EQ(f.size, 16);
	}
	if (fs_image_is_plain_iso(c->img))
		expect_open(c, "/a-long-file-name.txt", -ENOENT);
	else
		CHECK_EQ(fs_open(&c->fs, "/A-Long-File-Name.TXT", &f), 0);
}

/* frag.bin must really be in pieces, or the run logic goes untested. */
static void test_fragmented(struct ctx *c)
{
	struct fs_file f;
	uint32_t cl, runs = 1, steps = 0;

	open_file(c, "/frag.bin", &f);
	cl = (uint32_t)f.loc;
	for (;;) {
		uint32_t next = fs_image_fat_get(&c->fs, c->data, cl);

		CHECK(++steps < 1000);
		if (fs_image_fat_eoc(&c->fs, next))
			break;
		runs += next != cl + 1;
		cl = next;
	}
	CHECK(runs >= 3);
	/* One read per run, plus a FAT sector or two. */
	c->m.calls = 0;
	check_file(c, "/frag.bin");
	CHECK(c->m.calls <= runs + 4);
}

static void run_image(const struct fs_image *img)
{
	const char *n = img->file;
	uint32_t ss = img->sector_size;

	ctx.img = img;
	ctx.data = fs_image_load(img_dir, img->file, &ctx.size);
	RUN(CHECK(ctx.data != NULL), "%s/%u: load", n, ss);
	if (!ctx.data)
		return;
	RUN(test_mount(&ctx), "%s/%u: mount", n, ss);
	RUN(test_all_files(&ctx), "%s/%u: %d files read back exactly", n, ss,
	    tree.count);
	RUN(test_big_pattern(&ctx), "%s/%u: big file, batched reads", n, ss);
	RUN(test_partial(&ctx), "%s/%u: partial reads", n, ss);
	RUN(test_errors(&ctx), "%s/%u: errors", n, ss);
	RUN(test_path_forms(&ctx), "%s/%u: path forms", n, ss);
	if (img->fat_type)
		RUN(test_fragmented(&ctx), "%s/%u: fragmented file", n, ss);
	free(ctx.data);
}

int main(int argc, char **argv)
{
	RUN(test_bdev_ranges(512), "bdev: byte ranges, 512-byte sectors");
	RUN(test_bdev_ranges(2048), "bdev: byte ranges, 2048-byte sectors");
	RUN(test_bdev_ranges(4096), "bdev: byte ranges, 4096-byte sectors");
	RUN(test_bdev_batching(), "bdev: aligned reads in one call");
	RUN(test_bdev_errors(), "bdev: bounds and device errors");
	RUN(test_mount_garbage(), "fs: garbage is not a filesystem");
	RUN(test_paths(), "fs: path splitting");

	img_dir = fs_image_dir(argc, argv);
	if (!img_dir) {
		printf("FAIL: fs images: usage: test_fs DIR, DIR made by "
		       "tests/host/make-fs-images.sh\n");
		return 1;
	}
	fs_tree_load(&tree, img_dir);
	for (size_t i = 0; i < ARRAY_SIZE(fs_images); i++)
		run_image(&fs_images[i]);
	TEST_EXIT();
}
