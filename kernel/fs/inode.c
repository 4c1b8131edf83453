/*
 * Inodes and their page cache (<kernel/fs.h>). A regular file's data is
 * kept in pages indexed by page number, filled on first use by the
 * filesystem's read_page; read(2) copies from these pages and mmap maps
 * them, so both see the same data. The cache holds one reference to
 * each page; whoever maps a page holds another.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/panic.h>

#include "fs_priv.h"

struct cached_page {
	struct avl_node node;
	uint64_t index;
	struct page *page;
};

static struct kmem_cache *inode_cache, *cached_cache;
static uint64_t next_ino = 1;

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

struct inode *inode_alloc(uint32_t mode, const struct inode_ops *ops)
{
	struct inode *in = kmem_cache_zalloc(inode_cache);

	if (!in)
		return NULL;
	in->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	in->mode = mode;
	in->nlink = 1;
	in->refcount = 1;
	in->ops = ops;
	spin_lock_init(&in->cache_lock, "inode cache", LOCK_RANK_INODE);
	list_init(&in->children);
	return in;
}

void inode_get(struct inode *in)
{
	__atomic_add_fetch(&in->refcount, 1, __ATOMIC_RELAXED);
}

static void drop_cache(struct inode *in)
{
	struct avl_node *n;

	while ((n = avl_first(&in->cache))) {
		struct cached_page *c = avl_entry(n, struct cached_page, node);

		avl_remove(&in->cache, n);
		page_put(c->page);
		kmem_cache_free(cached_cache, c);
	}
}

void inode_put(struct inode *in)
{
	if (!in || __atomic_sub_fetch(&in->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	drop_cache(in);
	if (in->ops && in->ops->release)
		in->ops->release(in);
	kmem_cache_free(inode_cache, in);
}

static struct page *cache_lookup(struct inode *in, uint64_t index)
{
	struct avl_node *n = avl_find(&in->cache, &index, index_key);
	struct page *page = NULL;

	if (n) {
		page = avl_entry(n, struct cached_page, node)->page;
		page_get(page);
	}
	return page;
}

/* A new page for index, filled; inserted unless another got there. */
static int cache_fill(struct inode *in, uint64_t index, struct page **out)
{
	struct cached_page *c = kmem_cache_alloc(cached_cache);
	struct page *page = pmm_alloc_pages(0, PMM_ZERO | PMM_USE(MM_USE_USER));
	unsigned long flags;
	struct avl_node *old;
	int err = c && page ? 0 : -ENOMEM;

	if (!err && in->ops && in->ops->read_page)
		err = in->ops->read_page(in, index, page_address(page));
	if (err) {
		if (page)
			page_put(page);
		if (c)
			kmem_cache_free(cached_cache, c);
		return err;
	}
	c->index = index;
	c->page = page;
	flags = spin_lock_irqsave(&in->cache_lock);
	old = avl_insert(&in->cache, &c->node, index_cmp);
	if (old) { /* raced: use the one that is there */
		page_put(page);
		kmem_cache_free(cached_cache, c);
		page = avl_entry(old, struct cached_page, node)->page;
	}
	page_get(page); /* the caller's */
	spin_unlock_irqrestore(&in->cache_lock, flags);
	*out = page;
	return 0;
}

int inode_get_page(struct inode *in, uint64_t index, struct page **out)
{
	unsigned long flags = spin_lock_irqsave(&in->cache_lock);
	struct page *page = cache_lookup(in, index);

	spin_unlock_irqrestore(&in->cache_lock, flags);
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
}

int inode_add_page(struct inode *in, uint64_t index, struct page *page)
{
	struct cached_page *c = kmem_cache_alloc(cached_cache);
	unsigned long flags;
	int err = 0;

	if (!c)
		return -ENOMEM;
	c->index = index;
	c->page = page;
	flags = spin_lock_irqsave(&in->cache_lock);
	if (avl_insert(&in->cache, &c->node, index_cmp))
		err = -EEXIST;
	else
		page_get(page);
	spin_unlock_irqrestore(&in->cache_lock, flags);
	if (err)
		kmem_cache_free(cached_cache, c);
	return err;
}
