// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * ciphers.c - ChaCha20 stream cipher and Poly1305 MAC (RFC 7539), plus the
 * XTEA block cipher in ECB/CBC modes.
 *
 * Known-answer tests from RFC 7539 (quarter round, block function,
 * encryption, Poly1305 tag), XTEA reference vectors, encrypt/decrypt round
 * trips, and a keystream fingerprint.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_KEYSTREAM UINT64_C(0xff3ddf3835617425)
#define WANT_CBC UINT64_C(0xcc2a7d7b93a4024b)
#define WANT_MACS UINT64_C(0xf8bb5f36a5d76f8f)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect_bytes(const char *what, const uint8_t *got, const uint8_t *want, size_t n)
{
    size_t i;
    printf("%-16s ", what);
    for (i = 0; i < n && i < 16; i++)
        printf("%02x", got[i]);
    printf("%s\n", n > 16 ? "..." : "");
    if (memcmp(got, want, n) != 0) {
        printf("FAIL kat %s\n", what);
        failures++;
    }
}

static uint32_t load32_le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void store32_le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---------------- ChaCha20 ---------------- */
static uint32_t rotl32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void quarter_round(uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    *a += *b; *d ^= *a; *d = rotl32(*d, 16);
    *c += *d; *b ^= *c; *b = rotl32(*b, 12);
    *a += *b; *d ^= *a; *d = rotl32(*d, 8);
    *c += *d; *b ^= *c; *b = rotl32(*b, 7);
}

static void qr_index(uint32_t *x, int a, int b, int c, int d)
{
    quarter_round(&x[a], &x[b], &x[c], &x[d]);
}

static void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
                           uint8_t out[64])
{
    uint32_t state[16], x[16];
    int i;
    state[0] = 0x61707865; state[1] = 0x3320646e;
    state[2] = 0x79622d32; state[3] = 0x6b206574;
    for (i = 0; i < 8; i++)
        state[4 + i] = load32_le(key + 4 * i);
    state[12] = counter;
    for (i = 0; i < 3; i++)
        state[13 + i] = load32_le(nonce + 4 * i);
    memcpy(x, state, sizeof x);
    for (i = 0; i < 10; i++) {
        qr_index(x, 0, 4, 8, 12);
        qr_index(x, 1, 5, 9, 13);
        qr_index(x, 2, 6, 10, 14);
        qr_index(x, 3, 7, 11, 15);
        qr_index(x, 0, 5, 10, 15);
        qr_index(x, 1, 6, 11, 12);
        qr_index(x, 2, 7, 8, 13);
        qr_index(x, 3, 4, 9, 14);
    }
    for (i = 0; i < 16; i++)
        store32_le(out + 4 * i, x[i] + state[i]);
}

static void chacha20_xor(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
                         const uint8_t *in, uint8_t *out, size_t n)
{
    uint8_t ks[64];
    size_t off = 0, i;
    while (off < n) {
        size_t take = n - off < 64 ? n - off : 64;
        chacha20_block(key, counter++, nonce, ks);
        for (i = 0; i < take; i++)
            out[off + i] = in[off + i] ^ ks[i];
        off += take;
    }
}

/* ---------------- Poly1305 (26-bit limbs) ---------------- */
static void poly1305(const uint8_t key[32], const uint8_t *m, size_t n, uint8_t tag[16])
{
    const uint32_t M26 = 0x3ffffff;
    uint32_t r0, r1, r2, r3, r4, s1, s2, s3, s4;
    uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, c;
    uint32_t g0, g1, g2, g3, g4, mask;
    uint64_t d0, d1, d2, d3, d4, f;
    uint8_t block[16];

    r0 = load32_le(key + 0) & 0x3ffffff;
    r1 = (load32_le(key + 3) >> 2) & 0x3ffff03;
    r2 = (load32_le(key + 6) >> 4) & 0x3ffc0ff;
    r3 = (load32_le(key + 9) >> 6) & 0x3f03fff;
    r4 = (load32_le(key + 12) >> 8) & 0x00fffff;
    s1 = r1 * 5; s2 = r2 * 5; s3 = r3 * 5; s4 = r4 * 5;

    while (n > 0) {
        uint32_t hibit = 1u << 24;
        size_t take = n < 16 ? n : 16;
        memset(block, 0, 16);
        memcpy(block, m, take);
        if (take < 16) {
            block[take] = 1;
            hibit = 0;
        }
        h0 += load32_le(block + 0) & M26;
        h1 += (load32_le(block + 3) >> 2) & M26;
        h2 += (load32_le(block + 6) >> 4) & M26;
        h3 += (load32_le(block + 9) >> 6) & M26;
        h4 += (load32_le(block + 12) >> 8) | hibit;

        d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 + (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
        d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 + (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
        d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 + (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
        d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 + (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
        d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 + (uint64_t)h3 * r1 + (uint64_t)h4 * r0;

        c = (uint32_t)(d0 >> 26); h0 = (uint32_t)d0 & M26;
        d1 += c; c = (uint32_t)(d1 >> 26); h1 = (uint32_t)d1 & M26;
        d2 += c; c = (uint32_t)(d2 >> 26); h2 = (uint32_t)d2 & M26;
        d3 += c; c = (uint32_t)(d3 >> 26); h3 = (uint32_t)d3 & M26;
        d4 += c; c = (uint32_t)(d4 >> 26); h4 = (uint32_t)d4 & M26;
        h0 += c * 5; c = h0 >> 26; h0 &= M26;
        h1 += c;

        m += take;
        n -= take;
    }

    c = h1 >> 26; h1 &= M26;
    h2 += c; c = h2 >> 26; h2 &= M26;
    h3 += c; c = h3 >> 26; h3 &= M26;
    h4 += c; c = h4 >> 26; h4 &= M26;
    h0 += c * 5; c = h0 >> 26; h0 &= M26;
    h1 += c;

    /* compute h - p and select it if non-negative */
    g0 = h0 + 5; c = g0 >> 26; g0 &= M26;
    g1 = h1 + c; c = g1 >> 26; g1 &= M26;
    g2 = h2 + c; c = g2 >> 26; g2 &= M26;
    g3 = h3 + c; c = g3 >> 26; g3 &= M26;
    g4 = h4 + c - (1u << 26);
    mask = (g4 >> 31) - 1u;
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);
    h2 = (h2 & ~mask) | (g2 & mask);
    h3 = (h3 & ~mask) | (g3 & mask);
    h4 = (h4 & ~mask) | (g4 & mask);

    h0 = h0 | (h1 << 26);
    h1 = (h1 >> 6) | (h2 << 20);
    h2 = (h2 >> 12) | (h3 << 14);
    h3 = (h3 >> 18) | (h4 << 8);

    f = (uint64_t)h0 + load32_le(key + 16); h0 = (uint32_t)f;
    f = (uint64_t)h1 + load32_le(key + 20) + (f >> 32); h1 = (uint32_t)f;
    f = (uint64_t)h2 + load32_le(key + 24) + (f >> 32); h2 = (uint32_t)f;
    f = (uint64_t)h3 + load32_le(key + 28) + (f >> 32); h3 = (uint32_t)f;
    store32_le(tag + 0, h0);
    store32_le(tag + 4, h1);
    store32_le(tag + 8, h2);
    store32_le(tag + 12, h3);
}

/* ---------------- XTEA ---------------- */
#define XTEA_DELTA 0x9E3779B9u

static void xtea_encrypt(uint32_t v[2], const uint32_t k[4], int rounds)
{
    uint32_t v0 = v[0], v1 = v[1], sum = 0;
    int i;
    for (i = 0; i < rounds; i++) {
        v0 += (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3]);
        sum += XTEA_DELTA;
        v1 += (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3]);
    }
    v[0] = v0;
    v[1] = v1;
}

static void xtea_decrypt(uint32_t v[2], const uint32_t k[4], int rounds)
{
    uint32_t v0 = v[0], v1 = v[1], sum = XTEA_DELTA * (uint32_t)rounds;
    int i;
    for (i = 0; i < rounds; i++) {
        v1 -= (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3]);
        sum -= XTEA_DELTA;
        v0 -= (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3]);
    }
    v[0] = v0;
    v[1] = v1;
}

typedef void (*BlockFn)(uint32_t v[2], const uint32_t k[4], int rounds);

static void cbc_apply(BlockFn fn, int encrypt, const uint32_t k[4], uint32_t iv[2],
                      uint32_t *words, size_t nblocks)
{
    uint32_t chain[2];
    size_t b;
    chain[0] = iv[0];
    chain[1] = iv[1];
    for (b = 0; b < nblocks; b++) {
        uint32_t *blk = words + 2 * b;
        if (encrypt) {
            blk[0] ^= chain[0];
            blk[1] ^= chain[1];
            fn(blk, k, 32);
            chain[0] = blk[0];
            chain[1] = blk[1];
        } else {
            uint32_t save0 = blk[0], save1 = blk[1];
            fn(blk, k, 32);
            blk[0] ^= chain[0];
            blk[1] ^= chain[1];
            chain[0] = save0;
            chain[1] = save1;
        }
    }
}

static void hex_to_bytes(const char *hex, uint8_t *out)
{
    size_t i;
    for (i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

int main(void)
{
    static const char sunscreen[] =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
        "the future, sunscreen would be it.";
    uint8_t key[32], nonce[12], block[64], want[64], ct[256], pt[256], tag[16];
    uint32_t a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567;
    uint32_t xk[4] = {0, 0, 0, 0}, xv[2] = {0, 0}, iv[2] = {0x01234567u, 0x89abcdefu};
    static uint32_t words[512], orig[512];
    uint64_t ks_mix = 0, cbc_mix = 0, mac_mix = 0;
    size_t len = strlen(sunscreen);
    int i;

    /* RFC 7539 2.1.1 quarter round */
    quarter_round(&a, &b, &c, &d);
    printf("quarter round    %08x %08x %08x %08x\n", (unsigned)a, (unsigned)b, (unsigned)c, (unsigned)d);
    if (a != 0xea2a92f4u || b != 0xcb1cf8ceu || c != 0x4581472eu || d != 0x5881c4bbu) {
        printf("FAIL kat quarter round\n");
        failures++;
    }

    /* RFC 7539 2.3.2 block function */
    for (i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    hex_to_bytes("000000090000004a00000000", nonce);
    chacha20_block(key, 1, nonce, block);
    hex_to_bytes("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                 "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", want);
    expect_bytes("chacha20 block", block, want, 64);

    /* RFC 7539 2.4.2 encryption, then decrypt back */
    hex_to_bytes("000000000000004a00000000", nonce);
    chacha20_xor(key, 1, nonce, (const uint8_t *)sunscreen, ct, len);
    hex_to_bytes("6e2e359a2568f98041ba0728dd0d6981", want);
    expect_bytes("chacha20 encrypt", ct, want, 16);
    chacha20_xor(key, 1, nonce, ct, pt, len);
    if (memcmp(pt, sunscreen, len) != 0) {
        printf("FAIL chacha20 roundtrip\n");
        failures++;
    }

    /* RFC 7539 2.5.2 Poly1305 */
    hex_to_bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key);
    poly1305(key, (const uint8_t *)"Cryptographic Forum Research Group", 34, tag);
    hex_to_bytes("a8061dc1305136c6c22b8baf0c0127a9", want);
    expect_bytes("poly1305 tag", tag, want, 16);

    /* XTEA reference vector: zero key, zero block */
    xtea_encrypt(xv, xk, 32);
    printf("xtea zero        %08x %08x\n", (unsigned)xv[0], (unsigned)xv[1]);
    if (xv[0] != 0xdee9d4d8u || xv[1] != 0xf7131ed9u) {
        printf("FAIL kat xtea\n");
        failures++;
    }
    xtea_decrypt(xv, xk, 32);
    if (xv[0] != 0 || xv[1] != 0) {
        printf("FAIL xtea decrypt\n");
        failures++;
    }

    /* keystream fingerprint over many counters/nonces */
    for (i = 0; i < 32; i++)
        key[i] = (uint8_t)(i * 7 + 3);
    for (i = 0; i < 200; i++) {
        int j;
        memset(nonce, 0, sizeof nonce);
        nonce[i % 12] = (uint8_t)i;
        chacha20_block(key, (uint32_t)i * 977u, nonce, block);
        for (j = 0; j < 64; j += 8)
            ks_mix = (ks_mix ^ load32_le(block + j)) * UINT64_C(0x100000001b3) + load32_le(block + j + 4);
    }
    printf("keystream mix    %016llx\n", (unsigned long long)ks_mix);

    /* CBC-mode XTEA over a buffer */
    xk[0] = 0x00010203u; xk[1] = 0x04050607u; xk[2] = 0x08090a0bu; xk[3] = 0x0c0d0e0fu;
    for (i = 0; i < 512; i++)
        orig[i] = words[i] = (uint32_t)i * 0x01010101u ^ 0xA5A5A5A5u;
    cbc_apply(xtea_encrypt, 1, xk, iv, words, 256);
    for (i = 0; i < 512; i++)
        cbc_mix = cbc_mix * 31 + words[i];
    cbc_apply(xtea_decrypt, 0, xk, iv, words, 256);
    if (memcmp(words, orig, sizeof words) != 0) {
        printf("FAIL xtea cbc roundtrip\n");
        failures++;
    }
    printf("xtea cbc mix     %016llx\n", (unsigned long long)cbc_mix);

    /* MACs over growing messages: exercises partial blocks */
    for (i = 0; i < 256; i++)
        pt[i] = (uint8_t)(i ^ 0x5a);
    for (i = 0; i <= 256; i += 3) {
        poly1305(key, pt, (size_t)i, tag);
        mac_mix = (mac_mix << 5 | mac_mix >> 59) ^ load32_le(tag) ^ ((uint64_t)load32_le(tag + 12) << 32);
    }
    printf("poly1305 mix     %016llx\n", (unsigned long long)mac_mix);

    check("KEYSTREAM", ks_mix, WANT_KEYSTREAM);
    check("CBC", cbc_mix, WANT_CBC);
    check("MACS", mac_mix, WANT_MACS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
