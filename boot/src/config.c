/*
 * The rastboot.conf parser: "key=value" lines into a struct boot_config.
 * The text comes off the boot medium and may be anything, so every value
 * is length-checked before it is copied and every mistake is reported as
 * "line N: what is wrong", the only feedback a user gets before the
 * kernel starts. docs/rastboot-config.md is the user-facing reference.
 *
 * There is no snprintf in the loader; struct msg below builds the error
 * text into the caller's buffer, truncating rather than overflowing.
 */
#include "config.h"

#define QUOTE_MAX 48 /* longest value echoed back in a message */
#define RES_MIN 320
#define RES_MAX 8192

/* ------------------------------------------------------------ messages */

struct msg {
	char *buf;
	size_t cap, len;
};

static void msg_char(struct msg *m, char c)
{
	if (m->len + 1 >= m->cap)
		return;
	m->buf[m->len++] = c;
	m->buf[m->len] = '\0';
}

static void msg_str(struct msg *m, const char *s)
{
	while (*s)
		msg_char(m, *s++);
}

static void msg_uint(struct msg *m, unsigned long v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		msg_char(m, digits[--n]);
}

/* 'text', shortened and made printable: it may be anything from the file. */
static void msg_quoted(struct msg *m, const char *s, size_t n)
{
	msg_char(m, '\'');
	for (size_t i = 0; i < n && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		msg_char(m, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	if (n > QUOTE_MAX)
		msg_str(m, "...");
	msg_char(m, '\'');
}

/* ------------------------------------------------------------ parsing */

struct parser {
	struct boot_config *cfg;
	struct msg err;
	unsigned long line;
	unsigned seen; /* bit i: keys[i] has appeared */
};

/* Start "line N: why"; the caller may append more. Always -EINVAL. */
static int fail(struct parser *p, const char *why)
{
	p->err.len = 0;
	if (p->err.cap)
		p->err.buf[0] = '\0';
	msg_str(&p->err, "line ");
	msg_uint(&p->err, p->line);
	msg_str(&p->err, ": ");
	msg_str(&p->err, why);
	return -EINVAL;
}

/* "line N: bad <key> '<value>'" */
static int fail_value(struct parser *p, const char *key, const char *v,
		      size_t n)
{
	fail(p, "bad ");
	msg_str(&p->err, key);
	msg_char(&p->err, ' ');
	msg_quoted(&p->err, v, n);
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && str_casecmp_n(s, word, n) == 0;
}

static int copy_value(struct parser *p, char *dst, size_t cap, const char *v,
		      size_t n)
{
	if (n >= cap)
		return fail(p, "value too long");
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int set_kernel(struct parser *p, const char *v, size_t n)
{
	if (n == 0 || v[0] != '/')
		return fail(p, "kernel path must be absolute");
	return copy_value(p, p->cfg->kernel_path, CONFIG_PATH_MAX, v, n);
}

static int set_cmdline(struct parser *p, const char *v, size_t n)
{
	return copy_value(p, p->cfg->cmdline, CONFIG_CMDLINE_MAX, v, n);
}

/* module=PATH [CMDLINE...]: the path ends at the first blank. */
static int set_module(struct parser *p, const char *v, size_t n)
{
	struct boot_config *cfg = p->cfg;
	size_t path_len = 0, rest;
	int ret;

	if (cfg->module_count == CONFIG_MODULES_MAX)
		return fail(p, "too many modules");
	while (path_len < n && !is_blank(v[path_len]))
		path_len++;
	if (path_len == 0 || v[0] != '/')
		return fail(p, "module path must be absolute");
	for (rest = path_len; rest < n && is_blank(v[rest]); rest++)
		;

	struct config_module *mod = &cfg->modules[cfg->module_count];
	ret = copy_value(p, mod->path, CONFIG_PATH_MAX, v, path_len);
	if (!ret)
		ret = copy_value(p, mod->cmdline, CONFIG_CMDLINE_MAX, v + rest,
				 n - rest);
	if (!ret)
		cfg->module_count++;
	return ret;
}

static int set_kaslr(struct parser *p, const char *v, size_t n)
{
	static const char *const on[] = {"on", "yes", "1", "true"};
	static const char *const off[] = {"off", "no", "0", "false"};

	for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
		if (word_is(v, n, on[i]) || word_is(v, n, off[i])) {
			p->cfg->kaslr = word_is(v, n, on[i]);
			return 0;
		}
	}
	return fail_value(p, "kaslr", v, n);
}

static int set_paging(struct parser *p, const char *v, size_t n)
{
	if (word_is(v, n, "4"))
		p->cfg->paging = 4;
	else if (word_is(v, n, "5") || word_is(v, n, "auto"))
		p->cfg->paging = 5;
	else
		return fail_value(p, "paging", v, n);
	return 0;
}

/* A decimal screen dimension in [RES_MIN, RES_MAX]; false if it is not. */
static bool parse_dimension(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 5) /* five digits can neither overflow nor fit */
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return v >= RES_MIN && v <= RES_MAX;
}

static int set_resolution(struct parser *p, const char *v, size_t n)
{
	uint32_t w, h;
	size_t x = 0;

	if (word_is(v, n, "text")) {
		p->cfg->text_mode = true;
		return 0;
	}
	while (x < n && v[x] != 'x' && v[x] != 'X')
		x++;
	if (x == n || !parse_dimension(v, x, &w) ||
	    !parse_dimension(v + x + 1, n - x - 1, &h))
		return fail_value(p, "resolution", v, n);
	p->cfg->width = w;
	p->cfg->height = h;
	p->cfg->text_mode = false;
	return 0;
}

struct config_key {
	const char *name;
	int (*set)(struct parser *p, const char *v, size_t n);
	bool repeatable;
};

static const struct config_key keys[] = {
	{.name = "kernel", .set = set_kernel},
	{.name = "cmdline", .set = set_cmdline},
	{.name = "module", .set = set_module, .repeatable = true},
	{.name = "kaslr", .set = set_kaslr},
	{.name = "paging", .set = set_paging},
	{.name = "resolution", .set = set_resolution},
};

static int set_key(struct parser *p, const char *k, size_t kn, const char *v,
		   size_t vn)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!word_is(k, kn, keys[i].name))
			continue;
		if (!keys[i].repeatable && p->seen & 1u << i) {
			fail(p, "duplicate key ");
			msg_quoted(&p->err, keys[i].name, strlen(keys[i].name));
			return -EINVAL;
		}
		p->seen |= 1u << i;
		return keys[i].set(p, v, vn);
	}
	fail(p, "unknown key ");
	msg_quoted(&p->err, k, kn);
	return -EINVAL;
}

/* One line without its '\n': blank, a comment, or key=value. */
static int parse_line(struct parser *p, const char *s, size_t n)
{
	size_t start = 0, eq = 0, end = n;

	while (start < n && is_blank(s[start]))
		start++;
	if (start == n || s[start] == '#')
		return 0;
	while (end > start && is_blank(s[end - 1]))
		end--;
	for (eq = start; eq < end && s[eq] != '='; eq++)
		;
	if (eq == end)
		return fail(p, "missing '='");

	size_t key_end = eq, val = eq + 1;
	while (key_end > start && is_blank(s[key_end - 1]))
		key_end--;
	while (val < end && is_blank(s[val]))
		val++;
	if (key_end == start)
		return fail(p, "missing key before '='");
	return set_key(p, s + start, key_end - start, s + val, end - val);
}

static void set_defaults(struct boot_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kaslr = true;
	cfg->paging = 5;
	cfg->width = 1280;
	cfg->height = 800;
}

int config_parse(const char *text, size_t len, struct boot_config *cfg,
		 char *err, size_t errlen)
{
	struct parser p = {.cfg = cfg, .err = {err, errlen, 0}, .line = 0};
	size_t pos = 0;

	set_defaults(cfg);
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\0') {
			msg_str(&p.err, "binary data in config");
			return -EINVAL;
		}
	}
	/* Windows editors like to start UTF-8 files with a byte-order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;

	while (pos < len) {
		size_t n = 0;

		while (pos + n < len && text[pos + n] != '\n')
			n++;
		p.line++;
		if (parse_line(&p, text + pos, n))
			return -EINVAL;
		pos += n + 1;
	}
	if (cfg->kernel_path[0] == '\0') {
		msg_str(&p.err, "no kernel= line");
		return -EINVAL;
	}
	return 0;
}
