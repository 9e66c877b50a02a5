// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * rbtree.c - Red-black tree (CLRS formulation with a sentinel) storing
 * key/value pairs: insert, delete, lookup, floor/ceiling, in-order walk and
 * full invariant validation (BST order, no red-red edges, equal black
 * heights, parent links).  Driven by a generated stream of mixed operations
 * and cross-checked against a simple direct-address shadow table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SPACE 8192
#define OPS 40000

#define WANT_TRACE UINT64_C(0xd884e6dcf68a18db)
#define WANT_SHAPE UINT64_C(0xd6caeb38deef3c84)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

enum Color { RED, BLACK };

typedef struct Node {
    struct Node *left, *right, *parent;
    uint32_t key;
    uint32_t value;
    enum Color color;
} Node;

typedef struct {
    Node *root;
    Node nil;
    size_t size;
    unsigned long rotations;
} Tree;

static void tree_init(Tree *t)
{
    t->nil.left = t->nil.right = t->nil.parent = &t->nil;
    t->nil.color = BLACK;
    t->nil.key = t->nil.value = 0;
    t->root = &t->nil;
    t->size = 0;
    t->rotations = 0;
}

static void rotate_left(Tree *t, Node *x)
{
    Node *y = x->right;
    x->right = y->left;
    if (y->left != &t->nil)
        y->left->parent = x;
    y->parent = x->parent;
    if (x->parent == &t->nil)
        t->root = y;
    else if (x == x->parent->left)
        x->parent->left = y;
    else
        x->parent->right = y;
    y->left = x;
    x->parent = y;
    t->rotations++;
}

static void rotate_right(Tree *t, Node *x)
{
    Node *y = x->left;
    x->left = y->right;
    if (y->right != &t->nil)
        y->right->parent = x;
    y->parent = x->parent;
    if (x->parent == &t->nil)
        t->root = y;
    else if (x == x->parent->right)
        x->parent->right = y;
    else
        x->parent->left = y;
    y->right = x;
    x->parent = y;
    t->rotations++;
}

static Node *tree_find(const Tree *t, uint32_t key)
{
    Node *n = t->root;
    while (n != &t->nil && n->key != key)
        n = key < n->key ? n->left : n->right;
    return n == &t->nil ? NULL : n;
}

static void insert_fixup(Tree *t, Node *z)
{
    while (z->parent->color == RED) {
        Node *gp = z->parent->parent;
        if (z->parent == gp->left) {
            Node *y = gp->right;
            if (y->color == RED) {
                z->parent->color = BLACK;
                y->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->right) {
                    z = z->parent;
                    rotate_left(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                rotate_right(t, z->parent->parent);
            }
        } else {
            Node *y = gp->left;
            if (y->color == RED) {
                z->parent->color = BLACK;
                y->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->left) {
                    z = z->parent;
                    rotate_right(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                rotate_left(t, z->parent->parent);
            }
        }
    }
    t->root->color = BLACK;
}

/* returns 1 if inserted, 0 if the key existed (value updated) */
static int tree_insert(Tree *t, uint32_t key, uint32_t value)
{
    Node *y = &t->nil, *x = t->root, *z;
    while (x != &t->nil) {
        y = x;
        if (key == x->key) {
            x->value = value;
            return 0;
        }
        x = key < x->key ? x->left : x->right;
    }
    z = malloc(sizeof *z);
    if (!z)
        exit(2);
    z->key = key;
    z->value = value;
    z->parent = y;
    z->left = z->right = &t->nil;
    z->color = RED;
    if (y == &t->nil)
        t->root = z;
    else if (key < y->key)
        y->left = z;
    else
        y->right = z;
    t->size++;
    insert_fixup(t, z);
    return 1;
}

static void transplant(Tree *t, Node *u, Node *v)
{
    if (u->parent == &t->nil)
        t->root = v;
    else if (u == u->parent->left)
        u->parent->left = v;
    else
        u->parent->right = v;
    v->parent = u->parent;
}

static Node *subtree_min(const Tree *t, Node *n)
{
    while (n->left != &t->nil)
        n = n->left;
    return n;
}

static void delete_fixup(Tree *t, Node *x)
{
    while (x != t->root && x->color == BLACK) {
        if (x == x->parent->left) {
            Node *w = x->parent->right;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                rotate_left(t, x->parent);
                w = x->parent->right;
            }
            if (w->left->color == BLACK && w->right->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->right->color == BLACK) {
                    w->left->color = BLACK;
                    w->color = RED;
                    rotate_right(t, w);
                    w = x->parent->right;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->right->color = BLACK;
                rotate_left(t, x->parent);
                x = t->root;
            }
        } else {
            Node *w = x->parent->left;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                rotate_right(t, x->parent);
                w = x->parent->left;
            }
            if (w->right->color == BLACK && w->left->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->left->color == BLACK) {
                    w->right->color = BLACK;
                    w->color = RED;
                    rotate_left(t, w);
                    w = x->parent->left;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->left->color = BLACK;
                rotate_right(t, x->parent);
                x = t->root;
            }
        }
    }
    x->color = BLACK;
}

static int tree_delete(Tree *t, uint32_t key)
{
    Node *z = tree_find(t, key), *y, *x;
    enum Color orig;
    if (!z)
        return 0;
    y = z;
    orig = y->color;
    if (z->left == &t->nil) {
        x = z->right;
        transplant(t, z, z->right);
    } else if (z->right == &t->nil) {
        x = z->left;
        transplant(t, z, z->left);
    } else {
        y = subtree_min(t, z->right);
        orig = y->color;
        x = y->right;
        if (y->parent == z) {
            x->parent = y; /* may write the sentinel's parent: intended */
        } else {
            transplant(t, y, y->right);
            y->right = z->right;
            y->right->parent = y;
        }
        transplant(t, z, y);
        y->left = z->left;
        y->left->parent = y;
        y->color = z->color;
    }
    free(z);
    t->size--;
    if (orig == BLACK)
        delete_fixup(t, x);
    return 1;
}

/* smallest key >= k, or NULL */
static Node *tree_ceiling(const Tree *t, uint32_t k)
{
    Node *n = t->root, *best = NULL;
    while (n != &t->nil) {
        if (n->key >= k) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

/* returns black height, or -1 on violation */
static int validate(const Tree *t, const Node *n, uint32_t lo, uint32_t hi, size_t *count)
{
    int lh, rh;
    if (n == &t->nil)
        return 1;
    if (n->key < lo || n->key > hi)
        return -1;
    if (n->color == RED && (n->left->color == RED || n->right->color == RED))
        return -1;
    if (n->left != &t->nil && n->left->parent != n)
        return -1;
    if (n->right != &t->nil && n->right->parent != n)
        return -1;
    (*count)++;
    lh = validate(t, n->left, lo, n->key == 0 ? 0 : n->key - 1, count);
    rh = validate(t, n->right, n->key + 1, hi, count);
    if (lh < 0 || rh < 0 || lh != rh)
        return -1;
    return lh + (n->color == BLACK);
}

static int height(const Tree *t, const Node *n)
{
    int l, r;
    if (n == &t->nil)
        return 0;
    l = height(t, n->left);
    r = height(t, n->right);
    return 1 + (l > r ? l : r);
}

typedef void (*Visit)(const Node *n, void *ctx);

static void in_order(const Tree *t, const Node *n, Visit fn, void *ctx)
{
    while (n != &t->nil) {
        in_order(t, n->left, fn, ctx);
        fn(n, ctx);
        n = n->right;
    }
}

typedef struct {
    uint64_t hash;
    uint32_t last;
    int sorted;
    size_t seen;
} WalkState;

static void visit_hash(const Node *n, void *ctx)
{
    WalkState *w = ctx;
    if (w->seen && n->key <= w->last)
        w->sorted = 0;
    w->last = n->key;
    w->seen++;
    w->hash = (w->hash ^ n->key) * UINT64_C(0x100000001b3) + n->value;
}

static void tree_free(Tree *t, Node *n)
{
    if (n == &t->nil)
        return;
    tree_free(t, n->left);
    tree_free(t, n->right);
    free(n);
}

int main(void)
{
    static uint32_t shadow[KEY_SPACE]; /* 0 = absent, else value */
    static Tree tree;
    uint32_t state = 7;
    uint64_t trace = 0;
    size_t shadow_count = 0;
    int op, inserts = 0, deletes = 0, hits = 0;

    tree_init(&tree);
    for (op = 0; op < OPS; op++) {
        uint32_t r, key, kind;
        state = state * 1103515245u + 12345u;
        r = state >> 1;
        key = (r >> 4) % KEY_SPACE;
        /* the key space is sparse early and dense later; bias by phase */
        if (op < OPS / 4)
            key &= ~7u;
        kind = r % 10;
        if (kind < 5) {
            uint32_t val = (r ^ (uint32_t)op) | 1u;
            int added = tree_insert(&tree, key, val);
            if (added != (shadow[key] == 0)) {
                printf("FAIL insert status key %u\n", (unsigned)key);
                failures++;
            }
            if (added)
                shadow_count++;
            shadow[key] = val;
            inserts++;
        } else if (kind < 8) {
            int removed = tree_delete(&tree, key);
            if (removed != (shadow[key] != 0)) {
                printf("FAIL delete status key %u\n", (unsigned)key);
                failures++;
            }
            if (removed)
                shadow_count--;
            shadow[key] = 0;
            deletes++;
        } else {
            Node *c = tree_ceiling(&tree, key);
            uint32_t k2 = key;
            while (k2 < KEY_SPACE && shadow[k2] == 0)
                k2++;
            if ((c == NULL) != (k2 == KEY_SPACE) || (c && (c->key != k2 || c->value != shadow[k2]))) {
                printf("FAIL ceiling %u\n", (unsigned)key);
                failures++;
            }
            if (c) {
                hits++;
                trace = trace * 31 + c->key;
            }
        }
        if (op % 4000 == 3999) {
            size_t count = 0;
            int bh = validate(&tree, tree.root, 0, UINT32_MAX, &count);
            printf("op %5d: size=%4lu black-height=%d height=%2d rotations=%lu\n", op + 1,
                   (unsigned long)tree.size, bh, height(&tree, tree.root), tree.rotations);
            if (bh < 0 || count != tree.size || count != shadow_count) {
                printf("FAIL invariants at op %d\n", op + 1);
                failures++;
            }
            trace ^= (uint64_t)bh << 48 ^ (uint64_t)tree.rotations << 20;
        }
    }

    {
        WalkState w = {0, 0, 1, 0};
        in_order(&tree, tree.root, visit_hash, &w);
        printf("final: %lu keys, %d inserts, %d deletes, %d ceiling hits, walk %016llx\n",
               (unsigned long)w.seen, inserts, deletes, hits, (unsigned long long)w.hash);
        if (!w.sorted || w.seen != tree.size) {
            printf("FAIL in-order walk\n");
            failures++;
        }
        check("SHAPE", w.hash ^ ((uint64_t)height(&tree, tree.root) << 56), WANT_SHAPE);
    }
    check("TRACE", trace, WANT_TRACE);

    tree_free(&tree, tree.root);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
