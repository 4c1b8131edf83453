/*
 * The root file system from a disk, as Linux's init/do_mounts.c does it
 * (see <kernel/rootfs.h>): find the device root= names, waiting for it as
 * rootwait/rootdelay say, mount it as the root of the tree, and mount
 * devtmpfs on its /dev. PID 1 runs this before its exec: the mount looks
 * its source up by path, so this is a process with the initramfs tmpfs
 * as its root, in which the device's node is made first.
 *
 * Every failure is one "root: ..." line and a -errno; the caller powers
 * the machine off.
 */
#include <kernel/blkdev.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/rootfs.h>
#include <kernel/string.h>
#include <kernel/time.h>

#define ROOT_SETTLE_S 2	 /* without rootwait: drivers settle, then fail */
#define ROOT_POLL_MS 100 /* how often a waited-for device is looked for */
#define ROOT_NOTE_S 5	 /* a "waiting" line this often with rootwait */
#define ROOT_FSTYPES_MAX 64

bool rootfs_wanted(void)
{
	const char *root = cmdline_get("root");

	return root && *root;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 'a' - 'A') : c;
}

static bool uuid_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (lower(*a) != lower(*b))
			return false;
	}
	return !*a && !*b;
}

static void uuid_format(const uint8_t u[16], char out[37])
{
	size_t n = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		n += (size_t)snprintf(out + n, 37 - n, "%02x", u[i]);
	}
	out[n] = '\0';
}

struct uuid_scan {
	const char *want;
	struct block_device *found;
};

static void uuid_probe(struct block_device *b, void *arg)
{
	struct uuid_scan *s = arg;
	uint8_t uuid[16];
	char text[37];

	if (s->found || b->gone || ext2_probe_uuid(b, uuid))
		return; /* not ext2, or unreadable: not this one */
	uuid_format(uuid, text);
	if (uuid_equal(text, s->want))
		s->found = b;
}

/* The device root= names, if it is registered yet; NULL otherwise. */
static struct block_device *root_find(const char *spec)
{
	struct uuid_scan scan = {.want = spec + 5};

	if (!strncmp(spec, "PARTUUID=", 9))
		return blkdev_by_partuuid(spec);
	if (!strncmp(spec, "UUID=", 5)) {
		blkdev_for_each(uuid_probe, &scan);
		return scan.found;
	}
	return blkdev_by_name(spec); /* "/dev/sda1" or "sda1" */
}

/* Seconds to wait for the device: rootwait=N, or -1 for ever. */
static long wait_limit(void)
{
	const char *v = cmdline_get("rootwait");
	unsigned long n;

	if (!v)
		return ROOT_SETTLE_S;
	if (!*v)
		return -1;
	if (kstrtoul(v, 10, &n) || n > 100000) {
		klog(KLOG_WARN, "root: bad rootwait=%s: waiting for ever\n", v);
		return -1;
	}
	return (long)n;
}

/*
 * Look for the device every ROOT_POLL_MS until the limit: disks register
 * as their drivers probe them, maybe after this starts.
 */
static struct block_device *root_wait(const char *spec, unsigned int *waited)
{
	long limit = wait_limit();
	uint64_t ms = 0;

	for (;;) {
		struct block_device *b = root_find(spec);

		if (b)
			return b;
		if (limit >= 0 && ms >= (uint64_t)limit * 1000)
			break;
		if (cmdline_has("rootwait") && ms % (ROOT_NOTE_S * 1000) == 0)
			klog(KLOG_INFO, "root: waiting for %s (rootwait)\n",
			     spec);
		msleep(ROOT_POLL_MS);
		ms += ROOT_POLL_MS;
	}
	*waited = (unsigned int)(ms / 1000);
	return NULL;
}

static const char *err_text(int err)
{
	switch (err) {
	case -ENODEV:
	case -ENXIO:
		return "no such device";
	case -EINVAL:
		return "not a file system of that type";
	case -EUCLEAN:
		return "corrupt file system";
	case -EIO:
		return "I/O error";
	case -EROFS:
		return "read-only device";
	case -EBUSY:
		return "device busy";
	case -ENOMEM:
		return "out of memory";
	case -ENOENT:
		return "no such file";
	default:
		return "error";
	}
}

/* Mount src as / with each type of rootfstype= (comma-separated) in turn. */
static int mount_types(const char *src, unsigned long flags,
		       const char **type_out)
{
	static char types[ROOT_FSTYPES_MAX];
	const char *want = cmdline_get("rootfstype");
	int err = -EINVAL;

	strlcpy(types, want && *want ? want : "ext2", sizeof(types));
	for (char *t = types, *next; t; t = next) {
		next = strchr(t, ',');
		if (next)
			*next++ = '\0';
		if (!*t)
			continue;
		err = vfs_mount_root(t, src, flags, NULL);
		*type_out = t;
		if (!err)
			return 0;
	}
	return err;
}

/* A node for b in the initramfs tmpfs's /dev: the mount's source path. */
static int make_node(struct block_device *b, char *src, size_t size)
{
	int err;

	snprintf(src, size, "/dev/%s", b->name);
	err = vfs_mknod(src, S_IFBLK | 0600, b->dev);
	return err == -EEXIST ? 0 : err;
}

static void root_delay(void)
{
	const char *v = cmdline_get("rootdelay");
	unsigned long s;

	if (!v)
		return;
	if (kstrtoul(v, 10, &s) || s > 3600) {
		klog(KLOG_WARN, "root: bad rootdelay=%s: ignored\n", v);
		return;
	}
	klog(KLOG_INFO, "root: waiting %lu s (rootdelay)\n", s);
	msleep(s * 1000);
}

int rootfs_mount(void)
{
	const char *spec = cmdline_get("root");
	/* rastOS mounts read-write unless "ro" (Linux: ro, init remounts). */
	unsigned long flags = cmdline_has("ro") ? MS_RDONLY : 0;
	const char *type = "ext2";
	unsigned int waited = 0;
	struct block_device *b;
	char src[24];
	int err;

	root_delay();
	b = root_wait(spec, &waited);
	if (!b) {
		klog(KLOG_ERR,
		     "root: cannot mount %s: no such device "
		     "(waited %u s)\n",
		     spec, waited);
		return -ENODEV;
	}
	err = make_node(b, src, sizeof(src));
	if (!err)
		err = mount_types(src, flags, &type);
	if (err) {
		klog(KLOG_ERR, "root: cannot mount %s (%s) as %s: %s (%d)\n",
		     spec, src, type, err_text(err), err);
		return err;
	}
	klog(KLOG_INFO, "root: mounted %s (%s, %s) on / %s\n", spec, src, type,
	     flags & MS_RDONLY ? "read-only" : "read-write");
	return 0;
}

void rootfs_mount_devtmpfs(void)
{
	struct path dev;
	int err = path_walk(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			    &dev);

	if (err)
		return; /* no /dev on the disk: Linux leaves it alone too */
	err = vfs_mount("devtmpfs", "devtmpfs", &dev, 0, NULL);
	path_put(&dev);
	if (err)
		klog(KLOG_WARN, "root: devtmpfs not mounted on /dev (%d)\n",
		     err);
}

KTEST(rootfs, uuid_text)
{
	static const uint8_t u[16] = {0x0f, 0x4e, 0x3d, 0x2c, 0x1b, 0x0a,
				      0x49, 0x98, 0x87, 0x76, 0xa5, 0xb4,
				      0xc3, 0xd2, 0xe1, 0xf0};
	char text[37];

	uuid_format(u, text);
	KT_ASSERT_STREQ(text, "0f4e3d2c-1b0a-4998-8776-a5b4c3d2e1f0");
	KT_ASSERT(uuid_equal(text, "0F4E3D2C-1B0A-4998-8776-A5B4C3D2E1F0"));
	KT_ASSERT(!uuid_equal(text, "0f4e3d2c-1b0a-4998-8776-a5b4c3d2e1f"));
	KT_ASSERT(!uuid_equal(text, "0f4e3d2c-1b0a-4998-8776-a5b4c3d2e1f00"));
}
