# The busybox suite, edges: the kernel's limits and corner cases as the
# applets meet them: exec of odd files, argument and environment sizes,
# long names and deep paths, many and large files, renames that must
# fail, set-group-ID directories, nanosecond times, process groups and
# signals to them, and setting the clock.
. /data/lib.sh

e_exec() {
	printf 'echo "no #! line: run by the shell"\n' >noshebang
	chmod 755 noshebang
	./noshebang
	printf '#!/bin/sh -e\nfalse\necho never\n' >withflag
	chmod 755 withflag
	./withflag
	echo "#! with -e: $?"
	printf '#!/nonexistent/interp\necho x\n' >badinterp
	chmod 755 badinterp
	./badinterp
	echo "missing interpreter: $?"
	printf '#!/bin/sh\necho "argv0=$0 args=$*"\n' >args
	chmod 755 args
	./args one "two three"
	ln -s args viasymlink
	./viasymlink x
	mkdir dir
	./dir
	echo "a directory: $?"
	printf '\177ELF\002\001\001garbage' >badelf
	chmod 755 badelf
	./badelf 2>&1 | cat -v
	echo "a broken ELF file: $?"
	: >empty
	chmod 755 empty
	./empty
	echo "an empty file: $?"
	cp /bin/busybox ./true
	./true && echo "a copy of busybox runs"
	echo "-- exec replaces the shell"
	sh -c 'exec echo "exec'"'"'d"; echo never'
	sh -c 'exec 2>&1; exec nonexistent'
	echo "status $?"
}

e_limits() {
	echo "-- argument lists"
	sh -c 'echo $#' $(seq 1 20000)
	seq 1 20000 | xargs echo | wc -w
	big=$(head -c 100000 /dev/zero | tr '\0' a)
	env X="$big" sh -c 'echo ${#X}'
	huge=$(head -c 140000 /dev/zero | tr '\0' b)
	env X="$huge" true
	echo "one string over 128 KiB: $?"
	many=$(seq 1 300000)
	echo "${#many}"
	sh -c 'echo too many' $many
	echo "over the total: $?"
	echo "-- names"
	n255=$(head -c 255 /dev/zero | tr '\0' n)
	n256=${n255}x
	touch $n255 && echo "255 bytes: fine"
	touch $n256
	echo "status $?"
	ls | wc -l
	echo "-- deep paths"
	p=.
	for i in $(seq 1 60); do p=$p/d$i; done
	mkdir -p $p && echo "60 levels"
	cd $p && pwd | wc -c && cd /tmp/w
	find . -name d60
	rm -r d1 && echo "removed"
	echo "-- many files"
	mkdir many
	for i in $(seq 1 400); do : >many/f$i; done
	ls many | wc -l
	ls many | sort -n -k1.2 | tail -n 1
	rm many/f1*
	ls many | wc -l
	rm -r many
	echo "-- open descriptors"
	(ulimit -n 10; exec 9>x && echo "fd 9 fine"; exec 10>y)
	echo "status $?"
}

e_bigfiles() {
	head -c 3000000 /dev/zero | tr '\0' x >big
	stat -c '%s %b' big
	md5sum big
	cp big copy && cmp big copy && echo "copies equal"
	cat big big >double && stat -c %s double
	tail -c 5 big && echo
	dd if=big bs=4096 skip=700 count=10 status=none | wc -c
	echo "-- holes"
	dd if=/dev/zero of=sparse bs=1 count=1 seek=10000000 status=none
	stat -c '%s %b' sparse
	dd if=sparse bs=1024 skip=5000 count=1 status=none | od -An -c | head -n 1
	truncate -s 4096 sparse && stat -c '%s %b' sparse
	echo "-- appends and rewrites"
	seq 1 5 >f
	echo six >>f
	printf 'ONE' | dd of=f conv=notrunc status=none
	cat f
	: >f && stat -c %s f
	echo "-- a file removed while open"
	exec 3<big
	rm big
	head -c 3 <&3 && echo
	exec 3<&-
	[ -e big ] || echo "gone"
	echo "-- sort and compress in memory"
	seq 1 100000 | sort -r | md5sum
	seq 1 100000 | awk '{ s += $1 } END { print s }'
	seq 1 50000 | gzip | gunzip | tail -n 1
}

e_renames() {
	mkdir -p a/b full/d1 full/g d1 d2
	touch f full/d1/x full/d2 g
	mv a a/b/c
	echo "into itself: $?"
	mv f a && mv a/f a/b && ls a a/b
	mv d1 full
	echo "over a non-empty directory: $?"
	mv d2 full
	echo "directory over a file: $?"
	mv g full
	echo "file over a directory: $?"
	ls d1 d2 g
	mkdir d3
	mv d2 d3/ && ls d3
	mv d3/d2 d3/d2b && ls d3
	mv f2 f2
	touch h
	mv h h && echo "onto itself: fine"
	mv nonexistent x
	echo "status $?"
	echo "-- link counts of directories"
	stat -c '%n %h' a a/b full
	mkdir a/b/c1 a/b/c2
	stat -c '%n %h' a/b
	mv a/b/c1 full
	stat -c '%n %h' a/b full
	rmdir a/b/c2 full/c1
	stat -c '%n %h' a/b full
	cd a/b/.. && pwd && cd /tmp/w
	echo "-- set-group-ID directories"
	mkdir sg
	chgrp 100 sg
	chmod 2775 sg
	touch sg/file
	mkdir sg/sub
	stat -c '%n %g %A' sg sg/file sg/sub
}

e_times() {
	touch -d '2020-01-01 00:00:00' f
	stat -c '%y' f
	touch -d @-86400000 older
	stat -c '%Y %y' older
	touch -d '2100-01-01 00:00:00' future
	stat -c '%Y' future
	touch -d '2038-01-19 03:14:08' y2038
	stat -c '%Y' y2038
	touch -d @0 epoch
	ls -l --full-time epoch | cut -c43-
	echo "-- a directory's mtime follows its names"
	mkdir d
	touch -d '2001-01-01 00:00:00' d
	stat -c '%Y' d
	touch d/new
	[ "$(stat -c %Y d)" != 978307200 ] && echo "creating a name changed it"
	touch -d '2001-01-01 00:00:00' d
	cat d/new
	ls d >/dev/null
	stat -c '%Y' d
	rm d/new
	[ "$(stat -c %Y d)" != 978307200 ] && echo "removing a name changed it"
	echo "-- cp -p keeps times, cp does not"
	cp -p f f2 && stat -c '%y' f2
	cp f f3
	[ "$(stat -c %Y f3)" != "$(stat -c %Y f)" ] && echo "plain cp: a new time"
}

e_pgroups() {
	echo "-- kill 0 in a session of its own"
	setsid sh -c '
		trap "echo leader got USR1" USR1
		/bin/sleep 5 & a=$!
		/bin/sleep 5 & b=$!
		sleep 0.5 # till both have run exec, which drops the handler
		kill -USR1 0
		wait $a 2>/dev/null; echo "first child: $?"
		wait $b 2>/dev/null; echo "second child: $?"
	'
	echo "-- a process group by its negative ID"
	setsid sh -c '
		trap "echo leader got TERM" TERM
		/bin/sleep 5 & c=$!
		sleep 0.5
		kill -TERM -$$ && echo "sent to -\$\$"
		wait $c 2>/dev/null; echo "child: $?"
	'
	echo "-- SIGCHLD"
	sh -c 'trap "echo got CHLD" CHLD; sh -c "exit 0"; echo after'
	echo "-- a signal while blocked opening a FIFO"
	mkfifo ff
	sh -c '
		trap "echo USR1 during the open" USR1
		(sleep 1; kill -USR1 $$; echo data >ff) &
		read x <ff
		echo "read: $? [$x]"
		exec 3<>ff # a reader for the writer, if the open was not redone
		wait
	'
	echo "-- exit statuses of signalled children"
	for s in HUP INT QUIT ABRT USR1 USR2 ALRM TERM PIPE; do
		sh -c "kill -$s \$\$"
		echo "$s: $?"
	done 2>&1 | grep -v '^[A-Z][a-z]'
}

e_clock() {
	date -s '2033-05-18 03:33:20' >/dev/null
	echo "date -s: $?"
	date '+%Y-%m-%d'
	[ "$(date +%s)" -ge 2000000000 ] && echo "the clock moved"
	touch now
	[ "$(stat -c %Y now)" -ge 2000000000 ] && echo "new files get the new time"
	su -s /bin/sh bb -c 'date -s @0'
	echo "as a user: $?"
}

section edge-exec e_exec
section edge-limits e_limits
section edge-bigfiles e_bigfiles
section edge-renames e_renames
section edge-times e_times
section edge-pgroups e_pgroups
section edge-clock e_clock
