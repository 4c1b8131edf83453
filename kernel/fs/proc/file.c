/*
 * procfs's regular files: the text is rendered whole into a kernel
 * buffer (struct seq_buf) when a read starts at offset 0 (or the first
 * read starts elsewhere), then handed out from there; a buffer too small
 * is grown and the text rendered again. Writes go to the entry's write
 * function as one kernel string.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "internal.h"

#define FIRST_SIZE 4096
#define MAX_SIZE (4u << 20)
#define WRITE_MAX 4096

void seq_write(struct seq_buf *s, const void *data, size_t n)
{
	size_t room = s->size - s->len;

	if (n > room) {
		n = room;
		s->overflow = true;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
}

void seq_puts(struct seq_buf *s, const char *str)
{
	seq_write(s, str, strlen(str));
}

void seq_putc(struct seq_buf *s, char c)
{
	seq_write(s, &c, 1);
}

void seq_printf(struct seq_buf *s, const char *fmt, ...)
{
	size_t room = s->size - s->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) { /* vsnprintf kept room for a NUL */
		s->len = s->size;
		s->overflow = true;
		return;
	}
	s->len += (size_t)n;
}

struct proc_file {
	struct mutex lock; /* the buffer, against concurrent preads */
	struct seq_buf s;
	bool rendered;
};

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct proc_node *n = PN(inode);
	struct proc_file *pf;

	if (!proc_node_alive(n))
		return -ENOENT;
	if (n->e->private && n->p && !proc_may_access(n->p))
		return -EACCES;
	pf = kzalloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock, "procfs file");
	f->priv = pf;
	return 0;
}

/* Render n's text into pf->s, growing the buffer as needed. */
static int render(struct proc_file *pf, struct proc_node *n)
{
	size_t size = pf->s.size ? pf->s.size : FIRST_SIZE;

	for (;;) {
		int err;

		if (!pf->s.buf) {
			pf->s.buf = kmalloc(size);
			if (!pf->s.buf)
				return -ENOMEM;
			pf->s.size = size;
		}
		pf->s.len = 0;
		pf->s.overflow = false;
		err = proc_node_alive(n) ? n->e->show(&pf->s, n) : -ESRCH;
		if (err || !pf->s.overflow || size >= MAX_SIZE)
			return err;
		kfree(pf->s.buf);
		pf->s.buf = NULL;
		size *= 4;
	}
}

static long proc_file_read(struct file *f, uintptr_t ubuf, size_t n,
			   uint64_t pos)
{
	struct proc_file *pf = f->priv;
	long ret = 0;

	if (!PN(f->inode)->e->show)
		return -EINVAL;
	mutex_lock(&pf->lock);
	if (pos == 0 || !pf->rendered) {
		ret = render(pf, PN(f->inode));
		pf->rendered = ret == 0;
	}
	if (!ret && pos < pf->s.len) {
		size_t k = MIN(n, pf->s.len - (size_t)pos);

		ret = copy_to_user(ubuf, pf->s.buf + pos, k) ? -EFAULT
							     : (long)k;
	}
	mutex_unlock(&pf->lock);
	return ret;
}

static long proc_file_write(struct file *f, uintptr_t ubuf, size_t n,
			    uint64_t pos)
{
	struct proc_node *node = PN(f->inode);
	char *buf;
	long ret;

	if (!node->e->write)
		return -EINVAL;
	if (pos != 0)
		return -EINVAL; /* one whole value per write, from the start */
	n = MIN(n, WRITE_MAX);
	buf = kmalloc(n + 1);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, n)) {
		kfree(buf);
		return -EFAULT;
	}
	buf[n] = '\0';
	ret = proc_node_alive(node) ? node->e->write(node, buf, n) : -ESRCH;
	kfree(buf);
	return ret;
}

static void proc_file_release(struct file *f)
{
	struct proc_file *pf = f->priv;

	if (pf)
		kfree(pf->s.buf);
	kfree(pf);
}

const struct file_ops proc_file_fops = {
	.open = proc_file_open,
	.read = proc_file_read,
	.write = proc_file_write,
	.release = proc_file_release,
	.seekable = true,
};
