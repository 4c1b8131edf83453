# The busybox suite, the shell: busybox sh (ash) with pipes, command
# substitution, redirections, here-documents, traps and signals,
# background jobs, subshells, read and getopts. Every line printed is
# fixed; a PID is only ever compared, never printed.
. /data/lib.sh

s_pipes() {
	echo "one two three" | tr ' ' '\n' | sort -r | head -n 2
	seq 1 100 | grep 7 | wc -l
	seq 1 5 | while read -r n; do echo "line $n"; done | tail -n 2
	echo "-- statuses"
	false | true
	echo "false | true: $?"
	true | false
	echo "true | false: $?"
	set -o pipefail
	(exit 3) | (exit 0) | true
	echo "pipefail: $?"
	set +o pipefail
	! false
	echo "! false: $?"
	echo "-- a reader that leaves early (writer gets SIGPIPE)"
	yes | head -n 1
	seq 1 100000 | head -n 1
	(
		trap '' PIPE
		yes 2>&1 | head -n 1
	)
	echo "-- long pipeline"
	seq 1 20 | grep -v 3 | sed 's/^/n/' | tr a-z A-Z | sort | uniq | tail -n 3 | cat | cat
	echo "-- big data through a pipe"
	seq 1 50000 | cat | cat | md5sum
	head -c 300000 /dev/zero | cat | wc -c
}

s_subst() {
	x=$(echo hello)
	echo "x=$x"
	y=`echo back ticks`
	echo "y=$y"
	echo "nested: $(echo $(echo $(echo deep)))"
	echo "lines: $(printf 'a\nb\n\n\n')|"
	n=$(seq 1 100 | wc -l)
	echo "count $((n * 2))"
	echo "status of \$(false): $(false)$?"
	v=$(exit 7)
	echo "assignment status: $?"
	echo "arith: $((1 + 2 * 3)) $((17 / 5)) $((17 % 5)) $((2 ** 16)) $((-7 / 2)) $((1 << 40)) $((0x10 + 010)) $((3 > 2 && 1 < 0))"
	i=5
	echo "$((i += 3)) $((i++)) $i $((--i)) $((i ? 10 : 20))"
	echo "-- parameter expansion"
	s=/usr/local/lib/libfoo.so.1
	echo "${s#*/} ${s##*/} ${s%.*} ${s%%.*}"
	echo "${#s} ${s:5:5} ${s: -4}"
	echo "${s/lib/LIB} ${s//lib/LIB}"
	unset u
	echo "[${u:-default}] [${u-dash}] [${u:+alt}] [${s:+alt}]"
	echo "[${u:=assigned}] u=$u"
	(: "${v2:?v2 is not set}")
	echo "status $?"
	set -- a "b c" d
	echo "$# [$*] [$@]"
	for a in "$@"; do echo "<$a>"; done
	for a in $*; do echo "{$a}"; done
	IFS=: read -r f1 f2 f3 <<-EOF
		x:y:z
	EOF
	echo "$f3$f2$f1"
	echo "-- globbing"
	touch b1 b2 b3 c1 .hidden
	echo b*
	echo ?1
	echo [bc]2*
	echo nomatch*
	echo .h*
	set -f
	echo b*
	set +f
}

s_redir() {
	echo out >f
	echo more >>f
	cat <f
	cat f nonexistent >both 2>&1
	cat both
	cat nonexistent 2>/dev/null || echo "stderr to /dev/null"
	{ echo to stderr >&2; } 2>e
	cat e
	echo "-- exec and numbered descriptors"
	exec 3>fd3
	echo "via 3" >&3
	echo "again" >&3
	exec 3>&-
	cat fd3
	exec 4<fd3
	read -r line <&4
	echo "read from 4: $line"
	read -r line <&4
	echo "then: $line"
	exec 4<&-
	echo hi >&5
	echo "status $?"
	echo "-- <> and >|"
	echo 12345 >rw
	exec 6<>rw
	read -r -n 2 part <&6
	echo "first two: $part"
	echo XY >&6
	exec 6>&-
	cat rw
	set -C
	echo no >f
	echo "noclobber: $?"
	echo yes >|f
	set +C
	cat f
	echo "-- here-documents"
	name=world
	cat <<EOF
hello $name $((1 + 1))
	tab kept
EOF
	cat <<'EOF'
no $expansion here `date`
EOF
	cat <<-EOF
		leading tabs stripped
	EOF
	while read -r a b; do echo "$b-$a"; done <<EOF
1 one
2 two
EOF
	echo "-- redirection of a loop, a function"
	for i in 1 2 3; do echo $i; done >loop
	wc -l <loop
	fn() { echo "fn out"; echo "fn err" >&2; }
	fn 2>&1 >/dev/null
	fn >/dev/null 2>&1
	echo "-- missing directory"
	echo x >/nonexistent/dir/f
	echo "status $?"
}

s_traps() {
	trap 'echo "EXIT trap"' EXIT
	trap 'echo "got USR1"' USR1
	kill -USR1 $$
	echo "after USR1"
	trap 'echo "got TERM"' TERM
	kill -TERM $$
	trap - USR1
	trap
	(
		trap 'echo "subshell EXIT"; exit 5' EXIT
		echo "in subshell"
	)
	echo "subshell status $?"
	echo "-- ignored in the shell, inherited by children"
	trap '' USR2
	kill -USR2 $$
	echo "USR2 ignored"
	sh -c 'kill -USR2 $$; echo "child ignores USR2 too"'
	trap - USR2
	echo "-- death by signal"
	sh -c 'kill -TERM $$; echo never'
	echo "status $?"
	sh -c 'kill -KILL $$'
	echo "status $?"
	sh -c 'kill -SEGV $$'
	echo "status $?"
	sh -c 'trap "echo child caught HUP; exit 9" HUP; kill -HUP $$; sleep 5'
	echo "status $?"
	echo "-- trap ERR-less: set -e in a subshell"
	(set -e; true; false; echo never)
	echo "set -e status $?"
	echo "-- kill -l"
	kill -l 9 15 2
	kill -l TERM
	kill -0 $$ && echo "kill -0 self: ok"
	kill -9 999999
	echo "status $?"
	kill -NOSUCH $$
	echo "status $?"
}

s_jobs() {
	sleep 0.1 &
	p=$!
	wait $p
	echo "wait sleep: $?"
	(exit 3) &
	wait $!
	echo "wait exit 3: $?"
	sh -c 'sleep 10' &
	p=$!
	kill $p
	wait $p 2>/dev/null # no "Terminated": shown only if reaped right here
	echo "killed with TERM: $?"
	sleep 10 &
	p=$!
	kill -KILL $p
	wait $p 2>/dev/null
	echo "killed with KILL: $?"
	echo "-- several at once, in order of completion"
	for t in 7 1 4; do (sleep 0.$t && echo "job $t done") & done
	wait
	echo "all done"
	echo "-- results through files"
	for i in 1 2 3 4; do (echo $((i * i)) >sq.$i) & done
	wait
	cat sq.1 sq.2 sq.3 sq.4
	echo "-- \$! is a child, \$\$ is not"
	true &
	[ "$!" != "$$" ] && echo "\$! differs from \$\$"
	wait
	echo "-- wait for nothing"
	wait
	echo "wait: $?"
	wait 999999
	echo "wait for a stranger: $?"
	echo "-- stop and continue"
	sleep 0.3 &
	p=$!
	kill -STOP $p
	kill -CONT $p
	wait $p
	echo "stopped, continued, finished: $?"
}

s_subshell() {
	x=outer
	(x=inner; echo "in: $x")
	echo "out: $x"
	{ x=group; }
	echo "group: $x"
	(cd /tmp && pwd)
	pwd
	(exit 42)
	echo "status $?"
	( (exit 1) || echo "inner failed" )
	echo "-- variables and the environment"
	FOO=exported
	export FOO
	sh -c 'echo "child sees FOO=$FOO"'
	BAR=local
	sh -c 'echo "child sees BAR=[$BAR]"'
	BAZ=once sh -c 'echo "child sees BAZ=$BAZ"'
	echo "BAZ after: [$BAZ]"
	unset FOO
	sh -c 'echo "FOO after unset: [$FOO]"'
	echo "-- functions"
	count() {
		local n=0
		while [ $n -lt "$1" ]; do n=$((n + 1)); done
		echo "counted to $n"
		return 4
	}
	count 5
	echo "return: $?"
	echo "n is [$n]"
	rec() { [ "$1" -eq 0 ] && echo "bottom" && return; rec $(($1 - 1)); echo "up $1"; }
	rec 3
	echo "-- eval, command, type"
	cmd='echo "evaluated $((6 * 7))"'
	eval "$cmd"
	command -v echo
	command -v sh
	command -v nonexistent
	echo "status $?"
	type count | head -n 1
	echo "-- sh -c, scripts and arguments"
	sh -c 'echo "args: $0 $1 $2 $#"' zero one two
	printf 'echo "script got $# args: $*"\nexit 6\n' >s.sh
	sh s.sh a b c
	echo "status $?"
	printf '#!/bin/sh\necho "shebang: $0 $1"\n' >x.sh
	chmod +x x.sh
	./x.sh arg
	echo 'echo "sourced: $1"; sourced_var=yes' >src.sh
	. ./src.sh
	echo "sourced_var=$sourced_var"
	sh -c 'exit 300'
	echo "exit 300: $?"
	nonexistent_command
	echo "status $?"
	sh -n -c 'if then fi'
	echo "syntax: $?"
}

s_read() {
	printf 'alpha beta gamma\n' | {
		read -r a b
		echo "a=$a b=$b"
	}
	printf 'one\\\ntwo\n' | {
		read -r x
		echo "raw: $x"
	}
	printf 'one\\\ntwo\n' | {
		read x
		echo "joined: $x"
	}
	printf '  padded  \n' | {
		read -r x
		echo "[$x]"
	}
	printf '  padded  \n' | {
		IFS= read -r x
		echo "[$x]"
	}
	printf 'abcdef' | {
		read -r -n 3 x
		echo "-n 3: $x"
	}
	printf 'a:b:c\n' | {
		IFS=: read -r p q r
		echo "$r$q$p"
	}
	printf 'last line without newline' | {
		read -r x
		echo "status $? [$x]"
	}
	: | {
		read -r x
		echo "at EOF: $?"
	}
	read -t 0.1 x </dev/null
	echo "from /dev/null: $?"
	echo "-- a file line by line"
	n=0
	while IFS=: read -r name colour qty price; do
		n=$((n + qty))
	done </data/in/fruits.txt
	echo "total quantity $n"
}

s_getopts() {
	parse() {
		OPTIND=1
		while getopts "ab:c" opt; do
			case $opt in
			a) echo "flag a" ;;
			b) echo "b with $OPTARG" ;;
			c) echo "flag c" ;;
			?) echo "bad option" ;;
			esac
		done
		shift $((OPTIND - 1))
		echo "rest: $*"
	}
	parse -a -b value -c one two
	parse -ac -bX
	parse -x -a
	parse -b
	parse -- -a
	parse plain -a
	echo "-- getopt (the applet)"
	getopt -o ab:c -l long,with: -- -a -b 1 --long --with=2 file
	getopt -o a -- -z 2>&1
	echo "status $?"
}

s_misc() {
	echo "-- case"
	for w in apple Banana 42 x.txt ""; do
		case $w in
		[a-z]*) echo "$w: lower" ;;
		[A-Z]*) echo "$w: upper" ;;
		[0-9]*) echo "$w: digit" ;;
		*) echo "[$w]: other" ;;
		esac
	done
	echo "-- loops"
	i=0
	while :; do
		i=$((i + 1))
		[ $i -eq 2 ] && continue
		[ $i -gt 4 ] && break
		echo "i=$i"
	done
	for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo "$i$j"; done; done
	until [ $i -le 0 ]; do i=$((i - 2)); done
	echo "i=$i"
	echo "-- set -u, set -x"
	(set -u; echo "$undefined_var"; echo never)
	echo "status $?"
	(set -x; : traced command) 2>&1
	echo "-- shift, \$@"
	set -- 1 2 3 4 5
	shift 2
	echo "$@"
	shift 9
	echo "status $?"
	echo "-- alias"
	alias ll='echo aliased'
	alias ll
	unalias ll
	echo "-- builtins: printf, echo, test, true, false, :"
	true && : && echo "true and :"
	false || echo "false"
	printf '%s\n' "$(printf 'x%.0s' 1 2 3)"
	echo "-- ulimit, umask"
	ulimit -n
	ulimit -c
	ulimit -s
	(ulimit -n 64 && ulimit -n)
	(ulimit -c unlimited 2>&1; echo "raising: $?")
	umask
	echo "-- ash extras"
	echo $((16#ff)) $((2#1010)) $((8#17))
	echo "$RANDOM" | grep -q '^[0-9][0-9]*$' && echo "RANDOM is a number"
	echo "$PPID" | grep -q '^[0-9][0-9]*$' && echo "PPID is a number"
	[ "$$" -gt 1 ] && echo "\$\$ is not 1 in a section"
	echo "-- exit in a pipeline's last part does not end the shell"
	echo x | exit 3
	echo "still here: $?"
}

section sh-pipes s_pipes
section sh-subst-expand s_subst
section sh-redir-heredoc s_redir
section sh-traps-signals s_traps
section sh-jobs s_jobs
section sh-subshell-func s_subshell
section sh-read s_read
section sh-getopts s_getopts
section sh-misc s_misc
