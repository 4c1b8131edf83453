/*
 * The kernel command line: "key=value key2 flag ...", blank-separated;
 * double quotes group blanks into one token and are removed, so
 * msg="a b" has the value a b. When a key repeats, the last one counts.
 *
 * Keys known now: loglevel=0..3|err|warn|info|debug (applied here),
 * nokaslr (informational: the loader does KASLR), test=PATTERN (read by
 * ktest). Unknown keys are ignored with a debug-level note.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_MAX 4096 /* longer command lines are cut */
#define CMDLINE_MAX_PARAMS 64

/* Parse raw (copied; NULL means empty) and apply loglevel=. 0 or -E2BIG. */
int cmdline_init(const char *raw);

/* The value of key: "" for a bare flag, NULL if key is absent. */
const char *cmdline_get(const char *key);

/* The whole command line, as the loader gave it (/proc/cmdline). */
const char *cmdline_raw(void);

/* Is key present, as a flag or as key=value? */
bool cmdline_has(const char *key);

/* A switch: dflt if key is absent, false for key=off or key=0, else true. */
bool cmdline_switch(const char *key, bool dflt);

/*
 * The words after a "--" on the command line, for init's argv (as Linux
 * passes them): up to max pointers into a copy; how many there are.
 */
#include <stddef.h>
size_t cmdline_init_args(char **argv, size_t max);

#endif
