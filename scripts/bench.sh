#!/usr/bin/env bash
# make bench: rastOS's benchmarks under QEMU with -icount shift=0,sleep=off
# and -m 512, in two parts:
#
#  1. The kernel's: one boot with test=bench.* runs the benchmark KTESTs
#     (suite bench).
#  2. User space's, against Linux: the initramfs of
#     scripts/make-user-initramfs.sh --bench (/init is bench_probes,
#     user/bench/probes.c) boots on rastOS (1 CPU, loglevel=err) and on
#     Debian's Linux 6.1 (../shared/tools/linux-ref --icount --mem 512, or
#     $LINUX_REF), and the same probes run on both.
#
# Both print "bench: NAME VALUE UNIT" lines. Under -icount shift=0 QEMU
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
# into README.md between <!-- bench:user:begin --> and <!-- bench:user:end -->.
#
# BENCH_LINUX=cached: do not boot Linux; reuse the linux_user_* figures
# already in bench/results.txt.
# Serial logs: build/bench/{kernel,rastos-user,linux-user}.log.
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

# compare RASTOS LINUX OUT: one tab-separated row per probe (in rastOS's
# order, then any only Linux has): name, rastOS ns, Linux ns, ratio, goal,
# met; "-" where there is nothing. The clock check is left out.
compare() {
    printf '%s\n' "$GOALS" >"$tmp/goals"
    awk -v OFS='\t' '
        FILENAME == ARGV[1] { goal[$1] = $2; next }
        FILENAME == ARGV[2] { r[$1] = $2; order[++n] = $1; next }
        { l[$1] = $2; if (!($1 in r)) order[++n] = $1 }
        END {
            for (i = 1; i <= n; i++) {
                p = order[i]
                if (p == "user_ns_per_1000_insns") continue
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
    printf '%-28s %11s %11s %13s %7s %4s\n' probe "rastOS ns" "Linux ns" \
        rastOS/Linux goal met
    while IFS=$'\t' read -r name r l ratio goal met; do
        [ "$goal" = - ] || goal="<=$goal"
        printf '%-28s %11s %11s %13s %7s %4s\n' "$name" "$(thousands "$r")" \
            "$(thousands "$l")" "$ratio" "$goal" "$met"
    done <"$1"
}

# markdown_table ROWS RASTOS LINUX [ROW]: the comparison for README.md,
# ROW (markdown) added at its end.
markdown_table() {
    local name r l ratio goal met
    echo "| probe | rastOS ns | Linux ns | rastOS/Linux | goal | met |"
    echo "|---|---:|---:|---:|---:|:-:|"
    while IFS=$'\t' read -r name r l ratio goal met; do
        [ "$goal" = - ] || goal="≤ $goal"
        echo "| \`$name\` | $(thousands "$r") | $(thousands "$l") | $ratio |" \
            "$goal | $met |"
    done <"$1"
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

# write_readme TABLE: the table between README.md's markers.
write_readme() {
    local begin='<!-- bench:user:begin -->' end='<!-- bench:user:end -->'
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

main() {
    local k=$tmp/kernel r=$tmp/rastos l=$tmp/linux rows=$tmp/rows lost small
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
}

main "$@"
