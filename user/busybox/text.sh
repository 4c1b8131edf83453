# The busybox suite, text tools: each section feeds applets fixed input
# (/data/in/ or made on the spot) and prints what they make of it.
. /data/lib.sh
IN=/data/in

# cat, tac, head, tail, wc
t_cat() {
	cat $IN/poem.txt
	echo "-- cat -n / -b / -A"
	cat -n $IN/poem.txt | head -n 3
	cat -b $IN/poem.txt | tail -n 3
	cat -A $IN/poem.txt | head -n 4
	echo "-- tac"
	tac $IN/poem.txt
	printf 'a\nb\nc' | tac
	echo
	echo "-- cat of stdin and files, missing file"
	echo middle | cat $IN/fruits.txt - $IN/fruits.txt | wc -l
	cat /nonexistent
	echo "status $?"
}

t_headtail() {
	head -n 2 $IN/fruits.txt
	head -c 10 $IN/fruits.txt
	echo
	head -n -7 $IN/fruits.txt
	echo "-- tail"
	tail -n 2 $IN/fruits.txt
	tail -n +9 $IN/fruits.txt
	tail -c 12 $IN/fruits.txt
	seq 1 1000 | tail -n 3
	seq 1 100000 | head -n 2
	echo "-- head/tail of several files"
	head -n 1 $IN/fruits.txt $IN/poem.txt
	tail -n 1 $IN/fruits.txt $IN/poem.txt
}

t_wc() {
	wc $IN/fruits.txt $IN/poem.txt
	wc -l <$IN/fruits.txt
	wc -w <$IN/poem.txt
	wc -c <$IN/poem.txt
	wc -L $IN/poem.txt
	printf 'no newline' | wc
	: | wc
}

t_sort() {
	sort $IN/fruits.txt
	echo "-- -r"
	sort -r $IN/fruits.txt | head -n 3
	echo "-- -t: -k3,3n"
	sort -t: -k3,3n $IN/fruits.txt
	echo "-- -t: -k2,2 -k1,1r"
	sort -t: -k2,2 -k1,1r $IN/fruits.txt
	echo "-- -u -f"
	printf 'b\nA\na\nB\nb\nc\n' | sort -u
	printf 'b\nA\na\nB\nb\nc\n' | sort -f
	echo "-- -n -g -h"
	printf '10\n9\n-3\n2.5\n100\n0x10\n' | sort -n
	printf '1e3\n50\n2.5e1\n' | sort -g
	echo "-- -c -s"
	printf 'a\nc\nb\n' | sort -c
	echo "status $?"
	printf 'x 2\ny 1\nx 1\n' | sort -s -k1,1
	seq 1 2000 | sort -nr | head -n 2
}

t_uniq() {
	cut -d: -f1 $IN/fruits.txt | sort | uniq
	cut -d: -f2 $IN/fruits.txt | sort | uniq -c
	cut -d: -f2 $IN/fruits.txt | sort | uniq -d
	cut -d: -f2 $IN/fruits.txt | sort | uniq -u
	printf 'a x\nb x\nc y\n' | uniq -f 1
	printf 'ab\nac\nbd\n' | uniq -w 1 -c
	printf 'Hello\nhello\nHELLO\n' | uniq -i
}

t_cuttr() {
	cut -d: -f1,3 $IN/fruits.txt
	cut -c1-3,5 $IN/fruits.txt | head -n 3
	cut -d: -f2- $IN/fruits.txt | tail -n 2
	cut -d: -s -f2 <<-EOF
		no delimiter here
		one:two
	EOF
	echo "-- tr"
	echo "Hello, World" | tr a-z A-Z
	echo "Hello, World" | tr -d lo
	echo "aaabbbccc   ddd" | tr -s 'a-c '
	echo "abc123def" | tr -c 'a-z' '_'
	echo "abc" | tr 'abc' 'x'
	echo "tab	sep" | tr '\t' '|'
	echo "x y z" | tr '[:lower:]' '[:upper:]'
	printf 'a\nb\nc\n' | tr '\n' ','
	echo
}

t_sed() {
	sed 's/a/A/' $IN/fruits.txt | head -n 3
	sed 's/a/A/g' $IN/fruits.txt | head -n 3
	sed -n '2,4p' $IN/fruits.txt
	sed -n '/red/p' $IN/fruits.txt
	sed '3,$d' $IN/fruits.txt
	sed -e 's/:.*//' -e '/e$/!d' $IN/fruits.txt
	sed 'y/abc/XYZ/' <<-EOF
		aabbcc cab
	EOF
	sed -n '$=' $IN/poem.txt
	sed -E 's/([a-z]+):([a-z]+).*/\2 \1/' $IN/fruits.txt | head -n 2
	echo "-- append, insert, change"
	printf 'one\ntwo\nthree\n' | sed '2i\
inserted' | sed '/three/a\
appended' | sed '1c\
changed'
	echo "-- hold space (reverse lines)"
	printf '1\n2\n3\n' | sed -n '1!G;h;$p'
	echo "-- N and loops"
	printf 'a\nb\nc\nd\n' | sed 'N;s/\n/+/'
	echo "aaaa" | sed ':x;s/a/b/;tx'
	echo "-- in place"
	cp $IN/fruits.txt f
	sed -i 's/:[0-9.]*$//' f
	head -n 2 f
	sed -i.bak '1d' f
	wc -l f f.bak
	echo "-- q and exit status"
	seq 1 10 | sed 3q
	sed 's/x/' /dev/null
	echo "status $?"
}

t_awk() {
	awk -F: '{ print $1, $3 }' $IN/fruits.txt | head -n 3
	awk -F: '$2 == "red" { n++; s += $3 } END { print n, s }' $IN/fruits.txt
	awk -F: '{ t[$2] += $3 } END { for (c in t) print c, t[c] }' $IN/fruits.txt | sort
	awk -F: '{ printf "%-10s|%5.2f|%03d\n", $1, $4 * $3, NR }' $IN/fruits.txt
	awk 'BEGIN { x = 7; y = 3; print x / y, x % y, int(-3.7), length("hello") }'
	awk 'BEGIN { s = "Hello, World"; print substr(s, 1, 5), index(s, "W"), toupper(s), tolower(s) }'
	awk 'BEGIN { n = split("a,b,,c", p, ","); print n, p[1], p[4]; s = "foo bar foo"; print gsub(/foo/, "baz", s), s }'
	awk 'BEGIN { s = "aXbXc"; sub(/X/, "-", s); print s; print match("xxabcxx", /ab+c/), RSTART, RLENGTH }'
	awk 'function fib(n) { return n < 2 ? n : fib(n-1) + fib(n-2) } BEGIN { print fib(20) }'
	awk -v k=5 'BEGIN { for (i = 1; i <= k; i++) printf "%d%s", i * i, (i < k ? " " : "\n") }'
	awk 'NR % 3 == 0' $IN/fruits.txt
	awk '{ print NF ": " $NF }' $IN/poem.txt
	awk 'BEGIN { OFS = "-" } { $1 = $1; print }' <<-EOF
		a b  c
	EOF
	awk 'BEGIN { printf "%c%c %x %o %e %g\n", 65, "Bee", 255, 8, 1234.5, 0.0001 }'
	awk 'BEGIN { while (("echo one; echo two" | getline l) > 0) print "got " l }'
	awk 'BEGIN { print 1 > "/dev/stderr"; exit 3 } END { print "end runs" }'
	echo "status $?"
	printf 'k1 v1\nk2 v2\n' | awk '{ m[$1] = $2 } END { print ("k2" in m), ("k3" in m); delete m["k2"]; print length(m) }'
	awk 'BEGIN { srand(1); print (rand() < 1) }'
}

t_grep() {
	grep red $IN/fruits.txt
	grep -c e $IN/fruits.txt
	grep -n -i 'THE' $IN/poem.txt
	grep -v a $IN/fruits.txt
	grep -w the $IN/poem.txt
	grep -x 'The end, the END, the End.' $IN/poem.txt
	grep -o 'e[a-z]d' $IN/poem.txt
	grep -E '^(apple|fig):' $IN/fruits.txt
	grep -F 'a.b' <<-EOF
		a.b
		axb
	EOF
	grep -e cherry -e kiwi $IN/fruits.txt
	grep -l apple $IN/fruits.txt $IN/poem.txt
	grep -L apple $IN/fruits.txt $IN/poem.txt
	grep -h -m 1 the $IN/fruits.txt $IN/poem.txt
	grep -A 1 -B 1 cherry $IN/fruits.txt
	grep -C 1 fig $IN/fruits.txt
	echo "-- statuses"
	grep -q grape $IN/fruits.txt
	echo "found $?"
	grep -q mango $IN/fruits.txt
	echo "not found $?"
	grep -s x /nonexistent
	echo "no file $?"
	grep mango /nonexistent $IN/fruits.txt
	echo "both $?"
	echo "-- egrep, fgrep"
	egrep 'a{2}|rr' $IN/fruits.txt
	fgrep '[x]' <<-EOF
		a [x] b
		a x b
	EOF
	echo "-- -r"
	mkdir -p d/sub
	echo "needle one" >d/a
	echo "hay" >d/b
	echo "needle two" >d/sub/c
	grep -r needle d | sort
	grep -rl needle d | sort
}

t_format() {
	nl $IN/poem.txt
	nl -b a -w 3 -s ') ' $IN/poem.txt | head -n 7
	echo "-- fold"
	echo "The quick brown fox jumps over the lazy dog" | fold -w 10
	echo "The quick brown fox jumps over the lazy dog" | fold -s -w 10
	echo "-- rev"
	rev $IN/fruits.txt | head -n 3
	echo "-- expand, unexpand"
	printf 'a\tbb\tccc\td\n' | expand | od -c | head -n 3
	printf 'a\tb\n' | expand -t 4
	printf '        x       y\n' | unexpand | od -c
	printf '        x       y\n' | unexpand -a | od -c
	echo "-- paste"
	seq 1 4 >n
	printf 'a\nb\nc\n' >l
	paste n l
	paste -d, n l
	paste -s n
	paste -s -d: l
	echo "-- dos2unix, unix2dos"
	printf 'a\nb\n' | unix2dos | od -c
	printf 'a\r\nb\r\n' | dos2unix | od -c
}

t_dump() {
	printf 'Hello\tWorld\n\000\001\377 end' >b
	od -c b
	od -An -tx1 b
	od -x b
	od -b -N 4 b
	od -An -td2 -j 2 -N 6 b
	echo "-- hexdump"
	hexdump -C b
	hexdump b
	hexdump -e '8/1 "%02x " "\n"' b
	echo "-- xxd"
	xxd b
	xxd -p b
	xxd -p b | xxd -r -p | cmp - b && echo "xxd -r round trip"
	xxd -c 4 -l 8 b
	echo "-- strings"
	{ printf 'ab\000text one\000\001\002x\000long enough string\n'; seq 1 3; } >s
	strings s
	strings -n 8 s
}

t_gen() {
	seq 5
	seq 2 2 10
	seq -s, 1 5
	seq -w 8 11
	seq 5 -2 1
	seq 0.5 0.25 1.5
	echo "-- yes"
	yes | head -n 2
	yes abc def | head -n 3
	echo "-- printf"
	printf '%s=%d\n' a 1 b 2 c 3
	printf '[%5s][%-5s][%.2s]\n' ab cd efgh
	printf '%x %X %o %#x %#o %e %.3f %g\n' 255 255 8 255 8 12345.678 3.14159 0.00002
	printf '%c%c\n' hello world
	printf '%b\n' 'tab\there' 'nl\\n'
	printf '%05d|%+d|% d|%-4d|\n' 42 42 42 42
	printf '\101\102\x43\n'
	printf '%d\n' 0x1f 010 "'A"
	printf '%s\n' "no args for %d:" 
	printf '%d\n' abc
	echo "status $?"
	echo "-- echo"
	echo -n "no newline"
	echo
	echo -e 'a\tb\nc\\d'
	echo -E 'a\tb'
	echo "multiple   spaces" kept "  "
}

t_expr() {
	expr 3 + 4
	expr 10 / 3
	expr 10 % 3
	expr 6 \* 7
	expr 2 \< 10
	expr abc \< abd
	expr length "hello world"
	expr substr "hello world" 7 5
	expr index "hello" l
	expr "abc123" : '[a-z]*'
	expr "abc123" : '\([a-z]*\)'
	expr 0 \| 5
	expr 3 \& 0
	echo "status $?"
	expr 1 / 0
	echo "status $?"
	echo "-- test"
	test 5 -gt 3 && echo "5 > 3"
	test abc = abc && echo "abc = abc"
	test -z "" && echo "empty is -z"
	test -n "x" && echo "x is -n"
	[ 1 -eq 1 -a 2 -ne 3 ] && echo "-a works"
	[ 1 -eq 2 -o 2 -le 2 ] && echo "-o works"
	[ ! -e /nonexistent ] && echo "! -e nonexistent"
	[ -d /data ] && [ -f /data/lib.sh ] && [ -r /data/lib.sh ] && echo "-d -f -r"
	[ -x /bin/busybox ] && [ -s /bin/busybox ] && echo "-x -s"
	touch -d '2001-01-01 00:00:00' old && touch -d '2002-02-02 00:00:00' new
	[ new -nt old ] && [ old -ot new ] && echo "-nt -ot"
	ln -s old lnk && [ -L lnk ] && [ -h lnk ] && echo "-L -h"
	[ lnk -ef old ] && echo "-ef"
	[[ abc == a* ]] && echo "[[ glob ]]"
	[[ 2 -lt 10 && -n abc ]] && echo "[[ && ]]"
	test 1 -gt
	echo "status $?"
	[ a = b ]
	echo "status $?"
	echo "-- basename, dirname"
	basename /usr/lib/libc.so.6
	basename /usr/lib/libc.so.6 .so.6
	basename /usr/lib/
	basename /
	dirname /usr/lib/libc.so.6
	dirname usr
	dirname /usr/
	dirname /
	dirname a/b/c
}

t_calc() {
	echo "2^64; 7/3; scale=5; 7/3; sqrt(2); obase=16; 255" | bc
	echo "define f(n) { if (n < 2) return n; return f(n-1) + f(n-2); }; f(15)" | bc
	echo "-- dc"
	dc -e '2 3 + p'
	dc -e '10 3 / p 10 3 % p'
	dc -e '2 10 ^ p 16 o 255 p'
	echo "-- factor"
	factor 360 97 1001 4294967297 1
	echo "-- ascii"
	ascii | head -n 3
}

t_diff() {
	seq 1 10 >a
	{ seq 1 3; echo three-and-a-half; seq 4 7; seq 9 11; } >b
	diff a b
	echo "status $?"
	diff -u a b | tail -n +3
	diff a a
	echo "status $?"
	diff -q a b
	echo "-- patch"
	diff -u a b >p
	cp a c
	patch c <p
	cmp c b && echo "patched equals b"
	patch -R c <p
	cmp c a && echo "reversed equals a"
	echo "-- diff -r"
	mkdir -p x y
	echo 1 >x/f
	echo 2 >y/f
	echo only >x/g
	diff -r x y
	echo "status $?"
	echo "-- cmp"
	cmp a b
	echo "status $?"
	cmp -l a b 2>&1 | head -n 4
	cmp -s a a
	echo "status $?"
	printf 'abc' >s1
	printf 'abcd' >s2
	cmp s1 s2
	echo "status $?"
	echo "-- ed"
	printf 'one\ntwo\nthree\n' >e
	printf '2d\n$a\nfour\n.\n1s/one/ONE/\nw\nq\n' | ed e
	cat e
}

t_sums() {
	printf 'abc' >abc
	: >empty
	seq 1 10000 >big
	md5sum abc empty big
	sha1sum abc empty big
	sha256sum abc empty big
	sha512sum abc empty
	sha3sum abc empty
	crc32 abc big
	echo "-- -c"
	md5sum abc big >sums
	md5sum -c sums
	echo x >>abc
	md5sum -c sums
	echo "status $?"
	echo "-- base64"
	printf 'Hello, World!' | base64
	seq 1 30 | base64
	seq 1 30 | base64 | base64 -d | md5sum
	echo 'SGVsbG8sIFdvcmxkIQ==' | base64 -d
	echo
	printf '\000\377\200' | base64
	echo "-- uuencode, uudecode"
	seq 1 20 >u
	uuencode u.txt <u
	uuencode -m u.txt <u | head -n 2
	uuencode out.txt <u | uudecode
	cmp out.txt u && echo "uudecode round trip"
	uuencode x <u | uudecode -o - | tail -n 1
}

section text-cat t_cat
section text-headtail t_headtail
section text-wc t_wc
section text-sort t_sort
section text-uniq t_uniq
section text-cut-tr t_cuttr
section text-sed t_sed
section text-awk t_awk
section text-grep t_grep
section text-format t_format
section text-dump t_dump
section text-gen t_gen
section text-expr-test t_expr
section text-calc t_calc
section text-diff t_diff
section text-sums t_sums
