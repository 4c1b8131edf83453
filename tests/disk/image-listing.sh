#!/usr/bin/env bash
# image-listing.sh: tests/disk/listing.sh's listing of an ext2 image's tree,
# taken on the host without mounting it: e2fsprogs' debugfs reads the
# directories and inodes, so what a kernel wrote is judged by another
# implementation of ext2 than its own.
#
#   tests/disk/image-listing.sh [--no-links] [--no-dir-links] [--blocks] IMAGE
#
# Prints what `listing.sh [options] MNT` prints with IMAGE mounted on MNT,
# byte for byte. Why not `debugfs -R "rdump / DIR"` and listing.sh of DIR:
# rdump makes each hard link a file of its own (links=1), writes holes out
# as zeros, drops the sticky bit of directories and skips device nodes and
# fifos. Here every field comes from the inode itself (debugfs `stat`:
# mode, owner, size, links, blocks, device numbers, a fast symlink's
# target) and the contents from `dump` of each regular file and slow
# symlink. Exit status: 0, 1 if debugfs fails, 2 usage.
set -euo pipefail

opts=()
while [ $# -gt 1 ]; do
    case $1 in
    --no-links | --no-dir-links | --blocks) opts+=("$1") ;;
    *) echo "image-listing.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ $# -eq 1 ] && [ -f "$1" ] || {
    echo "usage: image-listing.sh [--no-links] [--no-dir-links] [--blocks] IMAGE" >&2
    exit 2
}
image=$1
links=all blocks=0
for o in "${opts[@]}"; do
    case $o in
    --no-links) links=none ;;
    --no-dir-links) links=files ;;
    --blocks) blocks=1 ;;
    esac
done
BB=${BUSYBOX:-busybox}
export LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/image-listing.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# debugfs_batch CMDFILE OUT: run debugfs's commands read-only (-c: catastrophic
# mode, no bitmaps read: faster, and enough to read files).
debugfs_batch() {
    if ! debugfs -c -f "$1" "$image" >"$2" 2>"$tmp/debugfs.err"; then
        echo "image-listing.sh: debugfs failed on $image:" >&2
        cat "$tmp/debugfs.err" >&2
        exit 1
    fi
}

# The tree, one directory level at a time: "INO PATH" of every entry.
echo "2 ." >"$tmp/entries"
echo "2 ." >"$tmp/level"
while [ -s "$tmp/level" ]; do
    awk '{ print "ls -p <" $1 ">" }' "$tmp/level" >"$tmp/cmds"
    debugfs_batch "$tmp/cmds" "$tmp/ls"
    # Output: "debugfs: ls -p <INO>" then "/INO/MODE/UID/GID/NAME/SIZE/" lines.
    awk -v levelf="$tmp/level" '
        BEGIN { while ((getline l < levelf) > 0) { i = index(l, " "); dir[substr(l, 1, i - 1)] = substr(l, i + 1) } }
        /^debugfs: ls -p </ { d = $0; sub(/^debugfs: ls -p </, "", d); sub(/>$/, "", d); next }
        /^\// {
            n = split($0, f, "/")
            # The name may hold anything but "/" and NUL: fields 6..n-2.
            name = f[6]; for (k = 7; k <= n - 2; k++) name = name "/" f[k]
            if (name == "." || name == ".." || f[2] == 0) next
            print f[2], dir[d] "/" name, (substr(f[3], 1, 2) == "04") ? "d" : "-"
        }' "$tmp/ls" >"$tmp/found"
    awk '{ print $1, substr($0, length($1) + 2, length($0) - length($1) - 3) }' "$tmp/found" >>"$tmp/entries"
    awk '$NF == "d" { print $1, substr($0, length($1) + 2, length($0) - length($1) - 3) }' "$tmp/found" >"$tmp/level"
done

# Every inode's fields, once per inode (hard links share one).
awk '{ print $1 }' "$tmp/entries" | sort -un | awk '{ print "stat <" $1 ">" }' >"$tmp/cmds"
debugfs_batch "$tmp/cmds" "$tmp/stat"
# INO TYPE MODE UID GID SIZE LINKS BLOCKS MAJ MIN FASTLINK?
awk '
    function out() { if (ino != "") print ino, type, mode, uid, gid, size, nlink, nblk, maj, min, fast }
    /^debugfs: stat </ {
        out()
        ino = $0; sub(/^debugfs: stat </, "", ino); sub(/>$/, "", ino)
        type = "?"; mode = uid = gid = size = nlink = nblk = 0; maj = min = "0"; fast = 0
        next
    }
    /^Inode: / {
        t = $0; sub(/.*Type: /, "", t); sub(/ +Mode:.*/, "", t)
        if (t == "regular") type = "f"; else if (t == "directory") type = "d"
        else if (t == "symlink") type = "l"; else if (t == "character special") type = "c"
        else if (t == "block special") type = "b"; else if (t == "FIFO") type = "p"
        else if (t == "socket") type = "s"
        m = $0; sub(/.*Mode: +/, "", m); sub(/ .*/, "", m); mode = m
    }
    /^User: / { uid = $2; gid = $4; s = $0; sub(/.*Size: /, "", s); size = s + 0 }
    /^Links: / { nlink = $2; nblk = $4 }
    /^Device major\/minor number: / {
        # "01:03 (hex 01:03)": stat -c %t,%T prints hex without padding.
        h = $0; sub(/.*\(hex /, "", h); sub(/\).*/, "", h); split(h, mm, ":")
        maj = mm[1]; min = mm[2]; sub(/^0+/, "", maj); sub(/^0+/, "", min)
        if (maj == "") maj = "0"; if (min == "") min = "0"
    }
    /^Fast link dest: / { fast = 1 }
    END { out() }' "$tmp/stat" >"$tmp/inodes"
# Fast symlinks' targets: between the quotes of "Fast link dest: "...""
awk '/^debugfs: stat </ { ino = $0; sub(/^debugfs: stat </, "", ino); sub(/>$/, "", ino) }
     /^Fast link dest: "/ { t = $0; sub(/^Fast link dest: "/, "", t); sub(/"$/, "", t); print ino " " t }' \
    "$tmp/stat" >"$tmp/fast"

# Contents: dump each regular file and slow symlink by inode.
mkdir "$tmp/data"
awk -v d="$tmp/data" '$2 == "f" || ($2 == "l" && $11 == 0) { print "dump <" $1 "> " d "/" $1 }' \
    "$tmp/inodes" >"$tmp/cmds"
debugfs_batch "$tmp/cmds" "$tmp/dump"
(cd "$tmp/data" && find . -type f -exec "$BB" md5sum {} + >"$tmp/md5")

awk -v links="$links" -v blocks="$blocks" -v md5f="$tmp/md5" -v fastf="$tmp/fast" \
    -v inof="$tmp/inodes" -v data="$tmp/data" '
BEGIN {
    while ((getline l < md5f) > 0) { p = substr(l, 37); md5[p] = substr(l, 1, 32) }
    while ((getline l < fastf) > 0) { i = index(l, " "); target[substr(l, 1, i - 1)] = substr(l, i + 1) }
    while ((getline l < inof) > 0) {
        split(l, f, " ")
        type[f[1]] = f[2]; mode[f[1]] = f[3]; own[f[1]] = f[4] ":" f[5]; size[f[1]] = f[6]
        nlink[f[1]] = f[7]; nblk[f[1]] = f[8]; dev[f[1]] = f[9] "," f[10]
        if (f[2] == "l" && f[11] == 0) {
            # A slow symlink: its target is what dump wrote.
            t = ""; first = 1
            while ((getline s < (data "/" f[1])) > 0) { t = first ? s : t "\n" s; first = 0 }
            close(data "/" f[1]); target[f[1]] = t
        }
    }
}
{
    ino = $1; path = substr($0, length($1) + 2); t = type[ino]
    out = sprintf("%s %s %s %s", path, t, substr("0000" mode[ino], length(mode[ino]) + 1), own[ino])
    if (links == "all" || (links == "files" && t != "d")) out = out " links=" nlink[ino]
    if (t == "f") out = out " size=" size[ino] " md5=" md5[ino]
    if (t == "l") out = out " -> " target[ino]
    if (t == "c" || t == "b") out = out " dev=" dev[ino]
    if (t == "f" && blocks) out = out " blocks=" nblk[ino]
    print out
}' "$tmp/entries" | "$BB" sort
