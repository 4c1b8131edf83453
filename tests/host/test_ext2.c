/*
 * Host tests of ext2 (kernel/fs/ext2/) and the write-back code, compiled
 * unchanged with the VFS (vfs_shim.c) and a block layer over images in
 * memory (blk_shim.c), under ASan and UBSan. The images come from the
 * host's mke2fs, the verdicts from its e2fsck and debugfs:
 *
 *  - read: images of 1, 2 and 4 KiB blocks and of revision 0, made with
 *    mke2fs -d from a tree of files (holes, indirect blocks, links, many
 *    names), read back byte-exact;
 *  - write: a workload (small files, a large file with holes reaching the
 *    triple indirect block, a rename storm, deep directories, hard and
 *    symbolic links, truncates, deletes, mknod, chmod) done both here and
 *    in a mirror directory on the host; after sync and after umount,
 *    e2fsck -fn must find the image clean and debugfs's rdump must give
 *    the mirror's files exactly;
 *  - ENOSPC on a full small image; features (ext4 read-only, unknown
 *    incompatible ones refused); corrupt images: mount fails or calls
 *    fail with -EUCLEAN/-EIO, never a crash, and random damage too.
 *
 *   test_ext2    (needs mke2fs, e2fsck and debugfs: e2fsprogs)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "testlib.h"
#include "ext2_host.h"
#include "ext2_hostfs.h"
#include "../../kernel/fs/ext2/ext2.h"

static char work[64];

/* ---------------------------------------------------------------- host */

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return hfs_exit_status(st);
}

/* Deterministic contents: byte i of a file of seed s. */
static void fill(uint8_t *buf, size_t n, uint64_t off, unsigned int s)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)((off + i) * 131 + s + (off + i) / 4093);
}

static void host_file(const char *path, size_t n, unsigned int s)
{
	uint8_t *b = malloc(n + 1);
	FILE *f = fopen(path, "wb");

	fill(b, n, 0, s);
	if (!f || fwrite(b, 1, n, f) != n)
		abort();
	fclose(f);
	free(b);
}

/* The tree the images are made from, in work/src. */
static void make_src(void)
{
	char p[256];

	sh("rm -rf %s/src && mkdir -p %s/src/t/dir/sub/subsub %s/src/t/many",
	   work, work, work);
	snprintf(p, sizeof(p), "%s/src/t/", work);
	host_file(strcat(strcpy((char[256]){0}, p), "empty"), 0, 1);
	host_file(strcat(strcpy((char[256]){0}, p), "small"), 100, 2);
	host_file(strcat(strcpy((char[256]){0}, p), "k1"), 1024, 3);
	host_file(strcat(strcpy((char[256]){0}, p), "odd"), 5000, 4);
	host_file(strcat(strcpy((char[256]){0}, p), "ind"), 300000, 5);
	host_file(strcat(strcpy((char[256]){0}, p), "big"), 3000000, 6);
	host_file(strcat(strcpy((char[256]){0}, p), "dir/sub/subsub/deep"), 777,
		  7);
	for (int i = 0; i < 300; i++) {
		char q[300];

		snprintf(q, sizeof(q), "%smany/file-with-a-long-name-%04d", p,
			 i);
		host_file(q, (size_t)i * 7, (unsigned int)i);
	}
	sh("cd %s/src/t && ln small hard && ln -s small fastlink && "
	   "ln -s %0100d slowlink && truncate -s 2000000 sparse && "
	   "printf data | dd of=sparse bs=1 seek=1000000 conv=notrunc "
	   "2>/dev/null",
	   work, 7);
}

static uint8_t *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	rewind(f);
	b = malloc(*size);
	if (fread(b, 1, *size, f) != *size)
		abort();
	fclose(f);
	return b;
}

static void save(const char *path, const uint8_t *img, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(img, 1, size, f) != size)
		abort();
	fclose(f);
}

/* mke2fs opts -d src into work/name (size KiB): the image, loaded. */
static uint8_t *mkfs(const char *name, const char *opts, bool src,
		     unsigned int kib, size_t *size)
{
	char img[256];

	snprintf(img, sizeof(img), "%s/%s", work, name);
	if (sh("mke2fs -q -F -t ext2 %s %s%s%s %s %uk >/dev/null 2>&1", opts,
	       src ? "-d " : "", src ? work : "", src ? "/src" : "", img, kib))
		return NULL;
	return load(img, size);
}

/* e2fsck -fn of img (in memory): its exit status. */
static int fsck(const char *name, const uint8_t *img, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.check", work, name);
	save(path, img, size);
	return sh("e2fsck -fn %s >%s.log 2>&1 || { cat %s.log; exit 1; }", path,
		  path, path);
}

/* ---------------------------------------------------------------- rastOS */

static void mount_or_fail(struct block_device *bd, const char *mnt,
			  unsigned long flags)
{
	CHECK_EQ(ext2_host_mount(bd, mnt, flags), 0);
}

static void compare_file(const char *host, const char *ours)
{
	size_t n;
	uint8_t *want = load(host, &n), *got = malloc(n + 16);

	CHECK(want && got);
	CHECK_EQ(ext2_host_read(ours, got, n + 16, 0), (long)n);
	CHECK(memcmp(want, got, n) == 0);
	free(want);
	free(got);
}

/* Every file under host dir hdir reads the same at ours (recursive). */
static void compare_tree(const char *hdir, const char *ours)
{
	char(*names)[256] = malloc(512 * 256);
	int n = hfs_list(hdir, names, 512);

	CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		char h[1024], o[1024], t1[4096], t2[4096];
		struct inode *in;
		uint32_t mode;
		uint64_t size;
		long len;

		snprintf(h, sizeof(h), "%s/%s", hdir, names[i]);
		snprintf(o, sizeof(o), "%s/%s", ours, names[i]);
		CHECK(hfs_lstat(h, &mode, &size) == 0);
		CHECK_EQ(path_lookup(AT_FDCWD, o, true, &in), 0);
		CHECK_EQ(in->mode, mode);
		if (S_ISREG(mode))
			CHECK_EQ(in->size, size);
		if (S_ISLNK(mode)) {
			len = hfs_readlink(h, t1, sizeof(t1));
			CHECK(len > 0);
			CHECK_EQ(in->ops->readlink(in, t2, sizeof(t2)), len);
			CHECK(strcmp(t2, t1) == 0);
		}
		inode_put(in);
		if (S_ISREG(mode))
			compare_file(h, o);
		if (S_ISDIR(mode))
			compare_tree(h, o);
	}
	free(names);
}

/* ---------------------------------------------------------------- read */

static const struct {
	const char *name, *opts;
} configs[] = {
	{"1k", "-b 1024"},
	{"2k", "-b 2048"},
	{"4k", "-b 4096"},
	{"rev0", "-b 1024 -r 0"},
	{"4k-noopt",
	 "-b 4096 -O ^dir_index,^filetype,^sparse_super,^resize_inode"},
};

static void test_read(int c)
{
	size_t size;
	uint8_t *img =
		mkfs(configs[c].name, configs[c].opts, true, 16384, &size);
	struct block_device *bd;
	char src[128];

	CHECK(img);
	bd = blk_host_add("sda", img, size);
	vfs_host_sandbox_begin(NULL);
	mount_or_fail(bd, "/mnt", MS_RDONLY);
	snprintf(src, sizeof(src), "%s/src", work);
	compare_tree(src, "/mnt");
	{
		long seen = ext2_host_walk("/mnt", true);

		if (seen <= 300)
			printf("walk: %ld\n", seen);
		CHECK(seen > 300);
	}
	CHECK(vfs_host_sandbox_end());
	/* Read-only: nothing written, not even the mount count. */
	CHECK_EQ(blk_host_writes(bd), 0);
	CHECK(blk_host_remove(bd));
	free(img);
}

/* ---------------------------------------------------------------- write */

/* Each operation, here (under /mnt) and in the mirror (work/mirror). */
static char mirror[128];

static void hpath(char *out, const char *rel)
{
	snprintf(out, 1024, "%s/%s", mirror, rel);
}

static void opath(char *out, const char *rel)
{
	snprintf(out, 1024, "/mnt/%s", rel);
}

static void w_write(const char *rel, uint64_t off, size_t n, unsigned int s)
{
	char h[1024], o[1024];
	uint8_t *b = malloc(n + 1);

	hpath(h, rel);
	opath(o, rel);
	fill(b, n, off, s);
	CHECK(hfs_pwrite(h, b, n, off) == 0);
	CHECK_EQ(ext2_host_write(o, b, n, off, O_CREAT), (long)n);
	free(b);
}

static void w_mkdir(const char *rel)
{
	char h[1024], o[1024];

	hpath(h, rel);
	opath(o, rel);
	CHECK(hfs_mkdir(h) == 0);
	CHECK_EQ(sys_mkdirat(AT_FDCWD, UPTR(o), 0755, 0, 0, 0), 0);
}

static void w_unlink(const char *rel)
{
	char h[1024], o[1024];

	hpath(h, rel);
	opath(o, rel);
	CHECK(hfs_unlink(h) == 0);
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR(o), 0, 0, 0, 0), 0);
}

static void w_rmdir(const char *rel)
{
	char h[1024], o[1024];

	hpath(h, rel);
	opath(o, rel);
	CHECK(hfs_rmdir(h) == 0);
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR(o), AT_REMOVEDIR, 0, 0, 0), 0);
}

static void w_rename(const char *a, const char *b)
{
	char ha[1024], hb[1024], oa[1024], ob[1024];

	hpath(ha, a);
	hpath(hb, b);
	opath(oa, a);
	opath(ob, b);
	CHECK(hfs_rename(ha, hb) == 0);
	CHECK_EQ(sys_renameat2(AT_FDCWD, UPTR(oa), AT_FDCWD, UPTR(ob), 0, 0),
		 0);
}

static void w_link(const char *a, const char *b)
{
	char ha[1024], hb[1024], oa[1024], ob[1024];

	hpath(ha, a);
	hpath(hb, b);
	opath(oa, a);
	opath(ob, b);
	CHECK(hfs_link(ha, hb) == 0);
	CHECK_EQ(sys_linkat(AT_FDCWD, UPTR(oa), AT_FDCWD, UPTR(ob), 0, 0), 0);
}

static void w_symlink(const char *target, const char *rel)
{
	char h[1024], o[1024];

	hpath(h, rel);
	opath(o, rel);
	CHECK(hfs_symlink(target, h) == 0);
	CHECK_EQ(sys_symlinkat(UPTR(target), AT_FDCWD, UPTR(o), 0, 0, 0), 0);
}

static void w_truncate(const char *rel, uint64_t size)
{
	char h[1024], o[1024];
	struct inode *in;

	hpath(h, rel);
	opath(o, rel);
	CHECK(hfs_truncate(h, size) == 0);
	CHECK_EQ(path_lookup(AT_FDCWD, o, false, &in), 0);
	CHECK_EQ(vfs_truncate(in, size), 0);
	inode_put(in);
}

/*
 * A directory large enough for dir_index.c's index (dozens of blocks):
 * creates, deletes, names made again, renames in and out. The host's
 * copy and rdump judge the result; here every name is looked up too,
 * and O_EXCL must refuse each one that exists.
 */
static void big_directory(void)
{
	static bool present[1200];
	char a[64], b[64], o[1024];

	w_mkdir("t/huge");
	for (int i = 0; i < 1200; i++) {
		snprintf(a, sizeof(a), "t/huge/entry-%04d", i);
		w_write(a, 0, (size_t)i % 7, (unsigned int)i);
		present[i] = true;
	}
	for (int i = 0; i < 1200; i += 3) {
		snprintf(a, sizeof(a), "t/huge/entry-%04d", i);
		w_unlink(a);
		present[i] = false;
	}
	for (int i = 0; i < 1200; i += 6) {
		snprintf(a, sizeof(a), "t/huge/entry-%04d", i);
		w_write(a, 0, 3, (unsigned int)i);
		present[i] = true;
	}
	for (int i = 1; i < 400; i += 3) {
		snprintf(a, sizeof(a), "t/huge/entry-%04d", i);
		snprintf(b, sizeof(b), "t/r1/moved-%04d", i);
		w_rename(a, b);
		present[i] = false;
	}
	for (int i = 1; i < 200; i += 3) {
		snprintf(a, sizeof(a), "t/r1/moved-%04d", i);
		snprintf(b, sizeof(b), "t/huge/entry-%04d", i);
		w_rename(a, b);
		present[i] = true;
	}
	for (int i = 0; i < 1200; i++) {
		struct inode *in;
		long fd;

		snprintf(a, sizeof(a), "t/huge/entry-%04d", i);
		opath(o, a);
		CHECK_EQ(path_lookup(AT_FDCWD, o, true, &in) == 0, present[i]);
		if (present[i])
			inode_put(in);
		fd = sys_openat(AT_FDCWD, UPTR(o), O_CREAT | O_EXCL | O_WRONLY,
				0644, 0, 0);
		CHECK_EQ(fd == -EEXIST, present[i]);
		if (fd >= 0) {
			sys_close(fd, 0, 0, 0, 0, 0);
			CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR(o), 0, 0, 0, 0),
				 0);
		}
	}
}

static void workload(void)
{
	char a[64], b[64];

	/* many small files */
	w_mkdir("t/w");
	for (int i = 0; i < 200; i++) {
		snprintf(a, sizeof(a), "t/w/f%d", i);
		w_write(a, 0, (size_t)(i * 37) % 3000, (unsigned int)i);
	}
	/* a large file with holes, up to the triple indirect block */
	w_write("t/holes", 0, 10000, 1);
	w_write("t/holes", 1 << 20, 5000, 2);
	w_write("t/holes", 70u << 20, 3, 3);
	/* overwrite the middle of files mke2fs wrote */
	w_write("t/big", 123456, 70000, 9);
	w_write("t/odd", 4000, 3000, 10);
	/* deep directories */
	strcpy(a, "t/d");
	for (int i = 0; i < 20; i++) {
		w_mkdir(a);
		strcat(a, "/d");
	}
	strcat(a, "f");
	w_write(a, 0, 100, 4);
	/* a rename storm: across directories, over existing names */
	w_mkdir("t/r1");
	w_mkdir("t/r2");
	for (int i = 0; i < 150; i++) {
		snprintf(a, sizeof(a), "t/w/f%d", i);
		snprintf(b, sizeof(b), "t/r%d/g%d", 1 + i % 2, i % 40);
		w_rename(a, b);
	}
	w_rename("t/r2", "t/r1/r2");
	w_rename("t/dir", "t/r1/dir2");
	/* links */
	w_link("t/k1", "t/r1/k1link");
	w_unlink("t/k1");
	w_symlink("r1/k1link", "t/fast2");
	w_symlink("/a/rather/long/target/that/does/not/fit/in/the/inode/"
		  "itself/so/it/needs/a/block",
		  "t/slow2");
	/* truncates: shrink through the indirect blocks, grow, empty */
	w_truncate("t/big", 5000);
	w_truncate("t/ind", 100000);
	w_truncate("t/ind", 400000);
	w_truncate("t/holes", 2 << 20);
	w_truncate("t/odd", 0);
	w_write("t/odd", 100, 100, 11);
	/* deletes */
	for (int i = 150; i < 200; i += 2) {
		snprintf(a, sizeof(a), "t/w/f%d", i);
		w_unlink(a);
	}
	for (int i = 0; i < 300; i += 3) {
		snprintf(a, sizeof(a), "t/many/file-with-a-long-name-%04d", i);
		w_unlink(a);
	}
	big_directory();
	w_mkdir("t/gone");
	w_write("t/gone/x", 0, 10, 1);
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR("/mnt/t/gone"), AT_REMOVEDIR, 0, 0,
			      0),
		 -ENOTEMPTY);
	w_unlink("t/gone/x");
	w_rmdir("t/gone");
}

/* Things rdump does not compare: special files, modes, a busy umount. */
static void specials(void)
{
	long fd;

	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/fifo"), S_IFIFO | 0600, 0, 0,
			     0),
		 0);
	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/null"), S_IFCHR | 0666,
			     (1 << 8) | 3, 0, 0),
		 0);
	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/sock"), S_IFSOCK | 0600, 0, 0,
			     0),
		 0);
	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/modes"), S_IFREG | 0644, 0, 0,
			     0),
		 0);
	CHECK_EQ(sys_fchmodat(AT_FDCWD, UPTR("/mnt/modes"), 0600, 0, 0, 0), 0);
	fd = sys_openat(AT_FDCWD, UPTR("/mnt/t/small"), O_RDONLY, 0, 0, 0);
	CHECK(fd >= 0);
	CHECK_EQ(vfs_host_umount("/mnt", 0), -EBUSY);
	sys_close(fd, 0, 0, 0, 0, 0);
}

/* debugfs's view of t/ must be the mirror's. */
static void rdump_matches(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.check", work, name);
	CHECK_EQ(sh("rm -rf %s/dump && mkdir %s/dump && "
		    "debugfs -R 'rdump /t %s/dump' %s >/dev/null 2>&1",
		    work, work, work, path),
		 0);
	CHECK_EQ(sh("diff -r --no-dereference %s/t %s/dump/t", mirror, work),
		 0);
}

static void check_special_nodes(void)
{
	struct inode *in;

	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/null", true, &in), 0);
	CHECK_EQ(in->mode, S_IFCHR | 0644); /* the umask: 022 */
	CHECK_EQ(in->rdev, (1 << 8) | 3);
	inode_put(in);
	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/fifo", true, &in), 0);
	CHECK_EQ(in->mode, S_IFIFO | 0600);
	inode_put(in);
	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/modes", true, &in), 0);
	CHECK_EQ(in->mode, S_IFREG | 0600);
	inode_put(in);
}

static void test_write(int c)
{
	size_t size;
	uint8_t *img =
		mkfs(configs[c].name, configs[c].opts, true, 16384, &size);
	struct block_device *bd;
	char tree[256];

	CHECK(img);
	snprintf(mirror, sizeof(mirror), "%s/mirror", work);
	CHECK_EQ(sh("rm -rf %s && cp -a %s/src %s", mirror, work, mirror), 0);
	bd = blk_host_add("sda", img, size);
	vfs_host_sandbox_begin(NULL);
	mount_or_fail(bd, "/mnt", 0);
	workload();
	specials();
	/* synced while mounted: clean but for the state flag */
	CHECK_EQ(sync_all(true), 0);
	CHECK_EQ(fsck(configs[c].name, img, size), 0);
	CHECK_EQ(vfs_host_umount("/mnt", 0), 0);
	CHECK_EQ(blk_host_buffers_held(bd), 0);
	CHECK_EQ(fsck(configs[c].name, img, size), 0);
	rdump_matches(configs[c].name);
	/* and read back here, after a new mount */
	mount_or_fail(bd, "/mnt", 0);
	snprintf(tree, sizeof(tree), "%s/t", mirror);
	compare_tree(tree, "/mnt/t");
	check_special_nodes();
	CHECK(vfs_host_sandbox_end());
	CHECK_EQ(fsck(configs[c].name, img, size), 0);
	CHECK(blk_host_remove(bd));
	free(img);
}

/* ---------------------------------------------------------------- ENOSPC */

static void test_enospc(void)
{
	size_t size;
	uint8_t *img = mkfs("small", "-b 1024 -N 32", false, 1024, &size);
	static uint8_t buf[8192];
	struct block_device *bd;
	long n = 0, r = 0;
	int files = 0;

	CHECK(img);
	bd = blk_host_add("sda", img, size);
	vfs_host_sandbox_begin(NULL);
	mount_or_fail(bd, "/mnt", 0);
	for (uint64_t off = 0; off < (2u << 20); off += sizeof(buf)) {
		r = ext2_host_write("/mnt/big", buf, sizeof(buf), off, O_CREAT);
		if (r != (long)sizeof(buf))
			break;
		n += r;
	}
	CHECK(n > 500 * 1024);
	CHECK(r == -ENOSPC || (r > 0 && r < (long)sizeof(buf)));
	for (; files < 100; files++) {
		char p[32];

		snprintf(p, sizeof(p), "/mnt/f%d", files);
		r = sys_mknodat(AT_FDCWD, UPTR(p), S_IFREG | 0644, 0, 0, 0);
		if (r)
			break;
	}
	CHECK_EQ(r, -ENOSPC);
	CHECK(files > 10 && files < 32);
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR("/mnt/big"), 0, 0, 0, 0), 0);
	CHECK_EQ(ext2_host_write("/mnt/again", buf, sizeof(buf), 0, O_CREAT),
		 (long)sizeof(buf));
	CHECK(vfs_host_sandbox_end());
	CHECK_EQ(fsck("small", img, size), 0);
	CHECK(blk_host_remove(bd));
	free(img);
}

/* ---------------------------------------------------------------- bad disks */

static struct ext2_super *super_of(uint8_t *img)
{
	return (struct ext2_super *)(img + 1024);
}

/* The on-disk inode ino of img. */
static struct ext2_disk_inode *inode_of(uint8_t *img, uint32_t ino)
{
	struct ext2_super *es = super_of(img);
	uint32_t bs = 1024u << es->s_log_block_size;
	uint32_t isz = es->s_rev_level ? es->s_inode_size : 128;
	struct ext2_group_desc *gd =
		(void *)(img + (uint64_t)(es->s_first_data_block + 1) * bs);
	uint32_t g = (ino - 1) / es->s_inodes_per_group;
	uint32_t i = (ino - 1) % es->s_inodes_per_group;

	return (void *)(img + (uint64_t)gd[g].bg_inode_table * bs +
			(uint64_t)i * isz);
}

/* A copy of the 1 KiB image (made by test_read), mounted after
 * patch(copy): the mount's result; the copy in *out. */
static long mount_patched(const uint8_t *orig, size_t size,
			  void (*patch)(uint8_t *img), struct block_device **bd,
			  uint8_t **out)
{
	*out = malloc(size);
	memcpy(*out, orig, size);
	patch(*out);
	*bd = blk_host_add("sda", *out, size);
	vfs_host_sandbox_begin(NULL);
	return ext2_host_mount(*bd, "/mnt", 0);
}

static void p_magic(uint8_t *img)
{
	super_of(img)->s_magic = 0x1234;
}
static void p_logbs(uint8_t *img)
{
	super_of(img)->s_log_block_size = 9;
}
static void p_ipg(uint8_t *img)
{
	super_of(img)->s_inodes_per_group = 0;
}
static void p_blocks(uint8_t *img)
{
	super_of(img)->s_blocks_count = 0x7fffffff;
}
static void p_incompat(uint8_t *img)
{
	super_of(img)->s_feature_incompat |= 0x100000;
}
static void p_isize(uint8_t *img)
{
	super_of(img)->s_inode_size = 100;
}
static void p_gd(uint8_t *img)
{
	struct ext2_group_desc *gd = (void *)(img + 2048);

	gd[0].bg_inode_table = 0xfffffff;
}
static void p_rootmode(uint8_t *img)
{
	inode_of(img, EXT2_ROOT_INO)->i_mode = S_IFREG | 0644;
}

static const struct {
	const char *what;
	void (*patch)(uint8_t *img);
	long err;
} bad_supers[] = {
	{"magic", p_magic, -EINVAL},
	{"log block size", p_logbs, -EUCLEAN},
	{"inodes per group", p_ipg, -EUCLEAN},
	{"blocks count", p_blocks, -EUCLEAN},
	{"unknown incompat feature", p_incompat, -EINVAL},
	{"inode size", p_isize, -EUCLEAN},
	{"group descriptor", p_gd, -EUCLEAN},
	{"root inode not a directory", p_rootmode, -EUCLEAN},
};

static uint8_t *img1k;
static size_t img1k_size;

static void test_bad_super(int i)
{
	struct block_device *bd;
	uint8_t *img;

	CHECK(img1k);
	CHECK_EQ(mount_patched(img1k, img1k_size, bad_supers[i].patch, &bd,
			       &img),
		 bad_supers[i].err);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
}

static uint32_t victim; /* the inode patched by the next patches */

static void p_dirent(uint8_t *img)
{
	struct ext2_super *es = super_of(img);
	uint32_t bs = 1024u << es->s_log_block_size;
	struct ext2_dirent *de =
		(void *)(img + (uint64_t)inode_of(img, 2)->i_block[0] * bs);

	de->rec_len = 0; /* "." of the root: a walk could loop forever */
}

static void p_namelen(uint8_t *img)
{
	struct ext2_super *es = super_of(img);
	uint32_t bs = 1024u << es->s_log_block_size;
	uint8_t *blk = img + (uint64_t)inode_of(img, 2)->i_block[0] * bs;
	struct ext2_dirent *de = (void *)(blk + 24); /* after . and .. */

	de->name_len = 250;
}

static void p_indirect(uint8_t *img)
{
	inode_of(img, victim)->i_block[EXT2_IND] = 0xfffffff0;
}

static void p_dind_entry(uint8_t *img)
{
	struct ext2_super *es = super_of(img);
	uint32_t bs = 1024u << es->s_log_block_size;
	uint32_t *dind =
		(void *)(img +
			 (uint64_t)inode_of(img, victim)->i_block[EXT2_DIND] *
				 bs);

	dind[0] = 0xfffffff0;
}

/* The inode number of name in the pristine image. */
static uint32_t ino_of(const char *name)
{
	struct block_device *bd = blk_host_add("sda", img1k, img1k_size);
	struct inode *in;
	uint32_t ino = 0;
	char p[256];

	vfs_host_sandbox_begin(NULL);
	snprintf(p, sizeof(p), "/mnt/%s", name);
	if (!ext2_host_mount(bd, "/mnt", MS_RDONLY) &&
	    !path_lookup(AT_FDCWD, p, true, &in)) {
		ino = (uint32_t)in->ino;
		inode_put(in);
	}
	vfs_host_sandbox_end();
	blk_host_remove(bd);
	return ino;
}

static void test_bad_tree(void)
{
	static uint8_t buf[4096];
	struct block_device *bd;
	uint8_t *img;

	CHECK(img1k);
	/* a directory entry: mount works, reading the directory does not */
	CHECK_EQ(mount_patched(img1k, img1k_size, p_dirent, &bd, &img), 0);
	CHECK_EQ(ext2_host_walk("/mnt", true), -EUCLEAN);
	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/new"), S_IFREG | 0644, 0, 0,
			     0),
		 -EUCLEAN);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
	CHECK_EQ(mount_patched(img1k, img1k_size, p_namelen, &bd, &img), 0);
	CHECK_EQ(ext2_host_walk("/mnt", true), -EUCLEAN);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
	/* indirect block numbers beyond the disk */
	victim = ino_of("t/big");
	CHECK(victim);
	CHECK_EQ(mount_patched(img1k, img1k_size, p_indirect, &bd, &img), 0);
	CHECK_EQ(ext2_host_read("/mnt/t/big", buf, sizeof(buf), 0),
		 (long)sizeof(buf));
	CHECK_EQ(ext2_host_read("/mnt/t/big", buf, sizeof(buf), 20 * 1024),
		 -EUCLEAN);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
	CHECK_EQ(mount_patched(img1k, img1k_size, p_dind_entry, &bd, &img), 0);
	CHECK_EQ(ext2_host_read("/mnt/t/big", buf, sizeof(buf), 268 * 1024),
		 -EUCLEAN);
	/* deleting it frees what it can and says what it cannot */
	CHECK_EQ(sys_unlinkat(AT_FDCWD, UPTR("/mnt/t/big"), 0, 0, 0, 0), 0);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
}

/* The first inodes after the reserved ones, all live, marked free in
 * the inode bitmap (and the free counts raised to match). */
#define LIES 5

static void p_ibitmap(uint8_t *img)
{
	struct ext2_super *es = super_of(img);
	uint32_t bs = 1024u << es->s_log_block_size;
	struct ext2_group_desc *gd =
		(void *)(img + (uint64_t)(es->s_first_data_block + 1) * bs);
	uint8_t *map = img + (uint64_t)gd[0].bg_inode_bitmap * bs;

	for (uint32_t i = es->s_first_ino - 1; i < es->s_first_ino - 1 + LIES;
	     i++)
		map[i / 8] &= (uint8_t) ~(1u << (i % 8));
	gd[0].bg_free_inodes_count += LIES;
	es->s_free_inodes_count += LIES;
}

/*
 * An inode bitmap calling live inodes free: new files skip them (one of
 * them cached, the others only on the disk) rather than taking their
 * numbers, which leaked a reference to the cached one and zeroed the
 * others' slots; and the bitmap comes out right.
 */
static void test_bad_ibitmap(void)
{
	struct block_device *bd;
	struct inode *in;
	char tree[256];
	uint8_t *img;

	CHECK(img1k);
	CHECK_EQ(mount_patched(img1k, img1k_size, p_ibitmap, &bd, &img), 0);
	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/lost+found", true, &in), 0);
	inode_put(in); /* its pinned dentry keeps it cached */
	CHECK_EQ(sys_mknodat(AT_FDCWD, UPTR("/mnt/new"), S_IFREG | 0644, 0, 0,
			     0),
		 0);
	CHECK_EQ(sys_mkdirat(AT_FDCWD, UPTR("/mnt/dnew"), 0755, 0, 0, 0), 0);
	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/new", true, &in), 0);
	CHECK(in->ino >= super_of(img)->s_first_ino + LIES);
	inode_put(in);
	CHECK_EQ(vfs_host_umount("/mnt", 0), 0);
	CHECK_EQ(fsck("ibitmap", img, img1k_size), 0);
	mount_or_fail(bd, "/mnt", MS_RDONLY);
	snprintf(tree, sizeof(tree), "%s/src/t", work);
	compare_tree(tree, "/mnt/t");
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
	free(img);
}

/* Random damage to the metadata: whatever happens, no crash, no hang. */
static void test_random_damage(void)
{
	int unclean = 0; /* rounds that leaked or left a buffer held */

	CHECK(img1k);
	test_rng = 13;
	for (int round = 0; round < 200; round++) {
		uint8_t *img = malloc(img1k_size);
		struct block_device *bd;
		static uint8_t buf[2048];

		memcpy(img, img1k, img1k_size);
		for (int k = 1 + (int)test_below(8); k > 0; k--)
			img[1024 + test_below(64 * 1024)] ^=
				(uint8_t)(1 + test_below(255));
		bd = blk_host_add("sda", img, img1k_size);
		vfs_host_sandbox_begin(NULL);
		if (!ext2_host_mount(bd, "/mnt", 0)) {
			ext2_host_walk("/mnt", false);
			ext2_host_write("/mnt/t/new", buf, sizeof(buf), 0,
					O_CREAT);
			sys_unlinkat(AT_FDCWD, UPTR("/mnt/t/small"), 0, 0, 0,
				     0);
			sys_mkdirat(AT_FDCWD, UPTR("/mnt/t/dnew"), 0755, 0, 0,
				    0);
		}
		unclean += !vfs_host_sandbox_end();
		unclean += !blk_host_remove(bd);
		free(img);
	}
	CHECK(unclean == 0);
}

/* ext4 made by mke2fs's defaults: read, but read-only. */
static void test_ext4(void)
{
	char img_path[256], src[128];
	struct block_device *bd;
	struct statfs_k st;
	size_t size;
	uint8_t *img;

	snprintf(img_path, sizeof(img_path), "%s/ext4.img", work);
	CHECK_EQ(sh("mke2fs -q -F -t ext4 -d %s/src %s 16384k >/dev/null 2>&1",
		    work, img_path),
		 0);
	img = load(img_path, &size);
	CHECK(img);
	bd = blk_host_add("sda", img, size);
	vfs_host_sandbox_begin(NULL);
	CHECK_EQ(ext2_host_mount(bd, "/mnt", 0), 0);
	snprintf(src, sizeof(src), "%s/src", work);
	compare_tree(src, "/mnt");
	CHECK_EQ(ext2_host_write("/mnt/t/small", "x", 1, 0, 0), -EROFS);
	{
		struct mount *const *m;
		int n = vfs_host_mounts(&m);

		CHECK(m[n - 1]->sb->flags & MS_RDONLY);
		CHECK_EQ(m[n - 1]->sb->ops->statfs(m[n - 1]->sb, &st), 0);
		CHECK(st.f_bsize == 1024 || st.f_bsize == 4096);
	}
	CHECK(vfs_host_sandbox_end());
	CHECK_EQ(blk_host_writes(bd), 0);
	CHECK(blk_host_remove(bd));
	free(img);
}

/* statfs agrees with the superblock and with what df would say. */
static void test_statfs(void)
{
	struct block_device *bd = blk_host_add("sda", img1k, img1k_size);
	struct mount *const *m;
	struct statfs_k st;
	int n;

	vfs_host_sandbox_begin(NULL);
	CHECK_EQ(ext2_host_mount(bd, "/mnt", MS_RDONLY), 0);
	n = vfs_host_mounts(&m);
	CHECK_EQ(m[n - 1]->sb->ops->statfs(m[n - 1]->sb, &st), 0);
	CHECK_EQ(st.f_bsize, 1024);
	CHECK_EQ(st.f_blocks, super_of(img1k)->s_blocks_count - 1);
	CHECK_EQ(st.f_bfree, super_of(img1k)->s_free_blocks_count);
	CHECK_EQ(st.f_ffree, super_of(img1k)->s_free_inodes_count);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
}

/* fallocate: none on ext2, as on Linux (EOPNOTSUPP), the file intact. */
static void test_fallocate(void)
{
	struct block_device *bd;
	static uint8_t buf[3000], back[3000];
	long fd;

	CHECK(img1k);
	bd = blk_host_add("sda", img1k, img1k_size);
	vfs_host_sandbox_begin(NULL);
	CHECK_EQ(ext2_host_mount(bd, "/mnt", 0), 0);
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(ext2_host_write("/mnt/fa", buf, sizeof(buf), 0, O_CREAT),
		 (long)sizeof(buf));
	fd = sys_openat(AT_FDCWD, UPTR("/mnt/fa"), O_RDWR, 0, 0, 0);
	CHECK(fd >= 0);
	CHECK_EQ(sys_fallocate(fd, 3 /* PUNCH_HOLE | KEEP_SIZE */, 0, 2048, 0,
			       0),
		 -EOPNOTSUPP);
	CHECK_EQ(sys_fallocate(fd, 0, 0, 1 << 20, 0, 0), -EOPNOTSUPP);
	sys_close(fd, 0, 0, 0, 0, 0);
	CHECK_EQ(ext2_host_read("/mnt/fa", back, sizeof(back), 0),
		 (long)sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
}

/* The page cache of a disk file's inode: its cached (or, dirty, its
 * dirty) page count. */
static uint64_t pages_of(const char *path, bool dirty)
{
	struct inode *in;
	uint64_t n;

	CHECK_EQ(path_lookup(AT_FDCWD, path, true, &in), 0);
	n = dirty ? in->dirty_pages : in->cached_pages;
	inode_put(in);
	return n;
}

static uint64_t cached_of(const char *path)
{
	return pages_of(path, false);
}

/*
 * The page cache as a shrinker: it gives back the clean pages nobody
 * holds (read again from the disk on the next read), never a dirty page
 * (until written back) or one somebody holds; and with memory low, a
 * read gives pages back as it goes and still reads right, and a writer
 * writes its dirty pages back as it goes.
 */
static void test_shrink(void)
{
	static uint8_t buf[64 * 1024], back[sizeof(buf)];
	static uint8_t big[1 << 20], big_back[sizeof(big)];
	long walked, dentries;
	struct block_device *bd;
	struct inode *in;
	struct page *held;
	uint64_t got;
	long live;

	CHECK(img1k);
	bd = blk_host_add("sda", img1k, img1k_size);
	vfs_host_sandbox_begin(NULL);
	CHECK_EQ(ext2_host_mount(bd, "/mnt", 0), 0);
	fill(buf, sizeof(buf), 0, 11);
	CHECK_EQ(ext2_host_write("/mnt/clean", buf, sizeof(buf), 0, O_CREAT),
		 (long)sizeof(buf));
	CHECK_EQ(sync_all(true), 0);
	CHECK_EQ(ext2_host_write("/mnt/dirty", buf, sizeof(buf), 0, O_CREAT),
		 (long)sizeof(buf));
	CHECK_EQ(cached_of("/mnt/clean"), 16);
	CHECK_EQ(cached_of("/mnt/dirty"), 16);
	CHECK_EQ(path_lookup(AT_FDCWD, "/mnt/clean", true, &in), 0);
	CHECK_EQ(inode_get_page(in, 3, &held), 0);

	live = vfs_host_live_pages();
	got = mm_shrink(1000);
	CHECK(got >= 15);
	CHECK(vfs_host_live_pages() <= live - 15); /* the clean file's, freed */
	CHECK_EQ(cached_of("/mnt/clean"), 1);	   /* the page held */
	CHECK(inode_find_page(in, 3) == held);
	page_put(held); /* inode_find_page's */
	page_put(held);
	inode_put(in);
	CHECK_EQ(cached_of("/mnt/dirty"), 16);
	CHECK_EQ(ext2_host_read("/mnt/clean", back, sizeof(back), 0),
		 (long)sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0); /* read from the disk */

	CHECK_EQ(sync_all(true), 0); /* the dirty file's pages are clean now */
	mm_shrink(1000);
	CHECK_EQ(cached_of("/mnt/dirty"), 0);
	vfs_host_memory_low = true;
	CHECK_EQ(ext2_host_read("/mnt/dirty", back, sizeof(back), 0),
		 (long)sizeof(back));
	fill(big, sizeof(big), 0, 12);
	CHECK_EQ(ext2_host_write("/mnt/big", big, sizeof(big), 0, O_CREAT),
		 (long)sizeof(big));
	vfs_host_memory_low = false;
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	CHECK(pages_of("/mnt/big", true) <= 64); /* of its 256 */
	CHECK_EQ(ext2_host_read("/mnt/big", big_back, sizeof(big_back), 0),
		 (long)sizeof(big_back));
	CHECK(memcmp(big, big_back, sizeof(big)) == 0);

	/* ext2's unused dentries go too (not tmpfs's: they are its tree),
	 * and a walk finds every name again. */
	CHECK_EQ(sync_all(true), 0);
	CHECK_EQ(ext2_host_write("/on_tmpfs", "x", 1, 0, O_CREAT), 1);
	walked = ext2_host_walk("/mnt", true);
	CHECK(walked > 300);
	dentries = vfs_host_live("dentry");
	mm_shrink(100000);
	CHECK(vfs_host_live("dentry") < dentries - 300);
	CHECK_EQ(ext2_host_walk("/mnt", true), walked);
	CHECK_EQ(ext2_host_read("/on_tmpfs", back, 1, 0), 1);
	CHECK(vfs_host_sandbox_end());
	CHECK(blk_host_remove(bd));
}

int main(void)
{
	char tmpl[] = "/tmp/test_ext2.XXXXXX";

	if (sh("command -v mke2fs e2fsck debugfs >/dev/null")) {
		printf("FAIL: ext2: mke2fs, e2fsck and debugfs are needed "
		       "(e2fsprogs)\n");
		return 1;
	}
	if (!hfs_mkdtemp(tmpl))
		return 1;
	snprintf(work, sizeof(work), "%s", tmpl);
	vfs_host_init();
	make_src();
	for (volatile size_t c = 0; c < sizeof(configs) / sizeof(configs[0]);
	     c++)
		RUN(test_read((int)c), "ext2: read %s image from mke2fs -d",
		    configs[c].name);
	for (volatile size_t c = 0; c < sizeof(configs) / sizeof(configs[0]);
	     c++)
		RUN(test_write((int)c),
		    "ext2: %s: workload, e2fsck -fn clean, rdump equal",
		    configs[c].name);
	RUN(test_enospc(), "ext2: ENOSPC on a full disk, then clean");
	img1k = mkfs("pristine", "-b 1024", true, 16384, &img1k_size);
	RUN(test_statfs(), "ext2: statfs");
	RUN(test_fallocate(), "ext2: fallocate: EOPNOTSUPP, the file intact");
	RUN(test_shrink(), "ext2: the page cache gives back clean pages only, "
			   "writers write back when memory is low, unused "
			   "dentries go");
	for (volatile size_t i = 0;
	     i < sizeof(bad_supers) / sizeof(bad_supers[0]); i++)
		RUN(test_bad_super((int)i), "ext2: bad %s: mount refused",
		    bad_supers[i].what);
	RUN(test_bad_tree(), "ext2: bad entries and block numbers: -EUCLEAN");
	RUN(test_bad_ibitmap(),
	    "ext2: live inodes free in the bitmap: skipped");
	RUN(test_random_damage(), "ext2: random metadata damage: no crash");
	RUN(test_ext4(), "ext2: ext4 image read, read-only");
	free(img1k);
	sh("rm -rf %s", work);
	TEST_EXIT();
}
