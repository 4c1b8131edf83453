/*
 * procfs (mount -t proc proc /proc): the file system type, its one
 * instance (every mount shows the same tree, as all mounts of one PID
 * namespace do on Linux), and the root directory: the system-wide files,
 * self and thread-self, mounts, sys/, and a directory per process.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "../fs_priv.h"
#include "internal.h"

static struct super_block *proc_sb;

/* self -> "PID", thread-self -> "PID/task/TID", of whoever reads it. */
static int self_target(struct proc_node *n, char *buf, size_t size)
{
	snprintf(buf, size, "%d", current_proc()->pid);
	return 0;
}

static int thread_self_target(struct proc_node *n, char *buf, size_t size)
{
	snprintf(buf, size, "%d/task/%d", current_proc()->pid,
		 current_task()->tid);
	return 0;
}

static int mounts_target(struct proc_node *n, char *buf, size_t size)
{
	strlcpy(buf, "self/mounts", size);
	return 0;
}

#define FILE_RO(nm, fn)                                        \
	{                                                      \
		.name = nm, .mode = S_IFREG | 0444, .show = fn \
	}
#define LINK(nm, fn)                                             \
	{                                                        \
		.name = nm, .mode = S_IFLNK | 0777, .target = fn \
	}

static const struct proc_entry root_children[] = {
	FILE_RO("cmdline", proc_show_cmdline_boot),
	FILE_RO("cpuinfo", proc_show_cpuinfo),
	FILE_RO("filesystems", proc_show_filesystems),
	FILE_RO("loadavg", proc_show_loadavg),
	FILE_RO("meminfo", proc_show_meminfo),
	LINK("mounts", mounts_target),
	FILE_RO("partitions", proc_show_partitions),
	LINK("self", self_target),
	FILE_RO("stat", proc_show_stat_all),
	{.name = "sys", .mode = S_IFDIR | 0555, .children = proc_sys_entries},
	LINK("thread-self", thread_self_target),
	FILE_RO("uptime", proc_show_uptime),
	FILE_RO("version", proc_show_version),
	{0},
};

static long pid_next(struct proc_node *dir, long from)
{
	struct proc *p = proc_next((pid_t)MAX(from, 1));
	long pid = p ? p->pid : -1;

	if (p)
		proc_put(p);
	return pid;
}

static int pid_bind(struct proc_node *dir, long n, struct proc_node *child)
{
	struct proc *p = n < PID_MAX ? proc_next((pid_t)n) : NULL;

	if (p && p->pid != n) {
		proc_put(p);
		p = NULL;
	}
	if (!p)
		return -ENOENT;
	child->p = p; /* referenced: the lookup drops it */
	child->tid = 0;
	return 0;
}

static const struct proc_entry pid_dir = {
	.name = "<pid>",
	.mode = S_IFDIR | 0555,
	.children = proc_pid_entries,
};

const struct proc_numbered proc_pids = {
	.child = &pid_dir,
	.next = pid_next,
	.bind = pid_bind,
};

const struct proc_entry proc_root_entry = {
	.name = "/",
	.mode = S_IFDIR | 0555,
	.children = root_children,
	.numbered = &proc_pids,
};

static int proc_statfs(struct super_block *sb, struct statfs_k *st)
{
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops proc_super_ops = {
	.statfs = proc_statfs,
};

static int proc_mount(const struct fs_type *type, const char *source,
		      unsigned long flags, const char *options,
		      struct super_block **out)
{
	if (!proc_sb)
		return -ENODEV;
	*out = proc_sb;
	return 0;
}

static struct fs_type proc_type = {
	.name = "proc",
	.nodev = true,
	.mount = proc_mount,
};

void procfs_init(void)
{
	struct proc_node root = {.e = &proc_root_entry, .fd = -1};
	struct super_block *sb = super_alloc(&proc_type, &proc_super_ops);
	struct inode *inode = sb ? proc_inode_new(sb, &root) : NULL;
	int err = -ENOMEM;

	if (inode) {
		sb->magic = PROC_SUPER_MAGIC;
		sb->root = d_make_root(sb, inode);
		if (sb->root)
			err = fs_register(&proc_type);
	}
	if (err) {
		klog(KLOG_ERR, "procfs: not available (%d)\n", err);
		return;
	}
	proc_sb = sb;
}
