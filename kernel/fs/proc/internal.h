/*
 * Shared by the files of procfs (kernel/fs/proc/) only.
 *
 * procfs keeps no tree: each name is made when looked up, as an inode
 * whose priv is a struct proc_node, (what entry, of which process,
 * thread or descriptor). An entry (struct proc_entry) is a file whose
 * text is rendered on read by its show function, a directory of fixed
 * entries and/or of numbered ones (PIDs, TIDs, descriptors: struct
 * proc_numbered), a symlink whose target is text (self), or a magic
 * link (fd/N, exe, cwd, root) whose walk lands on the very place.
 *
 * Files are rendered whole into a kernel buffer (struct seq_buf) when
 * a read starts at offset 0, with whatever locks the show function
 * takes, and read from that buffer: nothing is copied to user memory
 * under a lock, and a reader going through in pieces sees one snapshot.
 */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <kernel/compiler.h>
#include <kernel/fs.h>
#include <kernel/proc.h>

/* A text being rendered; past size, len stops and overflow is set. */
struct seq_buf {
	char *buf;
	size_t size, len;
	bool overflow;
};

void seq_printf(struct seq_buf *s, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_buf *s, const char *str);
void seq_write(struct seq_buf *s, const void *data, size_t n);
void seq_putc(struct seq_buf *s, char c);

struct proc_node;

/* A directory's numbered children: /proc's PIDs, task/'s TIDs, fd/. */
struct proc_numbered {
	/* The entry each child is, given its number (fd/: a magic link). */
	const struct proc_entry *child;
	/* The lowest child number >= from, or -1. */
	long (*next)(struct proc_node *dir, long from);
	/* Fill child (its p, tid, fd) for number n: 0 or -ENOENT. */
	int (*bind)(struct proc_node *dir, long n, struct proc_node *child);
};

struct proc_entry {
	const char *name;
	uint32_t mode; /* S_IF* | permissions */
	/* Another process's entry readable only with ptrace-like rights. */
	bool private;
	/* Regular files: render (0 or -errno); take a written text. */
	int (*show)(struct seq_buf *s, struct proc_node *n);
	long (*write)(struct proc_node *n, const char *buf, size_t len);
	/* Symlinks: the target as text (0 or -errno)... */
	int (*target)(struct proc_node *n, char *buf, size_t size);
	/* ...or a magic link's place, referenced (-ENXIO: it has none,
	 * and target names it: a pipe...). */
	int (*get_link)(struct proc_node *n, struct path *out);
	/* The mode of a node, when it depends on it (fd/N: the access). */
	uint32_t (*mode_of)(struct proc_node *n);
	/* Directories: fixed entries (a NULL name ends them), numbered. */
	const struct proc_entry *children;
	const struct proc_numbered *numbered;
};

struct proc_node {
	const struct proc_entry *e;
	struct proc *p; /* referenced; NULL outside /proc/PID */
	pid_t tid;	/* under task/TID: the thread; else 0 */
	int fd;		/* fd/N, fdinfo/N */
};

static inline struct proc_node *PN(const struct inode *inode)
{
	return inode->priv;
}

/* node.c: the generic inode, directory and file machinery. */
extern const struct proc_entry proc_root_entry;
struct inode *proc_inode_new(struct super_block *sb, struct proc_node *n);
/* May the current process see p's private data (same user, or root)? */
bool proc_may_access(struct proc *p);
/* Is n's process still there (not reaped)? */
bool proc_node_alive(const struct proc_node *n);
/* The thread n is about (task/TID's, else the leader), tree lock held. */
struct task *proc_node_task_locked(const struct proc_node *n);

/* Decimal parse of a name: the number, or -1. */
long proc_name_number(const char *name, size_t len);

/* root.c: /proc's own entries; base.c: /proc/PID's and task/TID's. */
extern const struct proc_numbered proc_pids;
extern const struct proc_entry proc_pid_entries[];
extern const struct proc_entry proc_tid_entries[];
/* fd.c: the children of fd/ and fdinfo/. */
extern const struct proc_numbered proc_fd_numbered, proc_fdinfo_numbered;
/* sys.c: /proc/sys. */
extern const struct proc_entry proc_sys_entries[];

/* array.c: stat, status, statm (process or thread). */
int proc_show_stat(struct seq_buf *s, struct proc_node *n);
int proc_show_status(struct seq_buf *s, struct proc_node *n);
int proc_show_statm(struct seq_buf *s, struct proc_node *n);
/* mmu.c: the sizes of an address space, in pages (status, statm). */
struct mm;
struct proc_mm_sizes {
	uint64_t total, rss, data, stack, exec, text;
};
void proc_mm_sizes(struct mm *mm, struct proc_mm_sizes *out);
/* mmu.c: maps, cmdline, environ. */
int proc_show_maps(struct seq_buf *s, struct proc_node *n);
int proc_show_cmdline(struct seq_buf *s, struct proc_node *n);
int proc_show_environ(struct seq_buf *s, struct proc_node *n);
/* generic.c: the system-wide files. */
int proc_show_meminfo(struct seq_buf *s, struct proc_node *n);
int proc_show_cpuinfo(struct seq_buf *s, struct proc_node *n);
int proc_show_uptime(struct seq_buf *s, struct proc_node *n);
int proc_show_loadavg(struct seq_buf *s, struct proc_node *n);
int proc_show_version(struct seq_buf *s, struct proc_node *n);
int proc_show_stat_all(struct seq_buf *s, struct proc_node *n);
int proc_show_filesystems(struct seq_buf *s, struct proc_node *n);
int proc_show_partitions(struct seq_buf *s, struct proc_node *n);
int proc_show_cmdline_boot(struct seq_buf *s, struct proc_node *n);

#define NSEC_PER_USER_HZ (NSEC_PER_SEC / 100) /* clock ticks: USER_HZ */

#endif
