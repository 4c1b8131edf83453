/*
 * The initramfs: the boot module named "initramfs" (else the first one),
 * unpacked at boot into the root tmpfs, as Linux fills its rootfs. The
 * module is a sequence of cpio "newc" archives (<kernel/cpio.h>), each
 * plain or gzip-compressed (<kernel/inflate.h>), with zero padding
 * between them; a later member of the same name replaces an earlier one.
 * Regular files are copied into the page cache: the tree is an ordinary
 * tmpfs, writable. Hard links (entries with one inode number and
 * nlink > 1) become links of one file.
 *
 * A malformed archive is not fatal: what was unpacked before the damage
 * stays, the rest is skipped, and one line says where and why. A member
 * whose name has a ".." component is refused (path traversal); absolute
 * names become relative; missing parent directories are made. Linux's
 * built-in entries (/dev, /dev/console, /root) come first.
 */
#include <kernel/boot.h>
#include <kernel/cpio.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/inflate.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#include "fs_priv.h"

#define MAX_HARDLINKS 256
#define GUNZIP_MAX (1ull << 30) /* no initramfs unpacks larger */

struct hardlink {
	uint32_t dev_major, dev_minor, ino;
	struct dentry *d; /* the first name of the file */
};

struct unpack {
	struct dentry *root;
	unsigned int count;
	struct hardlink links[MAX_HARDLINKS];
	unsigned int nlinks;
	char path[CPIO_PATH_MAX];
};

/* The directory child name[0..len) of dir, made if missing; referenced. */
static int dir_child(struct dentry *dir, const char *name, size_t len,
		     struct dentry **out)
{
	struct dentry *d = d_lookup(dir, name, len);
	int err = 0;

	if (!d) {
		char *tmp = kmalloc(len + 1);

		if (!tmp)
			return -ENOMEM;
		memcpy(tmp, name, len);
		tmp[len] = '\0';
		err = vfs_child(dir, tmp, &d);
		kfree(tmp);
		if (err)
			return err;
	}
	if (!d->inode)
		err = dir->inode->ops->mkdir(dir->inode, d, 0755);
	if (!err && !S_ISDIR(d->inode->mode))
		err = -ENOTDIR;
	if (err) {
		d_put(d);
		return err;
	}
	*out = d;
	return 0;
}

/* The parent directory of path (made as needed) and the last name. */
static int parent_of(struct unpack *u, char *path, struct dentry **dir,
		     const char **base)
{
	struct dentry *d = d_get(u->root), *next;
	char *slash;
	int err;

	while ((slash = strchr(path, '/'))) {
		err = dir_child(d, path, (size_t)(slash - path), &next);
		d_put(d);
		if (err)
			return err;
		d = next;
		path = slash + 1;
	}
	*dir = d;
	*base = path;
	return 0;
}

/* Copy a regular file's data into its page cache. */
static int write_data(struct inode *in, const void *data, size_t size)
{
	struct file *f = file_open_inode(in, O_WRONLY);
	long n;

	if (!f)
		return -ENOMEM;
	n = kernel_write(f, data, size, 0);
	file_put(f);
	if (n < 0)
		return (int)n;
	return (size_t)n == size ? 0 : -ENOSPC;
}

static struct hardlink *hardlink_find(struct unpack *u,
				      const struct cpio_entry *e)
{
	if (e->nlink < 2 || S_ISDIR(e->mode))
		return NULL;
	for (unsigned int i = 0; i < u->nlinks; i++) {
		struct hardlink *h = &u->links[i];

		if (h->ino == e->ino && h->dev_major == e->dev_major &&
		    h->dev_minor == e->dev_minor)
			return h;
	}
	return NULL;
}

static void hardlink_remember(struct unpack *u, const struct cpio_entry *e,
			      struct dentry *d)
{
	if (e->nlink < 2 || S_ISDIR(e->mode) || u->nlinks == MAX_HARDLINKS)
		return;
	u->links[u->nlinks++] =
		(struct hardlink){e->dev_major, e->dev_minor, e->ino, d_get(d)};
}

/* Make the file entry e describes as d (negative) in dir. */
static int make_file(struct inode *dir, struct dentry *d,
		     const struct cpio_entry *e)
{
	uint32_t type = e->mode & S_IFMT;
	char *target;
	int err;

	switch (type) {
	case S_IFDIR:
		return dir->ops->mkdir(dir, d, e->mode & 07777);
	case S_IFLNK:
		if (e->size >= PATH_MAX)
			return -ENAMETOOLONG;
		target = kmalloc(e->size + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		err = dir->ops->symlink(dir, d, target);
		kfree(target);
		return err;
	default:
		return dir->ops->create(
			dir, d, e->mode,
			MKDEV(e->rdev_major & 0xfff, e->rdev_minor & 0xff));
	}
}

/* An existing name: a directory is described again, else replaced. */
static int replace_existing(struct inode *dir, struct dentry *d,
			    const struct cpio_entry *e, bool *done)
{
	struct inode *in = d->inode;

	*done = false;
	if (S_ISDIR(in->mode) && S_ISDIR(e->mode)) {
		in->mode = e->mode;
		in->uid = e->uid;
		in->gid = e->gid;
		*done = true;
		return 0;
	}
	if (S_ISDIR(in->mode))
		return dir->ops->rmdir(dir, d);
	return dir->ops->unlink(dir, d);
}

static void set_attrs(struct inode *in, const struct cpio_entry *e)
{
	in->mode = (in->mode & S_IFMT) | (e->mode & 07777);
	in->uid = e->uid;
	in->gid = e->gid;
	in->mtime.sec = in->atime.sec = in->ctime.sec = (int64_t)e->mtime;
	in->mtime.nsec = in->atime.nsec = in->ctime.nsec = 0;
}

/* Put entry e at path (normalised, not "."): 0 or -errno. */
static int add_entry(struct unpack *u, char *path, const struct cpio_entry *e)
{
	struct hardlink *h = hardlink_find(u, e);
	struct dentry *parent, *d;
	struct inode *dir;
	const char *base;
	bool done = false;
	int err = parent_of(u, path, &parent, &base);

	if (err)
		return err;
	dir = parent->inode;
	err = vfs_child(parent, base, &d);
	if (err) {
		d_put(parent);
		return err;
	}
	if (d->inode)
		err = replace_existing(dir, d, e, &done);
	if (!err && !done) {
		if (d->inode) { /* the old name went: a fresh one */
			d_put(d);
			err = vfs_child(parent, base, &d);
		}
		if (!err && h)
			err = dir->ops->link(h->d, dir, d);
		else if (!err)
			err = make_file(dir, d, e);
	}
	if (!err && !done && S_ISREG(e->mode) && e->size)
		err = write_data(d->inode, e->data, e->size);
	if (!err && !done) {
		set_attrs(d->inode, e);
		if (!h)
			hardlink_remember(u, e, d);
	}
	d_put(d);
	d_put(parent);
	return err;
}

/* The cpio members of buf; 0, or -EINVAL at damage at *bad. */
static int unpack_cpio(struct unpack *u, const uint8_t *buf, size_t size,
		       size_t *bad, const char **why)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int got;

	cpio_reader_init(&r, buf, size);
	while ((got = cpio_next(&r, &e)) == 1) {
		int err = cpio_path_normalize(e.name, e.name_len, u->path,
					      sizeof(u->path));

		if (err > 0 && !strcmp(u->path, "."))
			continue; /* the root itself */
		if (err > 0)
			err = add_entry(u, u->path, &e);
		if (err)
			klog(KLOG_WARN, "initramfs: skipped '%.*s' (%d)\n",
			     (int)MIN(e.name_len, 200), e.name, err);
		else
			u->count++;
	}
	if (got < 0) {
		*bad = r.error_off;
		*why = r.error ? r.error : "error";
		return -EINVAL;
	}
	return 0;
}

/* A gzip member at in: decompress and unpack it; *used: its length. */
static int unpack_gzip(struct unpack *u, const uint8_t *in, size_t len,
		       size_t *used, const char **why)
{
	uint32_t hint = 0;
	uint64_t cap;
	long n = -ENOSPC;
	uint8_t *out = NULL;
	size_t bad;

	/* A cut or damaged stream ends in any 4 bytes: believe its size
	 * only if DEFLATE could reach it (at most 1032:1). */
	if (gzip_isize(in, len, &hint) || hint / 1032 > len)
		hint = 0;
	cap = MAX((uint64_t)hint + 1, (uint64_t)len * 4);
	while (n == -ENOSPC && cap <= GUNZIP_MAX) {
		out = vmalloc(cap);
		if (!out) {
			*why = "out of memory";
			return -ENOMEM;
		}
		n = gunzip(in, len, out, cap, used, why);
		if (n == -ENOSPC) {
			vfree(out);
			out = NULL;
			cap *= 2;
		}
	}
	if (n < 0) {
		vfree(out);
		if (n == -ENOSPC)
			*why = "larger than 1 GiB unpacked";
		return (int)n;
	}
	n = unpack_cpio(u, out, (size_t)n, &bad, why);
	vfree(out);
	return (int)n;
}

/*
 * The module: archives one after the other, each plain or gzip. A plain
 * one ends where a gzip member starts (the reader stops there with "bad
 * magic"): Debian's initrds are a plain archive, then a compressed one.
 */
static int unpack_all(struct unpack *u, const uint8_t *buf, size_t size)
{
	size_t off = 0, bad = 0, used;
	const char *why = NULL;
	int err = 0;

	while (!err) {
		while (off < size && buf[off] == 0)
			off++;
		if (off == size)
			break;
		if (gzip_is_gzip(buf + off, size - off)) {
			err = unpack_gzip(u, buf + off, size - off, &used,
					  &why);
			if (err)
				bad = off;
			off += used;
			continue;
		}
		err = unpack_cpio(u, buf + off, size - off, &bad, &why);
		if (err && gzip_is_gzip(buf + off + bad, size - off - bad)) {
			off += bad;
			err = 0;
			continue;
		}
		bad += off;
		break;
	}
	if (err)
		klog(KLOG_ERR,
		     "initramfs: malformed archive at offset %zu: %s; what "
		     "came before it is unpacked\n",
		     bad, why ? why : "error");
	return err;
}

/*
 * What Linux's built-in initramfs (usr/default_cpio_list) holds, unpacked
 * before the boot loader's archive on Linux too: /dev with the console's
 * node, and /root. Programs expect them (opening /dev/console, mounting
 * devtmpfs on /dev); the archive may replace or add to them.
 */
static int unpack_defaults(struct unpack *u)
{
	static const struct {
		const char *path;
		uint32_t mode, rdev_major, rdev_minor;
	} entries[] = {
		{"dev", S_IFDIR | 0755, 0, 0},
		{"dev/console", S_IFCHR | 0600, 5, 1},
		{"root", S_IFDIR | 0700, 0, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		struct cpio_entry e = {
			.mode = entries[i].mode,
			.nlink = S_ISDIR(entries[i].mode) ? 2 : 1,
			.rdev_major = entries[i].rdev_major,
			.rdev_minor = entries[i].rdev_minor,
		};
		int err;

		strlcpy(u->path, entries[i].path, sizeof(u->path));
		err = add_entry(u, u->path, &e);
		if (err)
			return err;
	}
	return 0;
}

static const struct boot_module *find_module(void)
{
	for (size_t i = 0; i < boot_info->module_count; i++) {
		if (!strcmp(boot_info->modules[i].cmdline, "initramfs"))
			return &boot_info->modules[i];
	}
	return boot_info->module_count ? &boot_info->modules[0] : NULL;
}

int initramfs_init(void)
{
	const struct boot_module *m = find_module();
	struct path root;
	struct unpack *u = kzalloc(sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	fs_root_path(&root);
	u->root = root.dentry;
	namespace_lock();
	err = unpack_defaults(u);
	if (err)
		klog(KLOG_ERR, "initramfs: no /dev/console or /root (%d)\n",
		     err);
	err = m ? unpack_all(u, m->address, m->size) : -ENOENT;
	namespace_unlock();
	for (unsigned int i = 0; i < u->nlinks; i++)
		d_put(u->links[i].d);
	if (m)
		klog(KLOG_INFO, "initramfs: %u entries from %s (%lu bytes)\n",
		     u->count, m->path, (unsigned long)m->size);
	else
		klog(KLOG_INFO, "initramfs: none (no boot module)\n");
	kfree(u);
	path_put(&root);
	return err;
}
