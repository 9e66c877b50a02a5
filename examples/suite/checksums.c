// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * checksums.c - CRC32 (bitwise, table-driven, slice-by-4), CRC32C,
 * CRC-16/CCITT, Adler-32 and Fletcher-16/32.
 *
 * Known-answer tests against published check values, cross-checks between
 * the different CRC implementations, incremental (streaming) versus one-shot
 * agreement, and fingerprints over a generated buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_BUF_CRC32 UINT64_C(0x000000001f50c2e7)
#define WANT_BUF_CRC32C UINT64_C(0x000000001600f1e2)
#define WANT_BUF_ADLER UINT64_C(0x00000000a5540ca0)
#define WANT_BUF_MISC UINT64_C(0x18b771c14c108abd)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

/* ---- CRC-32 (reflected, poly 0xEDB88320) ---- */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
    size_t i;
    int k;
    crc = ~crc;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static uint32_t crc_tab[4][256];
static uint32_t crc32c_tab[256];

static void make_tables(void)
{
    uint32_t i;
    int k, t;
    for (i = 0; i < 256; i++) {
        uint32_t c = i, d = i;
        for (k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            d = (d & 1u) ? (d >> 1) ^ 0x82F63B78u : d >> 1;
        }
        crc_tab[0][i] = c;
        crc32c_tab[i] = d;
    }
    for (i = 0; i < 256; i++)
        for (t = 1; t < 4; t++)
            crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xFF];
}

static uint32_t crc32_table(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

static uint32_t crc32_slice4(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n >= 4) {
        uint32_t w = (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
                     ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        crc ^= w;
        crc = crc_tab[3][crc & 0xFF] ^ crc_tab[2][(crc >> 8) & 0xFF] ^
              crc_tab[1][(crc >> 16) & 0xFF] ^ crc_tab[0][crc >> 24];
        p += 4;
        n -= 4;
    }
    while (n--)
        crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
    size_t i;
    crc = ~crc;
    for (i = 0; i < n; i++)
        crc = (crc >> 8) ^ crc32c_tab[(crc ^ p[i]) & 0xFF];
    return ~crc;
}

/* ---- CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected) ---- */
static uint16_t crc16_ccitt(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (k = 0; k < 8; k++)
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
    }
    return crc;
}

/* ---- Adler-32 ---- */
#define ADLER_MOD 65521u
#define ADLER_NMAX 5552

static uint32_t adler32(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xFFFF, b = adler >> 16;
    while (n > 0) {
        size_t chunk = n < ADLER_NMAX ? n : ADLER_NMAX;
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return (b << 16) | a;
}

static uint32_t adler32_naive(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        a = (a + p[i]) % ADLER_MOD;
        b = (b + a) % ADLER_MOD;
    }
    return (b << 16) | a;
}

/* combine adler(A) and adler(B) into adler(A||B) given len(B) */
static uint32_t adler32_combine(uint32_t a1, uint32_t a2, size_t len2)
{
    uint32_t rem = (uint32_t)(len2 % ADLER_MOD);
    uint32_t s1 = a1 & 0xFFFF, s2 = (rem * s1) % ADLER_MOD;
    uint32_t sum1, sum2;
    sum1 = s1 + (a2 & 0xFFFF) + ADLER_MOD - 1;
    sum2 = (a1 >> 16) + (a2 >> 16) + ADLER_MOD - rem + s2;
    sum1 %= ADLER_MOD;
    sum2 %= ADLER_MOD;
    return (sum2 << 16) | sum1;
}

/* ---- Fletcher ---- */
static uint16_t fletcher16(const uint8_t *p, size_t n)
{
    uint16_t s1 = 0, s2 = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        s1 = (uint16_t)((s1 + p[i]) % 255);
        s2 = (uint16_t)((s2 + s1) % 255);
    }
    return (uint16_t)((s2 << 8) | s1);
}

static uint32_t fletcher32(const uint8_t *p, size_t n)
{
    uint32_t s1 = 0xFFFF, s2 = 0xFFFF;
    size_t words = n / 2, i = 0;
    while (words) {
        size_t blk = words > 359 ? 359 : words;
        words -= blk;
        do {
            s1 += (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
            s2 += s1;
            i += 2;
        } while (--blk);
        s1 = (s1 & 0xFFFF) + (s1 >> 16);
        s2 = (s2 & 0xFFFF) + (s2 >> 16);
    }
    if (n & 1) {
        s1 += p[n - 1];
        s2 += s1;
        s1 = (s1 & 0xFFFF) + (s1 >> 16);
        s2 = (s2 & 0xFFFF) + (s2 >> 16);
    }
    s1 = (s1 & 0xFFFF) + (s1 >> 16);
    s2 = (s2 & 0xFFFF) + (s2 >> 16);
    return (s2 << 16) | s1;
}

/* ---- known-answer tests ---- */
typedef uint32_t (*StrSum)(const char *s);

static uint32_t kat_crc32(const char *s) { return crc32_table(0, (const uint8_t *)s, strlen(s)); }
static uint32_t kat_crc32c(const char *s) { return crc32c(0, (const uint8_t *)s, strlen(s)); }
static uint32_t kat_crc16(const char *s) { return crc16_ccitt((const uint8_t *)s, strlen(s)); }
static uint32_t kat_adler(const char *s) { return adler32(1, (const uint8_t *)s, strlen(s)); }
static uint32_t kat_fl16(const char *s) { return fletcher16((const uint8_t *)s, strlen(s)); }
static uint32_t kat_fl32(const char *s) { return fletcher32((const uint8_t *)s, strlen(s)); }

static void run_kats(void)
{
    static const struct {
        const char *name;
        StrSum fn;
        const char *input;
        uint32_t want;
    } kats[] = {
        {"crc32", kat_crc32, "123456789", 0xCBF43926u},
        {"crc32", kat_crc32, "", 0x00000000u},
        {"crc32", kat_crc32, "The quick brown fox jumps over the lazy dog", 0x414FA339u},
        {"crc32c", kat_crc32c, "123456789", 0xE3069283u},
        {"crc16", kat_crc16, "123456789", 0x29B1u},
        {"adler32", kat_adler, "Wikipedia", 0x11E60398u},
        {"adler32", kat_adler, "", 0x00000001u},
        {"fletcher16", kat_fl16, "abcde", 0xC8F0u},
        {"fletcher16", kat_fl16, "abcdef", 0x2057u},
        {"fletcher32", kat_fl32, "abcde", 0xF04FC729u},
        {"fletcher32", kat_fl32, "abcdef", 0x56502D2Au},
    };
    size_t i;
    for (i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        uint32_t got = kats[i].fn(kats[i].input);
        printf("kat %-10s \"%s\" = %08x\n", kats[i].name, kats[i].input, (unsigned)got);
        if (got != kats[i].want) {
            printf("FAIL kat %s \"%s\"\n", kats[i].name, kats[i].input);
            failures++;
        }
    }
}

int main(void)
{
    static uint8_t buf[1 << 16];
    uint32_t x = 0x12345678u;
    uint32_t c_bit, c_tab, c_s4, c_inc, a_one, a_naive, a_inc, a_comb, cc;
    uint64_t misc = 0;
    size_t i, pos;

    make_tables();
    run_kats();

    for (i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }

    c_bit = crc32_bitwise(0, buf, sizeof buf);
    c_tab = crc32_table(0, buf, sizeof buf);
    /* continue from one byte so the slicing loop starts unaligned */
    c_s4 = crc32_slice4(crc32_slice4(0, buf, 1), buf + 1, sizeof buf - 1);
    c_inc = 0;
    a_inc = 1;
    for (pos = 0; pos < sizeof buf;) {
        size_t step = 1 + (pos * 7919) % 1531;
        if (pos + step > sizeof buf)
            step = sizeof buf - pos;
        c_inc = crc32_table(c_inc, buf + pos, step);
        a_inc = adler32(a_inc, buf + pos, step);
        pos += step;
    }
    a_one = adler32(1, buf, sizeof buf);
    a_naive = adler32_naive(buf, sizeof buf);
    a_comb = adler32_combine(adler32(1, buf, 10000), adler32(1, buf + 10000, sizeof buf - 10000),
                             sizeof buf - 10000);
    cc = crc32c(0, buf, sizeof buf);

    printf("crc32    bit=%08x table=%08x slice4=%08x incremental=%08x\n",
           (unsigned)c_bit, (unsigned)c_tab, (unsigned)c_s4, (unsigned)c_inc);
    printf("adler32  one=%08x naive=%08x incremental=%08x combined=%08x\n",
           (unsigned)a_one, (unsigned)a_naive, (unsigned)a_inc, (unsigned)a_comb);
    printf("crc32c   %08x\n", (unsigned)cc);

    if (c_bit != c_tab || c_tab != c_s4 || c_tab != c_inc) {
        printf("FAIL crc32 implementations disagree\n");
        failures++;
    }
    if (a_one != a_naive || a_one != a_inc || a_one != a_comb) {
        printf("FAIL adler32 implementations disagree\n");
        failures++;
    }

    /* fingerprint many prefixes with the smaller checksums */
    for (i = 1; i <= 4096; i += 37) {
        misc = misc * 1000003u ^ fletcher16(buf, i);
        misc = misc * 1000003u ^ fletcher32(buf + i, i);
        misc = misc * 1000003u ^ crc16_ccitt(buf + 2 * i, i);
    }
    printf("fletcher/crc16 fingerprint %016llx\n", (unsigned long long)misc);

    check("BUF_CRC32", c_tab, WANT_BUF_CRC32);
    check("BUF_CRC32C", cc, WANT_BUF_CRC32C);
    check("BUF_ADLER", a_one, WANT_BUF_ADLER);
    check("BUF_MISC", misc, WANT_BUF_MISC);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
