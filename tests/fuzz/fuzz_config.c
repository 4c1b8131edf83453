/*
 * libFuzzer harness for the rastboot.conf parser (boot/src/config.c): any
 * text must give 0 and a sane config, or -EINVAL and a terminated message
 * in an error buffer whose size (1..128) comes from the input's last byte.
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -Iboot/src -Iinclude tests/fuzz/fuzz_config.c boot/src/config.c \
 *       boot/src/strutil.c -o build/fuzz/fuzz_config
 *   build/fuzz/fuzz_config build/fuzz/config-corpus tests/corpus/config
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_config(const struct boot_config *cfg)
{
	check(cfg->kernel_path[0] == '/');
	check(memchr(cfg->kernel_path, '\0', CONFIG_PATH_MAX) != NULL);
	check(memchr(cfg->cmdline, '\0', CONFIG_CMDLINE_MAX) != NULL);
	check(cfg->module_count >= 0 &&
	      cfg->module_count <= CONFIG_MODULES_MAX);
	for (int i = 0; i < cfg->module_count; i++)
		check(cfg->modules[i].path[0] == '/');
	check(cfg->paging == 4 || cfg->paging == 5);
	check(cfg->width >= 320 && cfg->width <= 8192);
	check(cfg->height >= 320 && cfg->height <= 8192);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_config cfg;
	size_t errlen = size ? 1 + data[size - 1] % 128 : 64;
	char *err = malloc(errlen); /* exact size: ASan sees any overrun */

	int ret = config_parse((const char *)data, size, &cfg, err, errlen);
	check(ret == 0 || ret == -EINVAL);
	check(memchr(err, '\0', errlen) != NULL);
	if (ret == 0)
		check_config(&cfg);
	else
		check(err[0] != '\0' || errlen == 1);
	free(err);
	return 0;
}
