// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * sorting.c - A collection of sorting algorithms on records and integers:
 * insertion sort, shellsort, quicksort (median-of-three, insertion cutoff,
 * recursion on the smaller half), top-down and bottom-up mergesort,
 * heapsort, LSD radix sort and counting sort.
 *
 * Every algorithm is run over several generated distributions; results are
 * checked for sortedness, for permutation (multiset fingerprint), against
 * libc qsort, and for stability where the algorithm promises it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 6000

#define WANT_ORDER UINT64_C(0x3331995d9face2d2)
#define WANT_COUNTS UINT64_C(0x50423f083b547ba7)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    uint32_t key;
    uint32_t seq; /* original position, for stability checks */
} Rec;

typedef int (*CmpFn)(const Rec *a, const Rec *b);

static unsigned long comparisons;

static int cmp_key(const Rec *a, const Rec *b)
{
    comparisons++;
    return (a->key > b->key) - (a->key < b->key);
}

static int cmp_key_desc(const Rec *a, const Rec *b)
{
    return cmp_key(b, a);
}

static int qsort_cmp(const void *a, const void *b)
{
    const Rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void swap_rec(Rec *a, Rec *b)
{
    Rec t = *a;
    *a = *b;
    *b = t;
}

/* ---- insertion sort ---- */
static void insertion_sort(Rec *a, size_t n, CmpFn cmp)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        Rec v = a[i];
        for (j = i; j > 0 && cmp(&a[j - 1], &v) > 0; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* ---- shellsort with Ciura's gaps ---- */
static void shell_sort(Rec *a, size_t n, CmpFn cmp)
{
    static const size_t gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
    size_t g, i, j;
    for (g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (i = gap; i < n; i++) {
            Rec v = a[i];
            for (j = i; j >= gap && cmp(&a[j - gap], &v) > 0; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

/* ---- quicksort ---- */
static size_t median3(Rec *a, size_t lo, size_t mid, size_t hi, CmpFn cmp)
{
    if (cmp(&a[lo], &a[mid]) > 0)
        swap_rec(&a[lo], &a[mid]);
    if (cmp(&a[mid], &a[hi]) > 0)
        swap_rec(&a[mid], &a[hi]);
    if (cmp(&a[lo], &a[mid]) > 0)
        swap_rec(&a[lo], &a[mid]);
    return mid;
}

static void quick_sort_range(Rec *a, size_t lo, size_t hi, CmpFn cmp)
{
    while (hi - lo > 16) {
        size_t m = median3(a, lo, lo + (hi - lo) / 2, hi, cmp);
        Rec pivot = a[m];
        size_t i = lo, j = hi;
        /* Hoare partition */
        for (;;) {
            while (cmp(&a[i], &pivot) < 0)
                i++;
            while (cmp(&a[j], &pivot) > 0)
                j--;
            if (i >= j)
                break;
            swap_rec(&a[i], &a[j]);
            i++;
            j--;
        }
        /* recurse on the smaller side, loop on the larger */
        if (j - lo < hi - j) {
            quick_sort_range(a, lo, j, cmp);
            lo = j + 1;
        } else {
            quick_sort_range(a, j + 1, hi, cmp);
            hi = j;
        }
    }
    insertion_sort(a + lo, hi - lo + 1, cmp);
}

static void quick_sort(Rec *a, size_t n, CmpFn cmp)
{
    if (n > 1)
        quick_sort_range(a, 0, n - 1, cmp);
}

/* ---- mergesort ---- */
static Rec scratch[N];

static void merge(Rec *a, size_t lo, size_t mid, size_t hi, CmpFn cmp)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        scratch[k++] = cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
    while (i < mid)
        scratch[k++] = a[i++];
    while (j < hi)
        scratch[k++] = a[j++];
    memcpy(a + lo, scratch + lo, (hi - lo) * sizeof(Rec));
}

static void merge_sort_td(Rec *a, size_t lo, size_t hi, CmpFn cmp)
{
    size_t mid;
    if (hi - lo < 2)
        return;
    mid = lo + (hi - lo) / 2;
    merge_sort_td(a, lo, mid, cmp);
    merge_sort_td(a, mid, hi, cmp);
    if (cmp(&a[mid - 1], &a[mid]) <= 0)
        return; /* already ordered */
    merge(a, lo, mid, hi, cmp);
}

static void merge_sort_top(Rec *a, size_t n, CmpFn cmp)
{
    merge_sort_td(a, 0, n, cmp);
}

static void merge_sort_bottom(Rec *a, size_t n, CmpFn cmp)
{
    size_t width, lo;
    for (width = 1; width < n; width *= 2)
        for (lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(a, lo, lo + width, hi, cmp);
        }
}

/* ---- heapsort ---- */
static void sift_down(Rec *a, size_t root, size_t n, CmpFn cmp)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(&a[child], &a[child + 1]) < 0)
            child++;
        if (cmp(&a[root], &a[child]) >= 0)
            return;
        swap_rec(&a[root], &a[child]);
        root = child;
    }
}

static void heap_sort(Rec *a, size_t n, CmpFn cmp)
{
    size_t i;
    if (n < 2)
        return;
    for (i = n / 2; i-- > 0;)
        sift_down(a, i, n, cmp);
    for (i = n - 1; i > 0; i--) {
        swap_rec(&a[0], &a[i]);
        sift_down(a, 0, i, cmp);
    }
}

/* ---- LSD radix sort (ascending only, stable) ---- */
static void radix_sort(Rec *a, size_t n, CmpFn cmp)
{
    size_t count[256];
    int shift;
    size_t i;
    (void)cmp;
    for (shift = 0; shift < 32; shift += 8) {
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(a[i].key >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            scratch[count[(a[i].key >> shift) & 0xFF]++] = a[i];
        memcpy(a, scratch, n * sizeof(Rec));
    }
}

/* ---- counting sort on small keys (uint16 range assumed) ---- */
static uint32_t counting_sort_u16(uint16_t *v, size_t n)
{
    static uint32_t hist[65536];
    size_t i, out = 0;
    uint32_t distinct = 0, k;
    memset(hist, 0, sizeof hist);
    for (i = 0; i < n; i++)
        hist[v[i]]++;
    for (k = 0; k < 65536; k++) {
        uint32_t c = hist[k];
        distinct += c != 0;
        while (c--)
            v[out++] = (uint16_t)k;
    }
    return distinct;
}

/* ---- data generation ---- */
static uint64_t rs = 88172645463325252u;

static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 16);
}

static void fill(Rec *a, size_t n, int dist)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t k;
        switch (dist) {
        case 0: k = rnd(); break;                           /* uniform */
        case 1: k = rnd() % 50; break;                      /* many duplicates */
        case 2: k = (uint32_t)i * 3; break;                 /* sorted */
        case 3: k = (uint32_t)(n - i) * 5; break;           /* reversed */
        case 4: k = (uint32_t)(i % 2 ? i : n - i); break;   /* organ pipe-ish */
        default: k = (uint32_t)i ^ (rnd() % 8 == 0 ? rnd() : 0); break; /* nearly sorted */
        }
        a[i].key = k;
        a[i].seq = (uint32_t)i;
    }
}

static uint64_t multiset_fp(const Rec *a, size_t n)
{
    uint64_t s = 0, x = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t h = (a[i].key + UINT64_C(0x9E3779B97F4A7C15)) * UINT64_C(0xBF58476D1CE4E5B9);
        s += h ^ (h >> 31);
        x ^= h;
    }
    return s ^ (x << 1);
}

typedef struct {
    const char *name;
    void (*sort)(Rec *, size_t, CmpFn);
    int stable;
    int can_desc;
    size_t max_n;
} Algo;

int main(void)
{
    static Rec base[N], work[N], ref[N];
    static uint16_t small[20000];
    static const Algo algos[] = {
        {"insertion", insertion_sort, 1, 1, 1500},
        {"shell", shell_sort, 0, 1, N},
        {"quick", quick_sort, 0, 1, N},
        {"merge-td", merge_sort_top, 1, 1, N},
        {"merge-bu", merge_sort_bottom, 1, 1, N},
        {"heap", heap_sort, 0, 1, N},
        {"radix", radix_sort, 1, 0, N},
    };
    const size_t nalgo = sizeof algos / sizeof algos[0];
    uint64_t order_mix = 0, count_mix = 0;
    int dist;
    size_t ai, i;

    for (dist = 0; dist < 6; dist++) {
        static const size_t sizes[6] = {N, 4000, 1000, 800, 1500, 1200};
        size_t n = sizes[dist];
        fill(base, n, dist);
        memcpy(ref, base, n * sizeof(Rec));
        qsort(ref, n, sizeof(Rec), qsort_cmp);
        printf("dist %d n=%4lu:", dist, (unsigned long)n);
        for (ai = 0; ai < nalgo; ai++) {
            const Algo *al = &algos[ai];
            int desc;
            if (n > al->max_n)
                continue; /* quadratic algorithms only on the smaller inputs */
            for (desc = 0; desc <= al->can_desc; desc++) {
                CmpFn cmp = desc ? cmp_key_desc : cmp_key;
                int ok = 1;
                unsigned long used;
                memcpy(work, base, n * sizeof(Rec));
                comparisons = 0;
                al->sort(work, n, cmp);
                used = comparisons;
                for (i = 1; i < n && ok; i++) {
                    int c = desc ? cmp_key(&work[i], &work[i - 1]) : cmp_key(&work[i - 1], &work[i]);
                    if (c > 0)
                        ok = 0;
                    else if (al->stable && c == 0 && work[i - 1].seq > work[i].seq)
                        ok = 0;
                }
                if (multiset_fp(work, n) != multiset_fp(base, n))
                    ok = 0;
                if (!desc && al->stable && memcmp(work, ref, n * sizeof(Rec)) != 0)
                    ok = 0;
                for (i = 0; i < n && !desc && ok; i++)
                    if (work[i].key != ref[i].key)
                        ok = 0;
                if (!ok) {
                    printf("\nFAIL %s dist %d desc %d\n", al->name, dist, desc);
                    failures++;
                }
                if (!desc)
                    printf(" %s=%lu", al->name, used);
                count_mix = count_mix * 1000003u + used;
            }
        }
        printf("\n");
        for (i = 0; i < n; i++)
            order_mix = order_mix * 31 + ref[i].seq;
    }

    for (i = 0; i < sizeof small / sizeof small[0]; i++)
        small[i] = (uint16_t)(rnd() % 1000 * 61);
    {
        uint32_t distinct = counting_sort_u16(small, sizeof small / sizeof small[0]);
        for (i = 1; i < sizeof small / sizeof small[0]; i++)
            if (small[i - 1] > small[i]) {
                printf("FAIL counting sort\n");
                failures++;
                break;
            }
        printf("counting sort: %u distinct, min=%u max=%u median=%u\n", (unsigned)distinct,
               (unsigned)small[0], (unsigned)small[19999], (unsigned)small[10000]);
        order_mix ^= (uint64_t)distinct << 40 ^ small[10000];
    }

    check("ORDER", order_mix, WANT_ORDER);
    check("COUNTS", count_mix, WANT_COUNTS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
