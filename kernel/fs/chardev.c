/*
 * Character devices by number (an inode's rdev), for the device nodes an
 * initramfs brings: the console and terminals (all the console for now),
 * null, zero, full, random and urandom. Linux's major/minor numbers.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define MKDEV(ma, mi) ((ma) << 8 | (mi))

static long null_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return 0;
}

static long sink_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return (long)n;
}

static long full_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return -ENOSPC;
}

static long zero_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	return clear_user(ubuf, n) ? -EFAULT : (long)n;
}

static long random_read(struct file *f, uintptr_t ubuf, size_t n,
			uint64_t pos)
{
	uint8_t buf[64];
	size_t done = 0;

	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));

		random_bytes(buf, chunk);
		if (copy_to_user(ubuf + done, buf, chunk))
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)n;
}

static const struct file_ops null_ops = {.read = null_read,
					 .write = sink_write};
static const struct file_ops zero_ops = {.read = zero_read,
					 .write = sink_write};
static const struct file_ops full_ops = {.read = zero_read,
					 .write = full_write};
static const struct file_ops random_ops = {.read = random_read,
					   .write = sink_write};

struct file *chardev_open(uint32_t rdev, unsigned int flags)
{
	const struct file_ops *ops;
	struct file *f;

	switch (rdev) {
	case MKDEV(5, 0): /* /dev/tty */
	case MKDEV(5, 1): /* /dev/console */
	case MKDEV(4, 64): /* /dev/ttyS0 */
	case MKDEV(4, 1): /* /dev/tty1 */
		return console_file_open();
	case MKDEV(1, 3):
		ops = &null_ops;
		break;
	case MKDEV(1, 5):
		ops = &zero_ops;
		break;
	case MKDEV(1, 7):
		ops = &full_ops;
		break;
	case MKDEV(1, 8):
	case MKDEV(1, 9):
		ops = &random_ops;
		break;
	default:
		return NULL; /* ENXIO */
	}
	f = file_open_inode(NULL, flags);
	if (f)
		f->ops = ops;
	return f;
}
