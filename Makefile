# rastOS top-level build. `make` builds the kernel, rastboot and the boot
# media; `make run` boots one in QEMU; `make test` runs every test. Each
# target that needs packages installs them first (scripts/deps.sh).

BUILD    ?= build
CC       ?= gcc
LD       := ld
NASM     := nasm
OBJCOPY  := objcopy
HOSTCC   ?= gcc

KERNEL   := $(BUILD)/kernel/kernel.elf
STAGE1_CD  := $(BUILD)/boot/stage1-cd.bin
STAGE1_HDD := $(BUILD)/boot/stage1-hdd.bin
STAGE2   := $(BUILD)/boot/stage2.bin
ISO      := $(BUILD)/rastos.iso
IMG      := $(BUILD)/rastos.img

# The real Limine (a binary release: make LIMINE_DIR=...). With it, the
# media above also boot on UEFI, and two more boot with Limine on BIOS as
# well; without it they boot on BIOS only and the two are not made.
LIMINE_DIR ?= ../shared/limine
export LIMINE_DIR
LIMINE_ISO := $(BUILD)/rastos-limine.iso
LIMINE_IMG := $(BUILD)/rastos-limine.img
LIMINE_NEED := limine-bios.sys limine-bios-cd.bin limine-uefi-cd.bin BOOTX64.EFI limine
LIMINE_MISSING := $(strip $(foreach f,$(LIMINE_NEED),$(if $(wildcard $(LIMINE_DIR)/$(f)),,$(f))))
LIMINE_FILES := $(wildcard $(addprefix $(LIMINE_DIR)/,$(LIMINE_NEED)))
# Remakes the media when LIMINE_DIR or what it lacks changes.
LIMINE_STAMP := $(BUILD)/limine-dir.stamp
LIMINE_STATE := $(abspath $(LIMINE_DIR)) $(LIMINE_MISSING)
ifneq ($(MAKECMDGOALS),clean)
$(shell mkdir -p $(BUILD) && { echo '$(LIMINE_STATE)' | cmp -s - $(LIMINE_STAMP) || \
	echo '$(LIMINE_STATE)' >$(LIMINE_STAMP); })
endif
ifeq ($(LIMINE_MISSING),)
LIMINE_MEDIA := $(LIMINE_ISO) $(LIMINE_IMG)
else
LIMINE_MEDIA := limine-missing
endif

.PHONY: all kernel rastboot iso img limine limine-missing run rootfs debug test \
	host-tests clean deps format
all: iso img limine

deps:
	@scripts/deps.sh build

# ---------------------------------------------------------------- kernel
# The generic kernel, the architecture's folder, and the drivers of PC
# devices reached by port I/O, built only on a PC (docs/porting.md).
ARCH       := x86_64
PC_ONLY_C  := kernel/drivers/serial/serial.c kernel/drivers/input/i8042.c \
	kernel/drivers/input/keyboard.c kernel/drivers/console/vgacon.c \
	kernel/drivers/pci/pci_port.c
GENERIC_C  := $(filter-out $(PC_ONLY_C),$(shell find kernel -name '*.c' \
	-not -path 'kernel/arch/*' | sort))
KERNEL_C   := $(GENERIC_C) $(shell find kernel/arch/$(ARCH) -name '*.c' -not -path '*/vdso/*' | sort) \
	$(if $(filter x86_64,$(ARCH)),$(PC_ONLY_C))
KERNEL_ASM := $(shell find kernel/arch/$(ARCH) -name '*.asm' | sort)
KERNEL_OBJ := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o)

KCFLAGS := -std=c11 -ffreestanding -O2 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fPIE -fvisibility=hidden -fno-plt -fno-omit-frame-pointer \
	-fstack-protector-strong -mstack-protector-guard=global -fno-strict-aliasing -ffunction-sections \
	-Ikernel/include -Iinclude -MMD -MP
KLDFLAGS := -nostdlib -static -pie --no-dynamic-linker -z text \
	-z max-page-size=0x1000 -z noexecstack --gc-sections \
	-T kernel/arch/$(ARCH)/linker.ld

kernel: $(KERNEL)

$(BUILD)/kernel/%.o: kernel/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel/%.asm.o: kernel/%.asm $(wildcard kernel/arch/$(ARCH)/*/*.inc) | deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -Ikernel/arch/x86_64/ $< -o $@

# Inside arch/, the private headers of one part are named from the arch
# root: #include "irq/apic.h". Nothing outside arch/ sees them.
$(BUILD)/kernel/arch/x86_64/%.o: KCFLAGS += -Ikernel/arch/x86_64

# The architecture boundary (docs/porting.md): generic code includes no
# x86-only header but through <kernel/arch.h>; a violation fails the build.
KERNEL_SRCS := $(KERNEL_C) $(shell find kernel -name '*.h')
$(BUILD)/kernel/arch-includes.ok: $(KERNEL_SRCS) scripts/check-arch-includes.sh
	@mkdir -p $(dir $@)
	scripts/check-arch-includes.sh kernel
	@touch $@

# GNU ld 2.40 marks a -pie link based in the higher half ET_EXEC; Limine
# only slides ET_DYN images, so the type is set to ET_DYN after the link
# (the image is a genuine PIE: PT_DYNAMIC and relative relocations).
$(KERNEL): $(KERNEL_OBJ) kernel/arch/$(ARCH)/linker.ld scripts/elf-set-dyn.sh \
		$(BUILD)/kernel/arch-includes.ok
	$(LD) $(KLDFLAGS) -o $@.tmp $(KERNEL_OBJ)
	scripts/elf-set-dyn.sh $@.tmp
	mv $@.tmp $@

# The system call table: kernel/syscall/syscall_64.tbl, generated into
# a header the dispatcher includes.
SYSCALL_TABLE_H := $(BUILD)/gen/syscall_table.h
$(SYSCALL_TABLE_H): kernel/syscall/syscall_64.tbl scripts/gen-syscalls.sh
	@mkdir -p $(dir $@)
	scripts/gen-syscalls.sh $< $@
$(BUILD)/kernel/syscall/dispatch.o: $(SYSCALL_TABLE_H)
$(BUILD)/kernel/syscall/dispatch.o: KCFLAGS += -I$(BUILD)/gen

# The vDSO (kernel/arch/x86_64/vdso/): user code, a shared object the
# kernel embeds (kernel/proc/vdso_image.c) and maps into every process.
VDSO_SO := $(BUILD)/vdso/vdso.so
VDSO_CFLAGS := -std=c11 -O2 -fPIC -fno-stack-protector -fno-builtin \
	-nostdlib -shared -ffreestanding -mno-red-zone -Ikernel/include \
	-Wall -Wextra -Werror -Wl,-T,kernel/arch/$(ARCH)/vdso/vdso.lds \
	-Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both \
	-Wl,--build-id=none -Wl,-z,max-page-size=4096
$(VDSO_SO): kernel/arch/$(ARCH)/vdso/vdso.c kernel/arch/$(ARCH)/vdso/vdso.lds \
		kernel/include/kernel/vdso_data.h | deps
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -o $@ $<
	@if readelf -rW $@ | grep -q R_X86; then \
		echo "vdso: relocations in $@" >&2; rm -f $@; exit 1; fi
$(BUILD)/kernel/proc/vdso_image.o: $(VDSO_SO)
$(BUILD)/kernel/proc/vdso_image.o: KCFLAGS += -DVDSO_PATH='"$(VDSO_SO)"'

# ---------------------------------------------------------------- rastboot
BOOT_C     := $(shell find boot/src -name '*.c' | sort)
BOOT_ASM   := $(sort $(wildcard boot/stage2/*.asm))
BOOT_OBJ   := $(BOOT_ASM:%.asm=$(BUILD)/%.asm.o) $(BOOT_C:%.c=$(BUILD)/%.o)
# The pure parts: no BIOS, no privileged instructions; the host tests link them.
BOOT_PURE  := boot/src/config.c boot/src/elf.c boot/src/memmap.c \
	boot/src/blockdev.c boot/src/paging.c boot/src/limine_scan.c \
	boot/src/vbe_pick.c $(wildcard boot/src/fs/*.c) boot/src/strutil.c \
	boot/src/format.c boot/src/date.c boot/src/madt.c boot/src/smbios.c
BOOT_PURE  := $(wildcard $(BOOT_PURE))

BCFLAGS := -std=c11 -ffreestanding -Os -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -mno-red-zone -mgeneral-regs-only -mno-mmx \
	-mno-sse -mno-sse2 -fno-pic -fno-pie -mcmodel=small \
	-fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -Iboot/src -Iinclude -MMD -MP

rastboot: $(STAGE1_CD) $(STAGE1_HDD) $(STAGE2)

$(BUILD)/boot/stage1-cd.bin: boot/stage1/stage1.asm boot/stage2/rm_console.inc | deps
	@mkdir -p $(dir $@)
	$(NASM) -f bin -Iboot/stage2/ -DMEDIUM_CD $< -o $@

$(BUILD)/boot/stage1-hdd.bin: boot/stage1/stage1.asm boot/stage2/rm_console.inc | deps
	@mkdir -p $(dir $@)
	$(NASM) -f bin -Iboot/stage2/ -DMEDIUM_HDD $< -o $@

$(BUILD)/boot/%.asm.o: boot/%.asm $(wildcard boot/stage2/*.inc) | deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -Iboot/stage2/ $< -o $@

$(BUILD)/boot/%.o: boot/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(BCFLAGS) -c $< -o $@

$(BUILD)/boot/stage2.elf: $(BOOT_OBJ) boot/stage2/stage2.ld
	$(LD) -nostdlib -static -no-pie -z noexecstack --no-warn-rwx-segments -T boot/stage2/stage2.ld \
		-o $@ $(BOOT_OBJ)

$(STAGE2): $(BUILD)/boot/stage2.elf
	$(OBJCOPY) -O binary $< $@

# ---------------------------------------------------------------- images
iso: $(ISO)
img: $(IMG)

$(ISO): $(KERNEL) $(STAGE1_CD) $(STAGE2) scripts/make-iso.sh scripts/lib-image.sh $(LIMINE_FILES) $(LIMINE_STAMP)
	scripts/make-iso.sh -o $@

$(IMG): $(KERNEL) $(STAGE1_HDD) $(STAGE2) scripts/make-img.sh scripts/lib-image.sh $(LIMINE_FILES) $(LIMINE_STAMP)
	scripts/make-img.sh -o $@

limine: $(LIMINE_MEDIA)

# Given files, not made here: no implicit rule (limine from limine.c!).
$(LIMINE_FILES): ;

$(LIMINE_ISO): $(KERNEL) scripts/make-iso.sh scripts/lib-image.sh $(LIMINE_FILES)
	scripts/make-iso.sh --loader limine -o $@

$(LIMINE_IMG): $(KERNEL) scripts/make-img.sh scripts/lib-image.sh $(LIMINE_FILES)
	scripts/make-img.sh --loader limine -o $@

limine-missing:
	@echo "make: no $(LIMINE_MISSING) in LIMINE_DIR=$(LIMINE_DIR): not making" \
		"$(LIMINE_ISO) and $(LIMINE_IMG); $(ISO) and $(IMG) boot on BIOS only" >&2

# ---------------------------------------------------------------- use
# The busybox system of `make run` (scripts/make-rootfs.sh, user/rootfs/);
# INITRD= (empty) boots the kernel alone, to its monitor prompt. run-qemu.sh
# makes a temporary ISO with it (rastboot on BIOS; RUNFLAGS="--loader
# limine" the real Limine, --uefi through OVMF).
ROOTFS := $(BUILD)/rootfs.cpio.gz
INITRD ?= $(ROOTFS)

$(ROOTFS): scripts/make-rootfs.sh $(shell find user/rootfs -type f)
	@scripts/deps.sh run
	scripts/make-rootfs.sh $@

rootfs: $(ROOTFS)

run: all $(if $(INITRD),$(INITRD))
	@scripts/deps.sh run
	@# Status 3: QEMU quit by itself (Ctrl-A X, power off): a normal end here.
	scripts/run-qemu.sh $(if $(INITRD),--initrd $(INITRD)) $(RUNFLAGS) || test $$? -eq 3

debug: $(ISO)
	@scripts/deps.sh test
	scripts/debug.sh $(ISO)

# ---------------------------------------------------------------- tests
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/tests/host/%,$(wildcard tests/host/test_*.c))
HOSTCFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iboot/src -Iinclude -Itests/host

$(BUILD)/tests/host/%: tests/host/%.c $(BOOT_PURE) tests/host/testlib.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $< $(BOOT_PURE)

host-tests: $(HOST_TESTS)

test:
	@scripts/deps.sh test
	@tests/run.sh

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(find boot kernel include tests user -name '*.[ch]')

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The kernel's printf engine, tested on the host; its functions are renamed
# k_* so that they do not clash with the C library's.
$(BUILD)/tests/host/test_printf: tests/host/test_printf.c kernel/lib/printf.c \
		kernel/include/kernel/printk.h tests/host/testlib.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -Dvsnprintf=k_vsnprintf \
		-Dsnprintf=k_snprintf -Dvformat=k_vformat -c kernel/lib/printf.c \
		-o $(BUILD)/tests/host/kernel-printf.o
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $< $(BUILD)/tests/host/kernel-printf.o

# ---------------------------------------------------------------- user space
# The user-space test programs (`make user`, see user/user.mk).
include user/user.mk

# ---------------------------------------------------------------- fuzzing
# libFuzzer harnesses for the loader's parsers (tests/fuzz/fuzz_*.c; each
# file's header says how to run it). Linked like the host tests (all of
# BOOT_PURE), but without -Werror: a clang-only warning elsewhere should not
# stop fuzzing. `make fuzz` builds them; tests/fuzz/run.sh (part of make
# test) runs each briefly on its seeds.
FUZZCC     ?= clang
FUZZCFLAGS := -std=c11 -g -O1 -Wall -Wextra -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iboot/src -Iinclude -Itests/host
BOOT_FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/host/fs_image.h $(BOOT_PURE)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -o $@ $< $(BOOT_PURE)

.PHONY: fuzz
fuzz: $(BOOT_FUZZERS)

# The filesystem host tests share this header with the fuzzer.
$(BUILD)/tests/host/test_fs $(BUILD)/tests/host/test_fs_corrupt: tests/host/fs_image.h

# ---------------------------------------------------------------- consoles
# The terminal emulator (kernel/drivers/console/term*.c, ansi*.c) is pure
# code: its host test compiles the same files.
TERM_C := kernel/drivers/console/term.c kernel/drivers/console/term_edit.c \
	kernel/drivers/console/ansi.c kernel/drivers/console/ansi_csi.c

$(BUILD)/tests/host/test_ansi: tests/host/test_ansi.c $(TERM_C) \
		kernel/drivers/console/term_priv.h kernel/include/kernel/term.h \
		tests/host/testlib.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(TERM_C)

# The built-in console font: a Debian console font (PSF1, from the package
# console-setup-linux, see scripts/deps.sh) converted to PSF2 by
# tools/psfconv.c and embedded by kernel/drivers/console/font.c (.incbin). The
# screen test reads the same file.
FONT_SRC := /usr/share/consolefonts/Uni2-Terminus16.psf.gz
FONT_PSF := $(BUILD)/fonts/console.psf

$(BUILD)/tools/psfconv: tools/psfconv.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(FONT_PSF): $(BUILD)/tools/psfconv | deps
	@mkdir -p $(dir $@)
	gzip -dc $(FONT_SRC) >$@.psf1
	$(BUILD)/tools/psfconv $@.psf1 $@
	rm -f $@.psf1

$(BUILD)/kernel/drivers/console/font.o: $(FONT_PSF)
$(BUILD)/kernel/drivers/console/font.o: KCFLAGS += -DCONSOLE_FONT_PATH='"$(FONT_PSF)"'

# The screen suite's checker (tests/qemu/screen.sh): the serial log run
# through the same terminal code, compared with a QEMU screendump.
$(BUILD)/tests/tools/screencheck: tests/tools/screencheck.c $(TERM_C) \
		kernel/drivers/console/term_priv.h kernel/include/kernel/term.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(TERM_C)

host-tests: $(BUILD)/tests/tools/screencheck $(FONT_PSF)

# ---------------------------------------------------------------- memory management
# The allocators' pure code (kernel/mm/buddy.c, slab.c, kmalloc.c) is also
# built for the host: unit tests with sanitizers and libFuzzer harnesses
# (make fuzz builds them; see tests/fuzz/fuzz_mm.c). make MM_DEBUG=0
# builds the kernel without the heap's debug checks (<kernel/heap.h>).
MM_PURE := kernel/mm/buddy.c kernel/mm/slab.c kernel/mm/kmalloc.c
MM_DEPS := $(MM_PURE) kernel/mm/buddy.h kernel/mm/slab.h \
	kernel/include/kernel/mm.h kernel/include/kernel/heap.h
MM_TESTS := $(BUILD)/tests/host/test_buddy $(BUILD)/tests/host/test_slab

ifneq ($(MM_DEBUG),)
KCFLAGS += -DMM_DEBUG=$(MM_DEBUG)
endif
# make SPINLOCK_DEBUG=0: spinlocks without owner and lock-order tracking.
ifneq ($(SPINLOCK_DEBUG),)
KCFLAGS += -DSPINLOCK_DEBUG=$(SPINLOCK_DEBUG)
endif

$(MM_TESTS): $(BUILD)/tests/host/%: tests/host/%.c tests/host/mm_host.h \
		tests/host/testlib.h $(MM_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -Ikernel/mm -o $@ $< $(MM_PURE)

$(BUILD)/tests/fuzz/fuzz_mm: tests/fuzz/fuzz_mm.c tests/host/mm_host.h $(MM_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -Ikernel/mm -o $@ $< $(MM_PURE)

.PHONY: bench
fuzz: $(BUILD)/tests/fuzz/fuzz_mm

# Under QEMU -icount: boot once to run the benchmark KTESTs (suite bench),
# then boot the user-space probes (user/bench/) on rastOS and on Linux;
# then bench_disk (user/bench/disk.c) on rastOS against Linux's figures in
# bench/linux-disk.txt; compares with and then updates bench/results.txt
# and README.md's tables (scripts/bench.sh; BENCH_LINUX=cached reuses the
# Linux figures).
bench: $(ISO) user-bench
	@scripts/deps.sh test
	scripts/bench.sh

# The disk part of make bench alone (scripts/bench.sh --disk-only; about
# 2 minutes; BENCH_DISK_RUNS=3 for the median of three boots per block size).
.PHONY: bench-disk
bench-disk: $(ISO) user-bench
	@scripts/deps.sh test
	scripts/bench.sh --disk-only

# The disk benchmarks' Linux reference (user/bench/disk.c on Debian's Linux
# with an ext2 image on AHCI, scripts/bench-disk.sh): bench/linux-disk.txt.
.PHONY: bench-disk-linux
bench-disk-linux: user-bench
	@scripts/deps.sh test
	scripts/bench-disk.sh

# The keyboard decoder, tested on the host: pure code, compiled unchanged.
$(BUILD)/tests/host/test_keyboard: tests/host/test_keyboard.c \
		kernel/drivers/input/keyboard_decode.c kernel/include/kernel/keyboard.h \
		tests/host/testlib.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< \
		kernel/drivers/input/keyboard_decode.c

# ---------------------------------------------------------------- terminals
# The line discipline (kernel/drivers/tty/ldisc*.c: input processing, line
# editing, echo, output processing) is pure code: its host test compiles
# the same files.
LDISC_PURE := kernel/drivers/tty/ldisc.c kernel/drivers/tty/ldisc_input.c \
	kernel/drivers/tty/ldisc_erase.c kernel/drivers/tty/ldisc_output.c
LDISC_DEPS := $(LDISC_PURE) kernel/drivers/tty/ldisc_priv.h \
	kernel/include/kernel/ldisc.h

$(BUILD)/tests/host/test_ldisc: tests/host/test_ldisc.c tests/host/testlib.h \
		$(LDISC_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(LDISC_PURE)

# ---------------------------------------------------------------- ACPI
# The ACPI table parsers and the \_S5 scan (kernel/acpi/rsdp.c, tables.c,
# madt.c, fadt.c, aml_s5.c) are pure code, built for the host as well:
# test_acpi walks QEMU's real tables (tests/corpus/acpi/, made by
# scripts/dump-acpi-tables.sh) and malformed variants of them,
# test_acpi_aml feeds synthetic MADTs and AML; fuzz_acpi (make fuzz) both.
ACPI_PURE := kernel/acpi/rsdp.c kernel/acpi/tables.c kernel/acpi/madt.c \
	kernel/acpi/fadt.c kernel/acpi/aml_s5.c
ACPI_DEPS := $(ACPI_PURE) kernel/acpi/acpi_priv.h \
	kernel/include/kernel/acpi.h tests/host/acpi_mem.h
ACPI_TESTS := $(BUILD)/tests/host/test_acpi $(BUILD)/tests/host/test_acpi_aml

$(ACPI_TESTS): $(BUILD)/tests/host/%: tests/host/%.c tests/host/testlib.h \
		$(ACPI_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(ACPI_PURE)

$(BUILD)/tests/fuzz/fuzz_acpi: tests/fuzz/fuzz_acpi.c $(ACPI_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< $(ACPI_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_acpi

# ---------------------------------------------------------------- kernel library
# The AVL tree (kernel/lib/avl.c) is pure code, built for the host as well:
# test_avl checks it on small trees, a million nodes and a million random
# operations against a sorted array; fuzz_avl (make fuzz) runs its input
# as a script of operations against a model.
AVL_DEPS := kernel/lib/avl.c kernel/include/kernel/avl.h \
	kernel/include/kernel/compiler.h

$(BUILD)/tests/host/test_avl: tests/host/test_avl.c tests/host/testlib.h \
		$(AVL_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< kernel/lib/avl.c

$(BUILD)/tests/fuzz/fuzz_avl: tests/fuzz/fuzz_avl.c $(AVL_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< kernel/lib/avl.c

fuzz: $(BUILD)/tests/fuzz/fuzz_avl

# ---------------------------------------------------------------- initramfs and executables
# Two pure parsers, in the kernel like every kernel/*.c and also built for
# the host: the cpio "newc" reader (kernel/fs/cpio.c) and the checks of a
# user ELF before execve maps it (kernel/proc/elf.c). test_cpio builds its
# own archives and reads GNU cpio's (tests/host/make-cpio-fixture.sh, run
# by tests/host/run.sh); test_elf_exec reads real binaries: a static musl
# executable and a static PIE made here from tests/host/fixtures/hello.c,
# and Debian's /bin/busybox, /bin/ls and ld.so. make fuzz builds fuzz_cpio
# and fuzz_elf_exec.
CPIO_PURE := kernel/fs/cpio.c
CPIO_DEPS := $(CPIO_PURE) kernel/include/kernel/cpio.h
ELF_EXEC_PURE := kernel/proc/elf.c
ELF_EXEC_DEPS := $(ELF_EXEC_PURE) kernel/include/kernel/elf.h
ELF_FIXTURES := $(BUILD)/tests/host/fixtures/hello-static \
	$(BUILD)/tests/host/fixtures/hello-static-pie
MUSL_LIB := /usr/lib/x86_64-linux-musl

$(BUILD)/tests/host/test_cpio: tests/host/test_cpio.c tests/host/testlib.h \
		$(CPIO_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(CPIO_PURE)

$(BUILD)/tests/host/test_elf_exec: tests/host/test_elf_exec.c \
		tests/host/testlib.h $(ELF_EXEC_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(ELF_EXEC_PURE)

host-tests: $(ELF_FIXTURES)

# musl-tools is a test dependency (scripts/deps.sh), not a build one.
.PHONY: elf-fixture-deps
elf-fixture-deps:
	@scripts/deps.sh test

$(BUILD)/tests/host/fixtures/hello-static: tests/host/fixtures/hello.c \
		| elf-fixture-deps
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -o $@ $<

# Debian's musl-gcc cannot link a static PIE: gcc links musl's rcrt1.o
# (which relocates the program at start-up) with GCC's PIC crtbegin/end.
$(BUILD)/tests/host/fixtures/hello-static-pie: tests/host/fixtures/hello.c \
		| elf-fixture-deps
	@mkdir -p $(dir $@)
	musl-gcc -fPIE -O2 -c $< -o $@.o
	gcc -static-pie -nostdlib -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o \
		$$(gcc -print-file-name=crtbeginS.o) $@.o -L$(MUSL_LIB) -lc \
		$$(gcc -print-libgcc-file-name) \
		$$(gcc -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
	rm -f $@.o

$(BUILD)/tests/fuzz/fuzz_cpio: tests/fuzz/fuzz_cpio.c $(CPIO_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< $(CPIO_PURE)

$(BUILD)/tests/fuzz/fuzz_elf_exec: tests/fuzz/fuzz_elf_exec.c $(ELF_EXEC_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< $(ELF_EXEC_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_cpio $(BUILD)/tests/fuzz/fuzz_elf_exec

# ---------------------------------------------------------------- partitions
# The MBR and GPT readers (kernel/block/mbr.c, gpt.c) are pure code, built
# for the host too: test_partitions reads images made by sfdisk/sgdisk
# (tests/host/make-part-images.sh) and damaged ones; fuzz_partitions.
PART_PURE := kernel/block/mbr.c kernel/block/gpt.c
PART_DEPS := $(PART_PURE) kernel/block/part_table.h

$(BUILD)/tests/host/test_partitions: tests/host/test_partitions.c \
		tests/host/testlib.h $(PART_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(PART_PURE)

$(BUILD)/tests/fuzz/fuzz_partitions: tests/fuzz/fuzz_partitions.c $(PART_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< $(PART_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_partitions

# ---------------------------------------------------------------- gzip
# The gzip/DEFLATE decoder (kernel/lib/inflate.c), for gzip-compressed
# initramfs images as Linux accepts them: pure code, in the kernel like
# every kernel/*.c and also built for the host. test_inflate checks it
# against the system gzip and on damaged members; fuzz_inflate (make fuzz)
# feeds it arbitrary bytes.
INFLATE_PURE := kernel/lib/inflate.c
INFLATE_DEPS := $(INFLATE_PURE) kernel/include/kernel/inflate.h

$(BUILD)/tests/host/test_inflate: tests/host/test_inflate.c \
		tests/host/testlib.h $(INFLATE_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< $(INFLATE_PURE)

$(BUILD)/tests/fuzz/fuzz_inflate: tests/fuzz/fuzz_inflate.c $(INFLATE_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -o $@ $< $(INFLATE_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_inflate

# ---------------------------------------------------------------- path walk
# The VFS's path walk and name calls (kernel/fs/namei.c, namei_ops.c) with
# what they stand on (the dentry and inode caches, mounts, tmpfs, the
# descriptor table, open, stat, chdir, mount), built for the host as they
# are, with tests/host/vfs_shim.c for the rest of the kernel. test_namei
# checks walks and errnos against Linux's; fuzz_namei (make fuzz) runs its
# input as a script of operations and checks the dcache's invariants.
VFS_PURE := $(addprefix kernel/fs/,namei.c namei_ops.c dcache.c mount.c \
	mount_syscalls.c inode.c tmpfs.c tmpfs_super.c permission.c d_path.c \
	cwd.c stat.c open.c file.c fdtable.c filemap.c attr.c writeback.c \
	sync.c) kernel/lib/avl.c
VFS_SHIM := tests/host/vfs_shim.c
VFS_DEPS := $(VFS_PURE) $(VFS_SHIM) tests/host/vfs_shim.h \
	kernel/fs/fs_priv.h kernel/fs/tmpfs_priv.h kernel/include/kernel/fs.h

$(BUILD)/tests/host/test_namei: tests/host/test_namei.c tests/host/testlib.h \
		$(VFS_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -Ikernel/fs -o $@ $< \
		$(VFS_SHIM) $(VFS_PURE)

$(BUILD)/tests/fuzz/fuzz_namei: tests/fuzz/fuzz_namei.c $(VFS_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -Ikernel/fs -o $@ $< \
		$(VFS_SHIM) $(VFS_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_namei

# ---------------------------------------------------------------- ext2
# kernel/fs/ext2 and the write-back code on the VFS above, with
# tests/host/blk_shim.c for the block layer (images in memory).
# test_ext2 checks against the host's mke2fs, e2fsck and debugfs.
EXT2_PURE := $(wildcard kernel/fs/ext2/*.c)
EXT2_SHIM := tests/host/blk_shim.c tests/host/ext2_host.c
EXT2_DEPS := $(VFS_DEPS) $(EXT2_PURE) $(EXT2_SHIM) tests/host/blk_shim.h \
	tests/host/ext2_host.h kernel/fs/ext2/ext2.h kernel/include/kernel/blkdev.h

$(BUILD)/tests/host/test_ext2: tests/host/test_ext2.c tests/host/testlib.h \
		$(EXT2_DEPS) tests/host/ext2_hostfs.c tests/host/ext2_hostfs.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -Ikernel/fs -o $@ $< \
		$(VFS_SHIM) $(VFS_PURE) $(EXT2_SHIM) $(EXT2_PURE) \
		tests/host/ext2_hostfs.c

$(BUILD)/tests/fuzz/fuzz_ext2: tests/fuzz/fuzz_ext2.c $(EXT2_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -Ikernel/fs -o $@ $< \
		$(VFS_SHIM) $(VFS_PURE) $(EXT2_SHIM) $(EXT2_PURE)

fuzz: $(BUILD)/tests/fuzz/fuzz_ext2
