/*
 * /proc/PID and /proc/PID/task/TID: the entries of a process (or one of
 * its threads), the task/ directory, the magic links exe, cwd and root,
 * comm (writable by the process itself), and mounts as the process sees
 * them (from its root).
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "internal.h"

/* exe: the file execve ran. */
static int exe_link(struct proc_node *n, struct path *out)
{
	return proc_get_exe(n->p, out) ? 0 : -ENOENT;
}

/* cwd and root, from the fs context (namespace_lock held: chdir and
 * chroot change them under it). */
static int fs_link(struct proc_node *n, struct path *out, bool root)
{
	struct fs_context *fs = proc_get_fs(n->p);

	if (!fs)
		return -ENOENT;
	*out = root ? fs->root : fs->cwd;
	path_get(out);
	fs_context_put(fs);
	return 0;
}

static int cwd_link(struct proc_node *n, struct path *out)
{
	return fs_link(n, out, false);
}

static int root_link(struct proc_node *n, struct path *out)
{
	return fs_link(n, out, true);
}

/* The thread's name, or the one a zombie kept. */
static int show_comm(struct seq_buf *s, struct proc_node *n)
{
	char comm[TASK_COMM_LEN];
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct task *t = proc_node_task_locked(n);

	memcpy(comm, t ? t->comm : n->p->comm, sizeof(comm));
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	comm[TASK_COMM_LEN - 1] = '\0';
	seq_printf(s, "%s\n", comm);
	return 0;
}

/* As Linux: only a thread of the same process may rename one, and the
 * bytes are taken as written (a newline too). */
static long write_comm(struct proc_node *n, const char *buf, size_t len)
{
	char comm[TASK_COMM_LEN] = {0};
	unsigned long flags;
	struct task *t;
	size_t k = strnlen(buf, len);

	if (n->p != current_proc())
		return -EINVAL;
	memcpy(comm, buf, MIN(k, sizeof(comm) - 1));
	flags = spin_lock_irqsave(&proc_tree_lock);
	t = proc_node_task_locked(n);
	if (t)
		memcpy(t->comm, comm, sizeof(comm));
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return (long)len;
}

/* The mounts seen from the process's root. */
static int show_mounts(struct seq_buf *s, struct proc_node *n)
{
	struct fs_context *fs = proc_get_fs(n->p);
	struct path root;
	size_t room = s->size - s->len, len;

	if (!fs)
		return 0; /* a zombie: nothing (Linux: EINVAL at open) */
	namespace_lock();
	root = fs->root;
	path_get(&root);
	namespace_unlock();
	fs_context_put(fs);
	len = mounts_list(&root, s->buf + s->len, room);
	path_put(&root);
	if (len > room) {
		s->len = s->size;
		s->overflow = true;
	} else {
		s->len += len;
	}
	return 0;
}

/* ---- task/ -------------------------------------------------------------- */

static long tid_next(struct proc_node *dir, long from)
{
	pid_t tid = proc_next_thread(dir->p, (pid_t)MAX(from, 1));

	return tid ? tid : -1;
}

static int tid_bind(struct proc_node *dir, long n, struct proc_node *child)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool ok = n < PID_MAX && proc_thread_locked(dir->p, (pid_t)n);

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!ok)
		return -ENOENT;
	child->tid = (pid_t)n;
	return 0;
}

static const struct proc_entry tid_dir = {
	.name = "<tid>",
	.mode = S_IFDIR | 0555,
	.children = proc_tid_entries,
};

static const struct proc_numbered task_numbered = {
	.child = &tid_dir,
	.next = tid_next,
	.bind = tid_bind,
};

/* ---- the tables ---------------------------------------------------------- */

#define FILE_RO(nm, fn)                                        \
	{                                                      \
		.name = nm, .mode = S_IFREG | 0444, .show = fn \
	}
#define MAGIC(nm, fn)                                                \
	{                                                            \
		.name = nm, .mode = S_IFLNK | 0777, .private = true, \
		.get_link = fn                                       \
	}

#define COMMON_ENTRIES                                                    \
	FILE_RO("cmdline", proc_show_cmdline),                            \
		{.name = "comm",                                          \
		 .mode = S_IFREG | 0644,                                  \
		 .show = show_comm,                                       \
		 .write = write_comm},                                    \
		MAGIC("cwd", cwd_link),                                   \
		{.name = "environ",                                       \
		 .mode = S_IFREG | 0400,                                  \
		 .private = true,                                         \
		 .show = proc_show_environ},                              \
		MAGIC("exe", exe_link),                                   \
		{.name = "fd",                                            \
		 .mode = S_IFDIR | 0500,                                  \
		 .numbered = &proc_fd_numbered},                          \
		{.name = "fdinfo",                                        \
		 .mode = S_IFDIR | 0555,                                  \
		 .numbered = &proc_fdinfo_numbered},                      \
		{.name = "maps",                                          \
		 .mode = S_IFREG | 0444,                                  \
		 .private = true,                                         \
		 .show = proc_show_maps},                                 \
		FILE_RO("mounts", show_mounts), MAGIC("root", root_link), \
		FILE_RO("stat", proc_show_stat),                          \
		FILE_RO("statm", proc_show_statm),                        \
		FILE_RO("status", proc_show_status)

const struct proc_entry proc_pid_entries[] = {
	COMMON_ENTRIES,
	{.name = "task", .mode = S_IFDIR | 0555, .numbered = &task_numbered},
	{0},
};

const struct proc_entry proc_tid_entries[] = {
	COMMON_ENTRIES,
	{0},
};
