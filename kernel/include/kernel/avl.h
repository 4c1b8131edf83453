/*
 * An intrusive AVL tree: a balanced binary search tree whose nodes live
 * inside the caller's objects, so it never allocates. Lookups, inserts and
 * removals are O(log n) (the height stays below 1.44 log2(n + 2)); the
 * in-order neighbours of a node are a parent-pointer walk away. The tree
 * takes no lock: its owner serialises access. First user: a process's map
 * of memory regions; later futex buckets and timers.
 *
 * The tree knows no keys. Two callbacks order the nodes: an avl_cmp_fn
 * compares two nodes (to insert), an avl_key_fn compares a key with a node
 * (to look up). Both return <0, 0 or >0 like memcmp. A key function must
 * agree with the tree's order: from the first node to the last, cmp(key,
 * n) is > 0, then 0, then < 0 (any part may be empty), so several nodes
 * may equal one key, as a range of them (see the example).
 *
 *   struct region {
 *           uintptr_t start, end;           // [start, end)
 *           struct avl_node node;
 *   };
 *
 *   static int region_cmp(const struct avl_node *a, const struct avl_node *b)
 *   {
 *           uintptr_t x = avl_entry(a, struct region, node)->start;
 *           uintptr_t y = avl_entry(b, struct region, node)->start;
 *           return x < y ? -1 : x > y;
 *   }
 *
 *   // Disjoint regions: "addr is inside r" is the equal case, so avl_find
 *   // returns the region containing addr.
 *   static int region_key(const void *key, const struct avl_node *n)
 *   {
 *           uintptr_t addr = *(const uintptr_t *)key;
 *           const struct region *r = avl_entry(n, struct region, node);
 *           return addr < r->start ? -1 : addr >= r->end;
 *   }
 *
 *   struct avl_tree regions = AVL_TREE_INIT;
 *   avl_insert(&regions, &r->node, region_cmp);
 *   struct avl_node *n = avl_find(&regions, &addr, region_key);
 *   // The first region ending above addr (it may contain addr):
 *   n = avl_lower_bound(&regions, &addr, region_key);
 *   // The last region starting at or below addr, the first above it:
 *   n = avl_floor(&regions, &addr, region_key);
 *   n = avl_upper_bound(&regions, &addr, region_key);
 *   for (n = avl_first(&regions); n; n = avl_next(n))
 *           ...
 *
 * Removing a node does not move the others in the order, so a walk may
 * remove the node it stands on if it takes avl_next() first.
 */
#ifndef KERNEL_AVL_H
#define KERNEL_AVL_H

#include <stdbool.h>
#include <stddef.h>

#include <kernel/compiler.h>

/* Embed in an object; the tree owns these fields while it is linked. */
struct avl_node {
	struct avl_node *parent, *left, *right;
	int height; /* of the subtree rooted here: 1 for a leaf */
};

struct avl_tree {
	struct avl_node *root;
	size_t count; /* nodes linked */
};

#define AVL_TREE_INIT \
	{             \
		0     \
	}

/* The object that embeds the node ptr as its field member. */
#define avl_entry(ptr, type, member) container_of(ptr, type, member)

/* Order of node a against node b: <0 if a sorts before b, 0 if equal. */
typedef int (*avl_cmp_fn)(const struct avl_node *a, const struct avl_node *b);

/* Order of a key against node n: <0 if the key sorts before n. */
typedef int (*avl_key_fn)(const void *key, const struct avl_node *n);

/* No node linked. */
static inline bool avl_empty(const struct avl_tree *t)
{
	return t->root == NULL;
}

/*
 * Link n into t. Returns NULL once it is in; if a node comparing equal is
 * already in the tree, returns that node and leaves n out (and untouched).
 */
struct avl_node *avl_insert(struct avl_tree *t, struct avl_node *n,
			    avl_cmp_fn cmp);

/* Unlink n, which must be in t. Its fields are then stale until reused. */
void avl_remove(struct avl_tree *t, struct avl_node *n);

/*
 * Make the empty tree t of the n nodes chained from first through their
 * right fields, which must be in increasing order: in O(n), without
 * comparing or rotating (a copy of a tree, as fork's of a map of regions).
 */
void avl_build(struct avl_tree *t, struct avl_node *first, size_t n);

/*
 * Empty t, handing each node to fn (which may free it): children before
 * their parent, in O(n) without rebalancing (a tree torn down whole).
 */
void avl_clear(struct avl_tree *t, void (*fn)(struct avl_node *n, void *arg),
	       void *arg);

/*
 * Put new_node where old is, in O(1), without comparing: new_node must sort
 * where old does. old is then out of the tree; new_node must not be in it.
 */
void avl_replace(struct avl_tree *t, struct avl_node *old,
		 struct avl_node *new_node);

/* A node equal to key (cmp(key, n) == 0; any one if several are), or NULL. */
struct avl_node *avl_find(const struct avl_tree *t, const void *key,
			  avl_key_fn cmp);

/* The first node not before key (cmp(key, n) <= 0), or NULL. */
struct avl_node *avl_lower_bound(const struct avl_tree *t, const void *key,
				 avl_key_fn cmp);

/* The first node after key (cmp(key, n) < 0), or NULL. */
struct avl_node *avl_upper_bound(const struct avl_tree *t, const void *key,
				 avl_key_fn cmp);

/* The last node not after key (cmp(key, n) >= 0), or NULL. */
struct avl_node *avl_floor(const struct avl_tree *t, const void *key,
			   avl_key_fn cmp);

/* The smallest and the largest node; NULL if the tree is empty. */
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_last(const struct avl_tree *t);

/* The in-order neighbours of a linked node; NULL past either end. */
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);

/*
 * Debugging and tests: check the whole tree in O(n): strictly increasing
 * order under cmp, parent links, stored heights, balance, and count.
 * Returns false at the first fault. Recurses as deep as the tree is tall.
 */
bool avl_check(const struct avl_tree *t, avl_cmp_fn cmp);

#endif
