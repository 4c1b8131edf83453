#!/usr/bin/env bash
# Keep the architecture boundary (docs/porting.md): code outside
# kernel/arch/ reaches x86-only headers only through <kernel/arch.h>,
# plus the few headers allowed below for the PC-only drivers.
#
#   scripts/check-arch-includes.sh [KERNEL_DIR]   (default: kernel)
#
# Prints each offending include as FILE:LINE: #include ... and exits 1;
# exits 0 silently when there is none. The Makefile runs it before
# linking the kernel, so a violation fails the build.
set -euo pipefail

dir=${1:-kernel}
# The gateway: the one generic header that names the arch's headers.
gateway=$dir/include/kernel/arch.h
# x86-only headers generic code may include directly, and why:
#   io.h: port I/O, for the PC-only drivers (8250 UART, i8042, VGA text)
#         and ACPI's fixed hardware in system I/O space.
allowed='kernel/arch/x86_64/io\.h'

bad=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?(arch/x86_64|kernel/arch/)' \
    --include='*.c' --include='*.h' "$dir" |
    grep -v "^$dir/arch/" |
    grep -v "^$dir/include/kernel/arch/" |
    grep -v "^$gateway:" |
    grep -vE "[<\"]($allowed)[>\"]" || true)
if [ -n "$bad" ]; then
    echo "check-arch-includes: generic code includes x86-only headers" >&2
    echo "(use <kernel/arch.h>; see docs/porting.md):" >&2
    echo "$bad" >&2
    exit 1
fi
