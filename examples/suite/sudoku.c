// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * sudoku.c - Sudoku solving two ways:
 *   - a plain backtracking solver scanning cells in order, and
 *   - a constraint solver with candidate bitmasks per row/column/box,
 *     propagation of naked and hidden singles, and minimum-remaining-values
 *     branching, which can also count solutions (to test uniqueness).
 * Solutions are validated, compared with known answers, and search
 * statistics are fingerprinted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_SOLUTIONS UINT64_C(0xcb80047a74dd02eb)
#define WANT_SEARCH UINT64_C(0x37cbf1ad1583eb65)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    uint8_t cell[81];      /* 0 = empty */
    uint16_t row[9], col[9], box[9]; /* used digits, bit d-1 */
} Board;

static unsigned long guesses, propagations;

static int box_of(int r, int c) { return (r / 3) * 3 + c / 3; }

static int popcount16(uint16_t v)
{
    int n = 0;
    while (v) {
        v &= (uint16_t)(v - 1);
        n++;
    }
    return n;
}

static int lowest_digit(uint16_t mask)
{
    int d = 1;
    while (!(mask & 1u)) {
        mask >>= 1;
        d++;
    }
    return d;
}

static void place(Board *b, int i, int d)
{
    uint16_t bit = (uint16_t)(1u << (d - 1));
    b->cell[i] = (uint8_t)d;
    b->row[i / 9] |= bit;
    b->col[i % 9] |= bit;
    b->box[box_of(i / 9, i % 9)] |= bit;
}

static uint16_t candidates(const Board *b, int i)
{
    if (b->cell[i])
        return 0;
    return (uint16_t)(~(b->row[i / 9] | b->col[i % 9] | b->box[box_of(i / 9, i % 9)]) & 0x1FF);
}

static int load(Board *b, const char *s)
{
    int i;
    memset(b, 0, sizeof *b);
    for (i = 0; i < 81; i++) {
        int d = (s[i] >= '1' && s[i] <= '9') ? s[i] - '0' : 0;
        if (d) {
            if (!(candidates(b, i) & (1u << (d - 1))))
                return 0; /* contradictory givens */
            place(b, i, d);
        }
    }
    return 1;
}

/* ---------------- naive solver ---------------- */
static int naive_ok(const uint8_t *g, int i, int d)
{
    int r = i / 9, c = i % 9, k;
    for (k = 0; k < 9; k++) {
        if (g[r * 9 + k] == d || g[k * 9 + c] == d)
            return 0;
        if (g[(r / 3 * 3 + k / 3) * 9 + c / 3 * 3 + k % 3] == d)
            return 0;
    }
    return 1;
}

static int naive_solve(uint8_t *g, int i, unsigned long *nodes)
{
    int d;
    while (i < 81 && g[i])
        i++;
    if (i == 81)
        return 1;
    for (d = 1; d <= 9; d++) {
        (*nodes)++;
        if (naive_ok(g, i, d)) {
            g[i] = (uint8_t)d;
            if (naive_solve(g, i + 1, nodes))
                return 1;
            g[i] = 0;
        }
    }
    return 0;
}

/* ---------------- constraint solver ---------------- */
/* apply naked and hidden singles until fixpoint; returns 0 on contradiction */
static int propagate(Board *b)
{
    int changed = 1;
    while (changed) {
        int i, unit, d;
        changed = 0;
        for (i = 0; i < 81; i++) {
            uint16_t m;
            if (b->cell[i])
                continue;
            m = candidates(b, i);
            if (m == 0)
                return 0;
            if ((m & (m - 1)) == 0) {
                place(b, i, lowest_digit(m));
                propagations++;
                changed = 1;
            }
        }
        /* hidden singles: a digit with exactly one possible cell in a unit */
        for (unit = 0; unit < 27; unit++) {
            for (d = 1; d <= 9; d++) {
                uint16_t bit = (uint16_t)(1u << (d - 1));
                int k, where = -1, count = 0, present = 0;
                for (k = 0; k < 9; k++) {
                    int idx = unit < 9 ? unit * 9 + k
                            : unit < 18 ? k * 9 + (unit - 9)
                            : ((unit - 18) / 3 * 3 + k / 3) * 9 + (unit - 18) % 3 * 3 + k % 3;
                    if (b->cell[idx] == d)
                        present = 1;
                    else if (candidates(b, idx) & bit) {
                        count++;
                        where = idx;
                    }
                }
                if (present)
                    continue;
                if (count == 0)
                    return 0;
                if (count == 1) {
                    place(b, where, d);
                    propagations++;
                    changed = 1;
                }
            }
        }
    }
    return 1;
}

/* counts solutions up to limit; stores the first one found */
static int search(Board *b, int limit, Board *first)
{
    int i, best = -1, best_count = 10, found = 0;
    uint16_t m;
    if (!propagate(b))
        return 0;
    for (i = 0; i < 81; i++) {
        if (!b->cell[i]) {
            int c = popcount16(candidates(b, i));
            if (c < best_count) {
                best_count = c;
                best = i;
            }
        }
    }
    if (best < 0) {
        if (first)
            *first = *b;
        return 1;
    }
    m = candidates(b, best);
    while (m && found < limit) {
        int d = lowest_digit(m);
        Board copy = *b;
        m &= (uint16_t)(m - 1);
        guesses++;
        place(&copy, best, d);
        found += search(&copy, limit - found, found ? NULL : first);
    }
    return found;
}

static int valid_solution(const uint8_t *g, const char *puzzle)
{
    int u, k;
    for (k = 0; k < 81; k++)
        if (g[k] < 1 || g[k] > 9 || (puzzle[k] >= '1' && puzzle[k] <= '9' && g[k] != puzzle[k] - '0'))
            return 0;
    for (u = 0; u < 9; u++) {
        uint16_t rs = 0, cs = 0, bs = 0;
        for (k = 0; k < 9; k++) {
            rs |= (uint16_t)(1u << (g[u * 9 + k] - 1));
            cs |= (uint16_t)(1u << (g[k * 9 + u] - 1));
            bs |= (uint16_t)(1u << (g[(u / 3 * 3 + k / 3) * 9 + u % 3 * 3 + k % 3] - 1));
        }
        if (rs != 0x1FF || cs != 0x1FF || bs != 0x1FF)
            return 0;
    }
    return 1;
}

static void to_string(const uint8_t *g, char *out)
{
    int i;
    for (i = 0; i < 81; i++)
        out[i] = (char)('0' + g[i]);
    out[81] = '\0';
}

int main(void)
{
    static const struct {
        const char *name, *puzzle, *solution;
    } puzzles[] = {
        {"classic", "530070000600195000098000060800060003400803001700020006060000280000419005000080079",
         "534678912672195348198342567859761423426853791713924856961537284287419635345286179"},
        {"inkala", "800000000003600000070090200050007000000045700000100030001000068008500010090000400",
         "812753649943682175675491283154237896369845721287169534521974368438526917796318452"},
        {"norvig-hard", "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......",
         "417369825632158947958724316825437169791586432346912758289643571573291684164875293"},
        {"golden-nugget", ".......39.....1..5..3.5.8....8.9...6.7...2...1..4.......9.8..5..2....6..4..7.....",
         NULL},
        {"easter-monster", "1.......2.9.4...5...6...7...5.9.3.......7.......85..4.7.....6...3...9.8...2.....1",
         NULL},
    };
    Board b, sol;
    char text[82];
    uint64_t sol_mix = 0, search_mix = 0;
    size_t p;
    int i;

    for (p = 0; p < sizeof puzzles / sizeof puzzles[0]; p++) {
        int n;
        guesses = propagations = 0;
        if (!load(&b, puzzles[p].puzzle)) {
            printf("FAIL load %s\n", puzzles[p].name);
            failures++;
            continue;
        }
        n = search(&b, 2, &sol);
        to_string(sol.cell, text);
        printf("%-15s solutions=%d guesses=%5lu singles=%6lu  %.27s...\n", puzzles[p].name, n, guesses,
               propagations, text);
        if (n != 1 || !valid_solution(sol.cell, puzzles[p].puzzle) ||
            (puzzles[p].solution && strcmp(text, puzzles[p].solution) != 0)) {
            printf("FAIL %s\n", puzzles[p].name);
            failures++;
        }
        for (i = 0; i < 81; i++)
            sol_mix = sol_mix * 10 + sol.cell[i] + (sol_mix >> 61);
        search_mix = search_mix * 1000003u + guesses * 65536u + propagations;
    }

    /* naive solver agrees on the classic puzzle */
    {
        uint8_t g[81];
        unsigned long nodes = 0;
        for (i = 0; i < 81; i++)
            g[i] = (uint8_t)(puzzles[0].puzzle[i] - '0');
        if (!naive_solve(g, 0, &nodes) || (to_string(g, text), strcmp(text, puzzles[0].solution) != 0)) {
            printf("FAIL naive solver\n");
            failures++;
        }
        printf("naive backtracking on classic: %lu nodes\n", nodes);
        search_mix ^= (uint64_t)nodes << 32;
    }

    /* remove givens until the puzzle becomes ambiguous */
    {
        char weak[82];
        int removed = 0, n = 1;
        memcpy(weak, puzzles[0].puzzle, 82);
        for (i = 0; i < 81 && n == 1; i++) {
            if (weak[i] == '0')
                continue;
            weak[i] = '0';
            removed++;
            load(&b, weak);
            n = search(&b, 2, NULL);
        }
        printf("classic becomes ambiguous after removing %d givens\n", removed);
        search_mix = search_mix * 131 + (uint64_t)removed;
        if (n != 2) {
            printf("FAIL ambiguity search\n");
            failures++;
        }
    }

    check("SOLUTIONS", sol_mix, WANT_SOLUTIONS);
    check("SEARCH", search_mix, WANT_SEARCH);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
