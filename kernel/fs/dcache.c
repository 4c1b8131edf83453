/*
 * The dentry cache (<kernel/fs.h>): names in directories, bound to
 * inodes or negative, found by (parent, name) through a hash table.
 *
 * Lifetime: a dentry holds a reference to its inode and to its parent,
 * so a parent outlives its children. It is freed when its last
 * reference goes, unless the file system pinned it (tmpfs keeps its
 * whole tree this way) or a mount sits on it (the mount holds a
 * reference). A deleted name (unlink, rmdir) leaves the hash and its
 * parent's list at once but lives on while open files refer to it.
 *
 * When memory runs short, a file system that can look names up again
 * (sb->dentries_reclaimable: ext2) loses pinned dentries nothing else
 * holds, with their inodes if clean: the dentry cache is a shrinker,
 * asked after the page cache. It looks at the hash a part at a time,
 * from where it stopped, and unpins leaves (a directory with cached
 * children is held by them), so that a tree goes from its leaves up.
 *
 * Lock: dcache_lock (a spinlock) guards the hash, the children lists,
 * the flags and the decision to free. Changes to the tree also hold
 * namespace_lock (namei.c), so a path walk sees a stable tree; d_put
 * may come from anywhere (close, exit), hence the spinlock.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#include "fs_priv.h"

#define HASH_BITS 10
#define HASH_SIZE (1u << HASH_BITS)

static struct list_head hash_table[HASH_SIZE];
static DEFINE_SPINLOCK(dcache_lock, LOCK_RANK_DCACHE);
static struct kmem_cache *dentry_cache;
static uint64_t next_seq = 1;

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static struct list_head *bucket(const struct dentry *parent, uint32_t hash)
{
	uintptr_t p = (uintptr_t)parent >> 4;

	return &hash_table[(hash ^ p ^ (p >> HASH_BITS)) & (HASH_SIZE - 1)];
}

#define SCAN_LOOK_MAX 4096 /* dentries looked at per scan */
#define SCAN_DROP_MAX 64   /* dentries dropped per scan */

static unsigned int scan_next; /* the bucket the next scan starts at */

/*
 * Nothing but its file system's pin holds d, which that file system can
 * look up again, and dropping its inode writes nothing (a dirty inode
 * would be written back by its eviction, here, short of memory).
 * dcache_lock held.
 */
static bool droppable(const struct dentry *d)
{
	const struct inode *in = d->inode;

	return (d->flags & DENTRY_PINNED) &&
	       __atomic_load_n(&d->refcount, __ATOMIC_ACQUIRE) == 1 && in &&
	       in->sb && in->sb->dentries_reclaimable &&
	       !__atomic_load_n(&in->dirty, __ATOMIC_ACQUIRE);
}

/*
 * Unpin up to max droppable dentries into drop, looking at *look at most,
 * from bucket scan_next on, once round the hash at most: how many.
 */
static unsigned int scan_some(struct dentry **drop, unsigned int max,
			      unsigned int *look)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	unsigned int n = 0;

	for (unsigned int b = 0; b < HASH_SIZE && *look && n < max; b++) {
		struct list_head *head = &hash_table[scan_next];
		struct dentry *d;

		scan_next = (scan_next + 1) % HASH_SIZE;
		list_for_each_entry(d, head, hash_link)
		{
			if (!*look || n == max)
				break;
			--*look;
			if (!droppable(d))
				continue;
			/* The pin's reference is ours now: a lookup from
			 * here on takes one of its own. */
			d->flags &= ~DENTRY_PINNED;
			drop[n++] = d;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return n;
}

/* The dentry cache's shrinker: droppable dentries (each with its inode
 * about a page of memory), SCAN_DROP_MAX at a time, leaves first (a
 * parent's turn comes once its children went). */
static uint64_t dcache_scan(uint64_t want)
{
	struct dentry *drop[SCAN_DROP_MAX];
	unsigned int look = SCAN_LOOK_MAX;
	uint64_t dropped = 0;

	while (dropped < want && look) {
		unsigned int n = scan_some(
			drop, (unsigned int)MIN(want - dropped, SCAN_DROP_MAX),
			&look);

		if (!n)
			break;
		for (unsigned int i = 0; i < n; i++)
			d_put(drop[i]);
		dropped += n;
	}
	return dropped;
}

static struct shrinker dcache_shrinker = {.scan = dcache_scan};

void dcache_init(void)
{
	for (unsigned int i = 0; i < HASH_SIZE; i++)
		list_init(&hash_table[i]);
	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 8);
	if (!dentry_cache)
		panic("fs: no memory for the dentry cache");
	mm_register_shrinker(&dcache_shrinker);
}

/* A dentry named name[0..len), unlinked from everything. */
static struct dentry *dentry_new(const char *name, size_t len)
{
	struct dentry *d = kmem_cache_zalloc(dentry_cache);
	char *buf;

	if (!d)
		return NULL;
	if (len >= DENTRY_INLINE_NAME) {
		buf = kmalloc(len + 1);
		if (!buf) {
			kmem_cache_free(dentry_cache, d);
			return NULL;
		}
	} else {
		buf = d->inline_name;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	d->name = buf;
	d->len = (uint32_t)len;
	d->hash = name_hash(name, len);
	d->refcount = 1;
	list_init(&d->hash_link);
	list_init(&d->children);
	list_init(&d->sibling);
	return d;
}

static void dentry_free(struct dentry *d)
{
	if (d->name != d->inline_name)
		kfree((char *)d->name);
	inode_put(d->inode);
	kmem_cache_free(dentry_cache, d);
}

struct dentry *d_make_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = dentry_new("/", 1);

	if (!d) {
		inode_put(inode);
		return NULL;
	}
	d->parent = d;
	d->sb = sb;
	d->inode = inode;
	d->flags = DENTRY_PINNED;
	return d;
}

struct dentry *d_get(struct dentry *d)
{
	__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
	return d;
}

static bool name_is(const struct dentry *d, const char *name, size_t len)
{
	return d->len == len && memcmp(d->name, name, len) == 0;
}

struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t hash = name_hash(name, len);
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *d, *found = NULL;

	list_for_each_entry(d, bucket(parent, hash), hash_link)
	{
		if (d->parent == parent && d->hash == hash &&
		    name_is(d, name, len)) {
			found = d_get(d);
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return found;
}

/* Link d under parent (locked): hash, children, a parent reference. */
static void attach(struct dentry *d, struct dentry *parent)
{
	d->parent = d_get(parent);
	d->sb = parent->sb;
	d->seq = next_seq++;
	list_add_tail(&d->hash_link, bucket(parent, d->hash));
	list_add_tail(&d->sibling, &parent->children);
}

struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = dentry_new(name, len);
	unsigned long flags;

	if (!d)
		return NULL;
	flags = spin_lock_irqsave(&dcache_lock);
	attach(d, parent);
	spin_unlock_irqrestore(&dcache_lock, flags);
	return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	d->inode = inode;
}

/* Out of the hash and the parent's list (locked); parent kept. */
static void detach(struct dentry *d)
{
	list_del(&d->hash_link);
	list_init(&d->hash_link);
	list_del(&d->sibling);
	list_init(&d->sibling);
}

void d_delete(struct dentry *d)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);

	detach(d);
	d->flags |= DENTRY_DEAD;
	spin_unlock_irqrestore(&dcache_lock, flags);
	d_unpin(d);
}

void d_pin(struct dentry *d)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);

	if (!(d->flags & DENTRY_PINNED)) {
		d->flags |= DENTRY_PINNED;
		__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
}

void d_unpin(struct dentry *d)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	bool was = d->flags & DENTRY_PINNED;

	d->flags &= ~DENTRY_PINNED;
	spin_unlock_irqrestore(&dcache_lock, flags);
	if (was)
		d_put(d);
}

/*
 * Drop a reference; the last one frees d and drops its parent's, which
 * may free that one too (a loop, not recursion: trees can be deep).
 */
void d_put(struct dentry *d)
{
	while (d) {
		unsigned long flags = spin_lock_irqsave(&dcache_lock);
		struct dentry *parent;

		int left =
			__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_ACQ_REL);

		if (left > 0) {
			spin_unlock_irqrestore(&dcache_lock, flags);
			return;
		}
		if (left < 0)
			panic("dcache: %s put once too often", d->name);
		parent = d->parent == d ? NULL : d->parent;
		detach(d);
		spin_unlock_irqrestore(&dcache_lock, flags);
		dentry_free(d);
		d = parent;
	}
}

/* The first child of d (positive or negative), referenced, or NULL. */
static struct dentry *first_child(struct dentry *d)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *c = NULL;

	if (!list_empty(&d->children))
		c = d_get(
			list_first_entry(&d->children, struct dentry, sibling));
	spin_unlock_irqrestore(&dcache_lock, flags);
	return c;
}

/*
 * Depth first, a loop (trees can be deep): go down to a name with no
 * children, delete it, go back up to its parent. Each step takes one
 * name off a children list, so the walk ends.
 */
void d_drop_tree(struct dentry *root)
{
	struct dentry *d = d_get(root), *c;

	for (;;) {
		c = first_child(d);
		if (c) {
			d_put(d); /* c holds its parent */
			d = c;
			continue;
		}
		if (d == root)
			break;
		c = d_get(d->parent);
		d_delete(d);
		d_put(d);
		d = c;
	}
	d_delete(root);
	d_put(root);
}

int d_move(struct dentry *d, struct dentry *new_parent, const char *name,
	   size_t len)
{
	char *buf = NULL, *old = NULL;
	struct dentry *old_parent;
	unsigned long flags;

	if (len >= DENTRY_INLINE_NAME && !(buf = kmalloc(len + 1)))
		return -ENOMEM;
	flags = spin_lock_irqsave(&dcache_lock);
	detach(d);
	if (d->name != d->inline_name)
		old = (char *)d->name;
	if (!buf)
		buf = d->inline_name;
	memcpy(buf, name, len);
	buf[len] = '\0';
	d->name = buf;
	d->len = (uint32_t)len;
	d->hash = name_hash(name, len);
	old_parent = d->parent;
	attach(d, new_parent);
	spin_unlock_irqrestore(&dcache_lock, flags);
	kfree(old);
	d_put(old_parent);
	return 0;
}

bool d_has_children(struct dentry *dir)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *c;
	bool any = false;

	list_for_each_entry(c, &dir->children, sibling)
	{
		if (c->inode) {
			any = true;
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return any;
}

unsigned int mode_to_dt(uint32_t mode)
{
	return (mode & S_IFMT) >> 12; /* DT_* are the S_IFMT values >> 12 */
}

/*
 * The first positive child of dir with seq >= from, referenced, or NULL.
 * dcache_lock taken here: the walk does not hold it across emits.
 */
static struct dentry *child_from(struct dentry *dir, uint64_t from)
{
	unsigned long flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *c, *found = NULL;

	list_for_each_entry(c, &dir->children, sibling)
	{
		if (c->seq >= from && c->inode) {
			found = d_get(c);
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return found;
}

/*
 * f->pos: 0 ".", 1 "..", then 2 + the seq of the next child to list, so
 * that names removed or added meanwhile do not shift the others.
 */
int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry, *c;

	if (f->pos == 0) {
		if (ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR))
			return 0;
		f->pos = 1;
	}
	if (f->pos == 1) {
		if (ctx->emit(ctx, "..", 2, dir->parent->inode->ino, DT_DIR))
			return 0;
		f->pos = 2;
	}
	while ((c = child_from(dir, f->pos - 2))) {
		int stop = ctx->emit(ctx, c->name, c->len, c->inode->ino,
				     mode_to_dt(c->inode->mode));

		if (!stop)
			f->pos = c->seq + 3;
		d_put(c);
		if (stop)
			break;
	}
	return 0;
}
