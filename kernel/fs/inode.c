/*
 * Inodes and their page cache (<kernel/fs.h>). A regular file's data is
 * kept in pages indexed by page number, filled on first use by the
 * filesystem's read_page; read(2) copies from these pages and mmap maps
 * them, so both see the same data. The cache holds one reference to
 * each page; whoever maps a page holds another. Every page that enters
 * or leaves the cache is charged to the file system (inode_ops->charge),
 * so that tmpfs counts exactly the pages it holds.
 *
 * On a file system that writes back (its inodes have write_page), a
 * cached page carries a dirty flag: set by writes and shared mappings'
 * write faults, cleared when inode_write_pages writes it back. The
 * inode's dirty_pages counts them, so that a clean inode costs nothing.
 *
 * A disk file's clean page that only the cache holds (not mapped, not
 * being read or written) can go when memory runs short: the page cache
 * is a shrinker (<kernel/mm.h>). The inodes of disk files with cached
 * pages are in one list, taken in turn, each from its first page on;
 * a miss on a disk file gives pages back first when free memory is low,
 * so that reading files never takes the last of it.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uvm.h>

#include "fs_priv.h"

struct cached_page {
	struct avl_node node;
	uint64_t index;
	struct page *page;
	bool dirty; /* cache_lock */
};

static struct kmem_cache *inode_cache, *cached_cache;
static uint64_t next_ino = 1;

static uint64_t cached_all, cached_disk; /* pages in caches (atomic) */

static LIST_HEAD(reclaim_list); /* struct inode, by reclaim_link */
static DEFINE_SPINLOCK(reclaim_lock, LOCK_RANK_RECLAIM);

#define RECLAIM_BATCH 256     /* pages given back at a time when low */
#define RECLAIM_LOOK_MAX 8192 /* pages looked at, at most, per scan */

static struct page *cache_lookup(struct inode *in, uint64_t index);

/* File times are coarse (a tick), as on Linux: reading the clock's
 * counter for every write and read would cost more than the rest. */
struct timespec_k inode_time_now(void)
{
	int64_t ns = clock_realtime_coarse_ns();

	return (struct timespec_k){ns / (int64_t)NSEC_PER_SEC,
				   ns % (int64_t)NSEC_PER_SEC};
}

void inode_touch(struct inode *in, bool data)
{
	in->ctime = inode_time_now();
	if (data)
		in->mtime = in->ctime;
	inode_mark_dirty(in, INODE_DIRTY_META);
}

static bool time_before(struct timespec_k a, struct timespec_k b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

/*
 * f's data (or a directory's names) was read: its access time, by Linux's
 * default rule (relatime), which spares most reads a write: only when
 * the old atime is not after the mtime or the ctime, or a day old. Never
 * for O_NOATIME opens, files without a path, or read-only mounts.
 */
void file_accessed(struct file *f)
{
	struct inode *in = f->inode;
	struct timespec_k t;

	if (f->flags & O_NOATIME)
		return;
	t = inode_time_now();
	/* Already this tick's (Linux skips an equal time too). */
	if (t.sec == in->atime.sec && t.nsec == in->atime.nsec)
		return;
	if (time_before(in->mtime, in->atime) &&
	    time_before(in->ctime, in->atime) &&
	    t.sec - in->atime.sec < 24 * 60 * 60)
		return;
	if (f->path.mnt && !path_readonly(&f->path))
		in->atime = t;
}

/* Move writecount by step (+1 a writer, -1 a runner) unless the other
 * side holds it. */
static int writecount_step(struct inode *in, int step)
{
	int v = __atomic_load_n(&in->writecount, __ATOMIC_RELAXED);

	do {
		if ((step > 0 && v < 0) || (step < 0 && v > 0))
			return -ETXTBSY;
	} while (!__atomic_compare_exchange_n(&in->writecount, &v, v + step,
					      false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

int inode_get_write_access(struct inode *in)
{
	return writecount_step(in, 1);
}

void inode_put_write_access(struct inode *in)
{
	__atomic_sub_fetch(&in->writecount, 1, __ATOMIC_ACQ_REL);
}

int inode_deny_write_access(struct inode *in)
{
	return writecount_step(in, -1);
}

void inode_allow_write_access(struct inode *in)
{
	__atomic_add_fetch(&in->writecount, 1, __ATOMIC_ACQ_REL);
}

static int index_key(const void *key, const struct avl_node *n)
{
	uint64_t a = *(const uint64_t *)key;
	uint64_t b = avl_entry(n, struct cached_page, node)->index;

	return a < b ? -1 : a > b;
}

static int index_cmp(const struct avl_node *a, const struct avl_node *b)
{
	return index_key(&avl_entry(a, struct cached_page, node)->index, b);
}

struct inode *inode_alloc(struct super_block *sb, uint32_t mode,
			  const struct inode_ops *ops,
			  const struct file_ops *fops)
{
	struct inode *in = kmem_cache_zalloc(inode_cache);

	if (!in)
		return NULL;
	in->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	in->mode = mode;
	in->nlink = 1;
	in->refcount = 1;
	in->sb = sb;
	in->ops = ops;
	in->fops = fops;
	in->atime = in->mtime = in->ctime = inode_time_now();
	mutex_init(&in->lock, "inode");
	spin_lock_init(&in->cache_lock, "inode cache", LOCK_RANK_INODE);
	list_init(&in->locks);
	mutex_init(&in->mmap_lock, "inode mmaps");
	list_init(&in->mmaps);
	list_init(&in->dirty_link);
	list_init(&in->reclaim_link);
	return in;
}

void inode_get(struct inode *in)
{
	__atomic_add_fetch(&in->refcount, 1, __ATOMIC_RELAXED);
}

/*
 * Account pages added to (or, negative, dropped from) the cache to the
 * file system (tmpfs's size limit): 0, or -ENOSPC to refuse them.
 */
static int charge(struct inode *in, long pages)
{
	return in->ops && in->ops->charge ? in->ops->charge(in, pages) : 0;
}

/* A disk file's (its pages can be read again): the shrinker's. */
static bool disk_backed(const struct inode *in)
{
	return in->ops && in->ops->read_page;
}

/* n pages came into (or, negative, left) in's cache: the totals. */
static void count_cached(struct inode *in, long n)
{
	__atomic_add_fetch(&cached_all, (uint64_t)n, __ATOMIC_RELAXED);
	if (disk_backed(in))
		__atomic_add_fetch(&cached_disk, (uint64_t)n, __ATOMIC_RELAXED);
}

void inode_cache_totals(uint64_t *pages, uint64_t *disk_pages)
{
	*pages = __atomic_load_n(&cached_all, __ATOMIC_RELAXED);
	*disk_pages = __atomic_load_n(&cached_disk, __ATOMIC_RELAXED);
}

/* A page entered in's cache: counted, and a disk file's inode is in the
 * reclaim list. */
static void page_cached(struct inode *in)
{
	unsigned long flags;

	count_cached(in, 1);
	if (!disk_backed(in) || !list_empty(&in->reclaim_link))
		return; /* (a racy look: the lock decides) */
	flags = spin_lock_irqsave(&reclaim_lock);
	if (list_empty(&in->reclaim_link))
		list_add_tail(&in->reclaim_link, &reclaim_list);
	spin_unlock_irqrestore(&reclaim_lock, flags);
}

/*
 * Unlink up to want of in's clean pages that only the cache holds, looking
 * at *look pages at most, onto *gone (chained through node.right): how
 * many. reclaim_lock held, which keeps in alive (inode_put leaves the
 * list first).
 */
static uint64_t reclaim_inode(struct inode *in, uint64_t want,
			      unsigned int *look, struct avl_node **gone)
{
	unsigned long flags = spin_lock_irqsave(&in->cache_lock);
	struct avl_node *n = avl_first(&in->cache);
	uint64_t got = 0;

	for (; n && got < want && *look; --*look) {
		struct cached_page *c = avl_entry(n, struct cached_page, node);

		n = avl_next(n); /* first: c may leave the tree */
		/* One reference, the cache's: under cache_lock, nobody can
		 * take another but through the cache. */
		if (c->dirty ||
		    __atomic_load_n(&c->page->refcount, __ATOMIC_ACQUIRE) != 1)
			continue;
		avl_remove(&in->cache, &c->node);
		in->cached_pages--;
		c->node.right = *gone;
		*gone = &c->node;
		got++;
	}
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (got) {
		charge(in, -(long)got);
		count_cached(in, -(long)got);
	}
	return got;
}

/* The page cache's shrinker: each disk inode in turn, until want pages
 * are free or every inode was looked at. */
static uint64_t page_cache_scan(uint64_t want)
{
	unsigned long flags = spin_lock_irqsave(&reclaim_lock);
	unsigned int look = RECLAIM_LOOK_MAX;
	struct avl_node *gone = NULL;
	struct inode *first = NULL;
	uint64_t got = 0;

	while (got < want && look && !list_empty(&reclaim_list)) {
		struct inode *in = list_first_entry(&reclaim_list, struct inode,
						    reclaim_link);

		if (in == first)
			break; /* round the list once */
		first = first ? first : in;
		list_del(&in->reclaim_link); /* to the end: the next turn */
		list_add_tail(&in->reclaim_link, &reclaim_list);
		got += reclaim_inode(in, want - got, &look, &gone);
	}
	spin_unlock_irqrestore(&reclaim_lock, flags);
	while (gone) {
		struct cached_page *c =
			avl_entry(gone, struct cached_page, node);

		gone = gone->right;
		page_put(c->page);
		kmem_cache_free(cached_cache, c);
	}
	return got;
}

static struct shrinker page_cache_shrinker = {.scan = page_cache_scan};

void inode_drop_range(struct inode *in, uint64_t first, uint64_t end)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&in->cache_lock);
		struct avl_node *n =
			avl_lower_bound(&in->cache, &first, index_key);
		struct cached_page *c =
			n ? avl_entry(n, struct cached_page, node) : NULL;

		if (c && c->index < end) {
			avl_remove(&in->cache, n);
			in->cached_pages--;
			if (c->dirty) /* truncated: its data is gone */
				in->dirty_pages--;
		} else {
			c = NULL;
		}
		spin_unlock_irqrestore(&in->cache_lock, flags);
		if (!c)
			return;
		charge(in, -1);
		count_cached(in, -1);
		page_put(c->page);
		kmem_cache_free(cached_cache, c);
	}
}

void inode_drop_pages(struct inode *in, uint64_t from)
{
	inode_drop_range(in, from, UINT64_MAX);
}

void inode_zero_page_tail(struct inode *in, uint64_t off)
{
	uint64_t index = off / PAGE_SIZE, at = off % PAGE_SIZE;
	unsigned long flags;
	struct page *page;

	if (!at)
		return;
	flags = spin_lock_irqsave(&in->cache_lock);
	page = cache_lookup(in, index);
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (!page)
		return;
	memset((char *)page_address(page) + at, 0, PAGE_SIZE - at);
	page_put(page);
}

void inode_put(struct inode *in)
{
	if (!in || __atomic_sub_fetch(&in->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (disk_backed(in)) { /* out of the shrinker's way */
		unsigned long flags = spin_lock_irqsave(&reclaim_lock);

		list_del(&in->reclaim_link);
		spin_unlock_irqrestore(&reclaim_lock, flags);
	}
	if (in->sb && in->sb->writeback)
		writeback_evict(in); /* its data and metadata first */
	if (in->ops && in->ops->release)
		in->ops->release(in); /* may look at the cache: first */
	inode_drop_pages(in, 0);
	kmem_cache_free(inode_cache, in);
}

/* The page at index, referenced, or NULL; cache_lock held. The walk is
 * avl_find's, written out: every read and write of a file comes here. */
static struct page *cache_lookup(struct inode *in, uint64_t index)
{
	const struct avl_node *n = in->cache.root;

	while (n) {
		const struct cached_page *c =
			avl_entry(n, struct cached_page, node);

		if (index == c->index) {
			page_get(c->page);
			return c->page;
		}
		n = index < c->index ? n->left : n->right;
	}
	return NULL;
}

/*
 * A new page for index, filled; inserted unless another got there. It
 * is charged to the file system first (tmpfs may refuse: -ENOSPC).
 */
static int cache_fill(struct inode *in, uint64_t index, struct page **out)
{
	struct cached_page *c;
	struct page *page;
	unsigned long flags;
	struct avl_node *old;
	int err = charge(in, 1);

	if (err)
		return err;
	c = kmem_cache_alloc(cached_cache);
	page = pmm_alloc_pages_shrink(0, PMM_ZERO | PMM_USE(MM_USE_USER));
	err = c && page ? 0 : -ENOMEM;
	if (!err && in->ops && in->ops->read_page)
		err = in->ops->read_page(in, index, page_address(page));
	if (err) {
		if (page)
			page_put(page);
		if (c)
			kmem_cache_free(cached_cache, c);
		charge(in, -1);
		return err;
	}
	c->index = index;
	c->page = page;
	c->dirty = false;
	flags = spin_lock_irqsave(&in->cache_lock);
	old = avl_insert(&in->cache, &c->node, index_cmp);
	if (!old)
		in->cached_pages++;
	if (old) { /* raced: use the one that is there */
		page_put(page);
		kmem_cache_free(cached_cache, c);
		page = avl_entry(old, struct cached_page, node)->page;
	}
	page_get(page); /* the caller's */
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (old)
		charge(in, -1);
	else
		page_cached(in);
	*out = page;
	return 0;
}

struct page *inode_find_page(struct inode *in, uint64_t index)
{
	unsigned long flags = spin_lock_irqsave(&in->cache_lock);
	struct page *page = cache_lookup(in, index);

	spin_unlock_irqrestore(&in->cache_lock, flags);
	return page;
}

#define READAHEAD_PAGES 128 /* 512 KiB: a file system reads what it can */

int inode_get_page(struct inode *in, uint64_t index, struct page **out)
{
	unsigned long flags = spin_lock_irqsave(&in->cache_lock);
	struct page *page = cache_lookup(in, index);

	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (!page && disk_backed(in) && mm_memory_low())
		mm_shrink(RECLAIM_BATCH); /* room first, from older pages */
	/* A miss on a disk: the pages after it too, in one go (most reads
	 * are sequential); what that could not cache, cache_fill reads. */
	if (!page && in->ops && in->ops->readahead &&
	    !in->ops->readahead(in, index, READAHEAD_PAGES))
		page = inode_find_page(in, index);
	if (page) {
		*out = page;
		return 0;
	}
	return cache_fill(in, index, out);
}

void inode_init(void)
{
	inode_cache = kmem_cache_create("inode", sizeof(struct inode), 8);
	cached_cache =
		kmem_cache_create("page cache", sizeof(struct cached_page), 8);
	if (!inode_cache || !cached_cache)
		panic("fs: no memory for the inode caches");
	mm_register_shrinker(&page_cache_shrinker);
}

int inode_add_page(struct inode *in, uint64_t index, struct page *page)
{
	struct cached_page *c;
	unsigned long flags;
	int err = charge(in, 1);

	if (err)
		return err;
	c = kmem_cache_alloc(cached_cache);
	if (!c) {
		charge(in, -1);
		return -ENOMEM;
	}
	c->index = index;
	c->page = page;
	c->dirty = false;
	flags = spin_lock_irqsave(&in->cache_lock);
	if (avl_insert(&in->cache, &c->node, index_cmp)) {
		err = -EEXIST;
	} else {
		page_get(page);
		in->cached_pages++;
	}
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (!err) {
		page_cached(in);
	} else {
		kmem_cache_free(cached_cache, c);
		charge(in, -1);
	}
	return err;
}

/* Called by inode_mark_page_dirty (<kernel/fs.h>) for file systems with
 * write_page. */
void inode_mark_page_dirty_wb(struct inode *in, uint64_t index)
{
	struct avl_node *n;
	unsigned long flags;
	bool newly = false;

	flags = spin_lock_irqsave(&in->cache_lock);
	n = avl_find(&in->cache, &index, index_key);
	if (n && !avl_entry(n, struct cached_page, node)->dirty) {
		avl_entry(n, struct cached_page, node)->dirty = true;
		in->dirty_pages++;
		newly = true;
	}
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (newly)
		inode_mark_dirty(in, INODE_DIRTY_PAGES);
}

/* The first dirty page of index [*index, end), clean now and referenced
 * (its index in *index), or NULL. */
static struct page *take_dirty(struct inode *in, uint64_t *index, uint64_t end)
{
	unsigned long flags = spin_lock_irqsave(&in->cache_lock);
	struct avl_node *n = avl_lower_bound(&in->cache, index, index_key);
	struct page *page = NULL;

	for (; n && in->dirty_pages; n = avl_next(n)) {
		struct cached_page *c = avl_entry(n, struct cached_page, node);

		if (c->index >= end)
			break;
		if (!c->dirty)
			continue;
		c->dirty = false;
		in->dirty_pages--;
		page = c->page;
		page_get(page);
		*index = c->index;
		break;
	}
	spin_unlock_irqrestore(&in->cache_lock, flags);
	return page;
}

#define WRITE_BATCH 64 /* pages in flight at once: 256 KiB */

/*
 * Write back up to WRITE_BATCH dirty pages of [*index, end), all in
 * flight together, and wait for them: 0 or the first -errno; *n is how
 * many were found (0: none left).
 */
static int write_some(struct inode *in, uint64_t *index, uint64_t end,
		      unsigned int *n)
{
	struct page *pages[WRITE_BATCH];
	struct bio_batch batch;
	int ret = 0, err;

	bio_batch_init(&batch);
	for (*n = 0; *n < WRITE_BATCH && *index < end; ++*n, ++*index) {
		pages[*n] = take_dirty(in, index, end);
		if (!pages[*n])
			break;
		/* Write-protect it first: a store after this faults and
		 * marks it dirty again, so none is lost. */
		if (__atomic_load_n(&in->shared_maps, __ATOMIC_ACQUIRE))
			uvm_unmap_file(in, *index, *index + 1, false);
		err = in->ops->write_page(in, *index, pages[*n], &batch);
		if (err && !ret)
			ret = err;
	}
	err = bio_batch_wait(&batch);
	for (unsigned int i = 0; i < *n; i++)
		page_put(pages[i]);
	return ret ? ret : err;
}

int inode_write_pages(struct inode *in, uint64_t first, uint64_t end)
{
	uint64_t index = first;
	unsigned int n = WRITE_BATCH;
	int ret = 0;

	if (!in->ops || !in->ops->write_page)
		return 0;
	while (n == WRITE_BATCH) {
		int err = write_some(in, &index, end, &n);

		if (err && !ret)
			ret = err;
	}
	return ret;
}
