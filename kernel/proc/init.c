/*
 * PID 1. The kernel_init thread becomes the first process: root
 * credentials, descriptors 0, 1 and 2 on the console, its own session
 * and process group, and runs rdinit= (or init=, or /init) from the
 * initramfs with argv { path } and Linux's environment for init
 * ("HOME=/", "TERM=linux"). With root= on the command line and no init
 * in the initramfs (rdinit=, /init), the disk is mounted as / first
 * (<kernel/rootfs.h>) and init= or Linux's list (/sbin/init, /etc/init,
 * /bin/init, /bin/sh) runs from it; a root that cannot be mounted, or no
 * init on it, powers the machine off after one line. When PID 1 ends,
 * the kernel prints how and powers off (proc/exit.c).
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/rootfs.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/tty.h>

#include "exec_priv.h"
#include "proc_priv.h"

static const char *init_path(void)
{
	const char *p = cmdline_get("rdinit");

	/* With root=, init= names the disk's init, as on Linux. */
	if ((!p || !*p) && !rootfs_wanted())
		p = cmdline_get("init");
	return p && *p ? p : "/init";
}

/* Descriptors 0, 1, 2: one open of the console, as Linux's. */
static int open_console(struct proc *p)
{
	struct file *f = tty_console_open();

	if (!f)
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(f);
		p->files->fd[fd] = f;
	}
	p->files->top = 3;
	return 0;
}

static struct proc *make_init(struct task *t)
{
	struct proc *p = proc_alloc();

	if (!p)
		return NULL;
	proc_default_limits(p->rlim);
	p->sighand = sighand_alloc();
	p->files = files_alloc();
	p->fs = fs_context_alloc();
	if (!p->sighand || !p->files || !p->fs || open_console(p) ||
	    task_signal_init(t, 0) || arch_task_fpu_alloc(t)) {
		proc_discard(p);
		return NULL;
	}
	return p;
}

static int attach_init(struct proc *p, struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	pid_t pid = pid_alloc(t);

	if (pid < 0) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return pid;
	}
	p->pid = p->pgid = p->sid = pid;
	list_add_tail(&p->all_link, &proc_all);
	pid_hash_proc(p);
	proc_get(p); /* the tree's reference; proc_alloc's is the thread's */
	proc_add_thread_locked(p, t);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return 0;
}

/*
 * Does root= hand over to a disk? Not when the initramfs has an init of
 * its own (rdinit=, or /init): that one is run and mounts the root itself.
 */
static bool root_from_disk(void)
{
	struct inode *in;

	if (!rootfs_wanted())
		return false;
	if (path_lookup(AT_FDCWD, init_path(), false, &in))
		return true;
	inode_put(in);
	return false;
}

/*
 * Mount the disk as / and make it init's root and working directory (the
 * fs_context taken before pointed at the initramfs tmpfs): 0 or -errno.
 */
static int switch_root(struct proc *p)
{
	struct fs_context *fs;
	int err = rootfs_mount();

	if (err)
		return err;
	fs = fs_context_alloc();
	if (!fs) {
		klog(KLOG_ERR, "root: no memory to switch to the new root\n");
		return -ENOMEM;
	}
	fs_context_put(p->fs);
	p->fs = fs;
	rootfs_mount_devtmpfs();
	return 0;
}

/*
 * Exec init from the disk root: init= if given (only it, as Linux), else
 * the first of Linux's list that runs. argv[0] says which.
 */
static int exec_disk_init(const char **argv, const char *const envp[])
{
	static const char *const defaults[] = {"/sbin/init", "/etc/init",
					       "/bin/init", "/bin/sh"};
	const char *want = cmdline_get("init");
	int err = -ENOENT;

	if (want && *want) {
		argv[0] = want;
		return proc_exec_kernel(want, argv, envp);
	}
	for (size_t i = 0; i < ARRAY_SIZE(defaults) && err; i++) {
		argv[0] = defaults[i];
		err = proc_exec_kernel(defaults[i], argv, envp);
	}
	return err;
}

/* Root from disk, then its init; on any failure one line and power off. */
static void start_disk_init(struct proc *p, const char **argv,
			    const char *const envp[])
{
	const char *want = cmdline_get("init");
	int err = switch_root(p);

	if (err)
		power_off(); /* rootfs_mount said why */
	err = exec_disk_init(argv, envp);
	if (err) {
		if (want && *want)
			klog(KLOG_ERR, "root: cannot run init=%s (%d)\n", want,
			     err);
		else
			klog(KLOG_ERR,
			     "root: no init on %s: tried /sbin/init, "
			     "/etc/init, /bin/init, /bin/sh (%d)\n",
			     cmdline_get("root"), err);
		power_off();
	}
}

#define INIT_MAX_ARGS 32

int proc_start_init(void)
{
	static const char *const envp[] = {"HOME=/", "TERM=linux", NULL};
	const char *path = init_path();
	const char *argv[INIT_MAX_ARGS + 2] = {path};
	size_t n = cmdline_init_args((char **)argv + 1, INIT_MAX_ARGS);
	struct task *t = current_task();
	struct proc *p = make_init(t);
	int err;

	argv[n + 1] = NULL;
	if (!p)
		return -ENOMEM;
	err = attach_init(p, t);
	if (!err && root_from_disk()) {
		start_disk_init(p, argv, envp);
		path = argv[0];
	} else if (!err)
		err = proc_exec_kernel(path, argv, envp);
	if (err) {
		klog(KLOG_ERR, "init: cannot run %s (%d)\n", path, err);
		/* The console's last close gives its input to the monitor. */
		files_put(p->files);
		p->files = NULL;
		return err; /* the kernel thread stays, for the monitor */
	}
	klog(KLOG_INFO, "init: running %s as PID %d\n", path, p->pid);
	arch_enter_user(t);
}
