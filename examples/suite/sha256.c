// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * sha256.c - SHA-256 (FIPS 180-4) with a streaming API, HMAC-SHA256
 * (RFC 2104), and a tiny PBKDF2-style iterated key derivation.
 *
 * Known-answer tests from FIPS 180-2 / RFC 4231, streaming-versus-one-shot
 * agreement with irregular chunk sizes, and a hash-chain fingerprint.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_CHAIN UINT64_C(0x4aa241482140ae27)
#define WANT_PBKDF UINT64_C(0x95423de0265e652c)
#define WANT_LENGTHS UINT64_C(0xeb11f5049781f80f)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef struct {
    uint32_t h[8];
    uint8_t block[64];
    size_t used;
    uint64_t total;
} Sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static uint32_t ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static uint32_t maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static uint32_t bsig0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
static uint32_t bsig1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
static uint32_t ssig0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
static uint32_t ssig1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void compress_block(uint32_t h[8], const uint8_t *blk)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;
    int t;
    for (t = 0; t < 16; t++)
        w[t] = load_be32(blk + 4 * t);
    for (t = 16; t < 64; t++)
        w[t] = ssig1(w[t - 2]) + w[t - 7] + ssig0(w[t - 15]) + w[t - 16];
    a = h[0]; b = h[1]; c = h[2]; d = h[3];
    e = h[4]; f = h[5]; g = h[6]; hh = h[7];
    for (t = 0; t < 64; t++) {
        uint32_t t1 = hh + bsig1(e) + ch(e, f, g) + K[t] + w[t];
        uint32_t t2 = bsig0(a) + maj(a, b, c);
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha_init(Sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->used = 0;
    s->total = 0;
}

static void sha_update(Sha256 *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->total += n;
    if (s->used) {
        size_t take = 64 - s->used;
        if (take > n)
            take = n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used < 64)
            return;
        compress_block(s->h, s->block);
        s->used = 0;
    }
    while (n >= 64) {
        compress_block(s->h, p);
        p += 64;
        n -= 64;
    }
    memcpy(s->block, p, n);
    s->used = n;
}

static void sha_final(Sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->total * 8;
    int i;
    s->block[s->used++] = 0x80;
    if (s->used > 56) {
        memset(s->block + s->used, 0, 64 - s->used);
        compress_block(s->h, s->block);
        s->used = 0;
    }
    memset(s->block + s->used, 0, 56 - s->used);
    for (i = 0; i < 8; i++)
        s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress_block(s->h, s->block);
    for (i = 0; i < 8; i++)
        store_be32(out + 4 * i, s->h[i]);
}

static void sha256(const void *data, size_t n, uint8_t out[32])
{
    Sha256 s;
    sha_init(&s);
    sha_update(&s, data, n);
    sha_final(&s, out);
}

static void hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen,
                        uint8_t out[32])
{
    uint8_t k0[64], pad[64], inner[32];
    Sha256 s;
    int i;
    memset(k0, 0, sizeof k0);
    if (klen > 64)
        sha256(key, klen, k0);
    else
        memcpy(k0, key, klen);
    for (i = 0; i < 64; i++)
        pad[i] = k0[i] ^ 0x36;
    sha_init(&s);
    sha_update(&s, pad, 64);
    sha_update(&s, msg, mlen);
    sha_final(&s, inner);
    for (i = 0; i < 64; i++)
        pad[i] = k0[i] ^ 0x5c;
    sha_init(&s);
    sha_update(&s, pad, 64);
    sha_update(&s, inner, 32);
    sha_final(&s, out);
}

/* PBKDF2-HMAC-SHA256, first block only (dkLen <= 32) */
static void pbkdf2_block1(const char *pw, const char *salt, int iters, uint8_t out[32])
{
    uint8_t u[32], msg[128];
    size_t slen = strlen(salt);
    int i, j;
    memcpy(msg, salt, slen);
    msg[slen] = 0; msg[slen + 1] = 0; msg[slen + 2] = 0; msg[slen + 3] = 1;
    hmac_sha256((const uint8_t *)pw, strlen(pw), msg, slen + 4, u);
    memcpy(out, u, 32);
    for (i = 1; i < iters; i++) {
        hmac_sha256((const uint8_t *)pw, strlen(pw), u, 32, u);
        for (j = 0; j < 32; j++)
            out[j] ^= u[j];
    }
}

static void to_hex(const uint8_t *d, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static uint64_t first64(const uint8_t *d)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++)
        v = (v << 8) | d[i];
    return v;
}

static void expect_hex(const char *label, const uint8_t *digest, const char *want)
{
    char hex[65];
    to_hex(digest, 32, hex);
    printf("%-10s %s\n", label, hex);
    if (strcmp(hex, want) != 0) {
        printf("FAIL kat %s\n", label);
        failures++;
    }
}

int main(void)
{
    static uint8_t big[1000000];
    uint8_t d[32], d2[32], key[20];
    Sha256 s;
    size_t pos, n;
    uint64_t len_mix = 0;
    int i;

    sha256("", 0, d);
    expect_hex("empty", d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256("abc", 3, d);
    expect_hex("abc", d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
    expect_hex("448bit", d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    memset(big, 'a', sizeof big);
    sha256(big, sizeof big, d);
    expect_hex("million-a", d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* streaming with awkward chunk sizes must agree */
    sha_init(&s);
    for (pos = 0, n = 1; pos < sizeof big; pos += n, n = n * 3 % 1021 + 1) {
        if (pos + n > sizeof big)
            n = sizeof big - pos;
        sha_update(&s, big + pos, n);
    }
    sha_final(&s, d2);
    if (memcmp(d, d2, 32) != 0) {
        printf("FAIL streaming\n");
        failures++;
    }

    memset(key, 0x0b, sizeof key);
    hmac_sha256(key, 20, (const uint8_t *)"Hi There", 8, d);
    expect_hex("hmac-1", d, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, d);
    expect_hex("hmac-2", d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    /* every length around block boundaries: padding edge cases */
    for (i = 0; i <= 130; i++) {
        sha256(big, (size_t)i, d);
        len_mix = (len_mix * 0x100000001b3u) ^ first64(d);
    }
    printf("lengths 0..130 fingerprint %016llx\n", (unsigned long long)len_mix);

    /* hash chain */
    memset(d, 0, 32);
    for (i = 0; i < 2000; i++)
        sha256(d, 32, d);
    printf("chain[2000] %016llx\n", (unsigned long long)first64(d));
    check("CHAIN", first64(d), WANT_CHAIN);

    pbkdf2_block1("password", "salt", 1, d2);
    if (first64(d2) != UINT64_C(0x120fb6cffcf8b32c)) {
        printf("FAIL kat pbkdf2 c=1\n");
        failures++;
    }
    pbkdf2_block1("password", "salt", 2, d2);
    if (first64(d2) != UINT64_C(0xae4d0c95af6b46d3)) {
        printf("FAIL kat pbkdf2 c=2\n");
        failures++;
    }
    pbkdf2_block1("password", "salt", 200, d2);
    printf("pbkdf2(200) %016llx\n", (unsigned long long)first64(d2));
    check("PBKDF", first64(d2), WANT_PBKDF);
    check("LENGTHS", len_mix, WANT_LENGTHS);

    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
