/*
 * Anonymous files (<kernel/fs.h>): eventfd, epoll, signalfd and timerfd
 * descriptors share one inode, as Linux's anon_inode does (mode 0600, no
 * file type, not on any file system a path reaches); what a file is
 * lives in its operations and private data.
 */
#include <kernel/fs.h>
#include <kernel/panic.h>

#include "fs_priv.h"

static const struct fs_type anon_type = {.name = "anon_inodefs", .nodev = true};
static struct inode *anon_inode;

void anon_init(void)
{
	struct super_block *sb = super_alloc(&anon_type, NULL);

	anon_inode = sb ? inode_alloc(sb, 0600, NULL, NULL) : NULL;
	if (!anon_inode)
		panic("fs: no memory for the anonymous inode");
	sb->magic = 0x09041934; /* ANON_INODE_FS_MAGIC */
}

struct file *anon_file_open(const char *name, const struct file_ops *fops,
			    void *priv, unsigned int flags)
{
	struct file *f = file_open_inode(anon_inode, flags);

	if (f) {
		f->ops = fops;
		f->priv = priv;
		f->anon_name = name;
	}
	return f;
}
