/*
 * rastboot.conf: the loader's configuration, one "key=value" per line;
 * a line whose first non-blank is '#' is a comment. See
 * docs/rastboot-config.md for the keys.
 */
#ifndef RASTBOOT_CONFIG_H
#define RASTBOOT_CONFIG_H

#include "lib.h"

#define CONFIG_PATH_MAX 256
#define CONFIG_CMDLINE_MAX 1024
#define CONFIG_MODULES_MAX 16

struct config_module {
	char path[CONFIG_PATH_MAX];
	char cmdline[CONFIG_CMDLINE_MAX];
};

struct boot_config {
	char kernel_path[CONFIG_PATH_MAX];
	char cmdline[CONFIG_CMDLINE_MAX];
	bool kaslr;	/* default on */
	int paging;	/* highest paging levels allowed: 4 or 5 (default) */
	bool text_mode; /* resolution=text */
	uint32_t width, height; /* best mode up to this; default 1280x800 */
	int module_count;
	struct config_module modules[CONFIG_MODULES_MAX];
};

/*
 * Parse len bytes of text into cfg (defaults first). Returns 0, or -EINVAL
 * with a message like "line 3: unknown key 'foo'" in err (errlen bytes).
 */
int config_parse(const char *text, size_t len, struct boot_config *cfg,
		 char *err, size_t errlen);

#endif
