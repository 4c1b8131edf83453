/*
 * Shared by the files of kernel/fs/ only.
 */
#ifndef FS_PRIV_H
#define FS_PRIV_H

#include <kernel/fs.h>

/* inode.c, dcache.c, file.c */
void inode_init(void);
/* Drop the cached pages of index [first, end) (a punched hole). */
void inode_drop_range(struct inode *inode, uint64_t first, uint64_t end);
void dcache_init(void);
void file_cache_init(void);

/*
 * namei.c: for the calls that create or remove a name. Walk all but the
 * last component of upath: 0 with the parent directory's path
 * (referenced), the last component (kmalloc'd: kfree it) and whether a
 * slash followed it, and namespace_lock held (the caller changes the
 * tree, then unlocks); or -errno, unlocked. A path with no last
 * component ("/") gives -EEXIST; "." and ".." come back as names.
 */
int path_walk_parent_locked(int dirfd, uintptr_t upath, struct path *parent,
			    char **last, bool *trailing);
/* The same, following a symlink at the end if follow (open O_CREAT
 * makes a dangling symlink's target). */
int path_walk_create_locked(int dirfd, uintptr_t upath, bool follow,
			    struct path *parent, char **last, bool *trailing);
/* The same for a kernel path, namespace_lock held by the caller. */
int path_walk_parent_held(int dirfd, const char *path, struct path *parent,
			  char **last, bool *trailing);
/* A user path into a kernel buffer of PATH_MAX (kfree it): 0, -EFAULT,
 * -ENAMETOOLONG, -ENOMEM. */
int copy_path(uintptr_t upath, char **out);

/* filemap.c: regular files through the page cache. */
long filemap_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
long filemap_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t pos);
int filemap_set_size(struct inode *inode, uint64_t size);
/* fallocate, inode locked: make the pages of [off, off + len) (ENOSPC
 * now rather than at a write), extending the size if asked. */
int filemap_allocate(struct inode *inode, uint64_t off, uint64_t len,
		     bool extend);
/* Punch a hole at [off, off + len): whole pages go, the ends are zeroed. */
int filemap_punch_hole(struct inode *inode, uint64_t off, uint64_t len);

/* permission.c: the file-system identity of the current process. */
struct cred;
const struct cred *fs_cred(void);
bool fs_capable(void);		/* fsuid 0 */
bool fs_in_group(uint32_t gid); /* fsgid or a supplementary group */

/*
 * A directory removed (rmdir, or renamed over) while something still
 * holds it, a cwd or an open descriptor: Linux's IS_DEADDIR. It lists
 * nothing and takes no new names (ENOENT).
 */
static inline bool dir_dead(const struct inode *in)
{
	return S_ISDIR(in->mode) && in->nlink == 0;
}

/*
 * namei.c: the child name of dir (namespace_lock held), referenced,
 * positive or negative (a name to create); -ENAMETOOLONG, -ENOMEM.
 */
int vfs_child(struct dentry *dir, const char *name, struct dentry **out);

/* open.c: is p on a read-only mount or file system? */
bool path_readonly(const struct path *p);

/* read_write.c: read or write f with a kernel buffer (off < 0: at
 * the file position). */
long kernel_read(struct file *f, void *buf, size_t n, int64_t off);
long kernel_write(struct file *f, const void *buf, size_t n, int64_t off);

/*
 * stat.c: the path a call on (dirfd, upath, AT_* flags) means: a walk,
 * or dirfd's own with AT_EMPTY_PATH and "". Referenced.
 */
int path_at(int dirfd, uintptr_t upath, int flags, struct path *out);

/* attr.c: truncate or extend inode (locked here): 0 or -errno. */
int vfs_truncate(struct inode *inode, uint64_t size);

/* d_path.c: d_path with namespace_lock held. */
long d_path_locked(const struct path *path, const struct path *root, char *buf,
		   size_t size);

/* mount.c, namespace_lock held: undo a mount (0, -EBUSY); mount what
 * from names at at (bind); move m to at; the mount whose root p is. */
int mount_remove(struct mount *m, bool lazy);
int mount_bind(const struct path *from, const struct path *at,
	       unsigned long flags);
int mount_move(struct mount *m, const struct path *at);
struct mount *mount_of_root(const struct path *p);

/*
 * chardev.c: what an open of a special inode gets: a character device's
 * operations (picked at open by rdev), a FIFO's, or NULL (ENXIO).
 */
const struct file_ops *special_fops(uint32_t mode, uint32_t rdev);

/* poll.c: f's ready events (a file without poll is always ready). */
unsigned int file_poll(struct file *f, struct poll_table *pt);
/* eventpoll.c: f's last close: the epoll items watching it go. */
void eventpoll_release(struct file *f);
/* anon.c */
void anon_init(void);

/* pipe.c: what an open of a FIFO gets. */
extern const struct file_ops fifo_fops;
void fifo_release(struct file *f);

/* file.c: descriptor slots. */
/* Is there a free descriptor below RLIMIT_NOFILE? 0 or -EMFILE. */
int fd_room(void);
bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool on);
int fd_install_at(struct file *f, int fd, bool cloexec);

/*
 * locks.c: advisory locks. A request: [start, end] (inclusive), type
 * F_RDLCK/F_WRLCK/F_UNLCK, kind, owner (struct files for POSIX locks,
 * struct file for OFD locks and flocks); locks_test fills in the first
 * conflicting lock (or type F_UNLCK).
 */
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_KIND_POSIX 0
#define LOCK_KIND_OFD 1
#define LOCK_KIND_FLOCK 2

/* The last byte a lock can cover (Linux's OFFSET_MAX): a lock "to the
 * end of the file" ends here, and so does one that reaches it. */
#define LOCK_OFFSET_MAX ((uint64_t)INT64_MAX)

struct file_lock_req {
	uint64_t start, end;
	int type, kind, pid;
	const void *owner;
};

/* 0, -EAGAIN (would block), -EDEADLK, -ERESTARTSYS, -ENOLCK. */
int locks_set(struct inode *inode, struct file_lock_req *req, bool wait);
int locks_test(struct inode *inode, struct file_lock_req *req);
/* A descriptor of inode closed: owner's POSIX locks on it go. */
void locks_remove_posix(struct inode *inode, const void *owner);
/* The last close of f: its OFD locks and flocks go. */
void locks_release_file(struct file *f);
/* Close a descriptor's file: POSIX locks of the table's owner go. */
void fd_close_file(struct files *files, struct file *f);

/* writeback.c: inode's last reference went (inode_put): off its sb's
 * dirty list, its pages and metadata written back unless it has no
 * name left (the file system frees it then). */
void writeback_evict(struct inode *inode);

/* tmpfs.c: the root file system, for initramfs.c. */
int tmpfs_mount_root(void);

/* proc/root.c, sysfs.c: register "proc" and "sysfs". */
void procfs_init(void);
/* ext2/super.c: register "ext2" (and "ext3", "ext4"). */
void ext2_init(void);
void sysfs_init(void);
/* sysfs.c: the root of the one sysfs instance, NULL if it failed. */
struct dentry *sysfs_root(void);

/* devtmpfs.c, chardev.c, devpts.c: /dev and its first devices. */
void devtmpfs_init(void);
void chardev_init_mem(void);
void devpts_init(void);

/* The time to stamp a file with now (inode.c): coarse, as Linux's. */
struct timespec_k inode_time_now(void);

#endif
