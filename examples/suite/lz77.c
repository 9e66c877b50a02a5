// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * lz77.c - LZSS-style LZ77 compressor with hash chains.
 *
 * Generates several deterministic inputs (pseudo-English text, structured
 * records, runs, noise), compresses each with a greedy and a lazy matching
 * strategy, decompresses, and verifies the round trip.  Checksums of the
 * compressed streams are compared against constants recorded from a -O0 build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_BITS 12
#define WINDOW_SIZE (1u << WINDOW_BITS)
#define LEN_BITS 4
#define MIN_MATCH 3
#define MAX_MATCH (MIN_MATCH + (1 << LEN_BITS) - 1)
#define HASH_BITS 13
#define HASH_SIZE (1u << HASH_BITS)
#define MAX_CHAIN 64
#define NIL 0xFFFFFFFFu

#define WANT_TEXT_GREEDY UINT64_C(0xc8c0776f72bbd03f)
#define WANT_TEXT_LAZY UINT64_C(0x5e310b942d1d3401)
#define WANT_ALL_SIZES UINT64_C(0x00008a8395d9ffb4)
#define WANT_ALL_STREAMS UINT64_C(0xac17074539339118)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

/* ---- deterministic PRNG ---- */
static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint32_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return (uint32_t)((x * UINT64_C(0x2545F4914F6CDD1D)) >> 32);
}

static uint32_t rng_below(uint32_t n)
{
    return rng_next() % n;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* ---- growable byte buffer ---- */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} Buf;

static void buf_init(Buf *b)
{
    b->cap = 256;
    b->len = 0;
    b->data = malloc(b->cap);
    if (!b->data) {
        perror("malloc");
        exit(2);
    }
}

static void buf_push(Buf *b, uint8_t v)
{
    if (b->len == b->cap) {
        b->cap *= 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) {
            perror("realloc");
            exit(2);
        }
    }
    b->data[b->len++] = v;
}

static void buf_append(Buf *b, const char *s)
{
    while (*s)
        buf_push(b, (uint8_t)*s++);
}

static void buf_free(Buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- input generators ---- */
static const char *const words[] = {
    "the", "of", "and", "compiler", "register", "allocation", "loop",
    "vector", "inline", "function", "pass", "pipeline", "schedule", "basic",
    "block", "value", "constant", "propagation", "dead", "code", "memory",
    "alias", "analysis", "branch", "predict", "cache", "line", "a", "to", "is"
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void gen_text(Buf *b, size_t approx)
{
    int sentence_start = 1;
    while (b->len < approx) {
        const char *w = words[rng_below((uint32_t)NWORDS)];
        if (sentence_start) {
            buf_push(b, (uint8_t)(w[0] - 'a' + 'A'));
            buf_append(b, w + 1);
            sentence_start = 0;
        } else {
            buf_append(b, w);
        }
        switch (rng_below(12)) {
        case 0:
            buf_append(b, ". ");
            sentence_start = 1;
            break;
        case 1:
            buf_append(b, ", ");
            break;
        case 2:
            buf_append(b, ".\n");
            sentence_start = 1;
            break;
        default:
            buf_push(b, ' ');
            break;
        }
    }
}

static void gen_records(Buf *b, size_t count)
{
    char line[96];
    size_t i;
    for (i = 0; i < count; i++) {
        unsigned id = (unsigned)(1000 + i * 7);
        unsigned qty = rng_below(50);
        unsigned price = 100 + rng_below(9900);
        snprintf(line, sizeof line, "id=%u;qty=%u;price=%u.%02u;tag=%s\n",
                 id, qty, price / 100, price % 100,
                 words[(i * 3) % NWORDS]);
        buf_append(b, line);
    }
}

static void gen_runs(Buf *b, size_t approx)
{
    while (b->len < approx) {
        uint8_t v = (uint8_t)rng_below(4);
        size_t run = 1 + rng_below(40);
        size_t i;
        for (i = 0; i < run; i++)
            buf_push(b, (uint8_t)('0' + v));
    }
}

static void gen_noise(Buf *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        buf_push(b, (uint8_t)rng_next());
}

/* ---- compressor ---- */
typedef struct {
    uint32_t head[HASH_SIZE];
    uint32_t prev[WINDOW_SIZE];
} Chains;

typedef struct {
    uint32_t offset;
    uint32_t length;
} Match;

static uint32_t hash3(const uint8_t *p)
{
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void chains_reset(Chains *c)
{
    uint32_t i;
    for (i = 0; i < HASH_SIZE; i++)
        c->head[i] = NIL;
    for (i = 0; i < WINDOW_SIZE; i++)
        c->prev[i] = NIL;
}

static void chains_insert(Chains *c, const uint8_t *in, size_t n, uint32_t pos)
{
    uint32_t h;
    if ((size_t)pos + MIN_MATCH > n)
        return;
    h = hash3(in + pos);
    c->prev[pos & (WINDOW_SIZE - 1)] = c->head[h];
    c->head[h] = pos;
}

static Match find_match(const Chains *c, const uint8_t *in, size_t n, uint32_t pos)
{
    Match best = {0, 0};
    uint32_t cand;
    int chain = 0;
    size_t limit;
    if ((size_t)pos + MIN_MATCH > n)
        return best;
    limit = n - pos;
    if (limit > MAX_MATCH)
        limit = MAX_MATCH;
    cand = c->head[hash3(in + pos)];
    while (cand != NIL && chain < MAX_CHAIN) {
        uint32_t dist = pos - cand;
        uint32_t len = 0;
        if (dist == 0 || dist >= WINDOW_SIZE)
            break;
        while (len < limit && in[cand + len] == in[pos + len])
            len++;
        if (len > best.length) {
            best.length = len;
            best.offset = dist;
            if (len == limit)
                break;
        }
        {
            uint32_t nxt = c->prev[cand & (WINDOW_SIZE - 1)];
            if (nxt == NIL || nxt >= cand)
                break;
            cand = nxt;
        }
        chain++;
    }
    if (best.length < MIN_MATCH)
        best.length = 0;
    return best;
}

typedef Match (*Strategy)(const Chains *c, const uint8_t *in, size_t n, uint32_t pos);

static Match strategy_greedy(const Chains *c, const uint8_t *in, size_t n, uint32_t pos)
{
    return find_match(c, in, n, pos);
}

/* Lazy: if the next position gives a strictly longer match, emit a literal now. */
static Match strategy_lazy(const Chains *c, const uint8_t *in, size_t n, uint32_t pos)
{
    Match here = find_match(c, in, n, pos);
    if (here.length > 0 && here.length < MAX_MATCH && pos + 1 < n) {
        Match next = find_match(c, in, n, pos + 1);
        if (next.length > here.length + 1) {
            here.length = 0;
            here.offset = 0;
        }
    }
    return here;
}

/* Output format: a flag byte precedes each group of 8 tokens.
 * Flag bit 1 = match (2 bytes: 12-bit offset, 4-bit length-3), 0 = literal. */
static void compress(const uint8_t *in, size_t n, Buf *out, Strategy strat)
{
    static Chains chains;
    uint32_t pos = 0;
    size_t flag_pos = 0;
    int flag_count = 8;
    chains_reset(&chains);
    while (pos < n) {
        Match m;
        if (flag_count == 8) {
            flag_pos = out->len;
            buf_push(out, 0);
            flag_count = 0;
        }
        m = strat(&chains, in, n, pos);
        if (m.length >= MIN_MATCH) {
            uint32_t code = (m.offset << LEN_BITS) | (m.length - MIN_MATCH);
            uint32_t k;
            out->data[flag_pos] |= (uint8_t)(1u << flag_count);
            buf_push(out, (uint8_t)(code >> 8));
            buf_push(out, (uint8_t)(code & 0xFF));
            for (k = 0; k < m.length; k++)
                chains_insert(&chains, in, n, pos + k);
            pos += m.length;
        } else {
            buf_push(out, in[pos]);
            chains_insert(&chains, in, n, pos);
            pos++;
        }
        flag_count++;
    }
}

static int decompress(const uint8_t *in, size_t n, Buf *out)
{
    size_t i = 0;
    while (i < n) {
        uint8_t flags = in[i++];
        int bit;
        for (bit = 0; bit < 8 && i < n; bit++) {
            if (flags & (1u << bit)) {
                uint32_t code, off, len, k;
                if (i + 1 >= n)
                    return -1;
                code = ((uint32_t)in[i] << 8) | in[i + 1];
                i += 2;
                off = code >> LEN_BITS;
                len = (code & ((1u << LEN_BITS) - 1)) + MIN_MATCH;
                if (off == 0 || off > out->len)
                    return -1;
                for (k = 0; k < len; k++)
                    buf_push(out, out->data[out->len - off]);
            } else {
                buf_push(out, in[i++]);
            }
        }
    }
    return 0;
}

typedef struct {
    const char *name;
    size_t raw;
    size_t packed;
    uint64_t hash;
    int ok;
} Result;

static Result run_case(const char *name, const Buf *input, Strategy strat)
{
    Result r;
    Buf packed, unpacked;
    buf_init(&packed);
    buf_init(&unpacked);
    compress(input->data, input->len, &packed, strat);
    r.name = name;
    r.raw = input->len;
    r.packed = packed.len;
    r.hash = fnv1a(packed.data, packed.len);
    r.ok = decompress(packed.data, packed.len, &unpacked) == 0 &&
           unpacked.len == input->len &&
           memcmp(unpacked.data, input->data, input->len) == 0;
    buf_free(&packed);
    buf_free(&unpacked);
    return r;
}

int main(void)
{
    Buf inputs[4];
    const char *names[4] = {"text", "records", "runs", "noise"};
    Strategy strats[2] = {strategy_greedy, strategy_lazy};
    const char *snames[2] = {"greedy", "lazy"};
    uint64_t size_sum = 0, stream_mix = 0;
    uint64_t text_hash[2] = {0, 0};
    int i, s;

    for (i = 0; i < 4; i++)
        buf_init(&inputs[i]);
    gen_text(&inputs[0], 20000);
    gen_records(&inputs[1], 300);
    gen_runs(&inputs[2], 12000);
    gen_noise(&inputs[3], 3000);

    for (i = 0; i < 4; i++) {
        for (s = 0; s < 2; s++) {
            Result r = run_case(names[i], &inputs[i], strats[s]);
            printf("%-8s %-6s raw=%6lu packed=%6lu ratio=%5.1f%% %s\n",
                   r.name, snames[s], (unsigned long)r.raw,
                   (unsigned long)r.packed,
                   100.0 * (double)r.packed / (double)r.raw,
                   r.ok ? "roundtrip" : "MISMATCH");
            if (!r.ok) {
                printf("FAIL roundtrip %s/%s\n", r.name, snames[s]);
                failures++;
            }
            size_sum = size_sum * 31 + r.packed;
            stream_mix = (stream_mix ^ r.hash) * UINT64_C(0x9E3779B97F4A7C15);
            if (i == 0)
                text_hash[s] = r.hash;
        }
    }

    /* Compressed-stream fingerprints recorded from a -O0 build. */
    check("TEXT_GREEDY", text_hash[0], WANT_TEXT_GREEDY);
    check("TEXT_LAZY", text_hash[1], WANT_TEXT_LAZY);
    check("ALL_SIZES", size_sum, WANT_ALL_SIZES);
    check("ALL_STREAMS", stream_mix, WANT_ALL_STREAMS);

    for (i = 0; i < 4; i++)
        buf_free(&inputs[i]);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
