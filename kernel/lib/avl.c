/*
 * The intrusive AVL tree of <kernel/avl.h> (how to use it: there). Pure
 * code, built into the kernel and, unchanged, into the host tests
 * (tests/host/test_avl.c) and the fuzzer (tests/fuzz/fuzz_avl.c).
 *
 * Each node stores the height of its subtree; in an AVL tree the two
 * subtrees of every node differ in height by at most one. An insert or a
 * removal changes the heights along one path only, so rebalance_up() walks
 * that path towards the root, rotating where a node has gone two out of
 * balance, and stops where a subtree kept its height.
 */
#include <kernel/avl.h>

/*
 * No AVL tree of 2^64 - 1 nodes or fewer is taller: the fewest nodes of
 * height h are N(h) = N(h - 1) + N(h - 2) + 1, and N(92) > 2^64. avl_check
 * uses it to stop early on a corrupt tree instead of recursing down it.
 */
#define AVL_MAX_HEIGHT 91

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

/* Positive: the left subtree is taller. */
static int balance(const struct avl_node *n)
{
	return height(n->left) - height(n->right);
}

static void update_height(struct avl_node *n)
{
	n->height = 1 + MAX(height(n->left), height(n->right));
}

static struct avl_node *leftmost(struct avl_node *n)
{
	while (n->left)
		n = n->left;
	return n;
}

static struct avl_node *rightmost(struct avl_node *n)
{
	while (n->right)
		n = n->right;
	return n;
}

/* Make the link that pointed to old (parent's or the root) point to new. */
static void replace_child(struct avl_tree *t, struct avl_node *parent,
			  struct avl_node *old, struct avl_node *new_node)
{
	if (!parent)
		t->root = new_node;
	else if (parent->left == old)
		parent->left = new_node;
	else
		parent->right = new_node;
}

/*
 * Lift x's right child y above x; the order is kept:
 *
 *       x                y
 *      / \              / \
 *     a   y     ->     x   c
 *        / \          / \
 *       b   c        a   b
 */
static struct avl_node *rotate_left(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* The mirror image of rotate_left: lift x's left child above x. */
static struct avl_node *rotate_right(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/*
 * n's subtrees are AVL trees whose heights differ by at most two: make n's
 * subtree one again, with one rotation or two, and set its height. Returns
 * the subtree's root, n or the node lifted above it.
 */
static struct avl_node *rebalance_node(struct avl_tree *t, struct avl_node *n)
{
	int b = balance(n);

	if (b > 1) {
		/* If the left child leans right, a single rotation would only
		 * move the excess to the other side: straighten it first. */
		if (balance(n->left) < 0)
			rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (b < -1) {
		if (balance(n->right) > 0)
			rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	update_height(n);
	return n;
}

/*
 * Rebalance from n, the lowest node whose subtree changed (its stored
 * height still the old one), up to the root. Once a subtree ends as tall
 * as it was, nothing above it changed: stop there.
 */
static void rebalance_up(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		int old = n->height;

		n = rebalance_node(t, n);
		if (n->height == old)
			return;
		n = n->parent;
	}
}

struct avl_node *avl_insert(struct avl_tree *t, struct avl_node *n,
			    avl_cmp_fn cmp)
{
	struct avl_node *parent = NULL;
	struct avl_node **link = &t->root;

	while (*link) {
		int c = cmp(n, *link);

		if (c == 0)
			return *link;
		parent = *link;
		link = c < 0 ? &parent->left : &parent->right;
	}
	n->parent = parent;
	n->left = NULL;
	n->right = NULL;
	n->height = 1;
	*link = n;
	t->count++;
	rebalance_up(t, parent);
	return NULL;
}

/*
 * The n nodes from *list (chained through right, in order) as a balanced
 * subtree under parent, the left half first so that the order holds; moves
 * *list past them and returns the subtree's root. A middle node is the
 * root, so the halves differ by one node at most and every node is in
 * balance.
 */
static struct avl_node *build(struct avl_node **list, size_t n,
			      struct avl_node *parent)
{
	struct avl_node *root, *left;

	if (!n)
		return NULL;
	left = build(list, n / 2, NULL);
	root = *list;
	*list = root->right;
	root->parent = parent;
	root->left = left;
	if (left)
		left->parent = root;
	root->right = build(list, n - n / 2 - 1, root);
	update_height(root);
	return root;
}

void avl_build(struct avl_tree *t, struct avl_node *first, size_t n)
{
	t->root = build(&first, n, NULL);
	t->count = n;
}

/* The first node of n's subtree in post-order: its deepest leftmost leaf. */
static struct avl_node *first_leaf(struct avl_node *n)
{
	for (;;) {
		if (n->left)
			n = n->left;
		else if (n->right)
			n = n->right;
		else
			return n;
	}
}

void avl_clear(struct avl_tree *t, void (*fn)(struct avl_node *n, void *arg),
	       void *arg)
{
	struct avl_node *n = t->root ? first_leaf(t->root) : NULL;

	t->root = NULL;
	t->count = 0;
	while (n) {
		struct avl_node *p = n->parent, *next = p;

		/* after a left child comes its sibling's subtree, if any */
		if (p && p->left == n && p->right)
			next = first_leaf(p->right);
		fn(n, arg);
		n = next;
	}
}

/* Unlink n, which has one child at most; returns n's parent. */
static struct avl_node *splice_out(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *child = n->left ? n->left : n->right;

	if (child)
		child->parent = n->parent;
	replace_child(t, n->parent, n, child);
	return n->parent;
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *changed;

	if (n->left && n->right) {
		/* n's successor has no left child, so it is easy to take
		 * out; it then takes n's place, which keeps the order. */
		struct avl_node *s = leftmost(n->right);

		changed = splice_out(t, s);
		if (changed == n)
			changed = s;
		avl_replace(t, n, s);
	} else {
		changed = splice_out(t, n);
	}
	t->count--;
	rebalance_up(t, changed);
}

void avl_replace(struct avl_tree *t, struct avl_node *old,
		 struct avl_node *new_node)
{
	*new_node = *old;
	if (old->left)
		old->left->parent = new_node;
	if (old->right)
		old->right->parent = new_node;
	replace_child(t, old->parent, old, new_node);
}

struct avl_node *avl_find(const struct avl_tree *t, const void *key,
			  avl_key_fn cmp)
{
	struct avl_node *n = t->root;

	while (n) {
		int c = cmp(key, n);

		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

/*
 * The bounds descend like avl_find, remembering the last node that
 * qualified, then look for a better one on the side nearer the key.
 */
struct avl_node *avl_lower_bound(const struct avl_tree *t, const void *key,
				 avl_key_fn cmp)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (cmp(key, n) <= 0) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct avl_node *avl_upper_bound(const struct avl_tree *t, const void *key,
				 avl_key_fn cmp)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (cmp(key, n) < 0) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct avl_node *avl_floor(const struct avl_tree *t, const void *key,
			   avl_key_fn cmp)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (cmp(key, n) >= 0) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	return t->root ? leftmost(t->root) : NULL;
}

struct avl_node *avl_last(const struct avl_tree *t)
{
	return t->root ? rightmost(t->root) : NULL;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right)
		return leftmost(n->right);
	/* Climb out of right subtrees: the first ancestor reached from its
	 * left comes next. */
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left)
		return rightmost(n->left);
	while (n->parent && n == n->parent->left)
		n = n->parent;
	return n->parent;
}

struct check_state {
	avl_cmp_fn cmp;
	const struct avl_node *prev; /* the last node visited, in order */
	size_t seen, count;
};

/*
 * Check the subtree at n, a child of parent at the given depth, visiting
 * it in order. Returns its height, or -1 at the first fault.
 */
static int check_subtree(struct check_state *s, const struct avl_node *n,
			 const struct avl_node *parent, int depth)
{
	int hl, hr;

	if (!n)
		return 0;
	/* The depth and node count limits stop a walk round a cycle. */
	if (n->parent != parent || depth > AVL_MAX_HEIGHT ||
	    ++s->seen > s->count)
		return -1;
	hl = check_subtree(s, n->left, n, depth + 1);
	if (hl < 0 || (s->prev && s->cmp(s->prev, n) >= 0))
		return -1;
	s->prev = n;
	hr = check_subtree(s, n->right, n, depth + 1);
	if (hr < 0 || hl - hr > 1 || hr - hl > 1 ||
	    n->height != 1 + MAX(hl, hr))
		return -1;
	return n->height;
}

bool avl_check(const struct avl_tree *t, avl_cmp_fn cmp)
{
	struct check_state s = {.cmp = cmp, .count = t->count};

	return check_subtree(&s, t->root, NULL, 1) >= 0 && s.seen == t->count;
}
