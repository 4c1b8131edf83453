#!/usr/bin/env bash
# linux-disk: Debian's Linux kernel as the reference for disks. Like
# ../shared/tools/linux-ref (Debian's own kernel under QEMU TCG, a directory
# as the initramfs) but with disk images attached as SATA disks on AHCI and
# the kernel modules that drive them loaded, then a busybox sh script run as
# the workload. What the script writes is printed alone on stdout.
#
#   scripts/linux-disk.sh [--disk FILE]... [--machine pc|q35] [--icount | --icount-sleep]
#       [--mem MiB] [--timeout S] [--include DIR]... [--module NAME]...
#       [--env NAME=VALUE]... [--disk-cache MODE] [--keep-log FILE] --script FILE
#
# --disk FILE    a raw image, attached as the next SATA port (at most 6):
#                on `-machine pc` (the default) to `-device ahci`, on q35 to
#                its built-in ICH9 AHCI. In the script $DISK0, $DISK1...
#                name their block devices (/dev/sda...) and $DISKS lists
#                them all; the disks are matched to their names by the
#                model string QEMU gives them (ide-hd model=linux-disk-N),
#                not by guessing the probe order.
# --icount       QEMU -icount shift=0,sleep=off: one instruction is one
#                virtual ns, so timings repeat on a busy machine. But while
#                the guest idles, waiting for the disk, virtual time jumps
#                to its next timer (QEMU's "sleep=off"): a disk request
#                takes as long as the kernel's next timeout, libata's 30 s
#                command timer if nothing else is pending, and then fails.
#                Fine to check behaviour, useless (and harmful) for timing
#                disk I/O: for that use
# --icount-sleep QEMU -icount shift=0,sleep=on: instructions still count one
#                virtual ns each, and idle time (the disk's) passes at the
#                host's real speed.
# --mem MiB      guest memory (512); --timeout S: wall-clock limit (600).
# --include DIR  DIR's contents copied into the initramfs root (data for
#                the script, a benchmark program...); repeatable.
# --module NAME  another module to load (with its dependencies).
# --env N=V      N=V in the script's environment; repeatable.
# --disk-cache M QEMU's cache= for the disks (its default, writeback, if not
#                given): "unsafe" ignores the guest's flushes, so that a
#                benchmark does not time the host's own disk.
# --keep-log F   the whole serial log is also written to F.
# --script FILE  run by busybox sh (cwd /, PATH with every busybox applet)
#                once the modules are loaded and the disks are there.
#
# The guest: Debian's busybox-static (/bin/busybox of this machine) as
# /init; devtmpfs on /dev, proc, sysfs, a tmpfs on /tmp, /mnt empty; the
# modules for AHCI, SCSI disks and ext4 (which also mounts ext2 and ext3:
# Debian builds EXT4_USE_FOR_EXT2 and no ext2 driver) insmod'ed in
# dependency order. They come from the linux-image .deb of the kernel that
# linux-ref boots (apt-get download, once, into ~/.cache/linux-disk; never
# into the repository), checked to hold that very vmlinuz.
#
# Output: the script's stdout on our stdout, its stderr on our stderr; the
# kernel's warnings and errors logged while it ran are on stderr too. On the
# serial console the script's stdout is framed by "@@linux-disk: begin@@"
# and "@@linux-disk: end status N@@"; its stderr follows the end marker
# (lines prefixed "E| "; kept apart so that the two never share a line),
# then the kernel's warnings ("K| "), then the guest powers off (poweroff -f).
# Exit status: the script's; 124 on timeout; 125 when the guest did not get
# to the end marker (a module that would not load, a disk that did not
# appear, a panic: the end of the serial log is shown); 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
USAGE="usage: scripts/linux-disk.sh [--disk FILE]... [--machine pc|q35] [--icount | --icount-sleep] [--mem MiB] [--timeout S] [--include DIR]... [--module NAME]... [--env NAME=VALUE]... [--disk-cache MODE] [--keep-log FILE] --script FILE"
BUSYBOX=${BUSYBOX:-/bin/busybox}
REF_CACHE=${LINUX_REF_CACHE:-$HOME/.cache/linux-ref}
CACHE=${LINUX_DISK_CACHE:-$HOME/.cache/linux-disk}
# What a SATA disk with ext2/ext3/ext4 on it needs. ext4 and jbd2 name
# crc32c as a soft dependency (metadata_csum, the journal's checksums); the
# kernel would ask user space's modprobe for it, which the guest does not
# have, so it is loaded by name.
MODULES=(ahci sd_mod crc32c_generic ext4)

disks=() machine=pc icount=() mem=512 timeout=600 includes=() script='' keep_log='' envs=() cache=''
die_usage() {
    echo "linux-disk: $*" >&2
    echo "$USAGE" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --disk) [ $# -ge 2 ] || die_usage "--disk needs a file"; disks+=("$2"); shift 2 ;;
    --machine) [ $# -ge 2 ] || die_usage "--machine needs pc or q35"; machine=$2; shift 2 ;;
    --icount) icount=(-icount shift=0,sleep=off); shift ;;
    --icount-sleep) icount=(-icount shift=0,sleep=on); shift ;;
    --mem) [ $# -ge 2 ] || die_usage "--mem needs MiB"; mem=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || die_usage "--timeout needs seconds"; timeout=$2; shift 2 ;;
    --include) [ $# -ge 2 ] || die_usage "--include needs a directory"; includes+=("$2"); shift 2 ;;
    --module) [ $# -ge 2 ] || die_usage "--module needs a name"; MODULES+=("$2"); shift 2 ;;
    --env) [[ $# -ge 2 && $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die_usage "--env needs NAME=VALUE"; envs+=("$2"); shift 2 ;;
    --disk-cache) [ $# -ge 2 ] || die_usage "--disk-cache needs a mode"; cache=",cache=$2"; shift 2 ;;
    --keep-log) [ $# -ge 2 ] || die_usage "--keep-log needs a file"; keep_log=$2; shift 2 ;;
    --script) [ $# -ge 2 ] || die_usage "--script needs a file"; script=$2; shift 2 ;;
    -h | --help) echo "$USAGE"; exit 0 ;;
    *) die_usage "unknown argument $1" ;;
    esac
done
[ -n "$script" ] || die_usage "no --script"
[ -r "$script" ] || die_usage "cannot read the script $script"
case $machine in pc | q35) ;; *) die_usage "--machine is pc or q35, not $machine" ;; esac
[ ${#disks[@]} -le 6 ] || die_usage "at most 6 disks (the AHCI ports)"
for d in "${disks[@]}"; do [ -f "$d" ] && [ -w "$d" ] || die_usage "no writable disk image $d"; done
for d in "${includes[@]}"; do [ -d "$d" ] || die_usage "--include $d is not a directory"; done
[[ $mem =~ ^[0-9]+$ && $timeout =~ ^[0-9]+$ ]] || die_usage "--mem and --timeout take numbers"

die() {
    echo "linux-disk: $*" >&2
    exit 125
}

# quietly CMD...: run CMD with its output kept, shown only if it fails.
quietly() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" | tail -n 20 >&2
        return 1
    fi
}

# What we run on the host: QEMU, cpio, busybox, objcopy (to read the
# modules' .modinfo) and dpkg-deb/apt-get (Debian's own).
command -v qemu-system-x86_64 >/dev/null && command -v cpio >/dev/null &&
    command -v objcopy >/dev/null && [ -x "$BUSYBOX" ] ||
    "$ROOT/scripts/deps.sh" test
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (package busybox-static)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-disk.XXXXXX")
qemu_pid=
cleanup() {
    # Only the QEMU we started, by its process id.
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the kernel and its modules ---------------------------------------------

# The kernel linux-ref boots; its version names the package of its modules.
kernel=$(ls "$REF_CACHE"/vmlinuz-* 2>/dev/null | head -n 1 || true)
if [ -n "$kernel" ]; then
    kver=${kernel##*/vmlinuz-}
else
    # No linux-ref cache yet: the kernel linux-image-amd64 depends on now,
    # kept where linux-ref looks for it, so that both boot the same one.
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-/ {print $2; exit}')
    if [ -z "$pkg" ]; then
        quietly apt-get update || die "apt-get update failed"
        pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
    fi
    [ -n "$pkg" ] || die "no linux-image package known to apt"
    kver=${pkg#linux-image-}
fi
moddir=$CACHE/$kver
if [ ! -f "$moddir/complete" ]; then
    echo "linux-disk: fetching the modules of Linux $kver (once, into $moddir)" >&2
    mkdir -p "$CACHE"
    dl=$(mktemp -d "$CACHE/download.XXXXXX")
    # apt-get runs its downloads as the user _apt where it can; the cache
    # directory is ours, so let _apt write there.
    chmod 755 "$dl"
    if ! (cd "$dl" && quietly apt-get download "linux-image-$kver"); then
        (quietly apt-get update && cd "$dl" && quietly apt-get download "linux-image-$kver") ||
            { rm -rf "$dl"; die "could not download linux-image-$kver"; }
    fi
    # Only /boot and /lib/modules are wanted: the rest is firmware-free
    # documentation anyway.
    mkdir "$dl/x"
    dpkg-deb -x "$dl"/linux-image-*.deb "$dl/x" || { rm -rf "$dl"; die "cannot unpack the .deb"; }
    [ -d "$dl/x/lib/modules/$kver" ] && [ -f "$dl/x/boot/vmlinuz-$kver" ] ||
        { rm -rf "$dl"; die "the .deb holds no modules or vmlinuz for $kver"; }
    if [ -n "$kernel" ] && ! cmp -s "$kernel" "$dl/x/boot/vmlinuz-$kver"; then
        rm -rf "$dl"
        die "the archive's linux-image-$kver has another vmlinuz than $kernel:" \
            "its modules may not load (remove $REF_CACHE to fetch both anew)"
    fi
    rm -rf "$moddir"
    mkdir -p "$moddir"
    mv "$dl/x/lib/modules/$kver" "$moddir/modules"
    mv "$dl/x/boot/vmlinuz-$kver" "$dl/x/boot/config-$kver" "$moddir/"
    rm -rf "$dl"
    # Name -> file, for resolving dependencies (names use _ for -).
    (cd "$moddir/modules" && find kernel -name '*.ko' -o -name '*.ko.xz' |
        awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko(\.xz)?$/, "", n);
               gsub(/-/, "_", n); print n, $0 }' | sort >"$moddir/index")
    touch "$moddir/complete"
fi
if [ -z "$kernel" ]; then
    mkdir -p "$REF_CACHE"
    cp "$moddir/vmlinuz-$kver" "$REF_CACHE/"
    kernel=$REF_CACHE/vmlinuz-$kver
fi

# modfile NAME: the path (under modules/) of module NAME, or nothing.
modfile() {
    awk -v n="${1//-/_}" '$1 == n { print $2; exit }' "$moddir/index"
}

# modinfo FILE FIELD: one field of a module's .modinfo section (NUL-separated
# key=value strings), read with objcopy since the host may lack kmod.
modinfo_field() {
    local f=$moddir/modules/$1
    case $f in
    *.xz) xz -dc "$f" >"$tmp/mi.ko" && f=$tmp/mi.ko ;;
    esac
    objcopy -O binary --only-section=.modinfo "$f" "$tmp/mi" 2>/dev/null || return 0
    tr '\0' '\n' <"$tmp/mi" | sed -n "s/^$2=//p"
}

# add_module NAME: NAME after its dependencies (depends=, then softdep's
# "pre:" names that exist: crypto-crc32c is crc32c_generic, since the
# qemu64 CPU has no SSE4.2 for crc32c-intel) onto the load order.
order=() seen=" "
add_module() {
    local name=${1//-/_} file dep soft
    case $seen in *" $name "*) return 0 ;; esac
    seen="$seen$name "
    file=$(modfile "$name")
    [ -n "$file" ] || die "no module $name in linux-image-$kver"
    soft=$(modinfo_field "$file" softdep | sed -n 's/^pre: *//p' | tr ' ' '\n')
    for dep in $(modinfo_field "$file" depends | tr ',' ' ') $soft; do
        if [ -z "$(modfile "$dep")" ] && [ -n "$(modfile "${dep#crypto-}_generic")" ]; then
            dep=${dep#crypto-}_generic
        fi
        [ -z "$(modfile "$dep")" ] || add_module "$dep"
    done
    order+=("$file")
}
for m in "${MODULES[@]}"; do add_module "$m"; done

# --- the initramfs ----------------------------------------------------------

root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,mnt,etc,linux-disk,lib/modules}
for d in "${includes[@]}"; do cp -a "$d/." "$root/"; done
cp "$BUSYBOX" "$root/bin/busybox"
cp "$script" "$root/linux-disk/script.sh"
: >"$root/linux-disk/modules"
for f in "${order[@]}"; do
    base=${f##*/}
    case $f in
    # busybox's insmod may lack xz: give it the plain object.
    *.xz) xz -dc "$moddir/modules/$f" >"$root/lib/modules/${base%.xz}"; base=${base%.xz} ;;
    *) cp "$moddir/modules/$f" "$root/lib/modules/$base" ;;
    esac
    echo "$base" >>"$root/linux-disk/modules"
done
echo "${#disks[@]}" >"$root/linux-disk/ndisks"
# The --env settings, each value single-quoted for sh.
for e in "${envs[@]}"; do
    v=${e#*=}
    printf "export %s='%s'\n" "${e%%=*}" "${v//\'/\'\\\'\'}"
done >"$root/linux-disk/env"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
# linux-disk's init (scripts/linux-disk.sh wrote it): mount the pseudo file
# systems, load the modules, find the disks, run the script between
# markers, power off.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# failed WHY: report, and stop without the end marker.
failed() {
    echo "@@linux-disk: failed: $*@@"
    poweroff -f
}
for m in $(cat /linux-disk/modules); do
    insmod "/lib/modules/$m" || failed "insmod $m"
done
# The disks: /sys/block/sdX/device/model is QEMU's model=linux-disk-N (the
# SCSI product field, 16 characters). SCSI scanning is asynchronous: wait.
n=$(cat /linux-disk/ndisks) i=0 DISKS=
while [ "$i" -lt "$n" ]; do
    tries=0 dev=
    while [ -z "$dev" ]; do
        for b in /sys/block/sd*; do
            [ -e "$b/device/model" ] || continue
            read -r model <"$b/device/model"
            [ "$model" = "linux-disk-$i" ] && dev=/dev/${b##*/}
        done
        if [ -z "$dev" ]; then
            tries=$((tries + 1))
            [ "$tries" -le 300 ] || failed "disk $i (model linux-disk-$i) did not appear"
            sleep 0.1
        fi
    done
    while [ ! -b "$dev" ]; do sleep 0.1; done
    eval "export DISK$i=$dev"
    DISKS="$DISKS${DISKS:+ }$dev"
    i=$((i + 1))
done
export DISKS
# The kernel's own messages stay off the console while the script runs
# (they would land inside its output); the warnings and errors among them
# are printed after the end marker.
before=$(dmesg | wc -l)
dmesg -n 1
. /linux-disk/env
echo "@@linux-disk: begin@@"
cd /
# stdout straight to the console; stderr kept aside and shown after the end
# marker, so that the two never share a line on the one serial port.
sh /linux-disk/script.sh </dev/null 2>/tmp/.linux-disk-stderr
st=$?
cd /
sync
echo "@@linux-disk: end status $st@@"
sed 's/^/E| /' /tmp/.linux-disk-stderr
dmesg -r | tail -n "+$((before + 1))" | grep '^<[0-4]>' | sed 's/^/K| /'
echo "@@linux-disk: off@@"
poweroff -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$tmp/initrd.cpio"

# --- QEMU --------------------------------------------------------------------

qemu=(qemu-system-x86_64 -accel tcg "${icount[@]}" -m "$mem" -machine "$machine"
    -display none -serial "file:$tmp/serial.log" -monitor none -no-reboot
    -kernel "$kernel" -initrd "$tmp/initrd.cpio"
    -append "console=ttyS0 quiet panic=-1")
bus=ide
if [ "$machine" = pc ]; then
    qemu+=(-device ahci,id=ahci0)
    bus=ahci0
fi
for i in "${!disks[@]}"; do
    qemu+=(-drive "file=${disks[$i]},if=none,format=raw,id=d$i$cache"
        -device "ide-hd,drive=d$i,bus=$bus.$i,model=linux-disk-$i")
done
status=0
# timeout(1) stops the QEMU started here and no other; its own status 124
# says so. In the background, so that an interrupt of this script reaches
# cleanup, which stops it by its id.
timeout "$timeout" "${qemu[@]}" </dev/null >"$tmp/qemu.out" 2>&1 &
qemu_pid=$!
wait "$qemu_pid" || status=$?
qemu_pid=
tr -d '\r' <"$tmp/serial.log" >"$tmp/log"
[ -z "$keep_log" ] || cp "$tmp/log" "$keep_log"

# tail_log WHY: the end of the serial log and QEMU's own messages.
tail_log() {
    echo "linux-disk: $1; the end of the serial log:" >&2
    tail -n 25 "$tmp/log" | sed 's/^/  | /' >&2
    [ ! -s "$tmp/qemu.out" ] || sed 's/^/  qemu: /' "$tmp/qemu.out" >&2
}

# The script's output between the markers: stdout lines to stdout, "E| "
# lines to stderr; "K| " lines after the end are the kernel's.
awk -v err=/dev/stderr '
    /^@@linux-disk: begin@@$/ { inside = 1; next }
    # A last line without its newline has the marker at its end.
    inside && /@@linux-disk: end status [0-9]+@@$/ {
        sub(/@@linux-disk: end status [0-9]+@@$/, ""); printf "%s", $0
        inside = 0; after = 1; next
    }
    inside { print; next }
    after && /^E\| / { print substr($0, 4) > err }
    # Emulation noise: TCG makes the clocks look slow to the kernel.
    after && /^K\| .*(clocksource: Long readout interval|hrtimer: interrupt took)/ { next }
    after && /^K\| / { print "linux-disk: kernel: " substr($0, 4) > err }
' "$tmp/log"
end=$(sed -nE 's/^.*@@linux-disk: end status ([0-9]+)@@$/\1/p' "$tmp/log" | tail -n 1)
if [ "$status" -eq 124 ]; then
    tail_log "timed out after $timeout s"
    exit 124
fi
if [ -z "$end" ]; then
    why=$(sed -nE 's/^@@linux-disk: failed: (.*)@@$/\1/p' "$tmp/log" | head -n 1)
    tail_log "no end marker (${why:-QEMU status $status})"
    exit 125
fi
if [ "$status" -ne 0 ]; then
    tail_log "QEMU exited with status $status after the script"
    exit 125
fi
exit "$end"
