/*
 * ISO9660 reader, for booting from CD. The Primary Volume Descriptor gives
 * the root directory; a path is walked one directory extent at a time, and
 * a file is one contiguous extent, so reading it is a single byte-range
 * read. Rock Ridge "NM" names are used when the disc has them (xorriso
 * always writes them), otherwise the ISO name without ";1" and trailing '.'.
 *
 * The image is untrusted: every length and offset is checked against the
 * record, the directory and the device before it is used.
 */
#include "fs.h"

#define ISO_SECTOR 2048
#define ISO_VD_START (16 * ISO_SECTOR)
#define ISO_VD_MAX 32 /* descriptors we look at before giving up */
#define ISO_VD_PRIMARY 1
#define ISO_VD_END 255

/* Directory record layout (ECMA-119 9.1). */
#define ISO_DR_MIN 34 /* fixed part plus a one-byte name */
#define ISO_DR_EAR 1
#define ISO_DR_EXTENT 2
#define ISO_DR_SIZE 10
#define ISO_DR_FLAGS 25
#define ISO_DR_UNIT 26
#define ISO_DR_GAP 27
#define ISO_DR_NAMELEN 32
#define ISO_DR_NAME 33

#define ISO_FLAG_DIR 0x02
#define ISO_FLAG_ASSOC 0x04
#define ISO_FLAG_MULTI 0x80

#define ISO_CE_MAX 8 /* continuation areas followed per record */

static uint8_t iso_buf[ISO_SECTOR];    /* descriptors, directory blocks */
static uint8_t iso_ce_buf[ISO_SECTOR]; /* SUSP continuation areas */
static char iso_rr_buf[FS_NAME_MAX + 1];

static uint64_t iso_dev_bytes(const struct fs *fs)
{
	const struct blockdev *dev = fs->dev;

	if (dev->sector_size == 0 ||
	    dev->sectors > UINT64_MAX / dev->sector_size)
		return UINT64_MAX;
	return dev->sectors * dev->sector_size;
}

static bool iso_extent_ok(const struct fs *fs, uint64_t loc, uint64_t size)
{
	uint64_t end = iso_dev_bytes(fs);

	return loc <= end && size <= end - loc;
}

/* Leave the Primary Volume Descriptor in iso_buf. */
static int iso_find_pvd(struct fs *fs)
{
	if (!iso_extent_ok(fs, ISO_VD_START, ISO_SECTOR))
		return -EINVAL;
	for (int i = 0; i < ISO_VD_MAX; i++) {
		uint64_t off = ISO_VD_START + (uint64_t)i * ISO_SECTOR;
		int rc = bdev_read_bytes(fs->dev, off, iso_buf, ISO_SECTOR);

		if (rc < 0)
			return i == 0 ? rc : -EUCLEAN;
		if (memcmp(iso_buf + 1, "CD001", 5) != 0)
			return i == 0 ? -EINVAL : -EUCLEAN;
		if (iso_buf[0] == ISO_VD_PRIMARY)
			return 0;
		if (iso_buf[0] == ISO_VD_END)
			return -EUCLEAN;
	}
	return -EUCLEAN;
}

/* Fill *file from directory record r; the record's length is checked. */
static int iso_record_file(const struct fs *fs, const uint8_t *r,
			   struct fs_file *file)
{
	uint64_t block = (uint64_t)get_le32(r + ISO_DR_EXTENT) + r[ISO_DR_EAR];
	uint32_t size = get_le32(r + ISO_DR_SIZE);

	/* Files over 4 GiB come in several extents; nothing we boot is. */
	if (r[ISO_DR_FLAGS] & ISO_FLAG_MULTI)
		return -EFBIG;
	if (r[ISO_DR_UNIT] != 0 || r[ISO_DR_GAP] != 0)
		return -ENOSYS; /* interleaved: never written by xorriso */
	file->loc = size ? block * fs->u.iso.block_size : 0;
	file->size = size;
	file->is_dir = (r[ISO_DR_FLAGS] & ISO_FLAG_DIR) != 0;
	if (!iso_extent_ok(fs, file->loc, file->size))
		return -EUCLEAN;
	return 0;
}

/* Offset of the System Use area in record r of length rl, or rl if none. */
static size_t iso_su_offset(const struct fs *fs, const uint8_t *r, size_t rl)
{
	size_t nl = r[ISO_DR_NAMELEN];
	size_t su = ISO_DR_NAME + nl + !(nl & 1) + fs->u.iso.susp_skip;

	return MIN(su, rl);
}

/*
 * "SP" in the root's "." record marks a SUSP disc (and gives the bytes to
 * skip in every System Use area); only then is "NM" trusted.
 */
static int iso_detect_susp(struct fs *fs)
{
	size_t n = MIN(fs->u.iso.root_size, fs->u.iso.block_size);
	size_t rl, su;
	int rc;

	rc = bdev_read_bytes(fs->dev, fs->u.iso.root_loc, iso_buf, n);
	if (rc < 0)
		return rc;
	rl = iso_buf[0];
	if (rl < ISO_DR_MIN || rl > n ||
	    ISO_DR_NAME + (size_t)iso_buf[ISO_DR_NAMELEN] > rl)
		return 0; /* the lookup will report the corruption */
	su = iso_su_offset(fs, iso_buf, rl);
	if (rl - su >= 7 && iso_buf[su] == 'S' && iso_buf[su + 1] == 'P' &&
	    iso_buf[su + 2] >= 7 && iso_buf[su + 4] == 0xbe &&
	    iso_buf[su + 5] == 0xef) {
		fs->u.iso.rock_ridge = 1;
		fs->u.iso.susp_skip = iso_buf[su + 6];
	}
	return 0;
}

static int iso_mount(struct fs *fs)
{
	const uint8_t *root;
	struct fs_file dir;
	uint32_t bs;
	int rc;

	rc = iso_find_pvd(fs);
	if (rc < 0)
		return rc;
	bs = get_le16(iso_buf + 128);
	if (bs < 512 || bs > ISO_SECTOR || (bs & (bs - 1)) != 0)
		return -EUCLEAN;
	fs->u.iso.block_size = bs;

	root = iso_buf + 156;
	if (root[0] < ISO_DR_MIN || !(root[ISO_DR_FLAGS] & ISO_FLAG_DIR))
		return -EUCLEAN;
	if (iso_record_file(fs, root, &dir) < 0 || dir.size == 0)
		return -EUCLEAN;
	fs->u.iso.root_loc = dir.loc;
	fs->u.iso.root_size = dir.size;
	return iso_detect_susp(fs);
}

/* Append an NM entry's name bytes; an over-long name is left unmatchable. */
static void iso_nm_append(const uint8_t *e, size_t el, size_t *n)
{
	size_t part = el - 5;

	if (e[4] & 0x06) /* CURRENT or PARENT: "." and "..", no name here */
		return;
	if (*n > FS_NAME_MAX || part > FS_NAME_MAX - *n) {
		*n = FS_NAME_MAX + 1;
		return;
	}
	memcpy(iso_rr_buf + *n, e + 5, part);
	*n += part;
}

/*
 * Walk one SUSP area: collect NM pieces into iso_rr_buf, note a CE
 * continuation. Returns true if an NM entry was seen.
 */
static bool iso_susp_area(const struct fs *fs, const uint8_t *a, size_t alen,
			  size_t *n, uint64_t *ce_loc, uint32_t *ce_len)
{
	bool found = false;

	for (size_t i = 0; alen - i >= 4;) {
		const uint8_t *e = a + i;
		size_t el = e[2];

		if (el < 4 || el > alen - i)
			break; /* malformed: ignore the rest */
		if (e[0] == 'S' && e[1] == 'T')
			break;
		if (e[0] == 'C' && e[1] == 'E' && el >= 28) {
			*ce_loc = (uint64_t)get_le32(e + 4) *
					  fs->u.iso.block_size +
				  get_le32(e + 12);
			*ce_len = get_le32(e + 20);
		} else if (e[0] == 'N' && e[1] == 'M' && el >= 5) {
			iso_nm_append(e, el, n);
			found = true;
		}
		i += el;
	}
	return found;
}

/*
 * The Rock Ridge name of a record into iso_rr_buf. Returns 1 with *n set,
 * 0 if the record has none, or a negative errno from reading a CE area.
 */
static int iso_rr_name(const struct fs *fs, const uint8_t *su, size_t su_len,
		       size_t *n)
{
	bool found = false;

	*n = 0;
	for (int hops = 0;; hops++) {
		uint64_t ce_loc = 0;
		uint32_t ce_len = 0;
		int rc;

		found |= iso_susp_area(fs, su, su_len, n, &ce_loc, &ce_len);
		if (ce_len == 0 || hops == ISO_CE_MAX)
			break;
		if (ce_len > sizeof(iso_ce_buf) ||
		    !iso_extent_ok(fs, ce_loc, ce_len))
			break; /* a bad pointer costs only the rest of the name */
		rc = bdev_read_bytes(fs->dev, ce_loc, iso_ce_buf, ce_len);
		if (rc < 0)
			return rc;
		su = iso_ce_buf;
		su_len = ce_len;
	}
	return found;
}

/* The ISO name's length without ";version" and a trailing '.'. */
static size_t iso_plain_name_len(const char *name, size_t nl)
{
	size_t n = 0;

	while (n < nl && name[n] != ';')
		n++;
	if (n > 0 && name[n - 1] == '.')
		n--;
	return n;
}

/* 1 if record r (length rl, checked) is called name, 0 if not, or -errno. */
static int iso_record_matches(const struct fs *fs, const uint8_t *r, size_t rl,
			      const char *name, size_t len)
{
	const char *cand = (const char *)r + ISO_DR_NAME;
	size_t nl = r[ISO_DR_NAMELEN];
	size_t n;

	if (nl == 1 && (r[ISO_DR_NAME] == 0 || r[ISO_DR_NAME] == 1))
		return 0; /* "." and ".." */
	if (r[ISO_DR_FLAGS] & ISO_FLAG_ASSOC)
		return 0; /* an associated file shares its owner's name */
	n = iso_plain_name_len(cand, nl);
	if (fs->u.iso.rock_ridge) {
		size_t su = iso_su_offset(fs, r, rl);
		size_t rr_len;
		int rc = iso_rr_name(fs, r + su, rl - su, &rr_len);

		if (rc < 0)
			return rc;
		if (rc > 0) {
			cand = iso_rr_buf;
			n = rr_len;
		}
	}
	return n == len && str_casecmp_n(cand, name, len) == 0;
}

/*
 * Scan one block of a directory (avail bytes in iso_buf). Returns 1 with
 * *file filled on a match, 0 to go on, or -errno.
 */
static int iso_scan_block(const struct fs *fs, size_t avail, const char *name,
			  size_t len, struct fs_file *file)
{
	size_t i = 0;

	/* A zero length byte pads the rest of the block. */
	while (i < avail && iso_buf[i] != 0) {
		const uint8_t *r = iso_buf + i;
		size_t rl = r[0];
		int rc;

		if (rl < ISO_DR_MIN || rl > avail - i ||
		    r[ISO_DR_NAMELEN] == 0 ||
		    ISO_DR_NAME + (size_t)r[ISO_DR_NAMELEN] > rl)
			return -EUCLEAN;
		rc = iso_record_matches(fs, r, rl, name, len);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			rc = iso_record_file(fs, r, file);
			return rc < 0 ? rc : 1;
		}
		i += rl;
	}
	return 0;
}

static int iso_lookup(const struct fs *fs, const struct fs_file *dir,
		      const char *name, size_t len, struct fs_file *file)
{
	uint32_t bs = fs->u.iso.block_size;

	for (uint64_t pos = 0; pos < dir->size; pos += bs) {
		size_t avail = MIN(bs, dir->size - pos);
		int rc;

		rc = bdev_read_bytes(fs->dev, dir->loc + pos, iso_buf, avail);
		if (rc < 0)
			return rc;
		rc = iso_scan_block(fs, avail, name, len, file);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	return -ENOENT;
}

static void iso_root(const struct fs *fs, struct fs_file *root)
{
	*root = (struct fs_file){
		.size = fs->u.iso.root_size,
		.loc = fs->u.iso.root_loc,
		.is_dir = 1,
	};
}

static int iso_read(struct fs *fs, const struct fs_file *file, uint64_t off,
		    void *buf, size_t len)
{
	if (file->is_dir)
		return -EISDIR;
	if (off > file->size || len > file->size - off)
		return -EINVAL;
	if (len == 0)
		return 0;
	return bdev_read_bytes(fs->dev, file->loc + off, buf, len);
}

const struct fs_ops iso9660_ops = {
	.name = "iso9660",
	.mount = iso_mount,
	.root = iso_root,
	.lookup = iso_lookup,
	.read = iso_read,
};
