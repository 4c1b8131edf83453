#!/usr/bin/env bash
# PCI and the AHCI SATA driver, on QEMU's pc (-device ahci) and q35 (the
# ICH9 AHCI), with MSI and with INTx (pci=nomsi):
#  - a 16 MiB raw image whose first 2048 sectors hold a known pattern
#    (64-bit word i of sector s is s * 64 + i) is attached with a serial
#    and a model: the kernel's PCI and AHCI tests (kernel/drivers/pci/
#    pci_tests.c, kernel/drivers/ata/ahci_tests.c) read it back, with 32
#    commands out at once, read past its end (EIO, then recovery), and
#    write sectors 4096-4159, which the host checks in the image after QEMU
#    has exited; the boot log names the model and serial QEMU was given;
#  - no disk at all: the machine boots and the tests run (AHCI's skip);
#  - a disk whose backend goes away while it is read (QEMU's drive_del:
#    QEMU cannot unplug an ide-hd from an AHCI port, device_del refuses):
#    the reads fail with EIO or ENODEV instead of hanging.
. "$(dirname "$0")/lib.sh"

SERIAL=RASTSER01
MODEL=RastOS-Test-Disk
scripts/make-iso.sh -o "$WORK/t.iso" --cmdline "test=pci.*,ahci.*" >/dev/null &&
    scripts/make-iso.sh -o "$WORK/nomsi.iso" --cmdline "test=pci.*,ahci.* pci=nomsi" >/dev/null &&
    scripts/make-iso.sh -o "$WORK/unplug.iso" --cmdline "test=ahci.unplug ahci.unplug" >/dev/null ||
    { fail "ahci: make-iso.sh failed" && exit 1; }

# make_disk FILE: the pattern image.
make_disk() {
    python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    for s in range(2048):
        f.write(struct.pack("<64Q", *[s * 64 + i for i in range(64)]))
    f.truncate(16 << 20)
PY
}

# written_ok FILE: sectors 4096-4159 hold the write test's pattern.
written_ok() {
    python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    f.seek(4096 * 512)
    data = f.read(64 * 512)
m = (1 << 64) - 1
w = struct.unpack("<%dQ" % (64 * 64), data)
sys.exit(0 if all(w[i] == (~(4096 * 64 + i)) & m for i in range(len(w))) else 1)
PY
}

test_disk() {
    local m=$1 iso=$2 irq=$3 name=ahci-$1-$3 img=$WORK/disk-$1-$3.img
    make_disk "$img" || { fail "$name: could not make the image" && return; }
    boot "$name" -- --iso "$iso" --machine "$m" --disk "$img,serial=$SERIAL,model=$MODEL"
    check "$name: kernel ran and reported success" \
        "run-qemu.sh status $BOOT_RC (see $BOOT_LOG)" test "$BOOT_RC" -eq 0
    ktap "$name"
    check "$name: IDENTIFY's model and serial are QEMU's" \
        "log says '$(field '^(ahci: port [0-9]+: sd.*)$')'" \
        grep -q "^ahci: port [0-9]*: sda \"$MODEL\" serial \"$SERIAL\", 32768 sectors of 512 bytes" "$BOOT_LOG"
    check "$name: interrupts by $irq" "log says '$(field '^(ahci: version.*)$')'" \
        grep -q "^ahci: version .*irq $irq\$" "$BOOT_LOG"
    check "$name: the writes reached the image" "sectors 4096-4159 of $img differ" \
        written_ok "$img"
}

test_no_disk() {
    local m=$1 name=ahci-$1-nodisk
    boot "$name" -- --iso "$WORK/t.iso" --machine "$m"
    check "$name: kernel ran and reported success" \
        "run-qemu.sh status $BOOT_RC (see $BOOT_LOG)" test "$BOOT_RC" -eq 0
    ktap "$name"
    check "$name: no disk registered" "$(grep -m1 ': sda' "$BOOT_LOG")" \
        not grep -q '^ahci: port [0-9]*: sda' "$BOOT_LOG"
}

not() { ! "$@"; }

# The second disk loses its backend while the kernel reads it.
test_unplug() {
    local m=$1 name=ahci-$1-unplug a=$WORK/a-$1.img b=$WORK/b-$1.img port pid mon
    make_disk "$a" && make_disk "$b" || { fail "$name: images" && return; }
    BOOT_LOG=$LOGDIR/$name.log
    rm -f "$BOOT_LOG"
    for _ in 1 2 3; do
        port=$((20000 + RANDOM % 40000))
        scripts/qemu-expect.sh --log "$BOOT_LOG" --timeout "$((BOOT_TIMEOUT + 60))" -- \
            --iso "$WORK/unplug.iso" --machine "$m" --disk "$a,model=$MODEL" --disk "$b,model=$MODEL" -- \
            -monitor "tcp:127.0.0.1:$port,server,nowait" 2>"$LOGDIR/$name.stderr" &
        pid=$!
        for ((i = 0; i < BOOT_TIMEOUT * 5; i++)); do
            grep -q 'ahci: unplug test: reading' "$BOOT_LOG" 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && break
        wait "$pid"
        grep -q 'Address already in use' "$LOGDIR/$name.stderr" || break
    done
    if exec {mon}<>"/dev/tcp/127.0.0.1/$port"; then
        sleep 1
        echo "drive_del disk1" >&"$mon"
        sleep 1
        exec {mon}>&-
    fi
    wait "$pid"
    BOOT_RC=$?
    check "$name: kernel ran and reported success" \
        "run-qemu.sh status $BOOT_RC (see $BOOT_LOG)" test "$BOOT_RC" -eq 0
    ktap "$name"
    check "$name: the read failed with EIO or ENODEV" \
        "log says '$(field '^(ahci: unplug test: read gave.*)$')'" \
        grep -qE '^ahci: unplug test: read gave -(5|19)$' "$BOOT_LOG"
}

for m in pc q35; do
    test_disk "$m" "$WORK/t.iso" MSI
    test_disk "$m" "$WORK/nomsi.iso" INTx
    test_no_disk "$m"
done
test_unplug q35
exit $suite_status
