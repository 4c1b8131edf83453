#!/usr/bin/env bash
# Mark a PIE kernel ELF as ET_DYN (see the comment in the Makefile), after
# checking that it really is one: ELF64 and a PT_DYNAMIC segment.
set -euo pipefail
f=$1
readelf -lW "$f" | grep -q ' DYNAMIC ' || { echo "elf-set-dyn: $f has no PT_DYNAMIC" >&2; exit 1; }
[ "$(head -c 5 "$f" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 2 ] || { echo "elf-set-dyn: $f is not ELF64" >&2; exit 1; }
printf '\003\000' | dd of="$f" bs=1 seek=16 conv=notrunc status=none
readelf -h "$f" | grep -q 'DYN ' || { echo "elf-set-dyn: failed on $f" >&2; exit 1; }
