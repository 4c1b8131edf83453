# shellcheck shell=sh
# The power-cut workload (tests/qemu/powercut.sh), run by busybox sh on the
# file system mounted at $1 until QEMU is killed. Step i:
#   - keep/k$i: a file of its own, never touched again;
#   - g$i/f1, f2, f3: a generation of files (sizes from 0 to ~70 KiB, so
#     direct, indirect and partial blocks all occur);
#   - g$((i-1))/f3 moves to g$i/old3 (a rename across directories);
#   - g$((i-3)) is removed, files and directory;
#   - sync, then the line "SYNCED i" on the console.
# Every file's content is content NAME I K below, so the host can rebuild
# what any file should hold (powercut.sh has the same function).
set -e
dir=$1

# content I K: K*37 % 70001 bytes of lines naming I and K.
content() {
	awk -v i="$1" -v k="$2" 'BEGIN {
		n = (i * 131 + k * 37) % 70001; s = "";
		while (length(s) < n) s = s sprintf("step %d file %d line %d\n", i, k, length(s));
		printf "%s", substr(s, 1, n) }'
}

mkdir -p "$dir/keep"
i=0
while :; do
	i=$((i + 1))
	content "$i" 0 >"$dir/keep/k$i"
	mkdir "$dir/g$i"
	for k in 1 2 3; do
		content "$i" "$k" >"$dir/g$i/f$k"
	done
	[ ! -e "$dir/g$((i - 1))/f3" ] || mv "$dir/g$((i - 1))/f3" "$dir/g$i/old3"
	rm -rf "$dir/g$((i - 3))"
	sync
	echo "SYNCED $i"
done
