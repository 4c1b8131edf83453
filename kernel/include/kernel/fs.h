/*
 * The virtual file system (kernel/fs/): file systems, the tree of names
 * they make, open files and descriptor tables, and the file system calls.
 *
 * The objects, as in Linux:
 *  - struct super_block: one mounted instance of a file system (tmpfs,
 *    procfs, devpts...), with its root and its operations;
 *  - struct inode: a file's identity: type and permissions, owner, size,
 *    times, and for regular files the page cache (the pages of its data:
 *    read(2) copies from them, mmap maps these very pages);
 *  - struct dentry: a name in a directory, bound to an inode or negative
 *    (the name does not exist); dentries form the tree that path walks
 *    follow, kept in a cache (dcache.c) so that a walk rarely asks the
 *    file system. tmpfs keeps every dentry it has (the tree is the file
 *    system); procfs makes them as they are looked up;
 *  - struct mount: a super_block attached at a dentry of another mount;
 *    a struct path (mount, dentry) names a place in the whole tree;
 *  - struct file: one open of an inode, with its position and O_ flags,
 *    used through its struct file_ops; each process has a table of
 *    descriptors (struct files, shared with CLONE_FILES) and a struct
 *    fs_context (root, working directory, umask; shared with CLONE_FS).
 *
 * Locking: namespace_lock (a mutex, namei.c) is held across every path
 * walk and every change to the tree of names or mounts: walks are short
 * and file systems' lookups may sleep. An inode's lock (a mutex) guards
 * its data and size (write, truncate); its page cache has a spinlock of
 * its own. Reference counts are atomic.
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/avl.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#define LOCK_RANK_RECLAIM 595 /* the page cache's disk inodes (inode.c) */
#define LOCK_RANK_INODE 600   /* an inode's page cache (inside mm's) */
#define LOCK_RANK_WB 605      /* a super_block's dirty inodes (writeback.c) */
#define LOCK_RANK_FILES 610   /* a descriptor table */
#define LOCK_RANK_DCACHE 620

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

#define FILE_SIZE_MAX ((uint64_t)INT64_MAX)
#define PATH_MAX 4096
#define NAME_MAX 255
#define SYMLOOP_MAX 40

/* getdents64's d_type. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* Mount flags (mount(2)'s MS_*), as kept in a mount and a super_block. */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_SILENT 32768

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

struct inode;
struct dentry;
struct file;
struct super_block;
struct mount;
struct poll_table;
struct vma;
struct statfs_k;
struct pipe;
struct unix_sock;
struct bio_batch;

/* A place in the tree: a dentry as seen through a mount. */
struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* ---- file systems and their instances ---------------------------------- */

/* statfs(2)'s struct statfs on x86_64. */
struct statfs_k {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define DEVPTS_SUPER_MAGIC 0x1cd1
#define SYSFS_MAGIC 0x62656572

struct super_ops {
	/* statfs(2)'s figures (the caller fills f_type, f_fsid, f_flags). */
	int (*statfs)(struct super_block *sb, struct statfs_k *st);
	/* The last mount of sb went: free what the file system keeps. */
	void (*put_super)(struct super_block *sb);
	/*
	 * Write-back file systems (writeback.c): write the file system's
	 * own metadata (superblock, bitmaps, its buffers) to the device
	 * and, if wait, wait for it and flush the device's cache. Called
	 * after the inodes' data and metadata are written: 0 or -errno.
	 */
	int (*sync_fs)(struct super_block *sb, bool wait);
};

struct super_block {
	const struct super_ops *ops;
	const struct fs_type *type;
	struct dentry *root;
	uint32_t dev;	    /* st_dev: major 0, a minor of its own */
	uint64_t magic;	    /* statfs's f_type (TMPFS_MAGIC...) */
	unsigned int flags; /* MS_RDONLY */
	int mounts;	    /* mounts of it (namespace_lock) */
	void *priv;	    /* the file system's */
	/* Its pinned dentries may go when unused and memory runs short: its
	 * lookup finds them again on the disk (ext2; not tmpfs). */
	bool dentries_reclaimable;

	/* Write-back (writeback.c), for file systems that registered with
	 * writeback_register: the inodes with dirty pages or metadata, in
	 * the order dirtied (wb_lock). Memory file systems leave it off. */
	bool writeback;
	struct spinlock wb_lock;
	struct list_head dirty_inodes;
	struct list_head wb_link; /* all write-back super_blocks */
};

struct fs_type {
	const char *name; /* as mount(2) names it */
	bool nodev;	  /* needs no device ("nodev" in /proc/filesystems) */
	/* A new instance for a mount of source with options: 0 or -errno. */
	int (*mount)(const struct fs_type *type, const char *source,
		     unsigned long flags, const char *options,
		     struct super_block **out);
	struct fs_type *next;
};

int fs_register(struct fs_type *type);
const struct fs_type *fs_find(const char *name);
/* A super_block with its own device number, to be filled. NULL: -ENOMEM. */
struct super_block *super_alloc(const struct fs_type *type,
				const struct super_ops *ops);
/* The list of /proc/filesystems ("nodev\ttmpfs\n"...) into buf: the
 * length of the whole list (more than size: buf holds the start). */
size_t fs_list(char *buf, size_t size);

/* ---- inodes ------------------------------------------------------------ */

struct inode_ops {
	/*
	 * Bind d, a name missing from the dentry cache, to its inode
	 * (d_instantiate) or leave it negative: 0, or -errno. The dcache
	 * asks once per name; file systems whose whole tree lives in the
	 * dcache (tmpfs) have nothing to look up.
	 */
	int (*lookup)(struct inode *dir, struct dentry *d);
	/* A new regular file, device, FIFO or socket named by negative d. */
	int (*create)(struct inode *dir, struct dentry *d, uint32_t mode,
		      uint32_t rdev);
	/* A regular file with no name (O_TMPFILE, memfd_create), bound to
	 * d, which the caller then deletes: 0 or -errno. */
	int (*tmpfile)(struct inode *dir, struct dentry *d, uint32_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, uint32_t mode);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	/* Move old to new (which may exist; flags: RENAME_*). */
	int (*rename)(struct inode *old_dir, struct dentry *old,
		      struct inode *new_dir, struct dentry *new,
		      unsigned int flags);
	/* A symlink's target into buf, NUL-terminated: its length or -errno. */
	long (*readlink)(struct inode *inode, char *buf, size_t size);
	/*
	 * A "magic" link (procfs's fd/N, exe, cwd, root): the very place
	 * it stands for, referenced, where a path walk goes on instead of
	 * walking a target's text (which may name nothing, or something
	 * else by now): 0 or -errno. namespace_lock held.
	 */
	int (*get_link)(struct inode *inode, struct path *out);
	/* Truncate or extend (zeroes) to size, inode locked: 0 or -errno. */
	int (*set_size)(struct inode *inode, uint64_t size);
	/* Fill the page-cache page of index (zeroed already): 0, -EIO. */
	int (*read_page)(struct inode *inode, uint64_t index, void *page);
	/* Account pages added to (or, negative, gone from) the page
	 * cache, whatever adds them (writes, faults, fallocate): 0, or
	 * -ENOSPC to refuse (tmpfs's size limit). */
	int (*charge)(struct inode *inode, long pages);
	/*
	 * The eviction hook: inode's last reference went. Free what the
	 * file system keeps for it; a disk file system frees its blocks
	 * when nlink is 0 (writeback.c wrote its dirty pages and metadata
	 * back before, when nlink is not).
	 */
	void (*release)(struct inode *inode);

	/* ---- write-back file systems (writeback.c) ---- */
	/*
	 * Before a write copies into [pos, pos + len) (inode locked): make
	 * the blocks under it exist, so that write(2) fails with ENOSPC at
	 * once rather than at write-back (Linux's write_begin): 0, -ENOSPC,
	 * -EIO. NULL: nothing to prepare.
	 */
	int (*write_begin)(struct inode *inode, uint64_t pos, uint64_t len);
	/*
	 * Start writing the cached page of index (dirty until now) to the
	 * disk, its bios added to batch (the caller waits for the batch,
	 * holding the page until then, so that a run of pages goes out as
	 * a few large requests): 0 or -errno. Its presence makes the
	 * inode's pages tracked as dirty (inode_mark_page_dirty).
	 */
	int (*write_page)(struct inode *inode, uint64_t index,
			  struct page *page, struct bio_batch *batch);
	/*
	 * Read ahead: put the pages of [index, index + count) that are not
	 * cached into the page cache, read with as few requests as the
	 * blocks allow, and wait: 0 or -errno (a page that could not be
	 * read is simply not cached). NULL: read_page one at a time.
	 */
	int (*readahead)(struct inode *inode, uint64_t index,
			 unsigned int count);
	/* Copy inode's metadata (size, times, mode, links...) to the file
	 * system's cache of the disk (its buffer): 0 or -errno. */
	int (*write_inode)(struct inode *inode);
};

struct inode {
	uint64_t ino;
	uint32_t mode; /* S_IF* | permissions */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t rdev; /* devices: (major << 8) | minor, Linux's old_encode */
	uint64_t size;
	struct timespec_k atime, mtime, ctime;
	int refcount; /* atomic */
	struct super_block *sb;
	const struct inode_ops *ops;
	const struct file_ops *fops; /* what an open of it gets */
	void *priv;		     /* the file system's */
	struct mutex lock;	     /* data and size; a directory's names */
	/* atomic: > 0 opens for writing, < 0 programs running it (exec):
	 * each side makes the other ETXTBSY, as on Linux. */
	int writecount;

	/* The page cache: struct cached_page by index (cache_lock). */
	struct spinlock cache_lock;
	struct avl_tree cache;
	uint64_t cached_pages;
	/* A disk file's (read_page) with pages cached: in the list the
	 * page cache gives pages back from (inode.c's reclaim_lock). */
	struct list_head reclaim_link;

	bool linkable; /* O_TMPFILE, no O_EXCL: linkat may name it */

	/*
	 * The regions that map it (struct vma, by their file_link), for
	 * truncate to unmap what goes: mmap_lock, a mutex taken inside the
	 * mappers' mm->lock. shared_maps counts the regions that may write
	 * to the file (MAP_SHARED of a writable open), for F_SEAL_WRITE.
	 */
	struct mutex mmap_lock;
	struct list_head mmaps;
	int shared_maps;
	/* memfd seals (F_SEAL_*, memfd.c); sealable: tmpfs files only. */
	unsigned int seals;
	bool sealable;

	struct pipe *pipe;	  /* a FIFO's, while it is open */
	struct list_head locks;	  /* record locks and flocks (locks.c) */
	struct unix_sock *socket; /* a bound AF_UNIX socket */

	/* Write-back (writeback.c): what is dirty (INODE_DIRTY_*), since
	 * when (monotonic ns), the link in sb->dirty_inodes: sb->wb_lock.
	 * dirty_pages counts the cached pages marked dirty (cache_lock). */
	unsigned int dirty;
	uint64_t dirtied_when;
	struct list_head dirty_link;
	uint64_t dirty_pages;
	/* st_blocks on a disk file system: 512-byte units it takes. */
	uint64_t disk_blocks;
};

#define INODE_DIRTY_META 1u  /* size, times, mode... not written back */
#define INODE_DIRTY_PAGES 2u /* some cached pages are dirty */

/*
 * bind(2) of an AF_UNIX socket: make the socket node at path (a kernel
 * string, from the working directory) with permissions mode less the
 * umask: 0 with its inode referenced in *out, or -errno (-EEXIST if the
 * name exists).
 */
int vfs_mknod_socket(const char *path, uint32_t mode, struct inode **out);
/*
 * The kernel's mknod: a node of mode (S_IFBLK | 0600...) for device dev
 * at path (a kernel string, as the current process sees it): 0, -errno.
 */
int vfs_mknod(const char *path, uint32_t mode, uint32_t dev);

/* A new inode of sb (ino, times now, nlink 1, one reference). */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode,
			  const struct inode_ops *ops,
			  const struct file_ops *fops);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/* ctime (and mtime if data changed) = now. */
void inode_touch(struct inode *inode, bool data);
/* A read of f: its atime, as Linux's relatime updates it. */
void file_accessed(struct file *f);
/*
 * Writers and runners of a regular file (Linux's get/put_write_access,
 * deny/allow_write_access): taking one side fails with -ETXTBSY while
 * the other is held.
 */
int inode_get_write_access(struct inode *inode);
void inode_put_write_access(struct inode *inode);
int inode_deny_write_access(struct inode *inode);
void inode_allow_write_access(struct inode *inode);
/*
 * The page of inode's data at index, from the cache or read now, with a
 * reference for the caller (page_put it): 0, -ENOMEM, -EIO.
 */
int inode_get_page(struct inode *inode, uint64_t index, struct page **out);
/* The cached page at index, referenced, or NULL (nothing is read). */
struct page *inode_find_page(struct inode *inode, uint64_t index);
/* Pages in every inode's cache, and of those in disk files' (which the
 * page cache gives back when memory runs short): /proc/meminfo. */
void inode_cache_totals(uint64_t *pages, uint64_t *disk_pages);
/* Put page in the cache at index (the cache takes a reference): 0 or -errno. */
int inode_add_page(struct inode *inode, uint64_t index, struct page *page);
/*
 * Copy up to n bytes of inode's data at pos (up to size) to user memory
 * through the page cache (a page missing on a file system with nothing
 * to read from is a hole: zeroes): the bytes copied, or -errno.
 */
long inode_read_pages(struct inode *inode, uintptr_t ubuf, size_t n,
		      uint64_t pos, uint64_t size);
/* Drop the cached pages from index on (truncate). */
void inode_drop_pages(struct inode *inode, uint64_t from_index);
/* Zero [off, end of its page) in the cached page holding off, if cached. */
void inode_zero_page_tail(struct inode *inode, uint64_t off);
/*
 * The cached page at index was written (write(2), a shared mapping): it
 * goes back to the disk later. Nothing on a file system without
 * write_page (tmpfs pays nothing).
 */
void inode_mark_page_dirty_wb(struct inode *inode, uint64_t index);
static inline void inode_mark_page_dirty(struct inode *inode, uint64_t index)
{
	if (inode->ops && inode->ops->write_page)
		inode_mark_page_dirty_wb(inode, index);
}
/*
 * Write back the dirty cached pages of index [first, end), each through
 * write_page, after taking it from every shared mapping (so that a
 * write through one faults and dirties it again): 0 or the first -errno.
 */
int inode_write_pages(struct inode *inode, uint64_t first, uint64_t end);

/* ---- write-back (writeback.c) ------------------------------------------ */

/* inode's metadata changed (or what: INODE_DIRTY_*): write it back
 * later. Nothing on a file system that does not write back. */
void inode_mark_dirty_wb(struct inode *inode, unsigned int what);
static inline void inode_mark_dirty(struct inode *inode, unsigned int what)
{
	if (inode->sb && inode->sb->writeback && inode->ops &&
	    inode->ops->write_inode)
		inode_mark_dirty_wb(inode, what);
}
/*
 * Write inode back: its dirty pages of [first, end) (all: 0, UINT64_MAX),
 * then, unless datasync and only times changed, its metadata; then the
 * file system's metadata and the device's cache (sync_fs with wait):
 * fsync, fdatasync, O_SYNC writes. 0 or the first -errno.
 */
int vfs_fsync_range(struct inode *inode, uint64_t first, uint64_t end,
		    bool datasync);
/* Write back every dirty inode of sb, then sync_fs(sb, wait): syncfs,
 * umount (before put_super). 0 or the first -errno. */
int sync_super(struct super_block *sb, bool wait);
/* sync(2): every write-back file system. */
int sync_all(bool wait);
/* A file system that writes back (ext2) joins at mount, leaves at its
 * last umount (put_super, after a sync_super). */
void writeback_register(struct super_block *sb);
void writeback_unregister(struct super_block *sb);
/* The flusher thread (every 5 s, what has been dirty for 30 s). */
void writeback_init(void);

/* May the current process access inode (mask: 4 r, 2 w, 1 x)? 0, -EACCES. */
int inode_permission(const struct inode *inode, int mask);
/* Is the current process the owner (or privileged)? */
bool inode_owner_or_root(const struct inode *inode);

/* ---- dentries (dcache.c) ----------------------------------------------- */

#define DENTRY_INLINE_NAME 32

struct dentry_ops {
	/* Is this cached dentry still right (procfs: is the process alive)? */
	bool (*revalidate)(struct dentry *d);
	/* The name d_path gives d instead of a path (pipes: "pipe:[INO]"),
	 * into buf: its length (more than size: cut). */
	long (*d_dname)(struct dentry *d, char *buf, size_t size);
};

struct dentry {
	struct dentry *parent; /* itself at a file system's root */
	struct inode *inode;   /* NULL: negative */
	struct super_block *sb;
	const struct dentry_ops *ops;
	int refcount;	    /* atomic; the tree's links do not count */
	unsigned int flags; /* DENTRY_* */
	uint64_t seq;	    /* creation order in the parent: readdir */
	uint32_t hash;
	uint32_t len;
	const char *name; /* inline_name, or allocated when long */
	char inline_name[DENTRY_INLINE_NAME];
	struct list_head hash_link; /* in the hash of (parent, name) */
	struct list_head children;  /* ordered by seq */
	struct list_head sibling;   /* in parent->children */
};

#define DENTRY_MOUNTED 1u /* a mount sits on it */
#define DENTRY_PINNED 2u  /* the file system keeps it while it exists */
#define DENTRY_DEAD 4u	  /* unlinked or gone: no longer in the tree */

/* A root dentry for sb bound to inode (which it takes). */
struct dentry *d_make_root(struct super_block *sb, struct inode *inode);
/* The child name[0..len) of parent, from the cache, referenced; or NULL. */
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
/* A new negative child of parent, referenced, in the cache. NULL: -ENOMEM. */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
/* Bind negative d to inode (whose reference it takes). */
void d_instantiate(struct dentry *d, struct inode *inode);
/* d's name is gone (unlink, rmdir): unbind and unhash it. */
void d_delete(struct dentry *d);
/* Move d under new_parent as name (rename). */
int d_move(struct dentry *d, struct dentry *new_parent, const char *name,
	   size_t len);
struct dentry *d_get(struct dentry *d);
void d_put(struct dentry *d);
/* Pin d for a file system that keeps its tree in the dcache (tmpfs). */
void d_pin(struct dentry *d);
void d_unpin(struct dentry *d);
/* Delete every name under root and root itself, unpinning them: a file
 * system's whole tree, at its last umount (tmpfs). */
void d_drop_tree(struct dentry *root);
/* Does dir have a positive child? (rmdir's ENOTEMPTY). */
bool d_has_children(struct dentry *dir);
/*
 * The absolute name of path, as seen from root, into buf (getcwd,
 * /proc/self/cwd): its length, -ENAMETOOLONG. A path outside root
 * (chroot) is named from its mount's root.
 */
long d_path(const struct path *path, const struct path *root, char *buf,
	    size_t size);

/*
 * Directory listing: for each child of f's directory from f->pos on,
 * emit(ctx, name, len, ino, DT_*); a non-zero return stops there, and
 * f->pos must then name that child again. The generic one lists the
 * dcache's children ("." and ".." first), for file systems that keep
 * their tree there.
 */
struct dir_context {
	int (*emit)(struct dir_context *ctx, const char *name, size_t len,
		    uint64_t ino, unsigned int type);
};
int dcache_readdir(struct file *f, struct dir_context *ctx);
unsigned int mode_to_dt(uint32_t mode);

/* ---- mounts (mount.c) -------------------------------------------------- */

struct mount {
	struct super_block *sb;
	struct dentry *root;	   /* what shows at the mount point */
	struct mount *parent;	   /* itself for the root mount */
	struct dentry *mountpoint; /* in parent */
	unsigned int flags;	   /* MS_RDONLY MS_NOSUID MS_NODEV MS_NOEXEC */
	char source[64];	   /* for /proc/mounts */
	int refcount;		   /* atomic: paths holding it */
	struct list_head link;	   /* in the list of all mounts */
};

void path_get(const struct path *p);
void path_put(struct path *p);
/* The mount on (mnt, dentry), or NULL. namespace_lock held. */
struct mount *mount_at(const struct mount *mnt, const struct dentry *d);
/* The root of the whole tree (the initial mount's root). */
void fs_root_path(struct path *out);
/* Mount a file system of type at path: 0 or -errno (the kernel's own). */
int vfs_mount(const char *type, const char *source, const struct path *at,
	      unsigned long flags, const char *options);
/*
 * The root from disk (kernel/init/do_mounts.c): a new mount of type on
 * source becomes the root of the whole tree, as Linux's switch from its
 * rootfs. The tmpfs root it replaces leaves the mount list; what was in
 * it stays in memory, out of reach. Paths taken before still lead there:
 * callers take a fresh fs_context afterwards. 0 or -errno.
 */
int vfs_mount_root(const char *type, const char *source, unsigned long flags,
		   const char *options);
/* Each mount as /proc/mounts shows it, into buf: the length of the
 * whole list (more than size: buf holds the start). */
size_t mounts_list(const struct path *root, char *buf, size_t size);

/* ---- path walk (namei.c) ----------------------------------------------- */

void namespace_lock(void);
void namespace_unlock(void);

#define LOOKUP_FOLLOW 1u    /* follow a symlink at the end too */
#define LOOKUP_DIRECTORY 2u /* the end must be a directory */
#define LOOKUP_EMPTY 4u	    /* "" names dirfd itself (AT_EMPTY_PATH) */

/*
 * Resolve path from dirfd (AT_FDCWD: the working directory) to a
 * referenced *out: 0, -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG,
 * -EACCES, -EBADF...
 */
int path_walk(int dirfd, const char *path, unsigned int flags,
	      struct path *out);
/* The same for a path in user memory (-EFAULT). */
int path_walk_user(int dirfd, uintptr_t upath, unsigned int flags,
		   struct path *out);
/* The convenience of old: the inode at path (referenced). */
int path_lookup(int dirfd, const char *path, bool nofollow, struct inode **out);
int path_lookup_user(int dirfd, uintptr_t upath, bool nofollow,
		     struct inode **out);

/* ---- open files (file.c) ----------------------------------------------- */

/* struct iovec: one buffer of readv/writev (user memory). */
struct iovec_k {
	uintptr_t base;
	uint64_t len;
};

struct file_ops {
	/* Set up an open (devices, FIFOs): 0 or -errno. */
	int (*open)(struct inode *inode, struct file *f);
	/* -errno, or the bytes moved; the caller advances the position. */
	long (*read)(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
	long (*write)(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
	/* readv/writev in one call (a socket's datagram is all the buffers
	 * at once); else each buffer is a read or write of its own. */
	long (*read_iov)(struct file *f, const struct iovec_k *iov, int cnt);
	long (*write_iov)(struct file *f, const struct iovec_k *iov, int cnt);
	long (*ioctl)(struct file *f, unsigned int cmd, uintptr_t arg);
	/* List a directory: see struct dir_context. */
	int (*readdir)(struct file *f, struct dir_context *ctx);
	/* POLL* bits ready now; register on pt's wait queues (poll.h). */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	/* fcntl commands of this kind of file (F_SETPIPE_SZ...). */
	long (*fcntl)(struct file *f, int cmd, unsigned long arg);
	/* May f be mapped (mmap maps its inode's page cache)? 0 or -errno.
	 * NULL: the file cannot be mapped (ENODEV). */
	int (*mmap)(struct file *f);
	/* fsync/fdatasync of a file that is not a file system's (a block
	 * device node): 0 or -errno. NULL: the inode's write-back. */
	int (*fsync)(struct file *f, bool datasync);
	void (*release)(struct file *f);
	bool seekable;
};

struct file {
	int refcount;	  /* atomic */
	struct path path; /* NULL mnt for files with no name (pipes...) */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned int flags; /* O_* given to open, less the creation ones */
	struct mutex pos_lock;
	uint64_t pos;
	uint64_t dir_seq;  /* readdir: the next child's seq */
	bool write_access; /* holds one of the inode's writecount */
	void *priv;
	const char *anon_name;	   /* "[eventfd]"...: an anonymous file's */
	struct list_head ep_links; /* epoll items watching it (eventpoll.c) */
};

/*
 * open(2)'s files, not the kernel's own (memfd, pipes...), count as
 * writers of a regular file they may write: -ETXTBSY while it runs.
 */
int file_get_write_access(struct file *f);
/* A file for inode at path (which it references; may be NULL). */
struct file *file_alloc(const struct path *path, struct inode *inode,
			unsigned int flags);
/* Open: checks, file_alloc, ops->open. 0 with *out, or -errno. */
int file_open_path(const struct path *path, unsigned int flags,
		   struct file **out);
/* An open file of inode, without a name (pipes, sockets, the console). */
struct file *file_open_inode(struct inode *inode, unsigned int flags);
/*
 * A file with no inode of its own (eventfd, epoll, signalfd, timerfd):
 * Linux's anonymous inode, named "anon_inode:NAME" in /proc.
 */
struct file *anon_file_open(const char *name, const struct file_ops *fops,
			    void *priv, unsigned int flags);
void file_get(struct file *f);
void file_put(struct file *f);
static inline bool file_readable(const struct file *f)
{
	unsigned int acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static inline bool file_writable(const struct file *f)
{
	unsigned int acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* A descriptor table. */
#define FILES_INLINE 64
struct files {
	struct spinlock lock;
	int refcount;
	unsigned int size; /* slots in fd */
	unsigned int top;  /* slots from here up are empty (a bound) */
	struct file **fd;
	uint64_t *cloexec; /* bit per slot */
	struct file *inline_fd[FILES_INLINE];
	uint64_t inline_cloexec[FILES_INLINE / 64];
};

struct files *files_alloc(void);
struct files *files_copy(struct files *from);
void files_put(struct files *files);
/* The file at fd of the current process, with a reference, or NULL. */
struct file *fd_get(int fd);
/*
 * The same for the length of one system call, without a reference when
 * no other thread shares the table (only this one could close the file,
 * and it is busy here): as Linux's fdget. Release with fd_put_light.
 */
struct fd_light {
	struct file *file; /* NULL: no such descriptor */
	bool ref;	   /* a reference was taken */
};
struct fd_light fd_get_light(int fd);
static inline void fd_put_light(struct fd_light f)
{
	if (f.ref)
		file_put(f.file);
}
/* Install f at the lowest free slot >= min: the descriptor, -EMFILE. */
int fd_install(struct file *f, int min, bool cloexec);
/* Empty slot fd: its file (the caller's reference now), or NULL. */
struct file *fd_remove(int fd);
/* exec: close every descriptor marked close-on-exec. */
void files_close_on_exec(struct files *files);
/*
 * For procfs, on another process's table: the file at fd, referenced,
 * and its close-on-exec flag (cloexec may be NULL), or NULL; the lowest
 * open descriptor >= from, or -1.
 */
struct file *files_fd_get(struct files *files, int fd, bool *cloexec);
int files_next_fd(struct files *files, int from);
/* Each open descriptor of files: fn(fd, file, arg) under its lock. */
void files_for_each(struct files *files,
		    void (*fn)(int fd, struct file *f, void *arg), void *arg);

struct fs_context {
	int refcount;
	struct path root, cwd;
	uint32_t umask;
};

struct fs_context *fs_context_alloc(void);
struct fs_context *fs_context_copy(struct fs_context *from);
void fs_context_put(struct fs_context *fs);

/* ---- file systems and devices ------------------------------------------ */

/* tmpfs (tmpfs.c); the root of the tree is one, filled from the initramfs. */
extern struct fs_type tmpfs_type;
/* Unpack the initramfs (the first boot module, cpio, maybe gzip) into /. */
int initramfs_init(void);

/*
 * The UUID in the ext2 (ext3, ext4) superblock of bdev, for root=UUID=
 * (ext2/super.c): 0, -EINVAL (no ext2 superblock), -EIO, -ENOMEM.
 */
struct block_device;
int ext2_probe_uuid(struct block_device *bdev, uint8_t uuid[16]);

/* A shared anonymous memory object of size bytes (MAP_SHARED|ANON). */
struct inode *shmem_create(uint64_t size);

/*
 * File seals (memfd.c; fcntl F_ADD_SEALS, F_GET_SEALS): what may no
 * longer happen to a file's data and size, as Linux's memfd has them.
 * The checks, each 0 or -EPERM, for the inode's lock holders: a write
 * of [pos, pos + len); a new size; a hole punched; a new mapping that
 * may write (shared_writable: MAP_SHARED of a writable open; prot_write:
 * PROT_WRITE asked) under mmap_lock.
 */
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#define F_SEAL_FUTURE_WRITE 0x0010
/* Inline: every write(2) asks, and most files have no seals. */
static inline int seals_check_write(const struct inode *inode, uint64_t pos,
				    uint64_t len)
{
	if (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((inode->seals & F_SEAL_GROW) && pos + len > inode->size)
		return -EPERM;
	return 0;
}
int seals_check_size(const struct inode *inode, uint64_t size);
int seals_check_punch(const struct inode *inode);
int seals_check_mmap(const struct inode *inode, bool shared_writable,
		     bool prot_write);
/* fcntl's F_ADD_SEALS and F_GET_SEALS on f: the seals, 0, or -errno. */
long memfd_fcntl(struct file *f, int cmd, unsigned long arg);
/* The file operations' mmap of page-cache files: any may be mapped. */
int filemap_mmap(struct file *f);
void memfd_init(void);
/* A mount of a file system of type that no path reaches (memfd's
 * tmpfs): its own parent, not in /proc/mounts. NULL: -errno in *err. */
struct mount *kern_mount(const char *type, int *err);
/* The same for a super_block made by hand (pipefs); NULL: no memory. */
struct mount *kern_mount_sb(struct super_block *sb);

/*
 * Character devices (chardev.c): a major (with all its minors, or one
 * minor) handled by fops, whose open picks the device by inode->rdev.
 */
#define MKDEV(major, minor) ((uint32_t)((major) << 8 | (minor)))
#define MAJOR(dev) ((dev) >> 8 & 0xfff)
#define MINOR(dev) ((dev)&0xff)
int chardev_register(unsigned int major, int minor, const struct file_ops *fops,
		     const char *name);
/* Make /dev/name for dev (devtmpfs), mode with S_IFCHR. */
int devtmpfs_create(const char *name, uint32_t mode, uint32_t dev);

/*
 * devpts (devpts.c): the node /dev/pts/index of a new pty slave (owned
 * as the mount's options say) and its removal.
 */
int devpts_add(unsigned int index, uint32_t dev);
void devpts_remove(unsigned int index);

void fs_init(void);

#endif
