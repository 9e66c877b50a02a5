// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * jacobi2d.c - PolyBench-style 2-D Jacobi stencil: TSTEPS sweeps of the
 * five-point average from A into B and back, on a 300x300 grid of doubles.
 *
 * Self-check: the grid starts symmetric (A[i][j] == A[j][i]) and the
 * stencil keeps it so up to rounding (checked to 1e-12); every value stays
 * within the initial minimum and maximum (a discrete maximum principle);
 * the sum of the grid matches WANT_SUM to a relative 1e-9.
 */
#include <math.h>
#include <stdio.h>

#define N 300
#define TSTEPS 40
#define WANT_SUM 13592583.350840759

static double A[N][N], B[N][N];
static int failures;

static void init(void)
{
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = ((double)i * (j + 2) + (double)j * (i + 2) + 2) / N;
            B[i][j] = ((double)i * (j + 3) + (double)j * (i + 3) + 3) / N;
        }
}

static void kernel_jacobi_2d(void)
{
    int t, i, j;
    for (t = 0; t < TSTEPS; t++) {
        for (i = 1; i < N - 1; i++)
            for (j = 1; j < N - 1; j++)
                B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][1 + j] + A[1 + i][j] + A[i - 1][j]);
        for (i = 1; i < N - 1; i++)
            for (j = 1; j < N - 1; j++)
                A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][1 + j] + B[1 + i][j] + B[i - 1][j]);
    }
}

int main(void)
{
    double lo = INFINITY, hi = -INFINITY, sum = 0, asym = 0;
    int i, j;
    init();
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            lo = fmin(lo, fmin(A[i][j], B[i][j]));
            hi = fmax(hi, fmax(A[i][j], B[i][j]));
        }
    kernel_jacobi_2d();
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            sum += A[i][j];
            asym = fmax(asym, fabs(A[i][j] - A[j][i]) / (fabs(A[i][j]) + 1));
            if (!(A[i][j] >= lo && A[i][j] <= hi)) {
                printf("FAIL maximum principle at %d,%d\n", i, j);
                return 1;
            }
        }
    printf("jacobi-2d %dx%d, %d steps: sum %.12e A[17][29] %.12e\n", N, N, TSTEPS, sum, A[17][29]);
    if (!(asym <= 1e-12)) {
        printf("FAIL symmetry: %.3e\n", asym);
        failures++;
    }
    if (!(fabs(sum - WANT_SUM) <= 1e-9 * fabs(WANT_SUM))) {
        printf("FAIL sum %.17g, want %.17g\n", sum, WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
