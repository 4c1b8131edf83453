#!/usr/bin/env bash
# Disk images with partition tables made by the host's sfdisk and sgdisk,
# for tests/host/test_partitions.c: DIR/NAME.img and DIR/NAME.expect,
# the partitions as `sfdisk --json` reports them, one per line:
#   PARTNO START SIZE PARTUUID
# (sectors; an extended partition is 2 sectors long, as Linux registers
# it; PARTUUID as Linux shows it: lower-case GPT GUID, or the MBR's disk
# id and the partition number). A .expect with only "none" means no table.
#   tests/host/make-part-images.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"

expect() { # IMG: the .expect from what sfdisk reads in it
	local img=$1
	if ! sfdisk --json "$img" >"${img%.img}.json" 2>/dev/null; then
		echo none >"${img%.img}.expect"
		return
	fi
	awk '
	function flush() {
		if (node == "") return
		if (label == "dos") {
			if (type == "5" || type == "f" || type == "85") size = 2
			uuid = sprintf("%s-%02x", id, node)
		}
		print node, start, size, tolower(uuid)
		node = ""; uuid = ""
	}
	/"label":/ { gsub(/[",]/, "", $2); label = $2 }
	/"id":/ { gsub(/[",]/, "", $2); id = $2; sub(/^0x/, "", id)
		while (length(id) < 8) id = "0" id }
	/"node":/ { flush(); gsub(/[",]/, "", $2); node = $2
		sub(/^.*[^0-9]/, "", node); node += 0 }
	/"start":/ { gsub(/[",]/, "", $2); start = $2 }
	/"size":/ { gsub(/[",]/, "", $2); size = $2 }
	/"type":/ { gsub(/[",]/, "", $2); type = $2 }
	/"uuid":/ { gsub(/[",]/, "", $2); uuid = $2 }
	END { flush() }' "${img%.img}.json" >"${img%.img}.expect"
	[ -s "${img%.img}.expect" ] || echo none >"${img%.img}.expect"
}

mkimg() { rm -f "$1" && truncate -s "$2" "$1"; }

# MBR: primaries, an extended partition with three logical ones.
mkimg mbr-logical.img 16M
sfdisk -q mbr-logical.img <<'T'
label: dos
label-id: 0x12345678
start=2048, size=4096, type=83, bootable
start=6144, size=2048, type=c
start=8192, type=5
start=10240, size=4096, type=83
start=16384, size=2048, type=82
start=20480, size=1024, type=83
T
# MBR: three primaries.
mkimg mbr-primary.img 8M
sfdisk -q mbr-primary.img <<'T'
label: dos
label-id: 0xdeadbeef
start=2048, size=2048, type=83
start=4096, size=2048, type=7
start=8192, size=2048, type=83
T
# GPT: three partitions; and with twenty (numbers past sda15).
mkimg gpt.img 8M
sgdisk -n 1:2048:+1M -t 1:8300 -n 2:0:+2M -t 2:ef00 -n 3:0:0 gpt.img >/dev/null
mkimg gpt-many.img 8M
args=()
for i in $(seq 1 20); do args+=(-n "$i:0:+64K"); done
sgdisk "${args[@]}" gpt-many.img >/dev/null
expect mbr-logical.img
expect mbr-primary.img
expect gpt.img
expect gpt-many.img
# The primary GPT header broken: the backup is read (same partitions).
cp gpt.img gpt-backup.img
printf 'XXXX' | dd of=gpt-backup.img bs=1 seek=$((512 + 100)) conv=notrunc status=none
printf '\x01' | dd of=gpt-backup.img bs=1 seek=$((512 + 16)) conv=notrunc status=none
cp gpt.expect gpt-backup.expect
# The primary entry array's CRC wrong: the backup again.
cp gpt.img gpt-badentries.img
printf '\x55' | dd of=gpt-badentries.img bs=1 seek=$((1024 + 60)) conv=notrunc status=none
cp gpt.expect gpt-badentries.expect
# Both headers gone: no partitions (the protective MBR stays).
cp gpt.img gpt-nohdr.img
dd if=/dev/zero of=gpt-nohdr.img bs=512 seek=1 count=1 conv=notrunc status=none
dd if=/dev/zero of=gpt-nohdr.img bs=512 seek=$((8 * 2048 - 1)) count=1 conv=notrunc status=none
echo none >gpt-nohdr.expect
# No table at all.
mkimg blank.img 1M
echo none >blank.expect
rm -f ./*.json
