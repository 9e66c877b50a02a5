// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * avl.c - AVL tree with order statistics (subtree sizes) in an index-based
 * node pool with a free list.  Supports insert/erase of a multiset,
 * rank/select queries, and is used for a sliding-window median filter and
 * a counting-inversions pass.  Results are cross-checked against brute force.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL 8192
#define NIL 0

#define WANT_MEDIANS UINT64_C(0x3cad73877066ca44)
#define WANT_INVERSIONS UINT64_C(0x0000000000202de0)
#define WANT_SELECTS UINT64_C(0x11fb71432ab5bcd3)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    int32_t key;
    int left, right;
    int height;
    int size;
} AvlNode;

static AvlNode pool[POOL];
static int free_head;
static int live_nodes;

static void pool_init(void)
{
    int i;
    memset(pool, 0, sizeof pool);
    for (i = 1; i < POOL - 1; i++)
        pool[i].left = i + 1; /* free list threaded through left */
    pool[POOL - 1].left = NIL;
    free_head = 1;
    live_nodes = 0;
}

static int node_alloc(int32_t key)
{
    int n = free_head;
    if (n == NIL) {
        printf("FAIL pool exhausted\n");
        exit(1);
    }
    free_head = pool[n].left;
    pool[n].key = key;
    pool[n].left = pool[n].right = NIL;
    pool[n].height = 1;
    pool[n].size = 1;
    live_nodes++;
    return n;
}

static void node_free(int n)
{
    pool[n].left = free_head;
    free_head = n;
    live_nodes--;
}

static int h(int n) { return n ? pool[n].height : 0; }
static int sz(int n) { return n ? pool[n].size : 0; }
static int max_int(int a, int b) { return a > b ? a : b; }

static void update(int n)
{
    pool[n].height = 1 + max_int(h(pool[n].left), h(pool[n].right));
    pool[n].size = 1 + sz(pool[n].left) + sz(pool[n].right);
}

static int rot_right(int y)
{
    int x = pool[y].left;
    pool[y].left = pool[x].right;
    pool[x].right = y;
    update(y);
    update(x);
    return x;
}

static int rot_left(int x)
{
    int y = pool[x].right;
    pool[x].right = pool[y].left;
    pool[y].left = x;
    update(x);
    update(y);
    return y;
}

static int balance(int n)
{
    int bf;
    update(n);
    bf = h(pool[n].left) - h(pool[n].right);
    if (bf > 1) {
        if (h(pool[pool[n].left].left) < h(pool[pool[n].left].right))
            pool[n].left = rot_left(pool[n].left);
        return rot_right(n);
    }
    if (bf < -1) {
        if (h(pool[pool[n].right].right) < h(pool[pool[n].right].left))
            pool[n].right = rot_right(pool[n].right);
        return rot_left(n);
    }
    return n;
}

/* duplicates go to the right */
static int avl_insert(int n, int32_t key)
{
    if (n == NIL)
        return node_alloc(key);
    if (key < pool[n].key)
        pool[n].left = avl_insert(pool[n].left, key);
    else
        pool[n].right = avl_insert(pool[n].right, key);
    return balance(n);
}

static int remove_min(int n, int *min_out)
{
    if (pool[n].left == NIL) {
        *min_out = n;
        return pool[n].right;
    }
    pool[n].left = remove_min(pool[n].left, min_out);
    return balance(n);
}

/* erase one occurrence of key; *found set to 1 if erased */
static int avl_erase(int n, int32_t key, int *found)
{
    if (n == NIL)
        return NIL;
    if (key < pool[n].key) {
        pool[n].left = avl_erase(pool[n].left, key, found);
    } else if (key > pool[n].key) {
        pool[n].right = avl_erase(pool[n].right, key, found);
    } else {
        int l = pool[n].left, r = pool[n].right, m;
        *found = 1;
        node_free(n);
        if (r == NIL)
            return l;
        r = remove_min(r, &m);
        pool[m].left = l;
        pool[m].right = r;
        return balance(m);
    }
    return balance(n);
}

/* k-th smallest, 0-based */
static int32_t avl_select(int n, int k)
{
    while (n) {
        int ls = sz(pool[n].left);
        if (k < ls) {
            n = pool[n].left;
        } else if (k == ls) {
            return pool[n].key;
        } else {
            k -= ls + 1;
            n = pool[n].right;
        }
    }
    return INT32_MIN;
}

/* number of keys strictly less than key */
static int avl_rank(int n, int32_t key)
{
    int r = 0;
    while (n) {
        if (key <= pool[n].key) {
            n = pool[n].left;
        } else {
            r += sz(pool[n].left) + 1;
            n = pool[n].right;
        }
    }
    return r;
}

static int avl_valid(int n, int64_t lo, int64_t hi)
{
    int bf;
    if (n == NIL)
        return 1;
    if (pool[n].key < lo || pool[n].key > hi)
        return 0;
    bf = h(pool[n].left) - h(pool[n].right);
    if (bf < -1 || bf > 1)
        return 0;
    if (pool[n].size != 1 + sz(pool[n].left) + sz(pool[n].right))
        return 0;
    return avl_valid(pool[n].left, lo, pool[n].key) &&
           avl_valid(pool[n].right, pool[n].key, hi);
}

/* ---- data ---- */
static uint32_t seed = 1u;

static int32_t next_sample(int i)
{
    /* a noisy sawtooth with occasional spikes; values stay small */
    int32_t base = (i % 200) - 100;
    seed = seed * 214013u + 2531011u;
    base += (int32_t)((seed >> 16) % 41) - 20;
    if (((seed >> 8) & 63) == 0)
        base += 500;
    return base;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int32_t brute_median(const int32_t *v, int lo, int n)
{
    int32_t tmp[128];
    memcpy(tmp, v + lo, (size_t)n * sizeof(int32_t));
    qsort(tmp, (size_t)n, sizeof(int32_t), cmp_int32);
    return tmp[(n - 1) / 2];
}

int main(void)
{
    enum { NS = 6000, WIN = 101 };
    static int32_t samples[NS];
    int root = NIL, i, found;
    uint64_t med_mix = 0, sel_mix = 0;
    int64_t inversions = 0, brute_inv = 0;
    int64_t med_sum = 0;

    pool_init();
    for (i = 0; i < NS; i++)
        samples[i] = next_sample(i);

    /* sliding-window median */
    for (i = 0; i < NS; i++) {
        root = avl_insert(root, samples[i]);
        if (i >= WIN) {
            found = 0;
            root = avl_erase(root, samples[i - WIN], &found);
            if (!found) {
                printf("FAIL erase %d\n", i);
                failures++;
            }
        }
        if (i >= WIN - 1) {
            int32_t m = avl_select(root, (WIN - 1) / 2);
            med_sum += m;
            med_mix = med_mix * 1000003u + (uint32_t)m;
            if (i % 997 == 0 && m != brute_median(samples, i - WIN + 1, WIN)) {
                printf("FAIL median at %d\n", i);
                failures++;
            }
        }
        if (i % 1500 == 0 && !avl_valid(root, INT64_MIN, INT64_MAX)) {
            printf("FAIL avl invariant at %d\n", i);
            failures++;
        }
    }
    printf("window medians: count=%d sum=%lld live=%d height=%d\n", NS - WIN + 1,
           (long long)med_sum, live_nodes, h(root));

    /* drain the tree */
    while (root != NIL) {
        found = 0;
        root = avl_erase(root, pool[root].key, &found);
    }
    if (live_nodes != 0) {
        printf("FAIL leak %d\n", live_nodes);
        failures++;
    }

    /* inversions among the first 3000 samples using rank queries */
    for (i = 0; i < 3000; i++) {
        inversions += i - avl_rank(root, samples[i] + 1); /* earlier elements > samples[i] */
        root = avl_insert(root, samples[i]);
    }
    for (i = 0; i < 1200; i++) {
        int j;
        for (j = i + 1; j < 1200; j++)
            brute_inv += samples[i] > samples[j];
    }
    {
        /* verify the prefix of 1200 by recomputing with a fresh tree */
        int r2 = NIL;
        int64_t inv2 = 0;
        int keep = root;
        root = NIL;
        for (i = 0; i < 1200; i++) {
            inv2 += i - avl_rank(r2, samples[i] + 1);
            r2 = avl_insert(r2, samples[i]);
        }
        if (inv2 != brute_inv) {
            printf("FAIL inversions %lld vs %lld\n", (long long)inv2, (long long)brute_inv);
            failures++;
        }
        while (r2 != NIL) {
            found = 0;
            r2 = avl_erase(r2, pool[r2].key, &found);
        }
        root = keep;
    }
    printf("inversions(3000)=%lld inversions(1200)=%lld\n", (long long)inversions,
           (long long)brute_inv);

    /* order statistics over the full tree of 3000 */
    for (i = 0; i < 3000; i += 37) {
        int32_t v = avl_select(root, i);
        int rk = avl_rank(root, v);
        if (rk > i || avl_select(root, rk) != v) {
            printf("FAIL select/rank %d\n", i);
            failures++;
        }
        sel_mix = (sel_mix << 3) ^ (sel_mix >> 61) ^ (uint32_t)v ^ ((uint64_t)rk << 32);
    }
    printf("min=%d max=%d median=%d\n", (int)avl_select(root, 0), (int)avl_select(root, 2999),
           (int)avl_select(root, 1499));

    check("MEDIANS", med_mix, WANT_MEDIANS);
    check("INVERSIONS", (uint64_t)inversions, WANT_INVERSIONS);
    check("SELECTS", sel_mix, WANT_SELECTS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
