// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * sat.c - A DPLL satisfiability solver with two-watched-literal unit
 * propagation, an occurrence-count branching heuristic and chronological
 * backtracking.
 *
 * Workloads: random 3-SAT instances (small ones cross-checked by brute
 * force, all models verified), the pigeonhole principle PHP(6,5) (must be
 * unsatisfiable), and enumeration of all 8-queens solutions by repeatedly
 * adding blocking clauses (must find exactly 92).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 128
#define MAXC 2048
#define MAXL 16384

#define WANT_RANDOM UINT64_C(0x092dc4367c1a42e3)
#define WANT_QUEENS UINT64_C(0x3b41255d177aad20)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

/* literal encoding: 2*v for x_v, 2*v+1 for not x_v */
typedef struct {
    int nvars, ncls, nlits;
    int start[MAXC + 1];
    int lits[MAXL];
} Formula;

static void f_init(Formula *f, int nvars)
{
    f->nvars = nvars;
    f->ncls = f->nlits = 0;
    f->start[0] = 0;
}

static void f_add(Formula *f, const int *lits, int n)
{
    int i;
    if (f->ncls >= MAXC || f->nlits + n > MAXL) {
        printf("FAIL formula too large\n");
        exit(1);
    }
    for (i = 0; i < n; i++)
        f->lits[f->nlits++] = lits[i];
    f->start[++f->ncls] = f->nlits;
}

typedef struct {
    const Formula *f;
    int lits[MAXL]; /* private copy: watched literals are kept in slots 0 and 1 */
    int *watch[2 * MAXV];
    int wn[2 * MAXV], wcap[2 * MAXV];
    signed char val[MAXV];
    int trail[MAXV], ntrail, qhead;
    int dec_pos[MAXV], dec_flipped[MAXV], ndec;
    int occ[MAXV];
    long decisions, conflicts, propagations;
} Solver;

static int lit_value(const Solver *s, int l)
{
    int v = s->val[l >> 1];
    return v < 0 ? -1 : v ^ (l & 1);
}

static void watch_add(Solver *s, int l, int c)
{
    if (s->wn[l] == s->wcap[l]) {
        s->wcap[l] = s->wcap[l] ? 2 * s->wcap[l] : 8;
        s->watch[l] = realloc(s->watch[l], sizeof(int) * (size_t)s->wcap[l]);
        if (!s->watch[l])
            exit(2);
    }
    s->watch[l][s->wn[l]++] = c;
}

static void enqueue(Solver *s, int l)
{
    s->val[l >> 1] = (signed char)!(l & 1);
    s->trail[s->ntrail++] = l;
}

static void undo_to(Solver *s, int pos)
{
    while (s->ntrail > pos)
        s->val[s->trail[--s->ntrail] >> 1] = -1;
    s->qhead = pos;
}

/* returns 1 if no conflict */
static int propagate(Solver *s)
{
    while (s->qhead < s->ntrail) {
        int fl = s->trail[s->qhead++] ^ 1; /* this literal just became false */
        int *ws = s->watch[fl];
        int i = 0, j = 0, n = s->wn[fl];
        while (i < n) {
            int c = ws[i++], k, len, found = 0;
            int *cl = &s->lits[s->f->start[c]];
            len = s->f->start[c + 1] - s->f->start[c];
            if (cl[0] == fl) {
                cl[0] = cl[1];
                cl[1] = fl;
            }
            if (lit_value(s, cl[0]) == 1) {
                ws[j++] = c;
                continue;
            }
            for (k = 2; k < len && !found; k++) {
                if (lit_value(s, cl[k]) != 0) {
                    cl[1] = cl[k];
                    cl[k] = fl;
                    watch_add(s, cl[1], c);
                    found = 1;
                }
            }
            if (found)
                continue;
            ws[j++] = c;
            if (lit_value(s, cl[0]) == 0) {
                while (i < n)
                    ws[j++] = ws[i++];
                s->wn[fl] = j;
                return 0;
            }
            enqueue(s, cl[0]);
            s->propagations++;
        }
        s->wn[fl] = j;
    }
    return 1;
}

static int pick_branch(const Solver *s)
{
    int v, best = -1;
    for (v = 0; v < s->f->nvars; v++)
        if (s->val[v] < 0 && (best < 0 || s->occ[v] > s->occ[best]))
            best = v;
    return best;
}

/* returns 1 = SAT (model in s->val), 0 = UNSAT */
static int solve(Solver *s, const Formula *f)
{
    int c, i;
    memset(s->wn, 0, sizeof s->wn);
    memset(s->occ, 0, sizeof s->occ);
    memset(s->val, -1, sizeof s->val);
    s->f = f;
    s->ntrail = s->qhead = s->ndec = 0;
    s->decisions = s->conflicts = s->propagations = 0;
    memcpy(s->lits, f->lits, sizeof(int) * (size_t)f->nlits);
    for (c = 0; c < f->ncls; c++) {
        int len = f->start[c + 1] - f->start[c], *cl = &s->lits[f->start[c]];
        for (i = 0; i < len; i++)
            s->occ[cl[i] >> 1]++;
        if (len == 0)
            return 0;
        if (len == 1) {
            int v = lit_value(s, cl[0]);
            if (v == 0)
                return 0;
            if (v < 0)
                enqueue(s, cl[0]);
        } else {
            watch_add(s, cl[0], c);
            watch_add(s, cl[1], c);
        }
    }
    for (;;) {
        int v;
        if (!propagate(s)) {
            int l;
            s->conflicts++;
            while (s->ndec > 0 && s->dec_flipped[s->ndec - 1])
                undo_to(s, s->dec_pos[--s->ndec]);
            if (s->ndec == 0)
                return 0;
            l = s->trail[s->dec_pos[s->ndec - 1]];
            undo_to(s, s->dec_pos[s->ndec - 1]);
            s->dec_flipped[s->ndec - 1] = 1;
            enqueue(s, l ^ 1);
            continue;
        }
        v = pick_branch(s);
        if (v < 0)
            return 1;
        s->decisions++;
        s->dec_pos[s->ndec] = s->ntrail;
        s->dec_flipped[s->ndec] = 0;
        s->ndec++;
        enqueue(s, 2 * v);
    }
}

static int model_satisfies(const Formula *f, const signed char *val)
{
    int c, i;
    for (c = 0; c < f->ncls; c++) {
        int sat = 0;
        for (i = f->start[c]; i < f->start[c + 1] && !sat; i++)
            sat = val[f->lits[i] >> 1] == !(f->lits[i] & 1);
        if (!sat)
            return 0;
    }
    return 1;
}

static int brute_force(const Formula *f)
{
    uint32_t m;
    signed char val[MAXV];
    int v;
    for (m = 0; m < (1u << f->nvars); m++) {
        for (v = 0; v < f->nvars; v++)
            val[v] = (signed char)((m >> v) & 1);
        if (model_satisfies(f, val))
            return 1;
    }
    return 0;
}

static uint32_t rng = 123456789u;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % n;
}

static void random_3sat(Formula *f, int nvars, int ncls)
{
    int c, lits[3];
    f_init(f, nvars);
    for (c = 0; c < ncls; c++) {
        int a = (int)rnd((uint32_t)nvars), b, d;
        do b = (int)rnd((uint32_t)nvars); while (b == a);
        do d = (int)rnd((uint32_t)nvars); while (d == a || d == b);
        lits[0] = 2 * a + (int)rnd(2);
        lits[1] = 2 * b + (int)rnd(2);
        lits[2] = 2 * d + (int)rnd(2);
        f_add(f, lits, 3);
    }
}

static void pigeonhole(Formula *f, int pigeons, int holes)
{
    int p, q, h, lits[16];
    f_init(f, pigeons * holes); /* var p*holes+h: pigeon p in hole h */
    for (p = 0; p < pigeons; p++) {
        for (h = 0; h < holes; h++)
            lits[h] = 2 * (p * holes + h);
        f_add(f, lits, holes);
    }
    for (h = 0; h < holes; h++)
        for (p = 0; p < pigeons; p++)
            for (q = p + 1; q < pigeons; q++) {
                lits[0] = 2 * (p * holes + h) + 1;
                lits[1] = 2 * (q * holes + h) + 1;
                f_add(f, lits, 2);
            }
}

static void queens(Formula *f, int n)
{
    int r, c, r2, c2, lits[16];
    f_init(f, n * n);
    for (r = 0; r < n; r++) {
        for (c = 0; c < n; c++)
            lits[c] = 2 * (r * n + c);
        f_add(f, lits, n); /* at least one queen per row */
    }
    for (r = 0; r < n; r++)
        for (c = 0; c < n; c++)
            for (r2 = r; r2 < n; r2++)
                for (c2 = 0; c2 < n; c2++) {
                    int same_row = r2 == r && c2 > c, same_col = r2 > r && c2 == c;
                    int diag = r2 > r && (r2 - r == c2 - c || r2 - r == c - c2);
                    if (same_row || same_col || diag) {
                        lits[0] = 2 * (r * n + c) + 1;
                        lits[1] = 2 * (r2 * n + c2) + 1;
                        f_add(f, lits, 2);
                    }
                }
}

int main(void)
{
    static Formula f;
    static Solver s;
    uint64_t rand_mix = 0, queen_mix = 0;
    int t, sat_count = 0, v, solutions = 0;

    for (t = 0; t < 24; t++) { /* small instances: compare with brute force */
        int ratio10 = 30 + (t % 4) * 10, nv = 10 + t % 3, res;
        random_3sat(&f, nv, nv * ratio10 / 10);
        res = solve(&s, &f);
        if (res != brute_force(&f) || (res && !model_satisfies(&f, s.val))) {
            printf("FAIL small instance %d\n", t);
            failures++;
        }
        rand_mix = rand_mix * 3 + (uint64_t)res;
    }
    for (t = 0; t < 12; t++) { /* larger instances around the threshold */
        int nv = 60, nc = 220 + t * 10, res;
        random_3sat(&f, nv, nc);
        res = solve(&s, &f);
        if (res && !model_satisfies(&f, s.val)) {
            printf("FAIL model check %d\n", t);
            failures++;
        }
        sat_count += res;
        if (t % 3 == 0)
            printf("3-SAT n=%d m=%d: %s, %ld decisions, %ld conflicts, %ld propagations\n", nv, nc,
                   res ? "SAT" : "UNSAT", s.decisions, s.conflicts, s.propagations);
        rand_mix = rand_mix * 1000003u + (uint64_t)s.decisions * 4096u + (uint64_t)res;
    }
    printf("large random: %d of 12 satisfiable\n", sat_count);

    pigeonhole(&f, 6, 5);
    if (solve(&s, &f)) {
        printf("FAIL PHP(6,5) reported satisfiable\n");
        failures++;
    }
    printf("PHP(6,5): UNSAT after %ld decisions, %ld conflicts\n", s.decisions, s.conflicts);
    rand_mix ^= (uint64_t)s.conflicts << 40;

    queens(&f, 8);
    while (solve(&s, &f)) {
        int block[64], nb = 0, placed = 0;
        if (!model_satisfies(&f, s.val)) {
            printf("FAIL queens model\n");
            failures++;
            break;
        }
        for (v = 0; v < 64; v++)
            if (s.val[v] == 1) {
                block[nb++] = 2 * v + 1;
                placed++;
                queen_mix = queen_mix * 67 + (uint64_t)v;
            }
        if (placed != 8) {
            printf("FAIL queens count %d\n", placed);
            failures++;
            break;
        }
        solutions++;
        f_add(&f, block, nb); /* forbid this exact placement */
    }
    printf("8-queens: %d solutions (%d clauses at the end)\n", solutions, f.ncls);
    if (solutions != 92) {
        printf("FAIL expected 92 solutions\n");
        failures++;
    }

    for (v = 0; v < 2 * MAXV; v++)
        free(s.watch[v]);
    check("RANDOM", rand_mix, WANT_RANDOM);
    check("QUEENS", queen_mix, WANT_QUEENS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
