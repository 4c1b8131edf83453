#!/usr/bin/env python3
"""Fill kernel/syscall/syscall_64.tbl's entry column from the kernel's
SYSCALL_DEFINEn(name, ...) definitions: a number whose name has a
definition gets sys_<name>, the others "-". Run after adding a syscall;
make test checks that the table and the definitions agree."""
import re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
defined = set()
for f in (root / "kernel").rglob("*.c"):
    defined.update(re.findall(r"^SYSCALL_DEFINE\d\((\w+)", f.read_text(), re.M))
tbl = root / "kernel/syscall/syscall_64.tbl"
out, names = [], set()
for line in tbl.read_text().splitlines():
    parts = line.split("\t")
    if line.startswith("#") or len(parts) != 3:
        out.append(line)
        continue
    names.add(parts[1])
    parts[2] = "sys_" + parts[1] if parts[1] in defined else "-"
    out.append("\t".join(parts))
check = "--check" in sys.argv
new = "\n".join(out) + "\n"
stray = sorted(defined - names)
if stray:
    print("defined but not in the table:", " ".join(stray))
if check:
    if new != tbl.read_text() or stray:
        print("syscall_64.tbl is out of date: run scripts/syscall-table-sync.py")
        sys.exit(1)
else:
    tbl.write_text(new)
