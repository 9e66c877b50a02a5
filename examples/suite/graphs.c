// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * graphs.c - Graph algorithms on generated graphs in CSR (compressed sparse
 * row) form: BFS, Dijkstra with a binary heap (cross-checked against
 * Bellman-Ford), Kahn's and DFS-based topological sorts of a DAG (validated
 * and compared by longest-path), Kruskal's MST with union-find (compared
 * with Prim's) and connected components.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define MAXV 3000
#define MAXE 24000
#define INF UINT32_MAX

#define WANT_BFS UINT64_C(0xbac34c74d410f340)
#define WANT_DIJKSTRA UINT64_C(0xc51cc74637125c05)
#define WANT_TOPO UINT64_C(0xc9b3057eae23af31)
#define WANT_MST UINT64_C(0x00000077e4930078)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static uint32_t rng = 20240601u;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % n;
}

typedef struct {
    uint32_t u, v, w;
} Edge;

typedef struct {
    int nv, ne;
    int offset[MAXV + 1];
    int target[MAXE];
    uint32_t weight[MAXE];
} Csr;

static int edge_cmp_src(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->w > y->w) - (x->w < y->w);
}

static void build_csr(Csr *g, int nv, Edge *edges, int ne)
{
    int i;
    qsort(edges, (size_t)ne, sizeof(Edge), edge_cmp_src);
    g->nv = nv;
    g->ne = ne;
    memset(g->offset, 0, sizeof g->offset);
    for (i = 0; i < ne; i++)
        g->offset[edges[i].u + 1]++;
    for (i = 0; i < nv; i++)
        g->offset[i + 1] += g->offset[i];
    for (i = 0; i < ne; i++) {
        g->target[i] = (int)edges[i].v;
        g->weight[i] = edges[i].w;
    }
}

/* ---- BFS ---- */
static int bfs(const Csr *g, int src, int *dist)
{
    static int queue[MAXV];
    int head = 0, tail = 0, reached = 0;
    memset(dist, 0xff, (size_t)g->nv * sizeof(int)); /* all -1: unvisited */
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        int u = queue[head++], e;
        reached++;
        for (e = g->offset[u]; e < g->offset[u + 1]; e++) {
            int v = g->target[e];
            if (dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
        }
    }
    return reached;
}

/* ---- Dijkstra with an indexed binary heap ---- */
typedef struct {
    int heap[MAXV];
    int pos[MAXV]; /* -1 if not in heap */
    int size;
    const uint32_t *key;
} PQ;

static void pq_swap(PQ *q, int i, int j)
{
    int a = q->heap[i], b = q->heap[j];
    q->heap[i] = b; q->heap[j] = a;
    q->pos[b] = i; q->pos[a] = j;
}

static void pq_up(PQ *q, int i)
{
    while (i > 0 && q->key[q->heap[(i - 1) / 2]] > q->key[q->heap[i]]) {
        pq_swap(q, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void pq_down(PQ *q, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->size && q->key[q->heap[l]] < q->key[q->heap[m]])
            m = l;
        if (r < q->size && q->key[q->heap[r]] < q->key[q->heap[m]])
            m = r;
        if (m == i)
            return;
        pq_swap(q, i, m);
        i = m;
    }
}

static void pq_push_or_decrease(PQ *q, int v)
{
    if (q->pos[v] < 0) {
        q->heap[q->size] = v;
        q->pos[v] = q->size++;
    }
    pq_up(q, q->pos[v]);
}

static int pq_pop(PQ *q)
{
    int top = q->heap[0];
    pq_swap(q, 0, --q->size);
    q->pos[top] = -1;
    pq_down(q, 0);
    return top;
}

static void dijkstra(const Csr *g, int src, uint32_t *dist)
{
    static PQ q;
    int i;
    for (i = 0; i < g->nv; i++)
        dist[i] = INF;
    memset(q.pos, 0xff, sizeof q.pos); /* all -1: not queued */
    q.size = 0;
    q.key = dist;
    dist[src] = 0;
    pq_push_or_decrease(&q, src);
    while (q.size > 0) {
        int u = pq_pop(&q), e;
        for (e = g->offset[u]; e < g->offset[u + 1]; e++) {
            int v = g->target[e];
            uint32_t nd = dist[u] + g->weight[e];
            if (nd < dist[v]) {
                dist[v] = nd;
                pq_push_or_decrease(&q, v);
            }
        }
    }
}

static void bellman_ford(const Edge *edges, int ne, int nv, int src, uint32_t *dist)
{
    int i, round, changed = 1;
    for (i = 0; i < nv; i++)
        dist[i] = INF;
    dist[src] = 0;
    for (round = 0; round < nv - 1 && changed; round++) {
        changed = 0;
        for (i = 0; i < ne; i++) {
            const Edge *e = &edges[i];
            if (dist[e->u] != INF && dist[e->u] + e->w < dist[e->v]) {
                dist[e->v] = dist[e->u] + e->w;
                changed = 1;
            }
        }
    }
}

/* ---- topological sorts ---- */
static int kahn(const Csr *g, int *order)
{
    static int indeg[MAXV];
    int i, head = 0, tail = 0;
    memset(indeg, 0, sizeof indeg);
    for (i = 0; i < g->ne; i++)
        indeg[g->target[i]]++;
    for (i = 0; i < g->nv; i++)
        if (indeg[i] == 0)
            order[tail++] = i;
    while (head < tail) {
        int u = order[head++], e;
        for (e = g->offset[u]; e < g->offset[u + 1]; e++)
            if (--indeg[g->target[e]] == 0)
                order[tail++] = g->target[e];
    }
    return tail; /* == nv iff acyclic */
}

/* iterative DFS post-order, reversed */
static int dfs_topo(const Csr *g, int *order)
{
    static int state[MAXV], stack[MAXV], edge_it[MAXV];
    int n = g->nv, out = n, s;
    memset(state, 0, sizeof state);
    for (s = 0; s < n; s++) {
        int sp = 0;
        if (state[s])
            continue;
        stack[sp++] = s;
        state[s] = 1;
        edge_it[s] = g->offset[s];
        while (sp > 0) {
            int u = stack[sp - 1];
            if (edge_it[u] < g->offset[u + 1]) {
                int v = g->target[edge_it[u]++];
                if (state[v] == 1)
                    return -1; /* back edge: cycle */
                if (state[v] == 0) {
                    state[v] = 1;
                    edge_it[v] = g->offset[v];
                    stack[sp++] = v;
                }
            } else {
                state[u] = 2;
                order[--out] = u;
                sp--;
            }
        }
    }
    return n;
}

static int valid_topo(const Csr *g, const int *order)
{
    static int where[MAXV];
    int i, e;
    for (i = 0; i < g->nv; i++)
        where[order[i]] = i;
    for (i = 0; i < g->nv; i++)
        for (e = g->offset[i]; e < g->offset[i + 1]; e++)
            if (where[i] >= where[g->target[e]])
                return 0;
    return 1;
}

static uint64_t longest_path(const Csr *g, const int *order)
{
    static uint64_t best[MAXV];
    uint64_t overall = 0;
    int i, e;
    memset(best, 0, sizeof best);
    for (i = 0; i < g->nv; i++) {
        int u = order[i];
        for (e = g->offset[u]; e < g->offset[u + 1]; e++) {
            int v = g->target[e];
            if (best[u] + g->weight[e] > best[v])
                best[v] = best[u] + g->weight[e];
        }
        if (best[u] > overall)
            overall = best[u];
    }
    return overall;
}

/* ---- union-find, Kruskal, Prim ---- */
typedef struct {
    int parent[MAXV];
    unsigned char rank[MAXV];
    int sets;
} DSU;

static void dsu_init(DSU *d, int n)
{
    int i;
    for (i = 0; i < n; i++)
        d->parent[i] = i;
    memset(d->rank, 0, sizeof d->rank);
    d->sets = n;
}

static int dsu_find(DSU *d, int x)
{
    while (d->parent[x] != x) {
        d->parent[x] = d->parent[d->parent[x]]; /* path halving */
        x = d->parent[x];
    }
    return x;
}

static int dsu_union(DSU *d, int a, int b)
{
    a = dsu_find(d, a);
    b = dsu_find(d, b);
    if (a == b)
        return 0;
    if (d->rank[a] < d->rank[b]) {
        int t = a; a = b; b = t;
    }
    d->parent[b] = a;
    if (d->rank[a] == d->rank[b])
        d->rank[a]++;
    d->sets--;
    return 1;
}

static int edge_cmp_weight(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->w != y->w)
        return x->w < y->w ? -1 : 1;
    return edge_cmp_src(a, b);
}

static uint64_t kruskal(Edge *edges, int ne, int nv, int *components)
{
    static DSU d;
    uint64_t total = 0;
    int i;
    qsort(edges, (size_t)ne, sizeof(Edge), edge_cmp_weight);
    dsu_init(&d, nv);
    for (i = 0; i < ne; i++)
        if (dsu_union(&d, (int)edges[i].u, (int)edges[i].v))
            total += edges[i].w;
    *components = d.sets;
    return total;
}

/* Prim over the symmetric CSR graph; sums the forest weight */
static uint64_t prim(const Csr *g)
{
    static uint32_t key[MAXV];
    static unsigned char in_tree[MAXV];
    static PQ q;
    uint64_t total = 0;
    int s, i;
    for (i = 0; i < g->nv; i++) {
        key[i] = INF;
        in_tree[i] = 0;
        q.pos[i] = -1;
    }
    q.key = key;
    for (s = 0; s < g->nv; s++) {
        if (in_tree[s])
            continue;
        key[s] = 0;
        q.size = 0;
        pq_push_or_decrease(&q, s);
        while (q.size > 0) {
            int u = pq_pop(&q), e;
            in_tree[u] = 1;
            total += key[u];
            for (e = g->offset[u]; e < g->offset[u + 1]; e++) {
                int v = g->target[e];
                if (!in_tree[v] && g->weight[e] < key[v]) {
                    key[v] = g->weight[e];
                    pq_push_or_decrease(&q, v);
                }
            }
        }
    }
    return total;
}

int main(void)
{
    static Edge edges[MAXE], copy[MAXE];
    static Csr g;
    static int dist_bfs[MAXV], order1[MAXV], order2[MAXV];
    static uint32_t d1[MAXV], d2[MAXV];
    const int nv = 2500; /* vertices in every generated graph */
    uint64_t bfs_mix = 0, dij_mix = 0, topo_mix, mst_mix;
    int ne = 0, i, reached, n1, n2, comps, src;

    /* 1. sparse directed graph: ring-ish local edges plus random shortcuts */
    for (i = 0; i < nv; i++) {
        int k;
        for (k = 0; k < 3; k++) {
            edges[ne].u = (uint32_t)i;
            edges[ne].v = (uint32_t)((i + 1 + (int)rnd(7)) % nv);
            edges[ne++].w = 1 + rnd(100);
        }
        if (rnd(4) == 0) { /* long-range shortcut */
            edges[ne].u = (uint32_t)i;
            edges[ne].v = rnd((uint32_t)nv);
            edges[ne++].w = 50 + rnd(1000);
        }
    }
    memcpy(copy, edges, (size_t)ne * sizeof(Edge));
    build_csr(&g, nv, edges, ne);
    for (src = 0; src < nv; src += 499) {
        reached = bfs(&g, src, dist_bfs);
        dijkstra(&g, src, d1);
        for (i = 0; i < nv; i++) {
            bfs_mix = bfs_mix * 31 + (uint32_t)(dist_bfs[i] + 1);
            dij_mix = (dij_mix ^ d1[i]) * UINT64_C(0x100000001b3);
        }
        if (src < 1000) {
            bellman_ford(copy, ne, nv, src, d2);
            if (memcmp(d1, d2, (size_t)nv * sizeof(uint32_t)) != 0) {
                printf("FAIL dijkstra vs bellman-ford from %d\n", src);
                failures++;
            }
        }
        printf("src %4d: bfs reached %d, ecc %d, dist to %d = %u\n", src, reached,
               dist_bfs[(src + nv / 2) % nv], (src + nv / 2) % nv, (unsigned)d1[(src + nv / 2) % nv]);
    }

    /* 2. DAG: edges only from lower to higher "layer rank" after a shuffle */
    {
        static int perm[MAXV];
        for (i = 0; i < nv; i++)
            perm[i] = i;
        for (i = nv - 1; i > 0; i--) {
            int j = (int)rnd((uint32_t)i + 1), t = perm[i];
            perm[i] = perm[j]; perm[j] = t;
        }
        ne = 0;
        for (i = 0; i < nv - 1; i++) {
            int k, fan = 1 + (int)rnd(4);
            for (k = 0; k < fan && ne < MAXE; k++) {
                int j = i + 1 + (int)rnd((uint32_t)(nv - 1 - i < 40 ? nv - 1 - i : 40));
                edges[ne].u = (uint32_t)perm[i];
                edges[ne].v = (uint32_t)perm[j];
                edges[ne++].w = 1 + rnd(20);
            }
        }
        build_csr(&g, nv, edges, ne);
        n1 = kahn(&g, order1);
        n2 = dfs_topo(&g, order2);
        if (n1 != nv || n2 != nv || !valid_topo(&g, order1) || !valid_topo(&g, order2)) {
            printf("FAIL topological sort\n");
            failures++;
        }
        topo_mix = longest_path(&g, order1);
        if (topo_mix != longest_path(&g, order2)) {
            printf("FAIL longest path disagrees\n");
            failures++;
        }
        printf("dag: %d edges, critical path %llu, first=%d last=%d\n", ne,
               (unsigned long long)topo_mix, order1[0], order1[nv - 1]);
        for (i = 0; i < nv; i += 7)
            topo_mix = topo_mix * 131 + (uint32_t)order1[i];
    }

    /* 3. undirected weighted graph with several components */
    {
        ne = 0;
        for (i = 0; i < 4000; i++) {
            uint32_t a = rnd((uint32_t)nv), b;
            /* keep edges inside one of 5 blocks, plus rare bridges */
            b = a / 500 * 500 + rnd(500);
            if (i % 400 == 0)
                b = rnd((uint32_t)nv);
            if (a == b)
                continue;
            edges[ne].u = a; edges[ne].v = b; edges[ne].w = 1 + rnd(9999);
            edges[ne + 1].u = b; edges[ne + 1].v = a; edges[ne + 1].w = edges[ne].w;
            ne += 2;
        }
        memcpy(copy, edges, (size_t)ne * sizeof(Edge));
        build_csr(&g, nv, edges, ne);
        mst_mix = kruskal(copy, ne, nv, &comps);
        printf("forest: %d edges, %d components, kruskal=%llu prim=%llu\n", ne, comps,
               (unsigned long long)mst_mix, (unsigned long long)prim(&g));
        if (mst_mix != prim(&g)) {
            printf("FAIL kruskal vs prim\n");
            failures++;
        }
        mst_mix = mst_mix << 16 ^ (uint64_t)comps;
    }

    check("BFS", bfs_mix, WANT_BFS);
    check("DIJKSTRA", dij_mix, WANT_DIJKSTRA);
    check("TOPO", topo_mix, WANT_TOPO);
    check("MST", mst_mix, WANT_MST);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
