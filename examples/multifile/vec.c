// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* vec.c -- numeric kernels: vector ops, convolution, heat equation, matrices. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "multifile.h"

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

void vec_fill(MfVec *a, size_t n, MfRng *r, double lo, double hi)
{
    a->n = min_size(n, MF_VEC_MAX);
    for (size_t i = 0; i < a->n; i++)
        a->v[i] = lo + (hi - lo) * mf_rng_unit(r);
}

double vec_dot(const MfVec *a, const MfVec *b)
{
    size_t n = min_size(a->n, b->n);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a->v[i] * b->v[i];
    return s;
}

void vec_axpy(MfVec *y, double alpha, const MfVec *x)
{
    size_t n = min_size(x->n, y->n);
    for (size_t i = 0; i < n; i++)
        y->v[i] += alpha * x->v[i];
}

double vec_norm(const MfVec *a)
{
    return sqrt(vec_dot(a, a));
}

double vec_sum(const MfVec *a)
{
    double s = 0.0;
    for (size_t i = 0; i < a->n; i++)
        s += a->v[i];
    return s;
}

void vec_prefix_sum(MfVec *a)
{
    for (size_t i = 1; i < a->n; i++)
        a->v[i] += a->v[i - 1];
}

void vec_convolve5(const MfVec *in, MfVec *out, const double k[5])
{
    out->n = in->n;
    for (size_t i = 0; i < in->n; i++) {
        double s = 0.0;
        for (int t = 0; t < 5; t++) {
            /* clamp-to-edge boundary handling */
            long idx = (long)i + t - 2;
            if (idx < 0)
                idx = 0;
            if (idx >= (long)in->n)
                idx = (long)in->n - 1;
            s += k[t] * in->v[idx];
        }
        out->v[i] = s;
    }
}

void vec_heat_1d(MfVec *a, int steps, double alpha)
{
    static double next[MF_VEC_MAX];
    size_t n = a->n;
    if (n < 3)
        return;
    for (int s = 0; s < steps; s++) {
        next[0] = a->v[0];
        next[n - 1] = a->v[n - 1];
        for (size_t i = 1; i + 1 < n; i++)
            next[i] = a->v[i] + alpha * (a->v[i - 1] - 2.0 * a->v[i] + a->v[i + 1]);
        memcpy(a->v, next, n * sizeof next[0]);
    }
}

void vec_histogram(const MfVec *a, double lo, double hi, unsigned *bins, int nbins)
{
    double width = (hi - lo) / (double)nbins;
    for (int b = 0; b < nbins; b++)
        bins[b] = 0;
    for (size_t i = 0; i < a->n; i++) {
        double x = clamp(a->v[i], lo, hi);
        int b = (int)((x - lo) / width);
        if (b >= nbins)
            b = nbins - 1;
        bins[b]++;
    }
}

void mat_fill(MfMat *a, int seed_i, int seed_j)
{
    for (int i = 0; i < MF_MAT_N; i++)
        for (int j = 0; j < MF_MAT_N; j++)
            a->m[i][j] = (double)((i * seed_i + j * seed_j) % 13 - 6) * 0.125;
}

void mat_mul(const MfMat *a, const MfMat *b, MfMat *c)
{
    for (int i = 0; i < MF_MAT_N; i++)
        for (int j = 0; j < MF_MAT_N; j++) {
            double s = 0.0;
            for (int k = 0; k < MF_MAT_N; k++)
                s += a->m[i][k] * b->m[k][j];
            c->m[i][j] = s;
        }
}

void mat_transpose(const MfMat *a, MfMat *t)
{
    for (int i = 0; i < MF_MAT_N; i++)
        for (int j = 0; j < MF_MAT_N; j++)
            t->m[j][i] = a->m[i][j];
}

double mat_trace(const MfMat *a)
{
    double t = 0.0;
    for (int i = 0; i < MF_MAT_N; i++)
        t += a->m[i][i];
    return t;
}

static double mat_frobenius(const MfMat *a)
{
    double s = 0.0;
    for (int i = 0; i < MF_MAT_N; i++)
        for (int j = 0; j < MF_MAT_N; j++)
            s += a->m[i][j] * a->m[i][j];
    return sqrt(s);
}

static double dot4(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

uint32_t vec_run_kernels(void)
{
    static MfVec a, b, c;
    static MfMat ma, mb, mc, mt, md;
    static const double kernel[5] = {0.0625, 0.25, 0.375, 0.25, 0.0625};
    unsigned bins[8];
    MfRng r;
    uint32_t h = 0;
    double dot, norm, total, tr, tr_t, frob, d4 = 0.0;
    unsigned transpose_errors = 0;

    mf_rng_seed(&r, 0xC0FFEEu);
    vec_fill(&a, 1000, &r, -1.0, 1.0);
    vec_fill(&b, 1000, &r, 0.0, 2.0);
    dot = vec_dot(&a, &b);
    vec_axpy(&b, 0.5, &a);
    norm = vec_norm(&b);
    vec_convolve5(&a, &c, kernel);
    total = vec_sum(&c);
    vec_histogram(&c, -1.0, 1.0, bins, 8);
    vec_prefix_sum(&c);
    h = mf_mix_double(h, c.v[c.n - 1], 1e6);
    for (int i = 0; i < 8; i++)
        h = mf_mix(h, bins[i]);

    /* heat equation on a bar with a hot left end */
    memset(&a, 0, sizeof a);
    a.n = 200;
    a.v[0] = 100.0;
    vec_heat_1d(&a, 400, 0.25);
    h = mf_mix_double(h, vec_sum(&a), 1e6);

    /* matrices: (A*B)^T == B^T * A^T */
    mat_fill(&ma, 3, 5);
    mat_fill(&mb, 7, 2);
    mat_mul(&ma, &mb, &mc);
    tr = mat_trace(&mc);
    mat_transpose(&mc, &mt);
    mat_transpose(&ma, &md);
    mat_transpose(&mb, &ma);
    mat_mul(&ma, &md, &mb);
    for (int i = 0; i < MF_MAT_N; i++)
        for (int j = 0; j < MF_MAT_N; j++)
            if (mb.m[i][j] != mt.m[i][j])
                transpose_errors++;
    tr_t = mat_trace(&mt);
    frob = mat_frobenius(&mc);
    for (int i = 0; i + 4 <= MF_MAT_N; i += 4)
        d4 += dot4(&mc.m[i][0], &mt.m[i][0]);

    printf("vec: dot=%.6f norm=%.6f conv_sum=%.6f heat=%.6f\n", dot, norm, total, vec_sum(&a));
    printf("vec: trace=%.6f trace_t=%.6f frob=%.6f d4=%.6f bins=[%u %u %u %u %u %u %u %u] "
           "transpose_errors=%u\n",
           tr, tr_t, frob, d4, bins[0], bins[1], bins[2], bins[3], bins[4], bins[5], bins[6],
           bins[7], transpose_errors);
    h = mf_mix_double(h, dot, 1e6);
    h = mf_mix_double(h, norm, 1e6);
    h = mf_mix_double(h, total, 1e6);
    h = mf_mix_double(h, tr, 1e6);
    h = mf_mix_double(h, frob, 1e6);
    h = mf_mix_double(h, d4, 1e6);
    return mf_mix(h, transpose_errors);
}
