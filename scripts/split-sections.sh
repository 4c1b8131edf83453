#!/usr/bin/env bash
# Split a serial log of the user-space tests into one file per program.
#
#   scripts/split-sections.sh LOG OUTDIR
#
# The runner (user/runner.c) and the busybox init frame each program's
# output with "@@@ BEGIN NAME" and "@@@ END NAME STATUS". OUTDIR/NAME.out
# gets the lines in between and the END line itself (so a changed status
# is a difference too); a section without its END line (the system died
# in it) ends where the log does. Kernel log lines with a Linux printk
# timestamp ("[    1.234] ...") are left out. OUTDIR/order lists the names
# in the order they ran.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: scripts/split-sections.sh LOG OUTDIR" >&2 && exit 2; }
log=$1 out=$2
mkdir -p "$out"
tr -d '\r' <"$log" | awk -v dir="$out" '
	/^@@@ BEGIN / {
		if (name != "")
			close(file)
		name = $3
		file = dir "/" name ".out"
		printf "" > file
		print name > (dir "/order")
		next
	}
	/^@@@ END / {
		if (name != "" && $3 == name) {
			print > file
			close(file)
			name = ""
		}
		next
	}
	name != "" && !/^\[ *[0-9]+\.[0-9]+\] / { print > file }
'
