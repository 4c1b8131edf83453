/*
 * procfs.c - /proc and /sys: mounting them; /proc/self and thread-self;
 * /proc/PID/stat, status, statm parsed against what the process knows of
 * itself (PID, parent, group, session, name, state, threads, signal
 * masks); cmdline and environ; maps (the executable's lines, [stack],
 * [heap], [vdso]); the magic links fd/N, exe, cwd, root (readlink gives
 * the name, " (deleted)" after an unlink, pipe:[..] and anon_inode:[..]
 * for nameless files; opening fd/N opens the very file, even unlinked);
 * fd/ and fdinfo/ listings; comm written back; task/ with a second
 * thread; a zombie (state Z, its name kept, no exe) and its directory
 * gone once reaped; another user kept out of environ, maps, fd/ and exe;
 * the system-wide files' formats (meminfo, stat, cpuinfo, uptime,
 * loadavg, filesystems, mounts, version); /proc/sys/kernel (hostname
 * written as sethostname would); statfs of proc and sysfs; reads in
 * small pieces giving the same text.
 */
#define _GNU_SOURCE
#include "../lib/t.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572

extern char **environ;

static char buf[65536];

/* The whole of a file into buf (NUL-terminated): its length, or -errno. */
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	if (r < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static long link_of(const char *path, char *out, size_t size)
{
	ssize_t n = readlink(path, out, size - 1);

	if (n < 0)
		return -errno;
	out[n] = '\0';
	return n;
}

/* The value after "key:\t" in buf (a status file), or "". */
static const char *field(const char *key)
{
	static char val[256];
	size_t klen = strlen(key);
	const char *p = buf;

	val[0] = '\0';
	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			const char *v = p + klen + 1, *e;

			while (*v == '\t' || *v == ' ')
				v++;
			e = strchrnul(v, '\n');
			snprintf(val, sizeof(val), "%.*s", (int)(e - v), v);
			break;
		}
	}
	return val;
}

static int count_words(const char *s)
{
	int n = 0;
	bool in = false;

	for (; *s; s++) {
		bool sp = *s == ' ' || *s == '\n' || *s == '\t';

		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

/* Split /proc/PID/stat: fields after the comm, from field 3 on. */
static int stat_fields(char *stat, char *comm, size_t csize, char **f, int max)
{
	char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	int n = 0;

	if (!open || !close)
		return -1;
	snprintf(comm, csize, "%.*s", (int)(close - open - 1), open + 1);
	for (char *t = strtok(close + 1, " \n"); t && n < max;
	     t = strtok(NULL, " \n"))
		f[n++] = t;
	return n + 2;
}

static bool dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

static int dir_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void mounting(void)
{
	struct statfs sf;

	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	T_OK("mount proc", mount("proc", "/proc", "proc", 0, NULL));
	T_OK("mount sysfs", mount("sysfs", "/sys", "sysfs", 0, NULL));
	T_OK("statfs /proc", statfs("/proc", &sf));
	T_EQ("  f_type proc", sf.f_type, PROC_SUPER_MAGIC);
	T_OK("statfs /sys", statfs("/sys", &sf));
	T_EQ("  f_type sysfs", sf.f_type, SYSFS_MAGIC);
	struct stat st;
	T_OK("stat /sys/kernel", stat("/sys/kernel", &st));
	CHECK("  a directory", S_ISDIR(st.st_mode));
	CHECK("/sys/class and /sys/devices are there",
	      dir_has("/sys", "class") && dir_has("/sys", "devices"));
}

static void self_links(void)
{
	char want[64], got[256];
	struct stat st;

	snprintf(want, sizeof(want), "%d", getpid());
	CHECK("readlink /proc/self: its length",
	      link_of("/proc/self", got, sizeof(got)) == (long)strlen(want));
	CHECK("  is my pid", !strcmp(got, want));
	snprintf(want, sizeof(want), "%d/task/%ld", getpid(),
		 syscall(SYS_gettid));
	link_of("/proc/thread-self", got, sizeof(got));
	CHECK("readlink /proc/thread-self: PID/task/TID", !strcmp(got, want));
	T_OK("lstat /proc/self", lstat("/proc/self", &st));
	CHECK("  a symlink", S_ISLNK(st.st_mode));
	T_OK("stat /proc/self", stat("/proc/self", &st));
	CHECK("  leads to a directory", S_ISDIR(st.st_mode));
	T_EQ("  mode", st.st_mode & 07777, 0555);
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK("/proc lists my pid and self",
	      dir_has("/proc", want) && dir_has("/proc", "self"));
	CHECK("/proc/self lists stat, status, fd, task",
	      dir_has("/proc/self", "stat") &&
		      dir_has("/proc/self", "status") &&
		      dir_has("/proc/self", "fd") &&
		      dir_has("/proc/self", "task"));
	T_STREQ("readlink /proc/mounts",
		link_of("/proc/mounts", got, sizeof(got)) > 0 ? got : "?",
		"self/mounts");
}

static void stat_file(void)
{
	char comm[32], *f[64];
	int n;

	T_OK("read /proc/self/stat", slurp("/proc/self/stat"));
	T_EQ("  fields", count_words(buf), 52);
	CHECK("  starts with my pid", atoi(buf) == getpid());
	n = stat_fields(buf, comm, sizeof(comm), f, 64);
	T_EQ("  fields after the name", n, 52);
	T_STREQ("  comm", comm, "procfs");
	T_STREQ("  state", f[0], "R");
	CHECK("  ppid", atoi(f[1]) == getppid());
	CHECK("  pgrp", atoi(f[2]) == getpgrp());
	CHECK("  session", atoi(f[3]) == getsid(0));
	T_EQ("  priority", atoi(f[15]), 20);
	T_EQ("  nice", atoi(f[16]), 0);
	T_EQ("  num_threads", atoi(f[17]), 1);
	CHECK("  vsize > 0", strtoull(f[20], NULL, 10) > 0);
	CHECK("  rss > 0", strtoull(f[21], NULL, 10) > 0);
	T_EQ("  exit_signal", atoi(f[35]), SIGCHLD);
	T_EQ("  exit_code", atoi(f[49]), 0);

	T_OK("read /proc/self/statm", slurp("/proc/self/statm"));
	T_EQ("  fields", count_words(buf), 7);
	CHECK("  size >= resident > 0",
	      strtoul(buf, NULL, 10) >= strtoul(strchr(buf, ' '), NULL, 10) &&
		      strtoul(strchr(buf, ' '), NULL, 10) > 0);
}

static void status_file(void)
{
	sigset_t set;
	char want[32];

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	T_OK("read /proc/self/status", slurp("/proc/self/status"));
	T_STREQ("  Name", field("Name"), "procfs");
	T_STREQ("  State", field("State"), "R (running)");
	T_STREQ("  Umask", field("Umask"), "0022");
	CHECK("  Tgid", atoi(field("Tgid")) == getpid());
	CHECK("  Pid", atoi(field("Pid")) == getpid());
	CHECK("  PPid", atoi(field("PPid")) == getppid());
	T_STREQ("  TracerPid", field("TracerPid"), "0");
	T_STREQ("  Uid", field("Uid"), "0\t0\t0\t0");
	T_STREQ("  Gid", field("Gid"), "0\t0\t0\t0");
	T_STREQ("  Threads", field("Threads"), "1");
	T_STREQ("  SigBlk", field("SigBlk"), "0000000000000200");
	CHECK("  SigIgn has SIGUSR2",
	      strtoull(field("SigIgn"), NULL, 16) & (1ull << (SIGUSR2 - 1)));
	T_STREQ("  CapEff", field("CapEff"), "000001ffffffffff");
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK("  NSpid", !strcmp(field("NSpid"), want));
	CHECK("  VmSize, VmRSS, VmStk in kB",
	      strstr(field("VmSize"), " kB") && strstr(field("VmRSS"), " kB") &&
		      strstr(field("VmStk"), " kB"));
	CHECK("  voluntary_ctxt_switches",
	      strstr(buf, "\nvoluntary_ctxt_switches:\t"));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR2, SIG_DFL);
}

static void cmdline_environ(char **argv)
{
	long n = slurp("/proc/self/cmdline");
	size_t want = 0;

	for (char **a = argv; *a; a++)
		want += strlen(*a) + 1;
	T_EQ("cmdline length", n, (long)want);
	T_STREQ("  argv[0]", buf, argv[0]);
	n = slurp("/proc/self/environ");
	want = 0;
	for (char **e = environ; *e; e++)
		want += strlen(*e) + 1;
	T_EQ("environ length", n, (long)want);
	CHECK("  first variable", !environ[0] || !strcmp(buf, environ[0]));
}

static void maps(const char *exe)
{
	char line[512];
	FILE *f;
	int lines = 0, good = 0, exec_lines = 0;
	bool stack = false, vdso = false, heap = false;
	void *p = malloc(100000);

	f = fopen("/proc/self/maps", "r");
	CHECK("open /proc/self/maps", f);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off, ino;
		char perms[8], dev[16];
		int name = 0;

		lines++;
		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &lo, &hi, perms,
			   &off, dev, &ino, &name) >= 6 &&
		    lo < hi && strlen(perms) == 4)
			good++;
		if (strstr(line, " [stack]\n"))
			stack = true;
		if (strstr(line, " [vdso]\n"))
			vdso = true;
		if (strstr(line, " [heap]\n"))
			heap = true;
		if (strstr(line, exe) && strstr(line, "r-xp"))
			exec_lines++;
		if (strlen(line) > 74 && line[72] != ' ')
			good = -1000; /* names start at column 74 */
	}
	if (f)
		fclose(f);
	T_EQ("maps: well-formed lines", good, lines);
	CHECK("  [stack], [vdso]", stack && vdso);
	t_say("  [heap] after malloc: %s", heap && p ? "yes" : "no");
	T_EQ("  the executable's code line", exec_lines, 1);
	free(p);
}

static void fd_links(void)
{
	char got[512], path[64], data[16];
	struct stat a, b;
	int fd = open("/data/hello.txt", O_RDONLY | O_CLOEXEC), fd2, p[2];

	T_OK("open /data/hello.txt", fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	link_of(path, got, sizeof(got));
	T_STREQ("readlink fd/N", got, "/data/hello.txt");
	T_OK("lstat fd/N", lstat(path, &a));
	CHECK("  a symlink", S_ISLNK(a.st_mode));
	T_EQ("  mode (read-only open)", a.st_mode & 0777, 0500);
	fd2 = open(path, O_RDONLY);
	T_OK("open fd/N", fd2);
	fstat(fd, &a);
	fstat(fd2, &b);
	CHECK("  the same file", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	T_EQ("  its own position", read(fd2, data, 5), 5);
	T_EQ("pread of the first", pread(fd, got, 5, 0), 5);
	CHECK("  same bytes", !memcmp(got, data, 5));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd2);
	T_OK("read fdinfo/N", slurp(path));
	T_STREQ("  pos", field("pos"), "5");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	slurp(path);
	CHECK("  flags: O_CLOEXEC, read-only",
	      (strtoul(field("flags"), NULL, 8) & (O_CLOEXEC | O_ACCMODE)) ==
		      O_CLOEXEC);
	close(fd2);

	/* An unlinked file: still there through the link. */
	mkdir("/tmp", 01777);
	fd2 = open("/tmp/procfs-gone", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd2, "gone", 4);
	unlink("/tmp/procfs-gone");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd2);
	link_of(path, got, sizeof(got));
	T_STREQ("readlink of an unlinked file", got,
		"/tmp/procfs-gone (deleted)");
	T_EQ("  mode (read-write open)",
	     lstat(path, &a) ? -1 : (long)(a.st_mode & 0777), 0700);
	int fd3 = open(path, O_RDONLY);
	T_OK("  open it through fd/N", fd3);
	memset(data, 0, sizeof(data));
	T_EQ("  read", read(fd3, data, sizeof(data)), 4);
	T_STREQ("  its data", data, "gone");
	close(fd3);
	close(fd2);

	T_OK("pipe", pipe(p));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	link_of(path, got, sizeof(got));
	CHECK("pipe: pipe:[N]",
	      !strncmp(got, "pipe:[", 6) && got[strlen(got) - 1] == ']');
	int efd = eventfd(0, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	link_of(path, got, sizeof(got));
	T_STREQ("eventfd", got, "anon_inode:[eventfd]");

	/* fd/ lists every open descriptor, and the listing's own. */
	int open_fds = 0;
	for (int i = 0; i < 256; i++)
		open_fds += fcntl(i, F_GETFD) >= 0;
	T_EQ("fd/ entries: the open descriptors and its own",
	     dir_count("/proc/self/fd"), open_fds + 1);
	T_EQ("fdinfo/ entries too", dir_count("/proc/self/fdinfo"),
	     open_fds + 1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", 200);
	T_ERR("readlink of a closed fd", readlink(path, got, sizeof(got)),
	      ENOENT);
	close(p[0]);
	close(p[1]);
	close(efd);
	close(fd);
}

static void place_links(const char *exe)
{
	char got[512];

	link_of("/proc/self/exe", got, sizeof(got));
	T_STREQ("readlink exe", got, exe);
	T_OK("chdir /data", chdir("/data"));
	link_of("/proc/self/cwd", got, sizeof(got));
	T_STREQ("readlink cwd", got, "/data");
	T_OK("open cwd/hello.txt through the link",
	     slurp("/proc/self/cwd/hello.txt"));
	link_of("/proc/self/root", got, sizeof(got));
	T_STREQ("readlink root", got, "/");
	T_OK("chdir /", chdir("/"));
	struct stat a, b;
	stat("/proc/self/exe", &a);
	stat(exe, &b);
	CHECK("stat exe: the executable", a.st_ino == b.st_ino);
}

static void comm_file(void)
{
	char name[32] = {0};
	int fd;

	T_OK("read comm", slurp("/proc/self/comm"));
	T_STREQ("  value", buf, "procfs\n");
	fd = open("/proc/self/comm", O_WRONLY);
	T_OK("open comm for writing", fd);
	T_EQ("write comm", write(fd, "renamed\n", 8), 8);
	close(fd);
	prctl(PR_GET_NAME, name);
	T_STREQ("  PR_GET_NAME (the newline kept)", name, "renamed\n");
	prctl(PR_SET_NAME, "procfs");
}

static int pipe_fds[2];

static void *thread_main(void *arg)
{
	char c;

	(void)arg;
	prctl(PR_SET_NAME, "worker");
	read(pipe_fds[0], &c, 1);
	return NULL;
}

static void tasks(void)
{
	pthread_t th;
	char path[128], comm[32], *f[64];
	long main_tid = syscall(SYS_gettid), other = 0;
	DIR *d;
	struct dirent *e;

	T_EQ("task/ entries", dir_count("/proc/self/task"), 1);
	pipe(pipe_fds);
	pthread_create(&th, NULL, thread_main, NULL);
	t_msleep(100);
	T_EQ("task/ entries with a thread", dir_count("/proc/self/task"), 2);
	d = opendir("/proc/self/task");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atol(e->d_name) != main_tid)
			other = atol(e->d_name);
	if (d)
		closedir(d);
	CHECK("  the other is a new id", other > main_tid);
	slurp("/proc/self/status");
	T_STREQ("status Threads", field("Threads"), "2");
	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", other);
	T_OK("read task/TID/stat", slurp(path));
	CHECK("  its tid first", atol(buf) == other);
	stat_fields(buf, comm, sizeof(comm), f, 64);
	T_STREQ("  its name", comm, "worker");
	T_STREQ("  sleeping", f[0], "S");
	T_EQ("  threads", atoi(f[17]), 2);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", other);
	slurp(path);
	CHECK("  status Pid: the thread", atol(field("Pid")) == other);
	CHECK("  status Tgid: the process", atol(field("Tgid")) == getpid());
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/comm", (long)getpid(),
		 main_tid);
	slurp(path);
	T_STREQ("main thread's comm", buf, "procfs\n");
	write(pipe_fds[1], "x", 1);
	pthread_join(th, NULL);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	snprintf(path, sizeof(path), "/proc/self/task/%ld", other);
	struct stat st;
	T_ERR("stat a gone thread's dir", stat(path, &st), ENOENT);
}

static void zombie(void)
{
	char path[64], comm[32], *f[64], got[64];
	siginfo_t si;
	pid_t pid = t_fork();

	if (pid == 0)
		_exit(7);
	T_OK("waitid WNOWAIT", waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	T_OK("read a zombie's stat", slurp(path));
	stat_fields(buf, comm, sizeof(comm), f, 64);
	T_STREQ("  state", f[0], "Z");
	T_STREQ("  name kept", comm, "procfs");
	CHECK("  ppid", atoi(f[1]) == getpid());
	T_EQ("  exit_code", atoi(f[49]), 7 << 8);
	slurp(path);
	T_EQ("  fields", count_words(buf), 52);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	slurp(path);
	T_STREQ("  status State", field("State"), "Z (zombie)");
	CHECK("  no VmSize", !strstr(buf, "VmSize"));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	T_EQ("  cmdline empty", slurp(path), 0);
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	T_ERR("  readlink exe", readlink(path, got, sizeof(got)), ENOENT);
	t_wait(pid);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	struct stat st;
	T_ERR("reaped: stat /proc/PID", stat(path, &st), ENOENT);
}

static pid_t target;

static int other_user(void *arg)
{
	char path[64], got[256];

	(void)arg;
	if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", target);
	T_OK("user 1000: root's stat", slurp(path));
	snprintf(path, sizeof(path), "/proc/%d/status", target);
	T_OK("user 1000: root's status", slurp(path));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", target);
	T_OK("user 1000: root's cmdline", slurp(path));
	snprintf(path, sizeof(path), "/proc/%d/environ", target);
	T_EQ("user 1000: root's environ", slurp(path), -EACCES);
	snprintf(path, sizeof(path), "/proc/%d/maps", target);
	T_EQ("user 1000: root's maps", slurp(path), -EACCES);
	snprintf(path, sizeof(path), "/proc/%d/exe", target);
	T_ERR("user 1000: root's exe", readlink(path, got, sizeof(got)),
	      EACCES);
	snprintf(path, sizeof(path), "/proc/%d/fd", target);
	T_EQ("user 1000: root's fd/", dir_count(path), -EACCES);
	T_OK("user 1000: own environ", slurp("/proc/self/environ"));
	T_OK("user 1000: own fd/", dir_count("/proc/self/fd"));
	slurp("/proc/self/status");
	T_STREQ("user 1000: Uid", field("Uid"), "1000\t1000\t1000\t1000");
	T_STREQ("  CapEff", field("CapEff"), "0000000000000000");
	return t_failures ? 1 : 0;
}

static void system_files(void)
{
	char *line;
	int cpus = 0, n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	T_OK("read meminfo", slurp("/proc/meminfo"));
	CHECK("  MemTotal first", !strncmp(buf, "MemTotal:", 9));
	CHECK("  MemFree <= MemTotal, in kB",
	      strtoul(field("MemFree"), NULL, 10) <=
			      strtoul(field("MemTotal"), NULL, 10) &&
		      strstr(field("MemTotal"), " kB"));
	CHECK("  MemAvailable, SwapTotal, Hugepagesize",
	      *field("MemAvailable") && *field("SwapTotal") &&
		      *field("Hugepagesize"));
	CHECK("  column alignment",
	      strstr(buf, "\nHugepagesize:       2048 kB\n"));

	T_OK("read stat", slurp("/proc/stat"));
	CHECK("  cpu line first", !strncmp(buf, "cpu  ", 5));
	for (line = buf; line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		cpus += !strncmp(line, "cpu", 3) && line[3] >= '0' &&
			line[3] <= '9';
	CHECK("  a cpuN line per CPU", cpus == n);
	*strchr(buf, '\n') = '\0';
	T_EQ("  cpu line words", count_words(buf), 11);
	slurp("/proc/stat");
	CHECK("  ctxt, btime, processes, procs_running",
	      strstr(buf, "\nctxt ") && strstr(buf, "\nbtime ") &&
		      strstr(buf, "\nprocesses ") &&
		      strstr(buf, "\nprocs_running "));

	T_OK("read cpuinfo", slurp("/proc/cpuinfo"));
	cpus = 0;
	for (line = buf; line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		cpus += !strncmp(line, "processor\t: ", 12);
	CHECK("  a processor block per CPU", cpus == n);
	CHECK("  flags and model name",
	      strstr(buf, "\nflags\t\t: ") && strstr(buf, "\nmodel name\t: "));

	double up = 0, idle = 0;
	T_OK("read uptime", slurp("/proc/uptime"));
	T_EQ("  two numbers", sscanf(buf, "%lf %lf", &up, &idle), 2);
	CHECK("  uptime > 0", up > 0);
	T_OK("read loadavg", slurp("/proc/loadavg"));
	int run = 0, all = 0, last = 0;
	T_EQ("  five fields",
	     sscanf(buf, "%*f %*f %*f %d/%d %d", &run, &all, &last), 3);
	CHECK("  running <= all, last pid >= mine",
	      run >= 1 && run <= all && last >= getpid());

	T_OK("read filesystems", slurp("/proc/filesystems"));
	CHECK("  proc, sysfs, tmpfs", strstr(buf, "nodev\tproc\n") &&
					      strstr(buf, "nodev\tsysfs\n") &&
					      strstr(buf, "nodev\ttmpfs\n"));
	T_OK("read mounts", slurp("/proc/mounts"));
	CHECK("  proc's line",
	      strstr(buf, "\nproc /proc proc rw,relatime 0 0\n"));
	CHECK("  sysfs's line",
	      strstr(buf, "\nsysfs /sys sysfs rw,relatime 0 0\n"));
	T_OK("read version", slurp("/proc/version"));
	CHECK("  Linux version", !strncmp(buf, "Linux version ", 14));
	T_OK("read cmdline", slurp("/proc/cmdline"));
	CHECK("  one line", strchr(buf, '\n') == buf + strlen(buf) - 1);
}

static void sysctl(void)
{
	struct utsname u;
	char old[128];
	int fd;

	T_OK("read ostype", slurp("/proc/sys/kernel/ostype"));
	T_STREQ("  value", buf, "Linux\n");
	T_OK("read pid_max", slurp("/proc/sys/kernel/pid_max"));
	CHECK("  a number", atoi(buf) >= 32768);
	T_OK("read osrelease", slurp("/proc/sys/kernel/osrelease"));
	uname(&u);
	CHECK("  uname's release", !strncmp(buf, u.release, strlen(u.release)));
	slurp("/proc/sys/kernel/hostname");
	snprintf(old, sizeof(old), "%s", buf);
	CHECK("hostname: uname's",
	      !strncmp(buf, u.nodename, strlen(u.nodename)));
	fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_TRUNC);
	T_OK("open hostname for writing", fd);
	T_EQ("write hostname", write(fd, "procfs-test\n", 12), 12);
	close(fd);
	uname(&u);
	T_STREQ("  uname nodename", u.nodename, "procfs-test");
	sethostname(old, strcspn(old, "\n"));
}

static void small_reads(void)
{
	static char whole[8192];
	long n = slurp("/proc/self/maps"), m = 0;
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t r;

	memcpy(whole, buf, (size_t)n);
	while (fd >= 0 && m < (long)sizeof(whole) &&
	       (r = read(fd, buf + m, 7)) > 0)
		m += r;
	close(fd);
	CHECK("maps read 7 bytes at a time: same length", m == n);
	CHECK("  same text", !memcmp(whole, buf, (size_t)n));
	fd = open("/proc/version", O_RDONLY);
	T_EQ("lseek back and read again", lseek(fd, 0, SEEK_SET), 0);
	CHECK("  reads", read(fd, buf, 100) > 0);
	T_ERR("write to a read-only proc file", write(fd, "x", 1), EBADF);
	close(fd);
	T_ERR("create in /proc", open("/proc/new", O_CREAT | O_WRONLY, 0644),
	      ENOENT);
	T_ERR("mkdir in /proc/self", mkdir("/proc/self/x", 0755), ENOENT);
}

int main(int argc, char **argv)
{
	char exe[256];

	(void)argc;
	mounting();
	self_links();
	link_of("/proc/self/exe", exe, sizeof(exe));
	stat_file();
	status_file();
	cmdline_environ(argv);
	maps(exe);
	fd_links();
	place_links(exe);
	comm_file();
	tasks();
	zombie();
	target = getpid();
	T_STATUS("another user", t_run(other_user, NULL), "exit 0");
	system_files();
	sysctl();
	small_reads();
	T_OK("umount /sys", umount("/sys"));
	T_OK("umount /proc", umount("/proc"));
	t_done();
}
