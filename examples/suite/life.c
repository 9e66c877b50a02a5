// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * life.c - Life-like cellular automata on a torus.
 *
 * Two engines: a straightforward byte-per-cell engine, and a bit-parallel
 * engine that packs 64 cells per word and counts neighbours with a ripple
 * of half adders over eight shifted bit-planes.  Rules are given in B/S
 * notation and compiled to bitmasks.  Checks: both engines agree on random
 * soups under several rules, a glider returns to its start after 4*N
 * generations on an N x N torus, oscillator periods, and population traces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 128
#define WORDS (N / 64)

#define WANT_POP UINT64_C(0xa52152abb23ccda0)
#define WANT_SOUP UINT64_C(0x446c28d123c84f61)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    const char *text;
    uint16_t birth, survive; /* bit n set => n neighbours */
} Rule;

static Rule parse_rule(const char *text)
{
    Rule r;
    const char *p = text;
    uint16_t *cur = NULL;
    r.text = text;
    r.birth = r.survive = 0;
    for (; *p; p++) {
        if (*p == 'B')
            cur = &r.birth;
        else if (*p == 'S')
            cur = &r.survive;
        else if (*p >= '0' && *p <= '8' && cur)
            *cur |= (uint16_t)(1u << (*p - '0'));
    }
    return r;
}

/* ---------------- byte engine ---------------- */
typedef struct {
    uint8_t c[N][N];
} ByteGrid;

static void byte_step(const ByteGrid *src, ByteGrid *dst, const Rule *r)
{
    int y, x;
    for (y = 0; y < N; y++) {
        const uint8_t *up = src->c[(y + N - 1) % N], *mid = src->c[y], *down = src->c[(y + 1) % N];
        for (x = 0; x < N; x++) {
            int w = x == 0 ? N - 1 : x - 1, e = x == N - 1 ? 0 : x + 1;
            int n = up[w] + up[x] + up[e] + mid[w] + mid[e] + down[w] + down[x] + down[e];
            dst->c[y][x] = (uint8_t)(((mid[x] ? r->survive : r->birth) >> n) & 1u);
        }
    }
}

/* ---------------- bit-parallel engine ---------------- */
typedef struct {
    uint64_t w[N][WORDS]; /* bit b of word k in row y is cell x = 64k + b */
} BitGrid;

/* neighbour to the west (x-1) shifted into position x, with torus wrap */
static void shift_from_west(const uint64_t *row, uint64_t *out)
{
    int k;
    for (k = 0; k < WORDS; k++)
        out[k] = (row[k] << 1) | (row[(k + WORDS - 1) % WORDS] >> 63);
}

static void shift_from_east(const uint64_t *row, uint64_t *out)
{
    int k;
    for (k = 0; k < WORDS; k++)
        out[k] = (row[k] >> 1) | (row[(k + 1) % WORDS] << 63);
}

static void bit_step(const BitGrid *src, BitGrid *dst, const Rule *r)
{
    int y, k, i, n;
    for (y = 0; y < N; y++) {
        const uint64_t *up = src->w[(y + N - 1) % N], *mid = src->w[y], *down = src->w[(y + 1) % N];
        uint64_t planes[8][WORDS];
        shift_from_west(up, planes[0]);
        memcpy(planes[1], up, sizeof planes[1]);
        shift_from_east(up, planes[2]);
        shift_from_west(mid, planes[3]);
        shift_from_east(mid, planes[4]);
        shift_from_west(down, planes[5]);
        memcpy(planes[6], down, sizeof planes[6]);
        shift_from_east(down, planes[7]);
        for (k = 0; k < WORDS; k++) {
            uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, alive = mid[k], next = 0;
            for (i = 0; i < 8; i++) { /* ripple-carry add of one bit-plane */
                uint64_t x = planes[i][k], c0, c1, c2;
                c0 = b0 & x;
                b0 ^= x;
                c1 = b1 & c0;
                b1 ^= c0;
                c2 = b2 & c1;
                b2 ^= c1;
                b3 |= c2;
            }
            for (n = 0; n <= 8; n++) {
                uint64_t eq = ((n & 1) ? b0 : ~b0) & ((n & 2) ? b1 : ~b1) & ((n & 4) ? b2 : ~b2) &
                              ((n & 8) ? b3 : ~b3);
                if ((r->birth >> n) & 1u)
                    next |= eq & ~alive;
                if ((r->survive >> n) & 1u)
                    next |= eq & alive;
            }
            dst->w[y][k] = next;
        }
    }
}

static int bit_get(const BitGrid *g, int y, int x)
{
    return (int)((g->w[y][x / 64] >> (x % 64)) & 1u);
}

static void bit_set(BitGrid *g, int y, int x)
{
    g->w[(y + N) % N][((x + N) % N) / 64] |= UINT64_C(1) << (((x + N) % N) % 64);
}

static int popcount64(uint64_t v)
{
    int c = 0;
    while (v) {
        v &= v - 1;
        c++;
    }
    return c;
}

static int bit_population(const BitGrid *g)
{
    int y, k, p = 0;
    for (y = 0; y < N; y++)
        for (k = 0; k < WORDS; k++)
            p += popcount64(g->w[y][k]);
    return p;
}

static void place(BitGrid *g, const char *const *pattern, int rows, int y0, int x0)
{
    int y, x;
    for (y = 0; y < rows; y++)
        for (x = 0; pattern[y][x]; x++)
            if (pattern[y][x] == 'O')
                bit_set(g, y0 + y, x0 + x);
}

static void random_soup(BitGrid *bg, ByteGrid *yg, uint32_t seed, int density_pct)
{
    int y, x;
    memset(bg, 0, sizeof *bg);
    memset(yg, 0, sizeof *yg);
    for (y = 32; y < 96; y++)
        for (x = 32; x < 96; x++) {
            seed = seed * 1664525u + 1013904223u;
            if ((int)((seed >> 8) % 100) < density_pct) {
                bit_set(bg, y, x);
                yg->c[y][x] = 1;
            }
        }
}

static int grids_equal(const BitGrid *bg, const ByteGrid *yg)
{
    int y, x;
    for (y = 0; y < N; y++)
        for (x = 0; x < N; x++)
            if (bit_get(bg, y, x) != yg->c[y][x])
                return 0;
    return 1;
}

/* runs until the pattern repeats its first state; returns period or -1 */
static int find_period(BitGrid *g, const Rule *r, int max)
{
    static BitGrid start, tmp;
    int t;
    start = *g;
    for (t = 1; t <= max; t++) {
        bit_step(g, &tmp, r);
        *g = tmp;
        if (memcmp(g, &start, sizeof start) == 0)
            return t;
    }
    return -1;
}

int main(void)
{
    static BitGrid a, b;
    static ByteGrid ya, yb;
    static const char *const glider[] = {".O.", "..O", "OOO"};
    static const char *const pulsar[] = {
        "..OOO...OOO..", ".............", "O....O.O....O", "O....O.O....O", "O....O.O....O",
        "..OOO...OOO..", ".............", "..OOO...OOO..", "O....O.O....O", "O....O.O....O",
        "O....O.O....O", ".............", "..OOO...OOO.."};
    static const char *const rpent[] = {".OO", "OO.", ".O."};
    const char *rules[] = {"B3/S23", "B36/S23", "B3678/S34678", "B2/S"};
    Rule life = parse_rule("B3/S23");
    uint64_t pop_mix = 0, soup_mix = 0;
    int gen, ri, period, pop;

    /* glider on a torus: after 4*N generations it is back where it started */
    memset(&a, 0, sizeof a);
    place(&a, glider, 3, 10, 10);
    period = find_period(&a, &life, 4 * N + 4);
    printf("glider returns after %d generations (expected %d)\n", period, 4 * N);
    if (period != 4 * N) {
        printf("FAIL glider period\n");
        failures++;
    }

    /* pulsar: period-3 oscillator straddling the word boundary at x = 64 */
    memset(&a, 0, sizeof a);
    place(&a, pulsar, 13, 40, 58);
    pop = bit_population(&a);
    period = find_period(&a, &life, 20);
    printf("pulsar: population %d, period %d\n", pop, period);
    if (period != 3 || pop != 48) {
        printf("FAIL pulsar\n");
        failures++;
    }

    /* R-pentomino population trace */
    memset(&a, 0, sizeof a);
    place(&a, rpent, 3, 62, 62);
    for (gen = 1; gen <= 400; gen++) {
        bit_step(&a, &b, &life);
        a = b;
        pop = bit_population(&a);
        pop_mix = pop_mix * 1000003u + (uint64_t)pop;
        if (gen % 100 == 0)
            printf("r-pentomino generation %3d: population %d\n", gen, pop);
    }

    /* random soups: byte engine and bit engine must agree under each rule */
    for (ri = 0; ri < 4; ri++) {
        Rule r = parse_rule(rules[ri]);
        int same = 1;
        random_soup(&a, &ya, 1000u + (uint32_t)ri, ri == 3 ? 5 : 37);
        for (gen = 0; gen < 32; gen++) {
            bit_step(&a, &b, &r);
            a = b;
            byte_step(&ya, &yb, &r);
            ya = yb;
            if (gen % 8 == 7 && !grids_equal(&a, &ya))
                same = 0;
            soup_mix = (soup_mix ^ (uint64_t)bit_population(&a)) * UINT64_C(0x100000001b3);
        }
        printf("rule %-13s population after 32 generations: %5d%s\n", r.text, bit_population(&a),
               same ? "" : " (ENGINES DISAGREE)");
        if (!same) {
            printf("FAIL engines disagree on %s\n", r.text);
            failures++;
        }
    }

    check("POP", pop_mix, WANT_POP);
    check("SOUP", soup_mix, WANT_SOUP);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
