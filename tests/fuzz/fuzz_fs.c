/*
 * libFuzzer harness for the filesystem readers (boot/src/fs/, blockdev.c):
 * the input is a disk image. It is mounted on an in-memory block device
 * (2048-byte sectors if the input's length is odd, else 512, so both
 * bdev_read_bytes paths see it), a few boot-like paths are opened and read
 * into exact-size buffers. Every call must return 0 or a negative errno.
 *
 *   make build/tests/fuzz/fuzz_fs
 *   tests/host/make-fs-images.sh build/fuzz/fs-images   (seeds/ is small)
 *   build/tests/fuzz/fuzz_fs -max_len=1048576 build/fuzz/fs-corpus \
 *       build/fuzz/fs-images/seeds
 */
#define _POSIX_C_SOURCE 200809L

#include "fs_image.h"

#define READ_CAP 65536

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_rc(int rc)
{
	check(rc == 0 || rc == -ENOENT || rc == -ENOTDIR || rc == -EISDIR ||
	      rc == -ENAMETOOLONG || rc == -EINVAL || rc == -EIO ||
	      rc == -EUCLEAN || rc == -EFBIG || rc == -ENOSYS);
}

static const char *const paths[] = {
	"/",
	"/hello.txt",
	"/HELLO.TXT",
	"/big.bin",
	"/frag.bin",
	"/a-long-file-name.txt",
	"/dir1/dir2/dir3/nested.txt",
	"/many/file-number-050.txt",
	"/boot/rastboot.conf",
	"/boot/kernel.elf",
	"/nope",
};

static void read_file(struct fs *fs, const struct fs_file *f)
{
	size_t n = (size_t)MIN(f->size, READ_CAP);
	uint8_t *buf = malloc(n + 1);

	check_rc(fs_read(fs, f, 0, buf, n));
	check_rc(fs_read(fs, f, f->size - n, buf, n));
	check(fs_read(fs, f, f->size, buf, 1) == -EINVAL);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memdev m;
	struct fs fs;
	int rc;

	memdev_init(&m, data, size, size & 1 ? 2048 : 512);
	rc = fs_mount(&fs, &m.dev);
	check_rc(rc);
	if (rc != 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		struct fs_file f;

		rc = fs_open(&fs, paths[i], &f);
		check_rc(rc);
		if (rc == 0 && !f.is_dir)
			read_file(&fs, &f);
	}
	return 0;
}
