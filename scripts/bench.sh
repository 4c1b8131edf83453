#!/usr/bin/env bash
# make bench: rastOS's benchmarks under QEMU with -icount shift=0,sleep=off
# and -m 512 (the disks: see 3.), in three parts:
#
#  1. The kernel's: one boot with test=bench.* runs the benchmark KTESTs
#     (suite bench).
#  2. User space's, against Linux: the initramfs of
#     scripts/make-user-initramfs.sh --bench (/init is bench_probes,
#     user/bench/probes.c) boots on rastOS (1 CPU, loglevel=err) and on
#     Debian's Linux 6.1 (../shared/tools/linux-ref --icount --mem 512, or
#     $LINUX_REF), and the same probes run on both.
#
#  3. The disks', against Linux: user/bench/disk.c (bench_disk: 64 MiB
#     written and read back cold, 10,000 small files created and unlinked,
#     busybox tar c and x) on rastOS with the image recipe and QEMU
#     options scripts/bench-disk.sh used for Linux: a fresh 256 MiB ext2
#     image (4 KiB, then 1 KiB blocks) with a fixed UUID and hash seed,
#     -icount shift=0,sleep=on and cache=unsafe (bench-disk.sh says why),
#     -m 512, pc with -device ahci, 1 CPU. Linux's figures are not measured
#     again: they come from bench/linux-disk.txt (make bench-disk-linux).
#     $BENCH_DISK_RUNS boots per block size (1; Linux's are medians of 3),
#     the median kept.
#
#   scripts/bench.sh [--disk-only]
#
# --disk-only (make bench-disk): part 3 alone; only the disk lines of
# bench/results.txt and README.md's disk table are rewritten.
#
# Each prints "bench: NAME VALUE UNIT" lines. Under -icount shift=0 QEMU
# executes one instruction per virtual nanosecond and its TSC counts
# virtual nanoseconds, so TSC differences are virtual ns: the same on any
# host, from run to run. bench.tsc_counts_instructions checks this in the
# kernel (a dec/jnz loop must take 1000 ticks per 1000 instructions) and
# the probe user_ns_per_1000_insns does the same through each kernel's
# clock_gettime; a warning is printed if either is off.
#
# The script prints each rastOS figure next to the one in bench/results.txt,
# then the table of the probes: rastOS and Linux ns, rastOS/Linux, and the
# processes issue's goal where there is one. It then writes the figures to
# bench/results.txt (rastOS's as NAME VALUE UNIT, Linux's as linux_NAME
# VALUE UNIT; commit them with the change that moved them) and the table
# into README.md between <!-- bench:user:begin --> and <!-- bench:user:end -->
# (the disks' between <!-- bench:disk:begin --> and <!-- bench:disk:end -->).
#
# BENCH_LINUX=cached: do not boot Linux; reuse the linux_user_* figures
# already in bench/results.txt.
# Serial logs: build/bench/{kernel,rastos-user,linux-user}.log and
# build/bench/rastos-disk-BS-RUN.log.
# Exit status: 0 done; 1 a boot failed, or a probe gave no figure on
# rastOS (then nothing is written).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
RESULTS=bench/results.txt
README=README.md
LOGS=$BUILD/bench
LINUX_REF=${LINUX_REF:-$ROOT/../shared/tools/linux-ref}
[ -x "$LINUX_REF" ] || LINUX_REF=/work/shared/tools/linux-ref
BENCH_LINUX=${BENCH_LINUX:-boot}
BENCH_DISK_RUNS=${BENCH_DISK_RUNS:-1}
LINUX_DISK=bench/linux-disk.txt
BOOT_TIMEOUT=600
# The processes issue's goals, rastOS/Linux at most.
GOALS="user_getpid 0.33
user_fork_exit_wait 0.33
user_fork_exec_wait 0.5
user_page_fault 0.5
user_context_switch 0.5
user_pipe_pingpong 0.5
user_pwrite_pread_4k 0.5
user_boot_tsc 0.05"
# The storage issue's: rastOS/Linux at most 1.0 for each, both block sizes.
DISK_GOALS=$(for p in disk_ disk_1024b_; do
    for n in seq_write_64m seq_read_64m create_unlink_10k tar_c tar_x; do
        echo "$p$n 1.0"
    done
done)
# The disk image, as scripts/bench-disk.sh makes it for Linux.
DISK_SIZE=256M
DISK_UUID=5a1e2b3c-4d5e-4f60-8172-93a4b5c6d7e8
DISK_HASH_SEED=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9
DISK_QEMU=(--icount-sleep --disk-cache unsafe --mem 512 --machine pc --smp 1)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$LOGS"

die() {
    echo "bench: $*" >&2
    exit 1
}

# figures LOG: the "bench: NAME VALUE UNIT" lines of a serial log, as
# "NAME VALUE UNIT".
figures() {
    tr -d '\r' <"$1" |
        sed -nE 's/^bench: ([A-Za-z0-9_]+) ([0-9]+) ([A-Za-z]+).*$/\1 \2 \3/p'
}

# value NAME FILE: NAME's value in a file of "NAME VALUE UNIT" lines.
value() {
    awk -v n="$1" '$1 == n { print $2; exit }' "$2" 2>/dev/null || true
}

# boot_failed WHAT LOG STATUS: say so with the end of the log, and fail.
boot_failed() {
    echo "bench: $1 failed (status $3; serial log $2), its last lines:" >&2
    tail -n 30 "$2" | sed 's/^/  | /' >&2
    exit 1
}

# check_clock WHO NAME FILE: warn unless NAME is about 1000 (per 1000
# instructions).
check_clock() {
    local v
    v=$(value "$2" "$3")
    if [ -z "$v" ] || [ "$v" -lt 990 ] || [ "$v" -gt 1010 ]; then
        echo "bench: warning: $1: $2 is '$v', not 1000: the figures are not" \
            "virtual ns" >&2
    fi
}

# kernel_bench OUT: the benchmark KTESTs' figures into OUT.
kernel_bench() {
    local log=$LOGS/kernel.log status=0
    echo "bench: rastOS, the kernel's benchmarks (test=bench.*)"
    scripts/run-qemu.sh --cmdline "test=bench.*" --mem 512 --icount \
        --timeout "$BOOT_TIMEOUT" >"$log" 2>&1 || status=$?
    figures "$log" >"$1"
    if [ "$status" -ne 0 ] || [ ! -s "$1" ]; then
        boot_failed "the kernel benchmark boot" "$log" "$status"
    fi
    check_clock rastOS tsc_ticks_per_1000_insns "$1"
}

# rastos_user CPIO OUT: boot the probes on rastOS; their figures into OUT.
# A boot that ends at the kernel monitor (no /init run) or a panic is
# stopped at once.
rastos_user() {
    local log=$LOGS/rastos-user.log status=0
    echo "bench: rastOS, the user-space probes"
    scripts/qemu-expect.sh --log "$log" --timeout "$BOOT_TIMEOUT" \
        --until '^rastos> |^panic: ' -- --initrd "$1" \
        --cmdline "loglevel=err" --icount --mem 512 --smp 1 || status=$?
    figures "$log" | grep '^user_' >"$2" || true
    # 3: QEMU ended by itself (the power off); 0: --until matched.
    if [ "$status" -ne 3 ] || ! grep -q '^# bench: done' "$log"; then
        boot_failed "the rastOS user-space boot" "$log" "$status"
    fi
}

# linux_user DIR OUT: boot the probes on Linux; their figures into OUT.
linux_user() {
    local log=$LOGS/linux-user.log status=0
    echo "bench: Linux ($LINUX_REF --icount), the user-space probes"
    [ -x "$LINUX_REF" ] || die "no linux-ref at $LINUX_REF (set LINUX_REF)"
    "$LINUX_REF" --icount --mem 512 --timeout "$BOOT_TIMEOUT" "$1" \
        >"$log" 2>&1 || status=$?
    figures "$log" | grep '^user_' >"$2" || true
    if [ "$status" -ne 0 ] || ! grep -q '^# bench: done' "$log"; then
        boot_failed "the Linux user-space boot" "$log" "$status"
    fi
}

# cached_linux OUT: the Linux figures of the last run, from results.txt.
cached_linux() {
    sed -nE 's/^linux_(user_[A-Za-z0-9_]+ [0-9]+ [A-Za-z]+)$/\1/p' \
        "$RESULTS" >"$1" 2>/dev/null || true
    [ -s "$1" ] || die "BENCH_LINUX=cached, but $RESULTS has no linux_user_*" \
        "figures: run once without it"
    echo "bench: Linux, the figures kept in $RESULTS (BENCH_LINUX=cached)"
}

# show_changes NEW: each rastOS figure next to the one in results.txt.
show_changes() {
    local name value unit old change
    printf '%-30s %12s %12s %9s\n' benchmark old new change
    while read -r name value unit; do
        old=$(value "$name" "$RESULTS")
        change=new
        if [ -n "$old" ] && [ "$old" -gt 0 ]; then
            change=$(awk -v o="$old" -v n="$value" \
                'BEGIN { printf "%+.1f%%", (n - o) * 100 / o }')
        fi
        printf '%-30s %12s %12s %9s\n' "$name" "${old:--} " "$value $unit" "$change"
    done <"$1"
}

# compare RASTOS LINUX OUT [GOALS]: one tab-separated row per probe (in
# rastOS's order, then any only Linux has): name, rastOS ns, Linux ns,
# ratio, goal (from GOALS, "NAME RATIO" lines; $GOALS by default), met;
# "-" where there is nothing. The clock checks are left out.
compare() {
    printf '%s\n' "${4:-$GOALS}" >"$tmp/goals"
    awk -v OFS='\t' '
        FILENAME == ARGV[1] { goal[$1] = $2; next }
        FILENAME == ARGV[2] { r[$1] = $2; order[++n] = $1; next }
        { l[$1] = $2; if (!($1 in r)) order[++n] = $1 }
        END {
            for (i = 1; i <= n; i++) {
                p = order[i]
                if (p ~ /ns_per_1000_insns$/) continue
                ratio = "-"; met = "-"
                if ((p in r) && (p in l) && l[p] > 0)
                    ratio = sprintf("%.2f", r[p] / l[p])
                if ((p in goal) && ratio != "-")
                    met = (ratio + 0 <= goal[p] + 0) ? "yes" : "no"
                print p, (p in r) ? r[p] : "-", (p in l) ? l[p] : "-",
                    ratio, (p in goal) ? goal[p] : "-", met
            }
        }' "$tmp/goals" "$1" "$2" >"$3"
}

# thousands N: N with commas between groups of three digits.
thousands() {
    local n=$1
    while [[ $n =~ ^([0-9]+)([0-9]{3})(.*)$ ]]; do
        n=${BASH_REMATCH[1]},${BASH_REMATCH[2]}${BASH_REMATCH[3]}
    done
    echo "$n"
}

# print_table ROWS: the comparison for the terminal.
print_table() {
    local name r l ratio goal met
    printf '%-28s %14s %14s %13s %7s %4s\n' probe "rastOS ns" "Linux ns" \
        rastOS/Linux goal met
    while IFS=$'\t' read -r name r l ratio goal met; do
        [ "$goal" = - ] || goal="<=$goal"
        printf '%-28s %14s %14s %13s %7s %4s\n' "$name" "$(thousands "$r")" \
            "$(thousands "$l")" "$ratio" "$goal" "$met"
    done <"$1"
}

# markdown_rows ROWS: ROWS (tab-separated) as a markdown table, header first.
markdown_rows() {
    local name r l ratio goal met
    echo "| probe | rastOS ns | Linux ns | rastOS/Linux | goal | met |"
    echo "|---|---:|---:|---:|---:|:-:|"
    while IFS=$'\t' read -r name r l ratio goal met; do
        [ "$goal" = - ] || goal="≤ $goal"
        echo "| \`$name\` | $(thousands "$r") | $(thousands "$l") | $ratio |" \
            "$goal | $met |"
    done <"$1"
}

# markdown_table ROWS RASTOS LINUX [ROW]: the comparison for README.md,
# ROW (markdown) added at its end.
markdown_table() {
    markdown_rows "$1"
    [ -z "${4:-}" ] || echo "$4"
    echo
    echo "Clock check, virtual ns per 1000 instructions of a dec/jnz loop:" \
        "rastOS $(value user_ns_per_1000_insns "$2")," \
        "Linux $(value user_ns_per_1000_insns "$3")."
}

# write_results KERNEL RASTOS LINUX: bench/results.txt.
write_results() {
    {
        echo "# rastOS benchmarks, written by make bench (scripts/bench.sh): QEMU TCG,"
        echo "# -icount shift=0,sleep=off, -m 512; ns are virtual (1 instruction = 1 ns)."
        echo "# Later changes compare against these figures; commit them when they move."
        echo "# The kernel's (KTEST suite bench):"
        cat "$1"
        echo "# The user-space probes (user/bench/probes.c) on rastOS, 1 CPU:"
        cat "$2"
        echo "# The same probes on Debian's Linux 6.1 (linux-ref --icount --mem 512):"
        sed 's/^/linux_/' "$3"
    } >"$RESULTS.tmp"
    mv "$RESULTS.tmp" "$RESULTS"
    echo "bench: wrote $RESULTS"
}

# write_readme TABLE [PART]: the table between README.md's markers for
# PART (user, the default, or disk).
write_readme() {
    local begin="<!-- bench:${2:-user}:begin -->" end="<!-- bench:${2:-user}:end -->"
    if ! grep -qF "$begin" "$README" || ! grep -qF "$end" "$README"; then
        echo "bench: warning: no $begin / $end in $README: table not written" >&2
        return
    fi
    awk -v b="$begin" -v e="$end" -v t="$1" '
        $0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
        $0 == e { skip = 0 }
        !skip' "$README" >"$README.tmp"
    mv "$README.tmp" "$README"
    echo "bench: wrote the table into $README"
}

# small_memory: boot make run's busybox system (scripts/make-rootfs.sh)
# in 16 MiB of RAM and type a command on its serial shell: "yes" when the
# shell answers (and poweroff ends QEMU), else "no".
small_memory() {
    local log=$LOGS/rastos-16mib.log fifo=$tmp/serial16 fd pid ok=no i
    scripts/make-rootfs.sh "$tmp/rootfs.cpio.gz" >&2 || die "make-rootfs.sh failed"
    echo "bench: rastOS, the busybox system in 16 MiB" >&2
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    set -m
    scripts/run-qemu.sh --initrd "$tmp/rootfs.cpio.gz" --mem 16 --smp 1 \
        --timeout "$BOOT_TIMEOUT" --cmdline loglevel=err <"$fifo" >"$log" 2>&1 &
    pid=$!
    set +m
    for ((i = 0; i < 2 * BOOT_TIMEOUT; i++)); do
        grep -q "Enter 'help'" "$log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    printf 'echo small$((8*2))\r' >&"$fd"
    for ((i = 0; i < 60; i++)); do
        tr -d '\r' <"$log" | grep -qx 'small16' && ok=yes && break
        sleep 0.5
    done
    printf 'poweroff\r' >&"$fd"
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && ok=no
    kill -TERM -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exec {fd}>&-
    echo "$ok"
}

# missing RASTOS LINUX: the probes Linux measured but rastOS did not.
missing() {
    awk 'FILENAME == ARGV[1] { r[$1] = 1; next } !($1 in r) { print $1 }' "$1" "$2"
}

# disk_mkfs BS IMAGE: the benchmark's image (bench-disk.sh's recipe).
disk_mkfs() {
    rm -f "$2"
    truncate -s "$DISK_SIZE" "$2"
    mke2fs -q -F -t ext2 -b "$1" -U "$DISK_UUID" -E "hash_seed=$DISK_HASH_SEED" "$2"
}

# disk_initramfs OUT: /init mounts devtmpfs and proc, runs bench_disk on
# /dev/sda and powers off; busybox (for tar) next to it.
disk_initramfs() {
    local root=$tmp/disk-root
    mkdir -p "$root"/{bin,dev,proc,mnt,tmp}
    cp "$BUILD/user/bench/bench_disk" "$root/bin/" || die "no bench_disk (make user-bench)"
    cp /bin/busybox "$root/bin/" || die "no /bin/busybox (package busybox-static)"
    cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
/bin/bench_disk /dev/sda /mnt
poweroff -f
EOF
    chmod 755 "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet) >"$1"
}

# median FILE NAME: the median of NAME's values in FILE ("NAME VALUE" lines).
median() {
    awk -v n="$2" '$1 == n { print $2 }' "$1" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# rastos_disk OUT: bench_disk on rastOS, $BENCH_DISK_RUNS boots per block
# size; the medians into OUT as "disk_NAME VALUE ns" (4 KiB blocks) and
# "disk_1024b_NAME VALUE ns" (1 KiB), Linux's names in linux-disk.txt.
rastos_disk() {
    local bs r log status prefix name figs=$tmp/disk-figs img=$tmp/disk.img
    disk_initramfs "$tmp/disk.cpio"
    grep -qF -- "-U $DISK_UUID -E hash_seed=$DISK_HASH_SEED" "$LINUX_DISK" &&
        grep -qF -- "truncate -s $DISK_SIZE" "$LINUX_DISK" ||
        echo "bench: warning: $LINUX_DISK's image is not made as this script makes" \
            "rastOS's (see its Image: line): the figures may not compare" >&2
    : >"$1"
    for bs in 4096 1024; do
        prefix=disk_
        [ "$bs" = 4096 ] || prefix=disk_${bs}b_
        : >"$figs"
        for ((r = 1; r <= BENCH_DISK_RUNS; r++)); do
            log=$LOGS/rastos-disk-$bs-$r.log status=0
            echo "bench: rastOS, the disk benchmarks, $bs-byte blocks, run $r of $BENCH_DISK_RUNS"
            disk_mkfs "$bs" "$img" || die "mke2fs failed"
            scripts/qemu-expect.sh --log "$log" --timeout "$BOOT_TIMEOUT" \
                --until '^rastos> |^panic: ' -- --initrd "$tmp/disk.cpio" \
                --cmdline "loglevel=err" --disk "$img" "${DISK_QEMU[@]}" || status=$?
            if [ "$status" -ne 3 ] || ! grep -q '^# bench: done' "$log"; then
                boot_failed "the rastOS disk boot" "$log" "$status"
            fi
            figures "$log" | grep '^disk_' >>"$figs" || true
            e2fsck -fn "$img" >"$LOGS/rastos-disk-$bs-$r.fsck" 2>&1 ||
                echo "bench: warning: e2fsck -fn finds the image unclean after" \
                    "the run (see $LOGS/rastos-disk-$bs-$r.fsck)" >&2
        done
        for name in $(awk '{ print $1 }' "$figs" | awk '!seen[$0]++'); do
            echo "$prefix${name#disk_} $(median "$figs" "$name") ns" >>"$1"
        done
    done
    check_clock rastOS disk_ns_per_1000_insns "$1"
    check_clock rastOS disk_1024b_ns_per_1000_insns "$1"
}

# linux_disk OUT: Linux's disk figures, from bench/linux-disk.txt.
linux_disk() {
    sed -nE 's/^linux_(disk_[A-Za-z0-9_]+) ([0-9]+) ns.*$/\1 \2 ns/p' \
        "$LINUX_DISK" >"$1" 2>/dev/null || true
    [ -s "$1" ] || die "no linux_disk_* figures in $LINUX_DISK (make bench-disk-linux)"
}

# disk_markdown ROWS: the disks' comparison for README.md.
disk_markdown() {
    markdown_rows "$1"
    echo
    echo "rastOS: $BENCH_DISK_RUNS run(s) per block size, the median;" \
        "Linux: \`$LINUX_DISK\` (the median of 3, not measured again)."
}

# write_disk_results RASTOS LINUX: the disk lines of bench/results.txt
# replaced (the rest kept as it is).
write_disk_results() {
    local begin='# The disk benchmarks (user/bench/disk.c) on rastOS:'
    {
        if [ -f "$RESULTS" ]; then
            awk -v b="$begin" '$0 == b { skip = 1 } !skip' "$RESULTS"
        fi
        echo "$begin"
        echo "# -icount shift=0,sleep=on, cache=unsafe, a fresh 256 MiB ext2 image per run;"
        echo "# disk_*: 4 KiB blocks, disk_1024b_*: 1 KiB; median of $BENCH_DISK_RUNS run(s)."
        cat "$1"
        echo "# Linux's, from $LINUX_DISK (not measured again):"
        sed 's/^/linux_/' "$2"
    } >"$RESULTS.tmp"
    mv "$RESULTS.tmp" "$RESULTS"
    echo "bench: wrote the disk figures into $RESULTS"
}

# disk_part: part 3, to the end (results.txt and the README's table).
disk_part() {
    local r=$tmp/disk-rastos l=$tmp/disk-linux rows=$tmp/disk-rows
    rastos_disk "$r"
    linux_disk "$l"
    echo
    show_changes "$r"
    echo
    compare "$r" "$l" "$rows" "$DISK_GOALS"
    print_table "$rows"
    echo
    write_disk_results "$r" "$l"
    disk_markdown "$rows" >"$tmp/disk-table.md"
    write_readme "$tmp/disk-table.md" disk
}

main() {
    local k=$tmp/kernel r=$tmp/rastos l=$tmp/linux rows=$tmp/rows lost small
    case ${1:-} in
    --disk-only) disk_part && return ;;
    '') ;;
    *) die "usage: scripts/bench.sh [--disk-only]" ;;
    esac
    case $BENCH_LINUX in
    boot | cached) ;;
    *) die "BENCH_LINUX is 'boot' (the default) or 'cached', not '$BENCH_LINUX'" ;;
    esac
    if ! scripts/make-user-initramfs.sh --bench --no-build "$tmp/probes.cpio" ||
        ! scripts/make-user-initramfs.sh --bench --no-build "$tmp/probes"; then
        die "could not lay out the probes' initramfs (make user-bench first)"
    fi

    kernel_bench "$k"
    rastos_user "$tmp/probes.cpio" "$r"
    if [ "$BENCH_LINUX" = cached ]; then
        cached_linux "$l"
    else
        linux_user "$tmp/probes" "$l"
    fi
    check_clock rastOS user_ns_per_1000_insns "$r"
    check_clock Linux user_ns_per_1000_insns "$l"
    grep -q '^# vdso: yes' "$LOGS/rastos-user.log" ||
        echo "bench: warning: rastOS gave the probes no vDSO (AT_SYSINFO_EHDR)" >&2

    echo
    cat "$k" "$r" >"$tmp/new"
    show_changes "$tmp/new"
    echo
    compare "$r" "$l" "$rows"
    print_table "$rows"
    echo

    lost=$(missing "$r" "$l" | tr '\n' ' ')
    if [ -n "$lost" ]; then
        die "no rastOS figure for: ${lost}(see $LOGS/rastos-user.log);" \
            "$RESULTS and $README not written"
    fi
    small=$(small_memory)
    echo "busybox system (make run's) in 16 MiB of RAM, its shell answering: $small"
    write_results "$k" "$r" "$l"
    echo "# make run's busybox system in 16 MiB, its shell answering: $small" >>"$RESULTS"
    markdown_table "$rows" "$r" "$l" \
        "| busybox system (\`make run\`'s) in 16 MiB | shell answers: $small | does not boot in 80 MiB | - | runs | $small |" \
        >"$tmp/table.md"
    write_readme "$tmp/table.md"
    echo
    disk_part
}

main "$@"
