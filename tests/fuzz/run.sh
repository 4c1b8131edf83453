#!/usr/bin/env bash
# A short libFuzzer run of every parser harness (build/tests/fuzz/fuzz_*),
# seeded from the same inputs the host tests use: a smoke test that the
# harnesses still build and find nothing quickly. Long runs: see each
# harness's header comment. Prints PASS:/FAIL: lines for tests/run.sh.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SECONDS_EACH=${FUZZ_SECONDS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

make -s fuzz >"$work/build.log" 2>&1 || {
    cat "$work/build.log"
    echo "FAIL: fuzz: the harnesses do not build"
    exit 1
}

# Seeds: valid inputs the host tests make or keep.
mkdir -p "$work/seeds/fuzz_fs" "$work/seeds/fuzz_elf" "$work/seeds/fuzz_config"
tests/host/make-fs-images.sh "$work/fs" >/dev/null 2>&1 && cp "$work/fs/seeds/"* "$work/seeds/fuzz_fs/" 2>/dev/null
build/tests/host/test_elf --write-seeds "$work/seeds/fuzz_elf" >/dev/null 2>&1
mkdir -p "$work/seeds/fuzz_acpi" && build/tests/host/test_acpi --write-seeds "$work/seeds/fuzz_acpi" >/dev/null 2>&1
mkdir -p "$work/seeds/fuzz_avl" && build/tests/host/test_avl --write-seeds "$work/seeds/fuzz_avl" >/dev/null 2>&1
cp tests/corpus/config/*.conf "$work/seeds/fuzz_config/" 2>/dev/null
mkdir -p "$work/seeds/fuzz_cpio" "$work/seeds/fuzz_elf_exec"
build/tests/host/test_cpio --write-seeds "$work/seeds/fuzz_cpio" >/dev/null 2>&1
tests/host/make-cpio-fixture.sh "$work/cpio" >/dev/null 2>&1 && cp "$work/cpio/"*.cpio "$work/seeds/fuzz_cpio/"
build/tests/host/test_elf_exec --write-seeds "$work/seeds/fuzz_elf_exec" >/dev/null 2>&1
mkdir -p "$work/seeds/fuzz_inflate"
build/tests/host/test_inflate --write-seeds "$work/seeds/fuzz_inflate" >/dev/null 2>&1
mkdir -p "$work/seeds/fuzz_partitions"
build/tests/host/test_partitions --write-seeds "$work/seeds/fuzz_partitions" >/dev/null 2>&1
mkdir -p "$work/seeds/fuzz_ext2" "$work/ext2src/d"
echo hello >"$work/ext2src/d/f" && ln -s f "$work/ext2src/d/l"
for b in 1024 4096; do
    mke2fs -q -F -t ext2 -b $b -N 16 -d "$work/ext2src" \
        "$work/seeds/fuzz_ext2/seed$b.img" 128k >/dev/null 2>&1
done
mkdir -p "$work/seeds/fuzz_namei"
build/tests/host/test_namei --write-seeds "$work/seeds/fuzz_namei" >/dev/null 2>&1

for f in build/tests/fuzz/fuzz_*; do
    name=$(basename "$f")
    mkdir -p "$work/corpus/$name" "$work/seeds/$name"
    dict=()
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    if "$f" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        "${dict[@]}" \
        -artifact_prefix="$work/" "$work/corpus/$name" "$work/seeds/$name" \
        >"$work/$name.log" 2>&1; then
        echo "PASS: fuzz: $name ($(grep -oE 'Done [0-9]+ runs' "$work/$name.log" | tail -1))"
    else
        tail -30 "$work/$name.log"
        echo "FAIL: fuzz: $name found a crash or failed (see above)"
        status=1
    fi
done
exit $status
