// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * fpkernels.c - Dense floating-point kernels on non-integer data, where the
 * order of the operations shows in the last bits of the results:
 *   - matrix products in five loop orders (ijk and transposed-B as dot
 *     products, ikj and kij as row updates, jki as column updates), in
 *     double, and a float product;
 *   - matrix-vector products, row by row (dot products) and column by
 *     column (updates);
 *   - a 1-D periodic heat equation whose grid is rescaled every step by the
 *     sum of the grid, so that any rounding of that sum reaches every point;
 *   - Poisson's equation on a 2-D grid by Jacobi iteration until the
 *     residual norm is small, and by conjugate gradients (dot products
 *     choose every step length);
 *   - a 9-point smoother on a float image that removes the image's mean
 *     every step.
 * The self-checks use tolerances (they check the mathematics).  Results are
 * printed exactly, with %a and as checksums of bit patterns; the loop orders
 * that add the same products in the same order print the same checksum.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NM 64
#define HM 1024
#define PN 34 /* Poisson grid with its boundary; PN - 2 unknowns a side */
#define IW 96

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

static uint32_t seed = 31415u;

static double rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0 - 0.5;
}

/* ---- matrix products, row-major n x n ---- */
static void mul_ijk(const double *a, const double *b, double *c, int n)
{
    int i, j, k;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double s = 0;
            for (k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

static void mul_ikj(const double *a, const double *b, double *c, int n)
{
    int i, j, k;
    memset(c, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (i = 0; i < n; i++)
        for (k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (j = 0; j < n; j++)
                c[i * n + j] += aik * b[k * n + j];
        }
}

static void mul_kij(const double *a, const double *b, double *c, int n)
{
    int i, j, k;
    memset(c, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (k = 0; k < n; k++)
        for (i = 0; i < n; i++) {
            double aik = a[i * n + k];
            for (j = 0; j < n; j++)
                c[i * n + j] += aik * b[k * n + j];
        }
}

static void mul_jki(const double *a, const double *b, double *c, int n)
{
    int i, j, k;
    memset(c, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (j = 0; j < n; j++)
        for (k = 0; k < n; k++) {
            double bkj = b[k * n + j];
            for (i = 0; i < n; i++)
                c[i * n + j] += a[i * n + k] * bkj;
        }
}

static double dot(const double *x, const double *y, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

static void mul_dot_bt(const double *a, const double *bt, double *c, int n)
{
    int i, j;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            c[i * n + j] = dot(&a[i * n], &bt[j * n], n);
}

static void mul_float(const float *a, const float *bt, float *c, int n)
{
    int i, j, k;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            float s = 0;
            for (k = 0; k < n; k++)
                s += a[i * n + k] * bt[j * n + k];
            c[i * n + j] = s;
        }
}

static void matvec_rows(const double *a, const double *x, double *y, int n)
{
    int i;
    for (i = 0; i < n; i++)
        y[i] = dot(&a[i * n], x, n);
}

static void matvec_cols(const double *a, const double *x, double *y, int n)
{
    int i, j;
    memset(y, 0, sizeof(double) * (size_t)n);
    for (j = 0; j < n; j++)
        for (i = 0; i < n; i++)
            y[i] += a[i * n + j] * x[j];
}

/* ---- stencils ---- */
static double sum(const double *x, int n)
{
    double s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += x[i];
    return s;
}

/* periodic 1-D heat step, then rescale to the given total */
static void heat1d_step(double *u, double *w, int n, double r, double total)
{
    double scale;
    int i;
    w[0] = u[0] + r * (u[n - 1] - 2 * u[0] + u[1]);
    for (i = 1; i < n - 1; i++)
        w[i] = u[i] + r * (u[i - 1] - 2 * u[i] + u[i + 1]);
    w[n - 1] = u[n - 1] + r * (u[n - 2] - 2 * u[n - 1] + u[0]);
    scale = total / sum(w, n);
    for (i = 0; i < n; i++)
        u[i] = w[i] * scale;
}

typedef double Grid[PN][PN];

/* r = f + lap(u) (times h^2) on the interior; returns |r|^2 */
static double residual(const Grid u, const Grid f, Grid r, double h2)
{
    double s = 0;
    int i, j;
    for (i = 1; i < PN - 1; i++)
        for (j = 1; j < PN - 1; j++) {
            r[i][j] = h2 * f[i][j] + u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1] - 4 * u[i][j];
            s += r[i][j] * r[i][j];
        }
    return s;
}

static int jacobi(Grid u, const Grid f, double h2, double tol, double *rr_out)
{
    static Grid v, r;
    int it, i, j;
    memset(u, 0, sizeof(Grid));
    memset(v, 0, sizeof v);
    for (it = 1; it <= 4000; it++) {
        for (i = 1; i < PN - 1; i++)
            for (j = 1; j < PN - 1; j++)
                v[i][j] = 0.25 * (h2 * f[i][j] + u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1]);
        memcpy(u, v, sizeof(Grid));
        if (it % 25 == 0 && sqrt(*rr_out = residual(u, f, r, h2)) < tol)
            return it;
    }
    return it;
}

/* conjugate gradients for -lap(u) h^2 = h^2 f, on whole grids (boundary 0) */
static int conjugate_gradient(Grid u, const Grid f, double h2, double tol, double *rr_out)
{
    static Grid r, p, q;
    const int len = PN * PN;
    double rr, rr_new, alpha;
    int it, i, j;
    memset(u, 0, sizeof(Grid));
    memset(p, 0, sizeof p);
    memset(q, 0, sizeof q);
    memset(r, 0, sizeof r);
    rr = residual(u, f, r, h2);
    memcpy(p, r, sizeof p);
    for (it = 1; it <= 400; it++) {
        for (i = 1; i < PN - 1; i++)
            for (j = 1; j < PN - 1; j++)
                q[i][j] = 4 * p[i][j] - p[i - 1][j] - p[i + 1][j] - p[i][j - 1] - p[i][j + 1];
        alpha = rr / dot(&p[0][0], &q[0][0], len);
        for (i = 0; i < len; i++) {
            (&u[0][0])[i] += alpha * (&p[0][0])[i];
            (&r[0][0])[i] -= alpha * (&q[0][0])[i];
        }
        rr_new = dot(&r[0][0], &r[0][0], len);
        if (sqrt(rr_new) < tol) {
            *rr_out = rr_new;
            return it;
        }
        for (i = 0; i < len; i++)
            (&p[0][0])[i] = (&r[0][0])[i] + rr_new / rr * (&p[0][0])[i];
        rr = rr_new;
    }
    *rr_out = rr;
    return it;
}

/* 9-point smoothing of a float image with a fixed border, then mean removal */
static float smooth9(float (*dst)[IW], float (*src)[IW])
{
    float mean = 0;
    int y, x;
    for (y = 1; y < IW - 1; y++)
        for (x = 1; x < IW - 1; x++)
            dst[y][x] = (4 * src[y][x] + 2 * (src[y - 1][x] + src[y + 1][x] + src[y][x - 1] + src[y][x + 1]) +
                         src[y - 1][x - 1] + src[y - 1][x + 1] + src[y + 1][x - 1] + src[y + 1][x + 1]) *
                        0.0625f;
    for (y = 1; y < IW - 1; y++)
        for (x = 1; x < IW - 1; x++)
            mean += dst[y][x];
    mean /= (IW - 2) * (IW - 2);
    for (y = 1; y < IW - 1; y++)
        for (x = 1; x < IW - 1; x++)
            dst[y][x] -= mean;
    return mean;
}

int main(void)
{
    static double a[NM * NM], b[NM * NM], bt[NM * NM], c[NM * NM], ref[NM * NM], absab[NM * NM];
    static float af[NM * NM], btf[NM * NM], cf[NM * NM];
    static double x[NM], y1[NM], y2[NM], u[HM], w[HM];
    static Grid f, uj, ucg, exact;
    static float img[2][IW][IW];
    static const char *const names[] = {"ijk", "ikj", "kij", "jki", "dot(a, b^T)"};
    double err, total, e, rr, rj = 0, h = 1.0 / (PN - 1);
    float m = 0;
    int i, j, k, v, step, itj, itcg;

    for (i = 0; i < NM * NM; i++)
        a[i] = rnd();
    for (i = 0; i < NM * NM; i++)
        b[i] = rnd() * 1e3;
    for (i = 0; i < NM; i++)
        for (j = 0; j < NM; j++) {
            bt[j * NM + i] = b[i * NM + j];
            af[i * NM + j] = (float)a[i * NM + j];
            btf[j * NM + i] = (float)b[i * NM + j];
        }
    /* |a| |b| bounds the rounding error of each entry of any product */
    memset(absab, 0, sizeof absab);
    for (i = 0; i < NM; i++)
        for (k = 0; k < NM; k++)
            for (j = 0; j < NM; j++)
                absab[i * NM + j] += fabs(a[i * NM + k]) * fabs(b[k * NM + j]);
    mul_ijk(a, b, ref, NM);
    for (v = 0; v < 5; v++) {
        switch (v) {
        case 0: mul_ijk(a, b, c, NM); break;
        case 1: mul_ikj(a, b, c, NM); break;
        case 2: mul_kij(a, b, c, NM); break;
        case 3: mul_jki(a, b, c, NM); break;
        default: mul_dot_bt(a, bt, c, NM); break;
        }
        err = 0;
        for (i = 0; i < NM * NM; i++)
            err = fmax(err, fabs(c[i] - ref[i]) / (absab[i] * NM * DBL_EPSILON));
        expect_small(names[v], err, 1.0);
        printf("product %-12s %016llx c[0][0] %a\n", names[v], (unsigned long long)bits_of(c, sizeof c),
               c[0]);
    }
    mul_float(af, btf, cf, NM);
    err = 0;
    for (i = 0; i < NM * NM; i++)
        err = fmax(err, fabs(cf[i] - ref[i]) / (absab[i] * NM * FLT_EPSILON));
    expect_small("float product", err, 2.0);
    printf("product float        %016llx c[0][0] %a\n", (unsigned long long)bits_of(cf, sizeof cf),
           (double)cf[0]);

    for (i = 0; i < NM; i++)
        x[i] = rnd();
    matvec_rows(a, x, y1, NM);
    matvec_cols(a, x, y2, NM);
    err = 0;
    for (i = 0; i < NM; i++)
        err = fmax(err, fabs(y1[i] - y2[i]));
    expect_small("matvec rows vs columns", err, NM * DBL_EPSILON * 4);
    printf("matvec rows %016llx columns %016llx y[0] %a\n", (unsigned long long)bits_of(y1, sizeof y1),
           (unsigned long long)bits_of(y2, sizeof y2), y1[0]);

    /* 1-D heat: a bump and noise, total kept at its start */
    for (i = 0; i < HM; i++)
        u[i] = exp(-0.0005 * (i - 300.0) * (i - 300.0)) + 0.1 * rnd() + 0.5;
    total = sum(u, HM);
    e = dot(u, u, HM);
    for (step = 1; step <= 300; step++) {
        double e_new;
        heat1d_step(u, w, HM, 0.45, total);
        e_new = dot(u, u, HM);
        if (!(e_new <= e * (1 + 1e-12))) {
            printf("FAIL heat energy grew at step %d\n", step);
            failures++;
            break;
        }
        e = e_new;
    }
    expect_small("heat total", fabs(sum(u, HM) - total) / total, 1e-12);
    printf("heat 1-d: total %a energy %a u[300] %a bits %016llx\n", total, e, u[300],
           (unsigned long long)bits_of(u, sizeof u));

    /* Poisson with u = x(1-x) y(1-y) (1+x+2y), cubic in x and in y, so the
       5-point Laplacian is exact and the discrete solution is u itself */
    for (i = 0; i < PN; i++)
        for (j = 0; j < PN; j++) {
            double px = i * h * (1 - i * h), py = j * h * (1 - j * h), qx = i * h * px, ry = j * h * py;
            exact[i][j] = px * py + qx * py + 2 * px * ry;
            f[i][j] = 6 * i * h * py + 4 * ry - 2 * px + 2 * qx + 12 * j * h * px;
        }
    itj = jacobi(uj, f, h * h, 1e-6, &rj);
    itcg = conjugate_gradient(ucg, f, h * h, 1e-12, &rr);
    err = 0;
    for (i = 0; i < PN; i++)
        for (j = 0; j < PN; j++)
            err = fmax(err, fabs(uj[i][j] - exact[i][j]));
    expect_small("poisson by jacobi", err, 1e-3);
    err = 0;
    for (i = 0; i < PN; i++)
        for (j = 0; j < PN; j++)
            err = fmax(err, fabs(ucg[i][j] - exact[i][j]));
    expect_small("poisson by conjugate gradients", err, 1e-9);
    if (!(itcg < itj) || itcg > 200) {
        printf("FAIL conjugate gradients took %d iterations, jacobi %d\n", itcg, itj);
        failures++;
    }
    printf("poisson: jacobi %d iterations, |r|^2 %a u %a bits %016llx\n", itj, rj, uj[PN / 3][PN / 2],
           (unsigned long long)bits_of(uj, sizeof uj));
    printf("poisson: cg %d iterations, |r|^2 %a u %a bits %016llx\n", itcg, rr, ucg[PN / 3][PN / 2],
           (unsigned long long)bits_of(ucg, sizeof ucg));

    /* float image: stripes and noise, smoothed 40 times */
    for (i = 0; i < IW; i++)
        for (j = 0; j < IW; j++)
            img[0][i][j] = img[1][i][j] = (float)(((i / 8 + j / 12) & 1) + 0.25 * rnd());
    for (step = 0; step < 40; step++)
        m = smooth9(img[(step + 1) & 1], img[step & 1]);
    expect_small("smoothed image mean", fabs(m), 1.0);
    {
        double mean = 0;
        for (i = 1; i < IW - 1; i++)
            for (j = 1; j < IW - 1; j++)
                mean += img[0][i][j];
        expect_small("image mean after removal", fabs(mean) / ((IW - 2) * (IW - 2)), 1e-5);
    }
    printf("smooth9: last mean %a pixel %a bits %016llx\n", (double)m, (double)img[0][IW / 2][IW / 3],
           (unsigned long long)bits_of(img[0], sizeof img[0]));

    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
