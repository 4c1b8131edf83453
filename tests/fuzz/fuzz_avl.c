/*
 * libFuzzer harness for the AVL tree (kernel/lib/avl.c). The input is a
 * script of two-byte operations [op][byte] on the keys 0..63 (the byte's
 * low six bits): small trees, checked whole after every change, exercise
 * every rebalancing case at a high rate (test_avl takes care of size).
 * Each key has a node in each of two pools, and the model is the sorted
 * array of the keys in the tree, with the pool whose node holds each.
 * op & 7 picks the operation:
 *
 *   0, 1  insert the key's node of pool (op >> 3) & 1; if the key is in
 *         already, avl_insert must return the node that holds it
 *   2, 3  remove the key's node, if the key is in
 *   4     replace the key's node with the other pool's (avl_replace)
 *   5     find, lower_bound, upper_bound and floor of the key; find takes
 *         no more comparisons than the tree is tall
 *   6     next and prev of the key's node, first and last
 *   7     bit 3 clear: remove every node in an in-order walk, taking next
 *         first; set: rebuild, avl_clear (each node once, children
 *         first) then avl_build of the model's nodes in order
 *
 * Every result must match the model, and avl_check must pass after every
 * operation that changes the tree. At the end the tree is walked against
 * the model and emptied. Any finding aborts. Seeds: test_avl --write-seeds DIR.
 *
 *   make fuzz && build/tests/fuzz/fuzz_avl -max_total_time=600 CORPUS SEEDS
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/avl.h>

#define KEYS 64

struct item {
	int key;
	struct avl_node node;
};

static struct item pool[2][KEYS];
/* The model: the keys in the tree, sorted, and which pool holds each. */
static int sorted[KEYS];
static size_t model_count;
static int owner[KEYS]; /* 0: not in the tree; else 1 + the pool */
static struct avl_tree tree;
static unsigned long key_compares;

static void check(bool ok)
{
	if (!ok)
		abort();
}

static int key_of(const struct avl_node *n)
{
	return avl_entry(n, struct item, node)->key;
}

static int cmp_nodes(const struct avl_node *a, const struct avl_node *b)
{
	return (key_of(a) > key_of(b)) - (key_of(a) < key_of(b));
}

static int cmp_key(const void *key, const struct avl_node *n)
{
	int k = *(const int *)key;

	key_compares++;
	return (k > key_of(n)) - (k < key_of(n));
}

/*
 * The index of the first model key not below key. A binary search, not a
 * scan: this harness runs its model on every operation.
 */
static size_t model_lower(int key)
{
	size_t lo = 0, hi = model_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The node holding sorted[i]; NULL past either end (i = -1 wraps). */
static struct avl_node *model_at(size_t i)
{
	if (i >= model_count)
		return NULL;
	return &pool[owner[sorted[i]] - 1][sorted[i]].node;
}

static void do_insert(int key, int p)
{
	size_t i = model_lower(key);
	struct avl_node *held = owner[key] ? model_at(i) : NULL;

	check(avl_insert(&tree, &pool[p][key].node, cmp_nodes) == held);
	if (held)
		return;
	memmove(&sorted[i + 1], &sorted[i], (model_count - i) * sizeof(int));
	sorted[i] = key;
	model_count++;
	owner[key] = 1 + p;
}

static void do_remove(int key)
{
	size_t i = model_lower(key);

	if (!owner[key])
		return;
	avl_remove(&tree, model_at(i));
	memmove(&sorted[i], &sorted[i + 1],
		(model_count - i - 1) * sizeof(int));
	model_count--;
	owner[key] = 0;
}

static void do_replace(int key)
{
	size_t i = model_lower(key);
	struct avl_node *old = model_at(i);

	if (!owner[key])
		return;
	owner[key] = 3 - owner[key];
	avl_replace(&tree, old, model_at(i));
	check(avl_find(&tree, &key, cmp_key) == model_at(i));
}

static void do_queries(int key)
{
	size_t i = model_lower(key);
	bool in = owner[key] != 0;

	key_compares = 0;
	check(avl_find(&tree, &key, cmp_key) == (in ? model_at(i) : NULL));
	check(key_compares <=
	      (unsigned long)(tree.root ? tree.root->height : 0));
	check(avl_lower_bound(&tree, &key, cmp_key) == model_at(i));
	check(avl_upper_bound(&tree, &key, cmp_key) ==
	      model_at(in ? i + 1 : i));
	check(avl_floor(&tree, &key, cmp_key) == model_at(in ? i : i - 1));
}

static void do_walk(int key)
{
	size_t i = model_lower(key);

	check(avl_first(&tree) == model_at(0));
	check(avl_last(&tree) == model_at(model_count - 1));
	if (!owner[key])
		return;
	check(avl_next(model_at(i)) == model_at(i + 1));
	check(avl_prev(model_at(i)) == model_at(i - 1));
}

static void do_clear(void)
{
	struct avl_node *n, *next;

	for (n = avl_first(&tree); n; n = next) {
		next = avl_next(n);
		do_remove(key_of(n));
		check(avl_check(&tree, cmp_nodes));
	}
	check(tree.root == NULL && tree.count == 0 && model_count == 0);
}

static bool gone[2][KEYS]; /* handed to avl_clear's visitor */

static bool *gone_of(const struct avl_node *n)
{
	const struct item *it = avl_entry(n, struct item, node);

	return &gone[it >= pool[1] && it < pool[1] + KEYS][it->key];
}

static void visit_cleared(struct avl_node *n, void *arg)
{
	check(!*gone_of(n));
	check(!n->left || *gone_of(n->left));
	check(!n->right || *gone_of(n->right));
	*gone_of(n) = true;
	++*(size_t *)arg;
}

static void do_rebuild(void)
{
	struct avl_node *first = NULL, **tail = &first;
	size_t seen = 0;

	memset(gone, 0, sizeof(gone));
	avl_clear(&tree, visit_cleared, &seen);
	check(seen == model_count && tree.root == NULL && tree.count == 0);
	for (size_t i = 0; i < model_count; i++) {
		check(*gone_of(model_at(i)));
		*tail = model_at(i);
		tail = &model_at(i)->right;
	}
	avl_build(&tree, first, model_count);
}

/* The whole tree, in order, against the model. */
static void check_all(void)
{
	struct avl_node *n = avl_first(&tree);

	for (size_t i = 0; i < model_count; i++, n = avl_next(n))
		check(n == model_at(i));
	check(n == NULL);
}

static void run_op(uint8_t op, int key)
{
	switch (op & 7) {
	case 0:
	case 1:
		do_insert(key, (op >> 3) & 1);
		break;
	case 2:
	case 3:
		do_remove(key);
		break;
	case 4:
		do_replace(key);
		break;
	case 5:
		do_queries(key);
		return;
	case 6:
		do_walk(key);
		return;
	default:
		if (op & 8)
			do_rebuild();
		else
			do_clear();
		break;
	}
	/* The queries take the tree const: only the others need checking. */
	check(tree.count == model_count && avl_check(&tree, cmp_nodes));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tree = (struct avl_tree)AVL_TREE_INIT;
	model_count = 0;
	for (int key = 0; key < KEYS; key++) {
		owner[key] = 0;
		pool[0][key].key = key;
		pool[1][key].key = key;
	}
	for (size_t i = 0; i + 1 < size; i += 2)
		run_op(data[i], data[i + 1] % KEYS);
	check_all();
	do_clear();
	return 0;
}
