// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * seidel2d.c - PolyBench-style 2-D Gauss-Seidel: TSTEPS in-place sweeps of
 * the nine-point average over a 260x260 grid of doubles.  Every point reads
 * neighbours the same sweep has just written, so the loops carry
 * dependences in both directions.
 *
 * Self-check: every value stays within the initial minimum and maximum (a
 * discrete maximum principle); a constant grid stays constant exactly; the
 * sum of the grid matches WANT_SUM to a relative 1e-9.
 */
#include <math.h>
#include <stdio.h>

#define N 260
#define TSTEPS 20
#define WANT_SUM 4428125.0000000559

static double A[N][N];
static int failures;

static void kernel_seidel_2d(int n, double (*a)[N])
{
    int t, i, j;
    for (t = 0; t <= TSTEPS - 1; t++)
        for (i = 1; i <= n - 2; i++)
            for (j = 1; j <= n - 2; j++)
                a[i][j] = (a[i - 1][j - 1] + a[i - 1][j] + a[i - 1][j + 1] + a[i][j - 1] + a[i][j] +
                           a[i][j + 1] + a[i + 1][j - 1] + a[i + 1][j] + a[i + 1][j + 1]) /
                          9.0;
}

int main(void)
{
    static double K[N][N];
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = ((double)i * (j + 2) + 2) / N;
            K[i][j] = 0.375;
            lo = fmin(lo, A[i][j]);
            hi = fmax(hi, A[i][j]);
        }
    kernel_seidel_2d(N, A);
    kernel_seidel_2d(N / 4, K);
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            sum += A[i][j];
            if (!(A[i][j] >= lo - 1e-12 && A[i][j] <= hi + 1e-12)) {
                printf("FAIL maximum principle at %d,%d\n", i, j);
                return 1;
            }
            if (K[i][j] != 0.375) {
                printf("FAIL constant grid changed at %d,%d\n", i, j);
                return 1;
            }
        }
    printf("seidel-2d %dx%d, %d steps: sum %.12e A[17][29] %.12e\n", N, N, TSTEPS, sum, A[17][29]);
    if (!(fabs(sum - WANT_SUM) <= 1e-9 * fabs(WANT_SUM))) {
        printf("FAIL sum %.17g, want %.17g\n", sum, WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
