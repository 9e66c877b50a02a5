// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * bigprog.c -- one large translation unit used as an optimizer test input.
 *
 * It exercises many common code shapes: a bytecode interpreter with a switch
 * dispatch loop, several sorting algorithms, a hash table, CRC32 / FNV /
 * murmur hashing, run-length and LZ-style compression, dense numeric kernels,
 * dynamic programming, graph algorithms, a tokenizer and expression parser,
 * bit manipulation, recursion, structs and function pointers.
 *
 * The program is deterministic and free of undefined behaviour.  Every
 * section returns a 32-bit checksum which main() compares against known
 * values; it prints "OK" and exits with 0 on success, "FAIL ..." and 1
 * otherwise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ======================================================================
 * Utilities: PRNG and checksum mixing
 * ====================================================================== */

typedef struct {
    uint32_t state;
} Rng;

static void rng_seed(Rng *r, uint32_t seed)
{
    r->state = seed ? seed : 0x9E3779B9u;
}

static uint32_t rng_next(Rng *r)
{
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->state = x;
    return x;
}

static uint32_t rng_below(Rng *r, uint32_t n)
{
    return rng_next(r) % n;
}

static double rng_unit(Rng *r)
{
    return (double)(rng_next(r) >> 8) * (1.0 / 16777216.0);
}

static uint32_t mix32(uint32_t h, uint32_t v)
{
    h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
    return h;
}

static uint32_t mix64(uint32_t h, uint64_t v)
{
    h = mix32(h, (uint32_t)v);
    return mix32(h, (uint32_t)(v >> 32));
}

/* Mix a double after rounding it to a fixed number of decimal places. */
static uint32_t mix_double(uint32_t h, double d, double scale)
{
    double q = floor(d * scale + 0.5);
    int64_t i = (int64_t)q;
    return mix64(h, (uint64_t)i);
}

/* ======================================================================
 * Bit manipulation
 * ====================================================================== */

static unsigned popcount_swar(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (unsigned)((x * 0x01010101u) >> 24);
}

static unsigned popcount_kernighan(uint32_t x)
{
    unsigned c = 0;
    while (x) {
        x &= x - 1u;
        c++;
    }
    return c;
}

static unsigned clz32(uint32_t x)
{
    unsigned n = 0;
    if (x == 0)
        return 32;
    while ((x & 0x80000000u) == 0) {
        x <<= 1;
        n++;
    }
    return n;
}

static unsigned ctz32(uint32_t x)
{
    unsigned n = 0;
    if (x == 0)
        return 32;
    while ((x & 1u) == 0) {
        x >>= 1;
        n++;
    }
    return n;
}

static uint32_t reverse_bits(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

static uint32_t reverse_bits_loop(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) {
        r = (r << 1) | (x & 1u);
        x >>= 1;
    }
    return r;
}

static uint32_t rotl32(uint32_t x, unsigned r)
{
    r &= 31u;
    if (r == 0)
        return x;
    return (x << r) | (x >> (32u - r));
}

static uint32_t rotr32(uint32_t x, unsigned r)
{
    return rotl32(x, (32u - (r & 31u)) & 31u);
}

static unsigned parity32(uint32_t x)
{
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return x & 1u;
}

static uint32_t next_pow2(uint32_t x)
{
    if (x <= 1u)
        return 1u;
    x--;
    x |= x >> 1;
    x |= x >> 2;
    x |= x >> 4;
    x |= x >> 8;
    x |= x >> 16;
    return x + 1u;
}

static uint32_t gray_encode(uint32_t x)
{
    return x ^ (x >> 1);
}

static uint32_t gray_decode(uint32_t g)
{
    g ^= g >> 16;
    g ^= g >> 8;
    g ^= g >> 4;
    g ^= g >> 2;
    g ^= g >> 1;
    return g;
}

static uint32_t spread_bits16(uint32_t x)
{
    x &= 0x0000FFFFu;
    x = (x | (x << 8)) & 0x00FF00FFu;
    x = (x | (x << 4)) & 0x0F0F0F0Fu;
    x = (x | (x << 2)) & 0x33333333u;
    x = (x | (x << 1)) & 0x55555555u;
    return x;
}

static uint32_t compact_bits16(uint32_t x)
{
    x &= 0x55555555u;
    x = (x | (x >> 1)) & 0x33333333u;
    x = (x | (x >> 2)) & 0x0F0F0F0Fu;
    x = (x | (x >> 4)) & 0x00FF00FFu;
    x = (x | (x >> 8)) & 0x0000FFFFu;
    return x;
}

static uint32_t morton2(uint32_t x, uint32_t y)
{
    return spread_bits16(x) | (spread_bits16(y) << 1);
}

static uint32_t run_bits(void)
{
    Rng r;
    uint32_t h = 0x1234u;
    unsigned errors = 0;
    unsigned total_pop = 0;
    rng_seed(&r, 12345u);
    for (int i = 0; i < 4096; i++) {
        uint32_t x = rng_next(&r);
        unsigned p = popcount_swar(x);
        uint32_t lo = x & 0xFFFFu;
        uint32_t hi = x >> 16;
        uint32_t m = morton2(lo, hi);
        if (p != popcount_kernighan(x))
            errors++;
        if (reverse_bits(x) != reverse_bits_loop(x))
            errors++;
        if (gray_decode(gray_encode(x)) != x)
            errors++;
        if (rotr32(rotl32(x, (unsigned)i), (unsigned)i) != x)
            errors++;
        if (parity32(x) != (p & 1u))
            errors++;
        if (compact_bits16(m) != lo || compact_bits16(m >> 1) != hi)
            errors++;
        total_pop += p;
        h = mix32(h, m);
        h = mix32(h, clz32(x) * 33u + ctz32(x));
        h = mix32(h, next_pow2(x & 0xFFFFFu));
    }
    printf("bits: total_pop=%u errors=%u\n", total_pop, errors);
    return mix32(h, errors * 100000u + total_pop);
}

/* ======================================================================
 * Hashing: CRC32, FNV-1a, murmur3, djb2
 * ====================================================================== */

static uint32_t crc_table[256];
static int crc_table_ready = 0;

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!crc_table_ready)
        crc32_init();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            uint32_t mask = 0u - (crc & 1u);
            crc = (crc >> 1) ^ (0xEDB88320u & mask);
        }
    }
    return ~crc;
}

static uint32_t fnv1a32(const uint8_t *p, size_t n)
{
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ull;
    }
    return h;
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

static uint32_t murmur3_32(const uint8_t *data, size_t len, uint32_t seed)
{
    const uint32_t c1 = 0xCC9E2D51u;
    const uint32_t c2 = 0x1B873593u;
    uint32_t h = seed;
    size_t nblocks = len / 4;
    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k = load_le32(data + 4 * i);
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5u + 0xE6546B64u;
    }
    {
        const uint8_t *tail = data + nblocks * 4;
        uint32_t k = 0;
        switch (len & 3u) {
        case 3:
            k ^= (uint32_t)tail[2] << 16;
            /* fall through */
        case 2:
            k ^= (uint32_t)tail[1] << 8;
            /* fall through */
        case 1:
            k ^= (uint32_t)tail[0];
            k *= c1;
            k = rotl32(k, 15);
            k *= c2;
            h ^= k;
            break;
        default:
            break;
        }
    }
    h ^= (uint32_t)len;
    return fmix32(h);
}

static uint32_t djb2(const char *s)
{
    uint32_t h = 5381u;
    while (*s) {
        h = h * 33u + (uint32_t)(unsigned char)*s;
        s++;
    }
    return h;
}

static uint32_t run_hashes(void)
{
    static uint8_t buf[8192];
    const char *check = "123456789";
    Rng r;
    uint32_t h = 0;
    unsigned errors = 0;
    uint32_t crc_check = crc32_update(0, (const uint8_t *)check, strlen(check));
    if (crc_check != 0xCBF43926u)
        errors++;
    if (fnv1a32((const uint8_t *)"", 0) != 0x811C9DC5u)
        errors++;
    if (murmur3_32((const uint8_t *)"", 0, 0) != 0u)
        errors++;
    rng_seed(&r, 777u);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(rng_next(&r) >> 24);
    for (size_t len = 1; len <= sizeof buf; len = len * 2 + 1) {
        uint32_t a = crc32_update(0, buf, len);
        uint32_t b = crc32_bitwise(buf, len);
        if (a != b)
            errors++;
        h = mix32(h, a);
        h = mix32(h, fnv1a32(buf, len));
        h = mix64(h, fnv1a64(buf, len));
        h = mix32(h, murmur3_32(buf, len, (uint32_t)len));
    }
    {
        /* incremental CRC must match one-shot CRC */
        uint32_t inc = 0;
        for (size_t off = 0; off < sizeof buf; off += 1000) {
            size_t chunk = sizeof buf - off < 1000 ? sizeof buf - off : 1000;
            inc = crc32_update(inc, buf + off, chunk);
        }
        if (inc != crc32_update(0, buf, sizeof buf))
            errors++;
        h = mix32(h, inc);
    }
    h = mix32(h, djb2("the quick brown fox jumps over the lazy dog"));
    printf("hashes: crc(123456789)=%08x murmur(buf,64)=%08x errors=%u\n", (unsigned)crc_check,
           (unsigned)murmur3_32(buf, 64, 42u), errors);
    return mix32(h, errors);
}

/* ======================================================================
 * Open-addressing hash table (uint32 -> uint32) with tombstones
 * ====================================================================== */

#define HT_CAP 2048u

enum { SLOT_EMPTY = 0, SLOT_USED = 1, SLOT_TOMB = 2 };

typedef struct {
    uint32_t key;
    uint32_t value;
    uint8_t state;
} HtSlot;

typedef struct {
    HtSlot slots[HT_CAP];
    unsigned count;
    unsigned long probes;
} HashTable;

static void ht_init(HashTable *t)
{
    memset(t, 0, sizeof *t);
}

static uint32_t ht_slot_of(uint32_t key)
{
    return fmix32(key) & (HT_CAP - 1u);
}

static int ht_find(HashTable *t, uint32_t key, uint32_t *index)
{
    uint32_t i = ht_slot_of(key);
    for (unsigned n = 0; n < HT_CAP; n++) {
        HtSlot *s = &t->slots[i];
        t->probes++;
        if (s->state == SLOT_EMPTY)
            return 0;
        if (s->state == SLOT_USED && s->key == key) {
            *index = i;
            return 1;
        }
        i = (i + 1u) & (HT_CAP - 1u);
    }
    return 0;
}

static int ht_put(HashTable *t, uint32_t key, uint32_t value)
{
    uint32_t idx;
    uint32_t i;
    if (ht_find(t, key, &idx)) {
        t->slots[idx].value = value;
        return 1;
    }
    if (t->count + 1u >= HT_CAP)
        return 0;
    i = ht_slot_of(key);
    while (t->slots[i].state == SLOT_USED)
        i = (i + 1u) & (HT_CAP - 1u);
    t->slots[i].key = key;
    t->slots[i].value = value;
    t->slots[i].state = SLOT_USED;
    t->count++;
    return 1;
}

static int ht_get(HashTable *t, uint32_t key, uint32_t *value)
{
    uint32_t idx;
    if (!ht_find(t, key, &idx))
        return 0;
    *value = t->slots[idx].value;
    return 1;
}

static int ht_remove(HashTable *t, uint32_t key)
{
    uint32_t idx;
    if (!ht_find(t, key, &idx))
        return 0;
    t->slots[idx].state = SLOT_TOMB;
    t->count--;
    return 1;
}

static uint32_t run_hashtable(void)
{
    static HashTable table;
    static uint32_t keys[1200];
    Rng r;
    uint32_t h = 0;
    unsigned found = 0, removed = 0;
    uint32_t value_sum = 0;
    ht_init(&table);
    rng_seed(&r, 2024u);
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        keys[i] = rng_below(&r, 3000u);
        ht_put(&table, keys[i], (uint32_t)i * 7u + 1u);
    }
    for (size_t i = 0; i < ARRAY_LEN(keys); i += 3)
        removed += (unsigned)ht_remove(&table, keys[i]);
    for (size_t i = 0; i < ARRAY_LEN(keys); i += 5)
        ht_put(&table, keys[i] + 5000u, (uint32_t)i);
    for (uint32_t k = 0; k < 8000u; k++) {
        uint32_t v;
        if (ht_get(&table, k, &v)) {
            found++;
            value_sum += v;
            h = mix32(h, k ^ (v << 3));
        }
    }
    printf("hashtable: count=%u found=%u removed=%u value_sum=%u probes=%lu\n", table.count,
           found, removed, (unsigned)value_sum, table.probes);
    h = mix32(h, table.count);
    h = mix32(h, (uint32_t)table.probes);
    return mix32(h, value_sum);
}

/* ======================================================================
 * Sorting
 * ====================================================================== */

typedef void (*SortFn)(int32_t *a, size_t n, int32_t *tmp);

static void swap_i32(int32_t *a, int32_t *b)
{
    int32_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(int32_t *a, size_t n, int32_t *tmp)
{
    (void)tmp;
    for (size_t i = 1; i < n; i++) {
        int32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static size_t median_of_three(int32_t *a, size_t lo, size_t hi)
{
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo])
        swap_i32(&a[mid], &a[lo]);
    if (a[hi] < a[lo])
        swap_i32(&a[hi], &a[lo]);
    if (a[hi] < a[mid])
        swap_i32(&a[hi], &a[mid]);
    return mid;
}

static void quick_sort_range(int32_t *a, size_t lo, size_t hi)
{
    while (hi > lo + 12) {
        size_t mid = median_of_three(a, lo, hi);
        int32_t pivot = a[mid];
        size_t i = lo, j = hi;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap_i32(&a[i], &a[j]);
            i++;
            j--;
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - j) {
            quick_sort_range(a, lo, j);
            lo = j + 1;
        } else {
            quick_sort_range(a, j + 1, hi);
            hi = j;
        }
    }
    insertion_sort(a + lo, hi - lo + 1, NULL);
}

static void quick_sort(int32_t *a, size_t n, int32_t *tmp)
{
    (void)tmp;
    if (n > 1)
        quick_sort_range(a, 0, n - 1);
}

static void merge_runs(int32_t *a, size_t lo, size_t mid, size_t hi, int32_t *tmp)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

static void merge_sort_range(int32_t *a, size_t lo, size_t hi, int32_t *tmp)
{
    size_t mid;
    if (hi - lo < 2)
        return;
    mid = lo + (hi - lo) / 2;
    merge_sort_range(a, lo, mid, tmp);
    merge_sort_range(a, mid, hi, tmp);
    if (a[mid - 1] <= a[mid])
        return;
    merge_runs(a, lo, mid, hi, tmp);
}

static void merge_sort(int32_t *a, size_t n, int32_t *tmp)
{
    merge_sort_range(a, 0, n, tmp);
}

static void sift_down(int32_t *a, size_t start, size_t n)
{
    size_t root = start;
    for (;;) {
        size_t child = 2 * root + 1;
        size_t best = root;
        if (child < n && a[child] > a[best])
            best = child;
        if (child + 1 < n && a[child + 1] > a[best])
            best = child + 1;
        if (best == root)
            return;
        swap_i32(&a[root], &a[best]);
        root = best;
    }
}

static void heap_sort(int32_t *a, size_t n, int32_t *tmp)
{
    (void)tmp;
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        swap_i32(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

static void shell_sort(int32_t *a, size_t n, int32_t *tmp)
{
    static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    (void)tmp;
    for (size_t g = 0; g < ARRAY_LEN(gaps); g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            int32_t v = a[i];
            size_t j = i;
            while (j >= gap && a[j - gap] > v) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = v;
        }
    }
}

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa;
    int32_t b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

static void libc_sort(int32_t *a, size_t n, int32_t *tmp)
{
    (void)tmp;
    qsort(a, n, sizeof *a, cmp_i32);
}

static int is_sorted_i32(const int32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

static uint32_t hash_i32_array(const int32_t *a, size_t n)
{
    uint32_t h = 17u;
    for (size_t i = 0; i < n; i++)
        h = h * 31u + (uint32_t)a[i];
    return h;
}

static uint32_t run_sorting(void)
{
    enum { N = 1500 };
    static int32_t original[N], work[N], tmp[N];
    static const struct {
        const char *name;
        SortFn fn;
    } sorts[] = {
        {"insertion", insertion_sort}, {"quick", quick_sort}, {"merge", merge_sort},
        {"heap", heap_sort},           {"shell", shell_sort}, {"qsort", libc_sort},
    };
    Rng r;
    uint32_t h = 0;
    uint32_t reference = 0;
    unsigned errors = 0;
    rng_seed(&r, 99u);
    for (int i = 0; i < N; i++)
        original[i] = (int32_t)rng_below(&r, 200001u) - 100000;
    for (size_t s = 0; s < ARRAY_LEN(sorts); s++) {
        uint32_t hv;
        memcpy(work, original, sizeof work);
        sorts[s].fn(work, N, tmp);
        hv = hash_i32_array(work, N);
        if (!is_sorted_i32(work, N))
            errors++;
        if (s == 0)
            reference = hv;
        else if (hv != reference)
            errors++;
        h = mix32(h, hv);
    }
    /* also sort already-sorted and reversed input */
    for (int i = 0; i < N; i++)
        work[i] = N - i;
    quick_sort(work, N, tmp);
    if (!is_sorted_i32(work, N))
        errors++;
    heap_sort(work, N, tmp);
    merge_sort(work, N, tmp);
    if (!is_sorted_i32(work, N))
        errors++;
    printf("sorting: algorithms=%u hash=%08x errors=%u\n", (unsigned)ARRAY_LEN(sorts),
           (unsigned)reference, errors);
    memcpy(work, original, sizeof work);
    merge_sort(work, N, tmp);
    printf("sorting: data min=%d max=%d median=%d\n", (int)work[0], (int)work[N - 1],
           (int)work[N / 2]);
    return mix32(h, errors);
}

/* ======================================================================
 * Compression: byte RLE and a small LZ77 variant
 * ====================================================================== */

#define LZ_WINDOW 1024u
#define LZ_MIN_MATCH 3u
#define LZ_MAX_MATCH 130u
#define LZ_MAX_LITERALS 128u

static size_t rle_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t ip = 0, op = 0;
    while (ip < n) {
        uint8_t b = in[ip];
        size_t run = 1;
        while (ip + run < n && in[ip + run] == b && run < 255)
            run++;
        if (op + 2 > cap)
            return 0;
        out[op++] = (uint8_t)run;
        out[op++] = b;
        ip += run;
    }
    return op;
}

static size_t rle_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t ip = 0, op = 0;
    while (ip + 1 < n) {
        size_t run = in[ip];
        uint8_t b = in[ip + 1];
        ip += 2;
        if (op + run > cap)
            return 0;
        for (size_t k = 0; k < run; k++)
            out[op++] = b;
    }
    return op;
}

static size_t lz_flush_literals(const uint8_t *in, size_t start, size_t end, uint8_t *out,
                                size_t op, size_t cap)
{
    while (start < end) {
        size_t chunk = end - start;
        if (chunk > LZ_MAX_LITERALS)
            chunk = LZ_MAX_LITERALS;
        if (op + 1 + chunk > cap)
            return (size_t)-1;
        out[op++] = (uint8_t)(chunk - 1);
        memcpy(out + op, in + start, chunk);
        op += chunk;
        start += chunk;
    }
    return op;
}

static size_t lz_longest_match(const uint8_t *in, size_t n, size_t ip, size_t *offset)
{
    size_t best_len = 0, best_off = 0;
    size_t wstart = ip > LZ_WINDOW ? ip - LZ_WINDOW : 0;
    for (size_t cand = wstart; cand < ip; cand++) {
        size_t l = 0;
        if (in[cand] != in[ip])
            continue;
        while (l < LZ_MAX_MATCH && ip + l < n && in[cand + l] == in[ip + l])
            l++;
        if (l > best_len) {
            best_len = l;
            best_off = ip - cand;
        }
    }
    *offset = best_off;
    return best_len;
}

static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t ip = 0, op = 0, lit_start = 0;
    while (ip < n) {
        size_t off;
        size_t len = lz_longest_match(in, n, ip, &off);
        if (len >= LZ_MIN_MATCH) {
            op = lz_flush_literals(in, lit_start, ip, out, op, cap);
            if (op == (size_t)-1 || op + 3 > cap)
                return 0;
            out[op++] = (uint8_t)(0x80u | (unsigned)(len - LZ_MIN_MATCH));
            out[op++] = (uint8_t)(off & 0xFFu);
            out[op++] = (uint8_t)(off >> 8);
            ip += len;
            lit_start = ip;
        } else {
            ip++;
        }
    }
    op = lz_flush_literals(in, lit_start, n, out, op, cap);
    return op == (size_t)-1 ? 0 : op;
}

static size_t lz_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t ip = 0, op = 0;
    while (ip < n) {
        unsigned ctl = in[ip++];
        if (ctl & 0x80u) {
            size_t len = (ctl & 0x7Fu) + LZ_MIN_MATCH;
            size_t off;
            if (ip + 2 > n)
                return 0;
            off = (size_t)in[ip] | ((size_t)in[ip + 1] << 8);
            ip += 2;
            if (off == 0 || off > op || op + len > cap)
                return 0;
            for (size_t k = 0; k < len; k++, op++)
                out[op] = out[op - off];
        } else {
            size_t len = ctl + 1u;
            if (ip + len > n || op + len > cap)
                return 0;
            memcpy(out + op, in + ip, len);
            ip += len;
            op += len;
        }
    }
    return op;
}

static size_t make_compressible(uint8_t *buf, size_t cap, uint32_t seed)
{
    static const char *words[] = {"alpha ", "beta ",   "gamma ", "delta ",  "epsilon ",
                                  "zeta ",  "eta ",    "theta ", "iota ",   "kappa ",
                                  "lambda ", "mu ",    "nu ",    "omicron "};
    Rng r;
    size_t n = 0;
    rng_seed(&r, seed);
    while (n < cap) {
        uint32_t choice = rng_below(&r, 10u);
        if (choice < 7) {
            const char *w = words[rng_below(&r, (uint32_t)ARRAY_LEN(words))];
            size_t len = strlen(w);
            for (size_t i = 0; i < len && n < cap; i++)
                buf[n++] = (uint8_t)w[i];
        } else if (choice < 9) {
            uint8_t b = (uint8_t)('0' + rng_below(&r, 10u));
            size_t run = 3 + rng_below(&r, 40u);
            for (size_t i = 0; i < run && n < cap; i++)
                buf[n++] = b;
        } else if (n < cap) {
            buf[n++] = (uint8_t)(rng_next(&r) & 0xFFu);
        }
    }
    return n;
}

static uint32_t run_compression(void)
{
    enum { N = 6000, CAP = 16000 };
    static uint8_t input[N], packed[CAP], unpacked[CAP];
    uint32_t h = 0;
    unsigned errors = 0;
    size_t n = make_compressible(input, N, 4242u);
    size_t rle_size = rle_encode(input, n, packed, CAP);
    size_t rle_back = rle_decode(packed, rle_size, unpacked, CAP);
    size_t lz_size, lz_back;
    if (rle_back != n || memcmp(input, unpacked, n) != 0)
        errors++;
    h = mix32(h, crc32_update(0, packed, rle_size));
    lz_size = lz_compress(input, n, packed, CAP);
    lz_back = lz_decompress(packed, lz_size, unpacked, CAP);
    if (lz_size == 0 || lz_back != n || memcmp(input, unpacked, n) != 0)
        errors++;
    h = mix32(h, crc32_update(0, packed, lz_size));
    h = mix32(h, (uint32_t)(rle_size * 65536u + lz_size));
    printf("compression: input=%u rle=%u lz=%u ratio=%.6f errors=%u\n", (unsigned)n,
           (unsigned)rle_size, (unsigned)lz_size, (double)lz_size / (double)n, errors);
    return mix32(h, errors);
}

/* ======================================================================
 * Numeric kernels: matrix multiply, stencil, vector ops
 * ====================================================================== */

#define MAT_N 40
#define GRID_N 48

static double dot_product(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void axpy(double *y, const double *x, double alpha, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

static double vector_norm(const double *a, size_t n)
{
    return sqrt(dot_product(a, a, n));
}

static void matmul(double a[MAT_N][MAT_N], double b[MAT_N][MAT_N],
                   double c[MAT_N][MAT_N])
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            double s = 0.0;
            for (int k = 0; k < MAT_N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static void matmul_ikj(double a[MAT_N][MAT_N], double b[MAT_N][MAT_N],
                       double c[MAT_N][MAT_N])
{
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++)
            c[i][j] = 0.0;
        for (int k = 0; k < MAT_N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < MAT_N; j++)
                c[i][j] += aik * b[k][j];
        }
    }
}

static void mat4_mul(double a[4][4], double b[4][4], double c[4][4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0.0;
            for (int k = 0; k < 4; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static double matrix_trace(double c[MAT_N][MAT_N])
{
    double t = 0.0;
    for (int i = 0; i < MAT_N; i++)
        t += c[i][i];
    return t;
}

static void stencil_step(double in[GRID_N][GRID_N], double out[GRID_N][GRID_N])
{
    for (int i = 0; i < GRID_N; i++) {
        out[i][0] = in[i][0];
        out[i][GRID_N - 1] = in[i][GRID_N - 1];
    }
    for (int j = 0; j < GRID_N; j++) {
        out[0][j] = in[0][j];
        out[GRID_N - 1][j] = in[GRID_N - 1][j];
    }
    for (int i = 1; i < GRID_N - 1; i++)
        for (int j = 1; j < GRID_N - 1; j++)
            out[i][j] = 0.5 * in[i][j] +
                        0.125 * (in[i - 1][j] + in[i + 1][j] + in[i][j - 1] + in[i][j + 1]);
}

static double grid_sum(double g[GRID_N][GRID_N])
{
    double s = 0.0;
    for (int i = 0; i < GRID_N; i++)
        for (int j = 0; j < GRID_N; j++)
            s += g[i][j];
    return s;
}

static double horner(const double *coef, int degree, double x)
{
    double r = coef[degree];
    for (int i = degree - 1; i >= 0; i--)
        r = r * x + coef[i];
    return r;
}

static double newton_sqrt(double x)
{
    double g = x > 1.0 ? x / 2.0 : 1.0;
    for (int i = 0; i < 40; i++)
        g = 0.5 * (g + x / g);
    return g;
}

static uint32_t run_numeric(void)
{
    static double a[MAT_N][MAT_N], b[MAT_N][MAT_N], c1[MAT_N][MAT_N], c2[MAT_N][MAT_N];
    static double g0[GRID_N][GRID_N], g1[GRID_N][GRID_N];
    static double va[256], vb[256];
    static const double coef[6] = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125};
    double m4a[4][4], m4b[4][4], m4c[4][4];
    uint32_t h = 0;
    unsigned errors = 0;
    double trace, gsum, dot, norm, poly = 0.0, sq_err = 0.0;

    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 11 - 5) * 0.25;
            b[i][j] = (double)((i * 5 + j * 13) % 9 - 4) * 0.5;
        }
    matmul(a, b, c1);
    matmul_ikj(a, b, c2);
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            if (c1[i][j] != c2[i][j])
                errors++;
    trace = matrix_trace(c1);

    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            m4a[i][j] = (double)(i + j) * 0.5;
            m4b[i][j] = (i == j) ? 2.0 : 0.0;
        }
    for (int rep = 0; rep < 8; rep++) {
        mat4_mul(m4a, m4b, m4c);
        memcpy(m4a, m4c, sizeof m4a);
    }
    h = mix_double(h, m4a[3][3], 1e3);

    for (int i = 0; i < GRID_N; i++)
        for (int j = 0; j < GRID_N; j++)
            g0[i][j] = (i == 0 || j == 0) ? 100.0 : 0.0;
    for (int it = 0; it < 60; it++) {
        stencil_step(g0, g1);
        stencil_step(g1, g0);
    }
    gsum = grid_sum(g0);

    for (int i = 0; i < 256; i++) {
        va[i] = (double)(i % 17) * 0.125;
        vb[i] = (double)((i * 3) % 23) * 0.0625;
    }
    axpy(vb, va, 0.5, 256);
    dot = dot_product(va, vb, 256);
    norm = vector_norm(vb, 256);

    for (int i = 0; i < 100; i++)
        poly += horner(coef, 5, (double)i * 0.01);
    for (int i = 1; i <= 200; i++) {
        double x = (double)i * 0.75;
        sq_err += fabs(newton_sqrt(x) - sqrt(x));
    }
    if (sq_err > 1e-9)
        errors++;

    printf("numeric: trace=%.6f grid=%.6f dot=%.6f norm=%.6f poly=%.6f m4=%.6f errors=%u\n",
           trace, gsum, dot, norm, poly, m4a[3][3], errors);
    h = mix_double(h, trace, 1e6);
    h = mix_double(h, gsum, 1e6);
    h = mix_double(h, dot, 1e6);
    h = mix_double(h, norm, 1e6);
    h = mix_double(h, poly, 1e6);
    return mix32(h, errors);
}

/* ======================================================================
 * Dynamic programming
 * ====================================================================== */

#define DP_MAX 512

static unsigned min2u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

static unsigned max2u(unsigned a, unsigned b)
{
    return a > b ? a : b;
}

static unsigned min3u(unsigned a, unsigned b, unsigned c)
{
    return min2u(min2u(a, b), c);
}

static unsigned lcs_length(const char *a, size_t n, const char *b, size_t m)
{
    static unsigned prev[DP_MAX + 1], cur[DP_MAX + 1];
    if (m > DP_MAX)
        return 0;
    for (size_t j = 0; j <= m; j++)
        prev[j] = 0;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = 0;
        for (size_t j = 1; j <= m; j++) {
            if (a[i - 1] == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = max2u(prev[j], cur[j - 1]);
        }
        memcpy(prev, cur, (m + 1) * sizeof prev[0]);
    }
    return prev[m];
}

static unsigned edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    static unsigned prev[DP_MAX + 1], cur[DP_MAX + 1];
    if (m > DP_MAX)
        return 0;
    for (size_t j = 0; j <= m; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = (a[i - 1] == b[j - 1]) ? 0u : 1u;
            cur[j] = min3u(prev[j] + 1u, cur[j - 1] + 1u, prev[j - 1] + cost);
        }
        memcpy(prev, cur, (m + 1) * sizeof prev[0]);
    }
    return prev[m];
}

static unsigned knapsack(const unsigned *w, const unsigned *v, size_t n, unsigned cap)
{
    static unsigned best[1024];
    if (cap >= 1024)
        return 0;
    for (unsigned c = 0; c <= cap; c++)
        best[c] = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned c = cap; c >= w[i] && c > 0; c--)
            best[c] = max2u(best[c], best[c - w[i]] + v[i]);
    return best[cap];
}

static size_t lis_length(const int32_t *a, size_t n)
{
    static int32_t tails[2048];
    size_t len = 0;
    if (n > 2048)
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (tails[mid] < a[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        tails[lo] = a[i];
        if (lo == len)
            len++;
    }
    return len;
}

static uint64_t coin_ways(const unsigned *coins, size_t nc, unsigned amount)
{
    static uint64_t ways[2048];
    if (amount >= 2048)
        return 0;
    memset(ways, 0, sizeof ways);
    ways[0] = 1;
    for (size_t c = 0; c < nc; c++)
        for (unsigned x = coins[c]; x <= amount; x++)
            ways[x] += ways[x - coins[c]];
    return ways[amount];
}

static void random_text(char *s, size_t n, Rng *r, unsigned alphabet)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + rng_below(r, alphabet));
    s[n] = '\0';
}

static uint32_t run_dp(void)
{
    static char s1[401], s2[381];
    static int32_t seq[1500];
    static const unsigned coins[] = {1, 2, 5, 10, 20, 50, 100, 200};
    unsigned weights[40], values[40];
    Rng r;
    uint32_t h = 0;
    unsigned lcs, ed, ks;
    size_t lis;
    uint64_t ways;
    rng_seed(&r, 31337u);
    random_text(s1, 400, &r, 4);
    random_text(s2, 380, &r, 4);
    lcs = lcs_length(s1, 400, s2, 380);
    ed = edit_distance(s1, 300, s2, 280);
    for (int i = 0; i < 40; i++) {
        weights[i] = 5 + rng_below(&r, 40u);
        values[i] = 10 + rng_below(&r, 90u);
    }
    ks = knapsack(weights, values, 40, 500);
    for (int i = 0; i < 1500; i++)
        seq[i] = (int32_t)rng_below(&r, 100000u);
    lis = lis_length(seq, 1500);
    ways = coin_ways(coins, ARRAY_LEN(coins), 200);
    printf("dp: lcs=%u edit=%u knapsack=%u lis=%u coin_ways(200)=%llu\n", lcs, ed, ks,
           (unsigned)lis, (unsigned long long)ways);
    h = mix32(h, lcs);
    h = mix32(h, ed);
    h = mix32(h, ks);
    h = mix32(h, (uint32_t)lis);
    return mix64(h, ways);
}

/* ======================================================================
 * Graphs: CSR construction, BFS, Dijkstra, union-find, Floyd-Warshall
 * ====================================================================== */

#define G_NODES 500
#define G_DEG 3
#define G_EDGES (G_NODES * G_DEG * 2)
#define INF_DIST 0xFFFFFFFFu

typedef struct {
    int n;
    int m;
    int offsets[G_NODES + 1];
    int targets[G_EDGES];
    uint32_t weights[G_EDGES];
} Graph;

typedef struct {
    uint32_t dist;
    int node;
} HeapItem;

typedef struct {
    HeapItem items[G_EDGES + 1];
    int size;
} MinHeap;

static void graph_build(Graph *g, uint32_t seed)
{
    static int src[G_EDGES / 2], dst[G_EDGES / 2];
    static uint32_t wt[G_EDGES / 2];
    static int fill[G_NODES];
    int ne = 0;
    Rng r;
    rng_seed(&r, seed);
    g->n = G_NODES;
    for (int u = 0; u < G_NODES; u++)
        for (int k = 0; k < G_DEG; k++) {
            src[ne] = u;
            dst[ne] = (int)rng_below(&r, G_NODES);
            wt[ne] = 1u + rng_below(&r, 100u);
            ne++;
        }
    for (int u = 0; u <= G_NODES; u++)
        g->offsets[u] = 0;
    for (int e = 0; e < ne; e++) {
        g->offsets[src[e] + 1]++;
        g->offsets[dst[e] + 1]++;
    }
    for (int u = 0; u < G_NODES; u++)
        g->offsets[u + 1] += g->offsets[u];
    for (int u = 0; u < G_NODES; u++)
        fill[u] = g->offsets[u];
    for (int e = 0; e < ne; e++) {
        int a = src[e], b = dst[e];
        g->targets[fill[a]] = b;
        g->weights[fill[a]++] = wt[e];
        g->targets[fill[b]] = a;
        g->weights[fill[b]++] = wt[e];
    }
    g->m = g->offsets[G_NODES];
}

static void bfs(const Graph *g, int source, int *dist)
{
    static int queue[G_NODES];
    int head = 0, tail = 0;
    for (int i = 0; i < g->n; i++)
        dist[i] = -1;
    dist[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
        int u = queue[head++];
        for (int e = g->offsets[u]; e < g->offsets[u + 1]; e++) {
            int v = g->targets[e];
            if (dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
        }
    }
}

static void heap_push(MinHeap *h, uint32_t dist, int node)
{
    int i = h->size++;
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (h->items[parent].dist <= dist)
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i].dist = dist;
    h->items[i].node = node;
}

static HeapItem heap_pop(MinHeap *h)
{
    HeapItem top = h->items[0];
    HeapItem last = h->items[--h->size];
    int i = 0;
    for (;;) {
        int child = 2 * i + 1;
        if (child >= h->size)
            break;
        if (child + 1 < h->size && h->items[child + 1].dist < h->items[child].dist)
            child++;
        if (h->items[child].dist >= last.dist)
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (h->size > 0)
        h->items[i] = last;
    return top;
}

static void dijkstra(const Graph *g, int source, uint32_t *dist)
{
    static MinHeap heap;
    heap.size = 0;
    for (int i = 0; i < g->n; i++)
        dist[i] = INF_DIST;
    dist[source] = 0;
    heap_push(&heap, 0, source);
    while (heap.size > 0) {
        HeapItem it = heap_pop(&heap);
        int u = it.node;
        if (it.dist != dist[u])
            continue;
        for (int e = g->offsets[u]; e < g->offsets[u + 1]; e++) {
            int v = g->targets[e];
            uint32_t nd = dist[u] + g->weights[e];
            if (nd < dist[v]) {
                dist[v] = nd;
                heap_push(&heap, nd, v);
            }
        }
    }
}

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static int uf_union(int *parent, int *rank, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b)
        return 0;
    if (rank[a] < rank[b]) {
        int t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    if (rank[a] == rank[b])
        rank[a]++;
    return 1;
}

static void floyd_warshall(uint32_t d[32][32], int n)
{
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (d[i][k] != INF_DIST && d[k][j] != INF_DIST && d[i][k] + d[k][j] < d[i][j])
                    d[i][j] = d[i][k] + d[k][j];
}

static uint32_t run_graph(void)
{
    static Graph g;
    static int hops[G_NODES], parent[G_NODES], rank[G_NODES];
    static uint32_t dist[G_NODES];
    static uint32_t fw[32][32];
    uint32_t h = 0;
    int components = G_NODES, reached = 0, max_hops = 0;
    uint64_t dist_sum = 0;
    uint32_t max_dist = 0, fw_sum = 0;
    unsigned errors = 0;
    graph_build(&g, 555u);
    bfs(&g, 0, hops);
    dijkstra(&g, 0, dist);
    for (int i = 0; i < G_NODES; i++) {
        if (hops[i] >= 0) {
            reached++;
            if (hops[i] > max_hops)
                max_hops = hops[i];
            dist_sum += dist[i];
            if (dist[i] > max_dist)
                max_dist = dist[i];
        } else if (dist[i] != INF_DIST) {
            errors++;
        }
        h = mix32(h, (uint32_t)hops[i] ^ (dist[i] << 8));
    }
    for (int i = 0; i < G_NODES; i++) {
        parent[i] = i;
        rank[i] = 0;
    }
    for (int u = 0; u < G_NODES; u++)
        for (int e = g.offsets[u]; e < g.offsets[u + 1]; e++)
            components -= uf_union(parent, rank, u, g.targets[e]);
    /* Floyd-Warshall on the quotient graph obtained by folding nodes modulo 32 */
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++)
            fw[i][j] = (i == j) ? 0u : INF_DIST;
    for (int u = 0; u < G_NODES; u++)
        for (int e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
            int a = u % 32, b = g.targets[e] % 32;
            if (g.weights[e] < fw[a][b])
                fw[a][b] = g.weights[e];
        }
    floyd_warshall(fw, 32);
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++)
            if (fw[i][j] != INF_DIST)
                fw_sum += fw[i][j];
    printf("graph: edges=%d reached=%d max_hops=%d dist_sum=%llu max_dist=%u components=%d "
           "fw_sum=%u errors=%u\n",
           g.m, reached, max_hops, (unsigned long long)dist_sum, (unsigned)max_dist, components,
           (unsigned)fw_sum, errors);
    h = mix64(h, dist_sum);
    h = mix32(h, (uint32_t)components);
    h = mix32(h, fw_sum);
    return mix32(h, errors);
}

/* ======================================================================
 * Bytecode virtual machine with a small assembler
 * ====================================================================== */

enum {
    OP_HALT,
    OP_PUSH,
    OP_LOAD,
    OP_STORE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_AND,
    OP_OR,
    OP_XOR,
    OP_SHL,
    OP_SHR,
    OP_NEG,
    OP_LT,
    OP_EQ,
    OP_DUP,
    OP_DROP,
    OP_SWAP,
    OP_OVER,
    OP_JMP,
    OP_JZ,
    OP_JNZ,
    OP_CALL,
    OP_RET,
    OP_EMIT,
    OP_INC,
    OP_DEC
};

#define VM_CODE_MAX 1024
#define VM_STACK 256
#define VM_RSTACK 128
#define VM_VARS 16
#define ASM_LABELS 32
#define ASM_FIXUPS 64

typedef struct {
    uint32_t code[VM_CODE_MAX];
    size_t len;
    int label_pos[ASM_LABELS];
    int nlabels;
    size_t fixup_at[ASM_FIXUPS];
    int fixup_label[ASM_FIXUPS];
    int nfixups;
    int error;
} Asm;

typedef struct {
    uint32_t stack[VM_STACK];
    int sp;
    uint32_t rstack[VM_RSTACK];
    int rsp;
    uint32_t vars[VM_VARS];
    uint32_t out_hash;
    unsigned out_count;
    uint32_t last_out;
    unsigned long steps;
    int error;
} Vm;

static void asm_init(Asm *a)
{
    memset(a, 0, sizeof *a);
}

static void asm_word(Asm *a, uint32_t w)
{
    if (a->len >= VM_CODE_MAX) {
        a->error = 1;
        return;
    }
    a->code[a->len++] = w;
}

static void asm_op(Asm *a, uint32_t op)
{
    asm_word(a, op);
}

static void asm_op1(Asm *a, uint32_t op, uint32_t arg)
{
    asm_word(a, op);
    asm_word(a, arg);
}

static int asm_label(Asm *a)
{
    if (a->nlabels >= ASM_LABELS) {
        a->error = 1;
        return 0;
    }
    a->label_pos[a->nlabels] = -1;
    return a->nlabels++;
}

static void asm_bind(Asm *a, int label)
{
    a->label_pos[label] = (int)a->len;
}

static void asm_jump(Asm *a, uint32_t op, int label)
{
    asm_word(a, op);
    if (a->nfixups >= ASM_FIXUPS) {
        a->error = 1;
        return;
    }
    a->fixup_at[a->nfixups] = a->len;
    a->fixup_label[a->nfixups++] = label;
    asm_word(a, 0);
}

static int asm_link(Asm *a)
{
    for (int i = 0; i < a->nfixups; i++) {
        int pos = a->label_pos[a->fixup_label[i]];
        if (pos < 0)
            return 0;
        a->code[a->fixup_at[i]] = (uint32_t)pos;
    }
    return !a->error;
}

static void vm_reset(Vm *vm)
{
    memset(vm, 0, sizeof *vm);
    vm->out_hash = 0x811C9DC5u;
}

static void vm_push(Vm *vm, uint32_t v)
{
    if (vm->sp >= VM_STACK) {
        vm->error = 2;
        return;
    }
    vm->stack[vm->sp++] = v;
}

static uint32_t vm_pop(Vm *vm)
{
    if (vm->sp <= 0) {
        vm->error = 3;
        return 0;
    }
    return vm->stack[--vm->sp];
}

static uint32_t vm_peek(const Vm *vm, int depth)
{
    if (vm->sp - 1 - depth < 0)
        return 0;
    return vm->stack[vm->sp - 1 - depth];
}

static uint32_t vm_binary(uint32_t op, uint32_t a, uint32_t b)
{
    switch (op) {
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    case OP_DIV:
        return b ? a / b : 0u;
    case OP_MOD:
        return b ? a % b : 0u;
    case OP_AND:
        return a & b;
    case OP_OR:
        return a | b;
    case OP_XOR:
        return a ^ b;
    case OP_SHL:
        return a << (b & 31u);
    case OP_SHR:
        return a >> (b & 31u);
    case OP_LT:
        return a < b ? 1u : 0u;
    case OP_EQ:
        return a == b ? 1u : 0u;
    default:
        return 0u;
    }
}

static int vm_run(Vm *vm, const uint32_t *code, size_t len, unsigned long max_steps)
{
    size_t pc = 0;
    while (!vm->error) {
        uint32_t op, arg = 0;
        if (pc >= len)
            return 4;
        if (++vm->steps > max_steps)
            return 5;
        op = code[pc++];
        switch (op) {
        case OP_PUSH:
        case OP_LOAD:
        case OP_STORE:
        case OP_JMP:
        case OP_JZ:
        case OP_JNZ:
        case OP_CALL:
            if (pc >= len)
                return 4;
            arg = code[pc++];
            break;
        default:
            break;
        }
        switch (op) {
        case OP_HALT:
            return 0;
        case OP_PUSH:
            vm_push(vm, arg);
            break;
        case OP_LOAD:
            vm_push(vm, vm->vars[arg % VM_VARS]);
            break;
        case OP_STORE:
            vm->vars[arg % VM_VARS] = vm_pop(vm);
            break;
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_MOD:
        case OP_AND:
        case OP_OR:
        case OP_XOR:
        case OP_SHL:
        case OP_SHR:
        case OP_LT:
        case OP_EQ: {
            uint32_t b = vm_pop(vm);
            uint32_t a = vm_pop(vm);
            vm_push(vm, vm_binary(op, a, b));
            break;
        }
        case OP_NEG:
            vm_push(vm, 0u - vm_pop(vm));
            break;
        case OP_DUP:
            if (vm->sp <= 0)
                return 3;
            vm_push(vm, vm_peek(vm, 0));
            break;
        case OP_DROP:
            (void)vm_pop(vm);
            break;
        case OP_SWAP: {
            uint32_t b = vm_pop(vm);
            uint32_t a = vm_pop(vm);
            vm_push(vm, b);
            vm_push(vm, a);
            break;
        }
        case OP_OVER:
            if (vm->sp < 2)
                return 3;
            vm_push(vm, vm_peek(vm, 1));
            break;
        case OP_JMP:
            pc = arg;
            break;
        case OP_JZ:
            if (vm_pop(vm) == 0)
                pc = arg;
            break;
        case OP_JNZ:
            if (vm_pop(vm) != 0)
                pc = arg;
            break;
        case OP_CALL:
            if (vm->rsp >= VM_RSTACK)
                return 6;
            vm->rstack[vm->rsp++] = (uint32_t)pc;
            pc = arg;
            break;
        case OP_RET:
            if (vm->rsp <= 0)
                return 6;
            pc = vm->rstack[--vm->rsp];
            break;
        case OP_EMIT: {
            uint32_t v = vm_pop(vm);
            vm->out_hash = (vm->out_hash ^ v) * 0x01000193u;
            vm->out_count++;
            vm->last_out = v;
            break;
        }
        case OP_INC:
            vm_push(vm, vm_pop(vm) + 1u);
            break;
        case OP_DEC:
            vm_push(vm, vm_pop(vm) - 1u);
            break;
        default:
            return 7;
        }
    }
    return vm->error;
}

/* acc = sum_{i=1}^{limit-1} i*i */
static void build_sum_squares(Asm *a, uint32_t limit)
{
    int loop = asm_label(a), done = asm_label(a);
    asm_op1(a, OP_PUSH, 1);
    asm_op1(a, OP_STORE, 0);
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 1);
    asm_bind(a, loop);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_PUSH, limit);
    asm_op(a, OP_LT);
    asm_jump(a, OP_JZ, done);
    asm_op1(a, OP_LOAD, 1);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_DUP);
    asm_op(a, OP_MUL);
    asm_op(a, OP_ADD);
    asm_op1(a, OP_STORE, 1);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 0);
    asm_jump(a, OP_JMP, loop);
    asm_bind(a, done);
    asm_op1(a, OP_LOAD, 1);
    asm_op(a, OP_EMIT);
    asm_op(a, OP_HALT);
}

/* iterative Fibonacci modulo 2^32, emits every 10th value */
static void build_fibonacci(Asm *a, uint32_t n)
{
    int loop = asm_label(a), skip = asm_label(a), done = asm_label(a);
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 0); /* a */
    asm_op1(a, OP_PUSH, 1);
    asm_op1(a, OP_STORE, 1); /* b */
    asm_op1(a, OP_PUSH, n);
    asm_op1(a, OP_STORE, 2); /* counter */
    asm_bind(a, loop);
    asm_op1(a, OP_LOAD, 2);
    asm_jump(a, OP_JZ, done);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_LOAD, 1);
    asm_op(a, OP_DUP);
    asm_op1(a, OP_STORE, 0);
    asm_op(a, OP_ADD);
    asm_op1(a, OP_STORE, 1);
    asm_op1(a, OP_LOAD, 2);
    asm_op(a, OP_DEC);
    asm_op(a, OP_DUP);
    asm_op1(a, OP_STORE, 2);
    asm_op1(a, OP_PUSH, 10);
    asm_op(a, OP_MOD);
    asm_jump(a, OP_JNZ, skip);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_EMIT);
    asm_bind(a, skip);
    asm_jump(a, OP_JMP, loop);
    asm_bind(a, done);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_EMIT);
    asm_op(a, OP_HALT);
}

/* recursive factorial using CALL/RET */
static void build_factorial(Asm *a)
{
    int fact = asm_label(a), base = asm_label(a);
    static const uint32_t args[] = {5, 10, 12, 20, 33};
    for (size_t i = 0; i < ARRAY_LEN(args); i++) {
        asm_op1(a, OP_PUSH, args[i]);
        asm_jump(a, OP_CALL, fact);
        asm_op(a, OP_EMIT);
    }
    asm_op(a, OP_HALT);
    asm_bind(a, fact);
    asm_op(a, OP_DUP);
    asm_jump(a, OP_JZ, base);
    asm_op(a, OP_DUP);
    asm_op(a, OP_DEC);
    asm_jump(a, OP_CALL, fact);
    asm_op(a, OP_MUL);
    asm_op(a, OP_RET);
    asm_bind(a, base);
    asm_op(a, OP_DROP);
    asm_op1(a, OP_PUSH, 1);
    asm_op(a, OP_RET);
}

/* counts primes below limit with trial division; emits count and sum */
static void build_primes(Asm *a, uint32_t limit)
{
    int outer = asm_label(a), inner = asm_label(a), is_prime = asm_label(a);
    int next = asm_label(a), done = asm_label(a);
    asm_op1(a, OP_PUSH, 2);
    asm_op1(a, OP_STORE, 0); /* n */
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 2); /* count */
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 3); /* sum */
    asm_bind(a, outer);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_PUSH, limit);
    asm_op(a, OP_LT);
    asm_jump(a, OP_JZ, done);
    asm_op1(a, OP_PUSH, 2);
    asm_op1(a, OP_STORE, 1); /* d */
    asm_bind(a, inner);
    asm_op1(a, OP_LOAD, 1);
    asm_op(a, OP_DUP);
    asm_op(a, OP_MUL);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_SWAP);
    asm_op(a, OP_LT); /* n < d*d */
    asm_jump(a, OP_JNZ, is_prime);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_LOAD, 1);
    asm_op(a, OP_MOD);
    asm_jump(a, OP_JZ, next);
    asm_op1(a, OP_LOAD, 1);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 1);
    asm_jump(a, OP_JMP, inner);
    asm_bind(a, is_prime);
    asm_op1(a, OP_LOAD, 2);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 2);
    asm_op1(a, OP_LOAD, 3);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_ADD);
    asm_op1(a, OP_STORE, 3);
    asm_bind(a, next);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 0);
    asm_jump(a, OP_JMP, outer);
    asm_bind(a, done);
    asm_op1(a, OP_LOAD, 2);
    asm_op(a, OP_EMIT);
    asm_op1(a, OP_LOAD, 3);
    asm_op(a, OP_EMIT);
    asm_op(a, OP_HALT);
}

/* Collatz: longest chain for starting values below limit */
static void build_collatz(Asm *a, uint32_t limit)
{
    int outer = asm_label(a), chain = asm_label(a), odd = asm_label(a);
    int step_done = asm_label(a), chain_done = asm_label(a), not_best = asm_label(a);
    int done = asm_label(a);
    asm_op1(a, OP_PUSH, 1);
    asm_op1(a, OP_STORE, 0); /* start */
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 3); /* best length */
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 4); /* best start */
    asm_bind(a, outer);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_PUSH, limit);
    asm_op(a, OP_LT);
    asm_jump(a, OP_JZ, done);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_STORE, 1); /* x */
    asm_op1(a, OP_PUSH, 0);
    asm_op1(a, OP_STORE, 2); /* steps */
    asm_bind(a, chain);
    asm_op1(a, OP_LOAD, 1);
    asm_op1(a, OP_PUSH, 1);
    asm_op(a, OP_EQ);
    asm_jump(a, OP_JNZ, chain_done);
    asm_op1(a, OP_LOAD, 1);
    asm_op1(a, OP_PUSH, 1);
    asm_op(a, OP_AND);
    asm_jump(a, OP_JNZ, odd);
    asm_op1(a, OP_LOAD, 1);
    asm_op1(a, OP_PUSH, 1);
    asm_op(a, OP_SHR);
    asm_op1(a, OP_STORE, 1);
    asm_jump(a, OP_JMP, step_done);
    asm_bind(a, odd);
    asm_op1(a, OP_LOAD, 1);
    asm_op1(a, OP_PUSH, 3);
    asm_op(a, OP_MUL);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 1);
    asm_bind(a, step_done);
    asm_op1(a, OP_LOAD, 2);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 2);
    asm_jump(a, OP_JMP, chain);
    asm_bind(a, chain_done);
    asm_op1(a, OP_LOAD, 3);
    asm_op1(a, OP_LOAD, 2);
    asm_op(a, OP_LT);
    asm_jump(a, OP_JZ, not_best);
    asm_op1(a, OP_LOAD, 2);
    asm_op1(a, OP_STORE, 3);
    asm_op1(a, OP_LOAD, 0);
    asm_op1(a, OP_STORE, 4);
    asm_bind(a, not_best);
    asm_op1(a, OP_LOAD, 0);
    asm_op(a, OP_INC);
    asm_op1(a, OP_STORE, 0);
    asm_jump(a, OP_JMP, outer);
    asm_bind(a, done);
    asm_op1(a, OP_LOAD, 4);
    asm_op(a, OP_EMIT);
    asm_op1(a, OP_LOAD, 3);
    asm_op(a, OP_EMIT);
    asm_op(a, OP_HALT);
}

typedef void (*ProgramBuilder)(Asm *a);

static void build_sum_squares_1000(Asm *a)
{
    build_sum_squares(a, 1001);
}

static void build_fibonacci_90(Asm *a)
{
    build_fibonacci(a, 90);
}

static void build_primes_3000(Asm *a)
{
    build_primes(a, 3000);
}

static void build_collatz_500(Asm *a)
{
    build_collatz(a, 500);
}

static uint32_t run_vm(void)
{
    static const struct {
        const char *name;
        ProgramBuilder build;
    } programs[] = {
        {"sum_squares", build_sum_squares_1000},
        {"fibonacci", build_fibonacci_90},
        {"factorial", build_factorial},
        {"primes", build_primes_3000},
        {"collatz", build_collatz_500},
    };
    static Asm as;
    static Vm vm;
    uint32_t h = 0;
    for (size_t i = 0; i < ARRAY_LEN(programs); i++) {
        int rc;
        asm_init(&as);
        programs[i].build(&as);
        if (!asm_link(&as)) {
            printf("vm: %s failed to assemble\n", programs[i].name);
            return 0;
        }
        vm_reset(&vm);
        rc = vm_run(&vm, as.code, as.len, 5000000ul);
        printf("vm: %-12s rc=%d code=%u steps=%lu outputs=%u last=%u hash=%08x\n",
               programs[i].name, rc, (unsigned)as.len, vm.steps, vm.out_count,
               (unsigned)vm.last_out, (unsigned)vm.out_hash);
        h = mix32(h, (uint32_t)rc);
        h = mix32(h, vm.out_hash);
        h = mix32(h, (uint32_t)vm.steps);
    }
    return h;
}

/* ======================================================================
 * Tokenizer, expression parser, evaluator and compiler to VM bytecode
 * ====================================================================== */

typedef enum { TK_NUM, TK_IDENT, TK_OP, TK_LPAREN, TK_RPAREN, TK_END, TK_ERROR } TokKind;

typedef struct {
    TokKind kind;
    uint32_t num;
    char op;
    char ident[16];
} Token;

typedef enum { N_NUM, N_VAR, N_NEG, N_BIN } NodeKind;

typedef struct {
    NodeKind kind;
    char op;
    uint32_t value;
    int var;
    int left;
    int right;
} Node;

#define MAX_NODES 256

typedef struct {
    const char *src;
    size_t pos;
    Token tok;
    Node nodes[MAX_NODES];
    int nnodes;
    int error;
} Parser;

static const char *const var_names[] = {"x", "y", "z", "w", "n"};

static int is_space_c(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit_c(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha_c(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static void next_token(Parser *p)
{
    const char *s = p->src;
    while (is_space_c(s[p->pos]))
        p->pos++;
    if (s[p->pos] == '\0') {
        p->tok.kind = TK_END;
        return;
    }
    if (is_digit_c(s[p->pos])) {
        uint32_t v = 0;
        while (is_digit_c(s[p->pos]))
            v = v * 10u + (uint32_t)(s[p->pos++] - '0');
        p->tok.kind = TK_NUM;
        p->tok.num = v;
        return;
    }
    if (is_alpha_c(s[p->pos])) {
        size_t n = 0;
        while (is_alpha_c(s[p->pos]) || is_digit_c(s[p->pos])) {
            if (n + 1 < sizeof p->tok.ident)
                p->tok.ident[n++] = s[p->pos];
            p->pos++;
        }
        p->tok.ident[n] = '\0';
        p->tok.kind = TK_IDENT;
        return;
    }
    switch (s[p->pos]) {
    case '(':
        p->tok.kind = TK_LPAREN;
        break;
    case ')':
        p->tok.kind = TK_RPAREN;
        break;
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '&':
    case '|':
    case '^':
        p->tok.kind = TK_OP;
        p->tok.op = s[p->pos];
        break;
    default:
        p->tok.kind = TK_ERROR;
        break;
    }
    p->pos++;
}

static int new_node(Parser *p, NodeKind kind)
{
    Node *n;
    if (p->nnodes >= MAX_NODES) {
        p->error = 1;
        return 0;
    }
    n = &p->nodes[p->nnodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->left = n->right = -1;
    return p->nnodes++;
}

static int lookup_var(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(var_names); i++)
        if (strcmp(var_names[i], name) == 0)
            return (int)i;
    return -1;
}

static int parse_bitwise(Parser *p);

static int parse_primary(Parser *p)
{
    int id;
    switch (p->tok.kind) {
    case TK_NUM:
        id = new_node(p, N_NUM);
        p->nodes[id].value = p->tok.num;
        next_token(p);
        return id;
    case TK_IDENT:
        id = new_node(p, N_VAR);
        p->nodes[id].var = lookup_var(p->tok.ident);
        if (p->nodes[id].var < 0)
            p->error = 1;
        next_token(p);
        return id;
    case TK_LPAREN:
        next_token(p);
        id = parse_bitwise(p);
        if (p->tok.kind != TK_RPAREN)
            p->error = 1;
        else
            next_token(p);
        return id;
    default:
        p->error = 1;
        return 0;
    }
}

static int parse_unary(Parser *p)
{
    if (p->tok.kind == TK_OP && p->tok.op == '-') {
        int id;
        next_token(p);
        id = new_node(p, N_NEG);
        p->nodes[id].left = parse_unary(p);
        return id;
    }
    return parse_primary(p);
}

static int make_binary(Parser *p, char op, int left, int right)
{
    int id = new_node(p, N_BIN);
    p->nodes[id].op = op;
    p->nodes[id].left = left;
    p->nodes[id].right = right;
    return id;
}

static int parse_term(Parser *p)
{
    int left = parse_unary(p);
    while (!p->error && p->tok.kind == TK_OP &&
           (p->tok.op == '*' || p->tok.op == '/' || p->tok.op == '%')) {
        char op = p->tok.op;
        next_token(p);
        left = make_binary(p, op, left, parse_unary(p));
    }
    return left;
}

static int parse_sum(Parser *p)
{
    int left = parse_term(p);
    while (!p->error && p->tok.kind == TK_OP && (p->tok.op == '+' || p->tok.op == '-')) {
        char op = p->tok.op;
        next_token(p);
        left = make_binary(p, op, left, parse_term(p));
    }
    return left;
}

static int parse_bitwise(Parser *p)
{
    int left = parse_sum(p);
    while (!p->error && p->tok.kind == TK_OP &&
           (p->tok.op == '&' || p->tok.op == '|' || p->tok.op == '^')) {
        char op = p->tok.op;
        next_token(p);
        left = make_binary(p, op, left, parse_sum(p));
    }
    return left;
}

static int parse_expression(Parser *p, const char *src)
{
    int root;
    p->src = src;
    p->pos = 0;
    p->nnodes = 0;
    p->error = 0;
    next_token(p);
    root = parse_bitwise(p);
    if (p->tok.kind != TK_END)
        p->error = 1;
    return p->error ? -1 : root;
}

static uint32_t apply_op(char op, uint32_t a, uint32_t b)
{
    switch (op) {
    case '+':
        return a + b;
    case '-':
        return a - b;
    case '*':
        return a * b;
    case '/':
        return b ? a / b : 0u;
    case '%':
        return b ? a % b : 0u;
    case '&':
        return a & b;
    case '|':
        return a | b;
    case '^':
        return a ^ b;
    default:
        return 0u;
    }
}

static uint32_t eval_node(const Parser *p, int id, const uint32_t *vars)
{
    const Node *n = &p->nodes[id];
    switch (n->kind) {
    case N_NUM:
        return n->value;
    case N_VAR:
        return vars[n->var];
    case N_NEG:
        return 0u - eval_node(p, n->left, vars);
    case N_BIN:
        return apply_op(n->op, eval_node(p, n->left, vars), eval_node(p, n->right, vars));
    }
    return 0u;
}

static uint32_t op_to_opcode(char op)
{
    switch (op) {
    case '+':
        return OP_ADD;
    case '-':
        return OP_SUB;
    case '*':
        return OP_MUL;
    case '/':
        return OP_DIV;
    case '%':
        return OP_MOD;
    case '&':
        return OP_AND;
    case '|':
        return OP_OR;
    default:
        return OP_XOR;
    }
}

static void compile_node(const Parser *p, int id, Asm *a)
{
    const Node *n = &p->nodes[id];
    switch (n->kind) {
    case N_NUM:
        asm_op1(a, OP_PUSH, n->value);
        break;
    case N_VAR:
        asm_op1(a, OP_LOAD, (uint32_t)n->var);
        break;
    case N_NEG:
        compile_node(p, n->left, a);
        asm_op(a, OP_NEG);
        break;
    case N_BIN:
        compile_node(p, n->left, a);
        compile_node(p, n->right, a);
        asm_op(a, op_to_opcode(n->op));
        break;
    }
}

static int count_nodes_depth(const Parser *p, int id, int depth, int *max_depth)
{
    const Node *n = &p->nodes[id];
    int count = 1;
    if (depth > *max_depth)
        *max_depth = depth;
    if (n->left >= 0)
        count += count_nodes_depth(p, n->left, depth + 1, max_depth);
    if (n->right >= 0)
        count += count_nodes_depth(p, n->right, depth + 1, max_depth);
    return count;
}

static uint32_t run_expressions(void)
{
    static const char *const exprs[] = {
        "1 + 2 * 3",
        "(x + y) * (x - y)",
        "x * x * x - 3 * x * y + 7",
        "-(x + 4) * -(y - 9) / 3",
        "((x ^ y) & 255) | (z % 17)",
        "w * 1000003 + n * 65599 - x / (y + 1)",
        "x % 7 * (y % 11) + (z + w + n) * (x - 2)",
        "(((1)))+((2))*(((3)+(4))*5)",
        "x + (y",
        "3 $ 4",
    };
    static Parser parser;
    static Asm as;
    static Vm vm;
    Rng r;
    uint32_t h = 0;
    unsigned mismatches = 0, parse_errors = 0, evaluations = 0;
    rng_seed(&r, 8086u);
    for (size_t e = 0; e < ARRAY_LEN(exprs); e++) {
        int root = parse_expression(&parser, exprs[e]);
        int depth = 0, count;
        uint32_t first = 0;
        if (root < 0) {
            parse_errors++;
            printf("expr: \"%s\" -> parse error\n", exprs[e]);
            continue;
        }
        count = count_nodes_depth(&parser, root, 1, &depth);
        asm_init(&as);
        compile_node(&parser, root, &as);
        asm_op(&as, OP_EMIT);
        asm_op(&as, OP_HALT);
        for (int trial = 0; trial < 40; trial++) {
            uint32_t vars[VM_VARS] = {0};
            uint32_t direct;
            for (size_t v = 0; v < ARRAY_LEN(var_names); v++)
                vars[v] = rng_below(&r, 1000u);
            direct = eval_node(&parser, root, vars);
            vm_reset(&vm);
            memcpy(vm.vars, vars, sizeof vars);
            vm_run(&vm, as.code, as.len, 10000ul);
            if (vm.last_out != direct || vm.out_count != 1)
                mismatches++;
            if (trial == 0)
                first = direct;
            h = mix32(h, direct);
            evaluations++;
        }
        printf("expr: \"%s\" nodes=%d depth=%d code=%u first=%u\n", exprs[e], count, depth,
               (unsigned)as.len, (unsigned)first);
    }
    printf("expr: evaluations=%u mismatches=%u parse_errors=%u\n", evaluations, mismatches,
           parse_errors);
    h = mix32(h, mismatches);
    return mix32(h, parse_errors);
}

/* ======================================================================
 * Text processing: word statistics with a chained string hash map,
 * a CSV state machine, and assorted string routines
 * ====================================================================== */

#define WORD_BUCKETS 64
#define WORD_POOL 256

typedef struct WordEntry {
    char word[24];
    unsigned count;
    int next;
} WordEntry;

typedef struct {
    int buckets[WORD_BUCKETS];
    WordEntry pool[WORD_POOL];
    int used;
} WordMap;

static void wordmap_init(WordMap *m)
{
    for (int i = 0; i < WORD_BUCKETS; i++)
        m->buckets[i] = -1;
    m->used = 0;
}

static char to_lower_c(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int wordmap_add(WordMap *m, const char *w)
{
    uint32_t b = djb2(w) % WORD_BUCKETS;
    int idx = m->buckets[b];
    size_t len;
    while (idx >= 0) {
        if (strcmp(m->pool[idx].word, w) == 0) {
            m->pool[idx].count++;
            return idx;
        }
        idx = m->pool[idx].next;
    }
    if (m->used >= WORD_POOL)
        return -1;
    idx = m->used++;
    len = strlen(w);
    if (len >= sizeof m->pool[idx].word)
        len = sizeof m->pool[idx].word - 1;
    memcpy(m->pool[idx].word, w, len);
    m->pool[idx].word[len] = '\0';
    m->pool[idx].count = 1;
    m->pool[idx].next = m->buckets[b];
    m->buckets[b] = idx;
    return idx;
}

static size_t split_words(const char *text, WordMap *m, size_t *longest)
{
    char word[24];
    size_t n = 0, total = 0;
    *longest = 0;
    for (const char *p = text;; p++) {
        char c = *p;
        if (is_alpha_c((unsigned char)c)) {
            if (n + 1 < sizeof word)
                word[n++] = to_lower_c(c);
        } else {
            if (n > 0) {
                word[n] = '\0';
                wordmap_add(m, word);
                if (n > *longest)
                    *longest = n;
                total++;
                n = 0;
            }
            if (c == '\0')
                break;
        }
    }
    return total;
}

static void reverse_string(char *s, size_t n)
{
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}

static int is_palindrome(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n / 2; i++)
        if (s[i] != s[n - 1 - i])
            return 0;
    return 1;
}

static void caesar(char *s, int shift)
{
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            *s = (char)('a' + ((*s - 'a' + shift + 26) % 26));
        else if (*s >= 'A' && *s <= 'Z')
            *s = (char)('A' + ((*s - 'A' + shift + 26) % 26));
    }
}

typedef enum { CSV_FIELD_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_IN_QUOTED } CsvState;

typedef struct {
    unsigned rows;
    unsigned fields;
    uint32_t qty_sum;
    uint32_t cents_sum;
    uint32_t text_hash;
} CsvStats;

static uint32_t parse_cents(const char *s)
{
    uint32_t whole = 0, frac = 0;
    int frac_digits = 0;
    while (is_digit_c(*s))
        whole = whole * 10u + (uint32_t)(*s++ - '0');
    if (*s == '.') {
        s++;
        while (is_digit_c(*s) && frac_digits < 2) {
            frac = frac * 10u + (uint32_t)(*s++ - '0');
            frac_digits++;
        }
    }
    while (frac_digits < 2) {
        frac *= 10u;
        frac_digits++;
    }
    return whole * 100u + frac;
}

static void csv_field_done(CsvStats *st, const char *field, unsigned col)
{
    st->fields++;
    if (col == 1)
        st->qty_sum += parse_cents(field) / 100u;
    else if (col == 2)
        st->cents_sum += parse_cents(field);
    else
        st->text_hash = mix32(st->text_hash, djb2(field));
}

static void csv_parse(const char *text, CsvStats *st)
{
    char field[64];
    size_t flen = 0;
    unsigned col = 0;
    CsvState state = CSV_FIELD_START;
    memset(st, 0, sizeof *st);
    for (const char *p = text;; p++) {
        char c = *p;
        int end_field = 0, end_row = 0;
        switch (state) {
        case CSV_FIELD_START:
            if (c == '"') {
                state = CSV_QUOTED;
            } else if (c == ',' || c == '\n' || c == '\0') {
                end_field = 1;
                end_row = (c != ',');
            } else {
                state = CSV_UNQUOTED;
                if (flen + 1 < sizeof field)
                    field[flen++] = c;
            }
            break;
        case CSV_UNQUOTED:
            if (c == ',' || c == '\n' || c == '\0') {
                end_field = 1;
                end_row = (c != ',');
            } else if (flen + 1 < sizeof field) {
                field[flen++] = c;
            }
            break;
        case CSV_QUOTED:
            if (c == '"')
                state = CSV_QUOTE_IN_QUOTED;
            else if (c == '\0')
                end_field = end_row = 1;
            else if (flen + 1 < sizeof field)
                field[flen++] = c;
            break;
        case CSV_QUOTE_IN_QUOTED:
            if (c == '"') {
                if (flen + 1 < sizeof field)
                    field[flen++] = '"';
                state = CSV_QUOTED;
            } else {
                end_field = 1;
                end_row = (c != ',');
            }
            break;
        }
        if (end_field) {
            field[flen] = '\0';
            if (!(c == '\0' && col == 0 && flen == 0))
                csv_field_done(st, field, col);
            flen = 0;
            col++;
            state = CSV_FIELD_START;
            if (end_row) {
                if (col > 1)
                    st->rows++;
                col = 0;
            }
        }
        if (c == '\0')
            break;
    }
}

static uint32_t run_text(void)
{
    static const char *paragraph =
        "It was the best of times, it was the worst of times, it was the age of wisdom, "
        "it was the age of foolishness, it was the epoch of belief, it was the epoch of "
        "incredulity, it was the season of Light, it was the season of Darkness, it was "
        "the spring of hope, it was the winter of despair, we had everything before us, "
        "we had nothing before us, we were all going direct to Heaven, we were all going "
        "direct the other way.";
    static const char *csv = "apple,3,1.25\n"
                             "\"banana, ripe\",12,0.5\n"
                             "cherry,100,12.99\n"
                             "\"say \"\"hi\"\"\",1,0.01\n"
                             "date,7,3\n";
    static WordMap map;
    char buf[64];
    CsvStats st;
    size_t longest, total;
    unsigned best_count = 0;
    const char *best_word = "";
    uint32_t h = 0;
    unsigned palindromes = 0;
    static const char *const candidates[] = {"level", "rotor", "abc", "racecar", "ab", "a", ""};

    wordmap_init(&map);
    total = split_words(paragraph, &map, &longest);
    for (int i = 0; i < map.used; i++) {
        if (map.pool[i].count > best_count ||
            (map.pool[i].count == best_count && strcmp(map.pool[i].word, best_word) < 0)) {
            best_count = map.pool[i].count;
            best_word = map.pool[i].word;
        }
        h = mix32(h, djb2(map.pool[i].word) + map.pool[i].count);
    }
    printf("text: words=%u unique=%d longest=%u top=\"%s\"x%u\n", (unsigned)total, map.used,
           (unsigned)longest, best_word, best_count);

    for (size_t i = 0; i < ARRAY_LEN(candidates); i++)
        palindromes += (unsigned)is_palindrome(candidates[i]);
    strcpy(buf, "Hello, Optimizer World");
    caesar(buf, 3);
    h = mix32(h, djb2(buf));
    printf("text: caesar=\"%s\"", buf);
    caesar(buf, -3);
    reverse_string(buf, strlen(buf));
    printf(" reversed=\"%s\" palindromes=%u\n", buf, palindromes);
    h = mix32(h, djb2(buf));

    csv_parse(csv, &st);
    printf("csv: rows=%u fields=%u qty=%u cents=%u\n", st.rows, st.fields, (unsigned)st.qty_sum,
           (unsigned)st.cents_sum);
    h = mix32(h, st.rows * 1000u + st.fields);
    h = mix32(h, st.qty_sum);
    h = mix32(h, st.cents_sum);
    h = mix32(h, st.text_hash);
    return mix32(h, palindromes);
}

/* ======================================================================
 * Recursion
 * ====================================================================== */

static unsigned queens(unsigned n, unsigned row, uint32_t cols, uint32_t d1, uint32_t d2)
{
    unsigned count = 0;
    uint32_t all = (1u << n) - 1u;
    uint32_t avail;
    if (row == n)
        return 1;
    avail = all & ~(cols | d1 | d2);
    while (avail) {
        uint32_t bit = avail & (0u - avail);
        avail ^= bit;
        count += queens(n, row + 1, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
    }
    return count;
}

static void hanoi(unsigned n, unsigned from, unsigned to, unsigned via, uint32_t *moves,
                  uint32_t *h)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to, moves, h);
    (*moves)++;
    *h = *h * 31u + from * 3u + to;
    hanoi(n - 1, via, to, from, moves, h);
}

static uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static void permute(int *a, int k, int n, uint32_t *h, unsigned *count)
{
    if (k == n) {
        uint32_t v = 0;
        for (int i = 0; i < n; i++)
            v = v * 10u + (uint32_t)a[i];
        *h = mix32(*h, v);
        (*count)++;
        return;
    }
    for (int i = k; i < n; i++) {
        int t = a[k];
        a[k] = a[i];
        a[i] = t;
        permute(a, k + 1, n, h, count);
        t = a[k];
        a[k] = a[i];
        a[i] = t;
    }
}

static uint64_t partitions(int n, int max_part, uint64_t memo[64][64])
{
    uint64_t r;
    if (n == 0)
        return 1;
    if (n < 0 || max_part == 0)
        return 0;
    if (memo[n][max_part] != 0)
        return memo[n][max_part];
    r = partitions(n - max_part, max_part, memo) + partitions(n, max_part - 1, memo);
    memo[n][max_part] = r;
    return r;
}

#define FLOOD_N 32

static unsigned flood_fill(uint8_t grid[FLOOD_N][FLOOD_N], int r, int c, uint8_t color)
{
    unsigned filled = 1;
    if (r < 0 || c < 0 || r >= FLOOD_N || c >= FLOOD_N || grid[r][c] != 0)
        return 0;
    grid[r][c] = color;
    filled += flood_fill(grid, r + 1, c, color);
    filled += flood_fill(grid, r - 1, c, color);
    filled += flood_fill(grid, r, c + 1, color);
    filled += flood_fill(grid, r, c - 1, color);
    return filled;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    return b == 0 ? a : gcd_u64(b, a % b);
}

static uint64_t power_mod(uint64_t base, uint64_t exp, uint64_t mod)
{
    uint64_t half;
    if (exp == 0)
        return 1 % mod;
    half = power_mod(base, exp / 2, mod);
    half = half * half % mod;
    if (exp & 1u)
        half = half * (base % mod) % mod;
    return half;
}

static uint32_t run_recursion(void)
{
    static uint64_t memo[64][64];
    static uint8_t grid[FLOOD_N][FLOOD_N];
    int perm[7] = {1, 2, 3, 4, 5, 6, 7};
    uint32_t h = 0, moves = 0, hanoi_hash = 0, perm_hash = 0;
    unsigned nq[9], perm_count = 0, regions = 0, largest = 0;
    uint64_t p50, g, pm;
    Rng r;
    for (unsigned n = 1; n <= 8; n++) {
        nq[n] = queens(n, 0, 0, 0, 0);
        h = mix32(h, nq[n]);
    }
    hanoi(14, 0, 2, 1, &moves, &hanoi_hash);
    permute(perm, 0, 7, &perm_hash, &perm_count);
    memset(memo, 0, sizeof memo);
    p50 = partitions(50, 50, memo);
    g = gcd_u64(1134903170ull * 21ull, 701408733ull * 34ull);
    pm = power_mod(7, 1000003, 1000000007ull);
    rng_seed(&r, 4321u);
    for (int i = 0; i < FLOOD_N; i++)
        for (int j = 0; j < FLOOD_N; j++)
            grid[i][j] = rng_below(&r, 100u) < 42u ? 255u : 0u;
    for (int i = 0; i < FLOOD_N; i++)
        for (int j = 0; j < FLOOD_N; j++)
            if (grid[i][j] == 0) {
                unsigned size = flood_fill(grid, i, j, (uint8_t)(1u + regions % 200u));
                regions++;
                if (size > largest)
                    largest = size;
            }
    printf("recursion: queens(8)=%u hanoi=%u perms=%u p(50)=%llu ack(2,3)=%u ack(3,3)=%u\n",
           nq[8], (unsigned)moves, perm_count, (unsigned long long)p50,
           (unsigned)ackermann(2, 3), (unsigned)ackermann(3, 3));
    printf("recursion: gcd=%llu powmod=%llu regions=%u largest=%u\n", (unsigned long long)g,
           (unsigned long long)pm, regions, largest);
    h = mix32(h, moves);
    h = mix32(h, hanoi_hash);
    h = mix32(h, perm_hash);
    h = mix64(h, p50);
    h = mix64(h, g);
    h = mix64(h, pm);
    h = mix32(h, ackermann(3, 3));
    h = mix32(h, regions * 4096u + largest);
    return h;
}

/* ======================================================================
 * Function pointers: map / filter / fold pipelines
 * ====================================================================== */

typedef uint32_t (*UnaryFn)(uint32_t);
typedef int (*PredFn)(uint32_t);
typedef uint32_t (*BinaryFn)(uint32_t, uint32_t);

static uint32_t f_square(uint32_t x)
{
    return x * x;
}

static uint32_t f_affine(uint32_t x)
{
    return 3u * x + 1u;
}

static uint32_t f_xorshift(uint32_t x)
{
    x ^= x << 7;
    x ^= x >> 9;
    return x;
}

static uint32_t f_halve(uint32_t x)
{
    return x >> 1;
}

static uint32_t f_rotate(uint32_t x)
{
    return rotl32(x, 11);
}

static int p_even(uint32_t x)
{
    return (x & 1u) == 0;
}

static int p_small(uint32_t x)
{
    return x < 0x40000000u;
}

static int p_bit5(uint32_t x)
{
    return (x >> 5) & 1u;
}

static uint32_t b_add(uint32_t a, uint32_t b)
{
    return a + b;
}

static uint32_t b_xor(uint32_t a, uint32_t b)
{
    return a ^ b;
}

static uint32_t b_max(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

static void map_array(uint32_t *a, size_t n, UnaryFn f)
{
    for (size_t i = 0; i < n; i++)
        a[i] = f(a[i]);
}

static size_t filter_array(const uint32_t *in, size_t n, uint32_t *out, PredFn p)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (p(in[i]))
            out[k++] = in[i];
    return k;
}

static uint32_t fold_array(const uint32_t *a, size_t n, uint32_t init, BinaryFn f)
{
    uint32_t acc = init;
    for (size_t i = 0; i < n; i++)
        acc = f(acc, a[i]);
    return acc;
}

static uint32_t run_function_pointers(void)
{
    static const UnaryFn maps[] = {f_square, f_affine, f_xorshift, f_halve, f_rotate};
    static const PredFn preds[] = {p_even, p_small, p_bit5};
    static const BinaryFn folds[] = {b_add, b_xor, b_max};
    static uint32_t data[512], filtered[512];
    Rng r;
    uint32_t h = 0;
    rng_seed(&r, 1999u);
    for (int i = 0; i < 512; i++)
        data[i] = rng_next(&r);
    for (int round = 0; round < 30; round++) {
        UnaryFn m = maps[rng_below(&r, (uint32_t)ARRAY_LEN(maps))];
        PredFn p = preds[rng_below(&r, (uint32_t)ARRAY_LEN(preds))];
        BinaryFn f = folds[rng_below(&r, (uint32_t)ARRAY_LEN(folds))];
        size_t kept;
        map_array(data, 512, m);
        kept = filter_array(data, 512, filtered, p);
        h = mix32(h, (uint32_t)kept);
        h = mix32(h, fold_array(filtered, kept, (uint32_t)round, f));
        /* keep the data from collapsing to zero */
        for (int i = 0; i < 512; i++)
            data[i] ^= rng_next(&r) & 0xFFFFu;
    }
    printf("funcptr: final fold=%08x sum=%08x\n", (unsigned)h,
           (unsigned)fold_array(data, 512, 0, b_add));
    return h;
}

/* ======================================================================
 * Structs: a small particle simulation in double precision
 * ====================================================================== */

typedef struct {
    double x;
    double y;
} Vec2;

typedef struct {
    Vec2 pos;
    Vec2 vel;
    double mass;
    unsigned bounces;
} Particle;

static Vec2 v2(double x, double y)
{
    Vec2 v;
    v.x = x;
    v.y = y;
    return v;
}

static Vec2 v2_add(Vec2 a, Vec2 b)
{
    return v2(a.x + b.x, a.y + b.y);
}

static Vec2 v2_scale(Vec2 a, double s)
{
    return v2(a.x * s, a.y * s);
}

static double v2_dot(Vec2 a, Vec2 b)
{
    return a.x * b.x + a.y * b.y;
}

static void particle_step(Particle *p, Vec2 gravity, double dt, double size)
{
    p->vel = v2_add(p->vel, v2_scale(gravity, dt));
    p->pos = v2_add(p->pos, v2_scale(p->vel, dt));
    if (p->pos.x < 0.0) {
        p->pos.x = -p->pos.x;
        p->vel.x = -p->vel.x * 0.9;
        p->bounces++;
    } else if (p->pos.x > size) {
        p->pos.x = 2.0 * size - p->pos.x;
        p->vel.x = -p->vel.x * 0.9;
        p->bounces++;
    }
    if (p->pos.y < 0.0) {
        p->pos.y = -p->pos.y;
        p->vel.y = -p->vel.y * 0.9;
        p->bounces++;
    } else if (p->pos.y > size) {
        p->pos.y = 2.0 * size - p->pos.y;
        p->vel.y = -p->vel.y * 0.9;
        p->bounces++;
    }
}

static double kinetic_energy(const Particle *ps, size_t n)
{
    double e = 0.0;
    for (size_t i = 0; i < n; i++)
        e += 0.5 * ps[i].mass * v2_dot(ps[i].vel, ps[i].vel);
    return e;
}

static Vec2 center_of_mass(const Particle *ps, size_t n)
{
    Vec2 c = v2(0.0, 0.0);
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        c = v2_add(c, v2_scale(ps[i].pos, ps[i].mass));
        total += ps[i].mass;
    }
    return v2_scale(c, 1.0 / total);
}

static uint32_t run_particles(void)
{
    enum { NP = 48, STEPS = 250 };
    static Particle ps[NP];
    Rng r;
    Vec2 gravity = v2(0.0, -9.81);
    Vec2 com;
    double e0, e1;
    unsigned bounces = 0;
    uint32_t h = 0;
    rng_seed(&r, 6502u);
    for (int i = 0; i < NP; i++) {
        /* separate statements: argument evaluation order is unspecified */
        double px = rng_unit(&r) * 10.0;
        double py = rng_unit(&r) * 10.0;
        double vx = rng_unit(&r) * 4.0 - 2.0;
        double vy = rng_unit(&r) * 4.0 - 2.0;
        ps[i].pos = v2(px, py);
        ps[i].vel = v2(vx, vy);
        ps[i].mass = 0.5 + rng_unit(&r);
        ps[i].bounces = 0;
    }
    e0 = kinetic_energy(ps, NP);
    for (int s = 0; s < STEPS; s++)
        for (int i = 0; i < NP; i++)
            particle_step(&ps[i], gravity, 0.01, 10.0);
    e1 = kinetic_energy(ps, NP);
    com = center_of_mass(ps, NP);
    for (int i = 0; i < NP; i++)
        bounces += ps[i].bounces;
    printf("particles: e0=%.6f e1=%.6f com=(%.6f, %.6f) bounces=%u\n", e0, e1, com.x, com.y,
           bounces);
    h = mix_double(h, e0, 1e4);
    h = mix_double(h, e1, 1e4);
    h = mix_double(h, com.x, 1e4);
    h = mix_double(h, com.y, 1e4);
    return mix32(h, bounces);
}

/* ======================================================================
 * Driver
 * ====================================================================== */

typedef uint32_t (*SectionFn)(void);

typedef struct {
    const char *name;
    SectionFn run;
    uint32_t expected;
} Section;

static const Section sections[] = {
    {"bits", run_bits, 0xd17877a0u},
    {"hashes", run_hashes, 0xefff210eu},
    {"hashtable", run_hashtable, 0x5ed51df1u},
    {"sorting", run_sorting, 0xf517fe43u},
    {"compression", run_compression, 0xf2941715u},
    {"numeric", run_numeric, 0xca5b98b5u},
    {"dp", run_dp, 0x5ba70d37u},
    {"graph", run_graph, 0xd455f0b0u},
    {"vm", run_vm, 0xd74ed368u},
    {"expressions", run_expressions, 0x093ee484u},
    {"text", run_text, 0x04560fa1u},
    {"recursion", run_recursion, 0xe54d3c63u},
    {"funcptr", run_function_pointers, 0xaccfbb49u},
    {"particles", run_particles, 0x12654eb4u},
};

int main(void)
{
    uint32_t total = 0;
    unsigned failures = 0;
    for (size_t i = 0; i < ARRAY_LEN(sections); i++) {
        uint32_t got = sections[i].run();
        printf("[%s] checksum=0x%08x\n", sections[i].name, (unsigned)got);
        if (got != sections[i].expected) {
            printf("FAIL %s: got 0x%08x expected 0x%08x\n", sections[i].name, (unsigned)got,
                   (unsigned)sections[i].expected);
            failures++;
        }
        total = mix32(total, got);
    }
    printf("total checksum=0x%08x\n", (unsigned)total);
    if (failures) {
        printf("FAIL %u section(s)\n", failures);
        return 1;
    }
    printf("OK\n");
    return 0;
}
