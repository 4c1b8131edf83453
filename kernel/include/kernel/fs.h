/*
 * Files (kernel/fs/): inodes with a page cache, open files, per-process
 * file descriptor tables, path lookup, and the file system calls.
 *
 * An inode is a file's identity: type and permissions, size, and for
 * regular files the pages of its data (the page cache: mmap maps these
 * very pages, read() copies from them). A struct file is one open of an
 * inode, with its position and O_ flags, reached through a small table of
 * operations (struct file_ops). Each process has a table of descriptors
 * (struct files) that CLONE_FILES shares, and a struct fs_context (cwd,
 * umask) that CLONE_FS shares.
 *
 * Filesystems for now: the initramfs, unpacked into a read-only tree of
 * inodes at boot (fs/initramfs.c); shared anonymous memory objects
 * (fs/shmem.c); the console (fs/console.c).
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/avl.h>
#include <kernel/list.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>

#define LOCK_RANK_INODE 600 /* an inode's page cache (inside mm's) */
#define LOCK_RANK_FILES 610 /* a descriptor table */

#include <kernel/stat_mode.h> /* S_IF*, S_IS* */

/* open(2) flags (x86_64). */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_ASYNC 00020000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_EACCESS 0x200

#define PATH_MAX 4096
#define NAME_MAX 255
#define SYMLOOP_MAX 40

struct inode;
struct file;

struct inode_ops {
	/* Fill the page-cache page of index (zeroed already): 0, -EIO. */
	int (*read_page)(struct inode *inode, uint64_t index, void *page);
	/* The target of a symlink (NUL-terminated), or NULL. */
	const char *(*link_target)(struct inode *inode);
	/* Free what the filesystem keeps for inode (its last reference). */
	void (*release)(struct inode *inode);
};

struct inode {
	uint64_t ino;
	uint32_t mode; /* S_IF* | permissions */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	int64_t atime, mtime, ctime; /* UNIX seconds */
	uint32_t rdev;
	int refcount; /* atomic */
	const struct inode_ops *ops;
	const struct file_ops *fops; /* what an open of it gets */
	void *priv;		     /* the filesystem's */

	/* The page cache: struct cached_page by index. */
	struct spinlock cache_lock;
	struct avl_tree cache;

	/* Directories: struct dentry children (read-only tree for now). */
	struct list_head children;
	struct inode *parent;
};

/* A name in a directory. */
struct dentry {
	struct list_head link; /* in the parent inode's children */
	struct inode *inode;
	char name[];
};

struct inode *inode_alloc(uint32_t mode, const struct inode_ops *ops);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/*
 * The page of inode's data at index, from the cache or read now, with a
 * reference for the caller (page_put it): 0, -ENOMEM, -EIO.
 */
int inode_get_page(struct inode *inode, uint64_t index, struct page **out);
/* Put page in the cache at index (the cache takes a reference): 0 or -errno. */
int inode_add_page(struct inode *inode, uint64_t index, struct page *page);

struct file_ops {
	/* -errno, or the bytes moved; *pos is advanced by the caller. */
	long (*read)(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
	long (*write)(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
	long (*ioctl)(struct file *f, unsigned int cmd, uintptr_t arg);
	/* getdents64 into ubuf: bytes written, 0 at the end, -errno. */
	long (*readdir)(struct file *f, uintptr_t ubuf, size_t n);
	void (*release)(struct file *f);
	bool seekable;
};

struct file {
	int refcount; /* atomic */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned int flags; /* O_* given to open, less the creation ones */
	struct mutex pos_lock;
	uint64_t pos;
	void *priv;
};

struct file *file_open_inode(struct inode *inode, unsigned int flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* A descriptor table. */
struct files {
	struct spinlock lock;
	int refcount;
	unsigned int size; /* slots in fd */
	struct file **fd;
	uint64_t *cloexec; /* bit per slot */
};

struct files *files_alloc(void);
struct files *files_copy(struct files *from);
void files_put(struct files *files);
/* The file at fd of the current process, with a reference, or NULL. */
struct file *fd_get(int fd);
/* Install f at the lowest free slot >= min: the descriptor, -EMFILE. */
int fd_install(struct file *f, int min, bool cloexec);
/* exec: close every descriptor marked close-on-exec. */
void files_close_on_exec(struct files *files);

struct fs_context {
	int refcount;
	struct inode *cwd;
	uint32_t umask;
};

struct fs_context *fs_context_alloc(void);
struct fs_context *fs_context_copy(struct fs_context *from);
void fs_context_put(struct fs_context *fs);

/* The root of the file tree (the initramfs). */
extern struct inode *fs_root;

/*
 * Resolve path (relative to dirfd's directory, AT_FDCWD: the cwd),
 * following symlinks (also the last component unless nofollow):
 * 0 with a referenced *out, or -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG, -EACCES...
 */
int path_lookup(int dirfd, const char *path, bool nofollow, struct inode **out);
/* The same for a path in user memory. */
int path_lookup_user(int dirfd, uintptr_t upath, bool nofollow,
		     struct inode **out);

/* May the current process access inode (mask: 4 r, 2 w, 1 x)? */
int inode_permission(const struct inode *inode, int mask);

/* Unpack the initramfs (the first boot module) into fs_root. */
int initramfs_init(void);

/* A shared anonymous memory object of size bytes (MAP_SHARED|ANON). */
struct inode *shmem_create(uint64_t size);

/* The console as a file (fds 0, 1, 2 of init). */
struct file *console_file_open(void);

void fs_init(void);

#endif
