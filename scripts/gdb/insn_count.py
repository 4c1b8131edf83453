# Count the kernel instructions one system call executes, per function:
# loaded by scripts/bench-trace.sh into a gdb attached to QEMU's stub.
# The kernel runs without KASLR (nokaslr), so its ELF symbols are right.
#
# Parameters come from gdb convenience variables set by the script:
#   $trace_stop  the kernel function to stop in first (sys_pwrite64)
#   $trace_skip  how many of its calls to let pass (warm-up)
#   $trace_calls how many system calls to trace after that one returns
# and, in the environment, TRACE_DETAIL: functions (comma-separated) whose
# instructions are also listed one by one, with their counts; TRACE_SUM=1:
# one table for all the calls (a fork's, its faults' and its child's);
# TRACE_CALLERS=f,g: who called those functions, and how often.
import bisect
import collections
import os
import subprocess

import gdb

ELF = os.environ.get("KERNEL_ELF", "build/kernel/kernel.elf")
USER_TOP = 0x0000800000000000


def load_symbols(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def rip():
    return int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF


def main():
    addrs, names = load_symbols(ELF)
    stop = str(gdb.convenience_variable("trace_stop"))
    stop = stop.strip('"')
    skip = int(gdb.convenience_variable("trace_skip"))
    calls = int(gdb.convenience_variable("trace_calls"))
    target = addrs[names.index(stop)]
    gdb.execute("hbreak *0x%x" % target, to_string=True)
    if skip:
        gdb.execute("ignore $bpnum %d" % skip, to_string=True)
    gdb.execute("continue", to_string=True)
    gdb.execute("delete", to_string=True)
    # Out of this call, to the user instruction after its syscall.
    while rip() >= USER_TOP:
        gdb.execute("stepi", to_string=True)
    detail = set(filter(None, os.environ.get("TRACE_DETAIL", "").split(",")))
    per_pc = collections.Counter()
    callers = collections.Counter()
    watched = {addrs[names.index(f)]: f for f in filter(
        None, os.environ.get("TRACE_CALLERS", "").split(",")) if f in names}
    per_call = []
    kinds = []  # how each entry came: "syscall N" or the entry stub
    for _ in range(calls):
        while rip() < USER_TOP:  # user code up to the next syscall
            gdb.execute("stepi", to_string=True)
        counts = collections.Counter()
        first = rip()
        i = bisect.bisect_right(addrs, first) - 1
        what = names[i] if i >= 0 else "?"
        if what == "syscall_entry":
            what = "syscall %d" % int(gdb.parse_and_eval("$rax"))
        kinds.append(what)
        while rip() >= USER_TOP:
            pc = rip()
            i = bisect.bisect_right(addrs, pc) - 1
            name = names[i] if i >= 0 else "?"
            counts[name] += 1
            if name in detail:
                per_pc[pc] += 1
            if pc in watched:  # at its first instruction: [rsp] is the return
                ret = int(gdb.parse_and_eval("*(unsigned long *)$rsp"))
                j = bisect.bisect_right(addrs, ret) - 1
                callers[(watched[pc], names[j] if j >= 0 else "?")] += 1
            gdb.execute("stepi", to_string=True)
        per_call.append(counts)
    if os.environ.get("TRACE_SUM"):  # one table for all the calls
        total = collections.Counter()
        for counts in per_call:
            total.update(counts)
        print("trace: kernel entries: %s" % ", ".join(
            "%s %d" % (k, sum(c.values())) for k, c in zip(kinds, per_call)))
        per_call = [total]
    for n, counts in enumerate(per_call):
        total = sum(counts.values())
        print("trace: call %d: %d kernel instructions%s" % (
            n + 1, total, " (%s)" % kinds[n] if len(kinds) > n and
            len(per_call) == len(kinds) else ""))
        for name, c in counts.most_common():
            print("trace:   %6d  %s" % (c, name))
    for (callee, caller), c in callers.most_common():
        print("trace: calls %6d  %s <- %s" % (c, callee, caller))
    for pc in sorted(per_pc):
        insn = gdb.execute("x/i 0x%x" % pc, to_string=True).strip()
        print("trace: @ %6d %s" % (per_pc[pc], insn.split(":", 1)[-1].strip()))


main()
gdb.execute("kill", to_string=True)
