// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * atax.c - PolyBench-style y = A^T (A x) on a 1100x1000 matrix of doubles,
 * repeated REPS times with a different x each time.
 *
 * Self-check: for each repetition, 1^T y must equal (A 1)^T (A x), computed
 * in another order, to a relative 1e-10; x^T y = |A x|^2 >= 0; the sum
 * of all y matches WANT_SUM to a relative 1e-9.
 */
#include <math.h>
#include <stdio.h>

#define M 1100
#define N 1000
#define REPS 8
#define WANT_SUM 90265310.866652399

static double A[M][N], x[N], y[N], tmp[M];
static int failures;

static void kernel_atax(void)
{
    int i, j;
    for (i = 0; i < N; i++)
        y[i] = 0;
    for (i = 0; i < M; i++) {
        tmp[i] = 0.0;
        for (j = 0; j < N; j++)
            tmp[i] = tmp[i] + A[i][j] * x[j];
        for (j = 0; j < N; j++)
            y[j] = y[j] + A[i][j] * tmp[i];
    }
}

int main(void)
{
    double total = 0;
    int r, i, j;
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++)
            A[i][j] = (double)((i + j) % N) / (5.0 * M);
    for (r = 0; r < REPS; r++) {
        double sy = 0, want = 0, xy = 0;
        for (j = 0; j < N; j++)
            x[j] = 1 + (double)((j * (r + 3)) % 97) / 97.0 - 0.5 * (r & 1);
        kernel_atax();
        for (j = 0; j < N; j++) {
            sy += y[j];
            xy += x[j] * y[j];
        }
        for (i = 0; i < M; i++) {
            double rowsum = 0;
            for (j = N - 1; j >= 0; j--)
                rowsum += A[i][j];
            want += rowsum * tmp[i];
        }
        if (!(fabs(sy - want) <= 1e-10 * fabs(want)) || !(xy >= 0)) {
            printf("FAIL repetition %d: 1'y %.17g, want %.17g, x'y %g\n", r, sy, want, xy);
            failures++;
        }
        total += sy;
    }
    printf("atax %dx%d x%d: sum %.12e y[5] %.12e\n", M, N, REPS, total, y[5]);
    if (!(fabs(total - WANT_SUM) <= 1e-9 * fabs(WANT_SUM))) {
        printf("FAIL sum %.17g, want %.17g\n", total, WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
