#!/usr/bin/env bash
# Broken initramfs images: the kernel says what is wrong with the archive
# (one "initramfs: malformed archive at offset N: why" line), keeps what
# came before the damage, and goes on: /init runs if it was unpacked, the
# kernel monitor's prompt comes otherwise. Never a panic. Three boots:
#   garbage      4 KiB of random bytes: nothing unpacked, the monitor;
#   cut-gzip     a good archive (/init, busybox), then a gzip'd one cut
#                in half: /init runs and powers off;
#   bad-header   a good archive whose trailer is replaced by a newc header
#                with a name size beyond the archive: /init runs.
. "$(dirname "$0")/lib.sh"

BUSYBOX=${BUSYBOX:-/bin/busybox}
STOP='^rastos> |^panic: |^INIT-RAN$'
[ -x "$BUSYBOX" ] || scripts/deps.sh test

# good_cpio OUT: /init (a busybox script printing INIT-RAN, then powering
# off) and /bin/busybox, without the TRAILER!!! entry when $2 is "open".
good_cpio() {
	local dir=$WORK/root
	rm -rf "$dir"
	mkdir -p "$dir/bin"
	cp "$BUSYBOX" "$dir/bin/busybox"
	printf '#!/bin/busybox sh\necho INIT-RAN\n/bin/busybox poweroff -f\n' >"$dir/init"
	chmod 755 "$dir/init" "$dir/bin/busybox"
	(cd "$dir" && printf 'init\nbin\nbin/busybox\n' | cpio -o -H newc --quiet) >"$1"
	if [ "${2:-}" = open ]; then
		# Cut from the trailer's header on (110 bytes before its name).
		local at
		at=$(grep -abo 'TRAILER!!!' "$1" | tail -n 1 | cut -d: -f1)
		truncate -s $((at - 110)) "$1"
	fi
}

# try NAME IMAGE init|monitor WHY: boot IMAGE as the initramfs; the error
# line must give WHY as the reason.
try() {
	local name=$1 image=$2 want=$3 why=$4
	boot "initramfs-$name" --until "$STOP" -- --initrd "$image" --cmdline "loglevel=info"
	local log
	log=$(tr -d '\r' <"$BOOT_LOG")
	check "initramfs-$name: a clear error" \
		"no 'initramfs: malformed archive at offset N: $why;' line in $BOOT_LOG" \
		grep -qE "^initramfs: malformed archive at offset [0-9]+: $why;" <<<"$log"
	check "initramfs-$name: no panic" "a panic in $BOOT_LOG" \
		bash -c '! grep -q "^panic: " "$1"' _ "$BOOT_LOG"
	if [ "$want" = init ]; then
		check "initramfs-$name: /init from the good part ran" \
			"no INIT-RAN line in $BOOT_LOG" grep -qx 'INIT-RAN' <<<"$log"
	else
		check "initramfs-$name: the kernel monitor's prompt" \
			"no 'rastos> ' prompt in $BOOT_LOG" grep -q '^rastos> ' <<<"$log"
	fi
}

head -c 4096 /dev/urandom >"$WORK/garbage.img"
# The first byte must not start a gzip or cpio header by chance.
printf 'X' | dd of="$WORK/garbage.img" conv=notrunc status=none
try garbage "$WORK/garbage.img" monitor "bad magic"

good_cpio "$WORK/good.cpio"
good_cpio "$WORK/second.cpio"
gzip -9 <"$WORK/second.cpio" >"$WORK/second.gz"
half=$(($(stat -c %s "$WORK/second.gz") / 2))
head -c "$half" "$WORK/second.gz" >"$WORK/cut.gz"
cat "$WORK/good.cpio" "$WORK/cut.gz" >"$WORK/cut-gzip.img"
try cut-gzip "$WORK/cut-gzip.img" init "truncated input"

good_cpio "$WORK/open.cpio" open
# A newc header whose name size (the 12th field) is 0x7fffffff.
printf '070701%s' "$(printf '%08X' 1 33188 0 0 1 0 0 0 0 0 0 2147483647 0)" >>"$WORK/open.cpio"
printf 'x' >>"$WORK/open.cpio"
try bad-header "$WORK/open.cpio" init "name too long"

exit $suite_status
