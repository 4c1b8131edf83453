/*
 * Shared by the files of kernel/fs/ only.
 */
#ifndef FS_PRIV_H
#define FS_PRIV_H

#include <kernel/fs.h>

/* inode.c */
void inode_init(void);

/* initramfs.c: the directory tree (read-only for now). */
struct inode *dir_lookup(struct inode *dir, const char *name, size_t len);
int dir_link(struct inode *dir, const char *name, size_t len,
	     struct inode *in);
extern const struct file_ops ramfs_file_ops, ramfs_dir_ops;

/* chardev.c: the file for a device number, or NULL (ENXIO). */
struct file *chardev_open(uint32_t rdev, unsigned int flags);

/* file.c: descriptor slots. */
bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool on);
int fd_install_at(struct file *f, int fd, bool cloexec);
struct file *fd_remove(int fd);

#endif
