#!/usr/bin/env bash
# Power cuts on an ext2 disk: rastOS runs tests/disk/powercut-workload.sh
# on a SATA disk made by the host's mke2fs, syncing after each step, and
# QEMU is killed (SIGKILL: no shutdown, no flush) a seeded while after the
# workload started. Then, on the host:
#   - the superblock says "not clean" (the file system was mounted rw);
#   - e2fsck -fn reports only what an unjournalled ext2 may have after a
#     crash (CRASH_OK below: counts and bitmaps, link counts, unattached
#     and half-deleted inodes, entries written before their inodes, sizes,
#     blocks claimed twice by a file being deleted and one being written),
#     nothing else;
#   - everything synced and not touched since is intact: keep/k1..kN (N
#     the last "SYNCED N" seen) byte for byte, g$N's f1, f2 and old3, and
#     g$N's f3 wherever it is; the generations removed by synced steps are
#     gone;
#   - after e2fsck -fy, rastOS mounts the disk again, writes to it and
#     unmounts it, and e2fsck -fn finds it clean.
# The moment of the cut is wall-clock time, so each run cuts somewhere
# else; the checks hold wherever it falls.
. "$(dirname "$0")/lib.sh"

# block size:seed, one boot each.
CASES=${POWERCUT_CASES:-"1024:1 1024:2 4096:3 4096:4"}

# Lines e2fsck -fn may print for an ext2 cut off mid-write (besides its
# "Pass N" headers and summary). Anything else fails the test.
CRASH_OK=(
	'^e2fsck [0-9]' '^Pass [0-9A-D]+: ' '^Pass 1B' '^Running additional passes'
	'^Free (blocks|inodes) count wrong' '^Directories count wrong'
	'^Block bitmap differences: ' '^Inode bitmap differences: '
	'^Padding at end of (inode|block) bitmap is not set'
	'^Fix\? no$' '^Clear\? no$' '^Connect to /lost\+found\? no$'
	'^Clear inode\? no$' '^Clone multiply-claimed blocks\? no$'
	'^Delete file\? no$' '^Salvage\? no$' '^Ignore error\? no$'
	'^Unattached (zero-length )?inode [0-9]+$'
	'^Inode [0-9]+ ref count is [0-9]+, should be [0-9]+\.'
	'^Deleted inode [0-9]+ has zero dtime\.'
	"^Entry '.*' in .* \\([0-9]+\\) has deleted/unused inode [0-9]+\\."
	# the same entry, its type compared with the old inode's stale mode
	"^Entry '.*' in .* \\([0-9]+\\) has an incorrect filetype \\(was [0-9]+, should be [0-9]+\\)\\."
	'^Inode [0-9]+, i_(size|blocks) is [0-9]+, should be [0-9]+\.'
	'^Multiply-claimed block\(s\) in inode [0-9]+:'
	'^File .* \(inode #[0-9]+, mod time .*\)$' '^  has [0-9]+ multiply-claimed'
	'^  shared with [0-9]+ file' '^	.*\(inode #[0-9]+, mod time .*\)$'
	'^\(There are [0-9]+ inodes containing multiply-claimed'
	'^Multiply-claimed blocks already reassigned or cloned\.'
	'^ *[-+]?\(?[0-9]+(--[0-9]+)?\)?( [-+]\(?[0-9]+(--[0-9]+)?\)?)* *$'
	'^[-+ 0-9()]+$' '^$'
	'\*+ WARNING: Filesystem still has errors \*+'
	': [0-9]+/[0-9]+ files \(' '^Warning: .*read-only'
)

# content I K: the bytes the workload writes for step I, file K (the same
# awk program as tests/disk/powercut-workload.sh).
content() {
	awk -v i="$1" -v k="$2" 'BEGIN {
		n = (i * 131 + k * 37) % 70001; s = "";
		while (length(s) < n) s = s sprintf("step %d file %d line %d\n", i, k, length(s));
		printf "%s", substr(s, 1, n) }'
}

for tool in mke2fs e2fsck debugfs dumpe2fs cpio; do
	command -v "$tool" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
done
BUSYBOX=${BUSYBOX:-/bin/busybox}

# A boot ISO whose initramfs's /init runs the shell commands $2 and
# powers off.
make_initramfs() { # OUT.iso COMMANDS
	local dir=$WORK/initramfs
	rm -rf "$dir" && mkdir -p "$dir"/{bin,dev,proc,mnt}
	cp "$BUSYBOX" "$dir/bin/busybox"
	cp tests/disk/powercut-workload.sh "$dir/workload.sh"
	cat >"$dir/init" <<-EOF
		#!/bin/busybox sh
		/bin/busybox --install -s /bin
		mount -t devtmpfs dev /dev
		mount -t proc proc /proc
		$2
		echo "POWERCUT: end"
		poweroff -f
	EOF
	chmod 755 "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet) >"$WORK/initramfs.cpio"
	scripts/make-iso.sh -o "$1" --initrd "$WORK/initramfs.cpio" \
		--cmdline "loglevel=err" >>"$LOGDIR/powercut-build.log" 2>&1
}

make_initramfs "$WORK/cut.iso" 'mount -t ext2 /dev/sda /mnt && echo "POWERCUT: mounted" && sh /workload.sh /mnt/pc'
make_initramfs "$WORK/again.iso" 'mount -t ext2 /dev/sda /mnt && mkdir /mnt/again && for i in 1 2 3 4 5; do cp /workload.sh /mnt/again/w$i; done && rm /mnt/again/w2 && umount /mnt && echo "POWERCUT: remounted"'

# unexpected_fsck < E2FSCK-OUTPUT: the lines CRASH_OK does not allow.
unexpected_fsck() {
	local line re ok
	while IFS= read -r line; do
		ok=0
		for re in "${CRASH_OK[@]}"; do
			[[ $line =~ $re ]] && ok=1 && break
		done
		[ $ok = 1 ] || printf '%s\n' "$line"
	done
}

not_clean() { dumpe2fs -h "$1" 2>/dev/null | grep -qE '^Filesystem state: +not clean'; }
fsck_quiet() { e2fsck -fn "$1" >/dev/null 2>&1; }

# holds FILE I K: FILE holds content I K.
holds() { [ -f "$1" ] && cmp -s "$1" <(content "$2" "$3"); }

# check_synced OUT N: the files synced by step N and not touched since.
check_synced() {
	local out=$1 n=$2 i bad=''
	for ((i = 1; i <= n; i++)); do
		holds "$out/keep/k$i" "$i" 0 || bad+=" keep/k$i"
	done
	for ((i = 1; i <= n - 3; i++)); do
		[ ! -e "$out/g$i" ] || bad+=" g$i(should be gone)"
	done
	holds "$out/g$n/f1" "$n" 1 || bad+=" g$n/f1"
	holds "$out/g$n/f2" "$n" 2 || bad+=" g$n/f2"
	[ "$n" -lt 2 ] || holds "$out/g$n/old3" $((n - 1)) 3 || bad+=" g$n/old3"
	# f3 may be on its way to g$((n+1)) (a rename the cut interrupted).
	for f in "$out/g$n/f3" "$out/g$((n + 1))/old3"; do
		[ ! -e "$f" ] || holds "$f" "$n" 3 || bad+=" ${f#"$out"/}(wrong)"
	done
	[ -z "$bad" ] || { echo "lost or damaged:$bad" && return 1; }
}

one_case() { # BLOCK SEED
	local bs=$1 seed=$2 name=powercut-$1-$2 img log pid n delay fsck out
	img=$WORK/$name.img
	log=$LOGDIR/$name.log
	truncate -s 48M "$img"
	mke2fs -q -F -t ext2 -b "$bs" "$img" >/dev/null 2>&1 ||
		{ fail "$name: mke2fs failed" && return; }
	RANDOM=$seed
	delay=$((5 + RANDOM % 40)) # tenths of a second after the first sync

	set -m
	scripts/run-qemu.sh --iso "$WORK/cut.iso" --disk "$img" --timeout 300 >"$log" 2>"$LOGDIR/$name.stderr" &
	pid=$!
	set +m
	local deadline=$((SECONDS + BOOT_TIMEOUT))
	until grep -q '^SYNCED 1' "$log" 2>/dev/null; do
		if [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; then
			kill -KILL -- "-$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			fail "$name: the workload never synced (see $log)"
			return
		fi
		sleep 0.1
	done
	sleep "$((delay / 10)).$((delay % 10))"
	kill -KILL -- "-$pid" 2>/dev/null # the power cut
	wait "$pid" 2>/dev/null
	n=$(tr -d '\r' <"$log" | sed -nE 's/^SYNCED ([0-9]+)$/\1/p' | tail -n 1)
	echo "# $name: cut ${delay}00 ms after the first sync, at step $((n + 1))"

	check "$name: the superblock says not clean" \
		"$(dumpe2fs -h "$img" 2>/dev/null | grep -i 'state')" not_clean "$img"
	fsck=$(e2fsck -fn "$img" 2>&1)
	local odd
	odd=$(unexpected_fsck <<<"$fsck")
	printf '%s\n' "$fsck" >"$LOGDIR/$name.fsck"
	if [ -z "$odd" ]; then
		pass "$name: e2fsck -fn finds only what a crash of ext2 leaves"
	else
		fail "$name: e2fsck -fn: $(head -n 3 <<<"$odd" | tr '\n' '|') (see $LOGDIR/$name.fsck)"
	fi
	out=$WORK/$name.out
	mkdir -p "$out"
	debugfs -R "rdump /pc $out" "$img" >/dev/null 2>&1
	local why
	if why=$(check_synced "$out/pc" "$n"); then
		pass "$name: the $n synced steps are intact"
	else
		fail "$name: after $n synced steps: $why"
	fi

	# Repaired, the disk mounts and takes writes again.
	e2fsck -fy "$img" >/dev/null 2>&1
	local rc=$?
	if [ $rc -ge 4 ]; then
		fail "$name: e2fsck -fy could not repair the disk (status $rc)"
		return
	fi
	boot "$name-again" --until 'POWERCUT: end|^panic' -- \
		--iso "$WORK/again.iso" --disk "$img" --timeout 120
	check "$name: remounted after repair, written and unmounted" "see $BOOT_LOG" \
		grep -q '^POWERCUT: remounted' "$BOOT_LOG"
	check "$name: e2fsck -fn is clean after the second mount" \
		"$(e2fsck -fn "$img" 2>&1 | tail -n 3 | tr '\n' '|')" fsck_quiet "$img"
}

for c in $CASES; do
	one_case "${c%%:*}" "${c#*:}"
done
exit $suite_status
