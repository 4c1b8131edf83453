#!/usr/bin/env bash
# The disk benchmarks' Linux reference: bench_disk (user/bench/disk.c) on
# Debian's Linux (scripts/linux-disk.sh) with an ext2 image on AHCI, under
# QEMU -icount; the figures go to bench/linux-disk.txt, which says how they
# were taken. rastOS's figures will be taken the same way (same image, same
# QEMU options) once it drives disks, and compared with these.
#
#   scripts/bench-disk.sh [--runs N] [--out FILE]
#
# For each block size (4 KiB, then 1 KiB): a fresh 256 MiB image from the
# host's mke2fs -t ext2 with a fixed UUID and directory hash seed (the same
# image every time), one boot running `bench_disk /dev/sda /mnt`; N runs
# (3) and the median of each figure kept, with the spread noted.
#
# The QEMU options, and why:
#  - -icount shift=0,sleep=on (linux-disk.sh --icount-sleep): instructions
#    count one virtual ns each, as in make bench, but idle time passes at the
#    host's speed. With sleep=off (make bench's) an idle guest jumps to its
#    next timer, so a disk request still in flight when the guest idles
#    lasts until that timer: runs gave tar_c 0.12 s once and 9.97 s the next
#    time, and with the host's flushes in the way libata's 30 s command
#    timeouts fired and requests failed.
#  - cache=unsafe on the drive (--disk-cache unsafe): the guest's FLUSH
#    CACHE (fsync, syncfs, umount) does not reach the host's disk, whose
#    latency would otherwise be in the figures (±15 % between runs; with it
#    the runs agree within 1 %).
# What still varies: the guest's idle time while a request is in flight is
# the host's real time, so a busy host (2 cores, load 7) can stretch one run
# (seen once: a tar_c 4x longer); hence the median of several runs.
# Exit status: 0 done, 1 a run failed (nothing written).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
runs=3 out=bench/linux-disk.txt
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: scripts/bench-disk.sh [--runs N] [--out FILE]" >&2; exit 2 ;;
    esac
done
MEM=512 MACHINE=pc SIZE=256M
UUID=5a1e2b3c-4d5e-4f60-8172-93a4b5c6d7e8
HASH_SEED=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9
QEMU_OPTS=(--icount-sleep --disk-cache unsafe --mem "$MEM" --machine "$MACHINE")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-disk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/inc/bin" "$BUILD/bench"
make -s BUILD="$BUILD" user-bench >&2 || { echo "bench-disk: make user-bench failed" >&2; exit 1; }
cp "$BUILD/user/bench/bench_disk" "$tmp/inc/bin/"
cat >"$tmp/guest.sh" <<'EOF'
mkdir -p /mnt
/bin/bench_disk "$DISK0" /mnt
EOF

# mkfs BS IMAGE: the benchmark's image, the same bytes every time but for
# mke2fs's timestamps.
mkfs_cmd() {
    echo "mke2fs -q -F -t ext2 -b $1 -U $UUID -E hash_seed=$HASH_SEED IMAGE (IMAGE: truncate -s $SIZE)"
}
mkfs() {
    rm -f "$2"
    truncate -s "$SIZE" "$2"
    mke2fs -q -F -t ext2 -b "$1" -U "$UUID" -E "hash_seed=$HASH_SEED" "$2"
}

# median FILE NAME: the median of NAME's values in FILE ("NAME VALUE" lines).
median() {
    awk -v n="$2" '$1 == n { print $2 }' "$1" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
spread() {
    awk -v n="$2" '$1 == n { print $2 }' "$1" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR && v[1] > 0) printf "%.1f", (v[NR] - v[1]) * 100 / v[1] }'
}

{
    echo "# Linux's disk benchmarks (bench_disk, user/bench/disk.c), the reference for rastOS;"
    echo "# written by scripts/bench-disk.sh on $(date -u +%Y-%m-%d)."
    echo "# Kernel: Debian's $(basename "$(ls "${LINUX_REF_CACHE:-$HOME/.cache/linux-ref}"/vmlinuz-* | head -n 1)" | sed 's/^vmlinuz-//')" \
        "(linux-ref's), modules ahci, sd_mod, ext4 (serving ext2) from its linux-image .deb."
    echo "# QEMU $(qemu-system-x86_64 --version | head -n 1 | sed 's/.*version //'):" \
        "scripts/linux-disk.sh ${QEMU_OPTS[*]}, i.e. TCG, -icount shift=0,sleep=on,"
    echo "# -m $MEM, -machine $MACHINE, 1 CPU (qemu64), -device ahci, the image as a raw"
    echo "# -drive ...,cache=unsafe on an ide-hd at ahci0.0 (see bench-disk.sh for why sleep=on and unsafe)."
    echo "# Image: $(mkfs_cmd BS), mke2fs $(mke2fs -V 2>&1 | head -n 1 | awk '{print $2}'),"
    mkfs 4096 "$tmp/disk.img"
    echo "# features (mke2fs.conf's for ext2): $(dumpe2fs -h "$tmp/disk.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')."
    echo "# Times: CLOCK_MONOTONIC in the guest, ns (virtual: 1 instruction = 1 ns, idle at host"
    echo "# speed); the whole operation, not per item; median of $runs runs (one boot each), spread"
    echo "# (max-min)/min in the comment: idle time is real time, so a busy host can stretch one run."
    echo "# The probes: see user/bench/disk.c; all end with fsync/syncfs; reads after umount+mount."
} >"$tmp/out"

for bs in 4096 1024; do
    prefix=linux_disk_
    [ "$bs" = 4096 ] || prefix=linux_disk_${bs}b_
    : >"$tmp/figs"
    for ((r = 1; r <= runs; r++)); do
        log=$BUILD/bench/linux-disk-$bs-$r.log
        echo "bench-disk: Linux, ${bs}-byte blocks, run $r of $runs" >&2
        mkfs "$bs" "$tmp/disk.img"
        if ! scripts/linux-disk.sh "${QEMU_OPTS[@]}" --disk "$tmp/disk.img" \
            --include "$tmp/inc" --script "$tmp/guest.sh" --keep-log "$log" \
            >"$tmp/run.out" 2>"$tmp/run.err" || ! grep -q '^# bench: done' "$tmp/run.out"; then
            echo "bench-disk: the run failed (serial log $log):" >&2
            cat "$tmp/run.out" "$tmp/run.err" | tail -n 20 >&2
            exit 1
        fi
        [ ! -s "$tmp/run.err" ] || sed 's/^/bench-disk: stderr: /' "$tmp/run.err" >&2
        sed -nE 's/^bench: (disk_[a-z0-9_]+) ([0-9]+) ns$/\1 \2/p' "$tmp/run.out" >>"$tmp/figs"
        e2fsck -fn "$tmp/disk.img" >/dev/null 2>&1 ||
            echo "bench-disk: warning: e2fsck -fn finds the image unclean after run $r" >&2
    done
    echo "# ${bs}-byte blocks:" >>"$tmp/out"
    for name in $(awk '{ print $1 }' "$tmp/figs" | awk '!seen[$0]++'); do
        printf '%s%s %s ns  # spread %s%%\n' "$prefix" "${name#disk_}" \
            "$(median "$tmp/figs" "$name")" "$(spread "$tmp/figs" "$name")" >>"$tmp/out"
    done
done
cp "$tmp/out" "$out"
cat "$out"
