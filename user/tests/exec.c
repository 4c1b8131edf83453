/*
 * exec.c - execve and execveat (files from the read-only initramfs).
 *   argv and envp passing (argv[0] independent of the path, an empty and a
 *   NULL envp, a NULL argv), a large legal argv; errors: E2BIG (one string
 *   over 128 KiB, all strings over a quarter of the stack limit), ENOENT
 *   (missing file, empty path, missing #! interpreter), ENOTDIR, EACCES
 *   (a directory, a file without x bits), ENOEXEC (text without #!, ELF
 *   for another machine, ELF of type ET_REL, a truncated ELF),
 *   ENAMETOOLONG, EFAULT (path, argv, an argv element, envp); #! scripts
 *   with and without an argument, nested up to Linux's limit, ELOOP past
 *   it and for a loop; close-on-exec (O_CLOEXEC, FD_CLOEXEC, dup clears it);
 *   signal handlers reset, ignored signals, the mask and pending signals
 *   kept; execveat with AT_FDCWD, AT_EMPTY_PATH, EBADF and EINVAL.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int *shared_errno;
static char *env1[] = {"A=1", "B=two words", NULL};

/* Run execve(path, argv, envp) in a child and report "label: exit N" when
 * the program ran, or "label: ENAME" when execve failed. want: 0 for a
 * program that must run and exit 0, else the errno execve must fail with. */
static void try_execve(const char *label, const char *path, char *const argv[],
		       char *const envp[], int want)
{
	*shared_errno = 0;
	pid_t pid = t_fork();
	if (pid == 0) {
		long r = t_sys3(SYS_execve, path, argv, envp);
		*shared_errno = (int)-r;
		_exit(127);
	}
	int st = t_wait(pid);
	if (*shared_errno) {
		if (want == *shared_errno) {
			t_say("%s: %s", label, t_errname(want));
		} else {
			t_failures++;
			t_say("%s: got %s want %s", label,
			      t_errname(*shared_errno),
			      want ? t_errname(want) : "success");
		}
	} else {
		T_STATUS(label, st, "exit 0");
		if (want) {
			t_failures++;
			t_say("%s: ran, want %s", label, t_errname(want));
		}
	}
}

static void basics(void)
{
	char *argv[] = {"custom-name", "one", "", "three four", NULL};
	try_execve("execve echoargs", "/bin/echoargs", argv, env1, 0);
	char *none[] = {NULL};
	try_execve("execve with an empty envp", "/bin/echoargs", argv, none, 0);
	try_execve("execve with a NULL envp", "/bin/echoargs", argv, NULL, 0);
	try_execve("execve with a NULL argv", "/bin/echoargs", NULL, none, 0);
	char *rel[] = {"bin/echoargs", NULL};
	try_execve("execve relative path from /", "bin/echoargs", rel, none, 0);

	/* 1000 arguments of 100 bytes: legal. */
	static char big[1000][101];
	static char *bigv[1002];
	bigv[0] = "echoargs";
	for (int i = 0; i < 1000; i++) {
		memset(big[i], 'a' + i % 26, 100);
		bigv[i + 1] = big[i];
	}
	char *quiet[] = {"ECHO_QUIET=1", NULL};
	try_execve("execve 1000 arguments", "/bin/echoargs", bigv, quiet, 0);
}

static void errors(void)
{
	char *argv[] = {"x", NULL};
	char *none[] = {NULL};

	/* One string longer than MAX_ARG_STRLEN (32 pages). */
	char *huge = malloc(200 * 1024);
	memset(huge, 'x', 200 * 1024 - 1);
	huge[200 * 1024 - 1] = 0;
	char *hv[] = {"echoargs", huge, NULL};
	try_execve("argument of 200 KiB", "/bin/echoargs", hv, none, E2BIG);
	/* 24 strings of 120 KiB: over a quarter of the 8 MiB stack limit. */
	size_t len = 120 * 1024;
	huge[len - 1] = 0;
	char *many[26];
	many[0] = "echoargs";
	for (int i = 1; i < 25; i++)
		many[i] = huge;
	many[25] = NULL;
	try_execve("3 MiB of arguments", "/bin/echoargs", many, none, E2BIG);
	free(huge);

	try_execve("missing file", "/bin/no-such-program", argv, none, ENOENT);
	try_execve("empty path", "", argv, none, ENOENT);
	try_execve("file as a directory", "/data/garbage/x", argv, none,
		   ENOTDIR);
	try_execve("a directory", "/data", argv, none, EACCES);
	try_execve("no execute permission", "/data/noexec", argv, none, EACCES);
	try_execve("text without #!", "/data/garbage", argv, none, ENOEXEC);
	try_execve("ELF for aarch64", "/data/elf_badmachine", argv, none,
		   ENOEXEC);
	try_execve("ELF of type ET_REL", "/data/elf_rel", argv, none, ENOEXEC);
	try_execve("truncated ELF", "/data/elf_trunc", argv, none, ENOEXEC);
	try_execve("#! with a missing interpreter", "/data/script_missing",
		   argv, none, ENOENT);

	char *longpath = malloc(5000);
	memset(longpath, 'a', 4999);
	longpath[0] = '/';
	longpath[4999] = 0;
	try_execve("path of 5000 bytes", longpath, argv, none, ENAMETOOLONG);
	free(longpath);

	try_execve("path NULL", t_launder(NULL), argv, none, EFAULT);
	try_execve("path at a kernel address", t_launder(BAD_KERN), argv, none,
		   EFAULT);
	try_execve("argv at address 1", "/bin/echoargs", t_launder(BAD_ONE),
		   none, EFAULT);
	char *badv[] = {"x", BAD_KERN, NULL};
	try_execve("argv[1] at a kernel address", "/bin/echoargs", badv, none,
		   EFAULT);
	try_execve("envp at a kernel address", "/bin/echoargs", argv,
		   t_launder(BAD_KERN), EFAULT);
	/* The error is returned to the caller, which keeps running. */
	T_SYSERR("execve failure returns here",
		 t_sys3(SYS_execve, "/bin/no-such-program", argv, none),
		 ENOENT);
}

static void scripts(void)
{
	char *argv[] = {"/data/script_arg", "s1", "s2", NULL};
	try_execve("#! with an argument", "/data/script_arg", argv, env1, 0);
	char *argv2[] = {"ignored-argv0", "s1", NULL};
	try_execve("#! without an argument", "/data/script_noarg", argv2, NULL,
		   0);
	char *a3[] = {"nest", NULL};
	try_execve("5 nested #! scripts", "/data/nest3", a3, NULL, 0);
	try_execve("6 nested #! scripts", "/data/nest2", a3, NULL, ELOOP);
	try_execve("#! loop", "/data/loop_a", a3, NULL, ELOOP);
}

static void cloexec(void)
{
	int a = open("/data/hello.txt", O_RDONLY | O_CLOEXEC);
	int b = open("/data/hello.txt", O_RDONLY);
	int c = dup(b);
	int d = dup(a);
	T_EQ("open O_CLOEXEC fd", a, 3);
	T_EQ("open fd", b, 4);
	T_OK("FD_CLOEXEC on the dup", fcntl(c, F_SETFD, FD_CLOEXEC));
	T_EQ("dup of an O_CLOEXEC fd does not inherit it", fcntl(d, F_GETFD),
	     0);
	/* High slots: the fork copies, and the exec closes, up to them. */
	T_EQ("dup3 O_CLOEXEC to 90", dup3(a, 90, O_CLOEXEC), 90);
	T_EQ("dup2 to 100", dup2(b, 100), 100);
	char buf[64] = {0};
	T_EQ("read the file", read(b, buf, sizeof(buf) - 1), 25);
	buf[24] = buf[24] == '\n' ? 0 : buf[24];
	T_STREQ("its text", buf, "hello from the initramfs");
	char *argv[] = {"echoargs", NULL};
	char *env[] = {"CHECK_FDS=1", NULL};
	try_execve("close-on-exec", "/bin/echoargs", argv, env, 0);
	close(a);
	close(b);
	close(c);
	close(d);
	close(90);
	close(100);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void signals_across_exec(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid = t_fork();
	if (pid == 0) {
		raise(SIGHUP); /* blocked: stays pending across execve */
		char *argv[] = {"echoargs", NULL};
		char *env[] = {"CHECK_SIG=1", NULL};
		execve("/bin/echoargs", argv, env);
		_exit(127);
	}
	T_STATUS("signal state across execve", t_wait(pid), "exit 0");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static void execveat_tests(void)
{
	char *argv[] = {"via-execveat", NULL};
	char *none[] = {NULL};
	int fd = open("/bin/echoargs", O_RDONLY);
	CHECK("open /bin/echoargs", fd >= 0);
	*shared_errno = 0;
	pid_t pid = t_fork();
	if (pid == 0) {
		long r =
			t_sys5(SYS_execveat, fd, "", argv, none, AT_EMPTY_PATH);
		*shared_errno = (int)-r;
		_exit(127);
	}
	T_STATUS("execveat AT_EMPTY_PATH", t_wait(pid), "exit 0");
	pid = t_fork();
	if (pid == 0) {
		long r = t_sys5(SYS_execveat, AT_FDCWD, "bin/echoargs", argv,
				none, 0);
		*shared_errno = (int)-r;
		_exit(127);
	}
	T_STATUS("execveat AT_FDCWD relative", t_wait(pid), "exit 0");
	T_SYSERR("execveat bad flags",
		 t_sys5(SYS_execveat, AT_FDCWD, "/bin/echoargs", argv, none,
			0x1),
		 EINVAL);
	T_SYSERR("execveat fd 99 with a relative path",
		 t_sys5(SYS_execveat, 99, "echoargs", argv, none, 0), EBADF);
	T_SYSERR("execveat empty path without AT_EMPTY_PATH",
		 t_sys5(SYS_execveat, fd, "", argv, none, 0), ENOENT);
	close(fd);
}

int main(void)
{
	shared_errno = t_shared(4096);
	basics();
	errors();
	scripts();
	cloexec();
	signals_across_exec();
	execveat_tests();
	t_done();
}
