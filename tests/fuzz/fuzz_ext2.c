/*
 * libFuzzer on ext2 (kernel/fs/ext2/), with the VFS and the block layer
 * of the host tests: the input is a disk image (padded to whole KiB),
 * mounted, walked (every directory listed, every file and link read),
 * and written a little (a file, a directory, an unlink, a rename), then
 * unmounted. Nothing may crash, leak, loop or trip the sanitizers.
 * tests/fuzz/run.sh seeds it with small images from mke2fs; long runs:
 *
 *   make fuzz && build/tests/fuzz/fuzz_ext2 -max_len=131072 CORPUS
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../host/ext2_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint8_t buf[1500];
	size_t len = (size + 1023) / 1024 * 1024;
	struct block_device *bd;
	uint8_t *img;

	if (!ready) {
		vfs_host_init();
		ready = true;
	}
	if (len < 8192)
		len = 8192;
	img = calloc(1, len);
	if (!img)
		return 0;
	memcpy(img, data, size);
	bd = blk_host_add("sda", img, len);
	vfs_host_sandbox_begin(NULL);
	if (bd && !ext2_host_mount(bd, "/mnt", 0)) {
		ext2_host_walk("/mnt", false);
		ext2_host_write("/mnt/new", buf, sizeof(buf), 3000, O_CREAT);
		sys_mkdirat(AT_FDCWD, UPTR("/mnt/dir"), 0755, 0, 0, 0);
		sys_renameat2(AT_FDCWD, UPTR("/mnt/new"), AT_FDCWD,
			      UPTR("/mnt/dir/moved"), 0, 0);
		ext2_host_walk("/mnt", false);
	}
	if (!vfs_host_sandbox_end())
		abort(); /* a leak, or a mount left busy */
	if (bd && !blk_host_remove(bd))
		abort(); /* a buffer never released */
	free(img);
	return 0;
}
