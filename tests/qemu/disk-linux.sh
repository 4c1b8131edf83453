#!/usr/bin/env bash
# disk-linux.sh: rastOS and Linux read and write the same ext2 disks, and
# agree. Images from the host's mke2fs -t ext2, 1 KiB and 4 KiB blocks;
# tests/disk/workload.sh is the workload, tests/disk/listing.sh --blocks
# the listing (paths, types, modes, owners, link counts, sizes, md5 of
# every file, symlink targets, device numbers, blocks allocated), taken
# after a read-only remount (tests/disk/guest.sh).
#  - rastOS writes: rastOS runs the workload on empty images and lists
#    them; then the host's e2fsck -fn finds them clean, rastOS's listing
#    equals the one the host takes with debugfs
#    (tests/disk/image-listing.sh), and Linux (scripts/linux-disk.sh)
#    mounts them and lists the same.
#  - Linux writes: Linux runs the workload on empty images and lists them;
#    rastOS mounts them and lists the same (and so does debugfs).
# Four boots in two rounds, a rastOS and a Linux boot side by side in each
# (every boot serves all the disks of its round, tests/disk/multi.sh):
#   round 1: rastOS writes r1k, r4k (pc) | Linux writes l1k, l4k (pc)
#   round 2: rastOS reads l1k, l4k (q35) | Linux reads r1k, r4k (q35)
# Nothing is left out of the comparison: times (atime, mtime, ctime) are
# not in the listing at all, since the two kernels run the workload at
# different moments; everything else must agree.
. "$(dirname "$0")/lib.sh"

TIMEOUT=${DISK_LINUX_TIMEOUT:-400}
BUSYBOX=${BUSYBOX:-/bin/busybox}
for tool in mke2fs e2fsck debugfs; do
    command -v "$tool" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
done
scripts/deps.sh test >/dev/null 2>&1 || { fail "disk-linux: scripts/deps.sh test failed" && exit 1; }

inc=$WORK/inc
mkdir -p "$inc/disk"
cp tests/disk/workload.sh tests/disk/listing.sh tests/disk/guest.sh tests/disk/multi.sh "$inc/disk/"

# Each image its own size (MiB), by which multi.sh finds its disk.
declare -A SIZE=([r1k]=64 [r4k]=65 [l1k]=66 [l4k]=67)
declare -A BS=([r1k]=1024 [r4k]=4096 [l1k]=1024 [l4k]=4096)

# jobs MODE NAME...: multi.sh's JOBS for these images.
jobs() {
    local mode=$1 n out=''
    shift
    for n in "$@"; do out+="${out:+ }$n:$((SIZE[$n] << 20)):$mode"; done
    echo "$out"
}

# rastos NAME MACHINE JOBS IMAGE...: boot rastOS with the images as SATA
# disks and run multi.sh on them; the serial log in $LOGDIR/NAME.log.
rastos() {
    local name=$1 machine=$2 jobs=$3 dir=$WORK/$1-root d args=()
    shift 3
    mkdir -p "$dir"/{bin,dev,proc,mnt,tmp}
    cp -a "$inc/disk" "$dir/"
    cp "$BUSYBOX" "$dir/bin/busybox"
    cat >"$dir/init" <<-EOF
		#!/bin/busybox sh
		/bin/busybox --install -s /bin
		export PATH=/bin
		mount -t devtmpfs dev /dev
		mount -t proc proc /proc
		cd /
		DISKS=\$(ls /dev/sd[a-z]) JOBS='$jobs' sh /disk/multi.sh
		sync
		poweroff -f
	EOF
    chmod 755 "$dir/init"
    (cd "$dir" && find . | cpio -o -H newc --quiet) >"$WORK/$name.cpio"
    for d in "$@"; do args+=(--disk "$d"); done
    BOOT_TIMEOUT=$TIMEOUT boot "$name" --until '^panic: |^rastos> ' -- \
        --initrd "$WORK/$name.cpio" --cmdline "loglevel=err" --machine "$machine" "${args[@]}"
}

# linux NAME MACHINE JOBS IMAGE...: the same on Linux; multi.sh's output in
# $LOGDIR/NAME.out (stderr NAME.err, serial log NAME.log); sets RC.
linux() {
    local name=$1 machine=$2 jobs=$3 d args=()
    shift 3
    for d in "$@"; do args+=(--disk "$d"); done
    RC=0
    scripts/linux-disk.sh --timeout "$TIMEOUT" --include "$inc" --machine "$machine" \
        --keep-log "$LOGDIR/$name.log" --env "JOBS=$jobs" --script tests/disk/multi.sh \
        "${args[@]}" >"$LOGDIR/$name.out" 2>"$LOGDIR/$name.err" || RC=$?
}

# job_out LOG NAME: what guest.sh printed for image NAME.
job_out() {
    tr -d '\r' <"$1" | awk -v n="$2" '
        $0 == "@@job " n " begin@@" { inside = 1; next }
        inside && $0 ~ /^@@job .* end status/ { exit }
        inside'
}
# job_status LOG NAME: guest.sh's exit status for NAME.
job_status() {
    tr -d '\r' <"$1" | sed -nE "s/^@@job $2 end status ([0-9]+)@@\$/\\1/p" | head -n 1
}
# listing_of LOG NAME: the listing part of it.
listing_of() {
    job_out "$1" "$2" | awk 'seen; $0 == "== listing" { seen = 1 }'
}

# same_listing NAME A B: same (lib.sh), and neither listing empty.
same_listing() {
    if [ ! -s "$2" ] || [ ! -s "$3" ]; then
        fail "$1: a listing is empty ($2: $(wc -l <"$2") lines, $3: $(wc -l <"$3") lines)"
    else
        same "$@"
    fi
}

# wrote WHO LOG NAME: the workload ran to its end on image NAME.
wrote() {
    local who=$1 log=$2 n=$3 st
    st=$(job_status "$log" "$n")
    check "disk-linux: $who wrote $n: the workload ran" \
        "status '${st:-none}' ($log: $(grep -m 2 "^E| " "$log" | tr '\n' ' '))" test "${st:-x}" = 0
    check "disk-linux: $who wrote $n: the tree copied in and out with tar equals its source" \
        "see $log" grep -qx 'workload: the tree copied out equals its source' <(job_out "$log" "$n")
}

for n in "${!SIZE[@]}"; do
    truncate -s "${SIZE[$n]}M" "$WORK/$n.img"
    mke2fs -q -F -t ext2 -b "${BS[$n]}" "$WORK/$n.img" ||
        { fail "disk-linux: mke2fs of $n failed" && exit 1; }
done

# Round 1: each kernel writes its two images.
rastos disk-linux-rastos-write pc "$(jobs write r1k r4k)" "$WORK/r1k.img" "$WORK/r4k.img" &
rpid=$!
linux disk-linux-linux-write pc "$(jobs write l1k l4k)" "$WORK/l1k.img" "$WORK/l4k.img"
wait "$rpid"
rlog=$LOGDIR/disk-linux-rastos-write.log
check "disk-linux: rastOS ran the workloads and powered off" \
    "no '@@jobs done@@' in $rlog (end: $(tail -n 3 "$rlog" | tr '\n' ' '))" grep -q '^@@jobs done@@' "$rlog"
check "disk-linux: Linux ran the workloads" "status $RC ($LOGDIR/disk-linux-linux-write.err)" test "$RC" -eq 0
llog=$LOGDIR/disk-linux-linux-write.out
for n in r1k r4k; do
    wrote rastOS "$rlog" "$n"
    fsck_clean "disk-linux: rastOS wrote $n" "$WORK/$n.img"
    listing_of "$rlog" "$n" >"$WORK/$n.rastos.lst"
    tests/disk/image-listing.sh --blocks "$WORK/$n.img" >"$WORK/$n.host.lst" ||
        fail "disk-linux: image-listing.sh failed on $n"
    check "disk-linux: rastOS wrote $n: rastOS listed $(wc -l <"$WORK/$n.rastos.lst") entries" \
        "too few" test "$(wc -l <"$WORK/$n.rastos.lst")" -gt 1000
    same_listing "disk-linux: rastOS wrote $n: its listing equals debugfs's" "$WORK/$n.rastos.lst" "$WORK/$n.host.lst"
done
for n in l1k l4k; do
    wrote Linux "$llog" "$n"
    fsck_clean "disk-linux: Linux wrote $n" "$WORK/$n.img"
    listing_of "$llog" "$n" >"$WORK/$n.linux.lst"
done

# Round 2: each kernel reads the other's images (on q35's AHCI this time).
rastos disk-linux-rastos-read q35 "$(jobs read l1k l4k)" "$WORK/l1k.img" "$WORK/l4k.img" &
rpid=$!
linux disk-linux-linux-read q35 "$(jobs read r1k r4k)" "$WORK/r1k.img" "$WORK/r4k.img"
wait "$rpid"
rlog=$LOGDIR/disk-linux-rastos-read.log
llog=$LOGDIR/disk-linux-linux-read.out
check "disk-linux: rastOS listed Linux's images and powered off" \
    "no '@@jobs done@@' in $rlog (end: $(tail -n 3 "$rlog" | tr '\n' ' '))" grep -q '^@@jobs done@@' "$rlog"
check "disk-linux: Linux listed rastOS's images" "status $RC ($LOGDIR/disk-linux-linux-read.err)" test "$RC" -eq 0
for n in r1k r4k; do
    listing_of "$llog" "$n" >"$WORK/$n.linux.lst"
    same_listing "disk-linux: rastOS wrote $n: Linux lists it as rastOS did" "$WORK/$n.linux.lst" "$WORK/$n.rastos.lst"
done
for n in l1k l4k; do
    listing_of "$rlog" "$n" >"$WORK/$n.rastos.lst"
    check "disk-linux: Linux wrote $n: rastOS listed $(wc -l <"$WORK/$n.rastos.lst") entries" \
        "status '$(job_status "$rlog" "$n")', too few" test "$(wc -l <"$WORK/$n.rastos.lst")" -gt 1000
    same_listing "disk-linux: Linux wrote $n: rastOS lists it as Linux did" "$WORK/$n.rastos.lst" "$WORK/$n.linux.lst"
    tests/disk/image-listing.sh --blocks "$WORK/$n.img" >"$WORK/$n.host.lst" ||
        fail "disk-linux: image-listing.sh failed on $n"
    same_listing "disk-linux: Linux wrote $n: debugfs lists it as Linux did" "$WORK/$n.host.lst" "$WORK/$n.linux.lst"
    fsck_clean "disk-linux: Linux wrote $n, rastOS read it" "$WORK/$n.img"
done
for log in "$LOGDIR"/disk-linux-rastos-{write,read}.log; do
    check "disk-linux: no panic in ${log##*/}" "$(grep -m 1 'panic' "$log")" \
        bash -c "! grep -q '^panic' '$log'"
done
exit $suite_status
