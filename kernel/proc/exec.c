/*
 * execve and execveat: replace the calling process's program.
 *
 * Everything that can fail happens before the point of no return, while
 * the old program is intact: the arguments are copied out, the file is
 * found and checked (regular, executable), "#!" scripts name their
 * interpreter (up to MAX_SCRIPT_DEPTH deep, then ELOOP), and the new
 * address space is built in full (segments, interpreter, vDSO, stack).
 * Then the other threads are ended, the new address space replaces the
 * old, handlers go back to their defaults, close-on-exec descriptors are
 * closed, set-user-ID bits apply, and the thread returns to user mode at
 * the new entry point with a clean register set.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/random.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "exec_priv.h"
#include "proc_priv.h"

#define MMAP_GAP_MIN (128 * MiB)
#define MMAP_RANDOM_PAGES (1ULL << 28)

bool exec_randomize(void)
{
	return !cmdline_has("norandmaps");
}

/*
 * The file to run: a referenced regular, executable inode, and the path
 * it was found at (for /proc/PID/exe).
 */
static int open_exec(int dirfd, const char *path, int flags, struct inode **out,
		     struct path *where)
{
	unsigned int lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
	struct inode *in;
	int err = path_walk(dirfd, path, lf, where);

	if (err)
		return err;
	in = where->dentry->inode;
	if (S_ISLNK(in->mode))
		err = -ELOOP;
	else if (!S_ISREG(in->mode))
		err = -EACCES;
	else
		err = inode_permission(in, 1);
	if (!err) /* open for writing somewhere: ETXTBSY */
		err = inode_deny_write_access(in);
	if (err) {
		path_put(where);
		return err;
	}
	inode_get(in);
	*out = in;
	return 0;
}

/*
 * A "#!interpreter [arg]" first line (of at most BINPRM_BUF_SIZE bytes):
 * 1 with interp and arg filled, 0 if the file is no script.
 */
static int parse_shebang(struct inode *in, char *interp, char *arg)
{
	char line[BINPRM_BUF_SIZE + 1] = {0};
	struct page *page;
	char *p, *end;
	size_t n = MIN(in->size, BINPRM_BUF_SIZE);
	int err;

	if (n < 2)
		return 0;
	err = inode_get_page(in, 0, &page);
	if (err)
		return err;
	memcpy(line, page_address(page), n);
	page_put(page);
	if (line[0] != '#' || line[1] != '!')
		return 0;
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	else if (n == BINPRM_BUF_SIZE)
		return -ENOEXEC; /* the interpreter's name may be cut off */
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	for (end = p; *end && *end != ' ' && *end != '\t'; end++)
		;
	memcpy(interp, p, end - p);
	interp[end - p] = '\0';
	for (p = end; *p == ' ' || *p == '\t'; p++)
		;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	memcpy(arg, p, end - p); /* the rest of the line is one argument */
	arg[end - p] = '\0';
	return 1;
}

struct exec_ctx {
	struct exec_args args;
	char path[PATH_MAX];   /* the file being run (after #! rewrites) */
	char execfn[PATH_MAX]; /* the name execve was given */
	struct inode *file;
	struct path exe;       /* where file was found (none: an fd's) */
	struct inode *fd_file; /* execveat AT_EMPTY_PATH's, until resolved */
	struct mm *mm;
	struct exec_image prog, interp;
	uintptr_t interp_base, sp;
};

/* execveat(fd, "", AT_EMPTY_PATH): the file fd is open on. */
static int exec_fd_file(struct exec_ctx *c, int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	c->fd_file = f->inode;
	if (c->fd_file)
		inode_get(c->fd_file);
	if (f->path.mnt) {
		c->exe = f->path;
		path_get(&c->exe);
	}
	file_put(f);
	if (!c->fd_file)
		return -EBADF;
	snprintf(c->path, sizeof(c->path), "/dev/fd/%d", fd);
	return 0;
}

/* The checked, referenced inode to run: the descriptor's, or a path's. */
static int open_first(struct exec_ctx *c, int dirfd, int flags)
{
	struct inode *in = c->fd_file;

	if (!in)
		return open_exec(dirfd, c->path, flags, &c->file, &c->exe);
	c->fd_file = NULL;
	if (!S_ISREG(in->mode) || inode_permission(in, 1)) {
		inode_put(in);
		return -EACCES;
	}
	if (inode_deny_write_access(in)) {
		inode_put(in);
		return -ETXTBSY;
	}
	c->file = in;
	return 0;
}

/* Done with the file resolve() opened (kept from writers till now). */
static void put_file(struct exec_ctx *c)
{
	if (c->file) {
		inode_allow_write_access(c->file);
		inode_put(c->file);
		c->file = NULL;
	}
}

/* Follow #! lines to the program that really runs (ctx->file). */
static int resolve(struct exec_ctx *c, int dirfd, int flags)
{
	char interp[BINPRM_BUF_SIZE], arg[BINPRM_BUF_SIZE];

	for (int depth = 0;; depth++) {
		int err = depth ? open_exec(dirfd, c->path, flags, &c->file,
					    &c->exe)
				: open_first(c, dirfd, flags);

		if (err)
			return err;
		err = parse_shebang(c->file, interp, arg);
		if (err <= 0)
			return err;
		if (depth == MAX_SCRIPT_DEPTH)
			return -ELOOP;
		err = exec_args_script(&c->args, interp, arg[0] ? arg : NULL,
				       c->path);
		put_file(c);
		path_put(&c->exe); /* the interpreter is what runs */
		if (err)
			return err;
		strlcpy(c->path, interp, sizeof(c->path));
		dirfd = AT_FDCWD;
		flags = 0;
	}
}

static void place_mmap_base(struct mm *mm)
{
	uint64_t gap = current_proc() ? current_proc()->rlim[RLIMIT_STACK].cur
				      : 8 * MiB;

	gap = MAX(MIN(gap, vm_user_end() / 6), MMAP_GAP_MIN);
	mm->mmap_base = vm_user_end() - gap;
	if (exec_randomize())
		mm->mmap_base -= (random_u64() % MMAP_RANDOM_PAGES) * PAGE_SIZE;
	mm->mmap_base = ALIGN_DOWN(mm->mmap_base, PAGE_SIZE);
}

static void place_brk(struct mm *mm, uintptr_t end)
{
	uintptr_t brk = ALIGN_UP(end, PAGE_SIZE);

	if (exec_randomize())
		brk += (random_u64() % 0x2000) * PAGE_SIZE; /* 32 MiB */
	mm->brk_start = mm->brk = brk;
}

/* The file's set-user and set-group-ID bits, ignored under no_new_privs
 * as on Linux. */
static uint32_t setid_bits(const struct exec_ctx *c)
{
	if (current_task()->no_new_privs)
		return 0;
	return c->file->mode & (S_ISUID | S_ISGID);
}

/* The new address space, complete; nothing of the old one changes. */
static int build_mm(struct exec_ctx *c)
{
	const struct cred *cr = &current_proc()->cred;
	struct exec_stack_info info = {.execfn = c->execfn};
	struct path ipath;
	struct inode *ip;
	int err;

	c->mm = mm_create();
	if (!c->mm)
		return -ENOMEM;
	mutex_lock(&c->mm->lock);
	place_mmap_base(c->mm);
	err = exec_load_elf(c->mm, c->file, c->path, false, &c->prog);
	if (!err && c->exe.dentry)
		uvm_name_range(c->mm, 0, vm_user_end(), &c->exe);
	if (!err && c->prog.has_interp) {
		err = path_walk(AT_FDCWD, c->prog.interp, LOOKUP_FOLLOW,
				&ipath);
		if (!err) {
			ip = ipath.dentry->inode;
			err = S_ISREG(ip->mode)
				      ? exec_load_elf(c->mm, ip, c->prog.interp,
						      true, &c->interp)
				      : -EACCES;
			if (!err)
				uvm_name_range(c->mm, 0, vm_user_end(), &ipath);
			path_put(&ipath);
		}
		c->interp_base = c->interp.bias;
	}
	if (!err) {
		place_brk(c->mm, c->prog.end);
		info.prog = &c->prog;
		info.interp_base = c->interp_base;
		info.uid = cr->uid;
		info.gid = cr->gid;
		info.euid = setid_bits(c) & S_ISUID ? c->file->uid : cr->euid;
		info.egid = setid_bits(c) & S_ISGID ? c->file->gid : cr->egid;
		info.secure = info.euid != cr->uid || info.egid != cr->gid;
		c->mm->stack_top = exec_stack_top();
		info.vdso_base = vdso_map(c->mm);
		err = exec_setup_stack(c->mm, &c->args, &info, &c->sp);
	}
	mutex_unlock(&c->mm->lock);
	return err;
}

/* After the point of no return: the process becomes the new program. */
static void commit(struct exec_ctx *c)
{
	struct proc *p = current_proc();
	struct task *t = current_task();
	struct mm *old;
	struct path old_exe;
	/* As Linux: the name execve was given, not a #! interpreter's. */
	const char *name = c->execfn[0] ? c->execfn : c->path;
	const char *base = strrchr(name, '/');
	unsigned long flags;

	exec_kill_other_threads(p);
	c->mm->start_code = c->prog.start_code;
	c->mm->end_code = c->prog.end_code;
	c->mm->start_data = c->prog.start_data;
	c->mm->end_data = c->prog.end_data;
	mm_set_exe(c->mm, c->file);
	/* Under the tree lock: procfs may be taking references to them. */
	flags = spin_lock_irqsave(&proc_tree_lock);
	old = p->mm;
	p->mm = c->mm;
	old_exe = p->exe;
	p->exe = c->exe;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	c->exe = (struct path){0};
	uvm_activate(c->mm);
	mm_put(old);
	path_put(&old_exe);
	proc_vfork_release(p);
	signal_exec_reset(p);
	files_close_on_exec(p->files);
	if (setid_bits(c) & S_ISUID)
		p->cred.euid = c->file->uid;
	if (setid_bits(c) & S_ISGID)
		p->cred.egid = c->file->gid;
	if (setid_bits(c)) /* as Linux's per_clear */
		t->personality &= ~PER_CLEAR_ON_SETID;
	p->cred.suid = p->cred.fsuid = p->cred.euid;
	p->cred.sgid = p->cred.fsgid = p->cred.egid;
	strlcpy(t->comm, base ? base + 1 : name, sizeof(t->comm));
	p->exec_id++;
	t->clear_child_tid = 0;
	arch_exec_regs(t, c->interp_base ? c->interp.entry : c->prog.entry,
		       c->sp);
}

static long do_execve(int dirfd, uintptr_t upath, uintptr_t uargv,
		      uintptr_t uenvp, int flags)
{
	struct exec_ctx *c = kzalloc(sizeof(*c));
	long err;

	if (!c)
		return -ENOMEM;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		err = -EINVAL;
	else
		err = strncpy_from_user(c->path, upath, sizeof(c->path));
	if (err >= 0 && !c->path[0] && (flags & AT_EMPTY_PATH))
		err = exec_fd_file(c, dirfd);
	else if (err >= 0 && !c->path[0])
		err = -ENOENT;
	if (err >= 0)
		err = exec_args_init(&c->args);
	if (err >= 0)
		err = exec_args_copy_user(&c->args, uargv, false);
	if (err >= 0 && c->args.argc == 0) /* as Linux: argv[0] is "" */
		err = exec_args_add_kernel(&c->args, "", false);
	if (err >= 0)
		err = exec_args_copy_user(&c->args, uenvp, true);
	if (err >= 0) {
		strlcpy(c->execfn, c->path, sizeof(c->execfn));
		err = resolve(c, dirfd, flags);
	}
	if (err >= 0)
		err = build_mm(c);
	if (err >= 0)
		commit(c);
	else if (c->mm)
		mm_put(c->mm);
	put_file(c);
	if (c->fd_file)
		inode_put(c->fd_file);
	path_put(&c->exe);
	exec_args_free(&c->args);
	kfree(c);
	return err < 0 ? err : 0;
}

SYSCALL_DEFINE3(execve, uintptr_t, upath, uintptr_t, uargv, uintptr_t, uenvp)
{
	return do_execve(AT_FDCWD, upath, uargv, uenvp, 0);
}

SYSCALL_DEFINE5(execveat, int, dirfd, uintptr_t, upath, uintptr_t, uargv,
		uintptr_t, uenvp, int, flags)
{
	return do_execve(dirfd, upath, uargv, uenvp, flags);
}

/*
 * PID 1: the calling kernel thread (kernel_init) becomes process 1 and
 * runs the program as execve would; only failure returns.
 */
int proc_exec_kernel(const char *path, const char *const argv[],
		     const char *const envp[])
{
	struct exec_ctx *c = kzalloc(sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	err = exec_args_init(&c->args);
	for (int i = 0; !err && argv[i]; i++)
		err = exec_args_add_kernel(&c->args, argv[i], false);
	for (int i = 0; !err && envp[i]; i++)
		err = exec_args_add_kernel(&c->args, envp[i], true);
	strlcpy(c->path, path, sizeof(c->path));
	strlcpy(c->execfn, path, sizeof(c->execfn));
	if (!err)
		err = resolve(c, AT_FDCWD, 0);
	if (!err)
		err = build_mm(c);
	if (!err)
		commit(c);
	else if (c->mm)
		mm_put(c->mm);
	put_file(c);
	path_put(&c->exe);
	exec_args_free(&c->args);
	kfree(c);
	return err;
}
