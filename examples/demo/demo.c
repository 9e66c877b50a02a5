// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * demo.c -- small, self-checking demo program for the optimizer plugin.
 *
 * It contains several hot loops (dot products, a 4x4 matrix kernel, an image
 * blur stencil, a Mandelbrot escape loop, hashing) built from tiny static
 * helpers that an optimizer is expected to inline, unroll and vectorize.
 * The output must be identical with and without the plugin; the program
 * prints "OK" and returns 0 if every checksum matches, "FAIL ..." and 1
 * otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ helpers */

static uint32_t rng_state = 0x12345678u;

static uint32_t rng_next(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static int min_i(int a, int b)
{
    return a < b ? a : b;
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

static int clamp_i(int x, int lo, int hi)
{
    return min_i(max_i(x, lo), hi);
}

static double sq(double x)
{
    return x * x;
}

static uint32_t rotl(uint32_t x, unsigned r)
{
    return (x << (r & 31u)) | (x >> ((32u - r) & 31u));
}

static uint32_t mix(uint32_t h, uint32_t v)
{
    return rotl(h ^ (v * 0x9E3779B1u), 13) * 5u + 0xE6546B64u;
}

static uint32_t mix_rounded(uint32_t h, double d)
{
    /* checks use values rounded to 1e-6 so printing and hashing agree */
    double scaled = d * 1e6;
    int64_t q = (int64_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    return mix(mix(h, (uint32_t)(uint64_t)q), (uint32_t)((uint64_t)q >> 32));
}

/* ---------------------------------------------------- 1. dot products */

#define VEC_N 1024

static double dot8(const double *a, const double *b)
{
    double s = 0.0;
    for (int i = 0; i < 8; i++) /* constant trip count: full unroll candidate */
        s += a[i] * b[i];
    return s;
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i + 8 <= n; i += 8)
        s += dot8(a + i, b + i);
    return s;
}

static int64_t sum_i32(const int32_t *a, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++)
        s += a[i];
    return s;
}

static uint32_t demo_dot(void)
{
    static double a[VEC_N], b[VEC_N];
    static int32_t ints[VEC_N];
    double total = 0.0;
    int64_t isum = 0;
    for (int i = 0; i < VEC_N; i++) {
        a[i] = (double)(i % 13) * 0.25 - 1.5;
        b[i] = (double)((i * 7) % 11) * 0.125;
        ints[i] = (int32_t)(rng_next() % 2001u) - 1000;
    }
    for (int rep = 0; rep < 200; rep++) {
        total += dot(a, b, VEC_N);
        isum += sum_i32(ints, VEC_N);
    }
    printf("dot:     total=%.6f isum=%lld\n", total, (long long)isum);
    return mix(mix_rounded(0, total), (uint32_t)(uint64_t)isum);
}

/* -------------------------------------------- 2. 4x4 matrix transform */

typedef struct {
    double m[4][4];
} Mat4;

typedef struct {
    double v[4];
} Vec4;

static Mat4 mat4_mul(const Mat4 *a, const Mat4 *b)
{
    Mat4 c;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0.0;
            for (int k = 0; k < 4; k++)
                s += a->m[i][k] * b->m[k][j];
            c.m[i][j] = s;
        }
    return c;
}

static Vec4 mat4_apply(const Mat4 *a, Vec4 x)
{
    Vec4 y;
    for (int i = 0; i < 4; i++)
        y.v[i] = a->m[i][0] * x.v[0] + a->m[i][1] * x.v[1] + a->m[i][2] * x.v[2] +
                 a->m[i][3] * x.v[3];
    return y;
}

static uint32_t demo_matrix(void)
{
    /* a rotation-like integer matrix keeps values exact and bounded */
    Mat4 rot = {{{0, -1, 0, 0}, {1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}};
    Mat4 shear = {{{1, 0.5, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0.25}, {0, 0, 0, 1}}};
    Mat4 acc = {{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}};
    Vec4 p = {{1.0, 2.0, 3.0, 1.0}};
    double trace_sum = 0.0, len_sum = 0.0;
    for (int step = 0; step < 4000; step++) {
        acc = mat4_mul(&acc, (step % 3 == 0) ? &shear : &rot);
        if (step % 64 == 63) {
            /* renormalise so the entries stay small and exact */
            acc = (Mat4){{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}};
        }
        trace_sum += acc.m[0][0] + acc.m[1][1] + acc.m[2][2] + acc.m[3][3];
        p = mat4_apply(&rot, p);
        len_sum += sq(p.v[0]) + sq(p.v[1]) + sq(p.v[2]);
    }
    printf("matrix:  trace_sum=%.6f len_sum=%.6f p=(%.6f %.6f %.6f)\n", trace_sum, len_sum,
           p.v[0], p.v[1], p.v[2]);
    return mix_rounded(mix_rounded(0, trace_sum), len_sum);
}

/* ----------------------------------------------------- 3. image blur */

#define IMG_W 96
#define IMG_H 64

static uint8_t pixel_at(uint8_t img[IMG_H][IMG_W], int y, int x)
{
    return img[clamp_i(y, 0, IMG_H - 1)][clamp_i(x, 0, IMG_W - 1)];
}

static void blur3x3(uint8_t in[IMG_H][IMG_W], uint8_t out[IMG_H][IMG_W])
{
    static const int k[3][3] = {{1, 2, 1}, {2, 4, 2}, {1, 2, 1}};
    for (int y = 0; y < IMG_H; y++)
        for (int x = 0; x < IMG_W; x++) {
            int s = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    s += k[dy + 1][dx + 1] * pixel_at(in, y + dy, x + dx);
            out[y][x] = (uint8_t)((s + 8) / 16);
        }
}

static uint32_t image_hash(uint8_t img[IMG_H][IMG_W], unsigned *histogram)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 8; i++)
        histogram[i] = 0;
    for (int y = 0; y < IMG_H; y++)
        for (int x = 0; x < IMG_W; x++) {
            h = (h ^ img[y][x]) * 16777619u;
            histogram[img[y][x] >> 5]++;
        }
    return h;
}

static uint32_t demo_blur(void)
{
    static uint8_t a[IMG_H][IMG_W], b[IMG_H][IMG_W];
    unsigned hist[8];
    uint32_t h;
    for (int y = 0; y < IMG_H; y++)
        for (int x = 0; x < IMG_W; x++)
            a[y][x] = (uint8_t)(((x / 8 + y / 8) % 2) ? 220 : 30) ^ (uint8_t)(rng_next() & 15u);
    for (int pass = 0; pass < 6; pass++) {
        blur3x3(a, b);
        blur3x3(b, a);
    }
    h = image_hash(a, hist);
    printf("blur:    hash=%08x hist=[%u %u %u %u %u %u %u %u]\n", (unsigned)h, hist[0], hist[1],
           hist[2], hist[3], hist[4], hist[5], hist[6], hist[7]);
    return h;
}

/* ------------------------------------------------------- 4. Mandelbrot */

static int escape_time(double cr, double ci, int max_iter)
{
    double zr = 0.0, zi = 0.0;
    int n = 0;
    while (n < max_iter && sq(zr) + sq(zi) <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        n++;
    }
    return n;
}

static uint32_t demo_mandelbrot(void)
{
    static const char shades[] = " .:-=+*#%@";
    uint32_t h = 0;
    long total = 0;
    for (int y = 0; y < 24; y++) {
        char line[73];
        for (int x = 0; x < 72; x++) {
            double cr = -2.2 + 3.0 * (double)x / 72.0;
            double ci = -1.2 + 2.4 * (double)y / 24.0;
            int n = escape_time(cr, ci, 200);
            total += n;
            h = mix(h, (uint32_t)n);
            line[x] = shades[n >= 200 ? 9 : n % 9];
        }
        line[72] = '\0';
        if (y % 4 == 0)
            printf("  |%s|\n", line);
    }
    printf("mandel:  total_iterations=%ld\n", total);
    return mix(h, (uint32_t)total);
}

/* --------------------------------------- 5. switch-dispatched opcodes */

enum { OP_ADD, OP_MUL, OP_XOR, OP_ROT, OP_SUB, OP_COUNT };

static uint32_t apply(int op, uint32_t acc, uint32_t arg)
{
    switch (op) {
    case OP_ADD:
        return acc + arg;
    case OP_MUL:
        return acc * (arg | 1u);
    case OP_XOR:
        return acc ^ arg;
    case OP_ROT:
        return rotl(acc, arg);
    case OP_SUB:
        return acc - arg;
    default:
        return acc;
    }
}

static uint32_t demo_dispatch(void)
{
    uint8_t ops[256];
    uint32_t args[256];
    uint32_t acc = 1;
    unsigned counts[OP_COUNT] = {0};
    for (int i = 0; i < 256; i++) {
        ops[i] = (uint8_t)(rng_next() % OP_COUNT);
        args[i] = rng_next() >> 16;
    }
    for (int round = 0; round < 400; round++)
        for (int i = 0; i < 256; i++) {
            acc = apply(ops[i], acc, args[i] + (uint32_t)round);
            counts[ops[i]]++;
        }
    printf("dispatch: acc=%08x counts=[%u %u %u %u %u]\n", (unsigned)acc, counts[0], counts[1],
           counts[2], counts[3], counts[4]);
    return mix(acc, counts[0] + 3u * counts[3]);
}

/* ---------------------------------------------------- 6. recursion */

static uint64_t fib_memo(int n, uint64_t *memo)
{
    if (n < 2)
        return (uint64_t)n;
    if (memo[n] == 0)
        memo[n] = fib_memo(n - 1, memo) + fib_memo(n - 2, memo);
    return memo[n];
}

static unsigned count_paths(int x, int y)
{
    /* lattice paths: C(x+y, x) computed recursively */
    if (x == 0 || y == 0)
        return 1;
    return count_paths(x - 1, y) + count_paths(x, y - 1);
}

static uint32_t demo_recursion(void)
{
    uint64_t memo[91];
    uint64_t f90;
    unsigned paths;
    memset(memo, 0, sizeof memo);
    f90 = fib_memo(90, memo);
    paths = count_paths(8, 8);
    printf("recur:   fib(90)=%llu paths(8,8)=%u\n", (unsigned long long)f90, paths);
    return mix(mix((uint32_t)f90, (uint32_t)(f90 >> 32)), paths);
}

/* ------------------------------------------------------------- main */

typedef uint32_t (*DemoFn)(void);

int main(void)
{
    static const struct {
        const char *name;
        DemoFn fn;
        uint32_t expected;
    } demos[] = {
        {"dot", demo_dot, 0x39301316u},
        {"matrix", demo_matrix, 0x97949552u},
        {"blur", demo_blur, 0xa2c91eb7u},
        {"mandelbrot", demo_mandelbrot, 0x655a90b0u},
        {"dispatch", demo_dispatch, 0x93cf6b21u},
        {"recursion", demo_recursion, 0x26169384u},
    };
    unsigned failures = 0;
    for (size_t i = 0; i < COUNT_OF(demos); i++) {
        uint32_t got = demos[i].fn();
        printf("[%s] checksum=0x%08x\n", demos[i].name, (unsigned)got);
        if (got != demos[i].expected) {
            printf("FAIL %s: got 0x%08x expected 0x%08x\n", demos[i].name, (unsigned)got,
                   (unsigned)demos[i].expected);
            failures++;
        }
    }
    if (failures) {
        printf("FAIL %u demo(s)\n", failures);
        return 1;
    }
    printf("OK\n");
    return 0;
}
