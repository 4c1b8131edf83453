# Run by bash from the dynamic initramfs's /init (user/dynamic/init) as
# `bash /data/script.bash one "two words" three`: a script that uses what
# shells' scripts use: functions with locals and recursion, arrays,
# here-documents, read loops, case, traps, subshells, redirections,
# pipelines and command substitution into the coreutils of the initramfs.
# Every line it prints is fixed.
set -u
echo "script: $# args: $1 | $2 | $3"
args=("$@")
echo "last arg: ${args[${#args[@]}-1]}"

fib() {
	local n=$1
	if (( n < 2 )); then
		echo "$n"
	else
		echo $(( $(fib $((n - 1))) + $(fib $((n - 2))) ))
	fi
}
echo "fib 12 = $(fib 12)"

declare -a squares=()
for ((i = 1; i <= 8; i++)); do
	squares+=($((i * i)))
done
echo "squares: ${squares[*]}"
sum=0
for v in "${squares[@]}"; do sum=$((sum + v)); done
echo "sum: $sum"

count=0
while IFS=: read -r name num; do
	count=$((count + 1))
	case $num in
	[0-9]) echo "$name has one digit" ;;
	*) echo "$name has $num" ;;
	esac
done <<END
alpha:7
beta:42
gamma:3
END
echo "read $count lines"

tmp=/tmp/script.$$
{
	echo zeta
	echo eta
	echo theta
} >"$tmp"
sorted=$(sort "$tmp")
echo "sorted:" $sorted
sort -r "$tmp" >"$tmp.r" && echo "reversed first: $(read -r l <"$tmp.r"; echo "$l")"
wc_lines=0
while read -r _; do wc_lines=$((wc_lines + 1)); done <"$tmp"
echo "lines: $wc_lines"
md5sum <"$tmp"

( cd /data/tree && echo "subshell in $PWD"; exit 4 )
echo "subshell status $? in $PWD"

trap 'echo "trap EXIT ran"' EXIT
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"

out=$(ls /data/tree/sub 2>&1; echo "ls status $?")
echo "$out"
ls /data/tree/none 2>/dev/null
echo "ls none status $?"

printf '%-6s|%5d|%x\n' left 42 255
echo "pipe status: $(false | true; echo "${PIPESTATUS[@]}")"
set +u
echo "unset var: [${nothing:-default}]"
/bin/busybox rm -f "$tmp" "$tmp.r"
exit 0
