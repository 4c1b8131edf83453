/*
 * The initramfs format: cpio "newc" archives (magic "070701", and "070702",
 * the same with a checksum that is not checked), read in place. A reader
 * walks the entries of one buffer, which may hold several archives one
 * after the other, as the Linux initramfs unpacker accepts them; the
 * initramfs code (kernel/fs/) turns entries into files. Pure code, also
 * built for the host tests (tests/host/test_cpio.c, tests/fuzz/fuzz_cpio.c).
 *
 * Nothing in the archive is trusted: every size is checked against the
 * buffer before use, and a malformed archive gives -EINVAL with a reason.
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stddef.h>
#include <stdint.h>

/* Longest path, with its NUL, as Linux's PATH_MAX. */
#define CPIO_PATH_MAX 4096

/* File types in cpio's mode field: the standard S_IFMT values. */
#include <kernel/stat_mode.h>

/*
 * One member of the archive. name and data point into the archive; name is
 * NUL-terminated there (name_len excludes the NUL) and is the name as
 * stored: pass it through cpio_path_normalize() before using it as a path.
 * For a symlink, data is the target (size bytes, no NUL); for a regular
 * file, its contents. Hard links share (dev_major, dev_minor, ino); the
 * archive carries the data with one of them only.
 */
struct cpio_entry {
	const char *name;
	size_t name_len;
	uint32_t ino, mode, uid, gid, nlink;
	uint64_t mtime;
	uint32_t dev_major, dev_minor;	 /* of the filesystem it came from */
	uint32_t rdev_major, rdev_minor; /* of a device node */
	const void *data;
	size_t size;
};

/*
 * The walk's state. error is NULL until a malformed entry is met; then it
 * says why in a few words ("bad magic", "truncated header", ...) and
 * error_off is the offset of the problem in the buffer. Once set, every
 * later cpio_next() returns -EINVAL again.
 */
struct cpio_reader {
	const uint8_t *base;
	size_t size;
	size_t off;
	const char *error;
	size_t error_off;
};

void cpio_reader_init(struct cpio_reader *r, const void *archive, size_t size);

/*
 * The next member into *e (trailers are not members: they are skipped).
 * Returns 1 with an entry, 0 at the end of the buffer, -EINVAL when the
 * archive is malformed (r->error says why).
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/*
 * Turn a member name (len bytes, no NUL needed) into a relative path in
 * out: leading "/" and "./" go (absolute names become relative, as Linux
 * unpacks them), "//" and "/./" collapse, a trailing "/" or "/." goes.
 * A name that is only "." and "/" components (".", "/", "./") is the root
 * and gives ".". Returns the length of out (which is NUL-terminated),
 * -EINVAL for an empty name, a ".." component anywhere or a NUL inside the
 * name, -ENAMETOOLONG if out (out_size bytes, the NUL included) is too
 * small.
 */
int cpio_path_normalize(const char *name, size_t len, char *out,
			size_t out_size);

/*
 * Find path (normalised as above) in the archive: the LAST member whose
 * normalised name is the same, since later members override earlier ones
 * as when Linux unpacks several archives. Members whose names do not
 * normalise (a ".." in them) never match. Returns 0 with *out filled,
 * -ENOENT if the whole archive has no such member, -EINVAL (or
 * -ENAMETOOLONG) for a bad path, and -EINVAL for a malformed archive in
 * which the path was not found before the damage. The walk stops at the
 * damage, like Linux's unpacker: a member before it is still found
 * (returns 0), as it would exist after Linux unpacked the archive.
 */
int cpio_find(const void *archive, size_t size, const char *path,
	      struct cpio_entry *out);

#endif
