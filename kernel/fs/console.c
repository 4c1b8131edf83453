/*
 * The console as a file: what init's descriptors 0, 1 and 2 are, as
 * /dev/console is on Linux. Writes go to every console sink (serial and
 * screen); reads wait for input from the keyboard or the serial port and
 * return what has come (no line editing or echo yet: that is the tty
 * layer's). It answers the terminal ioctls that C libraries use to ask
 * whether a descriptor is a terminal (TCGETS, TIOCGWINSZ), like a serial
 * console: a 0x0 window.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "fs_priv.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

struct termios_k {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

/* The settings a Linux serial console reports (cooked, 8N1, 115200). */
static struct termios_k termios = {
	.iflag = 0x500,	 /* ICRNL | IXON */
	.oflag = 0x5,	 /* OPOST | ONLCR */
	.cflag = 0x10bf, /* B115200-ish: CS8 | CREAD | HUPCL | CLOCAL */
	.lflag = 0x8a3b, /* ISIG | ICANON | ECHO... | IEXTEN */
	.cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22},
};

static long con_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	char buf[128];
	size_t got = 0;
	int c;

	if (!n)
		return 0;
	c = console_wait_input();
	if (c < 0)
		return -ERESTARTSYS;
	buf[got++] = (char)c;
	while (got < MIN(n, sizeof(buf)) && (c = console_getc()) >= 0)
		buf[got++] = (char)(c == '\r' ? '\n' : c);
	if (buf[0] == '\r')
		buf[0] = '\n';
	return copy_to_user(ubuf, buf, got) ? -EFAULT : (long)got;
}

static long con_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos)
{
	char buf[256];
	size_t done = 0;

	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));

		if (copy_from_user(buf, ubuf + done, chunk))
			return done ? (long)done : -EFAULT;
		console_write(buf, chunk);
		done += chunk;
	}
	return (long)n;
}

static long con_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	static const uint16_t winsize[4] = {0, 0, 0, 0};

	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &termios, sizeof(termios)) ? -EFAULT
								    : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return copy_from_user(&termios, arg, sizeof(termios)) ? -EFAULT
								      : 0;
	case TIOCGWINSZ:
		return copy_to_user(arg, winsize, sizeof(winsize)) ? -EFAULT
								   : 0;
	case TIOCSWINSZ:
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_ops console_ops = {
	.read = con_read,
	.write = con_write,
	.ioctl = con_ioctl,
};

struct file *console_file_open(void)
{
	static struct inode *inode;

	if (!inode) {
		inode = inode_alloc(NULL, S_IFCHR | 0600, NULL, &console_ops);
		if (!inode)
			return NULL;
		inode->rdev = MKDEV(5, 1); /* /dev/console */
	}
	return file_open_inode(inode, O_RDWR);
}

/* Every terminal is the console for now: tty, console, tty0-6, ttyS0-3. */
void console_dev_init(void)
{
	static const struct {
		const char *name;
		uint32_t dev, mode;
	} nodes[] = {
		{"console", MKDEV(5, 1), 0600}, {"tty", MKDEV(5, 0), 0666},
		{"tty0", MKDEV(4, 0), 0620},	{"tty1", MKDEV(4, 1), 0620},
		{"tty2", MKDEV(4, 2), 0620},	{"tty3", MKDEV(4, 3), 0620},
		{"tty4", MKDEV(4, 4), 0620},	{"tty5", MKDEV(4, 5), 0620},
		{"tty6", MKDEV(4, 6), 0620},	{"ttyS0", MKDEV(4, 64), 0660},
		{"ttyS1", MKDEV(4, 65), 0660},	{"ttyS2", MKDEV(4, 66), 0660},
		{"ttyS3", MKDEV(4, 67), 0660},
	};
	int err = chardev_register(5, 0, &console_ops, "tty");

	if (!err)
		err = chardev_register(5, 1, &console_ops, "console");
	if (!err)
		err = chardev_register(4, -1, &console_ops, "ttyS");
	for (size_t i = 0; !err && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		err = devtmpfs_create(nodes[i].name, S_IFCHR | nodes[i].mode,
				      nodes[i].dev);
	if (err)
		klog(KLOG_WARN, "console: device nodes not made (%d)\n", err);
}
