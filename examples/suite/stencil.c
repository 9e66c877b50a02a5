// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * stencil.c - Structured-grid stencil kernels:
 *   - explicit 2-D heat diffusion (5-point Jacobi, double buffered),
 *   - Poisson solve by Jacobi, Gauss-Seidel and SOR with a manufactured
 *     solution (iteration counts to tolerance are compared),
 *   - a 3-D 7-point smoother with fixed boundaries,
 *   - integer image kernels: 3x3 box blur, Sobel gradient magnitude and a
 *     1-D separable binomial filter, cross-checked against the 2-D form.
 * Floating-point results are fingerprinted after rounding and also printed
 * exactly (%a, and checksums of the bits of whole grids).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_HEAT UINT64_C(0xd675c64bb28cf2ed)
#define WANT_POISSON UINT64_C(0x1314b2ffc62499c2)
#define WANT_IMAGE UINT64_C(0x3cac5a328b145208)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static uint64_t mix_double(uint64_t h, double x, double scale)
{
    return (h ^ (uint64_t)llround(x * scale)) * UINT64_C(0x100000001b3);
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

static const double PI = 3.14159265358979323846;

/* ---------------- heat diffusion ---------------- */
#define HN 64

static void heat_step(double (*dst)[HN], double (*src)[HN], double alpha)
{
    int i, j;
    for (i = 1; i < HN - 1; i++)
        for (j = 1; j < HN - 1; j++)
            dst[i][j] = src[i][j] + alpha * (src[i - 1][j] + src[i + 1][j] + src[i][j - 1] +
                                             src[i][j + 1] - 4 * src[i][j]);
}

static double grid_sum(double (*g)[HN])
{
    double s = 0;
    int i, j;
    for (i = 1; i < HN - 1; i++)
        for (j = 1; j < HN - 1; j++)
            s += g[i][j];
    return s;
}

/* ---------------- Poisson: -lap(u) = f on the unit square ---------------- */
#define PN 33

typedef double Grid[PN][PN];
typedef int (*Smoother)(Grid u, const Grid f, double h, double omega);

/* each returns 0; they update u in place (Jacobi uses a scratch copy) */
static int jacobi_sweep(Grid u, const Grid f, double h, double omega)
{
    static Grid old;
    int i, j;
    (void)omega;
    memcpy(old, u, sizeof old);
    for (i = 1; i < PN - 1; i++)
        for (j = 1; j < PN - 1; j++)
            u[i][j] = 0.25 * (old[i - 1][j] + old[i + 1][j] + old[i][j - 1] + old[i][j + 1] + h * h * f[i][j]);
    return 0;
}

static int sor_sweep(Grid u, const Grid f, double h, double omega)
{
    int i, j;
    for (i = 1; i < PN - 1; i++)
        for (j = 1; j < PN - 1; j++) {
            double gs = 0.25 * (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1] + h * h * f[i][j]);
            u[i][j] += omega * (gs - u[i][j]);
        }
    return 0;
}

static double residual(const Grid u, const Grid f, double h)
{
    double r = 0;
    int i, j;
    for (i = 1; i < PN - 1; i++)
        for (j = 1; j < PN - 1; j++) {
            double lap = (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1] - 4 * u[i][j]) / (h * h);
            r = fmax(r, fabs(lap + f[i][j]));
        }
    return r;
}

static int solve_poisson(Smoother sweep, double omega, Grid u, const Grid f, double h, int max_iter)
{
    int it;
    memset(u, 0, sizeof(Grid));
    for (it = 1; it <= max_iter; it++) {
        sweep(u, f, h, omega);
        if (it % 10 == 0 && residual(u, f, h) < 1e-3)
            return it;
    }
    return max_iter;
}

/* ---------------- 3-D smoother ---------------- */
#define CN 20

static double smooth3d(int iters)
{
    static double a[CN][CN][CN], b[CN][CN][CN];
    int it, i, j, k;
    double center;
    memset(a, 0, sizeof a);
    for (i = 0; i < CN; i++)
        for (j = 0; j < CN; j++) {
            a[0][i][j] = 1.0; /* hot face */
            a[CN - 1][i][j] = -1.0;
        }
    memcpy(b, a, sizeof a);
    for (it = 0; it < iters; it++) {
        double (*src)[CN][CN] = (it & 1) ? b : a;
        double (*dst)[CN][CN] = (it & 1) ? a : b;
        for (i = 1; i < CN - 1; i++)
            for (j = 1; j < CN - 1; j++)
                for (k = 1; k < CN - 1; k++)
                    dst[i][j][k] = (src[i - 1][j][k] + src[i + 1][j][k] + src[i][j - 1][k] +
                                    src[i][j + 1][k] + src[i][j][k - 1] + src[i][j][k + 1]) / 6.0;
    }
    center = ((iters & 1) ? b : a)[CN / 4][CN / 2][CN / 2];
    return center;
}

/* ---------------- integer image kernels ---------------- */
#define IW 160
#define IH 120

static void make_image(uint8_t img[IH][IW])
{
    int x, y;
    uint32_t s = 5u;
    for (y = 0; y < IH; y++)
        for (x = 0; x < IW; x++) {
            int v = ((x / 20 + y / 15) & 1) ? 200 : 40;  /* checkerboard */
            int dx = x - 100, dy = y - 60;
            if (dx * dx + dy * dy < 900)
                v = 128;                                  /* a disc */
            s = s * 1103515245u + 12345u;
            v += (int)((s >> 16) % 21) - 10;              /* noise */
            img[y][x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

static void box_blur(uint8_t src[IH][IW], uint8_t dst[IH][IW])
{
    int x, y, dx, dy;
    for (y = 0; y < IH; y++)
        for (x = 0; x < IW; x++) {
            int sum = 0, cnt = 0;
            for (dy = -1; dy <= 1; dy++)
                for (dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < IH && xx >= 0 && xx < IW) {
                        sum += src[yy][xx];
                        cnt++;
                    }
                }
            dst[y][x] = (uint8_t)((sum + cnt / 2) / cnt);
        }
}

static long sobel(uint8_t src[IH][IW], int *edges)
{
    static const int gx[3][3] = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
    static const int gy[3][3] = {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}};
    long total = 0;
    int x, y, i, j;
    *edges = 0;
    for (y = 1; y < IH - 1; y++)
        for (x = 1; x < IW - 1; x++) {
            int sx = 0, sy = 0, mag;
            for (i = 0; i < 3; i++)
                for (j = 0; j < 3; j++) {
                    sx += gx[i][j] * src[y + i - 1][x + j - 1];
                    sy += gy[i][j] * src[y + i - 1][x + j - 1];
                }
            mag = abs(sx) + abs(sy);
            total += mag;
            if (mag > 300)
                (*edges)++;
        }
    return total;
}

/* binomial [1 4 6 4 1]: separable pass vs direct 5x5; interior only */
static void binomial_separable(uint8_t src[IH][IW], uint32_t out[IH][IW])
{
    static const uint32_t k[5] = {1, 4, 6, 4, 1};
    static uint32_t tmp[IH][IW];
    int x, y, t;
    memset(tmp, 0, sizeof tmp);
    memset(out, 0, sizeof(uint32_t) * IH * IW);
    for (y = 0; y < IH; y++)
        for (x = 2; x < IW - 2; x++)
            for (t = 0; t < 5; t++)
                tmp[y][x] += k[t] * src[y][x + t - 2];
    for (y = 2; y < IH - 2; y++)
        for (x = 2; x < IW - 2; x++)
            for (t = 0; t < 5; t++)
                out[y][x] += k[t] * tmp[y + t - 2][x];
}

static void binomial_direct(uint8_t src[IH][IW], uint32_t out[IH][IW])
{
    static const uint32_t k[5] = {1, 4, 6, 4, 1};
    int x, y, i, j;
    memset(out, 0, sizeof(uint32_t) * IH * IW);
    for (y = 2; y < IH - 2; y++)
        for (x = 2; x < IW - 2; x++) {
            uint32_t s = 0;
            for (i = 0; i < 5; i++)
                for (j = 0; j < 5; j++)
                    s += k[i] * k[j] * src[y + i - 2][x + j - 2];
            out[y][x] = s;
        }
}

int main(void)
{
    static double ga[HN][HN], gb[HN][HN];
    static Grid u, f, exact;
    static uint8_t img[IH][IW], blurred[IH][IW];
    static uint32_t sep[IH][IW], dir[IH][IW];
    uint64_t heat_mix = 0, poisson_mix = 0, image_mix = 0;
    double h = 1.0 / (PN - 1), s0, s1, err;
    int i, j, step, iters[3], edges_raw, edges_blur;
    long mag_raw, mag_blur;

    /* heat: a hot square in the middle, cold fixed boundary */
    memset(ga, 0, sizeof ga);
    for (i = 24; i < 40; i++)
        for (j = 24; j < 40; j++)
            ga[i][j] = 100.0;
    memcpy(gb, ga, sizeof ga);
    s0 = grid_sum(ga);
    for (step = 0; step < 200; step += 2) {
        heat_step(gb, ga, 0.2);
        heat_step(ga, gb, 0.2);
        if (step % 50 == 0)
            heat_mix = mix_double(heat_mix, ga[32][32], 1e6);
    }
    s1 = grid_sum(ga);
    printf("heat: total %.3f -> %.3f, centre %.6f, corner-ish %.6f\n", s0, s1, ga[32][32], ga[10][10]);
    if (!(s1 < s0 && s1 > 0.5 * s0) || ga[32][32] > 100.0) {
        printf("FAIL heat diffusion sanity\n");
        failures++;
    }
    heat_mix = mix_double(heat_mix, s1, 1e3);
    printf("exact: heat total %a -> %a, grid %016llx\n", s0, s1, bits_of(ga, sizeof ga));

    /* Poisson with u = sin(pi x) sin(pi y), f = 2 pi^2 u */
    for (i = 0; i < PN; i++)
        for (j = 0; j < PN; j++) {
            exact[i][j] = sin(PI * i * h) * sin(PI * j * h);
            f[i][j] = 2 * PI * PI * exact[i][j];
        }
    iters[0] = solve_poisson(jacobi_sweep, 1.0, u, f, h, 5000);
    iters[1] = solve_poisson(sor_sweep, 1.0, u, f, h, 5000);   /* Gauss-Seidel */
    iters[2] = solve_poisson(sor_sweep, 2.0 / (1.0 + sin(PI * h)), u, f, h, 5000);
    err = 0;
    for (i = 0; i < PN; i++)
        for (j = 0; j < PN; j++)
            err = fmax(err, fabs(u[i][j] - exact[i][j]));
    printf("poisson: iterations jacobi=%d gauss-seidel=%d sor=%d, max error %.5f\n", iters[0], iters[1],
           iters[2], err);
    if (!(iters[2] < iters[1] && iters[1] < iters[0]) || err > 2e-3) {
        printf("FAIL poisson convergence ordering or accuracy\n");
        failures++;
    }
    poisson_mix = ((uint64_t)iters[0] << 32) ^ ((uint64_t)iters[1] << 16) ^ (uint64_t)iters[2];
    poisson_mix = mix_double(poisson_mix, u[PN / 3][PN / 2], 1e6);
    printf("exact: poisson sor grid %016llx, max error %a\n", bits_of(u, sizeof u), err);
    {
        double c = smooth3d(60);
        printf("3-d smoother: value at quarter depth %.6f\n", c);
        printf("exact: 3-d smoother %a\n", c);
        poisson_mix = mix_double(poisson_mix, c, 1e6);
    }

    /* images */
    make_image(img);
    box_blur(img, blurred);
    mag_raw = sobel(img, &edges_raw);
    mag_blur = sobel(blurred, &edges_blur);
    printf("sobel: raw total %ld edges %d; blurred total %ld edges %d\n", mag_raw, edges_raw, mag_blur,
           edges_blur);
    if (mag_blur >= mag_raw) {
        printf("FAIL blur should reduce gradient energy\n");
        failures++;
    }
    binomial_separable(img, sep);
    binomial_direct(img, dir);
    if (memcmp(sep, dir, sizeof sep) != 0) {
        printf("FAIL separable filter mismatch\n");
        failures++;
    }
    for (i = 0; i < IH; i += 3)
        for (j = 0; j < IW; j += 7)
            image_mix = image_mix * 31 + blurred[i][j] + ((uint64_t)sep[i][j] << 20);
    image_mix ^= (uint64_t)mag_raw << 24 ^ (uint64_t)edges_blur;

    check("HEAT", heat_mix, WANT_HEAT);
    check("POISSON", poisson_mix, WANT_POISSON);
    check("IMAGE", image_mix, WANT_IMAGE);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
