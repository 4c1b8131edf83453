# /proc and /sys through busybox: mount, the files ps, free, uptime, top,
# pidof, killall and mount read, and the magic links. Run by /init (the
# busybox initramfs) as its own process; every line it prints is the
# same on Linux and rastOS.
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev /tmp/bin
# The applets under their own names (comm and argv[0] are "sleep"...).
$bb --install -s /tmp/bin
export PATH=/tmp/bin:/bin
$bb mount -t proc proc /proc && echo "mount proc: ok"
$bb mount -t sysfs sysfs /sys && echo "mount sysfs: ok"
[ -e /dev/null ] || $bb mount -t devtmpfs devtmpfs /dev
$bb grep -E '^(proc|sysfs) ' /proc/mounts
$bb mount | $bb grep -E '^(proc|sysfs) '
$bb grep -E '	(proc|sysfs|tmpfs|devtmpfs)$' /proc/filesystems | $bb sort
for d in kernel class devices; do [ -d /sys/$d ] && echo "/sys/$d: dir"; done

# /proc/self is whoever looks: the shell's builtin read is the shell.
read -r line </proc/self/stat
set -- $line
[ "$1" = "$$" ] && echo "self/stat: the shell's pid"
echo "self/stat: $# fields, state $3"
[ "$($bb readlink /proc/self)" -gt "$$" ] && echo "self: a child's pid"
$bb readlink /proc/self/exe
(cd /data && $bb readlink /proc/self/cwd)
$bb readlink /proc/self/root
$bb cat /proc/self/cmdline | $bb tr '\0' ' '
echo
$bb env -i FOO=bar X=1 $bb cat /proc/self/environ | $bb tr '\0' '\n'
$bb cat /proc/self/comm
$bb grep -E '^(Name|State|Uid|Gid|Threads):' /proc/self/status
$bb awk -v me=$$ '$1 == "PPid:" && $2 == me { print "PPid: the shell" }' /proc/self/status
$bb cat /proc/self/statm | $bb wc -w
$bb grep -c '\[stack\]$' /proc/self/maps
$bb grep -c ' /bin/busybox$' /proc/self/maps | $bb awk '{ print ($1 > 0) }'

# A descriptor's magic link: its name, and opening it opens the file.
exec 3</data/script.sh
$bb readlink /proc/self/fd/3
$bb head -n 1 /proc/self/fd/3
$bb ls /proc/self/fd/ | $bb tr '\n' ' '
echo
$bb grep '^pos:' /proc/self/fdinfo/3
exec 3<&-

# System-wide files: their shapes.
$bb awk '{ print NF }' /proc/loadavg /proc/uptime
$bb grep -cE '^(MemTotal|MemFree|MemAvailable|SwapTotal):' /proc/meminfo
$bb grep -E '^cpu ' /proc/stat | $bb wc -w
$bb grep -cE '^(ctxt|btime|processes|procs_running|procs_blocked) ' /proc/stat
$bb grep -c '^processor' /proc/cpuinfo | $bb awk '{ print ($1 > 0) }'
$bb cut -d' ' -f1-2 /proc/version
$bb cat /proc/sys/kernel/ostype /proc/sys/kernel/pid_max
$bb cat /proc/sys/kernel/hostname
echo rastbox >/proc/sys/kernel/hostname
$bb hostname
$bb cat /proc/sys/kernel/hostname
[ -L /proc/mounts ] && $bb readlink /proc/mounts
[ -L /proc/thread-self ] && echo "thread-self: a link"

# The tools.
free | head -n 1
free | awk 'NR == 2 { print $1, ($2 > 0) }'
uptime | grep -o 'load average: [0-9.]*, [0-9.]*, [0-9.]*$' |
	sed 's/[0-9][0-9.]*/N/g'
sleep 30 &
sleeper=$!
sleep 0.2
[ "$(pidof sleep)" = "$sleeper" ] && echo "pidof sleep: the sleeper"
ps -o ppid,stat,comm >/tmp/ps.out
awk -v me=$$ '$1 == me { print $2, $3 }' /tmp/ps.out | sort
ps >/tmp/ps.out
head -n 1 /tmp/ps.out
top -b -n 1 >/tmp/top.out
grep -cE '^(Mem|CPU|Load average):' /tmp/top.out
killall sleep && echo "killall sleep: ok"
wait $sleeper
echo "sleeper: status $?"
killall sleep 2>/dev/null || echo "killall sleep again: none left"
grep -c . /proc/$sleeper/stat 2>/dev/null || echo "reaped: no /proc/PID"
umount /sys && echo "umount sysfs: ok"
exit 0
