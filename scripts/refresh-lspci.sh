#!/usr/bin/env bash
# Record what Linux shows of the PCI devices of QEMU's pc and q35 machines
# (tests/lspci/init as PID 1, with Debian's busybox-static), into
# tests/expected/lspci/{pc,q35}.out, which tests/qemu/lspci.sh compares
# rastOS with. pc through ../shared/tools/linux-ref; q35 by the same QEMU
# call with -machine q35 (linux-ref has no machine option).
#
#   scripts/refresh-lspci.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LINUX_REF=${LINUX_REF:-$ROOT/../shared/tools/linux-ref}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/root/bin"
cp /bin/busybox "$work/root/bin/busybox"
cp "$ROOT/tests/lspci/init" "$work/root/init"
section() { sed -n '/^@@@ BEGIN lspci/,/^@@@ END lspci/p' | tr -d '\r'; }

"$LINUX_REF" --timeout 300 "$work/root" | section >"$ROOT/tests/expected/lspci/pc.out"

kernel=$(ls "${LINUX_REF_CACHE:-$HOME/.cache/linux-ref}"/vmlinuz-* | head -1)
(cd "$work/root" && find . | cpio -o -H newc --quiet >"$work/initrd.cpio")
timeout 300 qemu-system-x86_64 -accel tcg -machine q35 -m 512 \
    -display none -serial stdio -monitor none -no-reboot \
    -kernel "$kernel" -initrd "$work/initrd.cpio" \
    -append "console=ttyS0 quiet panic=-1" </dev/null |
    section >"$ROOT/tests/expected/lspci/q35.out"
wc -l "$ROOT"/tests/expected/lspci/*.out
