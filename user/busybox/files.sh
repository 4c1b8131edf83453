# The busybox suite, files: making, listing, copying, moving, linking and
# removing files on the root tmpfs, their attributes (fixed times by
# touch -d, modes, owners), find and xargs. Directory order is sorted
# wherever a tool prints it as readdir gives it (find, du, grep -r).
. /data/lib.sh

# A small tree with fixed times: d/ (a, b.txt, sub/c.txt, link -> a).
tree() {
	mkdir -p d/sub d/empty
	echo alpha >d/a
	printf 'bravo bravo\n' >d/b.txt
	seq 1 1000 >d/sub/c.txt
	ln -s a d/link
	touch -d '2021-03-04 05:06:07' d/a
	touch -d '2020-01-02 03:04:05' d/b.txt d/sub/c.txt
	touch -h -d '2019-12-31 23:59:59' d/link
	touch -d '2018-06-07 08:09:10' d/sub d/empty d
}

f_mkdir() {
	mkdir one
	mkdir one
	echo "status $?"
	mkdir -p one/two/three && echo "-p made one/two/three"
	mkdir -p one/two && echo "-p on an existing one: fine"
	mkdir x/y
	echo "status $?"
	mkdir -m 700 private
	stat -c '%n %A' one private
	echo "-- rmdir"
	rmdir one
	echo "status $?"
	rmdir -p one/two/three && echo "-p removed all three"
	[ -e one ] || echo "one is gone"
	rmdir private/
	rmdir nonexistent
	echo "status $?"
	touch file
	rmdir file
	echo "status $?"
	mkdir file/sub
	echo "status $?"
	echo "-- pwd, cd"
	mkdir -p p/q
	cd p/q && pwd && cd ../.. && pwd
	ln -s p/q lq
	cd lq && pwd && pwd -P && cd ..
	cd nonexistent
	echo "status $?"
}

f_ls() {
	tree
	ls
	ls d
	ls -a d
	ls -A d
	ls -p d
	ls -F d
	ls -d d d/sub
	ls -R d
	ls -1 d/sub d/a
	echo "-- sorted by size, time, reversed"
	ls -S d
	ls -t d
	ls -rt d
	ls -r d
	echo "-- columns"
	ls -C -w 30 d
	ls -x -w 30 d
	echo "-- missing"
	ls d/nope
	echo "status $?"
	ls d/nope d/a
	echo "status $?"
}

f_lsl() {
	tree
	chmod 640 d/b.txt
	ls -l d
	ls -ln d/sub
	ls -ld d d/empty
	ls -l --full-time d/a d/link
	ls -lL d/link
	ls -s d/sub/c.txt d/a
	ls -lh d/sub/c.txt
	mkfifo d/fifo
	chmod 600 d/fifo
	touch -d '2017-01-01 00:00:00' d/fifo
	ls -l d/fifo
	ls -F d | tail -n 3
}

f_stat() {
	tree
	stat -c '%n|%s|%a|%A|%F|%h|%u|%g|%U|%G|%Y|%y' d/a d/b.txt d/sub d/empty d/link
	stat -L -c '%n|%s|%F|%Y' d/link
	stat -c '%N' d/link d/a
	stat -c '%b %B' d/sub/c.txt
	mkfifo d/p
	stat -c '%F %a' d/p
	echo "-- times"
	touch -a -d '2001-02-03 04:05:06' d/a
	touch -m -d '2002-03-04 05:06:07' d/a
	stat -c '%X %Y' d/a
	touch -t 202205060708.09 d/a
	stat -c '%x %y' d/a
	touch -r d/b.txt d/a
	stat -c '%Y' d/a d/b.txt
	touch -d @1234567890 d/a
	stat -c '%Y %y' d/a
	touch -c d/notmade
	[ -e d/notmade ] || echo "touch -c made nothing"
	echo "-- file systems"
	stat -f -c '%T %S %l' /
	stat nonexistent
	echo "status $?"
}

f_cpmv() {
	tree
	cp d/a copy
	cat copy
	cp d/a d/b.txt d/sub/
	ls d/sub
	cp d/sub copydir
	echo "status $?"
	cp -r d/sub copydir
	ls copydir
	[ "$(stat -c %Y copydir/c.txt)" != 1577934245 ] && echo "cp -r: a new mtime"
	cp -p d/sub/c.txt preserved
	stat -c '%Y' preserved
	cp -a d archive
	stat -c '%n %a %Y' archive/a archive/b.txt archive/empty
	readlink archive/link
	cp nonexistent x
	echo "status $?"
	cp d/a d/a
	echo "status $?"
	echo "-- mv"
	mv copy moved
	ls copy moved
	mv moved d/sub
	ls d/sub
	mv d/sub d/renamed
	ls d
	mv d/renamed/moved d/renamed/a
	cat d/renamed/a
	mv d/empty d/renamed
	ls d/renamed
	mv d/renamed d/renamed/a/x
	echo "status $?"
	mv d d/renamed
	echo "status $?"
	mkdir full && touch full/f && mkdir e2
	mv e2 full
	mv full e3
	ls e3
	echo "-- rm"
	rm d/renamed/a d/renamed/b.txt
	rm d/renamed
	echo "status $?"
	rm nonexistent
	echo "status $?"
	rm -f nonexistent && echo "rm -f: no complaint"
	rm -r d/renamed
	ls d
	rm -rf d archive copydir e3
	ls
}

f_links() {
	echo data >f
	ln f hard
	stat -c '%n %h' f hard
	echo more >>hard
	cat f
	rm f
	stat -c '%n %h' hard
	ln hard hard
	echo "status $?"
	mkdir dir
	ln dir dirlink
	echo "status $?"
	link hard hard2 && stat -c '%h' hard2
	unlink hard2 && stat -c '%h' hard
	echo "-- symlinks"
	ln -s hard soft
	ln -s nowhere dangling
	ln -s ../x dir/up
	for l in soft dangling dir/up; do readlink $l; done
	cat soft
	cat dangling
	echo "status $?"
	ln -s other soft
	echo "status $?"
	ln -sf other soft && readlink soft
	ln -s loop2 loop1 && ln -s loop1 loop2
	cat loop1
	echo "status $?"
	echo "-- readlink -f, realpath"
	mkdir -p a/b/c
	ln -s a/b lb
	ln -s c lb/lc
	readlink -f lb/lc
	readlink -f lb/lc/../..
	realpath lb/lc a/./b/../b
	readlink -f dangling
	realpath nonexistent/x
	echo "status $?"
	readlink hard
	echo "status $?"
	ln -s /tmp/w/a abs
	ls abs
	ls -l abs | awk '{ print $1, $(NF-2), $(NF-1), $NF }'
	ln -snf a/b abs && readlink abs
}

f_modes() {
	touch f
	stat -c '%a %A' f
	for m in 0 755 4755 2755 1777 644 u+x g+w o-r a=r u=rwx,go= +t -t; do
		chmod $m f
		echo "$m: $(stat -c '%a %A' f)"
	done
	mkdir -p dir/sub
	touch dir/x dir/sub/y
	chmod -R 700 dir
	stat -c '%n %a' dir dir/x dir/sub dir/sub/y
	chmod 999 f
	echo "status $?"
	chmod 644 nonexistent
	echo "status $?"
	echo "-- umask"
	umask
	(umask 077 && touch private && mkdir privdir && stat -c '%n %a' private privdir)
	(umask 0 && touch open && stat -c '%n %a' open)
	umask -S
	echo "-- root and the permission bits"
	echo secret >locked
	chmod 000 locked
	cat locked
	echo more >>locked && echo "root writes mode 000"
	printf '#!/bin/sh\necho ran\n' >script
	chmod 644 script
	./script
	echo "status $?"
	chmod 744 script
	./script
	chmod 010 script
	./script
	echo "-- chown, chgrp"
	touch o
	chown 1000:100 o
	stat -c '%u %g' o
	chown 2000 o && stat -c '%u %g' o
	chown :300 o && stat -c '%u %g' o
	chgrp 400 o && stat -c '%u %g' o
	chown -R 5:6 dir && stat -c '%n %u:%g' dir dir/sub/y
	ln -s o lo
	chown -h 7:8 lo && stat -c '%n %u:%g' lo o
	chown 9:9 lo && stat -c '%n %u:%g' lo o
	chown nosuchuser o
	echo "status $?"
	chmod 4755 o && chown 1:1 o && stat -c '%a' o
}

f_find() {
	tree
	find d | sort
	echo "-- -type, -name, -iname, -path"
	find d -type f | sort
	find d -type d | sort
	find d -type l
	find d -name '*.txt' | sort
	find d -iname 'B.*'
	find d -path '*sub*' | sort
	echo "-- depth"
	find d -maxdepth 1 | sort
	find d -mindepth 2
	find d -maxdepth 0
	echo "-- size, empty, newer, perm, links, user"
	find d -size +1k
	find d -size -2 -type f | sort
	find d -size 6c
	find d -empty
	find d -newer d/b.txt | sort
	chmod 755 d/a
	find d -perm 755 | sort
	find d -perm -u+x -type f
	find d -type d -links 2 | sort
	find d -user 0 -name a
	find d -user 1 | wc -l
	echo "-- operators, prune, regex"
	find d ! -type d | sort
	find d -name a -o -name c.txt | sort
	find d -name sub -prune -o -type f -print | sort
	find d -regex '.*/[ab].*' | sort
	find d -type f -name '*.txt' -exec wc -l {} \; | sort
	find d -type f -exec echo found {} + | tr ' ' '\n' | sort
	find d -name 'c*' -print0 | od -c | head -n 2
	find d -name nothing
	find d/nope
	echo "status $?"
	echo "-- -depth, -exec rm"
	find d -depth -name sub
	find d -name '*.txt' -exec rm {} +
	find d -type f
}

f_xargs() {
	seq 1 10 | xargs
	seq 1 10 | xargs -n 3
	seq 1 10 | xargs -n 4 echo n:
	printf 'a b\nc\n' | xargs -I{} echo "[{}]"
	printf 'one\000two words\000' | xargs -0 -n 1 echo
	echo "x y" | xargs -t echo
	: | xargs -r echo "never"
	: | xargs echo "once, empty"
	seq 1 3 | xargs -n 1 sh -c 'exit $0'
	echo "status $?"
	echo 1 | xargs false
	echo "status $?"
	echo 1 | xargs nonexistentcmd
	echo "status $?"
	seq 1 200 | xargs -s 50 >lines
	head -n 3 lines
	mkdir d && touch d/f1 d/f2 d/f3
	find d -type f | sort | xargs rm
	ls d
}

f_sizes() {
	echo "-- truncate"
	truncate -s 10000 t
	stat -c '%s %b' t
	truncate -s 100 t && stat -c '%s' t
	truncate -s 5k t && stat -c '%s' t
	truncate -c -s 1 nothere
	[ -e nothere ] || echo "truncate -c made nothing"
	echo "-- dd"
	dd if=/dev/zero of=z bs=512 count=3 status=noxfer
	stat -c '%s' z
	seq 1 100 >s
	dd if=s bs=10 skip=2 count=2 status=none
	echo
	dd if=s of=z bs=1 seek=4 count=4 conv=notrunc status=none
	od -c z | head -n 2
	printf 'abcdef' | dd conv=swab status=none
	echo
	printf 'abc' | dd bs=8 conv=sync status=none | od -c
	dd if=s of=part bs=100 count=1 status=none && stat -c %s part
	dd if=s iflag=skip_bytes,count_bytes skip=3 count=5 status=none
	echo
	dd if=/nonexistent status=none
	echo "status $?"
	echo "-- du"
	mkdir -p d/sub
	head -c 5000 /dev/zero >d/5k
	head -c 1 /dev/zero >d/1b
	head -c 20000 /dev/zero >d/sub/20k
	: >d/empty
	du -a d | sort -k2
	du -s d
	du -sk d/5k d/sub
	du -b d/5k d/1b
	echo "-- fallocate"
	fallocate -l 8192 fa
	stat -c '%s %b' fa
	fallocate -o 8192 -l 4096 fa
	stat -c '%s %b' fa
	echo "-- sparse"
	dd if=/dev/zero of=sp bs=1 count=1 seek=100000 status=none
	stat -c '%s %b' sp
	echo "-- full"
	echo x >/dev/full
	echo "status $?"
	head -c 100000 /dev/zero | wc -c
	head -c 16 /dev/urandom | wc -c
	cat /dev/null | wc -c
	echo "-- sync"
	sync && echo "sync done"
	sync d/5k && echo "sync file done"
	echo "-- shred"
	printf 'secret data here' >sh
	shred -z -n 0 sh
	od -An -c sh
	shred -u sh && [ ! -e sh ] && echo "shred -u removed it"
}

f_special() {
	echo "-- mkfifo"
	mkfifo fifo
	stat -c '%F' fifo
	(echo "through the fifo" >fifo) &
	cat fifo
	wait
	(seq 1 5 >fifo) &
	wc -l <fifo
	wait
	mkfifo fifo
	echo "status $?"
	echo "-- mknod"
	mknod mynull c 1 3
	stat -c '%F %t %T' mynull
	echo discarded >mynull
	wc -c <mynull
	mknod myzero c 1 5
	head -c 4 myzero | od -An -tx1
	echo "-- /dev/console and /dev"
	stat -c '%n %F %t,%T' /dev/console
	echo "-- mktemp"
	t=$(mktemp)
	[ -f "$t" ] && echo "mktemp made a file" && stat -c %a "$t"
	case $t in /tmp/tmp.??????) echo "name like /tmp/tmp.XXXXXX" ;; *) echo "name $t" ;; esac
	t=$(mktemp -d)
	[ -d "$t" ] && echo "mktemp -d made a directory" && stat -c %a "$t"
	rm -r "$t"
	t=$(mktemp -p . fooXXXXXX)
	case $t in ./foo??????) echo "name like ./fooXXXXXX" ;; *) echo "name $t" ;; esac
	t=$(mktemp -u)
	[ -e "$t" ] || echo "mktemp -u made nothing"
	mktemp -p /nonexistent
	echo "status $?"
	echo "-- tee"
	echo "tee'd" | tee t1 t2
	echo "appended" | tee -a t1 >/dev/null
	cat t1 t2
	echo "-- chroot"
	mkdir -p jail/bin
	cp /bin/busybox jail/bin/
	echo "inside" >jail/marker
	chroot jail /bin/busybox cat /marker
	chroot jail /bin/busybox sh -c 'cd /; /bin/busybox pwd; /bin/busybox ls /'
	chroot jail /bin/nothing
	echo "status $?"
}

section files-mkdir f_mkdir
section files-ls f_ls
section files-ls-l f_lsl
section files-stat-touch f_stat
section files-cp-mv-rm f_cpmv
section files-links f_links
section files-modes f_modes
section files-find f_find
section files-xargs f_xargs
section files-sizes f_sizes
section files-special f_special
