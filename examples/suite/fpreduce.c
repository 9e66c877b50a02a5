// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * fpreduce.c - Floating-point reductions whose last bits depend on the order
 * of the operations: plain sums of alternating-sign values spread over 60
 * binary orders of magnitude, sums of cancelling pairs, sums of squares and
 * of absolute values, products of values near 1, dot products in double, in
 * float and in float-times-float-into-double, and the alternating harmonic
 * series.
 *
 * Every reduction is a simple counted loop over an array, left to right, as
 * C's strict floating-point semantics order it.  The self-checks compare
 * each one with a compensated (Neumaier) and a pairwise sum within the
 * classical error bound (n-1) * eps * sum |x|, so they pass for any order of
 * the additions; integer-valued dot products are exact in any order and are
 * fingerprinted.  The results are printed exactly, with %a and as a checksum
 * of their bit patterns, so a build that reassociates a reduction prints
 * something else than one that does not.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4096

#define WANT_EXACT UINT64_C(0xf0aa4fac4f561197)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect_within(const char *what, double got, double ref, double bound)
{
    if (!(fabs(got - ref) <= bound)) {
        printf("FAIL %s: %a differs from %a by more than %.3e\n", what, got, ref, bound);
        failures++;
    }
}

/* ---- exact output: bit patterns ---- */
static uint64_t bits_d(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static uint64_t bits_f(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static uint64_t all_bits = UINT64_C(0xcbf29ce484222325);

static void show_d(const char *what, double x)
{
    all_bits = (all_bits ^ bits_d(x)) * UINT64_C(0x100000001b3);
    printf("%-24s %a\n", what, x);
}

static void show_f(const char *what, float x)
{
    all_bits = (all_bits ^ bits_f(x)) * UINT64_C(0x100000001b3);
    printf("%-24s %a\n", what, (double)x);
}

static uint32_t seed = 2718281u;

static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

/* a value in [1, 2) */
static double rnd_unit(void) { return 1.0 + rnd() / 16777216.0; }

/* ---- the reductions, each a plain loop ---- */
static double sum_d(const double *a, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i];
    return s;
}

static float sum_f(const float *a, int n)
{
    float s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i];
    return s;
}

static double sum_abs_d(const double *a, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += fabs(a[i]);
    return s;
}

static double sum_sq_d(const double *a, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i] * a[i];
    return s;
}

static double sub_d(double start, const double *a, int n)
{
    double s = start;
    int i;
    for (i = 0; i < n; i++)
        s -= a[i];
    return s;
}

static double prod_d(const double *a, int n)
{
    double p = 1;
    int i;
    for (i = 0; i < n; i++)
        p *= a[i];
    return p;
}

static double dot_d(const double *a, const double *b, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static float dot_f(const float *a, const float *b, int n)
{
    float s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double dot_fd(const float *a, const float *b, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* two sums in one loop */
static void sum2_d(const double *a, const double *b, int n, double *sa, double *sb)
{
    double s = 0, t = 0;
    int i;
    for (i = 0; i < n; i++) {
        s += a[i];
        t += b[i] * 0.5;
    }
    *sa = s;
    *sb = t;
}

/* sum_{k=1}^{n} (-1)^(k+1) / k, computed from the index alone */
static double alt_harmonic(int n)
{
    double s = 0;
    int k;
    for (k = 1; k <= n; k++)
        s += (k & 1 ? 1.0 : -1.0) / k;
    return s;
}

/* ---- references ---- */
static double sum_neumaier(const double *a, int n)
{
    double s = 0, c = 0;
    int i;
    for (i = 0; i < n; i++) {
        double t = s + a[i];
        if (fabs(s) >= fabs(a[i]))
            c += (s - t) + a[i];
        else
            c += (a[i] - t) + s;
        s = t;
    }
    return s + c;
}

static double sum_pairwise(const double *a, int n)
{
    if (n <= 8) {
        double s = 0;
        int i;
        for (i = 0; i < n; i++)
            s += a[i];
        return s;
    }
    return sum_pairwise(a, n / 2) + sum_pairwise(a + n / 2, n - n / 2);
}

/* the classical bound on the error of any order of summation */
static double sum_bound(const double *a, int n, double eps)
{
    double m = 0;
    int i;
    for (i = 0; i < n; i++)
        m += fabs(a[i]);
    return (n - 1) * eps * m * 1.01 + DBL_MIN;
}

int main(void)
{
    static double wide[N], pairs[N], near1[N], x[N], y[N], ia[N], ib[N], tmp[N];
    static float wf[N], xf[N], yf[N];
    double s, ref, bound, sa, sb;
    float sf;
    uint64_t exact_mix = 0;
    int i;

    /* alternating signs over 2^-30 .. 2^30 */
    for (i = 0; i < N; i++) {
        double m = rnd_unit();
        int e = (int)(rnd() % 61) - 30;
        wide[i] = (i & 1 ? -1 : 1) * ldexp(m, e);
        wf[i] = (float)(wide[i] / 1024.0);
    }
    /* cancelling pairs: X + y, then -X, with X up to 2^52 */
    for (i = 0; i < N; i += 2) {
        double m = rnd_unit(), big = ldexp(m, 30 + (int)(rnd() % 23));
        double small = rnd_unit() - 1.5;
        pairs[i] = big + small;
        pairs[i + 1] = -big;
    }
    /* one rnd() per statement: the order of evaluation of operands is unspecified */
    for (i = 0; i < N; i++) {
        near1[i] = 1.0 + (rnd_unit() - 1.5) * 1e-3;
        x[i] = rnd_unit() - 1.5;
        x[i] += rnd() * 0x1p-48;
        x[i] *= ldexp(1.0, (int)(rnd() % 21) - 10);
        y[i] = rnd_unit() - 1.5;
        y[i] += rnd() * 0x1p-48;
        y[i] *= ldexp(1.0, (int)(rnd() % 21) - 10);
        xf[i] = (float)x[i];
        yf[i] = (float)y[i];
        ia[i] = (double)((int)(rnd() % 2001) - 1000);
        ib[i] = (double)((int)(rnd() % 2001) - 1000);
    }

    /* plain sums */
    s = sum_d(wide, N);
    ref = sum_neumaier(wide, N);
    bound = sum_bound(wide, N, DBL_EPSILON / 2);
    expect_within("sum of wide-range values", s, ref, bound);
    expect_within("pairwise sum of wide-range values", sum_pairwise(wide, N), ref, bound);
    show_d("sum wide", s);
    show_d("sum wide (compensated)", ref);
    s = sum_d(pairs, N);
    ref = sum_neumaier(pairs, N);
    expect_within("sum of cancelling pairs", s, ref, sum_bound(pairs, N, DBL_EPSILON / 2));
    show_d("sum pairs", s);
    show_d("sum pairs (compensated)", ref);
    s = sub_d(1e6, wide, N);
    expect_within("subtraction", s, 1e6 - sum_neumaier(wide, N), bound + 1e6 * DBL_EPSILON);
    show_d("1e6 - sum wide", s);
    s = sum_abs_d(wide, N);
    for (i = 0; i < N; i++)
        tmp[i] = fabs(wide[i]);
    expect_within("sum of |x|", s, sum_neumaier(tmp, N), sum_bound(tmp, N, DBL_EPSILON / 2));
    show_d("sum |wide|", s);
    s = sum_sq_d(x, N);
    for (i = 0; i < N; i++)
        tmp[i] = x[i] * x[i];
    expect_within("sum of squares", s, sum_neumaier(tmp, N), sum_bound(tmp, N, DBL_EPSILON));
    show_d("sum x^2", s);

    /* float: checked against the double sum of the same floats */
    sf = sum_f(wf, N);
    for (i = 0; i < N; i++)
        tmp[i] = wf[i];
    expect_within("float sum", sf, sum_neumaier(tmp, N), sum_bound(tmp, N, FLT_EPSILON / 2) + 1e-30);
    show_f("float sum wide", sf);

    /* product of values near 1: compare with exp(sum log) */
    s = prod_d(near1, N);
    for (i = 0; i < N; i++)
        tmp[i] = log(near1[i]);
    expect_within("product", s, exp(sum_neumaier(tmp, N)), s * 1e-11);
    show_d("product near 1", s);

    /* dot products */
    s = dot_d(x, y, N);
    for (i = 0; i < N; i++)
        tmp[i] = x[i] * y[i];
    expect_within("dot", s, sum_neumaier(tmp, N), sum_bound(tmp, N, DBL_EPSILON));
    show_d("dot", s);
    sf = dot_f(xf, yf, N);
    s = dot_fd(xf, yf, N);
    for (i = 0; i < N; i++)
        tmp[i] = (double)xf[i] * yf[i];
    expect_within("float dot", sf, sum_neumaier(tmp, N), sum_bound(tmp, N, FLT_EPSILON));
    expect_within("float dot in double", s, sum_neumaier(tmp, N), sum_bound(tmp, N, DBL_EPSILON / 2));
    show_f("float dot", sf);
    show_d("float dot in double", s);
    sum2_d(wide, x, N, &sa, &sb);
    expect_within("two sums (first)", sa, sum_neumaier(wide, N), bound);
    expect_within("two sums (second)", sb, 0.5 * sum_neumaier(x, N), sum_bound(x, N, DBL_EPSILON));
    show_d("two sums: wide", sa);
    show_d("two sums: x/2", sb);

    /* the alternating harmonic series tends to ln 2 */
    s = alt_harmonic(100000);
    expect_within("alternating harmonic series", s, log(2.0), 1.0 / 100001 + 1e-12);
    show_d("alternating harmonic", s);

    /* integer-valued dot products are exact in any order */
    s = dot_d(ia, ib, N);
    {
        long long exact = 0;
        for (i = 0; i < N; i++)
            exact += (long long)ia[i] * (long long)ib[i];
        if (s != (double)exact) {
            printf("FAIL integer dot product %.0f != %lld\n", s, exact);
            failures++;
        }
        exact_mix = (uint64_t)exact;
    }
    s = sum_d(ia, N);
    exact_mix = (exact_mix ^ (uint64_t)(long long)s) * UINT64_C(0x100000001b3);
    s = dot_d(ia, ia, N);
    exact_mix = (exact_mix ^ (uint64_t)(long long)s) * UINT64_C(0x100000001b3);
    printf("integer dot products: %.0f, sum of squares %.0f\n", dot_d(ia, ib, N), s);

    printf("bits: %016llx\n", (unsigned long long)all_bits);
    check("EXACT", exact_mix, WANT_EXACT);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
