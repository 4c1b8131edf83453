# rastOS top-level build. `make` builds the kernel, rastboot and a bootable
# ISO; `make run` boots it in QEMU; `make test` runs every test. Each target
# that needs packages installs them first (scripts/deps.sh).

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

.PHONY: all kernel rastboot iso img run debug test host-tests clean deps format
all: iso img

deps:
	@scripts/deps.sh build

# ---------------------------------------------------------------- kernel
# The generic kernel, the architecture's folder, and the drivers of PC
# devices reached by port I/O, built only on a PC (docs/porting.md).
ARCH       := x86_64
PC_ONLY_C  := kernel/drivers/serial/serial.c kernel/drivers/input/i8042.c \
	kernel/drivers/input/keyboard.c kernel/drivers/console/vgacon.c
GENERIC_C  := $(filter-out $(PC_ONLY_C),$(shell find kernel -name '*.c' \
	-not -path 'kernel/arch/*' | sort))
KERNEL_C   := $(GENERIC_C) $(shell find kernel/arch/$(ARCH) -name '*.c' | sort) \
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

$(BUILD)/kernel/%.asm.o: kernel/%.asm | deps
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

# ---------------------------------------------------------------- rastboot
BOOT_C     := $(shell find boot/src -name '*.c' | sort)
BOOT_ASM   := $(sort $(wildcard boot/stage2/*.asm))
BOOT_OBJ   := $(BOOT_ASM:%.asm=$(BUILD)/%.asm.o) $(BOOT_C:%.c=$(BUILD)/%.o)
# The pure parts: no BIOS, no privileged instructions; the host tests link them.
BOOT_PURE  := boot/src/config.c boot/src/elf.c boot/src/memmap.c \
	boot/src/blockdev.c boot/src/paging.c boot/src/limine_scan.c \
	boot/src/vbe_pick.c $(wildcard boot/src/fs/*.c) boot/src/strutil.c \
	boot/src/format.c boot/src/date.c boot/src/madt.c
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

$(ISO): $(KERNEL) $(STAGE1_CD) $(STAGE2) scripts/make-iso.sh scripts/lib-image.sh
	scripts/make-iso.sh -o $@

$(IMG): $(KERNEL) $(STAGE1_HDD) $(STAGE2) scripts/make-img.sh scripts/lib-image.sh
	scripts/make-img.sh -o $@

# ---------------------------------------------------------------- use
run: $(ISO)
	@scripts/deps.sh run
	@# Status 3: QEMU quit by itself (Ctrl-A X, power off): a normal end here.
	scripts/run-qemu.sh --iso $(ISO) $(RUNFLAGS) || test $$? -eq 3

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

$(MM_TESTS): $(BUILD)/tests/host/%: tests/host/%.c tests/host/mm_host.h \
		tests/host/testlib.h $(MM_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -Ikernel/mm -o $@ $< $(MM_PURE)

$(BUILD)/tests/fuzz/fuzz_mm: tests/fuzz/fuzz_mm.c tests/host/mm_host.h $(MM_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -Ikernel/include -Ikernel/mm -o $@ $< $(MM_PURE)

.PHONY: bench
fuzz: $(BUILD)/tests/fuzz/fuzz_mm

# Boot once under QEMU -icount and run the benchmark KTESTs (suite bench);
# compares with and then updates bench/results.txt (scripts/bench.sh).
bench: $(ISO)
	@scripts/deps.sh test
	scripts/bench.sh

# The keyboard decoder, tested on the host: pure code, compiled unchanged.
$(BUILD)/tests/host/test_keyboard: tests/host/test_keyboard.c \
		kernel/drivers/input/keyboard_decode.c kernel/include/kernel/keyboard.h \
		tests/host/testlib.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel/include -o $@ $< \
		kernel/drivers/input/keyboard_decode.c

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
