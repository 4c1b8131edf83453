/*
 * Host tests for boot/src/config.c: good configs and the values they give,
 * every error message word for word, the limits of each field, the
 * committed corpus, and a seeded mutation loop that must never crash.
 * Texts are parsed from exact-size copies so ASan catches any read past
 * the end (the parser gets a length, never a NUL terminator).
 *
 *   test_config [CORPUS_DIR]   default tests/corpus/config: good-*.conf
 *                              must parse, bad-*.conf must fail, with the
 *                              message from a first line "# expect: ..."
 */
#define _DEFAULT_SOURCE /* dirent.h */
#include "testlib.h"
#include "config.h"

#include <dirent.h>
#include <errno.h>

/*
 * CHECK_STR on the config's 1 KiB fields makes GCC warn that the failure
 * message may be cut short; it may, harmlessly (it is an snprintf).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static struct boot_config cfg;
static char err[256];

static int parse_n(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	int ret = config_parse(copy, len, &cfg, err, sizeof(err));
	free(copy);
	return ret;
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* Parse must succeed; on failure the message is the check's text. */
#define CHECK_OK(text) CHECK_STR(parse(text) == 0 ? "ok" : err, "ok")

/* ------------------------------------------------------------ good */

static void test_defaults(void)
{
	CHECK_OK("kernel=/boot/kernel.elf\n");
	CHECK_STR(cfg.kernel_path, "/boot/kernel.elf");
	CHECK_STR(cfg.cmdline, "");
	CHECK(cfg.kaslr);
	CHECK_EQ(cfg.paging, 5);
	CHECK(!cfg.text_mode);
	CHECK_EQ(cfg.width, 1280);
	CHECK_EQ(cfg.height, 800);
	CHECK_EQ(cfg.module_count, 0);
	CHECK_STR(err, "");
}

static void test_all_keys(void)
{
	CHECK_OK("# rastboot.conf\n"
		 "\n"
		 "   # indented comment\n"
		 "kernel = /boot/kernel.elf  \n"
		 "cmdline=  init=/sbin/init console=ttyS0 # not a comment \n"
		 "\tkaslr\t=\toff\n"
		 "paging=4\n"
		 "resolution=1920x1080\n"
		 "module=/boot/initrd.cpio\n"
		 "module=/boot/font.psf  size=16 name=a b\n"
		 "module=/boot/x\targ\n"
		 "Module=/boot/case\n");
	CHECK_STR(cfg.kernel_path, "/boot/kernel.elf");
	CHECK_STR(cfg.cmdline, "init=/sbin/init console=ttyS0 # not a comment");
	CHECK(!cfg.kaslr);
	CHECK_EQ(cfg.paging, 4);
	CHECK_EQ(cfg.width, 1920);
	CHECK_EQ(cfg.height, 1080);
	CHECK(!cfg.text_mode);
	CHECK_EQ(cfg.module_count, 4);
	CHECK_STR(cfg.modules[0].path, "/boot/initrd.cpio");
	CHECK_STR(cfg.modules[0].cmdline, "");
	CHECK_STR(cfg.modules[1].path, "/boot/font.psf");
	CHECK_STR(cfg.modules[1].cmdline, "size=16 name=a b");
	CHECK_STR(cfg.modules[2].path, "/boot/x");
	CHECK_STR(cfg.modules[2].cmdline, "arg");
	CHECK_STR(cfg.modules[3].path, "/boot/case");
}

static void test_crlf(void)
{
	CHECK_OK("# windows\r\n\r\nkernel=/k\r\ncmdline=a b\r\n"
		 "module=/m x\r\nresolution=text\r\n");
	CHECK_STR(cfg.kernel_path, "/k");
	CHECK_STR(cfg.cmdline, "a b");
	CHECK_STR(cfg.modules[0].cmdline, "x");
	CHECK(cfg.text_mode);
	CHECK_EQ(cfg.width, 1280); /* the default stays for the fallback */
}

static void test_no_final_newline(void)
{
	CHECK_OK("cmdline=x\nkernel=/k");
	CHECK_STR(cfg.kernel_path, "/k");
}

static void test_bom(void)
{
	CHECK_OK("\xef\xbb\xbfkernel=/k\n");
	CHECK_STR(cfg.kernel_path, "/k");
}

static void test_empty_cmdline(void)
{
	CHECK_OK("kernel=/k\ncmdline=\n");
	CHECK_STR(cfg.cmdline, "");
}

struct word_case {
	const char *value;
	int result;
};

static void test_kaslr_words(void)
{
	static const struct word_case words[] = {
		{"on", 1}, {"off", 0},	{"yes", 1},   {"no", 0}, {"1", 1},
		{"0", 0},  {"true", 1}, {"false", 0}, {"ON", 1}, {"False", 0},
	};
	char text[64];

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		snprintf(text, sizeof(text), "kaslr=%s\nkernel=/k\n",
			 words[i].value);
		CHECK_OK(text);
		CHECK_EQ(cfg.kaslr, words[i].result);
	}
}

static void test_paging_words(void)
{
	static const struct word_case words[] = {
		{"4", 4}, {"5", 5}, {"auto", 5}, {"AUTO", 5}};
	char text[64];

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		snprintf(text, sizeof(text), "kernel=/k\npaging=%s\n",
			 words[i].value);
		CHECK_OK(text);
		CHECK_EQ(cfg.paging, words[i].result);
	}
}

static void test_resolutions(void)
{
	CHECK_OK("kernel=/k\nresolution=320x320\n");
	CHECK_EQ(cfg.width, 320);
	CHECK_EQ(cfg.height, 320);
	CHECK_OK("kernel=/k\nresolution=8192X8192\n");
	CHECK_EQ(cfg.width, 8192);
	CHECK_EQ(cfg.height, 8192);
	CHECK_OK("kernel=/k\nresolution=01024x0768\n");
	CHECK_EQ(cfg.width, 1024);
	CHECK_EQ(cfg.height, 768);
	CHECK_OK("kernel=/k\nresolution=TEXT\n");
	CHECK(cfg.text_mode);
}

/* The longest value of each field fits; one more byte does not. */
static void test_limits(void)
{
	static char text[4 * CONFIG_CMDLINE_MAX];
	char path[CONFIG_PATH_MAX + 1], line[CONFIG_CMDLINE_MAX + 1];

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[CONFIG_PATH_MAX - 1] = '\0';
	memset(line, 'c', sizeof(line));
	line[CONFIG_CMDLINE_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "kernel=%s\ncmdline=%s\nmodule=%s %s\n",
		 path, line, path, line);
	CHECK_OK(text);
	CHECK_EQ(strlen(cfg.kernel_path), CONFIG_PATH_MAX - 1);
	CHECK_EQ(strlen(cfg.cmdline), CONFIG_CMDLINE_MAX - 1);
	CHECK_EQ(strlen(cfg.modules[0].path), CONFIG_PATH_MAX - 1);
	CHECK_EQ(strlen(cfg.modules[0].cmdline), CONFIG_CMDLINE_MAX - 1);
}

static void test_max_modules(void)
{
	static char text[CONFIG_MODULES_MAX * 32 + 32];
	size_t n = 0;

	n += snprintf(text + n, sizeof(text) - n, "kernel=/k\n");
	for (int i = 0; i < CONFIG_MODULES_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, "module=/m%d %d\n", i,
			      i);
	CHECK_OK(text);
	CHECK_EQ(cfg.module_count, CONFIG_MODULES_MAX);
	CHECK_STR(cfg.modules[CONFIG_MODULES_MAX - 1].cmdline, "15");
	snprintf(text + n, sizeof(text) - n, "module=/one-too-many\n");
	CHECK_EQ(parse(text), -EINVAL);
	CHECK_STR(err, "line 18: too many modules");
}

/* A comment or cmdline far longer than any buffer is fine if it fits. */
static void test_long_comment(void)
{
	size_t n = 100000;
	char *text = malloc(n + 32);

	memset(text, '#', n);
	strcpy(text + n, "\nkernel=/k\n");
	int ret = parse(text);
	free(text);
	CHECK_STR(ret ? err : "ok", "ok");
}

/* A short err buffer gets a truncated, terminated message. */
static void test_short_err(void)
{
	char small[8];

	memset(small, 'x', sizeof(small));
	CHECK_EQ(config_parse("foo=1", 5, &cfg, small, sizeof(small)), -EINVAL);
	CHECK_STR(small, "line 1:");
	CHECK_EQ(config_parse("foo=1", 5, &cfg, small, 1), -EINVAL);
	CHECK_EQ(small[0], '\0');
	CHECK_EQ(config_parse("foo=1", 5, &cfg, NULL, 0), -EINVAL);
	CHECK_EQ(config_parse("kernel=/k", 9, &cfg, NULL, 0), 0);
}

/* ------------------------------------------------------------ errors */

struct bad_case {
	const char *text;
	const char *err;
};

static const struct bad_case bad_cases[] = {
	{"foo=bar\nkernel=/k\n", "line 1: unknown key 'foo'"},
	{"kernel=/k\n\n# c\nkernels=/x\n", "line 4: unknown key 'kernels'"},
	{"kernel=/k\nker nel=/x\n", "line 2: unknown key 'ker nel'"},
	{"k\x01y=1\n", "line 1: unknown key 'k?y'"},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1",
	 "line 1: unknown key "
	 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'"},
	{"kernel=boot/kernel.elf\n", "line 1: kernel path must be absolute"},
	{"kernel=\n", "line 1: kernel path must be absolute"},
	{"kernel=/k\nresolution=12x\n", "line 2: bad resolution '12x'"},
	{"kernel=/k\nresolution=x800\n", "line 2: bad resolution 'x800'"},
	{"kernel=/k\nresolution=1280\n", "line 2: bad resolution '1280'"},
	{"kernel=/k\nresolution=1280*800\n",
	 "line 2: bad resolution '1280*800'"},
	{"kernel=/k\nresolution=319x800\n", "line 2: bad resolution '319x800'"},
	{"kernel=/k\nresolution=1280x8193\n",
	 "line 2: bad resolution '1280x8193'"},
	{"kernel=/k\nresolution=99999x800\n",
	 "line 2: bad resolution '99999x800'"},
	{"kernel=/k\nresolution=4294968576x800\n",
	 "line 2: bad resolution '4294968576x800'"},
	{"kernel=/k\nresolution=1280x800x\n",
	 "line 2: bad resolution '1280x800x'"},
	{"kernel=/k\nresolution=-1x800\n", "line 2: bad resolution '-1x800'"},
	{"kernel=/k\nresolution=1280 x 800\n",
	 "line 2: bad resolution '1280 x 800'"},
	{"kernel=/k\nresolution=\n", "line 2: bad resolution ''"},
	{"kernel=/k\nkaslr=maybe\n", "line 2: bad kaslr 'maybe'"},
	{"kernel=/k\nkaslr=\n", "line 2: bad kaslr ''"},
	{"kernel=/k\nkaslr=onn\n", "line 2: bad kaslr 'onn'"},
	{"kernel=/k\npaging=3\n", "line 2: bad paging '3'"},
	{"kernel=/k\npaging=45\n", "line 2: bad paging '45'"},
	{"", "no kernel= line"},
	{"# nothing here\n\n  \r\n", "no kernel= line"},
	{"cmdline=kernel=/k\n", "no kernel= line"},
	{"kernel /boot/k\n", "line 1: missing '='"},
	{"kernel=/k\n\n\nfoo\n", "line 4: missing '='"},
	{"=/k\n", "line 1: missing key before '='"},
	{"  \t= x\n", "line 1: missing key before '='"},
	{"kernel=/a\nkernel=/b\n", "line 2: duplicate key 'kernel'"},
	{"kernel=/a\nKERNEL=/a\n", "line 2: duplicate key 'kernel'"},
	{"kernel=/a\ncmdline=\ncmdline=x\n", "line 3: duplicate key 'cmdline'"},
	{"kaslr=on\nkernel=/a\nkaslr=on\n", "line 3: duplicate key 'kaslr'"},
	{"kernel=/k\nmodule=\n", "line 2: module path must be absolute"},
	{"kernel=/k\nmodule=initrd /x\n",
	 "line 2: module path must be absolute"},
	{"kernel=/k\nbad\x02value=\xff\n", "line 2: unknown key 'bad?value'"},
};

static void test_bad(const struct bad_case *c)
{
	CHECK_EQ(parse(c->text), -EINVAL);
	CHECK_STR(err, c->err);
}

static void test_binary(void)
{
	static const char text[] = "kernel=/k\ncmdline=a\0b\n";

	CHECK_EQ(parse_n(text, sizeof(text) - 1), -EINVAL);
	CHECK_STR(err, "binary data in config");
	CHECK_EQ(parse_n("\0", 1), -EINVAL);
	CHECK_STR(err, "binary data in config");
}

/* Values one byte over each limit, on the line where they appear. */
static void test_too_long(void)
{
	static char text[4 * CONFIG_CMDLINE_MAX];
	char path[CONFIG_PATH_MAX + 1], line[CONFIG_CMDLINE_MAX + 1];

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[CONFIG_PATH_MAX] = '\0';
	memset(line, 'c', sizeof(line));
	line[CONFIG_CMDLINE_MAX] = '\0';

	snprintf(text, sizeof(text), "# x\nkernel=%s\n", path);
	CHECK_EQ(parse(text), -EINVAL);
	CHECK_STR(err, "line 2: value too long");
	snprintf(text, sizeof(text), "kernel=/k\ncmdline=%s\n", line);
	CHECK_EQ(parse(text), -EINVAL);
	CHECK_STR(err, "line 2: value too long");
	snprintf(text, sizeof(text), "kernel=/k\nmodule=%s\n", path);
	CHECK_EQ(parse(text), -EINVAL);
	CHECK_STR(err, "line 2: value too long");
	snprintf(text, sizeof(text), "kernel=/k\n\nmodule=/m %s\n", line);
	CHECK_EQ(parse(text), -EINVAL);
	CHECK_STR(err, "line 3: value too long");
	CHECK_EQ(cfg.module_count, 0); /* a failed module= adds nothing */
}

/* ------------------------------------------------------------ corpus */

/* The message a bad corpus file expects, from "# expect: ..." on line 1. */
static const char *expected_error(const char *text, size_t len, char *buf,
				  size_t cap)
{
	static const char tag[] = "# expect: ";
	size_t n = 0, t = sizeof(tag) - 1;

	if (len < t || memcmp(text, tag, t) != 0)
		return NULL;
	while (t + n < len && text[t + n] != '\n' && text[t + n] != '\r' &&
	       n + 1 < cap) {
		buf[n] = text[t + n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

static void test_corpus_file(const char *dir, const char *name, bool good)
{
	char path[1024], want[256];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = (char *)read_file(path, &len);
	CHECK(text != NULL);
	int ret = parse_n(text, len);
	const char *expect = expected_error(text, len, want, sizeof(want));
	free(text);
	if (good) {
		CHECK_STR(ret ? err : "ok", "ok");
		CHECK(cfg.kernel_path[0] == '/');
		return;
	}
	CHECK_EQ(ret, -EINVAL);
	if (expect)
		CHECK_STR(err, expect);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void run_corpus_file(const char *dir, const char *name, bool good)
{
	RUN(test_corpus_file(dir, name, good), "config corpus %s", name);
}

static void run_corpus_dir_check(const char *dir, bool opened)
{
	RUN(CHECK(opened), "config corpus directory %s", dir);
}

/* Every good-*.conf and bad-*.conf in dir, in name order. */
static void run_corpus(const char *dir, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[256];
	int n = 0;

	run_corpus_dir_check(dir, d != NULL);
	if (!d)
		return;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (int i = 0; i < n; i++) {
		bool good = has_prefix(names[i], "good-");
		if (good || has_prefix(names[i], "bad-")) {
			run_corpus_file(dir, names[i], good);
			files[good]++;
		}
		free(names[i]);
	}
}

/* ------------------------------------------------------------ mutations */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char seed_text[] =
	"# seed\r\nkernel=/boot/kernel.elf\ncmdline=a=b c\nkaslr=no\n"
	"paging=auto\nresolution=1024x768\nmodule=/m1 x y\nmodule=/m2\n";

static void mutate(char *t, size_t *len, size_t cap)
{
	static const char specials[] = "=\n\r\t #/x0\xef\0";
	size_t at = *len ? rng() % *len : 0;

	switch (rng() % 5) {
	case 0: /* overwrite a byte */
		if (*len)
			t[at] = (char)rng();
		break;
	case 1: /* a byte the grammar cares about */
		if (*len)
			t[at] = specials[rng() % (sizeof(specials) - 1)];
		break;
	case 2: /* delete a run */
		if (*len) {
			size_t n = rng() % 8 % (*len - at) + 1;
			memmove(t + at, t + at + n, *len - at - n);
			*len -= n;
		}
		break;
	case 3: /* repeat a run, making long lines and duplicate keys */
		if (*len) {
			size_t n = MIN(rng() % 300 + 1, *len - at);
			n = MIN(n, cap - *len);
			memmove(t + at + n, t + at, *len - at);
			*len += n;
		}
		break;
	default: /* truncate */
		*len = at;
		break;
	}
}

static void check_config_sane(void)
{
	CHECK(cfg.kernel_path[0] == '/');
	CHECK(strlen(cfg.kernel_path) < CONFIG_PATH_MAX);
	CHECK(strlen(cfg.cmdline) < CONFIG_CMDLINE_MAX);
	CHECK(cfg.module_count >= 0 && cfg.module_count <= CONFIG_MODULES_MAX);
	for (int i = 0; i < cfg.module_count; i++)
		CHECK(cfg.modules[i].path[0] == '/');
	CHECK(cfg.paging == 4 || cfg.paging == 5);
	CHECK(cfg.width >= 320 && cfg.width <= 8192);
	CHECK(cfg.height >= 320 && cfg.height <= 8192);
}

static void test_mutations(int rounds)
{
	static char text[8192];
	int accepted = 0;

	for (int i = 0; i < rounds; i++) {
		size_t len = sizeof(seed_text) - 1;
		size_t errlen = 1 + rng() % 80;
		char *e = malloc(errlen); /* exact size: overruns are caught */

		memcpy(text, seed_text, len);
		for (int k = 1 + (int)(rng() % 6); k > 0; k--)
			mutate(text, &len, sizeof(text));
		char *copy = malloc(len ? len : 1);
		memcpy(copy, text, len);
		int ret = config_parse(copy, len, &cfg, e, errlen);
		bool terminated = memchr(e, '\0', errlen) != NULL;
		bool said = e[0] != '\0';
		free(copy);
		free(e);
		CHECK(ret == 0 || ret == -EINVAL);
		CHECK(terminated);
		if (ret == 0) {
			check_config_sane();
			accepted++;
		} else {
			CHECK(said || errlen == 1);
		}
	}
	CHECK(accepted > rounds / 20); /* the loop reached the setters */
}

static void run_bad(size_t i)
{
	RUN(test_bad(&bad_cases[i]), "config error #%zu: %s", i,
	    bad_cases[i].err);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/corpus/config";
	int files[2] = {0, 0};

	RUN(test_defaults(), "config defaults");
	RUN(test_all_keys(), "config all keys, comments, whitespace");
	RUN(test_crlf(), "config CRLF line ends");
	RUN(test_no_final_newline(), "config without a final newline");
	RUN(test_bom(), "config with a UTF-8 byte-order mark");
	RUN(test_empty_cmdline(), "config empty cmdline");
	RUN(test_kaslr_words(), "config kaslr words");
	RUN(test_paging_words(), "config paging words");
	RUN(test_resolutions(), "config resolution bounds");
	RUN(test_limits(), "config longest values fit");
	RUN(test_max_modules(), "config %d modules", CONFIG_MODULES_MAX);
	RUN(test_long_comment(), "config 100 KB comment line");
	RUN(test_short_err(), "config short error buffer");
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++)
		run_bad(i);
	RUN(test_binary(), "config binary data");
	RUN(test_too_long(), "config values too long");
	run_corpus(dir, files);
	RUN(CHECK(files[0] > 0 && files[1] > 0),
	    "config corpus has good and bad files");
	RUN(test_mutations(20000), "config survives 20000 seeded mutations");
	TEST_EXIT();
}
