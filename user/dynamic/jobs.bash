# Run by bash from the dynamic initramfs's /init as `bash /data/jobs.bash`:
# processes from a dynamically linked shell: background jobs and wait,
# process substitution (through /dev/fd, or a FIFO in $TMPDIR where there
# is none), file descriptors moved with exec, here-strings, mapfile,
# errexit and ERR traps. Every line it prints is fixed.
TMPDIR=/tmp
export TMPDIR

{ echo one; exit 3; } &
first=$!
( echo two >/tmp/jobs.two; exit 5 ) &
second=$!
wait "$first"
echo "first job: $?"
wait "$second"
st=$?
read -r l </tmp/jobs.two
echo "second job: $st $l"
for i in 1 2 3; do (exit "$i") & done
wait
echo "wait for all: $?"

while read -r line; do echo "substituted: $line"; done < <(printf '%s\n' b a c | sort)
echo "count: $(wc_of() { local n=0; while read -r _; do n=$((n + 1)); done; echo $n; }; wc_of < <(printf 'x\ny\n'))"

exec 3>/tmp/jobs.fd
echo "to fd 3" >&3
exec 3>&-
read -r back </tmp/jobs.fd
echo "read back: $back"
exec 4</tmp/jobs.fd
read -r -u 4 again
echo "through fd 4: $again"
exec 4<&-

read -r -a words <<<"alpha beta gamma"
echo "here-string: ${#words[@]} ${words[2]}"
mapfile -t lines < <(printf '%s\n' 3 1 2 | sort -n)
echo "mapfile: ${lines[*]}"
printf -v padded '%05d' 42
echo "printf -v: $padded"

trap 'echo "ERR trap at status $?"' ERR
false
trap - ERR
( set -e; echo "errexit start"; false; echo "not reached" )
echo "errexit subshell: $?"
if ! md5sum /data/missing >/dev/null 2>&1; then echo "md5sum missing in if: $?"; fi
out=$( { echo out; echo err >&2; } 2>&1 | sort )
echo "both streams:" $out
exit 0
