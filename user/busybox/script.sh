# A pipeline-free shell script run by busybox sh from the initramfs:
# variables, if/while/for/case, functions, arithmetic, printf, test and
# builtins. Every line it prints is fixed.
greeting="hello"
name=world
echo "$greeting, $name"
echo "args: $# first=$1 second=$2"
shift
echo "after shift: $# first=$1"

n=0
total=0
while [ "$n" -lt 10 ]; do
	n=$((n + 1))
	total=$((total + n * n))
done
echo "sum of squares 1..10 = $total"

for word in alpha beta gamma; do
	case $word in
	a*) echo "$word starts with a" ;;
	b* | c*) echo "$word starts with b or c" ;;
	*) echo "$word: something else" ;;
	esac
done

fact() {
	local k=$1
	if [ "$k" -le 1 ]; then
		result=1
	else
		fact $((k - 1))
		result=$((result * k))
	fi
}
fact 10
echo "10! = $result"

fib_a=0
fib_b=1
i=0
until [ $i -ge 20 ]; do
	t=$((fib_a + fib_b))
	fib_a=$fib_b
	fib_b=$t
	i=$((i + 1))
done
echo "fib(20) = $fib_a"

printf '%s|%5d|%-4s|%x|%o\n' str 42 ab 255 8
printf '%03d %s\n' 7 "padded"

if test -f /data/script.sh && [ -d /bin ] && [ ! -e /nonexistent ]; then
	echo "test: files ok"
fi
if [ "abc" = "abc" ] && [ "abc" != "abd" ] && [ 3 -gt 2 ]; then
	echo "test: strings and numbers ok"
fi
s="path/to/file.txt"
echo "length ${#s}, base ${s##*/}, dir ${s%/*}, ext ${s##*.}"
unset name
echo "unset: [${name:-default}]"
set -- x y z
echo "set --: $# $*"
false || echo "or-list after false"
true && echo "and-list after true"
( exit 4 )
echo "subshell status $?"
eval 'echo "eval works: $((2 ** 10))"'
cd /bin && echo "cd: $PWD"
exit 0
