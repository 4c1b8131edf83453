/*
 * Write-back (<kernel/fs.h>): file systems on disks (ext2) keep changes
 * in memory, in the page cache (file data) and in their buffers
 * (metadata), and write them to the disk later, in an order that leaves
 * the disk consistent as far as an unjournalled file system can be:
 *
 *   1. each dirty inode's data pages (inode_write_pages, write_page);
 *   2. its metadata, into the file system's buffers (write_inode);
 *   3. the file system's own metadata and every dirty buffer, then the
 *      device's cache flush (super_ops->sync_fs, blkdev_sync).
 *
 * sync(2), syncfs, fsync, fdatasync, sync_file_range, O_SYNC writes and
 * umount all end here; so does the flusher thread, which wakes every 5 s
 * and writes back what has been dirty for 30 s (Linux's
 * dirty_writeback_centisecs and dirty_expire_centisecs).
 *
 * Locking: each write-back super_block's wb_lock guards its list of dirty
 * inodes and their dirty/dirtied_when fields; sb_list_lock (a mutex) the
 * list of write-back super_blocks, held across a whole sync so that an
 * umount waits for it. An inode is written back under its own lock
 * (truncate cannot change its blocks meanwhile), except at eviction,
 * when nothing else can reach it. Lock order: sb_list_lock, inode->lock,
 * mmap_lock, wb_lock.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>

#include "fs_priv.h"

#define FLUSH_INTERVAL_NS (5 * NSEC_PER_SEC)
#define DIRTY_EXPIRE_NS (30 * NSEC_PER_SEC)

static struct list_head sb_list = LIST_HEAD_INIT(sb_list);
static struct mutex sb_list_lock;
static bool sb_list_ready;

static void sb_list_init(void)
{
	if (!sb_list_ready) {
		mutex_init(&sb_list_lock, "writeback sbs");
		sb_list_ready = true;
	}
}

void writeback_register(struct super_block *sb)
{
	sb_list_init();
	spin_lock_init(&sb->wb_lock, "sb dirty inodes", LOCK_RANK_WB);
	list_init(&sb->dirty_inodes);
	mutex_lock(&sb_list_lock);
	list_add_tail(&sb->wb_link, &sb_list);
	sb->writeback = true;
	mutex_unlock(&sb_list_lock);
}

void writeback_unregister(struct super_block *sb)
{
	mutex_lock(&sb_list_lock);
	list_del(&sb->wb_link);
	list_init(&sb->wb_link);
	mutex_unlock(&sb_list_lock);
}

/* Called by inode_mark_dirty (<kernel/fs.h>) for file systems that
 * write back. */
void inode_mark_dirty_wb(struct inode *in, unsigned int what)
{
	struct super_block *sb = in->sb;
	unsigned long flags;

	/* Being evicted (the file system frees it): nothing to write. */
	if (!__atomic_load_n(&in->refcount, __ATOMIC_ACQUIRE))
		return;
	flags = spin_lock_irqsave(&sb->wb_lock);
	if (!in->dirty) {
		in->dirtied_when = clock_monotonic_ns();
		list_add_tail(&in->dirty_link, &sb->dirty_inodes);
	}
	in->dirty |= what;
	spin_unlock_irqrestore(&sb->wb_lock, flags);
}

/* Take in off its sb's dirty list: what was dirty. */
static unsigned int take_dirty_state(struct inode *in)
{
	unsigned long flags = spin_lock_irqsave(&in->sb->wb_lock);
	unsigned int was = in->dirty;

	if (was) {
		list_del(&in->dirty_link);
		list_init(&in->dirty_link);
		in->dirty = 0;
	}
	spin_unlock_irqrestore(&in->sb->wb_lock, flags);
	return was;
}

/*
 * Data, then metadata, of in (locked, or unreachable): what was dirty is
 * written back, what is dirtied meanwhile goes on the list again.
 */
static int write_inode_now(struct inode *in, uint64_t first, uint64_t end,
			   bool meta)
{
	int err = 0, err2;

	if (!take_dirty_state(in))
		return 0;
	err = inode_write_pages(in, first, end);
	if (in->dirty_pages) /* outside the range: still to do */
		inode_mark_dirty(in, INODE_DIRTY_PAGES);
	if (!meta) {
		inode_mark_dirty(in, INODE_DIRTY_META);
		return err;
	}
	err2 = in->ops->write_inode(in);
	return err ? err : err2;
}

void writeback_evict(struct inode *in)
{
	if (in->nlink == 0) { /* gone: nothing of it to write */
		take_dirty_state(in);
		return;
	}
	if (write_inode_now(in, 0, UINT64_MAX, true))
		klog(KLOG_ERR, "writeback: inode %lu: lost its changes\n",
		     (unsigned long)in->ino);
}

int vfs_fsync_range(struct inode *in, uint64_t first, uint64_t end,
		    bool datasync)
{
	int err = 0, err2;

	if (!in->sb || !in->sb->writeback)
		return 0;
	mutex_lock(&in->lock);
	if (in->dirty)
		/* fdatasync skips the metadata only when it is not needed to
		 * read the data back; the size and blocks are, so this
		 * writes it whenever it is dirty (as ext2 does in effect). */
		err = write_inode_now(in, first, end, true);
	mutex_unlock(&in->lock);
	(void)datasync;
	err2 = in->sb->ops->sync_fs ? in->sb->ops->sync_fs(in->sb, true) : 0;
	return err ? err : err2;
}

/*
 * The first inode of sb's dirty list dirtied before (or at) before,
 * referenced, and not being evicted; NULL if none.
 */
static struct inode *next_dirty(struct super_block *sb, uint64_t before)
{
	unsigned long flags = spin_lock_irqsave(&sb->wb_lock);
	struct inode *in, *found = NULL;

	list_for_each_entry(in, &sb->dirty_inodes, dirty_link)
	{
		int ref = __atomic_load_n(&in->refcount, __ATOMIC_ACQUIRE);

		if (in->dirtied_when > before)
			break; /* the list is in the order dirtied */
		while (ref > 0 && !__atomic_compare_exchange_n(
					  &in->refcount, &ref, ref + 1, false,
					  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
		if (ref > 0) {
			found = in;
			break;
		}
	}
	spin_unlock_irqrestore(&sb->wb_lock, flags);
	return found;
}

/* The inodes of sb dirtied before before: 0 or the first -errno. */
static int write_inodes(struct super_block *sb, uint64_t before)
{
	struct inode *in;
	int ret = 0;

	while ((in = next_dirty(sb, before))) {
		int err;

		mutex_lock(&in->lock);
		err = write_inode_now(in, 0, UINT64_MAX, true);
		mutex_unlock(&in->lock);
		if (err && !ret)
			ret = err;
		inode_put(in);
	}
	return ret;
}

static int sync_super_locked(struct super_block *sb, bool wait)
{
	int err = write_inodes(sb, UINT64_MAX), err2 = 0;

	if (sb->ops->sync_fs)
		err2 = sb->ops->sync_fs(sb, wait);
	return err ? err : err2;
}

int sync_super(struct super_block *sb, bool wait)
{
	int err;

	if (!sb->writeback)
		return 0;
	mutex_lock(&sb_list_lock);
	err = sync_super_locked(sb, wait);
	mutex_unlock(&sb_list_lock);
	return err;
}

int sync_all(bool wait)
{
	struct super_block *sb;
	int ret = 0;

	sb_list_init();
	mutex_lock(&sb_list_lock);
	list_for_each_entry(sb, &sb_list, wb_link)
	{
		int err = sync_super_locked(sb, wait);

		if (err && !ret)
			ret = err;
	}
	mutex_unlock(&sb_list_lock);
	return ret;
}

/* One round of the flusher: the expired inodes of each file system,
 * then its metadata (without waiting for the device's flush). */
static void flush_expired(void)
{
	uint64_t now = clock_monotonic_ns();
	uint64_t before = now > DIRTY_EXPIRE_NS ? now - DIRTY_EXPIRE_NS : 0;
	struct super_block *sb;

	mutex_lock(&sb_list_lock);
	list_for_each_entry(sb, &sb_list, wb_link)
	{
		int err = write_inodes(sb, before);

		if (!err && sb->ops->sync_fs)
			err = sb->ops->sync_fs(sb, false);
		if (err)
			klog(KLOG_ERR, "writeback: %s: error %d\n",
			     sb->type->name, err);
	}
	mutex_unlock(&sb_list_lock);
}

static void flusher(void *arg)
{
	(void)arg;
	for (;;) {
		current_task()->state = TASK_INTERRUPTIBLE;
		schedule_timeout(FLUSH_INTERVAL_NS);
		flush_expired();
	}
}

void writeback_init(void)
{
	struct task *t;

	sb_list_init();
	t = kthread_create(flusher, NULL, "flush");
	if (!t) {
		klog(KLOG_ERR, "writeback: no flusher thread: only sync "
			       "writes back\n");
		return;
	}
	sched_start(t);
}
