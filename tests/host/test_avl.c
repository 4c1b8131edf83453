/*
 * Host tests of the kernel's AVL tree (kernel/lib/avl.c), built with ASan
 * and UBSan: hand-made small trees for each operation (the four rotation
 * cases, every kind of removal, the bounds between and beyond the keys,
 * duplicates, replace, removal during a walk, the interval keys of the
 * header's example); a million nodes inserted and removed in random and in
 * sorted order, within the AVL height bound; and a differential run of a
 * million random operations against a sorted array, with avl_check along
 * the way.
 *
 *   build/tests/host/test_avl
 *   build/tests/host/test_avl --write-seeds DIR
 *
 * The second form writes seeds for tests/fuzz/fuzz_avl.c (its input format
 * is described there) instead of testing.
 */
#include <stdint.h>
#include <stdio.h>

#include <kernel/avl.h>

#include "testlib.h"

#define BIG 1000000 /* nodes in the big trees */

struct item {
	int key;
	struct avl_node node;
};

static unsigned long key_compares;

static int key_of(const struct avl_node *n)
{
	return n ? avl_entry(n, struct item, node)->key : -1;
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

static struct avl_node *find(struct avl_tree *t, int key)
{
	return avl_find(t, &key, cmp_key);
}

static int lower(struct avl_tree *t, int key)
{
	return key_of(avl_lower_bound(t, &key, cmp_key));
}

static int upper(struct avl_tree *t, int key)
{
	return key_of(avl_upper_bound(t, &key, cmp_key));
}

static int floor_of(struct avl_tree *t, int key)
{
	return key_of(avl_floor(t, &key, cmp_key));
}

/* Insert items[i] for each key given, which must all be new. */
static void build(struct avl_tree *t, struct item *items, const int *keys,
		  size_t n)
{
	*t = (struct avl_tree)AVL_TREE_INIT;
	for (size_t i = 0; i < n; i++) {
		items[i].key = keys[i];
		CHECK(avl_insert(t, &items[i].node, cmp_nodes) == NULL);
		CHECK(avl_check(t, cmp_nodes));
	}
	CHECK_EQ(t->count, n);
}

/* The tree holds exactly keys[0..n), sorted, forwards and backwards. */
static void expect_keys(struct avl_tree *t, const int *keys, size_t n)
{
	struct avl_node *p = avl_first(t);

	CHECK(avl_check(t, cmp_nodes));
	CHECK_EQ(t->count, n);
	for (size_t i = 0; i < n; i++, p = avl_next(p))
		CHECK_EQ(key_of(p), keys[i]);
	CHECK(p == NULL);
	p = avl_last(t);
	for (size_t i = n; i-- > 0; p = avl_prev(p))
		CHECK_EQ(key_of(p), keys[i]);
	CHECK(p == NULL);
}

static int height_of(const struct avl_node *n)
{
	return n ? n->height : 0;
}

/*
 * The tallest an AVL tree of count nodes can be: the fewest nodes a tree
 * of height h holds are N(h) = N(h - 1) + N(h - 2) + 1, N(0) = 0, N(1) = 1.
 */
static int max_height(size_t count)
{
	size_t below = 0, at = 1; /* N(h - 1), N(h) */
	int h = 1;

	if (count == 0)
		return 0;
	while (below + at + 1 <= count) {
		size_t next = below + at + 1;

		below = at;
		at = next;
		h++;
	}
	return h;
}

static void height_bound(void)
{
	CHECK_EQ(max_height(0), 0);
	CHECK_EQ(max_height(1), 1);
	CHECK_EQ(max_height(3), 2);
	CHECK_EQ(max_height(4), 3);
	CHECK_EQ(max_height(BIG), 28); /* 1.44 log2(10^6) = 28.7 */
}

static void empty_tree(void)
{
	struct avl_tree t = AVL_TREE_INIT;

	CHECK(avl_empty(&t));
	CHECK(avl_check(&t, cmp_nodes));
	CHECK(avl_first(&t) == NULL && avl_last(&t) == NULL);
	CHECK(find(&t, 1) == NULL);
	CHECK_EQ(lower(&t, 1), -1);
	CHECK_EQ(upper(&t, 1), -1);
	CHECK_EQ(floor_of(&t, 1), -1);
}

static void one_node(void)
{
	struct avl_tree t;
	struct item it;
	const int keys[] = {5};

	build(&t, &it, keys, 1);
	CHECK(!avl_empty(&t));
	CHECK(t.root == &it.node && it.node.height == 1);
	CHECK(avl_first(&t) == &it.node && avl_last(&t) == &it.node);
	CHECK(avl_next(&it.node) == NULL && avl_prev(&it.node) == NULL);
	CHECK(find(&t, 5) == &it.node && find(&t, 4) == NULL);
	avl_remove(&t, &it.node);
	CHECK(avl_empty(&t) && t.count == 0);
	CHECK(avl_check(&t, cmp_nodes));
}

/* Each insertion order of 1, 2, 3 ends as the tree 2(1, 3). */
static void rotation(const int *order)
{
	struct avl_tree t;
	struct item items[3];
	const int sorted[] = {1, 2, 3};

	build(&t, items, order, 3);
	CHECK_EQ(key_of(t.root), 2);
	CHECK_EQ(t.root->height, 2);
	CHECK_EQ(key_of(t.root->left), 1);
	CHECK_EQ(key_of(t.root->right), 3);
	CHECK(t.root->parent == NULL);
	expect_keys(&t, sorted, 3);
}

/* 1..15 in order: a perfect tree of height 4 rooted at 8. */
static void sorted_inserts(void)
{
	struct avl_tree t;
	struct item items[15];
	int keys[15];

	for (int i = 0; i < 15; i++)
		keys[i] = i + 1;
	build(&t, items, keys, 15);
	CHECK_EQ(key_of(t.root), 8);
	CHECK_EQ(t.root->height, 4);
	for (int i = 0; i < 15; i++)
		CHECK_EQ(items[i].node.height, __builtin_ctz(i + 1) + 1);
	expect_keys(&t, keys, 15);
}

/* Keys 10..50 by 10: every query at, between and beyond them. */
static void bounds(void)
{
	static const int keys[] = {30, 10, 50, 20, 40};
	static const struct {
		int key, find, lower, upper, floor;
	} cases[] = {
		{5, -1, 10, 10, -1},  {10, 10, 10, 20, 10},
		{15, -1, 20, 20, 10}, {20, 20, 20, 30, 20},
		{25, -1, 30, 30, 20}, {30, 30, 30, 40, 30},
		{45, -1, 50, 50, 40}, {50, 50, 50, -1, 50},
		{55, -1, -1, -1, 50}, {-5, -1, 10, 10, -1},
	};
	struct avl_tree t;
	struct item items[5];

	build(&t, items, keys, 5);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(key_of(find(&t, cases[i].key)), cases[i].find);
		CHECK_EQ(lower(&t, cases[i].key), cases[i].lower);
		CHECK_EQ(upper(&t, cases[i].key), cases[i].upper);
		CHECK_EQ(floor_of(&t, cases[i].key), cases[i].floor);
	}
	CHECK_EQ(key_of(avl_first(&t)), 10);
	CHECK_EQ(key_of(avl_last(&t)), 50);
}

/* Remove key from the tree of keys[0..*n), sorted; check what is left. */
static void remove_one(struct avl_tree *t, int *keys, size_t *n, int key)
{
	size_t i = 0;

	while (i < *n && keys[i] != key)
		i++;
	CHECK(i < *n);
	avl_remove(t, find(t, key));
	memmove(&keys[i], &keys[i + 1], (*n - i - 1) * sizeof(*keys));
	(*n)--;
	CHECK(find(t, key) == NULL);
	expect_keys(t, keys, *n);
}

/*
 * From the perfect tree of 1..15: the root (its successor 9 is two levels
 * down), a node whose successor is its right child (14), a leaf (1), a
 * node with one child (2), then 12's left subtree (10, 11), which forces a
 * double rotation at 12 (its right child 15 leans left), then the rest.
 */
static void removals(void)
{
	struct avl_tree t;
	struct item items[15];
	int keys[15];
	size_t n = 15;

	for (int i = 0; i < 15; i++)
		keys[i] = i + 1;
	build(&t, items, keys, 15);
	remove_one(&t, keys, &n, 8);
	CHECK_EQ(key_of(t.root), 9);
	remove_one(&t, keys, &n, 14);
	CHECK_EQ(key_of(t.root->right->right), 15);
	remove_one(&t, keys, &n, 1);
	remove_one(&t, keys, &n, 2);
	CHECK_EQ(key_of(t.root->left->left), 3);
	remove_one(&t, keys, &n, 10);
	remove_one(&t, keys, &n, 11);
	CHECK_EQ(key_of(t.root->right), 13);
	remove_one(&t, keys, &n, 9);
	while (n > 0)
		remove_one(&t, keys, &n, keys[n / 2]);
	CHECK(avl_empty(&t));
}

static void duplicate(void)
{
	struct avl_tree t;
	struct item items[3], dup, copy;
	const int keys[] = {1, 2, 3};

	build(&t, items, keys, 3);
	for (int k = 1; k <= 3; k++) {
		memset(&dup, 0xa5, sizeof(dup));
		dup.key = k;
		memcpy(&copy, &dup, sizeof(dup)); /* padding too */
		CHECK(avl_insert(&t, &dup.node, cmp_nodes) ==
		      &items[k - 1].node);
		CHECK(memcmp(&dup, &copy, sizeof(dup)) == 0);
		expect_keys(&t, keys, 3);
	}
}

/* Replace the root, an inner node and a leaf of 1..7, then replace back. */
static void replace(void)
{
	struct avl_tree t;
	struct item items[7], spare[7];
	int keys[7];

	for (int i = 0; i < 7; i++)
		keys[i] = i + 1;
	build(&t, items, keys, 7);
	for (int k = 4; k >= 1; k /= 2) { /* 4 is the root, 1 a leaf */
		spare[k - 1].key = k;
		avl_replace(&t, &items[k - 1].node, &spare[k - 1].node);
		CHECK(find(&t, k) == &spare[k - 1].node);
		expect_keys(&t, keys, 7);
	}
	CHECK(t.root == &spare[3].node);
	for (int k = 1; k <= 4; k *= 2) {
		avl_replace(&t, &spare[k - 1].node, &items[k - 1].node);
		CHECK(find(&t, k) == &items[k - 1].node);
		expect_keys(&t, keys, 7);
	}
}

/* Removing the node a walk stands on, after taking its successor. */
static void remove_while_walking(void)
{
	struct avl_tree t;
	struct item items[100];
	int keys[100], odd[50];
	struct avl_node *n, *next;

	for (int i = 0; i < 100; i++)
		keys[i] = i;
	for (int i = 0; i < 50; i++)
		odd[i] = 2 * i + 1;
	build(&t, items, keys, 100);
	for (n = avl_first(&t); n; n = next) {
		next = avl_next(n);
		if (key_of(n) % 2 == 0)
			avl_remove(&t, n);
	}
	expect_keys(&t, odd, 50);
}

/* avl_check finds each kind of damage to a tree of 1..7. */
static void check_catches(int damage)
{
	struct avl_tree t;
	struct item items[7], chain[3];
	int keys[7];

	for (int i = 0; i < 7; i++)
		keys[i] = i + 1;
	build(&t, items, keys, 7);
	switch (damage) {
	case 0: /* a wrong height */
		items[5].node.height++;
		break;
	case 1: /* a wrong parent */
		items[0].node.parent = &items[5].node;
		break;
	case 2: /* out of order */
		items[0].key = 3;
		break;
	case 3: /* a wrong count */
		t.count--;
		break;
	case 4: /* a child pointing back up, to the root */
		items[6].node.left = t.root;
		break;
	default: /* heights right but out of balance: the chain 1, 2, 3 */
		for (int i = 0; i < 3; i++) {
			chain[i] = (struct item){.key = i + 1};
			chain[i].node.height = 3 - i;
			chain[i].node.parent = i ? &chain[i - 1].node : NULL;
			chain[i].node.right = i < 2 ? &chain[i + 1].node : NULL;
		}
		t = (struct avl_tree){.root = &chain[0].node, .count = 3};
		break;
	}
	CHECK(!avl_check(&t, cmp_nodes));
}

/*
 * The header's example: disjoint [start, end) regions keyed by address,
 * "inside" being equal. Also splits one and merges two back, as the
 * memory map will: moving an end keeps a region's place in the order.
 */
struct region {
	uintptr_t start, end;
	struct avl_node node;
};

static int region_cmp(const struct avl_node *a, const struct avl_node *b)
{
	uintptr_t x = avl_entry(a, struct region, node)->start;
	uintptr_t y = avl_entry(b, struct region, node)->start;

	return (x > y) - (x < y);
}

static int region_key(const void *key, const struct avl_node *n)
{
	uintptr_t addr = *(const uintptr_t *)key;
	const struct region *r = avl_entry(n, struct region, node);

	return addr < r->start ? -1 : addr >= r->end;
}

static uintptr_t region_at(struct avl_node *(*query)(const struct avl_tree *,
						     const void *, avl_key_fn),
			   struct avl_tree *t, uintptr_t addr)
{
	struct avl_node *n = query(t, &addr, region_key);

	return n ? avl_entry(n, struct region, node)->start : 0;
}

static void regions(void)
{
	struct region r[4] = {{.start = 0x1000, .end = 0x2000},
			      {.start = 0x3000, .end = 0x4000},
			      {.start = 0x5000, .end = 0x6000}};
	struct avl_tree t = AVL_TREE_INIT;

	for (int i = 0; i < 3; i++)
		CHECK(avl_insert(&t, &r[i].node, region_cmp) == NULL);
	CHECK_EQ(region_at(avl_find, &t, 0x1fff), 0x1000);
	CHECK_EQ(region_at(avl_find, &t, 0x2000), 0);
	CHECK_EQ(region_at(avl_lower_bound, &t, 0x2000), 0x3000);
	CHECK_EQ(region_at(avl_lower_bound, &t, 0x3800), 0x3000);
	CHECK_EQ(region_at(avl_lower_bound, &t, 0x6000), 0);
	CHECK_EQ(region_at(avl_floor, &t, 0x2800), 0x1000);
	CHECK_EQ(region_at(avl_floor, &t, 0xfff), 0);
	CHECK_EQ(region_at(avl_upper_bound, &t, 0x3000), 0x5000);
	/* Split [0x3000, 0x4000) at 0x3800, then merge it back. */
	r[3] = (struct region){.start = 0x3800, .end = r[1].end};
	r[1].end = 0x3800;
	CHECK(avl_insert(&t, &r[3].node, region_cmp) == NULL);
	CHECK_EQ(region_at(avl_find, &t, 0x37ff), 0x3000);
	CHECK_EQ(region_at(avl_find, &t, 0x3800), 0x3800);
	CHECK(avl_next(&r[1].node) == &r[3].node);
	avl_remove(&t, &r[3].node);
	r[1].end = r[3].end;
	CHECK_EQ(region_at(avl_find, &t, 0x3fff), 0x3000);
	CHECK(avl_check(&t, region_cmp) && t.count == 3);
}

/* A random order of 0..n-1 (Fisher-Yates). */
static void shuffle(int *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = test_below(i);
		int tmp = a[i - 1];

		a[i - 1] = a[j];
		a[j] = tmp;
	}
}

/* Every key found, in no more comparisons than the tree is tall. */
static void check_big(struct avl_tree *t, const int *keys, size_t n)
{
	CHECK(avl_check(t, cmp_nodes));
	CHECK(height_of(t->root) <= max_height(n));
	for (size_t i = 0; i < n; i += 7) {
		key_compares = 0;
		CHECK_EQ(key_of(find(t, keys[i])), keys[i]);
		CHECK(key_compares <= (unsigned long)t->root->height);
	}
}

static struct item big_items[BIG];
static int big_keys[BIG], big_gone[BIG];

/*
 * A million nodes inserted in the order of big_keys, walked and checked,
 * then removed in the order of big_gone, checked every 100000.
 */
static void big(bool random)
{
	struct avl_tree t = AVL_TREE_INIT;
	struct avl_node *n;

	test_rng = 0xa71;
	for (int i = 0; i < BIG; i++)
		big_keys[i] = big_gone[i] = i;
	if (random) {
		shuffle(big_keys, BIG);
		shuffle(big_gone, BIG);
	}
	for (int i = 0; i < BIG; i++) {
		struct item *it = &big_items[big_keys[i]];

		it->key = big_keys[i];
		CHECK(avl_insert(&t, &it->node, cmp_nodes) == NULL);
	}
	check_big(&t, big_keys, BIG);
	n = avl_first(&t);
	for (int i = 0; i < BIG; i++, n = avl_next(n))
		CHECK_EQ(key_of(n), i);
	CHECK(n == NULL);
	for (int i = 0; i < BIG; i++) {
		avl_remove(&t, &big_items[big_gone[i]].node);
		if ((i + 1) % 100000 == 0 && i + 1 < BIG)
			check_big(&t, big_gone + i + 1, BIG - i - 1);
	}
	CHECK(avl_empty(&t) && t.count == 0);
}

/*
 * The differential run: DIFF_KEYS keys, each with a node in two pools. The
 * model is the sorted array of the keys in the tree and, for each key,
 * which pool's node holds it. Phases of DIFF_PHASE operations alternately
 * grow the tree (to about 80% of the keys) and shrink it (to empty).
 */
#define DIFF_KEYS 8192
#define DIFF_OPS 1000000
#define DIFF_PHASE 100000

static struct item diff_pool[2][DIFF_KEYS];
static int model[DIFF_KEYS]; /* the keys in the tree, sorted */
static size_t model_n;
static int holder[DIFF_KEYS]; /* 0: not in the tree; else 1 + the pool */
static struct avl_tree diff_tree;

/* The index of the first key in the model not below key. */
static size_t model_lower(int key)
{
	size_t lo = 0, hi = model_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (model[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The node holding model[i]; NULL past either end (i = -1 wraps). */
static struct avl_node *model_at(size_t i)
{
	if (i >= model_n)
		return NULL;
	return &diff_pool[holder[model[i]] - 1][model[i]].node;
}

static void diff_insert(int key, int p)
{
	size_t i = model_lower(key);
	struct avl_node *held = holder[key] ? model_at(i) : NULL;

	CHECK(avl_insert(&diff_tree, &diff_pool[p][key].node, cmp_nodes) ==
	      held);
	if (held)
		return;
	memmove(&model[i + 1], &model[i], (model_n - i) * sizeof(*model));
	model[i] = key;
	model_n++;
	holder[key] = 1 + p;
}

static void diff_remove(size_t i)
{
	int key = model[i];

	avl_remove(&diff_tree, model_at(i));
	memmove(&model[i], &model[i + 1], (model_n - i - 1) * sizeof(*model));
	model_n--;
	holder[key] = 0;
}

static void diff_replace(size_t i)
{
	struct avl_node *old = model_at(i);

	holder[model[i]] = 3 - holder[model[i]];
	avl_replace(&diff_tree, old, model_at(i));
}

/* Queries at any key from -1 to DIFF_KEYS: in, between or beyond. */
static void diff_query(int key)
{
	size_t i = model_lower(key);
	bool in = i < model_n && model[i] == key;

	CHECK(find(&diff_tree, key) == (in ? model_at(i) : NULL));
	CHECK(avl_lower_bound(&diff_tree, &key, cmp_key) == model_at(i));
	CHECK(avl_upper_bound(&diff_tree, &key, cmp_key) ==
	      model_at(in ? i + 1 : i));
	CHECK(avl_floor(&diff_tree, &key, cmp_key) == model_at(in ? i : i - 1));
}

static void diff_walk(size_t i)
{
	CHECK(avl_next(model_at(i)) == model_at(i + 1));
	CHECK(avl_prev(model_at(i)) == model_at(i - 1));
	CHECK(avl_first(&diff_tree) == model_at(0));
	CHECK(avl_last(&diff_tree) == model_at(model_n - 1));
}

/* One random operation; grow favours inserts, else removals. */
static void diff_step(bool grow)
{
	unsigned int r = test_below(100);
	unsigned int ins = grow ? 55 : 10, rem = grow ? 10 : 55;

	if (r < ins)
		diff_insert(test_below(DIFF_KEYS), test_below(2));
	else if (r < ins + rem && model_n)
		diff_remove(test_below(model_n));
	else if (r < ins + rem + 5 && model_n)
		diff_replace(test_below(model_n));
	else if (r < ins + rem + 25)
		diff_query((int)test_below(DIFF_KEYS + 2) - 1);
	else if (model_n)
		diff_walk(test_below(model_n));
	CHECK_EQ(diff_tree.count, model_n);
}

static void diff_check_all(void)
{
	struct avl_node *n = avl_first(&diff_tree);

	CHECK(avl_check(&diff_tree, cmp_nodes));
	for (size_t i = 0; i < model_n; i++, n = avl_next(n))
		CHECK(n == model_at(i));
	CHECK(n == NULL);
	CHECK(height_of(diff_tree.root) <= max_height(model_n));
}

static void differential(void)
{
	size_t largest = 0, emptied = 0;
	long empty_phase = -1; /* the last phase that emptied the tree */

	test_rng = 0xd1ff;
	diff_tree = (struct avl_tree)AVL_TREE_INIT;
	model_n = 0;
	for (int key = 0; key < DIFF_KEYS; key++) {
		diff_pool[0][key].key = diff_pool[1][key].key = key;
		holder[key] = 0;
	}
	for (long op = 0; op < DIFF_OPS; op++) {
		long phase = op / DIFF_PHASE;

		diff_step(phase % 2 == 0);
		if (op % 4096 == 0)
			diff_check_all();
		largest = MAX(largest, model_n);
		if (model_n == 0 && phase % 2 && phase != empty_phase) {
			empty_phase = phase;
			emptied++;
		}
	}
	diff_check_all();
	/* Each phase did its job: a large tree, then an empty one. */
	CHECK(largest > DIFF_KEYS * 3 / 4);
	CHECK_EQ(emptied, DIFF_OPS / DIFF_PHASE / 2);
}

/* ---------------------------------------------------- fuzzer seeds */

/* The operations of tests/fuzz/fuzz_avl.c, two bytes each: [op][key]. */
enum {
	OP_INSERT = 0,
	OP_REMOVE = 2,
	OP_REPLACE = 4,
	OP_QUERY = 5,
	OP_WALK = 6,
	OP_CLEAR = 7,
	OP_POOL_B = 8
};

static uint8_t seed[4096];
static size_t seed_len;

static void put(int op, int key)
{
	CHECK(seed_len + 2 <= sizeof(seed));
	seed[seed_len++] = (uint8_t)op;
	seed[seed_len++] = (uint8_t)key;
}

static void write_seed(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK_EQ(fwrite(seed, 1, seed_len, f), seed_len);
	CHECK_EQ(fclose(f), 0);
	seed_len = 0;
}

/* Each fills 64 keys (fuzz_avl's), then takes them apart differently. */
static void write_seeds(const char *dir)
{
	int perm[64];

	for (int k = 0; k < 64; k++) {
		put(OP_INSERT, k);
		perm[k] = k;
	}
	for (int k = 0; k < 64; k++) {
		put(OP_QUERY, k);
		put(k % 2 ? OP_REPLACE : OP_REMOVE, k);
	}
	put(OP_CLEAR, 0);
	write_seed(dir, "ascending");
	test_rng = 0x5eed;
	shuffle(perm, 64);
	for (int k = 63; k >= 0; k--)
		put(OP_INSERT | OP_POOL_B, k);
	put(OP_CLEAR | OP_POOL_B, 0); /* a rebuild: avl_clear, avl_build */
	for (int k = 0; k < 64; k++) {
		put(OP_INSERT, perm[63 - k]);
		put(OP_WALK, perm[k]);
		put(OP_REMOVE, perm[k]);
	}
	write_seed(dir, "descending");
	while (seed_len < 512)
		put((int)test_below(256), (int)test_below(256));
	write_seed(dir, "random");
}

/* avl_clear's visitor: every child must have gone before its parent. */
static void clear_one(struct avl_node *n, void *arg)
{
	size_t *seen = arg;
	struct item *it = avl_entry(n, struct item, node);

	CHECK(it->key >= 0);
	CHECK(!n->left || avl_entry(n->left, struct item, node)->key < 0);
	CHECK(!n->right || avl_entry(n->right, struct item, node)->key < 0);
	it->key = -1 - it->key; /* gone */
	++*seen;
}

/* avl_build of n chained nodes gives a checked tree in order, which then
 * takes inserts and removals; avl_clear visits each node once, children
 * first, and leaves the tree empty. */
static void build_and_clear(size_t n)
{
	static struct item items[100003];
	struct avl_tree t = AVL_TREE_INIT;
	struct avl_node *first = NULL;
	size_t seen = 0, i = 0;

	CHECK(n + 3 <= sizeof(items) / sizeof(items[0]));
	for (size_t k = n; k-- > 0;) { /* keys 0, 2, 4, ... chained in order */
		items[k].key = (int)(2 * k);
		items[k].node.right = first;
		first = &items[k].node;
	}
	avl_build(&t, first, n);
	CHECK(avl_check(&t, cmp_nodes));
	CHECK_EQ(t.count, n);
	for (struct avl_node *x = avl_first(&t); x; x = avl_next(x), i++)
		CHECK_EQ(key_of(x), (int)(2 * i));
	CHECK_EQ(i, n);
	for (size_t k = 0; k < 3; k++) { /* odd keys go between: still AVL */
		size_t pos = n >= 3 ? k * n / 3 : n + k;

		items[n + k].key = (int)(2 * pos + 1);
		CHECK(avl_insert(&t, &items[n + k].node, cmp_nodes) == NULL);
		CHECK(avl_check(&t, cmp_nodes));
	}
	if (n) {
		avl_remove(&t, &items[n / 2].node);
		CHECK(avl_check(&t, cmp_nodes));
		items[n / 2].key = -1; /* out: not cleared */
	}
	avl_clear(&t, clear_one, &seen);
	CHECK(avl_empty(&t));
	CHECK_EQ(t.count, 0);
	CHECK_EQ(seen, n + 3 - (n ? 1 : 0));
}

static void builds(void)
{
	for (size_t n = 0; n < 300; n++)
		build_and_clear(n);
	build_and_clear(100000);
}

int main(int argc, char **argv)
{
	static const int orders[4][3] = {
		{1, 2, 3}, {3, 2, 1}, {1, 3, 2}, {3, 1, 2}};

	if (argc > 2 && strcmp(argv[1], "--write-seeds") == 0) {
		RUN(write_seeds(argv[2]), "avl: fuzz seeds written");
		TEST_EXIT();
	}
	RUN(height_bound(), "avl: the height bound");
	RUN(empty_tree(), "avl: empty tree");
	RUN(one_node(), "avl: one node");
	for (volatile int i = 0; i < 4; i++) /* volatile: setjmp */
		RUN(rotation(orders[i]), "avl: insert %d %d %d balances",
		    orders[i][0], orders[i][1], orders[i][2]);
	RUN(sorted_inserts(), "avl: 1..15 in order make a perfect tree");
	RUN(bounds(), "avl: find and bounds at, between and beyond keys");
	RUN(removals(), "avl: removal of roots, inner nodes and leaves");
	RUN(duplicate(), "avl: a duplicate insert returns the node in");
	RUN(replace(), "avl: replace root, inner node and leaf");
	RUN(remove_while_walking(), "avl: removal during an in-order walk");
	RUN(builds(), "avl: built from a sorted chain, cleared children first");
	for (volatile int i = 0; i < 6; i++) /* volatile: setjmp */
		RUN(check_catches(i), "avl: avl_check catches damage %d", i);
	RUN(regions(), "avl: address regions: find, bounds, split, merge");
	RUN(big(false), "avl: 10^6 nodes inserted and removed in order");
	RUN(big(true), "avl: 10^6 nodes inserted and removed at random");
	RUN(differential(), "avl: 10^6 random operations against a model");
	TEST_EXIT();
}
