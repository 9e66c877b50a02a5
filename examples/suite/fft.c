// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * fft.c - Fast Fourier transforms.
 *
 * An iterative radix-2 complex FFT (bit-reversal permutation plus butterfly
 * passes with a precomputed twiddle table) is checked against a naive DFT,
 * against its own inverse, and with Parseval's identity; then used for
 * spectral peak detection and for multiplying large decimal numbers, which
 * is cross-checked against schoolbook multiplication and against an exact
 * number-theoretic transform (NTT) modulo 998244353.  Floating-point
 * results are fingerprinted after rounding and also printed exactly (%a, and
 * checksums of the bits of whole spectra).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 4096
#define NTT_MOD 998244353u
#define NTT_ROOT 3u

#define WANT_SPECTRUM UINT64_C(0x45ce5e478c50e164)
#define WANT_PRODUCT UINT64_C(0x1a52de2ef171218a)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect_small(const char *what, double err, double tol)
{
    if (!(err <= tol)) {
        printf("FAIL %s: error %.3e exceeds %.1e\n", what, err, tol);
        failures++;
    }
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

typedef struct {
    double re, im;
} Cx;

static Cx cx(double re, double im) { Cx c; c.re = re; c.im = im; return c; }
static Cx cadd(Cx a, Cx b) { return cx(a.re + b.re, a.im + b.im); }
static Cx csub(Cx a, Cx b) { return cx(a.re - b.re, a.im - b.im); }
static Cx cmul(Cx a, Cx b) { return cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re); }
static double cabs2(Cx a) { return a.re * a.re + a.im * a.im; }

static const double PI = 3.14159265358979323846;

static Cx twiddle[MAXN / 2];
static int twiddle_n;

static void make_twiddles(int n)
{
    int k;
    for (k = 0; k < n / 2; k++)
        twiddle[k] = cx(cos(-2 * PI * k / n), sin(-2 * PI * k / n));
    twiddle_n = n;
}

static void bit_reverse(Cx *a, int n)
{
    int i, j = 0;
    for (i = 1; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            Cx t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

/* in-place FFT; inverse uses conjugated twiddles and scales by 1/n */
static void fft(Cx *a, int n, int inverse)
{
    int len, i, k;
    if (twiddle_n != n)
        make_twiddles(n);
    bit_reverse(a, n);
    for (len = 2; len <= n; len <<= 1) {
        int step = n / len, half = len / 2;
        for (i = 0; i < n; i += len)
            for (k = 0; k < half; k++) {
                Cx w = twiddle[k * step];
                Cx u, v;
                if (inverse)
                    w.im = -w.im;
                u = a[i + k];
                v = cmul(a[i + k + half], w);
                a[i + k] = cadd(u, v);
                a[i + k + half] = csub(u, v);
            }
    }
    if (inverse)
        for (i = 0; i < n; i++) {
            a[i].re /= n;
            a[i].im /= n;
        }
}

static void naive_dft(const Cx *in, Cx *out, int n)
{
    int k, t;
    for (k = 0; k < n; k++) {
        Cx s = cx(0, 0);
        for (t = 0; t < n; t++) {
            double ang = -2 * PI * (double)((long)k * t % n) / n;
            s = cadd(s, cmul(in[t], cx(cos(ang), sin(ang))));
        }
        out[k] = s;
    }
}

/* ---- NTT ---- */
static uint32_t mulmod(uint32_t a, uint32_t b) { return (uint32_t)((uint64_t)a * b % NTT_MOD); }

static uint32_t powmod(uint32_t b, uint32_t e)
{
    uint32_t r = 1;
    while (e) {
        if (e & 1)
            r = mulmod(r, b);
        b = mulmod(b, b);
        e >>= 1;
    }
    return r;
}

static void ntt(uint32_t *a, int n, int inverse)
{
    int i, j = 0, len;
    for (i = 1; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
    for (len = 2; len <= n; len <<= 1) {
        uint32_t wl = powmod(NTT_ROOT, (NTT_MOD - 1) / (uint32_t)len);
        if (inverse)
            wl = powmod(wl, NTT_MOD - 2);
        for (i = 0; i < n; i += len) {
            uint32_t w = 1;
            int k;
            for (k = 0; k < len / 2; k++) {
                uint32_t u = a[i + k], v = mulmod(a[i + k + len / 2], w);
                a[i + k] = u + v >= NTT_MOD ? u + v - NTT_MOD : u + v;
                a[i + k + len / 2] = u >= v ? u - v : u + NTT_MOD - v;
                w = mulmod(w, wl);
            }
        }
    }
    if (inverse) {
        uint32_t inv_n = powmod((uint32_t)n, NTT_MOD - 2);
        for (i = 0; i < n; i++)
            a[i] = mulmod(a[i], inv_n);
    }
}

/* ---- big decimal multiplication three ways; digits little-endian ---- */
static int normalize(const uint64_t *conv, int n, uint8_t *out)
{
    uint64_t carry = 0;
    int i, len = 0;
    for (i = 0; i < n; i++) {
        uint64_t v = conv[i] + carry;
        out[i] = (uint8_t)(v % 10);
        carry = v / 10;
        if (out[i])
            len = i + 1;
    }
    while (carry) {
        out[n++] = (uint8_t)(carry % 10);
        carry /= 10;
        len = n;
    }
    return len;
}

static int mul_school(const uint8_t *a, int na, const uint8_t *b, int nb, uint8_t *out)
{
    static uint64_t acc[2 * MAXN];
    int i, j;
    memset(acc, 0, sizeof acc);
    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            acc[i + j] += (uint64_t)a[i] * b[j];
    return normalize(acc, na + nb, out);
}

static int mul_fft(const uint8_t *a, int na, const uint8_t *b, int nb, uint8_t *out)
{
    static Cx fa[MAXN], fb[MAXN];
    static uint64_t acc[2 * MAXN];
    int n = 1, i;
    while (n < na + nb)
        n <<= 1;
    for (i = 0; i < n; i++) {
        fa[i] = cx(i < na ? a[i] : 0, 0);
        fb[i] = cx(i < nb ? b[i] : 0, 0);
    }
    fft(fa, n, 0);
    fft(fb, n, 0);
    for (i = 0; i < n; i++)
        fa[i] = cmul(fa[i], fb[i]);
    fft(fa, n, 1);
    memset(acc, 0, sizeof acc);
    for (i = 0; i < n; i++)
        acc[i] = (uint64_t)llround(fa[i].re);
    return normalize(acc, n, out);
}

static int mul_ntt(const uint8_t *a, int na, const uint8_t *b, int nb, uint8_t *out)
{
    static uint32_t fa[MAXN], fb[MAXN];
    static uint64_t acc[2 * MAXN];
    int n = 1, i;
    while (n < na + nb)
        n <<= 1;
    for (i = 0; i < n; i++) {
        fa[i] = i < na ? a[i] : 0;
        fb[i] = i < nb ? b[i] : 0;
    }
    ntt(fa, n, 0);
    ntt(fb, n, 0);
    for (i = 0; i < n; i++)
        fa[i] = mulmod(fa[i], fb[i]);
    ntt(fa, n, 1);
    memset(acc, 0, sizeof acc);
    for (i = 0; i < n; i++)
        acc[i] = fa[i];
    return normalize(acc, n, out);
}

int main(void)
{
    static Cx sig[MAXN], ref[MAXN], work[MAXN];
    static uint8_t da[1500], db[1500], p1[2 * MAXN], p2[2 * MAXN], p3[2 * MAXN];
    uint64_t spec_mix = 0, prod_mix = 0;
    uint32_t seed = 77u;
    double err, e_time, e_freq, dft_err, inv_err;
    unsigned long long dft_bits, fft_bits;
    int i, n, l1, l2, l3;

    /* 1. FFT vs naive DFT, and inverse round trip */
    n = 256;
    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        sig[i] = cx(((seed >> 16) % 2001) / 1000.0 - 1.0, ((seed >> 4) % 101) / 100.0 - 0.5);
    }
    naive_dft(sig, ref, n);
    memcpy(work, sig, sizeof(Cx) * (size_t)n);
    fft(work, n, 0);
    err = 0;
    for (i = 0; i < n; i++)
        err = fmax(err, sqrt(cabs2(csub(work[i], ref[i]))));
    expect_small("fft vs dft", err, 1e-9);
    dft_err = err;
    dft_bits = bits_of(ref, sizeof(Cx) * (size_t)n);
    fft_bits = bits_of(work, sizeof(Cx) * (size_t)n);
    e_time = e_freq = 0;
    for (i = 0; i < n; i++) {
        e_time += cabs2(sig[i]);
        e_freq += cabs2(work[i]);
    }
    expect_small("parseval", fabs(e_time - e_freq / n) / e_time, 1e-12);
    fft(work, n, 1);
    err = 0;
    for (i = 0; i < n; i++)
        err = fmax(err, sqrt(cabs2(csub(work[i], sig[i]))));
    expect_small("inverse round trip", err, 1e-12);
    inv_err = err;
    printf("n=%d: energy %.6f, fft/dft agree, inverse ok\n", n, e_time);
    printf("exact: dft %016llx fft %016llx inverse %016llx\n", dft_bits, fft_bits,
           bits_of(work, sizeof(Cx) * (size_t)n));
    printf("exact: energy %a %a, fft vs dft %a, round trip %a\n", e_time, e_freq, dft_err, inv_err);

    /* 2. spectral peaks of a sum of sinusoids */
    n = 2048;
    for (i = 0; i < n; i++) {
        double t = (double)i / n;
        sig[i] = cx(3.0 * sin(2 * PI * 50 * t) + 1.5 * cos(2 * PI * 313 * t) +
                    0.75 * sin(2 * PI * 700 * t + 0.3), 0);
    }
    fft(sig, n, 0);
    printf("exact: spectrum %016llx\n", bits_of(sig, sizeof(Cx) * (size_t)n));
    {
        int peaks = 0;
        for (i = 1; i < n / 2; i++) {
            double m = sqrt(cabs2(sig[i])) * 2 / n;
            if (m > 0.1) {
                printf("peak at bin %4d amplitude %.4f (%a)\n", i, m, m);
                peaks++;
                spec_mix = spec_mix * 1000003u + (uint64_t)i * 100000u + (uint64_t)llround(m * 1e4);
            }
        }
        if (peaks != 3) {
            printf("FAIL expected 3 peaks, found %d\n", peaks);
            failures++;
        }
    }

    /* 3. big-number multiplication, three algorithms */
    for (i = 0; i < 1500; i++) {
        seed = seed * 1103515245u + 12345u;
        da[i] = (uint8_t)((seed >> 16) % 10);
        db[i] = (uint8_t)((seed >> 20) % 10);
    }
    da[1499] = db[1199] = 7; /* nonzero leading digits */
    l1 = mul_school(da, 1500, db, 1200, p1);
    l2 = mul_fft(da, 1500, db, 1200, p2);
    l3 = mul_ntt(da, 1500, db, 1200, p3);
    if (l1 != l2 || l1 != l3 || memcmp(p1, p2, (size_t)l1) != 0 || memcmp(p1, p3, (size_t)l1) != 0) {
        printf("FAIL big multiplication disagreement\n");
        failures++;
    }
    printf("1500-digit x 1200-digit product has %d digits, leading ", l1);
    for (i = l1 - 1; i >= l1 - 12; i--)
        printf("%d", p1[i]);
    printf("...\n");
    for (i = 0; i < l1; i++)
        prod_mix = prod_mix * 10 + p1[i] + (prod_mix >> 60);

    check("SPECTRUM", spec_mix, WANT_SPECTRUM);
    check("PRODUCT", prod_mix, WANT_PRODUCT);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
