// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * gemm.c - PolyBench-style general matrix multiply, C = alpha*A*B + beta*C,
 * on 240x240 doubles, in the i-k-j order PolyBench uses, repeated a few
 * times with a rescaling step in between.
 *
 * Self-check: Freivalds' test (C*x against alpha*A*(B*x) + beta*C0*x for two
 * pseudo-random vectors x, to a relative 1e-10), then a fingerprint of the
 * result (its sum, compared with WANT_SUM to a relative 1e-9, so that any
 * legal rounding of the additions passes).  Prints OK when all pass.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 240
#define REPS 3
#define WANT_SUM 13718.85573306607

static double A[N][N], B[N][N], C[N][N], C0[N][N];
static int failures;

static void init(void)
{
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = (double)((i * j + 1) % N) / N;
            B[i][j] = (double)((i * (j + 1) + 2) % N) / N;
            C[i][j] = (double)((i * (j + 2) + 3) % N) / N;
        }
}

static void kernel_gemm(double alpha, double beta)
{
    int i, j, k;
    for (i = 0; i < N; i++) {
        for (j = 0; j < N; j++)
            C[i][j] *= beta;
        for (k = 0; k < N; k++) {
            double a = alpha * A[i][k];
            for (j = 0; j < N; j++)
                C[i][j] += a * B[k][j];
        }
    }
}

static unsigned seed = 12345u;
static double rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (double)((seed >> 9) & 0xffff) / 65536.0 - 0.5;
}

static void matvec(double (*M)[N], const double *x, double *y)
{
    int i, j;
    for (i = 0; i < N; i++) {
        double s = 0;
        for (j = 0; j < N; j++)
            s += M[i][j] * x[j];
        y[i] = s;
    }
}

static void freivalds(double alpha, double beta)
{
    static double x[N], bx[N], abx[N], c0x[N], cx[N];
    int t, i;
    for (t = 0; t < 2; t++) {
        double err = 0, big = 0;
        for (i = 0; i < N; i++)
            x[i] = rnd();
        matvec(B, x, bx);
        matvec(A, bx, abx);
        matvec(C0, x, c0x);
        matvec(C, x, cx);
        for (i = 0; i < N; i++) {
            double want = alpha * abx[i] + beta * c0x[i];
            err = fmax(err, fabs(cx[i] - want));
            big = fmax(big, fabs(want));
        }
        if (!(err <= 1e-10 * big)) {
            printf("FAIL freivalds: error %.3e of %.3e\n", err, big);
            failures++;
        }
    }
}

int main(void)
{
    double sum = 0;
    int r, i, j;
    init();
    for (r = 0; r < REPS; r++) {
        double alpha = 1.5 - 0.25 * r, beta = 0.5 + 0.125 * r;
        memcpy(C0, C, sizeof C);
        kernel_gemm(alpha, beta);
        freivalds(alpha, beta);
        /* keep the values in range for the next round */
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                C[i][j] /= N;
    }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++)
            sum += C[i][j];
    printf("gemm %dx%d x%d: sum %.12e C[7][11] %.12e\n", N, N, REPS, sum, C[7][11]);
    if (!(fabs(sum - WANT_SUM) <= 1e-9 * fabs(WANT_SUM))) {
        printf("FAIL sum %.17g, want %.17g\n", sum, WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
