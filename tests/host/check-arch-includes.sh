#!/usr/bin/env bash
# Tests of scripts/check-arch-includes.sh (the architecture boundary):
# the real tree passes, and a tree with one forbidden include fails,
# naming the file. Prints PASS/FAIL lines.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
check=scripts/check-arch-includes.sh
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() { # NAME OK-CONDITION-STATUS
    if [ "$2" -eq 0 ]; then echo "PASS: arch-includes: $1"; else
        echo "FAIL: arch-includes: $1"
        status=1
    fi
}

"$check" kernel >"$work/out" 2>&1
result "the kernel tree keeps the boundary" $?

# A copy of the tree with one generic file reaching an x86 header.
mkdir -p "$work/k"
cp -r kernel/include kernel/mm "$work/k/"
echo '#include <kernel/arch/x86_64/msr.h>' >>"$work/k/mm/space.c"
if "$check" "$work/k" >"$work/out" 2>&1; then rc=1; else
    grep -q 'mm/space.c:.*msr.h' "$work/out"
    rc=$?
fi
result "an x86 include in kernel/mm is refused, by name" $rc

# The allowed port I/O header passes; a quoted relative path does not.
mkdir -p "$work/k2"
cp -r kernel/include kernel/mm "$work/k2/"
echo '#include <kernel/arch/x86_64/io.h>' >>"$work/k2/mm/space.c"
"$check" "$work/k2" >"$work/out" 2>&1
result "the port I/O header is allowed" $?
echo '#include "../arch/x86_64/cpu/cpu.h"' >>"$work/k2/mm/space.c"
if "$check" "$work/k2" >"$work/out" 2>&1; then rc=1; else rc=0; fi
result "a relative include into arch/ is refused" $rc
exit $status
