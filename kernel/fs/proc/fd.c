/*
 * /proc/PID/fd/N and fdinfo/N: a process's open descriptors. fd/N is a
 * magic link to the open file's place (opening it opens that file
 * again, with the new flags); a file with no name (pipe, socket,
 * eventfd...) reads as "pipe:[INO]", "socket:[INO]", "anon_inode:[NAME]"
 * as on Linux. fdinfo/N shows the position and flags.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "internal.h"

/* The file at n's descriptor, referenced, with its close-on-exec flag. */
static struct file *node_file(struct proc_node *n, bool *cloexec)
{
	struct files *files = proc_get_files(n->p);
	struct file *f;

	if (!files)
		return NULL;
	f = files_fd_get(files, n->fd, cloexec);
	files_put(files);
	return f;
}

static long fd_next(struct proc_node *dir, long from)
{
	struct files *files = proc_get_files(dir->p);
	int fd;

	if (!files)
		return -1;
	fd = files_next_fd(files, (int)MIN(from, (long)INT32_MAX));
	files_put(files);
	return fd;
}

static int fd_bind(struct proc_node *dir, long n, struct proc_node *child)
{
	struct file *f;

	child->fd = (int)MIN(n, (long)INT32_MAX);
	f = node_file(child, NULL);
	if (!f)
		return -ENOENT;
	file_put(f);
	return 0;
}

static int fd_link(struct proc_node *n, struct path *out)
{
	struct file *f = node_file(n, NULL);
	int err = -ENOENT;

	if (f && f->path.mnt) {
		*out = f->path;
		path_get(out);
		err = 0;
	} else if (f) {
		err = -ENXIO; /* no place: fd_target names it */
	}
	if (f)
		file_put(f);
	return err;
}

static int fd_target(struct proc_node *n, char *buf, size_t size)
{
	struct file *f = node_file(n, NULL);
	struct inode *in;

	if (!f)
		return -ENOENT;
	in = f->inode;
	if (f->anon_name)
		snprintf(buf, size, "anon_inode:%s", f->anon_name);
	else if (in && S_ISFIFO(in->mode))
		snprintf(buf, size, "pipe:[%lu]", (unsigned long)in->ino);
	else if (in && S_ISSOCK(in->mode))
		snprintf(buf, size, "socket:[%lu]", (unsigned long)in->ino);
	else
		snprintf(buf, size, "anon_inode:[%lu]",
			 (unsigned long)(in ? in->ino : 0));
	file_put(f);
	return 0;
}

/* lr-x------, l-wx------ or lrwx------, after the open's access. */
static uint32_t fd_mode(struct proc_node *n)
{
	struct file *f = node_file(n, NULL);
	uint32_t mode = S_IFLNK | 0100;

	if (!f)
		return S_IFLNK | 0700;
	if (file_readable(f))
		mode |= 0400;
	if (file_writable(f))
		mode |= 0200;
	if (mode == (S_IFLNK | 0100))
		mode = S_IFLNK | 0700; /* O_PATH */
	file_put(f);
	return mode;
}

static int show_fdinfo(struct seq_buf *s, struct proc_node *n)
{
	bool cloexec = false;
	struct file *f = node_file(n, &cloexec);
	unsigned int flags;

	if (!f)
		return -ENOENT;
	flags = f->flags | (cloexec ? O_CLOEXEC : 0);
	seq_printf(s, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n",
		   (unsigned long long)f->pos, flags, 0,
		   (unsigned long)(f->inode ? f->inode->ino : 0));
	file_put(f);
	return 0;
}

static const struct proc_entry fd_entry = {
	.name = "<fd>",
	.mode = S_IFLNK | 0700,
	.private = true,
	.get_link = fd_link,
	.target = fd_target,
	.mode_of = fd_mode,
};

static const struct proc_entry fdinfo_entry = {
	.name = "<fdinfo>",
	.mode = S_IFREG | 0444,
	.private = true,
	.show = show_fdinfo,
};

const struct proc_numbered proc_fd_numbered = {
	.child = &fd_entry,
	.next = fd_next,
	.bind = fd_bind,
};

const struct proc_numbered proc_fdinfo_numbered = {
	.child = &fdinfo_entry,
	.next = fd_next,
	.bind = fd_bind,
};
