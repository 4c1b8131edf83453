#!/bin/sh
# Archives made by GNU cpio itself for tests/host/test_cpio.c, into the
# directory given as $1 (the test also builds its own archives; these
# check that the reader agrees with the real tool):
#
#   base.cpio       "find . | cpio -o -H newc" of a small tree: a file, a
#                   directory, a symlink, two hard links, a FIFO, an empty
#                   file (device nodes need root, so the test builds those)
#   override.cpio   a second archive replacing hello.txt
#   combined.cpio   base.cpio then override.cpio: cpio pads each to 512
#                   bytes, so zero padding lies between them
set -eu

out=${1:?usage: make-cpio-fixture.sh OUTDIR}
mkdir -p "$out"
cd "$out"
rm -rf tree tree2 ./*.cpio

mkdir -p tree/bin tree/etc tree2
printf 'hello, initramfs\n' >tree/hello.txt
ln -s busybox tree/bin/sh
printf 'linked\n' >tree/etc/link1
ln tree/etc/link1 tree/etc/link2
mkfifo tree/fifo
: >tree/empty
printf 'override\n' >tree2/hello.txt

(cd tree && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >base.cpio
(cd tree2 && find . -name hello.txt | cpio -o -H newc --quiet) >override.cpio
cat base.cpio override.cpio >combined.cpio
