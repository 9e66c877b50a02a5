// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * gramschmidt.c - QR factorisation by Gram-Schmidt orthogonalisation of
 * ill-conditioned matrices, where rounding errors are magnified:
 *   - classical Gram-Schmidt (CGS), whose loss of orthogonality grows with
 *     the square of the condition number,
 *   - modified Gram-Schmidt (MGS), linear in the condition number,
 *   - CGS with reorthogonalisation (CGS2), orthogonal to working precision;
 * on a monomial (Vandermonde) basis, on nearly collinear columns and on a
 * Lauchli matrix; then a polynomial least-squares fit through the QR
 * factors.
 *
 * Columns are stored contiguously, so every projection is a dot product
 * loop and every update an axpy loop.  The self-checks test what holds for
 * any order of the additions: every variant reproduces A = QR to working
 * precision, CGS2 is orthogonal, MGS nearly so, CGS visibly not, and the fit
 * recovers its polynomial.  The factors are printed exactly (%a and bit
 * checksums), so the rounding of each dot product shows.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR 300 /* rows */
#define NC 10  /* columns */

typedef double Cols[NC][NR];
typedef double Tri[NC][NC];

static int failures;

static void expect_small(const char *what, double err, double tol)
{
    if (!(err <= tol)) {
        printf("FAIL %s: error %.3e exceeds %.1e\n", what, err, tol);
        failures++;
    }
}

static uint64_t bits_of(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;
    for (i = 0; i < bytes; i++)
        h = (h ^ c[i]) * UINT64_C(0x100000001b3);
    return h;
}

static uint32_t seed = 161803u;

static double rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0 - 0.5;
}

/* ---- the loops every variant is made of ---- */
static double dot(const double *x, const double *y, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

static void axpy(double *y, double alpha, const double *x, int n)
{
    int i;
    for (i = 0; i < n; i++)
        y[i] -= alpha * x[i];
}

static void normalise(const double *v, double *q, double *rjj, int n)
{
    double norm = sqrt(dot(v, v, n));
    int i;
    *rjj = norm;
    for (i = 0; i < n; i++)
        q[i] = v[i] / norm;
}

/* ---- Gram-Schmidt variants: A (m columns) = Q R ---- */
static void cgs(const Cols a, Cols q, Tri r, int m)
{
    static double v[NR];
    int j, k;
    memset(r, 0, sizeof(Tri));
    for (j = 0; j < m; j++) {
        memcpy(v, a[j], sizeof v);
        for (k = 0; k < j; k++)
            r[k][j] = dot(q[k], a[j], NR); /* projections of the original column */
        for (k = 0; k < j; k++)
            axpy(v, r[k][j], q[k], NR);
        normalise(v, q[j], &r[j][j], NR);
    }
}

static void mgs(const Cols a, Cols q, Tri r, int m)
{
    static double v[NR];
    int j, k;
    memset(r, 0, sizeof(Tri));
    for (j = 0; j < m; j++) {
        memcpy(v, a[j], sizeof v);
        for (k = 0; k < j; k++) {
            r[k][j] = dot(q[k], v, NR); /* projections of the updated column */
            axpy(v, r[k][j], q[k], NR);
        }
        normalise(v, q[j], &r[j][j], NR);
    }
}

static void cgs2(const Cols a, Cols q, Tri r, int m)
{
    static double v[NR];
    double c[NC];
    int j, k, pass;
    memset(r, 0, sizeof(Tri));
    for (j = 0; j < m; j++) {
        memcpy(v, a[j], sizeof v);
        for (pass = 0; pass < 2; pass++) {
            for (k = 0; k < j; k++)
                c[k] = dot(q[k], v, NR);
            for (k = 0; k < j; k++) {
                axpy(v, c[k], q[k], NR);
                r[k][j] += c[k];
            }
        }
        normalise(v, q[j], &r[j][j], NR);
    }
}

/* max |I - Q^T Q| */
static double orthogonality_loss(const Cols q, int m)
{
    double loss = 0;
    int k, l;
    for (k = 0; k < m; k++)
        for (l = 0; l <= k; l++)
            loss = fmax(loss, fabs(dot(q[k], q[l], NR) - (k == l)));
    return loss;
}

/* max |A - QR| / max |A| */
static double reconstruction_error(const Cols a, const Cols q, const Tri r, int m)
{
    static double col[NR];
    double err = 0, big = 0;
    int i, j, k;
    for (j = 0; j < m; j++) {
        memset(col, 0, sizeof col);
        for (k = 0; k <= j; k++)
            axpy(col, -r[k][j], q[k], NR);
        for (i = 0; i < NR; i++) {
            err = fmax(err, fabs(col[i] - a[j][i]));
            big = fmax(big, fabs(a[j][i]));
        }
    }
    return err / big;
}

typedef void (*Factor)(const Cols a, Cols q, Tri r, int m);

/* Factors A with each variant, checks it, prints it exactly. Returns the losses. */
static void factor_all(const char *name, const Cols a, int m, double loss[3], double recon_tol)
{
    static const Factor fn[3] = {cgs, mgs, cgs2};
    static const char *const vname[3] = {"cgs", "mgs", "cgs2"};
    static Cols q;
    static Tri r;
    char what[64];
    int v;
    for (v = 0; v < 3; v++) {
        fn[v](a, q, r, m);
        loss[v] = orthogonality_loss(q, m);
        sprintf(what, "%s %s: A = QR", name, vname[v]);
        expect_small(what, reconstruction_error(a, q, r, m), recon_tol);
        printf("%-10s %-4s loss %-24a r[m-1][m-1] %-24a Q %016llx R %016llx\n", name, vname[v], loss[v],
               r[m - 1][m - 1], (unsigned long long)bits_of(q, sizeof(double) * NR * (size_t)m),
               (unsigned long long)bits_of(r, sizeof r));
    }
}

int main(void)
{
    static Cols a, q;
    static Tri r;
    static double y[NR], qty[NC], coef[NC];
    static const double want_coef[NC] = {1.0, -2.0, 0.5, 3.0, -1.25, 0.75, 2.0, -0.5, 1.5, -3.0};
    double loss[3], t, err;
    int i, j, k, m;

    /* 1. monomials 1, t, ..., t^9 at 300 points of [0, 1]: condition number 3.9e6 */
    for (i = 0; i < NR; i++) {
        t = (double)i / (NR - 1);
        a[0][i] = 1.0;
        for (j = 1; j < NC; j++)
            a[j][i] = a[j - 1][i] * t;
    }
    factor_all("monomial", a, NC, loss, 1e-14);
    expect_small("monomial cgs2 orthogonality", loss[2], 1e-14);
    expect_small("monomial mgs orthogonality", loss[1], 1e-6);
    if (!(loss[0] > 1e3 * loss[2])) {
        printf("FAIL monomial: cgs should lose orthogonality (%.3e)\n", loss[0]);
        failures++;
    }

    /* least-squares fit of a degree-9 polynomial through the monomial QR */
    for (i = 0; i < NR; i++) {
        double p = 0;
        t = (double)i / (NR - 1);
        for (k = NC - 1; k >= 0; k--)
            p = p * t + want_coef[k];
        y[i] = p;
    }
    cgs2(a, q, r, NC);
    for (k = 0; k < NC; k++)
        qty[k] = dot(q[k], y, NR);
    for (k = NC - 1; k >= 0; k--) {
        double s = qty[k];
        for (j = k + 1; j < NC; j++)
            s -= r[k][j] * coef[j];
        coef[k] = s / r[k][k];
    }
    err = 0;
    for (k = 0; k < NC; k++)
        err = fmax(err, fabs(coef[k] - want_coef[k]));
    expect_small("polynomial fit coefficients", err, 1e-5);
    printf("fit: c0 %a c9 %a coefficients %016llx\n", coef[0], coef[NC - 1],
           (unsigned long long)bits_of(coef, sizeof coef));

    /* 2. nearly collinear columns: a common column plus 1e-5 noise */
    for (i = 0; i < NR; i++)
        a[0][i] = rnd();
    for (j = 1; j < NC; j++)
        for (i = 0; i < NR; i++)
            a[j][i] = a[0][i] + 1e-5 * rnd();
    factor_all("collinear", a, NC, loss, 1e-14);
    expect_small("collinear cgs2 orthogonality", loss[2], 1e-14);
    expect_small("collinear mgs orthogonality", loss[1], 1e-8);
    if (!(loss[0] > 1e3 * loss[2])) {
        printf("FAIL collinear: cgs should lose orthogonality (%.3e)\n", loss[0]);
        failures++;
    }

    /* 3. Lauchli: a row of ones over eps * I, eps = 1e-8 (1 + eps^2 rounds to 1): CGS loses it all */
    m = 6;
    memset(a, 0, sizeof a);
    for (j = 0; j < m; j++) {
        a[j][0] = 1.0;
        a[j][1 + j] = 1e-8;
    }
    factor_all("lauchli", a, m, loss, 1e-14);
    expect_small("lauchli cgs2 orthogonality", loss[2], 1e-14);
    expect_small("lauchli mgs orthogonality", loss[1], 1e-6);
    if (!(loss[0] > 0.1)) {
        printf("FAIL lauchli: cgs should lose orthogonality (%.3e)\n", loss[0]);
        failures++;
    }

    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
