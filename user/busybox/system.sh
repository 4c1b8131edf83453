# The busybox suite, the system: users and permissions (root, and an
# ordinary user through su), names (uname, hostname), dates and calendars
# for fixed times, the environment, time limits and scheduling, and a few
# calculators. /etc/passwd and /etc/group are made by /init. Nothing
# here needs /proc (ps, free, mount and friends are another suite's).
. /data/lib.sh

y_id() {
	id
	id -u
	id -g
	id -G
	id -un
	id -gn
	id bb
	id -G bb
	id nosuchuser
	echo "status $?"
	whoami
	groups
	groups bb
	echo "-- su to an ordinary user"
	su -s /bin/sh bb -c 'id; whoami'
	su -s /bin/sh bb -c 'exit 4'
	echo "status $?"
	su -s /bin/sh nosuchuser -c true
	echo "status $?"
}

# The kernel's permission checks, as user bb (uid 1000).
y_perms() {
	chmod 755 .
	echo secret >rootonly
	chmod 600 rootonly
	echo readable >public
	chmod 644 public
	mkdir rootdir
	mkdir -m 1777 sticky
	touch sticky/roots
	mkdir -m 777 open
	touch open/roots
	su -s /bin/sh bb -c '
		cat public
		cat rootonly
		echo "write public" >>public
		touch rootdir/new
		mkdir rootdir/sub
		touch sticky/mine && echo "made sticky/mine"
		rm sticky/roots
		rm open/roots && echo "removed open/roots"
		rm sticky/mine && echo "removed sticky/mine"
		chmod 777 public
		chown bb public
		touch -d 2001-01-01 public
		touch public
		ls rootdir >/dev/null && echo "ls rootdir: fine"
		cd open || exit 1
		mkdir mine
		chmod 000 mine
		ls mine
		cd mine
		echo "status $?"
		chmod 700 mine && touch mine/x && ls mine
		kill -0 1
		echo "kill init: $?"
		exit 0
	'
	stat -c '%n %u:%g %a' open/* sticky/* public rootonly
	echo "-- setuid and setgid programs"
	mkdir suid
	cp /bin/busybox suid/id
	chmod 4755 suid/id
	su -s /bin/sh bb -c 'suid/id; echo "status $?"'
	chmod 2755 suid/id
	chgrp 100 suid/id
	su -s /bin/sh bb -c 'suid/id'
	echo "-- root and the permission bits"
	chmod 000 rootonly
	cat rootonly
	chmod 600 rootonly && chown 1000:1000 rootonly
	cat rootonly
	su -s /bin/sh bb -c 'cat rootonly'
}

y_names() {
	uname -s
	uname -m
	uname -o
	uname -s -m -o
	arch
	linux32 uname -m
	linux64 uname -m
	echo "-- hostname"
	hostname
	uname -n
	hostname rastbox
	hostname
	uname -n
	echo "fromfile" >h
	hostname -F h
	hostname
	hostname '(none)' # as it was, for the sections after this one
	echo "-- hostid"
	printf '\170\126\064\022' >/etc/hostid
	hostid
	rm /etc/hostid
	echo "-- which"
	which busybox sh
	which nonexistent
	echo "status $?"
	which -a ls
}

y_date() {
	date -d @0
	date -u -d @1234567890
	date -d '2020-02-29 12:34:56' '+%Y-%m-%d %H:%M:%S %j %a %A %b %B %s %u %w %V %U %p %I %y %C %e %n%D %T %%'
	date -d '2000-01-01 00:00:00' +%s
	date -R -d @1000000000
	date -I -d @1000000000
	date -Iseconds -d @1000000000
	date -D '%d/%m/%Y' -d '25/12/2021' +%F
	TZ=EST5 date -d @0
	TZ=JST-9 date -d @0 '+%F %T %Z'
	TZ=UTC0 date -d @2147483648
	date -d @-1
	date -d 'garbage'
	echo "status $?"
	echo "-- now is after 2020 and moves"
	[ "$(date +%s)" -gt 1577836800 ] && echo "the clock is set"
	a=$(date +%s)
	sleep 1.1
	b=$(date +%s)
	[ "$b" -gt "$a" ] && echo "a second went by"
	echo "-- cal"
	cal 2 2024
	cal 9 1752
	cal 12 1999
	cal -j 3 2023
	cal 2023 | head -n 10
}

y_env() {
	env | sort
	echo "-- env -i, -u, A=B"
	env -i A=1 B=2 env
	env -i PATH=/bin A=1 sh -c 'echo "A=$A B=[$B]"'
	env -u TZ env | grep -c '^TZ='
	env X=1 Y=2 sh -c 'echo $X$Y'
	env - env | wc -l
	env nonexistent
	echo "status $?"
	echo "-- the shell's own"
	echo "HOME=$HOME TERM=${TERM-unset} SHELL=${SHELL-unset} PWD=$PWD"
	cd /tmp && echo "OLDPWD=$OLDPWD PWD=$PWD"
	echo "-- true, false"
	true
	echo "true: $?"
	false
	echo "false: $?"
	true --help
	echo "true --help: $?"
}

y_time() {
	sleep 0.2 && echo "slept 0.2"
	sleep 0 && echo "slept 0"
	usleep 1000 && echo "usleep 1000"
	sleep 1x
	echo "status $?"
	echo "-- timeout"
	timeout 5 true
	echo "timeout true: $?"
	timeout 5 sh -c 'exit 7'
	echo "timeout exit 7: $?"
	timeout 0.3 sleep 5
	echo "timed out: $?"
	timeout -s KILL 0.3 sleep 5
	echo "timed out with KILL: $?"
	timeout -s INT 0.3 sh -c 'trap "echo got INT; exit 2" INT; sleep 5 & wait'
	echo "status $?"
	timeout 5 nonexistent
	echo "status $?"
	echo "-- setsid"
	setsid sh -c 'echo "in a new session"'
	setsid sh -c 'exit 5'
	echo "setsid: $?"
}

y_sched() {
	echo "-- taskset"
	taskset 1 sh -c 'echo "pinned"'
	taskset 1 sh -c 'taskset -p $$' | sed 's/pid [0-9]*/pid N/'
	taskset 0 true
	echo "status $?"
	echo "-- renice"
	sh -c 'renice -n 5 -p $$ && echo "reniced"'
	sh -c 'renice -n -30 -p $$ && echo "reniced to the limit"'
	renice -n 1 -p 999999
	echo "status $?"
	echo "-- ionice"
	ionice -c 3 sh -c 'ionice -p $$'
	ionice -c 2 -n 7 sh -c 'ionice -p $$'
	sh -c 'ionice -p $$'
}

y_calc() {
	echo "-- mkpasswd"
	mkpasswd -m md5 -S saltsalt password
	mkpasswd -m sha256 -S saltsaltsaltsalt password
	mkpasswd -m sha512 -S saltsaltsaltsalt password
	mkpasswd -m des -S ab password
	echo "-- ipcalc"
	ipcalc -n -b -m -p 192.168.1.77/24
	ipcalc -n -b 10.1.2.3 255.255.0.0
	ipcalc -m 172.16.0.1
	echo "-- shuf (sorted)"
	shuf -i 1-8 | sort -n | tr '\n' ' '
	echo
	seq 1 5 | shuf | sort | tr '\n' ' '
	echo
	shuf -n 3 -i 1-100 | wc -l
	echo "-- run-parts"
	mkdir parts
	printf '#!/bin/sh\necho "first $1"\n' >parts/10-first
	printf '#!/bin/sh\necho second\nexit 3\n' >parts/20-second
	printf '#!/bin/sh\necho never\n' >parts/30-notexec
	printf '#!/bin/sh\necho bad name\n' >parts/bad.name
	chmod 755 parts/10-first parts/20-second parts/bad.name
	run-parts --test parts
	run-parts -a arg parts
	echo "status $?"
	run-parts --reverse parts
	echo "-- clear, more, less"
	clear | od -c
	printf 'paged\n' | more
	printf 'less is more\n' | less
	echo "-- tty"
	tty -s </dev/console
	echo "the console is a terminal: $?"
	tty </dev/null
	echo "status $?"
	echo "-- setpriv"
	setpriv -d
	setpriv --nnp setpriv -d 2>&1 | grep no_new_privs
}

section sys-id y_id
section sys-perms y_perms
section sys-names y_names
section sys-date-cal y_date
section sys-env y_env
section sys-time y_time
section sys-sched y_sched
section sys-calc y_calc
