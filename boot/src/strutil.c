/*
 * String helpers the loader needs beyond the usual C names. Kept apart from
 * the freestanding memcpy/strlen file because the host tests link libc and
 * these pure helpers with it: nothing here may share a name with libc.
 */
#include "lib.h"

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Like strncmp, ignoring ASCII case only: filesystem names and config keys
 * are ASCII, and a locale-aware comparison has no place in a bootloader.
 */
int str_casecmp_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = ascii_lower((unsigned char)a[i]);
		int cb = ascii_lower((unsigned char)b[i]);

		if (ca != cb)
			return ca - cb;
		if (ca == 0)
			return 0;
	}
	return 0;
}
