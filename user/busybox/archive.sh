# The busybox suite, compression and archives. The compressed and archive
# fixtures in /data/in/*.b64 were made once on Debian 12 (base64 of the
# output of: gzip -9n, bzip2 -9, xz --check=crc32, lzma, zip -X, ar rcD,
# dpkg-deb --root-owner-group with SOURCE_DATE_EPOCH); everything else is
# made here. What a tool writes is compared by checksum: with fixed input
# and fixed times it is the same bytes on both kernels.
. /data/lib.sh
IN=/data/in

# fixture NAME: /data/in/NAME.b64 decoded as ./NAME
fixture() {
	base64 -d $IN/$1.b64 >$1
}

# A tree with fixed times and owners, for the archivers.
tree() {
	mkdir -p d/sub d/empty
	echo "file a" >d/a
	seq 1 500 >d/sub/numbers
	ln -s a d/link
	chmod 600 d/a
	chown 1000:100 d/sub/numbers
	touch -d '2020-01-02 03:04:05' d/a d/sub/numbers
	touch -h -d '2020-01-02 03:04:05' d/link
	touch -d '2019-05-06 07:08:09' d/sub d/empty d
}

a_gzip() {
	fixture hello.gz
	zcat hello.gz
	gunzip -c hello.gz | wc -c
	gzip -t hello.gz && echo "gzip -t: fine"
	gunzip hello.gz && ls hello* && cat hello
	echo "-- compress, decompress"
	seq 1 20000 >big
	touch -d '2020-01-01 00:00:00' big
	gzip big
	ls big*
	md5sum big.gz
	gzip -d big.gz
	md5sum big
	gzip -k big
	ls big*
	gzip big
	echo "status $?"
	gzip -f big && ls big*
	zcat big.gz | tail -n 1
	echo "-- levels, stdin"
	for l in 1 6 9; do seq 1 5000 | gzip -$l | gzip -d | md5sum; done
	echo "-- errors"
	echo "not gzip" >bad.gz
	gunzip bad.gz
	echo "status $?"
	head -c 20 big.gz >cut.gz
	gunzip -c cut.gz >/dev/null
	echo "status $?"
}

a_bzip2() {
	fixture hello.bz2
	bzcat hello.bz2
	bunzip2 hello.bz2 && cat hello
	seq 1 20000 >big
	bzip2 big && ls big* && md5sum big.bz2
	bunzip2 -c big.bz2 | md5sum
	bzip2 -d big.bz2 && md5sum big
	seq 1 100 | bzip2 -1 | bzip2 -d | tail -n 1
	echo "not bzip2" | bunzip2
	echo "status $?"
}

a_xz() {
	fixture hello.xz
	fixture hello.lzma
	xzcat hello.xz
	unxz -c hello.xz
	xz -d -c hello.xz
	unxz hello.xz && cat hello && rm hello
	lzcat hello.lzma
	unlzma -c hello.lzma
	lzma -d hello.lzma && cat hello
	echo "plain" | unxz
	echo "status $?"
	echo "-- lzop"
	seq 1 20000 >big
	lzop big && ls big*
	rm big
	lzop -d big.lzo && md5sum big
	seq 1 3000 | lzop -c -1 | lzop -d -c | md5sum
	lzop -t big.lzo && echo "lzop -t: fine"
}

a_tar() {
	tree
	# the names given one by one, not read from the directory: the
	# archive's bytes do not depend on readdir order
	tar -cf t.tar --no-recursion d d/a d/empty d/link d/sub d/sub/numbers
	md5sum t.tar
	tar -tf t.tar
	tar -tvf t.tar
	tar -tvf t.tar --numeric-owner | head -n 2
	echo "-- extract"
	mkdir out
	tar -xf t.tar -C out
	find out | sort
	stat -c '%n %a %u:%g %Y %s' out/d/a out/d/sub/numbers out/d/empty
	readlink out/d/link
	tar -xOf t.tar d/a
	tar -xf t.tar -C out d/sub/numbers --strip-components 2
	ls out
	echo "-- recursion (listing sorted)"
	tar -cf r.tar d
	tar -tf r.tar | sort
	echo "-- compressed"
	tar -czf t.tgz d
	tar -tzf t.tgz | sort
	tar -cjf t.tbz d
	mkdir bz && tar -xjf t.tbz -C bz && cmp bz/d/sub/numbers d/sub/numbers && echo "bzip2'd tar: fine"
	gzip -dc t.tgz | tar -t | wc -l
	echo "-- errors"
	tar -xf nonexistent.tar
	echo "status $?"
	tar -tf t.tar nothere
	echo "status $?"
}

a_cpio() {
	tree
	find d | sort | cpio -o -H newc --ignore-devno --renumber-inodes >a.cpio
	md5sum a.cpio
	cpio -t <a.cpio
	cpio -tv <a.cpio
	mkdir out
	cd out || return 1
	cpio -i -d -m <../a.cpio
	find . | sort
	stat -c '%n %a %u:%g %Y' d/a d/sub/numbers
	cd ..
	echo "-- selected members, -F"
	mkdir one
	(cd one && cpio -i -d -F ../a.cpio 'd/sub/*') && find one | sort
	echo "-- bad archive"
	echo "garbage garbage garbage" | cpio -t
	echo "status $?"
}

a_zip() {
	fixture fix.zip
	unzip -l fix.zip
	unzip -p fix.zip z/two.txt
	unzip -q fix.zip
	find z | sort
	stat -c '%n %s' z/one.txt z/two.txt
	unzip -o -d elsewhere fix.zip z/one.txt
	cat elsewhere/z/one.txt
	unzip -n fix.zip
	echo "status $?"
	unzip nonexistent.zip
	echo "status $?"
}

a_ar() {
	fixture lib.a
	ar -t lib.a
	ar -tv lib.a
	ar -p lib.a mb.txt
	ar -x lib.a ma.txt && cat ma.txt
	echo "-- dpkg-deb"
	fixture bbtest.deb
	dpkg-deb -f bbtest.deb
	dpkg-deb -c bbtest.deb
	dpkg-deb -x bbtest.deb root
	find root | sort
	cat root/usr/share/bbtest/hello
	ar -t bbtest.deb
}

section arch-gzip a_gzip
section arch-bzip2 a_bzip2
section arch-xz-lzma-lzop a_xz
section arch-tar a_tar
section arch-cpio a_cpio
section arch-zip a_zip
section arch-ar-deb a_ar
