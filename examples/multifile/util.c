// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* util.c -- PRNG, checksum mixing and CRC32 shared by the other modules. */
#include <math.h>

#include "multifile.h"

static uint32_t crc_table[256];
static int crc_ready = 0;

void mf_rng_seed(MfRng *r, uint32_t seed)
{
    r->state = seed ? seed : 0x6A09E667u;
}

uint32_t mf_rng_next(MfRng *r)
{
    /* xorshift32 */
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->state = x;
    return x;
}

uint32_t mf_rng_below(MfRng *r, uint32_t n)
{
    return n ? mf_rng_next(r) % n : 0u;
}

double mf_rng_unit(MfRng *r)
{
    return (double)(mf_rng_next(r) >> 8) * (1.0 / 16777216.0);
}

uint32_t mf_mix(uint32_t h, uint32_t v)
{
    h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
    return h;
}

uint32_t mf_mix_double(uint32_t h, double d, double scale)
{
    double q = floor(d * scale + 0.5);
    int64_t i = (int64_t)q;
    uint64_t u = (uint64_t)i;
    h = mf_mix(h, (uint32_t)u);
    return mf_mix(h, (uint32_t)(u >> 32));
}

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_ready = 1;
}

uint32_t mf_crc32(const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    uint32_t crc = 0xFFFFFFFFu;
    if (!crc_ready)
        crc_init();
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

uint32_t mf_hash_string(const char *s)
{
    /* FNV-1a */
    uint32_t h = 0x811C9DC5u;
    for (; *s; s++) {
        h ^= (uint32_t)(unsigned char)*s;
        h *= 0x01000193u;
    }
    return h;
}
