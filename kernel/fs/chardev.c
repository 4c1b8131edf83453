/*
 * Character devices by number (<kernel/fs.h>): drivers register a major
 * (all its minors, or one minor) with their file operations; opening a
 * device node picks them by the inode's rdev, as Linux's chrdev_open
 * does, so a node made anywhere (devtmpfs, mknod in /tmp, an initramfs)
 * reaches its driver. A number nobody drives opens with ENXIO.
 *
 * Here too the memory devices (major 1): null, zero, full, random,
 * urandom.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

struct chardev {
	unsigned int major;
	int minor; /* -1: every minor */
	const struct file_ops *fops;
	const char *name;
	struct chardev *next;
};

static struct chardev *chardevs;

int chardev_register(unsigned int major, int minor, const struct file_ops *fops,
		     const char *name)
{
	struct chardev *c = kzalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = (struct chardev){major, minor, fops, name, chardevs};
	chardevs = c; /* registered at boot, before any open */
	return 0;
}

static const struct file_ops *chardev_find(uint32_t rdev)
{
	for (struct chardev *c = chardevs; c; c = c->next) {
		if (c->major == MAJOR(rdev) &&
		    (c->minor < 0 || (unsigned int)c->minor == MINOR(rdev)))
			return c->fops;
	}
	return NULL;
}

/* The open of any character device node: hand over to its driver. */
static int chardev_open(struct inode *in, struct file *f)
{
	const struct file_ops *fops = chardev_find(in->rdev);

	if (!fops)
		return -ENXIO;
	f->ops = fops;
	return fops->open ? fops->open(in, f) : 0;
}

static const struct file_ops chardev_fops = {.open = chardev_open};

const struct file_ops *special_fops(uint32_t mode, uint32_t rdev)
{
	(void)rdev;
	if (S_ISCHR(mode))
		return &chardev_fops;
	if (S_ISFIFO(mode))
		return &fifo_fops;
	if (S_ISBLK(mode))
		return &blkdev_fops; /* kernel/block/: by rdev at open */
	return NULL; /* sockets: ENXIO */
}

/* ---- the memory devices ---------------------------------------------- */

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

static long random_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
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

/* Seekable as Linux's: lseek on them succeeds (and means nothing). */
static const struct file_ops null_ops = {
	.read = null_read, .write = sink_write, .seekable = true};
static const struct file_ops zero_ops = {
	.read = zero_read, .write = sink_write, .seekable = true};
static const struct file_ops full_ops = {
	.read = zero_read, .write = full_write, .seekable = true};
static const struct file_ops random_ops = {
	.read = random_read, .write = sink_write, .seekable = true};

static const struct {
	const char *name;
	int minor;
	uint32_t mode;
	const struct file_ops *fops;
} mem_devices[] = {
	{"null", 3, 0666, &null_ops},	   {"zero", 5, 0666, &zero_ops},
	{"full", 7, 0666, &full_ops},	   {"random", 8, 0666, &random_ops},
	{"urandom", 9, 0666, &random_ops},
};

void chardev_init_mem(void)
{
	for (size_t i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]);
	     i++) {
		const uint32_t dev = MKDEV(1, mem_devices[i].minor);

		if (chardev_register(1, mem_devices[i].minor,
				     mem_devices[i].fops,
				     mem_devices[i].name) ||
		    devtmpfs_create(mem_devices[i].name,
				    S_IFCHR | mem_devices[i].mode, dev))
			klog(KLOG_WARN, "chardev: /dev/%s not made\n",
			     mem_devices[i].name);
	}
}
