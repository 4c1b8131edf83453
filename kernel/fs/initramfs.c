/*
 * The initramfs: the boot module named "initramfs" (else the first one),
 * a cpio "newc" archive (<kernel/cpio.h>), unpacked at boot into a tree
 * of inodes under fs_root, as Linux unpacks it into its rootfs. Regular
 * files keep their data in the module's memory (which is never freed)
 * and read it into the page cache when it is used; directories, symlinks
 * and device nodes are inodes of their own. Hard links (entries with
 * the same inode number and nlink > 1) share one inode.
 *
 * A malformed archive is not fatal: what was unpacked before the damage
 * stays, the rest is skipped, and one line says where and why. Names with
 * a ".." component are refused (path traversal); absolute names are made
 * relative; missing parent directories are made.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/cpio.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "fs_priv.h"

struct inode *fs_root;

/* A regular file's data: where it is in the archive. */
struct ramfile {
	const uint8_t *data;
	uint64_t ino_in_archive;
	char link[]; /* a symlink's target */
};

static int ramfile_read_page(struct inode *in, uint64_t index, void *page)
{
	const struct ramfile *rf = in->priv;
	uint64_t off = index * PAGE_SIZE;

	if (off < in->size)
		memcpy(page, rf->data + off, MIN(PAGE_SIZE, in->size - off));
	return 0;
}

static const char *ramfile_link(struct inode *in)
{
	return ((const struct ramfile *)in->priv)->link;
}

static void ramfile_release(struct inode *in)
{
	kfree(in->priv);
}

static const struct inode_ops ramfile_ops = {
	.read_page = ramfile_read_page,
	.link_target = ramfile_link,
	.release = ramfile_release,
};


struct inode *dir_lookup(struct inode *dir, const char *name, size_t len)
{
	struct dentry *d;

	list_for_each_entry(d, &dir->children, link)
	{
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d->inode;
	}
	return NULL;
}

int dir_link(struct inode *dir, const char *name, size_t len,
	     struct inode *in)
{
	struct dentry *d = kmalloc(sizeof(*d) + len + 1);

	if (!d)
		return -ENOMEM;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->inode = in;
	inode_get(in);
	list_add_tail(&d->link, &dir->children);
	if (S_ISDIR(in->mode))
		in->parent = dir;
	return 0;
}

static struct inode *new_inode(uint32_t mode, const struct cpio_entry *e,
			       size_t link_len)
{
	struct inode *in = inode_alloc(mode, &ramfile_ops);
	struct ramfile *rf = kzalloc(sizeof(*rf) + link_len + 1);

	if (!in || !rf) {
		kfree(rf);
		inode_put(in);
		return NULL;
	}
	in->priv = rf;
	in->fops = S_ISDIR(mode) ? &ramfs_dir_ops : &ramfs_file_ops;
	in->uid = e ? e->uid : 0;
	in->gid = e ? e->gid : 0;
	in->mtime = in->ctime = in->atime = e ? (int64_t)e->mtime : 0;
	return in;
}

/* The directory for the parent of path (made as needed); *base: the name. */
static struct inode *parent_dir(char *path, const char **base)
{
	struct inode *dir = fs_root;
	char *slash;

	while ((slash = strchr(path, '/'))) {
		struct inode *next = dir_lookup(dir, path, slash - path);

		if (!next) {
			next = new_inode(S_IFDIR | 0755, NULL, 0);
			if (!next || dir_link(dir, path, slash - path, next)) {
				inode_put(next);
				return NULL;
			}
			inode_put(next); /* the dentry holds it */
		}
		if (!S_ISDIR(next->mode))
			return NULL;
		dir = next;
		path = slash + 1;
	}
	*base = path;
	return dir;
}

/*
 * Hard links: entries of one inode (same number, nlink > 1). In "newc"
 * only the last of them carries the data. Up to MAX_HARDLINKS inodes are
 * remembered; beyond that a link becomes a copy.
 */
#define MAX_HARDLINKS 256
static struct inode *hardlinks[MAX_HARDLINKS];
static unsigned int nhardlinks;

static struct inode *hardlink_of(const struct cpio_entry *e)
{
	if (e->nlink < 2 || S_ISDIR(e->mode))
		return NULL;
	for (unsigned int i = 0; i < nhardlinks; i++) {
		struct inode *in = hardlinks[i];
		struct ramfile *rf = in->priv;

		if (rf->ino_in_archive != e->ino)
			continue;
		if (S_ISREG(in->mode) && e->size && !in->size) {
			rf->data = e->data; /* the link with the data */
			in->size = e->size;
		}
		return in;
	}
	return NULL;
}

static void remember_hardlink(struct inode *in, const struct cpio_entry *e)
{
	if (e->nlink >= 2 && !S_ISDIR(e->mode) &&
	    nhardlinks < MAX_HARDLINKS)
		hardlinks[nhardlinks++] = in;
}

static struct inode *make_inode(const struct cpio_entry *e)
{
	uint32_t type = e->mode & S_IFMT;
	struct inode *in;
	struct ramfile *rf;

	in = new_inode(e->mode, e, type == S_IFLNK ? e->size : 0);
	if (!in)
		return NULL;
	rf = in->priv;
	rf->ino_in_archive = e->ino;
	if (type == S_IFREG) {
		rf->data = e->data;
		in->size = e->size;
	} else if (type == S_IFLNK) {
		memcpy(rf->link, e->data, e->size);
		in->size = e->size;
	} else if (type == S_IFCHR || type == S_IFBLK) {
		in->rdev = (e->rdev_major << 8) | (e->rdev_minor & 0xff) |
			   ((e->rdev_minor & ~0xffu) << 12);
	}
	return in;
}

/* Put entry e at path (normalised, not empty). 0 or -errno. */
static int add_entry(char *path, const struct cpio_entry *e)
{
	const char *base;
	struct inode *dir = parent_dir(path, &base), *in, *old;
	int err;

	if (!dir)
		return -ENOTDIR;
	old = dir_lookup(dir, base, strlen(base));
	if (old && S_ISDIR(old->mode) && S_ISDIR(e->mode)) {
		old->mode = e->mode; /* an implicit parent, now described */
		old->uid = e->uid;
		old->gid = e->gid;
		return 0;
	}
	if (old)
		return -EEXIST;
	in = hardlink_of(e);
	if (in) {
		in->nlink++;
		return dir_link(dir, base, strlen(base), in);
	}
	in = make_inode(e);
	if (!in)
		return -ENOMEM;
	remember_hardlink(in, e);
	err = dir_link(dir, base, strlen(base), in);
	inode_put(in);
	return err;
}

static const struct boot_module *find_module(void)
{
	for (size_t i = 0; i < boot_info->module_count; i++) {
		if (!strcmp(boot_info->modules[i].cmdline, "initramfs"))
			return &boot_info->modules[i];
	}
	return boot_info->module_count ? &boot_info->modules[0] : NULL;
}

static int unpack(const void *archive, size_t size, unsigned int *count)
{
	static char path[CPIO_PATH_MAX];
	struct cpio_reader r;
	struct cpio_entry e;
	int got;

	cpio_reader_init(&r, archive, size);
	while ((got = cpio_next(&r, &e)) == 1) {
		int err = cpio_path_normalize(e.name, e.name_len, path,
					      sizeof(path));

		if (err > 0 && !strcmp(path, "."))
			continue; /* the root itself */
		if (err > 0)
			err = add_entry(path, &e);
		if (err)
			klog(KLOG_WARN, "initramfs: skipped '%.*s' (%d)\n",
			     (int)MIN(e.name_len, 200), e.name, err);
		else
			++*count;
	}
	if (got < 0) {
		klog(KLOG_ERR,
		     "initramfs: malformed archive at offset %zu: %s; what "
		     "came before it is unpacked\n",
		     r.error_off, r.error ? r.error : "error");
		return -EINVAL;
	}
	return 0;
}

int initramfs_init(void)
{
	const struct boot_module *m = find_module();
	unsigned int count = 0;
	int err;

	fs_root = new_inode(S_IFDIR | 0755, NULL, 0);
	if (!fs_root)
		return -ENOMEM;
	fs_root->parent = fs_root;
	if (!m) {
		klog(KLOG_INFO, "initramfs: none (no boot module)\n");
		return -ENOENT;
	}
	err = unpack(m->address, m->size, &count);
	klog(KLOG_INFO, "initramfs: %u entries from %s (%lu bytes)\n", count,
	     m->path, (unsigned long)m->size);
	return err;
}
