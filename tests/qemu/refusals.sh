#!/usr/bin/env bash
# rastboot refuses broken boot media clearly: for each, a deliberately
# broken image must produce the right "rastboot: error: ..." message on the
# serial console and halt (the test stops QEMU on "rastboot: halted.").
. "$(dirname "$0")/lib.sh"

kernel=build/kernel/kernel.elf
BOOT_TIMEOUT=60

# put FILE OFFSET BYTES...: overwrite bytes (given in hex) at OFFSET.
put() {
    local file=$1 off=$2 esc=''
    shift 2
    for b in "$@"; do esc+="\\x$b"; done
    printf "$esc" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# le64 VALUE: the 8 little-endian bytes of VALUE, in hex, for put.
le64() {
    local v=$1 i
    for i in 0 1 2 3 4 5 6 7; do printf '%02x ' $(((v >> (8 * i)) & 255)); done
}

u64_at() { od -An -tu8 -j "$2" -N 8 "$1" | tr -d ' '; }

# load_phdr FILE first|last: offset of the first or last PT_LOAD header.
load_phdr() {
    local f=$1 phoff phnum i type found=
    phoff=$(u64_at "$f" 32)
    phnum=$(od -An -tu2 -j 56 -N 2 "$f" | tr -d ' ')
    for ((i = 0; i < phnum; i++)); do
        type=$(od -An -tu4 -j $((phoff + 56 * i)) -N 4 "$f" | tr -d ' ')
        if [ "$type" = 1 ]; then
            found=$((phoff + 56 * i))
            [ "$2" = first ] && break
        fi
    done
    echo "$found"
}

# refuse NAME MESSAGE MAKE-ARGS... [-- RUN-QEMU-ARGS]: build an ISO with
# make-iso.sh MAKE-ARGS, boot it, expect MESSAGE.
refuse() {
    local name=$1 msg=$2 make=() run=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do make+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift && run=("$@")
    if ! scripts/make-iso.sh -o "$WORK/$name.iso" "${make[@]}" >"$WORK/$name.mk" 2>&1; then
        fail "$name: make-iso.sh failed: $(tail -1 "$WORK/$name.mk")"
        return
    fi
    boot "$name" --until 'rastboot: halted' -- --iso "$WORK/$name.iso" --mem 256 "${run[@]}"
    expect_refusal "$name" "$msg"
}

cp "$kernel" "$WORK/class32.elf" && put "$WORK/class32.elf" 4 01
cp "$kernel" "$WORK/arm.elf" && put "$WORK/arm.elf" 18 b7 00
head -c 3000 /dev/urandom >"$WORK/garbage.elf"
printf 'ELF' >"$WORK/tiny.elf"
ph=$(load_phdr "$kernel" first)
last=$(load_phdr "$kernel" last)
cp "$kernel" "$WORK/low.elf" && put "$WORK/low.elf" $((ph + 16)) $(le64 0x400000)
cp "$kernel" "$WORK/offset.elf" && put "$WORK/offset.elf" $((ph + 8)) $(le64 0x7fff0000)
cp "$kernel" "$WORK/huge.elf" && put "$WORK/huge.elf" $((last + 40)) $(le64 0x38000000)
printf 'kernel=/boot/kernel.elf\nfrobnicate=yes\n' >"$WORK/badkey.conf"
printf 'cmdline=no kernel line\n' >"$WORK/nokernel.conf"
printf 'kernel=/boot/kernel.elf\nmodule=/boot/missing.cpio initrd\n' >"$WORK/nomodule.conf"
printf 'kernel=/boot/kernel.elf\nresolution=12x\n' >"$WORK/badres.conf"

refuse no-kernel "kernel /boot/kernel.elf: file not found" --no-kernel
refuse garbage-kernel "kernel /boot/kernel.elf: not an ELF file" --kernel "$WORK/garbage.elf"
refuse truncated-kernel "kernel /boot/kernel.elf: not an ELF file" --kernel "$WORK/tiny.elf"
refuse elf32-kernel "kernel /boot/kernel.elf: not a 64-bit ELF" --kernel "$WORK/class32.elf"
refuse arm-kernel "kernel /boot/kernel.elf: not an x86_64 ELF" --kernel "$WORK/arm.elf"
refuse lowhalf-kernel "kernel /boot/kernel.elf: segment below the higher half" --kernel "$WORK/low.elf"
refuse offset-kernel "kernel /boot/kernel.elf: segment outside the file" --kernel "$WORK/offset.elf"
refuse bigger-than-ram "out of memory for the kernel image" --kernel "$WORK/huge.elf"
refuse no-config "no rastboot.conf" --no-config
refuse bad-config-key "/boot/rastboot.conf: line 2: unknown key 'frobnicate'" --config "$WORK/badkey.conf"
refuse config-no-kernel "/boot/rastboot.conf: no kernel= line" --config "$WORK/nokernel.conf"
refuse bad-resolution "/boot/rastboot.conf: line 2: bad resolution '12x'" --config "$WORK/badres.conf"
refuse missing-module "module /boot/missing.cpio: file not found" --config "$WORK/nomodule.conf"
refuse no-long-mode "this CPU has no 64-bit long mode" -- --cpu qemu32
exit $suite_status
