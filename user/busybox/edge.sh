# The busybox suite, edges: the kernel's limits and corner cases as the
# applets meet them: exec of odd files, argument and environment sizes,
# long names and deep paths, many and large files, renames that must
# fail, set-group-ID directories, times, process groups and signals to
# them, paths with trailing slashes and across file systems, a small
# tmpfs mounted (limits, busy, read-only: nothing is read from /proc),
# processes in parallel, and setting the clock (last).
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
		# the writer comes a second after the signal, never with it
		(sleep 1; kill -USR1 $$; sleep 1; echo data >ff) &
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

e_paths() {
	mkdir dir
	touch file
	ln -s dir ldir
	ln -s file lfile
	echo "-- trailing slashes"
	ls -d dir/ ldir/
	cat file/
	echo "status $?"
	touch file/
	echo "status $?"
	mkdir newdir/ && ls -d newdir
	rmdir ldir/
	echo "status $?"
	rm ldir/
	echo "status $?"
	mv newdir/ moved && ls -d moved
	ls lfile/
	echo "status $?"
	echo "-- directories where files go"
	cat dir
	echo "status $?"
	echo x >dir
	echo "status $?"
	exec 3<file
	echo x >&3
	echo "write to a read-only descriptor: $?"
	exec 3<&-
	echo "-- long symlink targets"
	t4095=$(head -c 4095 /dev/zero | tr '\0' t)
	ln -s "$t4095" long && readlink long | wc -c
	ln -s "${t4095}x" toolong
	echo "status $?"
	echo "-- across file systems (/dev is another)"
	echo moving >m
	mv m /dev/bbmoved && cat /dev/bbmoved && [ ! -e m ] && echo "moved by copying"
	mv /dev/bbmoved . && cat bbmoved
	ln bbmoved /dev/bblink
	echo "status $?"
	ln -s /tmp/w/bbmoved /dev/bbsym && cat /dev/bbsym && rm /dev/bbsym
	mkdir -p tree/sub && echo in >tree/sub/f
	mv tree /dev/bbtree && cat /dev/bbtree/sub/f && mv /dev/bbtree . && find tree | sort
	echo "-- hard links seen by tools"
	echo same >h1
	ln h1 h2
	touch -d '2020-01-01 00:00:00' h1
	find . -samefile h1 | sort
	du -s h1 h2 | awk '{ print $2 }'
	tar -cf h.tar h1 h2 && tar -tvf h.tar
	mkdir x && tar -xf h.tar -C x && stat -c '%n %h' x/h1 x/h2
	printf 'h1\nh2\n' | cpio -o -H newc --quiet --ignore-devno --renumber-inodes >h.cpio 2>/dev/null
	mkdir y && (cd y && cpio -i --quiet <../h.cpio 2>/dev/null) && stat -c '%n %h %s' y/h1 y/h2
}

e_tmpfs() {
	mkdir m
	mount -t tmpfs -o size=64k,nr_inodes=8 small m && echo "mounted"
	stat -f -c '%T %S %b %f' m
	stat -c '%a %h' m
	dd if=/dev/zero of=m/big bs=4096 count=32 status=none
	echo "past the size: $?"
	stat -c '%s' m/big
	rm m/big
	for i in 1 2 3 4 5 6 7 8; do touch m/f$i || break; done
	ls m | wc -l
	rm m/f*
	echo "-- busy"
	cd m && umount /tmp/w/m
	echo "umount with a cwd inside: $?"
	cd /tmp/w
	touch m/x
	umount m && echo "unmounted"
	[ -e m/x ] || echo "its files are gone"
	umount m
	echo "status $?"
	mount -t nosuchfs none m
	echo "status $?"
	mkdir ro
	mount -t tmpfs -o ro none ro && echo "mounted read-only"
	touch ro/x
	echo "status $?"
	umount ro
	echo "-- a bind mount"
	mkdir src dst
	echo bound >src/f
	mount --bind src dst && cat dst/f && umount dst && ls dst | wc -l
}

e_parallel() {
	seq 1 24 | xargs -P 4 -n 1 sh -c 'echo $(($0 * $0))' | sort -n | md5sum
	seq 1 8 | xargs -P 8 -I{} sh -c 'sleep 0.1; echo job {}' | sort
	echo "-- orphans are reaped by init"
	sh -c '(sleep 0.2; echo "orphan done") & echo "parent exits"'
	sleep 0.5
	echo "-- many processes at once"
	for i in $(seq 1 30); do (echo $i >p.$i) & done
	wait
	cat p.* | sort -n | tr '\n' ' '
	echo
	ls p.* | wc -l
}

# Times Linux keeps without being asked, compared with fixed ones only.
e_inodes() {
	old=978307200 # 2001-01-01 00:00:00
	echo data >f
	touch -d @$old f
	echo "-- atime (relatime: a read after an older atime updates it)"
	cat f >/dev/null
	[ "$(stat -c %X f)" -gt $old ] && echo "read: atime updated"
	[ "$(stat -c %Y f)" = $old ] && echo "read: mtime kept"
	touch -d @$old f
	: >>f
	[ "$(stat -c %Y f)" = $old ] && echo "an empty append: mtime kept"
	echo more >>f
	[ "$(stat -c %Y f)" -gt $old ] && echo "a write: mtime updated"
	echo "-- ctime follows every change"
	touch -d @$old f
	[ "$(stat -c %Z f)" -gt $old ] && echo "touch -d set ctime to now"
	ln f g
	[ "$(stat -c %h f)" = 2 ] && [ "$(stat -c %i f)" = "$(stat -c %i g)" ] && echo "a link: same inode, 2 links"
	[ "$(stat -c %Z f)" -ge "$(stat -c %Y f)" ] && echo "ctime >= mtime"
	echo "-- a directory removed while it is the cwd"
	mkdir gone
	cd gone || return 1
	rmdir ../gone
	ls -a | wc -l
	touch new
	echo "create in it: $?"
	pwd -P
	echo "status $?"
	cd .. && pwd
	echo "-- a file renamed while open"
	echo "still here" >r1
	exec 3<r1
	mv r1 r2
	cat <&3
	exec 3<&-
	echo "-- busy executables"
	mkdir bin
	cp /bin/busybox bin/
	bin/busybox sleep 1 &
	sleep 0.3
	echo x >>bin/busybox
	echo "write while it runs: $?"
	wait
	exec 4>>bin/busybox
	bin/busybox true
	echo "run while open for writing: $?"
	exec 4>&-
	bin/busybox true && echo "closed: runs"
	echo "-- .. at the root and in a chroot"
	cd / && cd .. && pwd
	mkdir -p jail/bin
	cp /bin/busybox jail/bin/
	chroot jail /bin/busybox sh -c 'cd ../../..; /bin/busybox pwd; /bin/busybox ls /'
}

e_devices() {
	stat -c '%n %F %t,%T %a %u:%g' /dev/null /dev/zero /dev/full \
		/dev/random /dev/urandom /dev/tty /dev/console
	stat -f -c '%T' /dev
	echo "-- reading and writing them"
	head -c 8 /dev/full | od -An -tx1
	head -c 100 /dev/random | wc -c
	echo discarded >/dev/zero && echo "writing /dev/zero: fine"
	dd if=/dev/zero of=/dev/null bs=65536 count=64 status=none && echo "4 MiB to /dev/null"
	echo x >/dev/tty
	echo "/dev/tty without a controlling terminal: $?"
	echo "-- nodes made here"
	mknod blk b 7 0
	stat -c '%n %F %t,%T' blk
	mknod -m 640 chr c 1 3
	stat -c '%n %F %a' chr
	mknod pipe p
	stat -c '%n %F' pipe
	echo "-- a memory limit"
	(ulimit -v 200000 && seq 1 1000 | sort -n | tail -n 1)
	(ulimit -v 2000 && seq 1 1000 | sort -n | tail -n 1) 2>&1 | grep -c .
}

section edge-exec e_exec
section edge-limits e_limits
section edge-bigfiles e_bigfiles
section edge-renames e_renames
section edge-times e_times
section edge-pgroups e_pgroups
section edge-paths e_paths
section edge-tmpfs e_tmpfs
section edge-parallel e_parallel
section edge-inodes e_inodes
section edge-devices e_devices
section edge-clock e_clock
