// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * matrix.c - Dense linear algebra kernels on row-major double matrices:
 * matrix multiply in four loop orders (ijk, ikj, blocked, transposed-B),
 * one level of Strassen, LU decomposition with partial pivoting, triangular
 * solves, determinant, inverse, Cholesky factorisation and power iteration.
 *
 * Multiplications use small-integer matrices so every variant is exact and
 * must agree bit for bit.  Floating-point results are checked against
 * tolerances and fingerprinted after rounding to 1e-6; they are also printed
 * exactly (%a, and checksums of the bits of whole vectors), so that a build
 * that rounds differently prints something else.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_PRODUCT UINT64_C(0xc240ee27f6ef8840)
#define WANT_SOLVE UINT64_C(0x595b0e8153333aac)
#define WANT_EIGEN UINT64_C(0x2d6ed699baba1074)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect_small(const char *what, double err, double tol)
{
    if (!(err <= tol)) {
        printf("FAIL %s: error %.3e exceeds %.1e\n", what, err, tol);
        failures++;
    }
}

static uint64_t mix_double(uint64_t h, double x)
{
    long long q = llround(x * 1e6);
    return (h ^ (uint64_t)q) * UINT64_C(0x100000001b3);
}

/* exact output: a checksum of the bytes of an array */
static unsigned long long bits_of(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;
    for (i = 0; i < bytes; i++)
        h = (h ^ c[i]) * UINT64_C(0x100000001b3);
    return (unsigned long long)h;
}

typedef struct {
    int n;
    double *a;
} Mat;

static Mat mat_new(int n)
{
    Mat m;
    m.n = n;
    m.a = calloc((size_t)n * (size_t)n, sizeof(double));
    if (!m.a)
        exit(2);
    return m;
}

static void mat_free(Mat *m) { free(m->a); m->a = NULL; }
static double *at(const Mat *m, int i, int j) { return &m->a[(size_t)i * (size_t)m->n + (size_t)j]; }

static uint32_t seed = 12345u;

static double rnd_int(int lo, int hi)
{
    seed = seed * 1664525u + 1013904223u;
    return (double)(lo + (int)((seed >> 8) % (uint32_t)(hi - lo + 1)));
}

/* ---- multiplication variants ---- */
typedef void (*MulFn)(const Mat *a, const Mat *b, Mat *c);

static void mul_ijk(const Mat *a, const Mat *b, Mat *c)
{
    int i, j, k, n = a->n;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double s = 0;
            for (k = 0; k < n; k++)
                s += *at(a, i, k) * *at(b, k, j);
            *at(c, i, j) = s;
        }
}

static void mul_ikj(const Mat *a, const Mat *b, Mat *c)
{
    int i, j, k, n = a->n;
    memset(c->a, 0, (size_t)n * (size_t)n * sizeof(double));
    for (i = 0; i < n; i++)
        for (k = 0; k < n; k++) {
            double aik = *at(a, i, k);
            const double *brow = at(b, k, 0);
            double *crow = at(c, i, 0);
            for (j = 0; j < n; j++)
                crow[j] += aik * brow[j];
        }
}

static void mul_blocked(const Mat *a, const Mat *b, Mat *c)
{
    enum { BS = 16 };
    int n = a->n, ii, jj, kk, i, j, k;
    memset(c->a, 0, (size_t)n * (size_t)n * sizeof(double));
    for (ii = 0; ii < n; ii += BS)
        for (kk = 0; kk < n; kk += BS)
            for (jj = 0; jj < n; jj += BS)
                for (i = ii; i < ii + BS && i < n; i++)
                    for (k = kk; k < kk + BS && k < n; k++) {
                        double aik = *at(a, i, k);
                        for (j = jj; j < jj + BS && j < n; j++)
                            *at(c, i, j) += aik * *at(b, k, j);
                    }
}

static void mul_transposed(const Mat *a, const Mat *b, Mat *c)
{
    int n = a->n, i, j, k;
    Mat bt = mat_new(n);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            *at(&bt, j, i) = *at(b, i, j);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            const double *ra = at(a, i, 0), *rb = at(&bt, j, 0);
            double s = 0;
            for (k = 0; k < n; k++)
                s += ra[k] * rb[k];
            *at(c, i, j) = s;
        }
    mat_free(&bt);
}

/* one Strassen level on quadrants, using mul_ikj for the 7 products */
static void quad(const Mat *src, int qi, int qj, Mat *dst, int sign, int accumulate)
{
    int h = dst->n, i, j;
    for (i = 0; i < h; i++)
        for (j = 0; j < h; j++) {
            double v = sign * *at(src, qi * h + i, qj * h + j);
            *at(dst, i, j) = accumulate ? *at(dst, i, j) + v : v;
        }
}

static void put_quad(Mat *dst, int qi, int qj, const Mat *src, int sign)
{
    int h = src->n, i, j;
    for (i = 0; i < h; i++)
        for (j = 0; j < h; j++)
            *at(dst, qi * h + i, qj * h + j) += sign * *at(src, i, j);
}

static void mul_strassen(const Mat *a, const Mat *b, Mat *c)
{
    /* M1=(A11+A22)(B11+B22) M2=(A21+A22)B11 M3=A11(B12-B22) M4=A22(B21-B11)
       M5=(A11+A12)B22 M6=(A21-A11)(B11+B12) M7=(A12-A22)(B21+B22) */
    static const int terms[7][2][2][3] = {
        {{{0, 0, 1}, {1, 1, 1}}, {{0, 0, 1}, {1, 1, 1}}},
        {{{1, 0, 1}, {1, 1, 1}}, {{0, 0, 1}, {0, 0, 0}}},
        {{{0, 0, 1}, {0, 0, 0}}, {{0, 1, 1}, {1, 1, -1}}},
        {{{1, 1, 1}, {0, 0, 0}}, {{1, 0, 1}, {0, 0, -1}}},
        {{{0, 0, 1}, {0, 1, 1}}, {{1, 1, 1}, {0, 0, 0}}},
        {{{1, 0, 1}, {0, 0, -1}}, {{0, 0, 1}, {0, 1, 1}}},
        {{{0, 1, 1}, {1, 1, -1}}, {{1, 0, 1}, {1, 1, 1}}},
    };
    /* contribution of each M to C quadrants: C11 C12 C21 C22 */
    static const int contrib[7][4] = {{1, 0, 0, 1}, {0, 0, 1, -1}, {0, 1, 0, 1}, {1, 0, 1, 0},
                                      {-1, 1, 0, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}};
    int h = a->n / 2, m, q;
    Mat ta = mat_new(h), tb = mat_new(h), prod = mat_new(h);
    memset(c->a, 0, (size_t)c->n * (size_t)c->n * sizeof(double));
    for (m = 0; m < 7; m++) {
        quad(a, terms[m][0][0][0], terms[m][0][0][1], &ta, terms[m][0][0][2], 0);
        if (terms[m][0][1][2])
            quad(a, terms[m][0][1][0], terms[m][0][1][1], &ta, terms[m][0][1][2], 1);
        quad(b, terms[m][1][0][0], terms[m][1][0][1], &tb, terms[m][1][0][2], 0);
        if (terms[m][1][1][2])
            quad(b, terms[m][1][1][0], terms[m][1][1][1], &tb, terms[m][1][1][2], 1);
        mul_ikj(&ta, &tb, &prod);
        for (q = 0; q < 4; q++)
            if (contrib[m][q])
                put_quad(c, q / 2, q % 2, &prod, contrib[m][q]);
    }
    mat_free(&ta);
    mat_free(&tb);
    mat_free(&prod);
}

/* ---- LU with partial pivoting (in place), returns sign of permutation or 0 if singular ---- */
static int lu_decompose(Mat *m, int *perm)
{
    int n = m->n, i, j, k, sign = 1;
    for (i = 0; i < n; i++)
        perm[i] = i;
    for (k = 0; k < n; k++) {
        int p = k;
        double best = fabs(*at(m, k, k));
        for (i = k + 1; i < n; i++)
            if (fabs(*at(m, i, k)) > best) {
                best = fabs(*at(m, i, k));
                p = i;
            }
        if (best == 0.0)
            return 0;
        if (p != k) {
            for (j = 0; j < n; j++) {
                double t = *at(m, k, j);
                *at(m, k, j) = *at(m, p, j);
                *at(m, p, j) = t;
            }
            i = perm[k]; perm[k] = perm[p]; perm[p] = i;
            sign = -sign;
        }
        for (i = k + 1; i < n; i++) {
            double f = *at(m, i, k) / *at(m, k, k);
            *at(m, i, k) = f;
            for (j = k + 1; j < n; j++)
                *at(m, i, j) -= f * *at(m, k, j);
        }
    }
    return sign;
}

static void lu_solve(const Mat *lu, const int *perm, const double *b, double *x)
{
    int n = lu->n, i, j;
    for (i = 0; i < n; i++) { /* forward: L y = P b */
        double s = b[perm[i]];
        for (j = 0; j < i; j++)
            s -= *at(lu, i, j) * x[j];
        x[i] = s;
    }
    for (i = n - 1; i >= 0; i--) { /* backward: U x = y */
        double s = x[i];
        for (j = i + 1; j < n; j++)
            s -= *at(lu, i, j) * x[j];
        x[i] = s / *at(lu, i, i);
    }
}

static int cholesky(const Mat *a, Mat *l)
{
    int n = a->n, i, j, k;
    memset(l->a, 0, (size_t)n * (size_t)n * sizeof(double));
    for (j = 0; j < n; j++) {
        double d = *at(a, j, j);
        for (k = 0; k < j; k++)
            d -= *at(l, j, k) * *at(l, j, k);
        if (d <= 0)
            return -1;
        *at(l, j, j) = sqrt(d);
        for (i = j + 1; i < n; i++) {
            double s = *at(a, i, j);
            for (k = 0; k < j; k++)
                s -= *at(l, i, k) * *at(l, j, k);
            *at(l, i, j) = s / *at(l, j, j);
        }
    }
    return 0;
}

static double power_iteration(const Mat *a, int iters)
{
    int n = a->n, it, i, j;
    double *v = malloc((size_t)n * sizeof(double)), *w = malloc((size_t)n * sizeof(double));
    double lambda = 0;
    if (!v || !w)
        exit(2);
    for (i = 0; i < n; i++)
        v[i] = 1.0;
    for (it = 0; it < iters; it++) {
        double norm = 0;
        for (i = 0; i < n; i++) {
            double s = 0;
            for (j = 0; j < n; j++)
                s += *at(a, i, j) * v[j];
            w[i] = s;
            norm += s * s;
        }
        norm = sqrt(norm);
        lambda = 0;
        for (i = 0; i < n; i++) {
            lambda += v[i] * w[i]; /* Rayleigh quotient numerator, |v| = 1 after first step */
            v[i] = w[i] / norm;
        }
    }
    free(v);
    free(w);
    return lambda;
}

int main(void)
{
    enum { NM = 96, NS = 64 };
    static const struct {
        const char *name;
        MulFn fn;
    } muls[] = {{"ijk", mul_ijk}, {"ikj", mul_ikj}, {"blocked", mul_blocked},
                {"transposed", mul_transposed}, {"strassen", mul_strassen}};
    Mat a = mat_new(NM), b = mat_new(NM), ref = mat_new(NM), c = mat_new(NM);
    Mat s = mat_new(NS), lu = mat_new(NS), l = mat_new(NS), spd = mat_new(NS);
    double x_true[NS], rhs[NS], x[NS], x2[NS], err, det, inv_err, chol_err, lam = 0;
    unsigned long long x_bits;
    int perm[NS], i, j, k, sign;
    uint64_t prod_mix = 0, solve_mix = 0, eig_mix = 0;
    size_t mi;

    for (i = 0; i < NM * NM; i++) {
        a.a[i] = rnd_int(-9, 9);
        b.a[i] = rnd_int(-9, 9);
    }
    mul_ijk(&a, &b, &ref);
    for (mi = 0; mi < sizeof muls / sizeof muls[0]; mi++) {
        muls[mi].fn(&a, &b, &c);
        if (memcmp(c.a, ref.a, sizeof(double) * NM * NM) != 0) {
            printf("FAIL multiply %s\n", muls[mi].name);
            failures++;
        }
    }
    for (i = 0; i < NM * NM; i++)
        prod_mix = mix_double(prod_mix, ref.a[i]);
    err = 0;
    for (i = 0; i < NM; i++)
        err += *at(&ref, i, i);
    printf("product: trace=%.0f c[0][0]=%.0f c[95][95]=%.0f\n", err, ref.a[0], ref.a[NM * NM - 1]);

    /* diagonally dominant system with a known solution */
    for (i = 0; i < NS; i++) {
        for (j = 0; j < NS; j++)
            *at(&s, i, j) = rnd_int(-50, 50) / 10.0;
        *at(&s, i, i) += (i % 3 == 0) ? 120.0 : -90.0;
        x_true[i] = (i % 7) - 3 + 0.25 * (i % 4);
    }
    for (i = 0; i < NS; i++) {
        rhs[i] = 0;
        for (j = 0; j < NS; j++)
            rhs[i] += *at(&s, i, j) * x_true[j];
    }
    memcpy(lu.a, s.a, sizeof(double) * NS * NS);
    sign = lu_decompose(&lu, perm);
    lu_solve(&lu, perm, rhs, x);
    err = 0;
    for (i = 0; i < NS; i++)
        err = fmax(err, fabs(x[i] - x_true[i]));
    expect_small("lu solve", err, 1e-10);
    det = sign;
    for (i = 0; i < NS; i++)
        det *= *at(&lu, i, i);
    printf("lu: sign=%d log10|det|=%.6f max error=%s\n", sign, log10(fabs(det)), err < 1e-10 ? "<1e-10" : "large");
    solve_mix = mix_double(solve_mix, log10(fabs(det)));
    for (i = 0; i < NS; i++)
        solve_mix = mix_double(solve_mix, x[i]);
    x_bits = bits_of(x, sizeof x);

    /* inverse column by column: A * inv(A) = I */
    err = 0;
    for (j = 0; j < NS; j++) {
        double e[NS], col[NS];
        for (i = 0; i < NS; i++)
            e[i] = i == j;
        lu_solve(&lu, perm, e, col);
        for (i = 0; i < NS; i++) {
            double sum = 0;
            for (k = 0; k < NS; k++)
                sum += *at(&s, i, k) * col[k];
            err = fmax(err, fabs(sum - (i == j)));
        }
    }
    expect_small("inverse", err, 1e-12);
    inv_err = err;

    /* SPD matrix S^T S + I: Cholesky solve must match LU solve */
    for (i = 0; i < NS; i++)
        for (j = 0; j < NS; j++) {
            double sum = i == j;
            for (k = 0; k < NS; k++)
                sum += *at(&s, k, i) * *at(&s, k, j);
            *at(&spd, i, j) = sum;
        }
    if (cholesky(&spd, &l) != 0) {
        printf("FAIL cholesky\n");
        failures++;
    }
    for (i = 0; i < NS; i++) { /* L y = rhs, L^T x = y */
        double sum = rhs[i];
        for (k = 0; k < i; k++)
            sum -= *at(&l, i, k) * x2[k];
        x2[i] = sum / *at(&l, i, i);
    }
    for (i = NS - 1; i >= 0; i--) {
        double sum = x2[i];
        for (k = i + 1; k < NS; k++)
            sum -= *at(&l, k, i) * x2[k];
        x2[i] = sum / *at(&l, i, i);
    }
    memcpy(lu.a, spd.a, sizeof(double) * NS * NS);
    lu_decompose(&lu, perm);
    lu_solve(&lu, perm, rhs, x);
    err = 0;
    for (i = 0; i < NS; i++)
        err = fmax(err, fabs(x[i] - x2[i]) / (1 + fabs(x[i])));
    expect_small("cholesky vs lu", err, 1e-9);
    chol_err = err;

    {
        lam = power_iteration(&spd, 200);
        printf("dominant eigenvalue of S^T S + I: %.4f\n", lam);
        eig_mix = mix_double(eig_mix, lam / 1000.0);
        eig_mix = mix_double(eig_mix, *at(&l, NS - 1, NS - 1));
    }
    printf("exact: det %a, lu x %016llx, inverse error %a\n", det, x_bits, inv_err);
    printf("exact: cholesky l %016llx, x %016llx, vs lu %a, eigenvalue %a\n",
           bits_of(l.a, sizeof(double) * NS * NS), bits_of(x2, sizeof x2), chol_err, lam);

    check("PRODUCT", prod_mix, WANT_PRODUCT);
    check("SOLVE", solve_mix, WANT_SOLVE);
    check("EIGEN", eig_mix, WANT_EIGEN);
    mat_free(&a); mat_free(&b); mat_free(&ref); mat_free(&c);
    mat_free(&s); mat_free(&lu); mat_free(&l); mat_free(&spd);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
