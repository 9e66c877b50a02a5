// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * strsearch.c - Exact string matching: naive, Knuth-Morris-Pratt,
 * Boyer-Moore (bad character + good suffix), Boyer-Moore-Horspool,
 * Rabin-Karp (rolling hash mod 2^64) and the Z-algorithm, plus an
 * Aho-Corasick automaton for multi-pattern search.  All single-pattern
 * algorithms must report identical match lists over generated texts;
 * Aho-Corasick counts must equal the sum of single-pattern counts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_LEN 40000
#define MAXPAT 64
#define MAXHITS 70000

#define WANT_HITS UINT64_C(0xdcf6985c50d16aac)
#define WANT_AHO UINT64_C(0x0000001159147baa)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    int *pos;
    int count;
    unsigned long work; /* character comparisons or steps */
} Hits;

static void hit(Hits *h, int p)
{
    if (h->count < MAXHITS)
        h->pos[h->count] = p;
    h->count++;
}

typedef void (*Searcher)(const char *t, int n, const char *p, int m, Hits *h);

static void search_naive(const char *t, int n, const char *p, int m, Hits *h)
{
    int i, j;
    for (i = 0; i + m <= n; i++) {
        for (j = 0; j < m; j++) {
            h->work++;
            if (t[i + j] != p[j])
                break;
        }
        if (j == m)
            hit(h, i);
    }
}

static void kmp_table(const char *p, int m, int *fail)
{
    int k = 0, i;
    fail[0] = 0;
    for (i = 1; i < m; i++) {
        while (k > 0 && p[i] != p[k])
            k = fail[k - 1];
        if (p[i] == p[k])
            k++;
        fail[i] = k;
    }
}

static void search_kmp(const char *t, int n, const char *p, int m, Hits *h)
{
    int fail[MAXPAT], k = 0, i;
    kmp_table(p, m, fail);
    for (i = 0; i < n; i++) {
        while (k > 0 && t[i] != p[k]) {
            k = fail[k - 1];
            h->work++;
        }
        h->work++;
        if (t[i] == p[k])
            k++;
        if (k == m) {
            hit(h, i - m + 1);
            k = fail[k - 1];
        }
    }
}

static void bad_char_table(const char *p, int m, int *last)
{
    int i;
    for (i = 0; i < 256; i++)
        last[i] = -1;
    for (i = 0; i < m; i++)
        last[(unsigned char)p[i]] = i;
}

static void good_suffix_table(const char *p, int m, int *shift)
{
    int border[MAXPAT + 1];
    int i = m, j = m + 1;
    for (i = 0; i <= m; i++)
        shift[i] = 0;
    i = m;
    border[i] = j;
    while (i > 0) {
        while (j <= m && p[i - 1] != p[j - 1]) {
            if (shift[j] == 0)
                shift[j] = j - i;
            j = border[j];
        }
        i--;
        j--;
        border[i] = j;
    }
    j = border[0];
    for (i = 0; i <= m; i++) {
        if (shift[i] == 0)
            shift[i] = j;
        if (i == j)
            j = border[j];
    }
}

static void search_bm(const char *t, int n, const char *p, int m, Hits *h)
{
    int last[256], shift[MAXPAT + 1], s = 0;
    bad_char_table(p, m, last);
    good_suffix_table(p, m, shift);
    while (s <= n - m) {
        int j = m - 1;
        while (j >= 0 && p[j] == t[s + j]) {
            j--;
            h->work++;
        }
        h->work++;
        if (j < 0) {
            hit(h, s);
            s += shift[0];
        } else {
            int bc = j - last[(unsigned char)t[s + j]];
            int gs = shift[j + 1];
            s += bc > gs ? bc : gs;
        }
    }
}

static void search_horspool(const char *t, int n, const char *p, int m, Hits *h)
{
    int skip[256], i, s = 0;
    for (i = 0; i < 256; i++)
        skip[i] = m;
    for (i = 0; i < m - 1; i++)
        skip[(unsigned char)p[i]] = m - 1 - i;
    while (s <= n - m) {
        int j = m - 1;
        while (j >= 0 && t[s + j] == p[j]) {
            j--;
            h->work++;
        }
        h->work++;
        if (j < 0)
            hit(h, s);
        s += skip[(unsigned char)t[s + m - 1]];
    }
}

static void search_rabin_karp(const char *t, int n, const char *p, int m, Hits *h)
{
    const uint64_t B = 1000003u;
    uint64_t hp = 0, ht = 0, pw = 1;
    int i;
    if (m > n)
        return;
    for (i = 0; i < m; i++) {
        hp = hp * B + (unsigned char)p[i];
        ht = ht * B + (unsigned char)t[i];
        if (i)
            pw *= B;
    }
    for (i = 0;; i++) {
        h->work++;
        if (hp == ht && memcmp(t + i, p, (size_t)m) == 0)
            hit(h, i);
        if (i + m >= n)
            break;
        ht = (ht - pw * (unsigned char)t[i]) * B + (unsigned char)t[i + m];
    }
}

/* Z-algorithm over p + '\1' + t, computed in streaming fashion */
static void search_z(const char *t, int n, const char *p, int m, Hits *h)
{
    int total = m + 1 + n, l = 0, r = 0, i;
    int *z = malloc((size_t)total * sizeof(int));
    char *s = malloc((size_t)total);
    if (!z || !s)
        exit(2);
    memcpy(s, p, (size_t)m);
    s[m] = '\1';
    memcpy(s + m + 1, t, (size_t)n);
    z[0] = total;
    for (i = 1; i < total; i++) {
        int k = 0;
        if (i < r)
            k = z[i - l] < r - i ? z[i - l] : r - i;
        while (i + k < total && s[k] == s[i + k]) {
            k++;
            h->work++;
        }
        z[i] = k;
        if (i + k > r) {
            l = i;
            r = i + k;
        }
        if (i > m && k >= m)
            hit(h, i - m - 1);
    }
    free(z);
    free(s);
}

/* ---- Aho-Corasick ---- */
#define AC_MAX_NODES 2048
#define AC_ALPHA 128

typedef struct {
    int next[AC_MAX_NODES][AC_ALPHA];
    int fail[AC_MAX_NODES];
    int out_count[AC_MAX_NODES]; /* patterns ending here, incl. via fail links */
    int nodes;
} AhoCorasick;

static void ac_build(AhoCorasick *ac, const char *const *pats, int np)
{
    static int queue[AC_MAX_NODES];
    int i, head = 0, tail = 0, c;
    memset(ac->next, -1, sizeof ac->next);
    memset(ac->out_count, 0, sizeof ac->out_count);
    ac->nodes = 1;
    for (i = 0; i < np; i++) {
        int cur = 0;
        const char *q;
        for (q = pats[i]; *q; q++) {
            int ch = *q & 0x7F;
            if (ac->next[cur][ch] < 0)
                ac->next[cur][ch] = ac->nodes++;
            cur = ac->next[cur][ch];
        }
        ac->out_count[cur]++;
    }
    ac->fail[0] = 0;
    for (c = 0; c < AC_ALPHA; c++) {
        int v = ac->next[0][c];
        if (v < 0) {
            ac->next[0][c] = 0;
        } else {
            ac->fail[v] = 0;
            queue[tail++] = v;
        }
    }
    while (head < tail) {
        int u = queue[head++];
        ac->out_count[u] += ac->out_count[ac->fail[u]];
        for (c = 0; c < AC_ALPHA; c++) {
            int v = ac->next[u][c];
            if (v < 0) {
                ac->next[u][c] = ac->next[ac->fail[u]][c];
            } else {
                ac->fail[v] = ac->next[ac->fail[u]][c];
                queue[tail++] = v;
            }
        }
    }
}

static long ac_count(const AhoCorasick *ac, const char *t, int n)
{
    long total = 0;
    int state = 0, i;
    for (i = 0; i < n; i++) {
        state = ac->next[state][t[i] & 0x7F];
        total += ac->out_count[state];
    }
    return total;
}

/* ---- text generation ---- */
static void make_text(char *t, int n, int alphabet, uint32_t seed)
{
    int i;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        t[i] = (char)('a' + (seed >> 24) % (uint32_t)alphabet);
    }
    /* plant some periodic regions that stress KMP/BM shifts */
    for (i = 1000; i < n - 600; i += 7919) {
        int k;
        for (k = 0; k < 500; k++)
            t[i + k] = "abaabaab"[k % 8];
    }
    t[n] = '\0';
}

int main(void)
{
    static char text[TEXT_LEN + 1];
    static int buffers[6][MAXHITS];
    static AhoCorasick ac;
    static const struct {
        const char *name;
        Searcher fn;
    } algs[] = {{"naive", search_naive}, {"kmp", search_kmp}, {"bm", search_bm},
                {"horspool", search_horspool}, {"rabinkarp", search_rabin_karp}, {"z", search_z}};
    static const char *const patterns[] = {"a", "ab", "abaab", "aabaabaab", "abaabaabaabaab",
                                           "cab", "dcba", "bbbb", "abcdab", "baabaabaabaabaabaabaab",
                                           "eeee", "acegikmoqsuwy"};
    const int np = (int)(sizeof patterns / sizeof patterns[0]);
    uint64_t hit_mix = 0, aho_mix = 0;
    int round;

    for (round = 0; round < 3; round++) {
        int alphabet = round == 0 ? 2 : round == 1 ? 4 : 26;
        long single_total = 0, multi;
        int pi;
        make_text(text, TEXT_LEN, alphabet, 777u + (uint32_t)round);
        for (pi = 0; pi < np; pi++) {
            const char *p = patterns[pi];
            int m = (int)strlen(p), a;
            Hits h[6];
            for (a = 0; a < 6; a++) {
                h[a].pos = buffers[a];
                h[a].count = 0;
                h[a].work = 0;
                algs[a].fn(text, TEXT_LEN, p, m, &h[a]);
                if (h[a].count != h[0].count ||
                    memcmp(h[a].pos, h[0].pos, (size_t)(h[0].count < MAXHITS ? h[0].count : MAXHITS) * sizeof(int)) != 0) {
                    printf("FAIL %s disagrees on \"%s\" (alphabet %d)\n", algs[a].name, p, alphabet);
                    failures++;
                }
                hit_mix = hit_mix * 1000003u + h[a].work;
            }
            if (h[0].count > 0)
                hit_mix ^= (uint64_t)h[0].pos[h[0].count / 2] << 20;
            hit_mix += (uint64_t)h[0].count;
            single_total += h[0].count;
            if (pi % 4 == 2)
                printf("alphabet %2d %-22s hits=%6d work naive=%7lu kmp=%6lu bm=%6lu hp=%6lu\n",
                       alphabet, p, h[0].count, h[0].work, h[1].work, h[2].work, h[3].work);
        }
        ac_build(&ac, patterns, np);
        multi = ac_count(&ac, text, TEXT_LEN);
        printf("alphabet %2d: aho-corasick total=%ld (single-pattern sum %ld), %d states\n",
               alphabet, multi, single_total, ac.nodes);
        if (multi != single_total) {
            printf("FAIL aho-corasick total\n");
            failures++;
        }
        aho_mix = aho_mix * 31 + (uint64_t)multi + (uint64_t)ac.nodes * 1000000u;
    }

    check("HITS", hit_mix, WANT_HITS);
    check("AHO", aho_mix, WANT_AHO);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
