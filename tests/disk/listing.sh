#!/bin/busybox sh
# listing.sh: a sorted, deterministic listing of a directory tree: how the
# disk tests compare what rastOS, Linux and the host see of one ext2 image.
# Runs the same under busybox sh on Linux, on rastOS and on the host, and
# calls every tool through busybox (not the host's coreutils), so the three
# print byte for byte the same for the same tree.
#
#   listing.sh [--no-links] [--no-dir-links] [--blocks] DIR
#
# One line per entry below DIR (DIR itself as "."), sorted by path:
#   PATH TYPE MODE UID:GID links=N [size=S md5=HASH] [-> TARGET] [dev=MAJ,MIN] [blocks=B]
# TYPE: d directory, f regular file, l symlink, c/b device, p fifo, s socket.
# MODE: the permission bits in octal (with setuid/setgid/sticky). size and
# md5 for regular files, the target for symlinks, the numbers (hex, as stat -c %t,%T) for devices.
# A directory's size is left out: it depends on how the file system lays
# out its entries, not on what it holds.
# --no-links: no link counts (a copy such as debugfs rdump's makes each hard
#   link a file of its own);
# --no-dir-links: no link counts on directories only;
# --blocks: the 512-byte blocks allocated to each regular file (holes show
#   here; meaningful only between two views of the same file system).
# Paths must not contain newlines.
set -eu

links=all blocks=0
while [ $# -gt 1 ]; do
    case $1 in
    --no-links) links=none ;;
    --no-dir-links) links=files ;;
    --blocks) blocks=1 ;;
    *) echo "listing.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ $# -eq 1 ] && [ -d "$1" ] || {
    echo "usage: listing.sh [--no-links] [--no-dir-links] [--blocks] DIR" >&2
    exit 2
}
cd "$1"
export LC_ALL=C
bb=busybox
tmp=$($bb mktemp -d "${TMPDIR:-/tmp}/listing.XXXXXX")
trap '$bb rm -rf "$tmp"' EXIT

# Everything in a few processes, not one per file: the trees hold thousands
# of files and the same listing runs on a kernel under emulation.
$bb find . -exec $bb stat -c '%F|%a|%h|%s|%u|%g|%t|%T|%b|%n' {} + >"$tmp/stat"
$bb find . -type f -exec $bb md5sum {} + >"$tmp/md5"
# stat's %N for a symlink: 'PATH' -> 'TARGET'
$bb find . -type l -exec $bb stat -c '%N' {} + >"$tmp/links"

$bb awk -v links="$links" -v blocks="$blocks" -v md5f="$tmp/md5" -v lnkf="$tmp/links" '
BEGIN {
    FS = "|"
    while ((getline line < md5f) > 0) {
        # "HASH  PATH"
        md5[substr(line, 35)] = substr(line, 1, 32)
    }
    while ((getline line < lnkf) > 0) {
        i = index(line, "'"'"' -> '"'"'")
        target[substr(line, 2, i - 2)] = substr(line, i + 6, length(line) - i - 6)
    }
}
{
    type = $1; mode = $2; nlink = $3; size = $4; uid = $5; gid = $6
    maj = $7; min = $8; nblk = $9
    # The name is the rest: it may hold "|".
    path = $0
    for (k = 1; k <= 9; k++) path = substr(path, index(path, "|") + 1)
    if (type ~ /^regular/) t = "f"
    else if (type == "directory") t = "d"
    else if (type == "symbolic link") t = "l"
    else if (type == "character special file") t = "c"
    else if (type == "block special file") t = "b"
    else if (type == "fifo") t = "p"
    else if (type == "socket") t = "s"
    else t = "?"
    # stat gives the octal digits (644, 4755): pad them to four.
    out = sprintf("%s %s %s %s:%s", path, t, substr("0000" mode, length(mode) + 1), uid, gid)
    if (links == "all" || (links == "files" && t != "d")) out = out " links=" nlink
    if (t == "f") out = out " size=" size " md5=" md5[path]
    if (t == "l") out = out " -> " target[path]
    if (t == "c" || t == "b") out = out " dev=" maj "," min
    if (t == "f" && blocks) out = out " blocks=" nblk
    print out
}' "$tmp/stat" | $bb sort
