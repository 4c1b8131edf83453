#!/usr/bin/env bash
# Boot rastOS in QEMU (TCG), serial console on the terminal.
#
#   scripts/run-qemu.sh [--iso F | --img F] [--uefi] [--loader rastboot|limine]
#       [--initrd F] [--cmdline "..."] [--smp N] [--mem MiB] [--cpu MODEL]
#       [--machine pc|q35] [--la57] [--gdb] [--display] [--timeout S]
#       [--serial-log FILE] [--icount | --icount-sleep] [--allow-reboot]
#       [--disk F[,PROPS]]... [--disk-cache MODE] [-- QEMU ARGS...]
#
# Medium: --iso (CD-ROM) or --img (hard disk). With neither, build/rastos.iso
# (rastboot on BIOS, the real Limine on UEFI), or build/rastos-limine.iso
# with --loader limine (the real Limine on BIOS too); but given --initrd or
# --cmdline, a temporary ISO of that kind is built from them with
# scripts/make-iso.sh (and deleted afterwards). --initrd, --cmdline and
# --loader cannot be combined with --iso or --img: those media already hold
# their loader and config.
#
# Firmware: SeaBIOS (QEMU's default), or with --uefi OVMF, UEFI for QEMU
# (Debian's ovmf package; $OVMF_CODE and $OVMF_VARS override its files):
# the code read-only, the variables a temporary copy, so that no run
# changes the next one's boot order. On UEFI the real Limine boots the
# medium (rastboot is a BIOS loader).
#
# Defaults: -m 512, -smp 1, -cpu qemu64 (--la57 adds ,+la57), -machine pc,
# -display none (--display: QEMU's default display), -no-reboot, no monitor,
# and an isa-debug-exit device at port 0xf4 for the kernel to end the run.
# --gdb: start halted with the GDB stub on :1234 (-s -S); the monitor is then
# multiplexed with the serial console (Ctrl-A c switches). --icount: a
# deterministic instruction count clock (-icount shift=0,sleep=off: one
# instruction is one virtual ns, and an idle guest jumps to its next
# timer). --icount-sleep: -icount shift=0,sleep=on, the same but idle time
# passes at the host's speed: for timing disks, whose requests complete in
# the host's time (a guest idling on one would otherwise wait for its next
# timer; see scripts/bench-disk.sh). --allow-reboot: leave out
# -no-reboot, so that a reset restarts the machine instead of ending QEMU
# (a reboot test then finds the second boot in the log). --timeout S: stop
# QEMU after S seconds. --serial-log FILE: also copy the serial output
# into FILE.
# --disk F[,PROPS] (repeatable): attach the raw image F as a SATA disk, on
# q35 to the ICH9 AHCI's free ports, on pc to an added `-device ahci`
# (id ahci0); PROPS go to its -device ide-hd (serial=...,model=...; F
# itself cannot hold a comma). The Nth disk (from 0) is drive "diskN" on
# device "sataN", for the QEMU monitor (drive_del diskN). --disk-cache MODE:
# QEMU's cache= for those drives (writeback, QEMU's default, if not given);
# "unsafe" ignores the guest's flushes, so that a benchmark does not time
# the host's own disk.
# Arguments after -- go to QEMU as they are. $QEMU overrides the binary.
#
# The boot medium is attached the same way on pc and q35 (if=ide lands on the
# legacy IDE controller on pc and on the AHCI ports on q35), with -boot order
# so that an extra disk given after -- does not take over the boot:
#   ISO: -drive file=F,format=raw,media=cdrom,readonly=on,if=ide,index=2 -boot order=d
#   IMG: -drive file=F,format=raw,if=ide,index=0 -boot order=c
#
# Exit status, telling how the kernel ended:
#   0    the kernel wrote 0x10 to port 0xf4 (QEMU status 33)
#   1    the kernel wrote 0x11 to port 0xf4 (QEMU status 35)
#   3    QEMU exited by itself otherwise (shutdown, or a triple fault with
#        -no-reboot; also a SIGINT/SIGTERM to QEMU)
#   124  --timeout expired
#   2    usage error, or the boot medium is missing or could not be built
#   else QEMU's own status (e.g. 1 when it fails to start; a value v other
#        than 0x10/0x11 written to port 0xf4 gives v*2+1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
QEMU=${QEMU:-qemu-system-x86_64}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
USAGE="usage: scripts/run-qemu.sh [--iso F | --img F] [--uefi] [--loader rastboot|limine]
    [--initrd F] [--cmdline \"...\"] [--smp N] [--mem MiB] [--cpu MODEL]
    [--machine pc|q35] [--la57] [--gdb] [--display] [--timeout S]
    [--serial-log FILE] [--icount | --icount-sleep] [--allow-reboot]
    [--disk F[,PROPS]]... [--disk-cache MODE] [-- QEMU ARGS...]"

iso='' img='' initrd='' cmdline='' cmdline_set=0
smp=1 mem=512 cpu=qemu64 machine=pc la57=0 gdb=0 display=0 timeout='' serial_log='' icount=0
disk_cache=''
allow_reboot=0 uefi=0 loader=''
qemu_extra=()
disks=()
tmp=

usage_error() {
    echo "run-qemu.sh: $*" >&2
    echo "$USAGE" >&2
    exit 2
}

parse_args() {
    local opt
    while [ $# -gt 0 ]; do
        opt=$1
        shift
        if [[ $opt == --*=* ]]; then
            set -- "${opt%%=*}" "${opt#*=}" "$@"
            continue
        fi
        case $opt in
        -h | --help) echo "$USAGE" && exit 0 ;;
        --la57) la57=1 && continue ;;
        --gdb) gdb=1 && continue ;;
        --display) display=1 && continue ;;
        --icount) icount=1 && continue ;;
        --icount-sleep) icount="sleep" && continue ;;
        --allow-reboot) allow_reboot=1 && continue ;;
        --uefi) uefi=1 && continue ;;
        --)
            qemu_extra=("$@")
            return
            ;;
        --iso | --img | --initrd | --cmdline | --smp | --mem | --cpu | --machine | \
            --timeout | --serial-log | --loader | --disk | --disk-cache)
            [ $# -gt 0 ] || usage_error "option $opt needs a value"
            ;;
        *) usage_error "unknown argument '$opt'" ;;
        esac
        case $opt in
        --iso) iso=$1 ;;
        --img) img=$1 ;;
        --initrd) initrd=$1 ;;
        --cmdline) cmdline=$1 && cmdline_set=1 ;;
        --smp) smp=$1 ;;
        --mem) mem=$1 ;;
        --cpu) cpu=$1 ;;
        --machine) machine=$1 ;;
        --timeout) timeout=$1 ;;
        --serial-log) serial_log=$1 ;;
        --loader) loader=$1 ;;
        --disk) disks+=("$1") ;;
        --disk-cache) disk_cache=$1 ;;
        esac
        shift
    done
}

check_args() {
    [[ $smp =~ ^[1-9][0-9]*$ ]] || usage_error "--smp takes a positive number, not '$smp'"
    [[ $mem =~ ^[1-9][0-9]*$ ]] || usage_error "--mem takes MiB, not '$mem'"
    [[ $machine == pc || $machine == q35 ]] || usage_error "--machine takes pc or q35"
    [[ $cpu =~ ^[^[:space:]]*$ ]] || usage_error "bad --cpu '$cpu'"
    [ -z "$timeout" ] || [[ $timeout =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
        usage_error "--timeout takes seconds, not '$timeout'"
    [ -z "$iso" ] || [ -z "$img" ] || usage_error "--iso and --img exclude each other"
    if [ -n "$iso$img" ] && { [ -n "$initrd" ] || [ "$cmdline_set" = 1 ]; }; then
        usage_error "--initrd/--cmdline build their own ISO: not with --iso or --img"
    fi
    local d
    for d in "${disks[@]}"; do
        [ -f "${d%%,*}" ] || usage_error "--disk: no image '${d%%,*}'"
    done
    [ ${#disks[@]} -le 5 ] || usage_error "at most 5 --disk"
    [ -z "$disk_cache" ] || [[ $disk_cache =~ ^(writeback|none|writethrough|directsync|unsafe)$ ]] ||
        usage_error "--disk-cache takes QEMU's cache modes (writeback, none, writethrough, directsync, unsafe), not '$disk_cache'"
    [ -z "$loader" ] || [[ $loader == rastboot || $loader == limine ]] ||
        usage_error "--loader takes rastboot or limine, not '$loader'"
    [ -z "$loader" ] || [ -z "$iso$img" ] ||
        usage_error "--loader picks the medium: not with --iso or --img"
    if [ "$uefi" = 1 ] && [ "$loader" = rastboot ]; then
        usage_error "rastboot is a BIOS loader: on UEFI (--uefi) the real Limine boots"
    fi
}

# uefi_firmware: check OVMF and make the temporary copy of its variables.
uefi_firmware() {
    local f
    for f in "$OVMF_CODE" "$OVMF_VARS"; do
        [ -f "$f" ] || {
            echo "run-qemu.sh: no UEFI firmware '$f' for --uefi" \
                "(Debian package ovmf: scripts/deps.sh run installs it)" >&2
            exit 2
        }
    done
    [ -n "$tmp" ] || tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-run.XXXXXX")
    cp "$OVMF_VARS" "$tmp/ovmf-vars.fd"
}

# make_temp_iso: build an ISO with the given --initrd/--cmdline into $tmp.
make_temp_iso() {
    local args=(--loader "${loader:-rastboot}")
    [ -n "$tmp" ] || tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-run.XXXXXX")
    [ -z "$initrd" ] || args+=(--initrd "$initrd")
    [ "$cmdline_set" = 0 ] || args+=(--cmdline "$cmdline")
    iso=$tmp/rastos.iso
    "$ROOT/scripts/make-iso.sh" -o "$iso" "${args[@]}" ||
        { echo "run-qemu.sh: could not build a temporary ISO" >&2 && exit 2; }
}

# disk_args: the --disk images as SATA disks. On q35 the boot medium sits
# on an ICH9 AHCI port too (port 0 for --img, 2 for the ISO): skip it.
disk_args() {
    local i bus ports used=2 d
    [ ${#disks[@]} -gt 0 ] || return 0
    [ -z "$img" ] || used=0
    if [ "$machine" = q35 ]; then
        ports=()
        for i in 0 1 2 3 4 5; do [ "$i" = "$used" ] || ports+=("ide.$i"); done
    else
        cmd+=(-device ahci,id=ahci0)
        ports=(ahci0.0 ahci0.1 ahci0.2 ahci0.3 ahci0.4 ahci0.5)
    fi
    for i in "${!disks[@]}"; do
        d=${disks[$i]}
        bus=${ports[$i]}
        cmd+=(-drive "file=${d%%,*},format=raw,if=none,id=disk$i${disk_cache:+,cache=$disk_cache}")
        if [[ $d == *,* ]]; then
            cmd+=(-device "ide-hd,drive=disk$i,bus=$bus,id=sata$i,${d#*,}")
        else
            cmd+=(-device "ide-hd,drive=disk$i,bus=$bus,id=sata$i")
        fi
    done
}

# qemu_args: fill the array cmd with the command line, timeout and QEMU.
# --foreground: timeout must not move QEMU out of the terminal's foreground
# process group, or QEMU stops (SIGTTOU) when it sets the terminal raw.
qemu_args() {
    local medium=${iso//,/,,}${img//,/,,} # QEMU's option syntax escapes ','
    [ -z "$timeout" ] || cmd+=(timeout --foreground -k 2 "$timeout")
    [ "$la57" = 0 ] || cpu=$cpu,+la57
    cmd+=("$QEMU" -accel tcg -machine "$machine" -cpu "$cpu" -m "$mem" -smp "$smp"
        -device "isa-debug-exit,iobase=0xf4,iosize=0x04")
    [ "$allow_reboot" = 1 ] || cmd+=(-no-reboot)
    if [ "$uefi" = 1 ]; then
        cmd+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE//,/,,}"
            -drive "if=pflash,format=raw,unit=1,file=$tmp/ovmf-vars.fd")
    fi
    if [ -n "$iso" ]; then
        cmd+=(-drive "file=$medium,format=raw,media=cdrom,readonly=on,if=ide,index=2" -boot order=d)
    else
        cmd+=(-drive "file=$medium,format=raw,if=ide,index=0" -boot order=c)
    fi
    disk_args
    [ "$display" = 1 ] || cmd+=(-display none)
    if [ "$gdb" = 1 ]; then
        cmd+=(-serial mon:stdio -s -S)
    elif [ -t 0 ] && [ -t 1 ]; then
        # A person at a terminal: Ctrl-A X quits, Ctrl-A C is the monitor,
        # and Ctrl-C goes to rastOS rather than killing QEMU.
        cmd+=(-serial mon:stdio)
    else
        cmd+=(-serial stdio -monitor none)
    fi
    case $icount in
    1) cmd+=(-icount "shift=0,sleep=off") ;;
    sleep) cmd+=(-icount "shift=0,sleep=on") ;;
    esac
    cmd+=("${qemu_extra[@]}")
}

parse_args "$@"
check_args
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$uefi" = 0 ] || uefi_firmware
if [ -z "$iso$img" ]; then
    if [ -n "$initrd" ] || [ "$cmdline_set" = 1 ]; then
        make_temp_iso
    elif [ "$loader" = limine ]; then
        iso=$BUILD/rastos-limine.iso
    else
        iso=$BUILD/rastos.iso
    fi
fi
medium=$iso$img
if [ ! -f "$medium" ]; then
    echo "run-qemu.sh: no boot medium '$medium' (make builds build/rastos.iso," \
        "and build/rastos-limine.iso when LIMINE_DIR has Limine)" >&2
    exit 2
fi

cmd=()
qemu_args
if [ "$gdb" = 1 ]; then
    echo "run-qemu.sh: QEMU is halted at the reset vector, GDB stub on :1234." >&2
    echo "run-qemu.sh: attach with: gdb -x scripts/gdb/rastos.gdb (or: target remote :1234)" >&2
fi

set +e
if [ -n "$serial_log" ]; then
    "${cmd[@]}" | tee "$serial_log"
    status=${PIPESTATUS[0]}
else
    "${cmd[@]}"
    status=$?
fi
set -e

case $status in
33) exit 0 ;;
35) exit 1 ;;
0) exit 3 ;;
124) exit 124 ;;
137) [ -z "$timeout" ] || exit 124 ;; # timeout -k had to SIGKILL QEMU
esac
exit "$status"
