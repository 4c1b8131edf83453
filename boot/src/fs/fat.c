/*
 * FAT12/16/32 reader, for booting from a hard-disk or USB partition. The
 * type comes from the cluster count, as Microsoft's spec says, never from
 * the label in the boot sector. Names match either the 8.3 short name or
 * the VFAT long name (checksum-verified, UCS-2 narrowed to ASCII).
 *
 * Reading follows the cluster chain and merges runs of consecutive
 * clusters into one device read, because each BIOS call is slow; the last
 * FAT sector read is cached for the same reason. The image is untrusted:
 * every cluster number is range-checked, and a chain that loops is caught
 * (struct fat_chain) as -EUCLEAN, so nothing runs forever.
 */
#include "fs.h"

#define FAT_SECTOR_MAX 4096
#define FAT_DIRENT 32
#define FAT_DIR_MAX_ENTRIES 65536 /* the spec's limit per directory */

#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_LFN 0x0f /* read-only|hidden|system|volume */
#define FAT_ATTR_LFN_MASK 0x3f
#define FAT_LFN_LAST 0x40
#define FAT_LFN_MAX_ORD 20 /* 20 * 13 chars covers 255 */
#define FAT_LFN_CHARS 13
#define FAT_DELETED 0xe5

#define FAT_END 0 /* fat_next(): no next cluster */

/* Where fat_scan_*() stopped. */
#define FAT_SCAN_MORE 0
#define FAT_SCAN_FOUND 1
#define FAT_SCAN_END 2

static uint8_t fat_buf[FAT_SECTOR_MAX]; /* boot sector, directory chunks */

/* The last FAT sector read; fat_mount() invalidates it. */
static uint8_t fat_cache[FAT_SECTOR_MAX];
static const struct fs *fat_cache_fs;
static uint64_t fat_cache_off;

/* State of one directory scan: the name sought and the pending LFN. */
struct fat_scan {
	const char *name;
	size_t len;
	uint32_t entries;
	bool lfn_valid;
	uint8_t lfn_sum;
	uint8_t lfn_next; /* ordinal the next LFN entry must have */
	size_t lfn_len;
	char lfn[FS_NAME_MAX + 1];
	struct fs_file *file;
};

static uint32_t fat_cluster_bytes(const struct fs *fs)
{
	return fs->u.fat.bytes_per_sector * fs->u.fat.sectors_per_cluster;
}

static bool fat_cluster_ok(const struct fs *fs, uint32_t c)
{
	return c >= 2 && c - 2 < fs->u.fat.cluster_count;
}

static uint64_t fat_cluster_off(const struct fs *fs, uint32_t c)
{
	return fs->u.fat.data_start + (uint64_t)(c - 2) * fat_cluster_bytes(fs);
}

static bool is_pow2(uint32_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/*
 * Just enough of the BPB to say "this is FAT": a jump, sane sector and
 * cluster sizes, a reserved area, a FAT, a media byte. NTFS and exFAT fail
 * here; anything past this that does not add up is a corrupt FAT.
 */
static bool fat_looks_like_bpb(const uint8_t *b)
{
	uint32_t bps = get_le16(b + 11);

	if (!(b[0] == 0xeb && b[2] == 0x90) && b[0] != 0xe9)
		return false;
	if (bps < 512 || bps > FAT_SECTOR_MAX || !is_pow2(bps))
		return false;
	if (!is_pow2(b[13]) || get_le16(b + 14) == 0 || b[16] == 0)
		return false;
	return b[21] == 0xf0 || b[21] >= 0xf8;
}

/* FAT32 only: root cluster, version, which FAT is active. */
static int fat32_layout(struct fs *fs, const uint8_t *b, uint64_t fat_size)
{
	uint16_t ext_flags = get_le16(b + 40);
	uint32_t active = 0;

	if (get_le16(b + 17) != 0 || get_le16(b + 22) != 0 ||
	    get_le16(b + 42) != 0)
		return -EUCLEAN;
	fs->u.fat.root_cluster = get_le32(b + 44);
	if (!fat_cluster_ok(fs, fs->u.fat.root_cluster))
		return -EUCLEAN;
	/* Bit 7: mirroring off, only the FAT in bits 0-3 is current. */
	if (ext_flags & 0x80)
		active = ext_flags & 0x0f;
	if (active >= b[16])
		return -EUCLEAN;
	fs->u.fat.fat_start += active * fat_size * fs->u.fat.bytes_per_sector;
	return 0;
}

static int fat_layout(struct fs *fs, const uint8_t *b)
{
	uint32_t bps = get_le16(b + 11), spc = b[13], fats = b[16];
	uint32_t root_entries = get_le16(b + 17);
	uint64_t fat_size =
		get_le16(b + 22) ? get_le16(b + 22) : get_le32(b + 36);
	uint64_t total = get_le16(b + 19) ? get_le16(b + 19) : get_le32(b + 32);
	uint64_t root_secs =
		((uint64_t)root_entries * FAT_DIRENT + bps - 1) / bps;
	uint64_t meta = get_le16(b + 14) + fats * fat_size + root_secs;
	uint64_t count, entries;
	uint32_t bits;

	if (fat_size == 0 || meta >= total)
		return -EUCLEAN;
	count = (total - meta) / spc;
	if (count == 0 || count > 0x0ffffff5)
		return -EUCLEAN;
	bits = count < 4085 ? 12 : count < 65525 ? 16 : 32;
	entries = fat_size * bps * 8 / bits;
	if (entries < count + 2)
		return -EUCLEAN; /* the FAT cannot describe every cluster */

	fs->u.fat.type = bits;
	fs->u.fat.bytes_per_sector = bps;
	fs->u.fat.sectors_per_cluster = spc;
	fs->u.fat.fat_start = (uint64_t)get_le16(b + 14) * bps;
	fs->u.fat.root_start = (meta - root_secs) * bps;
	fs->u.fat.root_entries = root_entries;
	fs->u.fat.data_start = meta * bps;
	fs->u.fat.cluster_count = (uint32_t)count;
	if (bits == 32)
		return fat32_layout(fs, b, fat_size);
	return root_entries ? 0 : -EUCLEAN;
}

static int fat_mount(struct fs *fs)
{
	int rc;

	fat_cache_fs = NULL;
	/* Too small for a boot sector is "not FAT", not a read error. */
	if (fs->dev->sector_size == 0 ||
	    fs->dev->sectors <
		    (512 + fs->dev->sector_size - 1) / fs->dev->sector_size)
		return -EINVAL;
	rc = bdev_read_bytes(fs->dev, 0, fat_buf, 512);
	if (rc < 0)
		return rc;
	if (!fat_looks_like_bpb(fat_buf))
		return -EINVAL;
	return fat_layout(fs, fat_buf);
}

/* One byte of the FAT, through the one-sector cache. */
static int fat_table_byte(const struct fs *fs, uint64_t off, uint8_t *out)
{
	uint32_t bps = fs->u.fat.bytes_per_sector;
	uint64_t sec = fs->u.fat.fat_start + ALIGN_DOWN(off, bps);

	if (fat_cache_fs != fs || fat_cache_off != sec) {
		int rc = bdev_read_bytes(fs->dev, sec, fat_cache, bps);

		fat_cache_fs = NULL;
		if (rc < 0)
			return rc;
		fat_cache_fs = fs;
		fat_cache_off = sec;
	}
	*out = fat_cache[off % bps];
	return 0;
}

/* Raw FAT entry of cluster c; a FAT12 entry may straddle two sectors. */
static int fat_entry(const struct fs *fs, uint32_t c, uint32_t *val)
{
	uint32_t width = fs->u.fat.type == 12 ? 2 : fs->u.fat.type / 8;
	uint64_t off = fs->u.fat.type == 12 ? c + c / 2 : (uint64_t)c * width;
	uint8_t b[4];

	for (uint32_t i = 0; i < width; i++) {
		int rc = fat_table_byte(fs, off + i, &b[i]);

		if (rc < 0)
			return rc;
	}
	if (fs->u.fat.type == 12)
		*val = (c & 1) ? get_le16(b) >> 4 : get_le16(b) & 0xfff;
	else if (fs->u.fat.type == 16)
		*val = get_le16(b);
	else
		*val = get_le32(b) & 0x0fffffff;
	return 0;
}

/*
 * Where a chain walk is. A chain may legally jump backwards, so a loop is
 * caught two ways: Brent's check (remember the cluster reached after 1, 2,
 * 4, 8... links; meeting it again means a cycle, found within twice its
 * length) and, as a backstop, more links than the volume has clusters.
 */
struct fat_chain {
	uint32_t cur;
	uint32_t steps;
	uint32_t mark;
	uint32_t next_mark; /* steps at which mark moves on */
};

static void fat_chain_start(struct fat_chain *ch, uint32_t c)
{
	ch->cur = c;
	ch->steps = 0;
	ch->mark = c;
	ch->next_mark = 1;
}

/* Advance ch->cur to the next cluster of its chain, or to FAT_END. */
static int fat_next(const struct fs *fs, struct fat_chain *ch)
{
	uint32_t eoc = fs->u.fat.type == 12   ? 0xff8
		       : fs->u.fat.type == 16 ? 0xfff8
					      : 0x0ffffff8;
	uint32_t val;
	int rc;

	if (++ch->steps > fs->u.fat.cluster_count ||
	    !fat_cluster_ok(fs, ch->cur))
		return -EUCLEAN;
	rc = fat_entry(fs, ch->cur, &val);
	if (rc < 0)
		return rc;
	if (val >= eoc) {
		ch->cur = FAT_END;
		return 0;
	}
	/* Free (0), reserved (1), bad and out-of-range all end up here. */
	if (!fat_cluster_ok(fs, val) || val == ch->mark)
		return -EUCLEAN;
	if (ch->steps == ch->next_mark) {
		ch->mark = val;
		ch->next_mark *= 2;
	}
	ch->cur = val;
	return 0;
}

static uint8_t fat_lfn_checksum(const uint8_t *short_name)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
	return sum;
}

/* Gather one LFN entry; they come last piece first, ordinals counting down. */
static void fat_lfn_entry(struct fat_scan *s, const uint8_t *e)
{
	static const uint8_t pos[FAT_LFN_CHARS] = {1,  3,  5,  7,  9,  14, 16,
						   18, 20, 22, 24, 28, 30};
	uint32_t ord = e[0] & ~FAT_LFN_LAST;

	if (ord == 0 || ord > FAT_LFN_MAX_ORD) {
		s->lfn_valid = false;
		return;
	}
	if (e[0] & FAT_LFN_LAST) {
		s->lfn_valid = true;
		s->lfn_sum = e[13];
		s->lfn_len = ord * FAT_LFN_CHARS;
	} else if (!s->lfn_valid || ord != s->lfn_next || e[13] != s->lfn_sum) {
		s->lfn_valid = false;
		return;
	}
	s->lfn_next = (uint8_t)(ord - 1);
	for (uint32_t j = 0; j < FAT_LFN_CHARS; j++) {
		size_t at = (ord - 1) * FAT_LFN_CHARS + j;
		uint16_t ch = get_le16(e + pos[j]);

		if (ch == 0 && at < s->lfn_len)
			s->lfn_len = at;
		/* Non-ASCII becomes NUL, which no path component contains. */
		if (at < sizeof(s->lfn))
			s->lfn[at] = ch < 0x80 ? (char)ch : '\0';
	}
}

/* "NAME.EXT" from a short entry, trailing blanks dropped; returns length. */
static size_t fat_short_name(const uint8_t *e, char *out)
{
	size_t base = 8, ext = 3, n;

	while (base > 0 && e[base - 1] == ' ')
		base--;
	while (ext > 0 && e[8 + ext - 1] == ' ')
		ext--;
	memcpy(out, e, base);
	if (base > 0 && e[0] == 0x05) /* a real leading 0xe5 */
		out[0] = (char)FAT_DELETED;
	n = base;
	if (ext > 0) {
		out[n++] = '.';
		memcpy(out + n, e + 8, ext);
		n += ext;
	}
	return n;
}

static bool fat_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && str_casecmp_n(a, b, alen) == 0;
}

/* Fill s->file from a matching short entry. */
static int fat_entry_file(const struct fs *fs, const uint8_t *e,
			  struct fs_file *file)
{
	uint32_t c = get_le16(e + 26);

	if (fs->u.fat.type == 32)
		c |= (uint32_t)get_le16(e + 20) << 16;
	file->is_dir = (e[11] & FAT_ATTR_DIR) != 0;
	file->size = file->is_dir ? 0 : get_le32(e + 28);
	if (file->is_dir && c == 0) /* how ".." names the root */
		c = fs->u.fat.type == 32 ? fs->u.fat.root_cluster : 0;
	else if ((file->is_dir || file->size > 0) && !fat_cluster_ok(fs, c))
		return -EUCLEAN;
	file->loc = c;
	return 0;
}

/* Look at one 32-byte entry: FAT_SCAN_MORE/FOUND/END or -errno. */
static int fat_scan_entry(const struct fs *fs, struct fat_scan *s,
			  const uint8_t *e)
{
	char short_name[13];
	bool lfn_ok, match;

	if (e[0] == 0)
		return FAT_SCAN_END;
	if (++s->entries > FAT_DIR_MAX_ENTRIES)
		return -EUCLEAN;
	if (e[0] == FAT_DELETED) {
		s->lfn_valid = false;
		return FAT_SCAN_MORE;
	}
	if ((e[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN) {
		fat_lfn_entry(s, e);
		return FAT_SCAN_MORE;
	}
	lfn_ok = s->lfn_valid && s->lfn_next == 0 &&
		 s->lfn_sum == fat_lfn_checksum(e);
	s->lfn_valid = false;
	if (e[11] & FAT_ATTR_VOLUME)
		return FAT_SCAN_MORE;
	match = fat_name_eq(short_name, fat_short_name(e, short_name), s->name,
			    s->len) ||
		(lfn_ok && fat_name_eq(s->lfn, s->lfn_len, s->name, s->len));
	if (!match)
		return FAT_SCAN_MORE;
	return fat_entry_file(fs, e, s->file) < 0 ? -EUCLEAN : FAT_SCAN_FOUND;
}

/* Read len bytes of directory at off into fat_buf and scan them. */
static int fat_scan_region(const struct fs *fs, struct fat_scan *s,
			   uint64_t off, uint32_t len)
{
	int rc = bdev_read_bytes(fs->dev, off, fat_buf, len);

	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i + FAT_DIRENT <= len; i += FAT_DIRENT) {
		rc = fat_scan_entry(fs, s, fat_buf + i);
		if (rc != FAT_SCAN_MORE)
			return rc;
	}
	return FAT_SCAN_MORE;
}

/* The fixed root directory of FAT12/16. */
static int fat_scan_root(const struct fs *fs, struct fat_scan *s)
{
	uint64_t size = (uint64_t)fs->u.fat.root_entries * FAT_DIRENT;

	for (uint64_t off = 0; off < size; off += sizeof(fat_buf)) {
		uint32_t n = (uint32_t)MIN(size - off, sizeof(fat_buf));
		int rc = fat_scan_region(fs, s, fs->u.fat.root_start + off, n);

		if (rc != FAT_SCAN_MORE)
			return rc;
	}
	return FAT_SCAN_END;
}

/* A directory in clusters, read a buffer (or a cluster) at a time. */
static int fat_scan_chain(const struct fs *fs, struct fat_scan *s, uint32_t c)
{
	uint32_t cb = fat_cluster_bytes(fs);
	uint32_t chunk = MIN(cb, (uint32_t)sizeof(fat_buf));
	struct fat_chain ch;
	int rc;

	if (!fat_cluster_ok(fs, c))
		return -EUCLEAN;
	for (fat_chain_start(&ch, c); ch.cur != FAT_END;) {
		uint64_t base = fat_cluster_off(fs, ch.cur);

		for (uint32_t off = 0; off < cb; off += chunk) {
			rc = fat_scan_region(fs, s, base + off, chunk);
			if (rc != FAT_SCAN_MORE)
				return rc;
		}
		rc = fat_next(fs, &ch);
		if (rc < 0)
			return rc;
	}
	return FAT_SCAN_END;
}

static int fat_lookup(const struct fs *fs, const struct fs_file *dir,
		      const char *name, size_t len, struct fs_file *file)
{
	struct fat_scan s = {.name = name, .len = len, .file = file};
	int rc;

	if (dir->loc == 0 && fs->u.fat.type != 32)
		rc = fat_scan_root(fs, &s);
	else
		rc = fat_scan_chain(fs, &s, (uint32_t)dir->loc);
	if (rc == FAT_SCAN_FOUND)
		return 0;
	return rc == FAT_SCAN_END ? -ENOENT : rc;
}

static void fat_root(const struct fs *fs, struct fs_file *root)
{
	*root = (struct fs_file){
		.loc = fs->u.fat.type == 32 ? fs->u.fat.root_cluster : 0,
		.is_dir = 1,
	};
}

/*
 * From ch->cur, extend a run of consecutive clusters until it covers want
 * bytes or the chain jumps. Returns the run length in clusters in *run and
 * leaves ch->cur at the first cluster after the run, unless the run
 * already covers want bytes.
 */
static int fat_run(const struct fs *fs, struct fat_chain *ch, uint64_t want,
		   uint32_t *run)
{
	uint32_t first = ch->cur, n = 1;

	while ((uint64_t)n * fat_cluster_bytes(fs) < want) {
		int rc = fat_next(fs, ch);

		if (rc < 0)
			return rc;
		if (ch->cur == FAT_END)
			return -EUCLEAN; /* chain shorter than the file */
		if (ch->cur != first + n)
			break;
		n++;
	}
	*run = n;
	return 0;
}

static int fat_read(struct fs *fs, const struct fs_file *file, uint64_t off,
		    void *buf, size_t len)
{
	uint32_t cb = fat_cluster_bytes(fs);
	struct fat_chain ch;
	uint8_t *dst = buf;
	int rc;

	if (file->is_dir)
		return -EISDIR;
	if (off > file->size || len > file->size - off)
		return -EINVAL;
	if (len == 0)
		return 0;
	/* Skip whole clusters before off. */
	fat_chain_start(&ch, (uint32_t)file->loc);
	for (uint64_t skip = off / cb; skip > 0; skip--) {
		rc = fat_next(fs, &ch);
		if (rc < 0)
			return rc;
		if (ch.cur == FAT_END)
			return -EUCLEAN;
	}
	off %= cb;
	while (len > 0) {
		uint32_t first = ch.cur, run;
		size_t n;

		if (!fat_cluster_ok(fs, first))
			return -EUCLEAN;
		rc = fat_run(fs, &ch, off + len, &run);
		if (rc < 0)
			return rc;
		n = (size_t)MIN((uint64_t)len, (uint64_t)run * cb - off);
		rc = bdev_read_bytes(fs->dev, fat_cluster_off(fs, first) + off,
				     dst, n);
		if (rc < 0)
			return rc;
		dst += n;
		len -= n;
		off = 0;
	}
	return 0;
}

const struct fs_ops fat_ops = {
	.name = "fat",
	.mount = fat_mount,
	.root = fat_root,
	.lookup = fat_lookup,
	.read = fat_read,
};
