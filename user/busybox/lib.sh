# Sourced by the area scripts of the busybox suite (/data/*.sh, run by
# /init as "sh /data/AREA.sh"): the framing of a section, as the test
# runner prints it.
#
#   section NAME FUNCTION
#
# runs FUNCTION in a shell of its own (the area script again, with
# BB_ONLY=FUNCTION: that run calls FUNCTION alone, so $$ is the section's
# shell and its traps and signals touch nothing else), in a fresh, empty
# /tmp/w, and prints its output between "@@@ BEGIN NAME" and
# "@@@ END NAME exit STATUS" (the function's status). stdout and stderr
# both go through one pipe, never to the console itself: ls, for one,
# lays out columns for a terminal, and buffering differs too; through a
# pipe both kernels see the same thing. The shell's own error messages
# lose their line numbers (/data/AREA.sh: line N: ...), so that editing
# a script does not change the other sections' output. A function
# prints only what is the same on every run: no PIDs, inode numbers,
# times but fixed ones, or directory order unsorted. stdin is /dev/null:
# nothing waits for the console.
set -o pipefail
export PATH=/bin TZ=UTC LC_ALL=C

section() {
	if [ -n "${BB_ONLY:-}" ]; then
		if [ "$BB_ONLY" = "$2" ]; then
			unset BB_ONLY
			set +o pipefail
			"$2"
			exit
		fi
		return 0
	fi
	echo "@@@ BEGIN $1"
	rm -rf /tmp/w && mkdir -p /tmp/w
	(cd /tmp/w && BB_ONLY=$2 exec sh "$0") </dev/null 2>&1 |
		sed -E 's#^(/data/[a-z]+\.sh: ([a-z]+: )?)line [0-9]+: #\1#'
	echo "@@@ END $1 exit $?"
	cd / && rm -rf /tmp/w
}
