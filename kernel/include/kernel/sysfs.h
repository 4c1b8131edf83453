/*
 * Files and links in /sys, for drivers (kernel/fs/sysfs.c, sysfs_node.c).
 * Paths are relative to /sys ("bus/pci/devices/0000:00:1f.2"). A file's
 * contents are made when it is read, by its show function, so that they
 * are current; at most a page of them, as on Linux.
 */
#ifndef KERNEL_SYSFS_H
#define KERNEL_SYSFS_H

#include <stddef.h>
#include <stdint.h>

/* Write obj's value into buf (size bytes): the length, or -errno. */
typedef long (*sysfs_show_fn)(void *obj, char *buf, size_t size);

/* The directory path and any parents missing: 0 or -errno. */
int sysfs_mkdir(const char *path);
/* A symlink at path (its directory made if missing) to target. */
int sysfs_symlink(const char *path, const char *target);
/* A read-only file at path (mode's permission bits) of st_size size
 * (Linux shows 4096 for most), its contents show(obj). 0 or -errno. */
int sysfs_add_file(const char *path, uint32_t mode, uint64_t size,
		   sysfs_show_fn show, void *obj);

#endif
