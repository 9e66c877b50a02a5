// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * 2mm.c - PolyBench-style two matrix multiplications,
 * D = alpha*A*B*C + beta*D, with tmp = alpha*A*B first, on rectangular
 * doubles (NI x NK times NK x NJ, then times NJ x NL).
 *
 * Self-check: Freivalds' test of both products (D*x against
 * alpha*A*(B*(C*x)) + beta*D0*x for two pseudo-random x, to a relative
 * 1e-10), then the sum of D against WANT_SUM to a relative 1e-9.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NI 180
#define NJ 190
#define NK 200
#define NL 210
#define WANT_SUM 242766016.03815827

static double A[NI][NK], B[NK][NJ], C[NJ][NL], D[NI][NL], D0[NI][NL], tmp[NI][NJ];
static int failures;

static void init(void)
{
    int i, j;
    for (i = 0; i < NI; i++)
        for (j = 0; j < NK; j++)
            A[i][j] = (double)((i * j + 1) % NI) / NI;
    for (i = 0; i < NK; i++)
        for (j = 0; j < NJ; j++)
            B[i][j] = (double)(i * (j + 1) % NJ) / NJ;
    for (i = 0; i < NJ; i++)
        for (j = 0; j < NL; j++)
            C[i][j] = (double)((i * (j + 3) + 1) % NL) / NL;
    for (i = 0; i < NI; i++)
        for (j = 0; j < NL; j++)
            D[i][j] = (double)(i * (j + 2) % NK) / NK;
}

static void kernel_2mm(double alpha, double beta)
{
    int i, j, k;
    for (i = 0; i < NI; i++)
        for (j = 0; j < NJ; j++) {
            tmp[i][j] = 0.0;
            for (k = 0; k < NK; ++k)
                tmp[i][j] += alpha * A[i][k] * B[k][j];
        }
    for (i = 0; i < NI; i++)
        for (j = 0; j < NL; j++) {
            D[i][j] *= beta;
            for (k = 0; k < NJ; ++k)
                D[i][j] += tmp[i][k] * C[k][j];
        }
}

static unsigned seed = 777u;
static double rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (double)((seed >> 9) & 0xffff) / 65536.0 - 0.5;
}

static void freivalds(double alpha, double beta)
{
    static double x[NL], cx[NJ], bcx[NK], abcx[NI], d0x[NI], dx[NI];
    int t, i, j;
    for (t = 0; t < 2; t++) {
        double err = 0, big = 0;
        for (j = 0; j < NL; j++)
            x[j] = rnd();
        for (i = 0; i < NJ; i++) {
            cx[i] = 0;
            for (j = 0; j < NL; j++)
                cx[i] += C[i][j] * x[j];
        }
        for (i = 0; i < NK; i++) {
            bcx[i] = 0;
            for (j = 0; j < NJ; j++)
                bcx[i] += B[i][j] * cx[j];
        }
        for (i = 0; i < NI; i++) {
            abcx[i] = d0x[i] = dx[i] = 0;
            for (j = 0; j < NK; j++)
                abcx[i] += A[i][j] * bcx[j];
            for (j = 0; j < NL; j++) {
                d0x[i] += D0[i][j] * x[j];
                dx[i] += D[i][j] * x[j];
            }
        }
        for (i = 0; i < NI; i++) {
            double want = alpha * abcx[i] + beta * d0x[i];
            err = fmax(err, fabs(dx[i] - want));
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
    int i, j;
    init();
    memcpy(D0, D, sizeof D);
    kernel_2mm(1.5, 1.2);
    freivalds(1.5, 1.2);
    for (i = 0; i < NI; i++)
        for (j = 0; j < NL; j++)
            sum += D[i][j];
    printf("2mm: sum %.12e D[3][5] %.12e\n", sum, D[3][5]);
    if (!(fabs(sum - WANT_SUM) <= 1e-9 * fabs(WANT_SUM))) {
        printf("FAIL sum %.17g, want %.17g\n", sum, WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
