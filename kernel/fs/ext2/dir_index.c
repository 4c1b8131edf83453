/*
 * An index in memory of a large directory (dir.c's): the hash of every
 * name with the block that holds it, and for each block the largest entry
 * that still fits in it. Without it a create in a directory of n names
 * reads all of its blocks twice (the lookup that fails, then the search
 * for room): creating n files costs n^2. With it a lookup reads only the
 * blocks its hash points at, and an add goes straight to a block with
 * room. (The on-disk dir_index hash tree is not kept up by this driver,
 * which clears its flag; this index lives only while the inode does.)
 *
 * It is built on the first lookup in a directory of INDEX_MIN_BLOCKS or
 * more, from one pass over its blocks, and kept exact by dir.c's every
 * change of an entry (all under namespace_lock, as name operations are).
 * Should it ever disagree with a block, or not fit in a kmalloc (a
 * directory of millions of names), dir.c does without and scans.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/string.h>

#include "ext2.h"

struct dindex_slot {
	uint32_t hash;
	uint32_t lblk; /* SLOT_EMPTY, SLOT_GONE, or the block + 0 */
};

#define SLOT_EMPTY UINT32_MAX
#define SLOT_GONE (UINT32_MAX - 1)

struct ext2_dindex {
	uint64_t nblocks;
	uint16_t *room; /* per block: the largest entry that fits */
	struct dindex_slot *slots;
	uint32_t cap;  /* a power of two */
	uint32_t used; /* slots not empty (names and tombstones) */
};

/* FNV-1a: names are short, and any spread will do. */
uint32_t ext2_name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static int slots_init(struct ext2_dindex *x, uint32_t cap)
{
	x->slots = kmalloc(cap * sizeof(*x->slots));
	if (!x->slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < cap; i++)
		x->slots[i].lblk = SLOT_EMPTY;
	x->cap = cap;
	x->used = 0;
	return 0;
}

void ext2_dindex_free(struct ext2_dindex *x)
{
	if (!x)
		return;
	kfree(x->slots);
	kfree(x->room);
	kfree(x);
}

struct ext2_dindex *ext2_dindex_new(uint64_t nblocks, uint64_t names)
{
	struct ext2_dindex *x = kzalloc(sizeof(*x));
	uint32_t cap = 64;

	if (!x || nblocks > UINT32_MAX / 2)
		goto fail;
	while (cap < 2 * names + 64 && cap < (1u << 30))
		cap <<= 1;
	x->room = kmalloc(nblocks * sizeof(*x->room));
	x->nblocks = x->room ? nblocks : 0;
	if (!x->room || slots_init(x, cap))
		goto fail;
	memset(x->room, 0, nblocks * sizeof(*x->room));
	return x;
fail:
	ext2_dindex_free(x);
	return NULL;
}

/* Twice the slots, tombstones gone: 0, -ENOMEM (x unchanged). */
static int rehash(struct ext2_dindex *x)
{
	struct ext2_dindex old = *x;
	int err = slots_init(x, old.cap * 2);

	if (err) {
		*x = old;
		return err;
	}
	for (uint32_t i = 0; i < old.cap; i++) {
		struct dindex_slot *s = &old.slots[i];

		if (s->lblk < SLOT_GONE) {
			uint32_t j = s->hash & (x->cap - 1);

			while (x->slots[j].lblk != SLOT_EMPTY)
				j = (j + 1) & (x->cap - 1);
			x->slots[j] = *s;
			x->used++;
		}
	}
	kfree(old.slots);
	return 0;
}

int ext2_dindex_add(struct ext2_dindex *x, uint32_t hash, uint64_t lblk)
{
	uint32_t j;

	if (lblk >= SLOT_GONE)
		return -EFBIG;
	if (4 * (x->used + 1) > 3 * x->cap) {
		int err = rehash(x);

		if (err)
			return err;
	}
	j = hash & (x->cap - 1);
	while (x->slots[j].lblk < SLOT_GONE)
		j = (j + 1) & (x->cap - 1);
	if (x->slots[j].lblk == SLOT_EMPTY)
		x->used++;
	x->slots[j] = (struct dindex_slot){hash, (uint32_t)lblk};
	return 0;
}

void ext2_dindex_remove(struct ext2_dindex *x, uint32_t hash, uint64_t lblk)
{
	for (uint32_t j = hash & (x->cap - 1); x->slots[j].lblk != SLOT_EMPTY;
	     j = (j + 1) & (x->cap - 1)) {
		if (x->slots[j].hash == hash && x->slots[j].lblk == lblk) {
			x->slots[j].lblk = SLOT_GONE;
			return;
		}
	}
}

int ext2_dindex_find(const struct ext2_dindex *x, uint32_t hash,
		     int (*fn)(uint64_t lblk, void *arg), void *arg)
{
	for (uint32_t j = hash & (x->cap - 1); x->slots[j].lblk != SLOT_EMPTY;
	     j = (j + 1) & (x->cap - 1)) {
		const struct dindex_slot *s = &x->slots[j];

		if (s->lblk < SLOT_GONE && s->hash == hash) {
			int r = fn(s->lblk, arg);

			if (r != -ENOENT)
				return r;
		}
	}
	return -ENOENT;
}

int ext2_dindex_set_room(struct ext2_dindex *x, uint64_t lblk, uint32_t room)
{
	if (lblk >= x->nblocks) { /* a new block: one more slot */
		uint64_t n = lblk + 1;
		uint16_t *r = kmalloc(n * sizeof(*r));

		if (!r)
			return -ENOMEM;
		memcpy(r, x->room, x->nblocks * sizeof(*r));
		memset(r + x->nblocks, 0, (n - x->nblocks) * sizeof(*r));
		kfree(x->room);
		x->room = r;
		x->nblocks = n;
	}
	x->room[lblk] = (uint16_t)room;
	return 0;
}

uint64_t ext2_dindex_room_for(const struct ext2_dindex *x, uint32_t need)
{
	for (uint64_t b = 0; b < x->nblocks; b++) {
		if (x->room[b] >= need)
			return b;
	}
	return UINT64_MAX;
}
