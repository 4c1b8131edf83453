/*
 * cpio "newc" archives, the initramfs format (<kernel/cpio.h>), read in
 * place the way Linux's initramfs unpacker (init/initramfs.c) reads them.
 *
 * Each member is a 110-byte header of ASCII fields (the magic, then
 * thirteen 8-digit hex numbers), the name with its NUL, zero padding to a
 * multiple of 4, the data, zero padding to a multiple of 4. A member named
 * "TRAILER!!!" ends one archive. Between members Linux skips any run of
 * zero bytes, as long as the next header starts at a multiple of 4: that
 * is both the padding after data and the padding between concatenated
 * archives (cpio pads its output to 512 bytes), and this reader does the
 * same.
 *
 * Every number comes from the archive, so each one is checked before it
 * moves the walk: a name or data size is compared with what is left of
 * the buffer by subtraction, never by adding to an offset that could wrap.
 * Offsets are relative to the buffer, which is where alignment counts.
 *
 * Pure code: also built for the host tests and the fuzzer.
 */
#include <stdbool.h>

#include <kernel/cpio.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#define HDR_SIZE 110
#define MAGIC_LEN 6
#define FIELD_LEN 8

/* The header's hex fields, in order after the magic. */
enum cpio_field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK, /* the "070702" checksum: read (it must be hex), not checked */
	F_COUNT,
};

#define FIELD_OFF(f) (MAGIC_LEN + (size_t)(f)*FIELD_LEN)

static const char trailer_name[] = "TRAILER!!!";

static int fail(struct cpio_reader *r, const char *why, size_t off)
{
	r->error = why;
	r->error_off = off;
	return -EINVAL;
}

void cpio_reader_init(struct cpio_reader *r, const void *archive, size_t size)
{
	*r = (struct cpio_reader){.base = archive, .size = archive ? size : 0};
}

static bool has_nul(const void *p, size_t len)
{
	const char *s = p;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

/* 0-15 for a hex digit (either case, as Linux reads them), else -1. */
static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Eight hex digits, exactly. Linux stops at the first non-digit and takes
 * what came before; a corrupt header is better refused than half-read.
 */
static bool parse_hex8(const uint8_t *p, uint32_t *value)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		int d = hex_value(p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*value = v;
	return true;
}

/* The header at r->off: magic and fields, all inside the buffer. */
static int read_header(struct cpio_reader *r, uint32_t f[F_COUNT])
{
	const uint8_t *h = r->base + r->off;
	size_t left = r->size - r->off;
	/* Junk too short for a header is still junk: the magic first. */
	size_t n = left < MAGIC_LEN ? left : MAGIC_LEN;

	if (memcmp(h, "070701", n) != 0 && memcmp(h, "070702", n) != 0)
		return fail(r, "bad magic", r->off);
	if (left < HDR_SIZE)
		return fail(r, "truncated header", r->off);
	for (int i = 0; i < F_COUNT; i++)
		if (!parse_hex8(h + FIELD_OFF(i), &f[i]))
			return fail(r, "bad hex in header",
				    r->off + FIELD_OFF(i));
	return 0;
}

/*
 * The name after the header at hdr: NUL-terminated exactly at its end
 * (as Linux requires), no NUL before, not empty, at most PATH_MAX with
 * the NUL (Linux skips longer names; here they are an error).
 */
static int read_name(struct cpio_reader *r, size_t hdr, uint32_t namesize,
		     struct cpio_entry *e)
{
	const char *name = (const char *)r->base + hdr + HDR_SIZE;

	if (namesize <= 1)
		return fail(r, "empty name", hdr + FIELD_OFF(F_NAMESIZE));
	if (namesize > CPIO_PATH_MAX)
		return fail(r, "name too long", hdr + FIELD_OFF(F_NAMESIZE));
	if (r->size - hdr - HDR_SIZE < namesize)
		return fail(r, "truncated name", hdr + HDR_SIZE);
	if (name[namesize - 1] != '\0')
		return fail(r, "name not NUL-terminated", hdr + HDR_SIZE);
	if (has_nul(name, namesize - 1))
		return fail(r, "NUL inside name", hdr + HDR_SIZE);
	e->name = name;
	e->name_len = namesize - 1;
	return 0;
}

/*
 * The data after the name, which starts at the next multiple of 4. The
 * padding may be cut by the end of the buffer when there is no data: the
 * member is complete without it.
 */
static int read_data(struct cpio_reader *r, size_t name_end, uint32_t filesize,
		     struct cpio_entry *e)
{
	/* name_end <= size, so this cannot wrap for any real buffer. */
	size_t start = (name_end + 3) & ~(size_t)3;

	if (start > r->size) {
		if (filesize)
			return fail(r, "file data past the end", r->size);
		start = r->size;
	}
	if (filesize > r->size - start)
		return fail(r, "file data past the end", start);
	e->data = r->base + start;
	e->size = filesize;
	r->off = start + filesize; /* its padding is skipped as zeros */
	return 0;
}

static bool is_trailer(const struct cpio_entry *e)
{
	return e->name_len == sizeof(trailer_name) - 1 &&
	       memcmp(e->name, trailer_name, e->name_len) == 0;
}

/* The file type must be one Linux can create; a symlink needs a target. */
static int check_type(struct cpio_reader *r, size_t hdr,
		      const struct cpio_entry *e)
{
	switch (e->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	case S_IFLNK:
		break;
	default:
		return fail(r, "bad file type", hdr + FIELD_OFF(F_MODE));
	}
	if (e->size == 0)
		return fail(r, "empty symlink target",
			    hdr + FIELD_OFF(F_FILESIZE));
	if (e->size >= CPIO_PATH_MAX)
		return fail(r, "symlink target too long",
			    hdr + FIELD_OFF(F_FILESIZE));
	if (has_nul(e->data, e->size))
		return fail(r, "NUL in symlink target",
			    (size_t)((const uint8_t *)e->data - r->base));
	return 0;
}

static void fill_entry(struct cpio_entry *e, const uint32_t f[F_COUNT])
{
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->dev_major = f[F_DEVMAJOR];
	e->dev_minor = f[F_DEVMINOR];
	e->rdev_major = f[F_RDEVMAJOR];
	e->rdev_minor = f[F_RDEVMINOR];
}

/* One member at r->off: 1 a member, 0 a trailer, -EINVAL malformed. */
static int read_entry(struct cpio_reader *r, struct cpio_entry *e)
{
	size_t hdr = r->off;
	uint32_t f[F_COUNT];
	int ret;

	*e = (struct cpio_entry){0};
	ret = read_header(r, f);
	if (!ret)
		ret = read_name(r, hdr, f[F_NAMESIZE], e);
	if (!ret)
		ret = read_data(r, hdr + HDR_SIZE + f[F_NAMESIZE],
				f[F_FILESIZE], e);
	if (ret)
		return ret;
	fill_entry(e, f);
	/* A trailer's mode is 0: it is recognised before the type check. */
	if (is_trailer(e))
		return 0;
	ret = check_type(r, hdr, e);
	return ret ? ret : 1;
}

/*
 * Skip zero bytes up to the next header: 1 if one starts here, 0 at the
 * end of the buffer. The end is clean wherever it falls between members,
 * after a trailer or not: Linux's unpacker also stops quietly at the end
 * of an uncompressed buffer without a trailer, and only a member cut short
 * is an error.
 */
static int skip_padding(struct cpio_reader *r)
{
	while (r->off < r->size && r->base[r->off] == 0)
		r->off++;
	if (r->off == r->size)
		return 0;
	if (r->off % 4)
		return fail(r, "broken padding", r->off);
	return 1;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	int ret;

	if (r->error)
		return -EINVAL;
	/* Each pass moves r->off past at least one header: it ends. */
	for (;;) {
		ret = skip_padding(r);
		if (ret <= 0)
			return ret;
		ret = read_entry(r, e);
		if (ret != 0)
			return ret;
	}
}

/* ---------------------------------------------------------------- paths */

/* A walk over the components of a name that is not NUL-terminated. */
struct path_iter {
	const char *s;
	size_t len, pos;
};

/*
 * The next component that names something: empty ones ("//", a leading
 * or trailing "/") and "." are skipped. Returns 1 with the component in
 * *comp and *clen, 0 at the end, -EINVAL for ".." or a NUL byte.
 */
static int next_component(struct path_iter *it, const char **comp, size_t *clen)
{
	while (it->pos < it->len) {
		const char *c = it->s + it->pos;
		size_t n = 0;

		while (it->pos < it->len && it->s[it->pos] != '/') {
			if (it->s[it->pos] == '\0')
				return -EINVAL;
			it->pos++;
			n++;
		}
		if (it->pos < it->len)
			it->pos++; /* the '/' */
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return -EINVAL; /* would climb out of the root */
		*comp = c;
		*clen = n;
		return 1;
	}
	return 0;
}

/* Append "/comp" (or "comp" first) to out, if it fits under max. */
static bool append_component(char *out, size_t *n, size_t max, const char *comp,
			     size_t clen)
{
	size_t sep = *n ? 1 : 0;

	if (clen + sep >= max - *n)
		return false; /* and a NUL must fit after it */
	if (sep)
		out[(*n)++] = '/';
	memcpy(out + *n, comp, clen);
	*n += clen;
	return true;
}

int cpio_path_normalize(const char *name, size_t len, char *out,
			size_t out_size)
{
	struct path_iter it = {name, len, 0};
	size_t max = out_size < CPIO_PATH_MAX ? out_size : CPIO_PATH_MAX;
	size_t n = 0, clen;
	bool fits = max > 1;
	const char *comp;
	int ret;

	if (len == 0)
		return -EINVAL;
	/* Walk to the end even once out is full: a bad name is -EINVAL. */
	while ((ret = next_component(&it, &comp, &clen)) > 0)
		if (fits)
			fits = append_component(out, &n, max, comp, clen);
	if (ret < 0)
		return ret;
	if (!fits)
		return -ENAMETOOLONG;
	if (n == 0)
		out[n++] = '.'; /* the root itself */
	out[n] = '\0';
	return (int)n;
}

/* Do two names normalise to the same path? 1 yes, 0 no, -EINVAL. */
static int same_path(const char *a, size_t alen, const char *b, size_t blen)
{
	struct path_iter ia = {a, alen, 0}, ib = {b, blen, 0};

	for (;;) {
		const char *ca = NULL, *cb = NULL;
		size_t na = 0, nb = 0;
		int ra = next_component(&ia, &ca, &na);
		int rb = next_component(&ib, &cb, &nb);

		if (ra < 0 || rb < 0)
			return -EINVAL;
		if (ra != rb)
			return 0;
		if (ra == 0)
			return 1;
		if (na != nb || memcmp(ca, cb, na) != 0)
			return 0;
	}
}

/* 0 if name is a usable path (not empty, no ".." and no NUL), -EINVAL. */
static int check_path(const char *name, size_t len)
{
	struct path_iter it = {name, len, 0};
	const char *comp;
	size_t clen;
	int ret;

	if (len == 0)
		return -EINVAL;
	while ((ret = next_component(&it, &comp, &clen)) > 0)
		;
	return ret;
}

int cpio_find(const void *archive, size_t size, const char *path,
	      struct cpio_entry *out)
{
	size_t plen = strnlen(path, CPIO_PATH_MAX);
	struct cpio_reader r;
	struct cpio_entry e;
	bool found = false;
	int ret;

	if (plen == CPIO_PATH_MAX)
		return -ENAMETOOLONG;
	ret = check_path(path, plen);
	if (ret)
		return ret;
	/* Compared component by component: no path buffer on the stack. */
	cpio_reader_init(&r, archive, size);
	while ((ret = cpio_next(&r, &e)) > 0) {
		if (same_path(e.name, e.name_len, path, plen) == 1) {
			*out = e;
			found = true;
		}
	}
	if (found)
		return 0;
	return ret < 0 ? ret : -ENOENT;
}
