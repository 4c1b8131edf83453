# shellcheck shell=bash
# Helpers for the QEMU test suites (sourced). A suite boots rastOS in a few
# configurations and prints "PASS: name" / "FAIL: name: why" lines, both for
# the kernel's own KTAP results and for facts the harness checks in the log.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
LOGDIR=${LOGDIR:-$ROOT/build/test-logs/qemu}
mkdir -p "$LOGDIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
suite_status=0

pass() { echo "PASS: $*"; }
fail() {
    echo "FAIL: $*"
    suite_status=1
}

# check NAME COND-DESCRIPTION COMMAND...: PASS if COMMAND succeeds.
check() {
    local name=$1 why=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name: $why"; fi
}

# boot NAME [--until REGEX] -- RUN-QEMU-ARGS...: boot once; the serial log
# goes to $LOGDIR/NAME.log; sets BOOT_RC and BOOT_LOG.
boot() {
    local name=$1
    shift
    local until=()
    if [ "$1" = --until ]; then
        until=(--until "$2")
        shift 2
    fi
    [ "$1" = -- ] && shift
    BOOT_LOG=$LOGDIR/$name.log
    scripts/qemu-expect.sh --log "$BOOT_LOG" --timeout "$BOOT_TIMEOUT" \
        "${until[@]}" -- "$@" 2>"$LOGDIR/$name.stderr"
    BOOT_RC=$?
}

# same NAME A B: PASS if files A and B are equal, else FAIL with the first
# lines of their diff (the whole diff in $LOGDIR/NAME.diff).
same() {
    local name=$1 diff=$LOGDIR/${1//[^A-Za-z0-9_.-]/_}.diff
    if diff "$2" "$3" >"$diff"; then
        pass "$name"
        rm -f "$diff"
    else
        fail "$name: they differ ($(grep -c '^[<>]' "$diff") lines; $diff): $(grep -m 3 '^[<>]' "$diff" | tr '\n' ' ')"
    fi
}

# fsck_clean NAME IMAGE: the host's e2fsck -fn finds IMAGE clean.
fsck_clean() {
    local log=$LOGDIR/$1.fsck
    if e2fsck -fn "$2" >"$log" 2>&1; then
        pass "$1: e2fsck -fn finds it clean"
    else
        fail "$1: e2fsck -fn: status $? ($log): $(grep -v -e '^Pass' -e '^e2fsck' "$log" | head -n 3 | tr '\n' ' ')"
    fi
}

# field REGEX: the first capture group of the first log line matching the
# sed -E expression REGEX (which must capture one group).
field() {
    sed -nE "s/$1/\\1/p" "$BOOT_LOG" | head -n 1
}

# ktap NAME: turn the kernel's KTAP lines into PASS/FAIL lines, and fail if
# the plan and the results disagree (a crash mid-run, for instance).
ktap() {
    local name=$1 plan got=0 line
    plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$BOOT_LOG" | head -n 1)
    while IFS= read -r line; do
        got=$((got + 1))
        case $line in
        "not ok "*) fail "$name: ${line#not ok * }" ;;
        *) pass "$name: ${line#ok * }" ;;
        esac
    done < <(grep -E '^(not )?ok [0-9]+ ' "$BOOT_LOG" | sed -E 's/^((not )?ok) [0-9]+ /\1 0 /')
    if [ -z "$plan" ]; then
        fail "$name: no KTAP plan in the log (the kernel did not run its tests)"
    elif [ "$got" -ne "$plan" ]; then
        fail "$name: KTAP plan says $plan tests, $got reported"
    fi
}

# expect_boot NAME [--loader rastboot|Limine] [--firmware bios|uefi64]
#   [--paging N] [--mem MiB] [--slide zero|nonzero] [--cmdline S]
#   [--fb yes|no] [--module PATH] [--cpus N] [--smbios yes|no]: the kernel
# ran its tests and exited cleanly, and the facts in its boot log are right.
# The loader (as the kernel's "boot: loader" line names it) is rastboot
# unless --loader says otherwise.
expect_boot() {
    local name=$1 loader=rastboot i
    shift
    for ((i = 1; i < $#; i++)); do
        [ "${!i}" != --loader ] || { i=$((i + 1)) && loader=${!i}; }
    done
    check "$name: kernel ran and reported success" \
        "run-qemu.sh status $BOOT_RC (0 = success; see $BOOT_LOG)" \
        test "$BOOT_RC" -eq 0
    ktap "$name"
    check "$name: loaded by $loader" "log says '$(field '^boot: (loader .*)$')'" \
        grep -q "^boot: loader $loader " "$BOOT_LOG"
    check "$name: kernel page tables are W^X" "$(grep -m1 'W^X' "$BOOT_LOG" || echo 'no W^X line')" \
        grep -q '^security: W^X ok' "$BOOT_LOG"
    while [ $# -gt 0 ]; do
        case $1 in
        --loader) ;;
        --firmware) check "$name: firmware $2" "log says '$(field '^boot: (firmware .*)$')'" \
            grep -q "^boot: firmware $2\$" "$BOOT_LOG" ;;
        --smbios) check_smbios "$name" "$2" ;;
        --paging) check "$name: $2-level paging" "log says '$(field '^boot: paging (.*)$')'" \
            grep -q "^boot: paging $2-level\$" "$BOOT_LOG" ;;
        --mem) check_mem "$name" "$2" ;;
        --slide) check_slide "$name" "$2" ;;
        --cmdline) check "$name: command line passed" "log says $(field '^boot: cmdline (.*)$')" \
            grep -qF "boot: cmdline \"$2\"" <(sed 's/^boot: cmdline "lockdep slub_debug /boot: cmdline "/' "$BOOT_LOG") ;;
        --fb) check_fb "$name" "$2" ;;
        --cpus) check "$name: $2 CPUs reported" "log says '$(field '^boot: (cpus.*)$')'" \
            grep -q "^boot: cpus $2, BSP APIC ID" "$BOOT_LOG" ;;
        --module) check "$name: module $2 loaded" "no 'boot: module $2' line" \
            grep -q "^boot: module $2 [0-9]* bytes" "$BOOT_LOG" ;;
        *) fail "$name: expect_boot: unknown check $1" ;;
        esac
        shift 2
    done
}

check_smbios() {
    local name=$1 want=$2
    if [ "$want" = yes ]; then
        check "$name: SMBIOS entry point given" "log says '$(field '^boot: (.*smbios.*)$')'" \
            grep -qE '^boot: smbios entry32 (0x[0-9a-f]+|none) entry64 (0x[0-9a-f]+|none)$' "$BOOT_LOG"
    else
        check "$name: no SMBIOS" "log says '$(field '^boot: (.*smbios.*)$')'" \
            grep -q '^boot: no smbios$' "$BOOT_LOG"
    fi
}

# The memory map's RAM total is within 2% (at least 2 MiB) of QEMU's -m.
check_mem() {
    local name=$1 mib=$2 ram want diff tol
    ram=$(field '^boot: memory [0-9]+ entries, usable [0-9]+ KiB, ram ([0-9]+) KiB$')
    want=$((mib * 1024))
    tol=$((want / 50 > 2048 ? want / 50 : 2048))
    if [ -z "$ram" ]; then
        fail "$name: memory map total: no 'boot: memory' line"
        return
    fi
    diff=$((ram > want ? ram - want : want - ram))
    check "$name: memory map total close to -m $mib" "ram $ram KiB, want $want KiB +- $tol" \
        test "$diff" -le "$tol"
}

check_slide() {
    local name=$1 want=$2 slide
    slide=$(field '^boot: kernel phys 0x[0-9a-f]+ virt 0x[0-9a-f]+ slide (0x[0-9a-f]+)$')
    SLIDE=$slide
    if [ -z "$slide" ]; then
        fail "$name: KASLR: no 'boot: kernel ... slide' line"
    elif [ "$want" = zero ]; then
        check "$name: no KASLR slide" "slide $slide" test $((slide)) -eq 0
    else
        check "$name: KASLR slide" "slide $slide" test $((slide)) -ne 0
    fi
}

check_fb() {
    local name=$1 want=$2
    if [ "$want" = yes ]; then
        check "$name: framebuffer" "log says '$(field '^boot: (.*framebuffer.*)$')'" \
            grep -qE '^boot: framebuffer [0-9]+x[0-9]+x32 pitch [0-9]+$' "$BOOT_LOG"
    else
        check "$name: no framebuffer" "log says '$(field '^boot: (.*framebuffer.*)$')'" \
            grep -q '^boot: no framebuffer$' "$BOOT_LOG"
    fi
}

# expect_refusal NAME MESSAGE: rastboot refused with MESSAGE and halted.
expect_refusal() {
    local name=$1 msg=$2
    check "$name: refused in time" "run status $BOOT_RC (124 = hang; see $BOOT_LOG)" \
        test "$BOOT_RC" -eq 0
    check "$name: says '$msg'" "log: $(grep -m1 'rastboot: error' "$BOOT_LOG" || echo 'no error line')" \
        grep -qF "rastboot: error: $msg" "$BOOT_LOG"
}

# A small cpio (newc) archive to pass as a module.
make_cpio() {
    local dir=$WORK/cpio
    mkdir -p "$dir"
    echo "rastOS test module" >"$dir/hello.txt"
    (cd "$dir" && echo hello.txt | cpio -o -H newc --quiet) >"$1"
}

# The memory map's totals from the "mem:" lines, in KiB: usable,
# bootloader-reclaimable, and the end of RAM (page frames have struct pages).
map_totals() {
    local range type base end usable=0 recl=0 ram_end=0
    while read -r _ range type; do
        base=$((${range%-*})) end=$((${range#*-}))
        case $type in
        usable) usable=$((usable + (end - base) / 1024)) ;;
        bootloader-reclaimable) recl=$((recl + (end - base) / 1024)) ;;
        esac
        case $type in
        usable | bootloader-reclaimable | executable-and-modules | acpi-reclaimable | acpi-nvs)
            [ "$end" -le "$ram_end" ] || ram_end=$end
            ;;
        esac
    done < <(grep '^mem: ' "$BOOT_LOG")
    echo "$usable $recl $((ram_end / 1024))"
}

# check_totals NAME [KEPT_KIB]: mm's totals against the memory map:
#   mm: N KiB free of M KiB usable     M = the map's usable total; what is
#                                      not free is the page array, whose
#                                      size follows from the end of RAM,
#                                      and a few page tables
#   mm: reclaimed R KiB from the bootloader   R + K = the map's reclaimable
#   mm: kept K KiB of bootloader memory ...   total; K at most KEPT_KIB
#                                      (default 16: the MP response; the
#                                      real Limine's kernel file adds more)
check_totals() {
    local name=$1 kept_max=${2:-16} usable recl end_kib free total array want_array reclaimed kept
    read -r usable recl end_kib < <(map_totals)
    free=$(field '^mm: ([0-9]+) KiB free of [0-9]+ KiB usable$')
    total=$(field '^mm: [0-9]+ KiB free of ([0-9]+) KiB usable$')
    array=$(field '^mm: .*used \(KiB\):.* page-array ([0-9]+).*$')
    reclaimed=$(field '^mm: reclaimed ([0-9]+) KiB from the bootloader$')
    kept=$(field '^mm: kept ([0-9]+) KiB of bootloader memory.*$')
    # 48 bytes per 4 KiB page frame, rounded up to pages.
    want_array=$(((end_kib / 4 * 48 + 4095) / 4096 * 4))
    if [ -z "$free" ] || [ -z "$total" ] || [ -z "$array" ] || [ -z "$reclaimed" ] || [ -z "$kept" ]; then
        fail "$name: no 'mm: ... KiB free of ... KiB usable', page-array, reclaimed or kept line"
        return
    fi
    check "$name: mm's usable total is the memory map's" "mm $total KiB, map $usable KiB" \
        test "$total" -eq "$usable"
    check "$name: page array sized for the end of RAM" "page-array $array KiB, want $want_array KiB" \
        test "$array" -eq "$want_array"
    check "$name: all usable memory free but the page array and page tables" \
        "free $free KiB of $usable KiB, page array $array KiB" \
        test "$free" -le $((usable - array)) -a "$free" -ge $((usable - array - 256))
    check "$name: bootloader memory reclaimed" \
        "reclaimed $reclaimed KiB + kept $kept KiB of $recl KiB, at most $kept_max KiB kept" \
        test $((reclaimed + kept)) -eq "$recl" -a "$kept" -le "$kept_max"
}

# plain_boot NAME MACHINE ISO [QEMU ARGS...]: boot ISO with nothing but
# `qemu-system-x86_64 -machine MACHINE -cdrom ISO` and the QEMU ARGS (plus a
# serial log file and no window): the ISO must need no special devices.
# Passes when the kernel says "boot complete"; BOOT_LOG is its log.
plain_boot() {
    local name=$1 machine=$2 iso=$3 log=$LOGDIR/$1.log qemu i
    shift 3
    BOOT_LOG=$log
    : >"$log"
    qemu-system-x86_64 -machine "$machine" -cdrom "$iso" -display none \
        -serial "file:$log" -monitor none "$@" </dev/null 2>"$LOGDIR/$name.stderr" &
    qemu=$!
    for ((i = 0; i < BOOT_TIMEOUT * 5; i++)); do
        grep -q 'rastOS: boot complete' "$log" && break
        kill -0 "$qemu" 2>/dev/null || break
        sleep 0.2
    done
    kill "$qemu" 2>/dev/null
    wait "$qemu" 2>/dev/null
    check "$name: plain qemu -machine $machine${*:+ $*} -cdrom boots" "no 'rastOS: boot complete' in $log" \
        grep -q 'rastOS: boot complete' "$log"
}
