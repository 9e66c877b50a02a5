// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * lzw.c - LZW compression with variable-width codes (9..14 bits),
 * a hashed dictionary in the encoder, a clear code when the table fills,
 * and an LSB-first bit packer.  Round-trips several generated inputs,
 * including the classic "KwKwK" corner case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BITS 9
#define MAX_BITS 14
#define MAX_CODES (1u << MAX_BITS)
#define CLEAR_CODE 256u
#define END_CODE 257u
#define FIRST_FREE 258u
#define HTAB_SIZE 20011u /* prime, > MAX_CODES */
#define EMPTY 0xFFFFFFFFu

#define WANT_CODES UINT64_C(0x555ea7b20e8c5b89)
#define WANT_STREAMS UINT64_C(0x67b87c2fefef7f75)
#define WANT_SIZES UINT64_C(0x00000006cdcee57d)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static uint32_t lcg_state = 12345u;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

/* ---- bit I/O ---- */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t pos; /* bytes written */
    uint32_t acc;
    int nbits;
} BitWriter;

static void bw_init(BitWriter *w, size_t cap)
{
    w->buf = malloc(cap);
    w->cap = cap;
    w->pos = 0;
    w->acc = 0;
    w->nbits = 0;
    if (!w->buf)
        exit(2);
}

static void bw_put(BitWriter *w, uint32_t code, int width)
{
    w->acc |= code << w->nbits;
    w->nbits += width;
    while (w->nbits >= 8) {
        if (w->pos == w->cap) {
            w->cap *= 2;
            w->buf = realloc(w->buf, w->cap);
            if (!w->buf)
                exit(2);
        }
        w->buf[w->pos++] = (uint8_t)(w->acc & 0xFF);
        w->acc >>= 8;
        w->nbits -= 8;
    }
}

static void bw_flush(BitWriter *w)
{
    if (w->nbits > 0)
        bw_put(w, 0, 8 - w->nbits);
}

typedef struct {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    uint32_t acc;
    int nbits;
} BitReader;

static int br_get(BitReader *r, int width, uint32_t *out)
{
    while (r->nbits < width) {
        if (r->pos >= r->len)
            return 0;
        r->acc |= (uint32_t)r->buf[r->pos++] << r->nbits;
        r->nbits += 8;
    }
    *out = r->acc & ((1u << width) - 1);
    r->acc >>= width;
    r->nbits -= width;
    return 1;
}

/* ---- encoder dictionary: open addressing on (prefix, byte) ---- */
typedef struct {
    uint32_t key[HTAB_SIZE];
    uint32_t code[HTAB_SIZE];
    uint32_t next_code;
    int width;
} EncDict;

static void enc_reset(EncDict *d)
{
    uint32_t i;
    for (i = 0; i < HTAB_SIZE; i++)
        d->key[i] = EMPTY;
    d->next_code = FIRST_FREE;
    d->width = MIN_BITS;
}

static uint32_t enc_slot(const EncDict *d, uint32_t key)
{
    uint32_t h = (key * 2654435761u) % HTAB_SIZE;
    while (d->key[h] != EMPTY && d->key[h] != key)
        h = (h + 1 == HTAB_SIZE) ? 0 : h + 1;
    return h;
}

typedef struct {
    size_t codes_emitted;
    size_t clears;
    uint64_t code_hash;
} EncStats;

static size_t lzw_encode(const uint8_t *in, size_t n, BitWriter *w, EncStats *st)
{
    static EncDict d;
    uint32_t prefix;
    size_t i;
    enc_reset(&d);
    st->codes_emitted = 0;
    st->clears = 0;
    st->code_hash = 0;
    bw_put(w, CLEAR_CODE, d.width);
    if (n == 0) {
        bw_put(w, END_CODE, d.width);
        bw_flush(w);
        return w->pos;
    }
    prefix = in[0];
    for (i = 1; i < n; i++) {
        uint32_t key = (prefix << 8) | in[i];
        uint32_t slot = enc_slot(&d, key);
        if (d.key[slot] == key) {
            prefix = d.code[slot];
            continue;
        }
        bw_put(w, prefix, d.width);
        st->codes_emitted++;
        st->code_hash = (st->code_hash * 1000003u) ^ prefix;
        if (d.next_code < MAX_CODES) {
            d.key[slot] = key;
            d.code[slot] = d.next_code++;
            /* widen once the decoder would need the next width */
            if (d.next_code > (1u << d.width) && d.width < MAX_BITS)
                d.width++;
        } else {
            bw_put(w, CLEAR_CODE, d.width);
            enc_reset(&d);
            st->clears++;
        }
        prefix = in[i];
    }
    bw_put(w, prefix, d.width);
    st->codes_emitted++;
    st->code_hash = (st->code_hash * 1000003u) ^ prefix;
    bw_put(w, END_CODE, d.width);
    bw_flush(w);
    return w->pos;
}

/* ---- decoder ---- */
typedef struct {
    uint16_t prefix[MAX_CODES];
    uint8_t suffix[MAX_CODES];
    uint8_t first[MAX_CODES];
    uint32_t next_code;
    int width;
} DecDict;

static void dec_reset(DecDict *d)
{
    uint32_t i;
    for (i = 0; i < 256; i++) {
        d->prefix[i] = 0xFFFF;
        d->suffix[i] = (uint8_t)i;
        d->first[i] = (uint8_t)i;
    }
    d->next_code = FIRST_FREE;
    d->width = MIN_BITS;
}

/* writes the string for code into out (reversed via stack), returns length */
static size_t emit_string(const DecDict *d, uint32_t code, uint8_t *out, size_t room)
{
    uint8_t stack[MAX_CODES];
    size_t sp = 0, k;
    while (code != 0xFFFF) {
        stack[sp++] = d->suffix[code];
        code = d->prefix[code];
    }
    if (sp > room)
        return (size_t)-1;
    for (k = 0; k < sp; k++)
        out[k] = stack[sp - 1 - k];
    return sp;
}

static long lzw_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    static DecDict d;
    BitReader r = {0, 0, 0, 0, 0};
    uint32_t code, prev = EMPTY;
    size_t olen = 0;
    r.buf = in;
    r.len = n;
    dec_reset(&d);
    while (br_get(&r, d.width, &code)) {
        size_t len;
        if (code == END_CODE)
            return (long)olen;
        if (code == CLEAR_CODE) {
            dec_reset(&d);
            prev = EMPTY;
            continue;
        }
        if (prev == EMPTY) {
            if (code > 255 || olen >= cap)
                return -1;
            out[olen++] = (uint8_t)code;
            prev = code;
            continue;
        }
        if (code < d.next_code) {
            len = emit_string(&d, code, out + olen, cap - olen);
            if (len == (size_t)-1)
                return -1;
            if (d.next_code < MAX_CODES) {
                d.prefix[d.next_code] = (uint16_t)prev;
                d.suffix[d.next_code] = d.first[code];
                d.first[d.next_code] = d.first[prev];
                d.next_code++;
            }
        } else if (code == d.next_code) {
            /* KwKwK: string is prev + first(prev) */
            if (d.next_code >= MAX_CODES)
                return -1;
            d.prefix[d.next_code] = (uint16_t)prev;
            d.suffix[d.next_code] = d.first[prev];
            d.first[d.next_code] = d.first[prev];
            d.next_code++;
            len = emit_string(&d, code, out + olen, cap - olen);
            if (len == (size_t)-1)
                return -1;
        } else {
            return -1;
        }
        olen += len;
        if (d.next_code + 1 > (1u << d.width) && d.width < MAX_BITS)
            d.width++;
        prev = code;
    }
    return -1;
}

/* ---- inputs ---- */
typedef size_t (*Generator)(uint8_t *buf, size_t cap);

static size_t gen_kwkwk(uint8_t *buf, size_t cap)
{
    size_t i;
    for (i = 0; i < cap && i < 5000; i++)
        buf[i] = 'a';
    return i;
}

static size_t gen_alpha(uint8_t *buf, size_t cap)
{
    static const char *frag[] = {"TOBEORNOT", "TOBE", "ORNOT", "ABRACADABRA",
                                 "MISSISSIPPI", " ", "\n"};
    size_t n = 0;
    while (n + 16 < cap && n < 30000) {
        const char *f = frag[lcg() % 7];
        while (*f)
            buf[n++] = (uint8_t)*f++;
    }
    return n;
}

static size_t gen_table(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    int row, col;
    for (row = 0; row < 120 && n + 200 < cap; row++) {
        for (col = 0; col < 10; col++) {
            int v = (row * 37 + col * col * 11) % 1000;
            n += (size_t)snprintf((char *)buf + n, cap - n, "%4d%c", v,
                                  col == 9 ? '\n' : ',');
        }
    }
    return n;
}

static size_t gen_bytes(uint8_t *buf, size_t cap)
{
    size_t i, n = cap < 60000 ? cap : 60000;
    for (i = 0; i < n; i++) {
        uint32_t r = lcg();
        /* skewed distribution: mostly a small alphabet */
        buf[i] = (uint8_t)((r & 7) < 6 ? 'a' + (r >> 4) % 6 : r >> 12);
    }
    return n;
}

static size_t gen_empty(uint8_t *buf, size_t cap)
{
    (void)buf;
    (void)cap;
    return 0;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(1099511628211);
    return h;
}

int main(void)
{
    static uint8_t input[70000];
    static uint8_t output[70000];
    static const struct {
        const char *name;
        Generator gen;
    } cases[] = {
        {"kwkwk", gen_kwkwk},
        {"alpha", gen_alpha},
        {"table", gen_table},
        {"bytes", gen_bytes},
        {"empty", gen_empty},
    };
    uint64_t codes_mix = 0, stream_mix = 0, size_mix = 0;
    size_t c;

    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        BitWriter w;
        EncStats st;
        size_t n = cases[c].gen(input, sizeof input);
        size_t packed;
        long dlen;
        bw_init(&w, 64);
        packed = lzw_encode(input, n, &w, &st);
        dlen = lzw_decode(w.buf, packed, output, sizeof output);
        printf("%-6s in=%6lu out=%6lu codes=%6lu clears=%lu\n", cases[c].name,
               (unsigned long)n, (unsigned long)packed,
               (unsigned long)st.codes_emitted, (unsigned long)st.clears);
        if (dlen < 0 || (size_t)dlen != n || memcmp(input, output, n) != 0) {
            printf("FAIL roundtrip %s\n", cases[c].name);
            failures++;
        }
        codes_mix = codes_mix * 31 + st.code_hash;
        stream_mix ^= hash_bytes(w.buf, packed) + c;
        size_mix = (size_mix << 7) ^ (size_mix >> 3) ^ packed ^ (st.clears << 20);
        free(w.buf);
    }

    check("CODES", codes_mix, WANT_CODES);
    check("STREAMS", stream_mix, WANT_STREAMS);
    check("SIZES", size_mix, WANT_SIZES);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
