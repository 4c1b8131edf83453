#!/usr/bin/env bash
# The kernel under the real Limine (the binary release in $LIMINE_DIR), on
# BIOS (SeaBIOS) and UEFI (OVMF), from an ISO and from disk images, on q35
# with KASLR on: every boot runs the kernel's tests (test=all) and the
# harness checks the boot log's facts as under rastboot, plus what only
# Limine does (a randomised HHDM base, the EFI tables, the kernel file in
# reclaimable memory), and a UEFI machine without a display. Then 5-level
# paging under Limine, and the kernel's refusal when Limine cannot give it
# what it requires.
#
# Media (scripts/make-iso.sh, make-img.sh):
#   limine.iso   --loader limine: Limine on BIOS and UEFI
#   limine.img   --loader limine: GPT, ESP + BIOS boot partition
#   hybrid.iso   the default kind: rastboot on BIOS, Limine on UEFI
#   hybrid.img   the default kind: MBR, an ESP that rastboot also reads
. "$(dirname "$0")/lib.sh"

LIMINE_DIR=${LIMINE_DIR:-$ROOT/../shared/limine}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
# OVMF under TCG takes a few seconds before Limine runs; the kernel's tests
# take about as long. A failing boot ends at this bound, not later.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
cmdline="test=all loglevel=info"
kernel=build/kernel/kernel.elf

if [ ! -f "$LIMINE_DIR/BOOTX64.EFI" ] || [ ! -f "$LIMINE_DIR/limine-bios.sys" ]; then
    fail "limine: no Limine binaries in LIMINE_DIR=$LIMINE_DIR: nothing could be booted"
    exit 1
fi
[ -f "$OVMF_CODE" ] || fail "limine: no OVMF ($OVMF_CODE): the UEFI boots will fail"

# What Limine 8.x keeps in bootloader-reclaimable memory for the kernel:
# its ELF file (kept for symbols), plus the MP response's pages.
kept_max=$((($(stat -c %s "$kernel") + 4095) / 4096 * 4 + 16))

make_cpio "$WORK/initrd.cpio"
media=(--cmdline "$cmdline" --initrd "$WORK/initrd.cpio")
scripts/make-iso.sh -o "$WORK/limine.iso" --loader limine "${media[@]}" &&
    scripts/make-img.sh -o "$WORK/limine.img" --loader limine "${media[@]}" &&
    scripts/make-iso.sh -o "$WORK/hybrid.iso" "${media[@]}" &&
    scripts/make-img.sh -o "$WORK/hybrid.img" "${media[@]}" ||
    fail "limine: could not make the media"

# hhdm_in_range NAME LEVELS: the HHDM base is where Limine draws it from
# with randomise_hhdm_base: the fixed base of the paging mode (rastboot's)
# plus a multiple of 1 GiB below 2^(VA bits - 3). (That it changes between
# boots is checked below.) Sets HHDM.
hhdm_in_range() {
    local name=$1 hhdm base=0xffff800000000000 span=$((1 << 45))
    hhdm=$(field '^boot: hhdm (0x[0-9a-f]+)$')
    [ "$2" = 4 ] || { base=0xff00000000000000 && span=$((1 << 54)); }
    HHDM=$hhdm
    check "$name: HHDM base in Limine's randomised range" "hhdm '$hhdm', fixed base $base" \
        test -n "$hhdm" -a $((${hhdm:-0} - base)) -ge 0 -a $((${hhdm:-0} - base)) -lt "$span" \
        -a $(((${hhdm:-0} - base) % (1 << 30))) -eq 0
}

# has_lines REGEX...: every REGEX matches a line of the boot log.
has_lines() {
    local r
    for r; do grep -qE -- "$r" "$BOOT_LOG" || return 1; done
}

# efi_tables NAME yes|no: the EFI system table and memory map were given
# (UEFI) or not (BIOS); under UEFI, boot-services memory was listed (the
# firmware.* KTESTs check it came back to the allocator).
efi_tables() {
    local name=$1
    if [ "$2" = yes ]; then
        check "$name: EFI system table given" "log says '$(field '^boot: (.*efi system table.*)$')'" \
            grep -qE '^boot: efi system table 0x[0-9a-f]+$' "$BOOT_LOG"
        check "$name: EFI memory map with boot-services memory" \
            "log says '$(field '^boot: (.*efi memmap.*)$')'" \
            grep -qE '^boot: efi memmap [1-9][0-9]* descriptors of [0-9]+ bytes, boot services [1-9][0-9]* KiB$' "$BOOT_LOG"
    else
        check "$name: no EFI tables on BIOS" "log says '$(field '^boot: (.*efi.*)$')'" \
            has_lines '^boot: no efi system table$' '^boot: no efi memmap$'
    fi
}

# limine_boot NAME FIRMWARE LEVELS FB -- RUN-QEMU-ARGS: one test=all boot
# under Limine on q35 with 2 CPUs, and all its checks; FB: whether there is
# a framebuffer (yes, or no for a machine without a display).
limine_boot() {
    local name=$1 fw=$2 levels=$3 fb=$4 uefi=() efi=no
    shift 5
    [ "$fw" = bios ] || { uefi=(--uefi) && efi=yes; }
    boot "$name" -- "${uefi[@]}" --machine q35 --smp 2 --mem 512 "$@"
    expect_boot "$name" --loader Limine --firmware "$fw" --paging "$levels" --mem 512 \
        --slide nonzero --cmdline "$cmdline" --fb "$fb" --module /boot/initramfs.cpio \
        --cpus 2 --smbios yes
    check "$name: module command line from limine.conf" "log: $(field '^(boot: module .*)$')" \
        grep -qE '^boot: module /boot/initramfs.cpio [0-9]+ bytes cmdline "initramfs"$' "$BOOT_LOG"
    check_totals "$name" "$kept_max"
    hhdm_in_range "$name" "$levels"
    efi_tables "$name" "$efi"
    check "$name: base revision 3 not honoured (Limine 8.x knows 2)" \
        "log says '$(field '^boot: (loader .*)$')'" \
        grep -q '^boot: loader Limine .*, base revision 3 not honoured$' "$BOOT_LOG"
}

limine_boot limine-bios-iso bios 4 yes -- --iso "$WORK/limine.iso"
slide1=$SLIDE hhdm1=$HHDM
limine_boot limine-bios-img bios 4 yes -- --img "$WORK/limine.img"
slide2=$SLIDE hhdm2=$HHDM
# KASLR under Limine randomises both: two boots, two layouts.
check "limine: two boots, different kernel slides" "slides $slide1 and $slide2" \
    test -n "$slide1" -a -n "$slide2" -a "$slide1" != "$slide2"
check "limine: two boots, different HHDM bases" "HHDM bases $hhdm1 and $hhdm2" \
    test -n "$hhdm1" -a -n "$hhdm2" -a "$hhdm1" != "$hhdm2"

limine_boot limine-uefi-iso uefi64 4 yes -- --iso "$WORK/hybrid.iso"
# A UEFI machine without a display: no GOP, so no framebuffer, and no VGA
# text mode to fall back on (that is BIOS only): the kernel says so and
# runs on serial alone.
limine_boot limine-uefi-img-novga uefi64 4 no -- --img "$WORK/limine.img" -- -vga none
check "limine-uefi-img-novga: serial is the only console" "log: $(field '^(console: .*)$')" \
    grep -q '^console: UEFI gave no framebuffer and has no VGA text mode: serial only$' "$BOOT_LOG"

# 5-level paging: on BIOS with LA57 alone, on UEFI with -cpu max (LA57 and
# 1 GiB pages), from the default kind of disk image.
limine_boot limine-bios-la57 bios 5 yes -- --iso "$WORK/limine.iso" --cpu qemu64,+la57
check "limine-bios-la57: the kernel runs on 5-level page tables" "log: $(field '^(mm: .-level paging.*)$')" \
    grep -q '^mm: 5-level paging, direct map at 0xff' "$BOOT_LOG"
limine_boot limine-uefi-mbr-la57 uefi64 5 yes -- --img "$WORK/hybrid.img" --cpu max
check "limine-uefi-mbr-la57: the kernel runs on 5-level page tables" "log: $(field '^(mm: .-level paging.*)$')" \
    grep -q '^mm: 5-level paging, direct map at 0xff' "$BOOT_LOG"

# The refusal: the kernel cannot run without a memory map. Limine always
# gives one, so this kernel's memory map request carries an ID no loader
# knows (its last byte changed): Limine boots it and, as the protocol says
# for requests it does not know, leaves the response NULL, as a loader
# lacking the feature would. The kernel must name the loader and what is
# missing, then stop (a panic before test= is read halts: no reset, no hang).
le_bytes() { # le_bytes HEX64: its 8 little-endian bytes as \xNN escapes
    local v=$1 i out=
    for i in 0 1 2 3 4 5 6 7; do out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done
    echo "$out"
}
off=$(LC_ALL=C grep -obUaP "$(le_bytes 0x67cf3d9d378a806f)$(le_bytes 0xe304acdfc50c3c62)" "$kernel" |
    head -n 1 | cut -d: -f1)
if [ -z "$off" ]; then
    fail "limine-refusal: no memory map request ID in $kernel"
else
    cp "$kernel" "$WORK/nomemmap.elf"
    printf '\xe2' | dd of="$WORK/nomemmap.elf" bs=1 seek=$((off + 15)) conv=notrunc status=none
    scripts/make-iso.sh -o "$WORK/refusal.iso" --loader limine --kernel "$WORK/nomemmap.elf" ||
        fail "limine-refusal: make-iso.sh failed"
    boot limine-refusal --until '^---\[ end panic \]---' -- --iso "$WORK/refusal.iso" --machine q35
    msg='^panic: boot: the loader \(Limine [^)]+\) gave no memory map response; rastOS cannot run without one$'
    check "limine-refusal: stopped in time, not reset" \
        "run status $BOOT_RC (124 = hang); $(grep -c 'booting$' "$BOOT_LOG") boots in the log" \
        test "$BOOT_RC" -eq 0 -a "$(grep -c 'booting$' "$BOOT_LOG")" -eq 1
    check "limine-refusal: says what is missing" "log: $(grep -m1 '^panic' "$BOOT_LOG" || echo 'no panic line')" \
        grep -qE "$msg" "$BOOT_LOG"
fi
exit $suite_status
