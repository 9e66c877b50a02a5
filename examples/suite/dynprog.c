// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * dynprog.c - Dynamic programming kernels: Levenshtein edit distance
 * (full table and two-row variants), LCS with reconstruction, 0/1 knapsack
 * (2-D table with item recovery and 1-D rolling array), matrix-chain
 * ordering with parenthesisation, longest increasing subsequence
 * (O(n^2) and patience sorting), coin-change counting and longest
 * palindromic subsequence.  Each kernel is cross-checked by a second
 * formulation where one exists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_EDIT UINT64_C(0x00129e3a93d2c1fb)
#define WANT_LCS UINT64_C(0x168f24ec1bd15f9a)
#define WANT_KNAP UINT64_C(0x06fc5081a1e0b964)
#define WANT_CHAIN UINT64_C(0x4941f3b65f9266cb)
#define WANT_MISC UINT64_C(0x000406ee72d76f72)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL %s\n", what);
        failures++;
    }
}

static uint32_t seed = 99u;

static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

static int max2(int a, int b) { return a > b ? a : b; }

/* ---- edit distance ---- */
#define MAXS 400

static int edit_full(const char *a, const char *b)
{
    static int d[MAXS + 1][MAXS + 1];
    int n = (int)strlen(a), m = (int)strlen(b), i, j;
    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++)
        for (j = 1; j <= m; j++)
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                           d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
    return d[n][m];
}

static int edit_two_rows(const char *a, const char *b)
{
    int prev[MAXS + 1], cur[MAXS + 1];
    int n = (int)strlen(a), m = (int)strlen(b), i, j;
    for (j = 0; j <= m; j++)
        prev[j] = j;
    for (i = 1; i <= n; i++) {
        cur[0] = i;
        for (j = 1; j <= m; j++)
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
        memcpy(prev, cur, (size_t)(m + 1) * sizeof(int));
    }
    return prev[m];
}

/* ---- LCS with reconstruction ---- */
static int lcs(const char *a, const char *b, char *out)
{
    static unsigned short L[MAXS + 1][MAXS + 1];
    int n = (int)strlen(a), m = (int)strlen(b), i, j, k;
    for (i = n; i >= 0; i--)
        for (j = m; j >= 0; j--) {
            if (i == n || j == m)
                L[i][j] = 0;
            else if (a[i] == b[j])
                L[i][j] = (unsigned short)(L[i + 1][j + 1] + 1);
            else
                L[i][j] = L[i + 1][j] > L[i][j + 1] ? L[i + 1][j] : L[i][j + 1];
        }
    i = j = k = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            out[k++] = a[i];
            i++;
            j++;
        } else if (L[i + 1][j] >= L[i][j + 1]) {
            i++;
        } else {
            j++;
        }
    }
    out[k] = '\0';
    return L[0][0];
}

static int is_subsequence(const char *sub, const char *s)
{
    while (*sub && *s) {
        if (*sub == *s)
            sub++;
        s++;
    }
    return *sub == '\0';
}

/* ---- knapsack ---- */
typedef struct {
    int weight, value;
} Item;

#define MAXI 60
#define MAXW 1000

static int knap_2d(const Item *it, int n, int cap, int *chosen)
{
    static int K[MAXI + 1][MAXW + 1];
    int i, w;
    for (w = 0; w <= cap; w++)
        K[0][w] = 0;
    for (i = 1; i <= n; i++)
        for (w = 0; w <= cap; w++) {
            K[i][w] = K[i - 1][w];
            if (it[i - 1].weight <= w)
                K[i][w] = max2(K[i][w], K[i - 1][w - it[i - 1].weight] + it[i - 1].value);
        }
    for (i = n, w = cap; i > 0; i--) {
        chosen[i - 1] = K[i][w] != K[i - 1][w];
        if (chosen[i - 1])
            w -= it[i - 1].weight;
    }
    return K[n][cap];
}

static int knap_1d(const Item *it, int n, int cap)
{
    int best[MAXW + 1], i, w;
    memset(best, 0, sizeof best);
    for (i = 0; i < n; i++)
        for (w = cap; w >= it[i].weight; w--)
            best[w] = max2(best[w], best[w - it[i].weight] + it[i].value);
    return best[cap];
}

/* ---- matrix chain ---- */
#define MAXM 24

static uint64_t chain_cost[MAXM][MAXM];
static int chain_split[MAXM][MAXM];

static uint64_t matrix_chain(const uint32_t *dims, int n)
{
    int len, i, j, k;
    for (i = 0; i < n; i++)
        chain_cost[i][i] = 0;
    for (len = 2; len <= n; len++)
        for (i = 0; i + len - 1 < n; i++) {
            j = i + len - 1;
            chain_cost[i][j] = UINT64_MAX;
            for (k = i; k < j; k++) {
                uint64_t c = chain_cost[i][k] + chain_cost[k + 1][j] +
                             (uint64_t)dims[i] * dims[k + 1] * dims[j + 1];
                if (c < chain_cost[i][j]) {
                    chain_cost[i][j] = c;
                    chain_split[i][j] = k;
                }
            }
        }
    return chain_cost[0][n - 1];
}

static int paren(int i, int j, char *out, int pos)
{
    if (i == j) {
        pos += sprintf(out + pos, "M%d", i);
        return pos;
    }
    out[pos++] = '(';
    pos = paren(i, chain_split[i][j], out, pos);
    pos = paren(chain_split[i][j] + 1, j, out, pos);
    out[pos++] = ')';
    out[pos] = '\0';
    return pos;
}

/* evaluate the cost of a parenthesisation string directly, as a check */
static uint64_t eval_paren(const char **p, const uint32_t *dims, uint32_t *rows, uint32_t *cols)
{
    if (**p == 'M') {
        char *end;
        int idx = (int)strtol(*p + 1, &end, 10);
        *p = end;
        *rows = dims[idx];
        *cols = dims[idx + 1];
        return 0;
    } else {
        uint32_t r1, c1, r2, c2;
        uint64_t cost;
        (*p)++; /* '(' */
        cost = eval_paren(p, dims, &r1, &c1);
        cost += eval_paren(p, dims, &r2, &c2);
        (*p)++; /* ')' */
        *rows = r1;
        *cols = c2;
        return cost + (uint64_t)r1 * c1 * c2;
    }
}

/* ---- LIS ---- */
static int lis_quadratic(const int *v, int n)
{
    static int len[2000];
    int i, j, best = 0;
    for (i = 0; i < n; i++) {
        len[i] = 1;
        for (j = 0; j < i; j++)
            if (v[j] < v[i] && len[j] + 1 > len[i])
                len[i] = len[j] + 1;
        best = max2(best, len[i]);
    }
    return best;
}

static int lis_patience(const int *v, int n)
{
    static int tails[2000];
    int size = 0, i;
    for (i = 0; i < n; i++) {
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (tails[mid] < v[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        tails[lo] = v[i];
        if (lo == size)
            size++;
    }
    return size;
}

/* ---- coin change ways (uint64) and longest palindromic subsequence ---- */
static uint64_t coin_ways(const int *coins, int nc, int amount)
{
    static uint64_t ways[10001];
    int c, a;
    memset(ways, 0, sizeof ways);
    ways[0] = 1;
    for (c = 0; c < nc; c++)
        for (a = coins[c]; a <= amount; a++)
            ways[a] += ways[a - coins[c]];
    return ways[amount];
}

static int lps(const char *s)
{
    static unsigned short T[MAXS][MAXS];
    int n = (int)strlen(s), i, j;
    for (i = n - 1; i >= 0; i--) {
        T[i][i] = 1;
        for (j = i + 1; j < n; j++)
            T[i][j] = s[i] == s[j] ? (unsigned short)(T[i + 1][j - 1] + 2)
                                   : (T[i + 1][j] > T[i][j - 1] ? T[i + 1][j] : T[i][j - 1]);
    }
    return n ? T[0][n - 1] : 0;
}

static void random_dna(char *s, int n)
{
    static const char bases[] = "ACGT";
    int i;
    for (i = 0; i < n; i++)
        s[i] = bases[rnd(4)];
    s[n] = '\0';
}

static void mutate(const char *src, char *dst, int rate)
{
    int o = 0;
    for (; *src; src++) {
        uint32_t r = rnd(100);
        if ((int)r < rate / 3)
            continue; /* deletion */
        if ((int)r < 2 * rate / 3)
            dst[o++] = "ACGT"[rnd(4)]; /* insertion before */
        dst[o++] = (int)r < rate ? "ACGT"[rnd(4)] : *src;
        if (o >= MAXS - 2)
            break;
    }
    dst[o] = '\0';
}

int main(void)
{
    static char a[MAXS + 1], b[MAXS + 1], common[MAXS + 1], parens[512];
    Item items[MAXI];
    int chosen[MAXI];
    uint32_t dims[MAXM + 1];
    int seq[2000];
    static const int coins[] = {1, 2, 5, 10, 20, 50, 100, 200};
    uint64_t edit_mix = 0, lcs_mix = 0, knap_mix = 0, chain_mix = 0, misc = 0;
    int t, i;

    for (t = 0; t < 6; t++) {
        int e1, e2, l;
        random_dna(a, 150 + 40 * t);
        mutate(a, b, 5 + 6 * t);
        e1 = edit_full(a, b);
        e2 = edit_two_rows(a, b);
        l = lcs(a, b, common);
        expect(e1 == e2, "edit distance variants");
        expect((int)strlen(common) == l && is_subsequence(common, a) && is_subsequence(common, b),
               "lcs reconstruction");
        /* edit distance bounds: |n-m| <= d <= n+m-2*lcs */
        expect(e1 <= (int)(strlen(a) + strlen(b)) - 2 * l, "edit/lcs bound");
        printf("pair %d: |a|=%3d |b|=%3d edit=%3d lcs=%3d lps(a)=%3d\n", t, (int)strlen(a),
               (int)strlen(b), e1, l, lps(a));
        edit_mix = edit_mix * 1009 + (uint32_t)e1;
        lcs_mix = (lcs_mix ^ (uint32_t)l) * UINT64_C(0x100000001b3);
        for (i = 0; common[i]; i++)
            lcs_mix = lcs_mix * 31 + (uint8_t)common[i];
        misc = misc * 7 + (uint32_t)lps(a);
    }
    expect(edit_full("kitten", "sitting") == 3, "kitten/sitting");
    expect(edit_full("", "abc") == 3 && edit_two_rows("flaw", "lawn") == 2, "edit small cases");

    for (t = 0; t < 4; t++) {
        int n = 20 + 12 * t, cap = 200 + 250 * t, v2d, v1d, wsum = 0, vsum = 0;
        for (i = 0; i < n; i++) {
            items[i].weight = 5 + (int)rnd(60);
            items[i].value = items[i].weight * 2 + (int)rnd(50) - 20;
            if (items[i].value < 1)
                items[i].value = 1;
        }
        v2d = knap_2d(items, n, cap, chosen);
        v1d = knap_1d(items, n, cap);
        for (i = 0; i < n; i++)
            if (chosen[i]) {
                wsum += items[i].weight;
                vsum += items[i].value;
            }
        expect(v2d == v1d && vsum == v2d && wsum <= cap, "knapsack consistency");
        printf("knapsack %d: n=%d cap=%d best=%d weight=%d\n", t, n, cap, v2d, wsum);
        knap_mix = knap_mix * 10007 + (uint32_t)v2d * 1000u + (uint32_t)wsum;
    }

    for (t = 0; t < 3; t++) {
        int n = 8 + 7 * t;
        uint64_t best, direct;
        uint32_t r, c;
        const char *p = parens;
        for (i = 0; i <= n; i++)
            dims[i] = 5 + rnd(95);
        best = matrix_chain(dims, n);
        paren(0, n - 1, parens, 0);
        direct = eval_paren(&p, dims, &r, &c);
        expect(direct == best && r == dims[0] && c == dims[n], "matrix chain reconstruction");
        printf("chain %d: n=%2d cost=%llu %s\n", t, n, (unsigned long long)best,
               n <= 8 ? parens : "(...)");
        chain_mix = chain_mix * 1000003u + best;
        for (i = 0; parens[i]; i++)
            chain_mix = chain_mix * 3 + (uint8_t)parens[i];
    }

    for (i = 0; i < 2000; i++)
        seq[i] = (int)rnd(5000) + i; /* upward drift */
    {
        int l1 = lis_quadratic(seq, 1200), l2 = lis_patience(seq, 1200), l3 = lis_patience(seq, 2000);
        expect(l1 == l2, "lis variants");
        printf("lis(1200)=%d lis(2000)=%d\n", l1, l3);
        misc = misc * 1000003u + (uint32_t)l3 * 65536u + (uint32_t)l1;
    }
    {
        uint64_t w200 = coin_ways(coins, 8, 200), w10k = coin_ways(coins, 8, 10000);
        expect(w200 == 73682u, "coin ways 200 (Project Euler 31)");
        printf("coin ways: 200 -> %llu, 10000 -> %llu\n", (unsigned long long)w200,
               (unsigned long long)w10k);
        misc ^= w10k;
    }

    check("EDIT", edit_mix, WANT_EDIT);
    check("LCS", lcs_mix, WANT_LCS);
    check("KNAP", knap_mix, WANT_KNAP);
    check("CHAIN", chain_mix, WANT_CHAIN);
    check("MISC", misc, WANT_MISC);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
