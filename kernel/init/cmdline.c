/*
 * The kernel command line (see <kernel/cmdline.h>). cmdline_init copies the
 * loader's string, splits it in place into key/value pairs and applies the
 * keys that configure early code (loglevel=). Later subsystems look their
 * keys up with cmdline_get/cmdline_has; a key they add belongs in
 * known_keys, so that it is not reported as unknown.
 */
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>

struct param {
	const char *key;
	const char *value; /* NULL for a bare flag */
};

static char buf[CMDLINE_MAX];
static char raw_copy[CMDLINE_MAX];  /* as given (/proc/cmdline) */
static char init_args[CMDLINE_MAX]; /* what follows " -- ", for init */
static struct param params[CMDLINE_MAX_PARAMS];
static size_t param_count;

static const char *const known_keys[] = {
	"init",	      /* proc/init.c */
	"loglevel",   /* applied below */
	"nokaslr",    /* only logged: KASLR is the loader's choice */
	"rdinit",     /* proc/init.c */
	"ro",	      /* init/rootfs.c */
	"root",	      /* init/rootfs.c */
	"rootdelay",  /* init/rootfs.c */
	"rootfstype", /* init/rootfs.c */
	"rootwait",   /* init/rootfs.c */
	"rw",	      /* init/rootfs.c */
	"test",	      /* kernel/test/ktest.c */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The first occurrence of tok in s as a whole blank-separated word. */
static char *strstr_token(char *s, const char *tok)
{
	size_t n = strlen(tok);

	for (char *p = s; *p; p++) {
		if ((p == s || is_blank(p[-1])) && !strncmp(p, tok, n) &&
		    (!p[n] || is_blank(p[n])))
			return p;
	}
	return NULL;
}

/*
 * Split s in place into tokens: blanks separate them unless quoted, quotes
 * are dropped, and the first '=' splits key from value. Writing never
 * overtakes reading, since only quotes are removed. Stores at most max
 * params; returns how many tokens there were (more than max: overflow).
 */
static size_t parse(char *s, struct param *out, size_t max)
{
	char *r = s, *w = s;
	size_t n = 0;

	for (;;) {
		char *key = w, *value = NULL;
		bool quoted = false;

		while (is_blank(*r))
			r++;
		if (!*r)
			return n;
		for (; *r && (quoted || !is_blank(*r)); r++) {
			if (*r == '"')
				quoted = !quoted;
			else if (*r == '=' && !value) {
				*w++ = '\0';
				value = w;
			} else
				*w++ = *r;
		}
		if (*r)
			r++;
		*w++ = '\0';
		if (n < max)
			out[n] = (struct param){.key = key, .value = value};
		n++;
	}
}

/* The last param named key (the last one wins), or NULL. */
static const struct param *find(const struct param *p, size_t n,
				const char *key)
{
	while (n--) {
		if (strcmp(p[n].key, key) == 0)
			return &p[n];
	}
	return NULL;
}

static bool is_known(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++) {
		if (strcmp(known_keys[i], key) == 0)
			return true;
	}
	return false;
}

static void apply_loglevel(void)
{
	const char *v = cmdline_get("loglevel");
	int level;

	if (!v)
		return;
	level = klog_parse_level(v);
	if (level < 0) {
		klog(KLOG_WARN,
		     "cmdline: bad loglevel=\"%s\" (0-3 or err, warn, info, "
		     "debug), keeping %s\n",
		     v, klog_level_name(klog_get_level()));
		return;
	}
	klog_set_level((enum klog_level)level);
}

/* Everything after a "--" token is init's (as Linux): cut it off. */
static void split_init_args(char *s)
{
	for (char *p = s; (p = strstr_token(p, "--")); p += 2) {
		strlcpy(init_args, p + 2, sizeof(init_args));
		*p = '\0';
		return;
	}
}

size_t cmdline_init_args(char **argv, size_t max)
{
	size_t n = 0;
	char *p = init_args;

	while (n < max) {
		while (is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		argv[n++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	return n;
}

int cmdline_init(const char *raw)
{
	size_t len = raw ? strnlen(raw, CMDLINE_MAX) : 0;
	size_t n;
	int err = 0;

	if (len == CMDLINE_MAX) {
		len = CMDLINE_MAX - 1;
		err = -E2BIG;
	}
	memcpy(buf, raw ? raw : "", len);
	buf[len] = '\0';
	memcpy(raw_copy, buf, len + 1);
	split_init_args(buf);
	n = parse(buf, params, CMDLINE_MAX_PARAMS);
	param_count = MIN(n, CMDLINE_MAX_PARAMS);
	apply_loglevel(); /* first, so the notes below obey it */
	if (err)
		klog(KLOG_WARN, "cmdline: longer than %d bytes, cut\n",
		     CMDLINE_MAX - 1);
	if (n > CMDLINE_MAX_PARAMS) {
		klog(KLOG_WARN, "cmdline: %zu parameters, only %d used\n", n,
		     CMDLINE_MAX_PARAMS);
		err = -E2BIG;
	}
	for (size_t i = 0; i < param_count; i++) {
		if (!is_known(params[i].key))
			klog(KLOG_DEBUG, "cmdline: ignoring unknown \"%s\"\n",
			     params[i].key);
	}
	return err;
}

const char *cmdline_get(const char *key)
{
	const struct param *p = find(params, param_count, key);

	if (!p)
		return NULL;
	return p->value ? p->value : "";
}

bool cmdline_has(const char *key)
{
	return find(params, param_count, key) != NULL;
}

/* A switch's value v (NULL: absent). */
static bool switch_value(const char *v, bool dflt)
{
	return v ? strcmp(v, "off") && strcmp(v, "0") : dflt;
}

bool cmdline_switch(const char *key, bool dflt)
{
	return switch_value(cmdline_get(key), dflt);
}

KTEST(cmdline, switches)
{
	KT_ASSERT(switch_value(NULL, true));
	KT_ASSERT(!switch_value(NULL, false));
	KT_ASSERT(switch_value("", false)); /* a bare "lockdep" */
	KT_ASSERT(switch_value("on", false));
	KT_ASSERT(switch_value("1", false));
	KT_ASSERT(!switch_value("off", true));
	KT_ASSERT(!switch_value("0", true));
}

KTEST(cmdline, keys_values_flags)
{
	char s[] = "  a=1 flag\tb=two c= =x";
	struct param p[8];

	KT_ASSERT_EQ(parse(s, p, 8), 5);
	KT_ASSERT_STREQ(p[0].key, "a");
	KT_ASSERT_STREQ(p[0].value, "1");
	KT_ASSERT_STREQ(p[1].key, "flag");
	KT_ASSERT(p[1].value == NULL);
	KT_ASSERT_STREQ(p[2].value, "two");
	KT_ASSERT_STREQ(p[3].value, "");
	KT_ASSERT_STREQ(p[4].key, "");
	KT_ASSERT_STREQ(p[4].value, "x");
}

KTEST(cmdline, quotes)
{
	char s[] = "msg=\"hello  world\" \"x=y z\" k=\"a=b\" q=\"\" end";
	struct param p[8];

	KT_ASSERT_EQ(parse(s, p, 8), 5);
	KT_ASSERT_STREQ(p[0].value, "hello  world");
	KT_ASSERT_STREQ(p[1].key, "x");
	KT_ASSERT_STREQ(p[1].value, "y z");
	KT_ASSERT_STREQ(p[2].value, "a=b");
	KT_ASSERT_STREQ(p[3].value, "");
	KT_ASSERT_STREQ(p[4].key, "end");
}

KTEST(cmdline, overflow_and_last_wins)
{
	char s[] = "a=1 b a=2 c";
	struct param p[3];

	KT_ASSERT_EQ(parse(s, p, 3), 4);
	KT_ASSERT_STREQ(find(p, 3, "a")->value, "2");
	KT_ASSERT(find(p, 3, "c") == NULL);
	KT_ASSERT(find(p, 3, "b") != NULL);
}

KTEST(cmdline, empty)
{
	char s[] = " \t ";
	struct param p[1];

	KT_ASSERT_EQ(parse(s, p, 1), 0);
}

const char *cmdline_raw(void)
{
	return raw_copy;
}
