#!/usr/bin/env bash
# Turn kernel/syscall/syscall_64.tbl into a C X-macro header: one
# SYSCALL(number, name, entry) line per number, entry sys_ni_syscall for
# "-". Checks the table on the way: numbers ascending and unique, names
# unique, entries sys_<something>.
#   scripts/gen-syscalls.sh TABLE OUT.h
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: gen-syscalls.sh TABLE OUT.h" >&2; exit 2; }
awk -v out="$2.tmp" '
BEGIN { last = -1; print "/* Generated from kernel/syscall/syscall_64.tbl by scripts/gen-syscalls.sh. */" > out }
/^[[:space:]]*(#|$)/ { next }
{
	if (NF != 3 || $1 !~ /^[0-9]+$/) { printf "%s:%d: want \"number name entry\"\n", FILENAME, NR > "/dev/stderr"; bad = 1; next }
	if ($1 + 0 <= last) { printf "%s:%d: number %s not ascending\n", FILENAME, NR, $1 > "/dev/stderr"; bad = 1 }
	if ($2 in seen) { printf "%s:%d: %s twice\n", FILENAME, NR, $2 > "/dev/stderr"; bad = 1 }
	if ($3 != "-" && $3 !~ /^sys_[a-z0-9_]+$/) { printf "%s:%d: bad entry %s\n", FILENAME, NR, $3 > "/dev/stderr"; bad = 1 }
	seen[$2] = 1; last = $1 + 0
	printf "SYSCALL(%d, %s, %s)\n", $1, $2, ($3 == "-" ? "sys_ni_syscall" : $3) > out
}
END { if (bad) exit 1; printf "#define SYSCALL_MAX %d\n", last > out }
' "$1"
mv "$2.tmp" "$2"
