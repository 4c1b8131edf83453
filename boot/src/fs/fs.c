/*
 * The front of the filesystem readers: fs_mount() probes which reader
 * understands a block device, fs_open()/fs_read() check what is common to
 * both (path syntax, directories, EOF) and dispatch. The path splitter
 * lives here too so ISO9660 and FAT agree on what a path means.
 */
#include "fs.h"

/* ISO9660 first: a hybrid CD image may also carry a FAT-looking sector 0. */
static const struct fs_ops *const fs_probe_order[] = {
	&iso9660_ops,
	&fat_ops,
};

int fs_mount(struct fs *fs, struct blockdev *dev)
{
	int err = -EINVAL;

	for (size_t i = 0; i < ARRAY_SIZE(fs_probe_order); i++) {
		int rc;

		memset(fs, 0, sizeof(*fs));
		fs->dev = dev;
		fs->ops = fs_probe_order[i];
		rc = fs->ops->mount(fs);
		if (rc == 0)
			return 0;
		/*
		 * Keep the first "it is mine but broken" answer: it tells the
		 * user more than the other readers' "not mine".
		 */
		if (err == -EINVAL)
			err = rc < 0 ? rc : -EIO;
	}
	fs->ops = NULL;
	return err;
}

int fs_path_next(const char **path, const char **name, size_t *len)
{
	const char *p = *path;

	for (;;) {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		if (*p == '\0') {
			*path = p;
			return 0;
		}
		start = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - start);
		*path = p;
		if (n > FS_NAME_MAX)
			return -ENAMETOOLONG;
		if (n == 1 && start[0] == '.')
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.')
			return -ENOENT;
		*name = start;
		*len = n;
		return 1;
	}
}

/* Look path up one component at a time from the root directory. */
static int walk(struct fs *fs, const char *path, struct fs_file *file)
{
	struct fs_file cur;
	const char *name;
	size_t len;
	int rc;

	fs->ops->root(fs, &cur);
	while ((rc = fs_path_next(&path, &name, &len)) > 0) {
		struct fs_file next;

		if (!cur.is_dir)
			return -ENOTDIR;
		rc = fs->ops->lookup(fs, &cur, name, len, &next);
		if (rc < 0)
			return rc;
		cur = next;
	}
	if (rc < 0)
		return rc;
	*file = cur;
	return 0;
}

int fs_open(struct fs *fs, const char *path, struct fs_file *file)
{
	size_t n;
	int rc;

	memset(file, 0, sizeof(*file));
	if (!fs->ops)
		return -EINVAL;
	rc = walk(fs, path, file);
	if (rc < 0)
		return rc;
	/* "file/" names a directory, as in POSIX. */
	n = strlen(path);
	if (n > 0 && path[n - 1] == '/' && !file->is_dir)
		return -ENOTDIR;
	return 0;
}

int fs_read(struct fs *fs, const struct fs_file *file, uint64_t off, void *buf,
	    size_t len)
{
	if (!fs->ops)
		return -EINVAL;
	if (file->is_dir)
		return -EISDIR;
	if (off > file->size || len > file->size - off)
		return -EINVAL;
	if (len == 0)
		return 0;
	return fs->ops->read(fs, file, off, buf, len);
}
