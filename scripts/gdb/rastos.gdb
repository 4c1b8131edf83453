# rastos.gdb: GDB commands for rastOS running under QEMU's GDB stub.
#   gdb -x scripts/gdb/rastos.gdb -ex 'target remote :1234' -ex rastos-kernel
# (from the repository root)
# with QEMU started halted by `scripts/run-qemu.sh --gdb` (stub on :1234);
# scripts/debug.sh does both.
#
# Kernel symbols: rastboot slides the kernel (a PIE) by a random amount
# (KASLR), so its symbols must be loaded at the slid addresses:
#   rastos-kernel     runs until rastboot's handoff(), reads the slide it
#                     left in rastboot_kernel_slide, loads the symbols and
#                     stops at kmain: breakpoints on the kernel entry work
#                     whatever the slide (scripts/debug.sh does this);
#   rastos-sym SLIDE  loads them by hand, SLIDE from the serial log line
#                     "boot: kernel phys 0x... virt 0x... slide 0x..."
#                     (0 with kaslr=off or nokaslr).
# Until the kernel is loaded, prefer hardware breakpoints (`hbreak *ADDRESS`):
# a software breakpoint written into memory is overwritten when rastboot
# copies the kernel there, and the address may not be mapped yet.
# Note QEMU stops at the reset vector in real mode; GDB disassembles it as
# 64-bit code until the CPU reaches long mode.

define rastos-sym
  if $argc != 1
    help rastos-sym
  else
    set confirm off
    add-symbol-file build/kernel/kernel.elf -o $arg0
    set confirm on
  end
end
document rastos-sym
rastos-sym SLIDE: load the kernel's symbols (build/kernel/kernel.elf), slid
by SLIDE (0 when kaslr=off; else the "slide 0x..." of the serial log line
"boot: kernel phys ... virt ... slide ...").
end

set architecture i386:x86-64

# rastos-kernel: run until rastboot hands over, load the kernel's symbols at
# the slide rastboot chose (it leaves it in rastboot_kernel_slide) and stop
# at kmain. Works with KASLR on: this is how to break on the kernel entry.
define rastos-kernel
  set confirm off
  add-symbol-file build/boot/stage2.elf
  set confirm on
  hbreak *&handoff
  continue
  delete
  rastos-sym rastboot_kernel_slide
  hbreak *&kmain
  continue
  delete
end
document rastos-kernel
rastos-kernel: continue until the kernel's entry (kmain) with its symbols
loaded at the right (KASLR-slid) addresses, then stop there.
end
