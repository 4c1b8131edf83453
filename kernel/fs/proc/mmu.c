/*
 * A process's memory as /proc shows it: maps (the regions), cmdline and
 * environ (read from its stack through its page tables), and the sizes
 * that status and statm report (struct proc_mm_sizes).
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/uvm.h>

#include "../fs_priv.h"
#include "internal.h"

#define MAPS_NAME_COLUMN 73 /* where Linux starts a region's name */

static uint64_t pages_of(const struct vma *v)
{
	return (v->end - v->start) / PAGE_SIZE;
}

void proc_mm_sizes(struct mm *mm, struct proc_mm_sizes *out)
{
	memset(out, 0, sizeof(*out));
	mutex_lock(&mm->lock);
	for (struct vma *v = uvm_find_after(mm, 0); v;
	     v = uvm_find_after(mm, v->end)) {
		out->total += pages_of(v);
		if (v->flags & (VMA_STACK | VMA_GROWSDOWN))
			out->stack += pages_of(v);
		else if ((v->flags & (VMA_WRITE | VMA_SHARED)) == VMA_WRITE)
			out->data += pages_of(v);
		else if ((v->flags & (VMA_EXEC | VMA_WRITE)) == VMA_EXEC &&
			 !(v->flags & (VMA_VDSO | VMA_VVAR)))
			out->exec += pages_of(v);
	}
	out->rss = mm->rss_pages;
	out->text = (ALIGN_UP(mm->end_code, PAGE_SIZE) -
		     ALIGN_DOWN(mm->start_code, PAGE_SIZE)) /
		    PAGE_SIZE;
	if (out->text > out->exec)
		out->text = out->exec;
	mutex_unlock(&mm->lock);
}

/* The name at the end of a region's line: its file or its kind. With
 * namespace_lock held; name is a PATH_MAX buffer it may fill. */
static const char *region_name(const struct vma *v,
			       const struct inode *exe_inode,
			       const char *exe_name, const struct path *root,
			       char *name)
{
	if (v->flags & VMA_HEAP)
		return "[heap]";
	if (v->flags & VMA_STACK)
		return "[stack]";
	if (v->flags & VMA_VDSO)
		return "[vdso]";
	if (v->flags & VMA_VVAR)
		return "[vvar]";
	/* A file mapped from a path: where it was, as Linux shows it. */
	if (v->file_path.dentry &&
	    d_path_locked(&v->file_path, root, name, PATH_MAX) >= 0)
		return name;
	if (v->inode && v->inode == exe_inode)
		return exe_name;
	return NULL;
}

static void show_region(struct seq_buf *s, const struct vma *v,
			const char *name)
{
	/* The vDSO's pages are the kernel's: no file, as on Linux. */
	const struct inode *in =
		v->flags & (VMA_VDSO | VMA_VVAR) ? NULL : v->inode;
	uint32_t dev = in && in->sb ? in->sb->dev : 0; /* shmem: no sb */
	size_t start = s->len;

	seq_printf(s, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		   (unsigned long)v->start, (unsigned long)v->end,
		   v->flags & VMA_READ ? 'r' : '-',
		   v->flags & VMA_WRITE ? 'w' : '-',
		   v->flags & VMA_EXEC ? 'x' : '-',
		   v->flags & VMA_SHARED ? 's' : 'p',
		   in ? (unsigned long long)v->pgoff * PAGE_SIZE : 0ull,
		   MAJOR(dev), MINOR(dev), in ? (unsigned long)in->ino : 0ul);
	if (name) {
		while (s->len - start < MAPS_NAME_COLUMN && !s->overflow)
			seq_putc(s, ' ');
		seq_puts(s, name);
	}
	seq_putc(s, '\n');
}

int proc_show_maps(struct seq_buf *s, struct proc_node *n)
{
	struct mm *mm = proc_get_mm(n->p);
	char *buf = kmalloc(PATH_MAX), *name = kmalloc(PATH_MAX);
	struct fs_context *fs = current_proc()->fs;
	struct inode *exe_inode = NULL;
	struct path exe = {0}, root;

	if (!mm || !buf || !name) {
		if (mm)
			mm_put(mm);
		kfree(buf);
		kfree(name);
		return mm ? -ENOMEM : 0;
	}
	/* Names as the reader sees them; namespace_lock comes before
	 * mm->lock (a fault under a path walk takes them in that order). */
	namespace_lock();
	root = fs->root;
	path_get(&root);
	if (proc_get_exe(n->p, &exe) &&
	    d_path_locked(&exe, &root, buf, PATH_MAX) >= 0)
		exe_inode = exe.dentry->inode;
	mutex_lock(&mm->lock);
	for (struct vma *v = uvm_find_after(mm, 0); v && !s->overflow;
	     v = uvm_find_after(mm, v->end))
		show_region(s, v, region_name(v, exe_inode, buf, &root, name));
	mutex_unlock(&mm->lock);
	namespace_unlock();
	path_put(&root);
	path_put(&exe);
	mm_put(mm);
	kfree(buf);
	kfree(name);
	return 0;
}

/* The bytes [start, end) of p's memory, as they are now. */
static int show_user_range(struct seq_buf *s, struct proc_node *n, bool env)
{
	struct mm *mm = proc_get_mm(n->p);
	uintptr_t start, end;
	long got;

	if (!mm)
		return 0; /* a zombie: empty */
	start = env ? mm->env_start : mm->arg_start;
	end = env ? mm->env_end : mm->arg_end;
	if (end > start && end - start > s->size - s->len) {
		s->len = s->size;
		s->overflow = true;
	} else if (end > start) {
		got = uvm_read(mm, start, s->buf + s->len, end - start);
		if (got > 0)
			s->len += (size_t)got;
	}
	mm_put(mm);
	return 0;
}

int proc_show_cmdline(struct seq_buf *s, struct proc_node *n)
{
	return show_user_range(s, n, false);
}

int proc_show_environ(struct seq_buf *s, struct proc_node *n)
{
	return show_user_range(s, n, true);
}
