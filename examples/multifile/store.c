// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* store.c -- string-keyed hash map, generic merge sort and integer helpers. */
#include <stdlib.h>
#include <string.h>

#include "multifile.h"

static size_t round_up_pow2(size_t x)
{
    size_t p = 8;
    while (p < x)
        p <<= 1;
    return p;
}

int map_init(MfMap *m, size_t cap)
{
    m->cap = round_up_pow2(cap);
    m->count = 0;
    m->slots = (MfEntry *)calloc(m->cap, sizeof *m->slots);
    return m->slots != NULL;
}

void map_free(MfMap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static void copy_key(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n >= MF_KEY_MAX)
        n = MF_KEY_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static size_t probe(const MfMap *m, const char *key, int *found)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)mf_hash_string(key) & mask;
    for (;;) {
        const MfEntry *e = &m->slots[i];
        if (!e->used) {
            *found = 0;
            return i;
        }
        if (strncmp(e->key, key, MF_KEY_MAX - 1) == 0) {
            *found = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static int map_grow(MfMap *m)
{
    MfMap bigger;
    if (!map_init(&bigger, m->cap * 2))
        return 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].used) {
            int found;
            size_t j = probe(&bigger, m->slots[i].key, &found);
            bigger.slots[j] = m->slots[i];
            bigger.count++;
        }
    }
    free(m->slots);
    *m = bigger;
    return 1;
}

uint32_t *map_slot(MfMap *m, const char *key)
{
    int found;
    size_t i;
    if ((m->count + 1) * 4 > m->cap * 3 && !map_grow(m))
        return NULL;
    i = probe(m, key, &found);
    if (!found) {
        copy_key(m->slots[i].key, key);
        m->slots[i].value = 0;
        m->slots[i].used = 1;
        m->count++;
    }
    return &m->slots[i].value;
}

int map_get(const MfMap *m, const char *key, uint32_t *value)
{
    int found;
    size_t i = probe(m, key, &found);
    if (found)
        *value = m->slots[i].value;
    return found;
}

void map_foreach(const MfMap *m, MfVisit visit, void *ctx)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            visit(m->slots[i].key, m->slots[i].value, ctx);
}

size_t map_collect(const MfMap *m, MfEntry *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < m->cap && k < max; i++)
        if (m->slots[i].used)
            out[k++] = m->slots[i];
    return k;
}

static void merge_pass(unsigned char *src, unsigned char *dst, size_t n, size_t size,
                       size_t width, MfCmp cmp)
{
    for (size_t lo = 0; lo < n; lo += 2 * width) {
        size_t mid = lo + width < n ? lo + width : n;
        size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
        size_t i = lo, j = mid, k = lo;
        while (i < mid && j < hi) {
            /* take from the right only if strictly smaller: keeps the sort stable */
            if (cmp(src + j * size, src + i * size) < 0)
                memcpy(dst + (k++) * size, src + (j++) * size, size);
            else
                memcpy(dst + (k++) * size, src + (i++) * size, size);
        }
        if (i < mid)
            memcpy(dst + k * size, src + i * size, (mid - i) * size);
        k += mid - i;
        if (j < hi)
            memcpy(dst + k * size, src + j * size, (hi - j) * size);
    }
}

int mf_merge_sort(void *base, size_t n, size_t size, MfCmp cmp)
{
    unsigned char *a = (unsigned char *)base;
    unsigned char *tmp;
    unsigned char *src, *dst;
    if (n < 2)
        return 1;
    tmp = (unsigned char *)malloc(n * size);
    if (!tmp)
        return 0;
    src = a;
    dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        unsigned char *t;
        merge_pass(src, dst, n, size, width, cmp);
        t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * size);
    free(tmp);
    return 1;
}

static void insertion_u32(uint32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void swap_u32(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

/* Lomuto-partition quicksort that recurses on the smaller side */
void mf_sort_u32(uint32_t *a, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2, store = 0;
        uint32_t pivot;
        swap_u32(&a[mid], &a[n - 1]);
        pivot = a[n - 1];
        for (size_t i = 0; i + 1 < n; i++)
            if (a[i] < pivot)
                swap_u32(&a[i], &a[store++]);
        swap_u32(&a[store], &a[n - 1]);
        if (store < n - store - 1) {
            mf_sort_u32(a, store);
            a += store + 1;
            n -= store + 1;
        } else {
            mf_sort_u32(a + store + 1, n - store - 1);
            n = store;
        }
    }
    insertion_u32(a, n);
}

size_t mf_unique_u32(uint32_t *a, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}

size_t mf_lower_bound(const uint32_t *a, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
