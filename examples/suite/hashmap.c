// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * hashmap.c - Three hash map designs behind one function-pointer interface:
 * separate chaining, linear probing with tombstones, and Robin Hood hashing
 * with backward-shift deletion.  String keys (hashed with FNV-1a or
 * MurmurHash3's 32-bit finalizer over bytes), integer values, automatic
 * growth.  A word-frequency workload with deletions is run on all three and
 * the results must agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYLEN 16

#define WANT_FREQ UINT64_C(0x5fa0abf3be15404d)
#define WANT_PROBES UINT64_C(0x0000000004087f99)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 16777619u;
    }
    /* murmur3 fmix32 to spread low bits */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p) {
        perror("calloc");
        exit(2);
    }
    return p;
}

typedef struct {
    const char *name;
    void *(*create)(void);
    int *(*upsert)(void *m, const char *key); /* returns pointer to value */
    int *(*find)(void *m, const char *key);
    int (*erase)(void *m, const char *key);
    size_t (*count)(void *m);
    void (*destroy)(void *m);
    unsigned long probes;
} MapOps;

static unsigned long *probe_counter;

/* ---------------- chaining ---------------- */
typedef struct Entry {
    char key[KEYLEN];
    int value;
    uint32_t hash;
    struct Entry *next;
} Entry;

typedef struct {
    Entry **buckets;
    size_t nbuckets, count;
} ChainMap;

static void *chain_create(void)
{
    ChainMap *m = xcalloc(1, sizeof *m);
    m->nbuckets = 16;
    m->buckets = xcalloc(m->nbuckets, sizeof(Entry *));
    return m;
}

static void chain_grow(ChainMap *m)
{
    size_t nb = m->nbuckets * 2, i;
    Entry **nbk = xcalloc(nb, sizeof(Entry *));
    for (i = 0; i < m->nbuckets; i++) {
        Entry *e = m->buckets[i];
        while (e) {
            Entry *next = e->next;
            size_t b = e->hash & (nb - 1);
            e->next = nbk[b];
            nbk[b] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = nbk;
    m->nbuckets = nb;
}

static int *chain_find(void *mm, const char *key)
{
    ChainMap *m = mm;
    uint32_t hv = hash_str(key);
    Entry *e;
    for (e = m->buckets[hv & (m->nbuckets - 1)]; e; e = e->next) {
        (*probe_counter)++;
        if (e->hash == hv && strcmp(e->key, key) == 0)
            return &e->value;
    }
    return NULL;
}

static int *chain_upsert(void *mm, const char *key)
{
    ChainMap *m = mm;
    int *v = chain_find(m, key);
    Entry *e;
    size_t b;
    if (v)
        return v;
    if (m->count >= m->nbuckets)
        chain_grow(m);
    e = xcalloc(1, sizeof *e);
    strncpy(e->key, key, KEYLEN - 1);
    e->hash = hash_str(key);
    b = e->hash & (m->nbuckets - 1);
    e->next = m->buckets[b];
    m->buckets[b] = e;
    m->count++;
    return &e->value;
}

static int chain_erase(void *mm, const char *key)
{
    ChainMap *m = mm;
    uint32_t hv = hash_str(key);
    Entry **pp = &m->buckets[hv & (m->nbuckets - 1)];
    while (*pp) {
        Entry *e = *pp;
        if (e->hash == hv && strcmp(e->key, key) == 0) {
            *pp = e->next;
            free(e);
            m->count--;
            return 1;
        }
        pp = &e->next;
    }
    return 0;
}

static size_t chain_count(void *mm) { return ((ChainMap *)mm)->count; }

static void chain_destroy(void *mm)
{
    ChainMap *m = mm;
    size_t i;
    for (i = 0; i < m->nbuckets; i++) {
        Entry *e = m->buckets[i];
        while (e) {
            Entry *n = e->next;
            free(e);
            e = n;
        }
    }
    free(m->buckets);
    free(m);
}

/* ---------------- open addressing (linear / robin hood) ---------------- */
enum { SLOT_EMPTY = 0, SLOT_FULL = 1, SLOT_TOMB = 2 };

typedef struct {
    char key[KEYLEN];
    int value;
    uint32_t hash;
    uint8_t state;
    uint8_t pad[3];
} Slot;

typedef struct {
    Slot *slots;
    size_t cap, count, used; /* used = full + tombstones */
    int robin;
} OpenMap;

static void *open_create_mode(int robin)
{
    OpenMap *m = xcalloc(1, sizeof *m);
    m->cap = 16;
    m->slots = xcalloc(m->cap, sizeof(Slot));
    m->robin = robin;
    return m;
}

static void *linear_create(void) { return open_create_mode(0); }
static void *robin_create(void) { return open_create_mode(1); }

static size_t dist_of(const OpenMap *m, size_t idx, uint32_t hv)
{
    return (idx + m->cap - (hv & (m->cap - 1))) & (m->cap - 1);
}

#define NOT_FOUND ((size_t)-1)

static size_t open_find_index(const OpenMap *m, const char *key)
{
    uint32_t hv = hash_str(key);
    size_t i = hv & (m->cap - 1), d = 0;
    for (;;) {
        const Slot *s = &m->slots[i];
        (*probe_counter)++;
        if (s->state == SLOT_EMPTY)
            return NOT_FOUND;
        if (s->state == SLOT_FULL) {
            if (s->hash == hv && strcmp(s->key, key) == 0)
                return i;
            if (m->robin && dist_of(m, i, s->hash) < d)
                return NOT_FOUND; /* it would have been placed earlier */
        }
        i = (i + 1) & (m->cap - 1);
        d++;
    }
}

static int *open_find(void *mm, const char *key)
{
    OpenMap *m = mm;
    size_t i = open_find_index(m, key);
    return i == NOT_FOUND ? NULL : &m->slots[i].value;
}

static Slot *open_place(OpenMap *m, Slot item)
{
    size_t i = item.hash & (m->cap - 1), d = 0;
    Slot *result = NULL;
    for (;;) {
        Slot *s = &m->slots[i];
        if (s->state != SLOT_FULL) {
            if (s->state == SLOT_EMPTY)
                m->used++;
            *s = item;
            return result ? result : s;
        }
        if (m->robin) {
            size_t sd = dist_of(m, i, s->hash);
            if (sd < d) { /* steal from the rich */
                Slot tmp = *s;
                *s = item;
                item = tmp;
                if (!result)
                    result = s;
                d = sd;
            }
        }
        i = (i + 1) & (m->cap - 1);
        d++;
    }
}

static void open_rehash(OpenMap *m, size_t newcap)
{
    Slot *old = m->slots;
    size_t oldcap = m->cap, i;
    m->slots = xcalloc(newcap, sizeof(Slot));
    m->cap = newcap;
    m->used = 0;
    for (i = 0; i < oldcap; i++)
        if (old[i].state == SLOT_FULL)
            open_place(m, old[i]);
    free(old);
}

static int *open_upsert(void *mm, const char *key)
{
    OpenMap *m = mm;
    int *v = open_find(m, key);
    Slot item;
    if (v)
        return v;
    if ((m->used + 1) * 4 > m->cap * 3)
        open_rehash(m, m->count * 2 >= m->cap / 2 ? m->cap * 2 : m->cap);
    memset(&item, 0, sizeof item);
    strncpy(item.key, key, KEYLEN - 1);
    item.hash = hash_str(key);
    item.state = SLOT_FULL;
    m->count++;
    return &open_place(m, item)->value;
}

static int open_erase(void *mm, const char *key)
{
    OpenMap *m = mm;
    size_t i = open_find_index(m, key);
    if (i == NOT_FOUND)
        return 0;
    m->count--;
    if (!m->robin) {
        m->slots[i].state = SLOT_TOMB;
        return 1;
    }
    /* backward-shift deletion */
    for (;;) {
        size_t j = (i + 1) & (m->cap - 1);
        Slot *nx = &m->slots[j];
        if (nx->state != SLOT_FULL || dist_of(m, j, nx->hash) == 0) {
            m->slots[i].state = SLOT_EMPTY;
            m->used--;
            return 1;
        }
        m->slots[i] = *nx;
        i = j;
    }
}

static size_t open_count(void *mm) { return ((OpenMap *)mm)->count; }

static void open_destroy(void *mm)
{
    OpenMap *m = mm;
    free(m->slots);
    free(m);
}

/* ---------------- workload ---------------- */
static const char *const syll[] = {"ka", "lo", "mi", "ne", "ru", "si", "to", "va",
                                   "ze", "pu", "da", "fe", "go", "hi", "ju", "qo"};

static uint32_t wstate;

static void make_word(char *buf)
{
    int n, k;
    wstate = wstate * 1664525u + 1013904223u;
    /* Zipf-ish: short words far more common */
    n = 1 + (int)((wstate >> 28) % 4);
    if ((wstate >> 20 & 7) == 0)
        n += 2;
    buf[0] = '\0';
    for (k = 0; k < n; k++) {
        wstate = wstate * 1664525u + 1013904223u;
        strcat(buf, syll[(wstate >> 24) % (k == 0 ? 16 : 6)]);
    }
}

typedef struct {
    uint64_t freq_fp;
    size_t final_count;
    int max_freq;
} Outcome;

static Outcome run_workload(MapOps *ops)
{
    enum { WORDS = 30000 };
    void *m = ops->create();
    char w[KEYLEN];
    Outcome out = {0, 0, 0};
    int i;
    probe_counter = &ops->probes;
    ops->probes = 0;
    wstate = 424242u;
    for (i = 0; i < WORDS; i++) {
        make_word(w);
        if (i % 5 == 4) {
            /* every fifth word is removed if present (if even count) */
            int *v = ops->find(m, w);
            if (v && *v % 2 == 0)
                ops->erase(m, w);
            continue;
        }
        (*ops->upsert(m, w))++;
    }
    /* scan the same word stream again and fingerprint final frequencies */
    wstate = 424242u;
    for (i = 0; i < WORDS; i++) {
        int *v;
        make_word(w);
        v = ops->find(m, w);
        out.freq_fp = out.freq_fp * 1000003u + (v ? (uint32_t)*v : 0xFFFFu);
        if (v && *v > out.max_freq)
            out.max_freq = *v;
    }
    out.final_count = ops->count(m);
    ops->destroy(m);
    return out;
}

int main(void)
{
    MapOps maps[3] = {
        {"chaining", chain_create, chain_upsert, chain_find, chain_erase, chain_count, chain_destroy, 0},
        {"linear", linear_create, open_upsert, open_find, open_erase, open_count, open_destroy, 0},
        {"robinhood", robin_create, open_upsert, open_find, open_erase, open_count, open_destroy, 0},
    };
    Outcome res[3];
    uint64_t probe_mix = 0;
    int i;

    for (i = 0; i < 3; i++) {
        res[i] = run_workload(&maps[i]);
        printf("%-10s keys=%5lu max_freq=%4d probes=%8lu fingerprint=%016llx\n", maps[i].name,
               (unsigned long)res[i].final_count, res[i].max_freq, maps[i].probes,
               (unsigned long long)res[i].freq_fp);
        probe_mix = probe_mix * 31 + maps[i].probes;
    }
    for (i = 1; i < 3; i++) {
        if (res[i].freq_fp != res[0].freq_fp || res[i].final_count != res[0].final_count) {
            printf("FAIL %s disagrees with chaining\n", maps[i].name);
            failures++;
        }
    }
    check("FREQ", res[0].freq_fp ^ res[0].final_count, WANT_FREQ);
    check("PROBES", probe_mix, WANT_PROBES);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
